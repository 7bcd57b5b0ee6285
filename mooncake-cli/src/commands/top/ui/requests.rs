//! The requests view: per-operation request and error rates, mean latency and totals.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Row, Table};

use super::{format, panel};
use crate::commands::top::rates::OpRate;
use crate::commands::top::state::Dashboard;

pub fn draw(frame: &mut Frame, area: Rect, dashboard: &Dashboard) {
    let Some(poll) = &dashboard.latest else {
        return;
    };
    let rate_of =
        |op: &str| -> Option<OpRate> { dashboard.rates.as_ref().and_then(|r| r.ops.get(op).copied()) };
    // Operations ever called, busiest first.
    let mut ops: Vec<(&String, _, Option<OpRate>)> = poll
        .metrics
        .ops
        .iter()
        .filter(|(_, c)| c.requests > 0)
        .map(|(op, c)| (op, *c, rate_of(op)))
        .collect();
    ops.sort_by(|a, b| {
        let rate = |x: &Option<OpRate>| x.map_or(0.0, |r| r.requests_per_s);
        rate(&b.2)
            .total_cmp(&rate(&a.2))
            .then(b.1.requests.cmp(&a.1.requests))
            .then(a.0.cmp(b.0))
    });
    let idle = poll.metrics.ops.len() - ops.len();
    let dash = || "–".to_owned();
    let rows: Vec<Row> = ops
        .iter()
        .map(|(op, counters, rate)| {
            let failing = rate.is_some_and(|r| r.failures_per_s > 0.0);
            let row = Row::new(vec![
                Cell::from((*op).clone()),
                Cell::from(rate.map_or_else(dash, |r| format::rate(r.requests_per_s))),
                Cell::from(rate.map_or_else(dash, |r| format::rate(r.failures_per_s))),
                Cell::from(
                    rate.and_then(|r| r.mean_latency)
                        .map_or_else(dash, format::latency),
                ),
                Cell::from(counters.requests.to_string()),
                Cell::from(counters.failures.to_string()),
            ]);
            if failing {
                row.style(Style::default().fg(Color::Red))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(["Operation", "Requests", "Errors", "Mean time", "Total", "Failed"])
        .style(Style::default().add_modifier(Modifier::BOLD));
    let over = dashboard.rates.as_ref().map_or_else(
        || "waiting for a second poll".to_owned(),
        |r| format!("over the last {}", format::age(r.elapsed)),
    );
    let title = format!("Requests per operation, per second {over} ({idle} never called, hidden)");
    let table = Table::new(
        rows,
        [
            Constraint::Min(24),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .block(panel(&title));
    frame.render_widget(table, area);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::commands::top::input::Action;
    use crate::commands::top::state::View;
    use crate::commands::top::state::tests::fed;
    use crate::commands::top::ui::tests::screen;

    #[test]
    fn the_requests_view_lists_rates_per_operation_busiest_first() {
        let mut dashboard = fed();
        dashboard.handle(Action::Show(View::Requests));
        let text = screen(&dashboard, 120, 30);
        assert!(
            text.contains("Requests per operation, per second over the last 1s"),
            "{text}"
        );
        let row = |op: &str| {
            text.lines()
                .map(|l| l.trim_matches('│').split_whitespace().collect::<Vec<_>>())
                .find(|cells| cells.first() == Some(&op))
                .unwrap_or_else(|| panic!("no row for {op} in:\n{text}"))
        };
        let get = row("get_replica_list");
        assert_eq!(get[1..3], ["2.00/s", "2.00/s"], "{get:?}");
        assert_eq!(get[get.len() - 2..], ["4", "3"], "{get:?}");
        let ping = row("ping");
        assert_eq!(ping[1], "9.00/s", "{ping:?}");
        let put_start = row("put_start");
        assert_eq!(put_start[1..3], ["5.00/s", "0.00/s"], "{put_start:?}");
        // Busiest first: ping (9/s) above put_start (5/s) above get_replica_list (2/s); never-called hidden.
        let position = |op: &str| text.find(&format!("│{op} ")).unwrap();
        assert!(position("ping") < position("put_start"));
        assert!(position("put_start") < position("get_replica_list"));
        assert!(!text.contains("batch_put_start"), "{text}");
    }
}
