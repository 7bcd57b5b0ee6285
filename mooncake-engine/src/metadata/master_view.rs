//! The master view: which master leads an HA cluster. Masters campaign for it; clients and nodes given
//! `etcd://…` or `redis://…` instead of a master address read it to find the leader.
//!
//! - etcd: key `mooncake-store/<cluster>/master_view` = leader `host:port`, attached to a lease; won
//!   by a create-if-absent transaction; the key's create revision is the view version (so it only
//!   grows). Keep-alive renews the lease; revoking it releases the view.
//! - Redis: hash `mooncake-store/{<cluster>}/master_view` with `leader_address`, `view_version`,
//!   `owner_token`, expiring after the TTL; the version comes from `INCR` of
//!   `mooncake-store/{<cluster>}/master_view_version`. Scripts acquire only when absent and renew or
//!   release only for the owner token.

use std::time::Duration;

use etcd_client::{Client, Compare, CompareOp, PutOptions, Txn, TxnOp};
use uuid::Uuid;

use super::etcd::connect_client;
use super::redis::{RedisKv, RedisOptions};
use crate::error::MetadataError;

/// Cluster namespace when none is configured (Mooncake's default).
pub const DEFAULT_CLUSTER_ID: &str = "mooncake_cluster";

/// The cluster clients look in: `MC_STORE_CLUSTER_ID`, else [`DEFAULT_CLUSTER_ID`].
pub fn client_cluster_id() -> String {
    std::env::var("MC_STORE_CLUSTER_ID")
        .ok()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| DEFAULT_CLUSTER_ID.to_string())
}

/// Time limit of one view operation.
const VIEW_OP_TIMEOUT: Duration = Duration::from_secs(3);

/// Where a cluster's master view lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewBackend {
    /// etcd endpoints.
    Etcd(Vec<String>),
    /// A Redis URL.
    Redis(String),
}

impl ViewBackend {
    /// Reads an HA master address: `etcd://h1:2379;h2:2379` or `redis://host:port`; `None` for a plain
    /// `host:port` (no HA).
    pub fn from_master_address(address: &str) -> Option<Self> {
        if let Some(rest) = address.strip_prefix("etcd://") {
            let endpoints: Vec<String> = rest
                .split([';', ','])
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect();
            return Some(Self::Etcd(endpoints));
        }
        if address.starts_with("redis://") || address.starts_with("rediss://") {
            return Some(Self::Redis(address.to_owned()));
        }
        None
    }

    /// A short label for logs.
    pub fn label(&self) -> String {
        match self {
            Self::Etcd(endpoints) => format!("etcd://{}", endpoints.join(";")),
            Self::Redis(url) => url.clone(),
        }
    }
}

/// The leader as recorded in the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterView {
    /// The leader's RPC address, `host:port`.
    pub leader: String,
    /// Grows with every change of leader.
    pub version: i64,
}

/// Proof of leadership held by the master that won the view.
#[derive(Clone, Debug)]
pub struct Leadership {
    pub version: i64,
    token: LeaseToken,
}

#[derive(Clone, Debug)]
enum LeaseToken {
    Etcd(i64),
    Redis(String),
}

/// A connection to a cluster's master view.
pub enum ViewStore {
    Etcd {
        client: Box<Client>,
        key: String,
        label: String,
    },
    Redis {
        kv: Box<RedisKv>,
        key: String,
        version_key: String,
    },
}

impl std::fmt::Debug for ViewStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Etcd { label, key, .. } => write!(f, "ViewStore(etcd {label} {key})"),
            Self::Redis { kv, key, .. } => write!(f, "ViewStore(redis {} {key})", kv.addr()),
        }
    }
}

const REDIS_ACQUIRE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local v = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'leader_address', ARGV[1], 'view_version', v, 'owner_token', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return v";

const REDIS_RENEW: &str = r"
if redis.call('HGET', KEYS[1], 'owner_token') == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0";

