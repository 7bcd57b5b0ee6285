//! Process-level tests of `mooncake doctor`: the RDMA checks on fixture sysfs trees
//! (`tests/fixtures/sysfs/`), the network checks in crafted environments (ports held on loopback,
//! proxy variables, foreign and unresolvable names), the cluster checks against a dead port, a live
//! master and a fake admin endpoint; each asserts the verdict, the exit code and the fix shown.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

use mooncake_tests::process::free_port;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sysfs")
        .join(case)
}

/// `mooncake` with no setting inherited from the developer's shell that the doctor reads.
fn mooncake() -> Command {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(|n| {
            n.starts_with("MOONCAKE_")
                || n.starts_with("MC_")
                || n == "NCCL_IB_GID_INDEX"
                || n == "RUST_LOG"
                || n.to_ascii_lowercase().ends_with("_proxy")
        }) {
            command.env_remove(name);
        }
    }
    command
}

/// `mooncake doctor rdma` on fixture `case` with an unlimited memlock limit unless `args` set one.
fn rdma(case: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = mooncake();
    command
        .args(["doctor", "rdma", "--sysfs-root"])
        .arg(fixture(case))
        .env("MOONCAKE_DOCTOR_MEMLOCK_LIMIT", "unlimited")
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The JSON report of a `--output json` run.
fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

/// The checks with `id` in a JSON report.
fn checks<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == id)
        .collect()
}

/// The one check with `id` whose title contains `title`.
fn the_check<'a>(report: &'a Value, id: &str, title: &str) -> &'a Value {
    let found: Vec<_> = checks(report, id)
        .into_iter()
        .filter(|c| c["title"].as_str().unwrap().contains(title))
        .collect();
    assert_eq!(found.len(), 1, "{id} {title}: {report:#}");
    found[0]
}

fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
}

