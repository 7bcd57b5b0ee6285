//! Removal: one key, many keys, every key, or keys matching a regex. A running read lease protects an
//! object unless the caller forces; an object still being written is never removed.

use regex::Regex;

use super::object::Object;
use super::put::check_key;
use super::{MasterError, MasterResult, MasterService};

/// Whether a bulk removal may take `object` now.
fn removable(object: &Object, force: bool, now_ms: u64) -> bool {
    object.complete && (force || !object.leased(now_ms))
}

impl MasterService {
    /// Removes `key`: `OBJECT_HAS_LEASE` while a reader's lease runs (unless `force`),
    /// `REPLICA_IS_NOT_READY` while it is being written (even with `force`).
    pub fn remove(&self, key: &str, force: bool) -> MasterResult<()> {
        check_key(key)?;
        let now = self.now();
        let mut shard = self.index.lock(key);
        let object = shard.objects.get(key).ok_or(MasterError::ObjectNotFound)?;
        if !object.complete {
            return Err(MasterError::ReplicaNotReady);
        }
        if !force && object.leased(now) {
            return Err(MasterError::ObjectHasLease);
        }
        if let Some(object) = shard.remove(key) {
            self.free_replicas(&object.replicas, object.size);
            self.record_removed(key);
        }
        Ok(())
    }

    /// [`MasterService::remove`] for many keys; one result per key.
    pub fn batch_remove(&self, keys: &[String], force: bool) -> Vec<MasterResult<()>> {
        keys.iter().map(|key| self.remove(key, force)).collect()
    }

    /// Removes every complete object not under lease (all complete objects with `force`); returns
    /// how many were removed. Puts in progress are left alone.
    pub fn remove_all(&self, force: bool) -> u64 {
        self.remove_where(force, |_| true)
    }

    /// Removes the objects whose key contains a match of `pattern`, skipping leased ones unless
    /// `force`, and those still being written. Returns how many were removed.
    pub fn remove_by_regex(&self, pattern: &str, force: bool) -> MasterResult<u64> {
        let regex =
            Regex::new(pattern).map_err(|_| MasterError::InvalidParams("invalid regular expression"))?;
        Ok(self.remove_where(force, |key| regex.is_match(key)))
    }

    fn remove_where(&self, force: bool, matches: impl Fn(&str) -> bool) -> u64 {
        let now = self.now();
        let mut removed = 0;
        for shard in self.index.shards() {
            let mut shard = shard.lock();
            shard.retain(|key, object| {
                if removable(object, force, now) && matches(key) {
                    self.free_replicas(&object.replicas, object.size);
                    self.record_removed(key);
                    removed += 1;
                    false
                } else {
                    true
                }
            });
        }
        removed
    }
}
