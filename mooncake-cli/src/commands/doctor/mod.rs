//! `mooncake doctor`: checks a host against the mistakes Mooncake's troubleshooting guide lists —
//! RDMA devices and limits ([`rdma`]), addresses, ports and proxies ([`net`]), and the reachability of
//! the master and metadata server ([`cluster`]) — and prints a checklist with the evidence and a fix.
//!
//! Exit status: 1 if any check failed, else 0; warnings exit 0 unless `--strict` (then 1); 2 for
//! usage errors. Skipped checks (nothing to look at) never count.

pub mod check;
pub mod cluster;
pub mod congestion;
pub mod host;
pub mod listeners;
pub mod memlock;
pub mod net;
pub mod proxy;
pub mod rdma;
pub mod render;
pub mod sysfs;
pub mod verbs;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use mooncake_master::config::{ByteSize, Seconds};

use self::check::{Check, Group, Report, Verdict};
use self::memlock::Memlock;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::output;

/// `mooncake doctor`.
#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// Which family of checks; all that apply when omitted
    #[command(subcommand)]
    pub command: Option<DoctorCommand>,

    #[command(flatten)]
    pub options: DoctorOptions,
}

/// `mooncake doctor` subcommands.
#[derive(Subcommand, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoctorCommand {
    /// RDMA devices: port state, GID index, MTU, max_mr_size and the locked-memory limit
    ///
    /// For every device under <sysfs-root>/class/infiniband (or each --device):
    ///   - the device exists ("No matched device found" otherwise);
    ///   - port MC_IB_PORT (default 1) is ACTIVE (ports/N/state, phys_state);
    ///   - the GID at MC_GID_INDEX is not all-zero, and whether a RoCE v2 IPv4-mapped GID at another
    ///     index would route better (ports/N/gids/I, gid_attrs/types/I, gid_attrs/ndevs/I); unset, the
    ///     index the transfer engine picks itself is shown;
    ///   - the active MTU against MC_MTU (default 4096) and the interface MTU (class/net/IF/mtu); sysfs
    ///     has no active MTU, so it comes from ibverbs (--features rdma) or is derived from the
    ///     interface MTU for RoCE;
    ///   - max_mr_size (ibverbs; sysfs does not expose it) against --global-segment-size +
    ///     --local-buffer-size: some devices cannot register more than 64 GiB at once.
    ///
    /// Once per host: the locked-memory limit (ulimit -l) against the same planned registration.
    #[command(verbatim_doc_comment)]
    Rdma,

    /// This host's network: local hostname, name resolution, planned ports, proxies, congestion control
    ///
    ///   - --local-hostname (Mooncake's connectable_name) must be one of this host's addresses;
    ///     loopback is only fine when everything runs on one host;
    ///   - every host name given (local hostname, --master, --admin, --metadata-server) resolves;
    ///   - the ports you plan to bind (--rpc-port, --metrics-port, --metadata-port, --node-port,
    ///     --port) have no listener yet, and which process holds them if they do;
    ///   - http_proxy/https_proxy/all_proxy (either case) are unset, or no_proxy covers the master
    ///     and the metadata server;
    ///   - the TCP congestion control data connections get: the host default, MC_TCP_CONGESTION if
    ///     set (a name the kernel does not offer warns), and that loopback peers escape a pacing
    ///     default such as bbr.
    #[command(verbatim_doc_comment)]
    Net,

    /// The cluster from this host: master ready, admin /health, HA leader, metadata server, clock skew
    ///
    ///   - the master (--master) answers ServiceReady over gRPC;
    ///   - the admin server (--admin) answers /health, and /health and /leader name the leader;
    ///   - the metadata server (--metadata-server) answers: GET /health for http://…/metadata, a TCP
    ///     connect for etcd:// and redis://; on loopback while the cluster spans hosts is a warning;
    ///   - the master's clock (the admin answer's Date header) is within --max-clock-skew of ours.
    #[command(verbatim_doc_comment)]
    Cluster,
}

