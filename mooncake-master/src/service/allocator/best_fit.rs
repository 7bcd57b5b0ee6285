//! Best-fit allocator over a free list indexed twice (by offset for coalescing, by size for the fit).
//!
//! Design note: every operation is O(log free-ranges), memory is proportional to fragmentation rather
//! than to the number of live allocations (the object index already remembers each replica's range),
//! and sizes are exact multiples of [`ALIGNMENT`] with no size-class rounding, so `used/capacity` is
//! the real occupancy. Invariants (checked by the property tests): free ranges never overlap, never
//! touch (adjacent ranges are always merged), and `free_bytes + allocated == capacity`.

use std::collections::{BTreeMap, BTreeSet};

use super::{ALIGNMENT, Allocator, aligned_len};

/// Best-fit, coalescing allocator of `[0, capacity)`.
#[derive(Debug, Clone)]
pub struct BestFitAllocator {
    capacity: u64,
    free_bytes: u64,
    /// offset → length of each free range.
    by_offset: BTreeMap<u64, u64>,
    /// (length, offset) of each free range, to find the smallest range that fits.
    by_size: BTreeSet<(u64, u64)>,
}

impl BestFitAllocator {
    /// An allocator managing `capacity` bytes; a tail shorter than [`ALIGNMENT`] is not used.
    pub fn new(capacity: u64) -> Self {
        let usable = capacity - capacity % ALIGNMENT;
        let mut allocator = Self {
            capacity,
            free_bytes: 0,
            by_offset: BTreeMap::new(),
            by_size: BTreeSet::new(),
        };
        if usable > 0 {
            allocator.insert_free(0, usable);
        }
        allocator
    }

    fn insert_free(&mut self, offset: u64, len: u64) {
        self.by_offset.insert(offset, len);
        self.by_size.insert((len, offset));
        self.free_bytes += len;
    }

    fn remove_free(&mut self, offset: u64, len: u64) {
        self.by_offset.remove(&offset);
        self.by_size.remove(&(len, offset));
        self.free_bytes -= len;
    }

    /// The free ranges in offset order (for tests and diagnostics).
    pub fn free_ranges(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.by_offset.iter().map(|(&offset, &len)| (offset, len))
    }
}

impl Allocator for BestFitAllocator {
    fn allocate(&mut self, len: u64) -> Option<u64> {
        if len == 0 {
            return None;
        }
        let len = aligned_len(len);
        let &(free_len, offset) = self.by_size.range((len, 0)..).next()?;
        self.remove_free(offset, free_len);
        if free_len > len {
            self.insert_free(offset + len, free_len - len);
        }
        Some(offset)
    }

    fn reserve(&mut self, offset: u64, len: u64) -> bool {
        let len = aligned_len(len);
        if len == 0 || !offset.is_multiple_of(ALIGNMENT) {
            return false;
        }
        let Some((&start, &free_len)) = self.by_offset.range(..=offset).next_back() else {
            return false;
        };
        if start + free_len < offset + len {
            return false;
        }
        self.remove_free(start, free_len);
        if offset > start {
            self.insert_free(start, offset - start);
        }
        if start + free_len > offset + len {
            self.insert_free(offset + len, start + free_len - offset - len);
        }
        true
    }

    fn free(&mut self, offset: u64, len: u64) {
        let mut start = offset;
        let mut len = aligned_len(len);
        debug_assert!(
            start + len <= self.capacity,
            "freeing past the end of the segment"
        );
        if let Some((&prev, &prev_len)) = self.by_offset.range(..start).next_back() {
            debug_assert!(
                prev + prev_len <= start,
                "double free or overlap at offset {start}"
            );
            if prev + prev_len == start {
                self.remove_free(prev, prev_len);
                start = prev;
                len += prev_len;
            }
        }
        if let Some((&next, &next_len)) = self.by_offset.range(start + len..).next()
            && start + len == next
        {
            self.remove_free(next, next_len);
            len += next_len;
        }
        debug_assert!(
            self.by_offset.range(start..start + len).next().is_none(),
            "double free or overlap at offset {offset}"
        );
        self.insert_free(start, len);
    }

    fn capacity(&self) -> u64 {
        self.capacity
    }

    fn free_bytes(&self) -> u64 {
        self.free_bytes
    }

