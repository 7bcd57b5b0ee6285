//! Metadata service: the shared key → bytes store, the Mooncake-compatible HTTP metadata server over it,
//! and the HTTP client nodes use to talk to such a server.
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

mod http_client;
mod http_server;
mod store;

pub use http_client::HttpMetadataClient;
pub use http_server::{DRAIN_DEADLINE, MAX_VALUE_BYTES, router, serve};
pub use store::{MetadataStore, PutOutcome, ram_key, rpc_meta_key};
