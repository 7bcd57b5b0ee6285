//! Retention: keep the `retention_count` newest snapshots, delete older ones. Only entries the store
//! lists as snapshots (names of the exact id shape, holding our snapshot file) are ever deleted.

use super::id::SnapshotId;
use super::store::{SnapshotEntry, Store};

/// The ids to delete so that `keep` newest remain (`entries` in any order).
pub fn to_delete(entries: &[SnapshotEntry], keep: u32) -> Vec<SnapshotId> {
    let mut ids: Vec<SnapshotId> = entries.iter().map(|e| e.id.clone()).collect();
    ids.sort();
    let excess = ids.len().saturating_sub(keep.max(1) as usize);
    ids.truncate(excess);
    ids
}

/// Deletes snapshots beyond the `keep` newest; returns the ids deleted. Failures are logged, not fatal:
/// the snapshot just written stands either way.
pub async fn apply(store: &Store, keep: u32) -> Vec<SnapshotId> {
    let entries = match store.list().await {
        Ok(entries) => entries,
        Err(error) => {
            tracing::warn!(%error, "snapshot retention skipped: cannot list the store");
            return Vec::new();
        }
    };
    let mut deleted = Vec::new();
    for id in to_delete(&entries, keep) {
        match store.delete(&id).await {
            Ok(()) => {
                tracing::info!(%id, "deleted an old snapshot (retention {keep})");
                deleted.push(id);
            }
            Err(error) => tracing::warn!(%id, %error, "could not delete an old snapshot"),
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ms: u64) -> SnapshotEntry {
        SnapshotEntry {
            id: SnapshotId::at(ms),
            size: 1,
        }
    }

    #[test]
    fn keeps_the_newest() {
        let entries = [entry(3_000), entry(1_000), entry(4_000), entry(2_000)];
        assert_eq!(
            to_delete(&entries, 2),
            vec![SnapshotId::at(1_000), SnapshotId::at(2_000)]
        );
        assert!(to_delete(&entries, 4).is_empty());
        assert!(to_delete(&entries, 10).is_empty());
        assert_eq!(to_delete(&entries, 0).len(), 3, "at least one is always kept");
    }
}
