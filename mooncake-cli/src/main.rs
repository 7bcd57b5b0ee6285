//! `mooncake`: the operator command.
fn main() {}