    fn largest_free(&self) -> u64 {
        self.by_size.last().map_or(0, |&(len, _)| len)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn allocates_aligned_ranges_and_coalesces_on_free() {
        let mut a = BestFitAllocator::new(1024);
        let x = a.allocate(100).unwrap();
        let y = a.allocate(1).unwrap();
        assert_eq!((x, y), (0, 128));
        assert_eq!(a.free_bytes(), 1024 - 192);
        a.free(x, 100);
        a.free(y, 1);
        assert_eq!(a.free_ranges().collect::<Vec<_>>(), vec![(0, 1024)]);
    }

    #[test]
    fn best_fit_prefers_the_smallest_hole() {
        let mut a = BestFitAllocator::new(64 * 10);
        let blocks: Vec<u64> = (0..10).map(|_| a.allocate(64).unwrap()).collect();
        a.free(blocks[1], 64); // 1-block hole
        a.free(blocks[4], 64);
        a.free(blocks[5], 64); // 2-block hole
        assert_eq!(a.allocate(64), Some(blocks[1]));
        assert_eq!(a.allocate(128), Some(blocks[4]));
        assert_eq!(a.allocate(64), None);
    }

    #[test]
    fn reserve_takes_exactly_the_named_range() {
        let mut a = BestFitAllocator::new(4096);
        assert!(a.reserve(1024, 100));
        assert!(!a.reserve(1024, 64), "already used");
        assert!(!a.reserve(1000, 64), "unaligned");
        assert!(!a.reserve(4032, 128), "past the end");
        assert_eq!(a.free_bytes(), 4096 - 128);
        assert_eq!(
            a.free_ranges().collect::<Vec<_>>(),
            vec![(0, 1024), (1152, 4096 - 1152)]
        );
        a.free(1024, 100);
        assert_eq!(a.free_ranges().collect::<Vec<_>>(), vec![(0, 4096)]);
    }

    #[test]
    fn refuses_zero_and_oversized_requests() {
        let mut a = BestFitAllocator::new(4096);
        assert_eq!(a.allocate(0), None);
        assert_eq!(a.allocate(4097), None);
        assert_eq!(a.allocate(4096), Some(0));
        assert_eq!(a.largest_free(), 0);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Alloc(u64),
        Free(usize),
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(
            prop_oneof![
                (1u64..5000).prop_map(Op::Alloc),
                any::<usize>().prop_map(Op::Free)
            ],
            1..300,
        )
    }

    proptest! {
        /// Live allocations never overlap, stay in bounds and aligned, and accounting always adds up.
        #[test]
        fn live_allocations_never_overlap(capacity in 1u64..200_000, ops in ops()) {
            let mut a = BestFitAllocator::new(capacity);
            let mut live: Vec<(u64, u64)> = Vec::new();
            for op in ops {
                match op {
                    Op::Alloc(len) => {
                        if let Some(offset) = a.allocate(len) {
                            prop_assert_eq!(offset % ALIGNMENT, 0);
                            prop_assert!(offset + aligned_len(len) <= capacity);
                            for &(o, l) in &live {
                                let (end, other_end) = (offset + aligned_len(len), o + aligned_len(l));
                                prop_assert!(end <= o || other_end <= offset, "overlap");
                            }
                            live.push((offset, len));
                        } else {
                            prop_assert!(a.largest_free() < aligned_len(len));
                        }
                    }
                    Op::Free(i) if !live.is_empty() => {
                        let (offset, len) = live.swap_remove(i % live.len());
                        a.free(offset, len);
                    }
                    Op::Free(_) => {}
                }
                let used: u64 = live.iter().map(|&(_, l)| aligned_len(l)).sum();
                prop_assert_eq!(a.free_bytes() + used, capacity - capacity % ALIGNMENT);
            }
        }

        /// Freeing everything restores one free range covering the whole usable capacity.
        #[test]
        fn freeing_everything_restores_capacity(capacity in 64u64..100_000, lens in prop::collection::vec(1u64..3000, 1..100)) {
            let mut a = BestFitAllocator::new(capacity);
            let live: Vec<(u64, u64)> = lens.iter().filter_map(|&l| a.allocate(l).map(|o| (o, l))).collect();
            for (offset, len) in live.into_iter().rev() {
                a.free(offset, len);
            }
            let usable = capacity - capacity % ALIGNMENT;
            prop_assert_eq!(a.free_ranges().collect::<Vec<_>>(), vec![(0, usable)]);
            prop_assert_eq!(a.free_bytes(), usable);
        }
    }
}
