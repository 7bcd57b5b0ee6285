//! The TCP transport over real sockets on 127.0.0.1: our initiator against our data server (v2 and
//! v1), batches, concurrency, refusals with memory around the target untouched, raw garbage, peers
//! that vanish mid-transfer, pooled connections to a restarted server, and a server in another
//! process.

#![allow(clippy::unwrap_used)]

#[path = "tcp/support.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use mooncake_engine::descriptor::SegmentDescriptor;
use mooncake_engine::transport::tcp::codec::{
    self, HEADER_LEN, Opcode, RequestHeader, STATUS_LEN, Status, Version,
};
use mooncake_engine::transport::tcp::staging::{EXPLORE_EVERY, SAMPLE_MIN, StagingPolicy};
use mooncake_engine::transport::tcp::{TcpConfig, TcpDataServer, TcpServerConfig, TcpTransport};
use mooncake_engine::transport::{Transfer, TransferError, Transport};
use support::{GUARD, Peer, descriptor, eventually, pattern};

const MIB: usize = 1 << 20;

fn write(t: &TcpTransport, d: &SegmentDescriptor, addr: u64, data: &[u8]) -> Result<(), TransferError> {
    let mut batch = [Transfer::Write {
        target_addr: addr,
        from: data,
    }];
    t.transfer(d, &mut batch).pop().unwrap()
}

fn read(t: &TcpTransport, d: &SegmentDescriptor, addr: u64, len: usize) -> Result<Vec<u8>, TransferError> {
    let mut out = vec![0u8; len];
    let mut batch = [Transfer::Read {
        target_addr: addr,
        into: &mut out,
    }];
    t.transfer(d, &mut batch).pop().unwrap().map(|()| out)
}

fn small_slices() -> TcpTransport {
    // Small slices make even modest transfers exercise slicing over several connections.
    TcpTransport::new(TcpConfig {
        slice_size: 64 * 1024,
        ..TcpConfig::default()
    })
}

#[test]
fn write_then_read_back_every_size() {
    let peer = Peer::start(64 * MIB + 4096);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    for t in [TcpTransport::default(), small_slices()] {
        for (i, &len) in [
            1,
            4096,
            64 * 1024,
            MIB,
            16 * MIB,
            64 * MIB,
            3,
            4097,
            1_000_003,
            3 * MIB + 17,
        ]
        .iter()
        .enumerate()
        {
            let offset = if len == 64 * MIB { 4095 } else { 13 * i };
            let data = pattern(len as u64 + i as u64, len);
            write(&t, &d, base + offset as u64, &data).unwrap();
            assert!(
                peer.region.snapshot(offset as isize, len) == data,
                "{len} B landed in peer memory"
            );
            let back = read(&t, &d, base + offset as u64, len).unwrap();
            assert!(back == data, "{len} B read back");
        }
        assert!(t.idle_connections() >= 1, "connections are pooled");
        let stats = t.stats();
        assert!(stats.bytes_written.load(Relaxed) >= (85 * MIB) as u64);
        assert_eq!(stats.bytes_written.load(Relaxed), stats.bytes_read.load(Relaxed));
        assert_eq!(stats.errors.load(Relaxed), 0);
        assert_eq!(stats.latency.snapshot().count, 20);
    }
    assert!(peer.region.guards_intact());
    let served = peer.server.stats();
    // The server counts a read once its answer is sent, which can be just after our client has it.
    eventually(|| served.bytes_written.load(Relaxed) == served.bytes_read.load(Relaxed));
    assert_eq!(
        served.bytes_written.load(Relaxed),
        served.bytes_read.load(Relaxed)
    );
    assert_eq!(served.rejected.load(Relaxed), 0);
}

#[test]
fn read_answers_leave_through_staging_unless_it_is_off() {
    for staging in [0, 4096, 512 * 1024] {
        let peer = Peer::start_with(
            4 * MIB,
            TcpServerConfig {
                staging: StagingPolicy::Fixed(staging),
                ..TcpServerConfig::default()
            },
        );
        let d = peer.descriptor(2);
        let data = pattern(staging as u64, 3 * MIB + 5);
        peer.region.fill(11, &data);
        let back = read(&TcpTransport::default(), &d, peer.region.addr() + 11, data.len()).unwrap();
        assert!(back == data, "staging {staging}");
        let stats = peer.server.stats();
        assert!(eventually(|| stats.bytes_read.load(Relaxed) >= data.len() as u64));
        let expected = if staging == 0 { 0 } else { data.len() as u64 };
        assert_eq!(stats.staged_bytes.load(Relaxed), expected, "staging {staging}");
    }
}

