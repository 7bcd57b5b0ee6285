//! Where snapshot files live: a local directory or an S3 bucket, with one layout for both:
//!
//! ```text
//! <root>/mooncake_master_snapshot/<cluster_id>/<id>/snapshot.bin   one snapshot (see `format`)
//! <root>/mooncake_master_snapshot/<cluster_id>/latest.txt          the newest published id
//! ```
//!
//! A snapshot is published by writing `snapshot.bin` under a temporary name and renaming it (the local
//! store) or by one PUT (S3, atomic per object), and only then moving `latest.txt`; a crash never leaves a
//! partial file under the published name. Only names of exactly the id shape are read, listed or deleted,
//! so other files in the same directory or bucket are never touched.

mod local;
mod s3;

use std::time::Duration;

pub use local::LocalStore;
pub use s3::{S3Settings, S3Store};

use super::id::SnapshotId;
use crate::config::SnapshotStore as StoreKind;

/// The directory (or key prefix) every cluster's snapshots live under.
pub const ROOT_DIR: &str = "mooncake_master_snapshot";
/// The file name of one snapshot inside its id directory.
pub const FILE_NAME: &str = "snapshot.bin";
/// The pointer to the newest snapshot.
pub const LATEST: &str = "latest.txt";

/// A published snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotEntry {
    pub id: SnapshotId,
    /// Size of its file in bytes.
    pub size: u64,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("snapshot {0} not found in the store")]
    NotFound(SnapshotId),
    #[error("S3 settings: {0}")]
    S3Config(String),
    #[error("S3 {op} {key}: {detail}")]
    S3 {
        op: &'static str,
        key: String,
        detail: String,
    },
}

/// Reports bytes read so far and the total when known.
pub type Progress<'a> = &'a mut (dyn FnMut(u64, Option<u64>) + Send);

/// A snapshot store.
#[derive(Debug, Clone)]
pub enum Store {
    Local(LocalStore),
    S3(Box<S3Store>),
}

impl Store {
    /// Opens the store `kind` names for `cluster_id` (S3 settings come from `MOONCAKE_AWS_*`).
    pub fn open(kind: &StoreKind, cluster_id: &str) -> Result<Self, StoreError> {
        match kind {
            StoreKind::Local { root } => Ok(Self::Local(LocalStore::new(root, cluster_id))),
            StoreKind::S3 => Ok(Self::S3(Box::new(S3Store::new(
                S3Settings::from_env()?,
                cluster_id,
            )?))),
        }
    }

    /// Where the snapshots are, for logs and people (`/data/mooncake_master_snapshot/c`,
    /// `s3://bucket/mooncake_master_snapshot/c`).
    pub fn location(&self) -> String {
        match self {
            Self::Local(store) => store.dir().display().to_string(),
            Self::S3(store) => store.location(),
        }
    }

    /// Published snapshots, oldest first.
    pub async fn list(&self) -> Result<Vec<SnapshotEntry>, StoreError> {
        let mut entries = match self {
            Self::Local(store) => store.list().await?,
            Self::S3(store) => store.list().await?,
        };
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(entries)
    }

    /// Reads one snapshot's file.
    pub async fn read(&self, id: &SnapshotId, progress: Progress<'_>) -> Result<Vec<u8>, StoreError> {
        match self {
            Self::Local(store) => store.read(id, progress).await,
            Self::S3(store) => store.read(id, progress).await,
        }
    }

    /// Publishes `bytes` as snapshot `id` (not yet the latest).
    pub async fn write(&self, id: &SnapshotId, bytes: Vec<u8>) -> Result<(), StoreError> {
        match self {
            Self::Local(store) => store.write(id, bytes).await,
            Self::S3(store) => store.write(id, bytes).await,
        }
    }

    /// The id `latest.txt` names, if it names one.
    pub async fn latest(&self) -> Result<Option<SnapshotId>, StoreError> {
        let text = match self {
            Self::Local(store) => store.read_latest().await?,
            Self::S3(store) => store.read_latest().await?,
        };
        Ok(text.and_then(|t| SnapshotId::parse(t.trim())))
    }

    /// Points `latest.txt` at `id`.
    pub async fn set_latest(&self, id: &SnapshotId) -> Result<(), StoreError> {
        match self {
            Self::Local(store) => store.set_latest(id).await,
            Self::S3(store) => store.set_latest(id).await,
        }
    }

    /// Deletes snapshot `id` (its file and, locally, its directory when nothing else is in it).
    pub async fn delete(&self, id: &SnapshotId) -> Result<(), StoreError> {
        match self {
            Self::Local(store) => store.delete(id).await,
            Self::S3(store) => store.delete(id).await,
        }
    }
}

/// A time limit for one request to a remote store.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
