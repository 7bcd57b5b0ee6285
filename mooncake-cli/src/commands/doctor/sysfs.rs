//! RDMA devices as sysfs describes them: `<root>/class/infiniband/<dev>/ports/<n>/{state, phys_state,
//! link_layer, gids/<i>, gid_attrs/types/<i>, gid_attrs/ndevs/<i>}` and `<root>/class/net/<if>/mtu`.
//!
//! Two values the doctor needs are not in sysfs at all: a port's active MTU and a device's
//! `max_mr_size` (both come from ibverbs' `ibv_query_port`/`ibv_query_device`). Fixture trees model
//! them with files real sysfs lacks — `ports/<n>/active_mtu` and `<dev>/max_mr_size` — which are read
//! when present; see `tests/fixtures/sysfs/README.md`.

use std::collections::BTreeMap;
use std::fs;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// One RDMA device (`mlx5_0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    pub path: PathBuf,
    /// `hca_type` (e.g. `MT4123` for a ConnectX-6), when the driver exposes it.
    pub hca_type: Option<String>,
    pub fw_ver: Option<String>,
    /// The fixture stand-in for ibverbs' `max_mr_size`.
    pub max_mr_size_file: Option<u64>,
    pub ports: BTreeMap<u32, Port>,
}

/// One port of a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub number: u32,
    /// `ACTIVE`, `DOWN`, `INIT`, `ARMED` (the name after `4: `).
    pub state: String,
    /// `LinkUp`, `Disabled`, `Polling` ...
    pub phys_state: String,
    /// `Ethernet` (RoCE) or `InfiniBand`.
    pub link_layer: String,
    /// The fixture stand-in for ibverbs' active MTU.
    pub active_mtu_file: Option<u32>,
    /// The populated GID table entries, by index (all-zero entries included, unreadable ones not).
    pub gids: Vec<Gid>,
}

/// One GID table entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gid {
    pub index: u32,
    pub addr: Ipv6Addr,
    /// `RoCE v2` or `IB/RoCE v1`.
    pub kind: Option<String>,
    /// The network interface this GID belongs to (RoCE).
    pub ndev: Option<String>,
}

impl Gid {
    pub fn is_zero(&self) -> bool {
        self.addr.is_unspecified()
    }

    pub fn is_roce_v2(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.contains("v2"))
    }

    /// The IPv4 address of an IPv4-mapped GID (`::ffff:10.0.0.2`).
    pub fn ipv4(&self) -> Option<Ipv4Addr> {
        self.addr.to_ipv4_mapped()
    }

    /// `RoCE v2, 10.0.0.2 on ens1f0`.
    pub fn describe(&self) -> String {
        let addr = match self.ipv4() {
            Some(v4) => v4.to_string(),
            None => self.addr.to_string(),
        };
        let mut text = format!("{}, {addr}", self.kind.as_deref().unwrap_or("unknown type"));
        if let Some(ndev) = &self.ndev {
            text.push_str(&format!(" on {ndev}"));
        }
        text
    }

    /// How good a choice this GID is, lower is better; `None` for an all-zero entry. The order of the
    /// transfer engine's automatic selection: RoCE v2 IPv4-mapped on an interface, other RoCE v2,
    /// IPv4-mapped v1, link-local, anything else.
    pub fn rank(&self) -> Option<u8> {
        if self.is_zero() {
            return None;
        }
        let link_local = self.addr.segments()[0] == 0xfe80;
        Some(match (self.is_roce_v2(), self.ipv4().is_some()) {
            (true, true) if self.ndev.is_some() => 0,
            (true, true) => 1,
            (true, false) if !link_local => 2,
            (false, true) => 3,
            _ if link_local => 4,
            _ => 5,
        })
    }
}

impl Port {
    /// The best non-zero GID (lowest rank, then lowest index).
    pub fn best_gid(&self) -> Option<&Gid> {
        self.gids
            .iter()
            .filter_map(|g| g.rank().map(|r| (r, g.index, g)))
            .min_by_key(|(r, i, _)| (*r, *i))
            .map(|(_, _, g)| g)
    }

    pub fn gid(&self, index: u32) -> Option<&Gid> {
        self.gids.iter().find(|g| g.index == index)
    }

    pub fn is_ethernet(&self) -> bool {
        self.link_layer.eq_ignore_ascii_case("ethernet")
    }

    /// The interface of the port's GIDs (RoCE), the best GID's first.
    pub fn netdev(&self) -> Option<&str> {
        self.best_gid()
            .and_then(|g| g.ndev.as_deref())
            .or_else(|| self.gids.iter().find_map(|g| g.ndev.as_deref()))
    }
}

