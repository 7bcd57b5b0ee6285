//! `MetadataStore`: the in-memory key → bytes map behind the HTTP metadata server, shared in-process.
//!
//! Values are opaque bytes stored verbatim (transfer engines write compact JSON, but nothing here parses
//! it). There are no TTLs and no persistence: a restart starts empty and engines re-publish. The one
//! rule the store enforces is Mooncake's `rpc_meta` rule, checked under the same lock as the write so
//! two racing publishers cannot both win: a key containing `rpc_meta` may be re-put with the same value
//! (idempotent) but not overwritten with a different one.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::RwLock;

use crate::error::DuplicateRpcMetaKey;

/// Substring that marks a key as an RPC endpoint record, subject to the no-overwrite rule.
const RPC_META_MARKER: &str = "rpc_meta";

/// Key of a segment's descriptor, as transfer engines publish it: `mooncake/ram/<name>`.
pub fn ram_key(segment_name: &str) -> String {
    format!("mooncake/ram/{segment_name}")
}

/// Key of a segment owner's RPC endpoint, as transfer engines publish it: `mooncake/rpc_meta/<name>`.
pub fn rpc_meta_key(segment_name: &str) -> String {
    format!("mooncake/rpc_meta/{segment_name}")
}

/// What a successful [`MetadataStore::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// The key was created or its value replaced.
    Updated,
    /// An `rpc_meta` key was re-put with the value it already had; nothing changed.
    Unchanged,
}

/// Shared in-memory metadata map. Cloning is cheap and every clone sees the same entries.
#[derive(Clone, Default)]
pub struct MetadataStore {
    entries: Arc<RwLock<HashMap<String, Bytes>>>,
}

impl std::fmt::Debug for MetadataStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetadataStore").field("len", &self.len()).finish()
    }
}

impl MetadataStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.read().get(key).cloned()
    }

    /// Stores `value` under `key`, applying Mooncake's `rpc_meta` rule: for a key containing `rpc_meta`
    /// that already exists, the same value again is [`PutOutcome::Unchanged`] and a different value is
    /// rejected. Every other key is simply overwritten.
    pub fn put(&self, key: &str, value: Bytes) -> Result<PutOutcome, DuplicateRpcMetaKey> {
        let mut entries = self.entries.write();
        if key.contains(RPC_META_MARKER)
            && let Some(existing) = entries.get(key)
        {
            return if *existing == value {
                Ok(PutOutcome::Unchanged)
            } else {
                Err(DuplicateRpcMetaKey { key: key.to_owned() })
            };
        }
        entries.insert(key.to_owned(), value);
        Ok(PutOutcome::Updated)
    }

    /// Removes `key`; returns whether it existed.
    pub fn delete(&self, key: &str) -> bool {
        self.entries.write().remove(key).is_some()
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.entries.read().keys().cloned().collect();
        keys.sort_unstable();
        keys
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.read().len()
    }

    /// Whether the store holds no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.read().is_empty()
    }

    /// Deletes a segment's published metadata, `mooncake/ram/<name>` and `mooncake/rpc_meta/<name>`, in
    /// one step. The master calls this when the segment's owner stops heartbeating, so that a restarted
    /// owner can publish a new `rpc_meta` entry. Returns how many of the two keys existed.
    pub fn remove_segment(&self, segment_name: &str) -> usize {
        let (ram, rpc_meta) = (ram_key(segment_name), rpc_meta_key(segment_name));
        let mut entries = self.entries.write();
        usize::from(entries.remove(&ram).is_some()) + usize::from(entries.remove(&rpc_meta).is_some())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    #[test]
    fn put_get_delete_round_trip() {
        let store = MetadataStore::new();
        assert!(store.is_empty());
        assert_eq!(store.get("a"), None);
        assert_eq!(store.put("a", b("1")).unwrap(), PutOutcome::Updated);
        assert_eq!(store.get("a"), Some(b("1")));
        assert_eq!(store.put("a", b("2")).unwrap(), PutOutcome::Updated);
        assert_eq!(store.get("a"), Some(b("2")));
        assert_eq!(store.len(), 1);
        assert!(store.delete("a"));
        assert!(!store.delete("a"));
        assert_eq!(store.get("a"), None);
        assert!(store.is_empty());
    }

    #[test]
    fn ordinary_keys_are_overwritten_even_with_the_same_value() {
        let store = MetadataStore::new();
        store.put("mooncake/ram/n1", b("x")).unwrap();
        assert_eq!(store.put("mooncake/ram/n1", b("x")).unwrap(), PutOutcome::Updated);
    }

    #[test]
    fn rpc_meta_same_value_is_unchanged_different_value_rejected() {
        let store = MetadataStore::new();
        let key = rpc_meta_key("127.0.0.1:1234");
        assert_eq!(store.put(&key, b("v1")).unwrap(), PutOutcome::Updated);
        assert_eq!(store.put(&key, b("v1")).unwrap(), PutOutcome::Unchanged);
        let err = store.put(&key, b("v2")).unwrap_err();
        assert_eq!(err.key, key);
        assert_eq!(store.get(&key), Some(b("v1")));
        // Once deleted, the key can be published afresh with a new value.
        assert!(store.delete(&key));
        assert_eq!(store.put(&key, b("v2")).unwrap(), PutOutcome::Updated);
    }

    #[test]
    fn rpc_meta_rule_is_a_substring_test() {
        let store = MetadataStore::new();
        store.put("cluster/x_rpc_meta_y", b("1")).unwrap();
        assert!(store.put("cluster/x_rpc_meta_y", b("2")).is_err());
    }

    #[test]
    fn keys_are_sorted_and_clones_share_entries() {
        let store = MetadataStore::new();
        let clone = store.clone();
        clone.put("b", b("")).unwrap();
        store.put("a", b("")).unwrap();
        assert_eq!(store.keys(), vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(clone.len(), 2);
    }

    #[test]
    fn remove_segment_deletes_both_keys_and_nothing_else() {
        let store = MetadataStore::new();
        store.put(&ram_key("n1"), b("desc")).unwrap();
        store.put(&rpc_meta_key("n1"), b("rpc")).unwrap();
        store.put(&ram_key("n2"), b("desc2")).unwrap();
        store.put("mooncake/ram/n1x", b("other")).unwrap();
        assert_eq!(store.remove_segment("n1"), 2);
        assert_eq!(
            store.keys(),
            vec!["mooncake/ram/n1x".to_owned(), "mooncake/ram/n2".to_owned()]
        );
        assert_eq!(store.remove_segment("n1"), 0);
        store.put(&rpc_meta_key("n2"), b("rpc2")).unwrap();
        assert_eq!(store.remove_segment("n2"), 2);
        assert_eq!(store.keys(), vec!["mooncake/ram/n1x".to_owned()]);
    }

    #[test]
    fn concurrent_puts_from_threads_all_land() {
        let store = MetadataStore::new();
        std::thread::scope(|s| {
            for t in 0..4 {
                let store = store.clone();
                s.spawn(move || {
                    for i in 0..250 {
                        store
                            .put(&format!("k/{t}/{i}"), Bytes::from(vec![t as u8; 8]))
                            .unwrap();
                    }
                });
            }
        });
        assert_eq!(store.len(), 1000);
        assert_eq!(store.get("k/3/249"), Some(Bytes::from(vec![3u8; 8])));
    }
}
