//! What this master is in its HA cluster right now: role, state, view version, the leader it knows,
//! and until when its leadership is certainly valid. Read by every RPC (the gate), the admin server
//! and the metrics.

use std::time::{Duration, Instant};

use parking_lot::RwLock;

/// Where a master is in its HA life cycle (names as Mooncake's `/ha_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HaPhase {
    Starting,
    /// Following the leader (or waiting for one).
    Standby,
    /// Won the election; waiting for the first keep-alive and rebuilding metadata.
    LeaderWarmup,
    Serving,
}

impl HaPhase {
    pub fn name(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Standby => "standby",
            Self::LeaderWarmup => "leader_warmup",
            Self::Serving => "serving",
        }
    }

    /// `leader` while warming up or serving, else `standby` (Mooncake's `/role`).
    pub fn role(self) -> &'static str {
        match self {
            Self::LeaderWarmup | Self::Serving => "leader",
            _ => "standby",
        }
    }
}

#[derive(Clone, Debug)]
struct Inner {
    phase: HaPhase,
    view_version: i64,
    leader: Option<String>,
    /// Leadership is certain until then (last keep-alive sent + lease TTL − margin).
    valid_until: Option<Instant>,
    leaderships: u64,
}

/// Shared HA state of one master process.
#[derive(Debug)]
pub struct HaState {
    address: String,
    inner: RwLock<Inner>,
}

/// A point-in-time copy for the admin server and metrics.
#[derive(Clone, Debug)]
pub struct HaSnapshot {
    pub phase: HaPhase,
    pub view_version: i64,
    pub leader: Option<String>,
    /// Times this master became leader.
    pub leaderships: u64,
}

impl HaState {
    pub fn new(address: String) -> Self {
        Self {
            address,
            inner: RwLock::new(Inner {
                phase: HaPhase::Starting,
                view_version: 0,
                leader: None,
                valid_until: None,
                leaderships: 0,
            }),
        }
    }

    /// This master's advertised RPC address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Whether this master may answer requests now: serving, and its lease certainly still held.
    pub fn serving(&self) -> bool {
        let inner = self.inner.read();
        inner.phase == HaPhase::Serving && inner.valid_until.is_some_and(|t| Instant::now() < t)
    }

    /// How long the lease is still certainly held (`None` when it is not).
    pub fn lease_remaining(&self) -> Option<Duration> {
        let until = self.inner.read().valid_until?;
        until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
    }

    /// Whether the lease is certainly still held (regardless of phase).
    pub fn lease_certain(&self) -> bool {
        self.inner.read().valid_until.is_some_and(|t| Instant::now() < t)
    }

    /// The leader as last seen (for "not the leader" answers).
    pub fn leader(&self) -> Option<String> {
        self.inner.read().leader.clone()
    }

    pub fn set_phase(&self, phase: HaPhase) {
        let mut inner = self.inner.write();
        if inner.phase != phase {
            tracing::info!(from = inner.phase.name(), to = phase.name(), "HA state");
            inner.phase = phase;
            if phase == HaPhase::Serving {
                inner.leaderships += 1;
            }
        }
        if phase != HaPhase::Serving && phase != HaPhase::LeaderWarmup {
            inner.valid_until = None;
        }
    }

    pub fn set_leader(&self, leader: Option<String>, view_version: i64) {
        let mut inner = self.inner.write();
        inner.leader = leader;
        if view_version > 0 {
            inner.view_version = view_version;
        }
    }

    /// Extends certain leadership to `sent + ttl − margin` after a successful keep-alive sent at `sent`.
    pub fn renewed(&self, sent: Instant, ttl: Duration) {
        let margin = (ttl / 5).min(Duration::from_millis(500));
        self.inner.write().valid_until = Some(sent + ttl.saturating_sub(margin));
    }

    /// Steps down at once: no request is answered as leader from now on.
    pub fn step_down(&self) {
        let mut inner = self.inner.write();
        inner.valid_until = None;
        if inner.phase == HaPhase::Serving || inner.phase == HaPhase::LeaderWarmup {
            tracing::warn!("stepping down: leadership lost or unverifiable");
            inner.phase = HaPhase::Standby;
        }
    }

    pub fn snapshot(&self) -> HaSnapshot {
        let inner = self.inner.read();
        HaSnapshot {
            phase: inner.phase,
            view_version: inner.view_version,
            leader: inner.leader.clone(),
            leaderships: inner.leaderships,
        }
    }
}
