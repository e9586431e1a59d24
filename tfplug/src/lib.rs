//! tfplug: a server framework for Terraform's plugin protocol v6.
//!
//! A provider implements [`provider::Provider`] (and the [`resource::Resource`],
//! [`data_source::DataSource`], [`function::Function`], [`list::ListResource`] and
//! [`action::Action`] traits for what it offers; resource identities are described in
//! [`identity`]),
//! then calls [`serve::serve`] from `main`. tfplug handles the go-plugin handshake,
//! AutoMTLS, value encoding, schemas and the plan pipeline, so a resource only writes
//! what is specific to it.

pub mod action;
pub mod data_source;
pub mod diag;
pub mod function;
pub mod generate;
pub mod identity;
pub mod list;
pub mod logging;
pub mod plan;
pub mod proto;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod serve;
pub mod server;
// Drives Terraform and provider processes the unix way (signals, exit statuses).
#[cfg(unix)]
pub mod testing;
pub mod validate;
pub mod value;
