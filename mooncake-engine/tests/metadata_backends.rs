//! Every key-value metadata backend against its real server: our HTTP metadata server (in-process),
//! real etcd and real Redis started on loopback ports. The same scenario runs on each: publish,
//! resolve from a second engine, the descriptor cache, values written the way Mooncake writes them,
//! unpublish. Plus the `metadata_server` string rules and backend-specific behaviour (Redis AUTH/SELECT,
//! HTTP's `rpc_meta` rule).

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use mooncake_engine::MetadataError;
use mooncake_engine::descriptor::{RpcMeta, SegmentDescriptor};
use mooncake_engine::metadata::{
    KeySpace, KvBackend, KvStore, MetadataBackend, MetadataServer, MetadataStore, RedisOptions,
    SegmentResolver, serve,
};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The descriptor a real Mooncake 0.3.13 engine published (reference §2.5), renamed.
fn observed_descriptor(name: &str) -> SegmentDescriptor {
    let text = r#"{"buffers":[{"addr":139906781282304,"length":100663296,"name":"127.0.0.1:12345"}],"name":"127.0.0.1:12345","protocol":"tcp","rdma_server_name":"","tcp_data_host":"127.0.0.1","tcp_data_port":15821,"tcp_proto_version":2,"timestamp":"2026-11-23 07:25:54.885644"}"#;
    let mut descriptor: SegmentDescriptor = serde_json::from_str(text).unwrap();
    descriptor.name = name.to_owned();
    descriptor.buffers[0].name = name.to_owned();
    descriptor
}

fn rpc_meta() -> RpcMeta {
    RpcMeta {
        ip_or_host_name: "127.0.0.1".into(),
        rpc_port: 15183,
    }
}

/// The bytes one of Mooncake's engines would store for `value` in this backend: jsoncpp output, keys
/// sorted, with FastWriter's trailing newline for etcd and Redis.
fn mooncake_bytes(kv: &KvStore, value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap();
    if !matches!(kv, KvStore::Http(_)) {
        bytes.push(b'\n');
    }
    bytes
}

