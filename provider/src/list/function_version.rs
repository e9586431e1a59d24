//! `list "lambda_function_version"`: the published versions of one function
//! (ListVersionsByFunction, `$LATEST` left out).

use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use tfplug::list::{ListRequest, ListResource, ListSink};
use tfplug::provider::Context;
use tfplug::resource::Result;
use tfplug::schema::{Block, Schema};

use super::{Found, MAX_RESULTS, send_object};
use crate::aws::{Budget, SharedClients};
use crate::resources::common::import_id::arn_region;
use crate::resources::common::{READ_TIMEOUT, data_region_attribute};
use crate::resources::function_version::schema::function_name_attribute;
use crate::resources::function_version::schema::names::ARN;
use crate::resources::function_version::{FunctionVersionResource, TYPE_NAME, import_stub};

/// The list resource.
#[derive(Clone, Debug)]
pub struct FunctionVersionList {
    clients: SharedClients,
    resource: Arc<FunctionVersionResource>,
}

impl FunctionVersionList {
    /// Lists with the provider's clients, reading objects with `resource`.
    pub fn new(clients: SharedClients, resource: Arc<FunctionVersionResource>) -> Self {
        Self { clients, resource }
    }
}

/// The `config` block.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Filter {
    function_name: String,
    region: Option<String>,
}

#[async_trait]
impl ListResource for FunctionVersionList {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("The published versions of a function.")
                .attribute(
                    function_name_attribute()
                        .description("Name or ARN of the function whose versions to list."),
                )
                .attribute(data_region_attribute()),
        )
    }

    async fn list(&self, ctx: &Context, req: ListRequest, out: &mut ListSink) -> Result<()> {
        let filter: Filter = req.config()?;
        let region = filter
            .region
            .clone()
            .or_else(|| arn_region(&filter.function_name).map(str::to_string));
        let clients = self.clients.get()?.for_region(region.as_deref());
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let function = filter.function_name.as_str();
        let mut marker: Option<String> = None;
        let mut seen = 0usize;
        loop {
            let call = clients
                .lambda
                .list_versions_by_function()
                .function_name(function)
                .set_marker(marker.clone());
            let page = clients
                .send(&budget, "ListVersionsByFunction", || call.clone().send())
                .await
                .map_err(|e| e.to_diagnostic(&format!("versions of {function:?}"), "listing"))?;
            for v in page.versions() {
                let (Some(version), Some(arn)) = (v.version(), v.function_arn()) else {
                    continue;
                };
                if version == "$LATEST" {
                    continue;
                }
                let stub = import_stub(&req.ty, function, version, Some(clients.region.clone()))?;
                seen += 1;
                let go_on = send_object(
                    ctx,
                    self.resource.as_ref(),
                    &req,
                    out,
                    Found {
                        display_name: format!("{function}:{version}"),
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
