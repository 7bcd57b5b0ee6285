//! Reads: replica lists for getters (which grant a read lease), existence checks, and lease-free
//! lookups and listings for operators.

use super::object::Object;
use super::put::{check_key, location};
use super::segments::SegmentTable;
use super::{Counters, KeyInfo, MasterError, MasterResult, MasterService, ReplicaList, ReplicaLocation};

/// The replicas of `object` a reader may use: on segments that are still readable.
fn readable_locations(table: &SegmentTable, object: &Object) -> Vec<ReplicaLocation> {
    object
        .replicas
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let segment = table.get(r.segment).filter(|s| s.readable())?;
            Some(location(i, segment, r.offset, object.size, object.complete))
        })
        .collect()
}

impl MasterService {
    /// Where to read `key` from. Grants a read lease of `default_kv_lease_ttl`: until it ends the
    /// object is neither evicted nor removed (unless forced).
    pub fn get_replica_list(&self, key: &str) -> MasterResult<ReplicaList> {
        check_key(key)?;
        let result = self.lease_and_locate(key);
        let counter = if result.is_ok() {
            &self.counters.get_hits
        } else {
            &self.counters.get_misses
        };
        Counters::bump(counter, 1);
        result
    }

    fn lease_and_locate(&self, key: &str) -> MasterResult<ReplicaList> {
        let now = self.now();
        let table = self.segments.load();
        let mut shard = self.index.lock(key);
        let object = shard.objects.get_mut(key).ok_or(MasterError::ObjectNotFound)?;
        if !object.complete {
            return Err(MasterError::ReplicaNotReady);
        }
        let replicas = readable_locations(&table, object);
        if replicas.is_empty() {
            return Err(MasterError::ObjectNotFound);
        }
        object.lease_until_ms = object.lease_until_ms.max(now + self.lease_ttl_ms());
        Counters::bump(&self.counters.leases_granted, 1);
        Ok(ReplicaList {
            size: object.size,
            replicas,
            lease_ttl_ms: self.lease_ttl_ms(),
            checksum: object.checksum,
        })
    }

    /// [`MasterService::get_replica_list`] for many keys; one result per key.
    pub fn batch_get_replica_list(&self, keys: &[String]) -> Vec<MasterResult<ReplicaList>> {
        keys.iter().map(|key| self.get_replica_list(key)).collect()
    }

    /// Whether `key` is readable now. Like a get, a hit grants the read lease (Mooncake semantics:
    /// callers check then read).
    pub fn exist_key(&self, key: &str) -> MasterResult<bool> {
        check_key(key)?;
        match self.lease_and_locate(key) {
            Ok(_) => Ok(true),
            Err(MasterError::ObjectNotFound | MasterError::ReplicaNotReady) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// [`MasterService::exist_key`] for many keys.
    pub fn batch_exist_key(&self, keys: &[String]) -> Vec<MasterResult<bool>> {
        keys.iter().map(|key| self.exist_key(key)).collect()
    }

    /// An operator's look at `key`, in progress or complete. Grants no lease and counts as no get.
    pub fn query_key(&self, key: &str) -> MasterResult<KeyInfo> {
        check_key(key)?;
        let now = self.now();
        let table = self.segments.load();
        let shard = self.index.lock(key);
        let object = shard.objects.get(key).ok_or(MasterError::ObjectNotFound)?;
        Ok(KeyInfo {
            size: object.size,
            complete: object.complete,
            replicas: readable_locations(&table, object),
            lease_remaining_ms: object.lease_until_ms.saturating_sub(now),
            soft_pinned: object.soft_pinned(now),
            hard_pinned: object.hard_pinned,
            checksum: object.checksum,
        })
    }

    /// Every readable key, sorted.
    pub fn all_keys(&self) -> Vec<String> {
        let table = self.segments.load();
        let mut keys: Vec<String> = Vec::new();
        for shard in self.index.shards() {
            let shard = shard.lock();
            keys.extend(
                shard
                    .objects
                    .iter()
                    .filter(|(_, o)| {
                        o.complete
                            && o.replicas
                                .iter()
                                .any(|r| table.get(r.segment).is_some_and(|s| s.readable()))
                    })
                    .map(|(k, _)| k.to_string()),
            );
        }
        keys.sort_unstable();
        keys
    }
}
