//! `MasterArgs`: every master setting, defined once for flags, `MOONCAKE_*` environment and config files.
//!
//! Each field is an `Option` so that "not given" survives parsing: the merge in `resolve` can then apply
//! flag > environment > file > default. clap fills a field from its `env` variable when the flag is absent;
//! serde fills it from the file key of the same (underscore) name. Defaults live in the doc comments, which
//! clap prints as help, and in `resolve`, which applies them.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use serde::{Deserialize, Serialize};

use super::values::{ByteSize, Millis, Ratio, Seconds};

/// Settings of `mooncake master`. Flags take both spellings (`--eviction-ratio`, `--eviction_ratio`);
/// config file keys are the underscore spelling; booleans take `--flag`, `--flag=true`, `--flag=false`.
#[derive(clap::Args, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MasterArgs {
    /// YAML (.yaml, .yml) or JSON (.json) config file; its keys are the underscore flag names
    #[arg(
        long,
        visible_aliases = ["config_path", "config-path"],
        env = "MOONCAKE_MASTER_CONFIG",
        value_name = "FILE"
    )]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    // ---- RPC -------------------------------------------------------------------------------------
    /// gRPC listen port; 0 picks a free port [default: 50051]
    #[arg(
        long,
        visible_alias = "rpc_port",
        env = "MOONCAKE_RPC_PORT",
        value_name = "PORT"
    )]
    #[arg(help_heading = "RPC")]
    pub rpc_port: Option<u16>,

    /// Deprecated spelling of --rpc-port, used when --rpc-port is not given [default: 50051]
    #[arg(long, env = "MOONCAKE_PORT", value_name = "PORT", help_heading = "RPC")]
    pub port: Option<u16>,

    /// Address the gRPC server binds and advertises (with HA it must be reachable) [default: 0.0.0.0]
    #[arg(
        long,
        visible_alias = "rpc_address",
        env = "MOONCAKE_RPC_ADDRESS",
        value_name = "ADDR"
    )]
    #[arg(help_heading = "RPC")]
    pub rpc_address: Option<String>,

    /// Network interface whose IPv4 address replaces --rpc-address, resolved at start-up [default: none]
    #[arg(
        long,
        visible_alias = "rpc_interface",
        env = "MOONCAKE_RPC_INTERFACE",
        value_name = "NAME"
    )]
    #[arg(help_heading = "RPC")]
    pub rpc_interface: Option<String>,

    /// gRPC worker threads; 0 uses one per core, capped by --max-threads when given [default: 0]
    #[arg(
        long,
        visible_alias = "rpc_thread_num",
        env = "MOONCAKE_RPC_THREAD_NUM",
        value_name = "N"
    )]
    #[arg(help_heading = "RPC")]
    pub rpc_thread_num: Option<usize>,

    /// Deprecated cap on worker threads when --rpc-thread-num is 0 [default: number of cores]
    #[arg(
        long,
        visible_alias = "max_threads",
        env = "MOONCAKE_MAX_THREADS",
        value_name = "N"
    )]
    #[arg(help_heading = "RPC")]
    pub max_threads: Option<usize>,

    /// Close RPC connections idle this long; 0 keeps them open [default: 0]
    #[arg(
        long,
        visible_alias = "rpc_conn_timeout_seconds",
        env = "MOONCAKE_RPC_CONN_TIMEOUT_SECONDS"
    )]
    #[arg(value_name = "DURATION", help_heading = "RPC")]
    pub rpc_conn_timeout_seconds: Option<Seconds>,

    /// Set TCP_NODELAY on RPC connections [default: true]
    #[arg(
        long,
        visible_alias = "rpc_enable_tcp_no_delay",
        env = "MOONCAKE_RPC_ENABLE_TCP_NO_DELAY"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "RPC")]
    pub rpc_enable_tcp_no_delay: Option<bool>,

    // ---- Metrics and admin HTTP ------------------------------------------------------------------
    /// Log a metrics summary every 10 seconds [default: true]
    #[arg(
        long,
        visible_alias = "enable_metric_reporting",
        env = "MOONCAKE_ENABLE_METRIC_REPORTING"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Metrics")]
    pub enable_metric_reporting: Option<bool>,

    /// Port of the admin HTTP server (/metrics, /health, /query_key, ...) [default: 9003]
    #[arg(
        long,
        visible_alias = "metrics_port",
        env = "MOONCAKE_METRICS_PORT",
        value_name = "PORT"
    )]
    #[arg(help_heading = "Metrics")]
    pub metrics_port: Option<u16>,

    /// Address the admin HTTP server binds ("::" for IPv6) [default: 0.0.0.0]
    #[arg(
        long,
        visible_alias = "metrics_host",
        env = "MOONCAKE_METRICS_HOST",
        value_name = "ADDR"
    )]
    #[arg(help_heading = "Metrics")]
    pub metrics_host: Option<String>,

    // ---- Embedded HTTP metadata server -----------------------------------------------------------
    /// Run the transfer-engine metadata server inside the master [default: false]
    #[arg(
        long,
        visible_alias = "enable_http_metadata_server",
        env = "MOONCAKE_ENABLE_HTTP_METADATA_SERVER"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    #[arg(help_heading = "HTTP metadata server")]
    pub enable_http_metadata_server: Option<bool>,

    /// Address the metadata server binds [default: 0.0.0.0]
    #[arg(
        long,
        visible_alias = "http_metadata_server_host",
        env = "MOONCAKE_HTTP_METADATA_SERVER_HOST"
    )]
    #[arg(value_name = "ADDR", help_heading = "HTTP metadata server")]
    pub http_metadata_server_host: Option<String>,

    /// Port of the metadata server [default: 8080]
    #[arg(
        long,
        visible_alias = "http_metadata_server_port",
        env = "MOONCAKE_HTTP_METADATA_SERVER_PORT"
    )]
    #[arg(value_name = "PORT", help_heading = "HTTP metadata server")]
    pub http_metadata_server_port: Option<u16>,

    /// Delete a client's mooncake/ram and mooncake/rpc_meta keys when it times out [default: false]
    #[arg(
        long,
        visible_alias = "enable_metadata_cleanup_on_timeout",
        env = "MOONCAKE_ENABLE_METADATA_CLEANUP_ON_TIMEOUT"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    #[arg(help_heading = "HTTP metadata server")]
    pub enable_metadata_cleanup_on_timeout: Option<bool>,

    // ---- Allocation ------------------------------------------------------------------------------
    /// Allocator inside each segment: offset (cachelib is not supported) [default: offset]
    #[arg(
        long,
        visible_alias = "memory_allocator",
        env = "MOONCAKE_MEMORY_ALLOCATOR",
        value_name = "NAME"
    )]
    #[arg(help_heading = "Allocation")]
    pub memory_allocator: Option<String>,

    /// Placement of new replicas: random, free_ratio_first, local_first or cxl [default: random]
    #[arg(
        long,
        visible_alias = "allocation_strategy",
        env = "MOONCAKE_ALLOCATION_STRATEGY"
    )]
    #[arg(value_name = "NAME", help_heading = "Allocation")]
    pub allocation_strategy: Option<String>,

    /// An unfinished put may be superseded after this; plain numbers are seconds [default: 30]
    #[arg(
        long,
        visible_alias = "put_start_discard_timeout_sec",
        env = "MOONCAKE_PUT_START_DISCARD_TIMEOUT_SEC"
    )]
    #[arg(value_name = "DURATION", help_heading = "Allocation")]
    pub put_start_discard_timeout_sec: Option<Seconds>,

    /// The space of an unfinished put is released after this; must exceed the discard timeout
    /// [default: 600]
    #[arg(
        long,
        visible_alias = "put_start_release_timeout_sec",
        env = "MOONCAKE_PUT_START_RELEASE_TIMEOUT_SEC"
    )]
    #[arg(value_name = "DURATION", help_heading = "Allocation")]
    pub put_start_release_timeout_sec: Option<Seconds>,

    // ---- Leases, pins, eviction, liveness --------------------------------------------------------
    /// Read lease granted by every get; plain numbers are milliseconds, or 2s, 500ms [default: 10000]
    #[arg(
        long,
        visible_alias = "default_kv_lease_ttl",
        env = "MOONCAKE_DEFAULT_KV_LEASE_TTL"
    )]
    #[arg(value_name = "DURATION", help_heading = "Leases and eviction")]
    pub default_kv_lease_ttl: Option<Millis>,

    /// Soft-pin TTL when a put pins without a TTL; plain numbers are milliseconds
    /// [default: 1800000 (30m)]
    #[arg(
        long,
        visible_alias = "default_kv_soft_pin_ttl",
        env = "MOONCAKE_DEFAULT_KV_SOFT_PIN_TTL"
    )]
    #[arg(value_name = "DURATION", help_heading = "Leases and eviction")]
    pub default_kv_soft_pin_ttl: Option<Millis>,

    /// Longest soft-pin TTL a put may ask for; plain numbers are milliseconds [default: 86400000 (24h)]
    #[arg(
        long,
        visible_alias = "max_kv_soft_pin_ttl",
        env = "MOONCAKE_MAX_KV_SOFT_PIN_TTL"
    )]
    #[arg(value_name = "DURATION", help_heading = "Leases and eviction")]
    pub max_kv_soft_pin_ttl: Option<Millis>,

    /// Let eviction take soft-pinned objects once nothing else is left [default: true]
    #[arg(
        long,
        visible_alias = "allow_evict_soft_pinned_objects",
        env = "MOONCAKE_ALLOW_EVICT_SOFT_PINNED_OBJECTS"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    #[arg(help_heading = "Leases and eviction")]
    pub allow_evict_soft_pinned_objects: Option<bool>,

    /// Fraction of evictable objects freed per eviction pass, 0 to 1 [default: 0.05]
    #[arg(
        long,
        visible_alias = "eviction_ratio",
        env = "MOONCAKE_EVICTION_RATIO",
        value_name = "RATIO"
    )]
    #[arg(help_heading = "Leases and eviction")]
    pub eviction_ratio: Option<Ratio>,

    /// Memory usage fraction above which eviction runs, 0 to 1 [default: 0.9]
    #[arg(
        long,
        visible_alias = "eviction_high_watermark_ratio",
        env = "MOONCAKE_EVICTION_HIGH_WATERMARK_RATIO"
    )]
    #[arg(value_name = "RATIO", help_heading = "Leases and eviction")]
    pub eviction_high_watermark_ratio: Option<Ratio>,

    /// A client silent this long loses its segments; plain numbers are seconds; file key
    /// client_live_ttl_sec [default: 10]
    #[arg(long, visible_aliases = ["client_ttl", "client_live_ttl_sec"], env = "MOONCAKE_CLIENT_TTL")]
    #[arg(value_name = "DURATION", help_heading = "Leases and eviction")]
    #[serde(rename = "client_live_ttl_sec", alias = "client_ttl")]
    pub client_ttl: Option<Seconds>,

    // ---- High availability -----------------------------------------------------------------------
    /// Run as one of several masters with leader election; standbys keep a live copy of the leader's
    /// metadata and take over when its lease lapses [default: false]
    #[arg(long, visible_alias = "enable_ha", env = "MOONCAKE_ENABLE_HA")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    #[arg(help_heading = "High availability")]
    pub enable_ha: Option<bool>,

    /// Leader-election backend: etcd or redis [default: etcd]
    #[arg(
        long,
        visible_alias = "ha_backend_type",
        env = "MOONCAKE_HA_BACKEND_TYPE",
        value_name = "NAME"
    )]
    #[arg(help_heading = "High availability")]
    pub ha_backend_type: Option<String>,

    /// Backend address: etcd endpoints "h1:2379;h2:2379" or redis://host:port [default: none]
    #[arg(
        long,
        visible_alias = "ha_backend_connstring",
        env = "MOONCAKE_HA_BACKEND_CONNSTRING"
    )]
    #[arg(
        hide_env_values = true,
        value_name = "ADDR",
        help_heading = "High availability"
    )]
    pub ha_backend_connstring: Option<String>,

    /// etcd endpoints separated by ";", used when --ha-backend-connstring is empty [default: none]
    #[arg(
        long,
        visible_alias = "etcd_endpoints",
        env = "MOONCAKE_ETCD_ENDPOINTS",
        value_name = "LIST"
    )]
    #[arg(help_heading = "High availability")]
    pub etcd_endpoints: Option<String>,

    /// Namespace of HA, oplog and snapshot data: letters, digits, _ . -, at most 128
    /// [default: mooncake_cluster]
    #[arg(
        long,
        visible_alias = "cluster_id",
        env = "MOONCAKE_CLUSTER_ID",
        value_name = "ID"
    )]
    #[arg(help_heading = "High availability")]
    pub cluster_id: Option<String>,

    /// Lease of the leader in the HA backend: a dead leader is replaced within this time; plain numbers
    /// are seconds [default: 3]
    #[arg(
        long,
        visible_alias = "ha_lease_ttl_seconds",
        env = "MOONCAKE_HA_LEASE_TTL_SECONDS"
    )]
    #[arg(value_name = "DURATION", help_heading = "High availability")]
    pub ha_lease_ttl_seconds: Option<Seconds>,

    /// Replicate metadata changes to standbys through an etcd operation log; needs --enable-ha with etcd
    /// (not active yet) [default: false]
    #[arg(long, visible_alias = "enable_oplog", env = "MOONCAKE_ENABLE_OPLOG")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    #[arg(help_heading = "High availability")]
    pub enable_oplog: Option<bool>,

    // ---- Snapshots -------------------------------------------------------------------------------
    /// Write periodic metadata snapshots (a consistent, checksummed image of segments and objects)
    /// [default: false]
    #[arg(long, visible_alias = "enable_snapshot", env = "MOONCAKE_ENABLE_SNAPSHOT")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Snapshots")]
    pub enable_snapshot: Option<bool>,

    /// Restore metadata from the newest valid snapshot at start-up (older ones are tried when the newest
    /// is damaged) [default: false]
    #[arg(
        long,
        visible_alias = "enable_snapshot_restore",
        env = "MOONCAKE_ENABLE_SNAPSHOT_RESTORE"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Snapshots")]
    pub enable_snapshot_restore: Option<bool>,

    /// Time between snapshots; plain numbers are seconds [default: 600]
    #[arg(
        long,
        visible_alias = "snapshot_interval_seconds",
        env = "MOONCAKE_SNAPSHOT_INTERVAL_SECONDS"
    )]
    #[arg(value_name = "DURATION", help_heading = "Snapshots")]
    pub snapshot_interval_seconds: Option<Seconds>,

    /// Time limit for writing one snapshot; plain numbers are seconds [default: 300]
    #[arg(
        long,
        visible_alias = "snapshot_child_timeout_seconds",
        env = "MOONCAKE_SNAPSHOT_CHILD_TIMEOUT_SECONDS"
    )]
    #[arg(value_name = "DURATION", help_heading = "Snapshots")]
    pub snapshot_child_timeout_seconds: Option<Seconds>,

    /// Number of recent snapshots kept, at least 1 [default: 2]
    #[arg(
        long,
        visible_alias = "snapshot_retention_count",
        env = "MOONCAKE_SNAPSHOT_RETENTION_COUNT"
    )]
    #[arg(value_name = "N", help_heading = "Snapshots")]
    pub snapshot_retention_count: Option<u32>,

    /// Where snapshots go: local or s3; required when snapshots or restore are on [default: none]
    #[arg(
        long,
        visible_alias = "snapshot_object_store_type",
        env = "MOONCAKE_SNAPSHOT_OBJECT_STORE_TYPE"
    )]
    #[arg(aliases = [
        "snapshot_payload_store_type", "snapshot-payload-store-type",
        "snapshot_payload_backend_type", "snapshot-payload-backend-type",
    ])]
    #[arg(value_name = "NAME", help_heading = "Snapshots")]
    #[serde(
        alias = "snapshot_payload_store_type",
        alias = "snapshot_payload_backend_type"
    )]
    pub snapshot_object_store_type: Option<String>,

    /// Directory of local snapshots; required for the local store [default: none]
    #[arg(
        long,
        visible_alias = "snapshot_local_path",
        env = "MOONCAKE_SNAPSHOT_LOCAL_PATH"
    )]
    #[arg(value_name = "DIR", help_heading = "Snapshots")]
    pub snapshot_local_path: Option<String>,

    /// Snapshot catalog: embedded or redis [default: embedded]
    #[arg(
        long,
        visible_alias = "snapshot_catalog_store_type",
        env = "MOONCAKE_SNAPSHOT_CATALOG_STORE_TYPE"
    )]
    #[arg(aliases = ["snapshot_catalog_backend_type", "snapshot-catalog-backend-type"])]
    #[arg(value_name = "NAME", help_heading = "Snapshots")]
    #[serde(alias = "snapshot_catalog_backend_type")]
    pub snapshot_catalog_store_type: Option<String>,

    /// Catalog address (redis://host:port); required for the redis catalog [default: none]
    #[arg(
        long,
        visible_alias = "snapshot_catalog_store_connstring",
        env = "MOONCAKE_SNAPSHOT_CATALOG_STORE_CONNSTRING"
    )]
    #[arg(aliases = ["snapshot_catalog_backend_connstring", "snapshot-catalog-backend-connstring"])]
    #[arg(hide_env_values = true, value_name = "ADDR", help_heading = "Snapshots")]
    #[serde(alias = "snapshot_catalog_backend_connstring")]
    pub snapshot_catalog_store_connstring: Option<String>,

    /// Extra local copy of every snapshot saved or restored [default: none]
    #[arg(
        long,
        visible_alias = "snapshot_backup_dir",
        env = "MOONCAKE_SNAPSHOT_BACKUP_DIR"
    )]
    #[arg(value_name = "DIR", help_heading = "Snapshots")]
    pub snapshot_backup_dir: Option<String>,

    // ---- Task manager ----------------------------------------------------------------------------
    /// Finished tasks kept in memory (not active yet) [default: 10000]
    #[arg(
        long,
        visible_alias = "max_total_finished_tasks",
        env = "MOONCAKE_MAX_TOTAL_FINISHED_TASKS"
    )]
    #[arg(value_name = "N", help_heading = "Task manager")]
    pub max_total_finished_tasks: Option<u32>,

    /// Queued tasks allowed (not active yet) [default: 10000]
    #[arg(
        long,
        visible_alias = "max_total_pending_tasks",
        env = "MOONCAKE_MAX_TOTAL_PENDING_TASKS"
    )]
    #[arg(value_name = "N", help_heading = "Task manager")]
    pub max_total_pending_tasks: Option<u32>,

    /// Tasks processed at once (not active yet) [default: 10000]
    #[arg(
        long,
        visible_alias = "max_total_processing_tasks",
        env = "MOONCAKE_MAX_TOTAL_PROCESSING_TASKS"
    )]
    #[arg(value_name = "N", help_heading = "Task manager")]
    pub max_total_processing_tasks: Option<u32>,

    /// A queued task fails after this; 0 never; plain numbers are seconds [default: 300]
    #[arg(
        long,
        visible_alias = "pending_task_timeout_sec",
        env = "MOONCAKE_PENDING_TASK_TIMEOUT_SEC"
    )]
    #[arg(value_name = "DURATION", help_heading = "Task manager")]
    pub pending_task_timeout_sec: Option<Seconds>,

    /// A running task fails after this without progress; 0 never; plain numbers are seconds
    /// [default: 300]
    #[arg(
        long,
        visible_alias = "processing_task_timeout_sec",
        env = "MOONCAKE_PROCESSING_TASK_TIMEOUT_SEC"
    )]
    #[arg(value_name = "DURATION", help_heading = "Task manager")]
    pub processing_task_timeout_sec: Option<Seconds>,

    /// Retries of a failed task (not active yet) [default: 10]
    #[arg(
        long,
        visible_alias = "max_retry_attempts",
        env = "MOONCAKE_MAX_RETRY_ATTEMPTS"
    )]
    #[arg(value_name = "N", help_heading = "Task manager")]
    pub max_retry_attempts: Option<u32>,

    // ---- Offload and promotion -------------------------------------------------------------------
    /// Persist completed objects to the nodes' SSDs (not active yet) [default: false]
    #[arg(long, visible_alias = "enable_offload", env = "MOONCAKE_ENABLE_OFFLOAD")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Offload")]
    pub enable_offload: Option<bool>,

    /// Offload only when eviction picks an object, not at put time; needs --enable-offload
    /// [default: false]
    #[arg(long, visible_alias = "offload_on_evict", env = "MOONCAKE_OFFLOAD_ON_EVICT")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Offload")]
    pub offload_on_evict: Option<bool>,

    /// Past the per-cycle offload cap, evict without offloading [default: false]
    #[arg(
        long,
        visible_alias = "offload_force_evict",
        env = "MOONCAKE_OFFLOAD_FORCE_EVICT"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Offload")]
    pub offload_force_evict: Option<bool>,

    /// Promote SSD-only objects back to memory after repeated reads; needs --enable-offload
    /// [default: false]
    #[arg(long, visible_alias = "promotion_on_hit", env = "MOONCAKE_PROMOTION_ON_HIT")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Offload")]
    pub promotion_on_hit: Option<bool>,

    /// Reads of an SSD-only object before it is promoted, 1 to 255 [default: 2]
    #[arg(
        long,
        visible_alias = "promotion_admission_threshold",
        env = "MOONCAKE_PROMOTION_ADMISSION_THRESHOLD"
    )]
    #[arg(value_name = "N", help_heading = "Offload")]
    pub promotion_admission_threshold: Option<u32>,

    /// Promotions in flight at most [default: 50000]
    #[arg(
        long,
        visible_alias = "promotion_queue_limit",
        env = "MOONCAKE_PROMOTION_QUEUE_LIMIT"
    )]
    #[arg(value_name = "N", help_heading = "Offload")]
    pub promotion_queue_limit: Option<u32>,

    /// Promotion tasks handed to a client per heartbeat [default: 1]
    #[arg(
        long,
        visible_alias = "promotion_max_per_heartbeat",
        env = "MOONCAKE_PROMOTION_MAX_PER_HEARTBEAT"
    )]
    #[arg(value_name = "N", help_heading = "Offload")]
    pub promotion_max_per_heartbeat: Option<u32>,

    /// Offload tasks queued per client, 1 to 100000000 [default: 50000]
    #[arg(
        long,
        visible_alias = "offloading_queue_limit",
        env = "MOONCAKE_OFFLOADING_QUEUE_LIMIT"
    )]
    #[arg(value_name = "N", help_heading = "Offload")]
    pub offloading_queue_limit: Option<u64>,

    /// Fraction of the offload queue one eviction cycle may fill, 0 to 1 [default: 0.5]
    #[arg(
        long,
        visible_alias = "offload_cap_ratio",
        env = "MOONCAKE_OFFLOAD_CAP_RATIO",
        value_name = "RATIO"
    )]
    #[arg(help_heading = "Offload")]
    pub offload_cap_ratio: Option<Ratio>,

    /// Disk quota per client, like 100GiB; 0 means 90% of its SSD [default: 0]
    #[arg(
        long,
        visible_alias = "quota_bytes",
        env = "MOONCAKE_QUOTA_BYTES",
        value_name = "SIZE"
    )]
    #[arg(help_heading = "Offload")]
    pub quota_bytes: Option<ByteSize>,

    /// Let clients evict SSD objects to stay within quota [default: true]
    #[arg(
        long,
        visible_alias = "enable_disk_eviction",
        env = "MOONCAKE_ENABLE_DISK_EVICTION"
    )]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "Offload")]
    pub enable_disk_eviction: Option<bool>,

    /// Shared-filesystem (DFS) directory for disk replicas (not active yet) [default: none]
    #[arg(
        long,
        visible_alias = "root_fs_dir",
        env = "MOONCAKE_ROOT_FS_DIR",
        value_name = "DIR"
    )]
    #[arg(help_heading = "Offload")]
    pub root_fs_dir: Option<String>,

    /// Capacity declared for the shared-filesystem tier, like 10TiB [default: unlimited]
    #[arg(
        long,
        visible_alias = "global_file_segment_size",
        env = "MOONCAKE_GLOBAL_FILE_SEGMENT_SIZE"
    )]
    #[arg(value_name = "SIZE", help_heading = "Offload")]
    pub global_file_segment_size: Option<ByteSize>,

    // ---- CXL -------------------------------------------------------------------------------------
    /// Allocate from CXL-attached memory (not active yet) [default: false]
    #[arg(long, visible_alias = "enable_cxl", env = "MOONCAKE_ENABLE_CXL")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = BoolishValueParser::new(), value_name = "BOOL", help_heading = "CXL")]
    pub enable_cxl: Option<bool>,

    /// DAX device of the CXL memory [default: /dev/dax0.0]
    #[arg(
        long,
        visible_alias = "cxl_path",
        env = "MOONCAKE_CXL_PATH",
        value_name = "PATH"
    )]
    #[arg(help_heading = "CXL")]
    pub cxl_path: Option<String>,

    /// Size of the CXL memory, like 16GiB or plain bytes [default: 8589934592 (8GiB)]
    #[arg(
        long,
        visible_alias = "cxl_size",
        env = "MOONCAKE_CXL_SIZE",
        value_name = "SIZE"
    )]
    #[arg(help_heading = "CXL")]
    pub cxl_size: Option<ByteSize>,
}

