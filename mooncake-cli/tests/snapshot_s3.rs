//! Snapshots in S3 against a real S3-compatible server (`moto_server`) on loopback: a `mooncake master`
//! writes periodic snapshots to a bucket, retention keeps the newest two and leaves other objects in the
//! bucket alone, `mooncake snapshot list/verify/inspect --store s3` read them, and a restarted master
//! restores the newest one.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use mooncake_master::snapshot::SnapshotId;
use mooncake_master::snapshot::store::{S3Settings, S3Store, Store};
use mooncake_tests::process::{ChildGuard, free_port, http_text, wait_until};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");
const BUCKET: &str = "mooncake-snapshots";

fn s3_env(cmd: &mut Command, port: u16) -> &mut Command {
    cmd.env("MOONCAKE_AWS_ACCESS_KEY_ID", "testing")
        .env("MOONCAKE_AWS_SECRET_ACCESS_KEY", "testing")
        .env("MOONCAKE_AWS_BUCKET_NAME", BUCKET)
        .env("MOONCAKE_AWS_REGION", "us-east-1")
        .env("MOONCAKE_AWS_ENDPOINT", format!("http://127.0.0.1:{port}"))
        .env("MOONCAKE_AWS_USE_VIRTUAL_ADDRESSING", "false")
        .env_remove("MOONCAKE_SNAPSHOT_LOCAL_PATH")
}

fn master(s3: u16, rpc: u16, admin: u16, extra: &[&str]) -> ChildGuard {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "master",
        "--rpc-address",
        "127.0.0.1",
        "--metrics-host",
        "127.0.0.1",
    ])
    .args([
        "--rpc-port",
        &rpc.to_string(),
        "--metrics-port",
        &admin.to_string(),
    ])
    .args(["--cluster-id", "c1", "--snapshot-object-store-type", "s3"])
    .args(["--snapshot-retention-count", "2"])
    .args(extra)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    ChildGuard::spawn(s3_env(&mut cmd, s3))
}

fn cli(s3: u16, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--output",
        "json",
        "snapshot",
        "--store",
        "s3",
        "--cluster-id",
        "c1",
    ])
    .args(args);
    s3_env(&mut cmd, s3).output().unwrap()
}

/// How long moto_server or a master may take to come up, or the periodic snapshots to run.
const WAIT: Duration = Duration::from_secs(30);

async fn health(admin: u16) -> Option<Value> {
    let text = http_text(format!("http://127.0.0.1:{admin}/health")).await?;
    serde_json::from_str(&text).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_snapshots_retention_cli_and_restore() {
    let Some(moto) = mooncake_tests::tools::moto_server() else {
        return;
    };
    let s3 = free_port();
    let _moto = ChildGuard::spawn(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &s3.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{s3}");
    wait_until("moto_server", WAIT, async || {
        http.put(format!("{base}/{BUCKET}"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await;
    // Objects that are not ours, inside and outside the snapshot prefix.
    for key in ["mooncake_master_snapshot/c1/notes.txt", "other/data.bin"] {
        let r = http
            .put(format!("{base}/{BUCKET}/{key}"))
            .header("x-amz-acl", "public-read")
            .body("keep me")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    let (rpc, admin) = (free_port(), free_port());
    let mut m = master(
        s3,
        rpc,
        admin,
        &["--enable-snapshot", "--snapshot-interval-seconds", "1"],
    );
    wait_until("three periodic snapshots", WAIT, async || {
        health(admin)
            .await
            .is_some_and(|h| h["snapshot"]["attempts"].as_u64().unwrap_or(0) >= 3)
    })
    .await;
    let h = health(admin).await.unwrap();
    assert_eq!(h["snapshot"]["failures"], 0, "{h}");
    assert!(
        h["snapshot"]["location"]
            .as_str()
            .unwrap()
            .starts_with("s3://mooncake-snapshots/")
    );
    drop(m);

    let out = cli(s3, &["list"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let snapshots = listed["snapshots"].as_array().unwrap();
    assert_eq!(snapshots.len(), 2, "retention keeps two: {listed}");
    assert_eq!(snapshots[0]["latest"], true);
    let newest = snapshots[0]["id"].as_str().unwrap().to_owned();
    for key in ["mooncake_master_snapshot/c1/notes.txt", "other/data.bin"] {
        let r = http.get(format!("{base}/{BUCKET}/{key}")).send().await.unwrap();
        let status = r.status();
        assert!(
            status.is_success(),
            "{key} was deleted: {status} {}",
            r.text().await.unwrap()
        );
    }

    let out = cli(s3, &["verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = cli(s3, &["inspect", &newest]);
    assert!(out.status.success());
    let inspected: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inspected["checksum"], "ok");

    // Damage the newest in the bucket: verify fails; a restarting master restores the older one.
    let store = Store::S3(Box::new(
        S3Store::new(
            S3Settings {
                access_key_id: "testing".into(),
                secret_access_key: "testing".into(),
                bucket: BUCKET.into(),
                region: "us-east-1".into(),
                endpoint: base.parse().unwrap(),
                virtual_addressing: false,
                connect_timeout: Duration::from_secs(5),
                request_timeout: Duration::from_secs(30),
            },
            "c1",
        )
        .unwrap(),
    ));
    let id = SnapshotId::parse(&newest).unwrap();
    let good = store.read(&id, &mut |_, _| {}).await.unwrap();
    store.write(&id, good[..good.len() - 3].to_vec()).await.unwrap();
    assert_eq!(cli(s3, &["verify"]).status.code(), Some(1));
    let older = snapshots[1]["id"].as_str().unwrap().to_owned();
    m = master(s3, rpc, admin, &["--enable-snapshot-restore"]);
    wait_until("the restarted master", WAIT, async || {
        health(admin).await.is_some()
    })
    .await;
    let h = health(admin).await.unwrap();
    assert_eq!(h["snapshot"]["restore"]["id"], older.as_str(), "{h}");
    let rejected = &h["snapshot"]["restore"]["rejected"][0];
    assert_eq!(rejected["id"], newest.as_str());
    assert!(
        rejected["error"].as_str().unwrap().contains("truncated"),
        "{rejected}"
    );
    drop(m);
}
