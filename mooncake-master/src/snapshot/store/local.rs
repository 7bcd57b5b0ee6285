//! The local directory store (`MOONCAKE_SNAPSHOT_LOCAL_PATH`): files are written under a temporary name,
//! synced and renamed into place, so a crash leaves either the old state or the new one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::io::AsyncReadExt;

use super::{FILE_NAME, LATEST, Progress, ROOT_DIR, SnapshotEntry, StoreError};
use crate::snapshot::id::SnapshotId;

/// Snapshots of one cluster in a local directory.
#[derive(Debug, Clone)]
pub struct LocalStore {
    dir: PathBuf,
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.display().to_string();
    move |source| StoreError::Io { what, path, source }
}

/// Writes `bytes` to `path` through a temporary sibling, fsyncs the file and renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = fs::File::create(&tmp)
        .map_err(io("cannot create", &tmp))
        .and_then(|mut file| {
            file.write_all(bytes).map_err(io("cannot write", &tmp))?;
            file.sync_all().map_err(io("cannot sync", &tmp))
        })
        .and_then(|()| fs::rename(&tmp, path).map_err(io("cannot rename into place", path)));
    if let Err(error) = written {
        // A partial file (disk full, say) must not stay behind to fill the disk further.
        let _ = fs::remove_file(&tmp);
        return Err(error);
    }
    // Make the rename itself durable.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|error| {
        Err(StoreError::Io {
            what: "store task failed",
            path: String::new(),
            source: std::io::Error::other(error.to_string()),
        })
    })
}

impl LocalStore {
    /// The store of `cluster_id` under `root` (created on the first write).
    pub fn new(root: &Path, cluster_id: &str) -> Self {
        Self {
            dir: root.join(ROOT_DIR).join(cluster_id),
        }
    }

    /// `<root>/mooncake_master_snapshot/<cluster_id>`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of snapshot `id`.
    pub fn file(&self, id: &SnapshotId) -> PathBuf {
        self.dir.join(id.as_str()).join(FILE_NAME)
    }

    pub(super) async fn list(&self) -> Result<Vec<SnapshotEntry>, StoreError> {
        let dir = self.dir.clone();
        blocking(move || {
            let read = match fs::read_dir(&dir) {
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(io("cannot list", &dir)(e)),
            };
            let mut entries = Vec::new();
            for entry in read {
                let entry = entry.map_err(io("cannot list", &dir))?;
                let Some(id) = entry.file_name().to_str().and_then(SnapshotId::parse) else {
                    continue;
                };
                if let Ok(meta) = fs::metadata(entry.path().join(FILE_NAME))
                    && meta.is_file()
                {
                    entries.push(SnapshotEntry { id, size: meta.len() });
                }
            }
            Ok(entries)
        })
        .await
    }

    pub(super) async fn read(&self, id: &SnapshotId, progress: Progress<'_>) -> Result<Vec<u8>, StoreError> {
        let path = self.file(id);
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(id.clone()));
            }
            Err(e) => return Err(io("cannot open", &path)(e)),
        };
        let total = file.metadata().await.ok().map(|m| m.len());
        let mut bytes = Vec::with_capacity(total.unwrap_or(0) as usize);
        let mut chunk = vec![0u8; 4 << 20];
        loop {
            let n = file.read(&mut chunk).await.map_err(io("cannot read", &path))?;
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            progress(bytes.len() as u64, total);
        }
        Ok(bytes)
    }

    pub(super) async fn write(&self, id: &SnapshotId, bytes: Vec<u8>) -> Result<(), StoreError> {
        let path = self.file(id);
        blocking(move || {
            let Some(dir) = path.parent() else {
                return write_atomically(&path, &bytes);
            };
            fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
            let written = write_atomically(&path, &bytes);
            if written.is_err() {
                // Leave no empty id directory behind (only removed when empty).
                let _ = fs::remove_dir(dir);
            }
            written
        })
        .await
    }

    pub(super) async fn read_latest(&self) -> Result<Option<String>, StoreError> {
        let path = self.dir.join(LATEST);
        match tokio::fs::read_to_string(&path).await {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("cannot read", &path)(e)),
        }
    }

    pub(super) async fn set_latest(&self, id: &SnapshotId) -> Result<(), StoreError> {
        let path = self.dir.join(LATEST);
        let text = format!("{id}\n");
        blocking(move || write_atomically(&path, text.as_bytes())).await
    }

    pub(super) async fn delete(&self, id: &SnapshotId) -> Result<(), StoreError> {
        let dir = self.dir.join(id.as_str());
        blocking(move || {
            let file = dir.join(FILE_NAME);
            match fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io("cannot delete", &file)(e)),
            }
            // Our own leftovers from an interrupted write go too; anything else stays, and so does the
            // directory holding it.
            if let Ok(read) = fs::read_dir(&dir) {
                for entry in read.flatten() {
                    let name = entry.file_name();
                    if name
                        .to_str()
                        .is_some_and(|n| n.starts_with(&format!(".{FILE_NAME}.tmp-")))
                    {
                        let _ = fs::remove_file(entry.path());
                    }
                }
            }
            if let Err(error) = fs::remove_dir(&dir)
                && error.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(dir = %dir.display(), %error, "kept a snapshot directory holding other files");
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the final rename fails after the data was written.
        let target = dir.path().join("snapshot.bin");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"x").unwrap();
        assert!(write_atomically(&target, b"payload").is_err());
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            left,
            vec!["snapshot.bin".to_string()],
            "no temporary file stays behind"
        );
    }
}
