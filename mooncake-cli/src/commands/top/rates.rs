//! Per-second rates from the counter deltas between two scrapes. A counter that went down means the
//! master restarted (or another master answered): its new value is the delta since then.

use std::collections::BTreeMap;
use std::time::Duration;

use super::metrics::{Metrics, OpCounters};

/// Rates of one operation between two scrapes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OpRate {
    pub requests_per_s: f64,
    pub failures_per_s: f64,
    /// Mean time the master spent per request over the interval, when there were requests.
    pub mean_latency: Option<Duration>,
}

/// Rates between two scrapes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rates {
    pub elapsed: Duration,
    /// By operation name.
    pub ops: BTreeMap<String, OpRate>,
    /// Every operation but `ping`.
    pub requests_per_s: f64,
    pub failures_per_s: f64,
    pub evicted_keys_per_s: f64,
    pub leases_per_s: f64,
}

/// How much a cumulative counter grew from `before` to `after`.
pub fn delta(before: u64, after: u64) -> u64 {
    if after >= before { after - before } else { after }
}

fn per_second(n: u64, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds <= 0.0 { 0.0 } else { n as f64 / seconds }
}

fn op_rate(before: OpCounters, after: OpCounters, elapsed: Duration) -> OpRate {
    let reset = after.requests < before.requests;
    let base = if reset { OpCounters::default() } else { before };
    let latency_count = delta(base.latency_count, after.latency_count);
    let latency_sum = (after.latency_sum_seconds - base.latency_sum_seconds).max(0.0);
    OpRate {
        requests_per_s: per_second(delta(base.requests, after.requests), elapsed),
        failures_per_s: per_second(delta(base.failures, after.failures), elapsed),
        mean_latency: (latency_count > 0)
            .then(|| Duration::try_from_secs_f64(latency_sum / latency_count as f64).ok())
            .flatten(),
    }
}

impl Rates {
    /// Rates from `before` to `after`, `elapsed` apart.
    pub fn between(before: &Metrics, after: &Metrics, elapsed: Duration) -> Self {
        let ops: BTreeMap<String, OpRate> = after
            .ops
            .iter()
            .map(|(op, &now)| {
                let then = before.ops.get(op).copied().unwrap_or_default();
                (op.clone(), op_rate(then, now, elapsed))
            })
            .collect();
        let (requests_per_s, failures_per_s) = ops
            .iter()
            .filter(|(op, _)| op.as_str() != "ping")
            .fold((0.0, 0.0), |(r, f), (_, rate)| {
                (r + rate.requests_per_s, f + rate.failures_per_s)
            });
        Self {
            elapsed,
            ops,
            requests_per_s,
            failures_per_s,
            evicted_keys_per_s: per_second(
                delta(before.events.evicted_keys, after.events.evicted_keys),
                elapsed,
            ),
            leases_per_s: per_second(
                delta(before.events.leases_granted, after.events.leases_granted),
                elapsed,
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::commands::top::fixtures;

    #[test]
    fn rates_are_counter_deltas_over_the_elapsed_time() {
        let before = Metrics::parse(fixtures::LEADER_METRICS_1).unwrap();
        let after = Metrics::parse(fixtures::LEADER_METRICS_2).unwrap();
        let rates = Rates::between(&before, &after, Duration::from_secs(2));
        // Five puts (start and end each), two missed gets, five remounts: 17 requests in 2 s.
        assert_eq!(rates.ops["put_start"].requests_per_s, 2.5);
        assert_eq!(rates.ops["get_replica_list"].requests_per_s, 1.0);
        assert_eq!(rates.ops["get_replica_list"].failures_per_s, 1.0);
        assert_eq!(rates.ops["ping"].requests_per_s, 4.5);
        assert_eq!(rates.requests_per_s, (5.0 + 5.0 + 2.0 + 5.0) / 2.0);
        assert_eq!(rates.failures_per_s, 1.0);
        assert_eq!(rates.ops["remove"].requests_per_s, 0.0);
        assert_eq!(rates.ops["remove"].mean_latency, None);
        let put_latency = rates.ops["put_start"].mean_latency.unwrap();
        assert!(put_latency > Duration::ZERO && put_latency < Duration::from_secs(1));
    }

    #[test]
    fn a_counter_that_went_down_counts_from_zero() {
        assert_eq!(delta(10, 15), 5);
        assert_eq!(delta(10, 3), 3, "a restarted master's counter is all new");
        let after = Metrics::parse(fixtures::LEADER_METRICS_1).unwrap();
        let before = Metrics::parse(fixtures::LEADER_METRICS_2).unwrap();
        let rates = Rates::between(&before, &after, Duration::from_secs(1));
        assert_eq!(rates.ops["put_start"].requests_per_s, 12.0);
    }

    #[test]
    fn no_elapsed_time_gives_zero_rates() {
        let m = Metrics::parse(fixtures::LEADER_METRICS_1).unwrap();
        assert_eq!(Rates::between(&m, &m, Duration::ZERO).requests_per_s, 0.0);
    }
}
