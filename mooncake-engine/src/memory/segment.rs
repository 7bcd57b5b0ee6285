//! Segments: memory regions this process offers to peers (the mounted global segment) or uses as the
//! end of transfers (the local transfer buffer), with their registration in a [`MemoryRegistry`].
//!
//! Design note.
//!
//! - **Backing.** A shared segment is a file in `/dev/shm` named `mooncake-<pid>-<uuid>`, mapped
//!   `MAP_SHARED`; a same-host peer opens the path published as `shm_name` and maps the same pages.
//!   We chose a named file over a memfd published as `/proc/<pid>/fd/<fd>` because the name is
//!   unique forever (pid + random uuid): a peer can cache its mapping by path with no syscall per
//!   transfer, while a `/proc/<pid>/fd/<fd>` path is reused as soon as the fd number is (unmount +
//!   mount in one process) and opening it needs ptrace-read access to the owner. The price is that a
//!   crashed owner leaves its file behind; [`reap_stale_segments`] removes files whose pid is gone.
//! - **Huge pages.** HugeTLB pages only exist where the operator reserved them
//!   (`vm.nr_hugepages`), and `/dev/shm` is not hugetlbfs, so with `hugepages` we first try a
//!   `MFD_HUGETLB` memfd (published as `/proc/<pid>/fd/<fd>`; the shm transport re-validates such
//!   paths on every batch because they are not unique). When that fails — usually no reserved pages —
//!   we log a WARN and fall back to normal pages plus `MADV_HUGEPAGE`, which gives transparent huge
//!   pages if `/sys/kernel/mm/transparent_hugepage/shmem_enabled` allows it (we say in the log
//!   whether it does). On Firecracker VMs like ours huge pages do not speed up first touch: the host
//!   backs guest memory per 4 KiB (reference/performance-baseline.md).
//! - **Pre-faulting.** A never-touched page costs ≈10 µs here, so a segment written on first use runs
//!   at ≈400 MB/s. With `prefault` every page is allocated and mapped at creation with
//!   `MADV_POPULATE_WRITE` (Linux ≥ 5.14; older kernels: one write per page) and the time is logged.
//!   Pre-faulting also turns "`/dev/shm` is full" into an error at creation instead of a `SIGBUS` on
//!   some later write; without it we at least check the free space of `/dev/shm` up front.
//! - **Access.** Peers write segment memory at any time (the master hands out disjoint ranges), so
//!   Rust references into it are only handed out by `unsafe` accessors whose callers promise no
//!   concurrent writer of that range; every accessor checks bounds first.
//! - **Registration.** [`Segment::register`] returns a [`Registration`] that holds the segment alive
//!   and unregisters on drop, so the registry can never point at unmapped memory.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use memmap2::{Advice, MmapOptions, MmapRaw};

use super::host::SHM_DIR;
use super::registry::{AccessError, MemoryRegistry, RegisteredRegion};
use crate::descriptor::BufferDescriptor;

/// Prefix of segment file names in `/dev/shm`: `mooncake-<pid>-<uuid>`.
pub const SEGMENT_FILE_PREFIX: &str = "mooncake-";

/// Which huge page size to ask HugeTLB for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HugePageSize {
    /// The kernel's default huge page size (`Hugepagesize` in `/proc/meminfo`, 2 MiB on x86-64).
    #[default]
    Default,
    /// 2 MiB pages.
    Size2M,
    /// 1 GiB pages.
    Size1G,
}

impl HugePageSize {
    fn bytes(self) -> u64 {
        match self {
            HugePageSize::Default => default_huge_page_size(),
            HugePageSize::Size2M => 2 << 20,
            HugePageSize::Size1G => 1 << 30,
        }
    }

    /// `MFD_HUGE_*`: log2 of the size in bits 26..32 of the memfd flags (0 = default size).
    fn memfd_flags(self) -> libc::c_uint {
        match self {
            HugePageSize::Default => 0,
            HugePageSize::Size2M => 21 << 26,
            HugePageSize::Size1G => 30 << 26,
        }
    }
}

