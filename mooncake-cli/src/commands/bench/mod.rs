//! `mooncake bench`: a load generator for the store and this machine's limits.
//!
//! Store scenarios always put fresh keys, then read them back, timing every call; `--local` starts
//! a master and storage nodes as child processes on loopback, otherwise the cluster at `--master`
//! is used. Results: a table, or with `--output json` one document whose `results` hold one record
//! per (scenario, op, size). Multi-client scenarios run their clients as separate processes
//! ([`workers`]); the machine-limit scenarios need no cluster ([`limits`]).

mod cluster;
mod limits;
mod report;
mod scenario;
mod workers;
mod workload;

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{ArgAction, Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use mooncake_master::config::ByteSize;
use mooncake_node::{Client, ClientConfig, ReplicateConfig};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::Exit;
use crate::output;
use limits::Backing;
pub use report::Record;
use report::{Machine, Phase, Report, Samples};
pub use scenario::Scenario;
use scenario::{Calls, DEFAULT_SCENARIOS, Placement};
use workload::Pass;

/// `mooncake bench`.
#[derive(Args, Debug, Clone)]
#[command(after_long_help = AFTER_HELP)]
pub struct BenchArgs {
    /// Start a master, and storage nodes for the remote scenarios, on loopback for this run
    #[arg(long)]
    pub local: bool,

    /// Scenarios to run, comma-separated
    #[arg(long, value_enum, value_delimiter = ',', default_value = DEFAULT_SCENARIOS)]
    pub scenarios: Vec<Scenario>,

    /// Value sizes, comma-separated (4K, 64K, 1M, 16M or bytes)
    #[arg(long, value_delimiter = ',', default_value = "4K,64K,1M,16M")]
    pub sizes: Vec<ByteSize>,

    /// Keys put (and got) per scenario and size, at most; --bytes caps it for large sizes
    #[arg(long, default_value_t = 1000)]
    pub ops: u64,

    /// Byte budget per scenario and size: a size runs min(--ops, BYTES / size) keys (at least 4)
    #[arg(long, default_value = "256MiB")]
    pub bytes: ByteSize,

    /// Keys per call in the batch scenarios
    #[arg(long, default_value_t = 32)]
    pub batch: usize,

    /// Client processes of the multi-client scenario
    #[arg(long, default_value_t = 2)]
    pub clients: usize,

    /// Replicas per put (each on a different segment when there are enough)
    #[arg(long, default_value_t = 1)]
    pub replicas: u32,

    /// Unmeasured put+get rounds before each scenario and size (cold scenarios skip them; batch
    /// scenarios warm up with at least one full batch)
    #[arg(long, default_value_t = 20)]
    pub warmup: u64,

    /// Memory the benchmark's client and each --local storage node contribute
    #[arg(long, visible_alias = "global_segment_size", default_value = "1GiB")]
    pub segment_size: ByteSize,

    /// Transfer buffer size of the clients (accepted for parity with Mooncake's benchmark)
    #[arg(long, visible_alias = "local_buffer_size", default_value = "16MiB")]
    pub local_buffer_size: ByteSize,

    /// How remote scenarios move bytes: tcp (through a socket, like another host) or shm
    #[arg(long, value_enum, default_value_t = RemoteTransport::Tcp)]
    pub remote_transport: RemoteTransport,

    /// Store a CRC-32 with every put and verify it on get (the client's default)
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub checksum: bool,

    /// Internal: run as one client of a multi-client scenario
    #[arg(long, hide = true)]
    pub worker: bool,

    /// Internal: the segment a worker puts into
    #[arg(long, hide = true)]
    pub target_segment: Option<String>,

    /// Internal: a worker's key prefix
    #[arg(long, hide = true)]
    pub key_prefix: Option<String>,
}

const AFTER_HELP: &str = "\
Scenarios:
  local            the client's own segment holds the data (master round trip + in-process copy)
  remote           a separate storage node holds the data; every byte crosses the transport
  local-batch32    local with batch_put/batch_get of --batch keys per call
  remote-batch32   remote with batch calls
  local-zc         local through registered buffers (put_from/get_into)
  remote-zc        remote through registered buffers
  remote-2clients  remote from --clients client processes at once (aggregate MB/s)
  local-cold       first puts into a freshly mounted segment
  remote-cold      first puts into a freshly started storage node (needs --local)
  memcpy           machine limit: single-thread memcpy streaming through 256 MiB
  tcp              machine limit: request/response over one loopback TCP connection
  tcp-2streams     machine limit: the same over two connections at once

Each record: scenario, op (put|get), size, batch, clients, ops (keys), bytes, MBps (10^6 B/s over
the phase's wall time), p50_us and p99_us (per call), errors. Puts always use fresh keys; the first
and last key of every phase are read back and compared byte for byte (a mismatch counts as an error).

Examples:
  mooncake bench --local --sizes 4K,1M --scenarios local,remote
  mooncake bench --master 10.0.0.1:50051 --scenarios remote --ops 10000 --output json
  mooncake bench --scenarios memcpy,tcp,tcp-2streams --output json";

/// `--remote-transport` values.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteTransport {
    /// Loopback TCP, as between hosts.
    Tcp,
    /// The same-host shared-memory path.
    Shm,
}

impl BenchArgs {
    /// Keys a (scenario, size) pass moves. Cold scenarios keep every size's keys until they end, so
    /// together they must fit the fresh segment under the master's eviction watermark.
    fn ops_for(&self, scenario: Scenario, size: u64) -> u64 {
        let size = size.max(1);
        let by_budget = (self.bytes.bytes() / size).max(4);
        let mut ops = self.ops.min(by_budget).max(1);
        if scenario.is_cold() {
            let share = self.usable_segment() / self.sizes.len().max(1) as u64;
            ops = ops.min(share / size).max(1);
        }
        if scenario.calls() == Calls::Batch {
            ops.max(self.batch as u64)
        } else {
            ops
        }
    }

    /// What a segment can hold before the master starts evicting (its high watermark is 95% by
    /// default; 80% leaves room for allocator alignment and the warm-up keys).
    fn usable_segment(&self) -> u64 {
        self.segment_size.bytes() / 10 * 8
    }

    /// The pass of `scenario` at `size`: keys under `prefix`, first replica on `segment`.
    fn pass(&self, scenario: Scenario, size: u64, prefix: String, segment: String) -> Pass {
        Pass {
            prefix,
            size: size as usize,
            ops: self.ops_for(scenario, size),
            batch: self.batch_for(scenario),
            calls: scenario.calls(),
            warmup: self.warmup_for(scenario),
            replicate: ReplicateConfig::replicas(self.replicas).preferred_segment(segment),
        }
    }

    /// Warm-up keys before `scenario`'s measured loop: none for cold scenarios; for batch scenarios
    /// at least one full call, so every connection a full call spreads over is open before timing
    /// starts (as bench/'s Mooncake driver warms them).
    fn warmup_for(&self, scenario: Scenario) -> u64 {
        if scenario.is_cold() || self.warmup == 0 {
            0
        } else if scenario.calls() == Calls::Batch {
            self.warmup.max(self.batch as u64)
        } else {
            self.warmup
        }
    }

    /// Keys per call in `scenario`.
    fn batch_for(&self, scenario: Scenario) -> usize {
        if scenario.calls() == Calls::Batch {
            self.batch
        } else {
            1
        }
    }

    fn clients_for(&self, scenario: Scenario) -> usize {
        match scenario {
            Scenario::RemoteClients => self.clients,
            Scenario::TcpStreams | Scenario::TcpStreamsDram => 2,
            _ => 1,
        }
    }

    /// Refuses settings the run cannot honour, naming the flag.
    fn validate(&self) -> anyhow::Result<()> {
        if self.scenarios.is_empty() {
            bail!("--scenarios: name at least one scenario");
        }
        if self.sizes.is_empty() {
            bail!("--sizes: give at least one size");
        }
        if self.ops == 0 {
            bail!("--ops must be at least 1");
        }
        if self.batch == 0 {
            bail!("--batch must be at least 1");
        }
        if self.clients == 0 {
            bail!("--clients must be at least 1");
        }
        if self.replicas == 0 {
            bail!("--replicas must be at least 1");
        }
        let usable = self.usable_segment();
        for size in &self.sizes {
            let size = size.bytes();
            if size == 0 {
                bail!("--sizes: a value size must be at least 1 byte");
            }
            for &scenario in self.scenarios.iter().filter(|s| !s.is_limit()) {
                // A pass's keys stay stored until it ends (cold ones until the scenario ends); every
                // client of the pass stores its own.
                let ops = self.ops_for(scenario, size) * self.clients_for(scenario) as u64;
                if size * ops > usable {
                    bail!(
                        "--segment-size {} cannot hold {ops} key(s) of {} for {} below the eviction \
                         watermark (80% is usable): raise --segment-size or lower --ops/--bytes",
                        self.segment_size,
                        ByteSize(size),
                        scenario.name()
                    );
                }
            }
        }
        Ok(())
    }

    /// The settings echoed in the JSON document.
    fn config_json(&self, master: Option<&str>) -> serde_json::Value {
        serde_json::json!({
            "scenarios": self.scenarios.iter().map(|s| s.name()).collect::<Vec<_>>(),
            "sizes": self.sizes.iter().map(|s| s.bytes()).collect::<Vec<_>>(),
            "ops": self.ops,
            "bytes": self.bytes.bytes(),
            "batch": self.batch,
            "clients": self.clients,
            "replicas": self.replicas,
            "warmup": self.warmup,
            "segment_size": self.segment_size.bytes(),
            "local_buffer_size": self.local_buffer_size.bytes(),
            "remote_transport": format!("{:?}", self.remote_transport).to_lowercase(),
            "checksum": self.checksum,
            "local": self.local,
            "master": master,
        })
    }
}

/// Runs `mooncake bench`.
pub fn run(args: BenchArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    super::init_client_logging(global);
    if let Err(error) = args.validate() {
        return Ok(output::fail(
            Exit::Error,
            format!("{error:#}"),
            Some("see `mooncake bench --help`"),
        ));
    }
    // One thread drives everything: a master round trip is sent and its answer read on the
    // calling thread, without a hand-off to an I/O thread (each costs a cross-core wake-up).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("start the async runtime")?;
    if args.worker {
        return runtime.block_on(worker(args, global));
    }
    let records = runtime.block_on(bench(&args, global))?;
    let (records, master) = records;
    match global.output {
        OutputFormat::Json => output::print_json(&Report {
            tool: "mooncake-rs",
            version: env!("CARGO_PKG_VERSION"),
            machine: Machine::detect(),
            config: &args.config_json(master.as_deref()),
            results: &records,
        })?,
        OutputFormat::Table => report::print_table(&records),
    }
    let failed = records.iter().any(|r| r.errors > 0);
    Ok(if failed { Exit::Failure } else { Exit::Success }.into())
}

/// Everything a run needs from the cluster, made on first use.
struct Session<'a> {
    args: &'a BenchArgs,
    global: &'a GlobalArgs,
    run_id: String,
    cluster: Option<cluster::LocalCluster>,
    master: String,
    /// The client with its own segment (local scenarios).
    local: Option<Client>,
    /// The client without a segment (remote scenarios) and the segment it writes to.
    remote: Option<(Client, String)>,
}

