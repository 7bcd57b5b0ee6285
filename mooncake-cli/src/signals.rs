//! SIGINT/SIGTERM handling shared by the long-running commands (`master`, `node join`, `up`): the first
//! signal cancels a token and starts the ordered shutdown; a second one exits at once.

use tokio_util::sync::CancellationToken;

use crate::exit::Exit;

/// SIGINT and SIGTERM. The first one starts the ordered shutdown; a second one means the operator
/// will not wait for it.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    pub fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    pub fn install() -> std::io::Result<Self> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }

    pub async fn cancel_on_signal(mut self, cancel: CancellationToken) {
        let signal = self.next().await;
        tracing::info!("received {signal}, shutting down");
        cancel.cancel();
        let signal = self.next().await;
        tracing::warn!("received {signal} again, exiting without finishing the shutdown");
        std::process::exit(i32::from(Exit::Interrupted.code()));
    }
}
