//! Generates the tonic/prost code for the master API. Uses `$PROTOC` when set (e.g. Debian's
//! `protobuf-compiler`), otherwise the protoc binary vendored on crates.io, so a fresh machine builds
//! with nothing but cargo.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("PROTOC").is_none() {
        // SAFETY: build scripts are single-threaded; nothing else reads the environment concurrently.
        unsafe { std::env::set_var("PROTOC", protoc_bin_vendored::protoc_bin_path()?) };
    }
    println!("cargo:rerun-if-changed=proto");
    tonic_prost_build::configure().compile_protos(
        &[
            "proto/mooncake/master/v1/master.proto",
            "proto/mooncake/master/v1/metadata.proto",
        ],
        &["proto"],
    )?;
    Ok(())
}
