//! The S3 store: requests signed with `rusty-s3` (SigV4 presigned URLs) and sent with `reqwest`. Settings
//! come from Mooncake's `MOONCAKE_AWS_*` variables; an `MOONCAKE_AWS_ENDPOINT` makes any S3-compatible
//! server work (MinIO, moto, Ceph). Keys follow the local layout under the bucket root.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode, Url};
use rusty_s3::actions::ListObjectsV2;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use super::{FILE_NAME, LATEST, Progress, REQUEST_TIMEOUT, ROOT_DIR, SnapshotEntry, StoreError};
use crate::snapshot::id::SnapshotId;

/// How long a signed request URL stays valid.
const SIGNATURE_TTL: Duration = Duration::from_secs(3600);

/// S3 connection settings.
#[derive(Clone)]
pub struct S3Settings {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub bucket: String,
    pub region: String,
    /// `http://host:port` of an S3-compatible server, or AWS's regional endpoint.
    pub endpoint: Url,
    /// `bucket.host/key` instead of `host/bucket/key`.
    pub virtual_addressing: bool,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.as_str())
            .field("virtual_addressing", &self.virtual_addressing)
            .finish_non_exhaustive()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &str) -> Result<String, StoreError> {
    env(name).ok_or_else(|| {
        StoreError::S3Config(format!("{name} is not set (required for the s3 snapshot store)"))
    })
}

fn flag(name: &str, default: bool) -> Result<bool, StoreError> {
    match env(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(StoreError::S3Config(format!("{name}={v} is not a boolean"))),
    }
}

fn millis(name: &str, default: Duration) -> Result<Duration, StoreError> {
    match env(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| StoreError::S3Config(format!("{name}={v} is not a number of milliseconds"))),
    }
}

impl S3Settings {
    /// Reads `MOONCAKE_AWS_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`, `_BUCKET_NAME`, `_ENDPOINT` (or
    /// `_ENDPOINT_URL`; an `http://` S3-compatible server or gateway: this build speaks plain HTTP), all
    /// required; `_REGION` (default us-east-1), `_USE_HTTPS` (for an endpoint given without a scheme;
    /// default false), `_USE_VIRTUAL_ADDRESSING` (default false), `_CONNECT_TIMEOUT_MS` and
    /// `_REQUEST_TIMEOUT_MS`.
    pub fn from_env() -> Result<Self, StoreError> {
        let region = env("MOONCAKE_AWS_REGION").unwrap_or_else(|| "us-east-1".to_owned());
        let https = flag("MOONCAKE_AWS_USE_HTTPS", false)?;
        let endpoint = match env("MOONCAKE_AWS_ENDPOINT").or_else(|| env("MOONCAKE_AWS_ENDPOINT_URL")) {
            Some(e) if e.contains("://") => e,
            Some(e) => format!("{}://{e}", if https { "https" } else { "http" }),
            None => {
                return Err(StoreError::S3Config(
                    "MOONCAKE_AWS_ENDPOINT is required: the http:// address of an S3-compatible server or \
                     gateway (this build's S3 client speaks plain HTTP)"
                        .into(),
                ));
            }
        };
        let endpoint = Url::parse(&endpoint)
            .map_err(|e| StoreError::S3Config(format!("MOONCAKE_AWS_ENDPOINT {endpoint}: {e}")))?;
        if endpoint.scheme() != "http" {
            return Err(StoreError::S3Config(format!(
                "endpoint {endpoint}: this build's S3 client speaks plain HTTP only; point \
                 MOONCAKE_AWS_ENDPOINT at an http:// endpoint (a local S3 gateway or an S3-compatible server)"
            )));
        }
        Ok(Self {
            access_key_id: required("MOONCAKE_AWS_ACCESS_KEY_ID")?,
            secret_access_key: required("MOONCAKE_AWS_SECRET_ACCESS_KEY")?,
            bucket: required("MOONCAKE_AWS_BUCKET_NAME")?,
            region,
            endpoint,
            virtual_addressing: flag("MOONCAKE_AWS_USE_VIRTUAL_ADDRESSING", false)?,
            connect_timeout: millis("MOONCAKE_AWS_CONNECT_TIMEOUT_MS", Duration::from_secs(10))?,
            request_timeout: millis("MOONCAKE_AWS_REQUEST_TIMEOUT_MS", REQUEST_TIMEOUT)?,
        })
    }
}

/// Snapshots of one cluster in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    bucket: Bucket,
    credentials: Credentials,
    client: Client,
    /// `mooncake_master_snapshot/<cluster_id>/`
    prefix: String,
}

