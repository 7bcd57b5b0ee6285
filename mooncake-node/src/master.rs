//! [`MasterClient`]: a thin typed wrapper over the master's RPC API. Transport failures become
//! [`ClientError::Rpc`]; reply codes are turned into errors by the callers through
//! [`ClientError::check`], so per-item batch codes stay per item.
//!
//! # Two transports
//!
//! Every call can go over gRPC (one multiplexed HTTP/2 channel). The hot data-path calls — put
//! start/end/revoke, replica lists, exist, remove (and their batch forms) and ping — normally use the
//! framed protocol of [`mooncake_proto::framed`] instead, on the same master port: blocking
//! `std::net` I/O on the calling thread (through [`mooncake_engine::blocking`]), no hand-off to an I/O
//! thread and no HTTP/2 framing, which cuts the round trip several-fold. Concurrent callers each take
//! a connection from a small pool (a new one is opened when none is idle).
//!
//! - A master that does not answer the hello falls back to gRPC for good.
//! - On an I/O error the connection is dropped; reads (replica lists, exist, ping) reconnect and retry
//!   once, mutations return [`ClientError::Rpc`] (`Unavailable`, or `DeadlineExceeded` on a timeout),
//!   as a failed gRPC call would. Idle connections the master closed (say, it restarted) are noticed
//!   before a request is sent on them and replaced.
//! - `MOONCAKE_MASTER_FRAMED=0` in the environment disables the framed path (gRPC only).
//!
//! Because the framed path blocks the calling thread, a master running in the same process must not
//! share a current-thread runtime with its clients (a multi-thread runtime is fine).

use std::future::Future;
use std::io::{self, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use mooncake_engine::metadata::master_view::{ViewBackend, ViewStore, client_cluster_id};
use mooncake_engine::transport::tcp::idle_connection_usable;
use mooncake_proto::framed::{self, HEADER_LEN, MAGIC, MAX_BODY, Method};
use mooncake_proto::master::master_service_client::MasterServiceClient;
use mooncake_proto::master::{self as pb};
use parking_lot::{Mutex, RwLock};
use tonic::transport::Channel;

use crate::error::ClientError;

/// Set to `0` to keep every master call on gRPC.
pub const FRAMED_ENV: &str = "MOONCAKE_MASTER_FRAMED";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Read/write timeout of a framed call.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the master may take to answer the hello before it is taken not to speak the protocol.
const HELLO_TIMEOUT: Duration = Duration::from_secs(2);
/// Idle framed connections kept per client.
const MAX_IDLE: usize = 16;
/// Read buffer of a framed connection: a small reply arrives in one read.
const READ_BUFFER: usize = 16 * 1024;
/// Request/reply buffers larger than this are not kept on an idle connection.
const KEEP_BUFFER: usize = 1 << 20;

/// A connection to the master (cheap to clone; clones share the gRPC channel and the framed pool).
///
/// Given an HA address (`etcd://…`, `redis://…`) instead of `host:port`, it reads the leader from the
/// master view and, when a call finds no serving leader there (`Unavailable`, connection lost,
/// timeout), reads the view again and moves to the new leader, retrying the call for up to
/// [`FAILOVER_BUDGET`].
#[derive(Clone, Debug)]
pub struct MasterClient {
    endpoint: Arc<RwLock<Arc<Endpoint>>>,
    client_id: String,
    framed: bool,
    leader: Option<Arc<LeaderFinder>>,
}

/// How long one call keeps looking for a serving leader during a failover.
pub const FAILOVER_BUDGET: Duration = Duration::from_secs(15);
/// Pause before reading the view again when it still names the same leader.
const FAILOVER_PAUSE: Duration = Duration::from_millis(200);

/// One master's connections.
#[derive(Debug)]
struct Endpoint {
    uri: String,
    rpc: MasterServiceClient<Channel>,
    framed: Option<Arc<FramedPool>>,
}

impl Endpoint {
    async fn connect(uri: String, framed: bool) -> Result<Self, ClientError> {
        let unreachable = |source| ClientError::Unreachable {
            addr: uri.clone(),
            source,
        };
        // Bounded like the framed path: a call to a master that vanished (powered off, partitioned)
        // fails within IO_TIMEOUT instead of hanging, so HA clients can move on.
        let channel = tonic::transport::Endpoint::from_shared(uri.clone())
            .map_err(unreachable)?
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(IO_TIMEOUT)
            .http2_keep_alive_interval(Duration::from_secs(5))
            .keep_alive_timeout(Duration::from_secs(5))
            .connect()
            .await
            .map_err(unreachable)?;
        let rpc = MasterServiceClient::new(channel);
        let framed = match socket_addrs(&uri) {
            addrs if framed && !addrs.is_empty() => {
                let pool = FramedPool::new(addrs);
                // Open the first connection now: it tells whether the master speaks the protocol.
                mooncake_engine::blocking(|| pool.warm_up());
                Some(Arc::new(pool))
            }
            _ => None,
        };
        Ok(Self { uri, rpc, framed })
    }

    /// One call: framed when available, else gRPC through `grpc`.
    async fn call<Req, Resp, F, Fut>(
        &self,
        method: Option<Method>,
        request: Req,
        grpc: &F,
    ) -> Result<Resp, tonic::Status>
    where
        Req: prost::Message,
        Resp: prost::Message + Default,
        F: Fn(MasterServiceClient<Channel>, Req) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        if let (Some(pool), Some(method)) = (&self.framed, method)
            && let Some(result) = mooncake_engine::blocking(|| pool.call(method, &request))
        {
            return result;
        }
        grpc(self.rpc.clone(), request)
            .await
            .map(tonic::Response::into_inner)
    }
}

