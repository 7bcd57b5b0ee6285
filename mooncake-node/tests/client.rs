//! The client against a real in-process master and real transfer engines: two clients each
//! contributing a segment put and get each other's objects, replicas, the two-phase put's failure
//! path, replica fallback, batches, zero-copy, and Mooncake's error codes.
#![allow(clippy::unwrap_used)]

use mooncake_node::{Client, ClientConfig, ClientError, ErrorCode, ReplicateConfig};
use mooncake_proto::master::QueryKeysRequest;
use mooncake_tests::TestMaster;

const MIB: usize = 1 << 20;

fn pattern(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn config(master: &TestMaster, segment: u64, shm: bool) -> ClientConfig {
    ClientConfig {
        global_segment_size: segment,
        enable_shm: shm,
        ..ClientConfig::new(master.handle.rpc_addr.to_string())
    }
}

async fn client(master: &TestMaster, segment: u64, shm: bool) -> Client {
    Client::connect(config(master, segment, shm)).await.unwrap()
}

/// The segment names holding `key`'s replicas, as the master reports them.
async fn replica_segments(master: &TestMaster, key: &str) -> Vec<String> {
    replica_buffers(master, key)
        .await
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_puts_b_gets_every_size_over_tcp_and_shm() {
    let master = TestMaster::start(|_| {}).await;
    for shm in [false, true] {
        let a = client(&master, 64 * MIB as u64, shm).await;
        let b = client(&master, 64 * MIB as u64, shm).await;
        for (i, len) in [1, 4096, MIB, 16 * MIB].into_iter().enumerate() {
            let key = format!("obj-{shm}-{len}");
            let value = pattern(i as u8, len);
            // Alternate which segment holds it, so both directions cross engines.
            let target = if i % 2 == 0 {
                b.segment_name()
            } else {
                a.segment_name()
            };
            a.put_with(
                &key,
                &value,
                &ReplicateConfig::default().preferred_segment(target),
            )
            .await
            .unwrap();
            assert_eq!(replica_segments(&master, &key).await, vec![target.to_string()]);
            assert!(b.get(&key).await.unwrap() == value, "{len} bytes via shm={shm}");
            assert!(
                a.get(&key).await.unwrap() == value,
                "{len} bytes read back by the writer"
            );
        }
        a.remove_all(true).await.unwrap();
        a.close().await.unwrap();
        b.close().await.unwrap();
    }
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_land_on_both_segments() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, true).await;
    let b = client(&master, 16 * MIB as u64, true).await;
    let value = pattern(3, 100_000);
    a.put_with("two", &value, &ReplicateConfig::replicas(2).with_soft_pin(true))
        .await
        .unwrap();
    let mut segments = replica_segments(&master, "two").await;
    segments.sort();
    let mut expected = vec![a.segment_name().to_string(), b.segment_name().to_string()];
    expected.sort();
    assert_eq!(segments, expected);
    assert!(b.get("two").await.unwrap() == value);
    a.close().await.unwrap();
    b.close().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_keys_leases_and_bad_input_answer_mooncakes_codes() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, true).await;

    a.put("k", b"old").await.unwrap();
    let err = a.put("k", b"new value").await.unwrap_err();
    assert!(matches!(err, ClientError::AlreadyExists { .. }), "{err}");
    assert_eq!(err.code_value(), -705);
    assert_eq!(a.get("k").await.unwrap(), b"old");

    // The get above holds a read lease: a plain remove is refused, a forced one is not.
    let err = a.remove("k", false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ObjectHasLease);
    assert_eq!(err.code_value(), -706);
    assert!(a.is_exist("k").await.unwrap());
    a.remove("k", true).await.unwrap();
    assert!(!a.is_exist("k").await.unwrap());
    let err = a.get("k").await.unwrap_err();
    assert!(matches!(err, ClientError::NotFound { .. }), "{err}");
    assert_eq!(err.code_value(), -704);

    // A key never read can be removed without force.
    a.put("unread", b"x").await.unwrap();
    a.remove("unread", false).await.unwrap();

    for err in [
        a.put("", b"x").await.unwrap_err(),
        a.put("empty", b"").await.unwrap_err(),
        a.get("").await.unwrap_err(),
    ] {
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{err}");
        assert_eq!(err.code_value(), -600);
    }
    assert!(!a.is_exist("empty").await.unwrap());

    a.put("r1", b"1").await.unwrap();
    a.put("r2", b"2").await.unwrap();
    assert_eq!(a.remove_all(false).await.unwrap(), 2);
    a.close().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_use_one_rpc_per_phase_and_report_per_key() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, false).await;
    let b = client(&master, 16 * MIB as u64, false).await;
    let values: Vec<Vec<u8>> = (0..8).map(|i| pattern(i, 1000 + 4096 * i as usize)).collect();
    let keys: Vec<String> = (0..8).map(|i| format!("batch-{i}")).collect();
    a.put("batch-3", b"already here").await.unwrap();
    let mut items: Vec<(&str, &[u8])> = keys
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(Vec::as_slice))
        .collect();
    items.push(("", b"no key"));
    let results = a.batch_put(&items, &ReplicateConfig::replicas(2)).await.unwrap();
    for (i, result) in results.iter().enumerate() {
        match i {
            3 => assert!(
                matches!(result, Err(ClientError::AlreadyExists { .. })),
                "{result:?}"
            ),
            8 => assert_eq!(result.as_ref().unwrap_err().code_value(), -600),
            _ => assert!(result.is_ok(), "{result:?}"),
        }
    }

    let mut wanted: Vec<&str> = keys.iter().map(String::as_str).collect();
    wanted.push("missing");
    let got = b.batch_get(&wanted).await.unwrap();
    for (i, result) in got.iter().enumerate() {
        match i {
            3 => assert_eq!(result.as_ref().unwrap(), b"already here"),
            8 => assert!(matches!(result, Err(ClientError::NotFound { .. })), "{result:?}"),
            _ => assert!(result.as_ref().unwrap() == &values[i], "batch-{i}"),
        }
    }
    let exist = b.batch_is_exist(&wanted).await.unwrap();
    let exist: Vec<bool> = exist.into_iter().map(Result::unwrap).collect();
    assert_eq!(exist, [true, true, true, true, true, true, true, true, false]);

    let removed = b.batch_remove(&wanted, true).await.unwrap();
    assert!(removed[..8].iter().all(Result::is_ok), "{removed:?}");
    assert_eq!(removed[8].as_ref().unwrap_err().code_value(), -704);
    assert!(
        b.batch_is_exist(&wanted)
            .await
            .unwrap()
            .iter()
            .all(|r| !r.as_ref().unwrap())
    );
    a.close().await.unwrap();
    b.close().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_from_and_get_into_use_registered_buffers() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, true).await;
    let b = client(&master, 16 * MIB as u64, false).await;
    let source = pattern(9, 2 * MIB);
    let mut target = vec![0u8; 4 * MIB];

    let err = a
        .put_from("zc", &source, &ReplicateConfig::default())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::NotRegistered { .. }), "{err}");
    a.register_buffer(&source).unwrap();
    b.register_buffer(&target).unwrap();
    a.put_from(
        "zc",
        &source[MIB..],
        &ReplicateConfig::default().preferred_segment(b.segment_name()),
    )
    .await
    .unwrap();
    let len = b.get_into("zc", &mut target[7..]).await.unwrap();
    assert_eq!(len, MIB);
    assert!(target[7..7 + MIB] == source[MIB..]);

    let mut small = vec![0u8; 10];
    b.register_buffer(&small).unwrap();
    let err = b.get_into("zc", &mut small).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BufferOverflow);
    assert!(b.unregister_buffer(&small));
    assert!(a.unregister_buffer(&source));
    a.close().await.unwrap();
    b.close().await.unwrap();
    master.stop().await;
}

