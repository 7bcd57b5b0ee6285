//! `master_snapshot_*` Prometheus series, refreshed from [`SnapshotStatus`] at scrape time. Registered on
//! every master (zeros and `master_snapshot_enabled 0` when snapshots are off), so dashboards and
//! promtool see one stable set of names.

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use prometheus::{Gauge, IntCounter, IntGauge, IntGaugeVec, Opts, Registry};

use super::status::SnapshotStatus;
use crate::metrics::try_register;

/// The snapshot series of one registry.
#[derive(Debug)]
pub struct SnapshotMetrics {
    status: OnceLock<Arc<SnapshotStatus>>,
    enabled: IntGauge,
    in_progress: IntGauge,
    last_success_timestamp: Gauge,
    last_attempt_timestamp: Gauge,
    last_success: IntGauge,
    last_size: IntGauge,
    last_duration: Gauge,
    last_keys: IntGauge,
    last_info: IntGaugeVec,
    attempts: IntCounter,
    failures: IntCounter,
    written_bytes: IntCounter,
    deleted: IntCounter,
    restored_keys: IntGauge,
}

impl SnapshotMetrics {
    /// Registers the series in `registry`; `None` only if a definition here is invalid (a bug the metrics
    /// tests catch).
    pub fn register(registry: &Registry) -> Option<Self> {
        let gauge = |name: &str, help: &str| try_register(registry, "snapshot", IntGauge::new(name, help));
        let float = |name: &str, help: &str| try_register(registry, "snapshot", Gauge::new(name, help));
        let counter =
            |name: &str, help: &str| try_register(registry, "snapshot", IntCounter::new(name, help));
        Some(Self {
            status: OnceLock::new(),
            enabled: gauge("master_snapshot_enabled", "1 when this master writes snapshots")?,
            in_progress: gauge(
                "master_snapshot_in_progress",
                "1 while a snapshot is being written",
            )?,
            last_success_timestamp: float(
                "master_snapshot_last_success_timestamp_seconds",
                "When the last successful snapshot was taken (Unix time)",
            )?,
            last_attempt_timestamp: float(
                "master_snapshot_last_attempt_timestamp_seconds",
                "When the last snapshot attempt ended (Unix time)",
            )?,
            last_success: gauge(
                "master_snapshot_last_attempt_success",
                "1 when the last snapshot attempt succeeded, 0 when it failed",
            )?,
            last_size: gauge(
                "master_snapshot_last_size_bytes",
                "Size of the last successful snapshot",
            )?,
            last_duration: float(
                "master_snapshot_last_duration_seconds",
                "Time the last successful snapshot took (export, encode, upload)",
            )?,
            last_keys: gauge(
                "master_snapshot_last_keys",
                "Objects in the last successful snapshot",
            )?,
            last_info: try_register(
                registry,
                "snapshot",
                IntGaugeVec::new(
                    Opts::new(
                        "master_snapshot_last_info",
                        "The id of the last successful snapshot",
                    ),
                    &["id"],
                ),
            )?,
            attempts: counter("master_snapshot_attempts_total", "Snapshots started")?,
            failures: counter(
                "master_snapshot_failures_total",
                "Snapshots that failed or timed out",
            )?,
            written_bytes: counter(
                "master_snapshot_written_bytes_total",
                "Bytes of snapshots written",
            )?,
            deleted: counter(
                "master_snapshot_deleted_total",
                "Old snapshots deleted by retention",
            )?,
            restored_keys: gauge(
                "master_snapshot_restored_keys",
                "Objects restored from a snapshot at start-up",
            )?,
        })
    }

    /// Shows `status` from now on.
    pub fn attach(&self, status: Arc<SnapshotStatus>) {
        let _ = self.status.set(status);
    }

    /// Brings the series up to date (called under the scrape lock).
    pub fn refresh(&self) {
        let Some(status) = self.status.get() else {
            return;
        };
        self.enabled.set(i64::from(status.periodic));
        self.in_progress
            .set(i64::from(status.in_progress.load(Ordering::Relaxed)));
        if let Some(attempt) = status.last_attempt() {
            self.last_attempt_timestamp
                .set(attempt.finished_at_unix_ms as f64 / 1000.0);
            self.last_success.set(i64::from(attempt.outcome == "ok"));
        }
        if let Some(info) = status.last_success() {
            self.last_success_timestamp
                .set(info.created_at_unix_ms as f64 / 1000.0);
            self.last_size.set(info.bytes as i64);
            self.last_duration.set(info.duration_ms as f64 / 1000.0);
            self.last_keys.set(info.keys as i64);
            self.last_info.reset();
            self.last_info.with_label_values(&[info.id.as_str()]).set(1);
        }
        if let Some(restore) = status.restore() {
            self.restored_keys.set(restore.keys as i64);
        }
        for (counter, value) in [
            (&self.attempts, &status.attempts),
            (&self.failures, &status.failures),
            (&self.written_bytes, &status.written_bytes),
            (&self.deleted, &status.deleted),
        ] {
            let value = value.load(Ordering::Relaxed);
            let current = counter.get();
            if value > current {
                counter.inc_by(value - current);
            }
        }
    }
}
