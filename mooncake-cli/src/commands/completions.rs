//! `mooncake completions SHELL`: prints the completion script for a shell on stdout.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap_complete::Shell;

use crate::exit::Exit;
use crate::generate::completion_script;

pub fn run(shell: Shell) -> anyhow::Result<ExitCode> {
    std::io::stdout()
        .write_all(&completion_script(shell))
        .context("write the completion script")?;
    Ok(Exit::Success.into())
}
