//! Prometheus metrics of the master, as a wrapper around the core: the gRPC layer records each request
//! (count, failure, latency); gauges and the core's own counters are read at scrape time. Names follow
//! Mooncake's where they are lint-clean (`master_put_start_requests_total`), and are lint-clean where
//! Mooncake's are not (`master_evicted_keys_total` for `master_evicted_key_count`), so `/metrics`
//! passes `promtool check metrics`. No label takes an object key; `segment` is bounded by the cluster.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use parking_lot::Mutex;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use crate::service::MasterService;
use crate::service::workers::WorkerStatus;

/// A master RPC, as metrics name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    PutStart,
    PutEnd,
    PutRevoke,
    BatchPutStart,
    BatchPutEnd,
    BatchPutRevoke,
    GetReplicaList,
    BatchGetReplicaList,
    ExistKey,
    BatchExistKey,
    QueryKeys,
    Remove,
    BatchRemove,
    RemoveAll,
    RemoveByRegex,
    MountSegment,
    RemountSegment,
    UnmountSegment,
    GetAllSegments,
    QuerySegment,
    Ping,
    ServiceReady,
}

impl Op {
    pub const ALL: [Op; 22] = [
        Op::PutStart,
        Op::PutEnd,
        Op::PutRevoke,
        Op::BatchPutStart,
        Op::BatchPutEnd,
        Op::BatchPutRevoke,
        Op::GetReplicaList,
        Op::BatchGetReplicaList,
        Op::ExistKey,
        Op::BatchExistKey,
        Op::QueryKeys,
        Op::Remove,
        Op::BatchRemove,
        Op::RemoveAll,
        Op::RemoveByRegex,
        Op::MountSegment,
        Op::RemountSegment,
        Op::UnmountSegment,
        Op::GetAllSegments,
        Op::QuerySegment,
        Op::Ping,
        Op::ServiceReady,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Op::PutStart => "put_start",
            Op::PutEnd => "put_end",
            Op::PutRevoke => "put_revoke",
            Op::BatchPutStart => "batch_put_start",
            Op::BatchPutEnd => "batch_put_end",
            Op::BatchPutRevoke => "batch_put_revoke",
            Op::GetReplicaList => "get_replica_list",
            Op::BatchGetReplicaList => "batch_get_replica_list",
            Op::ExistKey => "exist_key",
            Op::BatchExistKey => "batch_exist_key",
            Op::QueryKeys => "query_keys",
            Op::Remove => "remove",
            Op::BatchRemove => "batch_remove",
            Op::RemoveAll => "remove_all",
            Op::RemoveByRegex => "remove_by_regex",
            Op::MountSegment => "mount_segment",
            Op::RemountSegment => "remount_segment",
            Op::UnmountSegment => "unmount_segment",
            Op::GetAllSegments => "get_all_segments",
            Op::QuerySegment => "query_segment",
            Op::Ping => "ping",
            Op::ServiceReady => "service_ready",
        }
    }

    fn index(self) -> usize {
        // `ALL` lists the variants in declaration order (checked by a test).
        self as usize
    }
}

/// Request and failure counts of one operation, plus items for batch operations.
#[derive(Debug)]
struct OpCounters {
    requests: IntCounter,
    failures: IntCounter,
    /// This operation's series of `master_request_duration_seconds`.
    latency: Histogram,
    /// Requests and failures per second since the previous summary, for `/metrics/summary`.
    summary_mark: [AtomicU64; 2],
}

/// Counters the core keeps as atomics, mirrored into Prometheus counters at scrape time.
struct CoreCounter {
    metric: IntCounter,
    read: fn(&crate::service::Counters) -> u64,
}

/// Everything `/metrics` shows.
pub struct MasterMetrics {
    registry: Registry,
    ops: Vec<OpCounters>,
    batch_items: IntCounterVec,
    batch_failed_items: IntCounterVec,
    value_size: Histogram,
    core_counters: Vec<CoreCounter>,
    gauges: Gauges,
    snapshots: Option<crate::snapshot::SnapshotMetrics>,
    ha: Option<crate::ha::metrics::HaMetrics>,
    scrape: Mutex<()>,
    started: Instant,
}

impl std::fmt::Debug for MasterMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MasterMetrics").finish_non_exhaustive()
    }
}

