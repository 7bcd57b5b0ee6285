//! `mooncake doctor rdma`: the RDMA checklist of Mooncake's troubleshooting guide, per device — the
//! device exists, its port is ACTIVE, the GID at `MC_GID_INDEX` is usable, the MTUs agree, the planned
//! registration fits `max_mr_size` — and once for the host, the locked-memory limit.

use std::path::PathBuf;

use super::check::{Check, Group, Verdict};
use super::memlock::Memlock;
use super::sysfs::{self, Device, Port};
use super::verbs;
use crate::output::human_size;

/// MTUs `MC_MTU` may take.
const VALID_MTUS: [u32; 4] = [512, 1024, 2048, 4096];
/// The transfer engine's `MC_MTU` when unset.
pub const DEFAULT_MTU: u32 = 4096;
/// A common device limit for one registration (the seed's "can only register 64GB").
const COMMON_MR_LIMIT: u64 = 64 << 30;

/// What the RDMA checks compare against.
#[derive(Clone, Debug)]
pub struct RdmaSettings {
    pub sysfs_root: PathBuf,
    /// Devices asked for (`--device`); empty = every device found.
    pub devices: Vec<String>,
    /// `MC_IB_PORT` as given (default 1).
    pub ib_port: String,
    /// `MC_GID_INDEX` as given; `None` = automatic selection.
    pub gid_index: Option<String>,
    /// `MC_MTU` as given; `None` = 4096.
    pub mtu: Option<String>,
    /// Bytes a node will register: global segment + local buffer.
    pub planned_registration: u64,
    /// How the planned registration is made up, for the evidence.
    pub planned_text: String,
    pub memlock: Option<Memlock>,
}

fn check(id: &'static str, title: impl Into<String>, verdict: Verdict, evidence: impl Into<String>) -> Check {
    Check::new(Group::Rdma, id, title, verdict, evidence)
}

/// Whether there is anything for the RDMA checks to look at.
pub fn applies(settings: &RdmaSettings) -> bool {
    !settings.devices.is_empty() || !sysfs::device_names(&settings.sysfs_root).is_empty()
}

/// Runs every RDMA check.
pub fn run(settings: &RdmaSettings) -> Vec<Check> {
    let mut checks = Vec::new();
    let found = sysfs::device_names(&settings.sysfs_root);
    let dir = sysfs::devices_dir(&settings.sysfs_root);
    let wanted = if settings.devices.is_empty() {
        found.clone()
    } else {
        settings.devices.clone()
    };
    if wanted.is_empty() {
        checks.push(
            check(
                "rdma.devices",
                "RDMA devices",
                Verdict::Warn,
                format!("none under {}", dir.display()),
            )
            .hint(
                "no RDMA NIC is visible: load the driver (mlx5_ib, irdma, erdma...) and check `ibv_devinfo`; \
                 without RDMA use --protocol tcp",
            ),
        );
    }
    let (ib_port, port_check) = parse_ib_port(&settings.ib_port);
    checks.extend(port_check);
    let (gid_index, gid_check) = parse_gid_index(settings.gid_index.as_deref());
    checks.extend(gid_check);
    let (mtu, mtu_check) = parse_mtu(settings.mtu.as_deref());
    checks.extend(mtu_check);

    for name in &wanted {
        if !found.contains(name) {
            checks.push(
                check(
                    "rdma.device_present",
                    format!("device {name}"),
                    Verdict::Fail,
                    format!(
                        "No matched device found: {name} is not under {} (this host has: {})",
                        dir.display(),
                        if found.is_empty() {
                            "none".to_string()
                        } else {
                            found.join(", ")
                        }
                    ),
                )
                .hint("fix --device / device_name (nic_priority_matrix) to a name `ibv_devinfo` lists"),
            );
            continue;
        }
        let device = sysfs::load_device(&settings.sysfs_root, name);
        let Some(port) = device.ports.get(&ib_port) else {
            let ports: Vec<String> = device.ports.keys().map(u32::to_string).collect();
            checks.push(
                check(
                    "rdma.port_active",
                    format!("{name} port {ib_port} state"),
                    Verdict::Fail,
                    format!("{name} has no port {ib_port} (ports: {})", ports.join(", ")),
                )
                .hint(format!(
                    "set MC_IB_PORT to one of the device's ports ({})",
                    ports.join(", ")
                )),
            );
            continue;
        };
        checks.push(port_state(&device, port));
        checks.push(gid(&device, port, gid_index));
        checks.push(mtu_check_for(settings, &device, port, mtu));
        checks.push(max_mr(settings, &device));
    }
    checks.push(memlock(settings));
    checks
}

fn parse_ib_port(text: &str) -> (u32, Option<Check>) {
    match text.trim().parse::<u32>() {
        Ok(port) if port > 0 => (port, None),
        _ => (
            1,
            Some(
                check(
                    "rdma.settings",
                    "MC_IB_PORT",
                    Verdict::Warn,
                    format!("MC_IB_PORT={text:?} is not a port number; the engine ignores it and uses 1"),
                )
                .hint("set MC_IB_PORT to a port number such as 1, or unset it"),
            ),
        ),
    }
}

