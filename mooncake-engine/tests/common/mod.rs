//! Test helpers: real `etcd` and `redis-server` processes on free loopback ports, each in its own
//! temporary directory, stopped by PID when the last user drops them.
//!
//! A test asks for [`shared_etcd`] / [`shared_redis`]: tests of one binary that run at the same time
//! share one server (it is started once and stopped when the last `Arc` goes away), and under nextest
//! — one process per test — each test simply gets its own. Tests sharing a server keep apart by using
//! their own key prefix (cluster id) or names.
//!
//! When a binary is not on PATH the helpers return `None` after printing `SKIPPED: …`, unless `CI` is
//! `true`/`1`, in which case they panic: CI must run every real-server test.

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// How long a server may take to become ready.
const STARTUP_DEADLINE: Duration = Duration::from_secs(20);

/// Whether this is a CI run (missing servers are then failures, not skips).
pub fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true") | Ok("1"))
}

/// `Some(path)` of `binary` on PATH; otherwise skips loudly (`None`) or, in CI, panics.
pub fn require_binary(binary: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(binary))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(!in_ci(), "{test}: `{binary}` is not on PATH and CI is set");
        eprintln!("SKIPPED: {test}: `{binary}` is not on PATH");
    }
    found
}

/// A free TCP port on 127.0.0.1 (released before returning; the race with other processes is small).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (by PID) and reaped on drop, with its temporary directory.
struct ServerProcess {
    child: Child,
    dir: tempfile::TempDir,
    name: &'static str,
}