/// The shared scenario. `writer` and `reader` are two engines on the same service (separate
/// connections and caches); `raw` is a third connection used to look at and plant stored values.
async fn round_trip(writer: &SegmentResolver, reader: &SegmentResolver, raw: &KvStore) {
    let name = common::unique("127.0.0.1:seg");
    let keys = writer.keys().clone();
    let (segment_key, rpc_key) = (keys.segment_key(&name), keys.rpc_meta_key(&name));
    let descriptor = observed_descriptor(&name);

    let err = reader.resolve(&name).await.unwrap_err();
    assert!(matches!(err, MetadataError::SegmentNotFound { .. }), "{err}");

    writer.publish(&descriptor, &rpc_meta()).await.unwrap();

    // Stored exactly as Mooncake's engines store them: compact JSON, sorted keys, and the trailing
    // newline where Mooncake's plugin for this backend writes one.
    let rpc_value = raw.get(&rpc_key).await.unwrap().unwrap();
    let expected_rpc = br#"{"ip_or_host_name":"127.0.0.1","rpc_port":15183}"#;
    assert_eq!(
        rpc_value,
        mooncake_bytes(raw, &serde_json::from_slice(expected_rpc).unwrap())
    );
    let stored = raw.get(&segment_key).await.unwrap().unwrap();
    let stored_json: Value = serde_json::from_slice(&stored).unwrap();
    assert_eq!(stored, mooncake_bytes(raw, &stored_json), "compact, sorted keys");
    assert_eq!(stored.ends_with(b"\n"), !matches!(raw, KvStore::Http(_)));
    for field in [
        "buffers",
        "name",
        "protocol",
        "rdma_server_name",
        "tcp_data_host",
        "tcp_data_port",
        "tcp_proto_version",
        "timestamp",
    ] {
        assert!(
            stored_json.get(field).is_some(),
            "descriptor lacks {field}: {stored_json}"
        );
    }
    assert_eq!(stored_json["buffers"][0]["addr"], 139906781282304u64);

    // Another engine resolves it; the writer resolves its own name locally.
    assert_eq!(*reader.resolve(&name).await.unwrap(), descriptor);
    assert_eq!(*writer.resolve(&name).await.unwrap(), descriptor);
    assert_eq!(reader.rpc_meta(&name).await.unwrap(), rpc_meta());
    assert_eq!(
        *reader.resolve(&format!("/{name}")).await.unwrap(),
        descriptor,
        "leading / ignored"
    );

    // A real Mooncake engine re-publishes with another buffer (its own bytes, trailing newline and
    // all). The reader keeps its cached copy until told otherwise.
    let mut grown = descriptor.clone();
    grown.buffers.push(grown.buffers[0].clone());
    grown.buffers[1].addr += 1 << 30;
    let grown_json = serde_json::to_value(&grown).unwrap();
    raw.put(&segment_key, &mooncake_bytes(raw, &grown_json))
        .await
        .unwrap();
    assert_eq!(reader.resolve(&name).await.unwrap().buffers.len(), 1, "cached");
    reader.invalidate(&name);
    assert_eq!(*reader.resolve(&name).await.unwrap(), grown);
    assert!(reader.cached_names().contains(&name));

    // Values without the newline (as an HTTP-era writer would store them) read the same.
    raw.put(&segment_key, &serde_json::to_vec(&descriptor).unwrap())
        .await
        .unwrap();
    assert_eq!(*reader.refresh(&name).await.unwrap(), descriptor);

    // Re-publishing the same thing is fine on every backend (HTTP's rpc_meta rule included).
    writer.publish(&descriptor, &rpc_meta()).await.unwrap();
    writer.update(&grown).await.unwrap();
    assert_eq!(*reader.refresh(&name).await.unwrap(), grown);

    // A stored value that is not a descriptor is reported as such, not as "missing".
    raw.put(&segment_key, b"not json").await.unwrap();
    let err = reader.refresh(&name).await.unwrap_err();
    assert!(matches!(err, MetadataError::BadValue { .. }), "{err}");

    writer.unpublish(&name).await.unwrap();
    assert_eq!(raw.get(&segment_key).await.unwrap(), None);
    assert_eq!(raw.get(&rpc_key).await.unwrap(), None);
    assert!(writer.local().get().is_none());
    let err = reader.refresh(&name).await.unwrap_err();
    assert!(matches!(err, MetadataError::SegmentNotFound { .. }), "{err}");
    assert!(
        !reader.cached_names().contains(&name),
        "a failed refresh leaves no stale entry"
    );
    let err = reader.rpc_meta(&name).await.unwrap_err();
    assert!(matches!(err, MetadataError::SegmentNotFound { .. }), "{err}");
    // Unpublishing what is already gone is not an error.
    writer.unpublish(&name).await.unwrap();
}

// ---------------------------------------------------------------------------------------------------
// HTTP: our metadata server, in-process.

struct HttpServer {
    url: String,
    store: MetadataStore,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl HttpServer {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/metadata", listener.local_addr().unwrap());
        let (store, cancel) = (MetadataStore::new(), CancellationToken::new());
        let task = tokio::spawn(serve(listener, store.clone(), cancel.clone()));
        Self {
            url,
            store,
            cancel,
            task,
        }
    }

    async fn resolver(&self) -> SegmentResolver {
        let backend = MetadataBackend::from_conn_string(&self.url).await.unwrap();
        assert_eq!(backend.kind(), "http");
        SegmentResolver::new(backend, KeySpace::default())
    }

    async fn stop(self) {
        self.cancel.cancel();
        self.task.await.unwrap().unwrap();
    }
}

fn kv(backend: MetadataBackend) -> KvStore {
    match backend {
        MetadataBackend::Kv(kv) => kv,
        MetadataBackend::P2pHandshake => panic!("not a key-value backend"),
    }
}

#[tokio::test]
async fn http_backend_round_trip() {
    let server = HttpServer::start().await;
    let (writer, reader) = (server.resolver().await, server.resolver().await);
    let raw = kv(MetadataBackend::from_conn_string(&server.url).await.unwrap());
    round_trip(&writer, &reader, &raw).await;
    assert!(server.store.is_empty(), "{:?}", server.store.keys());
    server.stop().await;
}

