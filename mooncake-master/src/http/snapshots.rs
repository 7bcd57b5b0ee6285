//! `/api/v1/snapshots`: `POST` writes a snapshot now and answers with its id, keys, bytes and duration;
//! `GET` lists the published snapshots and the writer's status. Errors are JSON
//! `{"success":false,"error_message":…}`: 400 when snapshots are not configured, 409 while another
//! snapshot is being written or on a standby, 503 when the store fails or the time limit passes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AdminState;
use crate::snapshot::{SnapshotError, id::rfc3339};

fn error(error: &SnapshotError) -> Response {
    let status = match error {
        SnapshotError::NotConfigured => StatusCode::BAD_REQUEST,
        SnapshotError::Busy | SnapshotError::Inactive => StatusCode::CONFLICT,
        SnapshotError::Store(_) | SnapshotError::TimedOut { .. } => StatusCode::SERVICE_UNAVAILABLE,
        SnapshotError::Format { .. } | SnapshotError::Task(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (
        status,
        Json(json!({ "success": false, "error_message": error.to_string() })),
    )
        .into_response()
}

/// `POST /api/v1/snapshots`.
pub async fn create(State(state): State<AdminState>) -> Response {
    let Some(snapshots) = state.snapshots.clone() else {
        return error(&SnapshotError::NotConfigured);
    };
    // The snapshot finishes even if the client goes away.
    let outcome = tokio::spawn(async move { snapshots.create_now().await }).await;
    match outcome {
        Ok(Ok(info)) => {
            let mut body = json!(info);
            body["success"] = json!(true);
            body["created_at"] = json!(rfc3339(info.created_at_unix_ms));
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Ok(Err(e)) => error(&e),
        Err(e) => error(&SnapshotError::Task(e.to_string())),
    }
}

/// `GET /api/v1/snapshots`.
pub async fn list(State(state): State<AdminState>) -> Response {
    let Some(snapshots) = state.snapshots.clone() else {
        return error(&SnapshotError::NotConfigured);
    };
    let store = snapshots.store();
    let (entries, latest) = match (store.list().await, store.latest().await) {
        (Ok(entries), Ok(latest)) => (entries, latest),
        (Err(e), _) | (_, Err(e)) => return error(&SnapshotError::Store(e)),
    };
    let list: Vec<Value> = entries
        .iter()
        .rev()
        .map(|e| {
            json!({
                "id": e.id.as_str(),
                "bytes": e.size,
                "created_at": e.id.unix_ms().map(rfc3339),
                "latest": latest.as_ref() == Some(&e.id),
            })
        })
        .collect();
    Json(json!({
        "success": true,
        "location": store.location(),
        "latest": latest.map(|id| id.to_string()),
        "snapshots": list,
        "status": snapshots.status().to_json(),
    }))
    .into_response()
}

/// The `snapshot` object of `/health`.
pub fn health(state: &AdminState) -> Value {
    match &state.snapshots {
        Some(s) => s.status().to_json(),
        None => json!({ "configured": false }),
    }
}

/// The snapshot part of `/metrics/summary` (empty when snapshots are off).
pub fn summary(state: &AdminState) -> String {
    let Some(s) = &state.snapshots else {
        return String::new();
    };
    let status = s.status();
    match (status.last_attempt(), status.last_success()) {
        (None, _) => " | Snapshot: none yet".to_owned(),
        (Some(attempt), last) => {
            let last = last.map_or("none".to_owned(), |l| {
                format!("{} ({} keys, {} B, {} ms)", l.id, l.keys, l.bytes, l.duration_ms)
            });
            format!(
                " | Snapshot: last attempt {}, last good {last}, failures {}",
                attempt.outcome,
                status.failures.load(std::sync::atomic::Ordering::Relaxed)
            )
        }
    }
}
