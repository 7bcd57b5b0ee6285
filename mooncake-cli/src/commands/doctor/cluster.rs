//! `mooncake doctor cluster`: the master answers ServiceReady over gRPC, its admin `/health` answers,
//! a leader is known, the metadata server is reachable (and not on loopback in a multi-host cluster),
//! and this host's clock agrees with the master's.

use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tokio::net::TcpStream;

use super::check::{Check, Group, Verdict};
use super::{host, listeners};
use crate::master_client::MasterRpc;

/// What the cluster checks look at.
#[derive(Clone, Debug)]
pub struct ClusterSettings {
    pub master: String,
    pub admin: String,
    pub metadata_server: String,
    pub multi_host: Option<String>,
    pub max_clock_skew: Duration,
    pub timeout: Duration,
}

fn check(id: &'static str, title: impl Into<String>, verdict: Verdict, evidence: impl Into<String>) -> Check {
    Check::new(Group::Cluster, id, title, verdict, evidence)
}

/// What the admin endpoint said.
struct Admin {
    health: Result<(u16, Option<Value>, Option<SystemTime>, SystemTime), String>,
    leader: Option<Value>,
}

/// Runs every cluster check (the master, admin and metadata probes concurrently).
pub async fn run(settings: &ClusterSettings) -> Vec<Check> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .build();
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            return vec![check(
                "cluster.admin",
                "admin endpoint",
                Verdict::Fail,
                format!("cannot build an HTTP client: {error}"),
            )];
        }
    };
    let (master, admin, metadata) = tokio::join!(
        master(settings),
        admin(&client, settings),
        metadata(&client, settings)
    );
    let mut checks = vec![master];
    checks.push(admin_check(settings, &admin));
    checks.push(leader_check(settings, &admin));
    checks.push(metadata);
    checks.push(clock_check(settings, &admin));
    checks
}

async fn master(settings: &ClusterSettings) -> Check {
    let title = format!("master {}", settings.master);
    let started = Instant::now();
    let reply = match tokio::time::timeout(settings.timeout, async {
        let rpc = MasterRpc::connect(&settings.master).await.map_err(|e| e.reason)?;
        rpc.service_ready().await.map_err(|e| e.to_string())
    })
    .await
    {
        Ok(reply) => reply,
        Err(_) => Err(format!("no answer within {:?}", settings.timeout)),
    };
    match reply {
        Ok(ready) if ready.ready => check(
            "cluster.master",
            title,
            Verdict::Pass,
            format!(
                "ServiceReady: ready, version {}, view {}, {} ms",
                ready.version,
                ready.view_version,
                started.elapsed().as_millis()
            ),
        ),
        Ok(ready) => check(
            "cluster.master",
            title,
            Verdict::Fail,
            format!("ServiceReady: not ready (version {}, view {})", ready.version, ready.view_version),
        )
        .hint("the master is starting, restoring a snapshot or is a standby: wait, or point --master at the leader"),
        Err(reason) => check("cluster.master", title, Verdict::Fail, format!("unreachable: {reason}")).hint(
            "start the master (`mooncake master`) or fix --master / MOONCAKE_MASTER; from another host check the \
             firewall and that the master binds a non-loopback address",
        ),
    }
}

fn base(admin: &str) -> String {
    crate::master_client::uri(admin).trim_end_matches('/').to_string()
}

async fn admin(client: &reqwest::Client, settings: &ClusterSettings) -> Admin {
    let base = base(&settings.admin);
    let health = async {
        let sent = SystemTime::now();
        let response = client
            .get(format!("{base}/health"))
            .send()
            .await
            .map_err(|e| error_chain(&e))?;
        let received = SystemTime::now();
        let midpoint = sent + received.duration_since(sent).unwrap_or_default() / 2;
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| httpdate::parse_http_date(d).ok());
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.ok();
        Ok((status, body, date, midpoint))
    };
    let leader = async {
        let response = client.get(format!("{base}/leader")).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json::<Value>().await.ok()
    };
    let (health, leader) = tokio::join!(health, leader);
    Admin { health, leader }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}

fn admin_check(settings: &ClusterSettings, admin: &Admin) -> Check {
    let title = format!("admin {}/health", base(&settings.admin));
    match &admin.health {
        Ok((200, body, _, _)) => {
            let field = |name: &str| body.as_ref().and_then(|b| b.get(name)).map(|v| v.to_string());
            let mut evidence = "200".to_string();
            for name in ["status", "role", "uptime_seconds"] {
                if let Some(value) = field(name) {
                    evidence.push_str(&format!(", {name} {}", value.trim_matches('"')));
                }
            }
            check("cluster.admin", title, Verdict::Pass, evidence)
        }
        Ok((status, _, _, _)) => check(
            "cluster.admin",
            title,
            Verdict::Fail,
            format!("answered {status}"),
        )
        .hint("--admin must be the master's admin server (--metrics-port, 9003 by default)"),
        Err(reason) => check(
            "cluster.admin",
            title,
            Verdict::Fail,
            format!("unreachable: {reason}"),
        )
        .hint(
            "fix --admin / MOONCAKE_ADMIN (the master's --metrics-port, 9003 by default); the admin server \
             serves /health, /metrics and the key and segment queries",
        ),
    }
}