#[tokio::test]
async fn http_backend_with_cluster_id_uses_the_prefixed_keys() {
    let server = HttpServer::start().await;
    let backend = MetadataBackend::from_conn_string(&server.url).await.unwrap();
    let writer = SegmentResolver::new(backend, KeySpace::new(Some("cluster-a")));
    writer
        .publish(&observed_descriptor("127.0.0.1:1"), &rpc_meta())
        .await
        .unwrap();
    assert_eq!(
        server.store.keys(),
        vec![
            "mooncake/cluster-a/ram/127.0.0.1:1".to_owned(),
            "mooncake/cluster-a/rpc_meta/127.0.0.1:1".to_owned()
        ]
    );
    // Engines of another cluster (or without one) do not see it.
    let other = server.resolver().await;
    assert!(other.resolve("127.0.0.1:1").await.is_err());
    server.stop().await;
}

#[tokio::test]
async fn http_backend_refuses_a_different_rpc_meta_until_unpublished() {
    let server = HttpServer::start().await;
    let (first, restarted) = (server.resolver().await, server.resolver().await);
    let descriptor = observed_descriptor("127.0.0.1:2");
    first.publish(&descriptor, &rpc_meta()).await.unwrap();

    // The same name restarted on another handshake port: Mooncake's rule refuses the takeover.
    let moved = RpcMeta {
        rpc_port: 15999,
        ..rpc_meta()
    };
    let err = restarted.publish(&descriptor, &moved).await.unwrap_err();
    assert!(matches!(err, MetadataError::DuplicateRpcMeta(_)), "{err}");
    first.unpublish(&descriptor.name).await.unwrap();
    restarted.publish(&descriptor, &moved).await.unwrap();
    assert_eq!(first.rpc_meta(&descriptor.name).await.unwrap(), moved);
    server.stop().await;
}