fn read(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

/// `4: ACTIVE` → `ACTIVE`.
fn after_colon(text: String) -> String {
    match text.split_once(':') {
        Some((_, name)) => name.trim().to_string(),
        None => text,
    }
}

/// A decimal or `0x` hexadecimal number.
pub fn parse_number(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// `<root>/class/infiniband`.
pub fn devices_dir(root: &Path) -> PathBuf {
    root.join("class").join("infiniband")
}

/// The names of the RDMA devices under `root`, sorted; empty when there are none.
pub fn device_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(devices_dir(root))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Reads device `name` under `root`.
pub fn load_device(root: &Path, name: &str) -> Device {
    let path = devices_dir(root).join(name);
    let mut ports = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(path.join("ports")) {
        for entry in entries.filter_map(Result::ok) {
            if let Some(number) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) {
                ports.insert(number, load_port(&entry.path(), number));
            }
        }
    }
    Device {
        name: name.to_string(),
        hca_type: read(&path.join("hca_type")).filter(|s| !s.is_empty()),
        fw_ver: read(&path.join("fw_ver")).filter(|s| !s.is_empty()),
        max_mr_size_file: read(&path.join("max_mr_size")).and_then(|s| parse_number(&s)),
        path,
        ports,
    }
}

fn load_port(dir: &Path, number: u32) -> Port {
    let mut gids = Vec::new();
    if let Ok(entries) = fs::read_dir(dir.join("gids")) {
        for entry in entries.filter_map(Result::ok) {
            let Some(index) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Some(addr) = read(&entry.path()).and_then(|s| s.parse::<Ipv6Addr>().ok()) else {
                continue;
            };
            let attr = |kind: &str| {
                read(&dir.join("gid_attrs").join(kind).join(index.to_string())).filter(|s| !s.is_empty())
            };
            gids.push(Gid {
                index,
                addr,
                kind: attr("types"),
                ndev: attr("ndevs"),
            });
        }
    }
    gids.sort_by_key(|g| g.index);
    Port {
        number,
        state: read(&dir.join("state")).map(after_colon).unwrap_or_default(),
        phys_state: read(&dir.join("phys_state")).map(after_colon).unwrap_or_default(),
        link_layer: read(&dir.join("link_layer")).unwrap_or_default(),
        active_mtu_file: read(&dir.join("active_mtu"))
            .and_then(|s| parse_number(&s))
            .and_then(|n| u32::try_from(n).ok()),
        gids,
    }
}

/// The MTU of network interface `ifname` (`<root>/class/net/<if>/mtu`).
pub fn netdev_mtu(root: &Path, ifname: &str) -> Option<u32> {
    read(&root.join("class").join("net").join(ifname).join("mtu")).and_then(|s| s.parse().ok())
}

/// The RDMA MTU a RoCE port gets on an interface with this Ethernet MTU: the largest of 256..4096
/// that fits with the RoCE headers (as the kernel's `iboe_get_mtu`).
pub fn roce_mtu_for_netdev(netdev_mtu: u32) -> Option<u32> {
    // GRH 40 + UDP 8 + BTH 12 + XRC ext 4 + atomic ext 28 + ICRC 4.
    let room = netdev_mtu.checked_sub(96)?;
    [4096, 2048, 1024, 512, 256].into_iter().find(|&mtu| mtu <= room)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn gid(index: u32, addr: &str, kind: &str, ndev: Option<&str>) -> Gid {
        Gid {
            index,
            addr: addr.parse().unwrap(),
            kind: Some(kind.to_string()),
            ndev: ndev.map(str::to_string),
        }
    }

    #[test]
    fn roce_v2_ipv4_wins_the_gid_ranking() {
        let port = Port {
            number: 1,
            state: "ACTIVE".into(),
            phys_state: "LinkUp".into(),
            link_layer: "Ethernet".into(),
            active_mtu_file: None,
            gids: vec![
                gid(0, "fe80::e42:a1ff:fe9d:5ab0", "IB/RoCE v1", Some("ens1f0")),
                gid(1, "fe80::e42:a1ff:fe9d:5ab0", "RoCE v2", Some("ens1f0")),
                gid(2, "::ffff:10.0.0.2", "IB/RoCE v1", Some("ens1f0")),
                gid(3, "::ffff:10.0.0.2", "RoCE v2", Some("ens1f0")),
                gid(4, "::", "RoCE v2", None),
            ],
        };
        let best = port.best_gid().unwrap();
        assert_eq!(best.index, 3);
        assert_eq!(best.describe(), "RoCE v2, 10.0.0.2 on ens1f0");
        assert_eq!(port.gid(4).unwrap().rank(), None);
    }

    #[test]
    fn roce_mtu_follows_the_interface_mtu() {
        assert_eq!(roce_mtu_for_netdev(9000), Some(4096));
        assert_eq!(roce_mtu_for_netdev(4200), Some(4096));
        assert_eq!(roce_mtu_for_netdev(1500), Some(1024));
        assert_eq!(roce_mtu_for_netdev(50), None);
    }

    #[test]
    fn numbers_and_states_parse() {
        assert_eq!(parse_number("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_number("68719476736\n"), Some(68_719_476_736));
        assert_eq!(after_colon("4: ACTIVE".into()), "ACTIVE");
        assert_eq!(after_colon("5: LinkUp".into()), "LinkUp");
    }
}
