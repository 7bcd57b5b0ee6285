//! The committed completion scripts (`completions/`) and man pages (`man/`) are exactly what the clap
//! definition generates; they load in bash, zsh and fish, and the man page renders. Regenerate with
//! `MOONCAKE_REGENERATE=1 cargo test -p mooncake-cli --test generated`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use mooncake_cli::generate::{completion_files, man_pages};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compares (or, with MOONCAKE_REGENERATE=1, rewrites) a directory against generated files.
fn check_dir(dir: &str, files: Vec<(String, Vec<u8>)>) {
    let dir = repo().join(dir);
    let expected: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    if std::env::var_os("MOONCAKE_REGENERATE").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        for (name, contents) in &expected {
            std::fs::write(dir.join(name), contents).unwrap();
        }
        return;
    }
    let committed: BTreeMap<String, Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&expected),
        "{} holds other files than generated",
        dir.display()
    );
    for (name, contents) in &expected {
        assert!(
            committed[name] == *contents,
            "{}/{name} is stale: run MOONCAKE_REGENERATE=1 cargo test -p mooncake-cli --test generated",
            dir.display()
        );
    }
}

#[test]
fn committed_completions_are_fresh() {
    check_dir("completions", completion_files());
}

#[test]
fn committed_man_pages_are_fresh() {
    let pages = man_pages().unwrap();
    assert!(pages.iter().any(|(name, _)| name == "mooncake-master.1"));
    check_dir("man", pages);
}

/// Runs `shell -c script` and asserts it succeeds; skips when the shell is missing outside CI.
fn loads_in(shell: &str, script: &str) {
    let Some(path) = mooncake_tests::tools::require(shell) else {
        return;
    };
    let out = Command::new(path).args(["-c", script]).output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{shell} failed to load the completions: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completion_scripts_load_in_bash_zsh_and_fish() {
    let dir = repo().join("completions");
    let bash = dir.join("mooncake.bash");
    loads_in(
        "bash",
        &format!("source '{}' && complete -p mooncake", bash.display()),
    );
    let zsh = dir.join("_mooncake");
    loads_in(
        "zsh",
        &format!(
            "autoload -U compinit && compinit -u && source '{}'",
            zsh.display()
        ),
    );
    let fish = dir.join("mooncake.fish");
    loads_in(
        "fish",
        &format!(
            "source '{}' && complete -C 'mooncake ma' | grep -q master",
            fish.display()
        ),
    );
}

#[test]
fn the_man_page_renders() {
    let Some(man) = mooncake_tests::tools::require("man") else {
        return;
    };
    let page = repo().join("man/mooncake.1");
    let out = Command::new(man)
        .args(["-l", "-P", "cat"])
        .arg(&page)
        .env("MANWIDTH", "80")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "man -l failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("mooncake") && text.contains("master"), "{text}");
}

#[test]
fn the_completions_subcommand_prints_the_committed_script() {
    let out = Command::new(env!("CARGO_BIN_EXE_mooncake"))
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(repo().join("completions/mooncake.bash")).unwrap()
    );
}
