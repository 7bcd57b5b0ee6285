//! Local memory the engine exposes to peers: segments (registered regions, possibly file-backed so
//! a process on the same host can map them) and the registry every incoming access is checked
//! against.

mod host;
mod registry;
mod segment;

pub use host::{SHM_DIR, host_id};
pub use registry::{AccessError, MemoryRegistry, RegisteredRegion};
pub use segment::{
    HugePageSize, PageBacking, Registration, SEGMENT_FILE_PREFIX, Segment, SegmentError, SegmentOptions,
    page_size, reap_stale_segments,
};
