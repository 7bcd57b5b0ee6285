//! `mooncake put`, `get`, `rm` and `exists`: the data commands.
//!
//! `put` and `get` move bytes, so they run a [`mooncake_node::Client`] that contributes no memory
//! (`global_segment_size: 0`). `rm` and `exists` only need the master's answer and use its RPCs
//! directly — no transfer engine is started for them.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{ArgGroup, Args};
use mooncake_node::{Client, ClientConfig, ClientError, ReplicateConfig};
use mooncake_proto::{ErrorCode, ErrorCodeExt};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::Exit;
use crate::master_client::{CONNECT_TIMEOUT, MasterRpc, RpcError};
use crate::output;

/// `mooncake put`.
#[derive(Args, Debug)]
pub struct PutArgs {
    /// The key to store under
    pub key: String,

    /// The file to read the value from; `-` (the default) reads stdin
    #[arg(default_value = "-")]
    pub file: String,

    /// How many replicas to place
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub replica_num: u32,

    /// Soft-pin the object: evicted only after unpinned objects
    #[arg(long)]
    pub soft_pin: bool,

    /// Place the first replica on this segment (a node's segment name) when it has room
    #[arg(long, value_name = "NAME")]
    pub preferred_segment: Option<String>,
}

/// `mooncake get`.
#[derive(Args, Debug)]
pub struct GetArgs {
    /// The key to read
    pub key: String,

    /// Where to write the value; `-` (the default) is stdout
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output_file: String,
}

/// `mooncake rm`.
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("what").required(true).args(["key", "all", "regex"])))]
pub struct RmArgs {
    /// The key to remove
    pub key: Option<String>,

    /// Remove even objects under a read lease or with a replication task
    #[arg(long)]
    pub force: bool,

    /// Remove every object; prints how many
    #[arg(long)]
    pub all: bool,

    /// Remove the objects whose key matches RE anywhere; prints how many
    #[arg(long, value_name = "RE")]
    pub regex: Option<String>,
}

/// `mooncake exists`.
#[derive(Args, Debug)]
pub struct ExistsArgs {
    /// The key to look for
    pub key: String,
}

#[derive(Serialize)]
struct PutReport<'a> {
    key: &'a str,
    size: usize,
    replicas: u32,
}

/// Runs `mooncake put`.
pub fn put(args: PutArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let value = read_input(&args.file)?;
    let mut config = ReplicateConfig::replicas(args.replica_num).with_soft_pin(args.soft_pin);
    if let Some(segment) = &args.preferred_segment {
        config = config.preferred_segment(segment.clone());
    }
    let result = super::runtime()?.block_on(async {
        let client = match connect(global).await {
            Ok(client) => client,
            Err(exit) => return Ok(Err(exit)),
        };
        let result = client.put_with(&args.key, &value, &config).await;
        let _ = client.close().await;
        anyhow::Ok(Ok(result))
    })?;
    match result {
        Err(exit) => Ok(exit),
        Ok(Ok(())) => {
            let report = PutReport {
                key: &args.key,
                size: value.len(),
                replicas: args.replica_num,
            };
            match global.output {
                OutputFormat::Json => output::print_json(&report)?,
                OutputFormat::Table => println!(
                    "stored {:?}: {} in {} replica{}",
                    args.key,
                    output::human_size(value.len() as u64),
                    args.replica_num,
                    if args.replica_num == 1 { "" } else { "s" }
                ),
            }
            Ok(Exit::Success.into())
        }
        Ok(Err(ClientError::AlreadyExists { key })) => Ok(output::fail(
            Exit::Failure,
            format_args!(
                "key {key:?} already exists ({})",
                output::code_label(ErrorCode::ObjectAlreadyExists)
            ),
            Some(&format!("remove it first with `mooncake rm {key}`")),
        )),
        Ok(Err(error)) => Ok(client_failure(&format!("put {:?}", args.key), &error)),
    }
}

/// Runs `mooncake get`.
pub fn get(args: GetArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let result = super::runtime()?.block_on(async {
        let client = match connect(global).await {
            Ok(client) => client,
            Err(exit) => return Err(exit),
        };
        let result = client.get(&args.key).await;
        let _ = client.close().await;
        Ok(result)
    });
    let value = match result {
        Err(exit) => return Ok(exit),
        Ok(Ok(value)) => value,
        Ok(Err(ClientError::NotFound { key })) => {
            return Ok(output::fail_code(
                format_args!("key {key:?} not found"),
                ErrorCode::ObjectNotFound,
            ));
        }
        Ok(Err(error)) => return Ok(client_failure(&format!("get {:?}", args.key), &error)),
    };
    if args.output_file == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&value).context("write the value to stdout")?;
        stdout.flush().context("write the value to stdout")?;
    } else {
        std::fs::write(&args.output_file, &value).with_context(|| format!("write {}", args.output_file))?;
    }
    Ok(Exit::Success.into())
}

