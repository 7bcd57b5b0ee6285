//! Merges flags/environment with the config file, applies Mooncake's defaults and validates the result
//! into a [`MasterConfig`]. Every rejection names the underscore key it is about.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use crate::service::{AllocationStrategyKind, ServiceConfig};

use super::args::MasterArgs;
use super::error::ConfigError;
use super::file;
use super::inactive::inactive_features;
use super::interface::{self, InterfaceAddr};
use super::runtime::{
    CxlConfig, HaBackend, HaConfig, MasterConfig, OffloadConfig, RootFsConfig, SnapshotCatalog,
    SnapshotConfig, SnapshotStore, TaskManagerConfig, available_cores, defaults,
};
use super::values::{Ratio, Seconds};

impl MasterArgs {
    /// Loads the config file named by `config` (if any) beneath these flag/environment values, applies
    /// defaults and validates everything. Precedence: flag > environment > file > default.
    pub fn resolve(self) -> Result<MasterConfig, ConfigError> {
        let args = match self.config.as_ref().filter(|path| !path.as_os_str().is_empty()) {
            Some(path) => {
                let from_file = file::load(path)?;
                self.or(from_file)
            }
            None => self,
        };
        resolve_merged(&args)
    }
}

fn resolve_merged(args: &MasterArgs) -> Result<MasterConfig, ConfigError> {
    let service = service_config(args)?;

    let rpc_port = rpc_port(args);
    let rpc_listen = SocketAddr::new(rpc_ip(args)?, rpc_port);
    let metrics_host = args.metrics_host.as_deref().unwrap_or(defaults::METRICS_HOST);
    let metrics_listen = socket_addr(
        "metrics_host",
        metrics_host,
        args.metrics_port.unwrap_or(defaults::METRICS_PORT),
    )?;
    let http_metadata = if args.enable_http_metadata_server.unwrap_or(false) {
        let host = args
            .http_metadata_server_host
            .as_deref()
            .unwrap_or(defaults::HTTP_METADATA_HOST);
        let port = args
            .http_metadata_server_port
            .unwrap_or(defaults::HTTP_METADATA_PORT);
        Some(socket_addr("http_metadata_server_host", host, port)?)
    } else {
        None
    };
    check_port_clash(rpc_listen, "rpc_port", metrics_listen, "metrics_port")?;
    if let Some(http) = http_metadata {
        check_port_clash(rpc_listen, "rpc_port", http, "http_metadata_server_port")?;
        check_port_clash(metrics_listen, "metrics_port", http, "http_metadata_server_port")?;
    }

    let cluster_id = cluster_id(args)?;
    let ha = ha_config(args, rpc_listen)?;
    let snapshot = snapshot_config(args)?;
    let offload = offload_config(args)?;

    Ok(MasterConfig {
        service,
        rpc_listen,
        rpc_thread_num: rpc_thread_num(args),
        rpc_conn_timeout: args
            .rpc_conn_timeout_seconds
            .map(|t| t.get())
            .filter(|t| !t.is_zero()),
        rpc_tcp_nodelay: args.rpc_enable_tcp_no_delay.unwrap_or(true),
        metrics_listen,
        enable_metric_reporting: args.enable_metric_reporting.unwrap_or(true),
        http_metadata,
        enable_metadata_cleanup_on_timeout: args.enable_metadata_cleanup_on_timeout.unwrap_or(false),
        cluster_id,
        ha,
        snapshot,
        tasks: task_manager_config(args),
        offload,
        root_fs: root_fs_config(args)?,
        cxl: cxl_config(args)?,
        inactive_features: inactive_features(args),
    })
}

