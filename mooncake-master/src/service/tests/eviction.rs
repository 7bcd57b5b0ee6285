//! Eviction: property tests of what a pass may take and how much it frees, plus the LRU and pin rules
//! spelled out on small cases.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use proptest::prelude::*;

use super::*;
use crate::service::EvictionOutcome;
use mooncake_proto::ErrorCode;

const LEASE_MS: u64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Plain,
    /// Read just before the pass: its lease runs.
    Leased,
    SoftPinned,
    HardPinned,
    /// PutStart without PutEnd.
    InProgress,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        6 => Just(Kind::Plain),
        1 => Just(Kind::Leased),
        2 => Just(Kind::SoftPinned),
        1 => Just(Kind::HardPinned),
        1 => Just(Kind::InProgress),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    segment_kib: Vec<u64>,
    high_watermark: f64,
    ratio: f64,
    allow_pinned: bool,
    /// (kind, size, replica_num) of each attempted put.
    objects: Vec<(Kind, u64, u32)>,
    /// Indexes (mod object count) of objects read after all puts, in order (their leases run out
    /// before the pass but push them back in LRU order).
    reads: Vec<usize>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(8u64..64, 1..4),
        0.3f64..0.98,
        0.0f64..0.3,
        any::<bool>(),
        prop::collection::vec((kind(), 1u64..6000, 1u32..3), 1..120),
        prop::collection::vec(any::<usize>(), 0..40),
    )
        .prop_map(
            |(segment_kib, high_watermark, ratio, allow_pinned, objects, reads)| Case {
                segment_kib,
                high_watermark,
                ratio: (ratio * 1000.0).round() / 1000.0,
                allow_pinned,
                objects,
                reads,
            },
        )
}

/// What the test knows about one stored object.
#[derive(Debug)]
struct Model {
    kind: Kind,
    footprint: u64,
    /// The eviction order key: the lease deadline (PutEnd time, or last read + lease TTL), in ms of
    /// the test's own clock.
    last_use: u64,
}

impl Model {
    /// Evictable at the pass: complete, unpinned (hard), not leased.
    fn evictable(&self) -> bool {
        matches!(self.kind, Kind::Plain | Kind::SoftPinned)
    }
}

fn run(case: Case) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(run_paused(case))
}

