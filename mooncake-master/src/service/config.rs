//! Runtime settings of the master's core semantics (leases, pins, eviction, liveness, placement).
//! Already validated: the config layer (`crate::config`) turns flags, env and files into this.

use std::time::Duration;

/// How the master chooses segments for new replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AllocationStrategyKind {
    /// Start at a random segment and walk the list (Mooncake's default).
    #[default]
    Random,
    /// Prefer the segments with the largest free fraction.
    FreeRatioFirst,
    /// Put single-replica objects on the writer's own host first.
    LocalFirst,
    /// Prefer segments marked as CXL memory.
    Cxl,
}

impl AllocationStrategyKind {
    /// Every accepted spelling, as operators write it in flags and files.
    pub const NAMES: &'static [&'static str] = &["random", "free_ratio_first", "local_first", "cxl"];

    /// Parses the operator spelling (`free_ratio_first`, also `free-ratio-first`).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "random" => Some(Self::Random),
            "free_ratio_first" => Some(Self::FreeRatioFirst),
            "local_first" => Some(Self::LocalFirst),
            "cxl" => Some(Self::Cxl),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::FreeRatioFirst => "free_ratio_first",
            Self::LocalFirst => "local_first",
            Self::Cxl => "cxl",
        }
    }
}

/// The master's core behaviour. Defaults are Mooncake's.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// Read lease granted by every get/exist (`default_kv_lease_ttl`, 10 s).
    pub default_kv_lease_ttl: Duration,
    /// Soft-pin TTL when a put asks for a pin without a TTL (`default_kv_soft_pin_ttl`, 30 min).
    pub default_kv_soft_pin_ttl: Duration,
    /// Largest soft-pin TTL a put may ask for (`max_kv_soft_pin_ttl`, 24 h).
    pub max_kv_soft_pin_ttl: Duration,
    /// Whether eviction may take soft-pinned objects once nothing else is left (true).
    pub allow_evict_soft_pinned_objects: bool,
    /// Fraction of evictable objects freed per eviction pass (0.05).
    pub eviction_ratio: f64,
    /// Usage fraction above which eviction runs (0.90).
    pub eviction_high_watermark_ratio: f64,
    /// Silence after which a client's segments are unmounted (`client_ttl`, 10 s).
    pub client_ttl: Duration,
    /// An unfinished put may be superseded after this (`put_start_discard_timeout_sec`, 30 s).
    pub put_start_discard_timeout: Duration,
    /// The space of an unfinished put is released after this (`put_start_release_timeout_sec`, 600 s).
    pub put_start_release_timeout: Duration,
    /// Placement policy (`allocation_strategy`, random).
    pub allocation_strategy: AllocationStrategyKind,
    /// Number of index shards (1024): more shards, less contention.
    pub shard_count: usize,
    /// View version announced in pings; a new value tells clients the master restarted.
    pub view_version: i64,
    /// Keep a change log standbys can follow (HA leaders and standbys-to-be).
    pub record_changes: bool,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            default_kv_lease_ttl: Duration::from_millis(10_000),
            default_kv_soft_pin_ttl: Duration::from_secs(30 * 60),
            max_kv_soft_pin_ttl: Duration::from_secs(24 * 60 * 60),
            allow_evict_soft_pinned_objects: true,
            eviction_ratio: 0.05,
            eviction_high_watermark_ratio: 0.90,
            client_ttl: Duration::from_secs(10),
            put_start_discard_timeout: Duration::from_secs(30),
            put_start_release_timeout: Duration::from_secs(600),
            allocation_strategy: AllocationStrategyKind::Random,
            shard_count: 1024,
            view_version: 1,
            record_changes: false,
        }
    }
}
