//! The metadata as data: export an image of segments and complete objects (for snapshots and standby
//! bootstrap), restore one into a fresh core, and record committed changes for standbys.
//!
//! Design note: export locks one shard at a time (requests to other shards go on), objects first and
//! segments last, so every replica in the image names a segment the image also holds unless that
//! segment was unmounted during the export — restore then drops that replica, as the leader did.
//! Puts in progress are never exported: their writer has not been told they succeeded. Restore gives
//! every segment owner one `client_ttl` to ping (objects on nodes that never come back disappear with
//! their segments) and never drops an object for a read lease that lapsed while the master was down.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use mooncake_proto::master::metadata_change::Change;
use mooncake_proto::master::{ImageObject, ImageReplica, ImageSegment, MetadataImage, Segment};
use smallvec::SmallVec;
use uuid::Uuid;

use super::object::{Object, Replica};
use super::segments::{MountOutcome, MountedSegment, SegmentTable};
use super::{ClientId, DiscardedRange, MasterService, SegmentId, SegmentSpec};

/// What a restore kept and what it had to drop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestoreReport {
    pub segments: u64,
    pub objects: u64,
    /// Objects none of whose replicas could be placed (unknown segment, overlapping ranges).
    pub dropped_objects: u64,
    pub dropped_replicas: u64,
    pub bad_segments: u64,
    /// Ranges of puts that were in progress, kept out of the pool until the discard timeout.
    pub parked_ranges: u64,
}

/// Wall-clock milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A segment as the wire and the image carry it.
pub fn segment_message(spec: &SegmentSpec) -> Segment {
    Segment {
        id: spec.id.to_string(),
        name: spec.name.clone(),
        base: spec.base,
        size: spec.size,
        te_endpoint: spec.te_endpoint.clone(),
        protocol: spec.protocol.clone(),
        host_id: spec.host_id.clone(),
        cxl: spec.cxl,
    }
}

/// A segment from the wire or an image; `None` when its id is not a UUID.
pub fn segment_spec(segment: Segment) -> Option<SegmentSpec> {
    Some(SegmentSpec {
        id: SegmentId(Uuid::parse_str(&segment.id).ok()?),
        name: segment.name,
        base: segment.base,
        size: segment.size,
        te_endpoint: segment.te_endpoint,
        protocol: segment.protocol,
        host_id: segment.host_id,
        cxl: segment.cxl,
    })
}

/// The id of an image's segment ("" when the image lacks it).
pub fn image_segment_id(segment: &ImageSegment) -> &str {
    segment.segment.as_ref().map_or("", |s| s.id.as_str())
}

fn image_segment(segment: &MountedSegment, now_ms: u64) -> ImageSegment {
    ImageSegment {
        segment: Some(segment_message(&segment.spec)),
        owner: segment.owner.to_string(),
        drain_remaining_ms: segment.drain_remaining_ms(now_ms),
    }
}

fn image_object(key: &str, object: &Object, table: &SegmentTable, now_ms: u64) -> ImageObject {
    ImageObject {
        key: key.to_string(),
        size: object.size,
        replicas: object
            .replicas
            .iter()
            .filter_map(|r| {
                table.get(r.segment).map(|segment| ImageReplica {
                    segment_id: segment.spec.id.to_string(),
                    offset: r.offset,
                })
            })
            .collect(),
        hard_pinned: object.hard_pinned,
        soft_pin_remaining_ms: object.soft_pin_ms.saturating_sub(now_ms),
        checksum: object.checksum,
        owner: object.owner.to_string(),
    }
}

fn spec_of(segment: &ImageSegment) -> Option<(SegmentSpec, ClientId)> {
    let owner = Uuid::parse_str(&segment.owner).ok()?;
    let spec = segment_spec(segment.segment.clone()?)?;
    (!spec.name.is_empty() && spec.size > 0 && spec.base > 0).then_some((spec, ClientId(owner)))
}

impl MasterService {
    /// A consistent image of every complete object and every mounted segment.
    pub fn export_image(&self) -> MetadataImage {
        let last_change = self.changes.as_ref().map_or(0, |log| log.last_seq());
        let now = self.now();
        let (mut objects, mut in_progress) = (Vec::new(), Vec::new());
        for shard in self.index.shards() {
            let table = self.segments.load();
            let shard = shard.lock();
            for (key, object) in shard.objects.iter() {
                let image = image_object(key, object, &table, now);
                if object.complete {
                    objects.push(image);
                } else {
                    in_progress.push(image);
                }
            }
        }
        let segments = self
            .segments
            .load()
            .iter()
            .map(|s| image_segment(s, now))
            .collect();
        MetadataImage {
            view_version: self.view_version(),
            created_at_unix_ms: unix_ms(),
            last_change,
            segments,
            objects,
            in_progress,
        }
    }

    /// Loads `image` into this (empty) core. Segments come back as their owners left them, and each
    /// owner counts as just seen; objects keep their pins but no read lease.
    pub fn restore_image(&self, image: &MetadataImage) -> RestoreReport {
        self.restore_image_leased(image, 0)
    }

