//! A small typed gRPC helper for the commands that talk to the master directly (rm, exists,
//! query-key, segments): connects with a bounded timeout and turns an unreachable master into one
//! clear error.

use std::time::Duration;

use mooncake_proto::master::master_service_client::MasterServiceClient;
use mooncake_proto::master::{
    ExistKeyRequest, GetAllSegmentsRequest, KeyInfo, QueryKeysRequest, QuerySegmentRequest, RemoveAllRequest,
    RemoveByRegexRequest, RemoveRequest, SegmentInfo, ServiceReadyRequest, ServiceReadyResponse,
    UnmountSegmentRequest,
};
use mooncake_proto::{ErrorCode, ErrorCodeExt};
use tonic::transport::{Channel, Endpoint};

/// How long connecting to the master may take before it counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one RPC may take.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(30);

/// The master could not be reached (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot reach the master at {addr}: {reason} (is it running? --master / MOONCAKE_MASTER)")]
pub struct Unreachable {
    pub addr: String,
    pub reason: String,
}

/// An RPC failed in transport, or the master answered with a code other than OK.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    #[error("{0}")]
    Unreachable(#[from] Unreachable),
    #[error("{op} failed: {} ({})", .code.name(), .code.hint())]
    Code { op: &'static str, code: ErrorCode },
}

/// `host:port` → `http://host:port`; URLs are kept.
pub fn uri(addr: &str) -> String {
    if addr.contains("://") {
        addr.to_string()
    } else {
        format!("http://{addr}")
    }
}

/// The error text and its sources, joined by `: `.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let next = inner.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = inner.source();
    }
    text
}

/// A connection to the master.
#[derive(Clone, Debug)]
pub struct MasterRpc {
    rpc: MasterServiceClient<Channel>,
    addr: String,
}

/// The leader's `host:port` when `addr` names an HA backend (`etcd://…`, `redis://…`; the cluster is
/// `MC_STORE_CLUSTER_ID`, default `mooncake_cluster`); `addr` itself otherwise.
pub async fn leader_address(addr: &str) -> Result<String, Unreachable> {
    use mooncake_engine::metadata::master_view::{ViewBackend, ViewStore};
    let Some(backend) = ViewBackend::from_master_address(addr) else {
        return Ok(addr.to_string());
    };
    let unreachable = |reason: String| Unreachable {
        addr: addr.to_string(),
        reason,
    };
    let store = ViewStore::for_clients(&backend)
        .await
        .map_err(|e| unreachable(chain(&e)))?;
    match store.current().await.map_err(|e| unreachable(chain(&e)))? {
        Some(view) => Ok(view.leader),
        None => Err(unreachable(
            "no master leads the cluster (the master view is empty)".into(),
        )),
    }
}

impl MasterRpc {
    /// Connects to the master at `addr` (or to the leader an HA address names) within
    /// [`CONNECT_TIMEOUT`].
    pub async fn connect(addr: &str) -> Result<Self, Unreachable> {
        let addr = &leader_address(addr).await?;
        let unreachable = |reason: String| Unreachable {
            addr: addr.to_string(),
            reason,
        };
        let endpoint = Endpoint::from_shared(uri(addr))
            .map_err(|e| unreachable(chain(&e)))?
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(RPC_TIMEOUT);
        let channel = tokio::time::timeout(CONNECT_TIMEOUT, endpoint.connect())
            .await
            .map_err(|_| unreachable(format!("no answer within {CONNECT_TIMEOUT:?}")))?
            .map_err(|e| unreachable(chain(&e)))?;
        Ok(Self {
            rpc: MasterServiceClient::new(channel),
            addr: addr.to_string(),
        })
    }

    fn status(&self, status: tonic::Status) -> RpcError {
        RpcError::Unreachable(Unreachable {
            addr: self.addr.clone(),
            reason: chain(&status),
        })
    }

