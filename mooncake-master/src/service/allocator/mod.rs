//! Space management inside one segment: the [`Allocator`] trait and its implementations.
//!
//! An allocator hands out `(offset, len)` ranges of `[0, capacity)`; the segment adds its base address.
//! Allocators never see object keys and never touch memory: they only do arithmetic on ranges, so the
//! master stays off the data path.

mod best_fit;

pub use best_fit::BestFitAllocator;

/// Every allocation starts on, and is rounded up to, this many bytes: cache-line aligned copies, and a
/// freed block always returns whole lines to the free list.
pub const ALIGNMENT: u64 = 64;

/// Rounds `len` up to [`ALIGNMENT`].
pub fn aligned_len(len: u64) -> u64 {
    len.div_ceil(ALIGNMENT).saturating_mul(ALIGNMENT)
}

/// Offset allocation within one segment.
pub trait Allocator: Send {
    /// Reserves `len` bytes (rounded up to [`ALIGNMENT`]) and returns the start offset, or `None` when
    /// no free range is large enough.
    fn allocate(&mut self, len: u64) -> Option<u64>;
    /// Marks `[offset, offset + len)` (len rounded up) as used, as when a restored image says a replica
    /// lives there; `false` when any of it is not free.
    fn reserve(&mut self, offset: u64, len: u64) -> bool;
    /// Returns a range obtained from [`Allocator::allocate`] with the same `len`.
    fn free(&mut self, offset: u64, len: u64);
    /// Total bytes managed.
    fn capacity(&self) -> u64;
    /// Bytes currently free (after alignment rounding).
    fn free_bytes(&self) -> u64;
    /// The largest single allocation that would succeed now.
    fn largest_free(&self) -> u64;
}
