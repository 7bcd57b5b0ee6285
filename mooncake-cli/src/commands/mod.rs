//! One module per subcommand; each takes its parsed arguments and returns the exit code.

pub mod bench;
pub mod completions;
pub mod data;
pub mod doctor;
pub mod master;
pub mod node;
pub mod query_key;
pub mod segments;
pub mod snapshot;
pub mod top;
pub mod up;

use anyhow::Context;

use crate::cli::{GlobalArgs, LogLevel};
use crate::logging;

/// Logging for the client-side commands: the default `info` is lowered to `warn`, so a put or get
/// does not print the transfer engine's start and stop lines; `--log-level debug` (or `RUST_LOG`)
/// shows everything.
pub(crate) fn init_client_logging(global: &GlobalArgs) {
    let level = match global.log_level {
        LogLevel::Info => LogLevel::Warn,
        level => level,
    };
    logging::init(level);
}

/// The runtime client-side commands run in: multi-threaded, because the node client needs it.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mooncake-cli")
        .enable_all()
        .build()
        .context("start the async runtime")
}
