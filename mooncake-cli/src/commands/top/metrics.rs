//! `/metrics` as `mooncake top` reads it: the master's Prometheus text parsed with `prometheus-parse`
//! into the figures the dashboard shows. The names are the ones `mooncake-master/src/metrics.rs`,
//! `ha/metrics.rs` and `snapshot/` register; a metric a master does not export stays at its default.

use std::collections::BTreeMap;

use anyhow::Context;
use prometheus_parse::{Sample, Scrape, Value};

/// Used and total bytes of one storage tier (`master_tier_*_bytes{tier}`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TierUsage {
    pub tier: String,
    pub used_bytes: u64,
    pub capacity_bytes: u64,
}

/// One mounted segment (`segment_allocated_bytes{segment}`, `segment_total_capacity_bytes{segment}`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SegmentUsage {
    pub name: String,
    pub used_bytes: u64,
    pub capacity_bytes: u64,
}

impl SegmentUsage {
    /// Used share in percent (0 for an empty segment).
    pub fn used_percent(&self) -> f64 {
        percent(self.used_bytes, self.capacity_bytes)
    }
}

/// Used share of `capacity` in percent; 0 when there is no capacity.
pub fn percent(used: u64, capacity: u64) -> f64 {
    if capacity == 0 {
        0.0
    } else {
        used as f64 * 100.0 / capacity as f64
    }
}

/// Cumulative counters of one master RPC (`master_<op>_requests_total`, `_failures_total`, and its
/// series of `master_request_duration_seconds`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OpCounters {
    pub requests: u64,
    pub failures: u64,
    pub latency_sum_seconds: f64,
    pub latency_count: u64,
}

/// The master's cumulative event counters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EventCounters {
    pub eviction_passes: u64,
    pub successful_eviction_passes: u64,
    pub evicted_keys: u64,
    pub evicted_bytes: u64,
    pub alloc_failures: u64,
    pub leases_granted: u64,
    pub expired_clients: u64,
    pub get_hits: u64,
    pub get_misses: u64,
}

/// `master_ha_*`: present only on a master started with `--enable-ha`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HaMetrics {
    pub is_leader: bool,
    pub state: Option<String>,
    pub view_version: i64,
    pub standbys_in_sync: u64,
    pub leader: Option<String>,
}

/// `master_snapshot_*`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SnapshotMetrics {
    pub enabled: bool,
    pub in_progress: bool,
    pub attempts: u64,
    pub failures: u64,
    pub last_attempt_ok: bool,
    /// Unix seconds of the last good snapshot, when there is one.
    pub last_success_unix: Option<f64>,
    pub last_id: Option<String>,
    pub last_keys: u64,
    pub last_size_bytes: u64,
    pub last_duration_seconds: f64,
}

/// Everything `mooncake top` takes from one scrape of `/metrics`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub keys: u64,
    pub soft_pinned_keys: u64,
    pub leased_keys: u64,
    pub processing_keys: u64,
    pub clients: u64,
    pub segment_count: u64,
    pub allocated_bytes: u64,
    pub capacity_bytes: u64,
    pub uptime_seconds: u64,
    pub view_version: i64,
    /// By tier name.
    pub tiers: Vec<TierUsage>,
    /// By segment name.
    pub segments: Vec<SegmentUsage>,
    /// By operation name (`put_start`, `get_replica_list`, ...).
    pub ops: BTreeMap<String, OpCounters>,
    pub events: EventCounters,
    pub ha: Option<HaMetrics>,
    pub snapshot: SnapshotMetrics,
}

fn scalar(value: &Value) -> Option<f64> {
    match value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => Some(*v),
        Value::Histogram(_) | Value::Summary(_) => None,
    }
}

/// A non-negative whole count; NaN and negatives read as 0.
fn count(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}

