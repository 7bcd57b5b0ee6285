//! Errors of the engine's metadata layer: what callers of the metadata store, clients, backends, the
//! P2P handshake and the descriptor resolver branch on.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;

use crate::metadata::FrameKind;

/// A PUT to an existing key containing `rpc_meta` with a value different from the stored one. Mooncake
/// refuses it so that two engines cannot silently claim the same name; the owner must DELETE first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("duplicate rpc_meta key not allowed: {key}")]
pub struct DuplicateRpcMetaKey {
    /// The key that already holds a different value.
    pub key: String,
}

/// Errors of the metadata backends ([`HttpMetadataClient`](crate::metadata::HttpMetadataClient), etcd,
/// Redis, P2P handshake) and of the [`SegmentResolver`](crate::metadata::SegmentResolver).
///
/// A missing key is not an error at the key-value level: `get` answers `None` and `delete` answers
/// `false`; only [`SegmentResolver::resolve`](crate::metadata::SegmentResolver::resolve) turns it into
/// [`MetadataError::SegmentNotFound`].
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// The metadata server URL given to the client does not parse or is not `http://`/`https://`.
    #[error("invalid metadata server URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },

    /// The HTTP client could not be built.
    #[error("cannot build the HTTP metadata client")]
    ClientBuild(#[source] reqwest::Error),

    /// The request did not get an answer: connection refused, timeout, broken connection.
    #[error("{method} {url}: request failed")]
    Transport {
        /// HTTP method of the failed request.
        method: &'static str,
        /// Full request URL.
        url: String,
        /// Underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The server refused to overwrite an `rpc_meta` key with a different value.
    #[error(transparent)]
    DuplicateRpcMeta(#[from] DuplicateRpcMetaKey),

    /// The server answered with a status the protocol does not give for this request (for example 404
    /// `404 Not Found` when the URL does not end in `/metadata`, or 413 for an oversized value).
    #[error("{method} {url}: unexpected HTTP {status}: {body}")]
    UnexpectedStatus {
        /// HTTP method of the request.
        method: &'static str,
        /// Full request URL.
        url: String,
        /// Status the server answered.
        status: StatusCode,
        /// Response body (text, lossily decoded, truncated).
        body: String,
    },

    /// The `metadata_server` string names no backend we know (Mooncake's rule: `P2PHANDSHAKE`,
    /// `http://`, `https://`, `etcd://`, `redis://`, or no scheme at all for etcd).
    #[error(
        "metadata server {conn_string:?}: unknown scheme {scheme:?} (expected P2PHANDSHAKE, http://…/metadata, https://…, etcd://host:port or redis://host:port)"
    )]
    UnknownScheme {
        /// The connection string as given.
        conn_string: String,
        /// The part before `://`.
        scheme: String,
    },

    /// The `metadata_server` string has a known scheme but cannot be used (e.g. `etcd://` without
    /// an endpoint).
    #[error("metadata server {conn_string:?}: {reason}")]
    InvalidConnString {
        /// The connection string as given.
        conn_string: String,
        /// Why it was refused.
        reason: String,
    },

    /// Setting up the etcd client failed (bad endpoint syntax, channel set-up).
    #[error("cannot set up the etcd client for {endpoints}")]
    EtcdConnect {
        /// The endpoints, `;`-joined.
        endpoints: String,
        /// Underlying error.
        #[source]
        source: etcd_client::Error,
    },

    /// An etcd request failed (unreachable, refused, gRPC error).
    #[error("etcd {op} {key:?} at {endpoints}: request failed")]
    Etcd {
        /// `get`, `put` or `delete`.
        op: &'static str,
        /// The key of the request.
        key: String,
        /// The endpoints, `;`-joined.
        endpoints: String,
        /// Underlying error.
        #[source]
        source: etcd_client::Error,
    },

    /// Connecting to Redis failed, including `AUTH` and `SELECT`.
    #[error("cannot connect to Redis at {addr}")]
    RedisConnect {
        /// The server address (`host:port`), without credentials.
        addr: String,
        /// Underlying error.
        #[source]
        source: redis::RedisError,
    },

    /// A Redis command failed or the server answered with an error reply.
    #[error("Redis {op} {key:?} at {addr}: command failed")]
    Redis {
        /// `GET`, `SET` or `DEL`.
        op: &'static str,
        /// The key of the command.
        key: String,
        /// The server address (`host:port`), without credentials.
        addr: String,
        /// Underlying error.
        #[source]
        source: redis::RedisError,
    },

    /// A backend request did not complete within its deadline.
    #[error("{backend} {op} {key:?}: no answer within {timeout:?}")]
    Timeout {
        /// `etcd` or `redis`.
        backend: &'static str,
        /// The operation.
        op: &'static str,
        /// The key of the request.
        key: String,
        /// The deadline that passed.
        timeout: Duration,
    },

    /// No descriptor is published under this segment name (or, in P2P mode, the peer has none).
    #[error("segment {name:?} not found in the metadata service")]
    SegmentNotFound {
        /// The segment name looked up.
        name: String,
    },

    /// A stored or received value is not a valid descriptor / `rpc_meta` record.
    #[error("{what} for {name:?} is not valid JSON of the expected shape")]
    BadValue {
        /// `segment descriptor`, `rpc_meta`, …
        what: &'static str,
        /// The segment name it belongs to.
        name: String,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },

    /// A value could not be encoded as JSON.
    #[error("cannot encode the {what} of {name:?} as JSON")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The segment name it belongs to.
        name: String,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },

    /// A P2P segment name is not a `host:port` handshake address.
    #[error("segment name {name:?} is not a P2P handshake address (host:port): {reason}")]
    BadPeerName {
        /// The name as given.
        name: String,
        /// Why it was refused.
        reason: String,
    },

    /// A P2P handshake with a peer failed.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
}

