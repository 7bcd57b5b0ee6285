//! The HTTP metadata server over real sockets: Mooncake's status codes and bodies, binary values,
//! concurrency, in-process segment removal, the client against the server, graceful shutdown.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mooncake_engine::MetadataError;
use mooncake_engine::metadata::{
    HttpMetadataClient, MAX_VALUE_BYTES, MetadataStore, PutOutcome, ram_key, rpc_meta_key, serve,
};
use reqwest::{Client, StatusCode};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

struct Server {
    addr: SocketAddr,
    store: MetadataStore,
    cancel: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let store = MetadataStore::new();
        let cancel = CancellationToken::new();
        let task = tokio::spawn(serve(listener, store.clone(), cancel.clone()));
        Self {
            addr,
            store,
            cancel,
            task,
        }
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    fn metadata_url(&self) -> String {
        self.url("/metadata")
    }

    async fn stop(self) {
        self.cancel.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}

/// Sends one request and returns status, Content-Type and body.
async fn call(
    http: &Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Vec<u8>>,
) -> (StatusCode, Option<String>, Bytes) {
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned());
    (status, content_type, response.bytes().await.unwrap())
}

async fn get(http: &Client, url: &str) -> (StatusCode, Bytes) {
    let (status, _, body) = call(http, reqwest::Method::GET, url, None).await;
    (status, body)
}

async fn put(http: &Client, url: &str, body: impl Into<Vec<u8>>) -> (StatusCode, Bytes) {
    let (status, _, body) = call(http, reqwest::Method::PUT, url, Some(body.into())).await;
    (status, body)
}

async fn delete(http: &Client, url: &str) -> (StatusCode, Bytes) {
    let (status, _, body) = call(http, reqwest::Method::DELETE, url, None).await;
    (status, body)
}

fn text(status: StatusCode, body: &str) -> (StatusCode, Bytes) {
    (status, Bytes::copy_from_slice(body.as_bytes()))
}

#[tokio::test]
async fn health_answers_ok() {
    let server = Server::start().await;
    let http = Client::new();
    assert_eq!(
        get(&http, &server.url("/health")).await,
        text(StatusCode::OK, "OK")
    );
    server.stop().await;
}

