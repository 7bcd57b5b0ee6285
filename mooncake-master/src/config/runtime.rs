//! `MasterConfig`: the validated settings the master runs with, and Mooncake's defaults for them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::service::ServiceConfig;

/// Mooncake's default values, shared by [`MasterConfig::default`] and the resolver.
pub(crate) mod defaults {
    use std::time::Duration;

    pub const RPC_PORT: u16 = 50051;
    pub const RPC_ADDRESS: &str = "0.0.0.0";
    pub const METRICS_PORT: u16 = 9003;
    pub const METRICS_HOST: &str = "0.0.0.0";
    pub const HTTP_METADATA_HOST: &str = "0.0.0.0";
    pub const HTTP_METADATA_PORT: u16 = 8080;
    pub const MEMORY_ALLOCATOR: &str = "offset";
    pub const CLUSTER_ID: &str = "mooncake_cluster";
    pub const HA_BACKEND: &str = "etcd";
    pub const HA_LEASE_TTL: Duration = Duration::from_secs(3);
    pub const SNAPSHOT_INTERVAL: Duration = Duration::from_secs(600);
    pub const SNAPSHOT_CHILD_TIMEOUT: Duration = Duration::from_secs(300);
    pub const SNAPSHOT_RETENTION: u32 = 2;
    pub const MAX_TASKS: u32 = 10_000;
    pub const TASK_TIMEOUT: Duration = Duration::from_secs(300);
    pub const MAX_RETRY_ATTEMPTS: u32 = 10;
    pub const PROMOTION_ADMISSION_THRESHOLD: u32 = 2;
    pub const PROMOTION_QUEUE_LIMIT: u32 = 50_000;
    pub const PROMOTION_MAX_PER_HEARTBEAT: u32 = 1;
    pub const OFFLOADING_QUEUE_LIMIT: u64 = 50_000;
    pub const OFFLOADING_QUEUE_LIMIT_MAX: u64 = 100_000_000;
    pub const OFFLOAD_CAP_RATIO: f64 = 0.5;
    pub const GLOBAL_FILE_SEGMENT_SIZE: u64 = i64::MAX as u64;
    pub const CXL_PATH: &str = "/dev/dax0.0";
    pub const CXL_SIZE: u64 = 8 << 30;
}

/// Everything the master process needs to start: listeners, the core service settings and the
/// validated settings of features that later issues bring.
#[derive(Clone, Debug)]
pub struct MasterConfig {
    /// The core's settings (leases, pins, eviction, liveness, placement, put timeouts).
    pub service: ServiceConfig,
    /// gRPC listen address: `rpc_address:rpc_port`, with `rpc_interface` resolved to its IPv4.
    pub rpc_listen: SocketAddr,
    /// gRPC worker threads (never 0: 0 in the flags means one per core).
    pub rpc_thread_num: usize,
    /// Idle RPC connections are closed after this; `None` keeps them open.
    pub rpc_conn_timeout: Option<Duration>,
    /// Set TCP_NODELAY on RPC connections.
    pub rpc_tcp_nodelay: bool,
    /// Admin and metrics HTTP listen address: `metrics_host:metrics_port`.
    pub metrics_listen: SocketAddr,
    /// Log a metrics summary every 10 s.
    pub enable_metric_reporting: bool,
    /// Listen address of the embedded HTTP metadata server, when enabled.
    pub http_metadata: Option<SocketAddr>,
    /// Delete a timed-out client's transfer-engine metadata keys.
    pub enable_metadata_cleanup_on_timeout: bool,
    /// Namespace of HA, oplog and snapshot data.
    pub cluster_id: String,
    /// Leader election, when `enable_ha`.
    pub ha: Option<HaConfig>,
    /// Snapshots and restore, when `enable_snapshot` or `enable_snapshot_restore`.
    pub snapshot: Option<SnapshotConfig>,
    /// Limits of the task manager (offload, promotion, copy and move tasks).
    pub tasks: TaskManagerConfig,
    /// SSD offload and promotion, when `enable_offload`.
    pub offload: Option<OffloadConfig>,
    /// The shared-filesystem tier, when `root_fs_dir` is set.
    pub root_fs: Option<RootFsConfig>,
    /// CXL memory, when `enable_cxl`.
    pub cxl: Option<CxlConfig>,
    /// Features the operator switched on that this build does not run yet; the master warns about each.
    pub inactive_features: Vec<InactiveFeature>,
}

impl Default for MasterConfig {
    /// Mooncake's defaults: gRPC on 0.0.0.0:50051, admin HTTP on 0.0.0.0:9003, no optional features.
    fn default() -> Self {
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        Self {
            service: ServiceConfig::default(),
            rpc_listen: SocketAddr::new(any, defaults::RPC_PORT),
            rpc_thread_num: available_cores(),
            rpc_conn_timeout: None,
            rpc_tcp_nodelay: true,
            metrics_listen: SocketAddr::new(any, defaults::METRICS_PORT),
            enable_metric_reporting: true,
            http_metadata: None,
            enable_metadata_cleanup_on_timeout: false,
            cluster_id: defaults::CLUSTER_ID.to_owned(),
            ha: None,
            snapshot: None,
            tasks: TaskManagerConfig::default(),
            offload: None,
            root_fs: None,
            cxl: None,
            inactive_features: Vec::new(),
        }
    }
}

impl MasterConfig {
    /// Defaults with every listener on `127.0.0.1:0`, so tests in one process never collide, and no
    /// periodic metrics log.
    pub fn for_tests() -> Self {
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        Self {
            rpc_listen: SocketAddr::new(loopback, 0),
            rpc_thread_num: 2,
            metrics_listen: SocketAddr::new(loopback, 0),
            enable_metric_reporting: false,
            ..Self::default()
        }
    }
}

