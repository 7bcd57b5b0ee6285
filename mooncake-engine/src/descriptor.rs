//! Segment descriptors: what a transfer engine publishes about itself (Mooncake's JSON, so real
//! Mooncake engines and ours read each other's), and the `rpc_meta` record.
//!
//! Keys (see [`crate::metadata::ram_key`]): `mooncake/ram/<name>` holds a [`SegmentDescriptor`], `mooncake/rpc_meta/<name>` an
//! [`RpcMeta`]. Extra fields of ours (`host_id`, per-buffer `shm_name`) are ignored by Mooncake and
//! let a peer on the same host map our memory directly.

use serde::{Deserialize, Serialize};

/// One registered memory region, addressed by absolute virtual address in the owner's process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BufferDescriptor {
    /// For `tcp`, the server name; for `rdma`, the memory location (`cpu:0`).
    pub name: String,
    pub addr: u64,
    pub length: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rkey: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lkey: Vec<u32>,
    /// Path of a file (under `/dev/shm`) that maps exactly this buffer from offset 0, so a process
    /// on the same host can map it (ours only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shm_name: Option<String>,
}

impl BufferDescriptor {
    /// Whether `[addr, addr + len)` lies inside this buffer.
    pub fn covers(&self, addr: u64, len: u64) -> bool {
        // Checked on both ends: descriptors come from peers, and a hostile one must not overflow us.
        let (Some(end), Some(limit)) = (addr.checked_add(len), self.addr.checked_add(self.length)) else {
            return false;
        };
        addr >= self.addr && end <= limit
    }
}

/// An RDMA device as published (not used by TCP-only engines).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDescriptor {
    pub name: String,
    #[serde(default)]
    pub lid: u16,
    pub gid: String,
}

/// What one transfer engine publishes under `mooncake/ram/<name>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentDescriptor {
    pub name: String,
    pub protocol: String,
    #[serde(default)]
    pub tcp_data_port: u16,
    /// Missing means 1 (no status frames).
    #[serde(default = "tcp_v1")]
    pub tcp_proto_version: u32,
    /// Host of the TCP data listener (Mooncake ≥ 0.3.13); absent → `rpc_meta.ip_or_host_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_data_host: Option<String>,
    #[serde(default)]
    pub rdma_server_name: String,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub buffers: Vec<BufferDescriptor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceDescriptor>,
    /// Identity of the owner's host (boot id); equal ids mean the same machine (ours only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
}

fn tcp_v1() -> u32 {
    1
}

impl SegmentDescriptor {
    /// The buffer holding `[addr, addr + len)`, if any.
    pub fn buffer_for(&self, addr: u64, len: u64) -> Option<&BufferDescriptor> {
        self.buffers.iter().find(|b| b.covers(addr, len))
    }
}

/// What one transfer engine publishes under `mooncake/rpc_meta/<name>`: its handshake listener.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpcMeta {
    pub ip_or_host_name: String,
    pub rpc_port: u16,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_descriptor_a_real_mooncake_engine_publishes() {
        let text = r#"{"buffers":[{"addr":139906781282304,"length":100663296,"name":"127.0.0.1:12345"}],"name":"127.0.0.1:12345","protocol":"tcp","rdma_server_name":"","tcp_data_host":"127.0.0.1","tcp_data_port":15821,"tcp_proto_version":2,"timestamp":"2026-11-23 07:25:54.885644"}"#;
        let d: SegmentDescriptor = serde_json::from_str(text).unwrap();
        assert_eq!((d.tcp_data_port, d.tcp_proto_version), (15821, 2));
        assert_eq!(d.tcp_data_host.as_deref(), Some("127.0.0.1"));
        assert!(d.buffer_for(139906781282304 + 100, 1000).is_some());
        assert!(d.buffer_for(139906781282304 + 100663296 - 10, 11).is_none());
        let hostile = BufferDescriptor {
            addr: u64::MAX - 1,
            length: 10,
            ..d.buffers[0].clone()
        };
        assert!(
            !hostile.covers(u64::MAX - 1, 1),
            "an overflowing buffer covers nothing"
        );
        let again: SegmentDescriptor = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(again, d);
    }

    #[test]
    fn a_minimal_descriptor_defaults_to_protocol_v1() {
        let d: SegmentDescriptor = serde_json::from_str(r#"{"name":"a","protocol":"tcp"}"#).unwrap();
        assert_eq!((d.tcp_proto_version, d.buffers.len()), (1, 0));
    }
}
