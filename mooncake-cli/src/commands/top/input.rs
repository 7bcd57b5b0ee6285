//! Keys of `mooncake top` and what they do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::state::View;

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Show(View),
    NextView,
    PreviousView,
    CycleSort,
    ReverseSort,
    ToggleHelp,
    None,
}

/// The short key help shown at the bottom of every view.
pub const KEY_HELP: &str = "1 overview  2 segments  3 requests  Tab next  s sort  r reverse  ? help  q quit";

/// The action of a key press (releases and repeats of other kinds do nothing).
pub fn action(key: KeyEvent) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c' | 'C') => Action::Quit,
            _ => Action::None,
        };
    }
    match key.code {
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Action::Quit,
        KeyCode::Char('1') => Action::Show(View::Overview),
        KeyCode::Char('2') => Action::Show(View::Segments),
        KeyCode::Char('3') => Action::Show(View::Requests),
        KeyCode::Tab | KeyCode::Right => Action::NextView,
        KeyCode::BackTab | KeyCode::Left => Action::PreviousView,
        KeyCode::Char('s' | 'S') => Action::CycleSort,
        KeyCode::Char('r' | 'R') => Action::ReverseSort,
        KeyCode::Char('?' | 'h') => Action::ToggleHelp,
        _ => Action::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(action(key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(action(key(KeyCode::Esc)), Action::Quit);
        assert_eq!(
            action(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Action::Quit
        );
        assert_eq!(action(key(KeyCode::Char('c'))), Action::None);
        assert_eq!(action(key(KeyCode::Char('2'))), Action::Show(View::Segments));
        assert_eq!(action(key(KeyCode::Tab)), Action::NextView);
        assert_eq!(action(key(KeyCode::BackTab)), Action::PreviousView);
        assert_eq!(action(key(KeyCode::Char('s'))), Action::CycleSort);
        assert_eq!(action(key(KeyCode::Char('r'))), Action::ReverseSort);
        assert_eq!(action(key(KeyCode::Char('?'))), Action::ToggleHelp);
    }
}
