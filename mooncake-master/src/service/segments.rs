//! The segment registry: every mounted segment, its allocator, status and usage.
//!
//! Design note: readers (every get builds descriptors from it, every put picks candidates from it) load
//! an immutable snapshot of the table through `ArcSwap` without locking; mount and unmount are rare and
//! publish a new snapshot under a writer mutex. Each segment sits in a numbered slot with a generation;
//! a replica remembers `(slot, generation)`, so a replica of an unmounted segment can never be mistaken
//! for one in a segment that later reuses the slot.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use arc_swap::ArcSwap;
use parking_lot::Mutex;

use super::allocator::{Allocator, BestFitAllocator};
use super::types::{ClientId, SegmentId, SegmentInfo, SegmentSpec, SegmentStatus};

/// A reference from a replica to the segment holding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SegmentRef {
    pub slot: u32,
    pub generation: u32,
}

/// One mounted segment.
#[derive(Debug)]
pub struct MountedSegment {
    pub spec: SegmentSpec,
    pub owner: ClientId,
    pub slot: SegmentRef,
    status: AtomicU8,
    /// Monotonic ms at which a draining segment is unmounted (0 when not draining).
    drain_deadline_ms: AtomicU64,
    allocator: Mutex<BestFitAllocator>,
    /// Bytes requested by live replicas (alignment padding excluded).
    used: AtomicU64,
}

impl MountedSegment {
    pub fn status(&self) -> SegmentStatus {
        match self.status.load(Ordering::Acquire) {
            0 => SegmentStatus::Ok,
            1 => SegmentStatus::Draining,
            _ => SegmentStatus::Unmounting,
        }
    }

    fn set_status(&self, status: SegmentStatus) {
        let raw = match status {
            SegmentStatus::Ok => 0,
            SegmentStatus::Draining => 1,
            SegmentStatus::Unmounting => 2,
        };
        self.status.store(raw, Ordering::Release);
    }

    /// Readable: replicas here may be handed to readers.
    pub fn readable(&self) -> bool {
        self.status() != SegmentStatus::Unmounting
    }

    /// Accepts new replicas.
    pub fn allocatable(&self) -> bool {
        self.status() == SegmentStatus::Ok
    }

    pub fn used_bytes(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    pub fn capacity(&self) -> u64 {
        self.spec.size
    }

    /// Free fraction in `[0, 1]`.
    pub fn free_ratio(&self) -> f64 {
        if self.spec.size == 0 {
            return 0.0;
        }
        1.0 - self.used_bytes() as f64 / self.spec.size as f64
    }

    /// Reserves `len` bytes; returns the offset inside the segment.
    pub fn allocate(&self, len: u64) -> Option<u64> {
        let offset = self.allocator.lock().allocate(len)?;
        self.used.fetch_add(len, Ordering::Relaxed);
        Some(offset)
    }

    /// Claims a range a restored replica occupies; `false` when it overlaps another or is out of range.
    pub fn reserve(&self, offset: u64, len: u64) -> bool {
        let reserved = self.allocator.lock().reserve(offset, len);
        if reserved {
            self.used.fetch_add(len, Ordering::Relaxed);
        }
        reserved
    }

    /// Milliseconds until a draining segment goes away (0 when it is not draining).
    pub fn drain_remaining_ms(&self, now_ms: u64) -> u64 {
        match self.status() {
            SegmentStatus::Draining => self
                .drain_deadline_ms
                .load(Ordering::Acquire)
                .saturating_sub(now_ms)
                .max(1),
            _ => 0,
        }
    }

    /// Returns a range obtained from [`MountedSegment::allocate`].
    pub fn free(&self, offset: u64, len: u64) {
        self.allocator.lock().free(offset, len);
        self.used.fetch_sub(len, Ordering::Relaxed);
    }

    pub fn info(&self) -> SegmentInfo {
        SegmentInfo {
            spec: self.spec.clone(),
            owner: self.owner,
            status: self.status(),
            used_bytes: self.used_bytes(),
            capacity_bytes: self.capacity(),
        }
    }
}

/// An immutable view of the registry.
#[derive(Debug, Default)]
pub struct SegmentTable {
    slots: Vec<Option<Arc<MountedSegment>>>,
    generations: Vec<u32>,
    by_id: HashMap<SegmentId, u32>,
}

impl SegmentTable {
    /// The segment a replica points at, if it is still the same mount.
    pub fn get(&self, r: SegmentRef) -> Option<&Arc<MountedSegment>> {
        self.slots
            .get(r.slot as usize)?
            .as_ref()
            .filter(|segment| segment.slot.generation == r.generation)
    }

    pub fn by_id(&self, id: SegmentId) -> Option<&Arc<MountedSegment>> {
        self.slots.get(*self.by_id.get(&id)? as usize)?.as_ref()
    }

    /// Every mounted segment, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<MountedSegment>> {
        self.slots.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }
}

/// Outcome of a mount request.
#[derive(Debug, PartialEq, Eq)]
pub enum MountOutcome {
    Mounted,
    /// The identical segment was already mounted (idempotent retry or remount).
    AlreadyMounted,
    /// A segment with that id exists but differs (owner, name, base, size, ...).
    Conflict,
    /// A segment with that id is being unmounted.
    Busy,
}

/// The registry itself.
#[derive(Debug, Default)]
pub struct SegmentRegistry {
    table: ArcSwap<SegmentTable>,
    writer: Mutex<()>,
}

