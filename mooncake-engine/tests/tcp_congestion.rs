//! Both ends of a loopback data connection run without pacing: the initiator's pooled connection and
//! the node's accepted one both use `reno`, whatever the host's default, as `ss -ti` shows an
//! operator.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "tcp/support.rs"]
mod support;

use std::process::Command;

use mooncake_engine::transport::tcp::congestion::{CONGESTION_ENV, LOOPBACK_DEFAULT};
use mooncake_engine::transport::tcp::{TcpConfig, TcpTransport};
use mooncake_engine::transport::{Transfer, Transport};
use support::Peer;

/// The congestion control of each established TCP socket with `port` at either end, as `ss` reports
/// it; `None` (after a loud note) when `ss` is missing outside CI.
fn algorithms_on(port: u16) -> Option<Vec<String>> {
    let filter = format!("( sport = :{port} or dport = :{port} )");
    let output = match Command::new("ss")
        .args(["-tin", "state", "established", &filter])
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!in_ci, "ss (iproute2) is required in CI: {error}");
            eprintln!("SKIPPED: cannot run ss ({error}); install iproute2");
            return None;
        }
    };
    assert!(output.status.success(), "ss failed: {output:?}");
    // Each socket is a line of addresses followed by an indented line of details that starts with
    // the algorithm's name.
    let text = String::from_utf8(output.stdout).unwrap();
    Some(
        text.lines()
            .filter(|line| line.starts_with(char::is_whitespace))
            .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
            .collect(),
    )
}

#[test]
fn loopback_data_connections_turn_pacing_off_at_both_ends() {
    assert!(
        std::env::var_os(CONGESTION_ENV).is_none(),
        "this test checks the default policy; unset {CONGESTION_ENV}"
    );
    let peer = Peer::start(1 << 20);
    let transport = TcpTransport::new(TcpConfig::default());
    let mut got = vec![0u8; 4096];
    let result = transport
        .transfer(
            &peer.descriptor(2),
            &mut [Transfer::Read {
                target_addr: peer.region.addr(),
                into: &mut got,
            }],
        )
        .pop()
        .unwrap();
    result.unwrap();
    // The pooled connection stays open after the transfer: both ends are listed.
    let Some(algorithms) = algorithms_on(peer.addr().port()) else {
        return;
    };
    assert_eq!(algorithms.len(), 2, "one connection, two ends: {algorithms:?}");
    assert!(
        algorithms.iter().all(|a| a == LOOPBACK_DEFAULT),
        "both ends should use {LOOPBACK_DEFAULT}: {algorithms:?}"
    );
}
