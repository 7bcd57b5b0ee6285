//! Object endpoints: `/query_key`, `/batch_query_keys`, `/get_all_keys`. All are lease-free: an
//! operator looking at a key never blocks its removal or eviction (unlike upstream's `/query_key`).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AdminState;
use super::error::ApiError;
use super::params::{Params, required};
use crate::service::{KeyInfo, ReplicaLocation};

const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4";

/// Mooncake's buffer-descriptor JSON.
fn descriptor(replica: &ReplicaLocation) -> Value {
    json!({
        "size_": replica.size,
        "buffer_address_": replica.buffer_address,
        "protocol_": replica.protocol,
        "transport_endpoint_": replica.transport_endpoint,
        "segment_name_": replica.segment_name,
    })
}

/// Readable replicas of a complete object; an object still being written is "not ready".
fn readable(info: &KeyInfo) -> Result<&[ReplicaLocation], crate::service::MasterError> {
    if info.complete {
        Ok(&info.replicas)
    } else {
        Err(crate::service::MasterError::ReplicaNotReady)
    }
}

pub async fn query_key(
    State(state): State<AdminState>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let key = required(&params, "key", "my_object")?;
    let info = state.service.query_key(key)?;
    let replicas = readable(&info)?;
    Ok(Json(
        json!({ "success": true, "data": replicas.iter().map(descriptor).collect::<Vec<_>>() }),
    ))
}

pub async fn batch_query_keys(State(state): State<AdminState>, Query(params): Query<Params>) -> Response {
    let keys: Vec<&str> = params
        .get("keys")
        .map(|k| k.split(',').filter(|k| !k.is_empty()).collect())
        .unwrap_or_default();
    if keys.is_empty() {
        let body = json!({ "success": false, "error": "No keys provided. Use ?keys=key1,key2,..." });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let mut data = serde_json::Map::new();
    for key in keys {
        let entry = match state
            .service
            .query_key(key)
            .and_then(|info| readable(&info).map(<[_]>::to_vec))
        {
            Ok(replicas) => json!({
                "ok": true,
                "error": null,
                "values": replicas.iter().map(|r| json!({
                    "transport_endpoint_": r.transport_endpoint,
                    "buffer_descriptor": descriptor(r),
                })).collect::<Vec<_>>(),
            }),
            Err(error) => json!({ "ok": false, "error": error.code().as_str_name(), "values": null }),
        };
        data.insert(key.to_string(), entry);
    }
    Json(json!({ "success": true, "data": data })).into_response()
}

pub async fn get_all_keys(State(state): State<AdminState>) -> Response {
    let body: String = state.service.all_keys().into_iter().map(|k| k + "\n").collect();
    ([(axum::http::header::CONTENT_TYPE, PROMETHEUS_TEXT)], body).into_response()
}
