//! Multi-client scenarios: every client is a separate `mooncake bench --worker` process (as separate
//! inference engines would be). Workers meet at a barrier before each measured phase — they print
//! `ready` and wait for a line on stdin — so their phases overlap, and finish with one `result`
//! line of JSON carrying their samples.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use super::workload::Outcome;

/// What a worker reports: one outcome per size, in the order of `--sizes`.
#[derive(Serialize, Deserialize, Debug, Default)]
pub struct WorkerResult {
    pub passes: Vec<Outcome>,
}

const READY: &str = "ready";
const RESULT: &str = "result ";

/// The worker side of the barrier: announce, then wait for the go line.
pub fn worker_barrier(phase: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{READY} {phase}")?;
    stdout.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if line.is_empty() {
        bail!("the benchmark parent went away");
    }
    Ok(())
}

/// The worker's last line.
pub fn print_result(result: &WorkerResult) -> anyhow::Result<()> {
    println!("{RESULT}{}", serde_json::to_string(result)?);
    Ok(())
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Worker {
    fn line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        if line.is_empty() {
            let status = self.child.wait()?;
            bail!("a benchmark worker exited early ({status}); see its log above");
        }
        Ok(line.trim_end().to_string())
    }
}

/// Runs `args` (a full `mooncake …` argument list ending in `bench --worker …`) in `clients`
/// processes and releases them phase by phase: `phases` barriers in all. `on_phase` runs after
/// every release (progress). Returns every worker's result.
pub fn run_workers(
    args: &[String],
    clients: usize,
    phases: usize,
    mut on_phase: impl FnMut(),
) -> anyhow::Result<Vec<WorkerResult>> {
    let exe = std::env::current_exe().context("locate the mooncake binary")?;
    let mut workers = Vec::with_capacity(clients);
    for _ in 0..clients {
        let mut child = Command::new(&exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("start a benchmark worker")?;
        let stdin = child.stdin.take().context("worker stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("worker stdout")?);
        workers.push(Worker { child, stdin, stdout });
    }
    for _ in 0..phases {
        for worker in &mut workers {
            let line = worker.line()?;
            if !line.starts_with(READY) {
                bail!("unexpected line from a benchmark worker: {line:?}");
            }
        }
        for worker in &mut workers {
            writeln!(worker.stdin, "go")?;
            worker.stdin.flush()?;
        }
        on_phase();
    }
    let mut results = Vec::with_capacity(clients);
    for worker in &mut workers {
        let line = worker.line()?;
        let json = line
            .strip_prefix(RESULT)
            .with_context(|| format!("unexpected line from a benchmark worker: {line:?}"))?;
        results.push(serde_json::from_str(json).context("parse a worker's result")?);
    }
    for worker in &mut workers {
        worker.child.wait()?;
    }
    Ok(results)
}
