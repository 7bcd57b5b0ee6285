//! Measures a snapshot of one million keys: the core is filled through a restore of a synthetic image,
//! then `Snapshotter::create_now` exports, encodes and writes it to a local directory, and the newest
//! snapshot is loaded back. Run with
//! `cargo test --release -p mooncake-master --test snapshot_1m_keys -- --ignored --nocapture`;
//! it prints the figures (no timing assertion).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use mooncake_master::config::{SnapshotCatalog, SnapshotConfig, SnapshotStore};
use mooncake_master::service::{MasterService, ServiceConfig};
use mooncake_master::snapshot::{Snapshotter, Store, load_newest_from};
use mooncake_proto::master::MetadataImage;

const KEYS: u64 = 1_000_000;
const OBJECT: u64 = 4096;

fn image() -> MetadataImage {
    mooncake_tests::image::one_segment(KEYS, OBJECT, |i| format!("model/layer-{}/block-{i:08}", i % 80))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: run in release with --ignored --nocapture"]
async fn snapshot_of_one_million_keys() {
    let service = Arc::new(MasterService::new(ServiceConfig::default()));
    let started = Instant::now();
    let report = service.restore_image(&image());
    assert_eq!(report.objects, KEYS);
    println!("filled the core with {KEYS} keys in {:?}", started.elapsed());

    let dir = tempfile::tempdir().unwrap();
    let config = SnapshotConfig {
        periodic: false,
        restore: false,
        interval: Duration::from_secs(3600),
        child_timeout: Duration::from_secs(300),
        retention_count: 2,
        store: SnapshotStore::Local {
            root: dir.path().to_path_buf(),
        },
        catalog: SnapshotCatalog::Embedded,
        backup_dir: None,
    };
    let store = Store::open(&config.store, "bench").unwrap();
    let writer = Snapshotter::new(service.clone(), store.clone(), config)
        .await
        .unwrap();
    for round in 0..3 {
        let started = Instant::now();
        let info = writer.create_now().await.unwrap();
        assert_eq!(info.keys, KEYS);
        println!(
            "snapshot {round}: {} keys, {} bytes ({:.1} MiB) in {:?}",
            info.keys,
            info.bytes,
            info.bytes as f64 / (1 << 20) as f64,
            started.elapsed()
        );
    }
    let started = Instant::now();
    let loaded = load_newest_from(&store).await.unwrap().unwrap();
    assert_eq!(loaded.image.objects.len() as u64, KEYS);
    println!("read and verified the newest snapshot in {:?}", started.elapsed());
    let fresh = MasterService::new(ServiceConfig::default());
    let started = Instant::now();
    assert_eq!(fresh.restore_image(&loaded.image).objects, KEYS);
    println!("restored it into an empty core in {:?}", started.elapsed());
}