/// Finds the leader of an HA cluster in its master view.
#[derive(Debug)]
struct LeaderFinder {
    store: ViewStore,
    label: String,
    /// One task at a time moves the client to a new leader.
    moving: tokio::sync::Mutex<()>,
}

impl LeaderFinder {
    /// The leader's gRPC URI, if the view names one.
    async fn leader_uri(&self) -> Result<Option<String>, ClientError> {
        let view = self.store.current().await.map_err(|e| ClientError::NoLeader {
            backend: self.label.clone(),
            detail: e.to_string(),
        })?;
        Ok(view.map(|v| format!("http://{}", v.leader)))
    }
}

/// Whether a failed call may succeed on another (new) leader.
fn leader_may_have_moved(status: &tonic::Status) -> bool {
    matches!(
        status.code(),
        tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
    )
}

fn rpc_error(op: &'static str) -> impl FnOnce(tonic::Status) -> ClientError {
    move |status| ClientError::Rpc {
        op,
        status: Box::new(status),
    }
}

/// Whether the environment allows the framed path.
fn framed_enabled_by_env() -> bool {
    std::env::var(FRAMED_ENV).map_or(true, |v| v.trim() != "0")
}

/// `host:port` of an `http://host:port[/...]` URI, resolved.
fn socket_addrs(uri: &str) -> Vec<SocketAddr> {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .to_socket_addrs()
        .map(Iterator::collect)
        .unwrap_or_default()
}

impl MasterClient {
    /// Connects to `uri` (`http://host:port`, or an HA address `etcd://h1:2379;h2:2379` /
    /// `redis://host:port`) as `client_id`. Uses the framed path unless `MOONCAKE_MASTER_FRAMED=0` or
    /// the master does not speak it.
    pub async fn connect(uri: String, client_id: String) -> Result<Self, ClientError> {
        Self::connect_with(uri, client_id, framed_enabled_by_env()).await
    }

