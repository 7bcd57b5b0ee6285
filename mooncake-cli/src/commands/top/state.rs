//! The dashboard's state: the last good scrape, the rates since the one before, a short history for
//! the sparklines, the current error, and what the operator chose (view, sort order, help).
//! Pure: fed [`Poll`] outcomes and [`Action`]s, read by the render functions.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::health::Health;
use super::input::Action;
use super::metrics::{Metrics, SegmentUsage};
use super::rates::Rates;

/// How many polls the sparklines remember.
pub const HISTORY: usize = 120;

/// One good answer from the master.
#[derive(Clone, Debug)]
pub struct Poll {
    pub at: Instant,
    pub metrics: Metrics,
    /// `None` when `/health` failed while `/metrics` answered.
    pub health: Option<Health>,
}

/// A poll that failed: the master is unreachable or answered something unusable.
#[derive(Clone, Debug)]
pub struct PollError {
    pub at: Instant,
    /// The error with its causes, as the operator reads it.
    pub message: String,
}

/// The views, switched with 1/2/3 and Tab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Overview,
    Segments,
    Requests,
}

impl View {
    pub const ALL: [View; 3] = [View::Overview, View::Segments, View::Requests];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Segments => "Segments",
            View::Requests => "Requests",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn step(self, by: isize) -> Self {
        let n = Self::ALL.len() as isize;
        Self::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

/// The column the segments table is sorted by; `s` cycles through them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortColumn {
    #[default]
    Name,
    Used,
    Capacity,
    UsedPercent,
}

impl SortColumn {
    pub fn title(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Used => "used",
            SortColumn::Capacity => "capacity",
            SortColumn::UsedPercent => "use%",
        }
    }

    fn next(self) -> Self {
        match self {
            SortColumn::Name => SortColumn::Used,
            SortColumn::Used => SortColumn::Capacity,
            SortColumn::Capacity => SortColumn::UsedPercent,
            SortColumn::UsedPercent => SortColumn::Name,
        }
    }
}

/// Recent values for the sparklines, oldest first.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Requests per second (all operations but ping), in hundredths.
    pub requests: VecDeque<u64>,
    /// Failed requests per second, in hundredths.
    pub failures: VecDeque<u64>,
    /// Bytes used across tiers.
    pub used_bytes: VecDeque<u64>,
}

fn push(series: &mut VecDeque<u64>, value: u64) {
    if series.len() == HISTORY {
        series.pop_front();
    }
    series.push_back(value);
}

fn hundredths(per_second: f64) -> u64 {
    (per_second * 100.0).round().max(0.0) as u64
}

/// Everything the render functions draw.
#[derive(Clone, Debug)]
pub struct Dashboard {
    /// The admin base URL polled.
    pub admin: String,
    pub interval: Duration,
    pub view: View,
    pub sort: SortColumn,
    pub reverse: bool,
    pub show_help: bool,
    pub latest: Option<Poll>,
    /// Between the last two good polls.
    pub rates: Option<Rates>,
    pub history: History,
    /// Set while the master does not answer; cleared by the next good poll.
    pub error: Option<PollError>,
    /// Failed polls in a row.
    pub failures_in_a_row: u32,
}

impl Dashboard {
    pub fn new(admin: impl Into<String>, interval: Duration) -> Self {
        Self {
            admin: admin.into(),
            interval,
            view: View::default(),
            sort: SortColumn::default(),
            reverse: false,
            show_help: false,
            latest: None,
            rates: None,
            history: History::default(),
            error: None,
            failures_in_a_row: 0,
        }
    }

    /// Takes a poll's outcome: a good one replaces the data and extends the history; an error keeps
    /// the last good data (drawn greyed) under a banner.
    pub fn apply(&mut self, outcome: Result<Poll, PollError>) {
        match outcome {
            Ok(poll) => {
                if let Some(previous) = &self.latest {
                    let elapsed = poll.at.saturating_duration_since(previous.at);
                    let rates = Rates::between(&previous.metrics, &poll.metrics, elapsed);
                    push(&mut self.history.requests, hundredths(rates.requests_per_s));
                    push(&mut self.history.failures, hundredths(rates.failures_per_s));
                    self.rates = Some(rates);
                }
                push(&mut self.history.used_bytes, poll.metrics.allocated_bytes);
                self.latest = Some(poll);
                self.error = None;
                self.failures_in_a_row = 0;
            }
            Err(error) => {
                self.error = Some(error);
                self.failures_in_a_row += 1;
            }
        }
    }

