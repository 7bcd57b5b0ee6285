//! The master core: what Mooncake's master decides, without any I/O.
//!
//! [`MasterService`] owns the sharded object index, the segment registry, client liveness and the
//! counters metrics read. Operations are synchronous, short and lock only what they touch (one index
//! shard, one segment allocator); the gRPC and HTTP layers call them directly. Background work
//! (eviction, liveness, put timeouts, drains) lives in [`workers`]. Lock order, where two are held:
//! index shard → segment allocator; the segment table is read lock-free.

pub mod allocator;
pub mod changes;
mod clients;
mod clock;
pub mod config;
mod error;
mod eviction;
mod image;
mod mount;
mod object;
mod placement;
mod put;
mod read;
mod remove;
mod segments;
mod timeouts;
pub mod types;
pub mod workers;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use parking_lot::Mutex;
use tokio::sync::Notify;

pub use clock::Clock;
pub use config::{AllocationStrategyKind, ServiceConfig};
pub use error::{MasterError, MasterResult};
pub use eviction::EvictionOutcome;
pub use image::{RestoreReport, image_segment_id, segment_message, segment_spec, unix_ms};
pub use types::*;

use clients::ClientRegistry;
use object::ObjectIndex;
use placement::PlacementStrategy;
use segments::{SegmentRef, SegmentRegistry};

/// Longest key accepted (bytes). Longer keys are refused with `INVALID_PARAMS`.
pub const MAX_KEY_LEN: usize = 4096;
/// Most replicas one put may ask for.
pub const MAX_REPLICA_NUM: u32 = 16;

/// Event counters kept by the core; the metrics layer exports them.
#[derive(Debug, Default)]
pub struct Counters {
    pub eviction_attempts: AtomicU64,
    pub eviction_successes: AtomicU64,
    pub evicted_keys: AtomicU64,
    pub evicted_bytes: AtomicU64,
    pub alloc_failures: AtomicU64,
    pub partial_allocations: AtomicU64,
    pub put_start_discards: AtomicU64,
    pub put_start_releases: AtomicU64,
    pub leases_granted: AtomicU64,
    pub expired_clients: AtomicU64,
    pub get_hits: AtomicU64,
    pub get_misses: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64, by: u64) {
        counter.fetch_add(by, Ordering::Relaxed);
    }
}

/// A point-in-time summary for metrics and `/metrics/summary`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceStats {
    pub keys: u64,
    pub processing_keys: u64,
    pub soft_pinned_keys: u64,
    pub leased_keys: u64,
    pub clients: u64,
    pub segments: u64,
    pub memory_capacity_bytes: u64,
    pub memory_used_bytes: u64,
    pub cxl_capacity_bytes: u64,
    pub cxl_used_bytes: u64,
}

/// Space of a superseded put, released once no reader can still hold its descriptors.
#[derive(Debug)]
struct DiscardedRange {
    segment: SegmentRef,
    offset: u64,
    len: u64,
    release_at_ms: u64,
}

/// The master core.
#[derive(Debug)]
pub struct MasterService {
    config: ServiceConfig,
    clock: Clock,
    index: ObjectIndex,
    segments: SegmentRegistry,
    clients: ClientRegistry,
    strategy: Box<dyn PlacementStrategy>,
    discarded: Mutex<Vec<DiscardedRange>>,
    counters: Counters,
    /// The last eviction pass found nothing to evict (its warning is logged once per episode).
    eviction_starved: std::sync::atomic::AtomicBool,
    /// Serialises evictions run on behalf of a failed allocation.
    on_demand_eviction: Mutex<()>,
    /// Wakes the eviction worker early (usage crossed the watermark, or an allocation failed).
    eviction_wanted: Notify,
    /// Committed changes for standbys (HA only).
    changes: Option<changes::ChangeLog>,
    /// Announced in pings; changes when the master restarts or leadership moves.
    view_version: AtomicI64,
}

impl MasterService {
    pub fn new(config: ServiceConfig) -> Self {
        Self {
            index: ObjectIndex::new(config.shard_count),
            changes: config.record_changes.then(changes::ChangeLog::default),
            view_version: AtomicI64::new(config.view_version),
            strategy: placement::strategy(config.allocation_strategy),
            config,
            clock: Clock::new(),
            segments: SegmentRegistry::default(),
            clients: ClientRegistry::default(),
            discarded: Mutex::new(Vec::new()),
            counters: Counters::default(),
            eviction_wanted: Notify::new(),
            on_demand_eviction: Mutex::new(()),
            eviction_starved: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn view_version(&self) -> i64 {
        self.view_version.load(Ordering::Relaxed)
    }

    /// Announces a new view (an HA leader takes office with the view's version).
    pub fn set_view_version(&self, version: i64) {
        self.view_version.store(version, Ordering::Relaxed);
    }

    /// Forgets every object, segment and client (a deposed HA leader before it follows again).
    pub fn clear(&self) {
        for shard in self.index.shards() {
            let mut shard = shard.lock();
            shard.objects.clear();
            shard.processing = 0;
        }
        self.discarded.lock().clear();
        self.segments.clear();
        self.clients.clear();
    }

    fn now(&self) -> u64 {
        self.clock.now_ms()
    }

    fn lease_ttl_ms(&self) -> u64 {
        self.config.default_kv_lease_ttl.as_millis() as u64
    }

    /// Counts keys, pins and leases (a scan of the index, one shard at a time) and usage.
    pub fn stats(&self) -> ServiceStats {
        let now = self.now();
        let mut stats = ServiceStats::default();
        for shard in self.index.shards() {
            let shard = shard.lock();
            stats.processing_keys += shard.processing as u64;
            for object in shard.objects.values().filter(|o| o.complete) {
                stats.keys += 1;
                stats.soft_pinned_keys += u64::from(object.soft_pinned(now));
                stats.leased_keys += u64::from(object.leased(now));
            }
        }
        for segment in self.segments.load().iter().filter(|s| s.readable()) {
            if segment.spec.cxl {
                stats.cxl_capacity_bytes += segment.capacity();
                stats.cxl_used_bytes += segment.used_bytes();
            } else {
                stats.memory_capacity_bytes += segment.capacity();
                stats.memory_used_bytes += segment.used_bytes();
            }
        }
        stats.segments = self.segments.load().len() as u64;
        stats.clients = self.clients.ok_count() as u64;
        stats
    }
}

#[cfg(test)]
mod tests;
