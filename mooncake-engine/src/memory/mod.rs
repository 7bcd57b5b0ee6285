//! Local memory the engine exposes to peers: segments (registered regions, possibly file-backed so
//! a process on the same host can map them) and the registry every incoming access is checked
//! against.

mod registry;

pub use registry::{AccessError, MemoryRegistry, RegisteredRegion};