    /// Connects to `uri` as `client_id`; `framed: false` keeps every call on gRPC.
    pub async fn connect_with(uri: String, client_id: String, framed: bool) -> Result<Self, ClientError> {
        let Some(backend) = ViewBackend::from_master_address(&uri) else {
            let endpoint = Endpoint::connect(uri, framed).await?;
            return Ok(Self {
                endpoint: Arc::new(RwLock::new(Arc::new(endpoint))),
                client_id,
                framed,
                leader: None,
            });
        };
        let cluster = client_cluster_id();
        let label = backend.label();
        let store = ViewStore::for_clients(&backend)
            .await
            .map_err(|e| ClientError::NoLeader {
                backend: label.clone(),
                detail: e.to_string(),
            })?;
        let finder = LeaderFinder {
            store,
            label: label.clone(),
            moving: tokio::sync::Mutex::new(()),
        };
        let deadline = tokio::time::Instant::now() + FAILOVER_BUDGET;
        let mut warned = tokio::time::Instant::now();
        let endpoint = loop {
            let attempt = match finder.leader_uri().await {
                Ok(Some(leader)) => Endpoint::connect(leader, framed).await,
                Ok(None) => Err(ClientError::NoLeader {
                    backend: label.clone(),
                    detail: format!(
                        "the master view of cluster {cluster:?} is empty (no master runs with --enable-ha and \
                         --cluster-id {cluster:?}? clients take the cluster from MC_STORE_CLUSTER_ID)"
                    ),
                }),
                Err(error) => Err(error),
            };
            match attempt {
                Ok(endpoint) => break endpoint,
                Err(error) if tokio::time::Instant::now() >= deadline => return Err(error),
                Err(error) => {
                    if warned.elapsed() >= Duration::from_secs(3) {
                        tracing::warn!(%error, "no reachable leader yet; still looking");
                        warned = tokio::time::Instant::now();
                    }
                    tokio::time::sleep(FAILOVER_PAUSE).await;
                }
            }
        };
        tracing::info!(backend = %label, leader = %endpoint.uri, "connected to the HA leader");
        Ok(Self {
            endpoint: Arc::new(RwLock::new(Arc::new(endpoint))),
            client_id,
            framed,
            leader: Some(Arc::new(finder)),
        })
    }

    fn endpoint(&self) -> Arc<Endpoint> {
        self.endpoint.read().clone()
    }

    /// The master this client talks to now (`http://host:port`).
    pub fn current_master(&self) -> String {
        self.endpoint().uri.clone()
    }

    /// Calls answered over the framed protocol so far (0 on a gRPC-only client).
    pub fn framed_calls(&self) -> u64 {
        self.endpoint()
            .framed
            .as_ref()
            .map_or(0, |p| p.answered.load(Ordering::Relaxed))
    }

    /// True while hot calls go over the framed protocol (false: gRPC only).
    pub fn uses_framed(&self) -> bool {
        self.endpoint()
            .framed
            .as_ref()
            .is_some_and(|p| !p.disabled.load(Ordering::Relaxed))
    }

