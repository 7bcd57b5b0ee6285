//! The REST store service a node serves with `--rest-port` (Mooncake's `mooncake_store_service`).
//!
//! Segment endpoints (request and response JSON exactly as Mooncake's; see [`mount`]):
//! - `POST /api/mount` `{"size": N, "protocol"?: "tcp", "location"?: ""}` →
//!   `{"status": "success", "segment_ids": [..], "allocated_size": N}`
//! - `POST /api/unmount` `{"segment_ids": [..] | "id", "grace_period_seconds"?: 0}` →
//!   `{"status": "success"}`
//! - `POST /api/mount_shm` `{"name", "size", "offset"?: 0, "protocol"?, "location"?}` →
//!   `{"status": "success", "segment_ids": [..]}` (maps `/dev/shm/<name>`)
//! - `POST /api/unmount_shm`: as `/api/unmount`.
//!
//! Data endpoints (ours; keys are one path segment, percent-encoded as needed; see [`data`]):
//! - `PUT /api/objects/{key}[?replica_num=N&soft_pin=true]` with the raw value as body → 201
//!   `{"status": "success"}`; 409 if the key exists.
//! - `GET /api/objects/{key}` → 200 `application/octet-stream` raw bytes; 404 if missing.
//! - `DELETE /api/objects/{key}[?force=true]` → `{"status": "success"}`; 404 if missing.
//! - `GET /api/objects/{key}/exists` → `{"exists": bool}`.
//!
//! Mooncake's own data routes, same shapes as its Python service (errors as below, not its 500s):
//! - `PUT /api/put` `{"key": "..", "value": ".."}` (text value, stored as UTF-8) →
//!   `{"status": "success"}`; 400 `Missing key or value`.
//! - `GET /api/get/{key}` → raw bytes; `GET /api/exist/{key}` → `{"exists": bool}`.
//! - `DELETE /api/remove/{key}` → `{"status": "success"}`; `DELETE /api/remove_all` →
//!   `{"status": "success removed N keys"}`.
//!
//! Every failure is `{"error": "...", "code": <Mooncake code>}` with a 4xx/5xx status
//! ([`error::ApiError`]): bad JSON or missing fields 400, unknown segment or key 404, existing key
//! 409, master unreachable 503, unknown path 404.

pub mod data;
pub mod error;
pub mod mount;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::client::Client;

/// Largest value a `PUT /api/objects/{key}` accepts (axum's default is 2 MiB).
pub const MAX_VALUE_BYTES: usize = 1 << 30;

/// What every handler reaches: the node's client.
#[derive(Clone, Debug)]
pub struct RestState {
    client: Arc<Client>,
}

impl RestState {
    pub fn new(client: Arc<Client>) -> Self {
        Self { client }
    }
}

/// The routes above, over `state`.
pub fn router(state: RestState) -> Router {
    Router::new()
        .route("/api/mount", post(mount::mount))
        .route("/api/unmount", post(mount::unmount))
        .route("/api/mount_shm", post(mount::mount_shm))
        .route("/api/unmount_shm", post(mount::unmount))
        .route(
            "/api/objects/{key}",
            get(data::get).put(data::put).delete(data::remove),
        )
        .route("/api/objects/{key}/exists", get(data::exists))
        .route("/api/put", put(data::put_json))
        .route("/api/get/{key}", get(data::get))
        .route("/api/exist/{key}", get(data::exists))
        .route("/api/remove/{key}", delete(data::remove_compat))
        .route("/api/remove_all", delete(data::remove_all))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_VALUE_BYTES))
        .with_state(state)
}

/// Unknown paths get the same JSON error shape as everything else.
async fn not_found(uri: axum::http::Uri) -> error::ApiError {
    error::ApiError {
        status: axum::http::StatusCode::NOT_FOUND,
        message: format!("no endpoint {}", uri.path()),
        code: mooncake_proto::ErrorCode::InvalidParams,
    }
}

/// Serves the REST service on `listener` until `cancel`, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: RestState,
    cancel: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(cancel.cancelled_owned())
        .await
}