    /// [`MasterService::restore_image`], every object under a read lease of `lease_ms`: a promoted
    /// standby protects reads its predecessor granted from eviction and removal.
    pub fn restore_image_leased(&self, image: &MetadataImage, lease_ms: u64) -> RestoreReport {
        let now = self.now();
        let mut report = RestoreReport::default();
        for segment in &image.segments {
            let Some((spec, owner)) = spec_of(segment) else {
                report.bad_segments += 1;
                continue;
            };
            let (id, host) = (spec.id, spec.host_id.clone());
            if self.segments.mount(spec, owner) != MountOutcome::Mounted {
                report.bad_segments += 1;
                continue;
            }
            if segment.drain_remaining_ms > 0 {
                self.segments.begin_drain(id, now + segment.drain_remaining_ms);
            }
            self.clients.touch(owner, now, Some(&host));
            report.segments += 1;
        }
        let table = self.segments.load();
        let segments: Vec<&std::sync::Arc<MountedSegment>> = image
            .segments
            .iter()
            .filter_map(|s| {
                Uuid::parse_str(image_segment_id(s))
                    .ok()
                    .and_then(|id| table.by_id(SegmentId(id)))
            })
            .collect();
        let index_of: HashMap<String, usize> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.spec.id.to_string(), i))
            .collect();
        // Claim the ranges segment by segment in offset order: the allocator's free list then stays a
        // few ranges long instead of one per hole between claims (restore time grows with it).
        let mut claims: Vec<(usize, u64, u64, usize, usize)> = Vec::with_capacity(image.objects.len());
        for (o, object) in image.objects.iter().enumerate() {
            for (r, replica) in object.replicas.iter().enumerate() {
                let segment = index_of.get(replica.segment_id.as_str()).copied().or_else(|| {
                    let id = Uuid::parse_str(&replica.segment_id).ok()?;
                    index_of.get(&id.to_string()).copied()
                });
                match segment {
                    Some(segment) => claims.push((segment, replica.offset, object.size, o, r)),
                    None => report.dropped_replicas += 1,
                }
            }
        }
        claims.sort_unstable();
        let mut granted: Vec<SmallVec<[(usize, Replica); 1]>> = vec![SmallVec::new(); image.objects.len()];
        for (segment, offset, len, o, r) in claims {
            let segment = segments[segment];
            if segment.reserve(offset, len) {
                granted[o].push((
                    r,
                    Replica {
                        segment: segment.slot,
                        offset,
                    },
                ));
            } else {
                report.dropped_replicas += 1;
            }
        }
        let mut owners: HashMap<&str, ClientId> = HashMap::new();
        for (object, mut placed) in image.objects.iter().zip(granted) {
            placed.sort_unstable_by_key(|(r, _)| *r);
            let replicas: SmallVec<[Replica; 1]> = placed.into_iter().map(|(_, replica)| replica).collect();
            let owner = *owners
                .entry(object.owner.as_str())
                .or_insert_with(|| Uuid::parse_str(&object.owner).map_or(ClientId(Uuid::nil()), ClientId));
            if replicas.is_empty() || object.size == 0 || object.key.is_empty() {
                self.free_replicas(&replicas, object.size);
                report.dropped_objects += 1;
                continue;
            }
            let restored = Object {
                size: object.size,
                replicas,
                complete: true,
                hard_pinned: object.hard_pinned,
                lease_until_ms: now + lease_ms,
                put_start_ms: now,
                owner,
                soft_pin_ms: if object.soft_pin_remaining_ms > 0 {
                    now + object.soft_pin_remaining_ms
                } else {
                    0
                },
                checksum: object.checksum,
            };
            let mut shard = self.index.lock(&object.key);
            if shard.objects.contains_key(object.key.as_str()) {
                // A key twice in one image: keep the first, give back the second's ranges.
                self.free_replicas(&restored.replicas, restored.size);
                report.dropped_objects += 1;
                continue;
            }
            shard.insert(&object.key, restored);
            report.objects += 1;
        }
        // Puts that were in progress: their writers may still be copying into those ranges, so they
        // stay out of the pool until the discard timeout, then return to it.
        let release_at_ms = now + self.config.put_start_discard_timeout.as_millis() as u64;
        let mut discarded = self.discarded.lock();
        for object in &image.in_progress {
            for replica in &object.replicas {
                let segment = index_of.get(replica.segment_id.as_str()).map(|&i| segments[i]);
                if let Some(segment) = segment
                    && segment.reserve(replica.offset, object.size)
                {
                    discarded.push(DiscardedRange {
                        segment: segment.slot,
                        offset: replica.offset,
                        len: object.size,
                        release_at_ms,
                    });
                    report.parked_ranges += 1;
                }
            }
        }
        report
    }

    /// Records a committed change for standbys (only when this core keeps a change log).
    pub(super) fn record(&self, change: impl FnOnce() -> Change) {
        if let Some(log) = &self.changes {
            log.record(change);
        }
    }

    /// Records that `key` now holds `object` (call with the key's shard locked).
    pub(super) fn record_stored(&self, key: &str, object: &Object) {
        self.record(|| Change::ObjectStored(image_object(key, object, &self.segments.load(), self.now())));
    }

    /// Records that a put of `key` started (call with the key's shard locked).
    pub(super) fn record_started(&self, key: &str, object: &Object) {
        self.record(|| Change::PutStarted(image_object(key, object, &self.segments.load(), self.now())));
    }

    /// Records that `key` is gone (call with the key's shard locked).
    pub(super) fn record_removed(&self, key: &str) {
        self.record(|| Change::ObjectRemoved(key.to_string()));
    }

    /// Records a segment's new state (after the segment table is published).
    pub(super) fn record_segment(&self, id: SegmentId, unmounted: bool) {
        if unmounted {
            self.record(|| Change::SegmentUnmounted(id.to_string()));
            return;
        }
        let table = self.segments.load();
        if let Some(segment) = table.by_id(id) {
            let image = image_segment(segment, self.now());
            self.record(|| {
                if image.drain_remaining_ms > 0 {
                    Change::SegmentDraining(image)
                } else {
                    Change::SegmentMounted(image)
                }
            });
        }
    }

    /// The change log standbys subscribe to (present when the core replicates).
    pub fn change_log(&self) -> Option<&super::changes::ChangeLog> {
        self.changes.as_ref()
    }
}
