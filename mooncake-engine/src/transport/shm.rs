//! `shm`: reaches a peer on the same host by mapping its segment file and copying with `memcpy` — no
//! socket, no peer CPU. Chosen when the peer's descriptor carries our `host_id` and `shm_name`s.
//!
//! Design note.
//!
//! - Every transfer is checked against the peer's *descriptor* (the buffer covering the whole range,
//!   else `OutOfRange`) and then against the *file actually mapped* (a descriptor from the network
//!   could claim more than the file holds), before a single byte moves.
//! - Mappings are cached by path for the life of the transport: mapping a large segment costs
//!   `mmap` plus first-touch faults of the page tables, which is far more than a 4 KiB copy. Our
//!   segment paths (`/dev/shm/mooncake-<pid>-<uuid>`) are unique, so a cached entry can only go
//!   stale by the file disappearing; we re-`stat` such paths at most once per
//!   [`DEFAULT_REVALIDATE_INTERVAL`] and drop the mapping when the file is gone or has another inode,
//!   which also frees the memory of peers that left. Other paths (a HugeTLB memfd published as
//!   `/proc/<pid>/fd/<fd>`, whose fd number can be reused) are re-validated on every batch.
//! - Mappings are made with `MAP_POPULATE`: the peer pre-faulted its segment, so its pages are
//!   resident and populating only builds our page tables, once, instead of one fault per page on
//!   first touch during transfers. (The engine's own segment never comes here: see `local`.)
//! - The peer must never shrink its file while mapped (ours never do): touching a page beyond the
//!   end of a shared file mapping raises `SIGBUS`.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use memmap2::{MmapOptions, MmapRaw};
use parking_lot::RwLock;

use super::hashed::MemoryView;
use super::{Transfer, TransferError, Transport};
use crate::descriptor::{BufferDescriptor, SegmentDescriptor};
use crate::memory::{SEGMENT_FILE_PREFIX, SHM_DIR, host_id};

/// How often a cached mapping of a unique segment path is checked against the file system.
pub const DEFAULT_REVALIDATE_INTERVAL: Duration = Duration::from_secs(1);

/// The same-host transport. Cheap to share: one instance per engine, used from any thread.
#[derive(Debug)]
pub struct ShmTransport {
    host_id: String,
    mappings: RwLock<HashMap<String, Arc<PeerMapping>, BuildHasherDefault<Fnv1a>>>,
    revalidate_interval: Duration,
    epoch_ns: u64,
}

/// A peer's segment file mapped into this process.
#[derive(Debug)]
struct PeerMapping {
    map: MmapRaw,
    dev: u64,
    ino: u64,
    /// Whether the path names this file forever (our `/dev/shm/mooncake-…` names) or may be reused.
    unique_path: bool,
    /// When the path was last checked to still name this file, in ns since the transport's epoch.
    checked_at: AtomicU64,
}

impl Default for ShmTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl ShmTransport {
    /// A transport for this host (see [`crate::memory::host_id`]).
    pub fn new() -> Self {
        Self::with_host_id(host_id())
    }

    /// A transport that believes it runs on `host_id` (tests; the id only gates [`Transport::can_reach`]).
    pub fn with_host_id(host_id: impl Into<String>) -> Self {
        ShmTransport {
            host_id: host_id.into(),
            mappings: RwLock::new(HashMap::default()),
            revalidate_interval: DEFAULT_REVALIDATE_INTERVAL,
            epoch_ns: coarse_monotonic_ns(),
        }
    }

    /// Re-validate cached mappings of unique paths at most this often (default 1 s).
    pub fn with_revalidate_interval(mut self, every: Duration) -> Self {
        self.revalidate_interval = every;
        self
    }

    /// The host id this transport compares descriptors with.
    pub fn host_id(&self) -> &str {
        &self.host_id
    }

    /// Drops the cached mapping of `shm_name` (e.g. when the peer unmounted); `true` if there was one.
    /// Transfers in flight keep their own reference and finish first.
    pub fn forget(&self, shm_name: &str) -> bool {
        self.mappings.write().remove(shm_name).is_some()
    }

