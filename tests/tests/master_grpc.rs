//! The master's gRPC API against a real master on loopback: put lifecycle, replica placement, leases,
//! eviction under pressure, client liveness, batch calls and error codes.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use mooncake_proto::ErrorCode;
use mooncake_proto::master::master_service_client::MasterServiceClient;
use mooncake_proto::master::*;
use mooncake_tests::{TestMaster, segment};
use tonic::transport::Channel;
use uuid::Uuid;

type Client = MasterServiceClient<Channel>;

fn new_client_id() -> String {
    Uuid::new_v4().to_string()
}

async fn mount(client: &mut Client, client_id: &str, seg: Segment) {
    let ack = client
        .mount_segment(MountSegmentRequest {
            client_id: client_id.into(),
            segment: Some(seg),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ack.code, ErrorCode::Ok as i32);
}

async fn put(client: &mut Client, client_id: &str, key: &str, len: u64, replicas: u32) -> PutStartResponse {
    let start = client
        .put_start(PutStartRequest {
            client_id: client_id.into(),
            key: key.into(),
            value_length: len,
            config: Some(ReplicateConfig {
                replica_num: replicas,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    if start.code == ErrorCode::Ok as i32 {
        let end = client
            .put_end(PutEndRequest {
                client_id: client_id.into(),
                key: key.into(),
                checksum: None,
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(end.code, ErrorCode::Ok as i32);
    }
    start
}

async fn get(client: &mut Client, key: &str) -> GetReplicaListResponse {
    client
        .get_replica_list(GetReplicaListRequest { key: key.into() })
        .await
        .unwrap()
        .into_inner()
}

async fn remove(client: &mut Client, key: &str, force: bool) -> i32 {
    client
        .remove(RemoveRequest {
            key: key.into(),
            force,
        })
        .await
        .unwrap()
        .into_inner()
        .code
}

#[tokio::test]
async fn put_lifecycle_places_replicas_on_distinct_segments() {
    let master = TestMaster::start(|_| {}).await;
    let mut client = master.client().await;
    let node = new_client_id();
    mount(&mut client, &node, segment("127.0.0.1:7001", 1 << 20)).await;
    mount(&mut client, &node, segment("127.0.0.1:7002", 1 << 20)).await;

    let start = client
        .put_start(PutStartRequest {
            client_id: node.clone(),
            key: "k".into(),
            value_length: 1000,
            config: Some(ReplicateConfig {
                replica_num: 2,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(start.code, ErrorCode::Ok as i32);
    assert_eq!(start.replicas.len(), 2);
    let names: std::collections::BTreeSet<_> =
        start.replicas.iter().map(|r| r.segment_name.clone()).collect();
    assert_eq!(names.len(), 2, "replicas must be on distinct segments");
    for replica in &start.replicas {
        let buffer = replica.buffer.as_ref().unwrap();
        assert!(
            buffer.buffer_address >= 0x7f00_0000_0000
                && buffer.buffer_address + 1000 <= 0x7f00_0000_0000 + (1 << 20)
        );
        assert_eq!(buffer.transport_endpoint, replica.segment_name);
        assert_eq!(replica.status, ReplicaStatus::Processing as i32);
    }

    // Invisible until PutEnd.
    assert_eq!(
        get(&mut client, "k").await.code,
        ErrorCode::ReplicaIsNotReady as i32
    );
    let exists = client
        .exist_key(ExistKeyRequest { key: "k".into() })
        .await
        .unwrap()
        .into_inner();
    assert!(!exists.exists);
    assert_eq!(
        remove(&mut client, "k", true).await,
        ErrorCode::ReplicaIsNotReady as i32
    );

    // Only the writer may finish it.
    let foreign = client
        .put_end(PutEndRequest {
            client_id: new_client_id(),
            key: "k".into(),
            checksum: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(foreign.code, ErrorCode::IllegalClient as i32);
    let end = client
        .put_end(PutEndRequest {
            client_id: node.clone(),
            key: "k".into(),
            checksum: Some(42),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(end.code, ErrorCode::Ok as i32);

    let got = get(&mut client, "k").await;
    assert_eq!(got.code, ErrorCode::Ok as i32);
    assert_eq!(got.replicas.len(), 2);
    assert!(
        got.replicas
            .iter()
            .all(|r| r.status == ReplicaStatus::Complete as i32)
    );
    assert_eq!(
        (got.size, got.checksum, got.lease_ttl_ms),
        (1000, Some(42), 10_000)
    );

    // Write-once: a second put of the key is refused and the old object stays.
    let again = put(&mut client, &node, "k", 500, 1).await;
    assert_eq!(again.code, ErrorCode::ObjectAlreadyExists as i32);
    assert_eq!(get(&mut client, "k").await.size, 1000);

    master.stop().await;
}

#[tokio::test]
async fn revoked_put_leaves_nothing_and_frees_space() {
    let master = TestMaster::start(|_| {}).await;
    let mut client = master.client().await;
    let node = new_client_id();
    mount(&mut client, &node, segment("127.0.0.1:7011", 1 << 20)).await;
    let start = client
        .put_start(PutStartRequest {
            client_id: node.clone(),
            key: "k".into(),
            value_length: 4096,
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(start.code, ErrorCode::Ok as i32);
    let revoke = client
        .put_revoke(PutRevokeRequest {
            client_id: node.clone(),
            key: "k".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoke.code, ErrorCode::Ok as i32);
    assert_eq!(get(&mut client, "k").await.code, ErrorCode::ObjectNotFound as i32);
    let segments = client
        .get_all_segments(GetAllSegmentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .segments;
    assert_eq!(segments[0].used_bytes, 0);
    master.stop().await;
}

#[tokio::test]
async fn remove_is_refused_under_a_read_lease_until_it_ends() {
    let master = TestMaster::start(|c| c.service.default_kv_lease_ttl = Duration::from_millis(300)).await;
    let mut client = master.client().await;
    let node = new_client_id();
    mount(&mut client, &node, segment("127.0.0.1:7021", 1 << 20)).await;
    put(&mut client, &node, "fresh", 100, 1).await;
    // PutEnd grants no lease: a fresh object can be removed at once.
    assert_eq!(remove(&mut client, "fresh", false).await, ErrorCode::Ok as i32);

    put(&mut client, &node, "read", 100, 1).await;
    assert_eq!(get(&mut client, "read").await.code, 0);
    assert_eq!(
        remove(&mut client, "read", false).await,
        ErrorCode::ObjectHasLease as i32
    );
    assert_eq!(ErrorCode::ObjectHasLease as i32, -706);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(remove(&mut client, "read", false).await, ErrorCode::Ok as i32);

    put(&mut client, &node, "forced", 100, 1).await;
    client
        .exist_key(ExistKeyRequest { key: "forced".into() })
        .await
        .unwrap();
    assert_eq!(
        remove(&mut client, "forced", false).await,
        ErrorCode::ObjectHasLease as i32
    );
    assert_eq!(remove(&mut client, "forced", true).await, ErrorCode::Ok as i32);
    assert_eq!(
        remove(&mut client, "missing", false).await,
        ErrorCode::ObjectNotFound as i32
    );
    master.stop().await;
}

#[tokio::test]
async fn a_full_pool_evicts_least_recently_used_objects_and_keeps_leased_ones() {
    let master = TestMaster::start(|c| c.service.default_kv_lease_ttl = Duration::from_secs(60)).await;
    let mut client = master.client().await;
    let node = new_client_id();
    mount(&mut client, &node, segment("127.0.0.1:7031", 1 << 20)).await;
    let value = 64 * 1024;
    put(&mut client, &node, "leased", value, 1).await;
    assert_eq!(get(&mut client, "leased").await.code, 0);
    // Twice the pool's capacity: every put must still succeed, by evicting older objects.
    for i in 0..32 {
        let start = put(&mut client, &node, &format!("obj-{i}"), value, 1).await;
        assert_eq!(start.code, ErrorCode::Ok as i32, "put {i} failed");
    }
    assert_eq!(
        get(&mut client, "leased").await.code,
        0,
        "a leased object must never be evicted"
    );
    assert_eq!(
        get(&mut client, "obj-31").await.code,
        0,
        "the newest object survives"
    );
    assert_eq!(
        get(&mut client, "obj-0").await.code,
        ErrorCode::ObjectNotFound as i32,
        "the oldest is evicted"
    );

    let metrics = reqwest::get(format!("{}/metrics", master.admin_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let evicted = metrics
        .lines()
        .find_map(|l| l.strip_prefix("master_evicted_keys_total "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap();
    assert!(evicted >= 16, "expected evictions, metrics say {evicted}");
    master.stop().await;
}

#[tokio::test]
async fn no_space_and_nothing_evictable_answers_no_available_handle() {
    let master = TestMaster::start(|c| c.service.default_kv_lease_ttl = Duration::from_secs(60)).await;
    let mut client = master.client().await;
    let node = new_client_id();
    assert_eq!(
        put(&mut client, &node, "nowhere", 10, 1).await.code,
        ErrorCode::NoAvailableHandle as i32
    );
    mount(&mut client, &node, segment("127.0.0.1:7041", 4096)).await;
    assert_eq!(
        put(&mut client, &node, "too-big", 8192, 1).await.code,
        ErrorCode::NoAvailableHandle as i32
    );
    assert_eq!(ErrorCode::NoAvailableHandle as i32, -200);
    master.stop().await;
}

#[tokio::test]
async fn a_silent_clients_segments_disappear_after_client_ttl() {
    let master = TestMaster::start(|c| c.service.client_ttl = Duration::from_millis(500)).await;
    let mut client = master.client().await;
    let (silent, alive) = (new_client_id(), new_client_id());
    mount(&mut client, &silent, segment("127.0.0.1:7051", 1 << 20)).await;
    mount(&mut client, &alive, segment("127.0.0.1:7052", 1 << 20)).await;
    let start = client
        .put_start(PutStartRequest {
            client_id: silent.clone(),
            key: "on-silent".into(),
            value_length: 100,
            config: Some(ReplicateConfig {
                preferred_segment: "127.0.0.1:7051".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(start.replicas[0].segment_name, "127.0.0.1:7051");
    let end = PutEndRequest {
        client_id: silent.clone(),
        key: "on-silent".into(),
        checksum: None,
    };
    assert_eq!(client.put_end(end).await.unwrap().into_inner().code, 0);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let ping = client
            .ping(PingRequest {
                client_id: alive.clone(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(ping.status, ClientStatus::Ok as i32);
        let segments = client
            .get_all_segments(GetAllSegmentsRequest {})
            .await
            .unwrap()
            .into_inner()
            .segments;
        let names: Vec<_> = segments
            .iter()
            .map(|s| s.segment.as_ref().unwrap().name.clone())
            .collect();
        if names == ["127.0.0.1:7052"] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "silent client's segment still mounted: {names:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        get(&mut client, "on-silent").await.code,
        ErrorCode::ObjectNotFound as i32
    );
    // The expired client is told to remount when it comes back.
    let ping = client
        .ping(PingRequest {
            client_id: silent.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ping.status, ClientStatus::NeedRemount as i32);
    master.stop().await;
}

#[tokio::test]
async fn ping_reports_view_version_and_remount_state() {
    let master = TestMaster::start(|_| {}).await;
    let mut client = master.client().await;
    let node = new_client_id();
    let first = client
        .ping(PingRequest {
            client_id: node.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.status, ClientStatus::NeedRemount as i32);
    assert!(first.view_version > 0);
    let seg = segment("127.0.0.1:7061", 1 << 20);
    let remount = client
        .re_mount_segment(ReMountSegmentRequest {
            client_id: node.clone(),
            segments: vec![seg.clone(), seg],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(remount.code, ErrorCode::Ok as i32);
    let second = client
        .ping(PingRequest {
            client_id: node.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (second.status, second.view_version),
        (ClientStatus::Ok as i32, first.view_version)
    );
    let bad = client
        .ping(PingRequest {
            client_id: "not-a-uuid".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bad.code, ErrorCode::InvalidParams as i32);

    // A restarted master has a newer view version.
    let view = first.view_version;
    master.stop().await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let restarted = TestMaster::start(|_| {}).await;
    let mut client = restarted.client().await;
    let ping = client
        .ping(PingRequest { client_id: node })
        .await
        .unwrap()
        .into_inner();
    assert!(ping.view_version > view);
    assert_eq!(ping.status, ClientStatus::NeedRemount as i32);
    restarted.stop().await;
}

#[tokio::test]
async fn batch_calls_answer_per_item() {
    let master = TestMaster::start(|_| {}).await;
    let mut client = master.client().await;
    let node = new_client_id();
    mount(&mut client, &node, segment("127.0.0.1:7071", 1 << 20)).await;
    let keys: Vec<String> = vec!["a".into(), "b".into(), String::new()];
    let started = client
        .batch_put_start(BatchPutStartRequest {
            client_id: node.clone(),
            keys: keys.clone(),
            value_lengths: vec![10, 20, 30],
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    let codes: Vec<i32> = started.results.iter().map(|r| r.code).collect();
    assert_eq!(codes, [0, 0, ErrorCode::InvalidParams as i32]);
    let ended = client
        .batch_put_end(BatchPutEndRequest {
            client_id: node.clone(),
            keys: keys[..2].to_vec(),
            checksums: vec![],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ended.codes, [0, 0]);
    let lookup = vec!["a".to_string(), "nope".to_string(), "b".to_string()];
    let exist = client
        .batch_exist_key(BatchExistKeyRequest { keys: lookup.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        exist.results.iter().map(|r| r.exists).collect::<Vec<_>>(),
        [true, false, true]
    );
    let got = client
        .batch_get_replica_list(BatchGetReplicaListRequest { keys: lookup })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        got.results.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, ErrorCode::ObjectNotFound as i32, 0]
    );
    assert_eq!(got.results[2].size, 20);

    let mismatch = client
        .batch_put_start(BatchPutStartRequest {
            client_id: node.clone(),
            keys: vec!["x".into(), "y".into()],
            value_lengths: vec![1],
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        mismatch
            .results
            .iter()
            .all(|r| r.code == ErrorCode::InvalidParams as i32)
    );

    // Lease-free operator lookup: does not block removal.
    let info = client
        .query_keys(QueryKeysRequest {
            keys: vec!["a".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((info.keys[0].code, info.keys[0].size), (0, 10));
    let removed = client
        .remove_by_regex(RemoveByRegexRequest {
            regex: "^a$".into(),
            force: false,
        })
        .await
        .unwrap();
    assert_eq!(removed.into_inner().removed, 0, "a is leased by the batch get");
    let removed = client
        .remove_all(RemoveAllRequest { force: true })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(removed.removed, 2);
    let bad = client
        .remove_by_regex(RemoveByRegexRequest {
            regex: "(".into(),
            force: false,
        })
        .await
        .unwrap();
    assert_eq!(bad.into_inner().code, ErrorCode::InvalidParams as i32);
    master.stop().await;
}

#[tokio::test]
async fn graceful_unmount_keeps_reads_until_the_grace_ends() {
    let master = TestMaster::start(|_| {}).await;
    let mut client = master.client().await;
    let node = new_client_id();
    let draining = segment("127.0.0.1:7081", 1 << 20);
    mount(&mut client, &node, draining.clone()).await;
    put(&mut client, &node, "k", 100, 1).await;
    let ack = client
        .unmount_segment(UnmountSegmentRequest {
            client_id: node.clone(),
            segment_id: draining.id.clone(),
            grace_period_ms: 400,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ack.code, 0);
    assert_eq!(
        get(&mut client, "k").await.code,
        0,
        "still readable while draining"
    );
    assert_eq!(
        put(&mut client, &node, "new", 100, 1).await.code,
        ErrorCode::NoAvailableHandle as i32
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(get(&mut client, "k").await.code, ErrorCode::ObjectNotFound as i32);
    let segments = client
        .get_all_segments(GetAllSegmentsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(segments.segments.is_empty());
    master.stop().await;
}
