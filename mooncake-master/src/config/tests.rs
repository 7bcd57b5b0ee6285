//! Tests of the whole configuration layer: precedence across flags, environment and file, and validation.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use clap::Parser;

use super::*;
use crate::service::AllocationStrategyKind;

/// clap reads `MOONCAKE_*` variables while parsing, so tests that parse or set the environment take
/// this lock to see only their own variables.
static ENV: Mutex<()> = Mutex::new(());

fn env_lock() -> MutexGuard<'static, ()> {
    ENV.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: MasterArgs,
}

fn parse(argv: &[&str]) -> MasterArgs {
    let mut full = vec!["master"];
    full.extend_from_slice(argv);
    let _env = env_lock();
    Cli::try_parse_from(full).unwrap().args
}

fn resolve(argv: &[&str]) -> Result<MasterConfig, ConfigError> {
    parse(argv).resolve()
}

fn config_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn error_of(argv: &[&str]) -> String {
    let err = resolve(argv).unwrap_err();
    err.to_string()
}

#[test]
fn defaults_are_mooncakes() {
    let config = resolve(&[]).unwrap();
    let default = MasterConfig::default();
    assert_eq!(config.rpc_listen, "0.0.0.0:50051".parse::<SocketAddr>().unwrap());
    assert_eq!(
        config.metrics_listen,
        "0.0.0.0:9003".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(config.rpc_listen, default.rpc_listen);
    assert_eq!(config.metrics_listen, default.metrics_listen);
    assert_eq!(config.rpc_thread_num, default.rpc_thread_num);
    assert!(config.rpc_thread_num >= 1);
    assert_eq!(config.rpc_conn_timeout, None);
    assert!(config.rpc_tcp_nodelay && config.enable_metric_reporting);
    assert_eq!(config.http_metadata, None);
    assert_eq!(config.cluster_id, "mooncake_cluster");
    assert_eq!(config.tasks, TaskManagerConfig::default());
    assert!(config.ha.is_none() && config.snapshot.is_none() && config.offload.is_none());
    assert!(config.cxl.is_none() && config.root_fs.is_none());
    assert!(config.inactive_features.is_empty());

    let service = &config.service;
    assert_eq!(service.default_kv_lease_ttl, Duration::from_secs(10));
    assert_eq!(service.default_kv_soft_pin_ttl, Duration::from_secs(1800));
    assert_eq!(service.max_kv_soft_pin_ttl, Duration::from_secs(86_400));
    assert!(service.allow_evict_soft_pinned_objects);
    assert_eq!(service.eviction_ratio, 0.05);
    assert_eq!(service.eviction_high_watermark_ratio, 0.90);
    assert_eq!(service.client_ttl, Duration::from_secs(10));
    assert_eq!(service.put_start_discard_timeout, Duration::from_secs(30));
    assert_eq!(service.put_start_release_timeout, Duration::from_secs(600));
    assert_eq!(service.allocation_strategy, AllocationStrategyKind::Random);
}

#[test]
fn for_tests_binds_loopback_ephemeral_ports() {
    let config = MasterConfig::for_tests();
    assert_eq!(config.rpc_listen, "127.0.0.1:0".parse::<SocketAddr>().unwrap());
    assert_eq!(
        config.metrics_listen,
        "127.0.0.1:0".parse::<SocketAddr>().unwrap()
    );
}

#[test]
fn both_spellings_set_the_same_setting() {
    let dashes = parse(&[
        "--eviction-high-watermark-ratio",
        "0.8",
        "--rpc-port=6000",
        "--enable-ha=false",
    ]);
    let underscores = parse(&[
        "--eviction_high_watermark_ratio=0.8",
        "--rpc_port",
        "6000",
        "--enable_ha=false",
    ]);
    assert_eq!(dashes, underscores);
    assert_eq!(dashes.eviction_high_watermark_ratio, Some(Ratio(0.8)));
    assert_eq!(
        parse(&["--client_live_ttl_sec=3"]).client_ttl,
        parse(&["--client-ttl", "3"]).client_ttl
    );
    assert_eq!(
        parse(&["--config_path=a.yaml"]).config,
        Some(PathBuf::from("a.yaml"))
    );
    assert_eq!(
        parse(&["--config-path=a.yaml"]).config,
        Some(PathBuf::from("a.yaml"))
    );
    assert_eq!(
        parse(&["--snapshot_payload_store_type=s3"])
            .snapshot_object_store_type
            .as_deref(),
        Some("s3")
    );
}

#[test]
fn deployment_guide_command_lines_parse() {
    let config = resolve(&[
        "--enable_http_metadata_server=true",
        "--http_metadata_server_host=0.0.0.0",
        "--http_metadata_server_port=8080",
    ])
    .unwrap();
    assert_eq!(config.http_metadata, Some("0.0.0.0:8080".parse().unwrap()));

    let config = resolve(&[
        "--enable-ha=true",
        "--etcd-endpoints=10.0.0.1:2379;10.0.0.2:2379;10.0.0.3:2379",
        "--rpc-address=10.0.0.1",
    ])
    .unwrap();
    let ha = config.ha.unwrap();
    assert_eq!(
        ha.backend,
        HaBackend::Etcd {
            endpoints: vec![
                "10.0.0.1:2379".into(),
                "10.0.0.2:2379".into(),
                "10.0.0.3:2379".into()
            ]
        }
    );
    assert_eq!(config.rpc_listen, "10.0.0.1:50051".parse::<SocketAddr>().unwrap());
    assert_eq!(ha.lease_ttl, Duration::from_secs(3), "default lease");
    assert!(
        config.inactive_features.is_empty(),
        "HA runs: no start-up warning"
    );
    let config = resolve(&[
        "--enable-ha=true",
        "--etcd-endpoints=10.0.0.1:2379",
        "--rpc-address=10.0.0.1",
        "--ha-lease-ttl-seconds=2",
    ])
    .unwrap();
    assert_eq!(config.ha.unwrap().lease_ttl, Duration::from_secs(2));

    let config = resolve(&[
        "--enable-ha=true",
        "--ha_backend_type=redis",
        "--ha_backend_connstring=redis://127.0.0.1:6379",
        "--rpc-address=10.0.0.1",
    ])
    .unwrap();
    assert_eq!(
        config.ha.unwrap().backend,
        HaBackend::Redis {
            url: "redis://127.0.0.1:6379".into()
        }
    );

    let config = resolve(&[
        "--enable_snapshot=true",
        "--snapshot_interval_seconds=300",
        "--snapshot_retention_count=5",
        "--snapshot_object_store_type=local",
        "--snapshot-local-path=/data/mooncake_snapshots",
        "--enable_snapshot_restore=true",
    ])
    .unwrap();
    let snapshot = config.snapshot.unwrap();
    assert_eq!(snapshot.interval, Duration::from_secs(300));
    assert_eq!(snapshot.retention_count, 5);
    assert_eq!(
        snapshot.store,
        SnapshotStore::Local {
            root: "/data/mooncake_snapshots".into()
        }
    );
    assert!(snapshot.periodic && snapshot.restore);
    assert!(
        config.inactive_features.is_empty(),
        "snapshots run: no start-up warning"
    );

    let config = resolve(&[
        "--enable_offload=true",
        "--offload_on_evict=true",
        "--promotion_on_hit=true",
        "--promotion_admission_threshold=2",
        "--root_fs_dir=/mnt/ssd_cache",
    ])
    .unwrap();
    let offload = config.offload.unwrap();
    assert!(offload.offload_on_evict && offload.promotion_on_hit);
    assert_eq!(config.root_fs.unwrap().dir, PathBuf::from("/mnt/ssd_cache"));
    let flags: Vec<_> = config.inactive_features.iter().map(|f| f.flag).collect();
    assert_eq!(flags, ["--enable-offload", "--root-fs-dir"]);

    let config = resolve(&[
        "--enable_cxl=true",
        "--cxl_path=/dev/dax0.0",
        "--cxl_size=17179869184",
        "--allocation_strategy=cxl",
    ])
    .unwrap();
    assert_eq!(
        config.cxl.unwrap(),
        CxlConfig {
            path: "/dev/dax0.0".into(),
            size: 16 << 30
        }
    );
    assert_eq!(config.service.allocation_strategy, AllocationStrategyKind::Cxl);
}

#[test]
fn rpc_interface_resolves_to_its_ipv4() {
    let config = resolve(&["--rpc_interface=lo", "--rpc-address=10.9.9.9"]).unwrap();
    assert_eq!(
        config.rpc_listen,
        "127.0.0.1:50051".parse::<SocketAddr>().unwrap()
    );
    let text = error_of(&["--rpc_interface=nosuchnic9"]);
    assert!(
        text.starts_with("rpc_interface: no network interface named \"nosuchnic9\""),
        "{text}"
    );
}

#[test]
fn deprecated_port_and_max_threads() {
    assert_eq!(resolve(&["--port=6001"]).unwrap().rpc_listen.port(), 6001);
    assert_eq!(
        resolve(&["--port=6001", "--rpc-port=6002"])
            .unwrap()
            .rpc_listen
            .port(),
        6002
    );
    assert_eq!(
        resolve(&["--port=6001", "--rpc-port=0"])
            .unwrap()
            .rpc_listen
            .port(),
        6001
    );
    assert_eq!(resolve(&["--rpc-port=0"]).unwrap().rpc_listen.port(), 0);
    assert_eq!(resolve(&["--max_threads=1"]).unwrap().rpc_thread_num, 1);
    assert_eq!(
        resolve(&["--max_threads=1", "--rpc_thread_num=3"])
            .unwrap()
            .rpc_thread_num,
        3
    );
}

#[test]
fn human_values_on_the_command_line() {
    let config = resolve(&[
        "--default_kv_lease_ttl=500",
        "--default-kv-soft-pin-ttl=10m",
        "--client_ttl=500ms",
        "--put_start_discard_timeout_sec=2",
        "--put_start_release_timeout_sec=1m",
        "--rpc_conn_timeout_seconds=90s",
        "--enable-offload",
        "--quota_bytes=3.2GB",
    ])
    .unwrap();
    assert_eq!(config.service.default_kv_lease_ttl, Duration::from_millis(500));
    assert_eq!(config.service.default_kv_soft_pin_ttl, Duration::from_secs(600));
    assert_eq!(config.service.client_ttl, Duration::from_millis(500));
    assert_eq!(config.service.put_start_discard_timeout, Duration::from_secs(2));
    assert_eq!(config.service.put_start_release_timeout, Duration::from_secs(60));
    assert_eq!(config.rpc_conn_timeout, Some(Duration::from_secs(90)));
    assert_eq!(
        config.offload.unwrap().quota_bytes,
        Some((3.2 * (1u64 << 30) as f64).round() as u64)
    );
}

#[test]
fn flag_beats_env_beats_file_beats_default() {
    let (_dir, path) = config_file(
        "master.yaml",
        "metrics_port: 9100\nrpc_thread_num: 3\neviction_ratio: 0.3\nclient_live_ttl_sec: 7\n",
    );
    let _env = env_lock();
    // SAFETY: every test that reads or writes the environment holds `ENV`, so nothing races these calls.
    unsafe {
        std::env::set_var("MOONCAKE_RPC_THREAD_NUM", "4");
        std::env::set_var("MOONCAKE_EVICTION_RATIO", "0.4");
    }
    let parsed = Cli::try_parse_from([
        "master",
        "--config",
        path.to_str().unwrap(),
        "--eviction-ratio=0.5",
    ]);
    // SAFETY: as above.
    unsafe {
        std::env::remove_var("MOONCAKE_RPC_THREAD_NUM");
        std::env::remove_var("MOONCAKE_EVICTION_RATIO");
    }
    let config = parsed.unwrap().args.resolve().unwrap();
    assert_eq!(config.service.eviction_ratio, 0.5, "flag beats env and file");
    assert_eq!(config.rpc_thread_num, 4, "env beats file");
    assert_eq!(config.metrics_listen.port(), 9100, "file beats default");
    assert_eq!(
        config.service.client_ttl,
        Duration::from_secs(7),
        "file key client_live_ttl_sec"
    );
    assert_eq!(
        config.rpc_listen.port(),
        50051,
        "default where nobody says otherwise"
    );
}

#[test]
fn config_path_from_env_and_file_errors_propagate() {
    let (_dir, path) = config_file("master.json", r#"{"eviction_ratio": 1.5}"#);
    let _env = env_lock();
    // SAFETY: every test that reads or writes the environment holds `ENV`.
    unsafe { std::env::set_var("MOONCAKE_MASTER_CONFIG", &path) };
    let parsed = Cli::try_parse_from(["master"]);
    // SAFETY: as above.
    unsafe { std::env::remove_var("MOONCAKE_MASTER_CONFIG") };
    let err = parsed.unwrap().args.resolve().unwrap_err();
    assert_eq!(
        err.to_string(),
        "eviction_ratio: must be between 0 and 1, got 1.5"
    );
}

#[test]
fn unknown_file_key_and_unsupported_format_fail_resolve() {
    let (_dir, path) = config_file("master.yaml", "rpc_prot: 1\n");
    let err = resolve(&["--config", path.to_str().unwrap()]).unwrap_err();
    assert_eq!(err.key(), Some("rpc_prot"));
    assert!(err.to_string().contains("did you mean rpc_port?"), "{err}");

    let (_dir, path) = config_file("master.ini", "rpc_port=1\n");
    let err = resolve(&["--config", path.to_str().unwrap()]).unwrap_err();
    assert!(matches!(err, ConfigError::UnsupportedFormat { .. }), "{err}");
}

#[test]
fn each_validation_names_its_key() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--eviction_ratio=1.5"],
            "eviction_ratio: must be between 0 and 1, got 1.5",
        ),
        (
            &["--eviction-ratio=-0.1"],
            "eviction_ratio: must be between 0 and 1",
        ),
        (
            &["--eviction_high_watermark_ratio=2"],
            "eviction_high_watermark_ratio: must be between 0 and 1, got 2",
        ),
        (
            &[
                "--put_start_discard_timeout_sec=60",
                "--put_start_release_timeout_sec=60",
            ],
            "put_start_release_timeout_sec: must be greater than put_start_discard_timeout_sec (1m), got 1m",
        ),
        (
            &["--default_kv_soft_pin_ttl=2h", "--max_kv_soft_pin_ttl=1h"],
            "default_kv_soft_pin_ttl: must not exceed max_kv_soft_pin_ttl (1h), got 2h",
        ),
        (&["--client_ttl=0"], "client_ttl: must be greater than 0"),
        (
            &["--memory_allocator=cachelib"],
            "memory_allocator: cachelib is not supported by this build; use offset",
        ),
        (
            &["--memory_allocator=buddy"],
            "memory_allocator: unknown allocator",
        ),
        (
            &["--allocation_strategy=round_robin"],
            "allocation_strategy: unknown strategy \"round_robin\"",
        ),
        (
            &["--allocation_strategy=ssd_free_ratio_first"],
            "allocation_strategy: \"ssd_free_ratio_first\" is not supported",
        ),
        (&["--rpc-address=not a host name"], "rpc_address: cannot resolve"),
        (&["--metrics-host="], "metrics_host: must not be empty"),
        (
            &["--metrics-port=50051"],
            "metrics_port: port 50051 is already used by rpc_port",
        ),
        (
            &[
                "--enable-http-metadata-server",
                "--http-metadata-server-port=9003",
            ],
            "http_metadata_server_port: port 9003 is already used by metrics_port",
        ),
        (&["--cluster_id=a/b"], "cluster_id: may hold only letters, digits"),
        (
            &["--cluster_id="],
            "cluster_id: must be 1 to 128 characters, got 0",
        ),
        (
            &["--ha_backend_type=zookeeper"],
            "ha_backend_type: unknown backend \"zookeeper\"",
        ),
        (
            &["--ha_backend_type=k8s"],
            "ha_backend_type: k8s is not supported",
        ),
        (
            &["--enable-ha", "--rpc-address=10.0.0.1"],
            "ha_backend_connstring: required when enable_ha is on",
        ),
        (
            &["--enable-ha", "--etcd-endpoints=e:2379"],
            "rpc_address: with enable_ha every master advertises",
        ),
        (
            &[
                "--enable-ha",
                "--ha-backend-type=redis",
                "--ha-backend-connstring=h:6379",
                "--rpc-address=10.0.0.1",
            ],
            "ha_backend_connstring: expected redis://host:port",
        ),
        (
            &["--enable-oplog"],
            "enable_oplog: requires enable_ha with the etcd backend",
        ),
        (
            &["--snapshot_retention_count=0"],
            "snapshot_retention_count: must be at least 1, got 0",
        ),
        (
            &["--snapshot_interval_seconds=0"],
            "snapshot_interval_seconds: must be greater than 0",
        ),
        (
            &["--snapshot_object_store_type=ftp"],
            "snapshot_object_store_type: unknown store \"ftp\"",
        ),
        (
            &["--enable-snapshot"],
            "snapshot_object_store_type: required when enable_snapshot or enable_snapshot_restore is on",
        ),
        (
            &["--enable-snapshot-restore", "--snapshot-object-store-type=local"],
            "snapshot_local_path: required with the local snapshot store",
        ),
        (
            &["--snapshot_catalog_store_type=etcd"],
            "snapshot_catalog_store_type: unknown catalog",
        ),
        (
            &[
                "--enable-snapshot",
                "--snapshot-object-store-type=s3",
                "--snapshot-catalog-store-type=redis",
            ],
            "snapshot_catalog_store_connstring: required with the redis snapshot catalog",
        ),
        (
            &["--promotion_admission_threshold=0"],
            "promotion_admission_threshold: must be between 1 and 255, got 0",
        ),
        (
            &["--promotion_admission_threshold=256"],
            "promotion_admission_threshold: must be between 1 and 255, got 256",
        ),
        (
            &["--offloading_queue_limit=0"],
            "offloading_queue_limit: must be between 1 and 100000000, got 0",
        ),
        (
            &["--offload_cap_ratio=1.5"],
            "offload_cap_ratio: must be greater than 0 and at most 1, got 1.5",
        ),
        (
            &["--promotion_queue_limit=0"],
            "promotion_queue_limit: must be at least 1, got 0",
        ),
        (
            &["--promotion_max_per_heartbeat=0"],
            "promotion_max_per_heartbeat: must be at least 1, got 0",
        ),
        (
            &["--promotion_on_hit"],
            "promotion_on_hit: requires enable_offload",
        ),
        (
            &["--offload_on_evict=true"],
            "offload_on_evict: requires enable_offload",
        ),
        (
            &["--global_file_segment_size=0"],
            "global_file_segment_size: must be greater than 0",
        ),
        (
            &["--enable-cxl", "--cxl-size=0"],
            "cxl_size: must be greater than 0 when enable_cxl is on",
        ),
        (
            &["--enable-cxl", "--cxl-path="],
            "cxl_path: must not be empty when enable_cxl is on",
        ),
    ];
    for (argv, expected) in cases {
        let text = error_of(argv);
        assert!(
            text.starts_with(expected),
            "{argv:?}: expected {expected:?}, got {text:?}"
        );
    }
}

