//! Managed resources.

pub mod capacity_provider;
