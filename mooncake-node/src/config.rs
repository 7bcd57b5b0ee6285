//! [`ClientConfig`]: the arguments of Mooncake's `setup()`, with its defaults.

use crate::error::ClientError;

/// 16 MiB, Mooncake's default for both the global segment and the local buffer.
pub const DEFAULT_SIZE: u64 = 16 << 20;

/// How a [`crate::Client`] joins the store (Mooncake's `setup()` arguments).
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `host` or `host:port` peers reach this client's transfer engine at. Default `127.0.0.1`.
    pub local_hostname: String,
    /// Where transfer-engine descriptors live: `P2PHANDSHAKE` (default), `http://…/metadata`,
    /// `etcd://…`, `redis://…`.
    pub metadata_server: String,
    /// Bytes this client contributes to the pool (0 = contribute nothing). Default 16 MiB.
    pub global_segment_size: u64,
    /// Mooncake's staging buffer size. Kept for compatibility: the TCP and shm transports read and
    /// write callers' buffers directly, so no staging buffer is allocated. Default 16 MiB.
    pub local_buffer_size: u64,
    /// Data-path protocol; only `tcp` is offered (the `rdma` transport is a stub). Default `tcp`.
    pub protocol: String,
    /// RDMA device names; unused with `tcp`. Default empty.
    pub device_name: String,
    /// The master's gRPC address, `host:port` or `http://host:port`. Default `127.0.0.1:50051`.
    pub master_server_address: String,
    /// Use the shared-memory fast path for replicas on this host. Default `true`.
    pub enable_shm: bool,
    /// Store a CRC-32 of every value at PutEnd and verify it on get. Default `true`.
    pub checksum: bool,
    /// Pre-fault the global segment at start-up so the first puts into it do not page-fault.
    /// Default `true`.
    pub prefault: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            local_hostname: "127.0.0.1".to_string(),
            metadata_server: "P2PHANDSHAKE".to_string(),
            global_segment_size: DEFAULT_SIZE,
            local_buffer_size: DEFAULT_SIZE,
            protocol: "tcp".to_string(),
            device_name: String::new(),
            master_server_address: "127.0.0.1:50051".to_string(),
            enable_shm: true,
            checksum: true,
            prefault: true,
        }
    }
}

impl ClientConfig {
    /// Defaults with the master at `master_server_address`.
    pub fn new(master_server_address: impl Into<String>) -> Self {
        Self {
            master_server_address: master_server_address.into(),
            ..Self::default()
        }
    }

    /// Checks the settings a client cannot run with.
    pub fn validate(&self) -> Result<(), ClientError> {
        if self.local_hostname.is_empty() {
            return Err(ClientError::InvalidArgument("local_hostname is empty"));
        }
        if self.master_server_address.is_empty() {
            return Err(ClientError::InvalidArgument("master_server_address is empty"));
        }
        if self.protocol != "tcp" {
            return Err(ClientError::InvalidArgument("protocol must be `tcp`"));
        }
        Ok(())
    }

    /// The master address as a gRPC URI.
    pub(crate) fn master_uri(&self) -> String {
        if self.master_server_address.contains("://") {
            self.master_server_address.clone()
        } else {
            format!("http://{}", self.master_server_address)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_mooncakes() {
        let config = ClientConfig::default();
        assert_eq!(config.global_segment_size, 16 << 20);
        assert_eq!(config.local_buffer_size, 16 << 20);
        assert_eq!(config.master_uri(), "http://127.0.0.1:50051");
        assert_eq!(config.metadata_server, "P2PHANDSHAKE");
        assert!(config.validate().is_ok());
        let rdma = ClientConfig {
            protocol: "rdma".into(),
            ..ClientConfig::default()
        };
        assert!(rdma.validate().is_err());
    }
}