#[test]
fn non_finite_ratios_are_rejected_where_typed() {
    let _env = env_lock();
    assert!(Cli::try_parse_from(["master", "--eviction-ratio=NaN"]).is_err());
    drop(_env);
    let (_dir, path) = config_file("master.yaml", "eviction_high_watermark_ratio: .nan\n");
    let err = load_file(&path).unwrap_err();
    assert_eq!(err.key(), Some("eviction_high_watermark_ratio"));
    assert!(err.to_string().contains("expected a finite number"), "{err}");
}

#[test]
fn feature_flags_are_validated_even_when_the_feature_is_off() {
    // A typo in a value must not hide until the day the feature is switched on.
    assert!(resolve(&["--snapshot_object_store_type=lcoal"]).is_err());
    assert!(resolve(&["--promotion_admission_threshold=300"]).is_err());
}

#[test]
fn task_manager_flags_are_kept_and_reported_inactive() {
    let config = resolve(&["--max_total_pending_tasks=5", "--pending_task_timeout_sec=0"]).unwrap();
    assert_eq!(config.tasks.max_total_pending_tasks, 5);
    assert_eq!(config.tasks.pending_task_timeout, None);
    assert_eq!(
        config.tasks.processing_task_timeout,
        Some(Duration::from_secs(300))
    );
    let flags: Vec<_> = config.inactive_features.iter().map(|f| f.flag).collect();
    assert_eq!(flags, ["--max-total-pending-tasks", "--pending-task-timeout-sec"]);
    assert!(
        config.inactive_features[0]
            .to_string()
            .contains("the task manager is not active")
    );
}