const REDIS_RELEASE: &str = r"
if redis.call('HGET', KEYS[1], 'owner_token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0";

fn etcd_error(op: &'static str, key: &str, label: &str, source: etcd_client::Error) -> MetadataError {
    MetadataError::Etcd {
        op,
        key: key.to_owned(),
        endpoints: label.to_owned(),
        source,
    }
}

async fn within<T>(
    op: &'static str,
    key: &str,
    label: &str,
    future: impl Future<Output = Result<T, etcd_client::Error>>,
) -> Result<T, MetadataError> {
    match tokio::time::timeout(VIEW_OP_TIMEOUT, future).await {
        Ok(result) => result.map_err(|e| etcd_error(op, key, label, e)),
        Err(_) => {
            let _ = label;
            Err(MetadataError::Timeout {
                backend: "etcd",
                op,
                key: key.to_owned(),
                timeout: VIEW_OP_TIMEOUT,
            })
        }
    }
}

impl ViewStore {
    /// Connects to the view of `cluster_id` in `backend`.
    pub async fn connect(backend: &ViewBackend, cluster_id: &str) -> Result<Self, MetadataError> {
        let cluster = if cluster_id.is_empty() {
            DEFAULT_CLUSTER_ID
        } else {
            cluster_id
        };
        match backend {
            ViewBackend::Etcd(endpoints) => {
                let (client, label) = connect_client(endpoints, VIEW_OP_TIMEOUT).await?;
                Ok(Self::Etcd {
                    client: Box::new(client),
                    key: format!("mooncake-store/{cluster}/master_view"),
                    label,
                })
            }
            ViewBackend::Redis(url) => Ok(Self::Redis {
                kv: Box::new(RedisKv::connect(url, &RedisOptions::from_env()).await?),
                key: format!("mooncake-store/{{{cluster}}}/master_view"),
                version_key: format!("mooncake-store/{{{cluster}}}/master_view_version"),
            }),
        }
    }

    /// The view a client or node reads: the cluster comes from `MC_STORE_CLUSTER_ID` (default
    /// [`DEFAULT_CLUSTER_ID`]), as in Mooncake.
    pub async fn for_clients(backend: &ViewBackend) -> Result<Self, MetadataError> {
        Self::connect(backend, &client_cluster_id()).await
    }

    /// The current leader, if any.
    pub async fn current(&self) -> Result<Option<MasterView>, MetadataError> {
        match self {
            Self::Etcd { client, key, label } => {
                let mut kv = client.kv_client();
                let response = within("get", key, label, kv.get(key.as_str(), None)).await?;
                Ok(response.kvs().first().map(|kv| MasterView {
                    leader: String::from_utf8_lossy(kv.value()).into_owned(),
                    version: kv.create_revision(),
                }))
            }
            Self::Redis { kv, key, .. } => {
                let fields: std::collections::HashMap<String, String> = kv
                    .run("HGETALL", key, redis::cmd("HGETALL").arg(key).clone())
                    .await?;
                let (Some(leader), Some(version)) =
                    (fields.get("leader_address"), fields.get("view_version"))
                else {
                    return Ok(None);
                };
                Ok(Some(MasterView {
                    leader: leader.clone(),
                    version: version.parse().unwrap_or(0),
                }))
            }
        }
    }

    /// Tries to become leader with `address` for `ttl`; `None` when another master holds the view.
    pub async fn acquire(&self, address: &str, ttl: Duration) -> Result<Option<Leadership>, MetadataError> {
        match self {
            Self::Etcd { client, key, label } => {
                let mut leases = client.lease_client();
                // etcd leases are whole seconds: round up, never grant less than the master trusts.
                let ttl_s = ttl.as_millis().div_ceil(1000).max(1) as i64;
                let lease = within("lease grant", key, label, leases.grant(ttl_s, None))
                    .await?
                    .id();
                let txn = Txn::new()
                    .when([Compare::create_revision(key.as_str(), CompareOp::Equal, 0)])
                    .and_then([TxnOp::put(
                        key.as_str(),
                        address,
                        Some(PutOptions::new().with_lease(lease)),
                    )]);
                let mut kv = client.kv_client();
                let response = within("txn", key, label, kv.txn(txn)).await?;
                if !response.succeeded() {
                    let _ = within("lease revoke", key, label, leases.revoke(lease)).await;
                    return Ok(None);
                }
                let version = response.header().map_or(0, |h| h.revision());
                Ok(Some(Leadership {
                    version,
                    token: LeaseToken::Etcd(lease),
                }))
            }
            Self::Redis { kv, key, version_key } => {
                let token = Uuid::new_v4().to_string();
                let command = redis::cmd("EVAL")
                    .arg(REDIS_ACQUIRE)
                    .arg(2)
                    .arg(key)
                    .arg(version_key)
                    .arg(address)
                    .arg(&token)
                    .arg(ttl.as_millis() as u64)
                    .clone();
                let version: i64 = kv.run("EVAL acquire", key, command).await?;
                Ok((version > 0).then_some(Leadership {
                    version,
                    token: LeaseToken::Redis(token),
                }))
            }
        }
    }

    /// Renews leadership; `false` when it is gone (lease expired, view taken or deleted).
    pub async fn keep_alive(&self, leadership: &Leadership, ttl: Duration) -> Result<bool, MetadataError> {
        match (self, &leadership.token) {
            (Self::Etcd { client, key, label }, LeaseToken::Etcd(lease)) => {
                let mut leases = client.lease_client();
                let renewed = within("lease keep-alive", key, label, async {
                    let (mut keeper, mut stream) = leases.keep_alive(*lease).await?;
                    keeper.keep_alive().await?;
                    Ok(stream.message().await?.map_or(0, |r| r.ttl()))
                })
                .await?;
                if renewed <= 0 {
                    return Ok(false);
                }
                // Still the owner of the key (it may have been deleted by hand)?
                let mut kv = client.kv_client();
                let response = within("get", key, label, kv.get(key.as_str(), None)).await?;
                Ok(response.kvs().first().is_some_and(|kv| kv.lease() == *lease))
            }
            (Self::Redis { kv, key, .. }, LeaseToken::Redis(token)) => {
                let command = redis::cmd("EVAL")
                    .arg(REDIS_RENEW)
                    .arg(1)
                    .arg(key)
                    .arg(token)
                    .arg(ttl.as_millis() as u64)
                    .clone();
                let renewed: i64 = kv.run("EVAL renew", key, command).await?;
                Ok(renewed == 1)
            }
            _ => Ok(false),
        }
    }

    /// Gives the view up (a clean shutdown) so a standby takes over at once.
    pub async fn release(&self, leadership: &Leadership) -> Result<(), MetadataError> {
        match (self, &leadership.token) {
            (Self::Etcd { client, key, label }, LeaseToken::Etcd(lease)) => {
                let mut leases = client.lease_client();
                within("lease revoke", key, label, leases.revoke(*lease)).await?;
                Ok(())
            }
            (Self::Redis { kv, key, .. }, LeaseToken::Redis(token)) => {
                let command = redis::cmd("EVAL")
                    .arg(REDIS_RELEASE)
                    .arg(1)
                    .arg(key)
                    .arg(token)
                    .clone();
                kv.run::<i64>("EVAL release", key, command).await?;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_addresses_name_their_backend() {
        assert_eq!(
            ViewBackend::from_master_address("etcd://127.0.0.1:2379;127.0.0.1:2380"),
            Some(ViewBackend::Etcd(vec![
                "127.0.0.1:2379".into(),
                "127.0.0.1:2380".into()
            ]))
        );
        assert_eq!(
            ViewBackend::from_master_address("redis://127.0.0.1:6379"),
            Some(ViewBackend::Redis("redis://127.0.0.1:6379".into()))
        );
        assert_eq!(ViewBackend::from_master_address("127.0.0.1:50051"), None);
    }
}