fn parse_gid_index(text: Option<&str>) -> (Option<u32>, Option<Check>) {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return (None, None);
    };
    match text.parse::<u32>() {
        Ok(index) => (Some(index), None),
        Err(_) => (
            None,
            Some(
                check(
                    "rdma.settings",
                    "MC_GID_INDEX",
                    Verdict::Warn,
                    format!(
                        "MC_GID_INDEX={text:?} is not an index; the engine ignores it and picks a GID itself"
                    ),
                )
                .hint("set MC_GID_INDEX to a GID table index (see the GID check below), or unset it"),
            ),
        ),
    }
}

fn parse_mtu(text: Option<&str>) -> (u32, Option<Check>) {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return (DEFAULT_MTU, None);
    };
    match text.parse::<u32>() {
        Ok(mtu) if VALID_MTUS.contains(&mtu) => (mtu, None),
        _ => (
            DEFAULT_MTU,
            Some(
                check(
                    "rdma.settings",
                    "MC_MTU",
                    Verdict::Warn,
                    format!("MC_MTU={text:?} is not one of 512, 1024, 2048, 4096; the engine ignores it and uses 4096"),
                )
                .hint("MC_MTU is the RDMA path MTU, not the Ethernet MTU: use 1024 for a 1500-byte network, 4096 for jumbo frames"),
            ),
        ),
    }
}

fn port_state(device: &Device, port: &Port) -> Check {
    let title = format!("{} port {} state", device.name, port.number);
    let mut evidence = format!(
        "{} ({}), link layer {}",
        or_unknown(&port.state),
        or_unknown(&port.phys_state),
        or_unknown(&port.link_layer)
    );
    if let Some(hca) = &device.hca_type {
        evidence.push_str(&format!(", {hca}"));
    }
    if port.state.eq_ignore_ascii_case("ACTIVE") {
        return check("rdma.port_active", title, Verdict::Pass, evidence);
    }
    let others: Vec<String> = device
        .ports
        .values()
        .filter(|p| p.number != port.number && p.state.eq_ignore_ascii_case("ACTIVE"))
        .map(|p| p.number.to_string())
        .collect();
    let mut hint = format!(
        "\"Device {} port not active\": check the cable and the switch port (`ibstat {}`, phys_state should be LinkUp) and the driver",
        device.name, device.name
    );
    if !others.is_empty() {
        hint.push_str(&format!(
            "; port {} is ACTIVE: MC_IB_PORT={} uses it",
            others.join(", "),
            others[0]
        ));
    }
    check("rdma.port_active", title, Verdict::Fail, evidence).hint(hint)
}

fn or_unknown(text: &str) -> &str {
    if text.is_empty() { "unknown" } else { text }
}

fn gid(device: &Device, port: &Port, index: Option<u32>) -> Check {
    let title = format!("{} port {} GID", device.name, port.number);
    let best = port.best_gid();
    let use_best = |b: &sysfs::Gid| format!("export MC_GID_INDEX={} ({})", b.index, b.describe());
    let Some(index) = index else {
        return match best {
            None => check("rdma.gid", title, Verdict::Fail, "every GID is all-zero").hint(
                "the RoCE interface has no IP address: assign one (ip addr add ... dev <if>) so the GID table fills",
            ),
            Some(b) if b.rank() == Some(0) || !port.is_ethernet() => check(
                "rdma.gid",
                title,
                Verdict::Pass,
                format!("MC_GID_INDEX unset: the engine picks index {} ({})", b.index, b.describe()),
            ),
            Some(b) => check(
                "rdma.gid",
                title,
                Verdict::Warn,
                format!(
                    "MC_GID_INDEX unset: the best GID is index {} ({}), not a RoCE v2 IPv4 one",
                    b.index,
                    b.describe()
                ),
            )
            .hint("give the RoCE interface an IPv4 address so a routable RoCE v2 GID appears"),
        };
    };
    match port.gid(index) {
        Some(gid) if !gid.is_zero() => {
            let evidence = format!("MC_GID_INDEX={index}: {}", gid.describe());
            match best {
                Some(b) if port.is_ethernet() && b.rank() < gid.rank() && b.rank() == Some(0) => {
                    check("rdma.gid", title, Verdict::Warn, format!("{evidence}; index {} is RoCE v2 IPv4", b.index))
                        .hint(format!(
                            "RoCE v1 and link-local GIDs do not route between subnets and peers using v2 reject them (\"Failed to modify QP to RTR\"): {}",
                            use_best(b)
                        ))
                }
                _ => check("rdma.gid", title, Verdict::Pass, evidence),
            }
        }
        found => {
            let evidence = if found.is_some() {
                format!("MC_GID_INDEX={index}: the GID there is all-zero")
            } else {
                format!("MC_GID_INDEX={index}: no such entry in the GID table")
            };
            let hint = match best {
                Some(b) => format!("an all-zero GID makes every handshake fail: {}", use_best(b)),
                None => "no GID is populated: give the RoCE interface an IP address".to_string(),
            };
            check("rdma.gid", title, Verdict::Fail, evidence).hint(hint)
        }
    }
}

