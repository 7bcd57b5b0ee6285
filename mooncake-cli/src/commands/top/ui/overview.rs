//! The overview: capacity per tier, cluster figures, request and error rates with sparklines,
//! evictions and leases, HA standing and the last snapshot.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Paragraph, Sparkline};

use super::{Clock, columns, format, pairs, panel};
use crate::commands::top::metrics::{TierUsage, percent};
use crate::commands::top::state::{Dashboard, Poll};

pub fn draw(frame: &mut Frame, area: Rect, dashboard: &Dashboard, clock: Clock) {
    let Some(poll) = &dashboard.latest else {
        return;
    };
    let tiers = tiers_of(poll);
    let [capacity, middle, rates, bottom] = Layout::vertical([
        Constraint::Length(tiers.len() as u16 + 2),
        Constraint::Length(7),
        Constraint::Min(5),
        Constraint::Length(10),
    ])
    .areas(area);
    draw_capacity(frame, capacity, &tiers);
    let [cluster, ha] = columns::<2>(middle);
    frame.render_widget(
        Paragraph::new(cluster_lines(poll)).block(panel("Cluster")),
        cluster,
    );
    frame.render_widget(Paragraph::new(ha_lines(poll)).block(panel("HA")), ha);
    draw_rates(frame, rates, dashboard);
    let [events, snapshot] = columns::<2>(bottom);
    frame.render_widget(
        Paragraph::new(event_lines(dashboard, poll)).block(panel("Evictions and leases")),
        events,
    );
    frame.render_widget(
        Paragraph::new(snapshot_lines(poll, clock)).block(panel("Last snapshot")),
        snapshot,
    );
}

/// Every tier the master reports, plus a total line when there is more than one.
fn tiers_of(poll: &Poll) -> Vec<TierUsage> {
    // Tiers without capacity (no CXL or SSD configured) are left out.
    let mut tiers: Vec<TierUsage> = poll
        .metrics
        .tiers
        .iter()
        .filter(|t| t.capacity_bytes > 0)
        .cloned()
        .collect();
    if tiers.len() != 1 {
        tiers.push(TierUsage {
            tier: "total".into(),
            used_bytes: poll.metrics.allocated_bytes,
            capacity_bytes: poll.metrics.capacity_bytes,
        });
    }
    tiers
}

fn draw_capacity(frame: &mut Frame, area: Rect, tiers: &[TierUsage]) {
    let title = "Capacity per tier";
    frame.render_widget(panel(title), area);
    let inner = panel(title).inner(area);
    let rows = Layout::vertical(vec![Constraint::Length(1); tiers.len()]).split(inner);
    for (tier, row) in tiers.iter().zip(rows.iter()) {
        let used = percent(tier.used_bytes, tier.capacity_bytes);
        let color = match used {
            90.0.. => Color::Red,
            75.0.. => Color::Yellow,
            _ => Color::Green,
        };
        let gauge = Gauge::default()
            .gauge_style(Style::default().fg(color).bg(Color::Black))
            .ratio((used / 100.0).clamp(0.0, 1.0))
            .label(format!(
                "{}  {} / {}  ({used:.1}%)",
                tier.tier,
                format::bytes(tier.used_bytes),
                format::bytes(tier.capacity_bytes)
            ));
        frame.render_widget(gauge, *row);
    }
}

fn cluster_lines(poll: &Poll) -> Vec<Line<'static>> {
    let m = &poll.metrics;
    let version = poll
        .health
        .as_ref()
        .and_then(|h| h.version.clone())
        .unwrap_or_else(|| "?".into());
    pairs(vec![
        (
            "Keys",
            format!(
                "{}  (soft-pinned {}, leased {}, being written {})",
                m.keys, m.soft_pinned_keys, m.leased_keys, m.processing_keys
            ),
        ),
        ("Clients", m.clients.to_string()),
        ("Segments", m.segment_count.to_string()),
        ("Uptime", format::age(Duration::from_secs(m.uptime_seconds))),
        ("Version", version),
    ])
}

fn ha_lines(poll: &Poll) -> Vec<Line<'static>> {
    let m = &poll.metrics;
    if let Some(h) = &poll.health {
        if !h.ha_enabled {
            return pairs(vec![
                ("Role", "leader (HA off: a single master)".into()),
                (
                    "View version",
                    h.view_version.unwrap_or(m.view_version).to_string(),
                ),
            ]);
        }
        return pairs(vec![
            ("Role", h.role.clone().unwrap_or_else(|| "?".into())),
            ("State", h.ha_state.clone().unwrap_or_else(|| "?".into())),
            (
                "Leader",
                h.leader_address.clone().unwrap_or_else(|| "none known".into()),
            ),
            (
                "View version",
                h.view_version.unwrap_or(m.view_version).to_string(),
            ),
            ("Standbys in sync", h.standbys_in_sync.unwrap_or(0).to_string()),
        ]);
    }
    match &m.ha {
        Some(ha) => pairs(vec![
            ("Role", if ha.is_leader { "leader" } else { "standby" }.into()),
            ("State", ha.state.clone().unwrap_or_else(|| "?".into())),
            ("Leader", ha.leader.clone().unwrap_or_else(|| "none known".into())),
            ("View version", ha.view_version.to_string()),
            ("Standbys in sync", ha.standbys_in_sync.to_string()),
        ]),
        None => pairs(vec![
            ("Role", "leader (no HA metrics; /health did not answer)".into()),
            ("View version", m.view_version.to_string()),
        ]),
    }
}