/// B's engine stops while its segment stays mounted: A's put cannot write there, revokes, and
/// leaves nothing readable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_put_whose_transfer_fails_leaves_no_readable_key() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, false).await;
    let b = client(&master, 16 * MIB as u64, false).await;
    // A learns B's descriptor first, so the failure is a transfer failure, not a lookup failure.
    a.put_with(
        "warm",
        b"w",
        &ReplicateConfig::default().preferred_segment(b.segment_name()),
    )
    .await
    .unwrap();
    b.engine().shutdown().await;
    let err = a
        .put_with(
            "doomed",
            &pattern(1, 64 * 1024),
            &ReplicateConfig::default().preferred_segment(b.segment_name()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TransferFail, "{err}");
    assert!(!a.is_exist("doomed").await.unwrap());
    assert!(matches!(a.get("doomed").await, Err(ClientError::NotFound { .. })));
    // The revoke freed the key: a put elsewhere succeeds.
    a.put_with(
        "doomed",
        b"fine",
        &ReplicateConfig::default().preferred_segment(a.segment_name()),
    )
    .await
    .unwrap();
    assert_eq!(a.get("doomed").await.unwrap(), b"fine");
    a.close().await.unwrap();
    b.close().await.unwrap();
    master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_falls_back_to_another_replica_when_a_peer_is_gone() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, false).await;
    let b = client(&master, 16 * MIB as u64, false).await;
    let reader = client(&master, 0, false).await;
    let value = pattern(5, 300_000);
    a.put_with("fallback", &value, &ReplicateConfig::replicas(2))
        .await
        .unwrap();
    assert!(reader.get("fallback").await.unwrap() == value);
    // Stop the engine holding the replica the reader tries first (the master's order).
    let first = replica_segments(&master, "fallback").await.remove(0);
    let gone = if first == a.segment_name() { &a } else { &b };
    gone.engine().shutdown().await;
    let got = reader.batch_get(&["fallback"]).await.unwrap();
    assert!(got[0].as_ref().unwrap() == &value);
    assert!(
        reader
            .engine()
            .metrics()
            .render()
            .contains("mooncake_engine_transfer_failures_total{op=\"read\",transport=\"tcp\"} 1"),
        "the first replica was tried and failed"
    );
    assert!(reader.get("fallback").await.unwrap() == value);
    for client in [a, b, reader] {
        client.close().await.unwrap();
    }
    master.stop().await;
}