/// How to create a [`Segment`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentOptions {
    /// Size in bytes; must be > 0. Rounded up to the page size (the huge page size with HugeTLB).
    pub size: u64,
    /// Ask for huge pages: HugeTLB if reserved pages are available, else (with a WARN) normal pages
    /// advised with `MADV_HUGEPAGE`. Default `false`. Env override: `MC_STORE_USE_HUGEPAGE`.
    pub hugepages: bool,
    /// HugeTLB page size when `hugepages` is set. Default: the kernel's default huge page size. Env
    /// override: `MC_STORE_HUGEPAGE_SIZE` (`2MB` or `1GB`).
    pub huge_page_size: HugePageSize,
    /// Allocate and map every page at creation so that first writes do not fault. Default `true`.
    pub prefault: bool,
    /// File-backed so that same-host peers can map it (`true`, default: the global segment), or
    /// anonymous private memory no other process can see (`false`: a local transfer buffer).
    pub shared: bool,
}

impl SegmentOptions {
    /// A shared, pre-faulted segment of `size` bytes with normal pages.
    pub fn new(size: u64) -> Self {
        SegmentOptions {
            size,
            hugepages: false,
            huge_page_size: HugePageSize::Default,
            prefault: true,
            shared: true,
        }
    }

    pub fn hugepages(mut self, on: bool) -> Self {
        self.hugepages = on;
        self
    }

    pub fn prefault(mut self, on: bool) -> Self {
        self.prefault = on;
        self
    }

    pub fn shared(mut self, on: bool) -> Self {
        self.shared = on;
        self
    }

    /// Applies Mooncake's memory env vars: `MC_STORE_USE_HUGEPAGE` (`1`/`true`/`yes`/`on` enable,
    /// anything else disables) and `MC_STORE_HUGEPAGE_SIZE` (`2MB`/`1GB`, case-insensitive; other
    /// values are ignored with a WARN).
    pub fn with_env_overrides(mut self) -> Self {
        if let Ok(v) = std::env::var("MC_STORE_USE_HUGEPAGE") {
            self.hugepages = matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            );
        }
        if let Ok(v) = std::env::var("MC_STORE_HUGEPAGE_SIZE") {
            match v.trim().to_ascii_lowercase().as_str() {
                "2mb" | "2m" => self.huge_page_size = HugePageSize::Size2M,
                "1gb" | "1g" => self.huge_page_size = HugePageSize::Size1G,
                other => tracing::warn!(
                    value = other,
                    "MC_STORE_HUGEPAGE_SIZE must be 2MB or 1GB; ignored"
                ),
            }
        }
        self
    }
}

/// The pages a segment actually got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageBacking {
    /// Normal pages.
    Normal,
    /// Normal pages advised with `MADV_HUGEPAGE`; the kernel uses transparent huge pages if its THP
    /// settings allow (`thp_effective` says whether they did at creation).
    TransparentHuge { thp_effective: bool },
    /// Reserved HugeTLB pages of `page_size` bytes.
    HugeTlb { page_size: u64 },
}

/// Why a segment could not be created or accessed.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("segment size must be greater than zero")]
    ZeroSize,
    #[error("segment size {size} does not fit in this process's address space")]
    TooLarge { size: u64 },
    #[error("{dir} has {available} bytes free but the segment needs {needed}")]
    NoSpace {
        dir: &'static str,
        needed: u64,
        available: u64,
    },
    #[error("cannot create segment file {path}")]
    Create {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot map a segment of {size} bytes")]
    Map {
        size: u64,
        #[source]
        source: io::Error,
    },
    #[error("cannot pre-fault a segment of {size} bytes (out of memory?)")]
    Prefault {
        size: u64,
        #[source]
        source: io::Error,
    },
    #[error("range +{offset}..+{end} is outside the segment of {size} bytes", end = *offset as u128 + *len as u128)]
    OutOfBounds { offset: usize, len: usize, size: usize },
}

/// A segment file in `/dev/shm`, unlinked when dropped.
struct ShmFile {
    path: PathBuf,
    file: File,
}

impl Drop for ShmFile {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_file(&self.path) {
            tracing::warn!(path = %self.path.display(), %err, "cannot unlink segment file");
        }
    }
}

enum Backing {
    /// `/dev/shm/mooncake-<pid>-<uuid>`.
    ShmFile(ShmFile),
    /// A HugeTLB memfd, reachable as `/proc/<pid>/fd/<fd>` while the file stays open.
    Memfd { _file: File, path: String },
    /// Private anonymous memory (not shareable).
    Anonymous,
}

