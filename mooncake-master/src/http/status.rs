//! Health and metrics endpoints: `/metrics`, `/metrics/summary`, `/health`, `/role`, `/ha_status`,
//! `/leader`. Without HA a master is always the serving leader of its own cluster.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AdminState;
use crate::metrics::Op;

const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4";

pub async fn metrics(State(state): State<AdminState>) -> Response {
    let body = state.metrics.render(&state.service, &state.workers);
    ([(CONTENT_TYPE, PROMETHEUS_TEXT)], body).into_response()
}

/// Binary-unit size with two decimals, as Mooncake prints it (`54.00 MB` for 54 MiB).
fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

fn percent(used: u64, capacity: u64) -> f64 {
    if capacity == 0 {
        0.0
    } else {
        used as f64 * 100.0 / capacity as f64
    }
}

/// One line an operator can read during bring-up; request rates are per second since the previous
/// call.
pub async fn summary(State(state): State<AdminState>) -> Response {
    let stats = state.service.stats();
    let elapsed = {
        let mut last = state.last_summary.lock();
        let elapsed = last.elapsed().as_secs_f64().max(1e-3);
        *last = Instant::now();
        elapsed
    };
    let rates: Vec<String> = [
        ("PutStart", Op::PutStart),
        ("PutEnd", Op::PutEnd),
        ("PutRevoke", Op::PutRevoke),
        ("Get", Op::GetReplicaList),
        ("Exist", Op::ExistKey),
        ("Del", Op::Remove),
        ("DelAll", Op::RemoveAll),
        ("Ping", Op::Ping),
    ]
    .iter()
    .map(|&(label, op)| {
        let (requests, failures) = state.metrics.take_delta(op);
        let ok = requests.saturating_sub(failures);
        format!(
            "{label}={:.2}/{:.2}",
            ok as f64 / elapsed,
            requests as f64 / elapsed
        )
    })
    .collect();
    let counters = state.service.counters();
    let read = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    let ha = HaView::of(&state);
    let line = format!(
        "role={}, state={}, service_ready={}, view_version={}, leader={}, master={{Mem Storage: {} / {} ({:.1}%) | CXL Storage: {} / {} | \
         SSD Storage: 0 B / 0 B | Keys: {} (soft-pinned: {}) | Clients: {} | Segments: {} | \
         Requests (Success/Total per sec): {} | Eviction: Success/Attempts={}/{}, AllocFail={}, PartialAlloc={}, keys={}, size={} | \
         Discard: Released/Total={}/{}{}}}\n",
        ha.role,
        ha.state,
        ha.serving,
        state.service.view_version(),
        ha.leader.as_deref().unwrap_or("none"),
        human(stats.memory_used_bytes),
        human(stats.memory_capacity_bytes),
        percent(stats.memory_used_bytes, stats.memory_capacity_bytes),
        human(stats.cxl_used_bytes),
        human(stats.cxl_capacity_bytes),
        stats.keys,
        stats.soft_pinned_keys,
        stats.clients,
        stats.segments,
        rates.join(", "),
        read(&counters.eviction_successes),
        read(&counters.eviction_attempts),
        read(&counters.alloc_failures),
        read(&counters.partial_allocations),
        read(&counters.evicted_keys),
        human(read(&counters.evicted_bytes)),
        read(&counters.put_start_releases),
        read(&counters.put_start_discards),
        super::snapshots::summary(&state),
    );
    ([(CONTENT_TYPE, PROMETHEUS_TEXT)], line).into_response()
}

/// This master's HA standing as the admin endpoints report it.
struct HaView {
    enabled: bool,
    role: &'static str,
    state: &'static str,
    serving: bool,
    leader: Option<String>,
    view_version: i64,
    standbys: usize,
}

impl HaView {
    fn of(state: &AdminState) -> Self {
        match &state.ha {
            None => Self {
                enabled: false,
                role: "leader",
                state: "serving",
                serving: true,
                leader: None,
                view_version: state.service.view_version(),
                standbys: 0,
            },
            Some(ha) => {
                let snapshot = ha.snapshot();
                Self {
                    enabled: true,
                    role: snapshot.phase.role(),
                    state: snapshot.phase.name(),
                    serving: ha.serving(),
                    leader: snapshot.leader,
                    view_version: snapshot.view_version,
                    standbys: state.standbys(),
                }
            }
        }
    }
}

pub async fn health(State(state): State<AdminState>) -> Json<Value> {
    let ha = HaView::of(&state);
    Json(json!({
        "status": "ok",
        "role": ha.role,
        "ha_state": ha.state,
        "ha_enabled": ha.enabled,
        "service_ready": ha.serving,
        "leader_address": ha.leader,
        "view_version": ha.view_version,
        "standbys_in_sync": ha.standbys,
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_seconds": state.started.elapsed().as_secs(),
        "snapshot": super::snapshots::health(&state),
    }))
}

pub async fn role(State(state): State<AdminState>) -> &'static str {
    HaView::of(&state).role
}

pub async fn ha_status(State(state): State<AdminState>) -> &'static str {
    HaView::of(&state).state
}

pub async fn leader(State(state): State<AdminState>) -> Json<Value> {
    let ha = HaView::of(&state);
    match ha.leader {
        Some(leader) => {
            Json(json!({ "present": true, "leader_address": leader, "view_version": ha.view_version }))
        }
        None => Json(json!({ "present": false, "leader_address": null, "view_version": null })),
    }
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn sizes_print_like_mooncake() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(54 * 1024 * 1024), "54.00 MB");
        assert_eq!(human(1536), "1.50 KB");
    }
}