    /// Paths currently mapped, sorted.
    pub fn mapped_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.mappings.read().keys().cloned().collect();
        paths.sort();
        paths
    }

    /// Nanoseconds since the transport was created, from the coarse clock: it is read once per batch,
    /// and `CLOCK_MONOTONIC_COARSE` (tick resolution, plenty for a 1 s interval) costs a few ns where
    /// `Instant::now` was ~3 % of a 4 KiB transfer in the benchmark.
    fn now_ns(&self) -> u64 {
        coarse_monotonic_ns().saturating_sub(self.epoch_ns)
    }

    /// The mapping of `path`, from the cache when it is known to be current.
    fn mapping(&self, path: &str) -> Result<Arc<PeerMapping>, TransferError> {
        let now = self.now_ns();
        let interval = u64::try_from(self.revalidate_interval.as_nanos()).unwrap_or(u64::MAX);
        let cached = self.mappings.read().get(path).cloned();
        if let Some(m) = &cached
            && m.unique_path
            && now.saturating_sub(m.checked_at.load(Ordering::Relaxed)) < interval
        {
            return Ok(Arc::clone(m));
        }
        let map_err = |source| TransferError::Map {
            path: path.to_owned(),
            source,
        };
        if let Some(m) = cached {
            match std::fs::metadata(path) {
                Ok(meta) if meta.dev() == m.dev && meta.ino() == m.ino => {
                    m.checked_at.store(now, Ordering::Relaxed);
                    return Ok(m);
                }
                Ok(_) => {
                    tracing::debug!(path, "peer segment file was replaced; re-mapping");
                }
                Err(err) => {
                    // The peer is gone: release its memory now rather than when we are dropped.
                    self.forget(path);
                    return Err(map_err(err));
                }
            }
        }
        // Descriptors come from an unauthenticated metadata service: map only files that can be a
        // peer's segment, never an arbitrary path a descriptor names.
        if !is_mappable_path(path) {
            return Err(map_err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "not a segment file (/dev/shm/mooncake-* or /proc/<pid>/fd/<n>)",
            )));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(map_err)?;
        let meta = file.metadata().map_err(map_err)?;
        let map = MmapOptions::new().populate().map_raw(&file).map_err(map_err)?;
        let mapping = Arc::new(PeerMapping {
            map,
            dev: meta.dev(),
            ino: meta.ino(),
            unique_path: is_unique_segment_path(path),
            checked_at: AtomicU64::new(now),
        });
        tracing::debug!(path, len = meta.len(), "mapped peer segment");
        self.mappings
            .write()
            .insert(path.to_owned(), Arc::clone(&mapping));
        Ok(mapping)
    }

    /// A checked view of `len` bytes at `addr` of `target`'s memory, kept mapped while it lives.
    pub fn view(
        &self,
        target: &SegmentDescriptor,
        addr: u64,
        len: u64,
    ) -> Result<MemoryView<'static>, TransferError> {
        self.view_in(target, addr, len, &mut Vec::new())
    }

    /// [`Self::view`], looking the mapping up in `batch_maps` first (and adding it there): a batch
    /// of many small transfers to one segment pays one cache lookup (and at most one
    /// revalidation), not one per transfer.
    fn view_in<'t>(
        &self,
        target: &'t SegmentDescriptor,
        addr: u64,
        len: u64,
        batch_maps: &mut Vec<(&'t str, Arc<PeerMapping>)>,
    ) -> Result<MemoryView<'static>, TransferError> {
        let buffer = target
            .buffer_for(addr, len)
            .ok_or(TransferError::OutOfRange { addr, len })?;
        let path = buffer
            .shm_name
            .as_deref()
            .ok_or(TransferError::NoEndpoint { transport: "shm" })?;
        let mapping = match batch_maps.iter().find(|(p, _)| *p == path) {
            Some((_, m)) => Arc::clone(m),
            None => {
                let m = self.mapping(path)?;
                batch_maps.push((path, Arc::clone(&m)));
                m
            }
        };
        let offset =
            checked_offset(buffer, addr, len, mapping.map.len()).map_err(|source| TransferError::Map {
                path: path.to_owned(),
                source,
            })?;
        // SAFETY: `[offset, offset + len)` lies inside the mapping (checked above), which the Arc held
        // by the view keeps mapped. Concurrent writers of the same peer range are excluded by the
        // master's disjoint allocation.
        let ptr = unsafe { mapping.map.as_mut_ptr().add(offset) };
        Ok(unsafe { MemoryView::new(ptr, len as usize, Box::new(mapping)) })
    }

    /// Runs `op` on each transfer of `batch` against its view of `target`'s memory.
    fn each<T>(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
        op: impl Fn(&MemoryView<'static>, &mut Transfer<'_>) -> Result<T, TransferError>,
    ) -> Vec<Result<T, TransferError>> {
        let mut batch_maps = Vec::new();
        batch
            .iter_mut()
            .map(|t| {
                op(
                    &self.view_in(target, t.target_addr(), t.len() as u64, &mut batch_maps)?,
                    t,
                )
            })
            .collect()
    }
}