/// A master restarted on the same address knows no segments; the heartbeat remounts ours and puts
/// land in it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heartbeat_remounts_after_a_master_restart() {
    let master = TestMaster::start(|_| {}).await;
    let addr = master.handle.rpc_addr;
    let a = client(&master, 16 * MIB as u64, true).await;
    master.stop().await;
    let master = TestMaster::start(|config| config.rpc_listen = addr).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match a.put("after-restart", b"value").await {
            Ok(()) => break,
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(err) => panic!("no remount within 10 s: {err}"),
        }
    }
    assert_eq!(
        replica_segments(&master, "after-restart").await,
        vec![a.segment_name().to_string()]
    );
    assert_eq!(a.get("after-restart").await.unwrap(), b"value");
    a.close().await.unwrap();
    master.stop().await;
}

/// The replica buffers of `key` as (segment name, address).
async fn replica_buffers(master: &TestMaster, key: &str) -> Vec<(String, u64)> {
    let reply = master
        .client()
        .await
        .query_keys(QueryKeysRequest {
            keys: vec![key.to_string()],
        })
        .await
        .unwrap()
        .into_inner();
    reply.keys[0]
        .replicas
        .iter()
        .map(|r| (r.segment_name.clone(), r.buffer.as_ref().unwrap().buffer_address))
        .collect()
}

/// Flips the first byte at `addr` — a segment of a client in this process.
fn corrupt(addr: u64) {
    // SAFETY: `addr` is inside a live segment mapped in this process, and nothing else touches the
    // byte while the test runs.
    unsafe { *(addr as *mut u8) ^= 0xff };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_bytes_fail_the_checksum_and_another_replica_is_used() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, true).await;
    let b = client(&master, 16 * MIB as u64, true).await;
    let value = pattern(2, 10_000);

    a.put_with(
        "one",
        &value,
        &ReplicateConfig::default().preferred_segment(a.segment_name()),
    )
    .await
    .unwrap();
    corrupt(replica_buffers(&master, "one").await[0].1);
    let err = b.get("one").await.unwrap_err();
    assert_eq!(err.code_value(), -801, "{err}");

    // Two replicas, the reader's own one corrupted: it is tried first, fails, and B's is used.
    a.put_with("two", &value, &ReplicateConfig::replicas(2))
        .await
        .unwrap();
    let buffers = replica_buffers(&master, "two").await;
    let own = buffers.iter().find(|(name, _)| name == a.segment_name()).unwrap();
    corrupt(own.1);
    assert!(a.get("two").await.unwrap() == value);
    a.close().await.unwrap();
    b.close().await.unwrap();
    master.stop().await;
}