struct Gauges {
    keys: IntGauge,
    soft_pinned_keys: IntGauge,
    processing_keys: IntGauge,
    leased_keys: IntGauge,
    clients: IntGauge,
    segments: IntGauge,
    allocated_bytes: IntGauge,
    capacity_bytes: IntGauge,
    tier_used: IntGaugeVec,
    tier_capacity: IntGaugeVec,
    segment_used: IntGaugeVec,
    segment_capacity: IntGaugeVec,
    view_version: IntGauge,
    uptime_seconds: IntGauge,
    worker_runs: IntCounterVec,
    worker_items: IntCounterVec,
}

/// Registers a metric defined with a fixed name; used by the snapshot and HA series too.
pub(crate) fn register<T: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: T,
) -> T {
    // Names are fixed in this file and unique, so registration cannot fail; a failure would be a
    // programming error caught by the metrics tests.
    if let Err(error) = registry.register(Box::new(metric.clone())) {
        tracing::error!(%error, "metric registration failed");
    }
    metric
}

/// [`register`] for a definition that may be invalid (`None` after logging it).
pub(crate) fn try_register<T: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    what: &str,
    metric: Result<T, prometheus::Error>,
) -> Option<T> {
    match metric {
        Ok(metric) => Some(register(registry, metric)),
        Err(error) => {
            tracing::error!(%error, what, "invalid metric definition");
            None
        }
    }
}

macro_rules! metric {
    ($registry:expr, $kind:ident, $name:expr, $help:expr) => {
        register(
            &$registry,
            $kind::new($name, $help).expect("valid metric definition"),
        )
    };
}

macro_rules! metric_vec {
    ($registry:expr, $kind:ident, $name:expr, $help:expr, $labels:expr) => {
        register(
            &$registry,
            $kind::new(Opts::new($name, $help), $labels).expect("valid metric definition"),
        )
    };
}

