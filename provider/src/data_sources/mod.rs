//! Data sources: read-only views of existing AWS objects.

pub mod capacity_provider;
pub mod durable_executions;
