//! One module per subcommand; each takes its parsed arguments and returns the exit code.

pub mod completions;
pub mod data;
pub mod master;
pub mod query_key;
pub mod segments;

use anyhow::Context;

/// The runtime client-side commands run in: multi-threaded, because the node client needs it.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mooncake-cli")
        .enable_all()
        .build()
        .context("start the async runtime")
}
