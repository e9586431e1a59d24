//! The [`Provider`] trait: the provider block, configuration, and what the provider offers.

use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::action::Action;
use crate::data_source::DataSource;
use crate::diag::Diagnostics;
use crate::function::Function;
use crate::list::ListResource;
use crate::resource::Resource;
use crate::schema::Schema;
use crate::value::Value;

/// What every provider operation gets besides its request.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Cancelled when Terraform calls StopProvider (e.g. on Ctrl-C): long waits must end.
    pub stop: CancellationToken,
}

impl Context {
    /// True once Terraform asked the provider to stop.
    pub fn is_stopped(&self) -> bool {
        self.stop.is_cancelled()
    }
}

/// The configuration Terraform passes to [`Provider::configure`].
#[derive(Clone, Debug)]
pub struct ConfigureRequest {
    /// Version of the Terraform CLI, e.g. "1.11.4".
    pub terraform_version: String,
    /// The provider block, conforming to [`Provider::schema`]; may hold unknowns.
    pub config: Value,
}

/// A Terraform provider: its own configuration block plus resources, data sources,
/// functions, list resources and actions.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The schema of the provider block.
    fn schema(&self) -> Schema;

    /// Checks the provider block beyond its attributes' own validators.
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Configures the provider (clients, credentials) before any resource operation.
    async fn configure(&self, ctx: &Context, req: ConfigureRequest) -> Diagnostics;

    /// The managed resource types.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data source types.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// The provider-defined functions.
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// The list resource types (`list` blocks of `terraform query`, Terraform 1.14+).
    /// Each lists a managed resource type of the same name that declares an identity.
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    /// The action types (`action` blocks, Terraform 1.14+).
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        Vec::new()
    }
}
