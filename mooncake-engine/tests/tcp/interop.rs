//! Helpers for the interop tests against the real C++ Mooncake (its PyPI wheel, driven by
//! tests/interop/*.py): finding the reference Python, an in-process HTTP metadata server, and the
//! interop pattern.

use std::io::{BufRead, BufReader, Lines, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use mooncake_engine::metadata::{MetadataStore, serve};
use tokio_util::sync::CancellationToken;

/// The reference venv's python: `MOONCAKE_REFERENCE_PYTHON`, else `target/mooncake-venv/bin/python`.
/// `None` (test skipped) when neither exists, except under CI where that is a failure.
pub fn reference_python() -> Option<PathBuf> {
    let from_env = std::env::var_os("MOONCAKE_REFERENCE_PYTHON").map(PathBuf::from);
    let default = workspace().join("target/mooncake-venv/bin/python");
    let found = from_env
        .filter(|p| p.exists())
        .or_else(|| default.exists().then_some(default));
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the real Mooncake is missing under CI: run scripts/mooncake-reference"
        );
        eprintln!("skipped: no reference Mooncake (run scripts/mooncake-reference)");
    }
    found
}

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn driver(name: &str) -> PathBuf {
    workspace().join("tests/interop").join(name)
}

/// Mooncake's HTTP metadata protocol served from this process on 127.0.0.1; stops on drop.
pub struct MetadataServer {
    pub store: MetadataStore,
    pub url: String,
    cancel: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MetadataServer {
    pub fn start() -> MetadataServer {
        let store = MetadataStore::new();
        let cancel = CancellationToken::new();
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        let thread = std::thread::spawn({
            let (store, cancel) = (store.clone(), cancel.clone());
            move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    tx.send(listener.local_addr().unwrap()).unwrap();
                    serve(listener, store, cancel).await.unwrap();
                });
            }
        });
        let addr = rx.recv().unwrap();
        MetadataServer {
            store,
            url: format!("http://{addr}/metadata"),
            cancel,
            thread: Some(thread),
        }
    }
}

impl Drop for MetadataServer {
    fn drop(&mut self) {
        self.cancel.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// tests/interop/README.md's pattern: byte `i` of the target buffer, for seed `s`, is
/// `(i * 31 + s) % 251`, `i` counted from the start of the buffer.
pub fn mc_pattern(seed: usize, offset: usize, len: usize) -> Vec<u8> {
    (offset..offset + len)
        .map(|i| ((i * 31 + seed) % 251) as u8)
        .collect()
}

/// A real C++ Mooncake engine serving one registered buffer (`te_target.py`), filled with
/// [`mc_pattern`] seed 7; it checks bytes on request (`verify OFFSET LEN SEED` → `ok`).
pub struct RealTarget {
    pub child: Child,
    stdin: Option<ChildStdin>,
    lines: Lines<BufReader<ChildStdout>>,
    /// The segment name peers resolve.
    pub name: String,
    /// Address of its buffer in its process.
    pub base: u64,
}

impl RealTarget {
    pub fn spawn(python: &Path, metadata_server: &str, len: usize) -> RealTarget {
        let mut child = Command::new(python)
            .arg(driver("te_target.py"))
            .args(["--metadata-server", metadata_server, "--length", &len.to_string()])
            .env("MC_TCP_BIND_ADDRESS", "127.0.0.1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        let name = first["segment_name"].as_str().unwrap().to_owned();
        let base = first["buffer_address"].as_u64().unwrap();
        RealTarget {
            child,
            stdin,
            lines,
            name,
            base,
        }
    }

    /// Sends one command line and returns the answer line.
    pub fn ask(&mut self, command: &str) -> String {
        writeln!(self.stdin.as_mut().unwrap(), "{command}").unwrap();
        self.lines.next().unwrap().unwrap()
    }

    /// Closes its stdin and waits for a clean exit.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        assert!(
            self.child.wait().unwrap().success(),
            "te_target exited with an error"
        );
    }
}