    /// One call (framed when `method` has a framed form and it is available, else gRPC through
    /// `grpc`); with HA, retried on the new leader while a failover lasts.
    async fn call<Req, Resp, F, Fut>(
        &self,
        method: Option<Method>,
        op: &'static str,
        request: Req,
        grpc: F,
    ) -> Result<Resp, ClientError>
    where
        Req: prost::Message + Clone,
        Resp: prost::Message + Default,
        F: Fn(MasterServiceClient<Channel>, Req) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        let Some(finder) = &self.leader else {
            return self
                .endpoint()
                .call(method, request, &grpc)
                .await
                .map_err(rpc_error(op));
        };
        let deadline = tokio::time::Instant::now() + FAILOVER_BUDGET;
        loop {
            let endpoint = self.endpoint();
            match endpoint.call(method, request.clone(), &grpc).await {
                Err(status) if leader_may_have_moved(&status) && tokio::time::Instant::now() < deadline => {
                    tracing::debug!(%status, op, "no serving leader at {}; looking again", endpoint.uri);
                    self.follow_leader(finder, &endpoint).await;
                }
                other => return other.map_err(rpc_error(op)),
            }
        }
    }

    /// Moves to the leader the view names now (unless another task already moved away from `failed`);
    /// pauses when the view still names `failed`'s master or no one.
    async fn follow_leader(&self, finder: &LeaderFinder, failed: &Arc<Endpoint>) {
        let _moving = finder.moving.lock().await;
        if !Arc::ptr_eq(&self.endpoint(), failed) {
            return;
        }
        match finder.leader_uri().await {
            Ok(Some(leader)) if leader != failed.uri => match Endpoint::connect(leader, self.framed).await {
                Ok(endpoint) => {
                    tracing::info!(leader = %endpoint.uri, "following the new HA leader");
                    *self.endpoint.write() = Arc::new(endpoint);
                    return;
                }
                Err(error) => tracing::debug!(%error, "new leader not reachable yet"),
            },
            Ok(_) => {}
            Err(error) => tracing::debug!(%error, "cannot read the master view"),
        }
        tokio::time::sleep(FAILOVER_PAUSE).await;
    }

    /// The id the master knows this client by.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub async fn put_start(
        &self,
        key: &str,
        value_length: u64,
        config: pb::ReplicateConfig,
    ) -> Result<Vec<pb::ReplicaDescriptor>, ClientError> {
        let reply = self
            .call(
                Some(Method::PutStart),
                "PutStart",
                pb::PutStartRequest {
                    client_id: self.client_id.clone(),
                    key: key.to_string(),
                    value_length,
                    config: Some(config),
                },
                |mut c, r| async move { c.put_start(r).await },
            )
            .await?;
        ClientError::check(reply.code, "PutStart", key)?;
        Ok(reply.replicas)
    }

    pub async fn put_end(&self, key: &str, checksum: Option<u64>) -> Result<(), ClientError> {
        let reply = self
            .call(
                Some(Method::PutEnd),
                "PutEnd",
                pb::PutEndRequest {
                    client_id: self.client_id.clone(),
                    key: key.to_string(),
                    checksum,
                },
                |mut c, r| async move { c.put_end(r).await },
            )
            .await?;
        ClientError::check(reply.code, "PutEnd", key)
    }

    pub async fn put_revoke(&self, key: &str) -> Result<(), ClientError> {
        let reply = self
            .call(
                Some(Method::PutRevoke),
                "PutRevoke",
                pb::PutRevokeRequest {
                    client_id: self.client_id.clone(),
                    key: key.to_string(),
                },
                |mut c, r| async move { c.put_revoke(r).await },
            )
            .await?;
        ClientError::check(reply.code, "PutRevoke", key)
    }

    /// One reply per key (code + replicas).
    pub async fn batch_put_start(
        &self,
        keys: Vec<String>,
        value_lengths: Vec<u64>,
        config: pb::ReplicateConfig,
    ) -> Result<Vec<pb::PutStartResponse>, ClientError> {
        Ok(self
            .call(
                Some(Method::BatchPutStart),
                "BatchPutStart",
                pb::BatchPutStartRequest {
                    client_id: self.client_id.clone(),
                    keys,
                    value_lengths,
                    config: Some(config),
                },
                |mut c, r| async move { c.batch_put_start(r).await },
            )
            .await?
            .results)
    }

    /// One code per key; `checksums` is empty or one per key (0 = none).
    pub async fn batch_put_end(
        &self,
        keys: Vec<String>,
        checksums: Vec<u64>,
    ) -> Result<Vec<i32>, ClientError> {
        Ok(self
            .call(
                Some(Method::BatchPutEnd),
                "BatchPutEnd",
                pb::BatchPutEndRequest {
                    client_id: self.client_id.clone(),
                    keys,
                    checksums,
                },
                |mut c, r| async move { c.batch_put_end(r).await },
            )
            .await?
            .codes)
    }

    pub async fn batch_put_revoke(&self, keys: Vec<String>) -> Result<Vec<i32>, ClientError> {
        Ok(self
            .call(
                Some(Method::BatchPutRevoke),
                "BatchPutRevoke",
                pb::BatchPutRevokeRequest {
                    client_id: self.client_id.clone(),
                    keys,
                },
                |mut c, r| async move { c.batch_put_revoke(r).await },
            )
            .await?
            .codes)
    }

    /// The raw reply (its code is checked by the caller).
    pub async fn get_replica_list(&self, key: &str) -> Result<pb::GetReplicaListResponse, ClientError> {
        self.call(
            Some(Method::GetReplicaList),
            "GetReplicaList",
            pb::GetReplicaListRequest { key: key.to_string() },
            |mut c, r| async move { c.get_replica_list(r).await },
        )
        .await
    }

    pub async fn batch_get_replica_list(
        &self,
        keys: Vec<String>,
    ) -> Result<Vec<pb::GetReplicaListResponse>, ClientError> {
        Ok(self
            .call(
                Some(Method::BatchGetReplicaList),
                "BatchGetReplicaList",
                pb::BatchGetReplicaListRequest { keys },
                |mut c, r| async move { c.batch_get_replica_list(r).await },
            )
            .await?
            .results)
    }

    pub async fn exist_key(&self, key: &str) -> Result<bool, ClientError> {
        let reply = self
            .call(
                Some(Method::ExistKey),
                "ExistKey",
                pb::ExistKeyRequest { key: key.to_string() },
                |mut c, r| async move { c.exist_key(r).await },
            )
            .await?;
        match ClientError::check(reply.code, "ExistKey", key) {
            Ok(()) => Ok(reply.exists),
            Err(ClientError::NotFound { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn batch_exist_key(&self, keys: Vec<String>) -> Result<Vec<pb::ExistKeyResponse>, ClientError> {
        Ok(self
            .call(
                Some(Method::BatchExistKey),
                "BatchExistKey",
                pb::BatchExistKeyRequest { keys },
                |mut c, r| async move { c.batch_exist_key(r).await },
            )
            .await?
            .results)
    }

    pub async fn remove(&self, key: &str, force: bool) -> Result<(), ClientError> {
        let reply = self
            .call(
                Some(Method::Remove),
                "Remove",
                pb::RemoveRequest {
                    key: key.to_string(),
                    force,
                },
                |mut c, r| async move { c.remove(r).await },
            )
            .await?;
        ClientError::check(reply.code, "Remove", key)
    }

    pub async fn batch_remove(&self, keys: Vec<String>, force: bool) -> Result<Vec<i32>, ClientError> {
        Ok(self
            .call(
                Some(Method::BatchRemove),
                "BatchRemove",
                pb::BatchRemoveRequest { keys, force },
                |mut c, r| async move { c.batch_remove(r).await },
            )
            .await?
            .codes)
    }

    /// How many objects were removed.
    pub async fn remove_all(&self, force: bool) -> Result<u64, ClientError> {
        let reply = self
            .call(
                None,
                "RemoveAll",
                pb::RemoveAllRequest { force },
                |mut c, r| async move { c.remove_all(r).await },
            )
            .await?;
        ClientError::check(reply.code, "RemoveAll", "")?;
        Ok(reply.removed)
    }

    pub async fn mount_segment(&self, segment: pb::Segment) -> Result<(), ClientError> {
        let reply = self
            .call(
                None,
                "MountSegment",
                pb::MountSegmentRequest {
                    client_id: self.client_id.clone(),
                    segment: Some(segment),
                },
                |mut c, r| async move { c.mount_segment(r).await },
            )
            .await?;
        ClientError::check(reply.code, "MountSegment", "")
    }

    pub async fn remount_segments(&self, segments: Vec<pb::Segment>) -> Result<(), ClientError> {
        let reply = self
            .call(
                None,
                "ReMountSegment",
                pb::ReMountSegmentRequest {
                    client_id: self.client_id.clone(),
                    segments,
                },
                |mut c, r| async move { c.re_mount_segment(r).await },
            )
            .await?;
        ClientError::check(reply.code, "ReMountSegment", "")
    }

    /// Unmounts one of our segments; with a non-zero `grace` the master drains it first.
    pub async fn unmount_segment(
        &self,
        segment_id: &str,
        grace: std::time::Duration,
    ) -> Result<(), ClientError> {
        let reply = self
            .call(
                None,
                "UnmountSegment",
                pb::UnmountSegmentRequest {
                    client_id: self.client_id.clone(),
                    segment_id: segment_id.to_string(),
                    grace_period_ms: u64::try_from(grace.as_millis()).unwrap_or(u64::MAX),
                },
                |mut c, r| async move { c.unmount_segment(r).await },
            )
            .await?;
        ClientError::check(reply.code, "UnmountSegment", "")
    }

    /// The client status the master reports (OK or NEED_REMOUNT).
    pub async fn ping(&self) -> Result<pb::ClientStatus, ClientError> {
        let reply = self
            .call(
                Some(Method::Ping),
                "Ping",
                pb::PingRequest {
                    client_id: self.client_id.clone(),
                },
                |mut c, r| async move { c.ping(r).await },
            )
            .await?;
        ClientError::check(reply.code, "Ping", "")?;
        Ok(pb::ClientStatus::try_from(reply.status).unwrap_or(pb::ClientStatus::Undefined))
    }
}

/// Why a framed connection could not be opened.
enum OpenError {
    /// The master is not reachable right now.
    Io(io::Error),
    /// The master answered the hello with something else, or closed: it does not speak the protocol.
    NotUnderstood,
}

/// One framed connection with its reusable buffers.
#[derive(Debug)]
struct FramedConn {
    stream: BufReader<TcpStream>,
    out: Vec<u8>,
    body: Vec<u8>,
}

impl FramedConn {
    /// Sends one request and reads its response header and body; returns the status.
    fn exchange(&mut self, method: Method, request: &impl prost::Message) -> io::Result<u16> {
        framed::encode_message(&mut self.out, method as u16, request);
        self.stream.get_mut().write_all(&self.out)?;
        mooncake_engine::reply_spin::await_reply(self.stream.get_ref());
        let mut header = [0u8; HEADER_LEN];
        self.stream.read_exact(&mut header)?;
        let (len, status) = framed::parse_header(&header);
        if len > MAX_BODY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "oversized framed reply",
            ));
        }
        // Filled as bytes arrive (no zero-filling a buffer sized by the peer's length field).
        self.body.clear();
        (&mut self.stream)
            .take(u64::from(len))
            .read_to_end(&mut self.body)?;
        if self.body.len() != len as usize {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(status)
    }

    /// False when the master closed the connection (or sent something unasked) while it sat idle.
    fn is_alive(&self) -> bool {
        self.stream.buffer().is_empty() && idle_connection_usable(self.stream.get_ref())
    }

    /// Drops buffers a large call grew, so idle pooled connections stay small.
    fn shrink(&mut self) {
        for buf in [&mut self.out, &mut self.body] {
            if buf.capacity() > KEEP_BUFFER {
                *buf = Vec::new();
            }
        }
    }
}

/// Idle framed connections to one master, and whether the master speaks the protocol at all.
#[derive(Debug)]
struct FramedPool {
    addrs: Vec<SocketAddr>,
    idle: Mutex<Vec<FramedConn>>,
    disabled: AtomicBool,
    /// Calls answered over this pool.
    answered: AtomicU64,
}

impl FramedPool {
    fn new(addrs: Vec<SocketAddr>) -> Self {
        Self {
            addrs,
            idle: Mutex::new(Vec::new()),
            disabled: AtomicBool::new(false),
            answered: AtomicU64::new(0),
        }
    }

    /// Opens the first connection; a master that does not understand the hello disables the pool.
    fn warm_up(&self) {
        match self.open(true) {
            Ok(conn) => self.give(conn),
            Err(OpenError::NotUnderstood) => self.disable(),
            Err(OpenError::Io(error)) => {
                tracing::debug!(%error, "no framed connection to the master yet; will retry per call");
            }
        }
    }

    fn disable(&self) {
        if !self.disabled.swap(true, Ordering::Relaxed) {
            tracing::info!("the master does not speak the framed protocol; using gRPC");
        }
    }

    /// Connects and says hello. On the `first` connection a master that closes or stays silent is
    /// taken not to speak the protocol; later, those are transient (say, a master restarting).
    fn open(&self, first: bool) -> Result<FramedConn, OpenError> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no master address");
        for addr in &self.addrs {
            match TcpStream::connect_timeout(addr, CONNECT_TIMEOUT) {
                Ok(stream) => return Self::hello(stream, first),
                Err(error) => last = error,
            }
        }
        Err(OpenError::Io(last))
    }

    fn hello(mut stream: TcpStream, first: bool) -> Result<FramedConn, OpenError> {
        let setup = |s: &TcpStream| {
            s.set_nodelay(true)?;
            s.set_write_timeout(Some(IO_TIMEOUT))?;
            s.set_read_timeout(Some(HELLO_TIMEOUT))
        };
        setup(&stream).map_err(OpenError::Io)?;
        stream.write_all(MAGIC).map_err(OpenError::Io)?;
        let mut answer = [0u8; 8];
        match stream.read_exact(&mut answer) {
            Ok(()) if &answer == MAGIC => {}
            Ok(()) => return Err(OpenError::NotUnderstood),
            // Silent: an HTTP/2 server waits for the rest of its preface. A close or reset is an
            // ordinary I/O failure (a master restarting), not a verdict on the protocol.
            Err(error)
                if first && matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) =>
            {
                return Err(OpenError::NotUnderstood);
            }
            Err(error) => return Err(OpenError::Io(error)),
        }
        stream.set_read_timeout(Some(IO_TIMEOUT)).map_err(OpenError::Io)?;
        Ok(FramedConn {
            stream: BufReader::with_capacity(READ_BUFFER, stream),
            out: Vec::new(),
            body: Vec::new(),
        })
    }

    /// An idle connection that is still open, if any.
    fn take(&self) -> Option<FramedConn> {
        loop {
            let conn = self.idle.lock().pop()?;
            if conn.is_alive() {
                return Some(conn);
            }
        }
    }

    fn give(&self, conn: FramedConn) {
        let mut idle = self.idle.lock();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }

    /// One framed call on the calling thread; `None` when the framed path is not available (use gRPC).
    fn call<Resp: prost::Message + Default>(
        &self,
        method: Method,
        request: &impl prost::Message,
    ) -> Option<Result<Resp, tonic::Status>> {
        let mut retried = false;
        loop {
            if self.disabled.load(Ordering::Relaxed) {
                return None;
            }
            let pooled = if retried { None } else { self.take() };
            let mut conn = match pooled.map_or_else(|| self.open(false), Ok) {
                Ok(conn) => conn,
                Err(OpenError::NotUnderstood) => {
                    self.disable();
                    return None;
                }
                Err(OpenError::Io(error)) => return Some(Err(io_status(&error))),
            };
            match conn.exchange(method, request) {
                Ok(status) => {
                    let result = framed::decode_response(status, &conn.body);
                    conn.shrink();
                    self.give(conn);
                    self.answered.fetch_add(1, Ordering::Relaxed);
                    return Some(result);
                }
                Err(error) if method.is_idempotent() && !retried => {
                    tracing::debug!(%error, ?method, "framed call failed; reconnecting once");
                    retried = true;
                }
                Err(error) => return Some(Err(io_status(&error))),
            }
        }
    }
}

