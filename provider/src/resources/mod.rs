//! Managed resources.

pub mod capacity_provider;
pub mod common;
