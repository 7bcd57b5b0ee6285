//! Client liveness: pings, NEED_REMOUNT, and what happens to a client that goes silent, called
//! directly and through the real background workers on paused time.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use mooncake_proto::ErrorCode;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::service::ClientStatus;
use crate::service::workers::Workers;

#[test]
fn ping_asks_an_unknown_client_to_remount_and_a_mounted_one_is_ok() {
    let service = MasterService::new(ServiceConfig {
        view_version: 42,
        ..config()
    });
    let node = client();
    assert_eq!(service.ping(node), (ClientStatus::NeedRemount, 42));
    service.mount_segment(node, spec("a", 64 * KIB, "h")).unwrap();
    assert_eq!(service.ping(node), (ClientStatus::Ok, 42));
    // A reader with no memory to offer joins through an empty remount.
    let reader = client();
    assert_eq!(service.ping(reader).0, ClientStatus::NeedRemount);
    service.remount_segments(reader, Vec::new()).unwrap();
    assert_eq!(service.ping(reader).0, ClientStatus::Ok);
    assert_eq!(service.stats().clients, 2);
}

/// Node A (silent), node B (alive) and a writer W (alive) with objects only on A, only on B, and on
/// both.
struct Cluster {
    service: Arc<MasterService>,
    a: ClientId,
    b: ClientId,
    writer: ClientId,
}

fn cluster() -> Cluster {
    let service = Arc::new(MasterService::new(config()));
    let (a, b, writer) = (client(), client(), client());
    service.mount_segment(a, spec("a", 64 * KIB, "ha")).unwrap();
    service.mount_segment(b, spec("b", 64 * KIB, "hb")).unwrap();
    service.remount_segments(writer, Vec::new()).unwrap();
    let on = |names: &[&str]| ReplicateConfig {
        replica_num: names.len() as u32,
        preferred_segments: names.iter().map(|n| n.to_string()).collect(),
        ..ReplicateConfig::default()
    };
    put(&service, writer, "only-a", 1000, &on(&["a"]));
    put(&service, writer, "only-b", 1000, &on(&["b"]));
    put(&service, writer, "both", 1000, &on(&["a", "b"]));
    service.put_start(writer, "writing-a", 1000, &on(&["a"])).unwrap();
    Cluster {
        service,
        a,
        b,
        writer,
    }
}

impl Cluster {
    fn ping_alive(&self) {
        assert_eq!(self.service.ping(self.b).0, ClientStatus::Ok);
        assert_eq!(self.service.ping(self.writer).0, ClientStatus::Ok);
    }

    fn a_mounted(&self) -> bool {
        self.service.all_segments().iter().any(|s| s.spec.name == "a")
    }

