//! Mooncake Store client library: [`Client`] is Mooncake's `MooncakeDistributedStore` — configured like
//! its `setup()`, it contributes a segment of memory to the pool, heartbeats the master, and offers
//! put/get/remove/exist (single and batch), zero-copy `put_from`/`get_into`, and replica options.
//!
//! - [`config`]: [`ClientConfig`] (the `setup()` arguments, Mooncake's defaults).
//! - [`error`]: [`ClientError`], each variant with Mooncake's numeric [`ErrorCode`].
//! - [`master`]: the typed wrapper over the master's gRPC API (one place turning codes into errors).
//! - [`client`]: the operations.
//! - [`node`]: [`Node`], the long-running node process (`mooncake node join`): join with retries,
//!   heartbeat/remount, optional REST service, ordered shutdown.
//! - [`rest`]: the REST store service (`/api/mount`, `/api/unmount`, …, and `/api/objects/{key}`).
//!
//! Bytes never pass through the master: a put asks it where to write (PutStart), writes every replica
//! through the transfer engine straight from the caller's slice, then commits (PutEnd) — or revokes
//! (PutRevoke) on any failure, so a failed put leaves nothing readable.

pub mod client;
pub mod config;
pub mod error;
pub mod master;
pub mod node;
pub mod rest;

pub use client::{Client, MountedSegment, ReplicateConfig};
pub use config::ClientConfig;
pub use error::ClientError;
pub use mooncake_proto::ErrorCode;
pub use node::{Node, NodeConfig, NodeError, NodeHandle};
