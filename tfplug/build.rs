//! Generates the tfplugin6 and go-plugin gRPC code from `proto/` at build time.
//!
//! Uses `protox` (a pure-Rust protobuf compiler), so no system `protoc` is needed.

use std::path::PathBuf;

const PROTOS: &[&str] = &["tfplugin6.proto", "plugin.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    for file in PROTOS {
        println!("cargo:rerun-if-changed={}", proto_dir.join(file).display());
    }

    let descriptors = protox::compile(PROTOS, [&proto_dir])?;

    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // Every RPC a provider does not override answers `Unimplemented`.
        .generate_default_stubs(true)
        .compile_fds(descriptors)?;
    Ok(())
}
