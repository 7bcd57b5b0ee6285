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
