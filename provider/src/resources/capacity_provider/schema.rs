//! The `lambda_capacity_provider` schema: one place per attribute.
//!
//! Names and block structure follow the HashiCorp AWS provider's
//! `aws_lambda_capacity_provider`, so a configuration moves by renaming the resource type.
//! Nested configuration is real nested blocks, so modules can build every level with
//! `dynamic` blocks. Each attribute names the AWS member it is sent as: its constraints,
//! their text in the description and the docs come from AWS's model ([`AwsAttribute`]);
//! rules across fields are data here, and the rules the model cannot say are in
//! [`super::rules`].

use std::sync::OnceLock;
use std::time::Duration;

use tfplug::schema::{Attribute, Block, NestedBlock, Schema};
use tfplug::validate::{NoNullElements, UniqueElements};
use tfplug::value::Type;

use crate::aws::TimeoutDefaults;
use crate::aws::attribute::{AwsAttribute, block_items};
use crate::aws::model::lambda::{
    CapacityProviderLoggingConfig as Logging, CapacityProviderPermissionsConfig as Permissions,
    CapacityProviderScalingConfig as Scaling, CapacityProviderVpcConfig as Vpc,
    CreateCapacityProviderRequest as Create, InstanceRequirements as Requirements,
    PropagateTags as Propagate, TagResourceRequest, TargetTrackingScalingPolicy as Policy,
};
use crate::resources::common::function_name::PlainNameToCreate;
use crate::resources::common::region_attribute;
use crate::tags;

/// Attribute and block names used outside this file.
pub mod names {
    /// `name`.
    pub const NAME: &str = "name";
    /// `arn`.
    pub const ARN: &str = "arn";
    /// `state`.
    pub const STATE: &str = "state";
    /// `last_modified`.
    pub const LAST_MODIFIED: &str = "last_modified";
    /// `vpc_config`.
    pub const VPC_CONFIG: &str = "vpc_config";
    /// `vpc_config.subnet_ids`.
    pub const SUBNET_IDS: &str = "subnet_ids";
    /// `vpc_config.security_group_ids`.
    pub const SECURITY_GROUP_IDS: &str = "security_group_ids";
    /// `instance_requirements`.
    pub const INSTANCE_REQUIREMENTS: &str = "instance_requirements";
    /// `instance_requirements.architectures`.
    pub const ARCHITECTURES: &str = "architectures";
    /// `instance_requirements.allowed_instance_types`.
    pub const ALLOWED_INSTANCE_TYPES: &str = "allowed_instance_types";
    /// `instance_requirements.excluded_instance_types`.
    pub const EXCLUDED_INSTANCE_TYPES: &str = "excluded_instance_types";
    /// `capacity_provider_scaling_config`.
    pub const SCALING_CONFIG: &str = "capacity_provider_scaling_config";
    /// `capacity_provider_scaling_config.max_vcpu_count`.
    pub const MAX_VCPU_COUNT: &str = "max_vcpu_count";
    /// `capacity_provider_scaling_config.scaling_mode`.
    pub const SCALING_MODE: &str = "scaling_mode";
    /// `capacity_provider_scaling_config.scaling_policies`.
    pub const SCALING_POLICIES: &str = "scaling_policies";
    /// `capacity_provider_scaling_config.scaling_policies.target_value`.
    pub const TARGET_VALUE: &str = "target_value";
    /// `propagate_tags`.
    pub const PROPAGATE_TAGS: &str = "propagate_tags";
    /// `propagate_tags.mode`.
    pub const MODE: &str = "mode";
    /// `propagate_tags.explicit_tags`.
    pub const EXPLICIT_TAGS: &str = "explicit_tags";
    /// `telemetry_config`.
    pub const TELEMETRY_CONFIG: &str = "telemetry_config";
}

use names::*;

