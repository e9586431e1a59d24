//! Data source `lambda_capacity_provider`: an existing capacity provider, by name or ARN,
//! with everything AWS has (the same flattening as the resource's state).

use async_trait::async_trait;
use tfplug::data_source::{DataReadRequest, DataSource};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::provider::Context;
use tfplug::resource::{NewState, Result, ValueType};
use tfplug::schema::{Attribute, Block, Schema};
use tfplug::validate::matches;
use tfplug::value::{AttributePath, Maybe, Value};

use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda;
use crate::aws::{Budget, SharedClients, tagging};
use crate::resources::capacity_provider::schema::names::{ARN, NAME};
use crate::resources::capacity_provider::{TYPE_NAME, api, expand_flatten::flatten, schema};
use crate::resources::common::import_id::{arn_region, name_in_id};
use crate::resources::common::{READ_TIMEOUT, REGION, data_region_attribute, label, text};
use crate::tags;

/// The `lambda_capacity_provider` data source.
#[derive(Clone, Debug)]
pub struct CapacityProviderDataSource {
    clients: SharedClients,
    /// The resource's type: AWS's answer is flattened as the resource's state, then the
    /// data source's attributes are taken from it.
    resource_type: ValueType,
}

impl CapacityProviderDataSource {
    /// The data source, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self {
            clients,
            resource_type: ValueType::of(&schema::resource_schema()),
        }
    }
}

/// The data source schema: every attribute of the resource, computed, found by `name`
/// or `arn`.
fn data_source_schema() -> Schema {
    let resource = schema::resource_schema().block;
    let mut block = Block::new()
        .description("Reads an existing Lambda capacity provider by `name` or `arn`.")
        .exactly_one_of([NAME, ARN])
        .attribute(
            Attribute::string(NAME)
                .optional_computed()
                .aws(&lambda::CreateCapacityProviderRequest::CapacityProviderName)
                .description("Name of the capacity provider. Set `name` or `arn`."),
        )
        .attribute(
            Attribute::string(ARN)
                .optional_computed()
                .aws(&lambda::GetCapacityProviderRequest::CapacityProviderName)
                // AWS takes a name here too; as `arn`, only an ARN means what it says.
                .validator(matches(
                    "arn:.+:capacity-provider:.+",
                    "a capacity provider ARN",
                ))
                .description("ARN of the capacity provider. Set `name` or `arn`."),
        )
        .attribute(data_region_attribute());
    for (name, attr) in &resource.attributes {
        if !block.attributes.contains_key(name) && name != tags::TAGS_ALL {
            block = block.attribute(computed_copy(attr));
        }
    }
    for (name, nb) in &resource.blocks {
        if name != "timeouts" {
            block = block.attribute(
                Attribute::new(name.clone(), nb.value_type())
                    .computed()
                    .description(nb.block.description.clone()),
            );
        }
    }
    Schema::new(block)
}

/// A resource attribute as a computed data source attribute (validators dropped: nothing
/// is configured).
fn computed_copy(attr: &Attribute) -> Attribute {
    let mut copy = Attribute::new(attr.name.clone(), attr.value_type())
        .computed()
        .description(attr.description.clone());
    copy.sent_as = attr.sent_as.clone();
    copy
}

#[async_trait]
impl DataSource for CapacityProviderDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        data_source_schema()
    }

    /// `name`/`arn` exclusivity is in the schema; an ARN of another region than `region`
    /// would silently read another object.
    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let (Some(arn), Some(region)) = (text(config, ARN), text(config, REGION))
            && let Some(in_arn) = arn_region(arn)
            && in_arn != region
        {
            diags.error_at(
                AttributePath::attr(REGION),
                "region contradicts arn",
                format!(
                    "The ARN {arn:?} is in {in_arn}, but region is {region:?}. Remove region \
                     (the ARN's region is used) or use the ARN of that region."
                ),
            );
        }
        diags
    }

    async fn read(&self, ctx: &Context, req: DataReadRequest) -> Result<NewState> {
        let config = &req.config;
        let region = text(config, REGION).or_else(|| text(config, ARN).and_then(arn_region));
        let clients = self.clients.get()?.for_region(region);
        let id = text(config, ARN)
            .or_else(|| text(config, NAME))
            .ok_or_else(|| Diagnostic::error("Missing name or arn", "Set name or arn."))?;
        let name = name_in_id(id, "capacity-provider")
            .unwrap_or(id)
            .to_string();
        let label = label(&format!("data.{TYPE_NAME}"), &name);
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let found = api::get(&clients, &budget, &name)
            .await
            .map_err(|e| e.to_diagnostic(&label, "reading"))?
            .ok_or_else(|| {
                Diagnostic::error(
                    format!("{label} not found"),
                    format!(
                        "No capacity provider named {name:?} exists in {}.",
                        clients.region
                    ),
                )
            })?;
        let tags = tagging::list_tags(&clients, &budget, found.capacity_provider_arn())
            .await
            .map_err(|e| e.to_diagnostic(&label, "reading the tags of"))?;
        let mut model = flatten(&found);
        model.region = Maybe::Known(clients.region.clone());
        model.tags = Maybe::Known(tags);
        let full = self.resource_type.encode(&model)?;
        let tfplug::value::Type::Object(fields) = req.ty.get() else {
            return Err(Diagnostic::error("Internal error", "schema is not an object").into());
        };
        let state = Value::Object(
            fields
                .keys()
                .map(|k| {
                    let v = full.get_attr(k).cloned().unwrap_or(Value::Null);
                    (k.clone(), v)
                })
                .collect(),
        );
        Ok(NewState::new(state))
    }
}
