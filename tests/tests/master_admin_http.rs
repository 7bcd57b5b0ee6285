//! The master's admin HTTP server on loopback: every endpoint's status, content type and shape, 400s
//! with a JSON error for bad parameters, and `/metrics` accepted by the real `promtool`.
#![allow(clippy::unwrap_used)]

use mooncake_proto::master::*;
use mooncake_tests::{TestMaster, segment, tools};
use serde_json::Value;
use uuid::Uuid;

/// A master holding one complete object `k1` (1000 bytes, two replicas) and one put in progress.
async fn populated_master() -> TestMaster {
    let master = TestMaster::start(|_| {}).await;
    let mut client = master.client().await;
    let node = Uuid::new_v4().to_string();
    for name in ["127.0.0.1:7101", "127.0.0.1:7102"] {
        let seg = Some(segment(name, 1 << 20));
        client
            .mount_segment(MountSegmentRequest {
                client_id: node.clone(),
                segment: seg,
            })
            .await
            .unwrap();
    }
    let config = Some(ReplicateConfig {
        replica_num: 2,
        ..Default::default()
    });
    for key in ["k1", "pending"] {
        let request = PutStartRequest {
            client_id: node.clone(),
            key: key.into(),
            value_length: 1000,
            config: config.clone(),
        };
        assert_eq!(client.put_start(request).await.unwrap().into_inner().code, 0);
    }
    client
        .put_end(PutEndRequest {
            client_id: node.clone(),
            key: "k1".into(),
            checksum: None,
        })
        .await
        .unwrap();
    master
}

