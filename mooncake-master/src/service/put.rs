//! The two-phase put: PutStart allocates and records replicas as in progress, the client writes the
//! bytes itself, PutEnd makes them readable, PutRevoke drops a failed put. Batch forms loop per item.

use std::sync::Arc;

use smallvec::SmallVec;

use super::object::{Object, Replica};
use super::placement::{self, PlacementRequest};
use super::segments::MountedSegment;
use super::{
    ClientId, Counters, DiscardedRange, MAX_KEY_LEN, MAX_REPLICA_NUM, MasterError, MasterResult,
    MasterService, ReplicaLocation, ReplicateConfig,
};

/// Checks a key the way every operation does: non-empty and at most [`MAX_KEY_LEN`] bytes.
pub(super) fn check_key(key: &str) -> MasterResult<()> {
    if key.is_empty() {
        return Err(MasterError::InvalidParams("empty key"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(MasterError::InvalidParams("key longer than 4096 bytes"));
    }
    Ok(())
}

/// The location a reader or writer uses for a replica in `segment` at `offset`.
pub(super) fn location(
    index: usize,
    segment: &MountedSegment,
    offset: u64,
    size: u64,
    complete: bool,
) -> ReplicaLocation {
    ReplicaLocation {
        index: index as u32,
        complete,
        segment_name: segment.spec.name.clone(),
        buffer_address: segment.spec.base + offset,
        size,
        protocol: segment.spec.protocol.clone(),
        transport_endpoint: segment.spec.te_endpoint.clone(),
    }
}

impl MasterService {
    /// Starts a put: allocates `replica_num` replicas of `len` bytes on distinct segments (fewer when
    /// the pool is short) and returns where to write them. The object stays invisible until
    /// [`MasterService::put_end`].
    pub fn put_start(
        &self,
        client: ClientId,
        key: &str,
        len: u64,
        config: &ReplicateConfig,
    ) -> MasterResult<Vec<ReplicaLocation>> {
        check_key(key)?;
        if len == 0 {
            return Err(MasterError::InvalidParams("value length is 0"));
        }
        if config.replica_num > MAX_REPLICA_NUM {
            return Err(MasterError::InvalidParams("replica_num larger than 16"));
        }
        let soft_pin_ms = self.soft_pin_request(config)?;
        self.discard_stale_put(key)?;

        let allocated = match self.allocate(client, len, config) {
            allocated if !allocated.is_empty() => allocated,
            _ => {
                // Make room once, then try again: a full pool should cost the caller a short eviction,
                // not a failed put. Pointless (and harmful to draining segments' readers) when no
                // segment accepts new replicas at all.
                // Evicting for a value no segment could ever hold would empty the cache for nothing.
                let fits_somewhere = self
                    .segments
                    .load()
                    .iter()
                    .any(|s| s.allocatable() && s.capacity() >= len);
                let retried = if fits_somewhere {
                    // One on-demand eviction at a time: a put that waited here may find room made by the
                    // one before it, and must not evict another share of the cache on top.
                    let _one_at_a_time = self.on_demand_eviction.lock();
                    match self.allocate(client, len, config) {
                        made_room if !made_room.is_empty() => made_room,
                        _ => {
                            self.evict(Some(len.saturating_mul(u64::from(config.replica_num.max(1)))));
                            self.allocate(client, len, config)
                        }
                    }
                } else {
                    Vec::new()
                };
                if retried.is_empty() {
                    Counters::bump(&self.counters.alloc_failures, 1);
                    return Err(MasterError::NoAvailableHandle);
                }
                retried
            }
        };
        if allocated.len() < config.replica_num.max(1) as usize {
            Counters::bump(&self.counters.partial_allocations, 1);
            tracing::debug!(
                key,
                wanted = config.replica_num,
                got = allocated.len(),
                "partial replica allocation"
            );
        }

        let now = self.now();
        let locations = allocated
            .iter()
            .enumerate()
            .map(|(i, (segment, offset))| location(i, segment, *offset, len, false))
            .collect();
        let object = Object {
            size: len,
            replicas: allocated
                .iter()
                .map(|(segment, offset)| Replica {
                    segment: segment.slot,
                    offset: *offset,
                })
                .collect(),
            complete: false,
            hard_pinned: config.with_hard_pin,
            lease_until_ms: 0,
            put_start_ms: now,
            owner: client,
            soft_pin_ms,
            checksum: None,
        };
        {
            let mut shard = self.index.lock(key);
            // An unmount may have swept this shard between our allocation and now; its replicas would
            // point into memory that left the pool. The shard lock orders us after such a sweep.
            if allocated.iter().any(|(segment, _)| !segment.allocatable()) {
                drop(shard);
                for (segment, offset) in &allocated {
                    segment.free(*offset, len);
                }
                return Err(MasterError::NoAvailableHandle);
            }
            if shard.objects.contains_key(key) {
                // Another put of the same key won the race while we allocated.
                drop(shard);
                for (segment, offset) in &allocated {
                    segment.free(*offset, len);
                }
                return Err(MasterError::ObjectAlreadyExists);
            }
            self.record_started(key, &object);
            shard.insert(key, object);
        }
        self.wake_eviction_if_above_watermark();
        Ok(locations)
    }

    /// Validates the soft-pin part of a put; returns the TTL to apply at PutEnd (0 = none).
    fn soft_pin_request(&self, config: &ReplicateConfig) -> MasterResult<u64> {
        match (config.with_soft_pin, config.soft_pin_ttl_ms) {
            (false, Some(_)) => Err(MasterError::InvalidParams(
                "soft_pin_ttl_ms given without with_soft_pin",
            )),
            (false, None) => Ok(0),
            (true, Some(ttl)) if ttl > self.config.max_kv_soft_pin_ttl.as_millis() as u64 => Err(
                MasterError::InvalidParams("soft_pin_ttl_ms exceeds max_kv_soft_pin_ttl"),
            ),
            (true, Some(ttl)) => Ok(ttl),
            (true, None) => Ok(self.config.default_kv_soft_pin_ttl.as_millis() as u64),
        }
    }

    /// Refuses a put of an existing key, except that a put left unfinished for longer than the discard
    /// timeout is superseded: its space is parked until the release timeout (a slow writer may still be
    /// copying into it) and the key becomes free.
    fn discard_stale_put(&self, key: &str) -> MasterResult<()> {
        let now = self.now();
        let discard_ms = self.config.put_start_discard_timeout.as_millis() as u64;
        let mut shard = self.index.lock(key);
        let Some(existing) = shard.objects.get(key) else {
            return Ok(());
        };
        if existing.complete || now < existing.put_start_ms + discard_ms {
            return Err(MasterError::ObjectAlreadyExists);
        }
        let Some(stale) = shard.remove(key) else {
            return Ok(());
        };
        self.record_removed(key);
        drop(shard);
        let release_at_ms = stale.put_start_ms + self.config.put_start_release_timeout.as_millis() as u64;
        let mut discarded = self.discarded.lock();
        discarded.extend(stale.replicas.iter().map(|r| DiscardedRange {
            segment: r.segment,
            offset: r.offset,
            len: stale.size,
            release_at_ms,
        }));
        Counters::bump(&self.counters.put_start_discards, 1);
        tracing::info!(
            key,
            "superseded a put left unfinished past put_start_discard_timeout"
        );
        Ok(())
    }

    fn allocate(
        &self,
        client: ClientId,
        len: u64,
        config: &ReplicateConfig,
    ) -> Vec<(Arc<MountedSegment>, u64)> {
        let table = self.segments.load();
        let candidates: Vec<_> = table.iter().filter(|s| s.allocatable()).cloned().collect();
        if candidates.is_empty() {
            return Vec::new();
        }
        let learned_host;
        let writer_host = if config.host_id.is_empty() {
            learned_host = self.clients.host_of(client);
            learned_host.as_deref()
        } else {
            Some(config.host_id.as_str())
        };
        let request = PlacementRequest {
            len,
            replica_num: config.replica_num.max(1) as usize,
            writer_host,
            prefer_same_node: config.prefer_alloc_in_same_node,
        };
        placement::choose(
            self.strategy.as_ref(),
            candidates,
            &config.preferred_segments,
            &request,
        )
    }

    /// Finishes a put: its replicas become readable. Idempotent for the same client.
    pub fn put_end(&self, client: ClientId, key: &str, checksum: Option<u64>) -> MasterResult<()> {
        check_key(key)?;
        let now = self.now();
        let mut shard = self.index.lock(key);
        let object = shard.objects.get_mut(key).ok_or(MasterError::ObjectNotFound)?;
        if object.owner != client {
            return Err(MasterError::IllegalClient);
        }
        if object.complete {
            return Ok(());
        }
        object.complete = true;
        object.lease_until_ms = object.lease_until_ms.max(now);
        object.soft_pin_ms = if object.soft_pin_ms > 0 {
            now + object.soft_pin_ms
        } else {
            0
        };
        object.checksum = checksum;
        self.record_stored(key, object);
        shard.processing -= 1;
        Ok(())
    }

    /// Abandons a put: frees its replicas; the key is as if never written.
    pub fn put_revoke(&self, client: ClientId, key: &str) -> MasterResult<()> {
        check_key(key)?;
        let mut shard = self.index.lock(key);
        let object = shard.objects.get(key).ok_or(MasterError::ObjectNotFound)?;
        if object.owner != client {
            return Err(MasterError::IllegalClient);
        }
        if object.complete {
            return Err(MasterError::InvalidWrite);
        }
        if let Some(object) = shard.remove(key) {
            self.free_replicas(&object.replicas, object.size);
            self.record_removed(key);
        }
        Ok(())
    }

    /// [`MasterService::put_start`] for many keys with one config; one result per key.
    pub fn batch_put_start(
        &self,
        client: ClientId,
        keys: &[String],
        lens: &[u64],
        config: &ReplicateConfig,
    ) -> Vec<MasterResult<Vec<ReplicaLocation>>> {
        if keys.len() != lens.len() {
            return keys
                .iter()
                .map(|_| {
                    Err(MasterError::InvalidParams(
                        "keys and value_lengths differ in length",
                    ))
                })
                .collect();
        }
        keys.iter()
            .zip(lens)
            .map(|(key, &len)| self.put_start(client, key, len, config))
            .collect()
    }

    /// Frees replica ranges whose segments are still mounted (a gone segment's space is gone with it).
    pub(super) fn free_replicas(&self, replicas: &SmallVec<[Replica; 1]>, size: u64) {
        let table = self.segments.load();
        for replica in replicas {
            if let Some(segment) = table.get(replica.segment) {
                segment.free(replica.offset, size);
            }
        }
    }
}
