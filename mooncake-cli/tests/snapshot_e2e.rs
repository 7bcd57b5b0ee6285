//! Snapshots end to end with real processes on loopback: a `mooncake master` writing snapshots to a
//! local directory and a `mooncake node join`; keys are stored, snapshots taken through the admin API,
//! the master is killed with SIGKILL and restarted with `--enable-snapshot-restore`: every key reads back
//! with the same bytes and the same metadata. Retention keeps the newest two and leaves unrelated files
//! alone; a corrupted, then a truncated newest snapshot is rejected with its reason and the previous one
//! is restored.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use mooncake_tests::process::{ChildGuard, free_port, http_text, node_join, wait_until};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");
const CLUSTER: &str = "snapcluster";
/// How long a master or node may take to come up.
const WAIT: Duration = Duration::from_secs(30);

struct Ports {
    rpc: u16,
    admin: u16,
}

impl Ports {
    fn master(&self) -> String {
        format!("127.0.0.1:{}", self.rpc)
    }
    fn admin(&self) -> String {
        format!("http://127.0.0.1:{}", self.admin)
    }
}

fn master(ports: &Ports, root: &Path, extra: &[&str], log: &Path) -> ChildGuard {
    let log = std::fs::File::create(log).unwrap();
    ChildGuard::spawn(
        Command::new(BIN)
            .args([
                "master",
                "--rpc-address",
                "127.0.0.1",
                "--metrics-host",
                "127.0.0.1",
            ])
            .args(["--rpc-port", &ports.rpc.to_string()])
            .args(["--metrics-port", &ports.admin.to_string()])
            .args(["--client-ttl", "5", "--cluster-id", CLUSTER])
            .args([
                "--snapshot-object-store-type",
                "local",
                "--snapshot-retention-count",
                "2",
            ])
            .args(["--snapshot-interval-seconds", "3600"])
            .arg(format!("--snapshot-local-path={}", root.display()))
            .args(extra)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(log),
    )
}

/// A `mooncake node join` against the master's RPC port.
fn node(ports: &Ports) -> ChildGuard {
    node_join(BIN, &ports.master(), "32MiB")
}

async fn segments(ports: &Ports) -> usize {
    http_text(format!("{}/get_all_segments", ports.admin()))
        .await
        .map_or(0, |t| t.lines().filter(|l| !l.trim().is_empty()).count())
}

async fn health(ports: &Ports) -> Value {
    serde_json::from_str(&http_text(format!("{}/health", ports.admin())).await.unwrap()).unwrap()
}

async fn snapshot_now(ports: &Ports) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/snapshots", ports.admin()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

fn mooncake(ports: &Ports, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["--master", &ports.master()])
        .args(args)
        .output()
        .unwrap()
}

fn value_of(i: usize) -> Vec<u8> {
    (0..(1000 + i * 3001))
        .map(|b| ((b * 31 + i) % 251) as u8)
        .collect()
}

