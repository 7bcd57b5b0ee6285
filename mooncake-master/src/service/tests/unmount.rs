//! Segments leaving (at once or after a grace period), remounts, and bulk removal.

use mooncake_proto::ErrorCode;

use super::*;
use crate::service::SegmentStatus;

fn on(names: &[&str]) -> ReplicateConfig {
    ReplicateConfig {
        replica_num: names.len() as u32,
        preferred_segments: names.iter().map(|n| n.to_string()).collect(),
        ..ReplicateConfig::default()
    }
}

#[test]
fn a_plain_unmount_hides_its_objects_at_once() {
    let (service, writer, specs) = service_with(config(), &[64 * KIB, 64 * KIB]);
    put(&service, writer, "only0", 100, &on(&["seg0"]));
    put(&service, writer, "both", 100, &on(&["seg0", "seg1"]));
    put(&service, writer, "only1", 100, &on(&["seg1"]));
    service.unmount_segment(specs[0].id, Duration::ZERO).unwrap();

    assert_eq!(code(service.get_replica_list("only0")), ErrorCode::ObjectNotFound);
    assert_eq!(code(service.query_key("only0")), ErrorCode::ObjectNotFound);
    assert!(!service.exist_key("only0").unwrap());
    let both = service.get_replica_list("both").unwrap();
    assert_eq!(both.replicas.len(), 1);
    assert_eq!(both.replicas[0].segment_name, "seg1");
    assert!(service.exist_key("only1").unwrap());
    assert_eq!(service.all_keys(), vec!["both".to_string(), "only1".to_string()]);
    assert_eq!(service.all_segments().len(), 1);
    assert_eq!(code(service.query_segment("seg0")), ErrorCode::SegmentNotFound);
    assert_eq!(service.stats().memory_capacity_bytes, 64 * KIB);
    // The key is free for a new put, which can only land on what is left.
    assert_eq!(
        put(&service, writer, "only0", 100, &on(&["seg0"]))[0].segment_name,
        "seg1"
    );
}

#[test]
fn an_in_progress_put_loses_replicas_on_an_unmounted_segment() {
    let (service, writer, specs) = service_with(config(), &[64 * KIB, 64 * KIB]);
    service.put_start(writer, "gone", 100, &on(&["seg0"])).unwrap();
    service
        .put_start(writer, "half", 100, &on(&["seg0", "seg1"]))
        .unwrap();
    service.unmount_segment(specs[0].id, Duration::ZERO).unwrap();
    assert_eq!(
        code(service.put_end(writer, "gone", None)),
        ErrorCode::ObjectNotFound
    );
    service.put_end(writer, "half", None).unwrap();
    assert_eq!(replica_segments(&service, "half"), vec!["seg1".to_string()]);
    assert_eq!(service.stats().processing_keys, 0);
}

