//! `RedisKv`: the Redis metadata backend, `GET`/`SET`/`DEL` of Mooncake's keys.
//!
//! Credentials and database follow Mooncake: `AUTH [user] password` when `MC_REDIS_PASSWORD` is set
//! (with `MC_REDIS_USERNAME` if set), `SELECT MC_REDIS_DB_INDEX` (0–255; anything else is ignored with
//! a warning). Values given in the URL (`redis://user:pw@host:port/db`) are used when the variables
//! are unset. Mooncake keeps one connection and never reconnects; we connect (and authenticate) up
//! front so bad credentials fail at start-up, and after a connection-level failure the next command
//! dials again instead of failing forever.

use std::time::Duration;

use parking_lot::Mutex;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, ConnectionInfo, IntoConnectionInfo, RedisError};
use tracing::warn;

use super::backend::KvBackend;
use crate::error::MetadataError;

/// Deadline to connect, and to get each reply.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(5);

/// Authentication and database selection for the Redis backend.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RedisOptions {
    /// ACL user name (`MC_REDIS_USERNAME`); only sent together with a password.
    pub username: Option<String>,
    /// Password (`MC_REDIS_PASSWORD`).
    pub password: Option<String>,
    /// Database index (`MC_REDIS_DB_INDEX`, 0–255).
    pub db: Option<u8>,
}

impl std::fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisOptions")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("db", &self.db)
            .finish()
    }
}

impl RedisOptions {
    /// Options from Mooncake's environment variables.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over an arbitrary variable source (for tests). Empty values count
    /// as unset, as in Mooncake.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let db = get("MC_REDIS_DB_INDEX").and_then(|raw| match raw.trim().parse::<u8>() {
            Ok(db) => Some(db),
            Err(_) => {
                warn!("ignoring MC_REDIS_DB_INDEX={raw:?}: expected 0-255; using database 0");
                None
            }
        });
        Self {
            username: get("MC_REDIS_USERNAME"),
            password: get("MC_REDIS_PASSWORD"),
            db,
        }
    }

    /// Applies these options over what the URL carried.
    fn apply(&self, info: &mut ConnectionInfo) {
        if let Some(password) = &self.password {
            info.redis.password = Some(password.clone());
            info.redis.username = self.username.clone();
        }
        if let Some(db) = self.db {
            info.redis.db = i64::from(db);
        }
    }
}

/// Client of one Redis server. Commands share one multiplexed connection.
pub struct RedisKv {
    client: Client,
    config: AsyncConnectionConfig,
    connection: Mutex<Option<MultiplexedConnection>>,
    addr: String,
}

impl std::fmt::Debug for RedisKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisKv").field("addr", &self.addr).finish()
    }
}

impl RedisKv {
    /// Connects to `url` (`redis://host:port`), authenticating and selecting the database as
    /// `options` and the URL say.
    pub async fn connect(url: &str, options: &RedisOptions) -> Result<Self, MetadataError> {
        let mut info = url
            .into_connection_info()
            .map_err(|source| MetadataError::RedisConnect {
                addr: redacted(url),
                source,
            })?;
        options.apply(&mut info);
        let addr = info.addr.to_string();
        let client = Client::open(info).map_err(|source| MetadataError::RedisConnect {
            addr: addr.clone(),
            source,
        })?;
        let kv = Self {
            client,
            config: AsyncConnectionConfig::new()
                .set_connection_timeout(REDIS_TIMEOUT)
                .set_response_timeout(REDIS_TIMEOUT),
            connection: Mutex::new(None),
            addr,
        };
        let connection = kv.dial().await?;
        *kv.connection.lock() = Some(connection);
        Ok(kv)
    }

    /// The server address, `host:port`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Opens a connection and checks it with `PING`: a server that requires a password we do not
    /// have accepts the connection but refuses every command, and that should fail here, at start-up.
    async fn dial(&self) -> Result<MultiplexedConnection, MetadataError> {
        let failed = |source| MetadataError::RedisConnect {
            addr: self.addr.clone(),
            source,
        };
        let mut connection = self
            .client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await
            .map_err(failed)?;
        redis::cmd("PING")
            .query_async::<()>(&mut connection)
            .await
            .map_err(failed)?;
        Ok(connection)
    }

