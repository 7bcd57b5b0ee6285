//! [`ClientError`]: what a caller of the client branches on, each with Mooncake's numeric code.

use mooncake_engine::EngineError;
use mooncake_engine::memory::SegmentError;
use mooncake_engine::transport::TransferError;
use mooncake_proto::{ErrorCode, ErrorCodeExt};

/// Why a client operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Bad input caught before any RPC (empty key, zero-length value, bad config). `INVALID_PARAMS`.
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// The key already holds a value; the old value is untouched. `OBJECT_ALREADY_EXISTS`.
    #[error("key {key:?} already exists")]
    AlreadyExists { key: String },
    /// No complete object under the key. `OBJECT_NOT_FOUND`.
    #[error("key {key:?} not found")]
    NotFound { key: String },
    /// The master refused the operation with `code`.
    #[error("{op}: {} ({})", code.name(), code.hint())]
    Master { code: ErrorCode, op: &'static str },
    /// Moving bytes to or from a replica failed. `TRANSFER_FAIL`.
    #[error("transfer with {endpoint} failed: {source}")]
    Transfer { endpoint: String, source: TransferError },
    /// The replica's transfer engine could not be found. `TRANSFER_FAIL`.
    #[error("cannot reach transfer engine {endpoint}: {source}")]
    Resolve {
        endpoint: String,
        source: std::sync::Arc<EngineError>,
    },
    /// The bytes read do not match the checksum stored at put time. `CHECKSUM_MISMATCH`.
    #[error("key {key:?}: the bytes read do not match the stored checksum")]
    ChecksumMismatch { key: String },
    /// The read took longer than the lease the master granted. `LEASE_EXPIRED`.
    #[error("key {key:?}: the read outlived its {lease_ttl_ms} ms lease")]
    LeaseExpired { key: String, lease_ttl_ms: u64 },
    /// The caller's buffer cannot hold the value. `BUFFER_OVERFLOW`.
    #[error("buffer of {got} bytes cannot hold the {needed}-byte value")]
    BufferTooSmall { needed: u64, got: usize },
    /// The slice passed to `put_from`/`get_into` is not inside a registered buffer. `INVALID_PARAMS`.
    #[error("buffer at {addr:#x}+{len} is not inside a registered buffer")]
    NotRegistered { addr: u64, len: usize },
    /// The master could not be connected to. `RPC_FAIL`.
    #[error("cannot connect to the master at {addr}: {source}")]
    Unreachable {
        addr: String,
        source: tonic::transport::Error,
    },
    /// No leader could be found in an HA cluster's master view. `RPC_FAIL`.
    #[error("no reachable master leads the cluster in {backend}: {detail}")]
    NoLeader { backend: String, detail: String },
    /// An RPC did not reach a master that could answer. `RPC_FAIL` (`RPC_TIMEOUT` on deadline).
    #[error("{op} RPC failed: {status}")]
    Rpc {
        op: &'static str,
        status: Box<tonic::Status>,
    },
    /// The transfer engine could not start or register memory. `INTERNAL_ERROR`.
    #[error("transfer engine: {0}")]
    Engine(#[source] Box<EngineError>),
    /// The global segment could not be created. `INTERNAL_ERROR`.
    #[error("cannot create the global segment: {0}")]
    Segment(#[from] SegmentError),
}

impl ClientError {
    /// Mooncake's code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::InvalidArgument(_) | ClientError::NotRegistered { .. } => ErrorCode::InvalidParams,
            ClientError::AlreadyExists { .. } => ErrorCode::ObjectAlreadyExists,
            ClientError::NotFound { .. } => ErrorCode::ObjectNotFound,
            ClientError::Master { code, .. } => *code,
            ClientError::Transfer { .. } | ClientError::Resolve { .. } => ErrorCode::TransferFail,
            ClientError::ChecksumMismatch { .. } => ErrorCode::ChecksumMismatch,
            ClientError::LeaseExpired { .. } => ErrorCode::LeaseExpired,
            ClientError::BufferTooSmall { .. } => ErrorCode::BufferOverflow,
            ClientError::Unreachable { .. } | ClientError::NoLeader { .. } => ErrorCode::RpcFail,
            ClientError::Rpc { status, .. } => match status.code() {
                tonic::Code::DeadlineExceeded => ErrorCode::RpcTimeout,
                _ => ErrorCode::RpcFail,
            },
            ClientError::Engine(_) | ClientError::Segment(_) => ErrorCode::InternalError,
        }
    }

    /// Mooncake's numeric value of [`ClientError::code`] (`-704`, …).
    pub fn code_value(&self) -> i32 {
        self.code() as i32
    }

    /// Turns a master reply code into a result; `key` names the object for the typed variants.
    pub(crate) fn check(code: i32, op: &'static str, key: &str) -> Result<(), ClientError> {
        match ErrorCode::from_wire(code) {
            ErrorCode::Ok => Ok(()),
            ErrorCode::ObjectNotFound => Err(ClientError::NotFound { key: key.to_string() }),
            ErrorCode::ObjectAlreadyExists => Err(ClientError::AlreadyExists { key: key.to_string() }),
            code => Err(ClientError::Master { code, op }),
        }
    }
}

impl From<EngineError> for ClientError {
    fn from(error: EngineError) -> Self {
        ClientError::Engine(Box::new(error))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_mooncakes() {
        assert_eq!(ClientError::InvalidArgument("x").code_value(), -600);
        assert_eq!(
            ClientError::check(-705, "PutStart", "k")
                .unwrap_err()
                .code_value(),
            -705
        );
        assert!(matches!(
            ClientError::check(-704, "Get", "k"),
            Err(ClientError::NotFound { .. })
        ));
        let err = ClientError::check(-706, "Remove", "k").unwrap_err();
        assert_eq!(err.code(), ErrorCode::ObjectHasLease);
        assert!(err.to_string().contains("OBJECT_HAS_LEASE"), "{err}");
        assert!(ClientError::check(0, "Remove", "k").is_ok());
    }
}
