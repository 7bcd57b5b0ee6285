//! Conversions between the wire types of `mooncake-proto` and the core's types.

use mooncake_proto::master as pb;
use mooncake_proto::{ErrorCode, master::ClientStatus as PbClientStatus};
use uuid::Uuid;

use crate::service::{
    ClientId, ClientStatus, KeyInfo, MasterError, MasterResult, ReplicaList, ReplicaLocation,
    ReplicateConfig, SegmentId, SegmentInfo, SegmentSpec, SegmentStatus,
};

pub fn client_id(raw: &str) -> MasterResult<ClientId> {
    Uuid::parse_str(raw)
        .map(ClientId)
        .map_err(|_| MasterError::InvalidParams("client_id is not a UUID"))
}

pub fn segment_id(raw: &str) -> MasterResult<SegmentId> {
    Uuid::parse_str(raw)
        .map(SegmentId)
        .map_err(|_| MasterError::InvalidParams("segment id is not a UUID"))
}

/// The wire code of a result (OK for success).
pub fn code<T>(result: &MasterResult<T>) -> i32 {
    match result {
        Ok(_) => ErrorCode::Ok as i32,
        Err(error) => error.code() as i32,
    }
}

pub fn replicate_config(config: Option<pb::ReplicateConfig>) -> ReplicateConfig {
    let config = config.unwrap_or_default();
    let mut preferred = config.preferred_segments;
    if !config.preferred_segment.is_empty() {
        // The legacy single preference wins, as in Mooncake.
        preferred = vec![config.preferred_segment];
    }
    ReplicateConfig {
        replica_num: config.replica_num,
        with_soft_pin: config.with_soft_pin,
        soft_pin_ttl_ms: config.soft_pin_ttl_ms,
        with_hard_pin: config.with_hard_pin,
        preferred_segments: preferred,
        prefer_alloc_in_same_node: config.prefer_alloc_in_same_node,
        host_id: config.host_id,
    }
}

pub fn segment_spec(segment: pb::Segment) -> MasterResult<SegmentSpec> {
    segment_id(&segment.id)?;
    crate::service::segment_spec(segment).ok_or(MasterError::InvalidParams("segment id is not a UUID"))
}

pub fn replica(location: ReplicaLocation) -> pb::ReplicaDescriptor {
    let status = if location.complete {
        pb::ReplicaStatus::Complete
    } else {
        pb::ReplicaStatus::Processing
    };
    pb::ReplicaDescriptor {
        id: u64::from(location.index),
        status: status as i32,
        buffer: Some(pb::BufferDescriptor {
            size: location.size,
            buffer_address: location.buffer_address,
            protocol: location.protocol,
            transport_endpoint: location.transport_endpoint,
        }),
        segment_name: location.segment_name,
    }
}

pub fn replica_list(result: MasterResult<ReplicaList>) -> pb::GetReplicaListResponse {
    match result {
        Ok(list) => pb::GetReplicaListResponse {
            code: ErrorCode::Ok as i32,
            replicas: list.replicas.into_iter().map(replica).collect(),
            lease_ttl_ms: list.lease_ttl_ms,
            checksum: list.checksum,
            size: list.size,
        },
        Err(error) => pb::GetReplicaListResponse {
            code: error.code() as i32,
            ..Default::default()
        },
    }
}

pub fn key_info(key: String, result: MasterResult<KeyInfo>) -> pb::KeyInfo {
    match result {
        Ok(info) => pb::KeyInfo {
            key,
            code: ErrorCode::Ok as i32,
            size: info.size,
            replicas: info.replicas.into_iter().map(replica).collect(),
            lease_remaining_ms: info.lease_remaining_ms,
            soft_pinned: info.soft_pinned,
            hard_pinned: info.hard_pinned,
            checksum: info.checksum,
        },
        Err(error) => pb::KeyInfo {
            key,
            code: error.code() as i32,
            ..Default::default()
        },
    }
}

pub fn segment_info(info: SegmentInfo) -> pb::SegmentInfo {
    let status = match info.status {
        SegmentStatus::Ok => pb::SegmentStatus::Ok,
        SegmentStatus::Draining => pb::SegmentStatus::GracefullyUnmounting,
        SegmentStatus::Unmounting => pb::SegmentStatus::Unmounting,
    };
    pb::SegmentInfo {
        segment: Some(crate::service::segment_message(&info.spec)),
        client_id: info.owner.to_string(),
        status: status as i32,
        used_bytes: info.used_bytes,
        capacity_bytes: info.capacity_bytes,
    }
}

pub fn client_status(status: ClientStatus) -> i32 {
    match status {
        ClientStatus::Ok => PbClientStatus::Ok as i32,
        ClientStatus::NeedRemount => PbClientStatus::NeedRemount as i32,
    }
}
