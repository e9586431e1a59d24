//! `terraform-provider-lambda`: a Terraform provider for AWS Lambda managed instances
//! (capacity providers) and durable functions, built on [`tfplug`].
//!
//! - [`config`]: the provider block and building the AWS clients.
//! - [`aws`]: the shared AWS layer (clients, retries, waiters, timeouts, errors).
//! - [`tags`]: `default_tags` and `tags_all`.
//! - [`resources`] and [`data_sources`]: what the provider manages and reads.
//! - [`docs`]: the `docs` subcommand, writing the reference pages from the schemas.

pub mod actions;
pub mod aws;
pub mod config;
pub mod data_sources;
pub mod docs;
pub mod functions;
pub mod json_schema;
pub mod list;
pub mod pricing;
pub mod resources;
pub mod review;
pub mod tags;

use std::sync::Arc;

use async_trait::async_trait;
use tfplug::action::Action;
use tfplug::data_source::DataSource;
use tfplug::diag::Diagnostics;
use tfplug::function::Function;
use tfplug::list::ListResource;
use tfplug::provider::{ConfigureRequest, Context, Provider};
use tfplug::resource::Resource;
use tfplug::schema::Schema;

use crate::aws::SharedClients;

/// The provider's source address.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/lambdakit/lambda";

/// The provider version (from Cargo).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `lambda` provider.
#[derive(Clone, Debug, Default)]
pub struct LambdaProvider {
    clients: SharedClients,
}

impl LambdaProvider {
    /// An unconfigured provider.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Provider for LambdaProvider {
    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn configure(&self, ctx: &Context, req: ConfigureRequest) -> Diagnostics {
        let cfg = match config::ProviderConfig::from_value(&req.config) {
            Ok(c) => c,
            Err(d) => return d,
        };
        let unknown = cfg.unknown_values();
        if unknown.has_errors() {
            return unknown;
        }
        match config::build_clients(&cfg, &ctx.stop).await {
            Ok(clients) => {
                tracing::info!(region = %clients.region, terraform = %req.terraform_version, "provider configured");
                let budget = aws::Budget::new(resources::common::READ_TIMEOUT, ctx.stop.clone());
                self.clients.set(clients);
                let Ok(clients) = self.clients.get() else {
                    return Diagnostics::new();
                };
                resources::common::left_over::check(&clients, &budget)
                    .await
                    .into_iter()
                    .collect()
            }
            Err(d) => d,
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(resources::capacity_provider::CapacityProviderResource::new(
                self.clients.clone(),
            )),
            Arc::new(resources::durable_function::DurableFunctionResource::new(
                self.clients.clone(),
            )),
            Arc::new(resources::function_version::FunctionVersionResource::new(
                self.clients.clone(),
            )),
        ]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        let c = &self.clients;
        vec![
            Arc::new(list::capacity_provider::CapacityProviderList::new(
                c.clone(),
                Arc::new(resources::capacity_provider::CapacityProviderResource::new(
                    c.clone(),
                )),
            )),
            Arc::new(list::durable_function::DurableFunctionList::new(
                c.clone(),
                Arc::new(resources::durable_function::DurableFunctionResource::new(
                    c.clone(),
                )),
            )),
            Arc::new(list::function_version::FunctionVersionList::new(
                c.clone(),
                Arc::new(resources::function_version::FunctionVersionResource::new(
                    c.clone(),
                )),
            )),
        ]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![
            Arc::new(functions::parse_arn::ParseArn),
            Arc::new(functions::execution_environments_capacity::ExecutionEnvironmentsCapacity),
            Arc::new(functions::estimate_monthly_cost::EstimateMonthlyCost),
        ]
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        let mut all: Vec<Arc<dyn Action>> = vec![Arc::new(
            actions::start::StartDurableExecution::new(self.clients.clone()),
        )];
        for control in actions::control::ControlDurableExecution::all(&self.clients) {
            all.push(Arc::new(control));
        }
        all
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(
                data_sources::capacity_provider::CapacityProviderDataSource::new(
                    self.clients.clone(),
                ),
            ),
            Arc::new(
                data_sources::durable_executions::DurableExecutionsDataSource::new(
                    self.clients.clone(),
                ),
            ),
        ]
    }
}
