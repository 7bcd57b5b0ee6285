//! P2PHANDSHAKE over real sockets on 127.0.0.1: two of our engines exchanging descriptors, notify and
//! probe, raw peers sending legacy, oversize, truncated and garbage frames, clients facing peers that
//! answer wrongly, and — when the real C++ Mooncake is installed (`MOONCAKE_REFERENCE_PYTHON`, see
//! `tests/interop/README.md`) — real engines handshaking with ours in both directions.

#![allow(clippy::unwrap_used)]

mod common;
#[allow(dead_code)]
#[path = "tcp/support.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use mooncake_engine::MetadataError;
use mooncake_engine::descriptor::{RpcMeta, SegmentDescriptor};
use mooncake_engine::error::HandshakeError;
use mooncake_engine::metadata::handshake::{DEFAULT_MAX_FRAME_LEN, encode_frame};
use mooncake_engine::metadata::{
    FrameKind, HandshakeConfig, HandshakeResponder, HandshakeServer, KeySpace, LocalDescriptor,
    MetadataBackend, NotifyMessage, RequestType, SegmentResolver, empty_connection_reply, exchange,
    exchange_metadata, probe, send_notify,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn descriptor(name: &str, data_port: u16) -> SegmentDescriptor {
    serde_json::from_value(json!({
        "name": name, "protocol": "tcp", "tcp_data_port": data_port, "tcp_proto_version": 2,
        "tcp_data_host": "127.0.0.1", "rdma_server_name": "",
        "buffers": [{"name": name, "addr": 0x7f00_0000_0000u64 + u64::from(data_port), "length": 4096}],
    }))
    .unwrap()
}

/// One of our engines in P2P mode: a handshake server and a resolver sharing the local descriptor;
/// its segment name is its handshake address, as in Mooncake.
struct Engine {
    name: String,
    server: HandshakeServer,
    resolver: SegmentResolver,
}

impl Engine {
    async fn start(data_port: u16) -> Self {
        let local = LocalDescriptor::new();
        let server = HandshakeServer::bind("127.0.0.1:0", local.clone()).await.unwrap();
        let name = server.local_addr().to_string();
        let resolver =
            SegmentResolver::new(MetadataBackend::P2pHandshake, KeySpace::default()).with_local(local);
        let rpc = RpcMeta {
            ip_or_host_name: "127.0.0.1".into(),
            rpc_port: server.local_addr().port(),
        };
        resolver
            .publish(&descriptor(&name, data_port), &rpc)
            .await
            .unwrap();
        Self {
            name,
            server,
            resolver,
        }
    }
}

#[tokio::test]
async fn two_engines_exchange_descriptors_and_cache_them() {
    let (a, b) = (Engine::start(1001).await, Engine::start(1002).await);
    assert_eq!(
        *a.resolver.resolve(&b.name).await.unwrap(),
        descriptor(&b.name, 1002)
    );
    assert_eq!(
        *b.resolver.resolve(&a.name).await.unwrap(),
        descriptor(&a.name, 1001)
    );
    assert_eq!(
        b.resolver.rpc_meta(&a.name).await.unwrap().rpc_port,
        a.server.local_addr().port()
    );

    // B registers more memory: A keeps its cached copy until it invalidates.
    let mut grown = descriptor(&b.name, 1002);
    grown.buffers[0].length *= 2;
    b.resolver.update(&grown).await.unwrap();
    assert_eq!(a.resolver.resolve(&b.name).await.unwrap().buffers[0].length, 4096);
    a.resolver.invalidate(&b.name);
    assert_eq!(*a.resolver.resolve(&b.name).await.unwrap(), grown);

    // B withdraws its segment: its server refuses metadata requests (closes without a reply).
    b.resolver.unpublish(&b.name).await.unwrap();
    let err = a.resolver.refresh(&b.name).await.unwrap_err();
    assert!(
        matches!(err, MetadataError::Handshake(HandshakeError::Io { .. })),
        "{err:?}"
    );

    // A stopped server is a connection error naming the peer.
    let b_name = b.name.clone();
    b.server.shutdown().await.unwrap();
    let err = a.resolver.refresh(&b_name).await.unwrap_err();
    assert!(
        matches!(err, MetadataError::Handshake(HandshakeError::Connect { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains(&b_name), "{err}");
    a.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn notify_probe_and_connection_requests() {
    let engine = Engine::start(1003).await;
    let config = HandshakeConfig::default();
    let message = NotifyMessage {
        name: "127.0.0.1:9".into(),
        notify_msg: "batch 7 done".into(),
    };
    let ack = send_notify(&engine.name, &message, &config).await.unwrap();
    assert_eq!(
        ack,
        NotifyMessage {
            name: String::new(),
            notify_msg: "success".into()
        }
    );
    assert_eq!(engine.server.notifies().drain(), vec![message]);
    assert!(probe(&engine.name, &config).await.unwrap());
    let reply = exchange(&engine.name, RequestType::Connection, &json!({}), &config)
        .await
        .unwrap();
    assert_eq!(reply, empty_connection_reply());
}

/// Sends raw bytes to `addr`, half-closes, and returns everything the server sends before closing.
async fn raw_exchange(addr: std::net::SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .unwrap();
    answer
}

#[tokio::test]
async fn raw_peers_legacy_frames_and_garbage() {
    let engine = Engine::start(1004).await;
    let addr = engine.server.local_addr();

    // A legacy frame (no type byte) is a Connection request, and the reply is legacy too:
    // L = payload length, JSON straight after the header.
    let request = br#"{"local_nic_path":"127.0.0.1:1@mlx5_0","peer_nic_path":"","qp_num":[1]}"#;
    let mut legacy = (request.len() as u64).to_le_bytes().to_vec();
    legacy.extend_from_slice(request);
    let answer = raw_exchange(addr, &legacy).await;
    let len = u64::from_le_bytes(answer[..8].try_into().unwrap()) as usize;
    assert_eq!(len, answer.len() - 8, "one legacy frame, nothing else");
    assert_eq!(answer[8], b'{', "no type byte");
    assert!(answer.ends_with(b"}\n"));
    assert_eq!(
        serde_json::from_slice::<Value>(&answer[8..]).unwrap(),
        empty_connection_reply()
    );

    // A typed Metadata request gets exactly one typed frame back: L = 1 + payload, type 1.
    let request = encode_frame(FrameKind::Typed(RequestType::Metadata), b"{\"name\":\"x\"}\n");
    let answer = raw_exchange(addr, &request).await;
    let len = u64::from_le_bytes(answer[..8].try_into().unwrap()) as usize;
    assert_eq!((len, answer[8]), (answer.len() - 8, 1));
    let served: SegmentDescriptor = serde_json::from_slice(&answer[9..]).unwrap();
    assert_eq!(served, descriptor(&engine.name, 1004));

    // Malformed input: the connection is closed without a single byte of reply.
    let oversize = (DEFAULT_MAX_FRAME_LEN as u64 + 1).to_le_bytes();
    let garbage_json = encode_frame(FrameKind::Typed(RequestType::Probe), b"{not json\n");
    let empty_json = encode_frame(FrameKind::Typed(RequestType::Probe), b"");
    let mut truncated = encode_frame(FrameKind::Typed(RequestType::Probe), b"{}\n");
    truncated.pop();
    for (what, bytes) in [
        ("oversize length", &oversize[..]),
        ("zero length", &0u64.to_le_bytes()[..]),
        ("garbage JSON", &garbage_json[..]),
        ("empty JSON", &empty_json[..]),
        ("truncated frame", &truncated[..]),
        ("an HTTP request", &b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..]),
        ("half a header", &[1u8, 0, 0][..]),
    ] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await
            .unwrap_or_else(|_| panic!("{what}: server did not close"));
        // Closing with unread input makes the kernel send a reset instead of a FIN; either way the
        // peer got no reply.
        if let Err(err) = read {
            assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{what}: {err}");
        }
        assert!(answer.is_empty(), "{what}: got a reply {answer:?}");
    }

    // The server is still healthy afterwards.
    assert!(probe(&engine.name, &HandshakeConfig::default()).await.unwrap());
}

#[tokio::test]
async fn stalled_clients_are_dropped_and_do_not_block_others() {
    let local = LocalDescriptor::new();
    local.set(descriptor("127.0.0.1:1", 1005));
    let config = HandshakeConfig {
        request_timeout: Duration::from_millis(300),
        max_connections: 2,
        ..HandshakeConfig::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = HandshakeServer::start(listener, HandshakeResponder::new(local), config);
    let addr = server.local_addr();

    // Two clients that connect and say nothing occupy every connection slot...
    let mut stalled = Vec::new();
    for _ in 0..2 {
        stalled.push(TcpStream::connect(addr).await.unwrap());
    }
    // ...until the request timeout frees them; then a real request goes through.
    let started = std::time::Instant::now();
    assert!(
        probe(&addr.to_string(), &HandshakeConfig::default())
            .await
            .unwrap()
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    for mut stream in stalled {
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        assert!(answer.is_empty());
    }
    server.shutdown().await.unwrap();
}

/// A fake peer that answers one request with `reply` bytes.
async fn fake_peer(reply: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut header = [0u8; 8];
        stream.read_exact(&mut header).await.unwrap();
        let mut body = vec![0u8; u64::from_le_bytes(header) as usize];
        stream.read_exact(&mut body).await.unwrap();
        stream.write_all(&reply).await.unwrap();
        let _ = stream.shutdown().await;
    });
    addr
}

#[tokio::test]
async fn client_rejects_wrong_type_bad_json_and_oversize_replies() {
    let config = HandshakeConfig::default();
    let ours = descriptor("127.0.0.1:2", 1006);

    let peer = fake_peer(encode_frame(FrameKind::Typed(RequestType::Probe), b"{}\n")).await;
    let err = exchange_metadata(&peer, Some(&ours), &config).await.unwrap_err();
    assert!(
        matches!(
            err,
            MetadataError::Handshake(HandshakeError::UnexpectedType { .. })
        ),
        "{err:?}"
    );

    let peer = fake_peer(encode_frame(FrameKind::Typed(RequestType::Metadata), b"{oops\n")).await;
    let err = exchange_metadata(&peer, Some(&ours), &config).await.unwrap_err();
    assert!(
        matches!(err, MetadataError::Handshake(HandshakeError::BadJson { .. })),
        "{err:?}"
    );

    // Valid JSON that is not a descriptor (Mooncake answers `null` when it has none).
    let peer = fake_peer(encode_frame(FrameKind::Typed(RequestType::Metadata), b"null\n")).await;
    let err = exchange_metadata(&peer, Some(&ours), &config).await.unwrap_err();
    assert!(matches!(err, MetadataError::BadValue { .. }), "{err:?}");

    let peer = fake_peer((DEFAULT_MAX_FRAME_LEN as u64 + 1).to_le_bytes().to_vec()).await;
    let err = exchange_metadata(&peer, Some(&ours), &config).await.unwrap_err();
    assert!(
        matches!(err, MetadataError::Handshake(HandshakeError::Frame { .. })),
        "{err:?}"
    );

    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let quick = HandshakeConfig {
        reply_timeout: Duration::from_millis(200),
        ..HandshakeConfig::default()
    };
    let err = exchange_metadata(&silent.local_addr().unwrap().to_string(), Some(&ours), &quick)
        .await
        .unwrap_err();
    assert!(
        matches!(err, MetadataError::Handshake(HandshakeError::Timeout { .. })),
        "{err:?}"
    );

    let err = exchange_metadata("no-such-host.invalid:1", Some(&ours), &config)
        .await
        .unwrap_err();
    assert!(
        matches!(err, MetadataError::Handshake(HandshakeError::Resolve { .. })),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------------
// The real C++ Mooncake engine (tests/interop drivers).

/// The interop venv's python, or `None` (skipped loudly; a failure under CI).
fn reference_python(test: &str) -> Option<PathBuf> {
    match std::env::var_os("MOONCAKE_REFERENCE_PYTHON") {
        Some(python) => Some(PathBuf::from(python)),
        None => {
            assert!(
                !common::in_ci(),
                "{test}: MOONCAKE_REFERENCE_PYTHON is not set and CI is set"
            );
            eprintln!(
                "SKIPPED: {test}: MOONCAKE_REFERENCE_PYTHON is not set (run scripts/mooncake-reference)"
            );
            None
        }
    }
}

fn interop_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/interop")
        .join(name)
}

/// Mooncake interop pattern: byte `i` of the target buffer for seed `s` is `(i * 31 + s) % 251`.
fn interop_pattern(seed: u64, len: usize) -> Vec<u8> {
    (0..len as u64).map(|i| ((i * 31 + seed) % 251) as u8).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_mooncake_target_answers_our_metadata_request() {
    let Some(python) = reference_python("real_mooncake_target_answers_our_metadata_request") else {
        return;
    };
    let mut target = Command::new(&python)
        .arg(interop_script("te_target.py"))
        .args(["--metadata-server", "P2PHANDSHAKE", "--length", "1048576"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = target.stdout.take().unwrap();
    let first_line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let started: Value = serde_json::from_str(&first_line)
        .unwrap_or_else(|err| panic!("te_target did not start ({err}): {first_line:?}"));
    let segment = started["segment_name"].as_str().unwrap().to_owned();

    // Our engine resolves the real one through the handshake, carrying our own descriptor.
    let ours = descriptor("127.0.0.1:1", 1007);
    let resolver = SegmentResolver::new(MetadataBackend::P2pHandshake, KeySpace::default());
    resolver
        .publish(
            &ours,
            &RpcMeta {
                ip_or_host_name: "127.0.0.1".into(),
                rpc_port: 1,
            },
        )
        .await
        .unwrap();
    let theirs = resolver.resolve(&segment).await.unwrap();
    assert_eq!(theirs.name, segment);
    assert_eq!(theirs.protocol, "tcp");
    assert_eq!(theirs.tcp_proto_version, 2);
    assert_ne!(theirs.tcp_data_port, 0);
    let buffer = theirs.buffer_for(started["buffer_address"].as_u64().unwrap(), 1048576);
    assert!(buffer.is_some(), "registered buffer published: {theirs:?}");

    // The raw exchange with our default config agrees, and the real engine answers probes too.
    let again = exchange_metadata(&segment, Some(&ours), &HandshakeConfig::default())
        .await
        .unwrap();
    assert_eq!(again.buffers, theirs.buffers);
    let probed = probe(&segment, &HandshakeConfig::default()).await;
    eprintln!("real engine probe answer: {probed:?}");

    let mut stdin = target.stdin.take().unwrap();
    writeln!(stdin, "quit").unwrap();
    drop(stdin);
    let status = tokio::task::spawn_blocking(move || target.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "te_target exited with {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_mooncake_initiator_resolves_us_through_our_handshake_server() {
    let Some(python) = reference_python("real_mooncake_initiator_resolves_us") else {
        return;
    };
    const LEN: usize = 1 << 20;
    // Our memory, served by our TCP data server, described through our handshake server.
    let peer = support::Peer::start(LEN);
    peer.region.fill(0, &interop_pattern(7, LEN));
    let local = LocalDescriptor::new();
    let server = HandshakeServer::bind("127.0.0.1:0", local.clone()).await.unwrap();
    let name = server.local_addr().to_string();
    let mut ours = peer.descriptor(2);
    ours.name = name.clone();
    ours.buffers[0].name = name.clone();
    local.set(ours);

    let run = |mode: &'static str| {
        let (python, name) = (python.clone(), name.clone());
        let address = peer.region.addr().to_string();
        tokio::task::spawn_blocking(move || {
            Command::new(python)
                .arg(interop_script("te_initiator.py"))
                .args(["--metadata-server", "P2PHANDSHAKE", "--segment", &name])
                .args([
                    "--address",
                    &address,
                    "--length",
                    &LEN.to_string(),
                    "--mode",
                    mode,
                ])
                .stdin(Stdio::null())
                .output()
                .unwrap()
        })
    };
    let read = run("read").await.unwrap();
    assert!(
        read.status.success(),
        "real initiator read failed: {}\n{}",
        String::from_utf8_lossy(&read.stdout),
        String::from_utf8_lossy(&read.stderr)
    );
    let write = run("write").await.unwrap();
    assert!(
        write.status.success(),
        "real initiator write failed: {}\n{}",
        String::from_utf8_lossy(&write.stdout),
        String::from_utf8_lossy(&write.stderr)
    );
    assert!(
        peer.region.snapshot(0, LEN) == interop_pattern(101, LEN),
        "the real initiator's bytes landed in our memory"
    );
    assert!(peer.region.guards_intact());
    server.shutdown().await.unwrap();
}
