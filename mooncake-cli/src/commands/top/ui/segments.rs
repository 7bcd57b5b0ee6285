//! The segments view: every mounted segment with its use, sorted by the chosen column.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Row, Table};

use super::{format, panel};
use crate::commands::top::state::{Dashboard, SortColumn};

/// Width of the text bar in the use column.
const BAR: usize = 20;

fn bar(percent: f64) -> String {
    let filled = ((percent / 100.0) * BAR as f64).round().clamp(0.0, BAR as f64) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR - filled))
}

pub fn draw(frame: &mut Frame, area: Rect, dashboard: &Dashboard) {
    let arrow = if dashboard.reverse { "▼" } else { "▲" };
    let header_cell = |column: SortColumn, title: &str| {
        if column == dashboard.sort {
            Cell::from(format!("{title} {arrow}")).style(Style::default().fg(Color::Yellow))
        } else {
            Cell::from(title.to_owned())
        }
    };
    let header = Row::new(vec![
        header_cell(SortColumn::Name, "Segment"),
        header_cell(SortColumn::Used, "Used"),
        header_cell(SortColumn::Capacity, "Capacity"),
        header_cell(SortColumn::UsedPercent, "Use%"),
        Cell::from(""),
    ])
    .style(Style::default().add_modifier(Modifier::BOLD));
    let segments = dashboard.sorted_segments();
    let rows: Vec<Row> = segments
        .iter()
        .map(|s| {
            let used = s.used_percent();
            Row::new(vec![
                Cell::from(s.name.clone()),
                Cell::from(format::bytes(s.used_bytes)),
                Cell::from(format::bytes(s.capacity_bytes)),
                Cell::from(format!("{used:.1}%")),
                Cell::from(bar(used)),
            ])
        })
        .collect();
    let title = format!(
        "Segments: {}, sorted by {} {arrow} (s: column, r: reverse)",
        segments.len(),
        dashboard.sort.title()
    );
    let table = Table::new(
        rows,
        [
            Constraint::Min(24),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(BAR as u16),
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

    /// The segment names in screen order.
    fn order(text: &str) -> Vec<&str> {
        text.lines()
            .filter_map(|l| l.trim_start_matches('│').split_whitespace().next())
            .filter(|w| w.starts_with("127.0.0.1:"))
            .collect()
    }

    #[test]
    fn the_segments_table_lists_use_and_sorts_by_the_chosen_column() {
        let mut dashboard = fed();
        dashboard.handle(Action::Show(View::Segments));
        let text = screen(&dashboard, 120, 30);
        assert!(
            text.contains("Segments: 2, sorted by name ▲ (s: column, r: reverse)"),
            "{text}"
        );
        assert!(text.contains("Segment ▲"), "{text}");
        let first = text.lines().find(|l| l.contains("127.0.0.1:35397")).unwrap();
        assert!(
            first.contains("1.81 MiB") && first.contains("64.00 MiB") && first.contains("2.8%"),
            "{first}"
        );
        let second = text.lines().find(|l| l.contains("127.0.0.1:41227")).unwrap();
        assert!(
            second.contains("32.00 MiB") && second.contains("5.7%"),
            "{second}"
        );
        assert_eq!(order(&text), ["127.0.0.1:35397", "127.0.0.1:41227"]);

        dashboard.handle(Action::CycleSort);
        dashboard.handle(Action::CycleSort);
        let text = screen(&dashboard, 120, 30);
        assert!(text.contains("sorted by capacity ▲"), "{text}");
        assert!(text.contains("Capacity ▲"), "{text}");
        assert_eq!(order(&text), ["127.0.0.1:41227", "127.0.0.1:35397"]);

        dashboard.handle(Action::ReverseSort);
        let text = screen(&dashboard, 120, 30);
        assert!(text.contains("sorted by capacity ▼"), "{text}");
        assert_eq!(order(&text), ["127.0.0.1:35397", "127.0.0.1:41227"]);
    }
}
