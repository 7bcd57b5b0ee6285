//! The framed data-path protocol on the master's gRPC port, against a real master on loopback: same
//! answers as gRPC, protocol errors, sniffing (gRPC and silent clients), fallback and reconnects.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use mooncake_node::ClientError;
use mooncake_node::master::MasterClient;
use mooncake_proto::ErrorCode;
use mooncake_proto::framed::{self, HEADER_LEN, MAGIC, MAX_BODY, Method};
use mooncake_proto::master as pb;
use mooncake_tests::{TestMaster, segment};
use uuid::Uuid;

async fn client(master: &TestMaster, framed: bool) -> MasterClient {
    let uri = format!("http://{}", master.handle.rpc_addr);
    let client = MasterClient::connect_with(uri, Uuid::new_v4().to_string(), framed)
        .await
        .unwrap();
    assert_eq!(client.uses_framed(), framed);
    client
}

fn config(replicas: u32) -> pb::ReplicateConfig {
    pb::ReplicateConfig {
        replica_num: replicas,
        ..Default::default()
    }
}

/// What a put/get/exist/remove sequence observes, with addresses left out (they differ per run).
async fn script(client: &MasterClient, prefix: &str) -> Vec<String> {
    let key = |i: u32| format!("{prefix}-{i}");
    let mut seen = Vec::new();
    let mut note = |what: &str, value: String| seen.push(format!("{what}: {value}"));
    let summary = |r: &Result<Vec<pb::ReplicaDescriptor>, ClientError>| match r {
        Ok(replicas) => format!("ok {} replicas", replicas.len()),
        Err(e) => format!("err {:?}", e.code()),
    };
    let code = |r: Result<(), ClientError>| format!("{:?}", r.map_err(|e| e.code()));

    note(
        "exist before",
        format!("{:?}", client.exist_key(&key(1)).await.unwrap()),
    );
    note(
        "get before",
        client.get_replica_list(&key(1)).await.unwrap().code.to_string(),
    );
    note(
        "put_start",
        summary(&client.put_start(&key(1), 1000, config(2)).await),
    );
    note(
        "get processing",
        client.get_replica_list(&key(1)).await.unwrap().code.to_string(),
    );
    note("put_end", code(client.put_end(&key(1), Some(7)).await));
    note(
        "exist after",
        format!("{:?}", client.exist_key(&key(1)).await.unwrap()),
    );
    let got = client.get_replica_list(&key(1)).await.unwrap();
    note(
        "get after",
        format!("{} {} replicas", got.code, got.replicas.len()),
    );
    note(
        "put again",
        summary(&client.put_start(&key(1), 10, config(1)).await),
    );
    note(
        "put_start 2",
        summary(&client.put_start(&key(2), 10, config(1)).await),
    );
    note("revoke 2", code(client.put_revoke(&key(2)).await));
    note("end unknown", code(client.put_end(&key(9), None).await));

    let keys: Vec<String> = (10..14).map(key).collect();
    let started = client
        .batch_put_start(keys.clone(), vec![64; 4], config(1))
        .await
        .unwrap();
    note(
        "batch start",
        format!("{:?}", started.iter().map(|r| r.code).collect::<Vec<_>>()),
    );
    note(
        "batch end",
        format!("{:?}", client.batch_put_end(keys[..3].to_vec(), vec![]).await),
    );
    note(
        "batch revoke",
        format!("{:?}", client.batch_put_revoke(keys[3..].to_vec()).await),
    );
    let exist = client.batch_exist_key(keys.clone()).await.unwrap();
    note(
        "batch exist",
        format!(
            "{:?}",
            exist.iter().map(|r| (r.code, r.exists)).collect::<Vec<_>>()
        ),
    );
    let lists = client.batch_get_replica_list(keys.clone()).await.unwrap();
    note(
        "batch get",
        format!("{:?}", lists.iter().map(|r| r.code).collect::<Vec<_>>()),
    );
    note(
        "batch remove",
        format!("{:?}", client.batch_remove(keys, true).await),
    );

    note("remove", code(client.remove(&key(1), false).await));
    note("remove again", code(client.remove(&key(1), false).await));
    note(
        "exist removed",
        format!("{:?}", client.exist_key(&key(1)).await.unwrap()),
    );
    note("ping", format!("{:?}", client.ping().await.map_err(|e| e.code())));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framed_and_grpc_give_identical_answers() {
    let master = TestMaster::start(|_| {}).await;
    let framed = client(&master, true).await;
    let grpc = client(&master, false).await;
    for (c, name) in [(&framed, "127.0.0.1:7001"), (&grpc, "127.0.0.1:7002")] {
        c.mount_segment(segment(name, 1 << 20)).await.unwrap();
    }
    let mut other = client(&master, true).await;
    other
        .mount_segment(segment("127.0.0.1:7003", 1 << 20))
        .await
        .unwrap();
    let by_framed = script(&framed, "f").await;
    let by_grpc = script(&grpc, "g").await;
    assert_eq!(by_framed, by_grpc);
    // The framed client really used the framed protocol; the other one never did.
    assert!(
        framed.framed_calls() >= by_framed.len() as u64,
        "{}",
        framed.framed_calls()
    );
    assert_eq!(grpc.framed_calls(), 0);
    assert!(
        by_framed.contains(&"exist after: true".to_string()),
        "{by_framed:?}"
    );
    // A ping for an unknown client: same status either way.
    other = MasterClient::connect_with(format!("http://{}", master.handle.rpc_addr), "x".into(), true)
        .await
        .unwrap();
    let unknown = MasterClient::connect_with(format!("http://{}", master.handle.rpc_addr), "x".into(), false)
        .await
        .unwrap();
    assert_eq!(
        format!("{:?}", other.ping().await.map_err(|e| e.code())),
        format!("{:?}", unknown.ping().await.map_err(|e| e.code()))
    );
    master.stop().await;
}

/// A raw framed connection that has done the hello.
fn raw(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(MAGIC).unwrap();
    let mut answer = [0u8; 8];
    s.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, MAGIC);
    s
}