#[test]
fn by_default_a_node_times_both_ways_of_answering_and_settles_on_one() {
    let peer = Peer::start(4 * MIB);
    let d = peer.descriptor(2);
    let data = pattern(5, SAMPLE_MIN);
    peer.region.fill(0, &data);
    let t = TcpTransport::default();
    let stats = peer.server.stats();
    let len = data.len() as u64;
    // Reads `count` more answers; returns how many answers so far went through the staging buffer.
    let mut total = 0;
    let mut staged_after = |count: u64| {
        for _ in 0..count {
            assert!(read(&t, &d, peer.region.addr(), data.len()).unwrap() == data);
        }
        total += count;
        assert!(eventually(|| stats.bytes_read.load(Relaxed) >= total * len));
        stats.staged_bytes.load(Relaxed) / len
    };
    // While undecided, large answers alternate: half of them staged.
    let first = 16;
    assert_eq!(
        staged_after(first),
        first / 2,
        "answers alternate while the node measures"
    );
    // Decided: all but one in EXPLORE_EVERY go the cheaper way, whichever that is on this host.
    let more = 4 * EXPLORE_EVERY;
    let staged = staged_after(more) - first / 2;
    assert!(
        staged == 4 || staged == more - 4,
        "{staged} of {more} decided answers staged: one way, with one in {EXPLORE_EVERY} the other"
    );
}

#[test]
fn one_transfer_spreads_over_at_most_its_lanes() {
    let peer = Peer::start(8 * MIB);
    let d = peer.descriptor(2);
    let data = pattern(9, 8 * MIB);
    peer.region.fill(0, &data);
    for lanes in [1, 2] {
        let t = TcpTransport::new(TcpConfig {
            connections_per_peer: 4,
            lanes_per_transfer: lanes,
            slice_size: 256 * 1024,
            ..TcpConfig::default()
        });
        // 32 slices could use all 4 connections of the pool; the transfer opens only its lanes.
        assert!(read(&t, &d, peer.region.addr(), data.len()).unwrap() == data);
        let opened = t.idle_connections();
        assert!(
            (1..=lanes).contains(&opened),
            "{opened} connections for {lanes} lane(s)"
        );
    }
    assert!(TcpConfig::default().lanes_per_transfer <= 4);
}

#[test]
fn concurrent_batches_into_disjoint_ranges() {
    const THREADS: usize = 4;
    const SPAN: usize = 8 * MIB;
    let peer = Peer::start(THREADS * SPAN);
    let d = peer.descriptor(2);
    let t = Arc::new(TcpTransport::new(TcpConfig {
        connections_per_peer: 3,
        slice_size: 256 * 1024,
        ..TcpConfig::default()
    }));
    std::thread::scope(|s| {
        for thread in 0..THREADS {
            let (t, d) = (Arc::clone(&t), &d);
            let base = peer.region.addr() + (thread * SPAN) as u64;
            s.spawn(move || {
                for round in 0..3u64 {
                    // 200 small pieces (pipelined) and a few large ones (sliced) in one batch.
                    let mut layout = vec![4096usize; 200];
                    layout.extend([MIB, 2 * MIB + 5, 100]);
                    let datas: Vec<Vec<u8>> = layout
                        .iter()
                        .enumerate()
                        .map(|(i, &len)| pattern(round * 1000 + (thread * 10_000 + i) as u64, len))
                        .collect();
                    let mut offsets = Vec::new();
                    let mut at = 0u64;
                    for data in &datas {
                        offsets.push(base + at);
                        at += data.len() as u64 + 1;
                    }
                    assert!(at as usize <= SPAN);
                    let mut batch: Vec<Transfer<'_>> = datas
                        .iter()
                        .zip(&offsets)
                        .map(|(data, &target_addr)| Transfer::Write {
                            target_addr,
                            from: data,
                        })
                        .collect();
                    for r in t.transfer(d, &mut batch) {
                        r.unwrap();
                    }
                    let mut backs: Vec<Vec<u8>> = datas.iter().map(|v| vec![0; v.len()]).collect();
                    let mut batch: Vec<Transfer<'_>> = backs
                        .iter_mut()
                        .zip(&offsets)
                        .map(|(into, &target_addr)| Transfer::Read { target_addr, into })
                        .collect();
                    for r in t.transfer(d, &mut batch) {
                        r.unwrap();
                    }
                    assert!(backs == datas, "thread {thread} round {round}");
                }
            });
        }
    });
    assert!(t.idle_connections() <= 3, "at most connections_per_peer per peer");
    assert!(peer.region.guards_intact());
}