/// Mooncake's own HTTP metadata server (the wheel's aiohttp `mooncake_http_metadata_server`), which
/// differs from ours in refusing identical `rpc_meta` re-PUTs.
#[tokio::test]
async fn http_backend_round_trip_against_mooncakes_python_server() {
    let test = "http_backend_round_trip_against_mooncakes_python_server";
    let Some(python) = std::env::var_os("MOONCAKE_REFERENCE_PYTHON") else {
        assert!(
            !common::in_ci(),
            "{test}: MOONCAKE_REFERENCE_PYTHON is not set and CI is set"
        );
        eprintln!("SKIPPED: {test}: MOONCAKE_REFERENCE_PYTHON is not set (run scripts/mooncake-reference)");
        return;
    };
    let binary = std::path::Path::new(&python).with_file_name("mooncake_http_metadata_server");
    let port = common::free_port();
    let mut server = std::process::Command::new(&binary)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--log-level",
            "WARNING",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let url = format!("http://127.0.0.1:{port}/metadata");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(server.try_wait().unwrap().is_none(), "{test}: the server exited");
        assert!(
            std::time::Instant::now() < deadline,
            "{test}: the server did not listen"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _server = Kill(server);
    let resolver = || async {
        SegmentResolver::new(
            MetadataBackend::from_conn_string(&url).await.unwrap(),
            KeySpace::default(),
        )
    };
    let (writer, reader) = (resolver().await, resolver().await);
    let raw = kv(MetadataBackend::from_conn_string(&url).await.unwrap());
    round_trip(&writer, &reader, &raw).await;

    // Its rule refuses a different rpc_meta just like ours.
    let descriptor = observed_descriptor("127.0.0.1:5");
    writer.publish(&descriptor, &rpc_meta()).await.unwrap();
    let moved = RpcMeta {
        rpc_port: 1,
        ..rpc_meta()
    };
    let err = reader.publish(&descriptor, &moved).await.unwrap_err();
    assert!(matches!(err, MetadataError::DuplicateRpcMeta(_)), "{err}");
}

// ---------------------------------------------------------------------------------------------------
// etcd.

#[tokio::test]
async fn etcd_backend_round_trip() {
    let Some(etcd) = common::shared_etcd("etcd_backend_round_trip") else {
        return;
    };
    // No scheme means etcd, as in Mooncake; `etcd://` with a `;` list works too.
    let plain = MetadataBackend::from_conn_string(&etcd.endpoint()).await.unwrap();
    assert_eq!(plain.kind(), "etcd");
    let listed = format!("etcd://{};{}", etcd.endpoint(), etcd.endpoint());
    let listed = MetadataBackend::from_conn_string(&listed).await.unwrap();
    let raw = kv(
        MetadataBackend::from_conn_string(&format!("etcd://{}", etcd.endpoint()))
            .await
            .unwrap(),
    );
    // Tests sharing this etcd stay apart by cluster id.
    let keys = KeySpace::new(Some(&common::unique("etcd-round-trip")));
    let writer = SegmentResolver::new(plain, keys.clone());
    let reader = SegmentResolver::new(listed, keys);
    round_trip(&writer, &reader, &raw).await;
}

#[tokio::test]
async fn etcd_backend_reads_what_mooncake_wrote_and_counts_deletes() {
    let Some(etcd) = common::shared_etcd("etcd_backend_reads_what_mooncake_wrote") else {
        return;
    };
    let raw = kv(MetadataBackend::from_conn_string(&etcd.endpoint()).await.unwrap());
    let cluster = common::unique("etcd-mooncake");
    let key = format!("mooncake/{cluster}/ram/127.0.0.1:3");
    // Byte for byte what jsoncpp's FastWriter produces for the observed descriptor.
    let written = format!(
        "{}\n",
        serde_json::to_string(&observed_descriptor("127.0.0.1:3")).unwrap()
    );
    raw.put(&key, written.as_bytes()).await.unwrap();
    assert_eq!(raw.get(&key).await.unwrap().unwrap(), written.as_bytes());

    let resolver = SegmentResolver::new(
        MetadataBackend::from_conn_string(&etcd.endpoint()).await.unwrap(),
        KeySpace::new(Some(&cluster)),
    );
    assert_eq!(
        *resolver.resolve("127.0.0.1:3").await.unwrap(),
        observed_descriptor("127.0.0.1:3")
    );
    assert!(raw.delete(&key).await.unwrap());
    assert!(!raw.delete(&key).await.unwrap());
    assert_eq!(raw.get(&key).await.unwrap(), None);
}

// ---------------------------------------------------------------------------------------------------
// Redis (started with a password, so every connection authenticates).

fn redis_options(db: Option<u8>) -> RedisOptions {
    RedisOptions {
        username: None,
        password: Some(common::REDIS_PASSWORD.into()),
        db,
    }
}

async fn redis_backend(url: &str, options: &RedisOptions) -> MetadataBackend {
    MetadataBackend::connect(&MetadataServer::parse(url).unwrap(), options)
        .await
        .unwrap()
}

/// GET through a separate plain `redis` connection on database `db`.
async fn redis_get(addr: &str, db: u8, key: &str) -> Option<Vec<u8>> {
    let client = redis::Client::open(format!("redis://:{}@{addr}/{db}", common::REDIS_PASSWORD)).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("GET")
        .arg(key)
        .query_async(&mut connection)
        .await
        .unwrap()
}

#[tokio::test]
async fn redis_backend_round_trip() {
    let Some(server) = common::shared_redis("redis_backend_round_trip") else {
        return;
    };
    let keys = KeySpace::new(Some(&common::unique("redis-round-trip")));
    let writer = SegmentResolver::new(
        redis_backend(&server.url(), &redis_options(None)).await,
        keys.clone(),
    );
    let reader = SegmentResolver::new(redis_backend(&server.url(), &redis_options(None)).await, keys);
    let raw = kv(redis_backend(&server.url(), &redis_options(None)).await);
    round_trip(&writer, &reader, &raw).await;
}

#[tokio::test]
async fn redis_backend_selects_the_database_and_takes_credentials_from_the_url() {
    let Some(server) = common::shared_redis("redis_backend_selects_the_database") else {
        return;
    };
    let name = common::unique("127.0.0.1:db");
    let descriptor = observed_descriptor(&name);
    let resolver = SegmentResolver::new(
        redis_backend(&server.url(), &redis_options(Some(5))).await,
        KeySpace::default(),
    );
    resolver.publish(&descriptor, &rpc_meta()).await.unwrap();
    let key = resolver.keys().segment_key(&name);
    assert!(
        redis_get(&server.addr(), 5, &key).await.is_some(),
        "written to database 5"
    );
    assert_eq!(
        redis_get(&server.addr(), 0, &key).await,
        None,
        "not to database 0"
    );

    // Password and database in the URL, as `from_conn_string` sees them when no MC_REDIS_* is set.
    let url = format!("redis://:{}@{}/5", common::REDIS_PASSWORD, server.addr());
    let from_url = MetadataBackend::connect(&MetadataServer::parse(&url).unwrap(), &RedisOptions::default())
        .await
        .unwrap();
    let reader = SegmentResolver::new(from_url, KeySpace::default());
    assert_eq!(*reader.resolve(&name).await.unwrap(), descriptor);
    resolver.unpublish(&name).await.unwrap();
    assert_eq!(redis_get(&server.addr(), 5, &key).await, None);
}

#[tokio::test]
async fn redis_backend_with_a_wrong_password_fails_at_connect() {
    let Some(server) = common::shared_redis("redis_backend_with_a_wrong_password") else {
        return;
    };
    let wrong = RedisOptions {
        password: Some("wrong".into()),
        ..RedisOptions::default()
    };
    let err = MetadataBackend::connect(&MetadataServer::parse(&server.url()).unwrap(), &wrong)
        .await
        .unwrap_err();
    assert!(matches!(err, MetadataError::RedisConnect { .. }), "{err}");
    assert!(
        !format!("{err:?}").contains("wrong\""),
        "no password in errors: {err:?}"
    );
    let err = MetadataBackend::connect(
        &MetadataServer::parse(&server.url()).unwrap(),
        &RedisOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, MetadataError::RedisConnect { .. }),
        "no password at all: {err}"
    );
}

