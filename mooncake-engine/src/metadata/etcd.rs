//! `EtcdKv`: the etcd metadata backend, plain Put/Get/Delete of Mooncake's keys.
//!
//! Mirrors Mooncake's Go wrapper around clientv3: one client for all endpoints, 32 MiB messages, a
//! 5 s deadline per operation, and no leases — entries outlive their writer, so a crashed engine's
//! descriptor stays until someone deletes it (the master's stale-metadata cleanup, or the next
//! engine publishing under the same name). The client connects lazily: an unreachable cluster shows
//! up as a failed (timed-out) first operation, not here.

use std::time::Duration;

use etcd_client::{Client, ConnectOptions, KvClient};

use super::backend::KvBackend;
use crate::error::MetadataError;

/// Deadline of one etcd operation, as in Mooncake.
pub const ETCD_OP_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest gRPC message sent or received, as in Mooncake (descriptors with thousands of buffers).
const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Client of one etcd cluster. Cheap to clone; clones share the gRPC channel.
#[derive(Clone)]
pub struct EtcdKv {
    kv: KvClient,
    endpoints: String,
    timeout: Duration,
}

/// An etcd client for `endpoints` whose connects and requests time out after `timeout`, and the
/// endpoints as one label for errors and logs (`a;b;c`).
pub(crate) async fn connect_client(
    endpoints: &[String],
    timeout: Duration,
) -> Result<(Client, String), MetadataError> {
    let label = endpoints.join(";");
    let options = ConnectOptions::new()
        .with_connect_timeout(timeout)
        .with_timeout(timeout);
    let client = Client::connect(endpoints, Some(options))
        .await
        .map_err(|source| MetadataError::EtcdConnect {
            endpoints: label.clone(),
            source,
        })?;
    Ok((client, label))
}

impl std::fmt::Debug for EtcdKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtcdKv")
            .field("endpoints", &self.endpoints)
            .finish()
    }
}

impl EtcdKv {
    /// A client for `endpoints` (`host:port` or `http://host:port` each). Does no I/O.
    pub async fn connect(endpoints: &[String]) -> Result<Self, MetadataError> {
        let (client, label) = connect_client(endpoints, ETCD_OP_TIMEOUT).await?;
        let kv = client
            .kv_client()
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        Ok(Self {
            kv,
            endpoints: label,
            timeout: ETCD_OP_TIMEOUT,
        })
    }

    /// The endpoints, `;`-joined.
    pub fn endpoints(&self) -> &str {
        &self.endpoints
    }

    /// Runs one request under the operation deadline, mapping both failure kinds.
    async fn call<T>(
        &self,
        op: &'static str,
        key: &str,
        request: impl Future<Output = Result<T, etcd_client::Error>>,
    ) -> Result<T, MetadataError> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(result) => result.map_err(|source| MetadataError::Etcd {
                op,
                key: key.to_owned(),
                endpoints: self.endpoints.clone(),
                source,
            }),
            Err(_) => Err(MetadataError::Timeout {
                backend: "etcd",
                op,
                key: key.to_owned(),
                timeout: self.timeout,
            }),
        }
    }
}

impl KvBackend for EtcdKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MetadataError> {
        let mut kv = self.kv.clone();
        let response = self.call("get", key, kv.get(key, None)).await?;
        Ok(response.kvs().first().map(|entry| entry.value().to_vec()))
    }

    async fn put(&self, key: &str, value: &[u8]) -> Result<(), MetadataError> {
        let mut kv = self.kv.clone();
        self.call("put", key, kv.put(key, value, None)).await?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<bool, MetadataError> {
        let mut kv = self.kv.clone();
        let response = self.call("delete", key, kv.delete(key, None)).await?;
        Ok(response.deleted() > 0)
    }
}
