//! `mooncake doctor net`: the address peers reach this host at (`--local-hostname`, Mooncake's
//! `connectable_name`), name resolution, planned ports already taken, HTTP proxy variables, and the
//! data connections' TCP congestion control.

use std::collections::BTreeSet;
use std::net::{IpAddr, TcpListener};
use std::time::Duration;

use super::check::{Check, Group, Verdict};
use super::{congestion, host, listeners, proxy};

/// What the network checks look at.
#[derive(Clone, Debug)]
pub struct NetSettings {
    pub local_hostname: Option<String>,
    /// Whether the cluster spans hosts, and why we think so.
    pub multi_host: Option<String>,
    /// `(role, host)` of every peer address given (master, admin, metadata server).
    pub peers: Vec<(&'static str, String)>,
    /// `(what, port)` the user plans to bind on this host.
    pub ports: Vec<(String, u16)>,
    pub resolve_timeout: Duration,
}

fn check(id: &'static str, title: impl Into<String>, verdict: Verdict, evidence: impl Into<String>) -> Check {
    Check::new(Group::Net, id, title, verdict, evidence)
}

/// Runs every network check; `env` reads environment variables.
pub async fn run(settings: &NetSettings, env: &impl Fn(&str) -> Option<String>) -> Vec<Check> {
    let mut checks = vec![local_hostname(settings).await];
    checks.extend(resolution(settings).await);
    checks.extend(ports(settings));
    checks.push(proxies(settings, env));
    checks.push(congestion::check(&congestion::HostCongestion::read(env)));
    checks
}

/// This host's addresses worth naming (no loopback, no link-local IPv6).
fn shown_addresses(addrs: &BTreeSet<IpAddr>) -> String {
    let shown: Vec<String> = addrs
        .iter()
        .filter(|ip| !ip.is_loopback())
        .filter(|ip| !matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80))
        .map(IpAddr::to_string)
        .collect();
    if shown.is_empty() {
        "only loopback".to_string()
    } else {
        shown.join(", ")
    }
}

async fn local_hostname(settings: &NetSettings) -> Check {
    let title = "local hostname (connectable_name)";
    let Some(given) = settings.local_hostname.as_deref() else {
        return match &settings.multi_host {
            Some(why) => check(
                "net.local_hostname",
                title,
                Verdict::Warn,
                format!("not given; nodes default to 127.0.0.1, which other hosts cannot reach ({why})"),
            )
            .hint("pass --local-hostname <this host's LAN address> here and to `mooncake node join`"),
            None => check(
                "net.local_hostname",
                title,
                Verdict::Skip,
                "not given (--local-hostname / MOONCAKE_LOCAL_HOSTNAME)",
            ),
        };
    };
    let (name, _) = host::split_host_port(given);
    if host::is_loopback_name(&name) {
        return match &settings.multi_host {
            Some(why) => check(
                "net.local_hostname",
                title,
                Verdict::Warn,
                format!("{given} is loopback, but the cluster spans hosts ({why})"),
            )
            .hint(
                "peers would connect to their own loopback (\"connection refused\"): use this host's LAN address or a \
                 hostname other hosts resolve to it",
            ),
            None => check(
                "net.local_hostname",
                title,
                Verdict::Pass,
                format!("{given} is loopback: fine while everything runs on this host"),
            ),
        };
    }
    let local = host::local_addresses();
    match host::resolve(&name, settings.resolve_timeout).await {
        Err(error) => check(
            "net.local_hostname",
            title,
            Verdict::Fail,
            format!("{name} does not resolve: {error}"),
        )
        .hint("add the name to DNS or /etc/hosts on every host, or give the IP address"),
        Ok(ips) if ips.iter().any(IpAddr::is_unspecified) => check(
            "net.local_hostname",
            title,
            Verdict::Fail,
            format!("{given} is a wildcard address, not one peers can connect to"),
        )
        .hint("use this host's LAN address"),
        Ok(ips) => {
            let listed: Vec<String> = ips.iter().map(IpAddr::to_string).collect();
            match ips.iter().find(|ip| local.contains(ip)) {
                Some(ip) => check(
                    "net.local_hostname",
                    title,
                    Verdict::Pass,
                    format!("{given} → {ip}, an address of this host"),
                ),
                None => check(
                    "net.local_hostname",
                    title,
                    Verdict::Fail,
                    format!(
                        "{given} → {}, not an address of this host (this host: {})",
                        listed.join(", "),
                        shown_addresses(&local)
                    ),
                )
                .hint(
                    "connectable_name must be this host's own address: peers would connect to another machine; \
                     use one of this host's addresses",
                ),
            }
        }
    }
}