/// Every wait for an answer polls first: the master's framed answers (PutStart, PutEnd, replica
/// lists) and a storage node's TCP answers. Ten puts and gets over TCP make at least five waits each
/// (heartbeat pings only add more); without either kind of poll there would be at most three.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_for_master_and_node_answers_poll_first() {
    let master = TestMaster::start(|_| {}).await;
    let holder = client(&master, 16 * MIB as u64, false).await;
    let remote = client(&master, 0, false).await;
    let on_holder = ReplicateConfig::default().preferred_segment(holder.segment_name());
    let before = mooncake_engine::reply_spin::polled_waits();
    for i in 0..10 {
        let value = pattern(i, 70_000);
        remote
            .put_with(&format!("polled-{i}"), &value, &on_holder)
            .await
            .unwrap();
        assert!(remote.get(&format!("polled-{i}")).await.unwrap() == value);
    }
    let polled = mooncake_engine::reply_spin::polled_waits() - before;
    assert!(polled >= 50, "only {polled} polled waits for 10 puts and 10 gets");
    for c in [holder, remote] {
        c.close().await.unwrap();
    }
    master.stop().await;
}

/// Values larger than one checksum piece are hashed along with in-memory copies (own segment:
/// `local`; same-host peer: `shm`). The stored checksum must be the same one a TCP reader computes
/// over the whole value, and a corrupted byte in the last (partial) piece must still be caught.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checksums_hashed_along_in_memory_copies_match_and_catch_corruption() {
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 16 * MIB as u64, true).await;
    let b = client(&master, 16 * MIB as u64, true).await;
    let over_tcp = client(&master, 0, false).await;
    let len = 3 * MIB + 12_345;
    let value = pattern(9, len);
    a.put_with(
        "big",
        &value,
        &ReplicateConfig::default().preferred_segment(a.segment_name()),
    )
    .await
    .unwrap();
    assert!(a.get("big").await.unwrap() == value, "local read");
    assert!(b.get("big").await.unwrap() == value, "shm read");
    assert!(
        over_tcp.get("big").await.unwrap() == value,
        "tcp read checks the hashed checksum"
    );

    // Batch puts into memory hash along too: a TCP reader checks those sums.
    let (small, large) = (pattern(3, 4096), pattern(4, MIB + 7));
    let items: Vec<(&str, &[u8])> = vec![("batch-small", &small), ("batch-large", &large)];
    let config = ReplicateConfig::default().preferred_segment(a.segment_name());
    assert!(
        a.batch_put(&items, &config)
            .await
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    assert!(over_tcp.get("batch-small").await.unwrap() == small);
    assert!(over_tcp.get("batch-large").await.unwrap() == large);

    let (_, addr) = replica_buffers(&master, "big").await[0].clone();
    corrupt(addr + len as u64 - 1);
    for (reader, path) in [(&a, "local"), (&b, "shm"), (&over_tcp, "tcp")] {
        let err = reader.get("big").await.unwrap_err();
        assert_eq!(err.code_value(), -801, "{path}: {err}");
    }
    for c in [a, b, over_tcp] {
        c.close().await.unwrap();
    }
    master.stop().await;
}

