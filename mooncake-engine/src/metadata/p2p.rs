//! `P2PHANDSHAKE` metadata: no service; a peer's descriptor is fetched from the peer itself over
//! Mooncake's handshake socket protocol. This file owns the handshake server (what we answer) and the
//! client calls (metadata exchange, notify, probe).
//!
//! Server behaviour follows Mooncake's `SocketHandShakePlugin`, so real engines can handshake with us:
//! one request per connection; the reply has the request's type (legacy frames get a legacy reply);
//! after replying the server shuts its write side and waits (bounded) for the client to close;
//! anything malformed — bad length, truncated frame, JSON that does not parse — closes the connection
//! without a reply. Answers:
//!
//! | request | reply |
//! |---|---|
//! | Metadata (1), carrying the caller's descriptor | our current descriptor; none published → close |
//! | Notify (2) `{"name","notify_msg"}` | `{"name":"","notify_msg":"success"}`; the message is queued |
//! | Probe (3) | `{"status":"success"}` |
//! | Connection (0) or legacy | the connection handler's reply, by default the empty handshake fields |
//!
//! Unlike Mooncake's single accept thread, connections are served concurrently (bounded by
//! [`HandshakeConfig::max_connections`]), so one slow peer does not stall every other handshake.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::handshake::{
    DEFAULT_MAX_FRAME_LEN, FrameKind, MAX_FRAME_LEN_LIMIT, ReadFrameError, RequestType, read_frame,
    value_payload, write_frame,
};
use crate::descriptor::SegmentDescriptor;
use crate::error::{HandshakeError, MetadataError};

/// Mooncake's default handshake port (`MC_HANDSHAKE_PORT`), used for peer names without a port.
pub const DEFAULT_HANDSHAKE_PORT: u16 = 12001;

/// Timeouts and limits of the handshake protocol. Defaults are Mooncake's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeConfig {
    /// Largest accepted frame body `L` (`MC_HANDSHAKE_MAX_LENGTH`; default 1 MiB, 1 B – 128 MiB).
    pub max_frame_len: usize,
    /// Client: bound on connecting to a peer, per resolved address (`MC_HANDSHAKE_CONNECT_TIMEOUT`,
    /// default 5 s).
    pub connect_timeout: Duration,
    /// Client: how long to wait for the peer's reply (default 60 s).
    pub reply_timeout: Duration,
    /// Server: how long a connection may take to deliver its request, and to close after our reply
    /// (default 5 s).
    pub request_timeout: Duration,
    /// Server: connections served at once; further ones wait in the listen backlog (default 128).
    pub max_connections: usize,
}

impl Default for HandshakeConfig {
    fn default() -> Self {
        Self {
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            connect_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(5),
            max_connections: 128,
        }
    }
}

impl HandshakeConfig {
    /// Defaults overridden by Mooncake's environment variables `MC_HANDSHAKE_MAX_LENGTH` (bytes) and
    /// `MC_HANDSHAKE_CONNECT_TIMEOUT` (seconds). Out-of-range or unparsable values are ignored with a
    /// warning, as Mooncake does.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over an arbitrary variable source (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut config = Self::default();
        if let Some(raw) = lookup("MC_HANDSHAKE_MAX_LENGTH") {
            match raw.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_FRAME_LEN_LIMIT).contains(&n) => config.max_frame_len = n,
                _ => warn!(
                    "ignoring MC_HANDSHAKE_MAX_LENGTH={raw:?}: expected 1..={MAX_FRAME_LEN_LIMIT} bytes"
                ),
            }
        }
        if let Some(raw) = lookup("MC_HANDSHAKE_CONNECT_TIMEOUT") {
            match raw.trim().parse::<u64>() {
                Ok(secs) if secs > 0 => config.connect_timeout = Duration::from_secs(secs),
                _ => warn!("ignoring MC_HANDSHAKE_CONNECT_TIMEOUT={raw:?}: expected whole seconds > 0"),
            }
        }
        config
    }
}

