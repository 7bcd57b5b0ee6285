//! Export and restore of the metadata image: what a snapshot or a promoted standby rebuilds.

use mooncake_proto::master::ImageReplica;

use super::*;

fn two() -> ReplicateConfig {
    ReplicateConfig {
        replica_num: 2,
        ..ReplicateConfig::default()
    }
}

#[test]
fn a_restored_image_answers_like_the_original() {
    let (service, node, _) = service_with(config(), &[1 << 20, 1 << 20]);
    for i in 0..50 {
        put(&service, node, &format!("k{i}"), 1000 + i, &two());
    }
    service.remove("k7", true).unwrap();
    // In progress: not an object of the image, but its range travels with it.
    service.put_start(node, "unfinished", 100, &one()).unwrap();
    let image = service.export_image();
    assert_eq!(image.objects.len(), 49);
    assert_eq!(image.in_progress.len(), 1);
    assert_eq!(image.segments.len(), 2);

    let restored = MasterService::new(ServiceConfig {
        put_start_discard_timeout: Duration::from_millis(1),
        ..config()
    });
    let report = restored.restore_image(&image);
    assert_eq!(
        (report.objects, report.segments, report.dropped_replicas),
        (49, 2, 0)
    );
    assert_eq!(report.parked_ranges, 1, "the unfinished put's range is parked");
    for i in (0..50).filter(|&i| i != 7) {
        let key = format!("k{i}");
        let (before, after) = (
            service.query_key(&key).unwrap(),
            restored.query_key(&key).unwrap(),
        );
        assert_eq!(
            before.replicas, after.replicas,
            "{key}: same replicas, same order"
        );
        assert_eq!(before.size, after.size);
    }
    assert!(!present(&restored, "k7") && !present(&restored, "unfinished"));
    // Usage is rebuilt (the parked range included until the discard timeout), and new puts never
    // overlap restored replicas.
    assert_eq!(used_total(&restored), used_total(&service));
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(restored.release_expired_puts(), 1);
    assert_eq!(used_total(&restored), used_total(&service) - 100);
    let fresh = put(&restored, node, "new", 5000, &two());
    for location in &fresh {
        for i in (0..50).filter(|&i| i != 7) {
            for old in restored.query_key(&format!("k{i}")).unwrap().replicas {
                let disjoint = old.segment_name != location.segment_name
                    || old.buffer_address + old.size <= location.buffer_address
                    || location.buffer_address + location.size <= old.buffer_address;
                assert!(disjoint, "new replica overlaps k{i}");
            }
        }
    }
}

#[test]
fn replicas_that_cannot_be_placed_are_dropped_not_trusted() {
    let (service, node, specs) = service_with(config(), &[1 << 20]);
    put(&service, node, "a", 4096, &one());
    put(&service, node, "b", 4096, &one());
    let mut image = service.export_image();
    let a_offset = image.objects.iter().find(|o| o.key == "a").unwrap().replicas[0].offset;
    for object in &mut image.objects {
        if object.key == "b" {
            // Claims a's range: only one of the two can keep it.
            object.replicas[0].offset = a_offset;
            object.replicas.push(ImageReplica {
                segment_id: Uuid::new_v4().to_string(),
                offset: 0,
            });
        }
    }
    let restored = MasterService::new(config());
    let report = restored.restore_image(&image);
    assert_eq!(report.segments, 1);
    assert_eq!(report.objects, 1, "{report:?}");
    assert_eq!(report.dropped_objects, 1);
    assert_eq!(report.dropped_replicas, 2, "the overlap and the unknown segment");
    assert_eq!(used_in(&restored, &specs[0].name), 4096);
}
