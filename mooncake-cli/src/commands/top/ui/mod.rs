//! Drawing the dashboard: pure functions from [`Dashboard`] to a ratatui frame. The frame is a title
//! line, the view tabs, an error banner while the master does not answer, the chosen view (greyed
//! when it shows old data), and the key help.

mod format;
mod overview;
mod requests;
mod segments;

use std::time::{Instant, SystemTime};

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Tabs, Wrap};

use super::input::KEY_HELP;
use super::state::{Dashboard, View};

pub use format::interval as format_interval;

/// The moment a frame is drawn for: ages ("updated 1s ago", "last snapshot 5m ago") are measured
/// from it, so tests draw at fixed times.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub now: Instant,
    pub wall: SystemTime,
}

impl Clock {
    pub fn now() -> Self {
        Self {
            now: Instant::now(),
            wall: SystemTime::now(),
        }
    }
}

/// Extra help shown with `?`.
const LONG_HELP: [&str; 3] = [
    "Rates are per second between two polls; requests/s counts every operation but ping (node heartbeats).",
    "Data comes from the master's /metrics and /health at --admin, polled every --interval.",
    "Segments: s cycles the sort column (name, used, capacity, use%), r reverses. Greyed = old data.",
];

/// Draws the whole dashboard.
pub fn draw(frame: &mut Frame, dashboard: &Dashboard, clock: Clock) {
    let banner_height = if dashboard.error.is_some() { 5 } else { 0 };
    let help_height = if dashboard.show_help {
        LONG_HELP.len() as u16 + 2
    } else {
        0
    };
    let [title, tabs, banner, body, help, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(banner_height),
        Constraint::Min(0),
        Constraint::Length(help_height),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(title_line(dashboard, clock), title);
    frame.render_widget(view_tabs(dashboard.view), tabs);
    if dashboard.error.is_some() {
        frame.render_widget(error_banner(dashboard, clock), banner);
    }
    match &dashboard.latest {
        None => frame.render_widget(waiting(dashboard), body),
        Some(_) => match dashboard.view {
            View::Overview => overview::draw(frame, body, dashboard, clock),
            View::Segments => segments::draw(frame, body, dashboard),
            View::Requests => requests::draw(frame, body, dashboard),
        },
    }
    if dashboard.error.is_some() && dashboard.latest.is_some() {
        frame
            .buffer_mut()
            .set_style(body, Style::default().fg(Color::DarkGray).bg(Color::Reset));
    }
    if dashboard.show_help {
        let lines: Vec<Line> = LONG_HELP.iter().map(|l| Line::raw(*l)).collect();
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(" Help "))
                .wrap(Wrap { trim: true }),
            help,
        );
    }
    frame.render_widget(
        Paragraph::new(KEY_HELP).style(Style::default().add_modifier(Modifier::REVERSED)),
        footer,
    );
}

fn title_line(dashboard: &Dashboard, clock: Clock) -> Paragraph<'static> {
    let mut spans = vec![
        Span::styled("mooncake top", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!("  {}", dashboard.admin)),
    ];
    if let Some(poll) = &dashboard.latest {
        let role = poll.health.as_ref().and_then(|h| h.role.clone()).or_else(|| {
            poll.metrics
                .ha
                .as_ref()
                .map(|ha| if ha.is_leader { "leader" } else { "standby" }.into())
        });
        if let Some(role) = role {
            spans.push(Span::raw(format!("  {role}")));
        }
        spans.push(Span::raw(format!(
            "  updated {} ago",
            format::age(clock.now.saturating_duration_since(poll.at))
        )));
    }
    spans.push(Span::raw(format!(
        "  every {}",
        format::interval(dashboard.interval)
    )));
    Paragraph::new(Line::from(spans))
}

fn view_tabs(view: View) -> Tabs<'static> {
    let titles: Vec<String> = View::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{} {}", i + 1, v.title()))
        .collect();
    let selected = View::ALL.iter().position(|v| *v == view).unwrap_or(0);
    Tabs::new(titles)
        .select(selected)
        .highlight_style(Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD))
}

fn error_banner(dashboard: &Dashboard, clock: Clock) -> Paragraph<'static> {
    let Some(error) = &dashboard.error else {
        return Paragraph::default();
    };
    let stale = match &dashboard.latest {
        Some(poll) => format!(
            "showing the last good data, from {} ago (greyed)",
            format::age(clock.now.saturating_duration_since(poll.at))
        ),
        None => "no data yet".to_owned(),
    };
    let retry = format!(
        "retrying every {} ({} failed in a row); {stale}",
        format::interval(dashboard.interval),
        dashboard.failures_in_a_row
    );
    let style = Style::default().fg(Color::White).bg(Color::Red);
    Paragraph::new(vec![Line::raw(error.message.clone()), Line::raw(retry)])
        .style(style)
        .wrap(Wrap { trim: true })
        .block(
            Block::bordered()
                .title(format!(" master unreachable at {} ", dashboard.admin))
                .style(style.add_modifier(Modifier::BOLD)),
        )
}