impl ServerProcess {
    fn spawn(name: &'static str, mut command: Command) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("mooncake-{name}-"))
            .tempdir()
            .unwrap();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = command
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {name}: {err}"));
        Self { child, dir, name }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Panics with the server's log if it exited.
    fn check_alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("{} exited early ({status}):\n{}", self.name, self.log());
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // SIGKILL by PID: the data directory is thrown away, nothing needs a clean shutdown.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `ready` until it answers true, failing with the server's log after [`STARTUP_DEADLINE`].
fn wait_ready(process: &mut ServerProcess, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    loop {
        process.check_alive();
        if ready() {
            return;
        }
        assert!(
            start.elapsed() < STARTUP_DEADLINE,
            "{} not ready after {STARTUP_DEADLINE:?}:\n{}",
            process.name,
            process.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Sends `request` on a fresh connection and returns what the server answers before closing (or
/// within a short read timeout). Requests end with something that makes the server close (HTTP/1.0,
/// Redis `QUIT`).
fn ask(addr: SocketAddr, request: &[u8]) -> Option<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    stream.set_read_timeout(Some(Duration::from_millis(500))).ok()?;
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&answer).into_owned())
}

/// A real single-node etcd on loopback.
pub struct EtcdServer {
    process: ServerProcess,
    client_port: u16,
}

impl EtcdServer {
    /// Starts etcd and waits until it reports healthy.
    pub fn start(binary: &Path) -> Self {
        let (client_port, peer_port) = (free_port(), free_port());
        let initial_cluster = format!("mooncake-test=http://127.0.0.1:{peer_port}");
        let command = etcd_member(binary, "mooncake-test", client_port, peer_port, &initial_cluster);
        let mut process = ServerProcess::spawn("etcd", command);
        wait_healthy(&mut process, client_port);
        Self { process, client_port }
    }

    /// `127.0.0.1:<client port>`.
    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.client_port)
    }

    /// The data directory's parent (the server's working directory).
    pub fn dir(&self) -> &Path {
        self.process.dir()
    }
}

/// The command of one etcd member named `name` serving clients on `client` and peers on `peer`
/// (loopback), its data in `data/` under the process's directory.
fn etcd_member(binary: &Path, name: &str, client: u16, peer: u16, initial_cluster: &str) -> Command {
    let client_url = format!("http://127.0.0.1:{client}");
    let peer_url = format!("http://127.0.0.1:{peer}");
    let mut command = Command::new(binary);
    command
        .args(["--name", name, "--data-dir", "data", "--log-level", "warn"])
        .args([
            "--listen-client-urls",
            &client_url,
            "--advertise-client-urls",
            &client_url,
        ])
        .args([
            "--listen-peer-urls",
            &peer_url,
            "--initial-advertise-peer-urls",
            &peer_url,
        ])
        .args(["--initial-cluster", initial_cluster]);
    command
}

/// Waits until the etcd member serving clients on `client` reports itself healthy.
fn wait_healthy(member: &mut ServerProcess, client: u16) {
    let addr = SocketAddr::from(([127, 0, 0, 1], client));
    wait_ready(member, || {
        ask(addr, b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .is_some_and(|answer| answer.contains("\"health\":\"true\""))
    });
}

/// A real etcd cluster of several members on loopback (for HA tests); members are killed on drop.
pub struct EtcdCluster {
    members: Vec<ServerProcess>,
    client_ports: Vec<u16>,
}

impl EtcdCluster {
    /// Starts `size` members and waits until every one reports healthy (a quorum formed).
    pub fn start(binary: &Path, size: usize) -> Self {
        let ports: Vec<(u16, u16)> = (0..size).map(|_| (free_port(), free_port())).collect();
        let initial_cluster = ports
            .iter()
            .enumerate()
            .map(|(i, (_, peer))| format!("m{i}=http://127.0.0.1:{peer}"))
            .collect::<Vec<_>>()
            .join(",");
        let mut members: Vec<ServerProcess> = ports
            .iter()
            .enumerate()
            .map(|(i, &(client, peer))| {
                let mut command = etcd_member(binary, &format!("m{i}"), client, peer, &initial_cluster);
                command.args([
                    "--initial-cluster-state",
                    "new",
                    "--initial-cluster-token",
                    "mooncake-test",
                ]);
                ServerProcess::spawn("etcd", command)
            })
            .collect();
        for (member, &(client, _)) in members.iter_mut().zip(&ports) {
            wait_healthy(member, client);
        }
        Self {
            members,
            client_ports: ports.iter().map(|&(client, _)| client).collect(),
        }
    }

    /// `127.0.0.1:<port>` of every member, `;`-separated (the form `--etcd-endpoints` takes).
    pub fn endpoints(&self) -> String {
        let endpoints: Vec<String> = self
            .client_ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        endpoints.join(";")
    }

    pub fn size(&self) -> usize {
        self.members.len()
    }
}

/// A real redis-server on loopback, without persistence, optionally with a password.
pub struct RedisServer {
    process: ServerProcess,
    port: u16,
    password: Option<String>,
}

impl RedisServer {
    /// Starts redis-server (with `requirepass` when `password` is given) and waits for `PING`.
    pub fn start(binary: &Path, password: Option<&str>) -> Self {
        let port = free_port();
        let mut command = Command::new(binary);
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"]);
        if let Some(password) = password {
            command.args(["--requirepass", password]);
        }
        let mut process = ServerProcess::spawn("redis-server", command);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let ping = match password {
            Some(pw) => format!("AUTH {pw}\r\nPING\r\nQUIT\r\n"),
            None => "PING\r\nQUIT\r\n".to_owned(),
        };
        wait_ready(&mut process, || {
            ask(addr, ping.as_bytes()).is_some_and(|a| a.contains("+PONG"))
        });
        Self {
            process,
            port,
            password: password.map(str::to_owned),
        }
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `redis://127.0.0.1:<port>` (no credentials).
    pub fn url(&self) -> String {
        format!("redis://{}", self.addr())
    }

    /// The `requirepass` password, if any.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }
}

/// Password of the shared Redis: tests exercise `AUTH` on every connection.
pub const REDIS_PASSWORD: &str = "mooncake-test-secret";

fn shared<T>(slot: &Mutex<Weak<T>>, start: impl FnOnce() -> T) -> Arc<T> {
    let mut guard = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(server) = guard.upgrade() {
        return server;
    }
    let server = Arc::new(start());
    *guard = Arc::downgrade(&server);
    server
}

/// The etcd shared by concurrently running tests of this binary, or `None` (skipped) without etcd.
pub fn shared_etcd(test: &str) -> Option<Arc<EtcdServer>> {
    static SLOT: Mutex<Weak<EtcdServer>> = Mutex::new(Weak::new());
    let binary = require_binary("etcd", test)?;
    Some(shared(&SLOT, || EtcdServer::start(&binary)))
}

/// The Redis (password [`REDIS_PASSWORD`]) shared by concurrently running tests of this binary, or
/// `None` (skipped) without redis-server.
pub fn shared_redis(test: &str) -> Option<Arc<RedisServer>> {
    static SLOT: Mutex<Weak<RedisServer>> = Mutex::new(Weak::new());
    let binary = require_binary("redis-server", test)?;
    Some(shared(&SLOT, || {
        RedisServer::start(&binary, Some(REDIS_PASSWORD))
    }))
}

/// A name unique within this process, for keys and cluster ids of one test.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
