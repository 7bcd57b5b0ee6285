//! A quick look at 4 KiB put/get latency between two clients against an in-process master, and at
//! how the blocking transfer is best run from async code (`block_in_place` on the caller's thread vs
//! a `spawn_blocking` hand-off). Not a benchmark: `cargo run --release -p mooncake-node --example
//! put_get_latency [iterations]`.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use mooncake_engine::transport::Transfer;
use mooncake_node::{Client, ClientConfig, ReplicateConfig};
use mooncake_tests::TestMaster;

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{label:<34} p50 {:>7.1} us   p99 {:>7.1} us",
        pick(0.5).as_secs_f64() * 1e6,
        pick(0.99).as_secs_f64() * 1e6
    );
}

/// Runs a master on its own runtime and thread (as a separate process would); returns its address
/// and a sender that stops it.
fn master_on_its_own_runtime() -> (String, std::sync::mpsc::Sender<()>) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let master = TestMaster::start(|_| {}).await;
            addr_tx.send(master.handle.rpc_addr.to_string()).unwrap();
            tokio::task::spawn_blocking(move || stop_rx.recv())
                .await
                .unwrap()
                .ok();
            master.stop().await;
        });
    });
    (addr_rx.recv().unwrap(), stop_tx)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let (master_addr, stop_master) = master_on_its_own_runtime();
    for shm in [false, true] {
        let connect = |segment: u64| {
            Client::connect(ClientConfig {
                global_segment_size: segment,
                enable_shm: shm,
                ..ClientConfig::new(master_addr.clone())
            })
        };
        let a = connect(64 << 20).await.unwrap();
        let b = connect(64 << 20).await.unwrap();
        let value = vec![7u8; 4096];
        let remote = ReplicateConfig::default().preferred_segment(b.segment_name());
        let (mut puts, mut gets) = (Vec::new(), Vec::new());
        for i in 0..iterations {
            let key = format!("lat-{i}");
            let t = Instant::now();
            a.put_with(&key, &value, &remote).await.unwrap();
            puts.push(t.elapsed());
            let t = Instant::now();
            let got = a.get(&key).await.unwrap();
            gets.push(t.elapsed());
            assert_eq!(got.len(), 4096);
        }
        let transport = if shm { "shm" } else { "tcp" };
        let mut rtts = Vec::new();
        for i in 0..iterations {
            let t = Instant::now();
            a.is_exist(&format!("lat-{i}")).await.unwrap();
            rtts.push(t.elapsed());
        }
        summary("master RTT (is_exist)", rtts);
        summary(&format!("put 4 KiB ({transport})"), puts);
        summary(&format!("get 4 KiB ({transport})"), gets);

        // The raw transfer alone, run both ways.
        let engine = a.engine().clone();
        let target = engine.resolve(b.segment_name()).await.unwrap();
        let addr = target.buffers[0].addr;
        let (mut inline, mut handed) = (Vec::new(), Vec::new());
        let mut buf = vec![0u8; 4096];
        for _ in 0..iterations {
            let t = Instant::now();
            tokio::task::block_in_place(|| {
                let mut batch = [Transfer::Read {
                    target_addr: addr,
                    into: &mut buf,
                }];
                engine.transfer(&target, &mut batch).pop().unwrap().unwrap();
            });
            inline.push(t.elapsed());
            let (engine, target) = (engine.clone(), Arc::clone(&target));
            let t = Instant::now();
            buf = tokio::task::spawn_blocking(move || {
                let mut batch = [Transfer::Read {
                    target_addr: addr,
                    into: &mut buf,
                }];
                engine.transfer(&target, &mut batch).pop().unwrap().unwrap();
                buf
            })
            .await
            .unwrap();
            handed.push(t.elapsed());
        }
        summary(&format!("read 4 KiB block_in_place ({transport})"), inline);
        summary(&format!("read 4 KiB spawn_blocking ({transport})"), handed);
        a.remove_all(true).await.unwrap();
        a.close().await.unwrap();
        b.close().await.unwrap();
    }
    stop_master.send(()).ok();
}
