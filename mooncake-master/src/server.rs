//! Binds and runs the master's listeners — RPC (gRPC and the framed data path on one port), admin
//! HTTP, and the optional embedded HTTP metadata server — plus the background workers, until
//! cancelled; then shuts down in order: stop accepting, let in-flight requests finish (bounded), stop
//! the workers.

use std::collections::BTreeSet;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mooncake_engine::metadata::{self, MetadataStore};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::MasterConfig;
use crate::framed;
use crate::grpc::MasterGrpc;
use crate::ha::HaMember;
use crate::http::{self, AdminState};
use crate::metrics::MasterMetrics;
use crate::service::MasterService;
use crate::service::workers::Workers;

/// How long shutdown waits for in-flight requests.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why the master could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr} ({what}): {source}")]
    Bind {
        what: &'static str,
        addr: SocketAddr,
        source: io::Error,
    },
    #[error("gRPC server failed: {0}")]
    Grpc(#[from] tonic::transport::Error),
    #[error("{what} server failed: {source}")]
    Http { what: &'static str, source: io::Error },
    #[error(transparent)]
    Ha(#[from] crate::ha::HaError),
    #[error(transparent)]
    Snapshot(#[from] crate::snapshot::SnapshotError),
    #[error("a server task panicked: {0}")]
    Panicked(#[from] tokio::task::JoinError),
}

/// The master's bound sockets. Production binds them from the config; tests bind `127.0.0.1:0`.
#[derive(Debug)]
pub struct MasterListeners {
    pub rpc: TcpListener,
    pub admin: TcpListener,
    pub metadata: Option<TcpListener>,
}

async fn bind(what: &'static str, addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { what, addr, source })
}

impl MasterListeners {
    /// Binds every address the config names.
    pub async fn bind(config: &MasterConfig) -> Result<Self, ServerError> {
        let metadata = match config.http_metadata {
            Some(addr) => Some(bind("HTTP metadata server", addr).await?),
            None => None,
        };
        Ok(Self {
            rpc: bind("gRPC", config.rpc_listen).await?,
            admin: bind("admin HTTP", config.metrics_listen).await?,
            metadata,
        })
    }
}

/// A master running in this process (tests, `mooncake up`).
#[derive(Debug)]
pub struct MasterHandle {
    pub rpc_addr: SocketAddr,
    pub admin_addr: SocketAddr,
    pub metadata_addr: Option<SocketAddr>,
    pub service: Arc<MasterService>,
    cancel: CancellationToken,
    task: JoinHandle<Result<(), ServerError>>,
}

impl MasterHandle {
    /// Stops the master and waits for it to finish.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        self.cancel.cancel();
        self.task.await?
    }
}

/// Binds from `config` and serves until `cancel` fires.
pub async fn run(config: MasterConfig, cancel: CancellationToken) -> Result<(), ServerError> {
    let listeners = MasterListeners::bind(&config).await?;
    let service = new_service(&config);
    serve(listeners, config, service, cancel).await
}

/// Binds from `config` and serves in a background task.
pub async fn start(config: MasterConfig) -> Result<MasterHandle, ServerError> {
    let listeners = MasterListeners::bind(&config).await?;
    let local = |l: &TcpListener, what| {
        l.local_addr()
            .map_err(|source| ServerError::Http { what, source })
    };
    let rpc_addr = local(&listeners.rpc, "gRPC")?;
    let admin_addr = local(&listeners.admin, "admin HTTP")?;
    let metadata_addr = match &listeners.metadata {
        Some(l) => Some(local(l, "HTTP metadata")?),
        None => None,
    };
    let service = new_service(&config);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(serve(listeners, config, service.clone(), cancel.clone()));
    Ok(MasterHandle {
        rpc_addr,
        admin_addr,
        metadata_addr,
        service,
        cancel,
        task,
    })
}

/// A fresh core whose view version differs from any earlier start's (wall-clock milliseconds), so
/// clients of a restarted master notice and remount.
fn new_service(config: &MasterConfig) -> Arc<MasterService> {
    let mut service_config = config.service.clone();
    service_config.view_version = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_millis() as i64)
        .max(1);
    // HA members keep a change log for standbys (a leader feeds it; a standby may become leader).
    service_config.record_changes = config.ha.is_some();
    Arc::new(MasterService::new(service_config))
}

/// Serves the master on already-bound listeners until `cancel` fires.
pub async fn serve(
    listeners: MasterListeners,
    config: MasterConfig,
    service: Arc<MasterService>,
    cancel: CancellationToken,
) -> Result<(), ServerError> {
    let rpc_addr = listeners
        .rpc
        .local_addr()
        .map_err(|source| ServerError::Http { what: "gRPC", source })?;
    tracing::info!(
        port = rpc_addr.port(),
        strategy = service.config().allocation_strategy.name(),
        lease_ttl_ms = service.config().default_kv_lease_ttl.as_millis() as u64,
        client_ttl_s = service.config().client_ttl.as_secs(),
        eviction_high_watermark_ratio = service.config().eviction_high_watermark_ratio,
        eviction_ratio = service.config().eviction_ratio,
        view_version = service.view_version(),
        "Starting Mooncake Master Service"
    );
    if config.rpc_conn_timeout.is_some() {
        tracing::warn!(
            "rpc_conn_timeout_seconds is accepted, but this master does not close idle RPC connections yet"
        );
    }

    // Snapshot restore (when enabled) fills the core before any worker or request sees it.
    let snapshots = crate::snapshot::start(&config, &service).await?;
    let workers = Workers::spawn(service.clone(), cancel.clone());
    let metrics = MasterMetrics::new();
    let mut tasks = tokio::task::JoinSet::new();
    if let Some(snapshots) = &snapshots {
        metrics.attach_snapshots(snapshots.status().clone());
        let (writer, writer_cancel) = (snapshots.clone(), cancel.clone());
        tasks.spawn(async move {
            writer.run(writer_cancel).await;
            Ok(())
        });
    }

    let ha = match &config.ha {
        Some(ha) => {
            // An HA member serves nothing until it leads: a restored snapshot becomes the metadata the
            // first leader of the cluster starts from, and only a serving leader writes snapshots.
            let restored = service.export_image();
            let initial = (!restored.segments.is_empty() || !restored.objects.is_empty()).then_some(restored);
            service.clear();
            if let Some(snapshots) = &snapshots {
                snapshots.set_active(false);
            }
            let member =
                HaMember::connect(ha, &config.cluster_id, rpc_addr, service.clone(), initial).await?;
            Some(member.with_snapshots(snapshots.clone()))
        }
        None => None,
    };

    let metadata_store = MetadataStore::default();
    if let Some(listener) = listeners.metadata {
        let (store, metadata_cancel) = (metadata_store.clone(), cancel.clone());
        tasks.spawn(async move {
            metadata::serve(listener, store, metadata_cancel)
                .await
                .map_err(|source| ServerError::Http {
                    what: "HTTP metadata",
                    source,
                })
        });
        if config.enable_metadata_cleanup_on_timeout {
            tasks.spawn(clean_metadata_of_gone_segments(
                service.clone(),
                metadata_store,
                cancel.clone(),
            ));
        }
    }

    let admin_addr = listeners.admin.local_addr().map_err(|source| ServerError::Http {
        what: "admin HTTP",
        source,
    })?;
    let mut state = AdminState::new(
        service.clone(),
        metrics.clone(),
        workers.statuses().to_vec().into(),
    )
    .with_snapshots(snapshots);
    if let Some(member) = &ha {
        state = state.with_ha(member.state.clone(), member.replication.clone());
        metrics.attach_ha(member.state.clone(), member.replication.clone());
    }
    let admin_cancel = cancel.clone();
    tasks.spawn(async move {
        http::serve(listeners.admin, state, admin_cancel)
            .await
            .map_err(|source| ServerError::Http {
                what: "admin HTTP",
                source,
            })
    });
    tracing::info!("Master admin server (metrics, health, queries) listening on {admin_addr}");

    if config.enable_metric_reporting {
        tasks.spawn(report_periodically(service.clone(), cancel.clone()));
    }

    let mut svc = MasterGrpc::new(service.clone(), metrics);
    if let Some(member) = ha {
        svc = svc.with_ha(member.state.clone(), member.replication.clone());
        let election_cancel = cancel.clone();
        tasks.spawn(async move {
            member.run(election_cancel).await;
            Ok(())
        });
    }
    // One port for both protocols: the accept loop sniffs each connection and passes the non-framed
    // ones to tonic with TCP_NODELAY already set (without it every reply waits on delayed ACKs).
    let (grpc_tx, grpc_rx) = tokio::sync::mpsc::channel::<io::Result<TcpStream>>(64);
    let (rpc_listener, accept_svc, accept_cancel) = (listeners.rpc, svc.clone(), cancel.clone());
    tasks.spawn(async move {
        framed::accept_loop(
            rpc_listener,
            config.rpc_tcp_nodelay,
            accept_svc,
            grpc_tx,
            accept_cancel,
        )
        .await;
        Ok(())
    });
    let incoming = tokio_stream::wrappers::ReceiverStream::new(grpc_rx);
    let grpc = svc.into_server();
    let grpc_cancel = cancel.clone();
    tasks.spawn(async move {
        tonic::transport::Server::builder()
            .add_service(grpc)
            .serve_with_incoming_shutdown(incoming, grpc_cancel.cancelled_owned())
            .await
            .map_err(ServerError::from)
    });
    tracing::info!("Master service listening on {rpc_addr}");

    // The first server to fail stops the others; otherwise wait for the cancel.
    let mut outcome = Ok(());
    tokio::select! {
        _ = cancel.cancelled() => {}
        Some(finished) = tasks.join_next() => {
            outcome = finished.map_err(ServerError::from).and_then(|r| r);
            if let Err(error) = &outcome {
                tracing::error!(%error, "a master server stopped; shutting down");
            }
            cancel.cancel();
        }
    }
    tracing::info!("shutting down: no new connections, finishing requests in flight");
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while let Some(finished) = tasks.join_next().await {
            if let Err(error) = finished.map_err(ServerError::from).and_then(|r| r) {
                tracing::warn!(%error, "server error during shutdown");
            }
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            grace_s = SHUTDOWN_GRACE.as_secs(),
            "requests still running at the end of the grace period were cut off"
        );
        tasks.abort_all();
    }
    workers.join().await;
    tracing::info!("master stopped");
    outcome
}

/// Removes the transfer-engine descriptors (`mooncake/ram/<name>`, `mooncake/rpc_meta/<name>`) of
/// segments that are no longer mounted, so new peers do not find stale endpoints.
async fn clean_metadata_of_gone_segments(
    service: Arc<MasterService>,
    store: MetadataStore,
    cancel: CancellationToken,
) -> Result<(), ServerError> {
    let mut known = BTreeSet::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Ok(()),
            _ = tick.tick() => {}
        }
        let mounted: BTreeSet<String> = service.all_segments().into_iter().map(|s| s.spec.name).collect();
        for gone in known.difference(&mounted) {
            if store.remove_segment(gone) > 0 {
                tracing::info!(segment = %gone, "removed metadata of an unmounted segment");
            }
        }
        known = mounted;
    }
}

/// Logs a one-line state of the master every 10 s (`enable_metric_reporting`).
async fn report_periodically(
    service: Arc<MasterService>,
    cancel: CancellationToken,
) -> Result<(), ServerError> {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Ok(()),
            _ = tick.tick() => {}
        }
        let stats = service.stats();
        tracing::info!(
            keys = stats.keys,
            processing = stats.processing_keys,
            used_bytes = stats.memory_used_bytes,
            capacity_bytes = stats.memory_capacity_bytes,
            clients = stats.clients,
            segments = stats.segments,
            "master state"
        );
    }
}
