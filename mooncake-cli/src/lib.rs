//! The `mooncake` command: parses the command line and runs the chosen subcommand.
//!
//! `main` only calls [`run`] and reports its error; everything here can be driven by tests.

pub mod allocator;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod generate;
pub mod logging;
pub mod master_client;
pub mod output;
pub mod signals;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// The file name that makes this binary behave as `mooncake master`, as Mooncake's own master is called.
pub const MASTER_ALIAS: &str = "mooncake_master";

/// Runs `mooncake` with this process's arguments.
pub fn run() -> anyhow::Result<ExitCode> {
    run_with(std::env::args_os())
}

/// Runs `mooncake` with `argv` (the first item is the program name).
pub fn run_with(argv: impl IntoIterator<Item = OsString>) -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse_from(normalize_argv(argv.into_iter().collect())) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version land here too, with exit code 0; usage errors exit 2.
            let _ = error.print();
            return Ok(ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)));
        }
    };
    match cli.command {
        Command::Master(args) => commands::master::run(*args, &cli.global),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Put(args) => commands::data::put(args, &cli.global),
        Command::Get(args) => commands::data::get(args, &cli.global),
        Command::Rm(args) => commands::data::rm(args, &cli.global),
        Command::Exists(args) => commands::data::exists(args, &cli.global),
        Command::QueryKey(args) => commands::query_key::run(args, &cli.global),
        Command::Segments(args) => commands::segments::run(args, &cli.global),
        Command::Snapshot(args) => commands::snapshot::run(args, &cli.global),
        Command::Node(args) => commands::node::run(args, &cli.global),
        Command::Up(args) => commands::up::run(args, &cli.global),
        Command::Doctor(args) => commands::doctor::run(args, &cli.global),
        Command::Bench(args) => commands::bench::run(*args, &cli.global),
        Command::Top(args) => commands::top::run(args, &cli.global),
    }
}

/// Invoked as `mooncake_master` (a symlink or copy), the binary acts as `mooncake master`.
fn normalize_argv(mut argv: Vec<OsString>) -> Vec<OsString> {
    let invoked_as = argv
        .first()
        .and_then(|arg0| Path::new(arg0).file_stem())
        .and_then(|s| s.to_str());
    if invoked_as == Some(MASTER_ALIAS) {
        argv.splice(0..1, [OsString::from("mooncake"), OsString::from("master")]);
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(argv: &[&str]) -> Vec<OsString> {
        normalize_argv(argv.iter().map(OsString::from).collect())
    }

    #[test]
    fn mooncake_master_name_inserts_the_subcommand() {
        assert_eq!(
            normalized(&["/usr/bin/mooncake_master", "--rpc_port=1"]),
            ["mooncake", "master", "--rpc_port=1"]
        );
        assert_eq!(normalized(&["mooncake_master"]), ["mooncake", "master"]);
    }

    #[test]
    fn other_names_are_left_alone() {
        assert_eq!(
            normalized(&["/usr/bin/mooncake", "master"]),
            ["/usr/bin/mooncake", "master"]
        );
        assert_eq!(normalized(&["mooncake_master_old"]), ["mooncake_master_old"]);
    }
}
