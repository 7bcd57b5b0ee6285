//! This host's addresses (`getifaddrs`), name resolution with a deadline, and the host/port parts of
//! the addresses and URLs the checks are given.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};
use std::time::Duration;

/// Every address configured on this host's interfaces (loopback included).
pub fn local_addresses() -> BTreeSet<IpAddr> {
    let mut addrs = BTreeSet::from([IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)]);
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs allocates a list we walk read-only and free once with freeifaddrs.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return addrs;
        }
        let mut cursor = list;
        while let Some(entry) = cursor.as_ref() {
            if let Some(sa) = entry.ifa_addr.as_ref() {
                match i32::from(sa.sa_family) {
                    libc::AF_INET => {
                        let sin = &*entry.ifa_addr.cast::<libc::sockaddr_in>();
                        addrs.insert(IpAddr::V4(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr))));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*entry.ifa_addr.cast::<libc::sockaddr_in6>();
                        addrs.insert(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)));
                    }
                    _ => {}
                }
            }
            cursor = entry.ifa_next;
        }
        libc::freeifaddrs(list);
    }
    addrs
}

/// Resolves `host` (a name or an IP literal) within `timeout`.
pub async fn resolve(host: &str, timeout: Duration) -> Result<Vec<IpAddr>, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let name = host.to_string();
    let lookup = tokio::task::spawn_blocking(move || (name.as_str(), 0).to_socket_addrs());
    match tokio::time::timeout(timeout, lookup).await {
        Err(_) => Err(format!("no answer within {timeout:?}")),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(Err(e))) => Err(e.to_string()),
        Ok(Ok(Ok(addrs))) => {
            let mut ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
            ips.dedup();
            if ips.is_empty() {
                Err("no addresses".to_string())
            } else {
                Ok(ips)
            }
        }
    }
}

/// Whether `host` names this machine's loopback: `localhost`, `127.0.0.0/8`, `::1`.
pub fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `host`, `host:port`, `[v6]:port` or a bare IPv6 address → host and port.
pub fn split_host_port(text: &str) -> (String, Option<u16>) {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('[')
        && let Some((host, after)) = rest.split_once(']')
    {
        return (
            host.to_string(),
            after.strip_prefix(':').and_then(|p| p.parse().ok()),
        );
    }
    if text.parse::<Ipv6Addr>().is_ok() {
        return (text.to_string(), None);
    }
    match text.rsplit_once(':') {
        Some((host, port)) => match port.parse() {
            Ok(port) => (host.to_string(), Some(port)),
            Err(_) => (text.to_string(), None),
        },
        None => (text.to_string(), None),
    }
}

/// The authority of a URL or bare address: `http://h:1/x` → `h:1`; `h:1` → `h:1`.
pub fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

/// Host and port of a URL (`default_port` when it names none).
pub fn url_host_port(url: &str, default_port: u16) -> (String, u16) {
    let (host, port) = split_host_port(authority(url));
    (host, port.unwrap_or(default_port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split() {
        assert_eq!(split_host_port("10.0.0.2"), ("10.0.0.2".into(), None));
        assert_eq!(split_host_port("node-a:17812"), ("node-a".into(), Some(17812)));
        assert_eq!(split_host_port("[::1]:80"), ("::1".into(), Some(80)));
        assert_eq!(split_host_port("fe80::1"), ("fe80::1".into(), None));
        assert_eq!(
            url_host_port("http://10.0.0.1:8080/metadata", 80),
            ("10.0.0.1".into(), 8080)
        );
        assert_eq!(url_host_port("etcd://etcd-0", 2379), ("etcd-0".into(), 2379));
        assert_eq!(url_host_port("127.0.0.1:50051", 1), ("127.0.0.1".into(), 50051));
    }

    #[test]
    fn loopback_names_and_local_addresses() {
        assert!(is_loopback_name("localhost"));
        assert!(is_loopback_name("127.0.1.1"));
        assert!(is_loopback_name("::1"));
        assert!(!is_loopback_name("10.0.0.2"));
        assert!(local_addresses().contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));
    }
}