async fn run_paused(case: Case) -> Result<(), TestCaseError> {
    let cfg = ServiceConfig {
        default_kv_lease_ttl: Duration::from_millis(LEASE_MS),
        eviction_high_watermark_ratio: case.high_watermark,
        eviction_ratio: case.ratio,
        allow_evict_soft_pinned_objects: case.allow_pinned,
        ..config()
    };
    let sizes: Vec<u64> = case.segment_kib.iter().map(|k| k * KIB).collect();
    let (service, writer, _) = service_with(cfg, &sizes);
    let capacity: u64 = sizes.iter().sum();
    let mut clock = 0u64;
    let mut models: HashMap<String, Model> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();

    for (i, &(kind, size, replica_num)) in case.objects.iter().enumerate() {
        // Only put what fits somewhere: a put that fails allocation would evict by itself.
        let fits = service.all_segments().iter().any(|s| {
            let aligned_used: u64 = s.used_bytes; // sizes below are multiples of 64
            s.capacity_bytes - s.capacity_bytes % 64 - aligned_used >= size.div_ceil(64) * 64
        });
        if !fits {
            continue;
        }
        let size = size.div_ceil(64) * 64;
        let key = format!("key{i}");
        let cfg = ReplicateConfig {
            replica_num,
            with_soft_pin: kind == Kind::SoftPinned,
            with_hard_pin: kind == Kind::HardPinned,
            ..ReplicateConfig::default()
        };
        let locations = service.put_start(writer, &key, size, &cfg).unwrap();
        if kind != Kind::InProgress {
            service.put_end(writer, &key, None).unwrap();
        }
        let footprint = size * locations.len() as u64;
        models.insert(
            key.clone(),
            Model {
                kind,
                footprint,
                last_use: clock,
            },
        );
        keys.push(key);
        advance_ms(1).await;
        clock += 1;
    }
    prop_assert_eq!(service.counters().eviction_attempts.load(Ordering::Relaxed), 0);
    if keys.is_empty() {
        return Ok(());
    }
    for &r in &case.reads {
        let key = &keys[r % keys.len()];
        let model = models.get_mut(key).unwrap();
        if model.kind != Kind::InProgress {
            service.get_replica_list(key).unwrap();
            model.last_use = clock + LEASE_MS;
        }
        advance_ms(1).await;
        clock += 1;
    }
    // Every lease granted so far runs out; then the leased objects are read.
    advance_ms(LEASE_MS).await;
    for (key, model) in &mut models {
        if model.kind == Kind::Leased {
            service.get_replica_list(key).unwrap();
        }
    }

    let used_before = used_total(&service);
    let high_watermark = capacity as f64 * case.high_watermark;
    let evictable_bytes: u64 = models
        .values()
        .filter(|m| m.kind == Kind::Plain || (m.kind == Kind::SoftPinned && case.allow_pinned))
        .map(|m| m.footprint)
        .sum();

    let outcome = service.evict(None);
    let used_after = used_total(&service);

    let evicted: Vec<&String> = keys.iter().filter(|k| !present(&service, k)).collect();
    let evicted_bytes: u64 = evicted.iter().map(|k| models[*k].footprint).sum();
    prop_assert_eq!(outcome.keys, evicted.len() as u64);
    prop_assert_eq!(outcome.bytes, evicted_bytes);
    prop_assert_eq!(
        used_after,
        used_before - evicted_bytes,
        "usage drops by exactly what was evicted"
    );
    if used_before as f64 <= high_watermark {
        prop_assert!(evicted.is_empty(), "evicted below the high watermark");
        return Ok(());
    }

    // (a) never a leased, in-progress or hard-pinned object.
    for key in &evicted {
        let kind = models[*key].kind;
        prop_assert!(
            matches!(kind, Kind::Plain | Kind::SoftPinned),
            "evicted {} of kind {:?}",
            key,
            kind
        );
    }
    // (b) soft-pinned only when allowed and no plain object is left.
    let pinned_evicted = evicted.iter().any(|k| models[*k].kind == Kind::SoftPinned);
    if pinned_evicted {
        prop_assert!(
            case.allow_pinned,
            "a soft-pinned object went although pinned objects may not be evicted"
        );
        let plain_left = keys
            .iter()
            .any(|k| models[k].kind == Kind::Plain && present(&service, k));
        prop_assert!(
            !plain_left,
            "a soft-pinned object went while an unpinned one was left"
        );
    }
    // (c) enough evictable bytes → at or below the high watermark afterwards.
    if evictable_bytes as f64 >= used_before as f64 - high_watermark {
        prop_assert!(
            used_after as f64 <= high_watermark,
            "usage {} still above the watermark {} (evictable {})",
            used_after,
            high_watermark,
            evictable_bytes
        );
    } else {
        // Not enough: everything evictable went.
        let left = keys.iter().any(|k| {
            let m = &models[k];
            present(&service, k)
                && (m.kind == Kind::Plain || (m.kind == Kind::SoftPinned && case.allow_pinned))
        });
        prop_assert!(
            !left,
            "an evictable object survived a pass that could not reach the watermark"
        );
    }
    // (d) least recently used first, among unpinned objects and among pinned ones.
    for class in [Kind::Plain, Kind::SoftPinned] {
        let newest_evicted = evicted
            .iter()
            .filter(|k| models[**k].kind == class)
            .map(|k| models[*k].last_use)
            .max();
        let oldest_kept = keys
            .iter()
            .filter(|k| models[*k].kind == class && models[*k].evictable() && present(&service, k))
            .map(|k| models[k].last_use)
            .min();
        if let (Some(evicted), Some(kept)) = (newest_evicted, oldest_kept) {
            prop_assert!(
                evicted < kept,
                "{:?}: evicted one used at {} but kept one used at {}",
                class,
                evicted,
                kept
            );
        }
    }
    // Whatever was evicted is gone for readers too.
    for key in &evicted {
        prop_assert_eq!(
            code(service.get_replica_list(key)),
            mooncake_proto::ErrorCode::ObjectNotFound
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn eviction_takes_only_what_it_may_least_recently_used_first(case in case()) {
        run(case)?;
    }
}

#[tokio::test(start_paused = true)]
async fn the_object_read_more_recently_survives() {
    // 10 KiB, watermark 95 %, ratio 1 %: when full, exactly one 1 KiB object must go.
    let cfg = ServiceConfig {
        eviction_high_watermark_ratio: 0.95,
        eviction_ratio: 0.01,
        default_kv_lease_ttl: Duration::from_millis(LEASE_MS),
        ..config()
    };
    let (service, writer, _) = service_with(cfg, &[10 * KIB]);
    for i in 0..10 {
        put(&service, writer, &format!("k{i}"), KIB, &one());
        advance_ms(1).await;
    }
    // Read k0 last and every other object earlier: k1, the one read first, is the LRU.
    for i in (1..10).chain([0]) {
        service.get_replica_list(&format!("k{i}")).unwrap();
        advance_ms(1).await;
    }
    advance_ms(LEASE_MS).await;
    let outcome = service.evict(None);
    assert_eq!(outcome.keys, 1);
    assert!(!present(&service, "k1"));
    assert!(present(&service, "k0"));
    assert_eq!(service.counters().evicted_keys.load(Ordering::Relaxed), 1);
    assert_eq!(service.counters().eviction_successes.load(Ordering::Relaxed), 1);
}

#[tokio::test(start_paused = true)]
async fn nothing_is_evicted_at_or_below_the_watermark() {
    let (service, writer, _) = service_with(config(), &[10 * KIB]);
    for i in 0..9 {
        put(&service, writer, &format!("k{i}"), KIB, &one());
    }
    assert_eq!(service.evict(None), EvictionOutcome::default());
    assert_eq!(service.all_keys().len(), 9);
}

#[tokio::test(start_paused = true)]
async fn soft_pinned_objects_stay_when_pinned_eviction_is_off() {
    let cfg = ServiceConfig {
        allow_evict_soft_pinned_objects: false,
        ..config()
    };
    let (service, writer, _) = service_with(cfg, &[10 * KIB]);
    let pin = ReplicateConfig {
        with_soft_pin: true,
        ..one()
    };
    for i in 0..9 {
        put(&service, writer, &format!("pinned{i}"), KIB, &pin);
        advance_ms(1).await;
    }
    put(&service, writer, "plain", KIB, &one());
    let outcome = service.evict(None);
    assert_eq!(outcome.keys, 1, "only the unpinned object may go");
    assert!(!present(&service, "plain"));
    for i in 0..9 {
        assert!(present(&service, &format!("pinned{i}")), "pinned{i} was evicted");
    }
}

#[tokio::test(start_paused = true)]
async fn soft_pinned_objects_go_last_when_allowed() {
    let (service, writer, _) = service_with(config(), &[10 * KIB]);
    let pin = ReplicateConfig {
        with_soft_pin: true,
        ..one()
    };
    for i in 0..8 {
        put(&service, writer, &format!("pinned{i}"), KIB, &pin);
        advance_ms(1).await;
    }
    put(&service, writer, "plain", KIB, &one());
    advance_ms(1).await;
    put(
        &service,
        writer,
        "hard",
        KIB,
        &ReplicateConfig {
            with_hard_pin: true,
            ..one()
        },
    );
    // 100 % used, watermark 90 %, ratio 5 %: 1.5 KiB must go → the plain object, then the oldest pin.
    let outcome = service.evict(None);
    assert_eq!(outcome.keys, 2);
    assert!(!present(&service, "plain"));
    assert!(!present(&service, "pinned0"));
    assert!(present(&service, "pinned1"));
    assert!(present(&service, "hard"));
}

/// Regression: `eviction_ratio` 0 turned eviction off entirely; in Mooncake it only stops eviction on
/// a failed allocation, usage above the high watermark is still brought back down to it.
#[tokio::test(start_paused = true)]
async fn a_zero_eviction_ratio_still_evicts_down_to_the_watermark() {
    let cfg = ServiceConfig {
        eviction_ratio: 0.0,
        ..config()
    };
    let (service, writer, _) = service_with(cfg, &[10 * KIB]);
    for i in 0..10 {
        put(&service, writer, &format!("k{i}"), KIB, &one());
        advance_ms(1).await;
    }
    let outcome = service.evict(None);
    assert_eq!(outcome.keys, 1);
    assert!(!present(&service, "k0"));
    assert_eq!(used_total(&service), 9 * KIB);
    // At the watermark, a failed allocation evicts nothing: the put fails.
    assert_eq!(
        code(service.put_start(writer, "big", 2 * KIB, &one())),
        ErrorCode::NoAvailableHandle
    );
    assert!(present(&service, "k1"));
    assert_eq!(used_total(&service), 9 * KIB);
}
