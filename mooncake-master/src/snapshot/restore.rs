//! Restore at start-up: the snapshot `latest.txt` names is tried first, then every other published one
//! newest first; a snapshot that cannot be read or fails its checks (bad magic, unknown version,
//! truncated, checksum) is logged with the reason and skipped. No valid snapshot means an empty start.

use std::time::Instant;

use mooncake_proto::master::MetadataImage;

use super::SnapshotError;
use super::format;
use super::id::SnapshotId;
use super::status::{Rejected, RestoreInfo};
use super::store::{Store, StoreError};
use crate::config::SnapshotConfig;
use crate::service::MasterService;

/// A snapshot read and checked.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub id: SnapshotId,
    pub image: MetadataImage,
    /// Size of its file.
    pub bytes: u64,
    /// Newer snapshots that were rejected before this one.
    pub rejected: Vec<Rejected>,
    /// The file, for the backup copy.
    pub(crate) raw: Vec<u8>,
}

/// The order restore tries snapshots in: `latest` first, then the rest newest first.
pub async fn candidates(store: &Store) -> Result<Vec<SnapshotId>, SnapshotError> {
    let mut ids: Vec<SnapshotId> = store.list().await?.into_iter().map(|e| e.id).collect();
    ids.reverse();
    if let Some(latest) = store.latest().await?
        && let Some(at) = ids.iter().position(|id| *id == latest)
    {
        let latest = ids.remove(at);
        ids.insert(0, latest);
    }
    Ok(ids)
}

/// Opens the configured store and loads its newest valid snapshot; `Ok(None)` when there is none.
/// Errors only when the store itself cannot be read (then starting empty could lose data).
pub async fn load_newest(config: &SnapshotConfig, cluster_id: &str) -> Result<Option<Loaded>, SnapshotError> {
    let store = Store::open(&config.store, cluster_id)?;
    load_newest_from(&store).await
}

/// [`load_newest`] on an open store; every rejected snapshot is logged at ERROR with its reason.
pub async fn load_newest_from(store: &Store) -> Result<Option<Loaded>, SnapshotError> {
    let mut rejected = Vec::new();
    for id in candidates(store).await? {
        let raw = match store.read(&id, &mut |_, _| {}).await {
            Ok(raw) => raw,
            // Gone between the listing and the read (retention of another master): the next one.
            Err(error @ StoreError::NotFound(_)) => {
                tracing::warn!(%id, %error, "snapshot vanished; trying the previous one");
                continue;
            }
            // The store failed (S3 503, a timeout, permissions): starting empty would let the next
            // snapshot and its retention delete the good ones, so this is an error, not a rejection.
            Err(error) => return Err(error.into()),
        };
        let (decoded, raw) = tokio::task::spawn_blocking(move || (format::decode(&raw).map(|(_, i)| i), raw))
            .await
            .map_err(|e| SnapshotError::Task(e.to_string()))?;
        match decoded {
            Ok(image) => {
                return Ok(Some(Loaded {
                    id,
                    image,
                    bytes: raw.len() as u64,
                    rejected,
                    raw,
                }));
            }
            Err(source @ format::FormatError::UnsupportedVersion { .. }) => {
                // Written by a newer build: refuse to start rather than overwrite it with less.
                return Err(SnapshotError::Format { id, source });
            }
            Err(error) => {
                tracing::error!(%id, %error, location = %store.location(), "snapshot rejected; trying the previous one");
                rejected.push(Rejected {
                    id: id.to_string(),
                    error: error.to_string(),
                });
            }
        }
    }
    if !rejected.is_empty() {
        tracing::warn!(
            rejected = rejected.len(),
            location = %store.location(),
            "no valid snapshot; the master starts with empty metadata"
        );
    }
    Ok(None)
}

/// Loads `loaded` into `service` (which must be empty) and logs what was kept.
pub fn restore_into(service: &MasterService, loaded: &Loaded, started: Instant) -> RestoreInfo {
    let report = service.restore_image(&loaded.image);
    let info = RestoreInfo {
        id: Some(loaded.id.to_string()),
        keys: report.objects,
        segments: report.segments,
        dropped_objects: report.dropped_objects,
        bytes: loaded.bytes,
        duration_ms: started.elapsed().as_millis() as u64,
        rejected: loaded.rejected.clone(),
    };
    tracing::info!(
        id = %loaded.id,
        keys = report.objects,
        segments = report.segments,
        dropped_objects = report.dropped_objects,
        dropped_replicas = report.dropped_replicas,
        bad_segments = report.bad_segments,
        bytes = loaded.bytes,
        ms = info.duration_ms,
        "restored metadata from snapshot; segment owners have one client_ttl to come back"
    );
    info
}