/// Over TCP the transport hashes each piece as it is sent or arrives (values of several 1 MiB
/// slices, spread over parallel connections). The sums a TCP writer stores must be the ones readers
/// of every path compute, and single and batch TCP reads must catch a corrupted byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checksums_hashed_along_tcp_transfers_match_and_catch_corruption() {
    let master = TestMaster::start(|_| {}).await;
    let holder = client(&master, 32 * MIB as u64, false).await;
    let writer = client(&master, 0, false).await;
    let reader = client(&master, 0, false).await;
    let on_holder = ReplicateConfig::default().preferred_segment(holder.segment_name());
    let (big, small) = (pattern(5, 5 * MIB + 4321), pattern(6, 70_000));
    writer.put_with("tcp-big", &big, &on_holder).await.unwrap();
    let items: Vec<(&str, &[u8])> = vec![("tcp-small", &small), ("tcp-odd", &big[..MIB + 1])];
    assert!(
        writer
            .batch_put(&items, &on_holder)
            .await
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    assert!(
        holder.get("tcp-big").await.unwrap() == big,
        "local read checks the TCP writer's sum"
    );
    assert!(reader.get("tcp-big").await.unwrap() == big, "tcp read");
    let mut into = vec![0u8; big.len()];
    reader.register_buffer(&into).unwrap();
    assert_eq!(reader.get_into("tcp-big", &mut into).await.unwrap(), big.len());
    assert!(into == big, "tcp get_into");
    let got = reader
        .batch_get(&["tcp-small", "tcp-odd", "tcp-big"])
        .await
        .unwrap();
    assert!(*got[0].as_ref().unwrap() == small);
    assert!(*got[1].as_ref().unwrap() == big[..MIB + 1]);
    assert!(*got[2].as_ref().unwrap() == big);

    // A byte in the middle of the third slice.
    let (_, addr) = replica_buffers(&master, "tcp-big").await[0].clone();
    corrupt(addr + 2 * MIB as u64 + 17);
    let err = reader.get("tcp-big").await.unwrap_err();
    assert_eq!(err.code_value(), -801, "single tcp read: {err}");
    let got = reader.batch_get(&["tcp-small", "tcp-big"]).await.unwrap();
    assert!(*got[0].as_ref().unwrap() == small, "the intact value still reads");
    assert_eq!(got[1].as_ref().unwrap_err().code_value(), -801, "batch tcp read");
    for c in [holder, writer, reader] {
        c.close().await.unwrap();
    }
    master.stop().await;
}

/// A read that outlives the lease the master granted is reported as LEASE_EXPIRED (-707): the
/// object may have been evicted or removed under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_outliving_its_lease_is_lease_expired() {
    let master = TestMaster::start(|config| {
        config.service.default_kv_lease_ttl = std::time::Duration::from_millis(1);
    })
    .await;
    let a = client(&master, 32 * MIB as u64, false).await;
    let b = client(&master, 32 * MIB as u64, false).await;
    let value = pattern(4, 16 * MIB);
    a.put_with(
        "slow",
        &value,
        &ReplicateConfig::default().preferred_segment(b.segment_name()),
    )
    .await
    .unwrap();
    // 16 MiB over loopback TCP takes well over a millisecond.
    let err = a.get("slow").await.unwrap_err();
    assert!(matches!(err, ClientError::LeaseExpired { .. }), "{err}");
    assert_eq!(err.code_value(), -707);
    a.close().await.unwrap();
    b.close().await.unwrap();
    master.stop().await;
}

/// A crashed process's segment file (its pid no longer exists) is removed when a client mounts its
/// own segment, so the memory returns to the host; a live process's file is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mounting_reaps_segment_files_of_dead_processes() {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let stale = std::path::PathBuf::from(format!("/dev/shm/mooncake-{dead_pid}-reaptest"));
    let live = std::path::PathBuf::from(format!("/dev/shm/mooncake-{}-reaptest", std::process::id()));
    std::fs::write(&stale, b"left by a crash").unwrap();
    std::fs::write(&live, b"still in use").unwrap();
    let master = TestMaster::start(|_| {}).await;
    let a = client(&master, 4 * MIB as u64, true).await;
    assert!(!stale.exists(), "a dead process's segment file survived a mount");
    assert!(live.exists(), "a live process's file was removed");
    std::fs::remove_file(&live).unwrap();
    a.close().await.unwrap();
    master.stop().await;
}
