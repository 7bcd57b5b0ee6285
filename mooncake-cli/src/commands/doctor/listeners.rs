//! Which TCP ports already have a listener, from `/proc/net/tcp{,6}` (no probe socket is bound), and
//! which process holds each one when `/proc/<pid>/fd` is readable.

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// A socket in LISTEN state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub addr: SocketAddr,
    pub inode: u64,
}

/// Every listening TCP socket of this network namespace; `None` when `/proc/net/tcp` is unreadable.
pub fn listening() -> Option<Vec<Listener>> {
    let mut all = parse(&fs::read_to_string("/proc/net/tcp").ok()?);
    if let Ok(text) = fs::read_to_string("/proc/net/tcp6") {
        all.extend(parse(&text));
    }
    Some(all)
}

/// Parses `/proc/net/tcp` or `tcp6` text: `sl local_address rem_address st ... inode`.
pub fn parse(text: &str) -> Vec<Listener> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 10 || fields[3] != "0A" {
                return None;
            }
            let (ip, port) = fields[1].split_once(':')?;
            let port = u16::from_str_radix(port, 16).ok()?;
            let ip = parse_ip(ip)?;
            Some(Listener {
                addr: SocketAddr::new(ip, port),
                inode: fields[9].parse().ok()?,
            })
        })
        .collect()
}

/// The kernel prints addresses as host-order 32-bit words in hex.
fn parse_ip(hex: &str) -> Option<IpAddr> {
    let words: Option<Vec<u32>> = (0..hex.len() / 8)
        .map(|i| u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect();
    let bytes: Vec<u8> = words?.into_iter().flat_map(|w| w.to_ne_bytes()).collect();
    match bytes.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))),
        16 => {
            let array: [u8; 16] = bytes.try_into().ok()?;
            Some(IpAddr::V6(Ipv6Addr::from(array)))
        }
        _ => None,
    }
}

/// `pid (command)` of the process holding socket `inode`, when visible.
pub fn owner(inode: u64) -> Option<String> {
    let target = format!("socket:[{inode}]");
    for proc_entry in fs::read_dir("/proc").ok()?.filter_map(Result::ok) {
        let Some(pid) = proc_entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = fs::read_dir(proc_entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.filter_map(Result::ok) {
            if fs::read_link(fd.path()).is_ok_and(|link| link.to_str() == Some(target.as_str())) {
                let comm = fs::read_to_string(proc_entry.path().join("comm")).unwrap_or_default();
                return Some(format!("pid {pid} ({})", comm.trim()));
            }
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_tcp_lines_parse() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:C383 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0 100 0 0 10 0\n\
   1: 0100007F:C384 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 12346 1 0 100 0 0 10 0\n";
        let listeners = parse(text);
        assert_eq!(
            listeners,
            vec![Listener {
                addr: "127.0.0.1:50051".parse().unwrap(),
                inode: 12345
            }]
        );
        let v6 = "sl local rem st\n 0: 00000000000000000000000001000000:2383 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 777 1\n";
        assert_eq!(parse(v6)[0].addr, "[::1]:9091".parse().unwrap());
    }

    #[test]
    fn a_socket_we_hold_is_listed_with_its_owner() {
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        let found = listening()
            .unwrap()
            .into_iter()
            .find(|l| l.addr.port() == port)
            .unwrap();
        assert!(
            owner(found.inode)
                .unwrap()
                .starts_with(&format!("pid {}", std::process::id()))
        );
    }
}