/// The descriptor this engine serves to Metadata requests (and sends with its own), shared between
/// the resolver that publishes it and the handshake server. Cheap to clone; clones share the value.
#[derive(Clone, Default)]
pub struct LocalDescriptor(Arc<RwLock<Option<Arc<SegmentDescriptor>>>>);

impl fmt::Debug for LocalDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.get().map(|d| d.name.clone());
        f.debug_tuple("LocalDescriptor").field(&name).finish()
    }
}

impl LocalDescriptor {
    /// An empty cell: Metadata requests are refused until [`set`](Self::set).
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the served descriptor.
    pub fn set(&self, descriptor: SegmentDescriptor) {
        *self.0.write() = Some(Arc::new(descriptor));
    }

    /// The served descriptor, if any.
    pub fn get(&self) -> Option<Arc<SegmentDescriptor>> {
        self.0.read().clone()
    }

    /// Stops serving a descriptor.
    pub fn clear(&self) {
        *self.0.write() = None;
    }
}

/// A Notify request's payload (`submitTransferWithNotify` in Mooncake).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyMessage {
    /// Sender-chosen name (Mooncake: the notifying segment's name).
    #[serde(default)]
    pub name: String,
    /// The message text.
    #[serde(default)]
    pub notify_msg: String,
}

/// Most notifications kept before the oldest are dropped: a peer must not grow our memory without
/// bound when the application never drains the queue.
pub const NOTIFY_QUEUE_LIMIT: usize = 4096;

/// Notifications received by the handshake server, oldest first (Mooncake's `getNotifies()`).
#[derive(Clone, Default)]
pub struct NotifyQueue(Arc<Mutex<VecDeque<NotifyMessage>>>);

impl fmt::Debug for NotifyQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotifyQueue").field("len", &self.len()).finish()
    }
}

impl NotifyQueue {
    /// Appends a message, dropping the oldest when [`NOTIFY_QUEUE_LIMIT`] is reached.
    pub fn push(&self, message: NotifyMessage) {
        let mut queue = self.0.lock();
        if queue.len() >= NOTIFY_QUEUE_LIMIT {
            queue.pop_front();
            warn!("notify queue full ({NOTIFY_QUEUE_LIMIT}); dropped the oldest message");
        }
        queue.push_back(message);
    }

    /// Takes every queued message, oldest first.
    pub fn drain(&self) -> Vec<NotifyMessage> {
        self.0.lock().drain(..).collect()
    }

    /// Number of queued messages.
    pub fn len(&self) -> usize {
        self.0.lock().len()
    }

    /// Whether no message is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Answers Connection (and legacy) requests: given the peer's JSON, the reply JSON, or `None` to close
/// without replying. RDMA plugs its queue-pair exchange in here.
pub type ConnectionHandler = Arc<dyn Fn(&Value) -> Option<Value> + Send + Sync>;

/// The reply of an engine without RDMA to a Connection request: Mooncake's handshake fields, empty.
pub fn empty_connection_reply() -> Value {
    json!({"local_nic_path": "", "peer_nic_path": "", "qp_num": [], "reply_msg": ""})
}

/// What the handshake server answers, per request type. Shared by every connection.
#[derive(Clone)]
pub struct HandshakeResponder {
    local: LocalDescriptor,
    notifies: NotifyQueue,
    on_connection: Option<ConnectionHandler>,
}

impl fmt::Debug for HandshakeResponder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandshakeResponder")
            .field("local", &self.local)
            .field("notifies", &self.notifies)
            .field("on_connection", &self.on_connection.is_some())
            .finish()
    }
}

impl HandshakeResponder {
    /// Serves `local` to Metadata requests; Connection requests get [`empty_connection_reply`].
    pub fn new(local: LocalDescriptor) -> Self {
        Self {
            local,
            notifies: NotifyQueue::default(),
            on_connection: None,
        }
    }

    /// Answers Connection and legacy requests with `handler` instead of the empty reply.
    pub fn with_connection_handler(mut self, handler: ConnectionHandler) -> Self {
        self.on_connection = Some(handler);
        self
    }

    /// The queue Notify messages land in.
    pub fn notifies(&self) -> &NotifyQueue {
        &self.notifies
    }

