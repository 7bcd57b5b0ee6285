//! `mooncake snapshot` as a user runs it: `list`, `inspect`, `verify` and `restore` against a real local
//! snapshot directory (good, corrupted and foreign files), `create` and `list` through a running master's
//! admin API, and a clear refusal when the master has no snapshot store.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use mooncake_master::config::{SnapshotCatalog, SnapshotConfig, SnapshotStore};
use mooncake_master::snapshot::{SnapshotId, format};
use mooncake_proto::master::MetadataImage;
use mooncake_tests::TestMaster;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

fn image(objects: u64, created: u64) -> MetadataImage {
    MetadataImage {
        view_version: 9,
        created_at_unix_ms: created,
        ..mooncake_tests::image::one_segment(objects, 1000, |i| format!("k{i}"))
    }
}

fn write_snapshot(root: &Path, id: &SnapshotId, bytes: &[u8]) {
    let dir = root.join("mooncake_master_snapshot").join("c1").join(id.as_str());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("snapshot.bin"), bytes).unwrap();
}

fn snapshot(root: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--output", "json", "snapshot", "--cluster-id", "c1"])
        .arg(format!("--local-path={}", root.display()))
        .args(args)
        .env_remove("MOONCAKE_SNAPSHOT_OBJECT_STORE_TYPE")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn list_inspect_verify_and_restore_read_a_local_store() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (old, new) = (
        SnapshotId::at(1_700_000_000_000),
        SnapshotId::at(1_700_000_600_000),
    );
    write_snapshot(root, &old, &format::encode(&image(3, 1_700_000_000_000)));
    write_snapshot(root, &new, &format::encode(&image(5, 1_700_000_600_000)));
    let cluster = root.join("mooncake_master_snapshot").join("c1");
    std::fs::write(cluster.join("latest.txt"), format!("{new}\n")).unwrap();
    std::fs::write(cluster.join("README"), "not a snapshot").unwrap();

    let out = snapshot(root, &["list"]);
    assert!(out.status.success());
    let listed = json(&out);
    let ids: Vec<&str> = listed["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [new.as_str(), old.as_str()],
        "newest first, foreign files ignored"
    );
    assert_eq!(listed["snapshots"][0]["latest"], true);
    assert_eq!(listed["snapshots"][0]["created_at"], "2023-11-14T22:23:20.000Z");

    let out = snapshot(root, &["inspect", new.as_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let inspected = json(&out);
    assert_eq!(inspected["valid"], true);
    assert_eq!(inspected["checksum"], "ok");
    assert_eq!(inspected["format_version"], 1);
    assert_eq!(inspected["objects"], 5);
    assert_eq!(inspected["segments"], 1);
    assert_eq!(inspected["object_bytes"], 5000);

    let out = snapshot(root, &["verify"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["valid"], true);

    // Damage the newest: verify fails, inspect names the problem, restore picks the older one.
    let file = cluster.join(new.as_str()).join("snapshot.bin");
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let out = snapshot(root, &["verify"]);
    assert_eq!(out.status.code(), Some(1), "a damaged snapshot fails verify");
    let verdict = json(&out);
    assert_eq!(verdict["valid"], false);
    assert!(
        verdict["snapshots"][0]["error"]
            .as_str()
            .unwrap()
            .contains("checksum mismatch")
    );
    assert_eq!(verdict["snapshots"][1]["valid"], true);

    let out = snapshot(root, &["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let inspected = json(&out);
    assert_eq!(inspected["id"], new.as_str());
    assert!(
        inspected["checksum"]
            .as_str()
            .unwrap()
            .contains("checksum mismatch")
    );

    let out = snapshot(root, &["restore"]);
    assert!(out.status.success());
    let plan = json(&out);
    assert_eq!(plan["would_restore"]["id"], old.as_str());
    assert_eq!(plan["would_restore"]["objects"], 3);
    assert_eq!(plan["rejected"][0]["id"], new.as_str());
    assert!(
        plan["command"]
            .as_str()
            .unwrap()
            .contains("--enable-snapshot-restore")
    );
}

#[test]
fn a_file_that_is_not_a_snapshot_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.bin");
    std::fs::write(&bad, b"definitely not a snapshot file").unwrap();
    let out = snapshot(dir.path(), &["inspect", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let inspected = json(&out);
    assert_eq!(inspected["valid"], false);
    assert!(
        inspected["error"].as_str().unwrap().contains("bad magic"),
        "{inspected}"
    );

    let truncated = dir.path().join("truncated.bin");
    let full = format::encode(&image(10, 1));
    std::fs::write(&truncated, &full[..full.len() - 7]).unwrap();
    let out = snapshot(dir.path(), &["verify", truncated.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json(&out)["snapshots"][0]["error"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );

    // One unreadable target is a failed row; the others are still verified.
    let missing = dir.path().join("gone").join("snapshot.bin");
    let good = dir.path().join("good.bin");
    std::fs::write(&good, format::encode(&image(3, 1))).unwrap();
    let out = snapshot(
        dir.path(),
        &["verify", missing.to_str().unwrap(), good.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let verified = json(&out);
    assert_eq!(verified["snapshots"][0]["checksum"], "unreadable", "{verified}");
    assert_eq!(verified["snapshots"][1]["valid"], true, "{verified}");

    // Table output says it in words too.
    let out = Command::new(BIN)
        .args(["snapshot", "inspect", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("DAMAGED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_and_list_go_through_the_running_master() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let master = TestMaster::start(|c| {
        c.cluster_id = "c1".into();
        c.snapshot = Some(SnapshotConfig {
            periodic: false,
            restore: false,
            interval: std::time::Duration::from_secs(3600),
            child_timeout: std::time::Duration::from_secs(60),
            retention_count: 2,
            store: SnapshotStore::Local { root: root.clone() },
            catalog: SnapshotCatalog::Embedded,
            backup_dir: None,
        });
    })
    .await;
    let admin = master.admin_url();
    let cli = |args: &[&str]| {
        let admin = admin.clone();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        async move {
            tokio::task::spawn_blocking(move || {
                Command::new(BIN)
                    .args(["--output", "json", "--admin", &admin, "snapshot"])
                    .args(&args)
                    .env_remove("MOONCAKE_SNAPSHOT_LOCAL_PATH")
                    .env_remove("MOONCAKE_SNAPSHOT_OBJECT_STORE_TYPE")
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    let out = cli(&["create"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let created = json(&out);
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["keys"], 0);
    assert!(
        root.join("mooncake_master_snapshot/c1")
            .join(&id)
            .join("snapshot.bin")
            .is_file()
    );

    let out = cli(&["list"]).await;
    assert!(out.status.success());
    let listed = json(&out);
    assert_eq!(listed["snapshots"][0]["id"], id.as_str());
    assert_eq!(listed["status"]["last_success"]["id"], id.as_str());
    master.stop().await;

    // A master without a snapshot store refuses with a reason and exit 2.
    let plain = TestMaster::start(|_| {}).await;
    let out = Command::new(BIN)
        .args(["--admin", &plain.admin_url(), "snapshot", "create"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("snapshots are not configured"), "{stderr}");
    plain.stop().await;
}
