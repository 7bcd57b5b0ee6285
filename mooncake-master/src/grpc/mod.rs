//! The gRPC front end: decodes requests, calls the core, encodes answers with their error codes, and
//! records each request in the metrics. No semantics live here.

mod convert;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mooncake_proto::ErrorCode;
use mooncake_proto::master::{self as pb, master_service_server::MasterService as MasterApi};
use tonic::{Request, Response, Status};

use crate::metrics::{MasterMetrics, Op};
use crate::service::{MasterResult, MasterService};

pub use mooncake_proto::master::master_service_server::MasterServiceServer;

/// The tonic service over a [`MasterService`].
#[derive(Debug, Clone)]
pub struct MasterGrpc {
    service: Arc<MasterService>,
    metrics: Arc<MasterMetrics>,
    /// HA: feeds standbys and waits for their acknowledgements (absent without HA).
    replication: Option<Arc<crate::ha::Replication>>,
    /// HA: answers only while this master is the serving leader (absent without HA).
    gate: Option<Arc<crate::ha::HaState>>,
}

impl MasterGrpc {
    pub fn new(service: Arc<MasterService>, metrics: Arc<MasterMetrics>) -> Self {
        Self {
            service,
            metrics,
            replication: None,
            gate: None,
        }
    }

    /// The leader's replication to standbys (HA only).
    pub fn replication(&self) -> Option<&Arc<crate::ha::Replication>> {
        self.replication.as_ref()
    }

    /// Runs as an HA member: answers only while `gate` says this master serves as leader, feeds
    /// standbys from `replication`, and answers a mutation once they have it.
    pub fn with_ha(
        mut self,
        gate: Arc<crate::ha::HaState>,
        replication: Arc<crate::ha::Replication>,
    ) -> Self {
        self.gate = Some(gate);
        self.replication = Some(replication);
        self
    }

    /// Refuses the request unless this master may answer it (always, without HA).
    fn admit(&self) -> Result<(), Status> {
        match &self.gate {
            Some(gate) if !gate.serving() => Err(Status::unavailable(match gate.leader() {
                Some(leader) if leader != gate.address() => {
                    format!("this master is not the leader; the leader is {leader}")
                }
                _ => "this master is not the serving leader (election in progress)".to_string(),
            })),
            _ => Ok(()),
        }
    }

    /// Waits until the in-sync standbys have every change made so far (HA leaders only), then checks
    /// that this master still leads: a leader deposed while the request ran must not acknowledge a
    /// change its successor may never have received (the client retries on the new leader).
    async fn replicated(&self) -> Result<(), Status> {
        if let Some(replication) = &self.replication {
            replication.wait_replicated().await;
            self.admit()?;
        }
        Ok(())
    }

    /// Wraps the service for a tonic server.
    pub fn into_server(self) -> MasterServiceServer<Self> {
        MasterServiceServer::new(self)
    }

    fn done<T>(&self, op: Op, started: Instant, failed: bool, response: T) -> Result<Response<T>, Status> {
        self.metrics.record(op, failed, started);
        Ok(Response::new(response))
    }

    fn done_batch<T>(
        &self,
        op: Op,
        started: Instant,
        codes: &[i32],
        response: T,
    ) -> Result<Response<T>, Status> {
        let failed = codes.iter().filter(|&&c| c != ErrorCode::Ok as i32).count();
        self.metrics.record_batch(op, codes.len(), failed);
        self.done(op, started, failed > 0, response)
    }
}

fn ack(result: MasterResult<()>) -> pb::Ack {
    pb::Ack {
        code: convert::code(&result),
    }
}

fn put_start_response(result: MasterResult<Vec<crate::service::ReplicaLocation>>) -> pb::PutStartResponse {
    let code = convert::code(&result);
    pb::PutStartResponse {
        code,
        replicas: result
            .map(|r| r.into_iter().map(convert::replica).collect())
            .unwrap_or_default(),
    }
}

