//! `mooncake bench --local`: a master and storage nodes as separate processes of this binary on
//! loopback ports, as a real deployment runs them, stopped (by PID) when the benchmark ends.

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::master_client::MasterRpc;

/// A child process killed and reaped on drop.
struct Process {
    what: String,
    child: Child,
}

impl Process {
    fn spawn(what: impl Into<String>, command: &mut Command) -> anyhow::Result<Self> {
        let what = what.into();
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("start the {what}"))?;
        tracing::debug!(pid = child.id(), "started the {what}");
        Ok(Self { what, child })
    }

    /// Fails if the process has already exited.
    fn check_alive(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "the {} exited during start-up ({status}); see its log above",
                self.what
            );
        }
        Ok(())
    }
}

/// How long a child gets to stop cleanly (a node unmounts and deletes its segment file) before it
/// is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);

impl Drop for Process {
    /// SIGTERM, then SIGKILL after [`STOP_GRACE`]: a node killed outright would leave its segment
    /// file in /dev/shm until the next node on this host reaps it.
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: signals our own child, which has not been reaped yet (so the pid is still ours).
            unsafe { libc::kill(pid, libc::SIGTERM) };
            let deadline = Instant::now() + STOP_GRACE;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            tracing::warn!(what = %self.what, "did not stop within {STOP_GRACE:?} of SIGTERM; killing it");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (free when asked; the child binds it a moment later).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .context("find a free loopback port")?
        .local_addr()?
        .port())
}

/// This binary, to start the cluster's processes with.
fn exe() -> anyhow::Result<PathBuf> {
    std::env::current_exe().context("locate the mooncake binary")
}

/// A master plus the nodes started so far.
pub struct LocalCluster {
    /// Declared (hence dropped) before the master: each node unmounts at the master as it stops.
    nodes: Vec<Process>,
    /// The master's gRPC address, `127.0.0.1:PORT`.
    pub master_addr: String,
    rpc: MasterRpc,
    master: Process,
}

const START_TIMEOUT: Duration = Duration::from_secs(120);

impl LocalCluster {
    /// Starts a master on loopback and waits until it answers.
    pub async fn start() -> anyhow::Result<Self> {
        let rpc_port = free_port()?;
        let metrics_port = free_port()?;
        let mut master = Process::spawn(
            "benchmark master",
            Command::new(exe()?)
                .args(["--log-level", "warn", "master", "--rpc-address", "127.0.0.1"])
                .args(["--rpc-port", &rpc_port.to_string()])
                .args(["--metrics-port", &metrics_port.to_string()]),
        )?;
        let master_addr = format!("127.0.0.1:{rpc_port}");
        let deadline = Instant::now() + START_TIMEOUT;
        let rpc = loop {
            master.check_alive()?;
            if let Ok(rpc) = MasterRpc::connect(&master_addr).await
                && rpc.all_segments().await.is_ok()
            {
                break rpc;
            }
            if Instant::now() > deadline {
                bail!("the benchmark master did not answer on {master_addr} within {START_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        Ok(Self {
            master_addr,
            rpc,
            master,
            nodes: Vec::new(),
        })
    }

    /// Names of the segments mounted now.
    pub async fn segment_names(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .rpc
            .all_segments()
            .await?
            .into_iter()
            .filter_map(|s| s.segment.map(|s| s.name))
            .collect())
    }

    /// Starts a storage node contributing `segment_size` bytes; returns its segment's name once the
    /// master lists it (after the node pre-faulted its memory).
    pub async fn start_node(&mut self, segment_size: u64) -> anyhow::Result<String> {
        let before = self.segment_names().await?;
        let rest_port = free_port()?;
        let mut node = Process::spawn(
            format!("benchmark storage node {}", self.nodes.len() + 1),
            Command::new(exe()?)
                .args(["--log-level", "warn", "--master", &self.master_addr])
                .args([
                    "node",
                    "join",
                    "--local-hostname",
                    "127.0.0.1",
                    "--rest-host",
                    "127.0.0.1",
                ])
                .args(["--rest-port", &rest_port.to_string()])
                .args(["--global-segment-size", &segment_size.to_string()]),
        )?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            node.check_alive()?;
            self.master.check_alive()?;
            if let Some(name) = self
                .segment_names()
                .await?
                .into_iter()
                .find(|n| !before.contains(n))
            {
                self.nodes.push(node);
                return Ok(name);
            }
            if Instant::now() > deadline {
                bail!("the storage node did not mount its segment within {START_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the nodes, then the master, while the runtime keeps running: the gRPC channel to the
    /// master is dropped first and its connection task gets to close the connection, so the master
    /// shuts down at once instead of waiting out its grace period for an idle client (dropping the
    /// cluster inside the single-threaded runtime would block the thread that task runs on).
    pub async fn stop(self) {
        let LocalCluster {
            nodes, rpc, master, ..
        } = self;
        let _ = tokio::task::spawn_blocking(move || drop(nodes)).await;
        drop(rpc);
        let _ = tokio::task::spawn_blocking(move || drop(master)).await;
    }
}
