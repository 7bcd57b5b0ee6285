//! Polling the master's admin HTTP: `/metrics` (required) and `/health` (optional), both at once.

use std::time::{Duration, Instant};

use anyhow::Context;

use super::health::Health;
use super::metrics::Metrics;
use super::state::{Poll, PollError};

/// Fetches one [`Poll`] from the admin base URL.
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    admin: String,
}

impl Fetcher {
    /// A fetcher for `admin` (`http://HOST:PORT`) whose requests give up after `timeout`.
    pub fn new(admin: &str, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .context("build the HTTP client")?;
        Ok(Self {
            client,
            admin: admin.trim_end_matches('/').to_owned(),
        })
    }

    async fn get(&self, path: &str) -> anyhow::Result<String> {
        let url = format!("{}{path}", self.admin);
        let response = self
            .client
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .with_context(|| format!("GET {url}: read the body"))?;
        if !status.is_success() {
            anyhow::bail!("GET {url}: HTTP {status}: {}", body.trim());
        }
        Ok(body)
    }

    /// Both endpoints; an error when `/metrics` fails or is not a master's.
    pub async fn poll(&self) -> Result<Poll, PollError> {
        let (metrics, health) = tokio::join!(self.get("/metrics"), self.get("/health"));
        let at = Instant::now();
        let metrics = metrics
            .and_then(|text| Metrics::parse(&text).with_context(|| format!("{}/metrics", self.admin)))
            .map_err(|error| PollError {
                at,
                message: format!("{error:#}"),
            })?;
        let health = health.ok().and_then(|text| Health::parse(&text).ok());
        Ok(Poll { at, metrics, health })
    }
}