fn service_config(args: &MasterArgs) -> Result<ServiceConfig, ConfigError> {
    let d = ServiceConfig::default();
    let default_kv_soft_pin_ttl = args
        .default_kv_soft_pin_ttl
        .map_or(d.default_kv_soft_pin_ttl, |t| t.get());
    let max_kv_soft_pin_ttl = args
        .max_kv_soft_pin_ttl
        .map_or(d.max_kv_soft_pin_ttl, |t| t.get());
    if default_kv_soft_pin_ttl > max_kv_soft_pin_ttl {
        return Err(ConfigError::invalid(
            "default_kv_soft_pin_ttl",
            format!(
                "must not exceed max_kv_soft_pin_ttl ({}), got {}",
                human(max_kv_soft_pin_ttl),
                human(default_kv_soft_pin_ttl)
            ),
        ));
    }

    let client_ttl = args.client_ttl.map_or(d.client_ttl, |t| t.get());
    if client_ttl.is_zero() {
        return Err(ConfigError::invalid("client_ttl", "must be greater than 0"));
    }

    let discard = args
        .put_start_discard_timeout_sec
        .map_or(d.put_start_discard_timeout, |t| t.get());
    let release = args
        .put_start_release_timeout_sec
        .map_or(d.put_start_release_timeout, |t| t.get());
    if release <= discard {
        return Err(ConfigError::invalid(
            "put_start_release_timeout_sec",
            format!(
                "must be greater than put_start_discard_timeout_sec ({}), got {}",
                human(discard),
                human(release)
            ),
        ));
    }

    match args
        .memory_allocator
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some(defaults::MEMORY_ALLOCATOR) => {}
        Some("cachelib") => {
            return Err(ConfigError::invalid(
                "memory_allocator",
                "cachelib is not supported by this build; use offset",
            ));
        }
        Some(other) => {
            return Err(ConfigError::invalid(
                "memory_allocator",
                format!("unknown allocator {other:?} (use offset)"),
            ));
        }
    }

    let allocation_strategy = match args.allocation_strategy.as_deref() {
        None => d.allocation_strategy,
        Some(name) => AllocationStrategyKind::parse(name).ok_or_else(|| {
            let problem = if name.trim().eq_ignore_ascii_case("ssd_free_ratio_first") {
                format!(
                    "{name:?} is not supported by this build (use {})",
                    AllocationStrategyKind::NAMES.join(", ")
                )
            } else {
                format!(
                    "unknown strategy {name:?} (use {})",
                    AllocationStrategyKind::NAMES.join(", ")
                )
            };
            ConfigError::invalid("allocation_strategy", problem)
        })?,
    };

    Ok(ServiceConfig {
        default_kv_lease_ttl: args
            .default_kv_lease_ttl
            .map_or(d.default_kv_lease_ttl, |t| t.get()),
        default_kv_soft_pin_ttl,
        max_kv_soft_pin_ttl,
        allow_evict_soft_pinned_objects: args
            .allow_evict_soft_pinned_objects
            .unwrap_or(d.allow_evict_soft_pinned_objects),
        eviction_ratio: ratio("eviction_ratio", args.eviction_ratio, d.eviction_ratio)?,
        eviction_high_watermark_ratio: ratio(
            "eviction_high_watermark_ratio",
            args.eviction_high_watermark_ratio,
            d.eviction_high_watermark_ratio,
        )?,
        client_ttl,
        put_start_discard_timeout: discard,
        put_start_release_timeout: release,
        allocation_strategy,
        ..d
    })
}

/// `rpc_port`, falling back to the deprecated `port` as Mooncake does when `rpc_port` is unset or 0.
fn rpc_port(args: &MasterArgs) -> u16 {
    match (args.rpc_port, args.port) {
        (Some(port), _) if port != 0 => port,
        (_, Some(port)) => port,
        (Some(zero), None) => zero,
        (None, None) => defaults::RPC_PORT,
    }
}

