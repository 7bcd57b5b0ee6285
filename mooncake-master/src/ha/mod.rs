//! High availability: leader election through etcd or Redis, the gate that keeps standbys and
//! deposed leaders from answering, and metadata replication from the leader to its standbys.
//!
//! - [`state`]: role, phase, view version and lease validity of this master.
//! - [`replication`]: the leader streams an image and then every change to each standby and answers
//!   a mutation once the in-sync standbys have it.

pub mod replication;
pub mod state;

pub use replication::{FollowStream, Replication};
pub use state::{HaPhase, HaSnapshot, HaState};
