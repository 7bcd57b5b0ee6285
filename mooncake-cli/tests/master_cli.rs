//! Process-level tests of `mooncake master` (and the `mooncake_master` name): help, configuration
//! errors and their exit status, start-up logging and clean shutdown on SIGTERM.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use mooncake_tests::process::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");
const STARTUP: Duration = Duration::from_secs(20);

/// `mooncake` with no `MOONCAKE_*` or `RUST_LOG` inherited from the developer's shell.
fn mooncake(program: impl AsRef<Path>) -> Command {
    let mut command = Command::new(program.as_ref());
    for (name, _) in std::env::vars_os() {
        if name
            .to_str()
            .is_some_and(|n| n.starts_with("MOONCAKE_") || n == "RUST_LOG")
        {
            command.env_remove(name);
        }
    }
    command
}

fn master(args: &[&str]) -> Output {
    mooncake(BIN).arg("master").args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn config_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn assert_config_error(output: &Output, expected: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {text}");
    assert!(
        text.contains(&format!("error: invalid configuration: {expected}")),
        "stderr: {text}"
    );
}

#[test]
fn help_lists_both_spellings_and_defaults() {
    let output = master(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "--rpc-port <PORT>",
        "--rpc_port",
        "[default: 50051]",
        "--eviction-ratio <RATIO>",
        "--eviction_ratio",
        "[default: 0.05]",
        "--eviction-high-watermark-ratio",
        "--eviction_high_watermark_ratio",
        "[default: 0.9]",
        "--metrics-port <PORT>",
        "[default: 9003]",
        "--enable-http-metadata-server[=<BOOL>]",
        "--enable_http_metadata_server",
        "--client-ttl <DURATION>",
        "client_live_ttl_sec",
        "--config <FILE>",
        "--config_path",
        "MOONCAKE_EVICTION_RATIO",
        "--enable-ha[=<BOOL>]",
        "not active yet",
        "--snapshot-retention-count",
        "--promotion-admission-threshold",
        "--cxl-size <SIZE>",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn bad_value_in_config_file_exits_2_naming_the_key() {
    let (_dir, path) = config_file("master.yaml", "rpc_port: 50051\neviction_ratio: 1.5\n");
    assert_config_error(
        &master(&["--config", path.to_str().unwrap()]),
        "eviction_ratio: must be between 0 and 1, got 1.5",
    );

    let (_dir, path) = config_file("master.json", r#"{"rpc_port": "lots"}"#);
    assert_config_error(
        &master(&["--config_path", path.to_str().unwrap()]),
        "rpc_port: invalid type",
    );
}

#[test]
fn unknown_config_key_exits_2_naming_it() {
    let (_dir, path) = config_file("master.yaml", "evicton_ratio: 0.1\n");
    let output = master(&["--config-path", path.to_str().unwrap()]);
    assert_config_error(&output, "evicton_ratio: unknown key in ");
    assert!(stderr(&output).contains("did you mean eviction_ratio?"));
}

#[test]
fn unsupported_config_format_exits_2() {
    let (_dir, path) = config_file("master.toml", "rpc_port = 50051\n");
    assert_config_error(&master(&["--config", path.to_str().unwrap()]), "");
    assert!(
        stderr(&master(&["--config", path.to_str().unwrap()])).contains("unsupported config file format")
    );
}

#[test]
fn out_of_range_flag_exits_2() {
    assert_config_error(
        &master(&["--eviction_ratio=2"]),
        "eviction_ratio: must be between 0 and 1, got 2",
    );
    assert_config_error(
        &master(&[
            "--put_start_discard_timeout_sec=60",
            "--put-start-release-timeout-sec=30",
        ]),
        "put_start_release_timeout_sec: must be greater than put_start_discard_timeout_sec",
    );
}

#[test]
fn env_beats_file() {
    let (_dir, path) = config_file("master.yaml", "eviction_ratio: 0.5\n");
    let output = mooncake(BIN)
        .args(["master", "--config", path.to_str().unwrap()])
        .env("MOONCAKE_EVICTION_RATIO", "1.5")
        .output()
        .unwrap();
    assert_config_error(&output, "eviction_ratio: must be between 0 and 1, got 1.5");
}

#[test]
fn unparsable_flag_is_a_usage_error() {
    let output = master(&["--rpc-port=lots"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--rpc-port"), "{}", stderr(&output));
}

/// A master process whose stderr is read line by line on a helper thread.
struct RunningMaster {
    child: Child,
    lines: Receiver<String>,
    log: Vec<String>,
}

impl RunningMaster {
    fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            log: Vec::new(),
        }
    }

    /// The first log line containing `needle`, waiting up to [`STARTUP`].
    fn wait_for(&mut self, needle: &str) -> String {
        if let Some(line) = self.log.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + STARTUP;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        let _ = self.child.kill();
        panic!(
            "no log line with {needle:?}; log so far:\n{}",
            self.log.join("\n")
        );
    }

    /// The address at the end of the first log line containing `needle`.
    fn address(&mut self, needle: &str) -> SocketAddr {
        let line = self.wait_for(needle);
        let word = line.split_whitespace().find_map(|w| w.parse::<SocketAddr>().ok());
        word.unwrap_or_else(|| panic!("no address in {line:?}"))
    }

    /// Sends SIGTERM and waits for the process to exit; returns its status and whole log.
    fn terminate(mut self) -> (ExitStatus, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + STARTUP;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("master did not exit after SIGTERM; log:\n{}", self.log.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        self.log.extend(self.lines.try_iter());
        // The reader thread may still hold the last lines; it ends when the pipe closes.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.log.push(line);
        }
        (status, self.log.join("\n"))
    }
}

fn http_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

const LOOPBACK_EPHEMERAL: [&str; 4] = [
    "--rpc-address=127.0.0.1",
    "--rpc-port=0",
    "--metrics-host=127.0.0.1",
    "--metrics-port=0",
];

#[test]
fn master_starts_logs_its_addresses_serves_and_exits_0_on_sigterm() {
    let mut command = mooncake(BIN);
    command
        .arg("master")
        .args(LOOPBACK_EPHEMERAL)
        .arg("--eviction-ratio=0.2")
        .env("MOONCAKE_EVICTION_RATIO", "1.5") // the flag wins, so this invalid value is never used
        .env("MOONCAKE_ENABLE_METRIC_REPORTING", "false");
    let mut running = RunningMaster::spawn(command);

    let rpc = running.address("Master service listening on");
    assert!(rpc.ip().is_loopback() && rpc.port() != 0, "{rpc}");
    TcpStream::connect_timeout(&rpc, Duration::from_secs(5)).unwrap();
    let admin = running.address("Master admin server");
    let health = http_get(admin, "/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        running
            .wait_for("Starting Mooncake Master Service")
            .contains("eviction_ratio=0.2")
    );

    let (status, log) = running.terminate();
    assert_eq!(status.code(), Some(0), "log:\n{log}");
    assert!(log.contains("received SIGTERM, shutting down"), "log:\n{log}");
}

#[cfg(unix)]
#[test]
fn mooncake_master_name_behaves_as_mooncake_master() {
    let dir = tempfile::tempdir().unwrap();
    let alias = dir.path().join("mooncake_master");
    std::os::unix::fs::symlink(BIN, &alias).unwrap();

    let help = mooncake(&alias).arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Usage: mooncake master [OPTIONS]"), "{help}");

    let output = mooncake(&alias).arg("--eviction_ratio=2").output().unwrap();
    assert_config_error(&output, "eviction_ratio: must be between 0 and 1, got 2");

    // The deployment guide's command lines, on loopback and free ports.
    let (_conf, config) = config_file("master.yaml", "enable_metric_reporting: false\n");
    let mut command = mooncake(&alias);
    command.args(LOOPBACK_EPHEMERAL).args([
        "--enable_http_metadata_server=true",
        "--http_metadata_server_host=127.0.0.1",
        "--http_metadata_server_port=0",
        "--enable-ha=true",
        &format!(
            "--etcd-endpoints=127.0.0.1:{};127.0.0.1:{}",
            free_port(),
            free_port()
        ),
        "--config_path",
        config.to_str().unwrap(),
    ]);
    let mut running = RunningMaster::spawn(command);
    running.wait_for("HA enabled: joining the election");
    // No etcd there: the master stays a standby and says why, it does not serve as a lone leader.
    let warning = running.wait_for("cannot read the master view");
    assert!(warning.contains("WARN"), "{warning}");
    running.address("Master service listening on");
    let (status, log) = running.terminate();
    assert_eq!(status.code(), Some(0), "log:\n{log}");
}

/// Status line and body of a raw HTTP/1.1 response.
fn split_response(response: &str) -> (&str, &str) {
    let status = response.lines().next().unwrap_or_default();
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, body)
}

fn http_send(addr: SocketAddr, method: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn quick_start_master_serves_every_endpoint_and_promtool_accepts_its_metrics() {
    // The deployment guide's quick start, on loopback and free ports.
    let mut command = mooncake(BIN);
    command.arg("master").args(LOOPBACK_EPHEMERAL).args([
        "--enable_http_metadata_server=true",
        "--http_metadata_server_host=127.0.0.1",
        "--http_metadata_server_port=0",
    ]);
    let mut running = RunningMaster::spawn(command);
    running.address("Master service listening on");
    let admin = running.address("Master admin server");
    let metadata = running.address("HTTP metadata server listening on");
    assert!(
        metadata.ip().is_loopback(),
        "the metadata server binds the host it is given"
    );

    for (path, status, body_part) in [
        ("/health", "200", "\"role\":\"leader\""),
        ("/metrics/summary", "200", "role=leader, state=serving"),
        ("/metrics", "200", "master_put_start_requests_total 0"),
        ("/get_all_keys", "200", ""),
        ("/get_all_segments", "200", ""),
        ("/get_segments_detail", "200", "\"total_segments\":0"),
        ("/query_key?key=missing", "404", "OBJECT_NOT_FOUND"),
        ("/query_key", "400", "\"error_code\":-600"),
        (
            "/batch_query_keys?keys=a,b",
            "200",
            "\"error\":\"OBJECT_NOT_FOUND\"",
        ),
        ("/batch_query_keys", "400", "No keys provided"),
        ("/query_segment?segment=none", "404", "SEGMENT_NOT_FOUND"),
        ("/query_segment", "400", "segment"),
        ("/nope", "404", "404 Not Found"),
    ] {
        let response = http_get(admin, path);
        let (status_line, body) = split_response(&response);
        assert!(status_line.contains(status), "{path}: {status_line}\n{body}");
        assert!(body.contains(body_part), "{path}: {body}");
    }

    // Mooncake's metadata protocol on the embedded server.
    let key = "/metadata?key=mooncake/ram/127.0.0.1:12345";
    assert!(split_response(&http_get(metadata, key)).0.contains("404"));
    let put = http_send(metadata, "PUT", key, "{\"name\":\"seg\"}");
    assert_eq!(split_response(&put), ("HTTP/1.1 200 OK", "metadata updated"));
    assert_eq!(split_response(&http_get(metadata, key)).1, "{\"name\":\"seg\"}");
    assert!(
        split_response(&http_send(metadata, "DELETE", key, ""))
            .0
            .contains("200")
    );
    assert!(split_response(&http_get(metadata, "/metadata")).0.contains("400"));

    let metrics = split_response(&http_get(admin, "/metrics")).1.to_string();
    mooncake_tests::tools::assert_promtool_accepts(&metrics);

    let (status, log) = running.terminate();
    assert_eq!(status.code(), Some(0), "log:\n{log}");
}
