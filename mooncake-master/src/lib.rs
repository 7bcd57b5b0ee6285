//! Mooncake Store master service: decides where every object lives, never touches its bytes.
//!
//! - [`service`]: the core — object index, segments, allocation, leases, soft pins, eviction, liveness.
//! - [`grpc`]: the tonic front end of the wire contract in `mooncake-proto`.
//! - [`framed`]: the framed data-path protocol sharing the gRPC port (sniffed per connection).
//! - [`ha`]: leader election, the leader gate and replication to standbys.
//! - [`http`]: the admin server (`/metrics`, `/health`, `/query_key`, ...).
//! - [`snapshot`]: metadata snapshots to a local directory or S3, and restore at start-up.
//! - [`config`]: flags, environment and config files resolved into a validated [`config::MasterConfig`].
//! - [`server`]: binds everything and runs it until cancelled.

pub mod config;
pub mod framed;
pub mod grpc;
pub mod ha;
pub mod http;
pub mod metrics;
pub mod server;
pub mod service;
pub mod snapshot;
