//! The master's admin HTTP server on `--metrics-port`: Prometheus metrics, a human summary, health,
//! and lease-free object and segment lookups with the response shapes of Mooncake's HTTP service.

mod error;
mod keys;
mod params;
mod segments;
mod snapshots;
mod status;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::ha::{HaState, Replication};
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
    /// HA role and leader (absent without HA: this master always serves).
    pub ha: Option<Arc<HaState>>,
    replication: Option<Arc<Replication>>,
    /// Snapshot writer (absent when snapshots are off).
    pub snapshots: Option<Arc<crate::snapshot::Snapshotter>>,
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
            ha: None,
            replication: None,
            snapshots: None,
            started: now,
            last_summary: Arc::new(Mutex::new(now)),
        }
    }
}

impl AdminState {
    /// Reports this master's HA role, and answers the service plane only while it leads.
    pub fn with_ha(mut self, ha: Arc<HaState>, replication: Arc<Replication>) -> Self {
        self.ha = Some(ha);
        self.replication = Some(replication);
        self
    }

    /// Standbys in sync with this leader.
    pub fn standbys(&self) -> usize {
        self.replication.as_ref().map_or(0, |r| r.in_sync())
    }

    /// Whether this master answers service-plane requests now.
    pub fn serving(&self) -> bool {
        self.ha.as_ref().is_none_or(|ha| ha.serving())
    }
}

/// Service-plane routes answer 503 on a standby (Mooncake: "service plane is not active").
async fn require_leader(State(state): State<AdminState>, request: Request, next: Next) -> Response {
    if state.serving() {
        return next.run(request).await;
    }
    let leader = state.ha.as_ref().and_then(|ha| ha.leader());
    let body = serde_json::json!({
        "success": false,
        "error_code": mooncake_proto::ErrorCode::UnavailableInCurrentStatus as i32,
        "error_message": format!(
            "UNAVAILABLE_IN_CURRENT_STATUS: service plane is not active on this master (a standby); leader: {}",
            leader.as_deref().unwrap_or("none yet")
        ),
        "leader_address": leader,
    });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

impl AdminState {
    /// Serves `/api/v1/snapshots` with `snapshots` and shows its status in `/health` and the summary.
    pub fn with_snapshots(mut self, snapshots: Option<Arc<crate::snapshot::Snapshotter>>) -> Self {
        self.snapshots = snapshots;
        self
    }
}

/// Every admin route.
pub fn router(state: AdminState) -> Router {
    Router::new()
        .route("/query_key", get(keys::query_key))
        .route("/batch_query_keys", get(keys::batch_query_keys))
        .route("/get_all_keys", get(keys::get_all_keys))
        .route("/get_all_segments", get(segments::get_all_segments))
        .route("/get_segments_detail", get(segments::get_segments_detail))
        .route("/query_segment", get(segments::query_segment))
        .route("/api/v1/snapshots", get(snapshots::list).post(snapshots::create))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_leader))
        .route("/metrics", get(status::metrics))
        .route("/metrics/summary", get(status::summary))
        .route("/health", get(status::health))
        .route("/role", get(status::role))
        .route("/ha_status", get(status::ha_status))
        .route("/leader", get(status::leader))
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
