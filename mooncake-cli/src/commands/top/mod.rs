//! `mooncake top`: a live dashboard of a cluster from the master's admin HTTP.
//!
//! Split by concern: [`fetch`] polls `/metrics` and `/health`; [`metrics`] and [`health`] parse them;
//! [`rates`] turns counter deltas into per-second rates; [`state`] holds the data, history and the
//! operator's choices; [`ui`] draws it (pure functions, tested on ratatui's `TestBackend`); [`input`]
//! maps keys; [`terminal`] owns raw mode and the alternate screen and restores them on exit and panic.
//! Fetching runs on a tokio task and hands polls over a channel, so a slow master never blocks keys.

pub mod fetch;
pub mod health;
pub mod input;
pub mod metrics;
pub mod rates;
pub mod state;
pub mod terminal;
pub mod ui;

#[cfg(test)]
mod fixtures;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use crossterm::event::{self, Event};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use self::fetch::Fetcher;
use self::state::Dashboard;
use self::terminal::TerminalGuard;
use self::ui::Clock;
use crate::cli::GlobalArgs;
use crate::exit::Exit;

/// `mooncake top`.
#[derive(Args, Debug)]
pub struct TopArgs {
    /// How often to poll the master: 1s, 500ms, 2.5s (a plain number is seconds; at least 50ms)
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_interval)]
    pub interval: Duration,

    /// Print one frame as text on stdout and exit, instead of the interactive dashboard
    ///
    /// Polls twice, --interval apart, so rates are filled in. Works without a terminal (scripts,
    /// logs); exit status 2 when the master does not answer.
    #[arg(long)]
    pub once: bool,
}

/// Parses `--interval`: a humantime duration or a number of seconds, at least 50 ms.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text} is too long an interval"))?
        }
        Ok(_) => return Err(format!("not a duration: {text}")),
        Err(_) => humantime::parse_duration(text).map_err(|e| format!("not a duration ({e}): {text}"))?,
    };
    if interval < Duration::from_millis(50) {
        return Err(format!("{text} is too short: poll at most every 50ms"));
    }
    Ok(interval)
}

/// How long one request may take: one interval, but at least 1 s and at most 10 s.
fn request_timeout(interval: Duration) -> Duration {
    interval.clamp(Duration::from_secs(1), Duration::from_secs(10))
}

/// Set (to anything) to make the dashboard panic after its first frame; tests use it to check that a
/// panic restores the terminal.
const PANIC_TEST_ENV: &str = "MOONCAKE_TOP_TEST_PANIC";

/// Runs `mooncake top`.
pub fn run(args: TopArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let on_a_terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !args.once && !on_a_terminal {
        eprintln!(
            "error: mooncake top needs a terminal (stdin and stdout must be a TTY); run it in a terminal, \
             or use `mooncake top --once` to print one frame as text"
        );
        return Ok(Exit::Error.into());
    }
    let runtime = super::runtime()?;
    let fetcher = Fetcher::new(&global.admin, request_timeout(args.interval))?;
    let mut dashboard = Dashboard::new(global.admin.trim_end_matches('/'), args.interval);
    if args.once {
        return once(&runtime, &fetcher, &mut dashboard);
    }
    // SIGTERM/SIGHUP end the dashboard like `q` does, so the terminal is restored (Ctrl-C arrives as a
    // key in raw mode).
    let stop = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let _entered = runtime.enter();
        let mut terminate = signal(SignalKind::terminate()).context("listen for SIGTERM")?;
        let mut hangup = signal(SignalKind::hangup()).context("listen for SIGHUP")?;
        let stop = stop.clone();
        runtime.spawn(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = hangup.recv() => {}
            }
            stop.store(true, Ordering::Relaxed);
        });
    }
    let (sender, polls) = mpsc::channel();
    let interval = args.interval;
    runtime.spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if sender.send(fetcher.poll().await).is_err() {
                break;
            }
        }
    });
    let result = interactive(&mut dashboard, &polls, &stop);
    runtime.shutdown_background();
    result.map(|()| ExitCode::SUCCESS)
}

/// The dashboard until the operator quits. Redraws every 100 ms (ages tick) and on every key.
fn interactive(
    dashboard: &mut Dashboard,
    polls: &mpsc::Receiver<Result<state::Poll, state::PollError>>,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    // Test hook: panic after the first frame, to check that a panic gives the terminal back.
    let panic_after_first_frame = std::env::var_os(PANIC_TEST_ENV).is_some();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        while let Ok(outcome) = polls.try_recv() {
            dashboard.apply(outcome);
        }
        guard
            .terminal
            .draw(|frame| ui::draw(frame, dashboard, Clock::now()))
            .context("draw the dashboard")?;
        if panic_after_first_frame {
            panic!("{PANIC_TEST_ENV} is set: panicking after the first frame");
        }
        if event::poll(Duration::from_millis(100)).context("read the keyboard")?
            && let Event::Key(key) = event::read().context("read the keyboard")?
            && !dashboard.handle(input::action(key))
        {
            return Ok(());
        }
    }
}

/// `--once`: two polls, one frame printed as text.
fn once(
    runtime: &tokio::runtime::Runtime,
    fetcher: &Fetcher,
    dashboard: &mut Dashboard,
) -> anyhow::Result<ExitCode> {
    let first = runtime.block_on(fetcher.poll());
    let failed_at_once = first.is_err();
    dashboard.apply(first);
    if !failed_at_once {
        std::thread::sleep(dashboard.interval);
        dashboard.apply(runtime.block_on(fetcher.poll()));
    }
    let (width, height) = crossterm::terminal::size()
        .ok()
        .filter(|&(w, h)| w >= 40 && h >= 10 && std::io::stdout().is_terminal())
        .unwrap_or((120, 40));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).context("set up the frame")?;
    terminal
        .draw(|frame| ui::draw(frame, dashboard, Clock::now()))
        .context("draw the frame")?;
    print!("{}", ui::buffer_text(terminal.backend().buffer()));
    if let Some(error) = &dashboard.error {
        eprintln!("error: cannot read the master's metrics: {}", error.message);
        return Ok(Exit::Error.into());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn intervals_take_durations_or_seconds() {
        assert_eq!(parse_interval("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_interval("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_interval("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_interval("10ms").unwrap_err().contains("at most every 50ms"));
        assert!(parse_interval("soon").is_err());
        assert!(parse_interval("1e20").unwrap_err().contains("too long"));
    }
}
