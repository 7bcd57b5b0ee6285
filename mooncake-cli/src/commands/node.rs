//! `mooncake node join`: runs a storage node — contributes a segment of this host's memory to the
//! pool, heartbeats, remounts after a master restart, serves the REST store service — until SIGINT or
//! SIGTERM, then unmounts cleanly. Mooncake's `mooncake_store_service` option names work as aliases.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use mooncake_master::config::ByteSize;
use mooncake_node::{ClientConfig, Node, NodeConfig};
use tokio_util::sync::CancellationToken;

use crate::cli::GlobalArgs;
use crate::exit::Exit;
use crate::logging;
use crate::signals::Signals;

/// The REST port a node tries when `--rest-port` is not given (Mooncake's store service default).
pub const DEFAULT_REST_PORT: u16 = 8080;

/// `mooncake node`.
#[derive(Args, Debug)]
pub struct NodeArgs {
    #[command(subcommand)]
    pub command: NodeCommand,
}

/// What to do with a node.
#[derive(Subcommand, Debug)]
pub enum NodeCommand {
    /// Contribute memory to the pool and serve it until SIGINT/SIGTERM
    ///
    /// Uses the global --master and --metadata-server. Example:
    ///   mooncake node join --master 10.0.0.1:50051 --metadata-server http://10.0.0.1:8080/metadata \
    ///       --local-hostname 10.0.0.2 --global-segment-size 3.2GB --protocol tcp
    #[command(verbatim_doc_comment)]
    Join(JoinArgs),
}

/// `mooncake node join`.
#[derive(Args, Debug, Clone)]
pub struct JoinArgs {
    /// Address peers reach this node at (`host` or `host:port`); the node binds and publishes it
    #[arg(
        long,
        visible_alias = "local_hostname",
        env = "MOONCAKE_LOCAL_HOSTNAME",
        default_value = "127.0.0.1"
    )]
    pub local_hostname: String,

    /// Memory this node contributes to the pool (3.2GB, 512MiB, bytes)
    #[arg(
        long,
        visible_alias = "global_segment_size",
        env = "MOONCAKE_GLOBAL_SEGMENT_SIZE",
        default_value = "1GiB"
    )]
    pub global_segment_size: ByteSize,

    /// Transfer buffer size (accepted for compatibility: transfers use callers' buffers directly)
    #[arg(long, visible_alias = "local_buffer_size", default_value = "512MiB")]
    pub local_buffer_size: ByteSize,

    /// Data-path protocol (tcp; same-host peers use shared memory automatically)
    #[arg(long, default_value = "tcp")]
    pub protocol: String,

    /// RDMA device names (unused with tcp)
    #[arg(long, visible_alias = "device_name", default_value = "")]
    pub device_name: String,

    /// Port of the REST store service; default 8080 when free, otherwise the service is off
    #[arg(long, visible_aliases = ["rest_port", "port"], env = "MOONCAKE_REST_PORT")]
    pub rest_port: Option<u16>,

    /// Address the REST store service binds
    #[arg(long, visible_alias = "rest_host", default_value = "0.0.0.0")]
    pub rest_host: IpAddr,

    /// Attempts to reach the master at start before giving up (with doubling backoff from 200 ms)
    #[arg(long, default_value_t = 5)]
    pub connect_retries: u32,
}

impl JoinArgs {
    /// The node settings these flags (and the global ones) describe.
    pub fn node_config(&self, global: &GlobalArgs) -> NodeConfig {
        let client = ClientConfig {
            local_hostname: self.local_hostname.clone(),
            metadata_server: global.metadata_server.clone(),
            global_segment_size: self.global_segment_size.bytes(),
            local_buffer_size: self.local_buffer_size.bytes(),
            protocol: self.protocol.clone(),
            device_name: self.device_name.clone(),
            master_server_address: global.master.clone(),
            ..ClientConfig::default()
        };
        let rest_listen = match self.rest_port {
            Some(port) => Some(SocketAddr::new(self.rest_host, port)),
            None => {
                let default = SocketAddr::new(self.rest_host, DEFAULT_REST_PORT);
                // Probe the default: another service (often the master's metadata server) may hold it.
                match TcpListener::bind(default) {
                    Ok(_) => Some(default),
                    Err(error) => {
                        tracing::warn!(%default, %error, "REST store service off: its default port is taken (pass --rest-port)");
                        None
                    }
                }
            }
        };
        NodeConfig {
            rest_listen,
            connect_retries: self.connect_retries,
            ..NodeConfig::new(client)
        }
    }
}

/// Runs `mooncake node …`.
pub fn run(args: NodeArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    logging::init(global.log_level);
    let NodeCommand::Join(join) = args.command;
    let config = join.node_config(global);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("mooncake-node")
        .enable_all()
        .build()
        .context("start the async runtime")?;
    runtime.block_on(async {
        let cancel = CancellationToken::new();
        let signals = Signals::install().context("install the SIGINT/SIGTERM handlers")?;
        tokio::spawn(signals.cancel_on_signal(cancel.clone()));
        Node::run(config, cancel).await.context("node failed")
    })?;
    Ok(Exit::Success.into())
}
