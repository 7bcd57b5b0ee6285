//! Process-level tests of `mooncake bench`: argument validation, the JSON document's schema, and
//! short runs against an in-test cluster (an in-process master plus a client contributing memory)
//! and against one `--local` starts itself. No test asserts a timing.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use mooncake_node::{Client, ClientConfig};
use mooncake_tests::TestMaster;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

/// `mooncake ARGS…` without the developer's `MOONCAKE_*`/`RUST_LOG`, off the async runtime.
async fn run(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(BIN);
        for (name, _) in std::env::vars_os() {
            if name
                .to_str()
                .is_some_and(|n| n.starts_with("MOONCAKE_") || n == "RUST_LOG")
            {
                command.env_remove(name);
            }
        }
        command.args(&args).output().unwrap()
    })
    .await
    .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses the JSON document and checks every record has the documented fields and types.
fn records(output: &Output) -> Vec<Value> {
    assert!(output.status.success(), "bench failed: {}", stderr(output));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(doc["machine"]["cpus"].as_u64().unwrap() >= 1);
    assert!(doc["config"]["sizes"].is_array());
    let results = doc["results"].as_array().unwrap().clone();
    for r in &results {
        for field in ["scenario", "op"] {
            assert!(r[field].is_string(), "{field} in {r}");
        }
        for field in ["size", "batch", "clients", "ops", "bytes", "errors"] {
            assert!(r[field].is_u64(), "{field} in {r}");
        }
        for field in ["MBps", "p50_us", "p99_us"] {
            assert!(r[field].is_f64() || r[field].is_u64(), "{field} in {r}");
        }
        assert!(["put", "get"].contains(&r["op"].as_str().unwrap()), "{r}");
        assert_eq!(
            r["bytes"],
            r["ops"].as_u64().unwrap() * r["size"].as_u64().unwrap(),
            "{r}"
        );
        assert!(
            r["p50_us"].as_f64().unwrap() <= r["p99_us"].as_f64().unwrap(),
            "{r}"
        );
        assert_eq!(r["errors"], 0, "{r}");
        assert!(r["MBps"].as_f64().unwrap() > 0.0, "{r}");
    }
    results
}

fn find<'a>(records: &'a [Value], scenario: &str, op: &str, size: u64) -> &'a Value {
    records
        .iter()
        .find(|r| r["scenario"] == scenario && r["op"] == op && r["size"] == size)
        .unwrap_or_else(|| panic!("no {scenario}/{op}/{size} record in {records:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_name_the_flag_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["bench", "--sizes", "0"], "--sizes"),
        (&["bench", "--sizes", "4K", "--ops", "0"], "--ops"),
        (&["bench", "--batch", "0"], "--batch"),
        (&["bench", "--clients", "0"], "--clients"),
        (
            &[
                "bench",
                "--sizes",
                "1M",
                "--ops",
                "100",
                "--segment-size",
                "16MiB",
            ],
            "--segment-size",
        ),
        // 8 keys of 1 MiB fit 80% of 12 MiB for one client, not for two.
        (
            &[
                "bench",
                "--scenarios",
                "remote-2clients",
                "--sizes",
                "1M",
                "--ops",
                "8",
                "--segment-size",
                "12MiB",
            ],
            "cannot hold 16 key(s)",
        ),
        (&["bench", "--scenarios", "warp-speed"], "warp-speed"),
        (&["bench", "--sizes", "4 parsecs"], "4 parsecs"),
    ];
    for (args, named) in cases {
        let output = run(args).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(named),
            "{args:?} should name {named}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?} printed results");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn machine_limits_need_no_cluster_and_follow_the_schema() {
    let output = run(&[
        "--output",
        "json",
        "bench",
        "--scenarios",
        "memcpy,tcp,tcp-2streams,tcp-dram,tcp-2streams-dram",
        "--sizes",
        "4K,64K",
        "--ops",
        "20",
    ])
    .await;
    let records = records(&output);
    assert_eq!(records.len(), 5 * 2 * 2, "scenario x size x op");
    assert_eq!(find(&records, "tcp-2streams", "get", 65536)["clients"], 2);
    assert_eq!(find(&records, "tcp-2streams-dram", "put", 4096)["clients"], 2);
    assert_eq!(find(&records, "tcp-dram", "get", 65536)["ops"], 20);
    assert_eq!(find(&records, "memcpy", "put", 4096)["ops"], 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_every_store_scenario_against_a_cluster() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr.to_string();
    // Another process's memory for the remote scenarios.
    let node = Client::connect(ClientConfig {
        global_segment_size: 64 << 20,
        ..ClientConfig::new(addr.clone())
    })
    .await
    .unwrap();
    let output = run(&[
        "--master",
        &addr,
        "--output",
        "json",
        "bench",
        "--scenarios",
        "local,remote,local-batch32,remote-batch32,local-zc,remote-zc,remote-2clients,local-cold",
        "--sizes",
        "4K,64K",
        "--ops",
        "40",
        "--batch",
        "8",
        "--warmup",
        "2",
        "--segment-size",
        "32MiB",
    ])
    .await;
    let records = records(&output);
    assert_eq!(records.len(), 8 * 2 * 2);
    let batch = find(&records, "local-batch32", "get", 4096);
    assert_eq!(
        (batch["batch"].as_u64(), batch["ops"].as_u64()),
        (Some(8), Some(40))
    );
    assert_eq!(find(&records, "remote-2clients", "put", 65536)["clients"], 2);
    assert_eq!(find(&records, "remote-2clients", "get", 65536)["ops"], 80);
    assert_eq!(find(&records, "remote", "get", 4096)["ops"], 40);
    // Fresh keys, and every key removed again (the cold scenario's too): the cluster is empty.
    let segments = master.handle.service.all_segments();
    assert!(
        segments.iter().all(|s| s.used_bytes == 0),
        "bench left data behind: {segments:?}"
    );
    node.close().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_flag_starts_its_own_cluster_and_stops_it() {
    let output = run(&[
        "--log-level",
        "debug",
        "bench",
        "--local",
        "--scenarios",
        "local,remote,remote-cold",
        "--sizes",
        "64K",
        "--ops",
        "10",
        "--warmup",
        "1",
        "--segment-size",
        "32MiB",
    ])
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout);
    for scenario in ["local ", "remote ", "remote-cold "] {
        assert!(table.contains(scenario), "{scenario} missing from\n{table}");
    }
    assert!(table.contains("MB/s") && table.contains("P99 µs"), "{table}");
    // It started a master and two nodes (remote, remote-cold) and stopped them cleanly: each node
    // deleted its segment file.
    let log = stderr(&output);
    let pids: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("started the benchmark"))
        .filter_map(|l| l.split("pid=").nth(1)?.split_whitespace().next())
        .collect();
    assert_eq!(pids.len(), 3, "master + 2 nodes expected in\n{log}");
    let left: Vec<String> = std::fs::read_dir("/dev/shm")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            pids.iter()
                .any(|pid| name.starts_with(&format!("mooncake-{pid}-")))
        })
        .collect();
    assert!(
        left.is_empty(),
        "segment files left behind by the bench's nodes: {left:?}"
    );
    // No client connection outlived the run: the master stopped at once rather than waiting out its
    // shutdown grace period for one.
    assert!(
        !log.contains("were cut off"),
        "the master waited for a connection the bench left open:\n{log}"
    );
}
