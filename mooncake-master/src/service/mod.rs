//! The master core. (Being written.)

pub mod config;

pub use config::{AllocationStrategyKind, ServiceConfig};
