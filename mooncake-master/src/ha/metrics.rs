//! `master_ha_*` Prometheus series (role, state, view version, leader identity, standbys in sync),
//! refreshed from the HA state at scrape time. Registered on every master like the snapshot series:
//! a master without HA reports itself the serving leader of its own cluster.

use std::sync::{Arc, OnceLock};

use prometheus::{IntCounter, IntGauge, IntGaugeVec, Opts, Registry};

use super::replication::Replication;
use super::state::{HaPhase, HaState};
use crate::metrics::try_register;

const PHASES: [HaPhase; 4] = [
    HaPhase::Starting,
    HaPhase::Standby,
    HaPhase::LeaderWarmup,
    HaPhase::Serving,
];

/// The HA series of one registry.
#[derive(Debug)]
pub struct HaMetrics {
    source: OnceLock<(Arc<HaState>, Arc<Replication>)>,
    leader: IntGauge,
    state: IntGaugeVec,
    view_version: IntGauge,
    standbys: IntGauge,
    leaderships: IntCounter,
    leader_info: IntGaugeVec,
}

impl HaMetrics {
    /// Registers the series in `registry`; `None` only if a definition here is invalid.
    pub fn register(registry: &Registry) -> Option<Self> {
        let gauge = |name: &str, help: &str| try_register(registry, "HA", IntGauge::new(name, help));
        let labelled = |name: &str, help: &str, label: &str| {
            try_register(registry, "HA", IntGaugeVec::new(Opts::new(name, help), &[label]))
        };
        let metrics = Self {
            source: OnceLock::new(),
            leader: gauge("master_ha_is_leader", "1 while this master serves as the leader")?,
            state: labelled(
                "master_ha_state",
                "1 for the HA state this master is in (starting, standby, leader_warmup, serving)",
                "state",
            )?,
            view_version: gauge(
                "master_ha_view_version",
                "View version of the leader this master knows",
            )?,
            standbys: gauge(
                "master_ha_standbys_in_sync",
                "Standbys following this leader in sync",
            )?,
            leaderships: try_register(
                registry,
                "HA",
                IntCounter::new(
                    "master_ha_leaderships_total",
                    "Times this master became the serving leader",
                ),
            )?,
            leader_info: labelled(
                "master_ha_leader_info",
                "1, labelled with the leader's address as this master knows it",
                "leader",
            )?,
        };
        // Until HA is attached: the serving leader of its own cluster.
        metrics.leader.set(1);
        metrics.set_phase(HaPhase::Serving);
        Some(metrics)
    }

    /// Reports `state` (and the standbys of `replication`) from now on.
    pub fn attach(&self, state: Arc<HaState>, replication: Arc<Replication>) {
        let _ = self.source.set((state, replication));
    }

    fn set_phase(&self, current: HaPhase) {
        for phase in PHASES {
            self.state
                .with_label_values(&[phase.name()])
                .set(i64::from(phase == current));
        }
    }

    /// Copies the HA state into the series (a no-op without HA).
    pub fn refresh(&self) {
        let Some((state, replication)) = self.source.get() else {
            return;
        };
        let snapshot = state.snapshot();
        self.leader.set(i64::from(state.serving()));
        self.set_phase(snapshot.phase);
        self.view_version.set(snapshot.view_version);
        self.standbys.set(replication.in_sync() as i64);
        let behind = snapshot.leaderships.saturating_sub(self.leaderships.get());
        self.leaderships.inc_by(behind);
        self.leader_info.reset();
        if let Some(leader) = &snapshot.leader {
            self.leader_info.with_label_values(&[leader]).set(1);
        }
    }
}