impl S3Store {
    pub fn new(settings: S3Settings, cluster_id: &str) -> Result<Self, StoreError> {
        let style = if settings.virtual_addressing {
            UrlStyle::VirtualHost
        } else {
            UrlStyle::Path
        };
        let bucket = Bucket::new(settings.endpoint.clone(), style, settings.bucket, settings.region)
            .map_err(|e| StoreError::S3Config(format!("bucket: {e}")))?;
        let client = Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .build()
            .map_err(|e| StoreError::S3Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            bucket,
            credentials: Credentials::new(settings.access_key_id, settings.secret_access_key),
            client,
            prefix: format!("{ROOT_DIR}/{cluster_id}/"),
        })
    }

    /// `s3://bucket/mooncake_master_snapshot/<cluster_id>`.
    pub fn location(&self) -> String {
        format!(
            "s3://{}/{}",
            self.bucket.name(),
            self.prefix.trim_end_matches('/')
        )
    }

    fn key(&self, id: &SnapshotId) -> String {
        format!("{}{id}/{FILE_NAME}", self.prefix)
    }

    async fn send(
        &self,
        op: &'static str,
        key: &str,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<reqwest::Response, StoreError> {
        let fail = |detail: String| StoreError::S3 {
            op,
            key: key.to_owned(),
            detail,
        };
        let mut request = self.client.request(method, url);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.map_err(|e| fail(format!("{e:#}")))?;
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_FOUND {
            return Ok(response);
        }
        let text = response.text().await.unwrap_or_default();
        let text: String = text.chars().take(300).collect();
        Err(fail(format!("HTTP {status}: {text}")))
    }

    pub(super) async fn list(&self) -> Result<Vec<SnapshotEntry>, StoreError> {
        let mut entries = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = ListObjectsV2::new(&self.bucket, Some(&self.credentials));
            action.with_prefix(self.prefix.as_str());
            if let Some(token) = &token {
                action.with_continuation_token(token.as_str());
            }
            let url = action.sign(SIGNATURE_TTL);
            let response = self.send("list", &self.prefix, Method::GET, url, None).await?;
            if response.status() == StatusCode::NOT_FOUND {
                return Err(StoreError::S3 {
                    op: "list",
                    key: self.prefix.clone(),
                    detail: format!("bucket {} not found", self.bucket.name()),
                });
            }
            let text = response.text().await.map_err(|e| StoreError::S3 {
                op: "list",
                key: self.prefix.clone(),
                detail: e.to_string(),
            })?;
            let parsed = ListObjectsV2::parse_response(&text).map_err(|e| StoreError::S3 {
                op: "list",
                key: self.prefix.clone(),
                detail: format!("unreadable listing: {e}"),
            })?;
            for object in parsed.contents {
                // Only `<prefix><id>/snapshot.bin`; every other key is someone else's.
                let id = object
                    .key
                    .strip_prefix(&self.prefix)
                    .and_then(|rest| rest.strip_suffix(FILE_NAME))
                    .and_then(|rest| rest.strip_suffix('/'))
                    .and_then(SnapshotId::parse);
                if let Some(id) = id {
                    entries.push(SnapshotEntry {
                        id,
                        size: object.size,
                    });
                }
            }
            match parsed.next_continuation_token {
                Some(next) => token = Some(next),
                None => return Ok(entries),
            }
        }
    }

    pub(super) async fn read(&self, id: &SnapshotId, progress: Progress<'_>) -> Result<Vec<u8>, StoreError> {
        let key = self.key(id);
        let url = self
            .bucket
            .get_object(Some(&self.credentials), &key)
            .sign(SIGNATURE_TTL);
        let mut response = self.send("get", &key, Method::GET, url, None).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(StoreError::NotFound(id.clone()));
        }
        let total = response.content_length();
        let mut bytes = Vec::with_capacity(total.unwrap_or(0) as usize);
        loop {
            let chunk = response.chunk().await.map_err(|e| StoreError::S3 {
                op: "get",
                key: key.clone(),
                detail: format!("{e:#}"),
            })?;
            let Some(chunk) = chunk else { break };
            bytes.extend_from_slice(&chunk);
            progress(bytes.len() as u64, total);
        }
        Ok(bytes)
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        let url = self
            .bucket
            .put_object(Some(&self.credentials), key)
            .sign(SIGNATURE_TTL);
        let response = self.send("put", key, Method::PUT, url, Some(bytes)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(StoreError::S3 {
                op: "put",
                key: key.to_owned(),
                detail: format!("bucket {} not found", self.bucket.name()),
            });
        }
        Ok(())
    }

    pub(super) async fn write(&self, id: &SnapshotId, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.put(&self.key(id), bytes).await
    }

    pub(super) async fn read_latest(&self) -> Result<Option<String>, StoreError> {
        let key = format!("{}{LATEST}", self.prefix);
        let url = self
            .bucket
            .get_object(Some(&self.credentials), &key)
            .sign(SIGNATURE_TTL);
        let response = self.send("get", &key, Method::GET, url, None).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let text = response.text().await.map_err(|e| StoreError::S3 {
            op: "get",
            key,
            detail: e.to_string(),
        })?;
        Ok(Some(text))
    }

    pub(super) async fn set_latest(&self, id: &SnapshotId) -> Result<(), StoreError> {
        self.put(
            &format!("{}{LATEST}", self.prefix),
            format!("{id}\n").into_bytes(),
        )
        .await
    }

    pub(super) async fn delete(&self, id: &SnapshotId) -> Result<(), StoreError> {
        let key = self.key(id);
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), &key)
            .sign(SIGNATURE_TTL);
        self.send("delete", &key, Method::DELETE, url, None).await?;
        Ok(())
    }
}