impl MasterMetrics {
    #[allow(clippy::expect_used)] // metric definitions are constants; see `register`
    pub fn new() -> Arc<Self> {
        let registry = Registry::new();
        let latency = register(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "master_request_duration_seconds",
                    "Time the master spent on a request",
                )
                .buckets(vec![
                    1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2, 0.1, 1.0,
                ]),
                &["operation"],
            )
            .expect("valid metric definition"),
        );
        let ops = Op::ALL
            .iter()
            .map(|op| OpCounters {
                requests: metric!(
                    registry,
                    IntCounter,
                    format!("master_{}_requests_total", op.name()),
                    format!("{} requests received", op.name())
                ),
                failures: metric!(
                    registry,
                    IntCounter,
                    format!("master_{}_failures_total", op.name()),
                    format!("{} requests answered with an error code", op.name())
                ),
                summary_mark: [AtomicU64::new(0), AtomicU64::new(0)],
                // Resolved once: the label lookup would otherwise hash and lock on every request.
                latency: latency.with_label_values(&[op.name()]),
            })
            .collect();
        let batch_items = metric_vec!(
            registry,
            IntCounterVec,
            "master_batch_items_total",
            "Items carried by batch requests",
            &["operation"]
        );
        let batch_failed_items = metric_vec!(
            registry,
            IntCounterVec,
            "master_batch_failed_items_total",
            "Items of batch requests answered with an error code",
            &["operation"]
        );
        let value_size = register(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new("master_value_size_bytes", "Sizes of values in PutStart requests")
                    .buckets(vec![
                        4096.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0, 67108864.0,
                    ]),
            )
            .expect("valid metric definition"),
        );
        let core = |name: &str, help: &str, read: fn(&crate::service::Counters) -> u64| CoreCounter {
            metric: metric!(registry, IntCounter, name, help),
            read,
        };
        let core_counters = vec![
            core(
                "master_attempted_evictions_total",
                "Eviction passes started",
                |c| c.eviction_attempts.load(Ordering::Relaxed),
            ),
            core(
                "master_successful_evictions_total",
                "Eviction passes that freed something",
                |c| c.eviction_successes.load(Ordering::Relaxed),
            ),
            core("master_evicted_keys_total", "Objects evicted", |c| {
                c.evicted_keys.load(Ordering::Relaxed)
            }),
            core(
                "master_evicted_bytes_total",
                "Bytes freed by eviction (all replicas)",
                |c| c.evicted_bytes.load(Ordering::Relaxed),
            ),
            core(
                "master_put_start_alloc_failures_total",
                "PutStart refused for lack of space",
                |c| c.alloc_failures.load(Ordering::Relaxed),
            ),
            core(
                "master_put_start_partial_allocations_total",
                "Puts that got fewer replicas than asked",
                |c| c.partial_allocations.load(Ordering::Relaxed),
            ),
            core(
                "master_put_start_discards_total",
                "Unfinished puts superseded after the discard timeout",
                |c| c.put_start_discards.load(Ordering::Relaxed),
            ),
            core(
                "master_put_start_releases_total",
                "Unfinished puts whose space was released",
                |c| c.put_start_releases.load(Ordering::Relaxed),
            ),
            core(
                "master_leases_granted_total",
                "Read leases granted or extended",
                |c| c.leases_granted.load(Ordering::Relaxed),
            ),
            core(
                "master_expired_clients_total",
                "Clients dropped after client_ttl of silence",
                |c| c.expired_clients.load(Ordering::Relaxed),
            ),
            core(
                "master_get_hits_total",
                "Gets that found a readable object",
                |c| c.get_hits.load(Ordering::Relaxed),
            ),
            core(
                "master_get_misses_total",
                "Gets that found no readable object",
                |c| c.get_misses.load(Ordering::Relaxed),
            ),
        ];
        let gauges = Gauges {
            keys: metric!(registry, IntGauge, "master_keys", "Readable objects"),
            soft_pinned_keys: metric!(
                registry,
                IntGauge,
                "master_soft_pinned_keys",
                "Objects under a soft pin"
            ),
            processing_keys: metric!(
                registry,
                IntGauge,
                "master_processing_keys",
                "Puts between PutStart and PutEnd"
            ),
            leased_keys: metric!(
                registry,
                IntGauge,
                "master_leased_keys",
                "Objects under a read lease"
            ),
            clients: metric!(
                registry,
                IntGauge,
                "master_active_clients",
                "Clients mounted and alive"
            ),
            segments: metric!(registry, IntGauge, "master_segments", "Mounted segments"),
            allocated_bytes: metric!(
                registry,
                IntGauge,
                "master_allocated_bytes",
                "Bytes used in memory segments"
            ),
            capacity_bytes: metric!(
                registry,
                IntGauge,
                "master_total_capacity_bytes",
                "Capacity of memory segments"
            ),
            tier_used: metric_vec!(
                registry,
                IntGaugeVec,
                "master_tier_used_bytes",
                "Bytes used per storage tier",
                &["tier"]
            ),
            tier_capacity: metric_vec!(
                registry,
                IntGaugeVec,
                "master_tier_capacity_bytes",
                "Capacity per storage tier",
                &["tier"]
            ),
            segment_used: metric_vec!(
                registry,
                IntGaugeVec,
                "segment_allocated_bytes",
                "Bytes used per segment",
                &["segment"]
            ),
            segment_capacity: metric_vec!(
                registry,
                IntGaugeVec,
                "segment_total_capacity_bytes",
                "Capacity per segment",
                &["segment"]
            ),
            view_version: metric!(
                registry,
                IntGauge,
                "master_view_version",
                "View version announced to clients"
            ),
            uptime_seconds: metric!(
                registry,
                IntGauge,
                "master_uptime_seconds",
                "Seconds since the master started"
            ),
            worker_runs: metric_vec!(
                registry,
                IntCounterVec,
                "master_worker_runs_total",
                "Iterations of each background worker",
                &["worker"]
            ),
            worker_items: metric_vec!(
                registry,
                IntCounterVec,
                "master_worker_items_total",
                "Items handled by each background worker",
                &["worker"]
            ),
        };
        let snapshots = crate::snapshot::SnapshotMetrics::register(&registry);
        let ha = crate::ha::metrics::HaMetrics::register(&registry);
        Arc::new(Self {
            registry,
            ops,
            batch_items,
            batch_failed_items,
            value_size,
            core_counters,
            gauges,
            snapshots,
            ha,
            scrape: Mutex::new(()),
            started: Instant::now(),
        })
    }

    /// Records one request: `failed` when it answered with an error code.
    pub fn record(&self, op: Op, failed: bool, started: Instant) {
        let counters = &self.ops[op.index()];
        counters.requests.inc();
        if failed {
            counters.failures.inc();
        }
        counters.latency.observe(started.elapsed().as_secs_f64());
    }

    /// Records the items of a batch request.
    pub fn record_batch(&self, op: Op, items: usize, failed_items: usize) {
        self.batch_items
            .with_label_values(&[op.name()])
            .inc_by(items as u64);
        self.batch_failed_items
            .with_label_values(&[op.name()])
            .inc_by(failed_items as u64);
    }

    pub fn record_value_size(&self, len: u64) {
        self.value_size.observe(len as f64);
    }

    /// Refreshes gauges from `service` and renders the Prometheus text format.
    pub fn render(&self, service: &MasterService, workers: &[Arc<WorkerStatus>]) -> String {
        let _one_scrape_at_a_time = self.scrape.lock();
        let stats = service.stats();
        let g = &self.gauges;
        g.keys.set(stats.keys as i64);
        g.soft_pinned_keys.set(stats.soft_pinned_keys as i64);
        g.processing_keys.set(stats.processing_keys as i64);
        g.leased_keys.set(stats.leased_keys as i64);
        g.clients.set(stats.clients as i64);
        g.segments.set(stats.segments as i64);
        g.allocated_bytes.set(stats.memory_used_bytes as i64);
        g.capacity_bytes.set(stats.memory_capacity_bytes as i64);
        for (tier, used, capacity) in [
            ("memory", stats.memory_used_bytes, stats.memory_capacity_bytes),
            ("cxl", stats.cxl_used_bytes, stats.cxl_capacity_bytes),
            ("ssd", 0, 0),
        ] {
            g.tier_used.with_label_values(&[tier]).set(used as i64);
            g.tier_capacity.with_label_values(&[tier]).set(capacity as i64);
        }
        g.segment_used.reset();
        g.segment_capacity.reset();
        for segment in service.all_segments() {
            g.segment_used
                .with_label_values(&[&segment.spec.name])
                .add(segment.used_bytes as i64);
            g.segment_capacity
                .with_label_values(&[&segment.spec.name])
                .add(segment.capacity_bytes as i64);
        }
        g.view_version.set(service.view_version());
        g.uptime_seconds.set(self.started.elapsed().as_secs() as i64);
        for worker in workers {
            sync_counter(
                &g.worker_runs.with_label_values(&[worker.name]),
                worker.runs.load(Ordering::Relaxed),
            );
            sync_counter(
                &g.worker_items.with_label_values(&[worker.name]),
                worker.items.load(Ordering::Relaxed),
            );
        }
        for counter in &self.core_counters {
            sync_counter(&counter.metric, (counter.read)(service.counters()));
        }
        if let Some(snapshots) = &self.snapshots {
            snapshots.refresh();
        }
        if let Some(ha) = &self.ha {
            ha.refresh();
        }
        let mut out = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(%error, "encoding metrics failed");
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Shows the snapshot writer's status in the `master_snapshot_*` series.
    pub fn attach_snapshots(&self, status: Arc<crate::snapshot::SnapshotStatus>) {
        if let Some(snapshots) = &self.snapshots {
            snapshots.attach(status);
        }
    }

    /// Shows this master's HA role, leader and standbys in the `master_ha_*` series.
    pub fn attach_ha(&self, state: Arc<crate::ha::HaState>, replication: Arc<crate::ha::Replication>) {
        if let Some(ha) = &self.ha {
            ha.attach(state, replication);
        }
    }

    /// Requests and failures of `op` since the previous call (for per-second rates in the summary).
    pub fn take_delta(&self, op: Op) -> (u64, u64) {
        let counters = &self.ops[op.index()];
        let now = [counters.requests.get(), counters.failures.get()];
        let before = [
            counters.summary_mark[0].swap(now[0], Ordering::Relaxed),
            counters.summary_mark[1].swap(now[1], Ordering::Relaxed),
        ];
        (now[0].saturating_sub(before[0]), now[1].saturating_sub(before[1]))
    }

    pub fn requests(&self, op: Op) -> (u64, u64) {
        let counters = &self.ops[op.index()];
        (counters.requests.get(), counters.failures.get())
    }
}

/// Brings a Prometheus counter up to a monotonic value kept elsewhere.
fn sync_counter(counter: &IntCounter, value: u64) {
    let current = counter.get();
    if value > current {
        counter.inc_by(value - current);
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn op_indexes_follow_all() {
        for (i, op) in Op::ALL.iter().enumerate() {
            assert_eq!(op.index(), i);
        }
    }
}
