//! The transfer engine as a node uses it: start with a metadata backend, register a segment, resolve
//! a peer by name, move bytes (shm on the same host, tcp otherwise), withdraw on shutdown — between two
//! of our engines and with the real C++ Mooncake on both ends, over our HTTP metadata server and P2P.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use mooncake_engine::descriptor::SegmentDescriptor;
use mooncake_engine::memory::{Segment, SegmentOptions};
use mooncake_engine::metadata::ram_key;
use mooncake_engine::transport::{Transfer, TransferError};
use mooncake_engine::{EngineConfig, TransferEngine};

#[path = "tcp/interop.rs"]
mod interop;

mod common;

const MIB: usize = 1 << 20;

fn pattern(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn engine(metadata: &str, shm: bool) -> TransferEngine {
    let mut config = EngineConfig::new("127.0.0.1", metadata);
    config.enable_shm = shm;
    TransferEngine::start(config).await.unwrap()
}

async fn segment(engine: &TransferEngine, len: usize) -> Arc<Segment> {
    let segment = Arc::new(Segment::create(SegmentOptions::new(len as u64)).unwrap());
    engine.register_segment(segment.clone()).await.unwrap();
    segment
}

fn write(
    engine: &TransferEngine,
    target: &SegmentDescriptor,
    addr: u64,
    data: &[u8],
) -> Result<(), TransferError> {
    let mut batch = [Transfer::Write {
        target_addr: addr,
        from: data,
    }];
    engine.transfer(target, &mut batch).pop().unwrap()
}

fn read(
    engine: &TransferEngine,
    target: &SegmentDescriptor,
    addr: u64,
    len: usize,
) -> Result<Vec<u8>, TransferError> {
    let mut buf = vec![0u8; len];
    let mut batch = [Transfer::Read {
        target_addr: addr,
        into: &mut buf,
    }];
    engine.transfer(target, &mut batch).pop().unwrap()?;
    Ok(buf)
}

/// Writes then reads back sizes from 1 byte to 16 MiB at odd offsets, and checks the bytes landed.
fn round_trips(engine: &TransferEngine, target: &SegmentDescriptor, seg: &Segment) {
    let base = seg.addr();
    for (i, &len) in [1, 4096, 65_537, MIB, 16 * MIB].iter().enumerate() {
        let offset = 4096 * i as u64 + 3;
        let data = pattern(i as u8, len);
        write(engine, target, base + offset, &data).unwrap();
        assert!(
            read(engine, target, base + offset, len).unwrap() == data,
            "{len} bytes"
        );
        // SAFETY: no one else touches this range during the check.
        let landed = unsafe { std::slice::from_raw_parts(seg.as_ptr().add(offset as usize), len) };
        assert!(
            landed == data.as_slice(),
            "{len} bytes landed in the peer's memory"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_over_http_metadata_use_tcp_and_shm() {
    let metadata = interop::MetadataServer::start();
    let node = engine(&metadata.url, true).await;
    let seg = segment(&node, 32 * MIB).await;

    // The descriptor a real Mooncake engine would read: tcp v2, our buffer, plus our shm extras.
    let stored: SegmentDescriptor =
        serde_json::from_slice(&metadata.store.get(&ram_key(node.name())).unwrap()).unwrap();
    assert_eq!((stored.protocol.as_str(), stored.tcp_proto_version), ("tcp", 2));
    assert_eq!(stored.buffers.len(), 1);
    assert_eq!(
        (stored.buffers[0].addr, stored.buffers[0].length),
        (seg.addr(), 32 * MIB as u64)
    );
    assert!(stored.buffers[0].shm_name.is_some());

    let remote = engine(&metadata.url, false).await;
    let target = remote.resolve(node.name()).await.unwrap();
    assert_eq!(remote.transport_for(&target).name(), "tcp");
    round_trips(&remote, &target, &seg);
    assert!(remote.metrics().bytes("tcp", false) > 16 * MIB as u64);

    let local = engine(&metadata.url, true).await;
    let target = local.resolve(node.name()).await.unwrap();
    assert_eq!(
        local.transport_for(&target).name(),
        "shm",
        "same host picks shared memory"
    );
    round_trips(&local, &target, &seg);
    let metrics = local.metrics().render();
    assert!(metrics.contains("mooncake_engine_transfer_bytes_total{op=\"write\",transport=\"shm\"}"));
    if let Some(promtool) = common::require_binary("promtool", "engine metrics") {
        let mut check = Command::new(promtool)
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        check.stdin.take().unwrap().write_all(metrics.as_bytes()).unwrap();
        let out = check.wait_with_output().unwrap();
        let findings = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "promtool check metrics: {findings}");
    }

    // Out-of-range requests never leave the caller.
    let err = write(&remote, &target, seg.addr() + 32 * MIB as u64 - 10, &[0u8; 11]).unwrap_err();
    assert!(matches!(err, TransferError::OutOfRange { .. }), "{err}");

    // Unregistering withdraws the buffer from the published descriptor; shutdown withdraws it all.
    node.unregister_segment(seg.addr()).await.unwrap().unwrap();
    remote.forget_peer(node.name());
    let target = remote.resolve(node.name()).await.unwrap();
    assert!(target.buffers.is_empty());
    node.shutdown().await;
    assert!(metadata.store.get(&ram_key(node.name())).is_none());
    for engine in [remote, local] {
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_find_each_other_by_p2p_handshake() {
    let node = engine("P2PHANDSHAKE", false).await;
    let seg = segment(&node, 20 * MIB).await;
    let client = engine("P2PHANDSHAKE", false).await;
    assert_ne!(node.name(), client.name());
    // In P2P mode the name is the handshake listener, which is all a peer needs.
    let target = client.resolve(node.name()).await.unwrap();
    assert_eq!(target.buffers.len(), 1);
    round_trips(&client, &target, &seg);
    client.shutdown().await;
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_hostname_or_metadata_string_is_a_clear_error() {
    let err = TransferEngine::start(EngineConfig::new("127.0.0.1:notaport", "P2PHANDSHAKE"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("notaport"), "{err}");
    let err = TransferEngine::start(EngineConfig::new("127.0.0.1", "zookeeper://x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("zookeeper"), "{err}");
}

/// The real C++ Mooncake (its wheel's TransferEngine) reads and writes a segment of our engine,
/// finding it through our HTTP metadata server or by P2P handshake with our engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_mooncake_engine_reads_and_writes_our_engine() {
    let Some(python) = interop::reference_python() else {
        return;
    };
    let metadata = interop::MetadataServer::start();
    for conn in [metadata.url.clone(), "P2PHANDSHAKE".to_string()] {
        let ours = engine(&conn, true).await;
        const LEN: usize = 8 * MIB;
        let seg = segment(&ours, LEN).await;
        let initial = interop::mc_pattern(7, 0, LEN);
        // SAFETY: the peer does not run yet.
        unsafe { std::ptr::copy_nonoverlapping(initial.as_ptr(), seg.as_ptr(), LEN) };
        let run = |args: &[&str]| {
            let out = Command::new(&python)
                .arg(interop::driver("te_initiator.py"))
                .args(["--metadata-server", &conn, "--segment", ours.name()])
                .args(["--address", &seg.addr().to_string()])
                .args(args)
                .env("MC_TCP_BIND_ADDRESS", "127.0.0.1")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "te_initiator {args:?} via {conn}: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let run = move |args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            tokio::task::block_in_place(|| run(&args))
        };
        run(vec![
            "--mode".into(),
            "read".into(),
            "--length".into(),
            LEN.to_string(),
        ]);
        let (off, len) = (12_345usize, MIB + 7);
        run(vec![
            "--mode".into(),
            "write".into(),
            "--length".into(),
            len.to_string(),
            "--offset".into(),
            off.to_string(),
            "--seed".into(),
            "101".into(),
        ]);
        // SAFETY: the initiator has exited.
        let now = unsafe { std::slice::from_raw_parts(seg.as_ptr(), LEN) };
        assert!(
            now[off..off + len] == interop::mc_pattern(101, off, len)[..],
            "via {conn}"
        );
        assert!(
            now[..off] == initial[..off] && now[off + len..] == initial[off + len..],
            "neighbours untouched"
        );
        ours.shutdown().await;
    }
}

/// Our engine reads and writes a segment the real C++ Mooncake registered, found through our HTTP
/// metadata server; the real engine checks the bytes itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_engine_reads_and_writes_a_real_mooncake_segment() {
    let Some(python) = interop::reference_python() else {
        return;
    };
    const LEN: usize = 8 * MIB;
    let metadata = interop::MetadataServer::start();
    let mut target = interop::RealTarget::spawn(&python, &metadata.url, LEN);
    let (name, base) = (target.name.clone(), target.base);

    let ours = engine(&metadata.url, true).await;
    let real = ours.resolve(&name).await.unwrap();
    assert_eq!(
        ours.transport_for(&real).name(),
        "tcp",
        "a real Mooncake peer publishes no shm"
    );
    tokio::task::block_in_place(|| {
        assert!(read(&ours, &real, base, LEN).unwrap() == interop::mc_pattern(7, 0, LEN));
        let (off, len) = (4097usize, 2 * MIB + 3);
        write(
            &ours,
            &real,
            base + off as u64,
            &interop::mc_pattern(101, off, len),
        )
        .unwrap();
        assert_eq!(target.ask(&format!("verify {off} {len} 101")), "ok");
        assert_eq!(target.ask(&format!("verify 0 {off} 7")), "ok");
    });
    target.finish();
    ours.shutdown().await;
}