    /// The reply payload (JSON text, newline-terminated) to one request, or `None` to close without a
    /// reply. `payload` is the request's JSON text.
    pub fn respond(&self, kind: RequestType, payload: &[u8]) -> Option<Vec<u8>> {
        let request: Value = match serde_json::from_slice(payload) {
            Ok(value) => value,
            Err(err) => {
                debug!("handshake {} request is not JSON ({err}); closing", kind.as_str());
                return None;
            }
        };
        let reply = match kind {
            RequestType::Metadata => {
                // Mooncake does not cache the caller's descriptor here either; it is only logged.
                let descriptor = self.local.get();
                let Some(descriptor) = descriptor else {
                    warn!("P2P metadata request but no local descriptor is published yet; closing");
                    return None;
                };
                serde_json::to_value(&*descriptor).ok()?
            }
            RequestType::Notify => {
                let field = |name: &str| {
                    request
                        .get(name)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                self.notifies.push(NotifyMessage {
                    name: field("name"),
                    notify_msg: field("notify_msg"),
                });
                json!({"name": "", "notify_msg": "success"})
            }
            RequestType::Probe => json!({"status": "success"}),
            RequestType::Connection => match &self.on_connection {
                Some(handler) => handler(&request)?,
                None => empty_connection_reply(),
            },
        };
        Some(value_payload(&reply))
    }
}

/// Serves the handshake protocol on `listener` until `cancel` fires; then stops accepting and gives
/// connections in flight up to [`HandshakeConfig::request_timeout`] to finish before aborting them.
pub async fn serve_handshake(
    listener: TcpListener,
    responder: Arc<HandshakeResponder>,
    config: HandshakeConfig,
    cancel: CancellationToken,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    info!(%addr, "handshake listener on {addr}");
    let config = Arc::new(config);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let mut connections = JoinSet::new();
    loop {
        // Reap finished connection tasks so the set stays small.
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            () = cancel.cancelled() => break,
            accepted = accept_with_slot(&listener, &slots) => accepted,
        };
        match accepted {
            Ok((stream, peer, permit)) => {
                let (responder, config) = (responder.clone(), config.clone());
                connections.spawn(async move {
                    serve_connection(stream, peer, &responder, &config).await;
                    drop(permit);
                });
            }
            Err(err) => {
                // EMFILE and friends: back off instead of spinning.
                warn!(%addr, "handshake accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(config.request_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        warn!(%addr, "handshake connections still open after {:?}; aborting them", config.request_timeout);
        connections.shutdown().await;
    }
    info!(%addr, "handshake listener stopped");
    Ok(())
}

async fn accept_with_slot(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> std::io::Result<(TcpStream, SocketAddr, tokio::sync::OwnedSemaphorePermit)> {
    let permit = slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| std::io::Error::other("handshake connection semaphore closed"))?;
    let (stream, peer) = listener.accept().await?;
    Ok((stream, peer, permit))
}

/// One request, one reply, then an orderly close.
async fn serve_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    responder: &HandshakeResponder,
    config: &HandshakeConfig,
) {
    let _ = stream.set_nodelay(true);
    let frame = match tokio::time::timeout(
        config.request_timeout,
        read_frame(&mut stream, config.max_frame_len),
    )
    .await
    {
        Ok(Ok(frame)) => frame,
        Ok(Err(ReadFrameError::Frame(err))) => {
            debug!(%peer, "refusing handshake frame: {err}");
            return;
        }
        Ok(Err(ReadFrameError::Io(err))) => {
            debug!(%peer, "handshake request not received: {err}");
            return;
        }
        Err(_) => {
            debug!(%peer, "no handshake request within {:?}", config.request_timeout);
            return;
        }
    };
    let kind = frame.kind.request_type();
    debug!(%peer, frame = %frame.kind, bytes = frame.payload.len(), "handshake request");
    let Some(reply) = responder.respond(kind, &frame.payload) else {
        return;
    };
    let finish = async {
        write_frame(&mut stream, frame.kind, &reply).await?;
        stream.shutdown().await?;
        // Mooncake's server waits for the client to close before closing itself, so the client never
        // sees a reset while reading the reply.
        let mut byte = [0u8; 1];
        while stream.read(&mut byte).await? > 0 {}
        Ok::<(), std::io::Error>(())
    };
    match tokio::time::timeout(config.request_timeout, finish).await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => debug!(%peer, "handshake reply not delivered: {err}"),
        Err(_) => debug!(%peer, "handshake client did not close within {:?}", config.request_timeout),
    }
}

/// A running handshake server: the listener task plus the handles callers need. Dropping it stops the
/// listener (without waiting); [`shutdown`](Self::shutdown) stops it and waits.
#[derive(Debug)]
pub struct HandshakeServer {
    local_addr: SocketAddr,
    notifies: NotifyQueue,
    cancel: CancellationToken,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl HandshakeServer {
    /// Binds `addr` and serves `local` with the default [`HandshakeConfig`]. Needs a tokio runtime.
    pub async fn bind(addr: impl ToSocketAddrs, local: LocalDescriptor) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Self::start(
            listener,
            HandshakeResponder::new(local),
            HandshakeConfig::default(),
        ))
    }

