//! End to end with real processes on loopback: a master and two `mooncake node join` processes; a put
//! with two replicas lands on both segments (`query-key` and the admin `/query_key` agree); after
//! `kill -9` of one node, reads still succeed from the other replica, and after `client_ttl` the dead
//! node's segment is gone from `/get_all_segments`; a remove is refused until the read lease ends.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::Duration;

use mooncake_tests::TestMaster;
use mooncake_tests::process::{node_join, wait_until};

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

fn mooncake(master: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["--master", master])
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_survive_the_kill_of_one_node() {
    let master = TestMaster::start(|c| {
        c.service.client_ttl = Duration::from_secs(1);
        c.service.default_kv_lease_ttl = Duration::from_millis(1500);
    })
    .await;
    let addr = master.handle.rpc_addr.to_string();
    let mut a = node_join(BIN, &addr, "32MiB");
    let _b = node_join(BIN, &addr, "32MiB");
    wait_until("two segments", Duration::from_secs(20), async || {
        master.admin_get("/get_all_segments").await.lines().count() == 2
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v");
    let value: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 253) as u8).collect();
    std::fs::write(&file, &value).unwrap();
    let put = mooncake(&addr, &["put", "k", file.to_str().unwrap(), "--replica-num", "2"]);
    assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));

    // The CLI's lease-free view and the admin endpoint agree on two replicas on distinct segments.
    let query = mooncake(&addr, &["--output", "json", "query-key", "k"]);
    assert!(query.status.success());
    let json: serde_json::Value = serde_json::from_slice(&query.stdout).unwrap();
    let text = json.to_string();
    let admin_view: serde_json::Value =
        serde_json::from_str(&master.admin_get("/query_key?key=k").await).unwrap();
    let endpoints: Vec<String> = admin_view["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["transport_endpoint_"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(endpoints.len(), 2);
    assert_ne!(endpoints[0], endpoints[1]);
    for endpoint in &endpoints {
        assert!(text.contains(endpoint), "query-key shows {endpoint}: {text}");
    }

    // kill -9 one node: the other replica still serves reads.
    a.0.kill().unwrap();
    a.0.wait().unwrap();
    for _ in 0..3 {
        let get = mooncake(&addr, &["get", "k"]);
        assert!(get.status.success(), "{}", String::from_utf8_lossy(&get.stderr));
        assert!(get.stdout == value, "bytes differ after losing a replica");
    }
    // After client_ttl the dead node's segment leaves the pool.
    wait_until(
        "the dead node's segment to go",
        Duration::from_secs(20),
        async || master.admin_get("/get_all_segments").await.lines().count() == 1,
    )
    .await;
    let get = mooncake(&addr, &["get", "k"]);
    assert!(get.status.success() && get.stdout == value);

    // The get's read lease protects the key from removal until it ends.
    let refused = mooncake(&addr, &["rm", "k"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("OBJECT_HAS_LEASE"));
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let removed = mooncake(&addr, &["rm", "k"]);
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert_eq!(mooncake(&addr, &["get", "k"]).status.code(), Some(1));
    master.stop().await;
}
