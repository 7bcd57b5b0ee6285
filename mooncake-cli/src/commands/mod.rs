//! One module per subcommand; each takes its parsed arguments and returns the exit code.

pub mod completions;
pub mod master;
