//! `tcp`: Mooncake's TCP transport, protocol v2 (and v1 for old peers), both directions.
//!
//! Design note. A real Mooncake transfer engine must be able to read and write our segments and ours
//! theirs, so the wire format is exactly the C++ one ([`codec`]): a 24-byte header per request naming
//! an absolute address in the server's registered memory, 8-byte status frames in v2, persistent
//! connections carrying many requests back-to-back (reference/mooncake-engine.md §3).
//!
//! - [`TcpDataServer`] serves peers: blocking sockets, one thread per connection (connections are few
//!   and long-lived; a thread blocked in `read` wakes exactly when bytes arrive, with no event-loop
//!   hop, which matters on a VM where a cross-core wake-up costs ~30-50 µs). Every request is checked
//!   against the [`MemoryRegistry`](crate::memory::MemoryRegistry). Written bytes land straight in
//!   registered memory; read answers leave straight from it or through a small reused [`staging`]
//!   buffer (on a shadow-paged VM far cheaper for the kernel to copy from), whichever the node has
//!   measured to be cheaper on its host.
//! - [`TcpTransport`] is the initiator: a pool of persistent connections per peer; small requests of
//!   a batch are pipelined on one connection, large transfers are sliced and spread over several
//!   connections in parallel so one large object uses every core. Reads land straight in the
//!   caller's buffer and writes leave straight from it.
//! - [`congestion`]: both ends of a loopback data connection turn pacing off (`reno` instead of a
//!   pacing default such as BBR, which holds loopback well under what the kernel can move);
//!   `MC_TCP_CONGESTION` chooses otherwise.
//! - [`TcpStats`]: plain atomic counters and a fixed-bucket latency histogram, for the metrics layer.

mod client;
pub mod codec;
pub mod congestion;
mod io;
mod server;
pub mod staging;
mod stats;

pub use client::{TcpConfig, TcpTransport};
pub use io::idle_connection_usable;
pub use server::{TcpDataServer, TcpServerConfig};
pub use stats::{LATENCY_BUCKETS_US, LatencyHistogram, LatencySnapshot, TcpStats};
