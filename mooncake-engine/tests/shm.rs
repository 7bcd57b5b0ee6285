//! The `shm` transport: same-host reads and writes into a peer's segment, in one process and across
//! two processes (the test binary re-executes itself as the peer).

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use mooncake_engine::descriptor::SegmentDescriptor;
use mooncake_engine::memory::{MemoryRegistry, Segment, SegmentOptions, host_id, page_size};
use mooncake_engine::transport::local::LocalTransport;
use mooncake_engine::transport::shm::ShmTransport;
use mooncake_engine::transport::{Transfer, TransferError, Transport};

const CHILD_ENV: &str = "MOONCAKE_SHM_TEST_CHILD";
const DESCRIPTOR_LINE: &str = "SHM-CHILD-DESCRIPTOR ";

fn descriptor(name: &str, segments: &[&Segment]) -> SegmentDescriptor {
    SegmentDescriptor {
        name: name.to_owned(),
        protocol: "tcp".to_owned(),
        tcp_data_port: 0,
        tcp_proto_version: 2,
        tcp_data_host: None,
        rdma_server_name: String::new(),
        timestamp: String::new(),
        buffers: segments.iter().map(|s| s.buffer_descriptor(name)).collect(),
        devices: Vec::new(),
        host_id: Some(host_id().to_owned()),
    }
}

/// Byte `i` of pattern `seed`: not periodic at any power of two, so misplaced copies show.
fn pattern(seed: u8, offset: usize, len: usize) -> Vec<u8> {
    (offset..offset + len)
        .map(|i| {
            (i as u64)
                .wrapping_mul(2_654_435_761)
                .wrapping_add(seed as u64)
                .rotate_right(13) as u8
        })
        .collect()
}

fn one(
    transport: &ShmTransport,
    target: &SegmentDescriptor,
    transfer: Transfer<'_>,
) -> Result<(), TransferError> {
    let mut batch = [transfer];
    transport.transfer(target, &mut batch).pop().unwrap()
}

#[test]
fn writes_and_reads_every_size_from_one_byte_to_64_mib() {
    let peer = Segment::create(SegmentOptions::new((64 << 20) + 2 * page_size())).unwrap();
    let target = descriptor("peer", &[&peer]);
    let transport = ShmTransport::new();
    assert_eq!(transport.name(), "shm");
    assert!(transport.can_reach(&target));

    for len in [1usize, 7, 4096, 4097, 65_536 + 3, 1 << 20, 16 << 20, 64 << 20] {
        // Odd offset so that copies are not all page-aligned.
        let offset = if len == 64 << 20 {
            page_size() as usize + 1
        } else {
            12_345
        };
        let data = pattern(len as u8, 0, len);
        let addr = peer.addr() + offset as u64;
        one(
            &transport,
            &target,
            Transfer::Write {
                target_addr: addr,
                from: &data,
            },
        )
        .unwrap();
        // SAFETY: no transfer runs concurrently with this check.
        assert!(
            unsafe { peer.slice(offset, len) }.unwrap() == &data[..],
            "write of {len} B"
        );
        let mut back = vec![0u8; len];
        one(
            &transport,
            &target,
            Transfer::Read {
                target_addr: addr,
                into: &mut back,
            },
        )
        .unwrap();
        assert!(back == data, "read of {len} B");
    }
    assert_eq!(
        transport.mapped_paths(),
        vec![peer.shm_name().unwrap().to_owned()],
        "mapped once"
    );
}

/// Runs `batch` through `transfer_hashed` with `failing` (out of range) slipped in as its 4th
/// transfer; asserts that one alone failed and returns the others' CRCs, in order.
fn hashed_with_one_failure<'a>(
    transport: &dyn Transport,
    target: &SegmentDescriptor,
    mut batch: Vec<Transfer<'a>>,
    failing: Transfer<'a>,
) -> Vec<u32> {
    batch.insert(3, failing);
    let mut sums = transport.transfer_hashed(target, &mut batch);
    assert!(
        sums.remove(3).is_err(),
        "{}: a transfer past the end fails",
        transport.name()
    );
    sums.into_iter()
        .map(|sum| sum.expect("every other transfer succeeds"))
        .collect()
}

