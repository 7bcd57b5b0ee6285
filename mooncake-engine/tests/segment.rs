//! Segments: creation, pre-faulting, the huge page fallback, file lifetime, bounds checks and
//! registration in the memory registry.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;

use mooncake_engine::memory::{
    AccessError, MemoryRegistry, PageBacking, RegisteredRegion, Segment, SegmentError, SegmentOptions,
    page_size, reap_stale_segments,
};

fn meminfo(key: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_shared_segment_is_a_dev_shm_file_removed_on_drop() {
    let segment = Segment::create(SegmentOptions::new(10_000)).unwrap();
    assert_eq!(
        segment.len() as u64,
        10_000u64.div_ceil(page_size()) * page_size(),
        "rounded to pages"
    );
    assert_eq!(segment.addr() % page_size(), 0);
    assert_eq!(segment.as_ptr() as u64, segment.addr());
    let path = segment.shm_name().unwrap().to_owned();
    assert!(
        path.starts_with(&format!("/dev/shm/mooncake-{}-", std::process::id())),
        "{path}"
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.len(), segment.len() as u64);
    assert!(segment.prefault_time().is_some(), "pre-faulting is the default");
    assert_eq!(segment.page_backing(), PageBacking::Normal);

    // Bytes written through the segment are the file's bytes: another mapping sees them.
    // SAFETY: single-threaded test; nobody else touches the segment.
    unsafe { segment.write_at(100, b"hello").unwrap() };
    let file = std::fs::File::open(&path).unwrap();
    // SAFETY: the file is only modified by this test, not while the map is read.
    let other = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    assert_eq!(&other[100..105], b"hello");
    drop(other);

    drop(segment);
    assert!(
        !Path::new(&path).exists(),
        "the file is unlinked with the segment"
    );
}

#[test]
fn zero_sized_segments_are_refused() {
    assert!(matches!(
        Segment::create(SegmentOptions::new(0)),
        Err(SegmentError::ZeroSize)
    ));
}

#[test]
fn segments_without_prefault_fault_lazily_and_work() {
    let segment = Segment::create(SegmentOptions::new(1 << 20).prefault(false)).unwrap();
    assert!(segment.prefault_time().is_none());
    // SAFETY: single-threaded test.
    unsafe {
        segment.write_at((1 << 20) - 3, b"end").unwrap();
        assert_eq!(segment.slice((1 << 20) - 3, 3).unwrap(), b"end");
        assert_eq!(
            segment.slice(0, 4).unwrap(),
            &[0, 0, 0, 0],
            "fresh memory is zero"
        );
    }
}

#[test]
fn prefaulting_allocates_every_page_up_front() {
    // 128 MiB: large enough to be split across two pre-fault threads.
    let size = 128u64 << 20;
    let before = meminfo("Shmem:");
    let segment = Segment::create(SegmentOptions::new(size)).unwrap();
    let after = meminfo("Shmem:");
    let took = segment.prefault_time().unwrap();
    eprintln!(
        "pre-faulting 64 MiB took {took:?} ({:.2} s/GiB)",
        took.as_secs_f64() * 16.0
    );
    // Shmem is machine-wide and other processes come and go; demand most of the segment.
    assert!(
        after.saturating_sub(before) * 1024 >= size / 2,
        "Shmem grew by {} KiB only",
        after.saturating_sub(before)
    );
}

#[test]
fn huge_pages_fall_back_to_normal_pages_when_none_are_reserved() {
    let free_huge = meminfo("HugePages_Free:");
    let segment = Segment::create(SegmentOptions::new(4 << 20).hugepages(true)).unwrap();
    match segment.page_backing() {
        PageBacking::HugeTlb { page_size } => {
            assert!(free_huge > 0, "HugeTLB without reserved pages?");
            assert_eq!(segment.len() as u64 % page_size, 0);
            assert!(segment.shm_name().unwrap().starts_with("/proc/"));
        }
        PageBacking::TransparentHuge { .. } => {
            assert!(segment.shm_name().unwrap().starts_with("/dev/shm/mooncake-"));
        }
        PageBacking::Normal => panic!("hugepages requested but the segment says Normal"),
    }
    // Either way a peer can open the published path and the memory works.
    let path = segment.shm_name().unwrap().to_owned();
    // SAFETY: single-threaded test.
    unsafe { segment.write_at(4096, b"xy").unwrap() };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    // SAFETY: only this test writes the segment.
    let other = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    assert_eq!(&other[4096..4098], b"xy");
}

#[test]
fn anonymous_segments_have_no_shm_name() {
    let buffer = Segment::create(SegmentOptions::new(3 * page_size()).shared(false)).unwrap();
    assert_eq!(buffer.shm_name(), None);
    assert_eq!(buffer.buffer_descriptor("me").shm_name, None);
    // SAFETY: single-threaded test.
    unsafe {
        buffer.write_at(0, &[1, 2, 3]).unwrap();
        assert_eq!(buffer.slice(0, 3).unwrap(), &[1, 2, 3]);
    }
}

#[test]
fn every_accessor_checks_bounds_and_touches_nothing_when_out_of_range() {
    let segment = Segment::create(SegmentOptions::new(page_size())).unwrap();
    let len = segment.len();
    // SAFETY: single-threaded test.
    unsafe {
        segment.slice_mut(0, len).unwrap().fill(0xAA);
        assert!(matches!(
            segment.write_at(len - 2, &[0; 3]),
            Err(SegmentError::OutOfBounds { offset, len: 3, size }) if offset == len - 2 && size == len
        ));
        assert!(segment.write_at(usize::MAX, &[0]).is_err());
        assert!(segment.slice(len, 1).is_err());
        assert!(segment.slice_mut(1, len).is_err());
        let mut buf = [0u8; 2];
        assert!(segment.read_at(len - 1, &mut buf).is_err());
        assert_eq!(buf, [0, 0]);
        assert!(
            segment.slice(0, len).unwrap().iter().all(|&b| b == 0xAA),
            "canary intact"
        );
        assert!(
            segment.slice(len, 0).is_ok(),
            "an empty range at the end is in bounds"
        );
    }
}

#[test]
fn registration_exposes_exactly_the_segment_and_unregisters_on_drop() {
    let registry = Arc::new(MemoryRegistry::default());
    let segment = Arc::new(Segment::create(SegmentOptions::new(2 * page_size())).unwrap());
    let (addr, len) = (segment.addr(), segment.len() as u64);
    let registration = segment.register(&registry).unwrap();
    assert_eq!(registry.regions(), vec![segment.region()]);
    assert_eq!(registry.regions()[0].shm_name.as_deref(), segment.shm_name());

    assert!(registry.access(addr, len).is_ok());
    assert!(registry.access(addr + len - 1, 1).is_ok());
    assert!(registry.access(addr + len - 1, 2).is_err(), "runs past the end");
    assert!(registry.access(addr - 1, 1).is_err(), "before the start");

    // The same memory cannot be registered twice, nor a region overlapping it.
    assert!(matches!(
        segment.register(&registry),
        Err(AccessError::Overlaps { .. })
    ));
    let overlapping = RegisteredRegion {
        addr: addr + len - 1,
        length: 10,
        shm_name: None,
    };
    // SAFETY: refused before anything could dereference it (asserted).
    assert!(unsafe { registry.register(overlapping) }.is_err());

    // Another segment registers side by side.
    let other = Arc::new(Segment::create(SegmentOptions::new(page_size())).unwrap());
    let other_registration = other.register(&registry).unwrap();
    assert_eq!(registry.regions().len(), 2);

    drop(registration);
    assert!(registry.access(addr, 1).is_err(), "unregistered on drop");
    assert_eq!(registry.regions(), vec![other.region()]);
    // The segment itself lives on (the caller still holds it) and can be registered again.
    let again = segment.register(&registry).unwrap();
    assert_eq!(
        Arc::strong_count(&segment),
        2,
        "the registration holds the segment"
    );
    let segment_back = again.unregister();
    assert!(registry.access(addr, 1).is_err());
    assert!(Arc::ptr_eq(&segment_back, &segment));
    drop(other_registration);
    assert!(registry.regions().is_empty());
}

#[test]
fn a_registration_keeps_the_segment_mapped_after_its_owner_drops_it() {
    let registry = Arc::new(MemoryRegistry::default());
    let segment = Arc::new(Segment::create(SegmentOptions::new(page_size())).unwrap());
    let path = segment.shm_name().unwrap().to_owned();
    let addr = segment.addr();
    let registration = segment.register(&registry).unwrap();
    drop(segment);
    // Still registered and mapped: accessing it is fine.
    let access = registry.access(addr, 4).unwrap();
    // SAFETY: the access holds the region registered, and the registration holds it mapped.
    unsafe { access.as_ptr().write_bytes(7, 4) };
    drop(access);
    assert!(Path::new(&path).exists());
    drop(registration);
    assert!(
        !Path::new(&path).exists(),
        "last reference gone: unmapped and unlinked"
    );
}

#[test]
fn stale_segment_files_of_dead_processes_are_reaped() {
    // A pid that does not exist: above any pid in use, below pid_max's hard ceiling.
    let dead_pid = (4_000_000..4_194_304)
        .find(|p| !Path::new(&format!("/proc/{p}")).exists())
        .unwrap();
    let stale = format!("/dev/shm/mooncake-{dead_pid}-reaptest{}", std::process::id());
    std::fs::write(&stale, b"left by a crash").unwrap();
    let live = Segment::create(SegmentOptions::new(page_size())).unwrap();
    let removed = reap_stale_segments().unwrap();
    assert!(removed >= 1);
    assert!(!Path::new(&stale).exists());
    assert!(
        Path::new(live.shm_name().unwrap()).exists(),
        "a live process's segment stays"
    );
}