#[tonic::async_trait]
impl MasterApi for MasterGrpc {
    async fn put_start(
        &self,
        request: Request<pb::PutStartRequest>,
    ) -> Result<Response<pb::PutStartResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        self.metrics.record_value_size(r.value_length);
        let config = convert::replicate_config(r.config);
        let result = convert::client_id(&r.client_id)
            .and_then(|c| self.service.put_start(c, &r.key, r.value_length, &config));
        let response = put_start_response(result);
        self.done(Op::PutStart, started, response.code != 0, response)
    }

    async fn put_end(&self, request: Request<pb::PutEndRequest>) -> Result<Response<pb::Ack>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let result =
            convert::client_id(&r.client_id).and_then(|c| self.service.put_end(c, &r.key, r.checksum));
        let response = ack(result);
        self.replicated().await?;
        self.done(Op::PutEnd, started, response.code != 0, response)
    }

    async fn put_revoke(&self, request: Request<pb::PutRevokeRequest>) -> Result<Response<pb::Ack>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let result = convert::client_id(&r.client_id).and_then(|c| self.service.put_revoke(c, &r.key));
        let response = ack(result);
        self.done(Op::PutRevoke, started, response.code != 0, response)
    }

    async fn batch_put_start(
        &self,
        request: Request<pb::BatchPutStartRequest>,
    ) -> Result<Response<pb::BatchPutStartResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let config = convert::replicate_config(r.config);
        let results: Vec<pb::PutStartResponse> = match convert::client_id(&r.client_id) {
            Ok(client) => {
                for &len in &r.value_lengths {
                    self.metrics.record_value_size(len);
                }
                self.service
                    .batch_put_start(client, &r.keys, &r.value_lengths, &config)
                    .into_iter()
                    .map(put_start_response)
                    .collect()
            }
            Err(error) => r.keys.iter().map(|_| put_start_response(Err(error))).collect(),
        };
        let codes: Vec<i32> = results.iter().map(|r| r.code).collect();
        self.done_batch(
            Op::BatchPutStart,
            started,
            &codes,
            pb::BatchPutStartResponse { results },
        )
    }

    async fn batch_put_end(
        &self,
        request: Request<pb::BatchPutEndRequest>,
    ) -> Result<Response<pb::BatchAck>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let codes: Vec<i32> = match convert::client_id(&r.client_id) {
            Ok(client) => r
                .keys
                .iter()
                .enumerate()
                .map(|(i, key)| {
                    let checksum = r.checksums.get(i).copied().filter(|&c| c != 0);
                    convert::code(&self.service.put_end(client, key, checksum))
                })
                .collect(),
            Err(error) => vec![error.code() as i32; r.keys.len()],
        };
        self.replicated().await?;
        self.done_batch(
            Op::BatchPutEnd,
            started,
            &codes,
            pb::BatchAck { codes: codes.clone() },
        )
    }

    async fn batch_put_revoke(
        &self,
        request: Request<pb::BatchPutRevokeRequest>,
    ) -> Result<Response<pb::BatchAck>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let codes: Vec<i32> = match convert::client_id(&r.client_id) {
            Ok(client) => r
                .keys
                .iter()
                .map(|key| convert::code(&self.service.put_revoke(client, key)))
                .collect(),
            Err(error) => vec![error.code() as i32; r.keys.len()],
        };
        self.done_batch(
            Op::BatchPutRevoke,
            started,
            &codes,
            pb::BatchAck { codes: codes.clone() },
        )
    }

    async fn get_replica_list(
        &self,
        request: Request<pb::GetReplicaListRequest>,
    ) -> Result<Response<pb::GetReplicaListResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let response = convert::replica_list(self.service.get_replica_list(&request.into_inner().key));
        self.done(Op::GetReplicaList, started, response.code != 0, response)
    }

    async fn batch_get_replica_list(
        &self,
        request: Request<pb::BatchGetReplicaListRequest>,
    ) -> Result<Response<pb::BatchGetReplicaListResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let keys = request.into_inner().keys;
        let results: Vec<_> = self
            .service
            .batch_get_replica_list(&keys)
            .into_iter()
            .map(convert::replica_list)
            .collect();
        let codes: Vec<i32> = results.iter().map(|r| r.code).collect();
        self.done_batch(
            Op::BatchGetReplicaList,
            started,
            &codes,
            pb::BatchGetReplicaListResponse { results },
        )
    }

    async fn exist_key(
        &self,
        request: Request<pb::ExistKeyRequest>,
    ) -> Result<Response<pb::ExistKeyResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let result = self.service.exist_key(&request.into_inner().key);
        let response = pb::ExistKeyResponse {
            code: convert::code(&result),
            exists: result.unwrap_or(false),
        };
        self.done(Op::ExistKey, started, response.code != 0, response)
    }

    async fn batch_exist_key(
        &self,
        request: Request<pb::BatchExistKeyRequest>,
    ) -> Result<Response<pb::BatchExistKeyResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let keys = request.into_inner().keys;
        let results: Vec<_> = self
            .service
            .batch_exist_key(&keys)
            .into_iter()
            .map(|r| pb::ExistKeyResponse {
                code: convert::code(&r),
                exists: r.unwrap_or(false),
            })
            .collect();
        let codes: Vec<i32> = results.iter().map(|r| r.code).collect();
        self.done_batch(
            Op::BatchExistKey,
            started,
            &codes,
            pb::BatchExistKeyResponse { results },
        )
    }

    async fn query_keys(
        &self,
        request: Request<pb::QueryKeysRequest>,
    ) -> Result<Response<pb::QueryKeysResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let keys: Vec<_> = request
            .into_inner()
            .keys
            .into_iter()
            .map(|key| {
                let result = self.service.query_key(&key);
                convert::key_info(key, result)
            })
            .collect();
        self.done(Op::QueryKeys, started, false, pb::QueryKeysResponse { keys })
    }

    async fn remove(&self, request: Request<pb::RemoveRequest>) -> Result<Response<pb::Ack>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let response = ack(self.service.remove(&r.key, r.force));
        self.replicated().await?;
        self.done(Op::Remove, started, response.code != 0, response)
    }

    async fn batch_remove(
        &self,
        request: Request<pb::BatchRemoveRequest>,
    ) -> Result<Response<pb::BatchAck>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let codes: Vec<i32> = self
            .service
            .batch_remove(&r.keys, r.force)
            .iter()
            .map(convert::code)
            .collect();
        self.replicated().await?;
        self.done_batch(
            Op::BatchRemove,
            started,
            &codes,
            pb::BatchAck { codes: codes.clone() },
        )
    }

    async fn remove_all(
        &self,
        request: Request<pb::RemoveAllRequest>,
    ) -> Result<Response<pb::RemoveCountResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let removed = self.service.remove_all(request.into_inner().force);
        self.replicated().await?;
        self.done(
            Op::RemoveAll,
            started,
            false,
            pb::RemoveCountResponse { code: 0, removed },
        )
    }

    async fn remove_by_regex(
        &self,
        request: Request<pb::RemoveByRegexRequest>,
    ) -> Result<Response<pb::RemoveCountResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let result = self.service.remove_by_regex(&r.regex, r.force);
        let response = pb::RemoveCountResponse {
            code: convert::code(&result),
            removed: result.unwrap_or(0),
        };
        self.replicated().await?;
        self.done(Op::RemoveByRegex, started, response.code != 0, response)
    }

    async fn mount_segment(
        &self,
        request: Request<pb::MountSegmentRequest>,
    ) -> Result<Response<pb::Ack>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let result = convert::client_id(&r.client_id).and_then(|client| {
            let segment = r
                .segment
                .ok_or(crate::service::MasterError::InvalidParams("segment missing"))?;
            self.service
                .mount_segment(client, convert::segment_spec(segment)?)
        });
        let response = ack(result);
        self.replicated().await?;
        self.done(Op::MountSegment, started, response.code != 0, response)
    }

    async fn re_mount_segment(
        &self,
        request: Request<pb::ReMountSegmentRequest>,
    ) -> Result<Response<pb::Ack>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let result = convert::client_id(&r.client_id).and_then(|client| {
            let specs = r
                .segments
                .into_iter()
                .map(convert::segment_spec)
                .collect::<MasterResult<Vec<_>>>()?;
            self.service.remount_segments(client, specs)
        });
        let response = ack(result);
        self.replicated().await?;
        self.done(Op::RemountSegment, started, response.code != 0, response)
    }

    async fn unmount_segment(
        &self,
        request: Request<pb::UnmountSegmentRequest>,
    ) -> Result<Response<pb::Ack>, Status> {
        let started = Instant::now();
        self.admit()?;
        let r = request.into_inner();
        let result = convert::segment_id(&r.segment_id).and_then(|id| {
            self.service
                .unmount_segment(id, Duration::from_millis(r.grace_period_ms))
        });
        let response = ack(result);
        self.replicated().await?;
        self.done(Op::UnmountSegment, started, response.code != 0, response)
    }

    async fn get_all_segments(
        &self,
        _request: Request<pb::GetAllSegmentsRequest>,
    ) -> Result<Response<pb::GetAllSegmentsResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let segments = self
            .service
            .all_segments()
            .into_iter()
            .map(convert::segment_info)
            .collect();
        self.done(
            Op::GetAllSegments,
            started,
            false,
            pb::GetAllSegmentsResponse { code: 0, segments },
        )
    }

    async fn query_segment(
        &self,
        request: Request<pb::QuerySegmentRequest>,
    ) -> Result<Response<pb::QuerySegmentResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let result = self.service.query_segment(&request.into_inner().name);
        let response = pb::QuerySegmentResponse {
            code: convert::code(&result),
            segments: result
                .unwrap_or_default()
                .into_iter()
                .map(convert::segment_info)
                .collect(),
        };
        self.done(Op::QuerySegment, started, response.code != 0, response)
    }

    async fn ping(&self, request: Request<pb::PingRequest>) -> Result<Response<pb::PingResponse>, Status> {
        let started = Instant::now();
        self.admit()?;
        let response = match convert::client_id(&request.into_inner().client_id) {
            Ok(client) => {
                let (status, view_version) = self.service.ping(client);
                pb::PingResponse {
                    code: 0,
                    view_version,
                    status: convert::client_status(status),
                }
            }
            Err(error) => pb::PingResponse {
                code: error.code() as i32,
                ..Default::default()
            },
        };
        self.done(Op::Ping, started, response.code != 0, response)
    }

    async fn service_ready(
        &self,
        _request: Request<pb::ServiceReadyRequest>,
    ) -> Result<Response<pb::ServiceReadyResponse>, Status> {
        let started = Instant::now();
        let response = pb::ServiceReadyResponse {
            ready: self.gate.as_ref().is_none_or(|gate| gate.serving()),
            version: env!("CARGO_PKG_VERSION").to_string(),
            view_version: self.service.view_version(),
        };
        self.done(Op::ServiceReady, started, false, response)
    }
}
