//! `/api/objects/{key}`: put, get, remove and exist one key over HTTP, values as raw bytes; plus
//! Mooncake's own JSON data routes (`PUT /api/put`, `GET /api/get/{key}`, `GET /api/exist/{key}`,
//! `DELETE /api/remove/{key}`, `DELETE /api/remove_all`) for existing scripts.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::RestState;
use super::error::ApiError;
use crate::client::ReplicateConfig;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PutParams {
    replica_num: Option<u32>,
    soft_pin: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RemoveParams {
    #[serde(default)]
    force: bool,
}

/// Query strings are parsed by hand so a bad one is our 400 JSON, not axum's plain-text rejection.
fn query<T: serde::de::DeserializeOwned + Default>(raw: Option<&str>) -> Result<T, ApiError> {
    match raw {
        None | Some("") => Ok(T::default()),
        Some(raw) => {
            let pairs: serde_json::Map<String, Value> = url_pairs(raw)
                .map(|(k, v)| {
                    let value = match v.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        s => s
                            .parse::<u64>()
                            .map_or_else(|_| Value::String(v.clone()), Value::from),
                    };
                    (k, value)
                })
                .collect();
            serde_json::from_value(Value::Object(pairs))
                .map_err(|error| ApiError::bad_request(format!("bad query string: {error}")))
        }
    }
}

fn url_pairs(raw: &str) -> impl Iterator<Item = (String, String)> + '_ {
    raw.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k.to_string(), v.to_string())
    })
}

pub(super) async fn put(
    State(state): State<RestState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let params: PutParams = query(raw.as_deref())?;
    let mut config = ReplicateConfig::replicas(params.replica_num.unwrap_or(1));
    config = config.with_soft_pin(params.soft_pin.unwrap_or(false));
    state.client.put_with(&key, &body, &config).await?;
    Ok((StatusCode::CREATED, Json(json!({ "status": "success" }))))
}

pub(super) async fn get(
    State(state): State<RestState>,
    Path(key): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let value = state.client.get(&key).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], value))
}

pub(super) async fn remove(
    State(state): State<RestState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params: RemoveParams = query(raw.as_deref())?;
    state.client.remove(&key, params.force).await?;
    Ok(Json(json!({ "status": "success" })))
}

pub(super) async fn exists(
    State(state): State<RestState>,
    Path(key): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let exists = state.client.is_exist(&key).await?;
    Ok(Json(json!({ "exists": exists })))
}

/// Mooncake's `PUT /api/put` body: the value is text, stored as its UTF-8 bytes.
#[derive(Debug, Deserialize)]
struct PutJson {
    key: Option<String>,
    value: Option<String>,
}

/// `PUT /api/put` `{"key", "value"}` → `{"status": "success"}` (Mooncake's route; 200, not 201).
pub(super) async fn put_json(State(state): State<RestState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let request: PutJson = super::mount::parse(&body)?;
    let (Some(key), Some(value)) = (request.key, request.value) else {
        return Err(ApiError::bad_request("Missing key or value"));
    };
    state.client.put(&key, value.as_bytes()).await?;
    Ok(Json(json!({ "status": "success" })))
}

/// `DELETE /api/remove/{key}` (never forced, as Mooncake's).
pub(super) async fn remove_compat(
    State(state): State<RestState>,
    Path(key): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.client.remove(&key, false).await?;
    Ok(Json(json!({ "status": "success" })))
}

/// `DELETE /api/remove_all` → `{"status": "success removed N keys"}` (Mooncake's wording).
pub(super) async fn remove_all(State(state): State<RestState>) -> Result<Json<Value>, ApiError> {
    let removed = state.client.remove_all(false).await?;
    Ok(Json(
        json!({ "status": format!("success removed {removed} keys") }),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_parse_into_typed_params() {
        let put: PutParams = query(Some("replica_num=2&soft_pin=true")).unwrap();
        assert_eq!((put.replica_num, put.soft_pin), (Some(2), Some(true)));
        let none: PutParams = query(None).unwrap();
        assert_eq!((none.replica_num, none.soft_pin), (None, None));
        let remove: RemoveParams = query(Some("force=true")).unwrap();
        assert!(remove.force);
        assert!(query::<PutParams>(Some("replica_num=x")).is_err());
        assert!(query::<RemoveParams>(Some("forse=true")).is_err());
    }
}