fn read_frame(s: &mut TcpStream) -> (u16, Vec<u8>) {
    let mut header = [0u8; HEADER_LEN];
    s.read_exact(&mut header).unwrap();
    let (len, status) = framed::parse_header(&header);
    let mut body = vec![0; len as usize];
    s.read_exact(&mut body).unwrap();
    (status, body)
}

fn exist_key(s: &mut TcpStream, key: &str) -> pb::ExistKeyResponse {
    let mut out = Vec::new();
    let request = pb::ExistKeyRequest { key: key.into() };
    framed::encode_message(&mut out, Method::ExistKey as u16, &request);
    s.write_all(&out).unwrap();
    let (status, body) = read_frame(s);
    framed::decode_response(status, &body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_method_gets_an_error_frame_and_the_connection_stays_usable() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    tokio::task::spawn_blocking(move || {
        let mut s = raw(addr);
        s.write_all(&[3, 0, 0, 0, 0xe7, 0x03, 1, 2, 3]).unwrap(); // method 999, 3-byte body
        let (status, body) = read_frame(&mut s);
        assert_eq!(status, tonic::Code::Unimplemented as u16);
        assert!(String::from_utf8(body).unwrap().contains("999"));
        // Garbage for a known method: InvalidArgument, still usable.
        s.write_all(&[2, 0, 0, 0, Method::ExistKey as u8, 0, 0xff, 0xff])
            .unwrap();
        let (status, _) = read_frame(&mut s);
        assert_eq!(status, tonic::Code::InvalidArgument as u16);
        let reply = exist_key(&mut s, "nothing");
        assert!(!reply.exists);
        assert_eq!(reply.code, ErrorCode::Ok as i32);
    })
    .await
    .unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_is_refused_and_the_connection_closed() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    tokio::task::spawn_blocking(move || {
        let mut s = raw(addr);
        let mut header = (MAX_BODY + 1).to_le_bytes().to_vec();
        header.extend_from_slice(&(Method::ExistKey as u16).to_le_bytes());
        s.write_all(&header).unwrap();
        let (status, body) = read_frame(&mut s);
        assert_eq!(status, tonic::Code::ResourceExhausted as u16);
        assert!(String::from_utf8(body).unwrap().contains("limit"));
        let mut rest = [0u8; 1];
        assert_eq!(s.read(&mut rest).unwrap_or(0), 0, "closed after the refusal");
    })
    .await
    .unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_clients_share_the_port_and_silent_ones_block_nobody() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    // One connection says nothing, one stops halfway through the magic.
    let _silent = TcpStream::connect(addr).unwrap();
    let mut half = TcpStream::connect(addr).unwrap();
    half.write_all(&MAGIC[..3]).unwrap();

    let work = async {
        let mut grpc = master.client().await;
        let reply = grpc
            .exist_key(pb::ExistKeyRequest { key: "k".into() })
            .await
            .unwrap()
            .into_inner();
        assert!(!reply.exists);
        let framed = client(&master, true).await;
        assert!(!framed.exist_key("k").await.unwrap());
        let plain = client(&master, false).await;
        assert!(!plain.exist_key("k").await.unwrap());
    };
    tokio::time::timeout(Duration::from_secs(5), work).await.unwrap();
    master.stop().await;
}

/// Runs in a child process with `MOONCAKE_MASTER_FRAMED=0` (see the next test); a no-op otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_env_disables_framing() {
    if std::env::var("MOONCAKE_FRAMED_TEST_CHILD").is_err() {
        return;
    }
    let master = TestMaster::start(|_| {}).await;
    let uri = format!("http://{}", master.handle.rpc_addr);
    let client = MasterClient::connect(uri, "child".into()).await.unwrap();
    assert!(!client.uses_framed());
    assert!(!client.exist_key("k").await.unwrap());
    master.stop().await;
}