impl Metrics {
    /// Parses the Prometheus text exposition of a master's `/metrics`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let scrape = Scrape::parse(text.lines().map(|line| Ok(line.to_owned())))
            .context("parse the Prometheus text")?;
        if !scrape.samples.iter().any(|s| s.metric.starts_with("master_")) {
            anyhow::bail!("no master_* metrics in the answer: is this the admin port of a mooncake master?");
        }
        let mut metrics = Self::default();
        let mut tiers: BTreeMap<String, TierUsage> = BTreeMap::new();
        let mut segments: BTreeMap<String, SegmentUsage> = BTreeMap::new();
        let mut failures: BTreeMap<String, u64> = BTreeMap::new();
        let mut latency: BTreeMap<String, (f64, u64)> = BTreeMap::new();
        let mut ha = HaMetrics::default();
        let mut has_ha = false;
        for sample in &scrape.samples {
            let Some(value) = scalar(&sample.value) else {
                continue;
            };
            metrics.take(
                sample,
                value,
                &mut tiers,
                &mut segments,
                &mut failures,
                &mut latency,
            );
            has_ha |= take_ha(sample, value, &mut ha);
        }
        for (op, counters) in &mut metrics.ops {
            counters.failures = failures.get(op).copied().unwrap_or(0);
            if let Some(&(sum, n)) = latency.get(op) {
                counters.latency_sum_seconds = sum;
                counters.latency_count = n;
            }
        }
        metrics.tiers = tiers.into_values().collect();
        metrics.segments = segments.into_values().collect();
        metrics.ha = has_ha.then_some(ha);
        Ok(metrics)
    }

    fn take(
        &mut self,
        sample: &Sample,
        value: f64,
        tiers: &mut BTreeMap<String, TierUsage>,
        segments: &mut BTreeMap<String, SegmentUsage>,
        failures: &mut BTreeMap<String, u64>,
        latency: &mut BTreeMap<String, (f64, u64)>,
    ) {
        let label = |name: &str| sample.labels.get(name).unwrap_or_default().to_owned();
        let n = count(value);
        let events = &mut self.events;
        let snapshot = &mut self.snapshot;
        match sample.metric.as_str() {
            "master_keys" => self.keys = n,
            "master_soft_pinned_keys" => self.soft_pinned_keys = n,
            "master_leased_keys" => self.leased_keys = n,
            "master_processing_keys" => self.processing_keys = n,
            "master_active_clients" => self.clients = n,
            "master_segments" => self.segment_count = n,
            "master_allocated_bytes" => self.allocated_bytes = n,
            "master_total_capacity_bytes" => self.capacity_bytes = n,
            "master_uptime_seconds" => self.uptime_seconds = n,
            "master_view_version" => self.view_version = value as i64,
            "master_tier_used_bytes" => tier(tiers, label("tier")).used_bytes = n,
            "master_tier_capacity_bytes" => tier(tiers, label("tier")).capacity_bytes = n,
            "segment_allocated_bytes" => segment(segments, label("segment")).used_bytes = n,
            "segment_total_capacity_bytes" => segment(segments, label("segment")).capacity_bytes = n,
            "master_attempted_evictions_total" => events.eviction_passes = n,
            "master_successful_evictions_total" => events.successful_eviction_passes = n,
            "master_evicted_keys_total" => events.evicted_keys = n,
            "master_evicted_bytes_total" => events.evicted_bytes = n,
            "master_put_start_alloc_failures_total" => events.alloc_failures = n,
            "master_leases_granted_total" => events.leases_granted = n,
            "master_expired_clients_total" => events.expired_clients = n,
            "master_get_hits_total" => events.get_hits = n,
            "master_get_misses_total" => events.get_misses = n,
            "master_snapshot_enabled" => snapshot.enabled = n > 0,
            "master_snapshot_in_progress" => snapshot.in_progress = n > 0,
            "master_snapshot_attempts_total" => snapshot.attempts = n,
            "master_snapshot_failures_total" => snapshot.failures = n,
            "master_snapshot_last_attempt_success" => snapshot.last_attempt_ok = n > 0,
            "master_snapshot_last_success_timestamp_seconds" => {
                snapshot.last_success_unix = (value > 0.0).then_some(value);
            }
            "master_snapshot_last_info" => snapshot.last_id = Some(label("id")),
            "master_snapshot_last_keys" => snapshot.last_keys = n,
            "master_snapshot_last_size_bytes" => snapshot.last_size_bytes = n,
            "master_snapshot_last_duration_seconds" => snapshot.last_duration_seconds = value,
            "master_request_duration_seconds_sum" => latency.entry(label("operation")).or_default().0 = value,
            "master_request_duration_seconds_count" => latency.entry(label("operation")).or_default().1 = n,
            name => {
                let Some(rest) = name.strip_prefix("master_") else {
                    return;
                };
                // Only `<op>_requests_total` names an operation: `put_start_alloc_failures_total` or
                // `snapshot_failures_total` have no requests counter and so are not taken for one.
                if let Some(op) = rest.strip_suffix("_requests_total") {
                    self.ops.entry(op.to_owned()).or_default().requests = n;
                } else if let Some(op) = rest.strip_suffix("_failures_total") {
                    failures.insert(op.to_owned(), n);
                }
            }
        }
    }

    /// Requests of every operation but `ping` (the nodes' heartbeats, one per node per second).
    pub fn requests_excluding_ping(&self) -> (u64, u64) {
        self.ops
            .iter()
            .filter(|(op, _)| op.as_str() != "ping")
            .fold((0, 0), |(r, f), (_, c)| (r + c.requests, f + c.failures))
    }
}