/// Options of `mooncake doctor` (every subcommand takes all of them).
#[derive(Args, Debug, Clone)]
pub struct DoctorOptions {
    /// RDMA devices to check (repeat or comma-separate); every device found when omitted
    #[arg(
        long = "device",
        visible_alias = "device_name",
        value_name = "NAME",
        value_delimiter = ',',
        global = true,
        help_heading = "RDMA checks"
    )]
    pub devices: Vec<String>,

    /// The sysfs tree to read devices from (a copy or a test fixture instead of /sys)
    #[arg(
        long,
        value_name = "DIR",
        default_value = "/sys",
        global = true,
        help_heading = "RDMA checks"
    )]
    pub sysfs_root: PathBuf,

    /// The RDMA device port the transfer engine uses (as MC_IB_PORT)
    #[arg(
        long,
        env = "MC_IB_PORT",
        value_name = "N",
        default_value = "1",
        global = true,
        help_heading = "RDMA checks"
    )]
    pub ib_port: String,

    /// The GID index the transfer engine is told to use (as MC_GID_INDEX; unset = it picks one)
    #[arg(
        long,
        env = "MC_GID_INDEX",
        value_name = "INDEX",
        global = true,
        help_heading = "RDMA checks"
    )]
    pub gid_index: Option<String>,

    /// The RDMA path MTU the transfer engine asks for (as MC_MTU: 512/1024/2048/4096; default 4096)
    #[arg(
        long,
        env = "MC_MTU",
        value_name = "BYTES",
        global = true,
        help_heading = "RDMA checks"
    )]
    pub mtu: Option<String>,

    /// The segment a node on this host will register (as `node join --global-segment-size`)
    #[arg(
        long,
        visible_alias = "global_segment_size",
        env = "MOONCAKE_GLOBAL_SEGMENT_SIZE",
        value_name = "SIZE",
        default_value = "1GiB",
        global = true,
        help_heading = "RDMA checks"
    )]
    pub global_segment_size: ByteSize,

    /// The transfer buffer a node on this host will register (as `node join --local-buffer-size`)
    #[arg(
        long,
        visible_alias = "local_buffer_size",
        value_name = "SIZE",
        default_value = "512MiB",
        global = true,
        help_heading = "RDMA checks"
    )]
    pub local_buffer_size: ByteSize,

    /// Use this locked-memory limit instead of this process's RLIMIT_MEMLOCK (tests)
    #[arg(
        long,
        env = "MOONCAKE_DOCTOR_MEMLOCK_LIMIT",
        value_name = "SIZE|unlimited",
        global = true,
        hide = true
    )]
    pub memlock_limit: Option<Memlock>,

    /// The address peers reach this host at (Mooncake's local_hostname / connectable_name)
    #[arg(
        long,
        visible_aliases = ["local_hostname", "connectable_name"],
        env = "MOONCAKE_LOCAL_HOSTNAME",
        value_name = "HOST",
        global = true,
        help_heading = "Network checks"
    )]
    pub local_hostname: Option<String>,

    /// The cluster spans several hosts (also assumed when any address given is not loopback)
    #[arg(
        long,
        env = "MOONCAKE_MULTI_HOST",
        global = true,
        help_heading = "Network checks"
    )]
    pub multi_host: bool,

    /// A master gRPC port you plan to bind here (50051 by default in `mooncake master`)
    #[arg(long, value_name = "PORT", global = true, help_heading = "Network checks")]
    pub rpc_port: Option<u16>,

    /// A master admin/metrics port you plan to bind here (9003 by default)
    #[arg(long, value_name = "PORT", global = true, help_heading = "Network checks")]
    pub metrics_port: Option<u16>,

    /// An HTTP metadata server port you plan to bind here (8080 by default)
    #[arg(long, value_name = "PORT", global = true, help_heading = "Network checks")]
    pub metadata_port: Option<u16>,

    /// A node's REST port you plan to bind here (`node join --rest-port`)
    #[arg(
        long,
        visible_alias = "rest_port",
        value_name = "PORT",
        global = true,
        help_heading = "Network checks"
    )]
    pub node_port: Option<u16>,

    /// Any other port you plan to bind here (repeat or comma-separate)
    #[arg(
        long = "port",
        value_name = "PORT",
        value_delimiter = ',',
        global = true,
        help_heading = "Network checks"
    )]
    pub ports: Vec<u16>,

    /// Warn when the master's clock differs from this host's by more than this (30s, 500ms)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "2s",
        global = true,
        help_heading = "Cluster checks"
    )]
    pub max_clock_skew: Seconds,

    /// How long each network probe may take
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "3s",
        global = true,
        help_heading = "Cluster checks"
    )]
    pub timeout: Seconds,

    /// Exit 1 on warnings too (failures always exit 1)
    #[arg(long, global = true)]
    pub strict: bool,
}

/// Runs `mooncake doctor`.
pub fn run(args: DoctorArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    super::init_client_logging(global);
    let report = super::runtime()?.block_on(collect(args.command, &args.options, global));
    let strict = args.options.strict;
    match global.output {
        OutputFormat::Json => output::print_json(&render::json(&report, strict))?,
        OutputFormat::Table => println!("{}", render::table(&report, strict)),
    }
    Ok(report.exit(strict).into())
}