/// A batch through `transfer_hashed` (what batch_put / batch_get use with checksums on): every
/// transfer's bytes land exactly and its answer is the CRC-32 of those bytes; one out-of-range
/// transfer in the middle fails alone. Sizes cover the plain, the fused and the streaming paths.
fn hashed_batches_are_exact(transport: &dyn Transport, target: &SegmentDescriptor, segment: &Segment) {
    let name = transport.name();
    let sizes = [1usize, 255, 256, 4096 + 7, 65_536 + 3, (1 << 20) + 5, 16 << 20];
    let mut offsets = Vec::new();
    let mut at = 3usize;
    for len in sizes {
        offsets.push(at);
        at += len + 61;
    }
    let addr = |offset: usize| segment.addr() + offset as u64;
    let beyond = segment.addr() + segment.len() as u64 - 10;
    let values: Vec<Vec<u8>> = sizes
        .iter()
        .map(|&len| pattern(len as u8 ^ 0x5A, 9, len))
        .collect();

    let writes = values
        .iter()
        .zip(&offsets)
        .map(|(from, &offset)| Transfer::Write {
            target_addr: addr(offset),
            from,
        })
        .collect();
    let failing = Transfer::Write {
        target_addr: beyond,
        from: &values[2],
    };
    let sums = hashed_with_one_failure(transport, target, writes, failing);
    for ((sum, value), &offset) in sums.into_iter().zip(&values).zip(&offsets) {
        assert_eq!(sum, crc32fast::hash(value), "{name}: write of {}", value.len());
        // SAFETY: no transfer runs concurrently with this check.
        assert!(unsafe { segment.slice(offset, value.len()) }.unwrap() == &value[..]);
    }

    let mut backs: Vec<Vec<u8>> = sizes.iter().map(|&len| vec![0xEE; len]).collect();
    let mut spare = vec![0u8; 64];
    let reads = backs
        .iter_mut()
        .zip(&offsets)
        .map(|(into, &offset)| Transfer::Read {
            target_addr: addr(offset),
            into,
        })
        .collect();
    let failing = Transfer::Read {
        target_addr: beyond,
        into: &mut spare,
    };
    let sums = hashed_with_one_failure(transport, target, reads, failing);
    assert!(spare.iter().all(|&b| b == 0), "a failed read writes nothing");
    for ((sum, back), value) in sums.into_iter().zip(&backs).zip(&values) {
        assert_eq!(sum, crc32fast::hash(value), "{name}: read of {}", value.len());
        assert!(back == value, "{name}: read of {} B", value.len());
    }
}

#[test]
fn hashed_batches_through_shm_and_local_are_exact() {
    let peer = Segment::create(SegmentOptions::new(32 << 20)).unwrap();
    let target = descriptor("peer", &[&peer]);
    hashed_batches_are_exact(&ShmTransport::new(), &target, &peer);

    let own = Arc::new(Segment::create(SegmentOptions::new(32 << 20)).unwrap());
    let registry = Arc::new(MemoryRegistry::default());
    let _registration = own.register(&registry).unwrap();
    let target = descriptor("self", &[&own]);
    hashed_batches_are_exact(&LocalTransport::new("self".into(), registry), &target, &own);
}

