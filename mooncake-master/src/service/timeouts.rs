//! Put timeouts: space of superseded puts is released after `put_start_release_timeout_sec`, and so is
//! the space of a put never finished nor revoked (its writer died), which also frees the key.

use super::{Counters, MasterService};

impl MasterService {
    /// Releases what is due; returns how many ranges and unfinished puts were released.
    pub fn release_expired_puts(&self) -> u64 {
        let now = self.now();
        let release_ms = self.config.put_start_release_timeout.as_millis() as u64;
        let due: Vec<_> = {
            let mut discarded = self.discarded.lock();
            let (due, keep) = std::mem::take(&mut *discarded)
                .into_iter()
                .partition(|d| d.release_at_ms <= now);
            *discarded = keep;
            due
        };
        let table = self.segments.load();
        for range in &due {
            if let Some(segment) = table.get(range.segment) {
                segment.free(range.offset, range.len);
            }
        }
        drop(table);
        let mut released = due.len() as u64;
        for shard in self.index.shards() {
            let mut shard = shard.lock();
            if shard.processing == 0 {
                continue;
            }
            shard.retain(|key, object| {
                if object.complete || now < object.put_start_ms + release_ms {
                    return true;
                }
                self.free_replicas(&object.replicas, object.size);
                self.record_removed(key);
                tracing::info!(
                    key,
                    "released a put left unfinished past put_start_release_timeout"
                );
                released += 1;
                false
            });
        }
        Counters::bump(&self.counters.put_start_releases, released);
        released
    }
}
