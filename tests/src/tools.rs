//! External tools the tests run for real (promtool, etcd, redis-server, ...). Outside CI a missing tool
//! skips the test loudly; with `CI=true` it fails the test.

use std::path::PathBuf;

/// The path of `tool` on `PATH`, or `None` (after a loud note) when the test should be skipped.
///
/// # Panics
/// When the tool is missing and `CI` is `true`: CI must have every tool.
pub fn require(tool: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file());
    if found.is_none() {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !in_ci,
            "{tool} is required in CI but was not found on PATH (scripts/test installs it)"
        );
        eprintln!("SKIPPED: {tool} not found on PATH; run scripts/test to install it");
    }
    found
}

/// Runs `promtool check metrics` on a Prometheus exposition and panics with promtool's findings when
/// it rejects it. Skips (loudly) outside CI when promtool is missing.
pub fn assert_promtool_accepts(metrics: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let Some(promtool) = require("promtool") else {
        return;
    };
    let mut check = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    check
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(metrics.as_bytes())
        .expect("metrics written to promtool");
    let output = check.wait_with_output().expect("promtool finishes");
    assert!(
        output.status.success(),
        "promtool check metrics rejected /metrics:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The `moto_server` to run (an S3-compatible server): `MOONCAKE_MOTO_SERVER` when set (scripts/test
/// installs it in a venv and exports it), else `moto_server` on `PATH`. Skips loudly outside CI.
///
/// # Panics
/// When it is missing and `CI` is `true`.
pub fn moto_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MOONCAKE_MOTO_SERVER").map(PathBuf::from)
        && path.is_file()
    {
        return Some(path);
    }
    require("moto_server")
}