async fn resolution(settings: &NetSettings) -> Vec<Check> {
    let mut names: Vec<(&str, String)> = Vec::new();
    let local = settings
        .local_hostname
        .as_deref()
        .map(|h| ("local hostname", host::split_host_port(h).0));
    for (role, name) in local
        .into_iter()
        .chain(settings.peers.iter().map(|(r, h)| (*r, h.clone())))
    {
        if name.parse::<IpAddr>().is_err() && !names.iter().any(|(_, n)| *n == name) {
            names.push((role, name));
        }
    }
    if names.is_empty() {
        return vec![check(
            "net.resolve",
            "name resolution",
            Verdict::Skip,
            "every address given is an IP address",
        )];
    }
    let mut checks = Vec::new();
    for (role, name) in names {
        let title = format!("resolve {name} ({role})");
        checks.push(match host::resolve(&name, settings.resolve_timeout).await {
            Ok(ips) => {
                let listed: Vec<String> = ips.iter().map(IpAddr::to_string).collect();
                check("net.resolve", title, Verdict::Pass, listed.join(", "))
            }
            Err(error) => check(
                "net.resolve",
                title,
                Verdict::Fail,
                format!("does not resolve: {error}"),
            )
            .hint("fix DNS or /etc/hosts (every host must resolve it the same way), or use an IP address"),
        });
    }
    checks
}

fn ports(settings: &NetSettings) -> Vec<Check> {
    if settings.ports.is_empty() {
        return vec![check(
            "net.port_free",
            "planned ports",
            Verdict::Skip,
            "none given (--rpc-port, --metrics-port, --metadata-port, --node-port, --port)",
        )];
    }
    let listening = listeners::listening();
    settings
        .ports
        .iter()
        .map(|(what, port)| {
            let title = format!("port {port} ({what})");
            let holder = match &listening {
                Some(all) => all
                    .iter()
                    .find(|l| l.addr.port() == *port)
                    .map(|l| match listeners::owner(l.inode) {
                        Some(owner) => format!("{} is already listening: {owner}", l.addr),
                        None => format!("{} is already listening", l.addr),
                    }),
                None => TcpListener::bind(("0.0.0.0", *port))
                    .err()
                    .map(|e| format!("cannot bind 0.0.0.0:{port}: {e}")),
            };
            match holder {
                None => check("net.port_free", title, Verdict::Pass, "free"),
                Some(evidence) => check("net.port_free", title, Verdict::Fail, evidence).hint(format!(
                    "starting would fail with \"address already in use\": stop what holds port {port} or plan another port"
                )),
            }
        })
        .collect()
}

fn proxies(settings: &NetSettings, env: &impl Fn(&str) -> Option<String>) -> Check {
    let title = "HTTP proxy variables";
    let set = proxy::proxies(env);
    if set.is_empty() {
        return check("net.proxy", title, Verdict::Pass, "none set");
    }
    let named: Vec<String> = set
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let no_proxy = proxy::no_proxy(env);
    let mut hosts: Vec<String> = settings.peers.iter().map(|(_, h)| h.clone()).collect();
    hosts.sort();
    hosts.dedup();
    let uncovered: Vec<&String> = hosts
        .iter()
        .filter(|h| !no_proxy.as_deref().is_some_and(|np| proxy::covered(np, h)))
        .collect();
    if uncovered.is_empty() {
        return check(
            "net.proxy",
            title,
            Verdict::Pass,
            format!(
                "{}; no_proxy={} covers {}",
                named.join(", "),
                no_proxy.unwrap_or_default(),
                hosts.join(", ")
            ),
        );
    }
    let uncovered: Vec<&str> = uncovered.iter().map(|h| h.as_str()).collect();
    check(
        "net.proxy",
        title,
        Verdict::Warn,
        format!(
            "{}; no_proxy {} {}",
            named.join(", "),
            match &no_proxy {
                Some(np) => format!("({np}) does not cover"),
                None => "is unset, so it does not cover".to_string(),
            },
            uncovered.join(", ")
        ),
    )
    .hint(format!(
        "requests to the master and metadata server may go through the proxy and fail: `unset http_proxy https_proxy \
         HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY` before starting, or add {} to no_proxy",
        uncovered.join(",")
    ))
}