#[test]
fn out_of_range_transfers_are_refused_and_touch_nothing() {
    let a = Segment::create(SegmentOptions::new(4 * page_size())).unwrap();
    let b = Segment::create(SegmentOptions::new(4 * page_size())).unwrap();
    let target = descriptor("peer", &[&a, &b]);
    let transport = ShmTransport::new();
    // SAFETY: no transfer runs while the canaries are set or checked.
    unsafe {
        a.slice_mut(0, a.len()).unwrap().fill(0xAA);
        b.slice_mut(0, b.len()).unwrap().fill(0xBB);
    }
    let end = a.addr() + a.len() as u64;
    let data = [0u8; 32];
    let mut into = [0x11u8; 32];
    let mut batch = [
        // Runs past the end of `a` (even if `b` happens to follow it in memory).
        Transfer::Write {
            target_addr: end - 16,
            from: &data,
        },
        // Starts before `a`.
        Transfer::Write {
            target_addr: a.addr() - 16,
            from: &data,
        },
        // Entirely outside every buffer.
        Transfer::Read {
            target_addr: 0x1000,
            into: &mut into,
        },
        // Address overflow.
        Transfer::Write {
            target_addr: u64::MAX - 8,
            from: &data,
        },
        // A valid one in the same batch still runs.
        Transfer::Write {
            target_addr: b.addr() + 8,
            from: &data[..4],
        },
    ];
    let results = transport.transfer(&target, &mut batch);
    for (i, r) in results[..4].iter().enumerate() {
        assert!(
            matches!(r, Err(TransferError::OutOfRange { .. })),
            "transfer {i}: {r:?}"
        );
    }
    assert!(results[4].is_ok());
    assert_eq!(into, [0x11; 32], "a refused read leaves the local buffer alone");
    // SAFETY: no transfer runs.
    unsafe {
        assert!(
            a.slice(0, a.len()).unwrap().iter().all(|&x| x == 0xAA),
            "a untouched"
        );
        let b_bytes = b.slice(0, b.len()).unwrap();
        assert!(
            b_bytes[..8].iter().chain(&b_bytes[12..]).all(|&x| x == 0xBB),
            "b canaries"
        );
        assert_eq!(&b_bytes[8..12], &[0, 0, 0, 0]);
    }
}

#[test]
fn a_descriptor_claiming_more_than_the_file_holds_is_refused() {
    let peer = Segment::create(SegmentOptions::new(page_size())).unwrap();
    let mut target = descriptor("peer", &[&peer]);
    target.buffers[0].length *= 4;
    let transport = ShmTransport::new();
    let data = [1u8; 8];
    let beyond = peer.addr() + 2 * page_size();
    let err = one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: beyond,
            from: &data,
        },
    )
    .unwrap_err();
    assert!(matches!(err, TransferError::Map { .. }), "{err:?}");
    // Even inside the real file: the descriptor is inconsistent, so nothing is trusted.
    let err = one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: peer.addr(),
            from: &data,
        },
    )
    .unwrap_err();
    assert!(matches!(err, TransferError::Map { .. }), "{err:?}");
    // SAFETY: no transfer runs.
    assert!(
        unsafe { peer.slice(0, peer.len()) }
            .unwrap()
            .iter()
            .all(|&x| x == 0)
    );
}

#[test]
fn reachability_needs_our_host_id_and_shm_names() {
    let peer = Segment::create(SegmentOptions::new(page_size())).unwrap();
    let transport = ShmTransport::new();
    let mut target = descriptor("peer", &[&peer]);
    assert!(transport.can_reach(&target));

    let mut elsewhere = target.clone();
    elsewhere.host_id = Some("another-boot/shm:1".to_owned());
    assert!(!transport.can_reach(&elsewhere));
    elsewhere.host_id = None;
    assert!(
        !transport.can_reach(&elsewhere),
        "a real Mooncake peer publishes no host id"
    );

    target.buffers[0].shm_name = None;
    assert!(!transport.can_reach(&target));
    let data = [0u8; 4];
    let err = one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: peer.addr(),
            from: &data,
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, TransferError::NoEndpoint { transport: "shm" }),
        "{err:?}"
    );

    // A pretend host id gates reachability only.
    let other_host = ShmTransport::with_host_id("another-boot/shm:1");
    assert!(!other_host.can_reach(&descriptor("peer", &[&peer])));
}

#[test]
fn a_gone_peer_is_a_map_error_and_its_mapping_is_released() {
    let transport = ShmTransport::new().with_revalidate_interval(Duration::ZERO);
    let peer = Segment::create(SegmentOptions::new(page_size())).unwrap();
    let target = descriptor("peer", &[&peer]);
    let data = [9u8; 16];
    one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: peer.addr(),
            from: &data,
        },
    )
    .unwrap();
    assert_eq!(transport.mapped_paths().len(), 1);
    drop(peer); // unlinks the file
    let err = one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: target.buffers[0].addr,
            from: &data,
        },
    )
    .unwrap_err();
    assert!(matches!(err, TransferError::Map { .. }), "{err:?}");
    assert!(
        transport.mapped_paths().is_empty(),
        "the dead peer's memory is not held"
    );
}

