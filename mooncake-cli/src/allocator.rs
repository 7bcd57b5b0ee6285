//! Keeps freed memory in the process: glibc otherwise hands large blocks back to the kernel on
//! free and a value's next buffer pays a page fault per 4 KiB page to get memory back (≈10 µs per
//! page on the dev VM, whose freed memory returns to the host). A get returns a fresh buffer per
//! value, so that is the common case of a client, and on a node under load.

/// Largest block glibc's dynamic mmap threshold may reach (its documented maximum on 64-bit).
const MMAP_THRESHOLD: i32 = 32 << 20;
/// Free heap kept at the top before trimming: room for a batch of large values.
const TRIM_THRESHOLD: i32 = 1 << 30;

/// Serves blocks up to 32 MiB from the heap (reused after free instead of unmapped) and keeps up to
/// 1 GiB of freed heap before returning it. Call once, before any thread starts.
pub fn retain_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tunables; it is called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}
