//! The Mooncake-compatible HTTP metadata server (axum): `GET/PUT/DELETE /metadata?key=K` and `GET /health`.
//!
//! Status codes and bodies are byte-for-byte those of the metadata server embedded in Mooncake's master,
//! because real transfer engines treat any status other than 200 as failure:
//!
//! | request | answers |
//! |---|---|
//! | GET `/metadata?key=K` | 200 value (`Content-Type: application/json`); 404 `metadata not found` |
//! | PUT `/metadata?key=K` | 200 `metadata updated`; `rpc_meta` keys: 200 `metadata unchanged` / 400 `Duplicate rpc_meta key not allowed` |
//! | DELETE `/metadata?key=K` | 200 `metadata deleted`; 404 `metadata not found` |
//! | any of them without a (non-empty) `key` | 400 `Missing key parameter` |
//! | GET `/health` | 200 `OK` |
//! | anything else | 404 `404 Not Found` |
//!
//! Differences from upstream, on purpose: the server binds exactly the address it is given (upstream
//! ignores the host and always binds 0.0.0.0), and values larger than [`MAX_VALUE_BYTES`] get 413.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::store::{MetadataStore, PutOutcome};

/// Largest value a PUT may carry. Segment descriptors are a few KiB even with thousands of buffers; this
/// leaves ample room while bounding what one request can make the server hold.
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;

/// How long [`serve`] waits, once cancelled, for in-flight requests to finish before it returns anyway.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(5);

const NOT_FOUND_BODY: &str = "404 Not Found";

/// The metadata server's routes over `store`. Exposed so a caller can nest it or serve it itself;
/// [`serve`] is the usual entry point.
pub fn router(store: MetadataStore) -> Router {
    Router::new()
        .route(
            "/metadata",
            get(get_metadata)
                .put(put_metadata)
                .delete(delete_metadata)
                .fallback(not_found),
        )
        .route("/health", get(health).fallback(not_found))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_VALUE_BYTES))
        .with_state(store)
}

/// Serves the metadata protocol on `listener` until `cancel` fires, then stops accepting and lets
/// in-flight requests finish (idle keep-alive connections are closed), for at most [`DRAIN_DEADLINE`].
pub async fn serve(
    listener: TcpListener,
    store: MetadataStore,
    cancel: CancellationToken,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    info!(%addr, "HTTP metadata server listening on {addr}");
    let server =
        axum::serve(listener, router(store)).with_graceful_shutdown(cancel.clone().cancelled_owned());
    let deadline = async {
        cancel.cancelled().await;
        tokio::time::sleep(DRAIN_DEADLINE).await;
    };
    tokio::select! {
        result = server => {
            info!(%addr, "HTTP metadata server stopped");
            result
        }
        () = deadline => {
            warn!(%addr, "HTTP metadata server stopped with requests still in flight after {DRAIN_DEADLINE:?}");
            Ok(())
        }
    }
}

/// The `key` query parameter, if present and non-empty. Parsed as a list of pairs so that odd query
/// strings (repeated or unknown parameters) never turn into a framework error: the first `key` wins.
fn key_param(Query(params): Query<Vec<(String, String)>>) -> Option<String> {
    params
        .into_iter()
        .find(|(name, _)| name == "key")
        .map(|(_, value)| value)
        .filter(|key| !key.is_empty())
}

fn missing_key() -> Response {
    (StatusCode::BAD_REQUEST, "Missing key parameter").into_response()
}

async fn get_metadata(State(store): State<MetadataStore>, query: Query<Vec<(String, String)>>) -> Response {
    let Some(key) = key_param(query) else {
        return missing_key();
    };
    match store.get(&key) {
        Some(value) => ([(header::CONTENT_TYPE, "application/json")], value).into_response(),
        None => (StatusCode::NOT_FOUND, "metadata not found").into_response(),
    }
}

async fn put_metadata(
    State(store): State<MetadataStore>,
    query: Query<Vec<(String, String)>>,
    body: Bytes,
) -> Response {
    let Some(key) = key_param(query) else {
        return missing_key();
    };
    let len = body.len();
    match store.put(&key, body) {
        Ok(PutOutcome::Updated) => {
            debug!(key, len, "metadata updated");
            (StatusCode::OK, "metadata updated").into_response()
        }
        Ok(PutOutcome::Unchanged) => (StatusCode::OK, "metadata unchanged").into_response(),
        Err(err) => {
            debug!(key, "{err}");
            (StatusCode::BAD_REQUEST, "Duplicate rpc_meta key not allowed").into_response()
        }
    }
}

async fn delete_metadata(
    State(store): State<MetadataStore>,
    query: Query<Vec<(String, String)>>,
) -> Response {
    let Some(key) = key_param(query) else {
        return missing_key();
    };
    if store.delete(&key) {
        debug!(key, "metadata deleted");
        (StatusCode::OK, "metadata deleted").into_response()
    } else {
        (StatusCode::NOT_FOUND, "metadata not found").into_response()
    }
}

async fn health() -> &'static str {
    "OK"
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, NOT_FOUND_BODY).into_response()
}
