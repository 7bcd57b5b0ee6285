//! `mooncake segments`: the memory segments nodes contribute — list, query, unmount.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use mooncake_proto::ErrorCode;
use mooncake_proto::master::{SegmentInfo, SegmentStatus};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::commands::data::rpc_failure;
use crate::exit::Exit;
use crate::master_client::MasterRpc;
use crate::output;

/// `mooncake segments`.
#[derive(Args, Debug)]
pub struct SegmentsArgs {
    /// What to do; `list` when omitted
    #[command(subcommand)]
    pub command: Option<SegmentsCommand>,
}

/// `mooncake segments` subcommands.
#[derive(Subcommand, Debug)]
pub enum SegmentsCommand {
    /// Every mounted segment: name, id, status, use and endpoint
    List,
    /// The segments mounted under NAME; exit 1 if there are none
    Query {
        /// The segment name (a node's transfer-engine name, host:port)
        name: String,
    },
    /// Ask a running node to mount SIZE more of its memory (through its REST `/api/mount`)
    Mount {
        /// The node's REST service, e.g. http://127.0.0.1:8081 (`mooncake up`) or :8080
        #[arg(long, value_name = "URL")]
        node: String,
        /// How much memory (1GiB, 512MB, bytes)
        #[arg(long, value_name = "SIZE")]
        size: mooncake_master::config::ByteSize,
    },
    /// Unmount a segment by id (or name) on behalf of its node
    Unmount {
        /// The segment id (as `segments list` shows) or name
        segment: String,
        /// Drain the segment's objects for this many seconds before unmounting (0 = at once)
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        grace: u64,
    },
}

/// One segment as printed (the JSON shape).
#[derive(Serialize, Debug)]
pub struct SegmentView {
    pub name: String,
    pub id: String,
    pub status: &'static str,
    pub used_bytes: u64,
    pub capacity_bytes: u64,
    pub used_percent: f64,
    pub endpoint: String,
    pub client_id: String,
}

impl SegmentView {
    fn from_info(info: SegmentInfo) -> Self {
        let segment = info.segment.unwrap_or_default();
        let used_percent = if info.capacity_bytes == 0 {
            0.0
        } else {
            (info.used_bytes as f64 * 1000.0 / info.capacity_bytes as f64).round() / 10.0
        };
        Self {
            name: segment.name,
            id: segment.id,
            status: segment_status(info.status),
            used_bytes: info.used_bytes,
            capacity_bytes: info.capacity_bytes,
            used_percent,
            endpoint: segment.te_endpoint,
            client_id: info.client_id,
        }
    }
}

fn segment_status(status: i32) -> &'static str {
    match SegmentStatus::try_from(status) {
        Ok(SegmentStatus::Ok) => "ok",
        Ok(SegmentStatus::Draining) => "draining",
        Ok(SegmentStatus::Drained) => "drained",
        Ok(SegmentStatus::GracefullyUnmounting) => "gracefully unmounting",
        Ok(SegmentStatus::Unmounting) => "unmounting",
        _ => "undefined",
    }
}

/// Runs `mooncake segments`.
pub fn run(args: SegmentsArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    super::init_client_logging(global);
    let command = args.command.unwrap_or(SegmentsCommand::List);
    if let SegmentsCommand::Mount { node, size } = &command {
        return super::runtime()?.block_on(mount_on_node(node, size.bytes(), global));
    }
    super::runtime()?.block_on(async {
        let master = match MasterRpc::connect(&global.master).await {
            Ok(master) => master,
            Err(error) => return Ok(output::fail(Exit::Error, error, None)),
        };
        match command {
            SegmentsCommand::List | SegmentsCommand::Mount { .. } => match master.all_segments().await {
                Ok(infos) => print(global, infos),
                Err(error) => Ok(rpc_failure(&error)),
            },
            SegmentsCommand::Query { name } => match master.query_segment(&name).await {
                Ok((ErrorCode::Ok, infos)) if !infos.is_empty() => print(global, infos),
                Ok((ErrorCode::Ok | ErrorCode::SegmentNotFound, _)) => Ok(output::fail_code(
                    format_args!("segment {name:?} not found"),
                    ErrorCode::SegmentNotFound,
                )),
                Ok((code, _)) => Ok(output::fail_code(format_args!("query segment {name:?}"), code)),
                Err(error) => Ok(rpc_failure(&error)),
            },
            SegmentsCommand::Unmount { segment, grace } => {
                let infos = match master.all_segments().await {
                    Ok(infos) => infos,
                    Err(error) => return Ok(rpc_failure(&error)),
                };
                let matching: Vec<SegmentView> = infos
                    .into_iter()
                    .map(SegmentView::from_info)
                    .filter(|s| s.id == segment || s.name == segment)
                    .collect();
                let [target] = matching.as_slice() else {
                    if matching.is_empty() {
                        return Ok(output::fail_code(
                            format_args!("segment {segment:?} not found"),
                            ErrorCode::SegmentNotFound,
                        ));
                    }
                    return Ok(output::fail(
                        Exit::Error,
                        format_args!("{} segments are named {segment:?}", matching.len()),
                        Some("pass the segment id instead (see `mooncake segments list`)"),
                    ));
                };
                match master
                    .unmount(&target.client_id, &target.id, Duration::from_secs(grace))
                    .await
                {
                    Ok(ErrorCode::Ok) => {
                        match global.output {
                            OutputFormat::Json => output::print_json(&serde_json::json!({
                                "unmounted": target.id,
                                "name": target.name,
                                "grace_seconds": grace,
                            }))?,
                            OutputFormat::Table => println!(
                                "unmounting segment {} ({}){}",
                                target.name,
                                target.id,
                                if grace > 0 {
                                    format!(" after a {grace} s drain")
                                } else {
                                    String::new()
                                }
                            ),
                        }
                        Ok(Exit::Success.into())
                    }
                    Ok(code) => Ok(output::fail_code(
                        format_args!("unmount segment {:?}", target.id),
                        code,
                    )),
                    Err(error) => Ok(rpc_failure(&error)),
                }
            }
        }
    })
}