/// Default timeouts (the AWS provider's: 10m create and update, 30m delete).
pub const TIMEOUTS: TimeoutDefaults = TimeoutDefaults {
    create: Duration::from_secs(600),
    update: Duration::from_secs(600),
    delete: Duration::from_secs(1800),
};

/// The ARN AWS builds from a capacity provider's name, as tag calls receive it (the
/// region and account do not change what the name may be).
fn arn_of_name(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:capacity-provider:{name}")
}

/// A list of strings AWS keeps as a set (the instance requirements).
fn string_list(name: &str) -> Attribute {
    Attribute::new(name, Type::list(Type::String)).unordered()
}

/// The `name` argument.
pub fn name_attribute() -> Attribute {
    Attribute::string(NAME)
        .required()
        .requires_replace()
        .aws(&Create::CapacityProviderName)
        .validator(PlainNameToCreate {
            object: "capacity provider",
        })
        .flows_into(&TagResourceRequest::Resource, arn_of_name)
        .description("Name of the capacity provider. Changing it replaces the capacity provider.")
}

fn vpc_config() -> NestedBlock {
    NestedBlock::list_max_one(
        VPC_CONFIG,
        Block::new()
            .description("The VPC the instances run in. Changing it replaces the capacity provider.")
            .attribute(
                Attribute::new(SUBNET_IDS, Type::set(Type::String))
                    .required()
                    .aws(&Vpc::SubnetIds)
                    .description("Subnets the instances run in, in one VPC; use subnets in at least three Availability Zones."),
            )
            .attribute(
                Attribute::new(SECURITY_GROUP_IDS, Type::set(Type::String))
                    .required()
                    .aws(&Vpc::SecurityGroupIds)
                    .description("Security groups of the instances, in the subnets' VPC."),
            ),
    )
    .min_items(1)
    .requires_replace()
}

fn permissions_config() -> NestedBlock {
    NestedBlock::list_max_one(
        "permissions_config",
        Block::new()
            .description("Permissions. Changing them replaces the capacity provider.")
            .attribute(
                Attribute::string("capacity_provider_operator_role_arn")
                    .required()
                    .aws(&Permissions::CapacityProviderOperatorRoleArn)
                    .description("ARN of the IAM role Lambda assumes to manage the instances."),
            ),
    )
    .min_items(1)
    .requires_replace()
}

fn instance_requirements() -> NestedBlock {
    NestedBlock::list_max_one(
        INSTANCE_REQUIREMENTS,
        Block::new()
            .description("Which EC2 instances Lambda may launch. Changing them replaces the capacity provider.")
            .attribute(
                string_list(ARCHITECTURES)
                    .required()
                    .aws(&Requirements::Architectures)
                    .description("The instances' architecture."),
            )
            .attribute(
                string_list(ALLOWED_INSTANCE_TYPES)
                    .optional()
                    .aws(&Requirements::AllowedInstanceTypes)
                    .validator(UniqueElements)
                    .description("Instance types Lambda may use (`*` wildcards allowed); all compatible types when unset."),
            )
            .attribute(
                string_list(EXCLUDED_INSTANCE_TYPES)
                    .optional()
                    .aws(&Requirements::ExcludedInstanceTypes)
                    .validator(UniqueElements)
                    .conflicts_with([ALLOWED_INSTANCE_TYPES])
                    .description("Instance types Lambda may not use."),
            ),
    )
    .requires_replace()
}

