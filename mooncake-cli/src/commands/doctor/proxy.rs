//! HTTP proxy variables: set in a node's or master's environment they route HTTP/gRPC traffic to the
//! master and the metadata server through a proxy, unless `no_proxy` covers those hosts.

use std::net::IpAddr;

/// The proxy variables, lower and upper case (tools disagree on which they read).
pub const PROXY_VARS: [&str; 6] = [
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
];

/// `(name, value)` of every non-empty proxy variable in `env`.
pub fn proxies(env: &impl Fn(&str) -> Option<String>) -> Vec<(&'static str, String)> {
    PROXY_VARS
        .iter()
        .filter_map(|name| env(name).filter(|v| !v.trim().is_empty()).map(|v| (*name, v)))
        .collect()
}

/// `no_proxy`, else `NO_PROXY`.
pub fn no_proxy(env: &impl Fn(&str) -> Option<String>) -> Option<String> {
    env("no_proxy")
        .filter(|v| !v.trim().is_empty())
        .or_else(|| env("NO_PROXY").filter(|v| !v.trim().is_empty()))
}

/// Whether a `no_proxy` list covers `host`: `*`, the exact name or address, a domain suffix
/// (`example.com` / `.example.com`), or an IPv4 CIDR (`10.0.0.0/8`).
pub fn covered(no_proxy: &str, host: &str) -> bool {
    let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.to_ascii_lowercase();
            if entry == "*" || entry == host {
                return true;
            }
            if let Some((net, bits)) = entry.split_once('/') {
                return in_cidr(&host, net, bits);
            }
            let suffix = entry.trim_start_matches('.');
            host.parse::<IpAddr>().is_err() && host.ends_with(&format!(".{suffix}"))
        })
}

fn in_cidr(host: &str, net: &str, bits: &str) -> bool {
    let (Ok(IpAddr::V4(host)), Ok(IpAddr::V4(net)), Ok(bits)) =
        (host.parse::<IpAddr>(), net.parse::<IpAddr>(), bits.parse::<u32>())
    else {
        return false;
    };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    u32::from(host) & mask == u32::from(net) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_matching() {
        assert!(covered("localhost,127.0.0.1", "127.0.0.1"));
        assert!(covered("*", "10.0.0.1"));
        assert!(covered(".cluster.local", "master.cluster.local"));
        assert!(covered("cluster.local", "master.cluster.local"));
        assert!(covered("10.0.0.0/8", "10.1.2.3"));
        assert!(!covered("10.0.0.0/8", "192.168.0.1"));
        assert!(!covered("localhost", "127.0.0.1"));
        assert!(!covered("0.1", "10.0.0.1"));
    }

    #[test]
    fn lower_and_upper_case_variables_count() {
        let env = |name: &str| match name {
            "HTTP_PROXY" => Some("http://proxy:3128".to_string()),
            "https_proxy" => Some(String::new()),
            "NO_PROXY" => Some("localhost".to_string()),
            _ => None,
        };
        assert_eq!(
            proxies(&env),
            vec![("HTTP_PROXY", "http://proxy:3128".to_string())]
        );
        assert_eq!(no_proxy(&env).as_deref(), Some("localhost"));
    }
}
