//! `mooncake query-key KEY…`: where objects live, through the master's lease-free `QueryKeys`.

use std::process::ExitCode;

use clap::Args;
use mooncake_proto::master::{KeyInfo, ReplicaStatus};
use mooncake_proto::{ErrorCode, ErrorCodeExt};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::commands::data::rpc_failure;
use crate::exit::Exit;
use crate::master_client::MasterRpc;
use crate::output;

/// `mooncake query-key`.
#[derive(Args, Debug)]
pub struct QueryKeyArgs {
    /// The keys to look up
    #[arg(required = true, num_args = 1..)]
    pub keys: Vec<String>,
}

/// One key as printed (the JSON shape).
#[derive(Serialize, Debug)]
pub struct KeyView {
    pub key: String,
    pub found: bool,
    /// `complete`, `in progress` or `not found`.
    pub status: String,
    pub code: i32,
    pub code_name: &'static str,
    pub size: u64,
    pub replicas: Vec<ReplicaView>,
    pub lease_remaining_ms: u64,
    pub soft_pinned: bool,
    pub hard_pinned: bool,
    pub checksum: Option<u64>,
}

/// One replica of a key.
#[derive(Serialize, Debug)]
pub struct ReplicaView {
    pub id: u64,
    pub segment: String,
    pub status: String,
    pub address: u64,
    pub endpoint: String,
}

impl KeyView {
    fn from_info(info: KeyInfo) -> Self {
        let code = ErrorCode::from_wire(info.code);
        let replicas: Vec<ReplicaView> = info
            .replicas
            .iter()
            .map(|r| ReplicaView {
                id: r.id,
                segment: r.segment_name.clone(),
                status: replica_status(r.status).to_string(),
                address: r.buffer.as_ref().map_or(0, |b| b.buffer_address),
                endpoint: r
                    .buffer
                    .as_ref()
                    .map(|b| b.transport_endpoint.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let found = code == ErrorCode::Ok;
        let complete = info
            .replicas
            .iter()
            .any(|r| r.status == ReplicaStatus::Complete as i32);
        let status = match (found, complete) {
            (false, _) => "not found",
            (true, true) => "complete",
            (true, false) => "in progress",
        };
        Self {
            key: info.key,
            found,
            status: status.to_string(),
            code: code as i32,
            code_name: code.name(),
            size: info.size,
            replicas,
            lease_remaining_ms: info.lease_remaining_ms,
            soft_pinned: info.soft_pinned,
            hard_pinned: info.hard_pinned,
            checksum: info.checksum,
        }
    }

    fn pins(&self) -> &'static str {
        match (self.hard_pinned, self.soft_pinned) {
            (true, true) => "hard,soft",
            (true, false) => "hard",
            (false, true) => "soft",
            (false, false) => "-",
        }
    }
}

fn replica_status(status: i32) -> &'static str {
    match ReplicaStatus::try_from(status) {
        Ok(ReplicaStatus::Initialized) => "initialized",
        Ok(ReplicaStatus::Processing) => "processing",
        Ok(ReplicaStatus::Complete) => "complete",
        Ok(ReplicaStatus::Removed) => "removed",
        Ok(ReplicaStatus::Failed) => "failed",
        _ => "undefined",
    }
}

/// Runs `mooncake query-key`.
pub fn run(args: QueryKeyArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    super::init_client_logging(global);
    let answer = super::runtime()?.block_on(async {
        let master = MasterRpc::connect(&global.master).await?;
        master.query_keys(&args.keys).await
    });
    let views: Vec<KeyView> = match answer {
        Ok(infos) => infos.into_iter().map(KeyView::from_info).collect(),
        Err(error) => return Ok(rpc_failure(&error)),
    };
    match global.output {
        OutputFormat::Json => output::print_json(&views)?,
        OutputFormat::Table => println!("{}", render(&views)),
    }
    let missing: Vec<&KeyView> = views.iter().filter(|v| !v.found).collect();
    if missing.is_empty() {
        return Ok(Exit::Success.into());
    }
    for view in &missing {
        let code = ErrorCode::from_wire(view.code);
        eprintln!(
            "error: key {:?} not found ({})",
            view.key,
            output::code_label(code)
        );
    }
    eprintln!("hint: {}", ErrorCode::ObjectNotFound.hint());
    Ok(Exit::Failure.into())
}

/// The table of `views`.
pub fn render(views: &[KeyView]) -> String {
    let mut table = output::table(["KEY", "STATUS", "SIZE", "REPLICAS", "LEASE", "PINS"]);
    for view in views {
        let replicas = if view.replicas.is_empty() {
            "-".to_string()
        } else {
            view.replicas
                .iter()
                .map(|r| format!("{} {:#x} @ {} ({})", r.segment, r.address, r.endpoint, r.status))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let lease = if view.lease_remaining_ms == 0 {
            "-".to_string()
        } else {
            format!("{} ms", view.lease_remaining_ms)
        };
        let size = if view.found {
            output::human_size(view.size)
        } else {
            "-".to_string()
        };
        table.add_row(vec![
            view.key.clone(),
            view.status.clone(),
            size,
            replicas,
            lease,
            view.pins().to_string(),
        ]);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use mooncake_proto::master::{BufferDescriptor, ReplicaDescriptor};

    use super::*;

    fn info(key: &str, code: ErrorCode, status: ReplicaStatus) -> KeyInfo {
        KeyInfo {
            key: key.to_string(),
            code: code as i32,
            size: 2048,
            replicas: vec![ReplicaDescriptor {
                id: 7,
                status: status as i32,
                buffer: Some(BufferDescriptor {
                    size: 2048,
                    buffer_address: 0x1000,
                    protocol: "tcp".to_string(),
                    transport_endpoint: "127.0.0.1:7000".to_string(),
                }),
                segment_name: "node-a".to_string(),
            }],
            lease_remaining_ms: 1500,
            soft_pinned: true,
            hard_pinned: false,
            checksum: None,
        }
    }

    #[test]
    fn status_follows_the_replicas_and_the_code() {
        let done = KeyView::from_info(info("a", ErrorCode::Ok, ReplicaStatus::Complete));
        assert_eq!(done.status, "complete");
        let writing = KeyView::from_info(info("b", ErrorCode::Ok, ReplicaStatus::Processing));
        assert_eq!(writing.status, "in progress");
        let missing = KeyView::from_info(KeyInfo {
            replicas: Vec::new(),
            ..info("c", ErrorCode::ObjectNotFound, ReplicaStatus::Complete)
        });
        assert_eq!(missing.status, "not found");
        assert_eq!(missing.code, -704);
    }

    #[test]
    fn table_shows_replica_lease_and_pins() {
        let table = render(&[KeyView::from_info(info(
            "a",
            ErrorCode::Ok,
            ReplicaStatus::Complete,
        ))]);
        for needle in [
            "a",
            "complete",
            "2 KiB",
            "node-a 0x1000 @ 127.0.0.1:7000 (complete)",
            "1500 ms",
            "soft",
        ] {
            assert!(table.contains(needle), "{needle} missing from\n{table}");
        }
    }
}