fn mtu_check_for(settings: &RdmaSettings, device: &Device, port: &Port, mc_mtu: u32) -> Check {
    let title = format!("{} port {} MTU", device.name, port.number);
    let netdev = port
        .netdev()
        .map(|ifname| (ifname, sysfs::netdev_mtu(&settings.sysfs_root, ifname)));
    let netdev_text = match netdev {
        Some((ifname, Some(mtu))) => format!("; {ifname} MTU {mtu}"),
        Some((ifname, None)) => format!("; {ifname} MTU unknown"),
        None => String::new(),
    };
    let active = match verbs::active_mtu(&settings.sysfs_root, device, port.number) {
        Some((mtu, source)) => Some((mtu, source.name().to_string())),
        None => match netdev {
            Some((_, Some(netdev_mtu))) if port.is_ethernet() => sysfs::roce_mtu_for_netdev(netdev_mtu)
                .map(|m| (m, "derived from the interface MTU".to_string())),
            _ => None,
        },
    };
    let Some((active, source)) = active else {
        return check(
            "rdma.mtu",
            title,
            Verdict::Skip,
            format!("active MTU unknown: {}{netdev_text}", verbs::unavailable_reason()),
        )
        .hint("compare `ibv_devinfo -d <dev> | grep active_mtu` with MC_MTU on every node");
    };
    let evidence = format!("active {active} ({source}), MC_MTU {mc_mtu}{netdev_text}");
    if active >= mc_mtu {
        return check("rdma.mtu", title, Verdict::Pass, evidence);
    }
    let raise = match netdev {
        Some((ifname, _)) => {
            format!("raise the interface MTU (ip link set dev {ifname} mtu 9000, and on the switch)")
        }
        None => "raise the port MTU".to_string(),
    };
    check("rdma.mtu", title, Verdict::Warn, format!("{evidence}: the path runs at {active}")).hint(format!(
        "peers must agree on the path MTU or QPs fail to reach RTR (\"check mtu, gid\"): set MC_MTU={active} on every node, or {raise}"
    ))
}

fn max_mr(settings: &RdmaSettings, device: &Device) -> Check {
    let title = format!("{} max_mr_size", device.name);
    let planned = settings.planned_registration;
    let Some((limit, source)) = verbs::max_mr_size(&settings.sysfs_root, device) else {
        let evidence = format!(
            "unknown: {}; planned registration {}",
            verbs::unavailable_reason(),
            settings.planned_text
        );
        let verdict = if planned > COMMON_MR_LIMIT {
            Verdict::Warn
        } else {
            Verdict::Skip
        };
        return check("rdma.max_mr_size", title, verdict, evidence).hint(format!(
            "check `ibv_devinfo -v -d {} | grep max_mr_size`: some devices cannot register more than 64 GiB",
            device.name
        ));
    };
    let shown = if limit == u64::MAX {
        "no limit (0xffffffffffffffff)".to_string()
    } else {
        format!("{} ({limit})", human_size(limit))
    };
    let evidence = format!("{shown} {}; planned {}", source.name(), settings.planned_text);
    if planned <= limit {
        return check("rdma.max_mr_size", title, Verdict::Pass, evidence);
    }
    check("rdma.max_mr_size", title, Verdict::Fail, evidence).hint(format!(
        "registration fails (\"Failed to register memory ...: Input/output error [5]\", dmesg \"Out of mr size\"): keep --global-segment-size + --local-buffer-size under {}, or run more nodes with smaller segments",
        human_size(limit)
    ))
}

fn memlock(settings: &RdmaSettings) -> Check {
    let title = "locked-memory limit (ulimit -l)";
    let planned = settings.planned_registration;
    match settings.memlock {
        None => check("rdma.memlock", title, Verdict::Warn, "could not read RLIMIT_MEMLOCK")
            .hint("check `ulimit -l` in the shell or unit that starts the node"),
        Some(Memlock::Unlimited) => check("rdma.memlock", title, Verdict::Pass, "unlimited"),
        Some(Memlock::Bytes(limit)) if limit >= planned => check(
            "rdma.memlock",
            title,
            Verdict::Pass,
            format!("{} >= planned {}", human_size(limit), settings.planned_text),
        ),
        Some(Memlock::Bytes(limit)) => check(
            "rdma.memlock",
            title,
            Verdict::Fail,
            format!("{} < planned {}", human_size(limit), settings.planned_text),
        )
        .hint(
            "RDMA registration pins memory: raise the limit (`ulimit -l unlimited`, `LimitMEMLOCK=infinity` in the systemd unit, \
             `memlock` in /etc/security/limits.conf, `--ulimit memlock=-1` for docker); processes with CAP_IPC_LOCK are exempt",
        ),
    }
}