fn rpc_ip(args: &MasterArgs) -> Result<IpAddr, ConfigError> {
    match args
        .rpc_interface
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        Some(name) => match interface::ipv4_of(name) {
            Ok(InterfaceAddr::V4(ip)) => Ok(IpAddr::V4(ip)),
            Ok(InterfaceAddr::NoIpv4) => Err(ConfigError::invalid(
                "rpc_interface",
                format!("interface {name:?} has no IPv4 address"),
            )),
            Ok(InterfaceAddr::Missing) => Err(ConfigError::invalid(
                "rpc_interface",
                format!("no network interface named {name:?}"),
            )),
            Err(err) => Err(ConfigError::invalid(
                "rpc_interface",
                format!("cannot list network interfaces: {err}"),
            )),
        },
        None => {
            let host = args.rpc_address.as_deref().unwrap_or(defaults::RPC_ADDRESS);
            socket_addr("rpc_address", host, 0).map(|addr| addr.ip())
        }
    }
}

/// 0 means one thread per core, capped by the deprecated `max_threads` when it is given.
fn rpc_thread_num(args: &MasterArgs) -> usize {
    match args.rpc_thread_num {
        Some(n) if n > 0 => n,
        _ => {
            let cores = available_cores();
            args.max_threads
                .filter(|&cap| cap > 0)
                .map_or(cores, |cap| cores.min(cap))
        }
    }
}

/// `host:port` from an IP literal or a name resolved now (the first address wins, IPv4 preferred).
fn socket_addr(key: &'static str, host: &str, port: u16) -> Result<SocketAddr, ConfigError> {
    let host = host.trim();
    if host.is_empty() {
        return Err(ConfigError::invalid(key, "must not be empty"));
    }
    let literal = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = literal.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let resolved: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|err| ConfigError::invalid(key, format!("cannot resolve {host:?}: {err}")))?
        .collect();
    resolved
        .iter()
        .find(|addr| addr.is_ipv4())
        .or_else(|| resolved.first())
        .copied()
        .ok_or_else(|| ConfigError::invalid(key, format!("{host:?} resolves to no address")))
}

/// Two listeners on one port of overlapping addresses would fail at bind time with a vaguer message.
fn check_port_clash(
    first: SocketAddr,
    first_key: &'static str,
    second: SocketAddr,
    second_key: &'static str,
) -> Result<(), ConfigError> {
    let overlap = first.ip() == second.ip() || first.ip().is_unspecified() || second.ip().is_unspecified();
    if first.port() != 0 && first.port() == second.port() && overlap {
        return Err(ConfigError::invalid(
            second_key,
            format!("port {} is already used by {first_key}", second.port()),
        ));
    }
    Ok(())
}

fn ratio(key: &'static str, value: Option<Ratio>, default: f64) -> Result<f64, ConfigError> {
    let value = value.map_or(default, Ratio::get);
    if !(0.0..=1.0).contains(&value) {
        return Err(ConfigError::invalid(
            key,
            format!("must be between 0 and 1, got {value}"),
        ));
    }
    Ok(value)
}

fn cluster_id(args: &MasterArgs) -> Result<String, ConfigError> {
    let id = args.cluster_id.as_deref().unwrap_or(defaults::CLUSTER_ID);
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if id.is_empty() || id.len() > 128 {
        return Err(ConfigError::invalid(
            "cluster_id",
            format!("must be 1 to 128 characters, got {}", id.len()),
        ));
    }
    if let Some(bad) = id.chars().find(|c| !allowed(*c)) {
        return Err(ConfigError::invalid(
            "cluster_id",
            format!("may hold only letters, digits, '_', '.' and '-', got {bad:?} in {id:?}"),
        ));
    }
    Ok(id.to_owned())
}

