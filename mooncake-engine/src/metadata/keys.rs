//! `KeySpace`: the metadata keys a transfer engine publishes, with Mooncake's optional cluster id.
//!
//! `mooncake/[<cluster>/]ram/<name>` holds the segment descriptor and `mooncake/[<cluster>/]rpc_meta/<name>`
//! the handshake endpoint; the same keys in HTTP, etcd and Redis. The cluster id comes from
//! `MC_METADATA_CLUSTER_ID` and lets several clusters share one metadata service. Segment names that
//! contain `/` (Mooncake's NVMe-oF segments) are appended to the prefix raw instead of under `ram/`.

/// Common prefix of every key.
const ROOT: &str = "mooncake/";

/// The key layout of one cluster. The default is the plain `mooncake/` layout that
/// [`ram_key`](super::ram_key) and [`rpc_meta_key`](super::rpc_meta_key) produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpace {
    prefix: String,
}

impl Default for KeySpace {
    fn default() -> Self {
        Self::new(None)
    }
}

impl KeySpace {
    /// The layout for `cluster_id` (`None` or empty: no cluster level). A trailing `/` is added to the
    /// id when missing, as Mooncake does.
    pub fn new(cluster_id: Option<&str>) -> Self {
        let prefix = match cluster_id {
            Some(id) if !id.is_empty() && id.ends_with('/') => format!("{ROOT}{id}"),
            Some(id) if !id.is_empty() => format!("{ROOT}{id}/"),
            _ => ROOT.to_owned(),
        };
        Self { prefix }
    }

    /// The layout selected by `MC_METADATA_CLUSTER_ID`.
    pub fn from_env() -> Self {
        Self::new(std::env::var("MC_METADATA_CLUSTER_ID").ok().as_deref())
    }

    /// `mooncake/` or `mooncake/<cluster>/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Key of a segment's descriptor.
    pub fn segment_key(&self, name: &str) -> String {
        if name.contains('/') {
            format!("{}{name}", self.prefix)
        } else {
            format!("{}ram/{name}", self.prefix)
        }
    }

    /// Key of a segment owner's handshake endpoint.
    pub fn rpc_meta_key(&self, name: &str) -> String {
        format!("{}rpc_meta/{name}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_layout_matches_the_plain_key_helpers() {
        let keys = KeySpace::default();
        assert_eq!(
            keys.segment_key("127.0.0.1:1"),
            super::super::ram_key("127.0.0.1:1")
        );
        assert_eq!(
            keys.rpc_meta_key("127.0.0.1:1"),
            super::super::rpc_meta_key("127.0.0.1:1")
        );
        assert_eq!(KeySpace::new(Some("")), keys);
    }

    #[test]
    fn cluster_id_inserts_a_level_with_one_slash() {
        for id in ["c1", "c1/"] {
            let keys = KeySpace::new(Some(id));
            assert_eq!(keys.prefix(), "mooncake/c1/");
            assert_eq!(keys.segment_key("n"), "mooncake/c1/ram/n");
            assert_eq!(keys.rpc_meta_key("n"), "mooncake/c1/rpc_meta/n");
        }
    }

    #[test]
    fn names_with_a_slash_are_appended_raw() {
        assert_eq!(
            KeySpace::default().segment_key("nvmeof/disk0"),
            "mooncake/nvmeof/disk0"
        );
    }
}
