//! Counters of the TCP transport (client and server each own one `TcpStats`): plain atomics and a
//! fixed-bucket latency histogram, so the metrics layer can export them without labels that grow.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds (µs, inclusive) of the latency buckets; one more bucket catches everything above.
/// Fixed so that exported label sets stay bounded.
pub const LATENCY_BUCKETS_US: [u64; 16] = [
    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000,
    10_000_000,
];

/// A latency histogram with [`LATENCY_BUCKETS_US`] bounds, updated without locks.
#[derive(Debug, Default)]
pub struct LatencyHistogram {
    /// Per-bucket (not cumulative) counts; the last one is the overflow bucket.
    buckets: [AtomicU64; LATENCY_BUCKETS_US.len() + 1],
    sum_us: AtomicU64,
    count: AtomicU64,
}

/// A point-in-time copy of a [`LatencyHistogram`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatencySnapshot {
    /// Per-bucket counts, `LATENCY_BUCKETS_US.len() + 1` of them (last = above the largest bound).
    pub buckets: Vec<u64>,
    pub sum_us: u64,
    pub count: u64,
}

impl LatencyHistogram {
    pub fn observe(&self, elapsed: Duration) {
        let us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let bucket = LATENCY_BUCKETS_US.partition_point(|&bound| bound < us);
        self.buckets[bucket].fetch_add(1, Relaxed);
        self.sum_us.fetch_add(us, Relaxed);
        self.count.fetch_add(1, Relaxed);
    }

    pub fn snapshot(&self) -> LatencySnapshot {
        LatencySnapshot {
            buckets: self.buckets.iter().map(|b| b.load(Relaxed)).collect(),
            sum_us: self.sum_us.load(Relaxed),
            count: self.count.load(Relaxed),
        }
    }
}

/// What one side of the TCP transport has done. Directions are named by opcode, the same on both
/// sides: `bytes_read` counts READ payloads (peer memory → initiator), `bytes_written` WRITE
/// payloads.
#[derive(Debug, Default)]
pub struct TcpStats {
    /// Payload bytes of successful READ requests.
    pub bytes_read: AtomicU64,
    /// Payload bytes of successful WRITE requests.
    pub bytes_written: AtomicU64,
    /// Protocol requests completed successfully (one per slice).
    pub ops: AtomicU64,
    /// Client: transfers that failed. Server: connections that ended with an error.
    pub errors: AtomicU64,
    /// Requests refused for their address range or a malformed header (server: sent; client:
    /// received).
    pub rejected: AtomicU64,
    /// Server: READ payload bytes sent through the staging buffer (see the staging policy).
    pub staged_bytes: AtomicU64,
    /// Client: connections opened. Server: connections accepted.
    pub connections: AtomicU64,
    /// Client: one observation per `transfer` call (a whole batch). Server: one per request.
    pub latency: LatencyHistogram,
}

impl TcpStats {
    pub(crate) fn record_op(&self, read: bool, bytes: usize) {
        let counter = if read {
            &self.bytes_read
        } else {
            &self.bytes_written
        };
        counter.fetch_add(bytes as u64, Relaxed);
        self.ops.fetch_add(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_by_upper_bound() {
        let h = LatencyHistogram::default();
        h.observe(Duration::from_micros(10));
        h.observe(Duration::from_micros(11));
        h.observe(Duration::from_secs(100));
        let s = h.snapshot();
        assert_eq!((s.buckets[0], s.buckets[1], s.buckets[16]), (1, 1, 1));
        assert_eq!(s.count, 3);
        assert_eq!(s.sum_us, 100_000_021);
    }
}
