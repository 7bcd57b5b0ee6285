//! Congestion control of data connections: loopback connections opt out of pacing.
//!
//! Why: BBR, a common system default (and the dev VM's), paces every connection at its estimate of
//! the path's bandwidth, sending each burst on a kernel timer. On loopback there is no path to
//! protect, and the estimate, taken from a sender that is often idle between requests, holds the
//! connection well under what the kernel can move. Measured on the dev VM in one sitting (2 vCPU
//! Intel Xeon, kernel 6.18): plain loopback TCP streaming 16 MiB messages reached 2.5 GB/s under
//! `bbr` and 7.9 GB/s under `reno`; `remote-batch32` gets of 64 KiB went from 1.3–1.7 to
//! 3.1–3.2 GB/s and `remote` gets of 16 MiB from 4.4–5.6 to 5.7–5.9 GB/s.
//!
//! Policy, from `MC_TCP_CONGESTION` (read once per process):
//! - unset or `auto`: connections whose peer is a loopback address use `reno`, and all others keep
//!   the host's default. `reno` is always permitted to unprivileged processes, and on a link that
//!   never drops a packet an algorithm's only visible effect is whether it paces.
//! - `system`: never change the host's default.
//! - any other name (`cubic`, `bbr`, `dctcp`, …): that algorithm on every data connection, both
//!   ends. It must be available (`net.ipv4.tcp_available_congestion_control`) and, without
//!   CAP_NET_ADMIN, allowed (`net.ipv4.tcp_allowed_congestion_control`); otherwise the connection
//!   keeps the default and one warning says why.

use std::io;
use std::net::{IpAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Environment variable choosing the data connections' congestion control.
pub const CONGESTION_ENV: &str = "MC_TCP_CONGESTION";
/// The algorithm loopback connections get by default: no pacing, always permitted.
pub const LOOPBACK_DEFAULT: &str = "reno";
/// Longest algorithm name the kernel accepts (TCP_CA_NAME_MAX, with its terminating NUL).
const NAME_MAX: usize = 16;

/// Which congestion control data connections get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Congestion {
    /// [`LOOPBACK_DEFAULT`] for loopback peers; the host's default otherwise.
    Auto,
    /// Always the host's default.
    System,
    /// This algorithm on every connection.
    Named(String),
}

impl Congestion {
    /// Parses a `MC_TCP_CONGESTION` value; `None` names no possible algorithm.
    pub fn parse(text: &str) -> Option<Congestion> {
        let text = text.trim();
        match text {
            "" | "auto" => Some(Congestion::Auto),
            "system" => Some(Congestion::System),
            name if name.len() < NAME_MAX && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                Some(Congestion::Named(name.to_owned()))
            }
            _ => None,
        }
    }

    /// The process's policy (from [`CONGESTION_ENV`], read once; an unusable value warns and
    /// falls back to [`Congestion::Auto`]).
    pub fn from_env() -> &'static Congestion {
        static POLICY: OnceLock<Congestion> = OnceLock::new();
        POLICY.get_or_init(|| match std::env::var(CONGESTION_ENV) {
            Ok(text) => Congestion::parse(&text).unwrap_or_else(|| {
                tracing::warn!(value = %text, "{CONGESTION_ENV} must be auto, system or an algorithm name; using auto");
                Congestion::Auto
            }),
            Err(_) => Congestion::Auto,
        })
    }

    /// The algorithm a connection to `peer` should use, or `None` to keep the host's default.
    pub fn for_peer(&self, peer: IpAddr) -> Option<&str> {
        match self {
            Congestion::Auto if peer.to_canonical().is_loopback() => Some(LOOPBACK_DEFAULT),
            Congestion::Auto | Congestion::System => None,
            Congestion::Named(name) => Some(name),
        }
    }
}

/// Applies the process's policy to a connected data socket (either end). Never fails the
/// connection: an algorithm the kernel refuses leaves the default in place, with one warning per
/// process.
pub fn tune(stream: &TcpStream) {
    let Ok(peer) = stream.peer_addr() else { return };
    let Some(name) = Congestion::from_env().for_peer(peer.ip()) else {
        return;
    };
    if let Err(error) = set(stream, name) {
        static WARNED: AtomicBool = AtomicBool::new(false);
        if !WARNED.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                algorithm = name,
                %error,
                "cannot set the data connections' congestion control; keeping the host's default \
                 (see {CONGESTION_ENV})"
            );
        }
    }
}

/// Sets the socket's congestion control algorithm.
pub fn set(stream: &TcpStream, name: &str) -> io::Result<()> {
    // SAFETY: the pointer and length describe `name`'s bytes, which outlive the call; the kernel
    // copies at most that many.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_CONGESTION,
            name.as_ptr().cast(),
            name.len() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The socket's congestion control algorithm.
pub fn get(stream: &TcpStream) -> io::Result<String> {
    let mut name = [0u8; NAME_MAX];
    let mut len = name.len() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes into `name` and stores the length it wrote.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_CONGESTION,
            name.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    let name = &name[..(len as usize).min(NAME_MAX)];
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Ok(String::from_utf8_lossy(&name[..end]).into_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};

    use super::*;

    #[test]
    fn parses_the_policy_and_refuses_what_cannot_be_an_algorithm() {
        assert_eq!(Congestion::parse(""), Some(Congestion::Auto));
        assert_eq!(Congestion::parse(" auto "), Some(Congestion::Auto));
        assert_eq!(Congestion::parse("system"), Some(Congestion::System));
        assert_eq!(
            Congestion::parse("cubic"),
            Some(Congestion::Named("cubic".into()))
        );
        assert_eq!(Congestion::parse("reno; rm"), None);
        assert_eq!(Congestion::parse("a_name_far_too_long"), None);
    }

    #[test]
    fn auto_opts_out_of_pacing_only_on_loopback() {
        let auto = Congestion::Auto;
        assert_eq!(auto.for_peer(Ipv4Addr::new(127, 0, 0, 2).into()), Some("reno"));
        assert_eq!(auto.for_peer(Ipv6Addr::LOCALHOST.into()), Some("reno"));
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(auto.for_peer(mapped), Some("reno"));
        assert_eq!(auto.for_peer(Ipv4Addr::new(10, 0, 0, 7).into()), None);
        assert_eq!(Congestion::System.for_peer(Ipv4Addr::LOCALHOST.into()), None);
        let named = Congestion::Named("cubic".into());
        assert_eq!(named.for_peer(Ipv4Addr::new(10, 0, 0, 7).into()), Some("cubic"));
    }

    #[test]
    fn set_and_get_round_trip_and_an_unknown_algorithm_is_an_error() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        set(&stream, "reno").unwrap();
        assert_eq!(get(&stream).unwrap(), "reno");
        assert!(set(&stream, "no_such_algo").is_err());
        assert_eq!(get(&stream).unwrap(), "reno");
    }
}
