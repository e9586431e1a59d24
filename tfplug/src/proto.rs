//! Generated protocol types and gRPC stubs.
//!
//! The definitions live in `tfplug/proto/` and are compiled at build time by
//! `build.rs` (pure Rust, no `protoc`). Every server trait method has a default
//! implementation answering gRPC `Unimplemented`, so a service only overrides the
//! RPCs it serves — which is what Terraform expects for optional RPCs such as
//! `GetResourceIdentitySchemas`.

/// Terraform's plugin protocol, version 6 (6.10): messages, the
/// [`tfplugin6::provider_server::Provider`] trait with
/// [`tfplugin6::provider_server::ProviderServer`], and
/// [`tfplugin6::provider_client::ProviderClient`] for tests.
#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags
)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's side services: `GRPCController` (shutdown), `GRPCStdio` and
/// `GRPCBroker`.
#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags
)]
pub mod plugin {
    tonic::include_proto!("plugin");
}
