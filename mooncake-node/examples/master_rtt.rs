//! Master round-trip latency through [`MasterClient`], framed protocol vs gRPC, against a master in a
//! separate process (this example re-runs itself as the master). Not a benchmark harness:
//! `cargo run --release -p mooncake-node --example master_rtt [iterations] [master-workers...]`, where
//! each master-workers value is a worker-thread count for the master's runtime (0 = current_thread).
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mooncake_node::master::MasterClient;
use mooncake_proto::master as pb;
use mooncake_tests::{TestMaster, segment};

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{label:<44} p50 {:>7.1} us   p99 {:>7.1} us",
        pick(0.5).as_secs_f64() * 1e6,
        pick(0.99).as_secs_f64() * 1e6
    );
}

/// Child mode: serve a master on a runtime with `workers` threads, print its address, run until stdin
/// closes.
fn serve_master(workers: usize) {
    let runtime = if workers == 0 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
    }
    .unwrap();
    runtime.block_on(async {
        let master = TestMaster::start(|_| {}).await;
        println!("{}", master.handle.rpc_addr);
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await
        .unwrap();
        master.stop().await;
    });
}

async fn measure(addr: &str, framed: bool, iterations: usize, label: &str) {
    let client = MasterClient::connect_with(format!("http://{addr}"), uuid(), framed)
        .await
        .unwrap();
    assert_eq!(client.uses_framed(), framed);
    client
        .mount_segment(segment(&format!("127.0.0.1:{}", 7000 + framed as u16), 1 << 30))
        .await
        .unwrap();
    let config = pb::ReplicateConfig {
        replica_num: 1,
        ..Default::default()
    };
    let warm = iterations / 10;
    let mut exist = Vec::with_capacity(iterations);
    for i in 0..iterations + warm {
        let t = Instant::now();
        client.exist_key(&format!("missing-{i}")).await.unwrap();
        if i >= warm {
            exist.push(t.elapsed());
        }
    }
    let mut puts = Vec::with_capacity(iterations);
    for i in 0..iterations + warm {
        let key = format!("{label}-{i}");
        let t = Instant::now();
        client.put_start(&key, 1024, config.clone()).await.unwrap();
        client.put_end(&key, None).await.unwrap();
        if i >= warm {
            puts.push(t.elapsed());
        }
    }
    let transport = if framed { "framed" } else { "gRPC" };
    summary(&format!("{label} {transport} ExistKey"), exist);
    summary(&format!("{label} {transport} PutStart+PutEnd"), puts);
    client.remove_all(true).await.unwrap();
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve-master") {
        serve_master(args[1].parse().unwrap());
        return;
    }
    let iterations: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let mut workers: Vec<usize> = args.iter().skip(1).map(|a| a.parse().unwrap()).collect();
    if workers.is_empty() {
        workers = vec![2];
    }
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for w in workers {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--serve-master", &w.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut addr = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut addr)
            .unwrap();
        let addr = addr.trim().to_string();
        let label = format!("master workers={w}");
        client_rt.block_on(async {
            // Alternate so both transports see the same machine noise.
            for round in 0..2 {
                for framed in [true, false] {
                    let l = format!("{label} r{round}");
                    measure(&addr, framed, iterations / 2, &l).await;
                }
            }
        });
        drop(child.stdin.take());
        child.wait().unwrap();
    }
}
