//! Metadata snapshots: periodic and on-demand images of segments and complete objects, written to a
//! local directory or S3, and restored at start-up.
//!
//! Design note. A snapshot is [`format`]: magic, format version, length and CRC-32 around the
//! prost-encoded `MetadataImage` that `MasterService::export_image` takes one shard at a time (requests
//! keep flowing; no fork, no global pause). [`store`] publishes it atomically under a sortable id
//! ([`id`]) and moves `latest.txt`; [`retention`] deletes only entries of the exact snapshot shape.
//! [`restore`] tries `latest`, then older snapshots, and logs why each bad one was rejected.
//! [`Snapshotter`] writes them (periodic task plus `create_now`) and keeps a [`SnapshotStatus`] that
//! metrics, `/health` and the admin API read.

mod backup;
pub mod format;
pub mod id;
pub mod metrics;
pub mod restore;
pub mod retention;
pub mod status;
pub mod store;
mod writer;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use format::FormatError;
pub use id::SnapshotId;
pub use metrics::SnapshotMetrics;
pub use restore::{Loaded, load_newest, load_newest_from};
pub use status::{RestoreInfo, SnapshotInfo, SnapshotStatus};
pub use store::{SnapshotEntry, Store, StoreError};
pub use writer::Snapshotter;

use crate::config::{MasterConfig, SnapshotCatalog};
use crate::service::MasterService;

/// Why a snapshot could not be written, listed or restored.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "snapshots are not configured on this master (start it with --snapshot-object-store-type local|s3 \
         and --enable-snapshot)"
    )]
    NotConfigured,
    #[error("a snapshot is already being written; try again when it finishes")]
    Busy,
    #[error("this master is not the leader; ask the leader for a snapshot")]
    Inactive,
    #[error("snapshot store: {0}")]
    Store(#[from] StoreError),
    #[error("snapshot {id}: {source}")]
    Format { id: SnapshotId, source: FormatError },
    #[error("snapshot not finished within {}s (--snapshot-child-timeout-seconds)", limit.as_secs_f64())]
    TimedOut { limit: Duration },
    #[error("snapshot task failed: {0}")]
    Task(String),
}

/// Start-up for a master with snapshots configured: restores the newest valid snapshot into `service`
/// when `enable_snapshot_restore` is on, and returns the writer (spawn [`Snapshotter::run`] for
/// periodic snapshots). `Ok(None)` when snapshots are not configured.
pub async fn start(
    config: &MasterConfig,
    service: &Arc<MasterService>,
) -> Result<Option<Arc<Snapshotter>>, SnapshotError> {
    let Some(snapshot) = &config.snapshot else {
        return Ok(None);
    };
    if let SnapshotCatalog::Redis { .. } = snapshot.catalog {
        tracing::warn!(
            "the redis snapshot catalog is not supported; the catalog is kept next to the snapshots"
        );
    }
    let store = Store::open(&snapshot.store, &config.cluster_id)?;
    let mut restored = None;
    if snapshot.restore {
        let started = Instant::now();
        match load_newest_from(&store).await? {
            Some(loaded) => {
                restored = Some(restore::restore_into(service, &loaded, started));
                if let Some(dir) = &snapshot.backup_dir {
                    backup::save(dir, "mooncake_snapshot_restore_backup", &loaded.raw).await;
                }
            }
            None => {
                tracing::warn!(location = %store.location(), "no snapshot to restore; starting with empty metadata");
                restored = Some(RestoreInfo {
                    id: None,
                    keys: 0,
                    segments: 0,
                    dropped_objects: 0,
                    bytes: 0,
                    duration_ms: started.elapsed().as_millis() as u64,
                    rejected: Vec::new(),
                });
            }
        }
    }
    let snapshotter = Snapshotter::new(service.clone(), store, snapshot.clone()).await?;
    if let Some(info) = restored {
        snapshotter.status().set_restore(info);
    }
    Ok(Some(snapshotter))
}
