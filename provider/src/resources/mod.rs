//! Managed resources.

pub mod capacity_provider;
pub mod common;
pub mod durable_function;
pub mod function_version;
