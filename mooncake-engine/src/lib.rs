//! Mooncake Store data path: segments, transports, metadata backends, and the Mooncake-compatible HTTP metadata server.