impl<'a> Session<'a> {
    async fn start(args: &'a BenchArgs, global: &'a GlobalArgs) -> anyhow::Result<Self> {
        let needs_cluster = args.scenarios.iter().any(|s| !s.is_limit());
        let cluster = if args.local && needs_cluster {
            Some(cluster::LocalCluster::start().await?)
        } else {
            None
        };
        let master = cluster
            .as_ref()
            .map_or_else(|| global.master.clone(), |c| c.master_addr.clone());
        let run_id = uuid_prefix();
        Ok(Self {
            args,
            global,
            run_id,
            cluster,
            master,
            local: None,
            remote: None,
        })
    }

    fn client_config(&self, segment: u64, shm: bool) -> ClientConfig {
        ClientConfig {
            metadata_server: self.global.metadata_server.clone(),
            global_segment_size: segment,
            local_buffer_size: self.args.local_buffer_size.bytes(),
            enable_shm: shm,
            checksum: self.args.checksum,
            ..ClientConfig::new(self.master.clone())
        }
    }

    async fn connect(&self, segment: u64, shm: bool) -> anyhow::Result<Client> {
        Client::connect(self.client_config(segment, shm))
            .await
            .with_context(|| format!("connect a benchmark client to the master at {}", self.master))
    }

    fn remote_shm(&self) -> bool {
        self.args.remote_transport == RemoteTransport::Shm
    }