/// Runs the checks `which` names (all that apply when `None`).
pub async fn collect(which: Option<DoctorCommand>, options: &DoctorOptions, global: &GlobalArgs) -> Report {
    let env = |name: &str| std::env::var(name).ok();
    let mut report = Report::default();
    let rdma = rdma_settings(options);
    match which {
        Some(DoctorCommand::Rdma) => report.extend(rdma::run(&rdma)),
        None if rdma::applies(&rdma) => report.extend(rdma::run(&rdma)),
        None => report.extend([Check::new(
            Group::Rdma,
            "rdma.devices",
            "RDMA devices",
            Verdict::Skip,
            format!(
                "none under {}: RDMA checks skipped (`mooncake doctor rdma` runs them anyway)",
                sysfs::devices_dir(&rdma.sysfs_root).display()
            ),
        )]),
        _ => {}
    }
    let multi_host = multi_host(options, global);
    if matches!(which, None | Some(DoctorCommand::Net)) {
        report.extend(net::run(&net_settings(options, global, multi_host.clone()), &env).await);
    }
    if matches!(which, None | Some(DoctorCommand::Cluster)) {
        let settings = cluster::ClusterSettings {
            master: global.master.clone(),
            admin: global.admin.clone(),
            metadata_server: global.metadata_server.clone(),
            multi_host,
            max_clock_skew: options.max_clock_skew.get(),
            timeout: probe_timeout(options),
        };
        report.extend(cluster::run(&settings).await);
    }
    report
}

fn probe_timeout(options: &DoctorOptions) -> Duration {
    options.timeout.get().max(Duration::from_millis(10))
}

fn rdma_settings(options: &DoctorOptions) -> rdma::RdmaSettings {
    let segment = options.global_segment_size.bytes();
    let buffer = options.local_buffer_size.bytes();
    let planned = segment.saturating_add(buffer);
    rdma::RdmaSettings {
        sysfs_root: options.sysfs_root.clone(),
        devices: options
            .devices
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect(),
        ib_port: options.ib_port.clone(),
        gid_index: options
            .gid_index
            .clone()
            .or_else(|| std::env::var("NCCL_IB_GID_INDEX").ok()),
        mtu: options.mtu.clone(),
        planned_registration: planned,
        planned_text: format!(
            "{} segment + {} buffer = {}",
            output::human_size(segment),
            output::human_size(buffer),
            output::human_size(planned)
        ),
        memlock: options.memlock_limit.or_else(memlock::current),
    }
}

/// The hosts of a `--metadata-server` value (none for P2PHANDSHAKE).
fn metadata_hosts(url: &str) -> Vec<String> {
    let url = url.trim();
    if url.is_empty() || url.eq_ignore_ascii_case("P2PHANDSHAKE") {
        return Vec::new();
    }
    host::authority(url)
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| host::split_host_port(s).0)
        .collect()
}

/// `(role, host)` of the master, admin and metadata server addresses.
fn peers(global: &GlobalArgs) -> Vec<(&'static str, String)> {
    use mooncake_engine::metadata::master_view::ViewBackend;
    let host_of = |address: &str| {
        let authority = host::authority(address);
        // Credentials (redis://user:password@host) are not part of the host.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        host::split_host_port(authority).0
    };
    // An HA address names the backend the leader is found through, not a master.
    let mut peers: Vec<(&'static str, String)> = match ViewBackend::from_master_address(&global.master) {
        Some(ViewBackend::Etcd(endpoints)) => endpoints
            .iter()
            .map(|e| ("HA backend (etcd)", host_of(e)))
            .collect(),
        Some(ViewBackend::Redis(url)) => vec![("HA backend (redis)", host_of(&url))],
        None => vec![("master", host_of(&global.master))],
    };
    peers.push(("admin", host_of(&global.admin)));
    peers.extend(
        metadata_hosts(&global.metadata_server)
            .into_iter()
            .map(|h| ("metadata server", h)),
    );
    peers
}

/// Why the cluster is taken to span hosts, if it is.
fn multi_host(options: &DoctorOptions, global: &GlobalArgs) -> Option<String> {
    if options.multi_host {
        return Some("--multi-host".to_string());
    }
    let local = options
        .local_hostname
        .as_deref()
        .map(|h| ("local hostname", host::split_host_port(h).0));
    local
        .into_iter()
        .chain(peers(global))
        .find(|(_, h)| {
            !host::is_loopback_name(h)
                && h.parse::<std::net::IpAddr>()
                    .map_or(true, |ip| !ip.is_unspecified())
        })
        .map(|(role, h)| format!("the {role} {h} is not loopback"))
}

fn net_settings(
    options: &DoctorOptions,
    global: &GlobalArgs,
    multi_host: Option<String>,
) -> net::NetSettings {
    let mut ports: Vec<(String, u16)> = [
        ("master gRPC", options.rpc_port),
        ("master admin", options.metrics_port),
        ("metadata server", options.metadata_port),
        ("node REST", options.node_port),
    ]
    .into_iter()
    .filter_map(|(what, port)| port.map(|p| (what.to_string(), p)))
    .collect();
    ports.extend(options.ports.iter().map(|p| ("planned".to_string(), *p)));
    ports.dedup_by_key(|(_, p)| *p);
    net::NetSettings {
        local_hostname: options.local_hostname.clone().filter(|h| !h.trim().is_empty()),
        multi_host,
        peers: peers(global),
        ports,
        resolve_timeout: probe_timeout(options),
    }
}
