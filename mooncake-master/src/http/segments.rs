//! Segment endpoints: `/get_all_segments`, `/get_segments_detail`, `/query_segment`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AdminState;
use super::error::ApiError;
use super::params::{Params, required};
use crate::service::{SegmentInfo, SegmentStatus};

const TEXT: &str = "text/plain; version=0.0.4";

/// Names of the segments accepting data, one per line.
pub async fn get_all_segments(State(state): State<AdminState>) -> Response {
    let mut names: Vec<String> = state
        .service
        .all_segments()
        .into_iter()
        .filter(|s| s.status == SegmentStatus::Ok)
        .map(|s| s.spec.name)
        .collect();
    names.sort();
    names.dedup();
    let body: String = names.into_iter().map(|n| n + "\n").collect();
    ([(CONTENT_TYPE, TEXT)], body).into_response()
}

fn detail(segment: &SegmentInfo) -> Value {
    let usage = if segment.capacity_bytes == 0 {
        0.0
    } else {
        segment.used_bytes as f64 * 100.0 / segment.capacity_bytes as f64
    };
    json!({
        "segment_name": segment.spec.name,
        "segment_id": segment.spec.id.to_string(),
        "client_id": segment.owner.to_string(),
        "base_address": format!("{:#x}", segment.spec.base),
        "size_bytes": segment.spec.size,
        "te_endpoint": segment.spec.te_endpoint,
        "protocol": segment.spec.protocol,
        "host_id": segment.spec.host_id,
        "cxl": segment.spec.cxl,
        "status": segment.status.name(),
        "allocator_used_bytes": segment.used_bytes,
        "allocator_capacity_bytes": segment.capacity_bytes,
        "allocator_usage_percent": usage,
    })
}

/// Every segment, any status, as JSON.
pub async fn get_segments_detail(State(state): State<AdminState>) -> Json<Value> {
    let segments = state.service.all_segments();
    Json(json!({
        "total_segments": segments.len(),
        "segments": segments.iter().map(detail).collect::<Vec<_>>(),
    }))
}

/// `<name>\nUsed(bytes): N\nCapacity(bytes): N\n` summed over the segments mounted under that name.
pub async fn query_segment(
    State(state): State<AdminState>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let name = required(&params, "segment", "node1:12345")?;
    let segments = state.service.query_segment(name)?;
    let used: u64 = segments.iter().map(|s| s.used_bytes).sum();
    let capacity: u64 = segments.iter().map(|s| s.capacity_bytes).sum();
    let body = format!("{name}\nUsed(bytes): {used}\nCapacity(bytes): {capacity}\n");
    Ok(([(CONTENT_TYPE, TEXT)], body).into_response())
}