    /// The shared connection, dialled again if a previous failure dropped it.
    async fn connection(&self) -> Result<MultiplexedConnection, MetadataError> {
        let existing = self.connection.lock().clone();
        if let Some(connection) = existing {
            return Ok(connection);
        }
        let connection = self.dial().await?;
        *self.connection.lock() = Some(connection.clone());
        Ok(connection)
    }

    pub(crate) async fn run<T: redis::FromRedisValue>(
        &self,
        op: &'static str,
        key: &str,
        command: redis::Cmd,
    ) -> Result<T, MetadataError> {
        let mut connection = self.connection().await?;
        let result: Result<T, RedisError> = command.query_async(&mut connection).await;
        result.map_err(|source| {
            if source.is_io_error()
                || source.is_connection_dropped()
                || source.is_timeout()
                || source.is_unrecoverable_error()
            {
                // Start over with a fresh connection next time rather than reuse a broken one.
                self.connection.lock().take();
            }
            MetadataError::Redis {
                op,
                key: key.to_owned(),
                addr: self.addr.clone(),
                source,
            }
        })
    }
}

impl KvBackend for RedisKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MetadataError> {
        self.run("GET", key, redis::cmd("GET").arg(key).clone()).await
    }

    async fn put(&self, key: &str, value: &[u8]) -> Result<(), MetadataError> {
        self.run::<()>("SET", key, redis::cmd("SET").arg(key).arg(value).clone())
            .await
    }

    async fn delete(&self, key: &str) -> Result<bool, MetadataError> {
        let removed: i64 = self.run("DEL", key, redis::cmd("DEL").arg(key).clone()).await?;
        Ok(removed > 0)
    }
}

/// `url` without its password, for error messages.
fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://<credentials>@{}", &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn options_from_env_follow_mooncake() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(RedisOptions::from_lookup(env(&[])), RedisOptions::default());
        let options = RedisOptions::from_lookup(env(&[
            ("MC_REDIS_USERNAME", "u"),
            ("MC_REDIS_PASSWORD", "p"),
            ("MC_REDIS_DB_INDEX", "255"),
        ]));
        assert_eq!(options.username.as_deref(), Some("u"));
        assert_eq!(options.password.as_deref(), Some("p"));
        assert_eq!(options.db, Some(255));
        assert!(
            !format!("{options:?}").contains("\"p\""),
            "password must not be logged"
        );
        for bad in ["256", "-1", "x"] {
            let pairs: &'static [(&'static str, &'static str)] =
                Box::leak(Box::new([("MC_REDIS_DB_INDEX", bad)]));
            assert_eq!(RedisOptions::from_lookup(env(pairs)).db, None, "{bad}");
        }
        assert_eq!(
            RedisOptions::from_lookup(env(&[("MC_REDIS_PASSWORD", "")])).password,
            None
        );
    }

    #[test]
    fn options_override_the_url_and_username_needs_a_password() {
        let mut info = "redis://:urlpw@h:1/2".into_connection_info().unwrap();
        RedisOptions {
            username: Some("u".into()),
            password: None,
            db: None,
        }
        .apply(&mut info);
        assert_eq!(info.redis.password.as_deref(), Some("urlpw"));
        assert_eq!(info.redis.username, None);
        assert_eq!(info.redis.db, 2);
        RedisOptions {
            username: Some("u".into()),
            password: Some("envpw".into()),
            db: Some(7),
        }
        .apply(&mut info);
        assert_eq!(info.redis.password.as_deref(), Some("envpw"));
        assert_eq!(info.redis.username.as_deref(), Some("u"));
        assert_eq!(info.redis.db, 7);
    }

    #[test]
    fn redaction_hides_credentials() {
        assert_eq!(redacted("redis://u:pw@h:1/0"), "redis://<credentials>@h:1/0");
        assert_eq!(redacted("redis://h:1"), "redis://h:1");
    }
}
