//! One stored object's metadata and the sharded index that holds every object.
//!
//! Design note: the index is split into many shards, each behind its own mutex, chosen by a hash of
//! the key, so concurrent puts and gets of different keys rarely meet on a lock and no operation takes
//! a global lock. Per object the master keeps about a hundred bytes: size, replicas (segment reference
//! and offset; one replica is stored inline), the read-lease deadline (which doubles as the
//! last-access time that eviction orders by), the put's start time and owner, pin state, checksum.

use std::hash::BuildHasher;

use hashbrown::HashMap;
use parking_lot::{Mutex, MutexGuard};
use smallvec::SmallVec;

use super::segments::SegmentRef;
use super::types::ClientId;

/// One copy of an object's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replica {
    pub segment: SegmentRef,
    /// Offset inside the segment (the segment's base is added when handing it out).
    pub offset: u64,
}

/// Metadata of one object.
#[derive(Clone, Debug)]
pub struct Object {
    pub size: u64,
    pub replicas: SmallVec<[Replica; 1]>,
    /// False between PutStart and PutEnd: invisible to readers.
    pub complete: bool,
    pub hard_pinned: bool,
    /// Read lease deadline (ms); also the last-access time eviction orders by.
    pub lease_until_ms: u64,
    /// When the put started (ms).
    pub put_start_ms: u64,
    /// The client that started the put; only it may end or revoke it.
    pub owner: ClientId,
    /// While in progress: the soft-pin TTL asked for (0 = none). After PutEnd: pin deadline (0 = none).
    pub soft_pin_ms: u64,
    pub checksum: Option<u64>,
}

impl Object {
    /// Whether a reader's lease is running at `now`.
    pub fn leased(&self, now_ms: u64) -> bool {
        self.lease_until_ms > now_ms
    }

    /// Whether the object is soft-pinned at `now`.
    pub fn soft_pinned(&self, now_ms: u64) -> bool {
        self.complete && self.soft_pin_ms > now_ms
    }

    /// Bytes the object occupies in the pool (all replicas).
    pub fn footprint(&self) -> u64 {
        self.size * self.replicas.len() as u64
    }
}

/// One shard of the index.
#[derive(Debug, Default)]
pub struct Shard {
    /// Boxed so the table's slots stay small: hash tables run half empty after a resize, and an
    /// empty slot then costs 24 bytes instead of the whole object.
    pub objects: HashMap<Box<str>, Box<Object>>,
    /// Objects between PutStart and PutEnd (lets timeout sweeps skip idle shards).
    pub processing: usize,
}

impl Shard {
    /// Inserts or replaces, keeping the `processing` count right.
    pub fn insert(&mut self, key: &str, object: Object) {
        if !object.complete {
            self.processing += 1;
        }
        if let Some(old) = self.objects.insert(key.into(), Box::new(object))
            && !old.complete
        {
            self.processing -= 1;
        }
    }

    /// Removes, keeping the `processing` count right.
    pub fn remove(&mut self, key: &str) -> Option<Box<Object>> {
        let object = self.objects.remove(key)?;
        if !object.complete {
            self.processing -= 1;
        }
        Some(object)
    }

    /// Keeps only the objects `keep` accepts; `keep` may also edit them.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Object) -> bool) {
        let mut removed_processing = 0;
        self.objects.retain(|key, object| {
            let kept = keep(key, object);
            if !kept && !object.complete {
                removed_processing += 1;
            }
            kept
        });
        self.processing -= removed_processing;
    }
}

/// All objects, sharded by key hash.
#[derive(Debug)]
pub struct ObjectIndex {
    shards: Box<[Mutex<Shard>]>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl ObjectIndex {
    pub fn new(shard_count: usize) -> Self {
        let shard_count = shard_count.max(1);
        Self {
            shards: (0..shard_count).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }

    /// Locks the shard holding `key`.
    pub fn lock(&self, key: &str) -> MutexGuard<'_, Shard> {
        let hash = self.hasher.hash_one(key);
        // Multiply-shift maps the hash onto the shard range without a division.
        let index = ((u128::from(hash) * self.shards.len() as u128) >> 64) as usize;
        self.shards[index].lock()
    }

    /// Every shard, for scans (eviction census, listings, sweeps). Lock one at a time.
    pub fn shards(&self) -> &[Mutex<Shard>] {
        &self.shards
    }
}