/// A mapped memory region owned by this process. Unmapped (and its file unlinked) on drop.
pub struct Segment {
    // Field order matters: the mapping is dropped (unmapped) before the file is unlinked/closed.
    map: MmapRaw,
    backing: Backing,
    pages: PageBacking,
    prefault_time: Option<Duration>,
}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Segment")
            .field("addr", &format_args!("{:#x}", self.addr()))
            .field("len", &self.len())
            .field("shm_name", &self.shm_name())
            .field("pages", &self.pages)
            .field("prefault_time", &self.prefault_time)
            .finish()
    }
}

impl Segment {
    /// Creates, maps and (if asked) pre-faults a segment. See the module docs for the backing.
    pub fn create(options: SegmentOptions) -> Result<Segment, SegmentError> {
        if options.size == 0 {
            return Err(SegmentError::ZeroSize);
        }
        let mut hugetlb = None;
        if options.hugepages {
            match create_hugetlb(&options) {
                Ok(made) => hugetlb = Some(made),
                Err(err) => {
                    let thp = thp_effective(options.shared);
                    tracing::warn!(
                        size = options.size,
                        error = %err,
                        thp_effective = thp,
                        "huge pages requested but HugeTLB pages are not available (reserve them with \
                         vm.nr_hugepages); using normal pages advised with MADV_HUGEPAGE"
                    );
                }
            }
        }
        let (map, backing, pages) = match hugetlb {
            Some(made) => made,
            None => {
                let size = round_up(options.size, page_size())?;
                let (map, backing) = if options.shared {
                    create_shm_file(size)?
                } else {
                    let map = MmapOptions::new()
                        .len(to_usize(size)?)
                        .map_anon()
                        .map_err(|source| SegmentError::Map { size, source })?;
                    (MmapRaw::from(map), Backing::Anonymous)
                };
                let pages = if options.hugepages {
                    // Best effort: the WARN above already said huge pages may not happen.
                    let _ = map.advise(Advice::HugePage);
                    PageBacking::TransparentHuge {
                        thp_effective: thp_effective(options.shared),
                    }
                } else {
                    PageBacking::Normal
                };
                (map, backing, pages)
            }
        };
        let mut segment = Segment {
            map,
            backing,
            pages,
            prefault_time: None,
        };
        if options.prefault {
            segment.prefault()?;
        }
        tracing::info!(
            addr = format_args!("{:#x}", segment.addr()),
            size = segment.len(),
            shm_name = segment.shm_name().unwrap_or("-"),
            pages = ?segment.pages,
            "segment created"
        );
        Ok(segment)
    }

    fn prefault(&mut self) -> Result<(), SegmentError> {
        let start = Instant::now();
        let size = self.len() as u64;
        match self.populate_parallel() {
            Ok(()) => {}
            Err(err) if err.raw_os_error() == Some(libc::EINVAL) => {
                // Kernel older than 5.14: touch one byte per page. The segment is fresh (all zero) and
                // not yet visible to anyone, so writing a zero changes nothing but allocates the page.
                let base = self.map.as_mut_ptr();
                for offset in (0..self.len()).step_by(page_size() as usize) {
                    // SAFETY: `offset < len`, inside our own writable mapping, which no one else
                    // can see yet.
                    unsafe { base.add(offset).write_volatile(0) };
                }
            }
            Err(source) => return Err(SegmentError::Prefault { size, source }),
        }
        let elapsed = start.elapsed();
        self.prefault_time = Some(elapsed);
        let gib = size as f64 / (1u64 << 30) as f64;
        tracing::info!(
            size,
            elapsed_ms = elapsed.as_secs_f64() * 1e3,
            s_per_gib = elapsed.as_secs_f64() / gib,
            "segment pre-faulted"
        );
        Ok(())
    }