#[test]
fn a_mixed_batch_gets_per_request_results() {
    let peer = Peer::start(MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let end = base + MIB as u64;
    let t = small_slices();
    let good = pattern(1, 300_000);
    let far = pattern(2, 10);
    // Transfers of one batch are unordered (they may run in parallel), so the read targets a
    // range the batch does not write.
    let existing = pattern(14, 300_000);
    peer.region.fill(500_000, &existing);
    let mut back = vec![0u8; 300_000];
    let mut straddle = vec![0u8; 100];
    let mut batch = [
        Transfer::Write {
            target_addr: base + 10,
            from: &good,
        },
        Transfer::Write {
            target_addr: end,
            from: &far,
        },
        Transfer::Read {
            target_addr: end - 50,
            into: &mut straddle,
        },
        Transfer::Write {
            target_addr: 0x10,
            from: &[],
        },
        Transfer::Read {
            target_addr: base + 500_000,
            into: &mut back,
        },
    ];
    let results = t.transfer(&d, &mut batch);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(TransferError::OutOfRange { addr, len: 10 }) if addr == end));
    assert!(matches!(
        results[2],
        Err(TransferError::OutOfRange { len: 100, .. })
    ));
    assert!(results[3].is_ok(), "zero-length transfers complete without I/O");
    assert!(results[4].is_ok());
    assert!(back == existing);
    assert!(peer.region.snapshot(10, good.len()) == good);
    assert!(
        straddle.iter().all(|&b| b == 0),
        "nothing was read for a refused request"
    );
    assert_eq!(
        peer.server.stats().rejected.load(Relaxed),
        0,
        "nothing refused was sent"
    );
    assert!(peer.region.guards_intact());
}

/// A descriptor that claims more memory than the peer registered lets requests through to the
/// server, which must refuse them with memory around the registered range untouched.
#[test]
fn server_refuses_ranges_outside_registered_memory_and_touches_nothing() {
    let peer = Peer::start(MIB);
    let base = peer.region.addr();
    let liar = descriptor(peer.addr(), base - GUARD as u64, (MIB + 2 * GUARD) as u64, 2);
    let t = TcpTransport::default();
    let inside = pattern(3, MIB);
    write(&t, &liar, base, &inside).unwrap();
    for (addr, len) in [
        (base - 1, 2),                // one byte before the start
        (base + MIB as u64 - 10, 11), // one byte past the end
        (base - GUARD as u64, GUARD), // entirely in the guard
        (base - 100, MIB + 200),      // wraps the whole region
        (base + MIB as u64, GUARD),   // just past the end
    ] {
        let data = vec![0xEE; len];
        let err = write(&t, &liar, addr, &data).unwrap_err();
        assert!(
            matches!(err, TransferError::Rejected { .. }),
            "{addr:#x}+{len}: {err}"
        );
        let err = read(&t, &liar, addr, len).unwrap_err();
        assert!(
            matches!(err, TransferError::Rejected { .. }),
            "{addr:#x}+{len}: {err}"
        );
    }
    assert!(
        peer.region.guards_intact(),
        "canaries around the registered range"
    );
    assert!(
        peer.region.snapshot(0, MIB) == inside,
        "the registered range is untouched"
    );
    // 10 refused transfers; the one wrapping the region was sliced into two refused requests.
    assert_eq!(peer.server.stats().rejected.load(Relaxed), 12);
    // The transport recovers on a fresh connection.
    assert!(read(&t, &liar, base, MIB).unwrap() == inside);
}

fn raw_request(stream: &mut TcpStream, size: u64, addr: u64, opcode: u8) {
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(&size.to_le_bytes());
    header[8..16].copy_from_slice(&addr.to_le_bytes());
    header[16] = opcode;
    stream.write_all(&header).unwrap();
}

/// Reads everything until the server closes; panics if it does not close within 5 s.
fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut all = Vec::new();
    match stream.read_to_end(&mut all) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("server did not close the connection: {e}"),
    }
    all
}

#[test]
fn raw_garbage_gets_the_reject_frame_and_a_disconnect_while_others_keep_working() {
    let peer = Peer::start(MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let t = TcpTransport::default();
    let data = pattern(4, 4096);
    write(&t, &d, base, &data).unwrap();

    // A well-behaved raw v2 connection, open through all of the garbage below.
    let mut good = TcpStream::connect(peer.addr()).unwrap();
    let reject = codec::encode_status(Status::Rejected).to_vec();
    let cases: [(&str, u64, u64, u8); 5] = [
        ("bad opcode", 16, base, 0x85),
        ("size 0", 0, base, 0x81),
        ("address outside", 16, base + 2 * MIB as u64, 0x80),
        ("range past the end", 64 * 1024, base + MIB as u64 - 8, 0x81),
        ("overflow", 16, u64::MAX - 4, 0x80),
    ];
    for (what, size, addr, opcode) in cases {
        let mut bad = TcpStream::connect(peer.addr()).unwrap();
        raw_request(&mut bad, size, addr, opcode);
        assert_eq!(
            read_to_close(&mut bad),
            reject,
            "{what}: reject frame, then close"
        );
    }
    // v1 peers get no frame (they would take it for data), just the close.
    let mut bad = TcpStream::connect(peer.addr()).unwrap();
    raw_request(&mut bad, 16, base + 2 * MIB as u64, 0x00);
    assert_eq!(read_to_close(&mut bad), b"");
    // Plain noise that is not even a whole header: the server waits for the rest, then the peer
    // leaves; shorter than a header and then closed is simply a disconnect.
    let mut bad = TcpStream::connect(peer.addr()).unwrap();
    bad.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    bad.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_close(&mut bad), b"");

    // The good raw connection and the transport's pooled connection still work.
    raw_request(&mut good, 4096, base, 0x80);
    let mut answer = vec![0u8; STATUS_LEN + 4096];
    good.read_exact(&mut answer).unwrap();
    assert_eq!(
        codec::decode_status(answer[..8].try_into().unwrap()),
        Ok(Status::Ok)
    );
    assert!(answer[8..] == data);
    assert!(read(&t, &d, base, 4096).unwrap() == data);
    assert_eq!(peer.server.stats().rejected.load(Relaxed), 6);
    assert!(peer.region.guards_intact());
}

