//! Query-string parameters of admin endpoints, with 400s that say what is missing.

use std::collections::HashMap;

use super::error::ApiError;

/// The raw query parameters of a request.
pub type Params = HashMap<String, String>;

/// A required, non-empty parameter.
pub fn required<'a>(params: &'a Params, name: &str, example: &str) -> Result<&'a str, ApiError> {
    match params.get(name).map(String::as_str) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(ApiError::bad_param(format!(
            "missing query parameter `{name}` (e.g. ?{name}={example})"
        ))),
    }
}