/// Offset of `addr` in the buffer's file, after checking the range against the mapped file size.
fn checked_offset(buffer: &BufferDescriptor, addr: u64, len: u64, mapped: usize) -> io::Result<usize> {
    // `buffer_for` guaranteed addr >= buffer.addr and addr + len <= buffer end.
    let offset = addr - buffer.addr;
    if buffer.length > mapped as u64 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the file holds {mapped} bytes but the descriptor's buffer claims {}",
                buffer.length
            ),
        ));
    }
    // In range of the mapping, hence of usize.
    debug_assert!(offset + len <= mapped as u64);
    Ok(offset as usize)
}

/// `CLOCK_MONOTONIC_COARSE` in nanoseconds (0 if the clock is unavailable, which only makes
/// revalidation happen on every batch).
fn coarse_monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) } != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// FNV-1a for the path-keyed mapping cache: keys are our own short paths (no untrusted-key
/// flooding concern worth SipHash's cost, which showed in the 4 KiB benchmark).
#[derive(Default)]
struct Fnv1a(u64);

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Segment files (`/dev/shm/mooncake-*`) and memfd links (`/proc/<pid>/fd/<n>`, for HugeTLB segments).
fn is_mappable_path(path: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let memfd = path
        .strip_prefix("/proc/")
        .and_then(|rest| rest.split_once("/fd/"))
        .is_some_and(|(pid, fd)| digits(pid) && digits(fd));
    memfd || is_unique_segment_path(path)
}

fn is_unique_segment_path(path: &str) -> bool {
    path.strip_prefix(SHM_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| name.starts_with(SEGMENT_FILE_PREFIX) && !name.contains('/'))
}

impl Transport for ShmTransport {
    fn name(&self) -> &'static str {
        "shm"
    }

    fn can_reach(&self, target: &SegmentDescriptor) -> bool {
        target.host_id.as_deref() == Some(self.host_id.as_str())
            && target.buffers.iter().any(|b| b.shm_name.is_some())
    }

    fn transfer(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<(), TransferError>> {
        self.each(target, batch, |view, t| view.copy(t))
    }

    fn transfer_hashed(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<u32, TransferError>> {
        self.each(target, batch, |view, t| view.copy_hashed(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_dev_shm_names_are_unique() {
        assert!(is_unique_segment_path("/dev/shm/mooncake-12-abcdef"));
        assert!(!is_unique_segment_path("/dev/shm/other"));
        assert!(!is_unique_segment_path("/dev/shm/mooncake-1/../x"));
        assert!(!is_unique_segment_path("/proc/12/fd/5"));
        assert!(is_mappable_path("/proc/12/fd/5") && is_mappable_path("/dev/shm/mooncake-1-ab"));
        assert!(!is_mappable_path("/etc/passwd") && !is_mappable_path("/proc/12/fd/../../x"));
        assert!(!is_mappable_path("/dev/shm/mooncake-1/../../etc/passwd"));
    }
}
