//! What the master core refuses, as callers branch on it; each maps to Mooncake's stable code.

use mooncake_proto::ErrorCode;

/// Why a master operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MasterError {
    #[error("invalid parameters: {0}")]
    InvalidParams(&'static str),
    #[error("object not found")]
    ObjectNotFound,
    #[error("object already exists")]
    ObjectAlreadyExists,
    #[error("object is under a read lease")]
    ObjectHasLease,
    #[error("object is still being written")]
    ReplicaNotReady,
    #[error("no segment has room for the object")]
    NoAvailableHandle,
    #[error("the put was started by another client")]
    IllegalClient,
    #[error("the put is not in progress")]
    InvalidWrite,
    #[error("segment not found")]
    SegmentNotFound,
    #[error("not allowed in the current status: {0}")]
    Unavailable(&'static str),
}

impl MasterError {
    /// The wire code for this refusal.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::InvalidParams(_) => ErrorCode::InvalidParams,
            Self::ObjectNotFound => ErrorCode::ObjectNotFound,
            Self::ObjectAlreadyExists => ErrorCode::ObjectAlreadyExists,
            Self::ObjectHasLease => ErrorCode::ObjectHasLease,
            Self::ReplicaNotReady => ErrorCode::ReplicaIsNotReady,
            Self::NoAvailableHandle => ErrorCode::NoAvailableHandle,
            Self::IllegalClient => ErrorCode::IllegalClient,
            Self::InvalidWrite => ErrorCode::InvalidWrite,
            Self::SegmentNotFound => ErrorCode::SegmentNotFound,
            Self::Unavailable(_) => ErrorCode::UnavailableInCurrentStatus,
        }
    }
}

/// Result of a master core operation.
pub type MasterResult<T> = Result<T, MasterError>;
