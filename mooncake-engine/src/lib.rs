//! Mooncake Store data path: registered memory, transports that move bytes directly between nodes
//! (never through the master), metadata backends that tell engines where peers are, and the
//! Mooncake-compatible HTTP metadata server.
//!
//! - [`memory`]: segments and the registry every peer access is checked against.
//! - [`transport`]: the [`transport::Transport`] trait and its `tcp`, `shm` (and `rdma`) implementations.
//! - [`descriptor`]: the segment descriptor JSON peers publish (Mooncake's shape).
//! - [`metadata`]: where descriptors live (P2P handshake, HTTP, etcd, Redis) and the HTTP server.
//! - [`engine`]: the [`TransferEngine`] tying them together; [`metrics`]: its Prometheus metrics.
//! - [`reply_spin`]: the short bounded wait for an answer that spares a halted CPU's wake-up.

pub mod blocking;
pub mod descriptor;
pub mod engine;
pub mod error;
pub mod memory;
pub mod metadata;
pub mod metrics;
pub mod reply_spin;
#[cfg(test)]
mod test_support;
pub mod transport;

pub use blocking::blocking;
pub use engine::{EngineConfig, EngineError, TransferEngine};
pub use error::{DuplicateRpcMetaKey, MetadataError};
pub use memory::AccessError;
