//! HA metrics: role, state, view version, leader identity and in-sync standbys, rendered after the
//! master's own metrics on `/metrics` when HA is on.

use prometheus::{IntCounter, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};

use super::state::{HaPhase, HaSnapshot};

/// The HA metric families.
#[derive(Debug)]
pub struct HaMetrics {
    registry: Registry,
    leader: IntGauge,
    state: IntGaugeVec,
    view_version: IntGauge,
    standbys: IntGauge,
    leaderships: IntCounter,
    leader_info: IntGaugeVec,
}

const PHASES: [HaPhase; 4] = [
    HaPhase::Starting,
    HaPhase::Standby,
    HaPhase::LeaderWarmup,
    HaPhase::Serving,
];

impl HaMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let gauge = |name: &str, help: &str| {
            let gauge = IntGauge::new(name, help).unwrap_or_else(|_| unreachable!("valid metric name"));
            let _ = registry.register(Box::new(gauge.clone()));
            gauge
        };
        let vec = |name: &str, help: &str, labels: &[&str]| {
            let gauge = IntGaugeVec::new(Opts::new(name, help), labels)
                .unwrap_or_else(|_| unreachable!("valid metric name"));
            let _ = registry.register(Box::new(gauge.clone()));
            gauge
        };
        let leader = gauge(
            "master_ha_is_leader",
            "1 while this master serves as the HA leader",
        );
        let state = vec(
            "master_ha_state",
            "1 for the HA state this master is in (starting, standby, leader_warmup, serving)",
            &["state"],
        );
        let view_version = gauge(
            "master_ha_view_version",
            "View version of the leader this master knows",
        );
        let standbys = gauge(
            "master_ha_standbys_in_sync",
            "Standbys following this leader in sync",
        );
        let leaderships = IntCounter::new(
            "master_ha_leaderships_total",
            "Times this master became the serving leader",
        )
        .unwrap_or_else(|_| unreachable!("valid metric name"));
        let _ = registry.register(Box::new(leaderships.clone()));
        let leader_info = vec(
            "master_ha_leader_info",
            "1, labelled with the leader's address as this master knows it",
            &["leader"],
        );
        Self {
            registry,
            leader,
            state,
            view_version,
            standbys,
            leaderships,
            leader_info,
        }
    }

    /// Prometheus text for `snapshot`.
    pub fn render(&self, snapshot: &HaSnapshot, serving: bool, standbys: usize) -> String {
        self.leader.set(i64::from(serving));
        for phase in PHASES {
            self.state
                .with_label_values(&[phase.name()])
                .set(i64::from(phase == snapshot.phase));
        }
        self.view_version.set(snapshot.view_version);
        self.standbys.set(standbys as i64);
        let behind = snapshot.leaderships.saturating_sub(self.leaderships.get());
        self.leaderships.inc_by(behind);
        self.leader_info.reset();
        if let Some(leader) = &snapshot.leader {
            self.leader_info.with_label_values(&[leader]).set(1);
        }
        let mut out = String::new();
        if let Err(error) = TextEncoder::new().encode_utf8(&self.registry.gather(), &mut out) {
            tracing::error!(%error, "cannot encode HA metrics");
        }
        out
    }
}

impl Default for HaMetrics {
    fn default() -> Self {
        Self::new()
    }
}