    /// What a silent A must have left behind.
    fn assert_a_gone(&self) {
        let service = &self.service;
        assert!(!self.a_mounted());
        assert_eq!(
            code(service.get_replica_list("only-a")),
            ErrorCode::ObjectNotFound
        );
        assert!(!service.exist_key("only-a").unwrap());
        assert_eq!(code(service.query_key("writing-a")), ErrorCode::ObjectNotFound);
        assert_eq!(replica_segments(service, "both"), vec!["b".to_string()]);
        assert_eq!(service.get_replica_list("both").unwrap().replicas.len(), 1);
        assert!(service.exist_key("only-b").unwrap());
        assert_eq!(service.all_keys(), vec!["both".to_string(), "only-b".to_string()]);
        assert_eq!(service.stats().processing_keys, 0);
        assert_eq!(service.counters().expired_clients.load(Ordering::Relaxed), 1);
        // A comes back: told to remount, and may.
        assert_eq!(service.ping(self.a).0, ClientStatus::NeedRemount);
        service
            .remount_segments(self.a, vec![spec("a", 64 * KIB, "ha")])
            .unwrap();
        assert_eq!(service.ping(self.a).0, ClientStatus::Ok);
        assert_eq!(used_in(service, "a"), 0);
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_loses_its_segments_after_client_ttl() {
    let c = cluster();
    for _ in 0..10 {
        advance_ms(1_000).await;
        c.ping_alive();
        assert!(c.service.expire_silent_clients().is_empty());
    }
    // Exactly client_ttl of silence is still alive; a moment more is not.
    assert!(c.a_mounted());
    assert!(c.service.exist_key("only-a").unwrap());
    advance_ms(1).await;
    assert_eq!(c.service.expire_silent_clients(), vec![c.a]);
    c.assert_a_gone();
}

#[tokio::test(start_paused = true)]
async fn a_pinging_client_never_expires() {
    let c = cluster();
    for _ in 0..100 {
        advance_ms(1_000).await;
        c.ping_alive();
        c.service.ping(c.a);
        assert!(c.service.expire_silent_clients().is_empty());
    }
    assert!(c.a_mounted());
    assert!(c.service.exist_key("only-a").unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_client_that_leaves_cleanly_unmounts_at_once() {
    let c = cluster();
    c.service.client_leave(c.a);
    assert!(!c.a_mounted());
    assert_eq!(
        code(c.service.get_replica_list("only-a")),
        ErrorCode::ObjectNotFound
    );
    assert_eq!(replica_segments(&c.service, "both"), vec!["b".to_string()]);
    assert_eq!(c.service.ping(c.a).0, ClientStatus::NeedRemount);
}

async fn stop(workers: Workers, cancel: CancellationToken) {
    cancel.cancel();
    workers.join().await;
}

#[tokio::test(start_paused = true)]
async fn the_liveness_worker_unmounts_a_silent_client() {
    let c = cluster();
    let cancel = CancellationToken::new();
    let workers = Workers::spawn(c.service.clone(), cancel.clone());
    // Steps of one liveness period (client_ttl / 4, at most 1 s).
    for _ in 0..9 {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        c.ping_alive();
    }
    assert!(c.a_mounted(), "expired before client_ttl");
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        c.ping_alive();
    }
    c.assert_a_gone();
    let liveness = workers
        .statuses()
        .iter()
        .find(|s| s.name == "liveness")
        .unwrap()
        .clone();
    assert!(liveness.runs.load(Ordering::Relaxed) >= 10);
    assert_eq!(liveness.items.load(Ordering::Relaxed), 1);
    stop(workers, cancel).await;
}

#[tokio::test(start_paused = true)]
async fn the_liveness_worker_forgives_a_master_stall_longer_than_client_ttl() {
    let c = cluster();
    let cancel = CancellationToken::new();
    let workers = Workers::spawn(c.service.clone(), cancel.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The whole master (its workers included) was frozen for a minute: nobody could ping.
    tokio::time::advance(Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert!(c.a_mounted(), "a client was expired for the master's own stall");
    assert!(c.service.exist_key("only-b").unwrap());
    assert_eq!(c.service.counters().expired_clients.load(Ordering::Relaxed), 0);
    // The stall granted a fresh TTL, not immunity: A, still silent, expires a TTL later.
    for _ in 0..12 {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        c.ping_alive();
    }
    c.assert_a_gone();
    stop(workers, cancel).await;
}

#[tokio::test(start_paused = true)]
async fn the_put_timeout_worker_releases_an_abandoned_put() {
    let c = cluster();
    let cancel = CancellationToken::new();
    let workers = Workers::spawn(c.service.clone(), cancel.clone());
    for _ in 0..601 {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        c.ping_alive();
        c.service.ping(c.a);
    }
    assert_eq!(code(c.service.query_key("writing-a")), ErrorCode::ObjectNotFound);
    assert_eq!(used_in(&c.service, "a"), 2000);
    assert!(c.service.exist_key("only-a").unwrap());
    stop(workers, cancel).await;
}

#[tokio::test(start_paused = true)]
async fn a_client_expiring_mid_drain_loses_its_segment_at_once() {
    let c = cluster();
    let a = c.service.query_segment("a").unwrap()[0].spec.id;
    c.service.unmount_segment(a, Duration::from_secs(600)).unwrap();
    for _ in 0..11 {
        advance_ms(1_000).await;
        c.ping_alive();
        c.service.expire_silent_clients();
    }
    c.assert_a_gone();
    assert_eq!(c.service.finish_drains(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_eviction_worker_runs_as_soon_as_a_put_crosses_the_watermark() {
    let service = Arc::new(MasterService::new(config()));
    let node = client();
    service.mount_segment(node, spec("a", 10 * KIB, "h")).unwrap();
    let cancel = CancellationToken::new();
    let workers = Workers::spawn(service.clone(), cancel.clone());
    tokio::time::sleep(Duration::from_millis(100)).await;
    for i in 0..10 {
        put(&service, node, &format!("k{i}"), KIB, &one());
        advance_ms(1).await;
    }
    // Well before the worker's next periodic run.
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert!(used_total(&service) as f64 <= 10.0 * KIB as f64 * 0.9);
    assert!(!present(&service, "k0"));
    assert!(present(&service, "k9"));
    let eviction = workers
        .statuses()
        .iter()
        .find(|s| s.name == "eviction")
        .unwrap()
        .clone();
    assert!(eviction.items.load(Ordering::Relaxed) >= 1);
    stop(workers, cancel).await;
}
