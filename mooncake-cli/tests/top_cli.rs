//! `mooncake top` as an operator runs it: in a real terminal (a tmux pane) against a real master with a
//! `mooncake node join` process on loopback. The dashboard shows the master's figures, the segments
//! view lists the node's segment, `q` quits with status 0 and leaves the alternate screen; against a
//! dead port the unreachable banner shows and `q` still quits. Without a terminal it refuses (exit 2)
//! unless `--once` asks for one text frame. tmux missing: skipped loudly, or a failure with CI=true.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mooncake_tests::TestMaster;
use mooncake_tests::process::{free_port, node_join, wait_for};
use mooncake_tests::tools::require;

const BIN: &str = env!("CARGO_BIN_EXE_mooncake");

/// A tmux server of its own (`tmux -L`), killed with its sessions when the test ends.
struct Tmux {
    tmux: PathBuf,
    socket: String,
}

const SESSION: &str = "top";

impl Tmux {
    /// Runs `command` (a shell line) in a new 160×48 session. After it ends the pane prints its exit
    /// status (`top exited with N`) and stays, so the test can read the restored screen.
    fn start(tmux: PathBuf, name: &str, command: &str) -> Self {
        let this = Self {
            tmux,
            socket: format!("mooncake-{name}-{}", std::process::id()),
        };
        let line = format!("{command}; echo \"top exited with $?\"; sleep 60");
        let out = this.run(&["new-session", "-d", "-s", SESSION, "-x", "160", "-y", "48", &line]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        this
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.tmux)
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", SESSION]).stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        assert!(self.run(&["send-keys", "-t", SESSION, keys]).status.success());
    }

