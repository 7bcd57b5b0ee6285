//! `HttpMetadataClient`: GET/PUT/DELETE against a Mooncake-style HTTP metadata server (ours or upstream's).
//!
//! Behaves like the real transfer engine's libcurl client: the configured URL (conventionally
//! `http://host:port/metadata`) is used verbatim with `?key=<escaped key>` appended, PUT bodies are sent
//! as `application/json`, timeouts are 1.5 s to connect and 3 s per request, and there are no retries at
//! this layer. Only status 200 is success; a 404 counts as "missing key" only when its body says
//! `metadata not found`, so a wrong URL (which answers `404 Not Found`) is reported, not mistaken for an
//! empty store.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Method, StatusCode, Url};

use super::backend::KvBackend;
use super::store::PutOutcome;
use crate::error::{DuplicateRpcMetaKey, MetadataError};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(1500);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// How much of an unexpected response body is kept in the error.
const ERROR_BODY_LIMIT: usize = 512;

/// Client of one HTTP metadata server. Cheap to clone; clones share the connection pool.
#[derive(Debug, Clone)]
pub struct HttpMetadataClient {
    base: Url,
    http: Client,
}

impl HttpMetadataClient {
    /// A client for the metadata endpoint `url`, e.g. `http://10.0.0.1:8080/metadata`.
    pub fn new(url: &str) -> Result<Self, MetadataError> {
        let invalid = |reason: String| MetadataError::InvalidUrl {
            url: url.to_owned(),
            reason,
        };
        let base = Url::parse(url).map_err(|err| invalid(err.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "scheme {:?} is not http or https",
                base.scheme()
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid("the URL must not carry a query or fragment".to_owned()));
        }
        let http = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(MetadataError::ClientBuild)?;
        Ok(Self { base, http })
    }

    /// The endpoint URL this client talks to.
    pub fn url(&self) -> &Url {
        &self.base
    }

    /// The value stored under `key`, or `None` when the server does not have it.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, MetadataError> {
        let (url, status, body) = self.send(Method::GET, key, None).await?;
        match status {
            StatusCode::OK => Ok(Some(body)),
            StatusCode::NOT_FOUND if says_not_found(&body) => Ok(None),
            _ => Err(unexpected("GET", url, status, &body)),
        }
    }

    /// Stores `value` under `key`. Re-putting an `rpc_meta` key with the value it has answers
    /// [`PutOutcome::Unchanged`]; with a different value, [`MetadataError::DuplicateRpcMeta`].
    pub async fn put(&self, key: &str, value: impl Into<Bytes>) -> Result<PutOutcome, MetadataError> {
        let (url, status, body) = self.send(Method::PUT, key, Some(value.into())).await?;
        match status {
            StatusCode::OK if body.as_ref() == b"metadata unchanged" => Ok(PutOutcome::Unchanged),
            StatusCode::OK => Ok(PutOutcome::Updated),
            StatusCode::BAD_REQUEST if body.starts_with(b"Duplicate rpc_meta key") => {
                Err(DuplicateRpcMetaKey { key: key.to_owned() }.into())
            }
            _ => Err(unexpected("PUT", url, status, &body)),
        }
    }

    /// Deletes `key`; answers whether the server had it.
    pub async fn delete(&self, key: &str) -> Result<bool, MetadataError> {
        let (url, status, body) = self.send(Method::DELETE, key, None).await?;
        match status {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND if says_not_found(&body) => Ok(false),
            _ => Err(unexpected("DELETE", url, status, &body)),
        }
    }

    /// Sends one request for `key` and reads the whole answer.
    async fn send(
        &self,
        method: Method,
        key: &str,
        body: Option<Bytes>,
    ) -> Result<(Url, StatusCode, Bytes), MetadataError> {
        let mut url = self.base.clone();
        url.query_pairs_mut().append_pair("key", key);
        let method_name = method_name(&method);
        let transport = |source| MetadataError::Transport {
            method: method_name,
            url: url.to_string(),
            source,
        };
        let mut request = self.http.request(method.clone(), url.clone());
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        Ok((url, status, body))
    }
}

/// The HTTP metadata server as a [`KvBackend`]: an identical re-PUT of an `rpc_meta` key
/// ([`PutOutcome::Unchanged`]) is success, like any other 200.
impl KvBackend for HttpMetadataClient {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MetadataError> {
        Ok(HttpMetadataClient::get(self, key).await?.map(Vec::from))
    }

    async fn put(&self, key: &str, value: &[u8]) -> Result<(), MetadataError> {
        HttpMetadataClient::put(self, key, Bytes::copy_from_slice(value)).await?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<bool, MetadataError> {
        HttpMetadataClient::delete(self, key).await
    }
}

fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        _ => "HTTP",
    }
}

/// Whether a 404 body is the protocol's "missing key" answer (some servers add a trailing newline).
fn says_not_found(body: &[u8]) -> bool {
    body.trim_ascii() == b"metadata not found"
}

fn unexpected(method: &'static str, url: Url, status: StatusCode, body: &[u8]) -> MetadataError {
    let shown = &body[..body.len().min(ERROR_BODY_LIMIT)];
    MetadataError::UnexpectedStatus {
        method,
        url: url.to_string(),
        status,
        body: String::from_utf8_lossy(shown).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn rejects_bad_urls() {
        for url in [
            "not a url",
            "ftp://h/metadata",
            "http://h/metadata?key=x",
            "http://h/metadata#f",
        ] {
            let err = HttpMetadataClient::new(url).unwrap_err();
            assert!(matches!(err, MetadataError::InvalidUrl { .. }), "{url}: {err}");
        }
        HttpMetadataClient::new("http://127.0.0.1:8080/metadata").unwrap();
        HttpMetadataClient::new("https://meta.example/metadata").unwrap();
    }

    #[test]
    fn not_found_body_tolerates_whitespace_only() {
        assert!(says_not_found(b"metadata not found"));
        assert!(says_not_found(b"metadata not found\n"));
        assert!(!says_not_found(b"404 Not Found"));
        assert!(!says_not_found(b""));
    }
}
