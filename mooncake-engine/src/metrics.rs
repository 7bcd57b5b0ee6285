//! Engine metrics as a wrapper around every transport: bytes, operations, failures and latency per
//! transport and direction. Labels are bounded (transport name × read/write), never a peer or key.

use std::time::Duration;

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

/// Prometheus metrics of one transfer engine.
pub struct EngineMetrics {
    registry: Registry,
    bytes: IntCounterVec,
    transfers: IntCounterVec,
    failures: IntCounterVec,
    batch_latency: HistogramVec,
}

impl std::fmt::Debug for EngineMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineMetrics").finish_non_exhaustive()
    }
}

impl Default for EngineMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl EngineMetrics {
    #[allow(clippy::expect_used)] // the definitions below are constants; a failure is a programming error
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let metric = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric definition");
            registry
                .register(Box::new(metric.clone()))
                .expect("unique metric name");
            metric
        };
        let bytes = counter(
            "mooncake_engine_transfer_bytes_total",
            "Bytes moved by successful transfers",
            &["transport", "op"],
        );
        let transfers = counter(
            "mooncake_engine_transfers_total",
            "Transfers attempted",
            &["transport", "op"],
        );
        let failures = counter(
            "mooncake_engine_transfer_failures_total",
            "Transfers that failed",
            &["transport", "op"],
        );
        let batch_latency = HistogramVec::new(
            HistogramOpts::new(
                "mooncake_engine_batch_duration_seconds",
                "Time to complete one transfer batch",
            )
            .buckets(vec![
                1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2, 0.1, 1.0, 10.0,
            ]),
            &["transport"],
        )
        .expect("valid metric definition");
        registry
            .register(Box::new(batch_latency.clone()))
            .expect("unique metric name");
        Self {
            registry,
            bytes,
            transfers,
            failures,
            batch_latency,
        }
    }

    /// Records one transfer's outcome.
    pub fn record(&self, transport: &str, read: bool, len: usize, ok: bool) {
        let op = if read { "read" } else { "write" };
        self.transfers.with_label_values(&[transport, op]).inc();
        if ok {
            self.bytes.with_label_values(&[transport, op]).inc_by(len as u64);
        } else {
            self.failures.with_label_values(&[transport, op]).inc();
        }
    }

    /// Records how long a batch took.
    pub fn record_batch(&self, transport: &str, elapsed: Duration) {
        self.batch_latency
            .with_label_values(&[transport])
            .observe(elapsed.as_secs_f64());
    }

    /// Bytes moved so far by `transport` in direction `read`.
    pub fn bytes(&self, transport: &str, read: bool) -> u64 {
        let op = if read { "read" } else { "write" };
        self.bytes.with_label_values(&[transport, op]).get()
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(%error, "encoding engine metrics failed");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}