/// Cores available to this process (1 if unknown).
pub(crate) fn available_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Leader election settings (`enable_ha`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HaConfig {
    /// Where the leader lease lives.
    pub backend: HaBackend,
    /// Replicate metadata to standbys through the etcd operation log (`enable_oplog`).
    pub enable_oplog: bool,
    /// Lease of the leader's view (`ha_lease_ttl_seconds`); etcd rounds it up to whole seconds.
    pub lease_ttl: Duration,
}

/// The store holding the leader lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HaBackend {
    /// etcd endpoints (`host:port` or URLs), from `ha_backend_connstring` or `etcd_endpoints`.
    Etcd {
        /// At least one endpoint.
        endpoints: Vec<String>,
    },
    /// A Redis server (`redis://host:port`).
    Redis {
        /// The connection string as given.
        url: String,
    },
}

/// Snapshot and restore settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotConfig {
    /// Write snapshots periodically (`enable_snapshot`).
    pub periodic: bool,
    /// Restore the newest snapshot at start-up (`enable_snapshot_restore`).
    pub restore: bool,
    /// Time between snapshots.
    pub interval: Duration,
    /// Time limit for writing one snapshot.
    pub child_timeout: Duration,
    /// Snapshots kept (≥ 1).
    pub retention_count: u32,
    /// Where snapshot payloads go.
    pub store: SnapshotStore,
    /// Where the list of snapshots is kept.
    pub catalog: SnapshotCatalog,
    /// Extra local copy of every snapshot saved or restored.
    pub backup_dir: Option<PathBuf>,
}

/// Snapshot payload store (`snapshot_object_store_type`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotStore {
    /// A local directory (`MOONCAKE_SNAPSHOT_LOCAL_PATH`).
    Local {
        /// The managed directory; old snapshots in it are deleted.
        root: PathBuf,
    },
    /// S3 or an S3-compatible server, configured by `MOONCAKE_AWS_*` variables.
    S3,
}

/// Snapshot catalog (`snapshot_catalog_store_type`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotCatalog {
    /// Kept next to the payloads.
    Embedded,
    /// Kept in Redis.
    Redis {
        /// `snapshot_catalog_store_connstring`.
        url: String,
    },
}

/// Task manager limits (`max_total_*_tasks`, `*_task_timeout_sec`, `max_retry_attempts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskManagerConfig {
    /// Finished tasks kept; the oldest are pruned.
    pub max_total_finished_tasks: u32,
    /// Queued tasks allowed.
    pub max_total_pending_tasks: u32,
    /// Tasks handed out at once.
    pub max_total_processing_tasks: u32,
    /// A queued task fails after this; `None` never.
    pub pending_task_timeout: Option<Duration>,
    /// A running task fails after this without progress; `None` never.
    pub processing_task_timeout: Option<Duration>,
    /// Retries of a failed task.
    pub max_retry_attempts: u32,
}

impl Default for TaskManagerConfig {
    fn default() -> Self {
        Self {
            max_total_finished_tasks: defaults::MAX_TASKS,
            max_total_pending_tasks: defaults::MAX_TASKS,
            max_total_processing_tasks: defaults::MAX_TASKS,
            pending_task_timeout: Some(defaults::TASK_TIMEOUT),
            processing_task_timeout: Some(defaults::TASK_TIMEOUT),
            max_retry_attempts: defaults::MAX_RETRY_ATTEMPTS,
        }
    }
}

/// SSD offload and promotion settings (`enable_offload`).
#[derive(Clone, Debug, PartialEq)]
pub struct OffloadConfig {
    /// Offload when eviction picks an object instead of at put time.
    pub offload_on_evict: bool,
    /// Past the per-cycle cap, evict without offloading.
    pub offload_force_evict: bool,
    /// Promote SSD-only objects to memory after repeated reads.
    pub promotion_on_hit: bool,
    /// Reads before promotion (1..=255, the count-min sketch's counter range).
    pub promotion_admission_threshold: u8,
    /// Promotions in flight at most.
    pub promotion_queue_limit: u32,
    /// Promotion tasks per client heartbeat.
    pub promotion_max_per_heartbeat: u32,
    /// Offload tasks queued per client.
    pub offloading_queue_limit: u64,
    /// Fraction of the queue one eviction cycle may fill.
    pub offload_cap_ratio: f64,
    /// Disk quota per client; `None` means 90 % of its SSD.
    pub quota_bytes: Option<u64>,
    /// Clients evict SSD objects to stay within quota.
    pub enable_disk_eviction: bool,
}

/// Shared-filesystem tier (`root_fs_dir`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootFsConfig {
    /// The mounted directory.
    pub dir: PathBuf,
    /// Capacity declared for it.
    pub global_file_segment_size: u64,
}

/// CXL memory settings (`enable_cxl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CxlConfig {
    /// The DAX device.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// A feature the operator switched on that this build accepts and validates but does not run yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InactiveFeature {
    /// The flag, as an operator types it (`--enable-ha`).
    pub flag: &'static str,
    /// The capability that will make it work (`high availability`).
    pub capability: &'static str,
    /// What happens meanwhile (`this master runs as a single master`).
    pub meanwhile: &'static str,
}

impl fmt::Display for InactiveFeature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is accepted but {} is not active in this build yet; {}",
            self.flag, self.capability, self.meanwhile
        )
    }
}
