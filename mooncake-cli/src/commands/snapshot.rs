//! `mooncake snapshot`: list, create, inspect, verify snapshots of the master's metadata, and explain how
//! to restore one. Reads the snapshot store directly (a local directory or S3, configured like the master)
//! or asks the running master through its admin API.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mooncake_master::config::SnapshotStore as StoreKind;
use mooncake_master::snapshot::id::rfc3339;
use mooncake_master::snapshot::{SnapshotId, Store, format, load_newest_from};
use serde::Serialize;
use serde_json::{Value, json};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::Exit;
use crate::output;

/// `mooncake snapshot`.
#[derive(Args, Debug)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    #[command(subcommand)]
    pub command: SnapshotCommand,
}

/// Where the snapshots are, named as the master names them.
#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// The snapshot store to read: local or s3 (the master's --snapshot-object-store-type); local is
    /// implied by --local-path. S3 is configured by MOONCAKE_AWS_* as for the master
    #[arg(
        long,
        global = true,
        env = "MOONCAKE_SNAPSHOT_OBJECT_STORE_TYPE",
        value_enum,
        ignore_case = true
    )]
    pub store: Option<StoreType>,

    /// Root directory of local snapshots (the master's MOONCAKE_SNAPSHOT_LOCAL_PATH)
    #[arg(long, global = true, env = "MOONCAKE_SNAPSHOT_LOCAL_PATH", value_name = "DIR")]
    pub local_path: Option<PathBuf>,

    /// The cluster whose snapshots to read (the master's --cluster-id)
    #[arg(
        long,
        global = true,
        env = "MOONCAKE_CLUSTER_ID",
        default_value = "mooncake_cluster",
        value_name = "ID"
    )]
    pub cluster_id: String,
}

/// `--store` values.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreType {
    /// A local directory (--local-path).
    Local,
    /// An S3 bucket (MOONCAKE_AWS_BUCKET_NAME, MOONCAKE_AWS_ENDPOINT, credentials).
    S3,
}

/// `mooncake snapshot` subcommands.
#[derive(Subcommand, Debug)]
pub enum SnapshotCommand {
    /// Published snapshots, newest first: id, creation time, size, which one is `latest`
    ///
    /// Reads the store when --store or --local-path (or their environment variables) name one,
    /// otherwise asks the running master (--admin), which also shows its last snapshot's outcome.
    List,

    /// Ask the running master (--admin) to write a snapshot now; prints its id, keys, size and duration
    ///
    /// The master must run with --snapshot-object-store-type and --enable-snapshot (or
    /// --enable-snapshot-restore). Exit 2 when it refuses (not configured,
    /// another snapshot in progress, a standby, a store failure).
    Create,

    /// Show one snapshot: format version, creation time, segments, objects, bytes and the checksum verdict
    ///
    /// TARGET is a snapshot file or an id in the store. Exit 1 when the snapshot is damaged (the
    /// verdict says how: bad magic, unsupported version, truncated, checksum mismatch).
    Inspect {
        /// A snapshot file (…/<id>/snapshot.bin) or a snapshot id (20260102_030405_678)
        #[arg(value_name = "FILE|ID")]
        target: String,
    },

    /// Check every snapshot in the store (or the files/ids given): exit 1 if any is damaged
    Verify {
        /// Snapshot files or ids; all snapshots in the store when none are given
        #[arg(value_name = "FILE|ID")]
        targets: Vec<String>,
    },

    /// Explain how to restore: which snapshot a restarting master would load, and the command to use
    ///
    /// A running master is never changed: restore happens when a master starts with
    /// --enable-snapshot-restore. This checks the snapshots the way that master will (newest valid
    /// first) and prints the start command. Exit 1 when no valid snapshot exists.
    Restore,
}

/// Runs `mooncake snapshot …`.
pub fn run(args: SnapshotArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    crate::commands::init_client_logging(global);
    let runtime = crate::commands::runtime()?;
    runtime.block_on(async {
        match args.command {
            SnapshotCommand::List => list(&args.store, global).await,
            SnapshotCommand::Create => create(global).await,
            SnapshotCommand::Inspect { target } => inspect(&args.store, &target, global).await,
            SnapshotCommand::Verify { targets } => verify(&args.store, &targets, global).await,
            SnapshotCommand::Restore => restore(&args.store, global).await,
        }
    })
}

impl StoreArgs {
    fn kind(&self) -> Option<StoreKind> {
        match (self.store, &self.local_path) {
            (Some(StoreType::S3), _) => Some(StoreKind::S3),
            (Some(StoreType::Local), Some(root)) | (None, Some(root)) => {
                Some(StoreKind::Local { root: root.clone() })
            }
            (Some(StoreType::Local), None) | (None, None) => None,
        }
    }