    /// A segment of another process to put remote data into: a fresh `--local` node, or the
    /// largest segment the master lists that is not this benchmark's.
    async fn remote_segment(&mut self) -> anyhow::Result<String> {
        let segment = self.args.segment_size.bytes();
        if let Some(cluster) = &mut self.cluster {
            return cluster.start_node(segment).await;
        }
        let rpc = crate::master_client::MasterRpc::connect(&self.master).await?;
        let own = self.local.as_ref().map(|c| c.segment_name().to_string());
        rpc.all_segments()
            .await?
            .into_iter()
            .filter_map(|s| Some((s.capacity_bytes, s.segment?.name)))
            .filter(|(_, name)| Some(name) != own.as_ref())
            .max()
            .map(|(_, name)| name)
            .context("the remote scenarios need a storage node: none is mounted (start one with `mooncake node join`, or pass --local)")
    }

    async fn local_client(&mut self) -> anyhow::Result<&Client> {
        if self.local.is_none() {
            self.local = Some(self.connect(self.args.segment_size.bytes(), true).await?);
        }
        self.local.as_ref().context("local client")
    }

    async fn remote_client(&mut self) -> anyhow::Result<(&Client, String)> {
        if self.remote.is_none() {
            let segment = self.remote_segment().await?;
            let client = self.connect(0, self.remote_shm()).await?;
            self.remote = Some((client, segment));
        }
        let (client, segment) = self.remote.as_ref().context("remote client")?;
        Ok((client, segment.clone()))
    }