#[derive(Serialize)]
struct RemoveReport<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regex: Option<&'a str>,
    removed: u64,
}

/// Runs `mooncake rm`.
pub fn rm(args: RmArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    super::runtime()?.block_on(async {
        let master = match MasterRpc::connect(&global.master).await {
            Ok(master) => master,
            Err(error) => return Ok(output::fail(Exit::Error, error, None)),
        };
        let removed = if args.all {
            master.remove_all(args.force).await
        } else if let Some(regex) = &args.regex {
            master.remove_by_regex(regex, args.force).await
        } else {
            let key = args.key.as_deref().unwrap_or_default();
            match master.remove(key, args.force).await {
                Ok(ErrorCode::Ok) => Ok(1),
                Ok(ErrorCode::ObjectNotFound) => {
                    return Ok(output::fail_code(
                        format_args!("key {key:?} not found"),
                        ErrorCode::ObjectNotFound,
                    ));
                }
                Ok(code) => {
                    eprintln!("error: cannot remove {key:?} ({})", output::code_label(code));
                    let hint = match code {
                        ErrorCode::ObjectHasLease | ErrorCode::ObjectHasReplicationTask => {
                            format!("{}; `mooncake rm --force {key}` removes it anyway", code.hint())
                        }
                        _ => code.hint().to_string(),
                    };
                    eprintln!("hint: {hint}");
                    return Ok(Exit::Error.into());
                }
                Err(error) => Err(error),
            }
        };
        let removed = match removed {
            Ok(removed) => removed,
            Err(error) => return Ok(rpc_failure(&error)),
        };
        let report = RemoveReport {
            key: args.key.as_deref().filter(|_| !args.all && args.regex.is_none()),
            regex: args.regex.as_deref().filter(|_| !args.all),
            removed,
        };
        match global.output {
            OutputFormat::Json => output::print_json(&report)?,
            OutputFormat::Table => match (report.key, report.regex) {
                (Some(key), _) => println!("removed {key:?}"),
                _ => println!("removed {removed} object{}", if removed == 1 { "" } else { "s" }),
            },
        }
        Ok(Exit::Success.into())
    })
}

/// Runs `mooncake exists`.
pub fn exists(args: ExistsArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    super::runtime()?.block_on(async {
        let master = match MasterRpc::connect(&global.master).await {
            Ok(master) => master,
            Err(error) => return Ok(output::fail(Exit::Error, error, None)),
        };
        let exists = match master.exists(&args.key).await {
            Ok(exists) => exists,
            Err(error) => return Ok(rpc_failure(&error)),
        };
        match global.output {
            OutputFormat::Json => output::print_json(&serde_json::json!({
                "key": args.key,
                "exists": exists,
            }))?,
            OutputFormat::Table => println!(
                "{:?} {}",
                args.key,
                if exists { "exists" } else { "does not exist" }
            ),
        }
        Ok(if exists { Exit::Success } else { Exit::Failure }.into())
    })
}

/// Reads `file`, or stdin for `-`.
fn read_input(file: &str) -> anyhow::Result<Vec<u8>> {
    let mut value = Vec::new();
    if file == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut value)
            .context("read the value from stdin")?;
    } else {
        value = std::fs::read(PathBuf::from(file)).with_context(|| format!("read {file}"))?;
    }
    Ok(value)
}

/// A client that contributes no memory, after checking the master answers within a few seconds.
async fn connect(global: &GlobalArgs) -> Result<Client, ExitCode> {
    if let Err(error) = MasterRpc::connect(&global.master).await {
        return Err(output::fail(Exit::Error, error, None));
    }
    let mut config = ClientConfig::new(global.master.clone());
    config.metadata_server = global.metadata_server.clone();
    config.global_segment_size = 0;
    config.prefault = false;
    match tokio::time::timeout(CONNECT_TIMEOUT * 2, Client::connect(config)).await {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(error)) => Err(client_failure("connect", &error)),
        Err(_) => Err(output::fail(
            Exit::Error,
            format_args!(
                "cannot reach the master at {}: no answer (is it running? --master / MOONCAKE_MASTER)",
                global.master
            ),
            None,
        )),
    }
}

fn client_failure(what: &str, error: &ClientError) -> ExitCode {
    let code = error.code();
    output::fail(
        Exit::Error,
        format_args!("{what}: {error} ({})", output::code_label(code)),
        Some(code.hint()),
    )
}

/// Prints an RPC failure; always exit 2.
pub(crate) fn rpc_failure(error: &RpcError) -> ExitCode {
    match error {
        RpcError::Unreachable(error) => output::fail(Exit::Error, error, None),
        RpcError::Code { op, code } => output::fail(
            Exit::Error,
            format_args!("{op} failed ({})", output::code_label(*code)),
            Some(code.hint()),
        ),
    }
}
