//! The node's REST store service over real HTTP against a real in-process master: mount/unmount
//! (segments appear and disappear at the master), mount_shm of a shm object the test creates,
//! unmount with a grace period, object put/get/exist/remove, and JSON errors for bad requests.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use mooncake_node::{Client, ClientConfig, Node, NodeConfig, NodeHandle};
use mooncake_proto::master::GetAllSegmentsRequest;
use mooncake_tests::TestMaster;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const MIB: u64 = 1 << 20;

/// A node contributing `segment` bytes at start, serving REST on an ephemeral loopback port.
async fn node(master: &TestMaster, segment: u64) -> (NodeHandle, String) {
    let mut config = NodeConfig::new(ClientConfig {
        global_segment_size: segment,
        enable_shm: false,
        ..ClientConfig::new(master.handle.rpc_addr.to_string())
    });
    config.rest_listen = Some("127.0.0.1:0".parse().unwrap());
    let handle = Node::start(config, CancellationToken::new()).await.unwrap();
    let url = format!("http://{}", handle.rest_addr().unwrap());
    (handle, url)
}

async fn master_segments(master: &TestMaster) -> Vec<(String, u64)> {
    let reply = master
        .client()
        .await
        .get_all_segments(GetAllSegmentsRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut ids: Vec<_> = reply
        .segments
        .into_iter()
        .map(|s| {
            let segment = s.segment.unwrap();
            (segment.id, segment.size)
        })
        .collect();
    ids.sort();
    ids
}

async fn post(url: &str, path: &str, body: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn pattern(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(13).wrapping_add(seed))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_and_unmount_show_at_the_master() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 0).await;
    assert!(master_segments(&master).await.is_empty());

    let (status, body) = post(
        &url,
        "/api/mount",
        r#"{"size": 4194304, "protocol": "tcp", "location": ""}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["allocated_size"], 4 * MIB);
    let id = body["segment_ids"][0].as_str().unwrap().to_string();
    assert_eq!(master_segments(&master).await, vec![(id.clone(), 4 * MIB)]);

    // The mounted memory takes puts (the node has no other segment).
    let value = pattern(1, 100_000);
    handle.client().put("in-extra", &value).await.unwrap();
    assert!(handle.client().get("in-extra").await.unwrap() == value);

    // A bare string is accepted for one id.
    let (status, body) = post(&url, "/api/unmount", &json!({ "segment_ids": id }).to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "status": "success" }));
    assert!(master_segments(&master).await.is_empty());
    assert!(!handle.client().is_exist("in-extra").await.unwrap());

    // Unknown ids are 404 with a JSON error.
    let (status, body) = post(&url, "/api/unmount", &json!({ "segment_ids": [id] }).to_string()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body["error"].as_str().unwrap().contains(&id), "{body}");
    assert_eq!(body["code"], -101);

    handle.shutdown().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_shm_maps_the_named_object() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 0).await;
    let name = format!("mooncake-rest-test-{}", std::process::id());
    let path = std::path::Path::new("/dev/shm").join(&name);
    // Removed even when an assertion below fails: /dev/shm is memory, and it outlives the test.
    struct RemoveOnDrop(std::path::PathBuf);
    impl Drop for RemoveOnDrop {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let _cleanup = RemoveOnDrop(path.clone());
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(8 * MIB).unwrap();

    let request = json!({ "name": format!("/{name}"), "size": 4 * MIB, "offset": 4 * MIB, "protocol": "tcp", "location": "" });
    let (status, body) = post(&url, "/api/mount_shm", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    let id = body["segment_ids"][0].as_str().unwrap().to_string();
    assert_eq!(master_segments(&master).await, vec![(id.clone(), 4 * MIB)]);

    // A put lands in the object's second half; another client reads it back over TCP.
    let value = pattern(7, 50_000);
    handle.client().put("in-shm", &value).await.unwrap();
    let contents = std::fs::read(&path).unwrap();
    let at = contents
        .windows(value.len())
        .position(|w| w == value.as_slice())
        .expect("the value is in the shm object");
    assert!(
        at >= (4 * MIB) as usize,
        "written at {at}, before the mounted offset"
    );
    for shm in [false, true] {
        let reader = Client::connect(ClientConfig {
            global_segment_size: 0,
            enable_shm: shm,
            ..ClientConfig::new(master.handle.rpc_addr.to_string())
        })
        .await
        .unwrap();
        assert!(reader.get("in-shm").await.unwrap() == value, "reader shm={shm}");
        reader.close().await.unwrap();
    }

    let (status, body) = post(
        &url,
        "/api/unmount_shm",
        &json!({ "segment_ids": [id], "grace_period_seconds": 0 }).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(master_segments(&master).await.is_empty());

    // Names with a path separator, and missing objects, are refused.
    for name in ["a/b", "/../etc", "no-such-mooncake-object"] {
        let request = json!({ "name": name, "size": MIB });
        let (status, body) = post(&url, "/api/mount_shm", &request.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        assert!(body["error"].is_string());
    }
    handle.shutdown().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmount_with_grace_keeps_objects_readable_then_drops_them() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 0).await;
    let (_, body) = post(&url, "/api/mount", r#"{"size": 4194304}"#).await;
    let id = body["segment_ids"][0].as_str().unwrap().to_string();
    let value = pattern(3, 10_000);
    handle.client().put("graceful", &value).await.unwrap();

    let started = Instant::now();
    let request = json!({ "segment_ids": [id], "grace_period_seconds": 2 });
    let (status, body) = post(&url, "/api/unmount", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(handle.client().get("graceful").await.unwrap() == value);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the read above must fall inside the grace"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    while handle.client().is_exist("graceful").await.unwrap() {
        assert!(
            Instant::now() < deadline,
            "still readable long after the grace period"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "dropped before the grace period ended"
    );
    while !master_segments(&master).await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "segment still mounted after the grace period"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    handle.shutdown().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_put_get_exist_remove_over_http() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 16 * MIB).await;
    let http = reqwest::Client::new();
    let value = pattern(9, 3 * MIB as usize);

    let response = http
        .put(format!("{url}/api/objects/k1?replica_num=1&soft_pin=true"))
        .body(value.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let exists: Value = http
        .get(format!("{url}/api/objects/k1/exists"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(exists, json!({ "exists": true }));

    let response = http.get(format!("{url}/api/objects/k1")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/octet-stream");
    assert!(response.bytes().await.unwrap() == value);

    // Putting again is 409; the old value stays.
    let response = http
        .put(format!("{url}/api/objects/k1"))
        .body(vec![1u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], -705, "{body}");

    let response = http
        .delete(format!("{url}/api/objects/k1?force=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let exists: Value = http
        .get(format!("{url}/api/objects/k1/exists"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(exists, json!({ "exists": false }));

    let response = http.get(format!("{url}/api/objects/k1")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], -704, "{body}");
    let response = http.delete(format!("{url}/api/objects/k1")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Empty values and bad query strings are 400.
    let response = http.put(format!("{url}/api/objects/empty")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = http
        .put(format!("{url}/api/objects/k2?replica_num=many"))
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.json::<Value>().await.unwrap()["error"].is_string());

    handle.shutdown().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mooncakes_json_data_routes_work() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 16 * MIB).await;
    let http = reqwest::Client::new();
    let put = |body: Value| http.put(format!("{url}/api/put")).body(body.to_string()).send();
    let response = put(json!({ "key": "a", "value": "hello" })).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "status": "success" })
    );
    let response = put(json!({ "key": "b" })).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "Missing key or value"
    );

    let bytes = http
        .get(format!("{url}/api/get/a"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"hello");
    let exists: Value = http
        .get(format!("{url}/api/exist/a"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(exists, json!({ "exists": true }));
    // Right after a read the key is leased: an unforced remove is 409 OBJECT_HAS_LEASE (Mooncake
    // answers 500 here).
    let response = http.delete(format!("{url}/api/remove/a")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], -706);

    put(json!({ "key": "r", "value": "v" })).await.unwrap();
    let response = http.delete(format!("{url}/api/remove/r")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = http.get(format!("{url}/api/get/r")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = http.delete(format!("{url}/api/remove/r")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    handle.client().remove("a", true).await.unwrap();
    for key in ["x", "y"] {
        put(json!({ "key": key, "value": "v" })).await.unwrap();
    }
    let body: Value = http
        .delete(format!("{url}/api/remove_all"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body, json!({ "status": "success removed 2 keys" }));
    handle.shutdown().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_400_with_a_json_error() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 0).await;
    let cases = [
        ("/api/mount", "not json"),
        ("/api/mount", "{}"),
        ("/api/mount", r#"{"size": -1}"#),
        ("/api/mount", r#"{"size": 0}"#),
        ("/api/mount", r#"{"size": 4096, "protocol": "rdma"}"#),
        ("/api/mount", r#"{"size": 4096, "sise": 1}"#),
        ("/api/unmount", r#"{"grace_period_seconds": 1}"#),
        ("/api/unmount", r#"{"segment_ids": []}"#),
        (
            "/api/unmount",
            r#"{"segment_ids": ["x"], "grace_period_seconds": -3}"#,
        ),
        ("/api/mount_shm", r#"{"size": 4096}"#),
        ("/api/unmount_shm", "[1, 2]"),
    ];
    for (path, body) in cases {
        let (status, reply) = post(&url, path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {reply}");
        assert!(reply["error"].is_string(), "{reply}");
        assert_eq!(reply["code"], -600, "{reply}");
    }
    assert!(master_segments(&master).await.is_empty());
    let (status, reply) = post(&url, "/api/nothing", "{}").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        reply["error"].as_str().unwrap().contains("/api/nothing"),
        "{reply}"
    );
    handle.shutdown().await.unwrap();
    master.stop().await;
}

/// Segments mounted over REST are remounted with the global one when the master restarts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extra_segments_are_remounted_after_a_master_restart() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    let (handle, url) = node(&master, 4 * MIB).await;
    let (status, body) = post(&url, "/api/mount", r#"{"size": 8388608}"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = master_segments(&master).await;
    assert_eq!(before.len(), 2);
    master.stop().await;

    let master = TestMaster::start(|config| config.rpc_listen = addr).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while master_segments(&master).await != before {
        assert!(Instant::now() < deadline, "no remount within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    handle.client().put("after-restart", b"value").await.unwrap();
    handle.shutdown().await.unwrap();
    assert!(master_segments(&master).await.is_empty());
    master.stop().await;
}

/// Shutdown stops the REST server and unmounts every segment, even while a caller still holds
/// a clone of the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_rest_and_unmounts_with_a_client_clone_held() {
    let master = TestMaster::start(|_| {}).await;
    let (handle, url) = node(&master, 4 * MIB).await;
    let (status, _) = post(&url, "/api/mount", r#"{"size": 4194304}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(master_segments(&master).await.len(), 2);
    let kept = handle.client().clone();
    handle.shutdown().await.unwrap();
    assert!(master_segments(&master).await.is_empty());
    assert!(kept.segment_ids().is_empty());
    assert!(
        reqwest::Client::new()
            .get(format!("{url}/api/exist/k"))
            .send()
            .await
            .is_err(),
        "the REST server still answers after shutdown"
    );
    drop(kept);
    master.stop().await;
}
