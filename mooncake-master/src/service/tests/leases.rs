//! Time-dependent rules on tokio's paused clock: read leases, soft pins, and the discard and release
//! timeouts of puts left unfinished.

use std::sync::atomic::Ordering;

use mooncake_proto::ErrorCode;

use super::*;

const LEASE_MS: u64 = 10_000;

#[tokio::test(start_paused = true)]
async fn remove_is_refused_during_the_lease_a_get_grants() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &one());
    let list = service.get_replica_list("k").unwrap();
    assert_eq!(list.lease_ttl_ms, LEASE_MS);
    assert_eq!(code(service.remove("k", false)), ErrorCode::ObjectHasLease);
    assert_eq!(ErrorCode::ObjectHasLease as i32, -706);
    assert_eq!(service.stats().leased_keys, 1);
    advance_ms(LEASE_MS - 1).await;
    assert_eq!(code(service.remove("k", false)), ErrorCode::ObjectHasLease);
    advance_ms(1).await;
    service.remove("k", false).unwrap();
    assert_eq!(code(service.get_replica_list("k")), ErrorCode::ObjectNotFound);
    assert_eq!(used_total(&service), 0);
}

#[tokio::test(start_paused = true)]
async fn exist_grants_the_same_lease() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &one());
    assert!(service.exist_key("k").unwrap());
    assert_eq!(code(service.remove("k", false)), ErrorCode::ObjectHasLease);
    advance_ms(LEASE_MS).await;
    service.remove("k", false).unwrap();
    assert!(!service.exist_key("k").unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_later_get_extends_the_lease() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &one());
    service.get_replica_list("k").unwrap();
    advance_ms(6_000).await;
    service.get_replica_list("k").unwrap();
    advance_ms(6_000).await;
    assert_eq!(code(service.remove("k", false)), ErrorCode::ObjectHasLease);
    assert!(service.query_key("k").unwrap().lease_remaining_ms > 0);
    advance_ms(4_000).await;
    assert_eq!(service.query_key("k").unwrap().lease_remaining_ms, 0);
    service.remove("k", false).unwrap();
}

#[tokio::test(start_paused = true)]
async fn operator_lookups_grant_no_lease() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &one());
    service.query_key("k").unwrap();
    assert_eq!(service.all_keys(), vec!["k".to_string()]);
    service.remove("k", false).unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_fresh_object_has_no_lease_and_force_overrides_one() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "fresh", 100, &one());
    service.remove("fresh", false).unwrap();
    put(&service, writer, "read", 100, &one());
    service.get_replica_list("read").unwrap();
    service.remove("read", true).unwrap();
    assert_eq!(code(service.query_key("read")), ErrorCode::ObjectNotFound);
    assert_eq!(used_total(&service), 0);
}

#[tokio::test(start_paused = true)]
async fn batch_remove_answers_per_key() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "a", 100, &one());
    put(&service, writer, "b", 100, &one());
    service.get_replica_list("b").unwrap();
    let keys: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
    let results = service.batch_remove(&keys, false);
    assert!(results[0].is_ok());
    assert_eq!(results[1].unwrap_err().code(), ErrorCode::ObjectHasLease);
    assert_eq!(results[2].unwrap_err().code(), ErrorCode::ObjectNotFound);
}

fn pinned(ttl_ms: Option<u64>) -> ReplicateConfig {
    ReplicateConfig {
        with_soft_pin: true,
        soft_pin_ttl_ms: ttl_ms,
        ..one()
    }
}

#[tokio::test(start_paused = true)]
async fn soft_pin_without_ttl_lasts_the_default_ttl() {
    let cfg = ServiceConfig {
        default_kv_soft_pin_ttl: Duration::from_secs(60),
        ..config()
    };
    let (service, writer, _) = service_with(cfg, &[64 * KIB]);
    service.put_start(writer, "k", 100, &pinned(None)).unwrap();
    // The pin starts at PutEnd, not at PutStart.
    advance_ms(5_000).await;
    service.put_end(writer, "k", None).unwrap();
    assert!(service.query_key("k").unwrap().soft_pinned);
    assert_eq!(service.stats().soft_pinned_keys, 1);
    advance_ms(60_000 - 1).await;
    assert!(service.query_key("k").unwrap().soft_pinned);
    advance_ms(1).await;
    assert!(!service.query_key("k").unwrap().soft_pinned);
    assert_eq!(service.stats().soft_pinned_keys, 0);
    assert!(
        service.exist_key("k").unwrap(),
        "an expired pin leaves an ordinary object"
    );
}

#[tokio::test(start_paused = true)]
async fn soft_pin_default_is_mooncakes_thirty_minutes() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &pinned(None));
    advance_ms(30 * 60 * 1000 - 1).await;
    assert!(service.query_key("k").unwrap().soft_pinned);
    advance_ms(1).await;
    assert!(!service.query_key("k").unwrap().soft_pinned);
}