#[tokio::test]
async fn put_get_delete_with_mooncake_status_codes_and_bodies() {
    let server = Server::start().await;
    let http = Client::new();
    let url = server.url("/metadata?key=mooncake/ram/node-a");

    assert_eq!(
        get(&http, &url).await,
        text(StatusCode::NOT_FOUND, "metadata not found")
    );
    assert_eq!(
        put(&http, &url, r#"{"name":"node-a"}"#).await,
        text(StatusCode::OK, "metadata updated")
    );

    let (status, content_type, body) = call(&http, reqwest::Method::GET, &url, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(body, r#"{"name":"node-a"}"#.as_bytes());

    // Ordinary keys are simply overwritten, same value or not.
    assert_eq!(
        put(&http, &url, "v2").await,
        text(StatusCode::OK, "metadata updated")
    );
    assert_eq!(
        put(&http, &url, "v2").await,
        text(StatusCode::OK, "metadata updated")
    );
    assert_eq!(get(&http, &url).await, text(StatusCode::OK, "v2"));

    assert_eq!(
        delete(&http, &url).await,
        text(StatusCode::OK, "metadata deleted")
    );
    assert_eq!(
        delete(&http, &url).await,
        text(StatusCode::NOT_FOUND, "metadata not found")
    );
    assert_eq!(
        get(&http, &url).await,
        text(StatusCode::NOT_FOUND, "metadata not found")
    );
    assert!(server.store.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn missing_or_empty_key_is_400() {
    let server = Server::start().await;
    let http = Client::new();
    for path in ["/metadata", "/metadata?key=", "/metadata?other=x", "/metadata?"] {
        let url = server.url(path);
        let want = text(StatusCode::BAD_REQUEST, "Missing key parameter");
        assert_eq!(get(&http, &url).await, want, "GET {path}");
        assert_eq!(put(&http, &url, "v").await, want, "PUT {path}");
        assert_eq!(delete(&http, &url).await, want, "DELETE {path}");
    }
    assert!(server.store.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn rpc_meta_keys_accept_the_same_value_and_refuse_a_different_one() {
    let server = Server::start().await;
    let http = Client::new();
    let url = server.url("/metadata?key=mooncake/rpc_meta/127.0.0.1:15183");
    let v1 = r#"{"ip_or_host_name":"127.0.0.1","rpc_port":15183}"#;
    let v2 = r#"{"ip_or_host_name":"127.0.0.1","rpc_port":15184}"#;

    assert_eq!(
        put(&http, &url, v1).await,
        text(StatusCode::OK, "metadata updated")
    );
    assert_eq!(
        put(&http, &url, v1).await,
        text(StatusCode::OK, "metadata unchanged")
    );
    assert_eq!(
        put(&http, &url, v2).await,
        text(StatusCode::BAD_REQUEST, "Duplicate rpc_meta key not allowed")
    );
    assert_eq!(get(&http, &url).await, text(StatusCode::OK, v1));

    // After a DELETE (clean shutdown of the owner) a new value is accepted.
    assert_eq!(
        delete(&http, &url).await,
        text(StatusCode::OK, "metadata deleted")
    );
    assert_eq!(
        put(&http, &url, v2).await,
        text(StatusCode::OK, "metadata updated")
    );
    server.stop().await;
}

#[tokio::test]
async fn anything_else_is_404_not_found() {
    let server = Server::start().await;
    let http = Client::new();
    let want = text(StatusCode::NOT_FOUND, "404 Not Found");
    assert_eq!(get(&http, &server.url("/")).await, want);
    assert_eq!(get(&http, &server.url("/metadata/extra?key=a")).await, want);
    assert_eq!(get(&http, &server.url("/healthz")).await, want);
    assert_eq!(put(&http, &server.url("/health"), "x").await, want);
    let (status, _, body) = call(&http, reqwest::Method::POST, &server.url("/metadata?key=a"), None).await;
    assert_eq!((status, body), want);
    let (status, _, body) = call(
        &http,
        reqwest::Method::PATCH,
        &server.url("/metadata?key=a"),
        None,
    )
    .await;
    assert_eq!((status, body), want);
    assert!(server.store.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn keys_are_percent_decoded_like_libcurl_sends_them() {
    let server = Server::start().await;
    let http = Client::new();
    let encoded = server.url("/metadata?key=mooncake%2Fram%2F127.0.0.1%3A13641");
    assert_eq!(
        put(&http, &encoded, "{}").await,
        text(StatusCode::OK, "metadata updated")
    );
    assert_eq!(server.store.keys(), vec![ram_key("127.0.0.1:13641")]);
    // The same key spelled without escapes is the same entry.
    assert_eq!(
        get(&http, &server.url("/metadata?key=mooncake/ram/127.0.0.1:13641")).await,
        text(StatusCode::OK, "{}")
    );
    // The first `key` parameter wins; others are ignored.
    assert_eq!(
        get(
            &http,
            &server.url("/metadata?x=1&key=mooncake/ram/127.0.0.1:13641&key=zzz")
        )
        .await
        .0,
        StatusCode::OK
    );
    server.stop().await;
}

#[tokio::test]
async fn binary_and_empty_values_round_trip_verbatim() {
    let server = Server::start().await;
    let http = Client::new();
    let url = server.url("/metadata?key=blob");
    let value: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    assert_eq!(put(&http, &url, value.clone()).await.0, StatusCode::OK);
    assert_eq!(
        get(&http, &url).await,
        (StatusCode::OK, Bytes::from(value.clone()))
    );
    assert_eq!(server.store.get("blob"), Some(Bytes::from(value)));

    let empty = server.url("/metadata?key=empty");
    assert_eq!(
        put(&http, &empty, Vec::new()).await,
        text(StatusCode::OK, "metadata updated")
    );
    assert_eq!(get(&http, &empty).await, (StatusCode::OK, Bytes::new()));
    server.stop().await;
}

#[tokio::test]
async fn values_up_to_the_cap_are_accepted_and_larger_ones_get_413() {
    let server = Server::start().await;
    let http = Client::new();
    let url = server.url("/metadata?key=big");
    // Well above axum's 2 MB default body limit.
    let at_cap = vec![7u8; MAX_VALUE_BYTES];
    assert_eq!(
        put(&http, &url, at_cap).await,
        text(StatusCode::OK, "metadata updated")
    );
    assert_eq!(server.store.get("big").map(|v| v.len()), Some(MAX_VALUE_BYTES));

    let too_big = vec![8u8; MAX_VALUE_BYTES + 1];
    assert_eq!(put(&http, &url, too_big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        server.store.get("big").map(|v| v[0]),
        Some(7),
        "a refused PUT leaves the old value"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_all_land() {
    let server = Server::start().await;
    let http = Client::new();
    let tasks: Vec<_> = (0..16)
        .map(|writer| {
            let http = http.clone();
            let base = server.metadata_url();
            tokio::spawn(async move {
                for i in 0..25 {
                    let url = format!("{base}?key=mooncake/ram/w{writer}-{i}");
                    let (status, _) = put(&http, &url, format!("{writer}:{i}")).await;
                    assert_eq!(status, StatusCode::OK);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(server.store.len(), 16 * 25);
    assert_eq!(
        server.store.get("mooncake/ram/w15-24"),
        Some(Bytes::from("15:24"))
    );

    // Racing publishers of one rpc_meta key: exactly one value wins, every other answer is 400.
    let key_url = format!("{}?key=mooncake/rpc_meta/contended", server.metadata_url());
    let racers: Vec<_> = (0..16)
        .map(|writer| {
            let (http, url) = (http.clone(), key_url.clone());
            tokio::spawn(async move { put(&http, &url, format!("writer-{writer}")).await.0 })
        })
        .collect();
    let mut updated = 0;
    for racer in racers {
        match racer.await.unwrap() {
            StatusCode::OK => updated += 1,
            other => assert_eq!(other, StatusCode::BAD_REQUEST),
        }
    }
    assert_eq!(updated, 1);
    server.stop().await;
}

#[tokio::test]
async fn remove_segment_in_process_is_visible_over_http() {
    let server = Server::start().await;
    let http = Client::new();
    let base = server.metadata_url();
    for key in [ram_key("node-a"), rpc_meta_key("node-a"), ram_key("node-b")] {
        assert_eq!(
            put(&http, &format!("{base}?key={key}"), "{}").await.0,
            StatusCode::OK
        );
    }
    assert_eq!(server.store.remove_segment("node-a"), 2);
    let gone = text(StatusCode::NOT_FOUND, "metadata not found");
    assert_eq!(
        get(&http, &format!("{base}?key={}", ram_key("node-a"))).await,
        gone
    );
    assert_eq!(
        get(&http, &format!("{base}?key={}", rpc_meta_key("node-a"))).await,
        gone
    );
    assert_eq!(
        get(&http, &format!("{base}?key={}", ram_key("node-b"))).await.0,
        StatusCode::OK
    );
    // The restarted owner may now publish a different rpc_meta value.
    let (status, body) = put(&http, &format!("{base}?key={}", rpc_meta_key("node-a")), "new").await;
    assert_eq!((status, body), text(StatusCode::OK, "metadata updated"));
    server.stop().await;
}

#[tokio::test]
async fn client_against_the_server() {
    let server = Server::start().await;
    let client = HttpMetadataClient::new(&server.metadata_url()).unwrap();
    let key = ram_key("127.0.0.1:13641 with space+plus&amp=");

    assert_eq!(client.get(&key).await.unwrap(), None);
    assert_eq!(
        client.put(&key, &b"\x00\xffdescriptor"[..]).await.unwrap(),
        PutOutcome::Updated
    );
    assert_eq!(
        server.store.keys(),
        vec![key.clone()],
        "the key survives escaping exactly"
    );
    assert_eq!(
        client.get(&key).await.unwrap(),
        Some(Bytes::from_static(b"\x00\xffdescriptor"))
    );
    assert!(client.delete(&key).await.unwrap());
    assert!(!client.delete(&key).await.unwrap());

    let rpc = rpc_meta_key("127.0.0.1:13641");
    assert_eq!(client.put(&rpc, "a").await.unwrap(), PutOutcome::Updated);
    assert_eq!(client.put(&rpc, "a").await.unwrap(), PutOutcome::Unchanged);
    match client.put(&rpc, "b").await.unwrap_err() {
        MetadataError::DuplicateRpcMeta(err) => assert_eq!(err.key, rpc),
        other => panic!("expected DuplicateRpcMeta, got {other}"),
    }

    let too_big = vec![0u8; MAX_VALUE_BYTES + 1];
    match client.put("big", too_big).await.unwrap_err() {
        MetadataError::UnexpectedStatus { status, .. } => assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE),
        other => panic!("expected UnexpectedStatus, got {other}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn client_reports_a_wrong_url_instead_of_a_missing_key() {
    let server = Server::start().await;
    let client = HttpMetadataClient::new(&server.url("/")).unwrap();
    for result in [
        client.get("k").await.map(|_| ()),
        client.delete("k").await.map(|_| ()),
    ] {
        match result.unwrap_err() {
            MetadataError::UnexpectedStatus { status, body, .. } => {
                assert_eq!(status, StatusCode::NOT_FOUND);
                assert_eq!(body, "404 Not Found");
            }
            other => panic!("expected UnexpectedStatus, got {other}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn client_reports_an_unreachable_server_as_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = HttpMetadataClient::new(&format!("http://{addr}/metadata")).unwrap();
    let err = client.get("k").await.unwrap_err();
    assert!(
        matches!(err, MetadataError::Transport { method: "GET", .. }),
        "{err}"
    );
}

#[tokio::test]
async fn cancel_stops_the_server_promptly_even_with_idle_keep_alive_connections() {
    let server = Server::start().await;
    let (addr, cancel) = (server.addr, server.cancel.clone());
    // A pooled keep-alive connection stays open after this request.
    let http = Client::new();
    assert_eq!(get(&http, &server.url("/health")).await.0, StatusCode::OK);

    let started = Instant::now();
    cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(10), server.task)
        .await
        .unwrap()
        .unwrap();
    result.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        started.elapsed()
    );

    // The listener is closed: new connections are refused.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    assert!(
        Client::new()
            .get(format!("http://{addr}/health"))
            .send()
            .await
            .is_err()
    );
}
