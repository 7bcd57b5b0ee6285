//! Test fixtures: `/metrics` and `/health` captured from real masters (an HA leader with two nodes,
//! eleven keys and one snapshot; a scrape of the same leader after five more puts; its standby).

pub const LEADER_METRICS_1: &str = include_str!("../../../tests/fixtures/top/leader-metrics-1.txt");
pub const LEADER_METRICS_2: &str = include_str!("../../../tests/fixtures/top/leader-metrics-2.txt");
pub const STANDBY_METRICS: &str = include_str!("../../../tests/fixtures/top/standby-metrics.txt");
pub const LEADER_HEALTH: &str = include_str!("../../../tests/fixtures/top/leader-health.json");
pub const STANDBY_HEALTH: &str = include_str!("../../../tests/fixtures/top/standby-health.json");
