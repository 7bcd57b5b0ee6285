//! Errors of the engine's metadata layer: what callers of the metadata store and client branch on.

use reqwest::StatusCode;

/// A PUT to an existing key containing `rpc_meta` with a value different from the stored one. Mooncake
/// refuses it so that two engines cannot silently claim the same name; the owner must DELETE first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("duplicate rpc_meta key not allowed: {key}")]
pub struct DuplicateRpcMetaKey {
    /// The key that already holds a different value.
    pub key: String,
}

/// Errors of [`HttpMetadataClient`](crate::metadata::HttpMetadataClient).
///
/// A missing key is not an error: `get` answers `None` and `delete` answers `false`.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// The metadata server URL given to the client does not parse or is not `http://`/`https://`.
    #[error("invalid metadata server URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },

    /// The HTTP client could not be built.
    #[error("cannot build the HTTP metadata client")]
    ClientBuild(#[source] reqwest::Error),

    /// The request did not get an answer: connection refused, timeout, broken connection.
    #[error("{method} {url}: request failed")]
    Transport {
        /// HTTP method of the failed request.
        method: &'static str,
        /// Full request URL.
        url: String,
        /// Underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The server refused to overwrite an `rpc_meta` key with a different value.
    #[error(transparent)]
    DuplicateRpcMeta(#[from] DuplicateRpcMetaKey),

    /// The server answered with a status the protocol does not give for this request (for example 404
    /// `404 Not Found` when the URL does not end in `/metadata`, or 413 for an oversized value).
    #[error("{method} {url}: unexpected HTTP {status}: {body}")]
    UnexpectedStatus {
        /// HTTP method of the request.
        method: &'static str,
        /// Full request URL.
        url: String,
        /// Status the server answered.
        status: StatusCode,
        /// Response body (text, lossily decoded, truncated).
        body: String,
    },
}