    /// Serves `responder` on an already bound `listener` (on the current tokio runtime).
    pub fn start(listener: TcpListener, responder: HandshakeResponder, config: HandshakeConfig) -> Self {
        let local_addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
        let notifies = responder.notifies().clone();
        let cancel = CancellationToken::new();
        let task = tokio::spawn(serve_handshake(
            listener,
            Arc::new(responder),
            config,
            cancel.clone(),
        ));
        Self {
            local_addr,
            notifies,
            cancel,
            task: Some(task),
        }
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Notifications received so far.
    pub fn notifies(&self) -> &NotifyQueue {
        &self.notifies
    }

    /// Stops accepting, lets connections in flight finish (bounded), and waits for the listener task.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.cancel.cancel();
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for HandshakeServer {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Sends one request to the handshake listener at `peer` (`host:port`) and returns the reply's JSON.
/// Every resolved address is tried in turn, each with [`HandshakeConfig::connect_timeout`]; a reply
/// must arrive within [`HandshakeConfig::reply_timeout`] and carry the request's type.
pub async fn exchange(
    peer: &str,
    kind: RequestType,
    request: &Value,
    config: &HandshakeConfig,
) -> Result<Value, HandshakeError> {
    let payload = value_payload(request);
    let (mut stream, addr) = connect(peer, config).await?;
    let io = |stage| {
        move |source| HandshakeError::Io {
            peer: addr,
            stage,
            source,
        }
    };
    let sent = FrameKind::Typed(kind);
    write_frame(&mut stream, sent, &payload)
        .await
        .map_err(io("sending the request"))?;
    let frame = tokio::time::timeout(
        config.reply_timeout,
        read_frame(&mut stream, config.max_frame_len),
    )
    .await
    .map_err(|_| HandshakeError::Timeout {
        peer: addr,
        timeout: config.reply_timeout,
    })?
    .map_err(|err| match err {
        ReadFrameError::Io(source) => io("reading the reply")(source),
        ReadFrameError::Frame(source) => HandshakeError::Frame { peer: addr, source },
    })?;
    if frame.kind != sent {
        return Err(HandshakeError::UnexpectedType {
            peer: addr,
            sent,
            got: frame.kind,
        });
    }
    serde_json::from_slice(&frame.payload).map_err(|source| HandshakeError::BadJson { peer: addr, source })
}

async fn connect(peer: &str, config: &HandshakeConfig) -> Result<(TcpStream, SocketAddr), HandshakeError> {
    let addrs = tokio::net::lookup_host(peer)
        .await
        .map_err(|source| HandshakeError::Resolve {
            peer: peer.to_owned(),
            source,
        })?;
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address resolved");
    for addr in addrs {
        match tokio::time::timeout(config.connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok((stream, addr));
            }
            Ok(Err(err)) => last = err,
            Err(_) => {
                last = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("connect to {addr} timed out after {:?}", config.connect_timeout),
                )
            }
        }
    }
    Err(HandshakeError::Connect {
        peer: peer.to_owned(),
        source: last,
    })
}

/// P2P metadata exchange: sends our descriptor (or `{}` when we have none yet) to the peer at `peer`
/// and returns the peer's descriptor.
pub async fn exchange_metadata(
    peer: &str,
    ours: Option<&SegmentDescriptor>,
    config: &HandshakeConfig,
) -> Result<SegmentDescriptor, MetadataError> {
    let request = match ours {
        Some(descriptor) => serde_json::to_value(descriptor).map_err(|source| MetadataError::Encode {
            what: "segment descriptor",
            name: descriptor.name.clone(),
            source,
        })?,
        None => json!({}),
    };
    let reply = exchange(peer, RequestType::Metadata, &request, config).await?;
    serde_json::from_value(reply).map_err(|source| MetadataError::BadValue {
        what: "segment descriptor",
        name: peer.to_owned(),
        source,
    })
}

/// Sends a notification to the peer at `peer`; returns the peer's acknowledgement.
pub async fn send_notify(
    peer: &str,
    message: &NotifyMessage,
    config: &HandshakeConfig,
) -> Result<NotifyMessage, HandshakeError> {
    let request = json!({"name": message.name, "notify_msg": message.notify_msg});
    let reply = exchange(peer, RequestType::Notify, &request, config).await?;
    Ok(NotifyMessage {
        name: reply
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        notify_msg: reply
            .get("notify_msg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    })
}

/// Liveness check of the peer at `peer`: whether it answered `{"status":"success"}`.
pub async fn probe(peer: &str, config: &HandshakeConfig) -> Result<bool, HandshakeError> {
    let reply = exchange(peer, RequestType::Probe, &json!({}), config).await?;
    Ok(reply.get("status").and_then(Value::as_str) == Some("success"))
}

/// Splits a P2P segment name into the handshake host and port, as Mooncake parses engine names:
/// `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address. A missing port means
/// [`DEFAULT_HANDSHAKE_PORT`]; a port that is not a number is an error (Mooncake falls back to the
/// default port with a warning, which only hides the typo).
pub fn parse_peer_name(name: &str) -> Result<(String, u16), MetadataError> {
    let bad = |reason: &str| MetadataError::BadPeerName {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    let parse_port = |port: &str| {
        port.parse::<u16>()
            .map_err(|_| bad("the port is not a number 0-65535"))
    };
    if name.is_empty() {
        return Err(bad("empty name"));
    }
    if let Some(rest) = name.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
        let port = match after {
            "" => DEFAULT_HANDSHAKE_PORT,
            _ => parse_port(after.strip_prefix(':').ok_or_else(|| bad("junk after ']'"))?)?,
        };
        return Ok((host.to_owned(), port));
    }
    match name.matches(':').count() {
        0 => Ok((name.to_owned(), DEFAULT_HANDSHAKE_PORT)),
        1 => {
            let (host, port) = name.split_once(':').ok_or_else(|| bad("no port"))?;
            if host.is_empty() {
                return Err(bad("empty host"));
            }
            Ok((host.to_owned(), parse_port(port)?))
        }
        // A bare IPv6 address (possibly with a %scope); Mooncake treats the last segment as a port
        // only when the address is bracketed.
        _ => Ok((name.to_owned(), DEFAULT_HANDSHAKE_PORT)),
    }
}

/// `host:port` suitable for connecting (IPv6 hosts bracketed).
pub fn peer_address(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn descriptor(name: &str) -> SegmentDescriptor {
        serde_json::from_str(&format!(
            r#"{{"name":"{name}","protocol":"tcp","tcp_data_port":1}}"#
        ))
        .unwrap()
    }

    fn reply(responder: &HandshakeResponder, kind: RequestType, request: &str) -> Option<Value> {
        let bytes = responder.respond(kind, request.as_bytes())?;
        assert_eq!(bytes.last(), Some(&b'\n'));
        Some(serde_json::from_slice(&bytes).unwrap())
    }

    #[test]
    fn responder_answers_each_request_type() {
        let local = LocalDescriptor::new();
        let responder = HandshakeResponder::new(local.clone());
        assert_eq!(
            reply(&responder, RequestType::Metadata, "{}"),
            None,
            "nothing published yet"
        );
        local.set(descriptor("127.0.0.1:1"));
        let answer = reply(&responder, RequestType::Metadata, "{\"name\":\"peer\"}\n").unwrap();
        assert_eq!(answer["name"], "127.0.0.1:1");
        assert_eq!(
            reply(&responder, RequestType::Probe, "{}\n").unwrap(),
            json!({"status": "success"})
        );
        assert_eq!(
            reply(
                &responder,
                RequestType::Notify,
                r#"{"name":"a","notify_msg":"hi"}"#
            )
            .unwrap(),
            json!({"name": "", "notify_msg": "success"})
        );
        assert_eq!(
            responder.notifies().drain(),
            vec![NotifyMessage {
                name: "a".into(),
                notify_msg: "hi".into()
            }]
        );
        assert_eq!(
            reply(&responder, RequestType::Connection, "{}").unwrap(),
            empty_connection_reply()
        );
        assert_eq!(reply(&responder, RequestType::Probe, "not json"), None);
    }

    #[test]
    fn connection_handler_replaces_the_empty_reply() {
        let responder = HandshakeResponder::new(LocalDescriptor::new()).with_connection_handler(Arc::new(
            |peer: &Value| Some(json!({"echo": peer["qp_num"].clone()})),
        ));
        assert_eq!(
            reply(&responder, RequestType::Connection, r#"{"qp_num":[7]}"#).unwrap(),
            json!({"echo": [7]})
        );
    }

    #[test]
    fn notify_queue_is_bounded() {
        let queue = NotifyQueue::default();
        for i in 0..NOTIFY_QUEUE_LIMIT + 3 {
            queue.push(NotifyMessage {
                name: i.to_string(),
                notify_msg: String::new(),
            });
        }
        let drained = queue.drain();
        assert_eq!(drained.len(), NOTIFY_QUEUE_LIMIT);
        assert_eq!(drained[0].name, "3");
        assert!(queue.is_empty());
    }

    #[test]
    fn peer_names_parse_like_mooncake() {
        let ok = |name: &str| parse_peer_name(name).unwrap();
        assert_eq!(ok("127.0.0.1:16198"), ("127.0.0.1".into(), 16198));
        assert_eq!(ok("node-a"), ("node-a".into(), DEFAULT_HANDSHAKE_PORT));
        assert_eq!(ok("[::1]:15000"), ("::1".into(), 15000));
        assert_eq!(ok("[::1]"), ("::1".into(), DEFAULT_HANDSHAKE_PORT));
        assert_eq!(ok("fe80::1"), ("fe80::1".into(), DEFAULT_HANDSHAKE_PORT));
        for bad in ["", "host:", "host:port", ":1", "[::1", "[::1]x", "host:70000"] {
            assert!(parse_peer_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(peer_address("::1", 5), "[::1]:5");
        assert_eq!(peer_address("10.0.0.1", 5), "10.0.0.1:5");
    }

    #[test]
    fn config_from_env_applies_mooncake_bounds() {
        let config = HandshakeConfig::from_lookup(|name| match name {
            "MC_HANDSHAKE_MAX_LENGTH" => Some("2048".into()),
            "MC_HANDSHAKE_CONNECT_TIMEOUT" => Some("2".into()),
            _ => None,
        });
        assert_eq!(config.max_frame_len, 2048);
        assert_eq!(config.connect_timeout, Duration::from_secs(2));
        let config = HandshakeConfig::from_lookup(|name| match name {
            "MC_HANDSHAKE_MAX_LENGTH" => Some((MAX_FRAME_LEN_LIMIT + 1).to_string()),
            "MC_HANDSHAKE_CONNECT_TIMEOUT" => Some("soon".into()),
            _ => None,
        });
        assert_eq!(config, HandshakeConfig::default());
    }
}