#[test]
fn unmounting_an_unknown_segment_succeeds() {
    let (service, _, _) = service_with(config(), &[64 * KIB]);
    service
        .unmount_segment(SegmentId(uuid::Uuid::new_v4()), Duration::ZERO)
        .unwrap();
    service
        .unmount_segment(SegmentId(uuid::Uuid::new_v4()), Duration::from_secs(5))
        .unwrap();
    assert_eq!(service.all_segments().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_graceful_unmount_drains_then_removes_the_segment() {
    let (service, writer, specs) = service_with(config(), &[64 * KIB, 64 * KIB]);
    put(&service, writer, "only0", 100, &on(&["seg0"]));
    put(&service, writer, "both", 100, &on(&["seg0", "seg1"]));
    service
        .unmount_segment(specs[0].id, Duration::from_secs(30))
        .unwrap();

    let info = &service.query_segment("seg0").unwrap()[0];
    assert_eq!(info.status, SegmentStatus::Draining);
    assert_eq!(info.status.name(), "GRACEFULLY_UNMOUNTING");
    // Reads keep working through the grace period.
    assert_eq!(
        service.get_replica_list("only0").unwrap().replicas[0].segment_name,
        "seg0"
    );
    assert_eq!(service.get_replica_list("both").unwrap().replicas.len(), 2);
    // No new replica lands there, even when asked for.
    for i in 0..20 {
        let locations = put(&service, writer, &format!("new{i}"), 100, &on(&["seg0", "seg1"]));
        assert_eq!(locations.len(), 1);
        assert_eq!(locations[0].segment_name, "seg1");
    }
    advance_ms(30_000 - 1).await;
    assert_eq!(service.finish_drains(), 0);
    assert!(service.exist_key("only0").unwrap());
    advance_ms(1).await;
    assert_eq!(service.finish_drains(), 1);
    assert_eq!(code(service.get_replica_list("only0")), ErrorCode::ObjectNotFound);
    assert_eq!(replica_segments(&service, "both"), vec!["seg1".to_string()]);
    assert_eq!(code(service.query_segment("seg0")), ErrorCode::SegmentNotFound);
    assert_eq!(service.finish_drains(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_draining_segment_can_still_be_unmounted_at_once() {
    let (service, writer, specs) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &one());
    service
        .unmount_segment(specs[0].id, Duration::from_secs(30))
        .unwrap();
    service.unmount_segment(specs[0].id, Duration::ZERO).unwrap();
    assert!(service.all_segments().is_empty());
    assert!(!service.exist_key("k").unwrap());
    advance_ms(30_000).await;
    assert_eq!(service.finish_drains(), 0);
}

#[test]
fn mounting_the_same_segment_again_is_idempotent() {
    let (service, writer, specs) = service_with(config(), &[64 * KIB]);
    let node = service.all_segments()[0].owner;
    put(&service, writer, "k", 1000, &one());
    service.mount_segment(node, specs[0].clone()).unwrap();
    service.remount_segments(node, specs.clone()).unwrap();
    let segments = service.all_segments();
    assert_eq!(segments.len(), 1);
    assert_eq!(segments[0].used_bytes, 1000, "a remount keeps the allocator");
    assert!(service.exist_key("k").unwrap());
    assert_eq!(service.stats().memory_capacity_bytes, 64 * KIB);
}

#[test]
fn a_conflicting_mount_is_refused_and_a_conflicting_remount_skipped() {
    let (service, _, specs) = service_with(config(), &[64 * KIB]);
    let node = service.all_segments()[0].owner;
    let bigger = SegmentSpec {
        size: 128 * KIB,
        ..specs[0].clone()
    };
    assert_eq!(
        code(service.mount_segment(node, bigger.clone())),
        ErrorCode::InvalidParams
    );
    assert_eq!(
        code(service.mount_segment(client(), specs[0].clone())),
        ErrorCode::InvalidParams
    );
    let fresh = spec("other", 64 * KIB, "h");
    service.remount_segments(node, vec![bigger, fresh]).unwrap();
    let mut capacities: Vec<_> = service.all_segments().iter().map(|s| s.capacity_bytes).collect();
    capacities.sort_unstable();
    assert_eq!(capacities, vec![64 * KIB, 64 * KIB]);
}

#[test]
fn bad_segment_specs_are_invalid_params() {
    let service = MasterService::new(config());
    let node = client();
    for bad in [
        SegmentSpec {
            base: 0,
            ..spec("a", 64 * KIB, "h")
        },
        SegmentSpec {
            size: 0,
            ..spec("a", 64 * KIB, "h")
        },
        SegmentSpec {
            name: String::new(),
            ..spec("a", 64 * KIB, "h")
        },
        SegmentSpec {
            base: u64::MAX - 10,
            ..spec("a", 64 * KIB, "h")
        },
    ] {
        assert_eq!(
            code(service.mount_segment(node, bad.clone())),
            ErrorCode::InvalidParams
        );
        assert_eq!(
            code(service.remount_segments(node, vec![bad])),
            ErrorCode::InvalidParams
        );
    }
    assert!(service.all_segments().is_empty());
}

#[test]
fn a_remounted_segment_after_unmount_starts_empty() {
    let (service, writer, specs) = service_with(config(), &[64 * KIB]);
    let node = service.all_segments()[0].owner;
    put(&service, writer, "k", 1000, &one());
    service.unmount_segment(specs[0].id, Duration::ZERO).unwrap();
    service.mount_segment(node, specs[0].clone()).unwrap();
    assert_eq!(used_total(&service), 0);
    assert!(!service.exist_key("k").unwrap());
    put(&service, writer, "k", 64 * KIB, &one());
}

#[tokio::test(start_paused = true)]
async fn remove_all_skips_leased_and_unfinished_objects_unless_forced() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "a", 100, &one());
    put(&service, writer, "b", 100, &one());
    put(&service, writer, "leased", 100, &one());
    put(
        &service,
        writer,
        "pinned",
        100,
        &ReplicateConfig {
            with_hard_pin: true,
            ..one()
        },
    );
    service.put_start(writer, "writing", 100, &one()).unwrap();
    service.get_replica_list("leased").unwrap();

    assert_eq!(service.remove_all(false), 3);
    assert_eq!(service.all_keys(), vec!["leased".to_string()]);
    assert!(present(&service, "writing"));
    assert_eq!(service.remove_all(true), 1);
    assert!(service.all_keys().is_empty());
    assert!(present(&service, "writing"));
    assert_eq!(used_total(&service), 100);
}

#[tokio::test(start_paused = true)]
async fn remove_by_regex_searches_substrings() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    for key in ["abc", "xbz", "cab", "other", "leased-b"] {
        put(&service, writer, key, 100, &one());
    }
    service.get_replica_list("leased-b").unwrap();
    service.put_start(writer, "writing-b", 100, &one()).unwrap();

    assert_eq!(
        code(service.remove_by_regex("(", false)),
        ErrorCode::InvalidParams
    );
    assert_eq!(service.remove_by_regex("^a", false).unwrap(), 1);
    assert_eq!(service.all_keys(), vec!["cab", "leased-b", "other", "xbz"]);
    assert_eq!(service.remove_by_regex("b", false).unwrap(), 2);
    assert_eq!(service.all_keys(), vec!["leased-b", "other"]);
    assert_eq!(service.remove_by_regex("b", true).unwrap(), 1);
    assert_eq!(service.all_keys(), vec!["other"]);
    assert!(present(&service, "writing-b"));
    assert_eq!(service.remove_by_regex("nothing", true).unwrap(), 0);
}

/// Regression: with every segment draining, a put (which cannot be placed anywhere) evicted objects
/// from the draining segments, which readers may still use and which no new put can reuse.
#[tokio::test(start_paused = true)]
async fn a_put_with_every_segment_draining_evicts_nothing() {
    let (service, writer, specs) = service_with(config(), &[10 * KIB]);
    for i in 0..5 {
        put(&service, writer, &format!("k{i}"), KIB, &one());
        advance_ms(1).await;
    }
    service
        .unmount_segment(specs[0].id, Duration::from_secs(30))
        .unwrap();
    assert_eq!(
        code(service.put_start(writer, "new", KIB, &one())),
        ErrorCode::NoAvailableHandle
    );
    for i in 0..5 {
        assert!(service.exist_key(&format!("k{i}")).unwrap(), "k{i} was evicted");
    }
}