    /// Applies a key's action; returns `false` when the operator asked to quit.
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => return false,
            Action::Show(view) => self.view = view,
            Action::NextView => self.view = self.view.step(1),
            Action::PreviousView => self.view = self.view.step(-1),
            Action::CycleSort => self.sort = self.sort.next(),
            Action::ReverseSort => self.reverse = !self.reverse,
            Action::ToggleHelp => self.show_help = !self.show_help,
            Action::None => {}
        }
        true
    }

    /// The segments of the last good poll in the chosen order (ties broken by name).
    pub fn sorted_segments(&self) -> Vec<&SegmentUsage> {
        let Some(poll) = &self.latest else {
            return Vec::new();
        };
        let mut segments: Vec<&SegmentUsage> = poll.metrics.segments.iter().collect();
        segments.sort_by(|a, b| {
            let primary = match self.sort {
                SortColumn::Name => std::cmp::Ordering::Equal,
                SortColumn::Used => a.used_bytes.cmp(&b.used_bytes),
                SortColumn::Capacity => a.capacity_bytes.cmp(&b.capacity_bytes),
                SortColumn::UsedPercent => a.used_percent().total_cmp(&b.used_percent()),
            };
            primary.then_with(|| a.name.cmp(&b.name))
        });
        if self.reverse {
            segments.reverse();
        }
        segments
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::commands::top::fixtures;

    /// A dashboard fed the two leader scrapes, one second apart.
    pub(crate) fn fed() -> Dashboard {
        let start = Instant::now();
        let mut dashboard = Dashboard::new("http://127.0.0.1:9003", Duration::from_secs(1));
        for (at, text) in [(0, fixtures::LEADER_METRICS_1), (1, fixtures::LEADER_METRICS_2)] {
            dashboard.apply(Ok(Poll {
                at: start + Duration::from_secs(at),
                metrics: Metrics::parse(text).unwrap(),
                health: Some(Health::parse(fixtures::LEADER_HEALTH).unwrap()),
            }));
        }
        dashboard
    }

    fn names(dashboard: &Dashboard) -> Vec<&str> {
        dashboard
            .sorted_segments()
            .iter()
            .map(|s| s.name.as_str())
            .collect()
    }

    #[test]
    fn two_polls_give_rates_and_history() {
        let dashboard = fed();
        let rates = dashboard.rates.as_ref().unwrap();
        assert_eq!(rates.requests_per_s, 17.0);
        assert_eq!(dashboard.history.requests, [1700]);
        assert_eq!(dashboard.history.failures, [200]);
        assert_eq!(dashboard.history.used_bytes, [3_300_000, 3_800_000]);
    }

    #[test]
    fn an_error_keeps_the_last_good_data_until_the_next_good_poll() {
        let mut dashboard = fed();
        dashboard.apply(Err(PollError {
            at: Instant::now(),
            message: "connection refused".into(),
        }));
        assert!(dashboard.error.is_some());
        assert_eq!(dashboard.latest.as_ref().unwrap().metrics.keys, 16);
        assert_eq!(dashboard.failures_in_a_row, 1);
        dashboard.apply(Ok(Poll {
            at: Instant::now() + Duration::from_secs(5),
            metrics: Metrics::parse(fixtures::LEADER_METRICS_2).unwrap(),
            health: None,
        }));
        assert!(dashboard.error.is_none());
        assert_eq!(dashboard.failures_in_a_row, 0);
    }

    #[test]
    fn s_cycles_the_sort_column_and_r_reverses() {
        let mut dashboard = fed();
        // 127.0.0.1:35397 is 64 MiB with 1.9 MB used; 127.0.0.1:41227 is 32 MiB with 1.9 MB used.
        assert_eq!(names(&dashboard), ["127.0.0.1:35397", "127.0.0.1:41227"]);
        dashboard.handle(Action::CycleSort);
        assert_eq!(dashboard.sort, SortColumn::Used);
        dashboard.handle(Action::CycleSort);
        assert_eq!(dashboard.sort, SortColumn::Capacity);
        assert_eq!(names(&dashboard), ["127.0.0.1:41227", "127.0.0.1:35397"]);
        dashboard.handle(Action::ReverseSort);
        assert_eq!(names(&dashboard), ["127.0.0.1:35397", "127.0.0.1:41227"]);
        dashboard.handle(Action::CycleSort);
        assert_eq!(dashboard.sort, SortColumn::UsedPercent);
        assert_eq!(names(&dashboard), ["127.0.0.1:41227", "127.0.0.1:35397"]);
        dashboard.handle(Action::CycleSort);
        assert_eq!(dashboard.sort, SortColumn::Name);
    }

    #[test]
    fn views_switch_by_number_and_tab_and_q_quits() {
        let mut dashboard = fed();
        assert!(dashboard.handle(Action::Show(View::Requests)));
        assert_eq!(dashboard.view, View::Requests);
        dashboard.handle(Action::NextView);
        assert_eq!(dashboard.view, View::Overview);
        dashboard.handle(Action::PreviousView);
        assert_eq!(dashboard.view, View::Requests);
        assert!(!dashboard.handle(Action::Quit));
    }
}
