//! Allocation strategies as a writer sees them: which segment a new replica lands on.

use std::collections::HashSet;

use super::*;
use crate::service::AllocationStrategyKind;

fn with_strategy(kind: AllocationStrategyKind) -> ServiceConfig {
    ServiceConfig {
        allocation_strategy: kind,
        ..config()
    }
}

fn on(name: &str) -> ReplicateConfig {
    ReplicateConfig {
        preferred_segments: vec![name.to_string()],
        ..one()
    }
}

#[test]
fn random_spreads_replicas_over_every_segment() {
    let (service, writer, _) = service_with(with_strategy(AllocationStrategyKind::Random), &[1 << 20; 4]);
    let names: HashSet<_> = (0..200)
        .map(|i| {
            put(&service, writer, &format!("k{i}"), 100, &one())[0]
                .segment_name
                .clone()
        })
        .collect();
    assert_eq!(names.len(), 4, "random placement used only {names:?}");
}

#[test]
fn free_ratio_first_picks_the_emptiest_segment() {
    let (service, writer, _) = service_with(
        with_strategy(AllocationStrategyKind::FreeRatioFirst),
        &[64 * KIB; 3],
    );
    put(&service, writer, "fill0", 32 * KIB, &on("seg0"));
    put(&service, writer, "fill1", 16 * KIB, &on("seg1"));
    put(&service, writer, "fill2", 48 * KIB, &on("seg2"));
    assert_eq!(put(&service, writer, "k", KIB, &one())[0].segment_name, "seg1");

    // By fraction, not bytes: a big segment with much free space but a lower free ratio loses.
    let (service, writer, _) = service_with(
        with_strategy(AllocationStrategyKind::FreeRatioFirst),
        &[1 << 20, 64 * KIB],
    );
    put(&service, writer, "fill", 128 * KIB, &on("seg0"));
    assert_eq!(put(&service, writer, "k", KIB, &one())[0].segment_name, "seg1");
}

#[test]
fn free_ratio_first_evens_out_usage() {
    let (service, writer, _) = service_with(
        with_strategy(AllocationStrategyKind::FreeRatioFirst),
        &[64 * KIB; 4],
    );
    for i in 0..40 {
        put(&service, writer, &format!("k{i}"), KIB, &one());
    }
    for i in 0..4 {
        assert_eq!(used_in(&service, &format!("seg{i}")), 10 * KIB);
    }
}

/// Three nodes on hosts h1..h3, plus a writer client that mounted a small segment on h2.
fn hosts(kind: AllocationStrategyKind) -> (MasterService, ClientId) {
    let service = MasterService::new(with_strategy(kind));
    for h in ["h1", "h2", "h3"] {
        service
            .mount_segment(client(), spec(&format!("node-{h}"), 1 << 20, h))
            .unwrap();
    }
    let writer = client();
    service
        .mount_segment(writer, spec("writer-h2", 4 * KIB, "h2"))
        .unwrap();
    (service, writer)
}

fn host_of(service: &MasterService, segment: &str) -> String {
    service.query_segment(segment).unwrap()[0].spec.host_id.clone()
}

#[test]
fn local_first_puts_a_single_replica_on_the_writers_host() {
    let (service, writer) = hosts(AllocationStrategyKind::LocalFirst);
    for i in 0..30 {
        let segment = put(&service, writer, &format!("k{i}"), KIB, &one())[0]
            .segment_name
            .clone();
        assert_eq!(host_of(&service, &segment), "h2", "k{i} went to {segment}");
    }
    // Its own segment and the other one on its host took everything.
    assert_eq!(
        used_in(&service, "writer-h2") + used_in(&service, "node-h2"),
        30 * KIB
    );
}

#[test]
fn local_first_uses_the_host_id_the_writer_declares() {
    let (service, writer) = hosts(AllocationStrategyKind::LocalFirst);
    let declared = ReplicateConfig {
        host_id: "h3".into(),
        ..one()
    };
    for i in 0..20 {
        assert_eq!(
            put(&service, writer, &format!("k{i}"), KIB, &declared)[0].segment_name,
            "node-h3"
        );
    }
    // A writer with no segment and no declared host gets ordinary placement.
    let stranger = client();
    let names: HashSet<_> = (0..200)
        .map(|i| {
            put(&service, stranger, &format!("s{i}"), 100, &one())[0]
                .segment_name
                .clone()
        })
        .collect();
    assert!(
        names.len() > 1,
        "an unknown host should not pin placement: {names:?}"
    );
}

#[test]
fn local_first_spreads_multi_replica_puts() {
    let (service, writer) = hosts(AllocationStrategyKind::LocalFirst);
    let cfg = ReplicateConfig {
        replica_num: 3,
        ..ReplicateConfig::default()
    };
    let locations = put(&service, writer, "k", 100, &cfg);
    let names: HashSet<_> = locations.iter().map(|r| r.segment_name.clone()).collect();
    assert_eq!(names.len(), 3);
}

#[test]
fn local_first_falls_back_when_the_host_is_full() {
    let (service, writer) = hosts(AllocationStrategyKind::LocalFirst);
    put(&service, writer, "fill", 1 << 20, &on("node-h2"));
    put(&service, writer, "fill-own", 4 * KIB, &on("writer-h2"));
    let segment = put(&service, writer, "k", KIB, &one())[0].segment_name.clone();
    assert_ne!(host_of(&service, &segment), "h2");
}

#[test]
fn prefer_alloc_in_same_node_works_under_random() {
    let (service, writer) = hosts(AllocationStrategyKind::Random);
    let cfg = ReplicateConfig {
        prefer_alloc_in_same_node: true,
        host_id: "h1".into(),
        ..one()
    };
    for i in 0..20 {
        assert_eq!(
            put(&service, writer, &format!("k{i}"), KIB, &cfg)[0].segment_name,
            "node-h1"
        );
    }
}

#[test]
fn cxl_prefers_cxl_segments() {
    let service = MasterService::new(with_strategy(AllocationStrategyKind::Cxl));
    let node = client();
    for i in 0..3 {
        service
            .mount_segment(node, spec(&format!("dram{i}"), 1 << 20, "h"))
            .unwrap();
    }
    let cxl = SegmentSpec {
        cxl: true,
        protocol: "cxl".into(),
        ..spec("cxl0", 8 * KIB, "h")
    };
    service.mount_segment(node, cxl).unwrap();
    for i in 0..8 {
        let location = &put(&service, node, &format!("k{i}"), KIB, &one())[0];
        assert_eq!(location.segment_name, "cxl0");
        assert_eq!(location.protocol, "cxl");
    }
    // Full: DRAM takes over.
    assert!(
        put(&service, node, "k8", KIB, &one())[0]
            .segment_name
            .starts_with("dram")
    );
    let stats = service.stats();
    assert_eq!(stats.cxl_capacity_bytes, 8 * KIB);
    assert_eq!(stats.cxl_used_bytes, 8 * KIB);
    assert_eq!(stats.memory_used_bytes, KIB);
}
