//! Behaviour tests of the master core through the public [`MasterService`] API (no internals).
//!
//! One submodule per operation family; time-dependent tests run on tokio's paused clock, which is
//! also the core's clock, so leases, pins, put timeouts and client TTLs are exercised without sleeping.
#![allow(clippy::unwrap_used)]

mod eviction;
mod image;
mod leases;
mod liveness;
mod placement;
mod put;
mod unmount;

use std::time::Duration;

use mooncake_proto::ErrorCode;
use uuid::Uuid;

use super::{
    ClientId, MasterError, MasterResult, MasterService, ReplicaLocation, ReplicateConfig, SegmentId,
    SegmentSpec, ServiceConfig,
};

pub(super) const KIB: u64 = 1024;

/// A fresh client id.
pub(super) fn client() -> ClientId {
    ClientId(Uuid::new_v4())
}

/// A segment spec named `name` on `host`; bases are non-zero and far apart, no memory behind them.
pub(super) fn spec(name: &str, size: u64, host: &str) -> SegmentSpec {
    let n = name
        .bytes()
        .fold(1u64, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 4096;
    SegmentSpec {
        id: SegmentId(Uuid::new_v4()),
        name: name.to_string(),
        base: 0x7f00_0000_0000 + (n + 1) * 0x1_0000_0000,
        size,
        te_endpoint: format!("{name}:17000"),
        protocol: "tcp".to_string(),
        host_id: host.to_string(),
        cxl: false,
    }
}

/// A service with one segment per entry of `sizes` (named `seg0`, `seg1`, ... on hosts `host0`, ...),
/// all owned by one node client; returns the service, that node and the specs.
pub(super) fn service_with(
    config: ServiceConfig,
    sizes: &[u64],
) -> (MasterService, ClientId, Vec<SegmentSpec>) {
    let service = MasterService::new(config);
    let node = client();
    let specs: Vec<_> = sizes
        .iter()
        .enumerate()
        .map(|(i, &size)| spec(&format!("seg{i}"), size, &format!("host{i}")))
        .collect();
    for s in &specs {
        service.mount_segment(node, s.clone()).unwrap();
    }
    (service, node, specs)
}

/// A config with small shard count (scans are cheap) and otherwise Mooncake's defaults.
pub(super) fn config() -> ServiceConfig {
    ServiceConfig {
        shard_count: 16,
        ..ServiceConfig::default()
    }
}

/// One replica, no pins.
pub(super) fn one() -> ReplicateConfig {
    ReplicateConfig {
        replica_num: 1,
        ..ReplicateConfig::default()
    }
}

/// PutStart + PutEnd; returns where the replicas went.
pub(super) fn put(
    service: &MasterService,
    writer: ClientId,
    key: &str,
    len: u64,
    cfg: &ReplicateConfig,
) -> Vec<ReplicaLocation> {
    let locations = service.put_start(writer, key, len, cfg).unwrap();
    service.put_end(writer, key, None).unwrap();
    locations
}

/// The wire code of a refusal.
pub(super) fn code<T: std::fmt::Debug>(result: MasterResult<T>) -> ErrorCode {
    result
        .map(|v| panic!("expected an error, got {v:?}"))
        .unwrap_or_else(MasterError::code)
}

/// Bytes used in the segment called `name` (0 when it is not mounted).
pub(super) fn used_in(service: &MasterService, name: &str) -> u64 {
    service
        .all_segments()
        .iter()
        .filter(|s| s.spec.name == name)
        .map(|s| s.used_bytes)
        .sum()
}

/// Bytes used over all segments.
pub(super) fn used_total(service: &MasterService) -> u64 {
    service.all_segments().iter().map(|s| s.used_bytes).sum()
}

/// The segment names holding readable replicas of `key` (via the lease-free operator view).
pub(super) fn replica_segments(service: &MasterService, key: &str) -> Vec<String> {
    service
        .query_key(key)
        .unwrap()
        .replicas
        .into_iter()
        .map(|r| r.segment_name)
        .collect()
}

/// Whether `key` is still in the index (complete or not), without granting a lease.
pub(super) fn present(service: &MasterService, key: &str) -> bool {
    service.query_key(key).is_ok()
}

/// Advances paused time by `ms` and lets every task that became due run.
pub(super) async fn advance_ms(ms: u64) {
    tokio::time::advance(Duration::from_millis(ms)).await;
}