fn draw_rates(frame: &mut Frame, area: Rect, dashboard: &Dashboard) {
    let [requests, failures] = columns::<2>(area);
    let (req, fail) = match &dashboard.rates {
        Some(r) => (format::rate(r.requests_per_s), format::rate(r.failures_per_s)),
        None => ("–".to_owned(), "–".to_owned()),
    };
    let history = &dashboard.history;
    let series = |s: &std::collections::VecDeque<u64>, width: u16| -> Vec<u64> {
        let skip = s.len().saturating_sub(usize::from(width.saturating_sub(2)));
        s.iter().skip(skip).copied().collect()
    };
    frame.render_widget(
        Sparkline::default()
            .block(panel(&format!("Requests {req} (all operations but ping)")))
            .style(Style::default().fg(Color::Green))
            .data(series(&history.requests, requests.width)),
        requests,
    );
    frame.render_widget(
        Sparkline::default()
            .block(panel(&format!("Errors {fail}")))
            .style(Style::default().fg(Color::Red))
            .data(series(&history.failures, failures.width)),
        failures,
    );
}

fn event_lines(dashboard: &Dashboard, poll: &Poll) -> Vec<Line<'static>> {
    let e = &poll.metrics.events;
    let rate = |f: fn(&crate::commands::top::rates::Rates) -> f64| {
        dashboard
            .rates
            .as_ref()
            .map_or_else(String::new, |r| format!("  ({})", format::rate(f(r))))
    };
    pairs(vec![
        (
            "Evicted keys",
            format!("{}{}", e.evicted_keys, rate(|r| r.evicted_keys_per_s)),
        ),
        ("Evicted bytes", format::bytes(e.evicted_bytes)),
        (
            "Eviction passes",
            format!(
                "{} ({} freed space)",
                e.eviction_passes, e.successful_eviction_passes
            ),
        ),
        ("Alloc failures", e.alloc_failures.to_string()),
        (
            "Leases granted",
            format!("{}{}", e.leases_granted, rate(|r| r.leases_per_s)),
        ),
        ("Leased keys", poll.metrics.leased_keys.to_string()),
        ("Get hits / misses", format!("{} / {}", e.get_hits, e.get_misses)),
        ("Expired clients", e.expired_clients.to_string()),
    ])
}

fn snapshot_lines(poll: &Poll, clock: Clock) -> Vec<Line<'static>> {
    let ago = |unix_ms: u64| {
        let at = std::time::UNIX_EPOCH + Duration::from_millis(unix_ms);
        clock
            .wall
            .duration_since(at)
            .map_or_else(|_| "just now".into(), |d| format!("{} ago", format::age(d)))
    };
    if let Some(snapshot) = poll.health.as_ref().and_then(|h| h.snapshot.as_ref()) {
        if !snapshot.configured {
            return vec![Line::raw(
                "snapshots off (master without --snapshot-object-store-type)",
            )];
        }
        let mut rows = Vec::new();
        match &snapshot.last_success {
            Some(last) => {
                rows.push(("Id", last.id.clone().unwrap_or_else(|| "?".into())));
                rows.push(("Taken", last.created_at_unix_ms.map_or_else(|| "?".into(), ago)));
                rows.push((
                    "Size",
                    format!(
                        "{} keys, {}, {} ms",
                        last.keys.unwrap_or(0),
                        format::bytes(last.bytes.unwrap_or(0)),
                        last.duration_ms.unwrap_or(0)
                    ),
                ));
            }
            None => rows.push(("Id", "none yet".into())),
        }
        if let Some(attempt) = &snapshot.last_attempt {
            let outcome = attempt.outcome.clone().unwrap_or_else(|| "?".into());
            let error = attempt
                .error
                .clone()
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            rows.push(("Last attempt", format!("{outcome}{error}")));
        }
        rows.push((
            "Attempts / fails",
            format!(
                "{} / {}",
                snapshot.attempts.unwrap_or(0),
                snapshot.failures.unwrap_or(0)
            ),
        ));
        if snapshot.in_progress == Some(true) {
            rows.push(("Now", "writing a snapshot".into()));
        }
        return pairs(rows);
    }
    let s = &poll.metrics.snapshot;
    if !s.enabled && s.attempts == 0 {
        return vec![Line::raw("no snapshot taken")];
    }
    pairs(vec![
        ("Id", s.last_id.clone().unwrap_or_else(|| "none yet".into())),
        (
            "Taken",
            s.last_success_unix
                .map_or_else(|| "never".into(), |t| ago((t * 1000.0) as u64)),
        ),
        (
            "Size",
            format!(
                "{} keys, {}, {:.0} ms",
                s.last_keys,
                format::bytes(s.last_size_bytes),
                s.last_duration_seconds * 1000.0
            ),
        ),
        ("Attempts / fails", format!("{} / {}", s.attempts, s.failures)),
    ])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::commands::top::state::tests::fed;
    use crate::commands::top::ui::tests::screen;

    #[test]
    fn the_overview_shows_capacity_keys_rates_ha_and_the_snapshot() {
        let text = screen(&fed(), 120, 40);
        for expected in [
            "Capacity per tier",
            "memory  3.62 MiB / 96.00 MiB  (3.8%)",
            "Keys      16  (soft-pinned 0, leased 1, being written 0)",
            "Clients   20",
            "Segments  2",
            "Requests 17.00/s (all operations but ping)",
            "Errors 2.00/s",
            "Role              leader",
            "State             serving",
            "Leader            127.0.0.1:19551",
            "Standbys in sync  1",
            "Leases granted     1  (0.00/s)",
            "Get hits / misses  1 / 3",
            "20261123_170514_786",
            "Taken             5m 0s ago",
            "11 keys, 1.45 KiB, 12 ms",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        // Tiers without capacity are not drawn, nor a total for a single tier.
        assert!(!text.contains("cxl") && !text.contains("total  "), "{text}");
    }
}
