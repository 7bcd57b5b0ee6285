//! The TCP congestion control data connections will use: the host's default, what
//! `MC_TCP_CONGESTION` asks for, and whether loopback connections escape a pacing default (BBR).

use mooncake_engine::transport::tcp::congestion::{CONGESTION_ENV, Congestion, LOOPBACK_DEFAULT};

use super::check::{Check, Group, Verdict};

const TITLE: &str = "TCP congestion control of data connections";
const ID: &str = "net.tcp_congestion";
/// Congestion controls that pace every connection at their bandwidth estimate.
const PACING: &[&str] = &["bbr", "bbr2", "bbr3"];

/// What the check reads: the host's sysctls (`None` when unreadable) and the environment value.
#[derive(Clone, Debug, Default)]
pub struct HostCongestion {
    /// `net.ipv4.tcp_congestion_control`.
    pub default: Option<String>,
    /// `net.ipv4.tcp_available_congestion_control`.
    pub available: Option<String>,
    /// `MC_TCP_CONGESTION`.
    pub requested: Option<String>,
}

impl HostCongestion {
    /// Reads this host's sysctls and the environment through `env`.
    pub fn read(env: &impl Fn(&str) -> Option<String>) -> Self {
        let sysctl = |name: &str| {
            std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
                .ok()
                .map(|text| text.trim().to_owned())
        };
        Self {
            default: sysctl("tcp_congestion_control"),
            available: sysctl("tcp_available_congestion_control"),
            requested: env(CONGESTION_ENV),
        }
    }
}

/// The check, from what was read.
pub fn check(host: &HostCongestion) -> Check {
    let fine = |verdict, evidence: String| Check::new(Group::Net, ID, TITLE, verdict, evidence);
    let Some(default) = host.default.as_deref() else {
        return fine(
            Verdict::Skip,
            "cannot read net.ipv4.tcp_congestion_control".into(),
        );
    };
    let paces = PACING.contains(&default);
    let policy = match host.requested.as_deref().map(Congestion::parse) {
        None => Congestion::Auto,
        Some(Some(policy)) => policy,
        Some(None) => {
            return fine(
                Verdict::Fail,
                format!(
                    "{CONGESTION_ENV}={} is not auto, system or an algorithm name",
                    host.requested.as_deref().unwrap_or_default()
                ),
            )
            .hint(format!(
                "unset {CONGESTION_ENV}, or name an algorithm such as cubic"
            ));
        }
    };
    match policy {
        Congestion::Auto => fine(
            Verdict::Pass,
            format!(
                "host default {default}; connections to loopback peers use {LOOPBACK_DEFAULT}{}, others {default}",
                if paces { " (no pacing)" } else { "" }
            ),
        ),
        Congestion::System if paces => fine(
            Verdict::Warn,
            format!("{CONGESTION_ENV}=system: loopback data connections are paced by {default}"),
        )
        .hint(format!(
            "pacing holds loopback connections far below what the kernel can move (2-3x slower measured); \
             unset {CONGESTION_ENV} unless that is wanted"
        )),
        Congestion::System => fine(
            Verdict::Pass,
            format!("{CONGESTION_ENV}=system: every data connection uses the host default {default}"),
        ),
        Congestion::Named(name) => {
            let available = host
                .available
                .as_deref()
                .is_none_or(|list| list.split_whitespace().any(|a| a == name));
            if available {
                fine(
                    Verdict::Pass,
                    format!(
                        "{CONGESTION_ENV}={name}: every data connection uses {name} (host default {default})"
                    ),
                )
            } else {
                fine(
                    Verdict::Warn,
                    format!(
                        "{CONGESTION_ENV}={name}, but this host offers only: {}; connections keep {default}",
                        host.available.as_deref().unwrap_or_default()
                    ),
                )
                .hint(format!(
                    "load it (`modprobe tcp_{name}`) or choose one of the available algorithms"
                ))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn host(default: &str, requested: Option<&str>) -> HostCongestion {
        HostCongestion {
            default: Some(default.into()),
            available: Some("reno bbr cubic".into()),
            requested: requested.map(Into::into),
        }
    }

    #[test]
    fn verdicts_follow_the_policy_and_the_host() {
        let auto = check(&host("bbr", None));
        assert_eq!(auto.verdict, Verdict::Pass);
        assert!(
            auto.evidence.contains("loopback peers use reno (no pacing)"),
            "{}",
            auto.evidence
        );
        assert_eq!(check(&host("bbr", Some("system"))).verdict, Verdict::Warn);
        assert_eq!(check(&host("cubic", Some("system"))).verdict, Verdict::Pass);
        assert_eq!(check(&host("bbr", Some("cubic"))).verdict, Verdict::Pass);
        let missing = check(&host("bbr", Some("dctcp")));
        assert_eq!(missing.verdict, Verdict::Warn);
        assert!(missing.hint.unwrap().contains("modprobe tcp_dctcp"));
        let bad = check(&host("bbr", Some("reno; rm")));
        assert_eq!(bad.verdict, Verdict::Fail);
        assert!(bad.evidence.contains("MC_TCP_CONGESTION=reno; rm"));
        assert_eq!(check(&HostCongestion::default()).verdict, Verdict::Skip);
    }

    #[test]
    fn reads_this_host() {
        let read = HostCongestion::read(&|_| None);
        assert!(
            read.default.is_some(),
            "Linux exposes the default congestion control"
        );
        assert_ne!(check(&read).verdict, Verdict::Fail);
    }
}
