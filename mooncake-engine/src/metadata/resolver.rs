//! `SegmentResolver`: publishes this engine's descriptor and finds peers' descriptors, over whichever
//! backend the `metadata_server` string chose, with Mooncake's descriptor cache ("metacache").
//!
//! - Key-value backends (HTTP, etcd, Redis): `publish` PUTs `rpc_meta/<name>` then `ram/<name>` (the
//!   order of Mooncake's start-up), `unpublish` DELETEs both, `resolve` GETs `ram/<name>`.
//! - P2P handshake: nothing is written anywhere. `publish` only sets the descriptor our handshake
//!   server answers with; `resolve(name)` connects to `name` (the peer's handshake `ip:port`), sends
//!   our descriptor in a Metadata request and takes the peer's from the reply.
//!
//! Resolved descriptors are cached by name until [`invalidate`](SegmentResolver::invalidate)d or
//! [`refresh`](SegmentResolver::refresh)ed; callers invalidate when a transfer hits an address the
//! cached descriptor does not cover (the peer registered more memory) or the peer stops answering.
//! Our own name resolves to the local descriptor without a round trip.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::RwLock;
use serde::Serialize;
use tracing::debug;

use super::backend::{KvBackend, KvStore, MetadataBackend};
use super::keys::KeySpace;
use super::p2p::{HandshakeConfig, LocalDescriptor, exchange_metadata, parse_peer_name, peer_address};
use crate::descriptor::{RpcMeta, SegmentDescriptor};
use crate::error::MetadataError;

/// Publishes and resolves segment descriptors. Share it behind an `Arc`.
#[derive(Debug)]
pub struct SegmentResolver {
    backend: MetadataBackend,
    keys: KeySpace,
    local: LocalDescriptor,
    handshake: HandshakeConfig,
    cache: RwLock<HashMap<String, Arc<SegmentDescriptor>>>,
}

impl SegmentResolver {
    /// A resolver over `backend` with key layout `keys` and the default handshake settings.
    pub fn new(backend: MetadataBackend, keys: KeySpace) -> Self {
        Self {
            backend,
            keys,
            local: LocalDescriptor::new(),
            handshake: HandshakeConfig::default(),
            cache: RwLock::default(),
        }
    }

    /// Mooncake's set-up from one string: the backend `conn_string` names, the cluster id from
    /// `MC_METADATA_CLUSTER_ID`, handshake limits from `MC_HANDSHAKE_*`, Redis credentials from
    /// `MC_REDIS_*`.
    pub async fn from_conn_string(conn_string: &str) -> Result<Self, MetadataError> {
        let backend = MetadataBackend::from_conn_string(conn_string).await?;
        Ok(Self::new(backend, KeySpace::from_env()).with_handshake_config(HandshakeConfig::from_env()))
    }

    /// Uses `config` for P2P metadata exchanges.
    pub fn with_handshake_config(mut self, config: HandshakeConfig) -> Self {
        self.handshake = config;
        self
    }

    /// Shares `local` as the published-descriptor cell (e.g. one a handshake server already serves).
    pub fn with_local(mut self, local: LocalDescriptor) -> Self {
        self.local = local;
        self
    }

    /// The backend.
    pub fn backend(&self) -> &MetadataBackend {
        &self.backend
    }

    /// The key layout.
    pub fn keys(&self) -> &KeySpace {
        &self.keys
    }

    /// The cell holding our published descriptor; give it to the
    /// [`HandshakeServer`](super::HandshakeServer) so P2P peers get what we publish.
    pub fn local(&self) -> &LocalDescriptor {
        &self.local
    }

    /// Publishes our segment: records it as the local descriptor and, with a key-value backend, PUTs
    /// `rpc_meta/<name>` and `ram/<name>`. Re-publishing the same `rpc_meta` succeeds on every backend
    /// (including Mooncake's Python server, which refuses identical re-PUTs: the stored value is
    /// checked instead); a *different* one is refused by HTTP servers with Mooncake's `rpc_meta` rule
    /// ([`MetadataError::DuplicateRpcMeta`]) until the old entry is unpublished.
    pub async fn publish(
        &self,
        descriptor: &SegmentDescriptor,
        rpc_meta: &RpcMeta,
    ) -> Result<(), MetadataError> {
        if let Some(kv) = self.backend.kv() {
            let name = &descriptor.name;
            let rpc_value = encode(kv, "rpc_meta", name, rpc_meta)?;
            let rpc_key = self.keys.rpc_meta_key(name);
            match kv.put(&rpc_key, &rpc_value).await {
                Ok(()) => {}
                // Mooncake's Python metadata server refuses even an identical re-PUT; what is stored
                // is already ours, so that is success (as with the C++ server's "metadata unchanged").
                Err(MetadataError::DuplicateRpcMeta(duplicate)) => {
                    let stored = kv.get(&rpc_key).await?;
                    let same = stored
                        .and_then(|bytes| serde_json::from_slice::<RpcMeta>(&bytes).ok())
                        .is_some_and(|stored| stored == *rpc_meta);
                    if !same {
                        return Err(MetadataError::DuplicateRpcMeta(duplicate));
                    }
                }
                Err(err) => return Err(err),
            }
            let value = encode(kv, "segment descriptor", name, descriptor)?;
            kv.put(&self.keys.segment_key(name), &value).await?;
        }
        self.local.set(descriptor.clone());
        self.invalidate(&descriptor.name);
        Ok(())
    }

