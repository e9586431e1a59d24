//! `list "lambda_capacity_provider"`: the region's capacity providers
//! (ListCapacityProviders).

use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use tfplug::list::{ListRequest, ListResource, ListSink};
use tfplug::provider::Context;
use tfplug::resource::Result;
use tfplug::schema::{Block, Schema};

use super::{Found, MAX_RESULTS, send_object};
use crate::aws::{Budget, SharedClients};
use crate::resources::capacity_provider::schema::names::ARN;
use crate::resources::capacity_provider::{CapacityProviderResource, TYPE_NAME, import_stub};
use crate::resources::common::import_id::{ImportId, name_in_id};
use crate::resources::common::{READ_TIMEOUT, data_region_attribute};

/// The list resource.
#[derive(Clone, Debug)]
pub struct CapacityProviderList {
    clients: SharedClients,
    resource: Arc<CapacityProviderResource>,
}

impl CapacityProviderList {
    /// Lists with the provider's clients, reading objects with `resource`.
    pub fn new(clients: SharedClients, resource: Arc<CapacityProviderResource>) -> Self {
        Self { clients, resource }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Config {
    region: Option<String>,
}

#[async_trait]
impl ListResource for CapacityProviderList {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("Every capacity provider of a region.")
                .attribute(data_region_attribute()),
        )
    }

    async fn list(&self, ctx: &Context, req: ListRequest, out: &mut ListSink) -> Result<()> {
        let config: Config = req.config()?;
        let clients = self.clients.get()?.for_region(config.region.as_deref());
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let mut marker: Option<String> = None;
        let mut seen = 0usize;
        loop {
            let call = clients
                .lambda
                .list_capacity_providers()
                .set_marker(marker.clone());
            let page = clients
                .send(&budget, "ListCapacityProviders", || call.clone().send())
                .await
                .map_err(|e| e.to_diagnostic("capacity providers", "listing"))?;
            for cp in page.capacity_providers() {
                let arn = cp.capacity_provider_arn();
                let name = name_in_id(arn, "capacity-provider")
                    .unwrap_or(arn)
                    .to_string();
                let stub = import_stub(
                    &req.ty,
                    ImportId {
                        name: name.clone(),
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
                        display_name: name,
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