#[test]
fn rdma_healthy_connectx6_passes_every_check() {
    let output = rdma("connectx6_healthy", &[], &[("MC_GID_INDEX", "3")]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_contains(&text, "mlx5_0 port 1 state");
    assert_contains(&text, "ACTIVE (LinkUp), link layer Ethernet, MT4123");
    assert_contains(&text, "MC_GID_INDEX=3: RoCE v2, 10.0.0.2 on ens1f0");
    assert_contains(
        &text,
        "active 4096 (derived from the interface MTU), MC_MTU 4096; ens1f0 MTU 9000",
    );
    assert_contains(&text, "0 warnings, 0 failed");
    assert!(!text.contains("FAIL") && !text.contains("WARN"), "{text}");
}

#[test]
fn rdma_unset_gid_index_shows_the_index_the_engine_picks() {
    let output = rdma("connectx6_healthy", &["--output", "json"], &[]);
    let report = json(&output);
    let gid = the_check(&report, "rdma.gid", "mlx5_0");
    assert_eq!(gid["verdict"], "pass");
    assert_contains(
        gid["evidence"].as_str().unwrap(),
        "MC_GID_INDEX unset: the engine picks index 3",
    );
}

#[test]
fn rdma_port_down_fails_with_the_cable_hint() {
    let output = rdma("port_down", &[], &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(&text, "DOWN (Disabled)");
    assert_contains(&text, "\"Device mlx5_1 port not active\": check the cable");
    let report = json(&rdma("port_down", &["--output", "json"], &[]));
    assert_eq!(
        the_check(&report, "rdma.port_active", "mlx5_0")["verdict"],
        "pass"
    );
    assert_eq!(
        the_check(&report, "rdma.port_active", "mlx5_1")["verdict"],
        "fail"
    );
}

#[test]
fn rdma_all_zero_gid_at_the_configured_index_names_the_roce_v2_index() {
    let output = rdma("zero_gid", &[], &[("MC_GID_INDEX", "3")]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(&text, "MC_GID_INDEX=3: the GID there is all-zero");
    assert_contains(&text, "export MC_GID_INDEX=5 (RoCE v2, 192.168.1.10 on ens1f0)");
}

#[test]
fn rdma_link_local_v1_gid_warns_towards_roce_v2() {
    let report = json(&rdma(
        "connectx6_healthy",
        &["--output", "json"],
        &[("MC_GID_INDEX", "0")],
    ));
    let gid = the_check(&report, "rdma.gid", "mlx5_0");
    assert_eq!(gid["verdict"], "warn");
    assert_contains(gid["hint"].as_str().unwrap(), "export MC_GID_INDEX=3");
    assert_eq!(report["exit_code"], 0);
}

#[test]
fn rdma_active_mtu_below_mc_mtu_warns_and_strict_fails() {
    let output = rdma("mtu_1500", &[], &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "warnings exit 0: {text}");
    assert_contains(&text, "WARN");
    assert_contains(
        &text,
        "active 1024 (derived from the interface MTU), MC_MTU 4096; ens1f0 MTU 1500",
    );
    assert_contains(
        &text,
        "set MC_MTU=1024 on every node, or raise the interface MTU (ip link set dev ens1f0 mtu 9000",
    );
    assert_eq!(rdma("mtu_1500", &["--strict"], &[]).status.code(), Some(1));
    // MC_MTU=1024 agrees with the port: no warning left.
    let agreed = rdma("mtu_1500", &[], &[("MC_MTU", "1024")]);
    assert!(!stdout(&agreed).contains("WARN"), "{}", stdout(&agreed));
}

#[test]
fn rdma_registration_above_a_64_gib_max_mr_size_fails() {
    let output = rdma("erdma_64g", &["--global-segment-size", "80GiB"], &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(
        &text,
        "64 GiB (68719476736) from the tree's file; planned 80 GiB segment + 512 MiB buffer",
    );
    assert_contains(&text, "Out of mr size");
    let report = json(&rdma(
        "erdma_64g",
        &["--global-segment-size", "32GiB", "--output", "json"],
        &[],
    ));
    assert_eq!(
        the_check(&report, "rdma.max_mr_size", "erdma_0")["verdict"],
        "pass"
    );
    // The erdma port's active MTU comes from the tree's active_mtu file (ibverbs' value).
    assert_contains(
        the_check(&report, "rdma.mtu", "erdma_0")["evidence"]
            .as_str()
            .unwrap(),
        "active 1024 (from the tree's file)",
    );
}

#[test]
fn rdma_max_mr_size_unknown_is_not_guessed() {
    let tree = tempfile::tempdir().unwrap();
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        let status = Command::new("cp").arg("-r").arg(from).arg(to).status().unwrap();
        assert!(status.success());
    };
    copy(&fixture("connectx6_healthy"), &tree.path().join("sys"));
    std::fs::remove_file(tree.path().join("sys/class/infiniband/mlx5_0/max_mr_size")).unwrap();
    let run = |size: &str| {
        let output = mooncake()
            .args([
                "--output",
                "json",
                "doctor",
                "rdma",
                "--memlock-limit",
                "unlimited",
                "--sysfs-root",
            ])
            .arg(tree.path().join("sys"))
            .args(["--global-segment-size", size])
            .output()
            .unwrap();
        json(&output)
    };
    let report = run("1GiB");
    let check = the_check(&report, "rdma.max_mr_size", "mlx5_0");
    assert_eq!(check["verdict"], "skip");
    assert_contains(check["evidence"].as_str().unwrap(), "unknown: ");
    assert_contains(
        check["hint"].as_str().unwrap(),
        "ibv_devinfo -v -d mlx5_0 | grep max_mr_size",
    );
    // Above the common 64 GiB limit an unverifiable plan is worth a warning.
    assert_eq!(
        the_check(&run("100GiB"), "rdma.max_mr_size", "mlx5_0")["verdict"],
        "warn"
    );
}

#[test]
fn rdma_named_device_that_does_not_exist_fails() {
    let output = rdma("port_down", &["--device", "mlx5_0,mlx5_9"], &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(&text, "No matched device found: mlx5_9");
    assert_contains(&text, "(this host has: mlx5_0, mlx5_1)");
    assert!(
        !text.contains("mlx5_1 port 1"),
        "only the named devices are checked: {text}"
    );
}

#[test]
fn rdma_memlock_limit_below_the_planned_registration_fails() {
    let output = rdma(
        "connectx6_healthy",
        &["--memlock-limit", "64KiB"],
        &[("MC_GID_INDEX", "3")],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(
        &text,
        "64 KiB < planned 1 GiB segment + 512 MiB buffer = 1.50 GiB",
    );
    assert_contains(&text, "ulimit -l unlimited");
}

#[test]
fn rdma_without_devices_warns_but_plain_doctor_skips() {
    let empty = tempfile::tempdir().unwrap();
    let output = mooncake()
        .args(["doctor", "rdma", "--sysfs-root"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_contains(&stdout(&output), "none under");
    assert_contains(&stdout(&output), "--protocol tcp");
    let dead = free_port();
    let report = json(
        &mooncake()
            .args(["--output", "json", "--master", &format!("127.0.0.1:{dead}")])
            .args([
                "--admin",
                &format!("http://127.0.0.1:{dead}"),
                "doctor",
                "--sysfs-root",
            ])
            .arg(empty.path())
            .output()
            .unwrap(),
    );
    let rdma = checks(&report, "rdma.devices");
    assert_eq!(rdma.len(), 1);
    assert_eq!(rdma[0]["verdict"], "skip");
    let groups: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["group"].as_str().unwrap())
        .collect();
    assert!(
        groups.contains(&"net") && groups.contains(&"cluster"),
        "{groups:?}"
    );
}

#[test]
fn plain_doctor_runs_rdma_net_and_cluster_with_a_valid_json_document() {
    let dead = free_port();
    let output = mooncake()
        .args(["--output", "json", "--master", &format!("127.0.0.1:{dead}")])
        .args([
            "--admin",
            &format!("http://127.0.0.1:{dead}"),
            "doctor",
            "--sysfs-root",
        ])
        .arg(fixture("connectx6_healthy"))
        .args(["--memlock-limit", "unlimited"])
        .output()
        .unwrap();
    let report = json(&output);
    let all = report["checks"].as_array().unwrap();
    for group in ["rdma", "net", "cluster"] {
        assert!(all.iter().any(|c| c["group"] == group), "{group}: {report:#}");
    }
    for check in all {
        for field in ["group", "id", "title", "verdict", "evidence"] {
            assert!(check[field].is_string(), "{field} in {check}");
        }
        assert!(["pass", "warn", "fail", "skip"].contains(&check["verdict"].as_str().unwrap()));
        if check["verdict"] == "fail" {
            assert!(check["hint"].is_string(), "every failure has a fix: {check}");
        }
    }
    let summary = &report["summary"];
    let total: u64 = ["pass", "warn", "fail", "skip"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, all.len());
    assert_eq!(report["worst"], "fail");
    assert_eq!(report["exit_code"], 1);
    assert_eq!(output.status.code(), Some(1));
}

fn net(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = mooncake();
    command.args(["doctor", "net", "--timeout", "2s"]).args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn net_port_already_in_use_fails_and_names_the_holder() {
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let output = net(&["--rpc-port", &port, "--output", "json"], &[]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let check = the_check(&report, "net.port_free", &port);
    assert_eq!(check["verdict"], "fail");
    assert_contains(check["title"].as_str().unwrap(), "(master gRPC)");
    assert_contains(
        check["evidence"].as_str().unwrap(),
        &format!(
            "127.0.0.1:{port} is already listening: pid {}",
            std::process::id()
        ),
    );
    assert_contains(check["hint"].as_str().unwrap(), "address already in use");
    drop(held);
    let output = net(&["--rpc-port", &port], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_contains(&stdout(&output), &format!("port {port} (master gRPC)"));
}

#[test]
fn net_loopback_local_hostname_warns_only_when_multi_host() {
    let single = net(&["--local-hostname", "127.0.0.1"], &[]);
    assert_eq!(single.status.code(), Some(0));
    assert_contains(
        &stdout(&single),
        "127.0.0.1 is loopback: fine while everything runs on this host",
    );
    let multi = net(&["--local-hostname", "localhost:17812", "--multi-host"], &[]);
    let text = stdout(&multi);
    assert_eq!(multi.status.code(), Some(0), "a warning exits 0: {text}");
    assert_contains(&text, "WARN");
    assert_contains(
        &text,
        "localhost:17812 is loopback, but the cluster spans hosts (--multi-host)",
    );
    assert_contains(&text, "use this host's LAN address");
}

#[test]
fn net_local_hostname_of_another_machine_fails() {
    let output = net(&["--local-hostname", "203.0.113.77"], &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(&text, "203.0.113.77 → 203.0.113.77, not an address of this host");
    assert_contains(&text, "connectable_name must be this host's own address");
}

#[test]
fn net_unresolvable_names_fail() {
    let output = net(
        &["--local-hostname", "no-such-host.invalid", "--output", "json"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let check = the_check(&report, "net.resolve", "no-such-host.invalid");
    assert_eq!(check["verdict"], "fail");
    assert_contains(check["hint"].as_str().unwrap(), "/etc/hosts");
    assert_eq!(the_check(&report, "net.local_hostname", "")["verdict"], "fail");
}

#[test]
fn net_reads_an_ha_master_address_as_the_backend_it_names() {
    let output = net(
        &[
            "--master",
            "etcd://127.0.0.1:2379;localhost:2380",
            "--output",
            "json",
        ],
        &[],
    );
    let report = json(&output);
    let check = the_check(&report, "net.resolve", "HA backend (etcd)");
    assert_eq!(check["verdict"], "pass", "{check}");
    assert!(
        checks(&report, "net.resolve")
            .iter()
            .all(|c| !c["title"].as_str().unwrap().contains(';')),
        "the endpoint list is not taken for one host name: {report:#}"
    );
}

#[test]
fn net_proxy_variables_warn_unless_no_proxy_covers_the_cluster() {
    let output = net(
        &["--output", "json"],
        &[("https_proxy", "http://proxy.example:3128")],
    );
    let report = json(&output);
    let check = the_check(&report, "net.proxy", "");
    assert_eq!(check["verdict"], "warn");
    assert_contains(
        check["evidence"].as_str().unwrap(),
        "https_proxy=http://proxy.example:3128",
    );
    assert_contains(check["hint"].as_str().unwrap(), "unset http_proxy https_proxy");
    let covered = json(&net(
        &["--output", "json"],
        &[
            ("HTTP_PROXY", "http://proxy.example:3128"),
            ("no_proxy", "localhost,127.0.0.0/8"),
        ],
    ));
    assert_eq!(the_check(&covered, "net.proxy", "")["verdict"], "pass");
    let none = json(&net(&["--output", "json"], &[]));
    assert_eq!(the_check(&none, "net.proxy", "")["evidence"], "none set");
}

#[test]
fn net_reports_the_data_connections_congestion_control_and_refuses_a_bad_choice() {
    let report = json(&net(&["--output", "json"], &[]));
    let check = the_check(&report, "net.tcp_congestion", "");
    assert_eq!(check["verdict"], "pass");
    assert_contains(check["evidence"].as_str().unwrap(), "loopback peers use reno");
    let bad = json(&net(
        &["--output", "json"],
        &[("MC_TCP_CONGESTION", "not an algorithm")],
    ));
    let check = the_check(&bad, "net.tcp_congestion", "");
    assert_eq!(check["verdict"], "fail");
    assert_contains(check["hint"].as_str().unwrap(), "unset MC_TCP_CONGESTION");
}

fn cluster(master: &str, admin: &str, metadata: &str, args: &[&str]) -> Output {
    mooncake()
        .args([
            "--master",
            master,
            "--admin",
            admin,
            "--metadata-server",
            metadata,
        ])
        .args(["doctor", "cluster", "--timeout", "2s"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cluster_unreachable_master_fails_with_a_start_hint() {
    let dead = free_port();
    let output = cluster(
        &format!("127.0.0.1:{dead}"),
        &format!("http://127.0.0.1:{dead}"),
        &format!("etcd://127.0.0.1:{dead}"),
        &[],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_contains(&text, &format!("master 127.0.0.1:{dead}"));
    assert_contains(&text, "unreachable: ");
    assert_contains(&text, "start the master (`mooncake master`) or fix --master");
    assert_contains(&text, "etcdctl --endpoints HOST:PORT endpoint health");
}

#[tokio::test(flavor = "multi_thread")]
async fn cluster_live_master_passes_every_check() {
    let master = mooncake_tests::TestMaster::start(|config| {
        config.http_metadata = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let rpc = master.handle.rpc_addr.to_string();
    let admin = master.admin_url();
    let metadata = format!("http://{}/metadata", master.handle.metadata_addr.unwrap());
    let output = tokio::task::spawn_blocking(move || cluster(&rpc, &admin, &metadata, &["--output", "json"]))
        .await
        .unwrap();
    master.stop().await;
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    for id in [
        "cluster.master",
        "cluster.admin",
        "cluster.leader",
        "cluster.metadata",
        "cluster.clock",
    ] {
        assert_eq!(the_check(&report, id, "")["verdict"], "pass", "{id}: {report:#}");
    }
    assert_contains(
        the_check(&report, "cluster.master", "")["evidence"]
            .as_str()
            .unwrap(),
        "ServiceReady: ready",
    );
    assert_contains(
        the_check(&report, "cluster.leader", "")["evidence"]
            .as_str()
            .unwrap(),
        "is the leader",
    );
}

/// A stand-in admin endpoint answering every request with `body` and a `Date` of 2001; returns its
/// URL. The thread serves until the test process ends.
fn fake_admin(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2001 00:00:00 GMT\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn cluster_clock_skew_and_a_standby_master_warn() {
    let admin = fake_admin(
        r#"{"status":"ok","role":"standby","leader_address":"127.0.0.1:50052","view_version":7,"present":true}"#,
    );
    let dead = free_port();
    let output = cluster(
        &format!("127.0.0.1:{dead}"),
        &admin,
        "P2PHANDSHAKE",
        &["--output", "json"],
    );
    let report = json(&output);
    let clock = the_check(&report, "cluster.clock", "");
    assert_eq!(clock["verdict"], "warn", "{report:#}");
    assert_contains(
        clock["evidence"].as_str().unwrap(),
        "behind this host's (Date: Mon, 01 Jan 2001 00:00:00 GMT)",
    );
    assert_contains(clock["hint"].as_str().unwrap(), "sync the clocks");
    let leader = the_check(&report, "cluster.leader", "");
    assert_eq!(leader["verdict"], "warn");
    assert_contains(
        leader["evidence"].as_str().unwrap(),
        "is a standby; the leader is 127.0.0.1:50052",
    );
    assert_eq!(the_check(&report, "cluster.metadata", "")["verdict"], "skip");
    assert_eq!(the_check(&report, "cluster.admin", "")["verdict"], "pass");
}

#[test]
fn cluster_metadata_server_on_loopback_warns_when_multi_host() {
    let etcd = TcpListener::bind("127.0.0.1:0").unwrap();
    let metadata = format!("etcd://{}", etcd.local_addr().unwrap());
    let dead = free_port();
    let master = format!("127.0.0.1:{dead}");
    let admin = format!("http://127.0.0.1:{dead}");
    let single = json(&cluster(&master, &admin, &metadata, &["--output", "json"]));
    assert_eq!(the_check(&single, "cluster.metadata", "")["verdict"], "pass");
    let multi = json(&cluster(
        &master,
        &admin,
        &metadata,
        &["--output", "json", "--multi-host"],
    ));
    let check = the_check(&multi, "cluster.metadata", "");
    assert_eq!(check["verdict"], "warn");
    assert_contains(
        check["evidence"].as_str().unwrap(),
        "is loopback and the cluster spans hosts",
    );
    assert_contains(
        check["hint"].as_str().unwrap(),
        "--listen-client-urls http://0.0.0.0:2379",
    );
}

#[test]
fn help_explains_what_each_family_looks_at() {
    let help = |family: &str| stdout(&mooncake().args(["doctor", family, "--help"]).output().unwrap());
    let rdma = help("rdma");
    for needle in [
        "MC_GID_INDEX",
        "max_mr_size",
        "ulimit -l",
        "--sysfs-root",
        "No matched device found",
    ] {
        assert_contains(&rdma, needle);
    }
    assert_contains(&help("net"), "connectable_name");
    assert_contains(&help("cluster"), "ServiceReady");
    let top = stdout(&mooncake().args(["doctor", "--help"]).output().unwrap());
    assert_contains(&top, "warnings exit 0 unless --strict");
}