fn scaling_config() -> NestedBlock {
    let policy = Block::new()
        .description("A target-tracking scaling policy.")
        .attribute(
            Attribute::string("predefined_metric_type")
                .required()
                .aws(&Policy::PredefinedMetricType)
                .description("The metric to track."),
        )
        .attribute(
            Attribute::number(TARGET_VALUE)
                .required()
                .aws(&Policy::TargetValue)
                .description("The value of the metric to keep."),
        );
    NestedBlock::list_max_one(
        SCALING_CONFIG,
        Block::new()
            .description("Scaling, updated in place.")
            .attribute(
                Attribute::number(MAX_VCPU_COUNT)
                    .optional_computed()
                    .aws(&Scaling::MaxVCpuCount)
                    .description(
                        "Most vCPUs the instances may have in all; AWS's default when unset.",
                    ),
            )
            .attribute(
                Attribute::string(SCALING_MODE)
                    .required()
                    .aws(&Scaling::ScalingMode)
                    .description("`Auto`: Lambda scales; `Manual`: the `scaling_policies` do."),
            )
            .block(block_items(
                NestedBlock::new(SCALING_POLICIES, tfplug::schema::BlockNesting::List, policy),
                &Scaling::ScalingPolicies,
            )),
    )
}

fn propagate_tags() -> NestedBlock {
    NestedBlock::list_max_one(
        PROPAGATE_TAGS,
        Block::new()
            .description("Which tags Lambda copies to the instances it launches, updated in place.")
            .attribute(
                Attribute::string(MODE)
                    .optional_computed()
                    .aws(&Propagate::Mode)
                    .description("`None`, or `Explicit` to copy `explicit_tags`."),
            )
            .attribute(
                Attribute::new(EXPLICIT_TAGS, Type::map(Type::String))
                    .optional()
                    .aws(&Propagate::ExplicitTags)
                    .validator(NoNullElements)
                    .description("Tags copied to the instances with `mode = \"Explicit\"`."),
            ),
    )
}

fn telemetry_config() -> NestedBlock {
    NestedBlock::list_max_one(
        TELEMETRY_CONFIG,
        Block::new()
            .description("Telemetry, updated in place.")
            .block(NestedBlock::list_max_one(
                "logging_config",
                Block::new()
                    .description("Logs of the capacity provider.")
                    .attribute(
                        Attribute::string("system_log_level")
                            .optional_computed()
                            .aws(&Logging::SystemLogLevel)
                            .description("Most detailed level of system logs sent."),
                    )
                    .attribute(
                        Attribute::string("log_group")
                            .optional_computed()
                            .aws(&Logging::LogGroup)
                            .description(
                                "CloudWatch log group the logs go to; AWS's default when unset.",
                            ),
                    ),
            )),
    )
}

/// The resource schema, built once per process (the resource, the data source and the
/// docs all start from it; its validators are shared).
pub fn resource_schema() -> Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(build_resource_schema).clone()
}

fn build_resource_schema() -> Schema {
    Schema::new(
        Block::new()
            .description(
                "A Lambda capacity provider (Lambda Managed Instances): EC2 capacity in your VPC \
                 that Lambda manages and runs functions on. Only the scaling, propagate-tags, \
                 logging and tags settings change in place; everything else replaces it.",
            )
            .attribute(name_attribute())
            .attribute(region_attribute("capacity provider"))
            .attribute(
                Attribute::string(ARN)
                    .computed()
                    .use_state_for_unknown()
                    .description("ARN of the capacity provider."),
            )
            .attribute(
                Attribute::string(STATE)
                    .computed()
                    .description("State of the capacity provider: `Pending`, `Active`, `Failed` or `Deleting`."),
            )
            .attribute(
                Attribute::string(LAST_MODIFIED)
                    .computed()
                    .description("When the capacity provider was last modified."),
            )
            .attribute(
                Attribute::string("kms_key_arn")
                    .optional_computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .aws(&Create::KmsKeyArn)
                    .description("KMS key that encrypts the instances' EBS volumes. Changing it replaces the capacity provider."),
            )
            .attribute(tags::tags_attribute().aws(&Create::Tags))
            .attribute(tags::tags_all_attribute())
            .block(vpc_config())
            .block(permissions_config())
            .block(instance_requirements())
            .block(scaling_config())
            .block(propagate_tags())
            .block(telemetry_config())
            .block(TIMEOUTS.block()),
    )
}