    fn pass(&self, scenario: Scenario, size: u64, segment: String) -> Pass {
        let prefix = format!("{}/{}/{}", self.run_id, scenario.name(), size);
        self.args.pass(scenario, size, prefix, segment)
    }

    /// One store scenario over every size.
    async fn store(&mut self, scenario: Scenario, progress: &ProgressBar) -> anyhow::Result<Vec<Record>> {
        if scenario.is_multi_client() {
            return self.multi_client(scenario, progress).await;
        }
        if scenario == Scenario::RemoteCold && self.cluster.is_none() {
            tracing::warn!("remote-cold skipped: it starts a fresh storage node and needs --local");
            progress.println("remote-cold skipped: it needs --local (a fresh storage node)");
            return Ok(Vec::new());
        }
        // Cold scenarios get memory nobody touched before: a new client segment or a new node.
        let (cold_client, cold_segment) = match scenario {
            Scenario::LocalCold => {
                let client = self.connect(self.args.segment_size.bytes(), true).await?;
                let name = client.segment_name().to_string();
                (Some(client), Some(name))
            }
            Scenario::RemoteCold => {
                let segment = self.remote_segment().await?;
                (Some(self.connect(0, self.remote_shm()).await?), Some(segment))
            }
            _ => (None, None),
        };
        let mut passes = Vec::new();
        let mut records = Vec::new();
        for size in self.args.sizes.iter().map(|s| s.bytes()) {
            let (client, segment) = match (&cold_client, &cold_segment) {
                (Some(client), Some(segment)) => (client, segment.clone()),
                _ => match scenario.placement() {
                    Placement::Local => {
                        let client = self.local_client().await?;
                        let name = client.segment_name().to_string();
                        (self.local.as_ref().context("local client")?, name)
                    }
                    Placement::Remote => {
                        let (_, segment) = self.remote_client().await?;
                        (&self.remote.as_ref().context("remote client")?.0, segment)
                    }
                },
            };
            let pass = self.pass(scenario, size, segment);
            let outcome = pass
                .run(client, progress, &mut |_| Ok(()), scenario.is_cold())
                .await?;
            records.extend(phase_records(
                scenario,
                size,
                pass.batch,
                vec![(outcome.put, outcome.get)],
            ));
            passes.push(pass);
        }
        if let Some(client) = cold_client {
            for pass in &passes {
                pass.remove(&client).await;
            }
            client.close().await.ok();
        }
        Ok(records)
    }

