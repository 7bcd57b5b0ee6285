//! The one place admin HTTP errors become responses: a status from the error code and Mooncake's JSON
//! error shape `{"success":false,"error_code":N,"error_message":"NAME: detail"}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mooncake_proto::{ErrorCode, ErrorCodeExt};
use serde_json::json;

use crate::service::MasterError;

/// An admin request that failed.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
}

impl ApiError {
    /// A missing or malformed query parameter (400).
    pub fn bad_param(detail: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::InvalidParams,
            detail: detail.into(),
        }
    }

    fn status(&self) -> StatusCode {
        match self.code {
            ErrorCode::InvalidParams => StatusCode::BAD_REQUEST,
            ErrorCode::ObjectNotFound | ErrorCode::SegmentNotFound => StatusCode::NOT_FOUND,
            ErrorCode::UnavailableInCurrentMode | ErrorCode::UnavailableInCurrentStatus => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<MasterError> for ApiError {
    fn from(error: MasterError) -> Self {
        Self {
            code: error.code(),
            detail: error.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "success": false,
            "error_code": self.code as i32,
            "error_message": format!("{}: {}", self.code.name(), self.detail),
        });
        (self.status(), Json(body)).into_response()
    }
}