    /// `MADV_POPULATE_WRITE` over the whole mapping, split across the CPUs for large segments: the
    /// cost is per-page fault work (zeroing, page-cache insertion, the hypervisor's own fault), which
    /// scales with cores; on this 2-vCPU VM two threads pre-fault 256 MiB about 1.6x faster than one.
    fn populate_parallel(&self) -> io::Result<()> {
        const MIN_CHUNK: usize = 64 << 20;
        let granule = match self.pages {
            PageBacking::HugeTlb { page_size } => page_size as usize,
            _ => page_size() as usize,
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(self.len() / MIN_CHUNK)
            .max(1);
        if threads == 1 {
            return self.map.advise(Advice::PopulateWrite);
        }
        let chunk = self.len().div_ceil(threads).div_ceil(granule) * granule;
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..self.len())
                .step_by(chunk)
                .map(|offset| {
                    let len = chunk.min(self.len() - offset);
                    scope.spawn(move || self.map.advise_range(Advice::PopulateWrite, offset, len))
                })
                .collect();
            // The scope joins any workers left after an early error.
            workers.into_iter().try_for_each(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(io::Error::other("pre-fault thread panicked")))
            })
        })
    }

    /// Start address in this process (what the segment descriptor publishes as `addr`).
    pub fn addr(&self) -> u64 {
        self.map.as_ptr() as u64
    }

    /// Size in bytes (after rounding to the page size).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Always `false`: sizes are > 0.
    pub fn is_empty(&self) -> bool {
        self.map.len() == 0
    }

    /// Start of the mapping. Dereferencing it is subject to the same rules as [`Segment::slice`].
    pub fn as_ptr(&self) -> *mut u8 {
        self.map.as_mut_ptr()
    }

    /// Path a same-host peer opens to map this segment from offset 0 (`None` for anonymous memory).
    pub fn shm_name(&self) -> Option<&str> {
        match &self.backing {
            Backing::ShmFile(f) => f.path.to_str(),
            Backing::Memfd { path, .. } => Some(path),
            Backing::Anonymous => None,
        }
    }

    /// The pages this segment got.
    pub fn page_backing(&self) -> PageBacking {
        self.pages
    }

    /// How long pre-faulting took (`None` if it was not asked for).
    pub fn prefault_time(&self) -> Option<Duration> {
        self.prefault_time
    }

    /// Checks that `[offset, offset + len)` lies inside the segment.
    pub fn check(&self, offset: usize, len: usize) -> Result<(), SegmentError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len() => Ok(()),
            _ => Err(SegmentError::OutOfBounds {
                offset,
                len,
                size: self.len(),
            }),
        }
    }

    /// The bytes at `[offset, offset + len)`, bounds-checked.
    ///
    /// # Safety
    /// Nobody (no thread of this process, no peer through a transport or its own mapping) may write
    /// that range while the slice lives. The master's allocator gives each object a disjoint range and
    /// only the writer of a range touches it before `PutEnd`, which is what callers rely on.
    pub unsafe fn slice(&self, offset: usize, len: usize) -> Result<&[u8], SegmentError> {
        self.check(offset, len)?;
        // SAFETY: in bounds (checked), mapped while `self` lives; no concurrent writer (caller).
        Ok(unsafe { std::slice::from_raw_parts(self.as_ptr().add(offset), len) })
    }

    /// The bytes at `[offset, offset + len)` for writing, bounds-checked.
    ///
    /// # Safety
    /// Nobody else may read or write that range while the slice lives (see [`Segment::slice`]); in
    /// particular the caller must not hold two overlapping slices from this method.
    #[allow(
        clippy::mut_from_ref,
        reason = "shared memory: exclusivity is the caller's promise"
    )]
    pub unsafe fn slice_mut(&self, offset: usize, len: usize) -> Result<&mut [u8], SegmentError> {
        self.check(offset, len)?;
        // SAFETY: in bounds (checked), mapped and writable while `self` lives; exclusive (caller).
        Ok(unsafe { std::slice::from_raw_parts_mut(self.as_ptr().add(offset), len) })
    }

    /// Copies `[offset, offset + into.len())` into `into`, bounds-checked (nothing copied if not).
    ///
    /// # Safety
    /// No one may write that range during the copy (see [`Segment::slice`]).
    pub unsafe fn read_at(&self, offset: usize, into: &mut [u8]) -> Result<(), SegmentError> {
        self.check(offset, into.len())?;
        // SAFETY: in bounds; `into` is a distinct Rust buffer, so the ranges cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(self.as_ptr().add(offset), into.as_mut_ptr(), into.len()) };
        Ok(())
    }

    /// Copies `from` to `[offset, offset + from.len())`, bounds-checked (nothing copied if not).
    ///
    /// # Safety
    /// No one else may read or write that range during the copy (see [`Segment::slice`]).
    pub unsafe fn write_at(&self, offset: usize, from: &[u8]) -> Result<(), SegmentError> {
        self.check(offset, from.len())?;
        // SAFETY: in bounds; exclusive (caller); `from` is a Rust slice, not segment memory we write.
        unsafe { std::ptr::copy_nonoverlapping(from.as_ptr(), self.as_ptr().add(offset), from.len()) };
        Ok(())
    }

    /// The registry entry for this segment.
    pub fn region(&self) -> RegisteredRegion {
        RegisteredRegion {
            addr: self.addr(),
            length: self.len() as u64,
            shm_name: self.shm_name().map(str::to_owned),
        }
    }

    /// How this segment appears in our segment descriptor; `name` is the server name for `tcp`.
    pub fn buffer_descriptor(&self, name: impl Into<String>) -> BufferDescriptor {
        BufferDescriptor {
            name: name.into(),
            addr: self.addr(),
            length: self.len() as u64,
            rkey: Vec::new(),
            lkey: Vec::new(),
            shm_name: self.shm_name().map(str::to_owned),
        }
    }

    /// Registers the whole segment in `registry` so peers may access it. The returned guard keeps the
    /// segment mapped and unregisters it when dropped (waiting for transfers in flight), so the
    /// registry can never refer to unmapped memory.
    pub fn register(self: &Arc<Self>, registry: &Arc<MemoryRegistry>) -> Result<Registration, AccessError> {
        // SAFETY: the range is our mapping, readable and writable; the Registration holds an
        // `Arc<Segment>`, so the mapping outlives the registration, which its Drop removes.
        unsafe { registry.register(self.region())? };
        Ok(Registration {
            segment: Arc::clone(self),
            registry: Arc::clone(registry),
        })
    }
}

