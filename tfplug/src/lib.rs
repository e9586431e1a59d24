//! tfplug: a server framework for Terraform's plugin protocol v6.
//!
//! A provider implements [`provider::Provider`] (and the [`resource::Resource`],
//! [`data_source::DataSource`] and [`function::Function`] traits for what it offers),
//! then calls [`serve::serve`] from `main`. tfplug handles the go-plugin handshake,
//! AutoMTLS, value encoding, schemas and the plan pipeline, so a resource only writes
//! what is specific to it.

pub mod data_source;
pub mod diag;
pub mod function;
pub mod logging;
pub mod plan;
pub mod proto;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod serve;
pub mod server;
pub mod testing;
pub mod validate;
pub mod value;
