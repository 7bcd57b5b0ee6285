//! The master's admin HTTP server on `--metrics-port`: Prometheus metrics, a human summary, health,
//! and lease-free object and segment lookups with the response shapes of Mooncake's HTTP service.

mod error;
mod keys;
mod params;
mod segments;
mod status;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::metrics::MasterMetrics;
use crate::service::MasterService;
use crate::service::workers::WorkerStatus;

pub use error::ApiError;

/// What the admin handlers read.
#[derive(Clone, Debug)]
pub struct AdminState {
    pub service: Arc<MasterService>,
    pub metrics: Arc<MasterMetrics>,
    pub workers: Arc<[Arc<WorkerStatus>]>,
    started: Instant,
    last_summary: Arc<Mutex<Instant>>,
}

impl AdminState {
    pub fn new(
        service: Arc<MasterService>,
        metrics: Arc<MasterMetrics>,
        workers: Arc<[Arc<WorkerStatus>]>,
    ) -> Self {
        let now = Instant::now();
        Self {
            service,
            metrics,
            workers,
            started: now,
            last_summary: Arc::new(Mutex::new(now)),
        }
    }
}

/// Every admin route.
pub fn router(state: AdminState) -> Router {
    Router::new()
        .route("/metrics", get(status::metrics))
        .route("/metrics/summary", get(status::summary))
        .route("/health", get(status::health))
        .route("/role", get(status::role))
        .route("/ha_status", get(status::ha_status))
        .route("/leader", get(status::leader))
        .route("/query_key", get(keys::query_key))
        .route("/batch_query_keys", get(keys::batch_query_keys))
        .route("/get_all_keys", get(keys::get_all_keys))
        .route("/get_all_segments", get(segments::get_all_segments))
        .route("/get_segments_detail", get(segments::get_segments_detail))
        .route("/query_segment", get(segments::query_segment))
        .fallback(|| async { (StatusCode::NOT_FOUND, "404 Not Found") })
        .with_state(state)
}

/// Serves the admin routes on `listener` until `cancel` fires.
pub async fn serve(
    listener: TcpListener,
    state: AdminState,
    cancel: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(cancel.cancelled_owned())
        .await
}