/// A segment registered in a [`MemoryRegistry`]; unregisters it on drop.
///
/// Do not call [`MemoryRegistry::unregister`] for a guarded segment yourself: the guard would then
/// remove whatever is registered at that address later (nothing else can be, while the segment is
/// mapped there, but the registry would be briefly wrong).
#[derive(Debug)]
pub struct Registration {
    segment: Arc<Segment>,
    registry: Arc<MemoryRegistry>,
}

impl Registration {
    pub fn segment(&self) -> &Arc<Segment> {
        &self.segment
    }

    /// Unregisters now (same as dropping the guard), returning the segment.
    pub fn unregister(self) -> Arc<Segment> {
        Arc::clone(&self.segment)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.registry.unregister(self.segment.addr());
    }
}

/// Removes segment files in `/dev/shm` whose creating process no longer exists (left by a crash),
/// returning how many were removed. Their memory is held until every peer that mapped them unmaps.
///
/// Caveat: the pid in the name is the creator's pid in *its* pid namespace. Call this only where all
/// processes sharing `/dev/shm` share our pid namespace (the normal case: one host or one container).
pub fn reap_stale_segments() -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(SHM_DIR)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(SEGMENT_FILE_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => {
                removed += 1;
                tracing::warn!(path = %entry.path().display(), "removed a segment file left by a dead process");
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => {
                tracing::warn!(path = %entry.path().display(), %err, "cannot remove a stale segment file")
            }
        }
    }
    Ok(removed)
}

