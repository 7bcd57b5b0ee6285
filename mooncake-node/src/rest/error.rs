//! [`ApiError`]: the one place REST failures become HTTP statuses and `{"error": "...", "code": N}`
//! bodies (`code` is Mooncake's numeric error code where one applies).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mooncake_proto::ErrorCode;

use crate::error::ClientError;

/// A failed request: its status, message and Mooncake code.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub code: ErrorCode,
}

impl ApiError {
    /// A 400 for a body or parameter the service cannot use.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            code: ErrorCode::InvalidParams,
        }
    }
}

impl From<ClientError> for ApiError {
    fn from(error: ClientError) -> Self {
        let code = error.code();
        let status = match code {
            ErrorCode::ObjectNotFound | ErrorCode::SegmentNotFound => StatusCode::NOT_FOUND,
            ErrorCode::ObjectAlreadyExists => StatusCode::CONFLICT,
            ErrorCode::InvalidParams | ErrorCode::BufferOverflow => StatusCode::BAD_REQUEST,
            ErrorCode::ObjectHasLease => StatusCode::CONFLICT,
            ErrorCode::RpcFail | ErrorCode::RpcTimeout => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Self {
            status,
            message: error.to_string(),
            code,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message, "code": self.code as i32 });
        (self.status, Json(body)).into_response()
    }
}
