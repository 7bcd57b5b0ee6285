//! What the snapshot machinery last did, shared by the writer, `/metrics`, `/metrics/summary`, `/health`
//! and `GET /api/v1/snapshots`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::Mutex;
use serde::Serialize;

/// One snapshot written.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub id: String,
    /// When the image was taken (Unix ms).
    pub created_at_unix_ms: u64,
    /// Objects in the image.
    pub keys: u64,
    pub segments: u64,
    /// Size of the snapshot file.
    pub bytes: u64,
    /// Export, encoding and upload together.
    pub duration_ms: u64,
    /// Older snapshots deleted by retention afterwards.
    pub deleted: Vec<String>,
}

/// The last attempt, successful or not.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SnapshotAttempt {
    /// When the attempt ended (Unix ms).
    pub finished_at_unix_ms: u64,
    pub duration_ms: u64,
    /// `ok` or `failed`.
    pub outcome: &'static str,
    pub id: Option<String>,
    pub error: Option<String>,
}

/// A snapshot that was considered at start-up and rejected.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rejected {
    pub id: String,
    pub error: String,
}

/// What the restore at start-up did.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RestoreInfo {
    /// The snapshot restored; `None` when no valid snapshot was found (the master started empty).
    pub id: Option<String>,
    pub keys: u64,
    pub segments: u64,
    pub dropped_objects: u64,
    pub bytes: u64,
    pub duration_ms: u64,
    pub rejected: Vec<Rejected>,
}

/// Shared snapshot state.
#[derive(Debug, Default)]
pub struct SnapshotStatus {
    /// Periodic snapshots are on.
    pub periodic: bool,
    /// Where snapshots go.
    pub location: String,
    /// A snapshot is being written now.
    pub in_progress: AtomicBool,
    pub attempts: AtomicU64,
    pub failures: AtomicU64,
    pub written_bytes: AtomicU64,
    pub deleted: AtomicU64,
    last_attempt: Mutex<Option<SnapshotAttempt>>,
    last_success: Mutex<Option<SnapshotInfo>>,
    restore: Mutex<Option<RestoreInfo>>,
}

impl SnapshotStatus {
    pub fn new(periodic: bool, location: String) -> Self {
        Self {
            periodic,
            location,
            ..Self::default()
        }
    }

    pub(crate) fn record(&self, attempt: SnapshotAttempt, success: Option<&SnapshotInfo>) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        match success {
            Some(info) => {
                self.written_bytes.fetch_add(info.bytes, Ordering::Relaxed);
                self.deleted
                    .fetch_add(info.deleted.len() as u64, Ordering::Relaxed);
                *self.last_success.lock() = Some(info.clone());
            }
            None => {
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
        *self.last_attempt.lock() = Some(attempt);
    }

    pub(crate) fn set_restore(&self, info: RestoreInfo) {
        *self.restore.lock() = Some(info);
    }

    pub fn last_attempt(&self) -> Option<SnapshotAttempt> {
        self.last_attempt.lock().clone()
    }

    pub fn last_success(&self) -> Option<SnapshotInfo> {
        self.last_success.lock().clone()
    }

    pub fn restore(&self) -> Option<RestoreInfo> {
        self.restore.lock().clone()
    }

    /// The JSON `/health` and the snapshot list show.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "configured": true,
            "periodic": self.periodic,
            "location": self.location,
            "in_progress": self.in_progress.load(Ordering::Relaxed),
            "attempts": self.attempts.load(Ordering::Relaxed),
            "failures": self.failures.load(Ordering::Relaxed),
            "last_attempt": self.last_attempt(),
            "last_success": self.last_success(),
            "restore": self.restore(),
        })
    }
}
