//! Data integrity under concurrency: two clients write and read back values of sizes from 1 byte to
//! 64 MiB at the same time, through two storage nodes (tcp to one, shm to the other); every get is
//! compared byte for byte. (0-byte values are refused, as in Mooncake; see tests/client.rs.)
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use mooncake_node::{Client, ClientConfig};
use mooncake_tests::TestMaster;

/// Sizes from a fixed-seed generator, spanning 1 B .. 64 MiB, with the edges included.
fn sizes(seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let mut sizes = vec![1, 64 << 20];
    // Log-uniform between 1 B and 16 MiB, so small and large values are both common.
    sizes.extend((0..14).map(|_| {
        let bits = next() % 24;
        (1usize << bits) + (next() as usize % (1usize << bits))
    }));
    sizes
}

fn value(seed: u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| ((i as u64).wrapping_mul(2654435761).wrapping_add(seed) >> 7) as u8)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_read_back_exactly_what_they_wrote() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr.to_string();
    let node = |size: u64, shm: bool| {
        let addr = addr.clone();
        async move {
            Client::connect(ClientConfig {
                global_segment_size: size,
                enable_shm: shm,
                ..ClientConfig::new(addr)
            })
            .await
            .unwrap()
        }
    };
    let nodes = [node(320 << 20, true).await, node(320 << 20, true).await];
    let writers = [Arc::new(node(0, true).await), Arc::new(node(0, false).await)];

    let mut tasks = Vec::new();
    for (w, client) in writers.iter().enumerate() {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for (i, len) in sizes(w as u64 + 1).into_iter().enumerate() {
                let key = format!("w{w}-{i}-{len}");
                let data = value((w * 1000 + i) as u64, len);
                client
                    .put(&key, &data)
                    .await
                    .unwrap_or_else(|e| panic!("put {key}: {e}"));
                let back = client
                    .get(&key)
                    .await
                    .unwrap_or_else(|e| panic!("get {key}: {e}"));
                assert!(back == data, "{key}: bytes differ");
                // Keep the pool from filling: values are checked, then removed (the get's lease is
                // overridden with force).
                client.remove(&key, true).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    for client in writers {
        Arc::into_inner(client).unwrap().close().await.unwrap();
    }
    for client in nodes {
        client.close().await.unwrap();
    }
    master.stop().await;
}