    /// `remote-2clients`: `--clients` worker processes, released phase by phase together.
    async fn multi_client(
        &mut self,
        scenario: Scenario,
        progress: &ProgressBar,
    ) -> anyhow::Result<Vec<Record>> {
        let (_, segment) = self.remote_client().await?;
        let args = self.args;
        let sizes: Vec<String> = args.sizes.iter().map(|s| s.bytes().to_string()).collect();
        let clients = args.clients_for(scenario);
        let mut argv: Vec<String> = vec![
            "--log-level".into(),
            self.global.log_level.as_str().into(),
            "--master".into(),
            self.master.clone(),
            "--metadata-server".into(),
            self.global.metadata_server.clone(),
            "bench".into(),
            "--worker".into(),
            "--scenarios".into(),
            scenario.name(),
            "--sizes".into(),
            sizes.join(","),
            "--ops".into(),
            args.ops.to_string(),
            "--bytes".into(),
            args.bytes.bytes().to_string(),
            "--warmup".into(),
            args.warmup.to_string(),
            "--replicas".into(),
            args.replicas.to_string(),
            "--segment-size".into(),
            args.segment_size.bytes().to_string(),
            "--remote-transport".into(),
            format!("{:?}", args.remote_transport).to_lowercase(),
            "--checksum".into(),
            args.checksum.to_string(),
            "--target-segment".into(),
            segment,
        ];
        let prefix = format!("{}/{}", self.run_id, scenario.name());
        argv.extend(["--key-prefix".into(), prefix]);
        // Two barriers (put, get) per size; progress moves a phase at a time.
        let steps: Vec<u64> = args
            .sizes
            .iter()
            .flat_map(|s| {
                let n = args.ops_for(scenario, s.bytes()) * clients as u64;
                [n, n]
            })
            .collect();
        let mut released = 0;
        let results = workers::run_workers(&argv, clients, steps.len(), || {
            // All workers reached barrier `released`: the phase before it is done.
            if released > 0 {
                progress.inc(steps[released - 1]);
            }
            released += 1;
        })?;
        progress.inc(steps.last().copied().unwrap_or(0));
        // Per size, every worker's (put, get) samples.
        let mut by_size: Vec<Vec<(Samples, Samples)>> = args.sizes.iter().map(|_| Vec::new()).collect();
        for result in results {
            if result.passes.len() != by_size.len() {
                bail!(
                    "a worker reported {} sizes, not {}",
                    result.passes.len(),
                    by_size.len()
                );
            }
            for (outcomes, pass) in by_size.iter_mut().zip(result.passes) {
                outcomes.push((pass.put, pass.get));
            }
        }
        Ok(args
            .sizes
            .iter()
            .zip(by_size)
            .flat_map(|(size, outcomes)| phase_records(scenario, size.bytes(), 1, outcomes))
            .collect())
    }
}

fn uuid_prefix() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("bench-{}", &id[..8])
}

/// The put and get records of one pass of one or more clients.
fn phase_records(
    scenario: Scenario,
    size: u64,
    batch: usize,
    outcomes: Vec<(Samples, Samples)>,
) -> Vec<Record> {
    let (puts, gets): (Vec<Samples>, Vec<Samples>) = outcomes.into_iter().unzip();
    let phase = |op| Phase {
        scenario: scenario.name(),
        op,
        size,
        batch,
    };
    vec![phase("put").record(&puts), phase("get").record(&gets)]
}

/// A machine-limit scenario over every size.
fn limit(args: &BenchArgs, scenario: Scenario, progress: &ProgressBar) -> anyhow::Result<Vec<Record>> {
    let mut records = Vec::new();
    for size in args.sizes.iter().map(|s| s.bytes()) {
        let ops = args.ops_for(scenario, size);
        for (op, put) in [("put", true), ("get", false)] {
            let tcp = |connections, backing| limits::tcp(size as usize, ops, put, connections, backing);
            let samples = match scenario {
                Scenario::Memcpy => vec![limits::memcpy(size as usize, ops, put)],
                Scenario::Tcp => tcp(1, Backing::Hot)?,
                Scenario::TcpDram => tcp(1, Backing::Dram)?,
                Scenario::TcpStreamsDram => tcp(2, Backing::Dram)?,
                _ => tcp(2, Backing::Hot)?,
            };
            progress.inc(ops * samples.len() as u64);
            let phase = Phase {
                scenario: scenario.name(),
                op,
                size,
                batch: 1,
            };
            records.push(phase.record(&samples));
        }
    }
    Ok(records)
}

