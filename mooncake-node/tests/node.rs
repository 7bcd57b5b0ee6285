//! The node process as a library: joining a real in-process master, giving up on an unreachable
//! one after bounded retries, remounting after a master restart, unmounting on shutdown.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use mooncake_node::{ClientConfig, Node, NodeConfig, NodeError};
use mooncake_proto::master::GetAllSegmentsRequest;
use mooncake_tests::TestMaster;
use tokio_util::sync::CancellationToken;

const MIB: u64 = 1 << 20;

pub fn node_config(master_addr: &str) -> NodeConfig {
    NodeConfig::new(ClientConfig {
        global_segment_size: 4 * MIB,
        enable_shm: false,
        ..ClientConfig::new(master_addr)
    })
}

/// Segment ids the master knows.
async fn master_segments(master: &TestMaster) -> Vec<String> {
    let reply = master
        .client()
        .await
        .get_all_segments(GetAllSegmentsRequest {})
        .await
        .unwrap()
        .into_inner();
    reply
        .segments
        .into_iter()
        .map(|s| s.segment.unwrap().id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_joins_mounts_and_unmounts_on_shutdown() {
    let master = TestMaster::start(|_| {}).await;
    let handle = Node::start(
        node_config(&master.handle.rpc_addr.to_string()),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(handle.rest_addr(), None);
    let ids = handle.client().segment_ids();
    assert_eq!(ids.len(), 1);
    assert_eq!(master_segments(&master).await, ids);
    handle.client().put("k", b"v").await.unwrap();
    handle.shutdown().await.unwrap();
    assert!(master_segments(&master).await.is_empty());
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_returns_after_cancel_with_segments_unmounted() {
    let master = TestMaster::start(|_| {}).await;
    let cancel = CancellationToken::new();
    let run = tokio::spawn(Node::run(
        node_config(&master.handle.rpc_addr.to_string()),
        cancel.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(10);
    while master_segments(&master).await.is_empty() {
        assert!(Instant::now() < deadline, "node never mounted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cancel.cancel();
    run.await.unwrap().unwrap();
    assert!(master_segments(&master).await.is_empty());
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_master_gives_up_after_the_bounded_retries() {
    // A port nobody listens on: bind, note it, close.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut config = node_config(&addr.to_string());
    config.connect_retries = 3;
    config.retry_backoff = Duration::from_millis(10);
    let started = Instant::now();
    let error = Node::start(config, CancellationToken::new()).await.unwrap_err();
    match &error {
        NodeError::MasterUnreachable {
            address, attempts, ..
        } => {
            assert_eq!(address, &addr.to_string());
            assert_eq!(*attempts, 3);
        }
        other => panic!("wrong error: {other}"),
    }
    let message = error.to_string();
    assert!(message.contains("unreachable after 3 attempts"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_remounts_after_a_master_restart() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    let handle = Node::start(node_config(&addr.to_string()), CancellationToken::new())
        .await
        .unwrap();
    let ids = handle.client().segment_ids();
    master.stop().await;
    let master = TestMaster::start(|config| config.rpc_listen = addr).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while master_segments(&master).await != ids {
        assert!(Instant::now() < deadline, "no remount within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    handle.client().put("after-restart", b"value").await.unwrap();
    assert_eq!(handle.client().get("after-restart").await.unwrap(), b"value");
    handle.shutdown().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_config_fails_at_once_without_retrying() {
    let master = TestMaster::start(|_| {}).await;
    let mut config = node_config(&master.handle.rpc_addr.to_string());
    config.client.protocol = "rdma".into();
    config.retry_backoff = Duration::from_secs(60);
    let started = Instant::now();
    let error = Node::start(config, CancellationToken::new()).await.unwrap_err();
    assert!(matches!(error, NodeError::Join(_)), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_rest_port_fails_start_and_leaves_nothing_mounted() {
    let master = TestMaster::start(|_| {}).await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut config = node_config(&master.handle.rpc_addr.to_string());
    config.rest_listen = Some(taken.local_addr().unwrap());
    let error = Node::start(config, CancellationToken::new()).await.unwrap_err();
    assert!(matches!(error, NodeError::Bind { .. }), "{error}");
    assert!(master_segments(&master).await.is_empty());
    master.stop().await;
}