    /// Re-publishes only our descriptor (after registering or unregistering a buffer).
    pub async fn update(&self, descriptor: &SegmentDescriptor) -> Result<(), MetadataError> {
        if let Some(kv) = self.backend.kv() {
            let value = encode(kv, "segment descriptor", &descriptor.name, descriptor)?;
            kv.put(&self.keys.segment_key(&descriptor.name), &value).await?;
        }
        self.local.set(descriptor.clone());
        self.invalidate(&descriptor.name);
        Ok(())
    }

    /// Withdraws a segment: DELETEs `rpc_meta/<name>` and `ram/<name>` (missing keys are fine), stops
    /// serving it locally if it is ours, and drops it from the cache.
    pub async fn unpublish(&self, name: &str) -> Result<(), MetadataError> {
        if let Some(kv) = self.backend.kv() {
            kv.delete(&self.keys.rpc_meta_key(name)).await?;
            kv.delete(&self.keys.segment_key(name)).await?;
        }
        if self.local.get().is_some_and(|d| d.name == name) {
            self.local.clear();
        }
        self.invalidate(name);
        Ok(())
    }

    /// The descriptor of segment `name`: from the cache, else fetched (and cached). A leading `/` is
    /// ignored, as in Mooncake's `openSegment`.
    pub async fn resolve(&self, name: &str) -> Result<Arc<SegmentDescriptor>, MetadataError> {
        let name = name.trim_start_matches('/');
        if let Some(hit) = self.cache.read().get(name) {
            return Ok(hit.clone());
        }
        self.refresh(name).await
    }

    /// Fetches segment `name` bypassing the cache, and caches the answer. When the segment is gone
    /// its cache entry is dropped; when the service cannot be reached the entry is kept.
    pub async fn refresh(&self, name: &str) -> Result<Arc<SegmentDescriptor>, MetadataError> {
        let name = name.trim_start_matches('/');
        if name.is_empty() {
            return Err(MetadataError::SegmentNotFound { name: String::new() });
        }
        if let Some(local) = self.local.get().filter(|d| d.name == name) {
            return Ok(local);
        }
        let descriptor = match self.fetch(name).await {
            Ok(descriptor) => Arc::new(descriptor),
            Err(err) => {
                // Only an authoritative "not there" purges the cache (as Mooncake's syncSegmentCache
                // does); an unreachable service keeps the last known descriptor usable.
                if matches!(err, MetadataError::SegmentNotFound { .. }) {
                    self.invalidate(name);
                }
                return Err(err);
            }
        };
        debug!(
            segment = name,
            buffers = descriptor.buffers.len(),
            "resolved segment descriptor"
        );
        self.cache.write().insert(name.to_owned(), descriptor.clone());
        Ok(descriptor)
    }

    /// Forgets the cached descriptor of `name`; the next [`resolve`](Self::resolve) fetches it again.
    pub fn invalidate(&self, name: &str) {
        self.cache.write().remove(name.trim_start_matches('/'));
    }

    /// Forgets every cached descriptor.
    pub fn invalidate_all(&self) {
        self.cache.write().clear();
    }

    /// Names currently cached, sorted.
    pub fn cached_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.cache.read().keys().cloned().collect();
        names.sort_unstable();
        names
    }

    /// The handshake endpoint of segment `name`: its `rpc_meta` record, or in P2P mode the name itself.
    pub async fn rpc_meta(&self, name: &str) -> Result<RpcMeta, MetadataError> {
        match self.backend.kv() {
            None => {
                let (host, port) = parse_peer_name(name)?;
                Ok(RpcMeta {
                    ip_or_host_name: host,
                    rpc_port: port,
                })
            }
            Some(kv) => {
                let value = kv.get(&self.keys.rpc_meta_key(name)).await?.ok_or_else(|| {
                    MetadataError::SegmentNotFound {
                        name: name.to_owned(),
                    }
                })?;
                decode(&value, "rpc_meta", name)
            }
        }
    }

    async fn fetch(&self, name: &str) -> Result<SegmentDescriptor, MetadataError> {
        match self.backend.kv() {
            None => {
                let (host, port) = parse_peer_name(name)?;
                let ours = self.local.get();
                exchange_metadata(&peer_address(&host, port), ours.as_deref(), &self.handshake).await
            }
            Some(kv) => {
                let value = kv.get(&self.keys.segment_key(name)).await?.ok_or_else(|| {
                    MetadataError::SegmentNotFound {
                        name: name.to_owned(),
                    }
                })?;
                decode(&value, "segment descriptor", name)
            }
        }
    }
}

/// Compact JSON with sorted keys (jsoncpp's output), newline-terminated where Mooncake's plugin for
/// this backend writes one.
fn encode<T: Serialize>(
    kv: &KvStore,
    what: &'static str,
    name: &str,
    value: &T,
) -> Result<Vec<u8>, MetadataError> {
    let to_json = || serde_json::to_vec(&serde_json::to_value(value)?);
    let mut bytes = to_json().map_err(|source| MetadataError::Encode {
        what,
        name: name.to_owned(),
        source,
    })?;
    if kv.appends_newline() {
        bytes.push(b'\n');
    }
    Ok(bytes)
}

/// Parses a stored value; surrounding whitespace (Mooncake's trailing newline) is accepted.
fn decode<T: serde::de::DeserializeOwned>(
    value: &[u8],
    what: &'static str,
    name: &str,
) -> Result<T, MetadataError> {
    serde_json::from_slice(value).map_err(|source| MetadataError::BadValue {
        what,
        name: name.to_owned(),
        source,
    })
}