async fn fetch(master: &TestMaster, path: &str) -> (u16, String, String) {
    let response = reqwest::get(format!("{}{path}", master.admin_url()))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[tokio::test]
async fn object_endpoints_have_mooncakes_shapes() {
    let master = populated_master().await;

    let (status, content_type, body) = fetch(&master, "/query_key?key=k1").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    let value = json(&body);
    assert_eq!(value["success"], true);
    let data = value["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["size_"], 1000);
    assert_eq!(data[0]["protocol_"], "tcp");
    assert!(data[0]["buffer_address_"].as_u64().unwrap() >= 0x7f00_0000_0000);
    assert!(
        data[0]["transport_endpoint_"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:710")
    );

    let (status, _, body) = fetch(&master, "/query_key?key=missing").await;
    assert_eq!(status, 404);
    assert_eq!(json(&body)["error_code"], -704);
    let (status, _, body) = fetch(&master, "/query_key?key=pending").await;
    assert_eq!((status, json(&body)["error_code"].as_i64()), (500, Some(-703)));
    let (status, _, body) = fetch(&master, "/query_key").await;
    assert_eq!(status, 400);
    let error = json(&body);
    assert_eq!(
        (error["success"].as_bool(), error["error_code"].as_i64()),
        (Some(false), Some(-600))
    );
    assert!(error["error_message"].as_str().unwrap().contains("key"));

    let (status, _, body) = fetch(&master, "/batch_query_keys?keys=k1,missing").await;
    assert_eq!(status, 200);
    let value = json(&body);
    assert_eq!(value["success"], true);
    assert_eq!(value["data"]["k1"]["ok"], true);
    assert_eq!(
        value["data"]["k1"]["values"][0]["buffer_descriptor"]["size_"],
        1000
    );
    assert!(value["data"]["k1"]["values"][0]["transport_endpoint_"].is_string());
    assert_eq!(value["data"]["missing"]["ok"], false);
    assert_eq!(value["data"]["missing"]["error"], "OBJECT_NOT_FOUND");
    let (status, _, body) = fetch(&master, "/batch_query_keys").await;
    assert_eq!((status, json(&body)["success"].as_bool()), (400, Some(false)));

    let (status, content_type, body) = fetch(&master, "/get_all_keys").await;
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (200, "text/plain; version=0.0.4", "k1\n")
    );

    // Admin lookups grant no lease: the key can still be removed without force.
    let mut client = master.client().await;
    let removed = client
        .remove(RemoveRequest {
            key: "k1".into(),
            force: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(removed.code, 0);
    master.stop().await;
}

#[tokio::test]
async fn segment_endpoints_list_and_describe_segments() {
    let master = populated_master().await;
    let (status, _, body) = fetch(&master, "/get_all_segments").await;
    assert_eq!((status, body.as_str()), (200, "127.0.0.1:7101\n127.0.0.1:7102\n"));

    let (status, _, body) = fetch(&master, "/query_segment?segment=127.0.0.1:7101").await;
    assert_eq!(status, 200);
    let lines: Vec<_> = body.lines().collect();
    assert_eq!(lines[0], "127.0.0.1:7101");
    assert_eq!(lines[1], "Used(bytes): 2000");
    assert_eq!(lines[2], format!("Capacity(bytes): {}", 1 << 20));
    let (status, _, body) = fetch(&master, "/query_segment?segment=nope").await;
    assert_eq!((status, json(&body)["error_code"].as_i64()), (404, Some(-101)));
    let (status, _, _) = fetch(&master, "/query_segment").await;
    assert_eq!(status, 400);

    let (status, _, body) = fetch(&master, "/get_segments_detail").await;
    assert_eq!(status, 200);
    let detail = json(&body);
    assert_eq!(detail["total_segments"], 2);
    assert_eq!(detail["segments"][0]["status"], "OK");
    assert_eq!(detail["segments"][0]["size_bytes"], 1 << 20);
    master.stop().await;
}

#[tokio::test]
async fn health_summary_and_unknown_paths() {
    let master = populated_master().await;
    let (status, _, body) = fetch(&master, "/health").await;
    let health = json(&body);
    assert_eq!(status, 200);
    assert_eq!(
        (health["status"].as_str(), health["role"].as_str()),
        (Some("ok"), Some("leader"))
    );
    assert_eq!(health["service_ready"], true);
    assert!(health["view_version"].as_i64().unwrap() > 0);

    let (status, _, summary) = fetch(&master, "/metrics/summary").await;
    assert_eq!(status, 200);
    assert!(summary.starts_with("role=leader, state=serving"), "{summary}");
    assert!(summary.contains("Mem Storage: 3.91 KB / 2.00 MB"), "{summary}");
    assert!(summary.contains("Keys: 1 (soft-pinned: 0)"), "{summary}");

    assert_eq!(fetch(&master, "/role").await.2, "leader");
    let (status, _, body) = fetch(&master, "/no/such/path").await;
    assert_eq!((status, body.as_str()), (404, "404 Not Found"));
    master.stop().await;
}

#[tokio::test]
async fn metrics_count_requests_and_pass_promtool() {
    let master = populated_master().await;
    let mut client = master.client().await;
    client
        .get_replica_list(GetReplicaListRequest {
            key: "missing".into(),
        })
        .await
        .unwrap();
    let (status, content_type, metrics) = fetch(&master, "/metrics").await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/plain; version=0.0.4")
    );
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("{name} missing from /metrics"))
            .trim()
            .parse()
            .unwrap()
    };
    assert_eq!(value("master_put_start_requests_total"), 2.0);
    assert_eq!(value("master_put_end_requests_total"), 1.0);
    assert_eq!(value("master_get_replica_list_failures_total"), 1.0);
    assert_eq!(value("master_keys"), 1.0);
    assert_eq!(value("master_processing_keys"), 1.0);
    assert_eq!(value("master_segments"), 2.0);
    assert_eq!(value("master_active_clients"), 1.0);
    assert_eq!(value("master_allocated_bytes"), 4000.0);
    assert_eq!(value("master_total_capacity_bytes"), 2.0 * f64::from(1 << 20));
    assert_eq!(
        value("master_tier_capacity_bytes{tier=\"memory\"}"),
        2.0 * f64::from(1 << 20)
    );
    assert!(metrics.contains("master_request_duration_seconds_bucket{operation=\"put_start\""));
    assert!(metrics.contains("segment_allocated_bytes{segment=\"127.0.0.1:7101\"} 2000"));
    // Without HA a master is the serving leader of its own cluster, in the same series HA masters use.
    assert_eq!(value("master_ha_is_leader"), 1.0);
    assert_eq!(value("master_ha_state{state=\"serving\"}"), 1.0);

    tools::assert_promtool_accepts(&metrics);
    master.stop().await;
}