fn ha_config(args: &MasterArgs, rpc_listen: SocketAddr) -> Result<Option<HaConfig>, ConfigError> {
    let backend_type = args
        .ha_backend_type
        .as_deref()
        .unwrap_or(defaults::HA_BACKEND)
        .trim()
        .to_ascii_lowercase();
    match backend_type.as_str() {
        "etcd" | "redis" => {}
        "k8s" => {
            return Err(ConfigError::invalid(
                "ha_backend_type",
                "k8s is not supported by this build (use etcd or redis)",
            ));
        }
        other => {
            return Err(ConfigError::invalid(
                "ha_backend_type",
                format!("unknown backend {other:?} (use etcd or redis)"),
            ));
        }
    }
    let enable_ha = args.enable_ha.unwrap_or(false);
    let enable_oplog = args.enable_oplog.unwrap_or(false);
    if enable_oplog && !(enable_ha && backend_type == "etcd") {
        return Err(ConfigError::invalid(
            "enable_oplog",
            "requires enable_ha with the etcd backend",
        ));
    }
    if !enable_ha {
        return Ok(None);
    }
    if rpc_listen.ip().is_unspecified() {
        return Err(ConfigError::invalid(
            "rpc_address",
            format!(
                "with enable_ha every master advertises its RPC address, so it must be reachable, not {} \
                 (set rpc_address or rpc_interface)",
                rpc_listen.ip()
            ),
        ));
    }
    let connstring = non_empty(&args.ha_backend_connstring);
    let backend = if backend_type == "etcd" {
        let (key, list) = match (connstring, non_empty(&args.etcd_endpoints)) {
            (Some(list), _) => ("ha_backend_connstring", list),
            (None, Some(list)) => ("etcd_endpoints", list),
            (None, None) => {
                return Err(ConfigError::invalid(
                    "ha_backend_connstring",
                    "required when enable_ha is on (for etcd, etcd_endpoints also works)",
                ));
            }
        };
        let endpoints: Vec<String> = list
            .split([';', ','])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect();
        if endpoints.is_empty() {
            return Err(ConfigError::invalid(key, format!("no etcd endpoint in {list:?}")));
        }
        HaBackend::Etcd { endpoints }
    } else {
        let url = connstring.ok_or_else(|| {
            ConfigError::invalid(
                "ha_backend_connstring",
                "required when enable_ha is on with the redis backend",
            )
        })?;
        redis_url("ha_backend_connstring", url)?;
        HaBackend::Redis { url: url.to_owned() }
    };
    let lease_ttl = positive(
        "ha_lease_ttl_seconds",
        args.ha_lease_ttl_seconds,
        defaults::HA_LEASE_TTL,
    )?;
    Ok(Some(HaConfig {
        backend,
        enable_oplog,
        lease_ttl,
    }))
}

fn snapshot_config(args: &MasterArgs) -> Result<Option<SnapshotConfig>, ConfigError> {
    let store_type = non_empty(&args.snapshot_object_store_type).map(str::to_ascii_lowercase);
    if let Some(other) = store_type.as_deref().filter(|t| !matches!(*t, "local" | "s3")) {
        return Err(ConfigError::invalid(
            "snapshot_object_store_type",
            format!("unknown store {other:?} (use local or s3)"),
        ));
    }
    let catalog_type = non_empty(&args.snapshot_catalog_store_type).map(str::to_ascii_lowercase);
    if let Some(other) = catalog_type
        .as_deref()
        .filter(|t| !matches!(*t, "embedded" | "redis"))
    {
        return Err(ConfigError::invalid(
            "snapshot_catalog_store_type",
            format!("unknown catalog {other:?} (use embedded or redis)"),
        ));
    }
    let retention_count = args
        .snapshot_retention_count
        .unwrap_or(defaults::SNAPSHOT_RETENTION);
    if retention_count == 0 {
        return Err(ConfigError::invalid(
            "snapshot_retention_count",
            "must be at least 1, got 0",
        ));
    }
    let interval = positive(
        "snapshot_interval_seconds",
        args.snapshot_interval_seconds,
        defaults::SNAPSHOT_INTERVAL,
    )?;
    let child_timeout = positive(
        "snapshot_child_timeout_seconds",
        args.snapshot_child_timeout_seconds,
        defaults::SNAPSHOT_CHILD_TIMEOUT,
    )?;

    let periodic = args.enable_snapshot.unwrap_or(false);
    let restore = args.enable_snapshot_restore.unwrap_or(false);
    if !periodic && !restore {
        return Ok(None);
    }
    let store = match store_type.as_deref() {
        Some("s3") => SnapshotStore::S3,
        Some(_) => {
            let root = non_empty_path(&args.snapshot_local_path).ok_or_else(|| {
                ConfigError::invalid(
                    "snapshot_local_path",
                    "required with the local snapshot store (set MOONCAKE_SNAPSHOT_LOCAL_PATH)",
                )
            })?;
            SnapshotStore::Local { root }
        }
        None => {
            return Err(ConfigError::invalid(
                "snapshot_object_store_type",
                "required when enable_snapshot or enable_snapshot_restore is on (use local or s3)",
            ));
        }
    };
    let catalog = match catalog_type.as_deref() {
        Some("redis") => {
            let url = non_empty(&args.snapshot_catalog_store_connstring).ok_or_else(|| {
                ConfigError::invalid(
                    "snapshot_catalog_store_connstring",
                    "required with the redis snapshot catalog",
                )
            })?;
            redis_url("snapshot_catalog_store_connstring", url)?;
            SnapshotCatalog::Redis { url: url.to_owned() }
        }
        _ => SnapshotCatalog::Embedded,
    };
    Ok(Some(SnapshotConfig {
        periodic,
        restore,
        interval,
        child_timeout,
        retention_count,
        store,
        catalog,
        backup_dir: non_empty_path(&args.snapshot_backup_dir),
    }))
}