fn create_shm_file(size: u64) -> Result<(MmapRaw, Backing), SegmentError> {
    let available = shm_available()?;
    if available < size {
        return Err(SegmentError::NoSpace {
            dir: SHM_DIR,
            needed: size,
            available,
        });
    }
    let path = PathBuf::from(format!(
        "{SHM_DIR}/{SEGMENT_FILE_PREFIX}{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let create_err = |source| SegmentError::Create {
        path: path.display().to_string(),
        source,
    };
    // 0600: peers of the same user only; `create_new` so two segments can never share a file.
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(create_err)?;
    let shm = ShmFile { path, file };
    shm.file.set_len(size).map_err(|source| SegmentError::Create {
        path: shm.path.display().to_string(),
        source,
    })?;
    let map = MmapOptions::new()
        .len(to_usize(size)?)
        .map_raw(&shm.file)
        .map_err(|source| SegmentError::Map { size, source })?;
    Ok((map, Backing::ShmFile(shm)))
}

fn create_hugetlb(options: &SegmentOptions) -> Result<(MmapRaw, Backing, PageBacking), SegmentError> {
    let page_size = options.huge_page_size.bytes();
    let size = round_up(options.size, page_size)?;
    let map_err = |source| SegmentError::Map { size, source };
    if !options.shared {
        let map = MmapOptions::new()
            .len(to_usize(size)?)
            .huge(match options.huge_page_size {
                HugePageSize::Default => None,
                HugePageSize::Size2M => Some(21),
                HugePageSize::Size1G => Some(30),
            })
            .map_anon()
            .map_err(map_err)?;
        return Ok((
            MmapRaw::from(map),
            Backing::Anonymous,
            PageBacking::HugeTlb { page_size },
        ));
    }
    let flags = libc::MFD_CLOEXEC | libc::MFD_HUGETLB | options.huge_page_size.memfd_flags();
    // SAFETY: the name is a NUL-terminated literal; memfd_create has no other preconditions.
    let fd = unsafe { libc::memfd_create(c"mooncake-segment".as_ptr(), flags) };
    if fd < 0 {
        return Err(map_err(io::Error::last_os_error()));
    }
    // SAFETY: `fd` was just returned by memfd_create and is owned by nobody else.
    let file = unsafe { File::from_raw_fd(fd) };
    file.set_len(size).map_err(map_err)?;
    // HugeTLB reserves the pages at mmap time: this is where "no huge pages available" shows up
    // (ENOMEM), rather than as SIGBUS on first touch.
    let map = MmapOptions::new()
        .len(to_usize(size)?)
        .map_raw(&file)
        .map_err(map_err)?;
    let path = format!("/proc/{}/fd/{}", std::process::id(), file.as_raw_fd());
    Ok((
        map,
        Backing::Memfd { _file: file, path },
        PageBacking::HugeTlb { page_size },
    ))
}

/// Free bytes in `/dev/shm` (what a tmpfs file can still grow to without `SIGBUS` on write).
fn shm_available() -> Result<u64, SegmentError> {
    let io_err = |source| SegmentError::Create {
        path: SHM_DIR.to_owned(),
        source,
    };
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: the path is NUL-terminated; `stat` is valid for writes of one `statvfs`.
    let rc = unsafe { libc::statvfs(c"/dev/shm".as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return Err(io_err(io::Error::last_os_error()));
    }
    // SAFETY: statvfs returned 0, so it filled `stat`.
    let stat = unsafe { stat.assume_init() };
    #[allow(
        clippy::unnecessary_cast,
        reason = "the field types are narrower on 32-bit targets"
    )]
    Ok((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
}

/// Whether `MADV_HUGEPAGE` gives transparent huge pages for this kind of memory right now.
fn thp_effective(shared: bool) -> bool {
    let knob = if shared {
        "/sys/kernel/mm/transparent_hugepage/shmem_enabled"
    } else {
        "/sys/kernel/mm/transparent_hugepage/enabled"
    };
    let Ok(text) = std::fs::read_to_string(knob) else {
        return false;
    };
    // The active choice is bracketed, e.g. "always [madvise] never".
    let active = text
        .split_whitespace()
        .find(|w| w.starts_with('['))
        .unwrap_or("")
        .trim_matches(|c| c == '[' || c == ']');
    matches!(active, "always" | "madvise" | "advise" | "within_size" | "force")
}

/// The system page size.
pub fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 { size as u64 } else { 4096 }
}

fn default_huge_page_size() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("Hugepagesize:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(2 << 20, |kib| kib * 1024)
}

fn round_up(size: u64, to: u64) -> Result<u64, SegmentError> {
    size.div_ceil(to)
        .checked_mul(to)
        .ok_or(SegmentError::TooLarge { size })
}

fn to_usize(size: u64) -> Result<usize, SegmentError> {
    usize::try_from(size).map_err(|_| SegmentError::TooLarge { size })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_to_pages() {
        assert_eq!(round_up(1, 4096).unwrap(), 4096);
        assert_eq!(round_up(4096, 4096).unwrap(), 4096);
        assert_eq!(round_up(4097, 4096).unwrap(), 8192);
        assert!(round_up(u64::MAX, 4096).is_err());
    }

    #[test]
    fn thp_knob_parsing_reads_the_bracketed_choice() {
        // Only checks that the real knobs parse without panicking; the value depends on the host.
        let _ = thp_effective(true);
        let _ = thp_effective(false);
        assert!(default_huge_page_size() >= 2 << 20);
    }
}