/// Serves a real Mooncake-style exchange by hand on one connection: several requests pipelined
/// back-to-back, answered in order.
#[test]
fn pipelined_raw_requests_are_answered_in_order() {
    let peer = Peer::start(MIB);
    let base = peer.region.addr();
    let mut s = TcpStream::connect(peer.addr()).unwrap();
    let a = pattern(5, 100);
    let header = |size: u64, addr: u64, opcode| {
        RequestHeader {
            size,
            addr,
            opcode,
            version: Version::V2,
        }
        .encode()
    };
    let mut wire = Vec::new();
    wire.extend(header(100, base, Opcode::Write));
    wire.extend(&a);
    wire.extend(header(100, base, Opcode::Read));
    wire.extend(header(50, base + 50, Opcode::Read));
    s.write_all(&wire).unwrap();
    let mut answer = vec![0u8; 8 + (8 + 100) + (8 + 50)];
    s.read_exact(&mut answer).unwrap();
    let ok = codec::encode_status(Status::Ok);
    assert_eq!(answer[..8], ok);
    assert_eq!(answer[8..16], ok);
    assert_eq!(answer[16..116], a[..]);
    assert_eq!(answer[116..124], ok);
    assert_eq!(answer[124..], a[50..]);
}

#[test]
fn v1_peers_work() {
    let peer = Peer::start(16 * MIB);
    let d = peer.descriptor(1);
    let base = peer.region.addr();
    let t = small_slices();
    for len in [1, 4096, 100_000, 5 * MIB + 3] {
        let data = pattern(len as u64, len);
        write(&t, &d, base + 7, &data).unwrap();
        assert!(read(&t, &d, base + 7, len).unwrap() == data, "{len} B over v1");
    }
    // A batch of small v1 writes and reads (no status frames to pace them).
    let datas: Vec<Vec<u8>> = (0..64).map(|i| pattern(100 + i, 1000)).collect();
    let mut batch: Vec<Transfer<'_>> = datas
        .iter()
        .enumerate()
        .map(|(i, from)| Transfer::Write {
            target_addr: base + (i * 1000) as u64,
            from,
        })
        .collect();
    assert!(t.transfer(&d, &mut batch).iter().all(Result::is_ok));
    assert!(read(&t, &d, base, 64_000).unwrap() == datas.concat());

    // A v1 request the server refuses just closes the connection: the read fails as an I/O error.
    let liar = descriptor(peer.addr(), base, 32 * MIB as u64, 1);
    let err = read(&t, &liar, base + 20 * MIB as u64, 10).unwrap_err();
    assert!(matches!(err, TransferError::Io { .. }), "{err}");
    assert!(peer.region.guards_intact());
}

/// A fake peer that accepts, takes the header and part of the payload (or answers OK and half the
/// data), then closes.
fn half_way_server(answer_reads: bool) -> (std::net::SocketAddr, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut header = [0u8; HEADER_LEN];
        s.read_exact(&mut header).unwrap();
        let request = RequestHeader::decode(&header).unwrap();
        if answer_reads {
            let mut out = codec::encode_status(Status::Ok).to_vec();
            out.extend(vec![0xAB; request.size as usize / 2]);
            s.write_all(&out).unwrap();
        } else {
            let mut half = vec![0u8; request.size as usize / 2];
            s.read_exact(&mut half).unwrap();
        }
        drop(s);
        // Refuse the retry the initiator may attempt on a new connection.
        drop(listener);
    });
    (addr, handle)
}

#[test]
fn a_peer_that_vanishes_mid_transfer_yields_a_clear_error() {
    let t = TcpTransport::default();
    for answer_reads in [false, true] {
        let (addr, fake) = half_way_server(answer_reads);
        let d = descriptor(addr, 0x10_0000, (16 * MIB) as u64, 2);
        let err = if answer_reads {
            let mut into = vec![0u8; 512 * 1024];
            let mut batch = [Transfer::Read {
                target_addr: 0x10_0000,
                into: &mut into,
            }];
            t.transfer(&d, &mut batch).pop().unwrap().unwrap_err()
        } else {
            write(&t, &d, 0x10_0000, &pattern(6, 512 * 1024)).unwrap_err()
        };
        assert!(
            matches!(err, TransferError::Io { .. } | TransferError::Connect { .. }),
            "answer_reads={answer_reads}: {err}"
        );
        fake.join().unwrap();
    }
}

