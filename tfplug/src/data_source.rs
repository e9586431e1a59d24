//! The [`DataSource`] trait: read-only views of existing infrastructure.

use async_trait::async_trait;

use crate::diag::Diagnostics;
use crate::provider::Context;
use crate::schema::Schema;
use crate::value::Value;

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync {
    /// The data source type name, e.g. `lambda_capacity_provider`.
    fn type_name(&self) -> &str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond its attributes' own validators.
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data; returns the full state (all computed attributes known).
    async fn read(&self, ctx: &Context, config: &Value) -> (Value, Diagnostics);
}
