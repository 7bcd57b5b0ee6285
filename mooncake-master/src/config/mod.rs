//! Master configuration: flags, `MOONCAKE_*` environment and YAML/JSON files, validated into
//! [`MasterConfig`].
//!
//! - [`MasterArgs`] (`args.rs`) defines every setting once, for clap and for serde.
//! - `file.rs` loads a config file into the same struct; `resolve.rs` merges the layers
//!   (flag > environment > file > default), applies Mooncake's defaults and validates.
//! - [`MasterConfig`] (`runtime.rs`) is what the server runs with; features that later issues bring
//!   are validated now and listed in [`MasterConfig::inactive_features`] so the master can warn.
//! - `values.rs` holds the human sizes (`3.2GB`, `512MiB`) and durations (`30s`, `500ms`).

mod args;
mod error;
mod file;
mod inactive;
mod interface;
mod resolve;
mod runtime;
mod values;

pub use args::MasterArgs;
pub use error::ConfigError;
pub use file::load as load_file;
pub use runtime::{
    CxlConfig, HaBackend, HaConfig, InactiveFeature, MasterConfig, OffloadConfig, RootFsConfig,
    SnapshotCatalog, SnapshotConfig, SnapshotStore, TaskManagerConfig,
};
pub use values::{ByteSize, Millis, Ratio, Seconds, ValueError};

#[cfg(test)]
mod tests;