/// `transfer_hashed` answers the CRC-32 of exactly the bytes each transfer moved, however they were
/// sliced and spread over connections, and an error for a refused one.
#[test]
fn hashed_transfers_answer_the_crc_of_every_transfer() {
    let peer = Peer::start(8 * MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let end = base + 8 * MIB as u64;
    for t in [TcpTransport::default(), small_slices()] {
        let written = pattern(21, 3 * MIB + 99);
        let existing = pattern(22, MIB + 5);
        peer.region.fill(4 * MIB, &existing);
        let mut back = vec![0u8; existing.len()];
        let mut empty = [0u8; 0];
        let mut batch = [
            Transfer::Write {
                target_addr: base,
                from: &written,
            },
            Transfer::Read {
                target_addr: base + 4 * MIB as u64,
                into: &mut back,
            },
            Transfer::Write {
                target_addr: end - 10,
                from: &written[..20],
            },
            Transfer::Read {
                target_addr: base,
                into: &mut empty,
            },
        ];
        let sums = t.transfer_hashed(&d, &mut batch);
        assert_eq!(*sums[0].as_ref().unwrap(), crc32fast::hash(&written));
        assert_eq!(*sums[1].as_ref().unwrap(), crc32fast::hash(&existing));
        assert!(matches!(sums[2], Err(TransferError::OutOfRange { .. })));
        assert_eq!(*sums[3].as_ref().unwrap(), 0, "nothing moved, CRC of nothing");
        assert!(back == existing);
        assert!(peer.region.snapshot(0, written.len()) == written);
    }
    assert!(peer.region.guards_intact());
}

/// `read_to_vecs` receives straight into new vectors: exact bytes (and CRCs when asked) however the
/// reads were sliced, each read's own result in a batch (a refused range fails alone, with no
/// vector), and a clear error for a peer that vanishes mid-read, hashing or not.
#[test]
fn reads_into_new_vectors_are_exact_or_fail_whole() {
    let peer = Peer::start(8 * MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let existing = pattern(31, 3 * MIB + 7);
    peer.region.fill(100, &existing);
    let small = pattern(32, 64 * 1024);
    peer.region.fill(4 * MIB, &small);
    for t in [TcpTransport::default(), small_slices()] {
        for hash in [true, false] {
            let reads = [
                (base + 100, existing.len()),
                (base + 8 * MIB as u64 - 4, 8),
                (base + 4 * MIB as u64, small.len()),
                (base, 0),
            ];
            let mut got = t.read_to_vecs(&d, &reads, hash).into_iter();
            for expected in [&existing[..], &[], &small[..], &[]] {
                let read = got.next().unwrap();
                if expected.is_empty() && read.is_err() {
                    assert!(matches!(read, Err(TransferError::OutOfRange { .. })), "{read:?}");
                    continue;
                }
                let (bytes, sum) = read.unwrap();
                assert!(bytes == expected, "hash {hash}: exact bytes");
                assert_eq!(sum, hash.then(|| crc32fast::hash(expected)));
            }
            assert!(got.next().is_none(), "one result per read");
        }
    }
    for hash in [true, false] {
        let (addr, fake) = half_way_server(true);
        let d = descriptor(addr, 0x10_0000, (16 * MIB) as u64, 2);
        let cut = TcpTransport::default()
            .read_to_vecs(&d, &[(0x10_0000, 512 * 1024)], hash)
            .pop()
            .unwrap();
        assert!(
            matches!(cut, Err(TransferError::Io { .. } | TransferError::Connect { .. })),
            "hash {hash}: {cut:?}"
        );
        fake.join().unwrap();
    }
}

/// Reads pipeline whatever their size: a fake peer that takes every request header before it
/// answers any sees all of a batch's 64 KiB reads arrive together (they used to go one per round
/// trip, their answers being larger than the window).
#[test]
fn reads_larger_than_the_window_are_pipelined() {
    const READS: usize = 8;
    const LEN: usize = 64 * 1024;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let fake = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut requests = Vec::new();
        for _ in 0..READS {
            let mut header = [0u8; HEADER_LEN];
            s.read_exact(&mut header)
                .expect("every header arrives before any answer");
            requests.push(RequestHeader::decode(&header).unwrap());
        }
        for (i, request) in requests.iter().enumerate() {
            let mut out = codec::encode_status(Status::Ok).to_vec();
            out.extend(vec![i as u8; request.size as usize]);
            s.write_all(&out).unwrap();
        }
    });
    let t = TcpTransport::new(TcpConfig {
        connections_per_peer: 1,
        ..TcpConfig::default()
    });
    let d = descriptor(addr, 0x10_0000, (16 * MIB) as u64, 2);
    let mut outs = vec![vec![0xFFu8; LEN]; READS];
    let mut batch: Vec<Transfer<'_>> = outs
        .iter_mut()
        .enumerate()
        .map(|(i, into)| Transfer::Read {
            target_addr: 0x10_0000 + (i * LEN) as u64,
            into,
        })
        .collect();
    let results = t.transfer(&d, &mut batch);
    drop(batch);
    fake.join().unwrap();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for (i, out) in outs.iter().enumerate() {
        assert!(out.iter().all(|&b| b == i as u8), "read {i} got its own answer");
    }
}

