//! Helpers on [`ErrorCode`]: conversion from raw wire integers, display names and one-line hints
//! the CLI prints next to an error.

use crate::ErrorCode;

/// Extra behaviour of the generated [`ErrorCode`] enum.
pub trait ErrorCodeExt: Sized {
    /// The code for a raw wire value; unknown values become `INTERNAL_ERROR`.
    fn from_wire(value: i32) -> Self;
    /// Mooncake's name of the code (`OBJECT_NOT_FOUND`).
    fn name(self) -> &'static str;
    /// A one-line hint telling an operator what the code usually means and what to do.
    fn hint(self) -> &'static str;
}

impl ErrorCodeExt for ErrorCode {
    fn from_wire(value: i32) -> Self {
        ErrorCode::try_from(value).unwrap_or(ErrorCode::InternalError)
    }

    fn name(self) -> &'static str {
        self.as_str_name()
    }

    fn hint(self) -> &'static str {
        match self {
            ErrorCode::Ok => "success",
            ErrorCode::ObjectNotFound => "no such key (never stored, removed, evicted, or its node left)",
            ErrorCode::ObjectAlreadyExists => "the key already holds a value; remove it first or use upsert",
            ErrorCode::ObjectHasLease => {
                "a reader holds a lease on the key; retry after default_kv_lease_ttl or remove with --force"
            }
            ErrorCode::ReplicaIsNotReady => "the key is still being written (between PutStart and PutEnd)",
            ErrorCode::NoAvailableHandle => {
                "no segment has room: mount more memory, or wait for eviction to free space"
            }
            ErrorCode::InvalidParams => "the request was malformed (empty key, zero size, bad option)",
            ErrorCode::IllegalClient => "only the client that started this put may finish or revoke it",
            ErrorCode::SegmentNotFound => "no mounted segment has that name or id",
            ErrorCode::SegmentAlreadyExists => "a segment with that id is already mounted",
            ErrorCode::LeaseExpired => "the read took longer than the lease; retry the get",
            ErrorCode::InvalidWrite => "the put is not in progress (already finished or revoked)",
            ErrorCode::TransferFail => "moving bytes to or from a node failed; check the node is alive",
            ErrorCode::ChecksumMismatch => "the bytes read do not match the checksum stored at put time",
            ErrorCode::RpcFail => "the master could not be reached; check --master and that it is running",
            ErrorCode::RpcTimeout => "the master did not answer in time",
            ErrorCode::UnavailableInCurrentStatus => {
                "the service or segment is not in a state that allows this"
            }
            ErrorCode::UnavailableInCurrentMode => "this build or configuration does not offer the operation",
            _ => "see the Mooncake error code reference",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_mooncake_numbers_and_names() {
        assert_eq!(ErrorCode::ObjectNotFound as i32, -704);
        assert_eq!(ErrorCode::ObjectHasLease as i32, -706);
        assert_eq!(ErrorCode::NoAvailableHandle as i32, -200);
        assert_eq!(ErrorCode::InvalidParams as i32, -600);
        assert_eq!(ErrorCode::from_wire(-705).name(), "OBJECT_ALREADY_EXISTS");
        assert_eq!(
            ErrorCode::from_wire(-1010).name(),
            "UNAVAILABLE_IN_CURRENT_STATUS"
        );
    }

    #[test]
    fn unknown_wire_values_are_internal_errors() {
        assert_eq!(ErrorCode::from_wire(12345), ErrorCode::InternalError);
    }
}
