//! `/health` as `mooncake top` reads it: the master's HA standing (with or without HA) and its
//! snapshot status. Every field is optional so an older or newer master still parses.

use serde::Deserialize;

/// The master's `/health` answer.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Health {
    pub role: Option<String>,
    pub ha_state: Option<String>,
    pub ha_enabled: bool,
    pub service_ready: Option<bool>,
    pub leader_address: Option<String>,
    pub view_version: Option<i64>,
    pub standbys_in_sync: Option<u64>,
    pub version: Option<String>,
    pub uptime_seconds: Option<u64>,
    pub snapshot: Option<SnapshotHealth>,
}

/// `/health`'s `snapshot` object.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SnapshotHealth {
    pub configured: bool,
    pub periodic: Option<bool>,
    pub in_progress: Option<bool>,
    pub attempts: Option<u64>,
    pub failures: Option<u64>,
    pub last_attempt: Option<SnapshotAttempt>,
    pub last_success: Option<SnapshotSuccess>,
}

/// The last snapshot attempt, good or not.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SnapshotAttempt {
    pub id: Option<String>,
    pub outcome: Option<String>,
    pub error: Option<String>,
    pub finished_at_unix_ms: Option<u64>,
}

/// The last snapshot written.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SnapshotSuccess {
    pub id: Option<String>,
    pub keys: Option<u64>,
    pub segments: Option<u64>,
    pub bytes: Option<u64>,
    pub duration_ms: Option<u64>,
    pub created_at_unix_ms: Option<u64>,
}

impl Health {
    /// Parses `/health`'s JSON.
    pub fn parse(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::commands::top::fixtures;

    #[test]
    fn a_real_leaders_health_parses() {
        let h = Health::parse(fixtures::LEADER_HEALTH).unwrap();
        assert_eq!(h.role.as_deref(), Some("leader"));
        assert_eq!(h.ha_state.as_deref(), Some("serving"));
        assert_eq!(h.leader_address.as_deref(), Some("127.0.0.1:19551"));
        assert_eq!(h.standbys_in_sync, Some(1));
        let snapshot = h.snapshot.unwrap();
        assert!(snapshot.configured);
        let last = snapshot.last_success.unwrap();
        assert_eq!(last.id.as_deref(), Some("20261123_170514_786"));
        assert_eq!((last.keys, last.bytes), (Some(11), Some(1481)));
    }

    #[test]
    fn a_standby_without_snapshots_parses() {
        let h = Health::parse(fixtures::STANDBY_HEALTH).unwrap();
        assert_eq!(h.role.as_deref(), Some("standby"));
        assert_eq!(h.snapshot.map(|s| s.configured), Some(false));
    }
}
