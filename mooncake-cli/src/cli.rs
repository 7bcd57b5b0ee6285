//! The `mooncake` command tree, defined once: help, completions and man pages all come from [`Cli`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use mooncake_master::config::MasterArgs;

/// Mooncake Store: a distributed KV-cache store for LLM inference.
///
/// Exit status: 0 success, 1 not found or failed check, 2 usage error, invalid configuration or
/// other error.
#[derive(Parser, Debug)]
#[command(name = "mooncake", bin_name = "mooncake", version, propagate_version = true)]
pub struct Cli {
    /// Options every subcommand takes.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Log level on stderr; RUST_LOG, when set, overrides it with full filter directives
    #[arg(
        long,
        visible_alias = "log_level",
        global = true,
        env = "MOONCAKE_LOG_LEVEL",
        value_enum,
        default_value_t = LogLevel::Info
    )]
    pub log_level: LogLevel,

    /// Output format of query commands
    #[arg(long, global = true, env = "MOONCAKE_OUTPUT", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// The master: HOST:PORT, http://HOST:PORT, or an HA cluster (etcd://H1:2379;H2:2379, redis://H:P;
    /// cluster from MC_STORE_CLUSTER_ID) whose current leader is looked up
    #[arg(
        long,
        global = true,
        env = "MOONCAKE_MASTER",
        visible_alias = "master_server",
        default_value = "127.0.0.1:50051"
    )]
    pub master: String,

    /// Where transfer-engine descriptors live (P2PHANDSHAKE, http://…/metadata, etcd://…), for put/get
    #[arg(
        long,
        global = true,
        env = "MOONCAKE_METADATA_SERVER",
        visible_alias = "metadata_server",
        default_value = "P2PHANDSHAKE"
    )]
    pub metadata_server: String,

    /// The master's admin HTTP base URL
    #[arg(
        long,
        global = true,
        env = "MOONCAKE_ADMIN",
        default_value = "http://127.0.0.1:9003"
    )]
    pub admin: String,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the master: the service that decides where every object lives (also `mooncake_master`)
    ///
    /// Every flag also has an underscore spelling (--rpc_port), a MOONCAKE_* environment variable and
    /// a config file key (the underscore spelling). Precedence: flag > environment > --config file >
    /// default. Booleans take --flag, --flag=true or --flag=false. Sizes take 3.2GB, 512MiB or bytes;
    /// durations take 30s or 500ms, and plain numbers in the unit the flag names.
    Master(Box<MasterArgs>),

    /// Print the shell completion script for SHELL on stdout
    ///
    /// Install, for example:
    ///   bash:  mooncake completions bash > ~/.local/share/bash-completion/completions/mooncake
    ///   zsh:   mooncake completions zsh > "${fpath[1]}/_mooncake"
    ///   fish:  mooncake completions fish > ~/.config/fish/completions/mooncake.fish
    /// The same scripts are committed under completions/ in the source tree.
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Store FILE (or stdin) under KEY
    Put(crate::commands::data::PutArgs),

    /// Read KEY's value to stdout or a file; exit 1 if the key is not found
    Get(crate::commands::data::GetArgs),

    /// Remove KEY, every key (--all) or the keys matching a regex (--regex)
    Rm(crate::commands::data::RmArgs),

    /// Exit 0 if KEY exists, 1 if it does not
    Exists(crate::commands::data::ExistsArgs),

    /// Show replicas, sizes, status, lease and pins of keys, without extending any read lease
    ///
    /// Exit 1 if any key is not found (the others are still shown).
    QueryKey(crate::commands::query_key::QueryKeyArgs),

    /// List, query or unmount the memory segments nodes contribute
    Segments(crate::commands::segments::SegmentsArgs),

    /// List, create, inspect and verify metadata snapshots; explain how to restore one
    ///
    /// Snapshots are written by a master started with --snapshot-object-store-type local|s3 (periodic
    /// with --enable-snapshot, on demand with `mooncake snapshot create`) and restored when a master
    /// starts with --enable-snapshot-restore. Examples:
    ///   mooncake snapshot create                                  # ask the master at --admin
    ///   mooncake snapshot list --local-path /data/snapshots
    ///   mooncake snapshot inspect 20260102_030405_678 --local-path /data/snapshots
    ///   mooncake snapshot verify --store s3                       # MOONCAKE_AWS_* as for the master
    ///   mooncake snapshot restore --local-path /data/snapshots    # which one a restart would load
    #[command(verbatim_doc_comment)]
    Snapshot(crate::commands::snapshot::SnapshotArgs),

    /// Run a storage node (`mooncake node join`): contribute memory to the pool
    Node(crate::commands::node::NodeArgs),

    /// Start a single-host store: a master with the embedded metadata server plus one node
    ///
    /// Everything binds --host (127.0.0.1 by default) on the default ports; the endpoints and the next
    /// commands to try are printed. Ctrl-C stops everything.
    Up(crate::commands::up::UpArgs),

    /// Check this host and the cluster for the usual RDMA and network mistakes
    ///
    /// Runs the RDMA checks (when a device exists or --device names one), the network checks and the
    /// cluster checks, and prints a checklist: each check's verdict (ok, WARN, FAIL, skip), what was
    /// seen, and a numbered fix for every warning and failure. `mooncake doctor rdma|net|cluster` runs
    /// one family; `--help` of each explains what it looks at. --output json prints every check.
    ///
    /// Exit status: 1 if any check failed, else 0; warnings exit 0 unless --strict.
    Doctor(crate::commands::doctor::DoctorArgs),

    /// Measure put/get throughput and latency of a cluster (or one started with --local)
    ///
    /// Runs the named scenarios over every size and prints one row per scenario, op and size; with
    /// --output json one document for scripts (see bench/ for the side-by-side comparison with the
    /// C++ Mooncake, Redis and this machine's limits).
    Bench(Box<crate::commands::bench::BenchArgs>),

    /// Watch a live cluster: capacity, keys, segments, request and error rates, HA, snapshots
    ///
    /// A terminal dashboard of the master at --admin (its /metrics and
    /// /health), refreshed every --interval. Keys:
    ///   1 2 3, Tab   overview, segments, requests per operation
    ///   s, r         segments: next sort column, reverse
    ///   ?            explain the figures
    ///   q, Esc       quit (also Ctrl-C)
    ///
    /// Rates are per second between two polls. While the master does not
    /// answer, a red banner names the URL and the error, the last good
    /// figures stay (greyed), and every tick retries.
    ///
    /// Examples:
    ///   mooncake top
    ///   mooncake --admin http://10.0.0.1:9003 top --interval 500ms
    ///   mooncake top --once > frame.txt    # one frame, no terminal
    #[command(verbatim_doc_comment)]
    Top(crate::commands::top::TopArgs),
}

/// `--log-level` values.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// Only errors someone must look at.
    Error,
    /// Also unexpected events the process continued through.
    Warn,
    /// Also state changes: listening, mounts, shutdown.
    Info,
    /// Also per-request detail.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    /// The `tracing` filter directive.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }
}

/// `--output` values.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document for scripts.
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