impl MasterArgs {
    /// `self` with every unset field taken from `lower`: the precedence step of the merge.
    ///
    /// Goes through JSON maps so the field list stays in one place: a null (unset) key in `self`
    /// never hides a set one in `lower`.
    pub fn or(self, lower: MasterArgs) -> MasterArgs {
        let config = self.config.clone().or_else(|| lower.config.clone());
        let (serde_json::Value::Object(upper), serde_json::Value::Object(mut merged)) =
            (to_json(&self), to_json(&lower))
        else {
            unreachable!("a struct serializes to a JSON object");
        };
        for (key, value) in upper {
            if !value.is_null() {
                merged.insert(key, value);
            }
        }
        let mut out: MasterArgs = serde_json::from_value(serde_json::Value::Object(merged))
            .expect("MasterArgs deserializes what it serialized");
        out.config = config;
        out
    }
}

/// Lossless and infallible for `MasterArgs`: its fields are integers, finite ratios, strings, booleans
/// and durations/sizes that serialize as numbers or text (paths are kept as `String` for this reason).
fn to_json(args: &MasterArgs) -> serde_json::Value {
    serde_json::to_value(args).expect("every MasterArgs field serializes to JSON")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: MasterArgs,
    }

    /// Every flag has the underscore alias and the `MOONCAKE_` variable of its name, and its help states
    /// a default, so adding a field cannot silently skip a convention.
    #[test]
    fn every_flag_follows_the_naming_conventions() {
        let command = Cli::command();
        let mut checked = 0;
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "help" | "config" | "port") {
                continue;
            }
            let underscore = long.replace('-', "_");
            let aliases = arg.get_visible_aliases().unwrap_or_default();
            assert!(
                aliases.contains(&underscore.as_str()),
                "--{long} lacks alias --{underscore}"
            );
            let env = arg.get_env().and_then(|e| e.to_str()).unwrap_or_default();
            assert_eq!(
                env,
                format!("MOONCAKE_{}", underscore.to_uppercase()),
                "--{long} env"
            );
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(
                help.contains("[default: "),
                "--{long} help states no default: {help}"
            );
            checked += 1;
        }
        assert!(checked >= 60, "only {checked} flags checked");
    }

    #[test]
    fn bools_take_gflags_forms() {
        let parse = |argv: &[&str]| Cli::try_parse_from(argv).map(|c| c.args.enable_ha);
        assert_eq!(parse(&["m", "--enable-ha"]).unwrap(), Some(true));
        assert_eq!(parse(&["m", "--enable_ha=true"]).unwrap(), Some(true));
        assert_eq!(parse(&["m", "--enable-ha=false"]).unwrap(), Some(false));
        assert_eq!(parse(&["m", "--enable-ha=0"]).unwrap(), Some(false));
        assert!(parse(&["m", "--enable-ha=maybe"]).is_err());
    }

    #[test]
    fn overlay_keeps_set_fields_of_the_higher_layer() {
        let upper = MasterArgs {
            eviction_ratio: Some(Ratio(0.2)),
            ..Default::default()
        };
        let lower = MasterArgs {
            eviction_ratio: Some(Ratio(0.3)),
            metrics_port: Some(1234),
            client_ttl: Some("5s".parse().unwrap()),
            config: Some("x.yaml".into()),
            ..Default::default()
        };
        let merged = upper.or(lower);
        assert_eq!(merged.eviction_ratio, Some(Ratio(0.2)));
        assert_eq!(merged.metrics_port, Some(1234));
        assert_eq!(merged.client_ttl, Some("5s".parse().unwrap()));
        assert_eq!(merged.config, Some("x.yaml".into()));
    }
}
