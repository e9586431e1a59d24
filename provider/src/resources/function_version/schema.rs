//! The `lambda_function_version` schema: one place per attribute.
//!
//! A published version is immutable: everything that decides what is published
//! (`function_name`, `description`, `publish_to`, the guards, `triggers`) replaces it; only
//! `function_scaling_config` (named as the AWS provider's
//! `aws_lambda_function_scaling_config`) and the Terraform-only settings change in place.

use std::sync::OnceLock;
use std::time::Duration;

use tfplug::schema::{Attribute, Block, NestedBlock, Schema};
use tfplug::validate::{NoNullElements, not_empty};
use tfplug::value::{Type, Value};

use crate::aws::TimeoutDefaults;
use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda::{
    FunctionScalingConfig as Scaling, PublishVersionRequest as Publish,
    PutFunctionScalingConfigRequest as PutScaling,
};
use crate::resources::common::executions::on_destroy_attribute;
use crate::resources::common::{STATE, region_attribute};

/// Attribute and block names used outside this file.
pub mod names {
    /// `function_name`.
    pub const FUNCTION_NAME: &str = "function_name";
    /// `description`.
    pub const DESCRIPTION: &str = "description";
    /// `publish_to`.
    pub const PUBLISH_TO: &str = "publish_to";
    /// `code_sha256` (guard and result).
    pub const CODE_SHA256: &str = "code_sha256";
    /// `revision_id` (guard and result).
    pub const REVISION_ID: &str = "revision_id";
    /// `triggers`.
    pub const TRIGGERS: &str = "triggers";
    /// `function_scaling_config`.
    pub const SCALING: &str = "function_scaling_config";
    /// `function_scaling_config.min_execution_environments`.
    pub const MIN: &str = "min_execution_environments";
    /// `function_scaling_config.max_execution_environments`.
    pub const MAX: &str = "max_execution_environments";
    /// `skip_destroy`.
    pub const SKIP_DESTROY: &str = "skip_destroy";
    /// `version`.
    pub const VERSION: &str = "version";
    /// `arn` (qualified).
    pub const ARN: &str = "arn";
    /// `function_arn` (unqualified).
    pub const FUNCTION_ARN: &str = "function_arn";
    /// `last_modified`.
    pub const LAST_MODIFIED: &str = "last_modified";
    /// `capacity_provider_arn` (computed).
    pub const CAPACITY_PROVIDER_ARN: &str = "capacity_provider_arn";
    /// `applied_min_execution_environments`.
    pub const APPLIED_MIN: &str = "applied_min_execution_environments";
    /// `applied_max_execution_environments`.
    pub const APPLIED_MAX: &str = "applied_max_execution_environments";
}

use names::*;

/// Default timeouts: on managed instances a version becomes Active when its execution
/// environments run, which takes minutes; delete may wait for running executions.
pub const TIMEOUTS: TimeoutDefaults = TimeoutDefaults {
    create: Duration::from_secs(1800),
    update: Duration::from_secs(900),
    delete: Duration::from_secs(3600),
};

/// The `function_name` argument.
pub fn function_name_attribute() -> Attribute {
    Attribute::string(FUNCTION_NAME)
        .required()
        .requires_replace()
        .aws(&Publish::FunctionName)
        .validator(crate::resources::common::function_name::Unqualified)
        .validator(crate::resources::common::function_name::PlainNameLength)
        .flows_into(&PutScaling::FunctionName, str::to_string)
        .description("Name or ARN of the function to publish. Changing it to another function publishes a new version; naming the same function another way (name, ARN or partial ARN) is recorded in place, with no AWS call.")
}

fn computed(name: &str, what: &str) -> Attribute {
    Attribute::string(name)
        .computed()
        .use_state_for_unknown()
        .description(what)
}

/// The resource schema, built once per process.
pub fn resource_schema() -> Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(build_resource_schema).clone()
}