#[test]
fn forget_drops_a_cached_mapping() {
    let transport = ShmTransport::new();
    let peer = Segment::create(SegmentOptions::new(page_size())).unwrap();
    let target = descriptor("peer", &[&peer]);
    let mut into = [0u8; 4];
    one(
        &transport,
        &target,
        Transfer::Read {
            target_addr: peer.addr(),
            into: &mut into,
        },
    )
    .unwrap();
    assert!(transport.forget(peer.shm_name().unwrap()));
    assert!(!transport.forget(peer.shm_name().unwrap()));
    one(
        &transport,
        &target,
        Transfer::Read {
            target_addr: peer.addr(),
            into: &mut into,
        },
    )
    .unwrap();
}

const CHILD_SEGMENT: usize = 8 << 20;
const PARENT_WRITE: (usize, usize) = (1 << 20, (2 << 20) + 17);

#[test]
fn another_process_maps_our_peer_segment() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_peer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let json = lines
        .by_ref()
        .map(Result::unwrap)
        // libtest prints `test child_process_peer ... ` in front of the first line.
        .find_map(|l| l.split_once(DESCRIPTOR_LINE).map(|(_, json)| json.to_owned()))
        .expect("the child prints its descriptor");
    let target: SegmentDescriptor = serde_json::from_str(&json).unwrap();
    assert_ne!(target.buffers[0].addr, 0);

    let transport = ShmTransport::new();
    assert!(transport.can_reach(&target), "same host: {target:?}");
    let base = target.buffers[0].addr;
    let mut whole = vec![0u8; CHILD_SEGMENT];
    one(
        &transport,
        &target,
        Transfer::Read {
            target_addr: base,
            into: &mut whole,
        },
    )
    .unwrap();
    assert!(
        whole == pattern(1, 0, CHILD_SEGMENT),
        "the child's pattern arrives intact"
    );

    let (offset, len) = PARENT_WRITE;
    let data = pattern(2, offset, len);
    one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: base + offset as u64,
            from: &data,
        },
    )
    .unwrap();
    let past_end = [0u8; 2];
    let err = one(
        &transport,
        &target,
        Transfer::Write {
            target_addr: base + CHILD_SEGMENT as u64 - 1,
            from: &past_end,
        },
    )
    .unwrap_err();
    assert!(matches!(err, TransferError::OutOfRange { .. }));

    writeln!(stdin, "verify").unwrap();
    stdin.flush().unwrap();
    let verdict = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.contains("SHM-CHILD-"))
        .unwrap();
    assert!(verdict.contains("SHM-CHILD-OK"), "{verdict}");
    drop(stdin);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "child peer {status}: {rest:?}");
}

/// The peer process of [`another_process_maps_our_peer_segment`]; does nothing unless started by it.
#[test]
#[ignore = "run by another_process_maps_our_peer_segment in a child process"]
fn child_process_peer() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    // Never outlive a parent that failed before talking to us (it would wait for our EOF).
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(60));
        eprintln!("child peer: no word from the parent in 60 s; exiting");
        std::process::exit(3);
    });
    let segment = Segment::create(SegmentOptions::new(CHILD_SEGMENT as u64)).unwrap();
    assert_eq!(segment.len(), CHILD_SEGMENT);
    // SAFETY: nobody knows the segment yet.
    unsafe { segment.write_at(0, &pattern(1, 0, CHILD_SEGMENT)).unwrap() };
    let json = serde_json::to_string(&descriptor("child", &[&segment])).unwrap();
    println!("{DESCRIPTOR_LINE}{json}");
    std::io::stdout().flush().unwrap();

    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    let (offset, len) = PARENT_WRITE;
    let mut expected = pattern(1, 0, CHILD_SEGMENT);
    expected[offset..offset + len].copy_from_slice(&pattern(2, offset, len));
    // SAFETY: the parent has finished writing (it told us on stdin).
    let ok = unsafe { segment.slice(0, CHILD_SEGMENT) }.unwrap() == &expected[..];
    println!("{}", if ok { "SHM-CHILD-OK" } else { "SHM-CHILD-MISMATCH" });
    std::io::stdout().flush().unwrap();
}
