//! `list "lambda_durable_function"`: the region's durable functions (ListFunctions, only
//! those with a durable configuration), filtered by name prefix, capacity provider and
//! runtime.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_lambda::types::FunctionConfiguration;
use serde::Deserialize;
use tfplug::list::{ListRequest, ListResource, ListSink};
use tfplug::provider::Context;
use tfplug::resource::Result;
use tfplug::schema::{Attribute, Block, Schema};

use super::{Found, MAX_RESULTS, send_object};
use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda::{
    CreateFunctionRequest, LambdaManagedInstancesCapacityProviderConfig as Managed,
};
use crate::aws::{Budget, SharedClients};
use crate::resources::common::import_id::ImportId;
use crate::resources::common::{READ_TIMEOUT, data_region_attribute};
use crate::resources::durable_function::schema::names::{ARN, CAPACITY_PROVIDER_ARN, RUNTIME};
use crate::resources::durable_function::{DurableFunctionResource, TYPE_NAME, import_stub};

/// `name_prefix`.
const NAME_PREFIX: &str = "name_prefix";

/// The list resource.
#[derive(Clone, Debug)]
pub struct DurableFunctionList {
    clients: SharedClients,
    resource: Arc<DurableFunctionResource>,
}

impl DurableFunctionList {
    /// Lists with the provider's clients, reading objects with `resource`.
    pub fn new(clients: SharedClients, resource: Arc<DurableFunctionResource>) -> Self {
        Self { clients, resource }
    }
}

/// The `config` block.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Filter {
    region: Option<String>,
    name_prefix: Option<String>,
    capacity_provider_arn: Option<String>,
    runtime: Option<String>,
}

impl Filter {
    /// Whether a function passes: durable, and every filter set matches.
    fn keeps(&self, f: &FunctionConfiguration) -> bool {
        let cp = f
            .capacity_provider_config()
            .and_then(|c| c.lambda_managed_instances_capacity_provider_config())
            .map(|m| m.capacity_provider_arn());
        f.durable_config().is_some()
            && self
                .name_prefix
                .as_deref()
                .is_none_or(|p| f.function_name().is_some_and(|n| n.starts_with(p)))
            && self
                .capacity_provider_arn
                .as_deref()
                .is_none_or(|want| cp == Some(want))
            && self
                .runtime
                .as_deref()
                .is_none_or(|want| f.runtime().map(|r| r.as_str()) == Some(want))
    }
}

#[async_trait]
impl ListResource for DurableFunctionList {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("The durable functions of a region (functions without durable execution are left out).")
                .attribute(data_region_attribute())
                .attribute(
                    Attribute::string(NAME_PREFIX)
                        .optional()
                        .description("Only functions whose name starts with this."),
                )
                .attribute(
                    Attribute::string(CAPACITY_PROVIDER_ARN)
                        .optional()
                        .aws(&Managed::CapacityProviderArn)
                        .description("Only functions on this capacity provider."),
                )
                .attribute(
                    Attribute::string(RUNTIME)
                        .optional()
                        .aws(&CreateFunctionRequest::Runtime)
                        .description("Only functions of this runtime."),
                ),
        )
    }

    async fn list(&self, ctx: &Context, req: ListRequest, out: &mut ListSink) -> Result<()> {
        let filter: Filter = req.config()?;
        let clients = self.clients.get()?.for_region(filter.region.as_deref());
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let mut marker: Option<String> = None;
        let mut seen = 0usize;
        loop {
            let call = clients.lambda.list_functions().set_marker(marker.clone());
            let page = clients
                .send(&budget, "ListFunctions", || call.clone().send())
                .await
                .map_err(|e| e.to_diagnostic("durable functions", "listing"))?;
            for f in page.functions().iter().filter(|f| filter.keeps(f)) {
                let (Some(name), Some(arn)) = (f.function_name(), f.function_arn()) else {
                    continue;
                };
                let stub = import_stub(
                    &req.ty,
                    ImportId {
                        name: name.to_string(),
                        region: Some(clients.region.clone()),
                        account: None,
                    },
                )?;
                seen += 1;
                let go_on = send_object(
                    ctx,
                    self.resource.as_ref(),
                    &req,
                    out,
                    Found {
                        display_name: name.to_string(),
                        stub,
                        arn: (ARN, arn),
                    },
                )
                .await?;
                if !go_on || seen >= MAX_RESULTS {
                    return Ok(());
                }
            }
            match page.next_marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => return Ok(()),
            }
        }
    }
}
