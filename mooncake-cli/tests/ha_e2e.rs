//! High availability end to end, with real processes on loopback: a real 3-member etcd (or Redis), two
//! `mooncake master --enable-ha` processes, one `mooncake node join --master etcd://…` and a client in
//! this test that finds the leader through the same backend.
//!
//! - Under a steady put/get load, `kill -9` of the leader: the standby leads within 5 s, every key
//!   acknowledged before the kill reads back byte for byte, the load goes on, and the error window is
//!   printed. The old leader, restarted, joins as a standby and catches up.
//! - A leader cut off from etcd (etcd stopped) stops answering within its lease.
#![allow(clippy::unwrap_used)]

#[path = "../../mooncake-engine/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mooncake_node::{Client, ClientConfig};
use mooncake_tests::process::{ChildGuard, free_port, http_text, node_join_command, wait_for};
use parking_lot::Mutex;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");
/// The bound on how fast a standby takes over.
const FAILOVER_BOUND: Duration = Duration::from_secs(5);

/// Which HA backend a cluster uses.
#[derive(Clone)]
struct Backend {
    /// `--ha-backend-type`.
    kind: &'static str,
    /// `--ha-backend-connstring`.
    connstring: String,
    /// The address clients and nodes are given instead of a master.
    master_address: String,
    /// Extra environment (Redis password).
    env: Vec<(&'static str, String)>,
}

/// One HA master process and its ports.
struct Master {
    process: ChildGuard,
    rpc_port: u16,
    admin_port: u16,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    /// The master's log (stderr, every run appended), shown when the test fails.
    log: std::path::PathBuf,
}

impl Drop for Master {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(80).collect();
            eprintln!("--- log of the master on port {} (last lines) ---", self.rpc_port);
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Master {
    fn start(backend: &Backend, cluster: &str) -> Self {
        Self::start_with(backend, cluster, &[])
    }

    fn start_with(backend: &Backend, cluster: &str, extra: &[String]) -> Self {
        let (rpc_port, admin_port) = (free_port(), free_port());
        let args: Vec<String> = [
            "master",
            "--enable-ha",
            "--ha-backend-type",
            backend.kind,
            "--ha-backend-connstring",
            &backend.connstring,
            "--cluster-id",
            cluster,
            "--rpc-address",
            "127.0.0.1",
            "--rpc-port",
            &rpc_port.to_string(),
            "--metrics-host",
            "127.0.0.1",
            "--metrics-port",
            &admin_port.to_string(),
        ]
        .map(String::from)
        .into_iter()
        .chain(extra.iter().cloned())
        .collect();
        let mut master = Self {
            process: ChildGuard::spawn(Command::new(BIN).arg("--version").stdout(Stdio::null())),
            rpc_port,
            admin_port,
            args,
            env: backend.env.clone(),
            log: std::env::temp_dir().join(format!("mooncake-ha-test-{}-{rpc_port}.log", std::process::id())),
        };
        master.restart();
        master
    }

    fn restart(&mut self) {
        self.process.kill();
        self.process = ChildGuard::spawn(
            Command::new(BIN)
                .args(&self.args)
                .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
                .env("MOONCAKE_LOG_LEVEL", "info")
                .stdout(Stdio::null())
                .stderr(self.log_file()),
        );
    }

    fn log_file(&self) -> Stdio {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_or_else(|_| Stdio::null(), Stdio::from)
    }

    fn rpc(&self) -> String {
        format!("127.0.0.1:{}", self.rpc_port)
    }

    async fn get(&self, path: &str) -> Option<String> {
        http_text(format!("http://127.0.0.1:{}{path}", self.admin_port)).await
    }

    async fn post(&self, path: &str) -> reqwest::StatusCode {
        let url = format!("http://127.0.0.1:{}{path}", self.admin_port);
        reqwest::Client::new().post(url).send().await.unwrap().status()
    }

    async fn ha_status(&self) -> String {
        self.get("/ha_status").await.unwrap_or_default()
    }
}

/// Waits until exactly one of `masters` serves; returns its index.
async fn serving_leader(masters: &[&Master]) -> usize {
    wait_for("a serving leader", Duration::from_secs(20), async || {
        for (i, master) in masters.iter().enumerate() {
            if master.ha_status().await == "serving" {
                return Some(i);
            }
        }
        None
    })
    .await
}

fn join_node(backend: &Backend, cluster: &str) -> ChildGuard {
    ChildGuard::spawn(
        node_join_command(BIN, &backend.master_address, "64MiB")
            .envs(backend.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("MC_STORE_CLUSTER_ID", cluster),
    )
}

fn value_of(i: u64) -> Vec<u8> {
    let mut value = vec![(i % 251) as u8; 4096 + (i % 7) as usize * 1000];
    value[..8].copy_from_slice(&i.to_le_bytes());
    value
}

/// What the load saw.
#[derive(Default)]
struct LoadLog {
    acknowledged: Vec<u64>,
    errors: Vec<(Instant, String)>,
    ok_after: BTreeMap<u64, Instant>,
}

/// Puts fresh keys (and reads each one back) until `stop`; records acknowledgements and errors.
async fn run_load(client: Arc<Client>, log: Arc<Mutex<LoadLog>>, stop: Arc<AtomicBool>) {
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let key = format!("ha-key-{i}");
        let value = value_of(i);
        match client.put(&key, &value).await {
            Ok(()) => {
                let mut log = log.lock();
                log.acknowledged.push(i);
                log.ok_after.insert(i, Instant::now());
            }
            Err(error) => log
                .lock()
                .errors
                .push((Instant::now(), format!("put {key}: {error}"))),
        }
        if let Err(error) = client.get(&key).await
            && log.lock().acknowledged.last() == Some(&i)
        {
            log.lock()
                .errors
                .push((Instant::now(), format!("get {key}: {error}")));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn failover_keeps_acknowledged_keys(backend: Backend) {
    let cluster = common::unique("ha");
    let mut a = Master::start(&backend, &cluster);
    let mut b = Master::start(&backend, &cluster);
    let first = serving_leader(&[&a, &b]).await;
    let (leader, standby) = if first == 0 {
        (&mut a, &mut b)
    } else {
        (&mut b, &mut a)
    };
    let _node = join_node(&backend, &cluster);
    wait_for(
        "the node's segment on the leader",
        Duration::from_secs(20),
        async || {
            let segments = leader.get("/get_all_segments").await?;
            (!segments.trim().is_empty()).then_some(())
        },
    )
    .await;
    wait_for("the standby in sync", Duration::from_secs(20), async || {
        let health = leader.get("/health").await?;
        let health: serde_json::Value = serde_json::from_str(&health).ok()?;
        (health["standbys_in_sync"].as_u64()? >= 1).then_some(())
    })
    .await;

    // SAFETY: only this test's threads read the environment; set before the client is built.
    unsafe { std::env::set_var("MC_STORE_CLUSTER_ID", &cluster) };
    for (key, value) in &backend.env {
        // SAFETY: as above.
        unsafe { std::env::set_var(key, value) };
    }
    let mut config = ClientConfig::new(backend.master_address.clone());
    config.global_segment_size = 0;
    let client = Arc::new(Client::connect(config).await.unwrap());
    let (log, stop) = (
        Arc::new(Mutex::new(LoadLog::default())),
        Arc::new(AtomicBool::new(false)),
    );
    let load = tokio::spawn(run_load(client.clone(), log.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;

    let killed_at = Instant::now();
    leader.process.kill();
    let acknowledged_before_kill: Vec<u64> = log.lock().acknowledged.clone();
    assert!(
        acknowledged_before_kill.len() > 10,
        "the load ran before the kill"
    );

    wait_for("the standby to lead", FAILOVER_BOUND, async || {
        (standby.ha_status().await == "serving").then_some(())
    })
    .await;
    let took_over = killed_at.elapsed();

    // The load goes on against the new leader.
    let resumed = wait_for(
        "a put acknowledged by the new leader",
        Duration::from_secs(20),
        async || {
            let log = log.lock();
            log.ok_after
                .values()
                .find(|&&at| at > killed_at + took_over)
                .copied()
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap();

    let after: Vec<u64> = {
        let log = log.lock();
        let window = match (log.errors.first(), log.errors.last()) {
            (Some(first), Some(last)) => format!(
                "{} errors from +{:?} to +{:?} after the kill",
                log.errors.len(),
                first.0.saturating_duration_since(killed_at),
                last.0.saturating_duration_since(killed_at)
            ),
            _ => "no errors".to_string(),
        };
        eprintln!(
            "{} failover: standby serving {took_over:?} after kill -9; first put on the new leader after {:?}; \
         error window: {window}",
            backend.kind,
            resumed - killed_at
        );
        // Calls wait for the new leader and a put cut by the change is run again there: no operation of
        // the load fails.
        let errors: Vec<&String> = log.errors.iter().map(|(_, e)| e).collect();
        assert!(
            errors.is_empty(),
            "operations failed during the failover: {errors:?}"
        );
        let longest_stall = log
            .ok_after
            .values()
            .zip(log.ok_after.values().skip(1))
            .map(|(a, b)| b.saturating_duration_since(*a))
            .max()
            .unwrap_or_default();
        eprintln!("longest gap between two acknowledged puts: {longest_stall:?}");
        log.acknowledged.clone()
    };

    for i in acknowledged_before_kill.iter().chain(&after) {
        let value = client.get(&format!("ha-key-{i}")).await;
        assert_eq!(
            value.ok(),
            Some(value_of(*i)),
            "key ha-key-{i} was acknowledged and must be readable"
        );
    }

    // Operator commands given the backend find the new leader too.
    let query = Command::new(BIN)
        .args([
            "--master",
            &backend.master_address,
            "--output",
            "json",
            "query-key",
            "ha-key-1",
        ])
        .envs(backend.env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("MC_STORE_CLUSTER_ID", &cluster)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&query.stdout);
    assert!(
        query.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&query.stderr)
    );
    assert!(stdout.contains("ha-key-1"), "{stdout}");

    // The old leader comes back as a standby and catches up.
    leader.restart();
    wait_for(
        "the old leader back as a standby",
        Duration::from_secs(20),
        async || {
            (leader.ha_status().await == "standby" && leader.get("/role").await? == "standby").then_some(())
        },
    )
    .await;
    wait_for(
        "the new leader to count it in sync",
        Duration::from_secs(20),
        async || {
            let health = standby.get("/health").await?;
            let health: serde_json::Value = serde_json::from_str(&health).ok()?;
            (health["standbys_in_sync"].as_u64()? >= 1).then_some(())
        },
    )
    .await;
    // Observability: both masters say who leads, in /metrics (promtool-clean) and the summary.
    let leader_metrics = standby.get("/metrics").await.unwrap();
    mooncake_tests::tools::assert_promtool_accepts(&leader_metrics);
    assert!(
        leader_metrics.contains("master_ha_is_leader 1"),
        "{leader_metrics}"
    );
    assert!(leader_metrics.contains("master_ha_state{state=\"serving\"} 1"));
    let standby_metrics = leader.get("/metrics").await.unwrap();
    assert!(standby_metrics.contains("master_ha_is_leader 0"));
    assert!(standby_metrics.contains("master_ha_state{state=\"standby\"} 1"));
    let new_leader = standby.rpc();
    assert!(standby_metrics.contains(&format!("master_ha_leader_info{{leader=\"{new_leader}\"}} 1")));
    let summary = leader.get("/metrics/summary").await.unwrap();
    assert!(
        summary.starts_with("role=standby, state=standby, service_ready=false"),
        "{summary}"
    );
    assert!(summary.contains(&format!("leader={new_leader}")), "{summary}");

    // A standby answers no request: the client's direct view of it says so.
    let refused = mooncake_node::master::MasterClient::connect_with(
        format!("http://{}", leader.rpc()),
        uuid::Uuid::new_v4().to_string(),
        false,
    )
    .await
    .unwrap()
    .exist_key("ha-key-1")
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("not the leader"), "{refused}");
    if let Ok(client) = Arc::try_unwrap(client) {
        client.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_failover_keeps_every_acknowledged_key() {
    let test = "etcd_failover_keeps_every_acknowledged_key";
    let Some(binary) = common::require_binary("etcd", test) else {
        return;
    };
    let etcd = common::EtcdCluster::start(&binary, 3);
    assert_eq!(etcd.size(), 3);
    failover_keeps_acknowledged_keys(Backend {
        kind: "etcd",
        connstring: etcd.endpoints(),
        master_address: format!("etcd://{}", etcd.endpoints()),
        env: Vec::new(),
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_failover_keeps_every_acknowledged_key() {
    let Some(redis) = common::shared_redis("redis_failover_keeps_every_acknowledged_key") else {
        return;
    };
    failover_keeps_acknowledged_keys(Backend {
        kind: "redis",
        connstring: redis.url(),
        master_address: redis.url(),
        env: vec![("MC_REDIS_PASSWORD", common::REDIS_PASSWORD.to_string())],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_cut_off_from_etcd_stops_serving() {
    let Some(binary) = common::require_binary("etcd", "a_leader_cut_off_from_etcd_stops_serving") else {
        return;
    };
    let etcd = common::EtcdServer::start(&binary);
    let backend = Backend {
        kind: "etcd",
        connstring: etcd.endpoint(),
        master_address: format!("etcd://{}", etcd.endpoint()),
        env: Vec::new(),
    };
    let cluster = common::unique("cutoff");
    let master = Master::start(&backend, &cluster);
    serving_leader(&[&master]).await;
    let direct = mooncake_node::master::MasterClient::connect_with(
        format!("http://{}", master.rpc()),
        uuid::Uuid::new_v4().to_string(),
        false,
    )
    .await
    .unwrap();
    assert!(
        !direct.exist_key("k").await.unwrap(),
        "the leader answers while etcd is up"
    );

    let stopped_at = Instant::now();
    drop(etcd);
    let refused = wait_for(
        "the leader to stop answering",
        Duration::from_secs(8),
        async || direct.exist_key("k").await.err(),
    )
    .await;
    eprintln!(
        "leader refused requests {:?} after etcd stopped: {refused}",
        stopped_at.elapsed()
    );
    assert!(refused.to_string().contains("leader"), "{refused}");
    wait_for(
        "the master to report standby",
        Duration::from_secs(8),
        async || (master.ha_status().await == "standby").then_some(()),
    )
    .await;
    let health: serde_json::Value = serde_json::from_str(&master.get("/health").await.unwrap()).unwrap();
    assert_eq!(health["role"], "standby");
    assert_eq!(health["service_ready"], false);
}

/// Only the serving leader writes snapshots; a cluster whose masters all died comes back from the
/// newest snapshot through its first leader, and the node that kept running serves the same bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_leader_snapshots_and_a_cold_cluster_restores_from_it() {
    let Some(etcd) = common::shared_etcd("only_the_leader_snapshots_and_a_cold_cluster_restores_from_it")
    else {
        return;
    };
    let backend = Backend {
        kind: "etcd",
        connstring: etcd.endpoint(),
        master_address: format!("etcd://{}", etcd.endpoint()),
        env: Vec::new(),
    };
    let cluster = common::unique("ha-snap");
    let dir = tempfile::tempdir().unwrap();
    let snapshots: Vec<String> = [
        "--enable-snapshot",
        "--enable-snapshot-restore",
        "--snapshot-object-store-type",
        "local",
        "--snapshot-interval-seconds",
        "3600",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("--snapshot-local-path={}", dir.path().display())])
    .collect();
    let mut a = Master::start_with(&backend, &cluster, &snapshots);
    serving_leader(&[&a]).await;
    let mut b = Master::start_with(&backend, &cluster, &snapshots);
    wait_for(
        "the second master as standby",
        Duration::from_secs(20),
        async || (b.ha_status().await == "standby").then_some(()),
    )
    .await;
    let _node = join_node(&backend, &cluster);
    wait_for("the node's segment", Duration::from_secs(20), async || {
        let segments = a.get("/get_all_segments").await?;
        (!segments.trim().is_empty()).then_some(())
    })
    .await;

    // SAFETY: only this test's threads read the environment; set before the client is built.
    unsafe { std::env::set_var("MC_STORE_CLUSTER_ID", &cluster) };
    let mut config = ClientConfig::new(backend.master_address.clone());
    config.global_segment_size = 0;
    let client = Client::connect(config).await.unwrap();
    for i in 0..20 {
        client.put(&format!("snap-key-{i}"), &value_of(i)).await.unwrap();
    }
    assert_eq!(a.post("/api/v1/snapshots").await, reqwest::StatusCode::CREATED);
    assert_eq!(
        b.post("/api/v1/snapshots").await,
        reqwest::StatusCode::SERVICE_UNAVAILABLE,
        "a standby must not write snapshots (its core is empty)"
    );

    // Every master dies; the first one back leads from the snapshot.
    a.process.kill();
    b.process.kill();
    a.restart();
    wait_for(
        "the restarted master to lead",
        Duration::from_secs(20),
        async || (a.ha_status().await == "serving").then_some(()),
    )
    .await;
    for i in 0..20 {
        let key = format!("snap-key-{i}");
        let value = client.get(&key).await;
        assert_eq!(value.ok(), Some(value_of(i)), "{key} restored from the snapshot");
    }
    let health: serde_json::Value = serde_json::from_str(&a.get("/health").await.unwrap()).unwrap();
    assert_eq!(health["snapshot"]["restore"]["keys"], 20, "{health}");
    client.close().await.unwrap();
}
