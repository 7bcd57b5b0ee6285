//! Looks up the IPv4 address of a network interface by name (`--rpc-interface eth0`).

use std::io;
use std::net::Ipv4Addr;

/// What the lookup found for an interface name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum InterfaceAddr {
    /// The interface's first IPv4 address.
    V4(Ipv4Addr),
    /// The interface exists but has no IPv4 address.
    NoIpv4,
    /// No interface of that name.
    Missing,
}

/// The first IPv4 address of interface `name`, as the kernel lists it now.
#[cfg(unix)]
pub(crate) fn ipv4_of(name: &str) -> io::Result<InterfaceAddr> {
    use std::ffi::CStr;

    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we own until the freeifaddrs below.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut found = InterfaceAddr::Missing;
    let mut cursor = head;
    while !cursor.is_null() {
        // SAFETY: `cursor` is a non-null node of the list getifaddrs returned, not yet freed.
        let entry = unsafe { &*cursor };
        cursor = entry.ifa_next;
        // SAFETY: ifa_name is a NUL-terminated string owned by the list.
        if entry.ifa_name.is_null() || unsafe { CStr::from_ptr(entry.ifa_name) }.to_bytes() != name.as_bytes()
        {
            continue;
        }
        if found == InterfaceAddr::Missing {
            found = InterfaceAddr::NoIpv4;
        }
        if entry.ifa_addr.is_null() {
            continue;
        }
        // SAFETY: ifa_addr points to a sockaddr of at least the family field.
        if i32::from(unsafe { (*entry.ifa_addr).sa_family }) != libc::AF_INET {
            continue;
        }
        // SAFETY: the family is AF_INET, so the address is a sockaddr_in.
        let addr = unsafe { &*entry.ifa_addr.cast::<libc::sockaddr_in>() };
        found = InterfaceAddr::V4(Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr)));
        break;
    }
    // SAFETY: `head` came from getifaddrs and is freed exactly once; no references into it survive.
    unsafe { libc::freeifaddrs(head) };
    Ok(found)
}

#[cfg(not(unix))]
pub(crate) fn ipv4_of(_name: &str) -> io::Result<InterfaceAddr> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "interface lookup needs a Unix system",
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loopback_has_127_0_0_1() {
        assert_eq!(ipv4_of("lo").unwrap(), InterfaceAddr::V4(Ipv4Addr::LOCALHOST));
    }

    #[test]
    fn unknown_interface_is_missing() {
        assert_eq!(ipv4_of("no-such-nic0").unwrap(), InterfaceAddr::Missing);
    }
}
