//! `/api/mount`, `/api/unmount`, `/api/mount_shm`, `/api/unmount_shm`: contribute or withdraw
//! extra segments. Bodies are parsed here (not by axum's `Json` extractor) so every bad body is a
//! 400 with our JSON error shape.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use mooncake_proto::ErrorCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::RestState;
use super::error::ApiError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MountRequest {
    size: u64,
    protocol: Option<String>,
    #[allow(dead_code)] // A locality hint; meaningless for tcp, accepted for compatibility.
    location: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MountShmRequest {
    name: String,
    size: u64,
    #[serde(default)]
    offset: u64,
    protocol: Option<String>,
    #[allow(dead_code)] // As in `MountRequest`.
    location: Option<String>,
}

/// `segment_ids` may be a list or, for one segment, a bare string (as Mooncake accepts).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SegmentIds {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnmountRequest {
    segment_ids: SegmentIds,
    #[serde(default)]
    grace_period_seconds: f64,
}

/// Parses a JSON body into `T`, naming what is wrong in the 400.
pub(super) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| ApiError::bad_request(format!("bad request body: {error}")))
}

fn check_protocol(protocol: Option<&str>) -> Result<(), ApiError> {
    match protocol {
        None | Some("") | Some("tcp") => Ok(()),
        Some(other) => Err(ApiError::bad_request(format!(
            "protocol {other:?} is not offered; use \"tcp\""
        ))),
    }
}

pub(super) async fn mount(State(state): State<RestState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let request: MountRequest = parse(&body)?;
    check_protocol(request.protocol.as_deref())?;
    if request.size == 0 {
        return Err(ApiError::bad_request("size must be positive"));
    }
    let mounted = state.client.mount_extra(request.size).await?;
    Ok(Json(json!({
        "status": "success",
        "segment_ids": [mounted.id],
        "allocated_size": mounted.size,
    })))
}

pub(super) async fn mount_shm(State(state): State<RestState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let request: MountShmRequest = parse(&body)?;
    check_protocol(request.protocol.as_deref())?;
    if request.size == 0 {
        return Err(ApiError::bad_request("size must be positive"));
    }
    let mounted = state
        .client
        .mount_shm(&request.name, request.offset, request.size)
        .await?;
    Ok(Json(json!({ "status": "success", "segment_ids": [mounted.id] })))
}

/// Serves both `/api/unmount` and `/api/unmount_shm`: segment ids are ours either way.
pub(super) async fn unmount(State(state): State<RestState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let request: UnmountRequest = parse(&body)?;
    let ids = match request.segment_ids {
        SegmentIds::One(id) => vec![id],
        SegmentIds::Many(ids) => ids,
    };
    if ids.is_empty() {
        return Err(ApiError::bad_request("segment_ids is empty"));
    }
    let grace = Duration::try_from_secs_f64(request.grace_period_seconds)
        .map_err(|_| ApiError::bad_request("grace_period_seconds must be a non-negative number"))?;
    // Check every id first so a typo does not leave half the list unmounted.
    let ours = state.client.segment_ids();
    if let Some(unknown) = ids.iter().find(|id| !ours.contains(id)) {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no segment {unknown:?} is mounted by this node"),
            code: ErrorCode::SegmentNotFound,
        });
    }
    for id in &ids {
        state.client.unmount(id, grace).await?;
    }
    Ok(Json(json!({ "status": "success" })))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn segment_ids_may_be_one_string_or_a_list() {
        let one: UnmountRequest = parse(br#"{"segment_ids": "a"}"#).unwrap();
        assert!(matches!(one.segment_ids, SegmentIds::One(ref id) if id == "a"));
        assert_eq!(one.grace_period_seconds, 0.0);
        let many: UnmountRequest =
            parse(br#"{"segment_ids": ["a", "b"], "grace_period_seconds": 1.5}"#).unwrap();
        assert!(matches!(many.segment_ids, SegmentIds::Many(ref ids) if ids.len() == 2));
        assert!(parse::<UnmountRequest>(br#"{"segment_ids": 3}"#).is_err());
    }

    #[test]
    fn mount_shm_defaults_offset_and_needs_name_and_size() {
        let request: MountShmRequest = parse(br#"{"name": "/seg", "size": 4096}"#).unwrap();
        assert_eq!(
            (request.name.as_str(), request.size, request.offset),
            ("/seg", 4096, 0)
        );
        assert!(parse::<MountShmRequest>(br#"{"size": 4096}"#).is_err());
        let error = parse::<MountRequest>(b"{").unwrap_err();
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
    }
}
