//! The transfer engine: one per process. It owns the registry of local memory peers may access, the
//! TCP data server and the handshake listener that serve peers, the resolver that publishes our
//! descriptor and finds theirs (P2P handshake, HTTP, etcd or Redis), and the transports that move
//! bytes — `shm` when the peer is on this host, `tcp` otherwise.
//!
//! Naming follows Mooncake: with a metadata service the engine is called by its `local_hostname`
//! (`host:port`; a port is added when missing); with `P2PHANDSHAKE` the name *is* the handshake
//! listener's `ip:port`, since peers resolve us by connecting to it.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use crate::descriptor::{RpcMeta, SegmentDescriptor};
use crate::memory::{MemoryRegistry, Registration, Segment, host_id};
use crate::metadata::{HandshakeServer, LocalDescriptor, MetadataBackend, SegmentResolver};
use crate::metrics::EngineMetrics;
use crate::transport::hashed::MemoryView;
use crate::transport::local::LocalTransport;
use crate::transport::shm::ShmTransport;
use crate::transport::tcp::{TcpConfig, TcpDataServer, TcpServerConfig, TcpTransport};
use crate::transport::{ReadBack, Transfer, TransferError, Transport};
use crate::{AccessError, MetadataError};

/// How to start an engine (Mooncake's `setup()` arguments that concern the data path).
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// `host` or `host:port`: the address peers reach us at (tests pass `127.0.0.1`).
    pub local_hostname: String,
    /// `P2PHANDSHAKE`, `http://host:port/metadata`, `etcd://host:port`, `redis://host:port`.
    pub metadata_server: String,
    /// TCP transport tuning.
    pub tcp: TcpConfig,
    /// Use the shared-memory fast path for peers on this host.
    pub enable_shm: bool,
}

impl EngineConfig {
    pub fn new(local_hostname: impl Into<String>, metadata_server: impl Into<String>) -> Self {
        Self {
            local_hostname: local_hostname.into(),
            metadata_server: metadata_server.into(),
            tcp: TcpConfig::from_env(),
            enable_shm: true,
        }
    }
}

/// Why the engine could not start or do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("local_hostname {0:?} is not `host` or `host:port`")]
    BadHostname(String),
    #[error("cannot resolve local_hostname {host:?}: {source}")]
    ResolveHost { host: String, source: std::io::Error },
    #[error("cannot listen on {addr} for {what}: {source}")]
    Bind {
        what: &'static str,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("cannot register memory: {0}")]
    Register(#[from] AccessError),
}

/// Splits `host[:port]`; a bare IPv6 address has no port.
fn split_hostname(name: &str) -> Result<(String, Option<u16>), EngineError> {
    let bad = || EngineError::BadHostname(name.to_string());
    if name.is_empty() {
        return Err(bad());
    }
    if let Some(rest) = name.strip_prefix('[') {
        let (host, tail) = rest.split_once(']').ok_or_else(bad)?;
        let port = match tail.strip_prefix(':') {
            Some(port) => Some(port.parse().map_err(|_| bad())?),
            None if tail.is_empty() => None,
            None => return Err(bad()),
        };
        return Ok((host.to_string(), port));
    }
    match name.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            Ok((host.to_string(), Some(port.parse().map_err(|_| bad())?)))
        }
        _ => Ok((name.to_string(), None)),
    }
}

fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A running transfer engine.
pub struct TransferEngine {
    name: String,
    host: String,
    registry: Arc<MemoryRegistry>,
    registrations: Mutex<BTreeMap<u64, Registration>>,
    tcp_server: Mutex<Option<TcpDataServer>>,
    handshake: tokio::sync::Mutex<Option<HandshakeServer>>,
    resolver: SegmentResolver,
    tcp: TcpTransport,
    shm: Option<ShmTransport>,
    local: LocalTransport,
    metrics: EngineMetrics,
    /// Serialises descriptor updates so publications never go out of order.
    publishing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for TransferEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferEngine")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl TransferEngine {
    /// Binds the data and handshake listeners on the host of `local_hostname`, connects to the
    /// metadata service and publishes an (empty) descriptor.
    pub async fn start(config: EngineConfig) -> Result<Self, EngineError> {
        let (host, port) = split_hostname(&config.local_hostname)?;
        let ip: IpAddr = match host.parse() {
            Ok(ip) => ip,
            Err(_) => tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|source| EngineError::ResolveHost {
                    host: host.clone(),
                    source,
                })?
                .next()
                .map(|addr| addr.ip())
                .ok_or_else(|| EngineError::BadHostname(config.local_hostname.clone()))?,
        };
        let registry = Arc::new(MemoryRegistry::default());
        let data_addr = SocketAddr::new(ip, 0);
        let tcp_server = TcpDataServer::bind_with(data_addr, registry.clone(), TcpServerConfig::from_env())
            .map_err(|source| EngineError::Bind {
            what: "TCP data server",
            addr: data_addr,
            source,
        })?;