impl SegmentRegistry {
    /// A lock-free snapshot of the current table.
    pub fn load(&self) -> arc_swap::Guard<Arc<SegmentTable>> {
        self.table.load()
    }

    fn update<R>(&self, f: impl FnOnce(&mut SegmentTable) -> R) -> R {
        let _writer = self.writer.lock();
        let current = self.table.load();
        let mut next = SegmentTable {
            slots: current.slots.clone(),
            generations: current.generations.clone(),
            by_id: current.by_id.clone(),
        };
        let result = f(&mut next);
        self.table.store(Arc::new(next));
        result
    }

    /// Mounts a segment owned by `owner`.
    pub fn mount(&self, spec: SegmentSpec, owner: ClientId) -> MountOutcome {
        self.update(|table| {
            if let Some(existing) = table.by_id(spec.id) {
                return match existing.status() {
                    SegmentStatus::Unmounting => MountOutcome::Busy,
                    _ if existing.spec == spec && existing.owner == owner => MountOutcome::AlreadyMounted,
                    _ => MountOutcome::Conflict,
                };
            }
            let slot = match table.slots.iter().position(Option::is_none) {
                Some(free) => free,
                None => {
                    table.slots.push(None);
                    table.generations.push(0);
                    table.slots.len() - 1
                }
            };
            table.generations[slot] = table.generations[slot].wrapping_add(1);
            let slot_ref = SegmentRef {
                slot: slot as u32,
                generation: table.generations[slot],
            };
            table.by_id.insert(spec.id, slot as u32);
            table.slots[slot] = Some(Arc::new(MountedSegment {
                allocator: Mutex::new(BestFitAllocator::new(spec.size)),
                spec,
                owner,
                slot: slot_ref,
                status: AtomicU8::new(0),
                drain_deadline_ms: AtomicU64::new(0),
                used: AtomicU64::new(0),
            }));
            MountOutcome::Mounted
        })
    }

    /// Marks a segment as going away (no reads, no allocations) and returns it; the caller then drops
    /// its replicas and calls [`SegmentRegistry::remove`].
    pub fn begin_unmount(&self, id: SegmentId) -> Option<Arc<MountedSegment>> {
        let table = self.table.load();
        let segment = table.by_id(id)?.clone();
        segment.set_status(SegmentStatus::Unmounting);
        Some(segment)
    }

    /// Starts draining: readable until `deadline_ms`, no new replicas.
    pub fn begin_drain(&self, id: SegmentId, deadline_ms: u64) -> Option<Arc<MountedSegment>> {
        let table = self.table.load();
        let segment = table.by_id(id)?.clone();
        segment.drain_deadline_ms.store(deadline_ms, Ordering::Release);
        segment.set_status(SegmentStatus::Draining);
        Some(segment)
    }

    /// Segments whose drain deadline has passed.
    pub fn drained_by(&self, now_ms: u64) -> Vec<SegmentId> {
        self.table
            .load()
            .iter()
            .filter(|s| {
                s.status() == SegmentStatus::Draining && s.drain_deadline_ms.load(Ordering::Acquire) <= now_ms
            })
            .map(|s| s.spec.id)
            .collect()
    }

    /// Forgets a segment after [`SegmentRegistry::begin_unmount`].
    pub fn remove(&self, id: SegmentId) {
        self.update(|table| {
            if let Some(slot) = table.by_id.remove(&id) {
                table.slots[slot as usize] = None;
            }
        });
    }

    /// Forgets every segment.
    pub fn clear(&self) {
        self.update(|table| {
            table.slots.iter_mut().for_each(|slot| *slot = None);
            table.by_id.clear();
        });
    }

    /// Total capacity and requested bytes over all segments that still hold data.
    pub fn usage(&self) -> (u64, u64) {
        self.table
            .load()
            .iter()
            .filter(|s| s.readable())
            .fold((0, 0), |(cap, used), s| {
                (cap + s.capacity(), used + s.used_bytes())
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn spec(name: &str, size: u64) -> SegmentSpec {
        SegmentSpec {
            id: SegmentId(Uuid::new_v4()),
            name: name.into(),
            base: 0x1000_0000,
            size,
            te_endpoint: name.into(),
            protocol: "tcp".into(),
            host_id: "h".into(),
            cxl: false,
        }
    }

    #[test]
    fn remount_is_idempotent_and_conflicts_are_detected() {
        let registry = SegmentRegistry::default();
        let owner = ClientId(Uuid::new_v4());
        let s = spec("a:1", 1 << 20);
        assert_eq!(registry.mount(s.clone(), owner), MountOutcome::Mounted);
        assert_eq!(registry.mount(s.clone(), owner), MountOutcome::AlreadyMounted);
        let mut other = s.clone();
        other.size *= 2;
        assert_eq!(registry.mount(other, owner), MountOutcome::Conflict);
    }

    #[test]
    fn a_reused_slot_does_not_resolve_old_references() {
        let registry = SegmentRegistry::default();
        let owner = ClientId(Uuid::new_v4());
        let first = spec("a:1", 4096);
        registry.mount(first.clone(), owner);
        let old_ref = registry.load().by_id(first.id).unwrap().slot;
        registry.begin_unmount(first.id);
        registry.remove(first.id);
        registry.mount(spec("b:1", 4096), owner);
        let table = registry.load();
        assert_eq!(table.len(), 1);
        assert!(table.get(old_ref).is_none());
    }
}
