//! `mooncake up`: a whole single-host store in one command — a master with the embedded HTTP metadata
//! server plus one storage node — for development and evaluation. Prints the endpoints and what to try
//! next; Ctrl-C stops the node (unmounting its segment) and then the master.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use mooncake_master::config::{ByteSize, MasterConfig};
use mooncake_node::{ClientConfig, Node, NodeConfig};
use tokio_util::sync::CancellationToken;

use crate::cli::GlobalArgs;
use crate::exit::Exit;
use crate::logging;
use crate::signals::Signals;

/// `mooncake up`.
#[derive(Args, Debug)]
pub struct UpArgs {
    /// Memory the node contributes; default: 1 GiB, or an eighth of the available memory if less
    #[arg(long, visible_alias = "global_segment_size")]
    pub global_segment_size: Option<ByteSize>,

    /// Address every service binds (loopback by default: a development stack)
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,

    /// Master gRPC port
    #[arg(long, visible_alias = "rpc_port", default_value_t = 50051)]
    pub rpc_port: u16,

    /// Master admin/metrics HTTP port
    #[arg(long, visible_alias = "metrics_port", default_value_t = 9003)]
    pub metrics_port: u16,

    /// Embedded HTTP metadata server port
    #[arg(long, visible_alias = "http_metadata_server_port", default_value_t = 8080)]
    pub http_metadata_server_port: u16,

    /// Node REST store service port
    #[arg(long, visible_alias = "rest_port", default_value_t = 8081)]
    pub rest_port: u16,
}

/// 1 GiB, or an eighth of `MemAvailable` when that is smaller (never below 64 MiB).
fn default_segment_size() -> u64 {
    const GIB: u64 = 1 << 30;
    let available = std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
        info.lines()
            .find_map(|l| l.strip_prefix("MemAvailable:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
    });
    available.map_or(GIB, |bytes| (bytes / 8).clamp(64 << 20, GIB))
}

/// Runs `mooncake up` until SIGINT/SIGTERM.
pub fn run(args: UpArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    logging::init(global.log_level);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("mooncake-up")
        .enable_all()
        .build()
        .context("start the async runtime")?;
    runtime.block_on(up(args))?;
    Ok(Exit::Success.into())
}

async fn up(args: UpArgs) -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let signals = Signals::install().context("install the SIGINT/SIGTERM handlers")?;
    tokio::spawn(signals.cancel_on_signal(cancel.clone()));

    let master_config = MasterConfig {
        rpc_listen: SocketAddr::new(args.host, args.rpc_port),
        metrics_listen: SocketAddr::new(args.host, args.metrics_port),
        http_metadata: Some(SocketAddr::new(args.host, args.http_metadata_server_port)),
        enable_metric_reporting: false,
        ..MasterConfig::default()
    };
    let master = mooncake_master::server::start(master_config)
        .await
        .context("start the master")?;
    let segment_size = args
        .global_segment_size
        .map_or_else(default_segment_size, ByteSize::bytes);
    // The node finds peers by P2P handshake, so `mooncake put`/`get` work with their defaults; the
    // master's metadata server is there for engines that want one.
    let client = ClientConfig {
        local_hostname: args.host.to_string(),
        metadata_server: "P2PHANDSHAKE".to_string(),
        global_segment_size: segment_size,
        master_server_address: master.rpc_addr.to_string(),
        ..ClientConfig::default()
    };
    let node_config = NodeConfig {
        rest_listen: Some(SocketAddr::new(args.host, args.rest_port)),
        ..NodeConfig::new(client)
    };
    let node = match Node::start(node_config, cancel.clone()).await {
        Ok(node) => node,
        Err(error) => {
            let _ = master.shutdown().await;
            return Err(error).context("start the node");
        }
    };

    let master_flag = if args.rpc_port == 50051 && args.host == IpAddr::V4(Ipv4Addr::LOCALHOST) {
        String::new()
    } else {
        format!(" --master {}", master.rpc_addr)
    };
    let rest = node
        .rest_addr()
        .map_or_else(|| "off".to_string(), |a| format!("http://{a}"));
    let metadata = master
        .metadata_addr
        .map_or_else(|| "off".to_string(), |a| format!("http://{a}/metadata"));
    println!(
        "Mooncake is up.\n\
         \n  master (gRPC)      {rpc}\
         \n  admin and metrics  http://{admin}  (/metrics, /metrics/summary, /health, /get_all_segments)\
         \n  metadata server    {metadata}\
         \n  node REST service  {rest}  (/api/objects/KEY, /api/mount, ...)\
         \n  node segment       {name} ({size})\
         \n\nTry:\
         \n  echo hello | mooncake{flag} put greeting -\
         \n  mooncake{flag} get greeting\
         \n  mooncake{flag} query-key greeting\
         \n  mooncake{flag} segments\
         \n  curl -s http://{admin}/metrics/summary\
         \n\nCtrl-C stops everything.",
        rpc = master.rpc_addr,
        admin = master.admin_addr,
        name = node.client().segment_name(),
        size = ByteSize(segment_size),
        flag = master_flag,
    );

    cancel.cancelled().await;
    let node_result = node.shutdown().await.context("stop the node");
    master.shutdown().await.context("stop the master")?;
    node_result?;
    tracing::info!("mooncake up: stopped");
    Ok(())
}
