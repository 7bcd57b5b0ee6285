//! `mooncake master`: resolves the configuration, warns about accepted-but-inactive features, and runs
//! the master until SIGINT or SIGTERM.

use std::process::ExitCode;

use anyhow::Context;
use mooncake_master::config::{MasterArgs, MasterConfig};
use tokio_util::sync::CancellationToken;

use crate::cli::GlobalArgs;
use crate::exit::Exit;
use crate::logging;

/// Runs the master in the foreground; returns once it has shut down.
pub fn run(args: MasterArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    logging::init(global.log_level);
    let config_file = args.config.clone();
    let config = args.resolve().context("invalid configuration")?;
    if let Some(path) = config_file.filter(|p| !p.as_os_str().is_empty()) {
        tracing::info!(file = %path.display(), "configuration loaded");
    }
    for feature in &config.inactive_features {
        tracing::warn!("{feature}");
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.rpc_thread_num)
        .thread_name("mooncake-master")
        .enable_all()
        .build()
        .context("start the async runtime")?;
    runtime.block_on(serve(config))?;
    Ok(Exit::Success.into())
}

async fn serve(config: MasterConfig) -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    // Installed before the listeners open, so a signal that arrives during start-up is not lost.
    let signals = crate::signals::Signals::install().context("install the SIGINT/SIGTERM handlers")?;
    tokio::spawn(signals.cancel_on_signal(cancel.clone()));
    mooncake_master::server::run(config, cancel)
        .await
        .context("master failed")
}