fn tier(tiers: &mut BTreeMap<String, TierUsage>, name: String) -> &mut TierUsage {
    tiers.entry(name.clone()).or_insert_with(|| TierUsage {
        tier: name,
        ..TierUsage::default()
    })
}

fn segment(segments: &mut BTreeMap<String, SegmentUsage>, name: String) -> &mut SegmentUsage {
    segments.entry(name.clone()).or_insert_with(|| SegmentUsage {
        name,
        ..SegmentUsage::default()
    })
}

/// Takes `master_ha_*`; returns whether the sample was one.
fn take_ha(sample: &Sample, value: f64, ha: &mut HaMetrics) -> bool {
    match sample.metric.as_str() {
        "master_ha_is_leader" => ha.is_leader = value > 0.0,
        "master_ha_view_version" => ha.view_version = value as i64,
        "master_ha_standbys_in_sync" => ha.standbys_in_sync = count(value),
        "master_ha_state" if value > 0.0 => ha.state = sample.labels.get("state").map(str::to_owned),
        "master_ha_leader_info" if value > 0.0 => {
            ha.leader = sample.labels.get("leader").map(str::to_owned);
        }
        name => return name.starts_with("master_ha_"),
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::commands::top::fixtures;

    #[test]
    fn a_real_leaders_metrics_parse_into_every_figure() {
        let m = Metrics::parse(fixtures::LEADER_METRICS_1).unwrap();
        assert_eq!(m.keys, 11);
        assert_eq!(m.leased_keys, 1);
        assert_eq!(m.clients, 15);
        assert_eq!(m.segment_count, 2);
        assert_eq!(m.allocated_bytes, 3_300_000);
        assert_eq!(m.capacity_bytes, 100_663_296);
        let tiers: Vec<_> = m.tiers.iter().map(|t| t.tier.as_str()).collect();
        assert_eq!(tiers, ["cxl", "memory", "ssd"]);
        assert_eq!(
            m.tiers[1],
            TierUsage {
                tier: "memory".into(),
                used_bytes: 3_300_000,
                capacity_bytes: 100_663_296
            }
        );
        assert_eq!(
            m.segments,
            [
                SegmentUsage {
                    name: "127.0.0.1:35397".into(),
                    used_bytes: 1_500_000,
                    capacity_bytes: 67_108_864
                },
                SegmentUsage {
                    name: "127.0.0.1:41227".into(),
                    used_bytes: 1_800_000,
                    capacity_bytes: 33_554_432
                },
            ]
        );
        let put_start = m.ops["put_start"];
        assert_eq!(
            (put_start.requests, put_start.failures, put_start.latency_count),
            (12, 0, 12)
        );
        let get = m.ops["get_replica_list"];
        assert_eq!((get.requests, get.failures), (2, 1));
        assert_eq!(m.ops["ping"].requests, 27);
        // Failure counters of things that are not operations do not invent operations.
        assert!(!m.ops.contains_key("put_start_alloc"));
        assert!(!m.ops.contains_key("snapshot"));
        assert_eq!(m.requests_excluding_ping(), (2 + 2 + 12 + 12 + 13 + 1, 1));
        assert_eq!(m.events.leases_granted, 1);
        assert_eq!(m.events.get_misses, 1);
        assert_eq!(
            m.ha,
            Some(HaMetrics {
                is_leader: true,
                state: Some("serving".into()),
                view_version: 1,
                standbys_in_sync: 1,
                leader: Some("127.0.0.1:19551".into())
            })
        );
        assert!(m.snapshot.enabled);
        assert_eq!(m.snapshot.last_id.as_deref(), Some("20261123_170514_786"));
        assert_eq!((m.snapshot.last_keys, m.snapshot.last_size_bytes), (11, 1481));
    }

    #[test]
    fn a_standby_reports_its_state_and_the_leader() {
        let m = Metrics::parse(fixtures::STANDBY_METRICS).unwrap();
        let ha = m.ha.unwrap();
        assert!(!ha.is_leader);
        assert_eq!(ha.state.as_deref(), Some("standby"));
        assert_eq!(ha.leader.as_deref(), Some("127.0.0.1:19551"));
        assert!(m.segments.is_empty());
    }

    #[test]
    fn a_master_without_ha_has_no_ha_metrics() {
        let text: String = fixtures::LEADER_METRICS_1
            .lines()
            .filter(|l| !l.contains("master_ha_"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(Metrics::parse(&text).unwrap().ha, None);
    }

    #[test]
    fn text_that_is_not_a_masters_metrics_is_refused() {
        let error = Metrics::parse("<html>hello</html>").unwrap_err();
        assert!(format!("{error:#}").contains("no master_* metrics"), "{error:#}");
    }
}