fn text_field(value: Option<&Value>, name: &str) -> Option<String> {
    match value?.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn leader_check(settings: &ClusterSettings, admin: &Admin) -> Check {
    let title = "HA leader";
    let Ok((_, health, _, _)) = &admin.health else {
        return check(
            "cluster.leader",
            title,
            Verdict::Skip,
            "admin endpoint unreachable",
        );
    };
    let role = text_field(health.as_ref(), "role");
    let leader_address = text_field(admin.leader.as_ref(), "leader_address")
        .or_else(|| text_field(health.as_ref(), "leader_address"));
    let view = text_field(admin.leader.as_ref(), "view_version")
        .or_else(|| text_field(health.as_ref(), "view_version"));
    let ha_active = health
        .as_ref()
        .and_then(|h| h.get("ha_enabled"))
        .or_else(|| admin.leader.as_ref().and_then(|l| l.get("present")))
        .and_then(Value::as_bool);
    let view_text = view.map(|v| format!(", view {v}")).unwrap_or_default();
    match role.as_deref() {
        Some("leader") => {
            let ha = match (ha_active, &leader_address) {
                (Some(true), Some(addr)) => format!("HA on, leader address {addr}"),
                (Some(true), None) => "HA on".to_string(),
                _ => "HA off: this master serves alone".to_string(),
            };
            check(
                "cluster.leader",
                title,
                Verdict::Pass,
                format!("{} is the leader ({ha}{view_text})", settings.master),
            )
        }
        Some(role) => match leader_address {
            Some(addr) => check(
                "cluster.leader",
                title,
                Verdict::Warn,
                format!("{} is a {role}; the leader is {addr}{view_text}", settings.master),
            )
            .hint(format!(
                "point --master at the leader ({addr}) or at every master so clients follow failovers"
            )),
            None => check(
                "cluster.leader",
                title,
                Verdict::Fail,
                format!(
                    "{} is a {role} and no leader is known{view_text}",
                    settings.master
                ),
            )
            .hint("no master holds the leader lease: check the HA backend (etcd) and the masters' logs"),
        },
        None => check(
            "cluster.leader",
            title,
            Verdict::Warn,
            "the admin /health answer names no role",
        )
        .hint("is --admin the admin server of a Mooncake master?"),
    }
}

fn clock_check(settings: &ClusterSettings, admin: &Admin) -> Check {
    let title = "clock skew against the master";
    let Ok((_, _, date, local)) = &admin.health else {
        return check(
            "cluster.clock",
            title,
            Verdict::Skip,
            "admin endpoint unreachable",
        );
    };
    let Some(date) = date else {
        return check(
            "cluster.clock",
            title,
            Verdict::Skip,
            "the admin answer has no Date header",
        );
    };
    // The Date header has whole seconds: allow one more second before calling it skew.
    let (ahead, skew) = match date.duration_since(*local) {
        Ok(ahead) => (true, ahead),
        Err(behind) => (false, behind.duration()),
    };
    let evidence = format!(
        "master clock {:.1}s {} this host's (Date: {}), threshold {}",
        skew.as_secs_f64(),
        if ahead { "ahead of" } else { "behind" },
        httpdate::fmt_http_date(*date),
        humantime::format_duration(settings.max_clock_skew),
    );
    if skew <= settings.max_clock_skew + Duration::from_secs(1) {
        check("cluster.clock", title, Verdict::Pass, evidence)
    } else {
        check("cluster.clock", title, Verdict::Warn, evidence).hint(
            "leases, TTLs and snapshots are timed by the master while logs and metrics carry each host's time: \
             sync the clocks (chrony or systemd-timesyncd; `chronyc tracking`)",
        )
    }
}

async fn metadata(client: &reqwest::Client, settings: &ClusterSettings) -> Check {
    let url = settings.metadata_server.trim();
    let title = format!("metadata server {url}");
    if url.is_empty() || url.eq_ignore_ascii_case("P2PHANDSHAKE") {
        return check(
            "cluster.metadata",
            title,
            Verdict::Skip,
            "P2PHANDSHAKE: peers exchange descriptors directly, no metadata server to reach",
        );
    }
    let lower = url.to_ascii_lowercase();
    let (kind, endpoints, result) = if lower.starts_with("http://") || lower.starts_with("https://") {
        let (host, port) = host::url_host_port(url, if lower.starts_with("https") { 443 } else { 80 });
        let scheme = url.split_once("://").map_or("http", |(s, _)| s);
        let health = format!("{scheme}://{}/health", host::authority(url));
        let result = match client.get(&health).send().await {
            Ok(response) if response.status().is_success() => Ok(format!("GET {health}: {}", response.status())),
            Ok(response) => Err((
                Verdict::Warn,
                format!("GET {health}: {}", response.status()),
                "something answers, but not like Mooncake's metadata server (GET /health → 200): check the URL".to_string(),
            )),
            Err(e) => Err((Verdict::Fail, format!("GET {health}: {}", error_chain(&e)), String::new())),
        };
        ("HTTP metadata server", vec![(host, port)], result)
    } else {
        let (kind, default_port, rest) = match lower.split_once("://") {
            Some(("redis", _)) => ("redis", 6379, host::authority(url)),
            Some(("etcd", _)) => ("etcd", 2379, host::authority(url)),
            Some((scheme, _)) => {
                return check(
                    "cluster.metadata",
                    title,
                    Verdict::Fail,
                    format!("unknown scheme {scheme}://"),
                )
                .hint("use P2PHANDSHAKE, http://HOST:PORT/metadata, etcd://HOST:PORT or redis://HOST:PORT");
            }
            None => ("etcd", 2379, url),
        };
        let endpoints: Vec<(String, u16)> = rest
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                let (host, port) = host::split_host_port(s);
                (host, port.unwrap_or(default_port))
            })
            .collect();
        let mut result = Ok(String::new());
        let mut reached = Vec::new();
        for (host, port) in &endpoints {
            match tokio::time::timeout(settings.timeout, TcpStream::connect((host.as_str(), *port))).await {
                Ok(Ok(_)) => reached.push(format!("{host}:{port}")),
                Ok(Err(e)) => {
                    result = Err((
                        Verdict::Fail,
                        format!("TCP connect {host}:{port}: {e}"),
                        String::new(),
                    ));
                    break;
                }
                Err(_) => {
                    result = Err((
                        Verdict::Fail,
                        format!(
                            "TCP connect {host}:{port}: no answer within {:?}",
                            settings.timeout
                        ),
                        String::new(),
                    ));
                    break;
                }
            }
        }
        if result.is_ok() {
            result = Ok(format!("TCP connect {}: ok", reached.join(", ")));
        }
        (kind, endpoints, result)
    };
    match result {
        Err((verdict, evidence, hint)) => {
            let hint = if !hint.is_empty() {
                hint
            } else if let Some(only_loopback) = loopback_only(&endpoints) {
                format!(
                    "{only_loopback} listens on loopback only, so other hosts cannot reach it: start it on 0.0.0.0 (etcd \
                     --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls http://<this host>:2379)"
                )
            } else {
                let probe = match kind {
                    "etcd" => "`etcdctl --endpoints HOST:PORT endpoint health`".to_string(),
                    "redis" => "`redis-cli -h HOST -p PORT ping`".to_string(),
                    _ => format!("`curl {url}`"),
                };
                format!(
                    "start the {kind} or fix --metadata-server / MOONCAKE_METADATA_SERVER (check with {probe} from \
                     every host)"
                )
            };
            check("cluster.metadata", title, verdict, evidence).hint(hint)
        }
        Ok(evidence) => {
            let loopback: Vec<String> = endpoints
                .iter()
                .filter(|(h, _)| host::is_loopback_name(h))
                .map(|(h, p)| format!("{h}:{p}"))
                .collect();
            match (&settings.multi_host, loopback.is_empty()) {
                (Some(why), false) => check(
                    "cluster.metadata",
                    title,
                    Verdict::Warn,
                    format!("{evidence}; but {} is loopback and the cluster spans hosts ({why})", loopback.join(", ")),
                )
                .hint(format!(
                    "other hosts cannot use a loopback address: give every host the {kind}'s LAN address, and make \
                     it listen on 0.0.0.0 (etcd --listen-client-urls http://0.0.0.0:2379)"
                )),
                _ => check("cluster.metadata", title, Verdict::Pass, evidence),
            }
        }
    }
}

/// `127.0.0.1:2379` when a failed endpoint's port has a listener on loopback only, on this host.
fn loopback_only(endpoints: &[(String, u16)]) -> Option<String> {
    let all = listeners::listening()?;
    endpoints.iter().find_map(|(_, port)| {
        let on_port: Vec<_> = all.iter().filter(|l| l.addr.port() == *port).collect();
        (!on_port.is_empty() && on_port.iter().all(|l| l.addr.ip().is_loopback()))
            .then(|| on_port[0].addr.to_string())
    })
}
