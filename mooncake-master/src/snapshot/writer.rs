//! The snapshot writer: on demand ([`Snapshotter::create_now`]) and every `interval` when periodic
//! snapshots are on. The export runs on a blocking thread and locks one index shard at a time, so
//! requests keep flowing; encoding and the upload happen off the request path. One snapshot at a time;
//! each is bounded by `child_timeout`. The next periodic snapshot starts `interval` after the previous
//! one finished.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

use super::SnapshotError;
use super::format;
use super::id::SnapshotId;
use super::retention;
use super::status::{SnapshotAttempt, SnapshotInfo, SnapshotStatus};
use super::store::Store;
use crate::config::SnapshotConfig;
use crate::service::{MasterService, unix_ms};

/// Writes snapshots of one master's metadata.
#[derive(Debug)]
pub struct Snapshotter {
    service: Arc<MasterService>,
    store: Store,
    config: SnapshotConfig,
    status: Arc<SnapshotStatus>,
    /// Held while a snapshot is written.
    running: tokio::sync::Mutex<()>,
    /// The newest id written or found in the store: new ids are always newer.
    newest: Mutex<Option<SnapshotId>>,
    /// Cleared on a master that must not write (an HA standby).
    active: AtomicBool,
    /// Held while the metadata is exported, so a deposed HA leader does not clear its core mid-export.
    exporting: tokio::sync::Mutex<()>,
}

impl Snapshotter {
    /// A writer for `service` into `store`; reads the store's newest id so new ids sort after it even if
    /// the clock went back.
    pub async fn new(
        service: Arc<MasterService>,
        store: Store,
        config: SnapshotConfig,
    ) -> Result<Arc<Self>, SnapshotError> {
        // An unreachable store must not keep the master from starting (each write lists it again).
        let newest = match store.list().await {
            Ok(mut entries) => entries.pop().map(|e| e.id),
            Err(error) => {
                tracing::warn!(%error, location = %store.location(), "cannot list the snapshot store yet");
                None
            }
        };
        let status = Arc::new(SnapshotStatus::new(config.periodic, store.location()));
        Ok(Arc::new(Self {
            service,
            store,
            config,
            status,
            running: tokio::sync::Mutex::new(()),
            newest: Mutex::new(newest),
            active: AtomicBool::new(true),
            exporting: tokio::sync::Mutex::new(()),
        }))
    }

    /// The shared status (metrics, `/health`).
    pub fn status(&self) -> &Arc<SnapshotStatus> {
        &self.status
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &SnapshotConfig {
        &self.config
    }

    /// Allows or refuses writing (an HA standby sets `false`; a new leader `true`).
    pub fn set_active(&self, active: bool) {
        self.active.store(active, Ordering::Relaxed);
    }

    /// Stops writing and waits until no export is reading the core (an HA leader stepping down clears
    /// it next).
    pub async fn deactivate(&self) {
        self.set_active(false);
        drop(self.exporting.lock().await);
    }

    /// Writes a snapshot now: export, encode, upload, move `latest`, apply retention.
    pub async fn create_now(&self) -> Result<SnapshotInfo, SnapshotError> {
        if !self.active.load(Ordering::Relaxed) {
            return Err(SnapshotError::Inactive);
        }
        let Ok(_one_at_a_time) = self.running.try_lock() else {
            return Err(SnapshotError::Busy);
        };
        self.status.in_progress.store(true, Ordering::Relaxed);
        let started = Instant::now();
        let limit = self.config.child_timeout;
        let result = tokio::time::timeout(limit, self.write_one(started))
            .await
            .unwrap_or(Err(SnapshotError::TimedOut { limit }));
        let duration_ms = started.elapsed().as_millis() as u64;
        let attempt = SnapshotAttempt {
            finished_at_unix_ms: unix_ms(),
            duration_ms,
            outcome: if result.is_ok() { "ok" } else { "failed" },
            id: result.as_ref().ok().map(|info| info.id.clone()),
            error: result.as_ref().err().map(|e| e.to_string()),
        };
        self.status.record(attempt, result.as_ref().ok());
        self.status.in_progress.store(false, Ordering::Relaxed);
        match &result {
            Ok(info) => tracing::info!(
                id = %info.id,
                keys = info.keys,
                segments = info.segments,
                bytes = info.bytes,
                ms = info.duration_ms,
                deleted = info.deleted.len(),
                location = %self.store.location(),
                "snapshot written"
            ),
            Err(error) => {
                tracing::error!(%error, ms = duration_ms, location = %self.store.location(), "snapshot failed")
            }
        }
        result
    }

    async fn write_one(&self, started: Instant) -> Result<SnapshotInfo, SnapshotError> {
        let exporting = self.exporting.lock().await;
        if !self.active.load(Ordering::Relaxed) {
            return Err(SnapshotError::Inactive);
        }
        let service = self.service.clone();
        let (bytes, keys, segments, created_at) = tokio::task::spawn_blocking(move || {
            let image = service.export_image();
            let bytes = format::encode(&image);
            (
                bytes,
                image.objects.len() as u64,
                image.segments.len() as u64,
                image.created_at_unix_ms,
            )
        })
        .await
        .map_err(|e| SnapshotError::Task(e.to_string()))?;
        drop(exporting);
        // Newer than anything in the store, whoever wrote it (after an HA failover another master's
        // clock may be ahead of ours): retention must never take the snapshot just written.
        let listed = self.store.list().await?.pop().map(|e| e.id);
        let newest = std::cmp::max(listed, self.newest.lock().clone());
        let id = SnapshotId::next(created_at, newest.as_ref());
        let size = bytes.len() as u64;
        let backup = self.config.backup_dir.clone().map(|dir| (dir, bytes.clone()));
        self.store.write(&id, bytes).await?;
        *self.newest.lock() = Some(id.clone());
        self.store.set_latest(&id).await?;
        if let Some((dir, bytes)) = backup {
            super::backup::save(&dir, "mooncake_snapshot_save_backup", &bytes).await;
        }
        let deleted = retention::apply(&self.store, self.config.retention_count).await;
        Ok(SnapshotInfo {
            id: id.to_string(),
            created_at_unix_ms: created_at,
            keys,
            segments,
            bytes: size,
            duration_ms: started.elapsed().as_millis() as u64,
            deleted: deleted.iter().map(ToString::to_string).collect(),
        })
    }

    /// Writes a snapshot every `interval` (after the previous one finished) until `cancel` fires; only
    /// waits for `cancel` when periodic snapshots are off (the server treats an early return as a stop).
    pub async fn run(self: Arc<Self>, cancel: CancellationToken) {
        if !self.config.periodic {
            cancel.cancelled().await;
            return;
        }
        tracing::info!(
            interval_s = self.config.interval.as_secs_f64(),
            retention = self.config.retention_count,
            location = %self.store.location(),
            "periodic snapshots on"
        );
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(self.config.interval.max(Duration::from_millis(100))) => {}
            }
            if !self.active.load(Ordering::Relaxed) {
                continue;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                // Errors are logged and counted by create_now.
                _ = self.create_now() => {}
            }
        }
    }
}
