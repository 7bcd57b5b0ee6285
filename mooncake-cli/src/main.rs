//! `mooncake`: the operator command. All logic lives in the `mooncake_cli` library.

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::var_os("MOONCAKE_MALLOC_DEFAULTS").is_none() {
        mooncake_cli::allocator::retain_freed_memory();
    }
    match mooncake_cli::run() {
        Ok(code) => code,
        Err(error) => mooncake_cli::exit::report(&error),
    }
}
