//! Results of `mooncake bench`: one [`Record`] per (scenario, op, size), computed from per-call
//! latencies and the phase's wall time, printed as a table or one JSON document.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::output;

/// One measured phase. `ops` counts keys (a batch call moves `batch` of them); latencies are per
/// call; `MBps` is bytes over the phase's wall time in 10^6 bytes per second (all clients together).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Record {
    pub scenario: String,
    pub op: String,
    pub size: u64,
    pub batch: usize,
    pub clients: usize,
    pub ops: u64,
    pub bytes: u64,
    #[serde(rename = "MBps")]
    pub mbps: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub errors: u64,
}

/// What one client measured in one phase.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct Samples {
    /// Per-call latencies in nanoseconds.
    pub latencies_ns: Vec<u64>,
    /// Keys moved successfully.
    pub ops: u64,
    /// Calls or keys that failed.
    pub errors: u64,
    /// Wall time of the phase.
    pub wall_ns: u64,
}

impl Samples {
    /// Records one call that took `elapsed` and moved `keys` keys (0 when it failed).
    pub fn call(&mut self, elapsed: Duration, keys: u64, failed: u64) {
        self.latencies_ns.push(elapsed.as_nanos() as u64);
        self.ops += keys;
        self.errors += failed;
    }
}

/// The `q`-quantile (0..=1) of sorted `values`, nearest rank.
fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Phase identity and shape, shared by every client's samples.
#[derive(Clone, Debug)]
pub struct Phase {
    pub scenario: String,
    pub op: &'static str,
    pub size: u64,
    pub batch: usize,
}

impl Phase {
    /// Folds the samples of every client of this phase (run concurrently) into one record: MB/s
    /// from the longest client's wall time, quantiles over every call.
    pub fn record(&self, clients: &[Samples]) -> Record {
        let mut latencies: Vec<u64> = clients
            .iter()
            .flat_map(|s| s.latencies_ns.iter().copied())
            .collect();
        latencies.sort_unstable();
        let ops: u64 = clients.iter().map(|s| s.ops).sum();
        let wall_ns = clients.iter().map(|s| s.wall_ns).max().unwrap_or(0);
        let bytes = ops * self.size;
        let mbps = if wall_ns == 0 {
            0.0
        } else {
            bytes as f64 / (wall_ns as f64 / 1e9) / 1e6
        };
        let us = |ns: u64| (ns as f64 / 1e3 * 10.0).round() / 10.0;
        Record {
            scenario: self.scenario.clone(),
            op: self.op.to_string(),
            size: self.size,
            batch: self.batch,
            clients: clients.len(),
            ops,
            bytes,
            mbps: (mbps * 10.0).round() / 10.0,
            p50_us: us(quantile(&latencies, 0.50)),
            p99_us: us(quantile(&latencies, 0.99)),
            errors: clients.iter().map(|s| s.errors).sum(),
        }
    }
}

/// The machine the run happened on, for the JSON document.
#[derive(Serialize, Debug)]
pub struct Machine {
    pub cpus: usize,
    pub memory_bytes: u64,
    pub kernel: String,
}

impl Machine {
    pub fn detect() -> Self {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        Self {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: memory_kib * 1024,
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
        }
    }
}

/// The whole `--output json` document.
#[derive(Serialize, Debug)]
pub struct Report<'a, C: Serialize> {
    pub tool: &'static str,
    pub version: &'static str,
    pub machine: Machine,
    pub config: &'a C,
    pub results: &'a [Record],
}

/// `4K`, `64K`, `1M`, `16M`: the compact size labels of the table.
pub fn size_label(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
    UNITS
        .iter()
        .find(|(unit, _)| bytes >= *unit && bytes.is_multiple_of(*unit))
        .map_or_else(
            || format!("{bytes}B"),
            |(unit, suffix)| format!("{}{suffix}", bytes / unit),
        )
}

/// Prints the records as a table on stdout.
pub fn print_table(records: &[Record]) {
    let mut table = output::table([
        "SCENARIO", "OP", "SIZE", "BATCH", "CLIENTS", "OPS", "MB/s", "P50 µs", "P99 µs", "ERRORS",
    ]);
    for r in records {
        table.add_row([
            r.scenario.clone(),
            r.op.clone(),
            size_label(r.size),
            r.batch.to_string(),
            r.clients.to_string(),
            r.ops.to_string(),
            format!("{:.0}", r.mbps),
            format!("{:.1}", r.p50_us),
            format!("{:.1}", r.p99_us),
            r.errors.to_string(),
        ]);
    }
    println!("{table}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_fold_clients_and_quantiles() {
        let phase = Phase {
            scenario: "remote".into(),
            op: "get",
            size: 1 << 20,
            batch: 1,
        };
        let a = Samples {
            latencies_ns: (1..=100).map(|i| i * 1000).collect(),
            ops: 100,
            errors: 0,
            wall_ns: 1_000_000_000,
        };
        let b = Samples {
            latencies_ns: vec![500_000],
            ops: 100,
            errors: 2,
            wall_ns: 500_000_000,
        };
        let record = phase.record(&[a, b]);
        assert_eq!(record.clients, 2);
        assert_eq!(record.ops, 200);
        assert_eq!(record.bytes, 200 << 20);
        assert_eq!(record.errors, 2);
        // 200 MiB over the slower client's 1 s.
        assert!((record.mbps - 209.7).abs() < 0.1, "{}", record.mbps);
        assert_eq!(record.p50_us, 51.0);
        assert_eq!(record.p99_us, 100.0);
    }

    #[test]
    fn size_labels_are_compact() {
        assert_eq!(size_label(4096), "4K");
        assert_eq!(size_label(16 << 20), "16M");
        assert_eq!(size_label(1000), "1000B");
        assert_eq!(size_label(1 << 30), "1G");
    }
}
