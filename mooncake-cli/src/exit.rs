//! Exit codes of `mooncake`, documented in `--help`: 0 ok, 1 not found or failed check, 2 usage or error.

use std::process::ExitCode;

/// What a `mooncake` invocation ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything went as asked.
    Success,
    /// The command ran but the answer is "no": a key not found, a check that failed.
    Failure,
    /// Bad usage, an invalid configuration, or an error that stopped the command.
    Error,
    /// A second SIGINT/SIGTERM arrived while shutting down: stopped without finishing the shutdown.
    Interrupted,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::Error => 2,
            Self::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// Prints `error: <what failed>: <why>` to stderr and returns the exit code for it. Every error that
/// reaches here is one the command could not recover from, so it is always [`Exit::Error`].
pub fn report(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    Exit::Error.into()
}