    /// Whether `key` holds a complete object.
    pub async fn exists(&self, key: &str) -> Result<bool, RpcError> {
        let reply = self
            .rpc
            .clone()
            .exist_key(ExistKeyRequest { key: key.to_string() })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        match ErrorCode::from_wire(reply.code) {
            ErrorCode::Ok => Ok(reply.exists),
            ErrorCode::ObjectNotFound => Ok(false),
            code => Err(RpcError::Code { op: "ExistKey", code }),
        }
    }

    /// Removes `key`; the master's code comes back as is.
    pub async fn remove(&self, key: &str, force: bool) -> Result<ErrorCode, RpcError> {
        let reply = self
            .rpc
            .clone()
            .remove(RemoveRequest {
                key: key.to_string(),
                force,
            })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        Ok(ErrorCode::from_wire(reply.code))
    }

    /// Removes every object; returns how many.
    pub async fn remove_all(&self, force: bool) -> Result<u64, RpcError> {
        let reply = self
            .rpc
            .clone()
            .remove_all(RemoveAllRequest { force })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        match ErrorCode::from_wire(reply.code) {
            ErrorCode::Ok => Ok(reply.removed),
            code => Err(RpcError::Code {
                op: "RemoveAll",
                code,
            }),
        }
    }

    /// Removes the objects whose key matches `regex`; returns how many.
    pub async fn remove_by_regex(&self, regex: &str, force: bool) -> Result<u64, RpcError> {
        let reply = self
            .rpc
            .clone()
            .remove_by_regex(RemoveByRegexRequest {
                regex: regex.to_string(),
                force,
            })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        match ErrorCode::from_wire(reply.code) {
            ErrorCode::Ok => Ok(reply.removed),
            code => Err(RpcError::Code {
                op: "RemoveByRegex",
                code,
            }),
        }
    }

    /// The lease-free look at `keys`, one answer per key in order.
    pub async fn query_keys(&self, keys: &[String]) -> Result<Vec<KeyInfo>, RpcError> {
        let reply = self
            .rpc
            .clone()
            .query_keys(QueryKeysRequest { keys: keys.to_vec() })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        Ok(reply.keys)
    }

    /// Every mounted segment.
    pub async fn all_segments(&self) -> Result<Vec<SegmentInfo>, RpcError> {
        let reply = self
            .rpc
            .clone()
            .get_all_segments(GetAllSegmentsRequest {})
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        match ErrorCode::from_wire(reply.code) {
            ErrorCode::Ok => Ok(reply.segments),
            code => Err(RpcError::Code {
                op: "GetAllSegments",
                code,
            }),
        }
    }

    /// The segments mounted under `name`; the master's code comes back with them.
    pub async fn query_segment(&self, name: &str) -> Result<(ErrorCode, Vec<SegmentInfo>), RpcError> {
        let reply = self
            .rpc
            .clone()
            .query_segment(QuerySegmentRequest {
                name: name.to_string(),
            })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        Ok((ErrorCode::from_wire(reply.code), reply.segments))
    }

    /// The master's readiness answer (`mooncake doctor cluster`).
    pub async fn service_ready(&self) -> Result<ServiceReadyResponse, RpcError> {
        let reply = self
            .rpc
            .clone()
            .service_ready(ServiceReadyRequest {})
            .await
            .map_err(|s| self.status(s))?;
        Ok(reply.into_inner())
    }

    /// Unmounts segment `segment_id` on behalf of its owner `client_id`.
    pub async fn unmount(
        &self,
        client_id: &str,
        segment_id: &str,
        grace: Duration,
    ) -> Result<ErrorCode, RpcError> {
        let reply = self
            .rpc
            .clone()
            .unmount_segment(UnmountSegmentRequest {
                client_id: client_id.to_string(),
                segment_id: segment_id.to_string(),
                grace_period_ms: u64::try_from(grace.as_millis()).unwrap_or(u64::MAX),
            })
            .await
            .map_err(|s| self.status(s))?
            .into_inner();
        Ok(ErrorCode::from_wire(reply.code))
    }
}
