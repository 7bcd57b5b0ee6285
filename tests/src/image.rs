//! Synthetic metadata images (what snapshots hold): one segment with `n` objects laid end to end, for
//! snapshot tests and measurements.

use mooncake_proto::master::{ImageObject, ImageReplica, ImageSegment, MetadataImage, Segment};

/// The segment id and owner every synthetic image uses.
pub const SEGMENT_ID: &str = "0b7c0d8e-7a3c-4f57-9a55-0d2b0d1c6a11";
pub const OWNER: &str = "5a1e4c2b-1d3f-4e5a-8b6c-7d8e9f0a1b2c";

/// An image of one segment (`127.0.0.1:1`, just large enough) holding `objects` complete objects of
/// `size` bytes each, one replica apiece, keyed by `key(i)`.
pub fn one_segment(objects: u64, size: u64, key: impl Fn(u64) -> String) -> MetadataImage {
    MetadataImage {
        view_version: 1,
        created_at_unix_ms: 0,
        last_change: 0,
        segments: vec![ImageSegment {
            segment: Some(Segment {
                id: SEGMENT_ID.into(),
                name: "127.0.0.1:1".into(),
                base: 1 << 40,
                size: (objects * size).max(1 << 30),
                te_endpoint: "127.0.0.1:1".into(),
                protocol: "tcp".into(),
                host_id: "127.0.0.1".into(),
                cxl: false,
            }),
            owner: OWNER.into(),
            drain_remaining_ms: 0,
        }],
        objects: (0..objects)
            .map(|i| ImageObject {
                key: key(i),
                size,
                replicas: vec![ImageReplica {
                    segment_id: SEGMENT_ID.into(),
                    offset: i * size,
                }],
                hard_pinned: false,
                soft_pin_remaining_ms: 0,
                checksum: None,
                owner: OWNER.into(),
            })
            .collect(),
        in_progress: Vec::new(),
    }
}
