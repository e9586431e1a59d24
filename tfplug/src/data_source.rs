//! The [`DataSource`] trait: read-only views of existing infrastructure.

use async_trait::async_trait;

use serde::de::DeserializeOwned;

use crate::diag::Diagnostics;
use crate::provider::Context;
use crate::resource::{NewState, Result, ValueType, decode_model};
use crate::schema::Schema;
use crate::value::Value;

/// Input of [`DataSource::read`].
#[derive(Clone, Debug)]
pub struct DataReadRequest {
    /// Configuration, fully known.
    pub config: Value,
    /// The data source's value type.
    pub ty: ValueType,
}

impl DataReadRequest {
    /// The configuration as a model.
    pub fn config<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.config)
    }

    /// Builds a value of the data source's type from a model.
    pub fn state_of<M: serde::Serialize>(&self, model: &M) -> Result<Value> {
        self.ty.encode(model)
    }
}

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
    async fn read(&self, ctx: &Context, req: DataReadRequest) -> Result<NewState>;
}
