//! Data source `lambda_capacity_provider`: an existing capacity provider, by name or ARN.

use std::time::Duration;

use async_trait::async_trait;
use tfplug::data_source::{DataReadRequest, DataSource};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::provider::Context;
use tfplug::resource::{NewState, Result as TfResult};
use tfplug::schema::Schema;
use tfplug::value::{AttributePath, Value};

use crate::aws::{Budget, SharedClients, tagging};
use crate::resources::capacity_provider::{TYPE_NAME, api, expand_flatten::flatten, schema};
use crate::tags;

/// The `lambda_capacity_provider` data source.
#[derive(Clone, Debug)]
pub struct CapacityProviderDataSource {
    clients: SharedClients,
}

impl CapacityProviderDataSource {
    /// The data source, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self { clients }
    }
}

fn known_str<'a>(config: &'a Value, name: &str) -> Option<&'a str> {
    config.get_attr(name).and_then(Value::as_str)
}

#[async_trait]
impl DataSource for CapacityProviderDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::data_source_schema()
    }

    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let set = |n: &str| config.get_attr(n).is_some_and(|v| !v.is_null());
        if !set("name") && !set("arn") {
            diags.error_at(
                AttributePath::attr("name"),
                "Missing name or arn",
                "Set name or arn to choose the capacity provider.",
            );
        }
        if let (Some(name), Some(arn)) = (known_str(config, "name"), known_str(config, "arn"))
            && api::name_from_id(arn) != name
        {
            diags.error_at(
                AttributePath::attr("arn"),
                "name and arn disagree",
                format!("The ARN {arn:?} is not that of capacity provider {name:?}."),
            );
        }
        diags
    }

    async fn read(&self, ctx: &Context, req: DataReadRequest) -> TfResult<NewState> {
        let (state, diags) = self.read_value(ctx, &req.config).await;
        if diags.has_errors() {
            return Err(diags.into());
        }
        Ok(NewState {
            state,
            private: None,
            warnings: diags,
        })
    }
}

impl CapacityProviderDataSource {
    async fn read_value(&self, ctx: &Context, config: &Value) -> (Value, Diagnostics) {
        let clients = match self.clients.get() {
            Ok(c) => c.for_region(
                known_str(config, "region")
                    .or_else(|| known_str(config, "arn").and_then(api::region_from_id)),
            ),
            Err(d) => return (Value::Null, d.into()),
        };
        let Some(id) = known_str(config, "arn").or_else(|| known_str(config, "name")) else {
            return (
                Value::Null,
                Diagnostic::error("Missing name or arn", "Set name or arn.").into(),
            );
        };
        let name = api::name_from_id(id).to_string();
        let label = format!("data.{TYPE_NAME} {name:?}");
        let budget = Budget::new(Duration::from_secs(300), ctx.stop.clone());
        let found = match api::get(&clients, &budget, &name).await {
            Ok(Some(f)) => f,
            Ok(None) => {
                return (
                    Value::Null,
                    Diagnostic::error(
                        format!("{label} not found"),
                        format!(
                            "No capacity provider named {name:?} exists in {}.",
                            clients.region
                        ),
                    )
                    .into(),
                );
            }
            Err(e) => return (Value::Null, e.to_diagnostic(&label, "reading").into()),
        };
        let remote =
            match tagging::list_tags(&clients, &budget, found.capacity_provider_arn()).await {
                Ok(t) => t,
                Err(e) => {
                    return (
                        Value::Null,
                        e.to_diagnostic(&label, "reading the tags of").into(),
                    );
                }
            };
        let full = match flatten(&found).to_value() {
            Ok(v) => v,
            Err(d) => return (Value::Null, d),
        };
        let Value::Object(attrs) = full else {
            return (
                Value::Null,
                Diagnostic::error("Internal error", "state is not an object").into(),
            );
        };
        let ty = schema::data_source_schema().value_type();
        let mut out = std::collections::BTreeMap::new();
        if let tfplug::value::Type::Object(fields) = &ty {
            for name in fields.keys() {
                let v = match name.as_str() {
                    "tags" => tags::to_map_value(&remote),
                    "region" => Value::string(clients.region.clone()),
                    other => attrs.get(other).cloned().unwrap_or(Value::Null),
                };
                out.insert(name.clone(), v);
            }
        }
        (Value::Object(out), Diagnostics::new())
    }
}
