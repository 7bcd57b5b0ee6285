//! How client-side commands print: tables for people (comfy-table), one JSON document for scripts,
//! and `error:`/`hint:` lines on stderr.

use std::process::ExitCode;

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, ContentArrangement, Table};
use mooncake_proto::{ErrorCode, ErrorCodeExt};
use serde::Serialize;

use crate::exit::Exit;

/// A borderless, left-aligned table with a header row.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<Cell>,
{
    let mut table = Table::new();
    table
        .load_preset(NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    table
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// `512 B`, `16 MiB`, `1.50 GiB`.
pub fn human_size(bytes: u64) -> String {
    mooncake_master::config::ByteSize(bytes).to_string()
}

/// `NAME -704`, as printed next to an error.
pub fn code_label(code: ErrorCode) -> String {
    format!("{} {}", code.name(), code as i32)
}

/// Prints `error: {message}` and `hint: {hint}` (when there is one) on stderr and returns `exit`.
pub fn fail(exit: Exit, message: impl std::fmt::Display, hint: Option<&str>) -> ExitCode {
    eprintln!("error: {message}");
    if let Some(hint) = hint.filter(|h| !h.is_empty()) {
        eprintln!("hint: {hint}");
    }
    exit.into()
}

/// Prints a master error code as `error: {what} (NAME -N)` plus the code's hint; `exit` 1 for "not
/// found" answers, 2 otherwise.
pub fn fail_code(what: impl std::fmt::Display, code: ErrorCode) -> ExitCode {
    let exit = match code {
        ErrorCode::ObjectNotFound | ErrorCode::SegmentNotFound => Exit::Failure,
        _ => Exit::Error,
    };
    fail(
        exit,
        format_args!("{what} ({})", code_label(code)),
        Some(code.hint()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_codes_read_well() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(16 << 20), "16 MiB");
        assert_eq!(code_label(ErrorCode::ObjectNotFound), "OBJECT_NOT_FOUND -704");
    }
}
