//! The optional extra local copy (`--snapshot-backup-dir`): the newest snapshot saved or restored is
//! also written to `<dir>/mooncake_snapshot_save_backup/snapshot.bin` or
//! `<dir>/mooncake_snapshot_restore_backup/snapshot.bin`. Failures are warnings.

use std::path::{Path, PathBuf};

/// Writes `bytes` as `<dir>/<what>/snapshot.bin`.
pub async fn save(dir: &Path, what: &'static str, bytes: &[u8]) {
    let target: PathBuf = dir.join(what);
    let bytes = bytes.to_vec();
    let result = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&target)?;
        let tmp = target.join(format!(".snapshot.bin.tmp-{}", std::process::id()));
        std::fs::write(&tmp, &bytes)?;
        std::fs::rename(&tmp, target.join("snapshot.bin"))
    })
    .await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(dir = %dir.display(), %error, "snapshot backup copy failed"),
        Err(error) => tracing::warn!(%error, "snapshot backup task failed"),
    }
}
