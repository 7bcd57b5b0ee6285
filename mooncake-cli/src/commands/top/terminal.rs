//! The terminal while `mooncake top` runs: raw mode and the alternate screen, restored when the guard
//! drops (normal exit, error) and by a panic hook before the panic message prints.

use std::io::{Stdout, stdout};
use std::sync::Once;

use anyhow::Context;
use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Owns the terminal; dropping it gives the terminal back as it was.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

/// Leaves the alternate screen, ends raw mode and shows the cursor. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// Chains a panic hook that restores the terminal first, so the panic message lands on the normal
/// screen in cooked mode instead of vanishing with the alternate screen.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

impl TerminalGuard {
    /// Switches to the alternate screen in raw mode.
    pub fn enter() -> anyhow::Result<Self> {
        install_panic_hook();
        enable_raw_mode().context("put the terminal in raw mode")?;
        let guard = Self::after_raw_mode()?;
        Ok(guard)
    }

    fn after_raw_mode() -> anyhow::Result<Self> {
        let entered = execute!(stdout(), EnterAlternateScreen).context("enter the alternate screen");
        let terminal = entered
            .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())).context("set up the terminal"));
        terminal
            .map(|terminal| Self { terminal })
            .inspect_err(|_| restore())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
