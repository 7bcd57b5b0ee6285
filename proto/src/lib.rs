//! The wire contract of Mooncake Store: generated gRPC types for the master API and the stable
//! [`ErrorCode`] vocabulary (Mooncake's numeric codes and names) with operator hints, and the
//! [`framed`] data-path protocol that shares the gRPC port.

/// Generated code for `mooncake.master.v1`.
#[allow(clippy::all, missing_docs)]
pub mod master {
    tonic::include_proto!("mooncake.master.v1");
}

mod error_code;
pub mod framed;

pub use error_code::ErrorCodeExt;
pub use master::ErrorCode;
