//! The check model: one [`Check`] per thing looked at, with a [`Verdict`], the evidence and a fix hint.

use serde::Serialize;

use crate::exit::Exit;

/// What one check concluded, ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to look at here (no device, no port planned, nothing to compare with).
    Skip,
    /// Looks right.
    Pass,
    /// Works, but is a known cause of trouble or could not be verified.
    Warn,
    /// Will not work as configured.
    Fail,
}

impl Verdict {
    /// The label in the checklist.
    pub fn label(self) -> &'static str {
        match self {
            Self::Skip => "skip",
            Self::Pass => "ok",
            Self::Warn => "WARN",
            Self::Fail => "FAIL",
        }
    }
}

/// Which family of checks a check belongs to (`mooncake doctor <group>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    Rdma,
    Net,
    Cluster,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Self::Rdma => "rdma",
            Self::Net => "net",
            Self::Cluster => "cluster",
        }
    }
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub group: Group,
    /// A stable machine name, e.g. `rdma.port_active`, for scripts reading `--output json`.
    pub id: &'static str,
    /// What was checked, for people: `mlx5_0 port 1 state`.
    pub title: String,
    pub verdict: Verdict,
    /// What was seen: values read, addresses, answers.
    pub evidence: String,
    /// What to do about a warning or failure (or how to verify by hand when skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Check {
    pub fn new(
        group: Group,
        id: &'static str,
        title: impl Into<String>,
        verdict: Verdict,
        evidence: impl Into<String>,
    ) -> Self {
        Self {
            group,
            id,
            title: title.into(),
            verdict,
            evidence: evidence.into(),
            hint: None,
        }
    }

    /// Adds the fix hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Every check of one `mooncake doctor` run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

/// How many checks ended with each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
}

impl Report {
    pub fn extend(&mut self, checks: impl IntoIterator<Item = Check>) {
        self.checks.extend(checks);
    }

    /// The worst verdict, `Skip` when nothing was checked.
    pub fn worst(&self) -> Verdict {
        self.checks
            .iter()
            .map(|c| c.verdict)
            .max()
            .unwrap_or(Verdict::Skip)
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for check in &self.checks {
            match check.verdict {
                Verdict::Pass => summary.pass += 1,
                Verdict::Warn => summary.warn += 1,
                Verdict::Fail => summary.fail += 1,
                Verdict::Skip => summary.skip += 1,
            }
        }
        summary
    }

    /// The exit status: any failure is 1 ([`Exit::Failure`]); warnings are 0 unless `strict`, then 1.
    pub fn exit(&self, strict: bool) -> Exit {
        match self.worst() {
            Verdict::Fail => Exit::Failure,
            Verdict::Warn if strict => Exit::Failure,
            _ => Exit::Success,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(verdict: Verdict) -> Check {
        Check::new(Group::Net, "net.test", "t", verdict, "e")
    }

    #[test]
    fn exit_is_the_worst_verdict() {
        let mut report = Report::default();
        assert_eq!(report.exit(false), Exit::Success);
        report.extend([check(Verdict::Pass), check(Verdict::Skip)]);
        assert_eq!(report.exit(true), Exit::Success);
        report.extend([check(Verdict::Warn)]);
        assert_eq!(report.worst(), Verdict::Warn);
        assert_eq!(report.exit(false), Exit::Success);
        assert_eq!(report.exit(true), Exit::Failure);
        report.extend([check(Verdict::Fail)]);
        assert_eq!(report.exit(false), Exit::Failure);
        assert_eq!(
            report.summary(),
            Summary {
                pass: 1,
                warn: 1,
                fail: 1,
                skip: 1
            }
        );
    }
}