/// The whole run: every scenario in the order given; returns the records and the master used.
async fn bench(args: &BenchArgs, global: &GlobalArgs) -> anyhow::Result<(Vec<Record>, Option<String>)> {
    let mut session = Session::start(args, global).await?;
    let total: u64 = args
        .scenarios
        .iter()
        .flat_map(|&s| {
            args.sizes
                .iter()
                .map(move |size| 2 * args.ops_for(s, size.bytes()) * args.clients_for(s) as u64)
        })
        .sum();
    let progress = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{spinner} {msg:<28} [{bar:30}] {pos}/{len} keys, {elapsed} elapsed, ~{eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut records = Vec::new();
    for &scenario in &args.scenarios {
        progress.set_message(scenario.name());
        let mut found = if scenario.is_limit() {
            limit(args, scenario, &progress)?
        } else {
            session.store(scenario, &progress).await?
        };
        records.append(&mut found);
    }
    progress.finish_and_clear();
    let needs_cluster = args.scenarios.iter().any(|s| !s.is_limit());
    if let Some(client) = session.local.take() {
        client.close().await.ok();
    }
    if let Some((client, _)) = session.remote.take() {
        client.close().await.ok();
    }
    if let Some(cluster) = session.cluster.take() {
        cluster.stop().await;
    }
    let master = needs_cluster.then(|| session.master.clone());
    Ok((records, master))
}

/// `--worker`: one client of a multi-client scenario (see [`workers`]).
async fn worker(args: BenchArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let scenario = *args.scenarios.first().context("--worker needs --scenarios")?;
    let segment = args
        .target_segment
        .clone()
        .context("--worker needs --target-segment")?;
    let prefix = args.key_prefix.clone().context("--worker needs --key-prefix")?;
    let shm = args.remote_transport == RemoteTransport::Shm;
    let client = Client::connect(ClientConfig {
        metadata_server: global.metadata_server.clone(),
        global_segment_size: 0,
        enable_shm: shm,
        checksum: args.checksum,
        ..ClientConfig::new(global.master.clone())
    })
    .await
    .context("connect a benchmark worker")?;
    let mut result = workers::WorkerResult::default();
    let hidden = ProgressBar::hidden();
    for size in args.sizes.iter().map(|s| s.bytes()) {
        let pass = args.pass(
            scenario,
            size,
            format!("{prefix}/{size}/{}", std::process::id()),
            segment.clone(),
        );
        let outcome = pass
            .run(
                &client,
                &hidden,
                &mut |phase| workers::worker_barrier(phase),
                false,
            )
            .await?;
        result.passes.push(outcome);
    }
    client.close().await.ok();
    workers::print_result(&result)?;
    Ok(Exit::Success.into())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        bench: BenchArgs,
    }

    fn args(line: &[&str]) -> BenchArgs {
        Cli::try_parse_from(std::iter::once("bench").chain(line.iter().copied()))
            .unwrap_or_else(|e| panic!("{e}"))
            .bench
    }

    #[test]
    fn batch_scenarios_warm_up_with_a_full_call() {
        let a = args(&["--warmup", "10", "--batch", "32"]);
        assert_eq!(a.warmup_for(Scenario::RemoteBatch), 32);
        assert_eq!(a.warmup_for(Scenario::LocalBatch), 32);
        assert_eq!(a.warmup_for(Scenario::Remote), 10);
        assert_eq!(a.warmup_for(Scenario::RemoteCold), 0);
        assert_eq!(args(&["--warmup", "50"]).warmup_for(Scenario::RemoteBatch), 50);
        assert_eq!(
            args(&["--warmup", "0"]).warmup_for(Scenario::RemoteBatch),
            0,
            "0 still means none"
        );
    }
}
