//! The replication channel end to end on real loopback sockets: a leader core with its
//! [`Replication`], a standby following it with [`follower::follow`], or a raw peer that stops
//! acknowledging.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use mooncake_proto::master::{FollowEvent, FollowRequest, follow_event};
use parking_lot::Mutex;
use prost::Message;
use uuid::Uuid;

use super::follower::{self, FollowError, FollowerState};
use super::replication::{ACK_TIMEOUT, Replication};
use super::wire;
use crate::service::{ClientId, MasterService, ReplicateConfig, SegmentId, SegmentSpec, ServiceConfig};

/// A leader core with one segment and `keys` objects, serving followers on a loopback port.
fn leader(keys: usize) -> (Arc<MasterService>, Arc<Replication>, ClientId, String) {
    let service = Arc::new(MasterService::new(ServiceConfig {
        shard_count: 16,
        record_changes: true,
        ..ServiceConfig::default()
    }));
    let node = ClientId(Uuid::new_v4());
    let spec = SegmentSpec {
        id: SegmentId(Uuid::new_v4()),
        name: "127.0.0.1:1".into(),
        base: 1 << 40,
        size: 1 << 20,
        te_endpoint: "127.0.0.1:1".into(),
        protocol: "tcp".into(),
        host_id: "h".into(),
        cxl: false,
    };
    service.mount_segment(node, spec).unwrap();
    for i in 0..keys {
        put(&service, node, &format!("k{i}"));
    }
    let replication = Replication::new(service.clone());
    replication.set_leading(true);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let serving = replication.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            // The RPC port's sniffer consumes the magic before handing the connection over.
            let mut magic = [0u8; 8];
            stream.read_exact(&mut magic).unwrap();
            assert_eq!(&magic, wire::FOLLOW_MAGIC);
            let serving = serving.clone();
            std::thread::spawn(move || serving.serve_follower(stream));
        }
    });
    (service, replication, node, addr)
}

fn put(service: &MasterService, client: ClientId, key: &str) {
    service
        .put_start(client, key, 100, &ReplicateConfig::default())
        .unwrap();
    service.put_end(client, key, None).unwrap();
}

fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_copies_the_leader_and_is_let_go_when_it_steps_down() {
    let (service, replication, node, addr) = leader(3);
    let copy = Arc::new(Mutex::new(FollowerState::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let following = {
        let (copy, stop) = (copy.clone(), stop.clone());
        std::thread::spawn(move || follower::follow(&addr, "standby-1", &copy, &stop))
    };
    eventually("the standby in sync", || replication.in_sync() == 1);
    assert_eq!(copy.lock().objects(), 3);

    // A mutation is answered once the standby has it.
    put(&service, node, "k3");
    replication.wait_replicated().await;
    assert_eq!(copy.lock().objects(), 4, "acknowledged before the wait returned");

    // Stepping down lets the standby go: its copy is no longer known to be current.
    replication.set_leading(false);
    let ended = tokio::task::spawn_blocking(move || following.join().unwrap())
        .await
        .unwrap();
    assert!(matches!(ended, FollowError::LetGo { .. }), "{ended}");
    assert!(!copy.lock().synced);
    eventually("the follower removed", || replication.in_sync() == 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_that_stops_acknowledging_is_dropped_and_told() {
    let (service, replication, node, addr) = leader(1);
    let mut peer = TcpStream::connect(&addr).unwrap();
    let mut hello = wire::FOLLOW_MAGIC.to_vec();
    let request = FollowRequest {
        follower: "silent".into(),
        applied: 0,
    };
    wire::encode_frame(&mut hello, &request);
    peer.write_all(&hello).unwrap();
    let (never, mut body) = (AtomicBool::new(false), Vec::new());
    assert!(wire::read_frame(&mut peer, &mut body, &never).unwrap());
    let Some(follow_event::Event::Image(image)) = FollowEvent::decode(&body[..]).unwrap().event else {
        panic!("the image comes first");
    };
    wire::write_ack(&mut peer, image.last_change).unwrap();
    eventually("the peer in sync", || replication.in_sync() == 1);

    // It never acknowledges this change: the wait ends at the timeout and drops it.
    put(&service, node, "k1");
    let started = Instant::now();
    replication.wait_replicated().await;
    assert!(started.elapsed() >= ACK_TIMEOUT - Duration::from_millis(100));
    assert_eq!(replication.in_sync(), 0);
    // What it receives: the put's changes (started, stored), then the "let go" frame.
    let mut changes = 0;
    while wire::read_frame(&mut peer, &mut body, &never).unwrap() {
        let event = FollowEvent::decode(&body[..]).unwrap();
        assert!(matches!(event.event, Some(follow_event::Event::Change(_))));
        changes += 1;
    }
    assert_eq!(changes, 2, "PutStart and PutEnd of k1, then let go");
    // Later mutations no longer wait for it.
    put(&service, node, "k2");
    let started = Instant::now();
    replication.wait_replicated().await;
    assert!(started.elapsed() < Duration::from_millis(500));
}