fn print(global: &GlobalArgs, infos: Vec<SegmentInfo>) -> anyhow::Result<ExitCode> {
    let views: Vec<SegmentView> = infos.into_iter().map(SegmentView::from_info).collect();
    match global.output {
        OutputFormat::Json => output::print_json(&views)?,
        OutputFormat::Table => println!("{}", render(&views)),
    }
    Ok(Exit::Success.into())
}

/// The table of `views`.
pub fn render(views: &[SegmentView]) -> String {
    let mut table = output::table(["NAME", "ID", "STATUS", "USED", "CAPACITY", "USE%", "ENDPOINT"]);
    for view in views {
        table.add_row(vec![
            view.name.clone(),
            view.id.clone(),
            view.status.to_string(),
            output::human_size(view.used_bytes),
            output::human_size(view.capacity_bytes),
            format!("{:.1}%", view.used_percent),
            view.endpoint.clone(),
        ]);
    }
    table.to_string()
}

/// Memory is mounted by the node that owns it: ask the node's REST service, print what it mounted.
async fn mount_on_node(node: &str, size: u64, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let url = format!("{}/api/mount", node.trim_end_matches('/'));
    let response = match reqwest::Client::new()
        .post(&url)
        .json(&serde_json::json!({ "size": size }))
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => {
            return Ok(output::fail(
                Exit::Error,
                format_args!("cannot reach the node at {node}: {error}"),
                Some("pass the node's REST URL (`mooncake node join --rest-port`, 8081 under `mooncake up`)"),
            ));
        }
    };
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    if !status.is_success() {
        let why = body["error"].as_str().unwrap_or("no reason given").to_string();
        return Ok(output::fail(
            Exit::Error,
            format_args!("the node refused to mount: {why} (HTTP {status})"),
            None,
        ));
    }
    match global.output {
        OutputFormat::Json => println!("{body}"),
        OutputFormat::Table => println!(
            "mounted {} bytes as segment(s) {}",
            body["allocated_size"],
            body["segment_ids"]
                .as_array()
                .map(|ids| ids
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        ),
    }
    Ok(Exit::Success.into())
}

#[cfg(test)]
mod tests {
    use mooncake_proto::master::Segment;

    use super::*;

    #[test]
    fn use_is_a_rounded_percentage_and_the_table_shows_it() {
        let view = SegmentView::from_info(SegmentInfo {
            segment: Some(Segment {
                id: "seg-1".to_string(),
                name: "node-a".to_string(),
                size: 3 << 20,
                te_endpoint: "127.0.0.1:7000".to_string(),
                ..Default::default()
            }),
            client_id: "c".to_string(),
            status: SegmentStatus::Draining as i32,
            used_bytes: 1 << 20,
            capacity_bytes: 3 << 20,
        });
        assert_eq!(view.used_percent, 33.3);
        assert_eq!(view.status, "draining");
        let table = render(&[view]);
        for needle in [
            "node-a",
            "seg-1",
            "draining",
            "1 MiB",
            "3 MiB",
            "33.3%",
            "127.0.0.1:7000",
        ] {
            assert!(table.contains(needle), "{needle} missing from\n{table}");
        }
        let empty = SegmentView::from_info(SegmentInfo::default());
        assert_eq!(empty.used_percent, 0.0);
    }
}