#[tokio::test(start_paused = true)]
async fn soft_pin_ttl_is_bounded_by_the_max_and_needs_a_pin() {
    let cfg = ServiceConfig {
        max_kv_soft_pin_ttl: Duration::from_secs(100),
        ..config()
    };
    let (service, writer, _) = service_with(cfg, &[64 * KIB]);
    assert_eq!(
        code(service.put_start(writer, "over", 10, &pinned(Some(100_001)))),
        ErrorCode::InvalidParams
    );
    let unpinned_ttl = ReplicateConfig {
        soft_pin_ttl_ms: Some(1000),
        ..one()
    };
    assert_eq!(
        code(service.put_start(writer, "nopin", 10, &unpinned_ttl)),
        ErrorCode::InvalidParams
    );
    assert_eq!(used_total(&service), 0);

    put(&service, writer, "max", 10, &pinned(Some(100_000)));
    advance_ms(99_999).await;
    assert!(service.query_key("max").unwrap().soft_pinned);
    advance_ms(1).await;
    assert!(!service.query_key("max").unwrap().soft_pinned);
}

#[tokio::test(start_paused = true)]
async fn soft_pin_does_not_block_remove() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 100, &pinned(None));
    service.remove("k", false).unwrap();
}

/// 10 KiB segment, watermark 95 %, ratio 1 %: with it full, one 1 KiB object must go.
fn one_must_go(allow_pinned: bool) -> ServiceConfig {
    ServiceConfig {
        eviction_high_watermark_ratio: 0.95,
        eviction_ratio: 0.01,
        allow_evict_soft_pinned_objects: allow_pinned,
        ..config()
    }
}

#[tokio::test(start_paused = true)]
async fn an_expired_soft_pin_is_evicted_like_ordinary_cache() {
    let (service, writer, _) = service_with(one_must_go(true), &[10 * KIB]);
    put(&service, writer, "pinned", KIB, &pinned(Some(5_000)));
    for i in 0..9 {
        advance_ms(1).await;
        put(&service, writer, &format!("k{i}"), KIB, &one());
    }
    // While pinned, the older pinned object outlives the oldest plain one.
    let outcome = service.evict(None);
    assert_eq!((outcome.keys, outcome.bytes), (1, KIB));
    assert!(present(&service, "pinned"));
    assert!(!present(&service, "k0"));

    advance_ms(5_000).await;
    put(&service, writer, "k0", KIB, &one());
    assert!(!service.query_key("pinned").unwrap().soft_pinned);
    let outcome = service.evict(None);
    assert_eq!(outcome.keys, 1);
    assert!(
        !present(&service, "pinned"),
        "the pin expired, and it is the least recently used"
    );
    assert!(present(&service, "k1"));
}

#[tokio::test(start_paused = true)]
async fn a_superseded_put_keeps_its_space_until_the_release_timeout() {
    let (service, first, _) = service_with(config(), &[64 * KIB]);
    let second = client();
    service.put_start(first, "k", 1000, &one()).unwrap();

    advance_ms(30_000 - 1).await;
    assert_eq!(
        code(service.put_start(second, "k", 2000, &one())),
        ErrorCode::ObjectAlreadyExists
    );
    assert_eq!(used_total(&service), 1000);
    advance_ms(1).await;
    service.put_start(second, "k", 2000, &one()).unwrap();
    assert_eq!(service.counters().put_start_discards.load(Ordering::Relaxed), 1);
    // The first writer no longer owns the key.
    assert_eq!(code(service.put_end(first, "k", None)), ErrorCode::IllegalClient);
    service.put_end(second, "k", None).unwrap();
    assert_eq!(service.get_replica_list("k").unwrap().size, 2000);
    // The first put's space stays reserved: its writer may still be copying into it.
    assert_eq!(used_total(&service), 3000);
    assert_eq!(service.release_expired_puts(), 0);
    assert_eq!(used_total(&service), 3000);

    // Released 600 s after the first PutStart, not after the supersession.
    advance_ms(600_000 - 30_000 - 1).await;
    assert_eq!(service.release_expired_puts(), 0);
    assert_eq!(used_total(&service), 3000);
    advance_ms(1).await;
    assert_eq!(service.release_expired_puts(), 1);
    assert_eq!(used_total(&service), 2000);
    assert_eq!(
        service.get_replica_list("k").unwrap().size,
        2000,
        "the new object is untouched"
    );
    assert_eq!(service.release_expired_puts(), 0);
}

#[tokio::test(start_paused = true)]
async fn an_unfinished_put_is_released_after_the_release_timeout() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    service.put_start(writer, "k", 1000, &one()).unwrap();
    advance_ms(600_000 - 1).await;
    assert_eq!(service.release_expired_puts(), 0);
    assert!(present(&service, "k"));
    assert_eq!(used_total(&service), 1000);
    advance_ms(1).await;
    assert_eq!(service.release_expired_puts(), 1);
    assert_eq!(service.counters().put_start_releases.load(Ordering::Relaxed), 1);
    assert_eq!(code(service.query_key("k")), ErrorCode::ObjectNotFound);
    assert_eq!(used_total(&service), 0);
    assert_eq!(service.stats().processing_keys, 0);
    assert_eq!(
        code(service.put_end(writer, "k", None)),
        ErrorCode::ObjectNotFound
    );
    put(&service, writer, "k", 64 * KIB, &one());
}

#[tokio::test(start_paused = true)]
async fn finished_puts_are_never_released() {
    let (service, writer, _) = service_with(config(), &[64 * KIB]);
    put(&service, writer, "k", 1000, &one());
    advance_ms(3_600_000).await;
    assert_eq!(service.release_expired_puts(), 0);
    assert!(service.exist_key("k").unwrap());
}