/// The status a failed framed exchange reports, like a failed gRPC call.
fn io_status(error: &io::Error) -> tonic::Status {
    let message = format!("framed connection to the master: {error}");
    match error.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => tonic::Status::deadline_exceeded(message),
        _ => tonic::Status::unavailable(message),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn uri_authority_resolves() {
        assert_eq!(
            socket_addrs("http://127.0.0.1:50051"),
            vec!["127.0.0.1:50051".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(socket_addrs("127.0.0.1:7/x").len(), 1);
        assert!(socket_addrs("http://no-port").is_empty());
    }

    #[test]
    fn a_server_that_answers_otherwise_is_not_understood() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut hello = [0u8; 8];
            s.read_exact(&mut hello).unwrap();
            s.write_all(b"HTTP/1.1").unwrap();
        });
        let pool = FramedPool::new(vec![addr]);
        pool.warm_up();
        assert!(pool.disabled.load(Ordering::Relaxed));
        assert!(
            pool.call::<pb::Ack>(Method::Ping, &pb::PingRequest::default())
                .is_none()
        );
        server.join().unwrap();
    }

    #[test]
    fn io_errors_map_to_rpc_statuses() {
        let timeout = io::Error::from(io::ErrorKind::TimedOut);
        assert_eq!(io_status(&timeout).code(), tonic::Code::DeadlineExceeded);
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(io_status(&reset).code(), tonic::Code::Unavailable);
    }
}