fn task_manager_config(args: &MasterArgs) -> TaskManagerConfig {
    let timeout = |value: Option<Seconds>| {
        Some(value.map_or(defaults::TASK_TIMEOUT, |t| t.get())).filter(|t| !t.is_zero())
    };
    TaskManagerConfig {
        max_total_finished_tasks: args.max_total_finished_tasks.unwrap_or(defaults::MAX_TASKS),
        max_total_pending_tasks: args.max_total_pending_tasks.unwrap_or(defaults::MAX_TASKS),
        max_total_processing_tasks: args.max_total_processing_tasks.unwrap_or(defaults::MAX_TASKS),
        pending_task_timeout: timeout(args.pending_task_timeout_sec),
        processing_task_timeout: timeout(args.processing_task_timeout_sec),
        max_retry_attempts: args.max_retry_attempts.unwrap_or(defaults::MAX_RETRY_ATTEMPTS),
    }
}

fn offload_config(args: &MasterArgs) -> Result<Option<OffloadConfig>, ConfigError> {
    let threshold = args
        .promotion_admission_threshold
        .unwrap_or(defaults::PROMOTION_ADMISSION_THRESHOLD);
    let promotion_admission_threshold =
        u8::try_from(threshold).ok().filter(|t| *t >= 1).ok_or_else(|| {
            ConfigError::invalid(
                "promotion_admission_threshold",
                format!("must be between 1 and 255, got {threshold}"),
            )
        })?;
    let offloading_queue_limit = args
        .offloading_queue_limit
        .unwrap_or(defaults::OFFLOADING_QUEUE_LIMIT);
    if !(1..=defaults::OFFLOADING_QUEUE_LIMIT_MAX).contains(&offloading_queue_limit) {
        return Err(ConfigError::invalid(
            "offloading_queue_limit",
            format!(
                "must be between 1 and {}, got {offloading_queue_limit}",
                defaults::OFFLOADING_QUEUE_LIMIT_MAX
            ),
        ));
    }
    let offload_cap_ratio = args
        .offload_cap_ratio
        .map_or(defaults::OFFLOAD_CAP_RATIO, Ratio::get);
    if !(offload_cap_ratio > 0.0 && offload_cap_ratio <= 1.0) {
        return Err(ConfigError::invalid(
            "offload_cap_ratio",
            format!("must be greater than 0 and at most 1, got {offload_cap_ratio}"),
        ));
    }
    let promotion_queue_limit = at_least_one(
        "promotion_queue_limit",
        args.promotion_queue_limit,
        defaults::PROMOTION_QUEUE_LIMIT,
    )?;
    let promotion_max_per_heartbeat = at_least_one(
        "promotion_max_per_heartbeat",
        args.promotion_max_per_heartbeat,
        defaults::PROMOTION_MAX_PER_HEARTBEAT,
    )?;

    let enable_offload = args.enable_offload.unwrap_or(false);
    let offload_on_evict = args.offload_on_evict.unwrap_or(false);
    let promotion_on_hit = args.promotion_on_hit.unwrap_or(false);
    for (key, on) in [
        ("offload_on_evict", offload_on_evict),
        ("promotion_on_hit", promotion_on_hit),
    ] {
        if on && !enable_offload {
            return Err(ConfigError::invalid(key, "requires enable_offload"));
        }
    }
    if !enable_offload {
        return Ok(None);
    }
    Ok(Some(OffloadConfig {
        offload_on_evict,
        offload_force_evict: args.offload_force_evict.unwrap_or(false),
        promotion_on_hit,
        promotion_admission_threshold,
        promotion_queue_limit,
        promotion_max_per_heartbeat,
        offloading_queue_limit,
        offload_cap_ratio,
        quota_bytes: args.quota_bytes.map(|q| q.bytes()).filter(|q| *q > 0),
        enable_disk_eviction: args.enable_disk_eviction.unwrap_or(true),
    }))
}

