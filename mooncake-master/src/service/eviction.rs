//! Eviction: when usage crosses `eviction_high_watermark_ratio` (or an allocation fails), free about
//! `eviction_ratio` of the capacity, least recently used first.
//!
//! Design note: an object is evictable when it is complete, not hard-pinned and no read lease runs;
//! soft-pinned objects are taken only after every other candidate and only when
//! `allow_evict_soft_pinned_objects`. The pass first takes a census (lease deadline and footprint of
//! each candidate, 16 bytes each — no key copies), finds the cut-off deadline that frees enough bytes,
//! then evicts shard by shard, re-checking each object under its shard lock so an object leased or
//! rewritten since the census is never evicted. The lease deadline doubles as "last used": a get
//! pushes it forward, a put sets it to the PutEnd time.

use super::object::Object;
use super::{Counters, MasterService};

/// What one eviction pass freed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EvictionOutcome {
    pub keys: u64,
    pub bytes: u64,
}

fn evictable(object: &Object, now_ms: u64) -> bool {
    object.complete && !object.hard_pinned && !object.leased(now_ms) && !object.replicas.is_empty()
}

/// Evict every candidate whose last use is before `before`, plus `at_before` of those exactly at it.
#[derive(Debug, Clone, Copy)]
struct Cutoff {
    before: u64,
    at_before: u64,
}

impl Cutoff {
    const NONE: Cutoff = Cutoff {
        before: 0,
        at_before: 0,
    };
    const ALL: Cutoff = Cutoff {
        before: u64::MAX,
        at_before: u64::MAX,
    };

    fn take(&mut self, last_use: u64) -> bool {
        if last_use < self.before {
            true
        } else if last_use == self.before && self.at_before > 0 {
            self.at_before -= 1;
            true
        } else {
            false
        }
    }
}

/// The cut-off that frees at least `target` bytes from `candidates` (last use, footprint), oldest
/// first, and the bytes it frees.
fn plan(mut candidates: Vec<(u64, u64)>, target: u64) -> (Cutoff, u64) {
    if target == 0 {
        return (Cutoff::NONE, 0);
    }
    candidates.sort_unstable_by_key(|&(last_use, _)| last_use);
    let mut freed = 0;
    for (i, &(last_use, footprint)) in candidates.iter().enumerate() {
        freed += footprint;
        if freed >= target {
            let at_before = candidates[..=i]
                .iter()
                .rev()
                .take_while(|&&(t, _)| t == last_use)
                .count() as u64;
            return (
                Cutoff {
                    before: last_use,
                    at_before,
                },
                freed,
            );
        }
    }
    (Cutoff::ALL, freed)
}

impl MasterService {
    /// Runs one eviction pass if usage is above the high watermark, or — when `need` is given, after
    /// an allocation of that many bytes failed — frees at least `need` (and about `eviction_ratio`).
    pub fn evict(&self, need: Option<u64>) -> EvictionOutcome {
        let (capacity, used) = self.segments.usage();
        if capacity == 0 {
            return EvictionOutcome::default();
        }
        let high_watermark = capacity as f64 * self.config.eviction_high_watermark_ratio;
        let ratio_bytes = capacity as f64 * self.config.eviction_ratio.max(0.0);
        // As in Mooncake, `eviction_ratio` 0 turns off eviction on a failed allocation, not above the
        // watermark.
        let need = need.filter(|_| self.config.eviction_ratio > 0.0);
        let target = if used as f64 > high_watermark {
            // A failed put must get at least its own size back, or its retry fails again.
            (used as f64 - (high_watermark - ratio_bytes)).max(need.unwrap_or(0) as f64)
        } else if let Some(need) = need {
            ratio_bytes.max(need as f64)
        } else {
            return EvictionOutcome::default();
        };
        Counters::bump(&self.counters.eviction_attempts, 1);
        let outcome = self.evict_bytes(target.ceil() as u64);
        if outcome.keys > 0 {
            Counters::bump(&self.counters.eviction_successes, 1);
            Counters::bump(&self.counters.evicted_keys, outcome.keys);
            Counters::bump(&self.counters.evicted_bytes, outcome.bytes);
            tracing::info!(
                keys = outcome.keys,
                bytes = outcome.bytes,
                "evicted least recently used objects"
            );
            self.eviction_starved
                .store(false, std::sync::atomic::Ordering::Relaxed);
        } else if !self
            .eviction_starved
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            // Once per episode: the worker retries every second while the pool stays full.
            tracing::warn!(
                target_bytes = target as u64,
                "eviction found nothing evictable (all leased, pinned or in progress)"
            );
        }
        outcome
    }

    fn evict_bytes(&self, target: u64) -> EvictionOutcome {
        let now = self.now();
        let allow_pinned = self.config.allow_evict_soft_pinned_objects;
        let (mut plain, mut pinned) = (Vec::new(), Vec::new());
        for shard in self.index.shards() {
            let shard = shard.lock();
            for object in shard.objects.values().filter(|o| evictable(o, now)) {
                let entry = (object.lease_until_ms, object.footprint());
                match (object.soft_pinned(now), allow_pinned) {
                    (false, _) => plain.push(entry),
                    (true, true) => pinned.push(entry),
                    (true, false) => {}
                }
            }
        }
        let (mut plain_cut, freed) = plan(plain, target);
        let (mut pinned_cut, _) = plan(pinned, target.saturating_sub(freed));

        let mut outcome = EvictionOutcome::default();
        for shard in self.index.shards() {
            let mut shard = shard.lock();
            shard.retain(|key, object| {
                if !evictable(object, now) {
                    return true;
                }
                let soft_pinned = object.soft_pinned(now);
                if soft_pinned && !allow_pinned {
                    return true;
                }
                let cut = if soft_pinned {
                    &mut pinned_cut
                } else {
                    &mut plain_cut
                };
                if !cut.take(object.lease_until_ms) {
                    return true;
                }
                self.free_replicas(&object.replicas, object.size);
                self.record_removed(key);
                outcome.keys += 1;
                outcome.bytes += object.footprint();
                false
            });
        }
        outcome
    }

    /// Wakes the eviction worker when usage is above the high watermark.
    pub(super) fn wake_eviction_if_above_watermark(&self) {
        let (capacity, used) = self.segments.usage();
        if capacity > 0 && used as f64 > capacity as f64 * self.config.eviction_high_watermark_ratio {
            self.eviction_wanted.notify_one();
        }
    }

    /// Resolves when a put pushed usage above the high watermark.
    pub async fn eviction_wanted(&self) {
        self.eviction_wanted.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_takes_oldest_first_and_splits_ties() {
        let (mut cut, freed) = plan(vec![(5, 10), (1, 10), (5, 10), (9, 10)], 25);
        assert_eq!(freed, 30);
        assert!(cut.take(1));
        assert!(cut.take(5));
        assert!(cut.take(5));
        assert!(!cut.take(5));
        assert!(!cut.take(9));
    }

    #[test]
    fn plan_takes_everything_when_short() {
        let (mut cut, freed) = plan(vec![(3, 1)], 100);
        assert_eq!(freed, 1);
        assert!(cut.take(u64::MAX - 1));
    }
}