fn waiting(dashboard: &Dashboard) -> Paragraph<'static> {
    Paragraph::new(format!("waiting for the first answer from {} …", dashboard.admin))
        .block(Block::bordered())
}

/// A block for a panel, titled.
fn panel(title: &str) -> Block<'static> {
    Block::bordered().title(format!(" {title} "))
}

/// Lines of label-value pairs, labels padded to one width.
fn pairs(rows: Vec<(&str, String)>) -> Vec<Line<'static>> {
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    rows.into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!("{label:<width$}  "), Style::default().fg(Color::Cyan)),
                Span::raw(value),
            ])
        })
        .collect()
}

/// A rectangle split into `n` equal columns.
fn columns<const N: usize>(area: Rect) -> [Rect; N] {
    Layout::horizontal([Constraint::Ratio(1, N as u32); N]).areas(area)
}

/// The buffer as text, one line per row with trailing blanks trimmed: what a terminal would show.
pub fn buffer_text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width.max(1));
    buffer
        .content
        .chunks(width)
        .map(|row| {
            let line: String = row.iter().map(|cell| cell.symbol()).collect();
            format!("{}\n", line.trim_end())
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use std::time::Duration;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::commands::top::input::Action;
    use crate::commands::top::state::PollError;
    use crate::commands::top::state::tests::fed;

    /// Draws `dashboard` on a `width`×`height` test terminal, 2 s after its last poll.
    pub(crate) fn screen(dashboard: &Dashboard, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let at = dashboard.latest.as_ref().map_or_else(Instant::now, |p| p.at) + Duration::from_secs(2);
        let clock = Clock {
            now: at,
            wall: SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_453_514_786 + 300_000),
        };
        terminal.draw(|frame| draw(frame, dashboard, clock)).unwrap();
        buffer_text(terminal.backend().buffer())
    }

    #[test]
    fn the_frame_has_the_title_tabs_and_key_help() {
        let text = screen(&fed(), 120, 40);
        assert!(
            text.contains("mooncake top  http://127.0.0.1:9003  leader  updated 2s ago  every 1s"),
            "{text}"
        );
        assert!(text.contains("1 Overview"), "{text}");
        assert!(text.contains("2 Segments"), "{text}");
        assert!(text.contains("3 Requests"), "{text}");
        assert!(text.contains(KEY_HELP), "{text}");
    }

    #[test]
    fn question_mark_shows_the_long_help() {
        let mut dashboard = fed();
        assert!(!screen(&dashboard, 120, 40).contains("node heartbeats"));
        dashboard.handle(Action::ToggleHelp);
        let text = screen(&dashboard, 120, 40);
        assert!(
            text.contains("every operation but ping (node heartbeats)"),
            "{text}"
        );
    }

    #[test]
    fn an_unreachable_master_shows_a_banner_over_the_last_good_data() {
        let mut dashboard = fed();
        dashboard.apply(Err(PollError {
            at: Instant::now(),
            message: "GET http://127.0.0.1:9003/metrics: connection refused".into(),
        }));
        let text = screen(&dashboard, 120, 40);
        assert!(
            text.contains("master unreachable at http://127.0.0.1:9003"),
            "{text}"
        );
        assert!(
            text.contains("GET http://127.0.0.1:9003/metrics: connection refused"),
            "{text}"
        );
        assert!(text.contains("retrying every 1s (1 failed in a row)"), "{text}");
        assert!(
            text.contains("showing the last good data, from 2s ago (greyed)"),
            "{text}"
        );
        // The last good figures stay on screen.
        assert!(text.contains("Keys"), "{text}");
        assert!(text.contains("16"), "{text}");
    }

    #[test]
    fn an_unreachable_master_before_any_data_says_so() {
        let mut dashboard = Dashboard::new("http://127.0.0.1:1", Duration::from_millis(200));
        dashboard.apply(Err(PollError {
            at: Instant::now(),
            message: "GET http://127.0.0.1:1/metrics: connection refused".into(),
        }));
        let text = screen(&dashboard, 100, 20);
        assert!(
            text.contains("master unreachable at http://127.0.0.1:1"),
            "{text}"
        );
        assert!(
            text.contains("retrying every 200ms (1 failed in a row); no data yet"),
            "{text}"
        );
        assert!(
            text.contains("waiting for the first answer from http://127.0.0.1:1"),
            "{text}"
        );
    }
}
