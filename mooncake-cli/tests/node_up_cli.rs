//! Process-level tests of `mooncake node join` and `mooncake up`: a node joins a master and leaves
//! cleanly on SIGTERM, gives up clearly on an unreachable master, and `mooncake up` serves put/get
//! through the CLI and the REST service, then stops everything on Ctrl-C.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mooncake_proto::master::GetAllSegmentsRequest;
use mooncake_tests::TestMaster;
use mooncake_tests::process::{free_port, wait_until};

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

fn signal(child: &Child, name: &str) {
    assert!(
        Command::new("kill")
            .args([&format!("-{name}"), &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
}

/// Waits for the child to exit (bounded) and returns its exit code and stderr.
fn wait_exit(mut child: Child) -> (Option<i32>, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            return (status.code(), err);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("mooncake did not exit in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn segment_names(master: &TestMaster) -> Vec<String> {
    let mut client = master.client().await;
    let segments = client
        .get_all_segments(GetAllSegmentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .segments;
    segments.into_iter().map(|s| s.segment.unwrap().name).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_join_mounts_and_unmounts_on_sigterm() {
    let master = TestMaster::start(|_| {}).await;
    let rest_port = free_port();
    let child = Command::new(BIN)
        .args(["node", "join", "--master", &master.handle.rpc_addr.to_string()])
        .args([
            "--global-segment-size",
            "32MiB",
            "--rest-host",
            "127.0.0.1",
            "--rest-port",
            &rest_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(
        "the node's segment at the master",
        Duration::from_secs(20),
        async || !segment_names(&master).await.is_empty(),
    )
    .await;
    // The REST listener comes up right after the mount: wait for it rather than race it.
    let url = format!("http://127.0.0.1:{rest_port}/api/objects/none/exists");
    wait_until("the node's REST port", Duration::from_secs(20), async || {
        reqwest::get(&url).await.is_ok()
    })
    .await;
    let health = reqwest::get(&url).await.unwrap();
    assert_eq!(
        health.status(),
        200,
        "the node serves its REST API on --rest-port"
    );

    signal(&child, "TERM");
    let (code, stderr) = tokio::task::spawn_blocking(move || wait_exit(child))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("joined master"), "{stderr}");
    assert!(
        segment_names(&master).await.is_empty(),
        "a clean stop unmounts at once"
    );
    master.stop().await;
}

#[test]
fn node_join_gives_up_clearly_on_an_unreachable_master() {
    let closed = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let out = Command::new(BIN)
        .args([
            "node",
            "join",
            "--master",
            &closed,
            "--connect-retries",
            "2",
            "--rest-port",
            "0",
        ])
        .args(["--global-segment-size", "16MiB"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&closed) && stderr.contains("unreachable after 2 attempts"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_serves_put_and_get_through_the_cli_and_rest_then_stops_on_ctrl_c() {
    let ports: Vec<String> = (0..4).map(|_| free_port().to_string()).collect();
    let mut child = Command::new(BIN)
        .arg("up")
        .args(["--rpc-port", &ports[0], "--metrics-port", &ports[1]])
        .args(["--http-metadata-server-port", &ports[2], "--rest-port", &ports[3]])
        .args(["--global-segment-size", "64MiB"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner: Vec<String> = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let done = line.starts_with("Ctrl-C");
            seen.push(line);
            if done {
                break;
            }
        }
        seen
    })
    .await
    .unwrap();
    let banner = banner.join("\n");
    assert!(banner.contains("Mooncake is up."), "{banner}");
    assert!(
        banner.contains(&format!("--master 127.0.0.1:{}", ports[0])),
        "hints carry the non-default master: {banner}"
    );

    // Through the CLI (the data commands' default metadata server matches what `up` runs).
    let master = format!("127.0.0.1:{}", ports[0]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("value");
    let value: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &value).unwrap();
    let put = Command::new(BIN)
        .args(["--master", &master, "put", "k", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    let get = Command::new(BIN)
        .args(["--master", &master, "get", "k"])
        .output()
        .unwrap();
    assert!(get.status.success(), "{}", String::from_utf8_lossy(&get.stderr));
    assert!(get.stdout == value, "bytes read back differ");

    // Through the node's REST service.
    let rest = format!("http://127.0.0.1:{}/api/objects/r", ports[3]);
    let http = reqwest::Client::new();
    assert!(
        http.put(&rest)
            .body("over rest")
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    assert_eq!(
        http.get(&rest).send().await.unwrap().text().await.unwrap(),
        "over rest"
    );
    // More memory from the node, through its REST service.
    let node = format!("http://127.0.0.1:{}", ports[3]);
    let mount = Command::new(BIN)
        .args([
            "--master", &master, "segments", "mount", "--node", &node, "--size", "16MiB",
        ])
        .output()
        .unwrap();
    assert!(
        mount.status.success(),
        "{}",
        String::from_utf8_lossy(&mount.stderr)
    );
    let listed = Command::new(BIN)
        .args(["--master", &master, "--output", "json", "segments"])
        .output()
        .unwrap();
    let segments: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(segments.as_array().map(Vec::len), Some(2), "{segments}");

    let summary = reqwest::get(format!("http://127.0.0.1:{}/metrics/summary", ports[1]))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains("Keys: 2"), "{summary}");

    signal(&child, "INT");
    let (code, stderr) = tokio::task::spawn_blocking(move || wait_exit(child))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    // Nothing is left listening.
    for port in &ports {
        assert!(
            std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
            "port {port} still open"
        );
    }
}
