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
                .aws(&lambda::GetCapacityProviderRequest::CapacityProviderName)
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
        if name == tags::TAGS {
            block = block
                .attribute(computed_copy(attr).description(
                    "Tags of the capacity provider, all that AWS holds (`ListTags`).",
                ));
        } else if !block.attributes.contains_key(name) && name != tags::TAGS_ALL {
            block = block.attribute(computed_copy(attr));
        }
    }
    for (name, nb) in &resource.blocks {
        if name != "timeouts" {
            block = block.attribute(
                Attribute::new(name.clone(), nb.value_type())
                    .computed()
                    .description(read_only(&nb.block.description)),
            );
        }
    }
    Schema::new(block)
}

/// A resource attribute as a computed data source attribute: validators dropped and
/// no AWS request member (nothing is configured or sent), and the description without
/// what changing it does.
fn computed_copy(attr: &Attribute) -> Attribute {
    Attribute::new(attr.name.clone(), attr.value_type())
        .computed()
        .description(read_only(&attr.description))
}

/// A resource attribute's description without its sentences and clauses on what a
/// change does (replacement, update in place, tag calls, `default_tags`), which mean
/// nothing for what a data source reads.
fn read_only(description: &str) -> String {
    const CHANGE_CLAUSES: [&str; 2] = [
        ", updated in place",
        " (later changed with `TagResource`/`UntagResource`)",
    ];
    const CHANGE_SENTENCES: [&str; 3] = ["replaces", "Merged with", "in place"];
    let mut text = description.to_string();
    for clause in CHANGE_CLAUSES {
        text = text.replace(clause, "");
    }
    text.split_inclusive(". ")
        .filter(|sentence| !CHANGE_SENTENCES.iter().any(|w| sentence.contains(w)))
        .collect::<String>()
        .trim_end()
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the data source reads is described as read, not as what changing it in a
    /// resource does, and its read-only attributes name no AWS request member.
    #[test]
    fn read_only_attributes_say_nothing_of_changes() {
        let schema = data_source_schema();
        for (name, attr) in &schema.block.attributes {
            for word in ["replaces", "in place", "default_tags", "TagResource"] {
                assert!(
                    !attr.description.contains(word),
                    "{name}: {:?} has {word:?}",
                    attr.description
                );
            }
            if !attr.is_configurable() {
                assert!(
                    attr.sent_as.is_none(),
                    "{name} is sent as {:?}",
                    attr.sent_as
                );
            }
        }
        assert_eq!(
            read_only("Permissions. Changing them replaces the capacity provider."),
            "Permissions."
        );
        assert_eq!(read_only("Scaling, updated in place."), "Scaling.");
    }
}