    /// Whether the pane shows the alternate screen now.
    fn alternate_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", SESSION, "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Waits until the screen shows every one of `texts`; returns that screen.
    fn wait_for(&self, texts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {texts:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends `q` and checks top exited with status 0 and left the alternate screen.
    fn quit_and_check_restored(&self) {
        assert!(self.alternate_on(), "top draws on the alternate screen");
        self.keys("q");
        let screen = self.wait_for(&["top exited with"]);
        assert!(screen.contains("top exited with 0"), "{screen}");
        assert!(!self.alternate_on(), "the alternate screen was left:\n{screen}");
        assert!(
            !screen.contains("1 Overview"),
            "the dashboard is gone from the screen:\n{screen}"
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // kill-server leaves the socket file behind; remove it too.
        let socket = self.run(&["display-message", "-p", "#{socket_path}"]);
        let _ = self.run(&["kill-server"]);
        let socket = String::from_utf8_lossy(&socket.stdout).trim().to_owned();
        if !socket.is_empty() {
            let _ = std::fs::remove_file(socket);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_shows_a_live_cluster_switches_to_segments_and_quits_cleanly() {
    let Some(tmux) = require("tmux") else {
        return;
    };
    let master = TestMaster::start(|_| {}).await;
    let rpc = master.handle.rpc_addr.to_string();
    let _node = node_join(BIN, &rpc, "32MiB");
    let segment = wait_for(
        "the node to mount its segment",
        Duration::from_secs(20),
        async || {
            let segments = master.admin_get("/get_all_segments").await;
            segments.lines().next().map(|name| name.trim().to_owned())
        },
    )
    .await;
    for key in ["top-a", "top-b", "top-c"] {
        let put = Command::new(BIN)
            .args(["--master", &rpc, "put", key, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = {
            use std::io::Write;
            let mut put = put;
            put.stdin.take().unwrap().write_all(b"hello top").unwrap();
            put.wait_with_output().unwrap()
        };
        assert!(
            out.status.success(),
            "put: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let url = master.admin_url();
    // The terminal is driven from a blocking thread: the master serves on this test's runtime.
    tokio::task::spawn_blocking(move || watch_live_cluster(tmux, &url, &segment))
        .await
        .unwrap();
    master.stop().await;
}

fn watch_live_cluster(tmux: PathBuf, url: &str, segment: &str) {
    let term = Tmux::start(tmux, "live", &format!("{BIN} --admin {url} top --interval 200ms"));
    // The overview: the master's own figures.
    let screen = term.wait_for(&["1 Overview", "Keys      3", "Segments  1", "Capacity per tier"]);
    assert!(
        screen.contains(&format!("mooncake top  {url}  leader")),
        "{screen}"
    );
    assert!(screen.contains("memory  27 B / 32.00 MiB"), "{screen}");
    assert!(
        screen.contains("Role          leader (HA off: a single master)"),
        "{screen}"
    );

    // 2: the segments view with the node's segment.
    term.keys("2");
    let screen = term.wait_for(&["Segments: 1, sorted by name ▲", segment]);
    let row = screen.lines().find(|l| l.contains(segment)).unwrap();
    assert!(row.contains("27 B") && row.contains("32.00 MiB"), "{row}");
    // s: sorted by used.
    term.keys("s");
    term.wait_for(&["sorted by used ▲"]);

    // 3: per-operation requests, with the puts.
    term.keys("3");
    term.wait_for(&["Requests per operation", "put_start", "mount_segment"]);

    term.quit_and_check_restored();
}

#[test]
fn an_unreachable_master_shows_the_banner_and_q_still_quits() {
    let Some(tmux) = require("tmux") else {
        return;
    };
    let url = format!("http://127.0.0.1:{}", free_port());
    let term = Tmux::start(tmux, "dead", &format!("{BIN} --admin {url} top --interval 200ms"));
    let screen = term.wait_for(&[&format!("master unreachable at {url}"), "retrying every 200ms"]);
    assert!(screen.contains(&format!("GET {url}/metrics")), "{screen}");
    assert!(screen.contains("tcp connect error"), "{screen}");
    assert!(
        screen.contains(&format!("waiting for the first answer from {url}")),
        "{screen}"
    );
    term.quit_and_check_restored();
}

#[test]
fn sigterm_ends_top_and_restores_the_terminal() {
    let Some(tmux) = require("tmux") else {
        return;
    };
    let url = format!("http://127.0.0.1:{}", free_port());
    let term = Tmux::start(tmux, "term", &format!("{BIN} --admin {url} top --interval 200ms"));
    term.wait_for(&[&format!("master unreachable at {url}")]);
    assert!(term.alternate_on(), "top draws on the alternate screen");
    // Anchored at the binary: the shell running the pane's command line carries the same words.
    let pattern = format!("^{BIN} --admin {url} top");
    let pgrep = Command::new("pgrep")
        .args(["-f", "--", &pattern])
        .output()
        .unwrap();
    let pids = String::from_utf8_lossy(&pgrep.stdout).into_owned();
    let pid = pids
        .lines()
        .next()
        .unwrap_or_else(|| panic!("top's pid: {pids:?}"));
    assert!(
        Command::new("kill")
            .args(["-TERM", pid])
            .status()
            .unwrap()
            .success()
    );
    let screen = term.wait_for(&["top exited with"]);
    assert!(screen.contains("top exited with 0"), "{screen}");
    assert!(!term.alternate_on(), "the alternate screen was left:\n{screen}");
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let Some(tmux) = require("tmux") else {
        return;
    };
    let url = format!("http://127.0.0.1:{}", free_port());
    let command = format!("MOONCAKE_TOP_TEST_PANIC=1 {BIN} --admin {url} top --interval 200ms");
    let term = Tmux::start(tmux, "panic", &command);
    let screen = term.wait_for(&["top exited with"]);
    assert!(
        !screen.contains("top exited with 0"),
        "a panic is a failure: {screen}"
    );
    assert!(
        screen.contains("panicking after the first frame"),
        "the message is readable: {screen}"
    );
    assert!(!term.alternate_on(), "the alternate screen was left:\n{screen}");
}

#[test]
fn without_a_terminal_top_refuses_and_points_at_once() {
    let out = Command::new(BIN)
        .args(["--admin", "http://127.0.0.1:1", "top"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mooncake top needs a terminal"), "{stderr}");
    assert!(stderr.contains("mooncake top --once"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_prints_one_frame_of_a_live_master() {
    let master = TestMaster::start(|_| {}).await;
    let url = master.admin_url();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["--admin", &url, "top", "--once", "--interval", "100ms"])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "1 Overview",
        "Capacity per tier",
        "Keys      0",
        "Segments  0",
        "Requests 0.00/s",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    master.stop().await;

    // A dead master: the frame shows the banner, the exit status is 2.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let out = Command::new(BIN)
        .args(["--admin", &dead, "top", "--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("master unreachable"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the master's metrics"));
}
