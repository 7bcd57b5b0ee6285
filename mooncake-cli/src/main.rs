//! `mooncake`: the operator command. All logic lives in the `mooncake_cli` library.

use std::process::ExitCode;

fn main() -> ExitCode {
    match mooncake_cli::run() {
        Ok(code) => code,
        Err(error) => mooncake_cli::exit::report(&error),
    }
}