#[test]
fn the_env_var_falls_back_to_grpc() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_env_disables_framing", "--nocapture"])
        .env("MOONCAKE_FRAMED_TEST_CHILD", "1")
        .env("MOONCAKE_MASTER_FRAMED", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    // A renamed child would match nothing and "pass": the child must really have run.
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_survives_a_master_restart() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    let client = client(&master, true).await;
    client
        .mount_segment(segment("127.0.0.1:7001", 1 << 20))
        .await
        .unwrap();
    client.put_start("k", 100, config(1)).await.unwrap();
    client.put_end("k", None).await.unwrap();
    assert!(client.exist_key("k").await.unwrap());
    master.stop().await;

    // Master down: framed calls fail as RPC errors.
    let down = client.exist_key("k").await.unwrap_err();
    assert!(matches!(down, ClientError::Rpc { .. }), "{down:?}");

    let master = TestMaster::start(|c| c.rpc_listen = addr).await;
    // The restarted master knows nothing; a read and then a mutation both go through.
    assert!(!client.exist_key("k").await.unwrap());
    client
        .mount_segment(segment("127.0.0.1:7001", 1 << 20))
        .await
        .unwrap();
    client.put_start("k", 100, config(1)).await.unwrap();
    client.put_end("k", None).await.unwrap();
    assert!(client.exist_key("k").await.unwrap());
    assert!(client.uses_framed());
    master.stop().await;

    // Restarted while a pooled framed connection sat idle: the first framed call is a mutation,
    // and it must go through on a fresh connection (the dead one is noticed before sending).
    let master = TestMaster::start(|c| c.rpc_listen = addr).await;
    client
        .mount_segment(segment("127.0.0.1:7001", 1 << 20))
        .await
        .unwrap();
    let before = client.framed_calls();
    client.put_start("k2", 100, config(1)).await.unwrap();
    client.put_end("k2", None).await.unwrap();
    assert_eq!(client.framed_calls(), before + 2);
    master.stop().await;
}