/// A long batch on one connection mixing writes and reads of sizes on both sides of the pipeline
/// window completes with every byte in place (the window rules never let both ends block writing).
#[test]
fn a_long_mixed_batch_on_one_connection_moves_every_byte() {
    let peer = Peer::start(16 * MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let t = TcpTransport::new(TcpConfig {
        connections_per_peer: 1,
        ..TcpConfig::default()
    });
    let sizes = [100, 40_000, 70_000, 200_000, 4096, 1, 300_000, 65_536];
    let mut at = 0usize;
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    for (i, &len) in sizes.iter().cycle().take(48).enumerate() {
        if i % 2 == 0 {
            writes.push((at, pattern(i as u64, len)));
        } else {
            let existing = pattern(100 + i as u64, len);
            peer.region.fill(at, &existing);
            reads.push((at, existing, vec![0u8; len]));
        }
        at += len;
    }
    let mut batch: Vec<Transfer<'_>> = Vec::new();
    let mut w = writes.iter();
    let mut r = reads.iter_mut();
    loop {
        let (a, b) = (w.next(), r.next());
        if a.is_none() && b.is_none() {
            break;
        }
        if let Some((off, data)) = a {
            batch.push(Transfer::Write {
                target_addr: base + *off as u64,
                from: data,
            });
        }
        if let Some((off, _, into)) = b {
            batch.push(Transfer::Read {
                target_addr: base + *off as u64,
                into,
            });
        }
    }
    let results = t.transfer(&d, &mut batch);
    drop(batch);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for (off, data) in &writes {
        assert!(
            peer.region.snapshot(*off as isize, data.len()) == *data,
            "write at {off}"
        );
    }
    for (off, expected, got) in &reads {
        assert!(got == expected, "read at {off}");
    }
    assert!(peer.region.guards_intact());
}

#[test]
fn server_shutdown_mid_transfer_fails_the_transfer_and_spares_other_ranges() {
    let mut peer = Peer::start(48 * MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let before = pattern(7, MIB);
    let after = pattern(8, MIB);
    peer.region.fill(0, &before);
    peer.region.fill(47 * MIB, &after);
    let t = Arc::new(TcpTransport::default());
    let writer = std::thread::spawn({
        let (t, d) = (Arc::clone(&t), d.clone());
        move || {
            let data = pattern(9, 32 * MIB);
            let started = Instant::now();
            loop {
                if let Err(e) = write(&t, &d, base + 8 * MIB as u64, &data) {
                    return e;
                }
                assert!(started.elapsed() < Duration::from_secs(30), "writes never failed");
            }
        }
    });
    std::thread::sleep(Duration::from_millis(100));
    peer.server.shutdown();
    let err = writer.join().unwrap();
    assert!(
        matches!(err, TransferError::Io { .. } | TransferError::Connect { .. }),
        "{err}"
    );
    assert!(peer.region.snapshot(0, MIB) == before);
    assert!(peer.region.snapshot(47 * MIB as isize, MIB) == after);
    assert!(peer.region.guards_intact());
    let err = read(&t, &d, base, 10).unwrap_err();
    assert!(matches!(err, TransferError::Connect { .. }), "{err}");
}

#[test]
fn pooled_connections_survive_a_server_restart() {
    let mut peer = Peer::start(MIB);
    let d = peer.descriptor(2);
    let base = peer.region.addr();
    let t = TcpTransport::default();
    write(&t, &d, base, b"before").unwrap();
    assert_eq!(t.idle_connections(), 1);
    let port = peer.addr();
    peer.server.shutdown();
    // Same registry and memory, new server on the same port.
    let server = TcpDataServer::bind(port, Arc::clone(&peer.registry)).unwrap();
    let data = pattern(10, 3000);
    write(&t, &d, base, &data).unwrap();
    assert!(read(&t, &d, base, 3000).unwrap() == data);
    drop(server);
}

#[test]
fn shutdown_closes_idle_connections_promptly() {
    let mut peer = Peer::start(MIB);
    let _idle = TcpStream::connect(peer.addr()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while peer.server.connection_count() == 0 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    peer.server.shutdown();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(peer.server.connection_count(), 0);
    assert!(TcpStream::connect(peer.addr()).is_err(), "no longer accepting");
}

#[test]
fn connections_beyond_the_limit_are_closed_and_others_keep_working() {
    let peer = Peer::start(MIB);
    let registry = Arc::clone(&peer.registry);
    let config = TcpServerConfig {
        max_connections: 2,
        ..TcpServerConfig::default()
    };
    let server = TcpDataServer::bind_with("127.0.0.1:0".parse().unwrap(), registry, config).unwrap();
    let d = descriptor(server.local_addr(), peer.region.addr(), MIB as u64, 2);
    let t = TcpTransport::new(TcpConfig {
        connections_per_peer: 1,
        ..TcpConfig::default()
    });
    write(&t, &d, peer.region.addr(), b"first").unwrap();
    let _second = TcpStream::connect(server.local_addr()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.connection_count() < 2 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut third = TcpStream::connect(server.local_addr()).unwrap();
    assert_eq!(read_to_close(&mut third), b"", "closed on accept");
    assert!(read(&t, &d, peer.region.addr(), 5).unwrap() == b"first");
}

const CHILD_ENV: &str = "MOONCAKE_TCP_TEST_CHILD";
const CHILD_LEN: usize = 24 * MIB;

/// The server half of `a_server_in_another_process`: serves a patterned region until its stdin
/// closes. Does nothing unless started by that test.
#[test]
#[ignore = "run by a_server_in_another_process in a child process"]
fn child_tcp_server() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let peer = Peer::start(CHILD_LEN);
    peer.region.fill(0, &pattern(11, CHILD_LEN));
    println!("READY {} {} {}", peer.addr(), peer.region.addr(), CHILD_LEN);
    std::io::stdout().flush().unwrap();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    assert!(peer.region.guards_intact());
}

#[test]
fn a_server_in_another_process() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_tcp_server", "--nocapture", "--ignored"])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = loop {
        let line = lines.next().expect("child exited before READY").unwrap();
        if let Some(rest) = line.strip_prefix("READY ") {
            break rest.to_owned();
        }
    };
    let fields: Vec<&str> = ready.split(' ').collect();
    let (server, addr, len): (std::net::SocketAddr, u64, usize) = (
        fields[0].parse().unwrap(),
        fields[1].parse().unwrap(),
        fields[2].parse().unwrap(),
    );
    assert_eq!(len, CHILD_LEN);
    let d = descriptor(server, addr, len as u64, 2);
    let t = TcpTransport::default();

    assert!(
        read(&t, &d, addr, len).unwrap() == pattern(11, len),
        "the child's bytes"
    );
    let data = pattern(12, 9 * MIB + 1);
    write(&t, &d, addr + 1000, &data).unwrap();
    assert!(read(&t, &d, addr + 1000, data.len()).unwrap() == data);
    let small = pattern(13, 4096);
    write(&t, &d, addr + len as u64 - 4096, &small).unwrap();
    assert!(read(&t, &d, addr + len as u64 - 4096, 4096).unwrap() == small);
    let err = write(&t, &d, addr + len as u64 - 4095, &small).unwrap_err();
    assert!(matches!(err, TransferError::OutOfRange { .. }));

    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "child: {status}");
}

