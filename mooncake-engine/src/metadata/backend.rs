//! Choosing a metadata backend from the `metadata_server` string, and the key-value trait the
//! service-backed ones (HTTP, etcd, Redis) implement.
//!
//! The string is read exactly as Mooncake's transfer engine reads it:
//!
//! | string | backend |
//! |---|---|
//! | `P2PHANDSHAKE` | no service: descriptors fetched from peers over the handshake protocol |
//! | `http://…` / `https://…` | HTTP metadata server; the string is the base URL, used verbatim |
//! | `etcd://h1:p1[;h2:p2]` (`,` also separates) | etcd |
//! | `redis://…` | Redis |
//! | no `://` at all (`h:p`) | etcd |
//! | any other scheme | error naming the string |

use std::fmt;
use std::future::Future;
use std::str::FromStr;

use super::etcd::EtcdKv;
use super::http_client::HttpMetadataClient;
use super::redis::{RedisKv, RedisOptions};
use crate::error::MetadataError;

/// The literal that selects peer-to-peer handshake metadata.
pub const P2P_HANDSHAKE: &str = "P2PHANDSHAKE";

/// A key → bytes metadata service. Missing keys are not errors: `get` answers `None`, `delete` `false`.
///
/// Uses `impl Future` methods (not object safe); [`KvStore`] is the runtime choice among the
/// implementations.
pub trait KvBackend: Send + Sync {
    /// The value under `key`.
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Vec<u8>>, MetadataError>> + Send;
    /// Stores `value` under `key`.
    fn put(&self, key: &str, value: &[u8]) -> impl Future<Output = Result<(), MetadataError>> + Send;
    /// Removes `key`; whether it existed (backends that cannot tell answer `true`).
    fn delete(&self, key: &str) -> impl Future<Output = Result<bool, MetadataError>> + Send;
}

/// A parsed `metadata_server` string: which backend, where. Parsing does no I/O.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataServer {
    /// `P2PHANDSHAKE`.
    P2pHandshake,
    /// An HTTP metadata endpoint, e.g. `http://10.0.0.1:8080/metadata`.
    Http {
        /// The URL, verbatim.
        url: String,
    },
    /// etcd endpoints (`host:port` or `http://host:port`), in the given order.
    Etcd {
        /// One entry per endpoint.
        endpoints: Vec<String>,
    },
    /// A Redis server, `redis://[[user]:password@]host[:port][/db]`.
    Redis {
        /// The URL, verbatim.
        url: String,
    },
}

impl MetadataServer {
    /// Parses a `metadata_server` string (see the module table).
    pub fn parse(conn_string: &str) -> Result<Self, MetadataError> {
        let invalid = |reason: &str| MetadataError::InvalidConnString {
            conn_string: conn_string.to_owned(),
            reason: reason.to_owned(),
        };
        if conn_string == P2P_HANDSHAKE {
            return Ok(Self::P2pHandshake);
        }
        if conn_string.trim().is_empty() {
            return Err(invalid("empty metadata server string"));
        }
        let (scheme, rest) = match conn_string.split_once("://") {
            Some((scheme, rest)) => (scheme, rest),
            // Mooncake's rule: no scheme means etcd.
            None => ("etcd", conn_string),
        };
        match scheme {
            "http" | "https" => Ok(Self::Http {
                url: conn_string.to_owned(),
            }),
            "etcd" => {
                let endpoints: Vec<String> = rest
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned)
                    .collect();
                if endpoints.is_empty() {
                    return Err(invalid(
                        "no etcd endpoint (expected etcd://host:port[;host:port…])",
                    ));
                }
                Ok(Self::Etcd { endpoints })
            }
            "redis" => {
                if rest.is_empty() {
                    return Err(invalid("no Redis address (expected redis://host:port)"));
                }
                Ok(Self::Redis {
                    url: conn_string.to_owned(),
                })
            }
            other => Err(MetadataError::UnknownScheme {
                conn_string: conn_string.to_owned(),
                scheme: other.to_owned(),
            }),
        }
    }

    /// `p2p`, `http`, `etcd` or `redis`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::P2pHandshake => "p2p",
            Self::Http { .. } => "http",
            Self::Etcd { .. } => "etcd",
            Self::Redis { .. } => "redis",
        }
    }
}

impl FromStr for MetadataServer {
    type Err = MetadataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for MetadataServer {
    /// The canonical string, parseable back (Redis credentials are shown as given; do not log the
    /// Redis form of a server string that embeds a password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::P2pHandshake => f.write_str(P2P_HANDSHAKE),
            Self::Http { url } | Self::Redis { url } => f.write_str(url),
            Self::Etcd { endpoints } => write!(f, "etcd://{}", endpoints.join(";")),
        }
    }
}

/// One of the service-backed key-value stores, chosen at run time.
#[derive(Debug)]
pub enum KvStore {
    /// HTTP metadata server (ours or Mooncake's).
    Http(HttpMetadataClient),
    /// etcd.
    Etcd(EtcdKv),
    /// Redis.
    Redis(RedisKv),
}

impl KvStore {
    /// `http`, `etcd` or `redis`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Http(_) => "http",
            Self::Etcd(_) => "etcd",
            Self::Redis(_) => "redis",
        }
    }

    /// Whether values are written with a trailing newline. Mooncake's etcd and Redis plugins store
    /// jsoncpp `FastWriter` output, which ends in `\n`; its HTTP plugin sends compact JSON without
    /// one. We write the same bytes so a byte-wise comparison (the HTTP server's `rpc_meta` rule,
    /// etcd watchers, operators diffing values) sees no difference between their engines and ours.
    pub fn appends_newline(&self) -> bool {
        !matches!(self, Self::Http(_))
    }
}

