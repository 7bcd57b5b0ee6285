//! Master metadata benchmark: batched PutStart+PutEnd items per second through the real gRPC server on
//! loopback, and resident memory per key with 1M keys in the index.
//!
//! Run: `cargo bench -p mooncake-master --bench metadata_throughput [-- KEYS BATCH]`
//! (defaults: 1,000,000 keys, batches of 1,000; 32-character hex keys, 4 KiB values, one replica).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use mooncake_master::config::MasterConfig;
use mooncake_master::server;
use mooncake_master::service::{
    ClientId, MasterService, ReplicateConfig, SegmentId, SegmentSpec, ServiceConfig,
};
use mooncake_proto::master::master_service_client::MasterServiceClient;
use mooncake_proto::master::{
    BatchPutEndRequest, BatchPutStartRequest, MountSegmentRequest, PingRequest, Segment,
};
use uuid::Uuid;

const VALUE: u64 = 4096;

fn key(i: u64) -> String {
    format!("{:032x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Memory per key: the core alone, no RPC buffers in the way.
fn memory_per_key(keys: u64) -> f64 {
    let service = MasterService::new(ServiceConfig::default());
    let client = ClientId(Uuid::new_v4());
    service
        .mount_segment(
            client,
            SegmentSpec {
                id: SegmentId(Uuid::new_v4()),
                name: "bench:1".into(),
                base: 0x7f00_0000_0000,
                size: keys * VALUE * 2,
                te_endpoint: "bench:1".into(),
                protocol: "tcp".into(),
                host_id: "bench".into(),
                cxl: false,
            },
        )
        .unwrap();
    let config = ReplicateConfig {
        replica_num: 1,
        ..Default::default()
    };
    let keys_text: Vec<String> = (0..keys).map(key).collect();
    let before = resident_bytes();
    let started = Instant::now();
    for k in &keys_text {
        service.put_start(client, k, VALUE, &config).unwrap();
        service.put_end(client, k, None).unwrap();
    }
    let after = resident_bytes();
    println!(
        "core PutStart+PutEnd without RPC: {:.0} items/s",
        keys as f64 / started.elapsed().as_secs_f64()
    );
    assert_eq!(service.stats().keys, keys);
    (after.saturating_sub(before)) as f64 / keys as f64
}

/// Items per second of batched PutStart + PutEnd through gRPC.
async fn grpc_throughput(keys: u64, batch: u64) -> (f64, Duration) {
    let handle = server::start(MasterConfig::for_tests()).await.unwrap();
    let mut client = MasterServiceClient::connect(format!("http://{}", handle.rpc_addr))
        .await
        .unwrap();
    let client_id = Uuid::new_v4().to_string();
    let segment = Segment {
        id: Uuid::new_v4().to_string(),
        name: "bench:1".into(),
        base: 0x7f00_0000_0000,
        size: keys * VALUE * 2,
        te_endpoint: "bench:1".into(),
        protocol: "tcp".into(),
        host_id: "bench".into(),
        cxl: false,
    };
    client
        .mount_segment(MountSegmentRequest {
            client_id: client_id.clone(),
            segment: Some(segment),
        })
        .await
        .unwrap();
    // A real node pings every second; without it a long run would outlive client_ttl.
    let mut pinger = client.clone();
    let ping_id = client_id.clone();
    let pings = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let _ = pinger
                .ping(PingRequest {
                    client_id: ping_id.clone(),
                })
                .await;
        }
    });
    let started = Instant::now();
    for chunk in 0..keys.div_ceil(batch) {
        let keys: Vec<String> = (chunk * batch..((chunk + 1) * batch).min(keys))
            .map(key)
            .collect();
        let lens = vec![VALUE; keys.len()];
        let put = client
            .batch_put_start(BatchPutStartRequest {
                client_id: client_id.clone(),
                keys: keys.clone(),
                value_lengths: lens,
                config: None,
            })
            .await
            .unwrap()
            .into_inner();
        assert!(put.results.iter().all(|r| r.code == 0));
        let end = client
            .batch_put_end(BatchPutEndRequest {
                client_id: client_id.clone(),
                keys,
                checksums: vec![],
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            end.codes.iter().all(|&c| c == 0),
            "{:?}",
            end.codes.iter().find(|&&c| c != 0)
        );
    }
    let elapsed = started.elapsed();
    pings.abort();
    handle.shutdown().await.unwrap();
    (keys as f64 / elapsed.as_secs_f64(), elapsed)
}

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let keys = args.first().copied().unwrap_or(1_000_000);
    let batch = args.get(1).copied().unwrap_or(1_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (rate, elapsed) = runtime.block_on(grpc_throughput(keys, batch));
    println!(
        "grpc batched PutStart+PutEnd: {keys} keys in batches of {batch}: {:.0} items/s ({:.2} s)",
        rate,
        elapsed.as_secs_f64()
    );
    let per_key = memory_per_key(keys);
    println!("master resident memory per key at {keys} keys (32-byte keys, 1 replica): {per_key:.0} bytes");
}