fn build_resource_schema() -> Schema {
    let scaling = NestedBlock::list_max_one(
        SCALING,
        Block::new()
            .description(
                "How many execution environments the version keeps (Lambda Managed Instances \
                 only), updated in place; the apply waits until AWS has applied it (and, when \
                 the block is removed, AWS's defaults).",
            )
            .attribute(
                Attribute::number(MIN)
                    .optional()
                    .aws(&Scaling::MinExecutionEnvironments)
                    .description("Fewest execution environments."),
            )
            .attribute(
                Attribute::number(MAX)
                    .optional()
                    .aws(&Scaling::MaxExecutionEnvironments)
                    .description("Most execution environments."),
            ),
    );
    Schema::new(
        Block::new()
            .description(
                "A published, immutable version of a Lambda function and, on Lambda Managed \
                 Instances, the execution environments it keeps running. Durable executions \
                 are pinned to the version they started on.",
            )
            .attribute(function_name_attribute())
            .attribute(region_attribute("version").description(
                "Region where the version is managed: the region of a `function_name` ARN, \
                 else the provider's. Changing it replaces the version; so does removing it, \
                 or changing the provider's region while neither is set, when the version is \
                 in another region.",
            ))
            .attribute(
                Attribute::string(DESCRIPTION)
                    .optional_computed()
                    .requires_replace()
                    .aws(&Publish::Description)
                    .description(
                        "Description of the version; when unset, AWS gives the version the \
                         function's description. Changing it publishes a new version.",
                    ),
            )
            .attribute(
                Attribute::string(PUBLISH_TO)
                    .optional()
                    .requires_replace()
                    .aws(&Publish::PublishTo)
                    .description("`LATEST_PUBLISHED`: publish to `$LATEST.PUBLISHED`."),
            )
            .attribute(
                Attribute::string(CODE_SHA256)
                    .optional_computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(not_empty())
                    .aws(&Publish::CodeSha256)
                    .description(
                        "Guard: AWS publishes only if `$LATEST`'s code has this hash. Computed: \
                         the hash of the version's code.",
                    ),
            )
            .attribute(
                Attribute::string(REVISION_ID)
                    .optional_computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(not_empty())
                    .aws(&Publish::RevisionId)
                    .description(
                        "Guard: AWS publishes only if `$LATEST` is at this revision, one \
                         read outside this configuration (a pipeline's variable). Not \
                         `lambda_durable_function.x.revision_id`: publishing changes the \
                         function's revision, so every later plan would replace the version; \
                         to publish when the function changes, use `code_sha256` or \
                         `triggers`. Computed when unset: the version's revision.",
                    ),
            )
            .attribute(
                Attribute::new(TRIGGERS, Type::map(Type::String))
                    .optional()
                    .requires_replace()
                    .validator(NoNullElements)
                    .description(
                        "Any change publishes a new version, e.g. \
                         `{ code = lambda_durable_function.x.code_sha256 }`.",
                    ),
            )
            .attribute(
                Attribute::bool(SKIP_DESTROY)
                    .default_value(Value::Bool(false))
                    .description("Keep the version in AWS when the resource is destroyed; Terraform only forgets it."),
            )
            .attribute(on_destroy_attribute())
            .attribute(computed(VERSION, "The version number."))
            .attribute(computed(ARN, "Qualified ARN of the version."))
            .attribute(computed(FUNCTION_ARN, "Unqualified ARN of the function."))
            .attribute(
                Attribute::string(STATE)
                    .computed()
                    .description("State of the version: `Pending`, `Active`, `Failed`…"),
            )
            .attribute(computed(LAST_MODIFIED, "When the version was published."))
            .attribute(computed(
                CAPACITY_PROVIDER_ARN,
                "The capacity provider the version runs on (managed instances), if any.",
            ))
            .attribute(
                Attribute::number(APPLIED_MIN)
                    .computed()
                    .description("Fewest execution environments AWS has applied."),
            )
            .attribute(
                Attribute::number(APPLIED_MAX)
                    .computed()
                    .description("Most execution environments AWS has applied."),
            )
            .block(scaling)
            .block(TIMEOUTS.block()),
    )
}
