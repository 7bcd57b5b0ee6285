//! How a doctor report prints: a checklist table with the fixes under it, or one JSON document.

use serde::Serialize;

use super::check::{Check, Report, Summary, Verdict};
use crate::output;

/// The `--output json` document.
#[derive(Serialize, Debug)]
pub struct JsonReport<'a> {
    /// Every check, in the order they ran.
    pub checks: &'a [Check],
    pub summary: Summary,
    /// The worst verdict (`skip` when nothing was checked).
    pub worst: Verdict,
    /// The process exit status this report gives.
    pub exit_code: u8,
}

/// The checklist: one row per check, then a numbered fix for every warning and failure.
pub fn table(report: &Report, strict: bool) -> String {
    let mut table = output::table(["", "GROUP", "CHECK", "EVIDENCE"]);
    let mut fixes = Vec::new();
    for check in &report.checks {
        let mut title = check.title.clone();
        if let Some(hint) = &check.hint
            && check.verdict >= Verdict::Warn
        {
            fixes.push((fixes.len() + 1, check, hint));
            title.push_str(&format!(" [{}]", fixes.len()));
        }
        table.add_row(vec![
            check.verdict.label().to_string(),
            check.group.name().to_string(),
            title,
            check.evidence.clone(),
        ]);
    }
    let mut text = table.to_string();
    text.push('\n');
    for (n, check, hint) in fixes {
        text.push_str(&format!(
            "\n[{n}] {} ({})\n    fix: {hint}\n",
            check.title,
            check.verdict.label()
        ));
    }
    let summary = report.summary();
    text.push_str(&format!(
        "\n{} passed, {} warnings, {} failed, {} skipped{}",
        summary.pass,
        summary.warn,
        summary.fail,
        summary.skip,
        if strict { " (--strict: warnings fail)" } else { "" }
    ));
    text
}

/// The JSON document of `report`.
pub fn json(report: &Report, strict: bool) -> JsonReport<'_> {
    JsonReport {
        checks: &report.checks,
        summary: report.summary(),
        worst: report.worst(),
        exit_code: report.exit(strict).code(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::commands::doctor::check::Group;

    #[test]
    fn fixes_are_numbered_under_the_table() {
        let report = Report {
            checks: vec![
                Check::new(Group::Net, "net.a", "first", Verdict::Pass, "fine"),
                Check::new(Group::Net, "net.b", "second", Verdict::Fail, "broken").hint("mend it"),
            ],
        };
        let text = table(&report, false);
        assert!(text.contains("second [1]"), "{text}");
        assert!(text.contains("[1] second (FAIL)\n    fix: mend it"), "{text}");
        assert!(
            text.ends_with("1 passed, 0 warnings, 1 failed, 0 skipped"),
            "{text}"
        );
        let doc = serde_json::to_value(json(&report, false)).unwrap();
        assert_eq!(doc["exit_code"], 1);
        assert_eq!(doc["worst"], "fail");
        assert_eq!(doc["checks"][1]["hint"], "mend it");
        assert!(doc["checks"][0].get("hint").is_none());
    }
}