fn root_fs_config(args: &MasterArgs) -> Result<Option<RootFsConfig>, ConfigError> {
    let size = args
        .global_file_segment_size
        .map_or(defaults::GLOBAL_FILE_SEGMENT_SIZE, |s| s.bytes());
    if size == 0 {
        return Err(ConfigError::invalid(
            "global_file_segment_size",
            "must be greater than 0",
        ));
    }
    Ok(non_empty_path(&args.root_fs_dir).map(|dir| RootFsConfig {
        dir,
        global_file_segment_size: size,
    }))
}

fn cxl_config(args: &MasterArgs) -> Result<Option<CxlConfig>, ConfigError> {
    if !args.enable_cxl.unwrap_or(false) {
        return Ok(None);
    }
    let path = match &args.cxl_path {
        Some(_) => non_empty_path(&args.cxl_path)
            .ok_or_else(|| ConfigError::invalid("cxl_path", "must not be empty when enable_cxl is on"))?,
        None => PathBuf::from(defaults::CXL_PATH),
    };
    let size = args.cxl_size.map_or(defaults::CXL_SIZE, |s| s.bytes());
    if size == 0 {
        return Err(ConfigError::invalid(
            "cxl_size",
            "must be greater than 0 when enable_cxl is on",
        ));
    }
    Ok(Some(CxlConfig { path, size }))
}

fn redis_url(key: &'static str, url: &str) -> Result<(), ConfigError> {
    if url.starts_with("redis://") || url.starts_with("rediss://") {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            key,
            format!("expected redis://host:port, got {url:?}"),
        ))
    }
}

fn positive(key: &'static str, value: Option<Seconds>, default: Duration) -> Result<Duration, ConfigError> {
    let value = value.map_or(default, |v| v.get());
    if value.is_zero() {
        return Err(ConfigError::invalid(key, "must be greater than 0"));
    }
    Ok(value)
}

fn at_least_one(key: &'static str, value: Option<u32>, default: u32) -> Result<u32, ConfigError> {
    let value = value.unwrap_or(default);
    if value == 0 {
        return Err(ConfigError::invalid(key, "must be at least 1, got 0"));
    }
    Ok(value)
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn non_empty_path(value: &Option<String>) -> Option<PathBuf> {
    non_empty(value).map(PathBuf::from)
}

fn human(duration: Duration) -> humantime::FormattedDuration {
    humantime::format_duration(duration)
}
