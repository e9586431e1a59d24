//! The `lambda_capacity_provider` schema.
//!
//! Names and nesting follow the HashiCorp AWS provider's `aws_lambda_capacity_provider`,
//! so a configuration moves by renaming the resource type: `vpc_config` and
//! `permissions_config` are blocks; `instance_requirements` and
//! `capacity_provider_scaling_config` (and our `propagate_tags` and `telemetry_config`)
//! are optional+computed attributes of type list(object), which Terraform also accepts in
//! block syntax. Constraints come from the Lambda service model (see [`super::validate`]).

use std::time::Duration;

use tfplug::schema::{Attribute, Block, NestedBlock, Schema};
use tfplug::validate::{length_between, matches, size_between};
use tfplug::value::Type;

use crate::aws::TimeoutDefaults;
use crate::tags;

/// `CapacityProviderName` for create: 1–140 characters.
pub const NAME_PATTERN: &str = "[a-zA-Z0-9-_]+";
/// `CapacityProviderArn`.
pub const ARN_PATTERN: &str = "arn:aws[a-zA-Z-]*:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:capacity-provider:[a-zA-Z0-9-_]+";
/// `SubnetId`.
pub const SUBNET_PATTERN: &str = "subnet-[0-9a-z]*";
/// `SecurityGroupId`.
pub const SECURITY_GROUP_PATTERN: &str = "sg-[0-9a-zA-Z]*";
/// `RoleArn`.
pub const ROLE_ARN_PATTERN: &str =
    "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
/// `KMSKeyArnNonEmpty`.
pub const KMS_KEY_ARN_PATTERN: &str = "arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*";
/// `InstanceType`: 1–30 characters.
pub const INSTANCE_TYPE_PATTERN: &str = "[a-zA-Z0-9\\.\\*\\-]+";
/// `LogGroup`: 1–512 characters.
pub const LOG_GROUP_PATTERN: &str = "[\\.\\-_/#A-Za-z0-9]+";
/// `Architecture`.
pub const ARCHITECTURES: &[&str] = &["x86_64", "arm64"];
/// `CapacityProviderScalingMode`.
pub const SCALING_MODES: &[&str] = &["Auto", "Manual"];
/// `CapacityProviderPredefinedMetricType`.
pub const METRIC_TYPES: &[&str] = &[
    "LambdaCapacityProviderAverageCPUUtilization",
    "LambdaCapacityProviderAverageGPUUtilization",
];
/// `PropagateTagsMode`.
pub const PROPAGATE_TAGS_MODES: &[&str] = &["None", "Explicit"];
/// `SystemLogLevel`.
pub const SYSTEM_LOG_LEVELS: &[&str] = &["DEBUG", "INFO", "WARN"];

/// An AWS region name.
pub const REGION_PATTERN: &str = "[a-z]{2}(-[a-z]+)+-\\d{1,2}";

/// The `region` argument (as in the AWS provider v6): where the resource is managed.
pub fn region_attribute() -> Attribute {
    Attribute::string("region")
        .optional_computed()
        .use_state_for_unknown()
        .requires_replace()
        .validator(matches(REGION_PATTERN, "an AWS region name"))
        .description("Region where the capacity provider is managed. Defaults to the provider's region. Changing it replaces the capacity provider.")
}

/// Default timeouts (the AWS provider's: 10m create and update, 30m delete).
pub const TIMEOUTS: TimeoutDefaults = TimeoutDefaults {
    create: Duration::from_secs(600),
    update: Duration::from_secs(600),
    delete: Duration::from_secs(1800),
};

/// The object type of one `instance_requirements` element.
pub fn instance_requirements_type() -> Type {
    Type::object([
        ("architectures", Type::list(Type::String)),
        ("allowed_instance_types", Type::list(Type::String)),
        ("excluded_instance_types", Type::list(Type::String)),
    ])
}

/// The object type of one `scaling_policies` element.
pub fn scaling_policy_type() -> Type {
    Type::object([
        ("predefined_metric_type", Type::String),
        ("target_value", Type::Number),
    ])
}

/// The object type of one `capacity_provider_scaling_config` element.
pub fn scaling_config_type() -> Type {
    Type::object([
        ("max_vcpu_count", Type::Number),
        ("scaling_mode", Type::String),
        ("scaling_policies", Type::list(scaling_policy_type())),
    ])
}

