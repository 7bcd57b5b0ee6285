//! Mooncake Store client library and node process (put/get, segments contributed to the pool). The
//! client and node arrive with the store-node issue; this crate fixes their place in the workspace.