/// A handshake frame that cannot be accepted (§2.9 framing: `u64` LE length `L = 1 + payload`,
/// a type byte, compact JSON).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// `L = 0`: not even a type byte.
    #[error("handshake frame with length 0")]
    Empty,
    /// `L` is larger than the configured maximum.
    #[error("handshake frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLong {
        /// The announced length.
        len: u64,
        /// The limit in force.
        max: usize,
    },
}

/// Why a handshake with a peer's listener failed (client side).
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// The peer name did not resolve to any address.
    #[error("cannot resolve handshake address {peer}")]
    Resolve {
        /// The `host:port` looked up.
        peer: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// No resolved address accepted a connection in time.
    #[error("cannot connect to handshake listener {peer}")]
    Connect {
        /// The `host:port` connected to.
        peer: String,
        /// The last connection error.
        #[source]
        source: std::io::Error,
    },
    /// The connection broke, or the peer closed it without a (complete) reply.
    #[error("handshake with {peer} failed while {stage}")]
    Io {
        /// The peer address.
        peer: SocketAddr,
        /// `sending the request` or `reading the reply`.
        stage: &'static str,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The peer did not answer within the receive timeout.
    #[error("handshake with {peer}: no reply within {timeout:?}")]
    Timeout {
        /// The peer address.
        peer: SocketAddr,
        /// The deadline that passed.
        timeout: Duration,
    },
    /// The reply frame was malformed.
    #[error("handshake with {peer}: bad reply frame")]
    Frame {
        /// The peer address.
        peer: SocketAddr,
        /// What was wrong.
        #[source]
        source: FrameError,
    },
    /// The reply carried a different request type than the request.
    #[error("handshake with {peer}: asked with a {sent} request, answered with a {got} frame")]
    UnexpectedType {
        /// The peer address.
        peer: SocketAddr,
        /// Kind of the request.
        sent: FrameKind,
        /// Kind of the reply.
        got: FrameKind,
    },
    /// The reply payload is not JSON.
    #[error("handshake with {peer}: reply is not JSON")]
    BadJson {
        /// The peer address.
        peer: SocketAddr,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
}