#[path = "tcp/interop.rs"]
mod interop;

/// The real C++ Mooncake initiator (0.3.13 wheel, `te_initiator.py`) reads and writes our segment
/// through our data server, its descriptor taken from our HTTP metadata server.
#[test]
fn a_real_mooncake_initiator_reads_and_writes_our_segment() {
    let Some(python) = interop::reference_python() else {
        return;
    };
    const LEN: usize = 8 * MIB;
    let peer = Peer::start(LEN);
    peer.region.fill(0, &interop::mc_pattern(7, 0, LEN));
    let metadata = interop::MetadataServer::start();
    let d = peer.descriptor(2);
    let json = serde_json::to_vec(&d).unwrap();
    metadata
        .store
        .put(&mooncake_engine::metadata::ram_key(&d.name), json.into())
        .unwrap();

    let run = |args: &[&str]| {
        let out = Command::new(&python)
            .arg(interop::driver("te_initiator.py"))
            .args(["--metadata-server", &metadata.url, "--segment", &d.name])
            .args(["--address", &peer.region.addr().to_string()])
            .args(args)
            .env("MC_TCP_BIND_ADDRESS", "127.0.0.1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "te_initiator {args:?}: {stdout}\n{stderr}");
    };
    // Reads of what we serve, in one request and in 64 KiB requests submitted as one batch.
    run(&["--mode", "read", "--length", &LEN.to_string()]);
    run(&[
        "--mode",
        "read",
        "--length",
        "1000000",
        "--offset",
        "4097",
        "--block-size",
        "65536",
        "--api",
        "batch",
    ]);
    // Writes into our memory, checked here byte by byte, neighbours untouched.
    let (off, len) = (12_345, MIB + 7);
    run(&[
        "--mode",
        "write",
        "--length",
        &len.to_string(),
        "--offset",
        &off.to_string(),
        "--seed",
        "101",
    ]);
    assert!(peer.region.snapshot(off as isize, len) == interop::mc_pattern(101, off, len));
    assert!(peer.region.snapshot(0, off) == interop::mc_pattern(7, 0, off));
    let after = off + len;
    assert!(peer.region.snapshot(after as isize, LEN - after) == interop::mc_pattern(7, after, LEN - after));
    run(&[
        "--length",
        &(3 * MIB).to_string(),
        "--offset",
        &(4 * MIB).to_string(),
        "--seed",
        "55",
    ]);
    assert!(peer.region.snapshot(4 * MIB as isize, 3 * MIB) == interop::mc_pattern(55, 4 * MIB, 3 * MIB));
    assert!(peer.region.guards_intact());
    let stats = peer.server.stats();
    assert_eq!(stats.rejected.load(Relaxed), 0);
    assert!(stats.ops.load(Relaxed) >= 4);
}

/// Our initiator reads and writes a real C++ Mooncake target (`te_target.py`), which checks the
/// bytes itself; its server refuses a range outside its buffer with a reject frame we understand.
#[test]
fn we_read_and_write_a_real_mooncake_segment() {
    let Some(python) = interop::reference_python() else {
        return;
    };
    const LEN: usize = 8 * MIB;
    let metadata = interop::MetadataServer::start();
    let mut target = interop::RealTarget::spawn(&python, &metadata.url, LEN);
    let (name, base) = (target.name.clone(), target.base);
    let mut ask = |command: String| target.ask(&command);
    let published = metadata
        .store
        .get(&mooncake_engine::metadata::ram_key(&name))
        .unwrap();
    let d: SegmentDescriptor = serde_json::from_slice(&published).unwrap();
    assert_eq!((d.tcp_proto_version, d.buffers.len()), (2, 1));
    let t = TcpTransport::default();

    assert!(
        read(&t, &d, base, LEN).unwrap() == interop::mc_pattern(7, 0, LEN),
        "its initial fill"
    );
    let (off, len) = (4097, 2 * MIB + 3);
    write(&t, &d, base + off as u64, &interop::mc_pattern(101, off, len)).unwrap();
    assert_eq!(ask(format!("verify {off} {len} 101")), "ok");
    assert_eq!(ask(format!("verify 0 {off} 7")), "ok");
    let after = off + len;
    assert_eq!(ask(format!("verify {after} {} 7", LEN - after)), "ok");

    // A batch of small writes (pipelined on one connection) and a read of all of them.
    let datas: Vec<Vec<u8>> = (0..32)
        .map(|i| interop::mc_pattern(55, 6 * MIB + i * 4096, 4096))
        .collect();
    let mut batch: Vec<Transfer<'_>> = datas
        .iter()
        .enumerate()
        .map(|(i, from)| Transfer::Write {
            target_addr: base + (6 * MIB + i * 4096) as u64,
            from,
        })
        .collect();
    assert!(t.transfer(&d, &mut batch).iter().all(Result::is_ok));
    assert_eq!(ask(format!("verify {} {} 55", 6 * MIB, 32 * 4096)), "ok");
    assert!(read(&t, &d, base + 6 * MIB as u64, 32 * 4096).unwrap() == datas.concat());

    // Its server's reject frame, for a range its descriptor does not cover (as a stale one might).
    let liar = SegmentDescriptor {
        buffers: vec![mooncake_engine::descriptor::BufferDescriptor {
            length: 2 * LEN as u64,
            ..d.buffers[0].clone()
        }],
        ..d.clone()
    };
    let err = write(&t, &liar, base + LEN as u64, &[1u8; 100]).unwrap_err();
    assert!(matches!(err, TransferError::Rejected { .. }), "{err}");
    let err = read(&t, &liar, base + LEN as u64 - 50, 100).unwrap_err();
    assert!(matches!(err, TransferError::Rejected { .. }), "{err}");
    assert_eq!(
        ask(format!("verify {} {} 7", 7 * MIB, MIB)),
        "ok",
        "its memory is untouched"
    );
    // And the v1 protocol, which it still serves.
    let v1 = SegmentDescriptor {
        tcp_proto_version: 1,
        ..d.clone()
    };
    write(
        &t,
        &v1,
        base + 5 * MIB as u64,
        &interop::mc_pattern(9, 5 * MIB, MIB),
    )
    .unwrap();
    assert_eq!(ask(format!("verify {} {} 9", 5 * MIB, MIB)), "ok");
    assert!(read(&t, &v1, base, 4096).unwrap() == interop::mc_pattern(7, 0, 4096));

    assert_eq!(ask("quit".into()), "bye");
    target.finish();
}

/// Forgetting a peer closes its pooled connections (a departed peer must not keep sockets open).
#[test]
fn forgetting_a_peer_closes_its_idle_connections() {
    let peer = Peer::start(MIB);
    let d = peer.descriptor(2);
    let t = TcpTransport::default();
    write(&t, &d, peer.region.addr(), &[7u8; 4096]).unwrap();
    assert!(t.idle_connections() >= 1);
    t.forget(&d);
    assert_eq!(t.idle_connections(), 0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while peer.server.connection_count() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the server still sees our connection"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // And the next transfer simply opens a new one.
    assert!(read(&t, &d, peer.region.addr(), 4096).unwrap() == vec![7u8; 4096]);
}