#[tokio::test]
async fn redis_backend_redials_after_the_connection_is_killed() {
    // A private server: killing client connections must not hit other tests' connections.
    let Some(binary) = common::require_binary("redis-server", "redis_backend_redials") else {
        return;
    };
    let server = common::RedisServer::start(&binary, Some(common::REDIS_PASSWORD));
    let raw = kv(redis_backend(&server.url(), &redis_options(None)).await);
    let key = common::unique("redial");
    raw.put(&key, b"1").await.unwrap();
    // Kill every other client connection from a separate connection.
    let admin =
        redis::Client::open(format!("redis://:{}@{}/0", common::REDIS_PASSWORD, server.addr())).unwrap();
    let mut admin = admin.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("SKIPME")
        .arg("yes")
        .query_async(&mut admin)
        .await
        .unwrap();
    // The first command after the kill may fail; the backend must not stay broken.
    let mut value = raw.get(&key).await;
    if value.is_err() {
        value = raw.get(&key).await;
    }
    assert_eq!(value.unwrap(), Some(b"1".to_vec()));
    assert!(raw.delete(&key).await.unwrap());
}

#[tokio::test]
async fn unreachable_redis_fails_fast_with_the_address() {
    let port = common::free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let err = MetadataBackend::connect(&MetadataServer::parse(&url).unwrap(), &RedisOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&format!("127.0.0.1:{port}")), "{err}");
}

// ---------------------------------------------------------------------------------------------------
// The `metadata_server` string.

#[tokio::test]
async fn unknown_scheme_is_refused_naming_the_string() {
    for conn in [
        "zk://127.0.0.1:2181",
        "rediss://127.0.0.1:6379",
        "file:///tmp/meta",
    ] {
        let err = MetadataBackend::from_conn_string(conn).await.unwrap_err();
        assert!(
            matches!(err, MetadataError::UnknownScheme { .. }),
            "{conn}: {err}"
        );
        assert!(err.to_string().contains(conn), "{err}");
        let err = SegmentResolver::from_conn_string(conn).await.unwrap_err();
        assert!(err.to_string().contains(conn), "{err}");
    }
    let err = MetadataBackend::from_conn_string("http://[bad/metadata")
        .await
        .unwrap_err();
    assert!(matches!(err, MetadataError::InvalidUrl { .. }), "{err}");
}

#[tokio::test]
async fn p2p_literal_selects_no_service() {
    let resolver = Arc::new(SegmentResolver::from_conn_string("P2PHANDSHAKE").await.unwrap());
    assert_eq!(resolver.backend().kind(), "p2p");
    assert!(resolver.backend().kv().is_none());
    // Publishing writes nothing anywhere; it only sets what our handshake server would answer.
    resolver
        .publish(&observed_descriptor("127.0.0.1:4"), &rpc_meta())
        .await
        .unwrap();
    assert_eq!(resolver.local().get().unwrap().name, "127.0.0.1:4");
    // rpc_meta is derived from the name.
    assert_eq!(
        resolver.rpc_meta("10.1.2.3:16198").await.unwrap(),
        RpcMeta {
            ip_or_host_name: "10.1.2.3".into(),
            rpc_port: 16198
        }
    );
}
