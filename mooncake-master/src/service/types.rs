//! Identifiers and plain data the master core works with, independent of the wire format.

use std::fmt;

use uuid::Uuid;

/// A client (inference process or store node), identified by the UUID it chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub Uuid);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A mounted segment's UUID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SegmentId(pub Uuid);

impl fmt::Display for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a node declares when it mounts memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentSpec {
    pub id: SegmentId,
    /// The node's `local_hostname`; replicas of one object never share a name.
    pub name: String,
    /// Absolute address of the region in the owner's address space.
    pub base: u64,
    pub size: u64,
    /// Where the owner's transfer engine listens.
    pub te_endpoint: String,
    pub protocol: String,
    pub host_id: String,
    /// CXL-attached memory (preferred by the `cxl` strategy).
    pub cxl: bool,
}

/// Lifecycle of a mounted segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentStatus {
    /// Readable and accepts new replicas.
    Ok,
    /// Readable until its grace period ends; receives no new replicas.
    Draining,
    /// Being removed: neither readable nor allocatable.
    Unmounting,
}

impl SegmentStatus {
    /// Name as shown in admin output (Mooncake's enum names).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Draining => "GRACEFULLY_UNMOUNTING",
            Self::Unmounting => "UNMOUNTING",
        }
    }
}

/// Options of one put.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicateConfig {
    /// Memory replicas wanted (0 is read as 1).
    pub replica_num: u32,
    pub with_soft_pin: bool,
    /// Soft-pin TTL in ms; `None` = the master's default.
    pub soft_pin_ttl_ms: Option<u64>,
    pub with_hard_pin: bool,
    /// Segment names to try first, in order.
    pub preferred_segments: Vec<String>,
    /// Put a single replica on the writer's host.
    pub prefer_alloc_in_same_node: bool,
    /// The writer's host identity; empty = learned from its mounted segments.
    pub host_id: String,
}

/// Where one replica's bytes live, as handed to clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaLocation {
    /// Position of the replica in the object (stable for the object's life).
    pub index: u32,
    pub complete: bool,
    pub segment_name: String,
    pub buffer_address: u64,
    pub size: u64,
    pub protocol: String,
    pub transport_endpoint: String,
}

/// A readable object: its replicas and what a reader needs to check them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaList {
    pub size: u64,
    pub replicas: Vec<ReplicaLocation>,
    pub lease_ttl_ms: u64,
    pub checksum: Option<u64>,
}

/// An operator's view of one key (lease-free).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    pub size: u64,
    pub complete: bool,
    pub replicas: Vec<ReplicaLocation>,
    pub lease_remaining_ms: u64,
    pub soft_pinned: bool,
    pub hard_pinned: bool,
    pub checksum: Option<u64>,
}

/// A segment as shown to operators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentInfo {
    pub spec: SegmentSpec,
    pub owner: ClientId,
    pub status: SegmentStatus,
    pub used_bytes: u64,
    pub capacity_bytes: u64,
}

/// Whether a pinging client is known to this master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientStatus {
    Ok,
    /// Unknown here (first contact, expired, or the master restarted): remount your segments.
    NeedRemount,
}
