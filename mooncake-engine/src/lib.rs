//! Mooncake Store data path: segments, transports, metadata backends, and the Mooncake-compatible HTTP metadata server.

pub mod error;
pub mod metadata;

pub use error::{DuplicateRpcMetaKey, MetadataError};
