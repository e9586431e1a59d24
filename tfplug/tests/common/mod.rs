//! Shared test support.
pub mod example_provider;