impl KvBackend for KvStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MetadataError> {
        match self {
            Self::Http(kv) => KvBackend::get(kv, key).await,
            Self::Etcd(kv) => kv.get(key).await,
            Self::Redis(kv) => kv.get(key).await,
        }
    }

    async fn put(&self, key: &str, value: &[u8]) -> Result<(), MetadataError> {
        match self {
            Self::Http(kv) => KvBackend::put(kv, key, value).await,
            Self::Etcd(kv) => kv.put(key, value).await,
            Self::Redis(kv) => kv.put(key, value).await,
        }
    }

    async fn delete(&self, key: &str) -> Result<bool, MetadataError> {
        match self {
            Self::Http(kv) => KvBackend::delete(kv, key).await,
            Self::Etcd(kv) => kv.delete(key).await,
            Self::Redis(kv) => kv.delete(key).await,
        }
    }
}

/// Where segment descriptors live: nowhere (P2P handshake) or in a key-value service.
// One per engine, never moved around in bulk: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum MetadataBackend {
    /// Descriptors are fetched from each peer's handshake listener.
    P2pHandshake,
    /// Descriptors are stored in a key-value service.
    Kv(KvStore),
}

impl MetadataBackend {
    /// Parses `conn_string` and connects the backend it names, with Redis credentials and database
    /// from Mooncake's environment variables (`MC_REDIS_USERNAME`, `MC_REDIS_PASSWORD`,
    /// `MC_REDIS_DB_INDEX`). Redis is connected (and authenticated) here; HTTP and etcd connect on
    /// first use.
    pub async fn from_conn_string(conn_string: &str) -> Result<Self, MetadataError> {
        Self::connect(&MetadataServer::parse(conn_string)?, &RedisOptions::from_env()).await
    }

    /// Connects the backend `server` names; `redis` only applies to Redis.
    pub async fn connect(server: &MetadataServer, redis: &RedisOptions) -> Result<Self, MetadataError> {
        Ok(match server {
            MetadataServer::P2pHandshake => Self::P2pHandshake,
            MetadataServer::Http { url } => Self::Kv(KvStore::Http(HttpMetadataClient::new(url)?)),
            MetadataServer::Etcd { endpoints } => Self::Kv(KvStore::Etcd(EtcdKv::connect(endpoints).await?)),
            MetadataServer::Redis { url } => Self::Kv(KvStore::Redis(RedisKv::connect(url, redis).await?)),
        })
    }

    /// `p2p`, `http`, `etcd` or `redis`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::P2pHandshake => "p2p",
            Self::Kv(kv) => kv.kind(),
        }
    }

    /// The key-value store, unless this is P2P.
    pub fn kv(&self) -> Option<&KvStore> {
        match self {
            Self::P2pHandshake => None,
            Self::Kv(kv) => Some(kv),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(s: &str) -> MetadataServer {
        MetadataServer::parse(s).unwrap()
    }

    #[test]
    fn picks_the_backend_like_mooncake() {
        assert_eq!(parse("P2PHANDSHAKE"), MetadataServer::P2pHandshake);
        assert_eq!(
            parse("http://127.0.0.1:8080/metadata"),
            MetadataServer::Http {
                url: "http://127.0.0.1:8080/metadata".into()
            }
        );
        assert_eq!(parse("https://m/metadata").kind(), "http");
        assert_eq!(
            parse("etcd://10.0.0.1:2379;10.0.0.2:2379,10.0.0.3:2379"),
            MetadataServer::Etcd {
                endpoints: vec![
                    "10.0.0.1:2379".into(),
                    "10.0.0.2:2379".into(),
                    "10.0.0.3:2379".into()
                ]
            }
        );
        assert_eq!(
            parse("127.0.0.1:2379"),
            MetadataServer::Etcd {
                endpoints: vec!["127.0.0.1:2379".into()]
            },
            "no scheme means etcd"
        );
        assert_eq!(
            parse("redis://127.0.0.1:6379"),
            MetadataServer::Redis {
                url: "redis://127.0.0.1:6379".into()
            }
        );
    }

    #[test]
    fn unknown_schemes_and_empty_strings_are_refused_naming_the_string() {
        let err = MetadataServer::parse("zookeeper://h:2181").unwrap_err();
        assert!(matches!(&err, MetadataError::UnknownScheme { scheme, .. } if scheme == "zookeeper"));
        assert!(err.to_string().contains("zookeeper://h:2181"), "{err}");
        // The literal is case-sensitive, as in Mooncake; lower case is read as an etcd host.
        assert_eq!(parse("p2phandshake").kind(), "etcd");
        for bad in ["", "  ", "etcd://", "etcd://;,", "redis://"] {
            let err = MetadataServer::parse(bad).unwrap_err();
            assert!(
                matches!(err, MetadataError::InvalidConnString { .. }),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "P2PHANDSHAKE",
            "http://h:1/metadata",
            "etcd://a:1;b:2",
            "redis://h:1",
        ] {
            assert_eq!(parse(s).to_string(), s);
            assert_eq!(parse(&parse(s).to_string()), parse(s));
        }
    }
}