    fn open(&self) -> anyhow::Result<Store> {
        let Some(kind) = self.kind() else {
            if self.store == Some(StoreType::Local) {
                bail!("the local store needs --local-path DIR (or MOONCAKE_SNAPSHOT_LOCAL_PATH)");
            }
            bail!(
                "no snapshot store given: pass --local-path DIR (local) or --store s3 with MOONCAKE_AWS_* set"
            );
        };
        Store::open(&kind, &self.cluster_id).context("open the snapshot store")
    }
}

/// A bar on stderr for reads that take a while (hidden when stderr is not a terminal or for JSON).
fn progress_bar(global: &GlobalArgs, what: &str) -> ProgressBar {
    let target = if global.output == OutputFormat::Json {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(
        ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar
}

async fn admin(global: &GlobalArgs, method: reqwest::Method, path: &str) -> anyhow::Result<(u16, Value)> {
    let url = format!("{}{path}", global.admin.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .request(method, &url)
        .send()
        .await
        .with_context(|| format!("reach the master's admin API at {url} (is --admin right?)"))?;
    let status = response.status().as_u16();
    let body = response
        .json()
        .await
        .with_context(|| format!("read the answer of {url}"))?;
    Ok((status, body))
}

fn admin_error(body: &Value) -> String {
    body["error_message"]
        .as_str()
        .unwrap_or("the master refused")
        .to_owned()
}

/// One snapshot in a listing.
#[derive(Serialize, Debug)]
struct ListedSnapshot {
    id: String,
    created_at: Option<String>,
    bytes: u64,
    latest: bool,
}

async fn list(store: &StoreArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (location, snapshots, status) = if store.kind().is_some() {
        let store = store.open()?;
        let latest = store.latest().await.context("read latest.txt")?;
        let entries = store.list().await.context("list snapshots")?;
        let listed = entries
            .iter()
            .rev()
            .map(|e| ListedSnapshot {
                id: e.id.to_string(),
                created_at: e.id.unix_ms().map(rfc3339),
                bytes: e.size,
                latest: latest.as_ref() == Some(&e.id),
            })
            .collect::<Vec<_>>();
        (store.location(), listed, Value::Null)
    } else {
        let (code, body) = admin(global, reqwest::Method::GET, "/api/v1/snapshots").await?;
        if code != 200 {
            return Ok(output::fail(
                Exit::Error,
                admin_error(&body),
                Some("or read a store directly: --local-path DIR, or --store s3"),
            ));
        }
        let listed = body["snapshots"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|s| ListedSnapshot {
                        id: s["id"].as_str().unwrap_or_default().to_owned(),
                        created_at: s["created_at"].as_str().map(str::to_owned),
                        bytes: s["bytes"].as_u64().unwrap_or(0),
                        latest: s["latest"].as_bool().unwrap_or(false),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let location = body["location"].as_str().unwrap_or_default().to_owned();
        (location, listed, body["status"].clone())
    };
    if global.output == OutputFormat::Json {
        output::print_json(&json!({ "location": location, "snapshots": snapshots, "status": status }))?;
        return Ok(Exit::Success.into());
    }
    if snapshots.is_empty() {
        println!("no snapshots in {location}");
        return Ok(Exit::Success.into());
    }
    let mut table = output::table(["ID", "CREATED (UTC)", "SIZE", ""]);
    for s in &snapshots {
        table.add_row([
            s.id.clone(),
            s.created_at.clone().unwrap_or_default(),
            output::human_size(s.bytes),
            if s.latest { "latest".into() } else { String::new() },
        ]);
    }
    println!("{table}");
    println!("{} snapshot(s) in {location}", snapshots.len());
    if let Some(error) = status["last_attempt"]["error"].as_str() {
        println!("last attempt failed: {error}");
    }
    Ok(Exit::Success.into())
}

async fn create(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let spinner = if global.output == OutputFormat::Json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    spinner.set_message("writing a snapshot (export, encode, upload)…");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = admin(global, reqwest::Method::POST, "/api/v1/snapshots").await;
    spinner.finish_and_clear();
    let (code, body) = result?;
    if !(200..300).contains(&code) {
        let hint = match code {
            400 => "start the master with --snapshot-object-store-type local|s3 and --enable-snapshot",
            409 => "wait for the running snapshot to finish, or ask the leader",
            _ => "see the master's log",
        };
        return Ok(output::fail(
            Exit::Error,
            format_args!("snapshot not created (HTTP {code}): {}", admin_error(&body)),
            Some(hint),
        ));
    }
    if global.output == OutputFormat::Json {
        output::print_json(&body)?;
    } else {
        println!(
            "snapshot {} written: {} keys, {} segments, {} in {} ms",
            body["id"].as_str().unwrap_or("?"),
            body["keys"],
            body["segments"],
            output::human_size(body["bytes"].as_u64().unwrap_or(0)),
            body["duration_ms"]
        );
        if let Some(deleted) = body["deleted"].as_array().filter(|d| !d.is_empty()) {
            println!("retention deleted {} older snapshot(s)", deleted.len());
        }
    }
    Ok(Exit::Success.into())
}

/// What `inspect` and `verify` report about one snapshot.
#[derive(Serialize, Debug)]
struct Inspection {
    /// The id, when the target is one (or the file sits in an id directory).
    id: Option<String>,
    source: String,
    file_bytes: u64,
    valid: bool,
    /// `ok` or what is wrong.
    checksum: String,
    format_version: Option<u32>,
    created_at: Option<String>,
    view_version: Option<i64>,
    segments: Option<u64>,
    objects: Option<u64>,
    /// Sum of object sizes (one replica each).
    object_bytes: Option<u64>,
    /// Sum over replicas.
    replica_bytes: Option<u64>,
    error: Option<String>,
}

fn examine(id: Option<String>, source: String, bytes: &[u8]) -> Inspection {
    let mut report = Inspection {
        id,
        source,
        file_bytes: bytes.len() as u64,
        valid: false,
        checksum: String::new(),
        format_version: None,
        created_at: None,
        view_version: None,
        segments: None,
        objects: None,
        object_bytes: None,
        replica_bytes: None,
        error: None,
    };
    report.format_version = format::header(bytes).ok().map(|h| h.version);
    report.checksum = match format::verify(bytes) {
        Ok(_) => "ok".to_owned(),
        Err(error) => error.to_string(),
    };
    match format::decode(bytes) {
        Ok((_, image)) => {
            report.valid = true;
            report.created_at = Some(rfc3339(image.created_at_unix_ms));
            report.view_version = Some(image.view_version);
            report.segments = Some(image.segments.len() as u64);
            report.objects = Some(image.objects.len() as u64);
            report.object_bytes = Some(image.objects.iter().map(|o| o.size).sum());
            report.replica_bytes = Some(
                image
                    .objects
                    .iter()
                    .map(|o| o.size * o.replicas.len() as u64)
                    .sum(),
            );
        }
        Err(error) => report.error = Some(error.to_string()),
    }
    report
}

/// Reads TARGET: an existing file, else an id in the store.
async fn read_target(store: &StoreArgs, target: &str, global: &GlobalArgs) -> anyhow::Result<Inspection> {
    let path = Path::new(target);
    if path.is_file() {
        let bar = progress_bar(global, "reading");
        let bytes = tokio::fs::read(path)
            .await
            .with_context(|| format!("read {}", path.display()))?;
        bar.finish_and_clear();
        let id = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(SnapshotId::parse)
            .map(|id| id.to_string());
        return Ok(examine(id, path.display().to_string(), &bytes));
    }
    let Some(id) = SnapshotId::parse(target) else {
        bail!("{target} is neither a file nor a snapshot id (YYYYMMDD_HHMMSS_mmm)");
    };
    let store = store.open()?;
    let bar = progress_bar(global, &format!("reading {id}"));
    let bytes = store
        .read(&id, &mut |done, total| {
            if let Some(total) = total {
                bar.set_length(total);
            }
            bar.set_position(done);
        })
        .await
        .with_context(|| format!("read snapshot {id} from {}", store.location()))?;
    bar.finish_and_clear();
    Ok(examine(Some(id.to_string()), store.location(), &bytes))
}

fn print_inspection(i: &Inspection) {
    let na = || "-".to_owned();
    let mut table = output::table(["FIELD", "VALUE"]);
    let rows = [
        ("id", i.id.clone().unwrap_or_else(na)),
        ("source", i.source.clone()),
        ("file size", output::human_size(i.file_bytes)),
        (
            "format version",
            i.format_version.map_or_else(na, |v| v.to_string()),
        ),
        ("checksum", i.checksum.clone()),
        ("created at (UTC)", i.created_at.clone().unwrap_or_else(na)),
        ("view version", i.view_version.map_or_else(na, |v| v.to_string())),
        ("segments", i.segments.map_or_else(na, |v| v.to_string())),
        ("objects", i.objects.map_or_else(na, |v| v.to_string())),
        ("object bytes", i.object_bytes.map_or_else(na, output::human_size)),
        (
            "replica bytes",
            i.replica_bytes.map_or_else(na, output::human_size),
        ),
        (
            "verdict",
            if i.valid {
                "valid".to_owned()
            } else {
                format!("DAMAGED: {}", i.error.clone().unwrap_or_default())
            },
        ),
    ];
    for (field, value) in rows {
        table.add_row([field.to_owned(), value]);
    }
    println!("{table}");
}

async fn inspect(store: &StoreArgs, target: &str, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let inspection = read_target(store, target, global).await?;
    if global.output == OutputFormat::Json {
        output::print_json(&inspection)?;
    } else {
        print_inspection(&inspection);
    }
    Ok(if inspection.valid {
        Exit::Success
    } else {
        Exit::Failure
    }
    .into())
}

async fn verify(store: &StoreArgs, targets: &[String], global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let targets: Vec<String> = if targets.is_empty() {
        let store = store.open()?;
        store
            .list()
            .await
            .context("list snapshots")?
            .into_iter()
            .rev()
            .map(|e| e.id.to_string())
            .collect()
    } else {
        targets.to_vec()
    };
    let mut results = Vec::new();
    for target in &targets {
        // One unreadable target (gone since the listing, a wrong path) is a failed row, not the end.
        let result = match read_target(store, target, global).await {
            Ok(inspection) => inspection,
            Err(error) => {
                let mut failed = examine(None, target.clone(), &[]);
                failed.checksum = "unreadable".to_owned();
                failed.error = Some(format!("{error:#}"));
                failed
            }
        };
        results.push(result);
    }
    let all_valid = results.iter().all(|r| r.valid);
    if global.output == OutputFormat::Json {
        output::print_json(&json!({ "valid": all_valid, "snapshots": results }))?;
    } else if results.is_empty() {
        println!("no snapshots to verify");
    } else {
        let mut table = output::table(["SNAPSHOT", "SIZE", "OBJECTS", "VERDICT"]);
        for r in &results {
            table.add_row([
                r.id.clone().unwrap_or_else(|| r.source.clone()),
                output::human_size(r.file_bytes),
                r.objects.map_or("-".to_owned(), |n| n.to_string()),
                if r.valid {
                    "ok".to_owned()
                } else {
                    r.error.clone().unwrap_or_default()
                },
            ]);
        }
        println!("{table}");
        let bad = results.iter().filter(|r| !r.valid).count();
        println!("{} checked, {bad} damaged", results.len());
    }
    Ok(if all_valid { Exit::Success } else { Exit::Failure }.into())
}

async fn restore(store_args: &StoreArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let store = store_args.open()?;
    let loaded = load_newest_from(&store).await.context("check the snapshots")?;
    let store_flags = match store_args.kind() {
        Some(StoreKind::Local { root }) => format!(
            "--snapshot-object-store-type local --snapshot-local-path {}",
            root.display()
        ),
        _ => "--snapshot-object-store-type s3   # with the same MOONCAKE_AWS_* variables".to_owned(),
    };
    let command = format!(
        "mooncake master --enable-snapshot-restore --cluster-id {} {store_flags}",
        store_args.cluster_id
    );
    let (chosen, rejected) = match &loaded {
        Some(l) => (Some(l), l.rejected.clone()),
        None => (None, Vec::new()),
    };
    if global.output == OutputFormat::Json {
        output::print_json(&json!({
            "would_restore": chosen.map(|l| json!({
                "id": l.id.as_str(),
                "created_at": rfc3339(l.image.created_at_unix_ms),
                "objects": l.image.objects.len(),
                "segments": l.image.segments.len(),
                "bytes": l.bytes,
            })),
            "rejected": rejected,
            "command": command,
        }))?;
    } else {
        match chosen {
            Some(l) => println!(
                "A master started now would restore snapshot {} ({} objects, {} segments, taken {}).",
                l.id,
                l.image.objects.len(),
                l.image.segments.len(),
                rfc3339(l.image.created_at_unix_ms)
            ),
            None => println!(
                "No valid snapshot in {}: a master started now would start empty.",
                store.location()
            ),
        }
        for r in &rejected {
            println!("  skipped {}: {}", r.id, r.error);
        }
        println!();
        println!("Restore happens only at start-up; a running master is not changed. To restore:");
        println!("  1. stop the running master (Ctrl-C or SIGTERM; its nodes keep their data and remount)");
        println!("  2. start it again with:");
        println!("       {command}");
        println!("     (plus its usual flags; add --enable-snapshot to keep writing snapshots)");
        println!("  3. nodes remount within their ping interval; objects on nodes that never return are");
        println!("     dropped after --client-ttl");
    }
    Ok(if chosen.is_some() {
        Exit::Success
    } else {
        Exit::Failure
    }
    .into())
}
