//! Benchmark of the `shm` transport against plain single-thread `memcpy`, and of pre-faulting.
//!
//! Run: `cargo bench -p mooncake-engine --bench shm_copy`. Prints two tables:
//! 1. first write of a fresh 256 MiB segment, cold (faults on first touch) vs pre-faulted (and how
//!    long pre-faulting took);
//! 2. GB/s (10^9 B/s) of shm writes and reads (one transfer per call, through `Transport::transfer`)
//!    beside `memcpy` of the same sizes, both streaming through 256 MiB so the caches do not hold
//!    the data (performance-baseline.md measured memcpy the same way), with the ratio shm / memcpy.
//!
//! Each figure is the median of `REPS` passes over the whole 256 MiB region.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use mooncake_engine::descriptor::SegmentDescriptor;
use mooncake_engine::memory::{Segment, SegmentOptions, host_id};
use mooncake_engine::transport::shm::ShmTransport;
use mooncake_engine::transport::{Transfer, Transport};

const REGION: usize = 256 << 20;
const SIZES: [usize; 4] = [4 << 10, 64 << 10, 1 << 20, 16 << 20];
const REPS: usize = 5;

fn descriptor(segment: &Segment) -> SegmentDescriptor {
    SegmentDescriptor {
        name: "bench".to_owned(),
        protocol: "tcp".to_owned(),
        tcp_data_port: 0,
        tcp_proto_version: 2,
        tcp_data_host: None,
        rdma_server_name: String::new(),
        timestamp: String::new(),
        buffers: vec![segment.buffer_descriptor("bench")],
        devices: Vec::new(),
        host_id: Some(host_id().to_owned()),
    }
}

/// Median time of `REPS` runs of `pass` (each a full pass over the region).
fn median(mut pass: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            pass();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[REPS / 2]
}

fn gbps(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / t.as_secs_f64() / 1e9
}

