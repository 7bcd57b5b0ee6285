//! High availability: leader election through etcd or Redis, the gate that keeps standbys and
//! deposed leaders from answering, and metadata replication from the leader to its standbys.
//!
//! - [`state`]: role, phase, view version and lease validity of this master.
//! - [`election`]: the loop that follows, campaigns, leads and steps down.
//! - [`follower`]: a standby's live copy of the leader's metadata.
//! - [`member`]: [`HaMember`] puts them together for one master process.
//! - [`replication`]: the leader streams an image and then every change to each standby and answers
//!   a mutation once the in-sync standbys have it.

pub mod election;
pub mod follower;
pub mod member;
pub mod metrics;
pub mod replication;
pub mod state;
pub mod wire;

#[cfg(test)]
mod tests;

pub use member::{HaError, HaMember};
pub use replication::Replication;
pub use state::{HaPhase, HaSnapshot, HaState};
