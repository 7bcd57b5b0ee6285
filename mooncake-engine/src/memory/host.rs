//! The identity of this host's shared-memory domain, published as `host_id` in segment descriptors:
//! two engines with equal ids can map each other's segments (the `shm` transport).
//!
//! The id is `<boot id>/<device of /dev/shm>`. The boot id (`/proc/sys/kernel/random/boot_id`) is
//! unique per kernel boot, so it tells hosts apart even when hostnames repeat (clones, containers
//! named `localhost`). The kernel is not enough on its own: two containers on one kernel usually
//! have private `/dev/shm` mounts and cannot open each other's segment files, so the device number
//! of the `/dev/shm` mount (an anonymous device, unique per mount within one boot) is part of the id.
//! Equal ids therefore mean "same kernel and same `/dev/shm`", which is what `shm` needs.

use std::os::unix::fs::MetadataExt;
use std::sync::OnceLock;

/// Directory holding segment files that same-host peers open.
pub const SHM_DIR: &str = "/dev/shm";

/// This host's shared-memory identity (computed once per process). See the module docs.
pub fn host_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(compute_host_id)
}

fn compute_host_id() -> String {
    let boot = match std::fs::read_to_string("/proc/sys/kernel/random/boot_id") {
        Ok(id) => id.trim().to_owned(),
        Err(err) => {
            // Without a boot id we cannot tell this boot from another host with the same name;
            // the hostname is the best remaining guess, and a wrong "same host" verdict only makes
            // the shm transport fail to open a path (it never copies into the wrong memory,
            // because segment file names are unique).
            let host = hostname();
            tracing::warn!(%err, %host, "cannot read the kernel boot id; using the hostname as host id");
            format!("host:{host}")
        }
    };
    match std::fs::metadata(SHM_DIR) {
        Ok(meta) => format!("{boot}/shm:{:x}", meta.dev()),
        Err(err) => {
            tracing::warn!(%err, "{SHM_DIR} is not available; same-host peers cannot map our segments");
            format!("{boot}/shm:none")
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn host_id_is_stable_and_names_the_boot() {
        let id = host_id();
        assert_eq!(id, compute_host_id());
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
        assert!(id.starts_with(boot.trim()), "{id}");
        assert!(id.contains("/shm:"), "{id}");
    }
}
