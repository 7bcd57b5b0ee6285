//! [`Node`]: the long-running node process behind `mooncake node join` — joins the master (bounded
//! retries with doubling backoff), contributes its segment, heartbeats (the [`Client`] remounts
//! after a master restart), optionally serves the REST store service, and shuts down in order.
//!
//! Shutdown order (STYLE "one ordered, bounded shutdown"): stop the REST server (no new requests,
//! in-flight ones drain up to a deadline), then unmount every segment at the master so its
//! objects disappear before our memory does, then stop the engine.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::client::Client;
use crate::config::ClientConfig;
use crate::error::ClientError;
use crate::rest;

/// How long the REST server may take to finish in-flight requests at shutdown.
const REST_DRAIN: Duration = Duration::from_secs(5);

/// How a node joins and what it serves.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// The store client settings (master address, segment size, hostname, …).
    pub client: ClientConfig,
    /// Where to serve the REST store service (`--rest-port`); `None` serves nothing. Default `None`.
    pub rest_listen: Option<SocketAddr>,
    /// Connection attempts before giving up on an unreachable master. Default 5.
    pub connect_retries: u32,
    /// Wait after the first failed attempt; doubled after each one. Default 200 ms.
    pub retry_backoff: Duration,
}

impl NodeConfig {
    /// Defaults around `client`.
    pub fn new(client: ClientConfig) -> Self {
        Self {
            client,
            rest_listen: None,
            connect_retries: 5,
            retry_backoff: Duration::from_millis(200),
        }
    }
}

/// Why a node could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// Every connection attempt failed; `last` is the final attempt's error.
    #[error(
        "master at {address} unreachable after {attempts} attempts (is `mooncake master` running \
         there, and is the address right?): {last}"
    )]
    MasterUnreachable {
        address: String,
        attempts: u32,
        #[source]
        last: ClientError,
    },
    /// The master was reached but refused us, or the config is invalid (not worth retrying).
    #[error("cannot join the store: {0}")]
    Join(#[source] ClientError),
    /// The REST listen address could not be bound.
    #[error("cannot bind the REST service to {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// Unmounting at shutdown failed (the master will time our segments out instead).
    #[error("unmount at shutdown failed: {0}")]
    Unmount(#[source] ClientError),
}

/// Starts nodes; see [`Node::start`] and [`Node::run`].
#[derive(Debug)]
pub struct Node;

/// A running node.
#[derive(Debug)]
pub struct NodeHandle {
    client: Arc<Client>,
    rest: Option<RestTask>,
}

/// The running REST server. Dropping it (a handle dropped without `shutdown`) stops the server,
/// so it does not keep the client alive.
#[derive(Debug)]
struct RestTask {
    addr: SocketAddr,
    stop: DropGuard,
    task: JoinHandle<std::io::Result<()>>,
}

impl Node {
    /// Joins the master (retrying per the config), then starts the REST service if configured.
    /// `cancel` stops the REST service early; the caller still calls [`NodeHandle::shutdown`].
    pub async fn start(config: NodeConfig, cancel: CancellationToken) -> Result<NodeHandle, NodeError> {
        let client = Arc::new(connect_with_retries(&config).await?);
        tracing::info!(
            "node {} joined master {}: segment {} mounted",
            client.segment_name(),
            config.client.master_server_address,
            config.client.global_segment_size
        );
        let rest = match config.rest_listen {
            None => None,
            Some(addr) => {
                let bound = match TcpListener::bind(addr).await {
                    Ok(listener) => listener.local_addr().map(|local| (listener, local)),
                    Err(error) => Err(error),
                };
                let (listener, local) = match bound {
                    Ok(bound) => bound,
                    Err(source) => {
                        // Leave the store as we found it: our segment must not outlive us.
                        close(client).await;
                        return Err(NodeError::Bind { addr, source });
                    }
                };
                let stop = cancel.child_token();
                let state = rest::RestState::new(client.clone());
                let task = tokio::spawn(rest::serve(listener, state, stop.clone()));
                tracing::info!(addr = %local, "REST store service listening");
                Some(RestTask {
                    addr: local,
                    stop: stop.drop_guard(),
                    task,
                })
            }
        };
        Ok(NodeHandle { client, rest })
    }

    /// What `mooncake node join` runs: start, wait for `cancel` (SIGINT/SIGTERM), shut down.
    pub async fn run(config: NodeConfig, cancel: CancellationToken) -> Result<(), NodeError> {
        let handle = Node::start(config, cancel.clone()).await?;
        cancel.cancelled().await;
        handle.shutdown().await
    }
}

impl NodeHandle {
    /// Where the REST service listens, if it runs.
    pub fn rest_addr(&self) -> Option<SocketAddr> {
        self.rest.as_ref().map(|rest| rest.addr)
    }

    /// The node's store client.
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// Stops the REST service (draining up to 5 s), unmounts every segment at the master and stops
    /// the engine.
    pub async fn shutdown(self) -> Result<(), NodeError> {
        if let Some(RestTask { stop, mut task, .. }) = self.rest {
            drop(stop);
            match tokio::time::timeout(REST_DRAIN, &mut task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(error))) => tracing::warn!(%error, "REST service failed"),
                Ok(Err(error)) => tracing::warn!(%error, "REST service task panicked"),
                Err(_) => {
                    tracing::warn!("REST service did not drain in {REST_DRAIN:?}; aborting it");
                    task.abort();
                    let _ = task.await;
                }
            }
        }
        let name = self.client.segment_name().to_string();
        // The REST task is done, so we hold the last reference unless a caller kept a clone.
        match Arc::try_unwrap(self.client) {
            Ok(client) => client.close().await.map_err(NodeError::Unmount)?,
            Err(client) => {
                // Someone still holds the client (or a request outlived the drain): unmount
                // anyway, every segment even if one fails, and leave the engine to the last owner.
                let mut first_error = None;
                for id in client.segment_ids() {
                    if let Err(error) = client.unmount(&id, Duration::ZERO).await {
                        first_error.get_or_insert(error);
                    }
                }
                if let Some(error) = first_error {
                    return Err(NodeError::Unmount(error));
                }
            }
        }
        tracing::info!("node {name} left: segments unmounted");
        Ok(())
    }
}

async fn close(client: Arc<Client>) {
    if let Ok(client) = Arc::try_unwrap(client) {
        let _ = client.close().await;
    }
}

/// Connects, retrying connection-level failures with doubling backoff; other errors end at once.
async fn connect_with_retries(config: &NodeConfig) -> Result<Client, NodeError> {
    let attempts = config.connect_retries.max(1);
    let mut backoff = config.retry_backoff;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match Client::connect(config.client.clone()).await {
            Ok(client) => return Ok(client),
            Err(error) if !is_unreachable(&error) => return Err(NodeError::Join(error)),
            Err(error) if attempt == attempts => {
                return Err(NodeError::MasterUnreachable {
                    address: config.client.master_server_address.clone(),
                    attempts,
                    last: error,
                });
            }
            Err(error) => {
                tracing::warn!(%error, attempt, attempts, "master unreachable; retrying in {backoff:?}");
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
        }
    }
}

fn is_unreachable(error: &ClientError) -> bool {
    matches!(error, ClientError::Unreachable { .. } | ClientError::Rpc { .. })
}
