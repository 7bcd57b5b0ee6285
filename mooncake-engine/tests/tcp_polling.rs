//! Large TCP messages are read with a poll between stretches, on both ends: a storage node taking a
//! WRITE's payload and an initiator taking a READ's answer. Alone in its test binary, because it
//! counts the process-wide polled waits.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "tcp/support.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use mooncake_engine::reply_spin::polled_waits;
use mooncake_engine::transport::tcp::codec::{self, HEADER_LEN, RequestHeader, Status};
use mooncake_engine::transport::tcp::{TcpConfig, TcpTransport};
use mooncake_engine::transport::{Transfer, Transport};
use support::{Peer, descriptor, pattern};

const STRETCH: usize = 64 * 1024;
const STRETCHES: usize = 4;
/// Far longer than the poll budget: every wait between stretches polls, then blocks.
const GAP: Duration = Duration::from_millis(20);

/// Writes `data` in [`STRETCHES`] pieces with a pause before each after the first.
fn send_in_stretches(stream: &mut TcpStream, data: &[u8]) {
    for (i, piece) in data.chunks(STRETCH).enumerate() {
        if i > 0 {
            std::thread::sleep(GAP);
        }
        stream.write_all(piece).unwrap();
    }
}

#[test]
fn both_ends_poll_between_the_stretches_of_a_message() {
    // A node takes a WRITE whose payload trickles in.
    let peer = Peer::start(STRETCH * STRETCHES);
    let data = pattern(7, STRETCH * STRETCHES);
    let mut raw = TcpStream::connect(peer.addr()).unwrap();
    let header = RequestHeader {
        size: data.len() as u64,
        addr: peer.region.addr(),
        opcode: codec::Opcode::Write,
        version: codec::Version::V2,
    }
    .encode();
    let before = polled_waits();
    raw.write_all(&header).unwrap();
    send_in_stretches(&mut raw, &data);
    let mut status = [0u8; codec::STATUS_LEN];
    raw.read_exact(&mut status).unwrap();
    assert_eq!(status, codec::encode_status(Status::Ok));
    assert!(
        peer.region.snapshot(0, data.len()) == data,
        "the payload landed whole"
    );
    let node_polls = polled_waits() - before;
    assert!(
        node_polls >= (STRETCHES - 1) as u64,
        "the node polled {node_polls} times for a payload in {STRETCHES} stretches"
    );

    // An initiator takes a READ answer that trickles in, from a hand-written node.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let node = listener.local_addr().unwrap();
    let answer = data.clone();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut header = [0u8; HEADER_LEN];
        conn.read_exact(&mut header).unwrap();
        conn.write_all(&codec::encode_status(Status::Ok)).unwrap();
        send_in_stretches(&mut conn, &answer);
    });
    let transport = TcpTransport::new(TcpConfig {
        slice_size: data.len(),
        ..TcpConfig::default()
    });
    let mut got = vec![0u8; data.len()];
    let before = polled_waits();
    let result = transport
        .transfer(
            &descriptor(node, 0x1000, data.len() as u64, 2),
            &mut [Transfer::Read {
                target_addr: 0x1000,
                into: &mut got,
            }],
        )
        .pop()
        .unwrap();
    server.join().unwrap();
    result.unwrap();
    assert!(got == data, "the answer arrived whole");
    let reader_polls = polled_waits() - before;
    // One poll for the answer to start, one before each further stretch.
    assert!(
        reader_polls >= STRETCHES as u64,
        "the reader polled {reader_polls} times for an answer in {STRETCHES} stretches"
    );
}
