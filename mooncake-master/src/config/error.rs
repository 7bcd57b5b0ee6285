//! `ConfigError`: why a master configuration was rejected, always naming the key (or the file) at fault.

use std::path::PathBuf;

/// A configuration the master refuses to start with. The `Display` text starts with the key
/// (`eviction_ratio: must be between 0 and 1, got 1.5`) so an operator knows what to change.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value that parsed but is out of range, or contradicts another key.
    #[error("{key}: {problem}")]
    Invalid {
        /// The underscore key name (also the file key).
        key: &'static str,
        /// What is wrong, including the offending value.
        problem: String,
    },
    /// A config file key whose value has the wrong type or form.
    #[error("{key}: {problem} (in {})", path.display())]
    FileValue {
        /// The file.
        path: PathBuf,
        /// The key, as written in the file.
        key: String,
        /// The parser's complaint, with line and column where the format gives them.
        problem: String,
    },
    /// A config file key that matches no flag.
    #[error("{key}: unknown key in {}{}", path.display(), suggestion_text(suggestion))]
    UnknownKey {
        /// The file.
        path: PathBuf,
        /// The key, as written in the file.
        key: String,
        /// The closest known key, when one is close.
        suggestion: Option<String>,
    },
    /// The config file is not a YAML/JSON mapping of keys to values.
    #[error("{}: {problem}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's complaint.
        problem: String,
    },
    /// The config file has an extension other than `.yaml`, `.yml` or `.json`.
    #[error("{}: unsupported config file format (use a .yaml, .yml or .json file)", path.display())]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// The config file could not be read.
    #[error("{}: cannot read config file", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
}

impl ConfigError {
    /// Shorthand for [`ConfigError::Invalid`].
    pub fn invalid(key: &'static str, problem: impl Into<String>) -> Self {
        Self::Invalid {
            key,
            problem: problem.into(),
        }
    }

    /// The key at fault, when the error is about one key.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Invalid { key, .. } => Some(key),
            Self::FileValue { key, .. } | Self::UnknownKey { key, .. } => Some(key),
            Self::Syntax { .. } | Self::UnsupportedFormat { .. } | Self::Read { .. } => None,
        }
    }
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default()
}
