//! [`MasterClient`]: a thin typed wrapper over the master's gRPC API. Transport failures become
//! [`ClientError::Rpc`]; reply codes are turned into errors by the callers through
//! [`ClientError::check`], so per-item batch codes stay per item.

use mooncake_proto::master::master_service_client::MasterServiceClient;
use mooncake_proto::master::{self as pb};
use tonic::transport::Channel;

use crate::error::ClientError;

/// A connection to the master (cheap to clone; calls multiplex over one HTTP/2 channel).
#[derive(Clone, Debug)]
pub struct MasterClient {
    rpc: MasterServiceClient<Channel>,
    client_id: String,
}

fn rpc_error(op: &'static str) -> impl FnOnce(tonic::Status) -> ClientError {
    move |status| ClientError::Rpc {
        op,
        status: Box::new(status),
    }
}

impl MasterClient {
    /// Connects to `uri` (`http://host:port`) as `client_id`.
    pub async fn connect(uri: String, client_id: String) -> Result<Self, ClientError> {
        let rpc = MasterServiceClient::connect(uri.clone())
            .await
            .map_err(|source| ClientError::Unreachable { addr: uri, source })?;
        Ok(Self { rpc, client_id })
    }

    /// The id the master knows this client by.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    fn rpc(&self) -> MasterServiceClient<Channel> {
        self.rpc.clone()
    }

    pub async fn put_start(
        &self,
        key: &str,
        value_length: u64,
        config: pb::ReplicateConfig,
    ) -> Result<Vec<pb::ReplicaDescriptor>, ClientError> {
        let reply = self
            .rpc()
            .put_start(pb::PutStartRequest {
                client_id: self.client_id.clone(),
                key: key.to_string(),
                value_length,
                config: Some(config),
            })
            .await
            .map_err(rpc_error("PutStart"))?
            .into_inner();
        ClientError::check(reply.code, "PutStart", key)?;
        Ok(reply.replicas)
    }

    pub async fn put_end(&self, key: &str, checksum: Option<u64>) -> Result<(), ClientError> {
        let reply = self
            .rpc()
            .put_end(pb::PutEndRequest {
                client_id: self.client_id.clone(),
                key: key.to_string(),
                checksum,
            })
            .await
            .map_err(rpc_error("PutEnd"))?
            .into_inner();
        ClientError::check(reply.code, "PutEnd", key)
    }

    pub async fn put_revoke(&self, key: &str) -> Result<(), ClientError> {
        let reply = self
            .rpc()
            .put_revoke(pb::PutRevokeRequest {
                client_id: self.client_id.clone(),
                key: key.to_string(),
            })
            .await
            .map_err(rpc_error("PutRevoke"))?
            .into_inner();
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
            .rpc()
            .batch_put_start(pb::BatchPutStartRequest {
                client_id: self.client_id.clone(),
                keys,
                value_lengths,
                config: Some(config),
            })
            .await
            .map_err(rpc_error("BatchPutStart"))?
            .into_inner()
            .results)
    }

    /// One code per key; `checksums` is empty or one per key (0 = none).
    pub async fn batch_put_end(
        &self,
        keys: Vec<String>,
        checksums: Vec<u64>,
    ) -> Result<Vec<i32>, ClientError> {
        Ok(self
            .rpc()
            .batch_put_end(pb::BatchPutEndRequest {
                client_id: self.client_id.clone(),
                keys,
                checksums,
            })
            .await
            .map_err(rpc_error("BatchPutEnd"))?
            .into_inner()
            .codes)
    }

    pub async fn batch_put_revoke(&self, keys: Vec<String>) -> Result<Vec<i32>, ClientError> {
        Ok(self
            .rpc()
            .batch_put_revoke(pb::BatchPutRevokeRequest {
                client_id: self.client_id.clone(),
                keys,
            })
            .await
            .map_err(rpc_error("BatchPutRevoke"))?
            .into_inner()
            .codes)
    }

    /// The raw reply (its code is checked by the caller).
    pub async fn get_replica_list(&self, key: &str) -> Result<pb::GetReplicaListResponse, ClientError> {
        Ok(self
            .rpc()
            .get_replica_list(pb::GetReplicaListRequest { key: key.to_string() })
            .await
            .map_err(rpc_error("GetReplicaList"))?
            .into_inner())
    }

    pub async fn batch_get_replica_list(
        &self,
        keys: Vec<String>,
    ) -> Result<Vec<pb::GetReplicaListResponse>, ClientError> {
        Ok(self
            .rpc()
            .batch_get_replica_list(pb::BatchGetReplicaListRequest { keys })
            .await
            .map_err(rpc_error("BatchGetReplicaList"))?
            .into_inner()
            .results)
    }

    pub async fn exist_key(&self, key: &str) -> Result<bool, ClientError> {
        let reply = self
            .rpc()
            .exist_key(pb::ExistKeyRequest { key: key.to_string() })
            .await
            .map_err(rpc_error("ExistKey"))?
            .into_inner();
        match ClientError::check(reply.code, "ExistKey", key) {
            Ok(()) => Ok(reply.exists),
            Err(ClientError::NotFound { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn batch_exist_key(&self, keys: Vec<String>) -> Result<Vec<pb::ExistKeyResponse>, ClientError> {
        Ok(self
            .rpc()
            .batch_exist_key(pb::BatchExistKeyRequest { keys })
            .await
            .map_err(rpc_error("BatchExistKey"))?
            .into_inner()
            .results)
    }

    pub async fn remove(&self, key: &str, force: bool) -> Result<(), ClientError> {
        let reply = self
            .rpc()
            .remove(pb::RemoveRequest {
                key: key.to_string(),
                force,
            })
            .await
            .map_err(rpc_error("Remove"))?
            .into_inner();
        ClientError::check(reply.code, "Remove", key)
    }

    pub async fn batch_remove(&self, keys: Vec<String>, force: bool) -> Result<Vec<i32>, ClientError> {
        Ok(self
            .rpc()
            .batch_remove(pb::BatchRemoveRequest { keys, force })
            .await
            .map_err(rpc_error("BatchRemove"))?
            .into_inner()
            .codes)
    }

    /// How many objects were removed.
    pub async fn remove_all(&self, force: bool) -> Result<u64, ClientError> {
        let reply = self
            .rpc()
            .remove_all(pb::RemoveAllRequest { force })
            .await
            .map_err(rpc_error("RemoveAll"))?
            .into_inner();
        ClientError::check(reply.code, "RemoveAll", "")?;
        Ok(reply.removed)
    }

    pub async fn mount_segment(&self, segment: pb::Segment) -> Result<(), ClientError> {
        let reply = self
            .rpc()
            .mount_segment(pb::MountSegmentRequest {
                client_id: self.client_id.clone(),
                segment: Some(segment),
            })
            .await
            .map_err(rpc_error("MountSegment"))?
            .into_inner();
        ClientError::check(reply.code, "MountSegment", "")
    }

    pub async fn remount_segments(&self, segments: Vec<pb::Segment>) -> Result<(), ClientError> {
        let reply = self
            .rpc()
            .re_mount_segment(pb::ReMountSegmentRequest {
                client_id: self.client_id.clone(),
                segments,
            })
            .await
            .map_err(rpc_error("ReMountSegment"))?
            .into_inner();
        ClientError::check(reply.code, "ReMountSegment", "")
    }

    /// Unmounts one of our segments; with a non-zero `grace` the master drains it first.
    pub async fn unmount_segment(
        &self,
        segment_id: &str,
        grace: std::time::Duration,
    ) -> Result<(), ClientError> {
        let reply = self
            .rpc()
            .unmount_segment(pb::UnmountSegmentRequest {
                client_id: self.client_id.clone(),
                segment_id: segment_id.to_string(),
                grace_period_ms: u64::try_from(grace.as_millis()).unwrap_or(u64::MAX),
            })
            .await
            .map_err(rpc_error("UnmountSegment"))?
            .into_inner();
        ClientError::check(reply.code, "UnmountSegment", "")
    }

    /// The client status the master reports (OK or NEED_REMOUNT).
    pub async fn ping(&self) -> Result<pb::ClientStatus, ClientError> {
        let reply = self
            .rpc()
            .ping(pb::PingRequest {
                client_id: self.client_id.clone(),
            })
            .await
            .map_err(rpc_error("Ping"))?
            .into_inner();
        ClientError::check(reply.code, "Ping", "")?;
        Ok(pb::ClientStatus::try_from(reply.status).unwrap_or(pb::ClientStatus::Undefined))
    }
}