        let backend = MetadataBackend::from_conn_string(&config.metadata_server).await?;
        let p2p = matches!(backend, MetadataBackend::P2pHandshake);
        // In P2P mode peers resolve us by dialling our name, so the handshake port comes from it when
        // given; otherwise any free port (the name is then only a label).
        let handshake_addr = SocketAddr::new(ip, if p2p { port.unwrap_or(0) } else { 0 });
        let local = LocalDescriptor::new();
        let handshake = HandshakeServer::bind(handshake_addr, local.clone())
            .await
            .map_err(|source| EngineError::Bind {
                what: "handshake listener",
                addr: handshake_addr,
                source,
            })?;
        let handshake_port = handshake.local_addr().port();
        let name = match (p2p, port) {
            (true, _) => join_host_port(&ip.to_string(), handshake_port),
            (false, Some(_)) => config.local_hostname.clone(),
            (false, None) => join_host_port(&host, tcp_server.local_addr().port()),
        };
        let resolver = SegmentResolver::new(backend, crate::metadata::KeySpace::from_env()).with_local(local);
        let local = LocalTransport::new(name.clone(), registry.clone());
        let engine = Self {
            name,
            host: ip.to_string(),
            registry,
            registrations: Mutex::new(BTreeMap::new()),
            tcp_server: Mutex::new(Some(tcp_server)),
            handshake: tokio::sync::Mutex::new(Some(handshake)),
            resolver,
            tcp: TcpTransport::new(config.tcp),
            shm: config.enable_shm.then(ShmTransport::new),
            local,
            metrics: EngineMetrics::new(),
            publishing: tokio::sync::Mutex::new(()),
        };
        let rpc_meta = RpcMeta {
            ip_or_host_name: engine.host.clone(),
            rpc_port: handshake_port,
        };
        engine.resolver.publish(&engine.descriptor(), &rpc_meta).await?;
        tracing::info!(
            name = %engine.name,
            tcp_data = %engine.tcp_data_addr(),
            handshake_port,
            metadata = %config.metadata_server,
            "transfer engine started"
        );
        Ok(engine)
    }

    /// The segment name peers use to reach this engine.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the TCP data server listens.
    pub fn tcp_data_addr(&self) -> SocketAddr {
        self.tcp_server.lock().as_ref().map_or(
            SocketAddr::new(IpAddr::from([0, 0, 0, 0]), 0),
            TcpDataServer::local_addr,
        )
    }

    /// The registry of memory peers may access.
    pub fn registry(&self) -> &Arc<MemoryRegistry> {
        &self.registry
    }

    pub fn metrics(&self) -> &EngineMetrics {
        &self.metrics
    }

    /// What we publish: Mooncake's TCP descriptor plus our host id and per-buffer `shm_name`.
    pub fn descriptor(&self) -> SegmentDescriptor {
        let buffers = self
            .registrations
            .lock()
            .values()
            .map(|registration| registration.segment().buffer_descriptor(self.name.clone()))
            .collect();
        SegmentDescriptor {
            name: self.name.clone(),
            protocol: "tcp".to_string(),
            tcp_data_port: self.tcp_data_addr().port(),
            tcp_proto_version: 2,
            tcp_data_host: Some(self.host.clone()),
            rdma_server_name: String::new(),
            timestamp: String::new(),
            buffers,
            devices: Vec::new(),
            host_id: Some(host_id().to_string()),
        }
    }

    /// Makes `segment` readable and writable by peers and re-publishes our descriptor.
    pub async fn register_segment(&self, segment: Arc<Segment>) -> Result<(), EngineError> {
        let registration = segment.register(&self.registry)?;
        self.registrations.lock().insert(segment.addr(), registration);
        self.republish().await
    }

    /// Withdraws the segment registered at `addr` (waiting for peer accesses in flight) and
    /// re-publishes our descriptor. Returns the segment, or `None` if nothing was registered there.
    pub async fn unregister_segment(&self, addr: u64) -> Result<Option<Arc<Segment>>, EngineError> {
        let registration = self.registrations.lock().remove(&addr);
        // Unregistering waits for peer transfers in flight on the segment: not on an async worker.
        let segment = match registration {
            Some(registration) => tokio::task::spawn_blocking(move || registration.unregister())
                .await
                .ok(),
            None => None,
        };
        // Our own segment may be mapped a second time by the shm transport (same-process peers);
        // drop that mapping so the memory is released with the segment.
        if let (Some(shm), Some(name)) = (&self.shm, segment.as_ref().and_then(|s| s.shm_name())) {
            shm.forget(name);
        }
        self.republish().await?;
        Ok(segment)
    }

    /// Publishes the current descriptor again (after registrations change, or after the metadata
    /// service lost it, e.g. a restarted master's embedded server).
    pub async fn republish(&self) -> Result<(), EngineError> {
        let _in_order = self.publishing.lock().await;
        let rpc_meta = RpcMeta {
            ip_or_host_name: self.host.clone(),
            rpc_port: self.handshake_port().await,
        };
        self.resolver.publish(&self.descriptor(), &rpc_meta).await?;
        Ok(())
    }

    async fn handshake_port(&self) -> u16 {
        self.handshake
            .lock()
            .await
            .as_ref()
            .map_or(0, |h| h.local_addr().port())
    }

    /// A peer's descriptor, by segment name (cached; see [`TransferEngine::forget_peer`]).
    pub async fn resolve(&self, segment_name: &str) -> Result<Arc<SegmentDescriptor>, EngineError> {
        Ok(self.resolver.resolve(segment_name).await?)
    }

    /// Drops a cached peer descriptor, so the next transfer fetches it again (a peer restarted).
    pub fn forget_peer(&self, segment_name: &str) {
        self.resolver.invalidate(segment_name);
    }

    /// Whether transfers to `target` are plain memory copies in this process (our own segment, or a
    /// same-host peer's through shm) rather than network I/O.
    pub fn copies_in_memory(&self, target: &SegmentDescriptor) -> bool {
        matches!(self.transport_for(target).name(), "local" | "shm")
    }

    /// A view of `[addr, addr + len)` of `target`'s memory when this process reaches it by memory
    /// copy (its own segment, or a same-host peer's through shm); `None` for network targets.
    pub fn memory_view(
        &self,
        target: &SegmentDescriptor,
        addr: u64,
        len: u64,
    ) -> Option<Result<MemoryView<'_>, TransferError>> {
        if self.local.can_reach(target) {
            return Some(self.local.view(addr, len));
        }
        match &self.shm {
            Some(shm) if shm.can_reach(target) => Some(shm.view(target, addr, len)),
            _ => None,
        }
    }

    /// Records a copy done through a [`MemoryView`] in the transfer metrics.
    pub fn record_memory_copy(&self, target: &SegmentDescriptor, read: bool, len: usize, ok: bool) {
        let transport = self.transport_for(target).name();
        self.metrics.record(transport, read, len, ok);
    }

    /// The transport that will carry transfers to `target`.
    pub fn transport_for(&self, target: &SegmentDescriptor) -> &dyn Transport {
        if self.local.can_reach(target) {
            return &self.local;
        }
        match &self.shm {
            Some(shm) if shm.can_reach(target) => shm,
            _ => &self.tcp,
        }
    }

    /// Runs `batch` against `target` on the calling thread; one result per transfer. Blocking: call it
    /// from a thread that may block (`spawn_blocking`, or a plain thread).
    pub fn transfer(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<(), TransferError>> {
        self.run(target, batch, |transport, batch| {
            transport.transfer(target, batch)
        })
    }

    /// [`TransferEngine::transfer`], also answering the CRC-32 of each successful transfer's bytes,
    /// computed by the transport while they are in cache where it can ([`Transport::transfer_hashed`]).
    pub fn transfer_hashed(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<u32, TransferError>> {
        self.run(target, batch, |transport, batch| {
            transport.transfer_hashed(target, batch)
        })
    }

    /// Reads `len` bytes at `target_addr` of `target` into a new vector (not zero-filled first where
    /// the transport can avoid it), with `hash` also their CRC-32 ([`Transport::read_to_vecs`]).
    pub fn read_to_vec(
        &self,
        target: &SegmentDescriptor,
        target_addr: u64,
        len: usize,
        hash: bool,
    ) -> Result<ReadBack, TransferError> {
        let read = self.read_to_vecs(target, &[(target_addr, len)], hash).pop();
        read.unwrap_or(Err(TransferError::OutOfRange {
            addr: target_addr,
            len: len as u64,
        }))
    }

    /// Reads each `(target_addr, len)` of `target` into a new vector, in one batch (not
    /// zero-filled first where the transport can avoid it), with `hash` also each one's CRC-32.
    pub fn read_to_vecs(
        &self,
        target: &SegmentDescriptor,
        reads: &[(u64, usize)],
        hash: bool,
    ) -> Vec<Result<ReadBack, TransferError>> {
        let transport = self.transport_for(target);
        let started = Instant::now();
        let results = transport.read_to_vecs(target, reads, hash);
        self.metrics.record_batch(transport.name(), started.elapsed());
        for (&(_, len), result) in reads.iter().zip(&results) {
            self.metrics.record(transport.name(), true, len, result.is_ok());
        }
        if results
            .iter()
            .any(|r| matches!(r, Err(TransferError::Connect { .. } | TransferError::Io { .. })))
        {
            self.tcp.forget(target);
        }
        results
    }

    /// Runs `batch` through `run` on the transport for `target`, with metrics, and forgets a peer
    /// that could not be reached.
    fn run<T>(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
        run: impl FnOnce(&dyn Transport, &mut [Transfer<'_>]) -> Vec<Result<T, TransferError>>,
    ) -> Vec<Result<T, TransferError>> {
        let transport = self.transport_for(target);
        let shape: Vec<(bool, usize)> = batch
            .iter()
            .map(|t| (matches!(t, Transfer::Read { .. }), t.len()))
            .collect();
        let started = Instant::now();
        let results = run(transport, batch);
        self.metrics.record_batch(transport.name(), started.elapsed());
        for (&(read, len), result) in shape.iter().zip(&results) {
            self.metrics.record(transport.name(), read, len, result.is_ok());
        }
        // A peer that cannot be reached or dropped us mid-transfer has likely gone (or restarted on a
        // new port): close its pooled connections instead of keeping them for a peer that never returns.
        if results
            .iter()
            .any(|r| matches!(r, Err(TransferError::Connect { .. } | TransferError::Io { .. })))
        {
            self.tcp.forget(target);
        }
        results
    }

    /// Withdraws our descriptor from the metadata service and stops serving peers.
    pub async fn shutdown(&self) {
        if let Err(error) = self.resolver.unpublish(&self.name).await {
            tracing::warn!(%error, name = %self.name, "could not withdraw our descriptor");
        }
        if let Some(handshake) = self.handshake.lock().await.take()
            && let Err(error) = handshake.shutdown().await
        {
            tracing::warn!(%error, "handshake listener did not stop cleanly");
        }
        let server = self.tcp_server.lock().take();
        if let Some(mut server) = server {
            crate::blocking(|| server.shutdown());
        }
        self.registrations.lock().clear();
        tracing::info!(name = %self.name, "transfer engine stopped");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_split_like_mooncake() {
        assert_eq!(split_hostname("127.0.0.1").unwrap(), ("127.0.0.1".into(), None));
        assert_eq!(
            split_hostname("node1:1234").unwrap(),
            ("node1".into(), Some(1234))
        );
        assert_eq!(split_hostname("[::1]:99").unwrap(), ("::1".into(), Some(99)));
        assert_eq!(split_hostname("::1").unwrap(), ("::1".into(), None));
        assert!(split_hostname("host:notaport").is_err());
        assert!(split_hostname("").is_err());
        assert_eq!(join_host_port("::1", 5), "[::1]:5");
    }
}