/// Writes the whole segment once in 1 MiB chunks, returning the time.
fn first_write(segment: &Segment, chunk: &[u8]) -> Duration {
    let start = Instant::now();
    for offset in (0..segment.len()).step_by(chunk.len()) {
        // SAFETY: this benchmark is the only user of the segment.
        unsafe { segment.write_at(offset, chunk).unwrap() };
    }
    start.elapsed()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs us too: keep that quick.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let chunk = vec![0x5Au8; 1 << 20];

    println!(
        "## First write of a fresh {} MiB segment (1 MiB writes)\n",
        REGION >> 20
    );
    println!("| segment | pre-fault time | first write | first write GB/s | µs per 4 KiB page |");
    println!("|---|---|---|---|---|");
    let pages = (REGION / 4096) as f64;
    let cold = Segment::create(SegmentOptions::new(REGION as u64).prefault(false)).unwrap();
    let t_cold = first_write(&cold, &chunk);
    drop(cold);
    println!(
        "| cold (no pre-fault) | – | {:.1} ms | {:.2} | {:.2} |",
        t_cold.as_secs_f64() * 1e3,
        gbps(REGION, t_cold),
        t_cold.as_secs_f64() * 1e6 / pages
    );
    let warm = Segment::create(SegmentOptions::new(REGION as u64)).unwrap();
    let t_prefault = warm.prefault_time().unwrap();
    let t_warm = first_write(&warm, &chunk);
    drop(warm);
    println!(
        "| pre-faulted | {:.1} ms ({:.2} s/GiB, {:.2} µs/page) | {:.1} ms | {:.2} | {:.2} |",
        t_prefault.as_secs_f64() * 1e3,
        t_prefault.as_secs_f64() * (1u64 << 30) as f64 / REGION as f64,
        t_prefault.as_secs_f64() * 1e6 / pages,
        t_warm.as_secs_f64() * 1e3,
        gbps(REGION, t_warm),
        t_warm.as_secs_f64() * 1e6 / pages
    );

    // The peer segment, and a private local buffer at the other end of every transfer.
    let peer = Segment::create(SegmentOptions::new(REGION as u64)).unwrap();
    let local = Segment::create(SegmentOptions::new(REGION as u64).shared(false)).unwrap();
    let other = Segment::create(SegmentOptions::new(REGION as u64).shared(false)).unwrap();
    // SAFETY: this benchmark is the only user of these buffers.
    let (local_bytes, other_bytes) = unsafe {
        (
            local.slice_mut(0, REGION).unwrap(),
            other.slice_mut(0, REGION).unwrap(),
        )
    };
    local_bytes.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    let target = descriptor(&peer);
    let transport = ShmTransport::new();
    assert!(transport.can_reach(&target));

    let shm_write = |size: usize, local_bytes: &[u8]| {
        for offset in (0..REGION).step_by(size) {
            let mut batch = [Transfer::Write {
                target_addr: peer.addr() + offset as u64,
                from: &local_bytes[offset..offset + size],
            }];
            let results = transport.transfer(black_box(&target), &mut batch);
            black_box(results);
        }
    };
    let shm_read = |size: usize, local_bytes: &mut [u8]| {
        for offset in (0..REGION).step_by(size) {
            let mut batch = [Transfer::Read {
                target_addr: peer.addr() + offset as u64,
                into: &mut local_bytes[offset..offset + size],
            }];
            let results = transport.transfer(black_box(&target), &mut batch);
            black_box(results);
        }
    };
    // Warm-up: the transport's own mapping of the peer faults its page tables in on first touch.
    shm_write(1 << 20, local_bytes);
    shm_read(1 << 20, local_bytes);

    println!(
        "\n## shm transport vs single-thread memcpy, streaming through {} MiB\n",
        REGION >> 20
    );
    println!(
        "| size | memcpy GB/s | shm write GB/s | write / memcpy | shm read GB/s | read / memcpy | shm write µs/op |"
    );
    println!("|---|---|---|---|---|---|---|");
    for size in SIZES {
        let t_memcpy = median(|| {
            for offset in (0..REGION).step_by(size) {
                let src = black_box(local_bytes[offset..].as_ptr());
                let dst = black_box(other_bytes[offset..].as_mut_ptr());
                // SAFETY: both ranges are inside distinct 256 MiB buffers.
                unsafe { std::ptr::copy_nonoverlapping(src, dst, size) };
            }
        });
        let t_write = median(|| shm_write(size, local_bytes));
        let t_read = median(|| shm_read(size, local_bytes));
        let (m, w, r) = (
            gbps(REGION, t_memcpy),
            gbps(REGION, t_write),
            gbps(REGION, t_read),
        );
        let ops = (REGION / size) as f64;
        println!(
            "| {} | {m:.2} | {w:.2} | {:.2} | {r:.2} | {:.2} | {:.2} |",
            human(size),
            w / m,
            r / m,
            t_write.as_secs_f64() * 1e6 / ops
        );
    }
    // Per-call cost with (almost) no bytes: descriptor lookup, cached mapping, result vector.
    let calls = 1_000_000usize;
    let t_small = median(|| {
        for i in 0..calls {
            let offset = (i * 4096) % REGION;
            let mut batch = [Transfer::Write {
                target_addr: peer.addr() + offset as u64,
                from: &local_bytes[offset..offset + 8],
            }];
            black_box(transport.transfer(black_box(&target), &mut batch));
        }
    });
    println!(
        "\nPer-call overhead (8-byte shm writes): {:.3} µs per transfer call",
        t_small.as_secs_f64() * 1e6 / calls as f64
    );
    // SAFETY: the data read back must be what was written (a cheap end-to-end check).
    assert_eq!(unsafe { peer.slice(12_345, 1) }.unwrap()[0], 12_345u32 as u8);
}

fn human(size: usize) -> String {
    if size >= 1 << 20 {
        format!("{} MiB", size >> 20)
    } else {
        format!("{} KiB", size >> 10)
    }
}
