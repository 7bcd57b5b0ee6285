//! Metadata service: the shared key → bytes store, the Mooncake-compatible HTTP metadata server over it,
//! the backends engines publish descriptors to (HTTP, etcd, Redis, or none with `P2PHANDSHAKE`), the
//! handshake protocol, and the [`SegmentResolver`] on top.
//!
//! - [`MetadataServer::parse`] reads a `metadata_server` string as Mooncake does;
//!   [`MetadataBackend::from_conn_string`] connects it.
//! - [`SegmentResolver`] publishes our descriptor and resolves peers' (cached).
//! - [`HandshakeServer`] answers P2P handshake requests; [`handshake`] is the frame codec.
//!
//! The protocol is Mooncake's embedded metadata server (one path, `/metadata?key=K`, GET/PUT/DELETE, raw
//! values stored verbatim, plus `/health`), so a real Mooncake transfer engine configured with
//! `metadata_server = "http://host:port/metadata"` can use ours and our nodes can use theirs.
//!
//! Transfer engines publish two keys per segment, [`ram_key`] (the segment descriptor) and
//! [`rpc_meta_key`] (the RPC endpoint); [`MetadataStore::remove_segment`] deletes both.
//!
//! ```
//! use mooncake_engine::metadata::{HttpMetadataClient, MetadataStore, PutOutcome, ram_key, serve};
//! use tokio_util::sync::CancellationToken;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let url = format!("http://{}/metadata", listener.local_addr()?);
//! let (store, cancel) = (MetadataStore::new(), CancellationToken::new());
//! let server = tokio::spawn(serve(listener, store.clone(), cancel.clone()));
//!
//! let client = HttpMetadataClient::new(&url)?;
//! assert_eq!(client.put(&ram_key("node-a"), r#"{"name":"node-a"}"#).await?, PutOutcome::Updated);
//! assert_eq!(store.get("mooncake/ram/node-a").as_deref(), Some(&br#"{"name":"node-a"}"#[..]));
//! assert_eq!(store.remove_segment("node-a"), 1);
//! assert_eq!(client.get(&ram_key("node-a")).await?, None);
//!
//! cancel.cancel();
//! server.await??;
//! # Ok(())
//! # }
//! ```

mod backend;
mod etcd;
pub mod handshake;
mod http_client;
mod http_server;
mod keys;
pub mod master_view;
mod p2p;
mod redis;
mod resolver;
mod store;

pub use backend::{KvBackend, KvStore, MetadataBackend, MetadataServer, P2P_HANDSHAKE};
pub use etcd::{ETCD_OP_TIMEOUT, EtcdKv};
pub use handshake::{Frame, FrameKind, RequestType};
pub use http_client::HttpMetadataClient;
pub use http_server::{DRAIN_DEADLINE, MAX_VALUE_BYTES, router, serve};
pub use keys::KeySpace;
pub use p2p::{
    ConnectionHandler, DEFAULT_HANDSHAKE_PORT, HandshakeConfig, HandshakeResponder, HandshakeServer,
    LocalDescriptor, NOTIFY_QUEUE_LIMIT, NotifyMessage, NotifyQueue, empty_connection_reply, exchange,
    exchange_metadata, parse_peer_name, peer_address, probe, send_notify, serve_handshake,
};
pub use redis::{REDIS_TIMEOUT, RedisKv, RedisOptions};
pub use resolver::SegmentResolver;
pub use store::{MetadataStore, PutOutcome, ram_key, rpc_meta_key};