/// The object type of one `propagate_tags` element.
pub fn propagate_tags_type() -> Type {
    Type::object([
        ("mode", Type::String),
        ("explicit_tags", Type::map(Type::String)),
    ])
}

/// The object type of one `logging_config` element.
pub fn logging_config_type() -> Type {
    Type::object([
        ("system_log_level", Type::String),
        ("log_group", Type::String),
    ])
}

/// The object type of one `telemetry_config` element.
pub fn telemetry_config_type() -> Type {
    Type::object([("logging_config", Type::list(logging_config_type()))])
}

/// The resource schema.
pub fn resource_schema() -> Schema {
    Schema::new(
        Block::new()
            .description(
                "A Lambda capacity provider (Lambda Managed Instances): EC2 capacity in your VPC \
                 that Lambda manages and runs functions on. Only the scaling, propagate-tags, \
                 logging and tags settings change in place; everything else replaces it.",
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(length_between(1, 140))
                    .validator(matches(NAME_PATTERN, "a capacity provider name (letters, digits, - and _)"))
                    .description("Name of the capacity provider (API: `CapacityProviderName`), 1–140 letters, digits, `-` and `_`. Changing it replaces the capacity provider."),
            )
            .attribute(region_attribute())
            .attribute(
                Attribute::string("arn")
                    .computed()
                    .use_state_for_unknown()
                    .description("ARN of the capacity provider (API: `CapacityProviderArn`)."),
            )
            .attribute(
                Attribute::string("state")
                    .computed()
                    .description("State of the capacity provider (API: `State`): `Pending`, `Active`, `Failed` or `Deleting`."),
            )
            .attribute(
                Attribute::string("last_modified")
                    .computed()
                    .description("When the capacity provider was last modified (API: `LastModified`)."),
            )
            .attribute(
                Attribute::string("kms_key_arn")
                    .optional_computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .validator(length_between(0, 10000))
                    .validator(matches(KMS_KEY_ARN_PATTERN, "a KMS key ARN"))
                    .description("ARN of the KMS key that encrypts the instances' EBS volumes (API: `KmsKeyArn`). Changing it replaces the capacity provider."),
            )
            .attribute(
                Attribute::new("instance_requirements", Type::list(instance_requirements_type()))
                    .optional_computed()
                    .use_state_for_unknown()
                    .requires_replace()
                    .description("At most one. Which EC2 instances Lambda may launch (API: `InstanceRequirements`): `architectures` (exactly one of `x86_64`, `arm64`; API `Architectures`), and either `allowed_instance_types` (API `AllowedInstanceTypes`) or `excluded_instance_types` (API `ExcludedInstanceTypes`), up to 400 each. Changing it replaces the capacity provider."),
            )
            .attribute(
                Attribute::new("capacity_provider_scaling_config", Type::list(scaling_config_type()))
                    .optional_computed()
                    .use_state_for_unknown()
                    .description("At most one. Scaling (API: `CapacityProviderScalingConfig`), updated in place: `max_vcpu_count` 2–15000 (API `MaxVCpuCount`), `scaling_mode` `Auto` or `Manual` (API `ScalingMode`), and with `Manual` 1–10 `scaling_policies` { `predefined_metric_type`, `target_value` 0–100 } (API `ScalingPolicies`)."),
            )
            .attribute(
                Attribute::new("propagate_tags", Type::list(propagate_tags_type()))
                    .optional_computed()
                    .use_state_for_unknown()
                    .description("At most one. Which tags Lambda copies to the instances it launches (API: `PropagateTags`), updated in place: `mode` `None` or `Explicit` (API `Mode`), `explicit_tags` up to 40 tags with `Explicit` (API `ExplicitTags`)."),
            )
            .attribute(
                Attribute::new("telemetry_config", Type::list(telemetry_config_type()))
                    .optional_computed()
                    .use_state_for_unknown()
                    .description("At most one. Telemetry (API: `TelemetryConfig`), updated in place: `logging_config` { `system_log_level` `DEBUG`, `INFO` or `WARN` (API `SystemLogLevel`), `log_group` (API `LogGroup`) }."),
            )
            .attribute(tags::tags_attribute())
            .attribute(tags::tags_all_attribute())
            .block(
                NestedBlock::list_max_one(
                    "vpc_config",
                    Block::new()
                        .description("The VPC the instances run in (API: `VpcConfig`). Changing it replaces the capacity provider.")
                        .attribute(
                            Attribute::new("subnet_ids", Type::set(Type::String))
                                .required()
                                .validator(size_between(1, 16))
                                .validator(matches(SUBNET_PATTERN, "a subnet ID"))
                                .description("1–16 subnet IDs (API: `SubnetIds`), in one VPC; use subnets in at least three Availability Zones."),
                        )
                        .attribute(
                            Attribute::new("security_group_ids", Type::set(Type::String))
                                .required()
                                .validator(size_between(0, 5))
                                .validator(matches(SECURITY_GROUP_PATTERN, "a security group ID"))
                                .description("Up to 5 security group IDs (API: `SecurityGroupIds`), in the subnets' VPC."),
                        ),
                )
                .min_items(1)
                .requires_replace(),
            )
            .block(
                NestedBlock::list_max_one(
                    "permissions_config",
                    Block::new()
                        .description("Permissions (API: `PermissionsConfig`). Changing it replaces the capacity provider.")
                        .attribute(
                            Attribute::string("capacity_provider_operator_role_arn")
                                .required()
                                .validator(matches(ROLE_ARN_PATTERN, "an IAM role ARN"))
                                .description("ARN of the IAM role Lambda assumes to manage the instances (API: `CapacityProviderOperatorRoleArn`)."),
                        ),
                )
                .min_items(1)
                .requires_replace(),
            )
            .block(TIMEOUTS.block()),
    )
}

