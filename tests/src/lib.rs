//! In-process cluster harness shared by the end-to-end scenarios: masters on `127.0.0.1:0`, gRPC
//! clients that act as nodes, lookups of the real external tools the tests need, and helpers for tests
//! that run real processes.

pub mod image;
pub mod master;
pub mod process;
pub mod tools;

pub use master::{TestMaster, segment};