fn put_keys(ports: &Ports, dir: &Path, range: std::ops::Range<usize>) {
    for i in range {
        let file = dir.join(format!("v{i}"));
        std::fs::write(&file, value_of(i)).unwrap();
        let out = mooncake(ports, &["put", &format!("key-{i}"), file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// What `query-key --output json` says about the keys, without lease times and replica ids (a replica
/// id is the master's internal counter, not part of the image; the lease is a read's, not the object's).
fn metadata(ports: &Ports, keys: &[String]) -> Value {
    let mut args = vec!["--output", "json", "query-key"];
    args.extend(keys.iter().map(String::as_str));
    let out = mooncake(ports, &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut json: Value = serde_json::from_slice(&out.stdout).unwrap();
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.retain(|k, _| !k.contains("lease") && k != "id");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut json);
    json
}

fn snapshot_file(root: &Path, id: &str) -> PathBuf {
    root.join("mooncake_master_snapshot")
        .join(CLUSTER)
        .join(id)
        .join("snapshot.bin")
}

async fn restart_and_check(
    ports: &Ports,
    root: &Path,
    logs: &Path,
    name: &str,
    keys: &[String],
    before: &Value,
) -> (ChildGuard, Value, String) {
    let log = logs.join(name);
    let m = master(ports, root, &["--enable-snapshot-restore"], &log);
    wait_until("the restarted master", WAIT, async || {
        http_text(format!("{}/health", ports.admin())).await.is_some()
    })
    .await;
    // The node notices the new master, remounts, and the restored objects are readable again.
    wait_until("the node to come back", WAIT, async || segments(ports).await == 1).await;
    let after = metadata(ports, keys);
    assert_eq!(&after, before, "metadata differs after restore");
    for (i, key) in keys.iter().enumerate() {
        let out = mooncake(ports, &["get", key]);
        assert!(
            out.status.success(),
            "{key}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout == value_of(i), "{key}: bytes differ after restore");
    }
    let health = health(ports).await;
    let text = std::fs::read_to_string(&log).unwrap();
    (m, health, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_kill_restore_keeps_every_key_and_skips_damaged_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let ports = Ports {
        rpc: free_port(),
        admin: free_port(),
    };
    // Files that are not ours, next to and inside the snapshot directory.
    let cluster_dir = root.join("mooncake_master_snapshot").join(CLUSTER);
    std::fs::create_dir_all(cluster_dir.join("keep-me")).unwrap();
    std::fs::write(cluster_dir.join("notes.txt"), "not a snapshot").unwrap();
    std::fs::write(cluster_dir.join("keep-me").join("snapshot.bin"), "not ours").unwrap();
    std::fs::write(root.join("other.txt"), "not a snapshot").unwrap();

    let mut m = master(&ports, &root, &["--enable-snapshot"], &logs.join("master1.log"));
    wait_until("the master", WAIT, async || {
        http_text(format!("{}/health", ports.admin())).await.is_some()
    })
    .await;
    let _node = node(&ports);
    wait_until("the node's segment", WAIT, async || segments(&ports).await == 1).await;

    put_keys(&ports, dir.path(), 0..6);
    let first = snapshot_now(&ports).await;
    assert_eq!(first["keys"], 6);
    put_keys(&ports, dir.path(), 6..12);
    let second = snapshot_now(&ports).await;
    assert_eq!(second["keys"], 12);
    let third = snapshot_now(&ports).await;
    assert_eq!(third["keys"], 12);
    assert!(third["bytes"].as_u64().unwrap() > 24);
    // Retention 2: the first is gone, everything that is not ours is still there.
    assert_eq!(third["deleted"], serde_json::json!([first["id"]]));
    let first_id = first["id"].as_str().unwrap();
    let (second_id, third_id) = (second["id"].as_str().unwrap(), third["id"].as_str().unwrap());
    assert!(!cluster_dir.join(first_id).exists());
    assert!(snapshot_file(&root, second_id).is_file() && snapshot_file(&root, third_id).is_file());
    assert!(cluster_dir.join("notes.txt").is_file());
    assert!(cluster_dir.join("keep-me").join("snapshot.bin").is_file());
    assert!(root.join("other.txt").is_file());
    assert_eq!(
        std::fs::read_to_string(cluster_dir.join("latest.txt"))
            .unwrap()
            .trim(),
        third_id
    );
    let health = health(&ports).await;
    assert_eq!(health["snapshot"]["last_success"]["id"], third["id"]);
    let metrics = http_text(format!("{}/metrics", ports.admin())).await.unwrap();
    assert!(metrics.contains("master_snapshot_attempts_total 3"), "{metrics}");
    assert!(metrics.contains(&format!("master_snapshot_last_info{{id=\"{third_id}\"}} 1")));
    mooncake_tests::tools::assert_promtool_accepts(&metrics);

    let keys: Vec<String> = (0..12).map(|i| format!("key-{i}")).collect();
    let before = metadata(&ports, &keys);
    m.kill();

    // 1. The newest snapshot restores every key with identical metadata.
    let (mut m, health, _) = restart_and_check(&ports, &root, &logs, "master2.log", &keys, &before).await;
    assert_eq!(health["snapshot"]["restore"]["id"], third["id"]);
    assert_eq!(health["snapshot"]["restore"]["keys"], 12);
    m.kill();

    // 2. A flipped byte in the newest: rejected for its checksum, the previous one is restored.
    let newest = snapshot_file(&root, third_id);
    let good = std::fs::read(&newest).unwrap();
    let mut corrupt = good.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0x40;
    std::fs::write(&newest, &corrupt).unwrap();
    let (mut m, health, log) = restart_and_check(&ports, &root, &logs, "master3.log", &keys, &before).await;
    assert_eq!(health["snapshot"]["restore"]["id"], second["id"]);
    let rejected = &health["snapshot"]["restore"]["rejected"][0];
    assert_eq!(rejected["id"], third["id"]);
    assert!(
        rejected["error"].as_str().unwrap().contains("checksum mismatch"),
        "{rejected}"
    );
    assert!(
        log.contains("snapshot rejected") && log.contains("checksum mismatch"),
        "{log}"
    );
    m.kill();

    // 3. The newest cut in half: rejected as truncated, the previous one is restored.
    std::fs::write(&newest, &good[..good.len() / 2]).unwrap();
    let (mut m, health, log) = restart_and_check(&ports, &root, &logs, "master4.log", &keys, &before).await;
    assert_eq!(health["snapshot"]["restore"]["id"], second["id"]);
    let rejected = &health["snapshot"]["restore"]["rejected"][0];
    assert!(
        rejected["error"].as_str().unwrap().contains("truncated"),
        "{rejected}"
    );
    assert!(log.contains("truncated snapshot"), "{log}");
    m.kill();
}
