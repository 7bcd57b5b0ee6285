//! Real processes in process-level tests: free loopback ports, a guard that kills and reaps its child
//! however the test ends, `mooncake node join` on loopback, polling with a deadline and plain HTTP GETs.

use std::ffi::OsStr;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How often [`wait_for`] and [`wait_until`] ask again.
const POLL: Duration = Duration::from_millis(50);

/// A free TCP port on 127.0.0.1 (released before returning; the race with other processes is small).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
}

/// A child process killed (SIGKILL) and reaped when the guard drops, however the test ends.
#[derive(Debug)]
pub struct ChildGuard(pub Child);

impl ChildGuard {
    /// Spawns `command` under a guard.
    ///
    /// # Panics
    /// When the process cannot be started.
    pub fn spawn(command: &mut Command) -> Self {
        Self(command.spawn().expect("the child process starts"))
    }

    /// Kills (SIGKILL) and reaps the process now; harmless when it has already exited.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `BIN node join --master MASTER --global-segment-size SIZE`, its REST service on a free loopback
/// port, stdout and stderr discarded. Add to it (environment, ...) before spawning; [`node_join`]
/// spawns it as it is.
pub fn node_join_command(bin: impl AsRef<OsStr>, master: &str, segment_size: &str) -> Command {
    let mut command = Command::new(bin);
    command
        .args(["node", "join", "--master", master])
        .args(["--global-segment-size", segment_size])
        .args([
            "--rest-host",
            "127.0.0.1",
            "--rest-port",
            &free_port().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// A `mooncake node join` process (see [`node_join_command`]), killed when the guard drops.
pub fn node_join(bin: impl AsRef<OsStr>, master: &str, segment_size: &str) -> ChildGuard {
    ChildGuard::spawn(&mut node_join_command(bin, master, segment_size))
}

/// Asks `check` every 50 ms until it answers `Some`; returns that answer.
///
/// # Panics
/// When `within` passes first: "timed out after … waiting for `what`".
pub async fn wait_for<T>(what: &str, within: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Asks `check` every 50 ms until it answers `true`.
///
/// # Panics
/// When `within` passes first: "timed out after … waiting for `what`".
pub async fn wait_until(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) {
    wait_for(what, within, async || check().await.then_some(())).await;
}

/// The body of `GET url`, or `None` while nothing answers there (or the body cannot be read).
pub async fn http_text(url: impl reqwest::IntoUrl) -> Option<String> {
    let response = reqwest::get(url).await.ok()?;
    response.text().await.ok()
}