/// The data source schema: the same attributes, all computed, found by `name` or `arn`.
pub fn data_source_schema() -> Schema {
    let computed = |name: &str, ty: Type, desc: &str| {
        Attribute::new(name, ty)
            .computed()
            .description(desc.to_string())
    };
    Schema::new(
        Block::new()
            .description("Reads an existing Lambda capacity provider by `name` or `arn`.")
            .attribute(
                Attribute::string("name")
                    .optional_computed()
                    .validator(length_between(1, 140))
                    .validator(matches(NAME_PATTERN, "a capacity provider name"))
                    .description("Name of the capacity provider. Set `name` or `arn`."),
            )
            .attribute(
                Attribute::string("arn")
                    .optional_computed()
                    .validator(matches(ARN_PATTERN, "a capacity provider ARN"))
                    .description("ARN of the capacity provider. Set `name` or `arn`."),
            )
            .attribute(
                Attribute::string("region")
                    .optional_computed()
                    .validator(matches(REGION_PATTERN, "an AWS region name"))
                    .description("Region to read from. Defaults to the provider's region."),
            )
            .attribute(computed("state", Type::String, "State (API: `State`)."))
            .attribute(computed(
                "last_modified",
                Type::String,
                "Last modification time (API: `LastModified`).",
            ))
            .attribute(computed(
                "kms_key_arn",
                Type::String,
                "KMS key ARN (API: `KmsKeyArn`).",
            ))
            .attribute(computed(
                "vpc_config",
                Type::list(Type::object([
                    ("subnet_ids", Type::set(Type::String)),
                    ("security_group_ids", Type::set(Type::String)),
                ])),
                "VPC configuration (API: `VpcConfig`).",
            ))
            .attribute(computed(
                "permissions_config",
                Type::list(Type::object([(
                    "capacity_provider_operator_role_arn",
                    Type::String,
                )])),
                "Permissions (API: `PermissionsConfig`).",
            ))
            .attribute(computed(
                "instance_requirements",
                Type::list(instance_requirements_type()),
                "Instance requirements (API: `InstanceRequirements`).",
            ))
            .attribute(computed(
                "capacity_provider_scaling_config",
                Type::list(scaling_config_type()),
                "Scaling (API: `CapacityProviderScalingConfig`).",
            ))
            .attribute(computed(
                "propagate_tags",
                Type::list(propagate_tags_type()),
                "Tag propagation (API: `PropagateTags`).",
            ))
            .attribute(computed(
                "telemetry_config",
                Type::list(telemetry_config_type()),
                "Telemetry (API: `TelemetryConfig`).",
            ))
            .attribute(computed(
                "tags",
                Type::map(Type::String),
                "Tags (API: `ListTags`).",
            )),
    )
}
