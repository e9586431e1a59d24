//! The `lambda_durable_function` schema: one place per attribute.
//!
//! Names and block structure follow the HashiCorp AWS provider's `aws_lambda_function`,
//! so a durable function's configuration moves over by renaming the resource type; the
//! additions are `durable_config.kms_key_arn`, `running_executions_on_destroy`,
//! `state` and `revision_id`. Each attribute names the AWS member it is sent as, so its
//! constraints and their text come from AWS's model; the rules that depend on other
//! values (limits that change with a capacity provider, package types) are in
//! [`super::rules`].
//!
//! Where the code comes from (`filename`, `s3_bucket`, `s3_key`, `s3_object_version`) is
//! write-only: it says where to fetch the code, not what the code is, and AWS cannot
//! return it, so storing it would make every imported function plan a change. What the
//! code *is* lives in `code_sha256` (AWS's hash) and `source_code_hash` (the user's).

use std::sync::OnceLock;
use std::time::Duration;

use tfplug::schema::{Attribute, Block, BlockNesting, NestedBlock, Schema};
use tfplug::validate::{NoNullElements, UniqueElements, matches, not_empty};
use tfplug::value::{Type, Value};

use super::model::DEFAULT_EPHEMERAL_STORAGE_MB;
use super::rules::MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR;
use crate::aws::TimeoutDefaults;
use crate::aws::attribute::{AwsAttribute, block_items};
use crate::aws::model::lambda::{
    CreateFunctionRequest as Create, DeadLetterConfig as Dlq, DurableConfig as Durable,
    Environment, EphemeralStorage, FileSystemConfig, FunctionCode as Code, ImageConfig,
    LambdaManagedInstancesCapacityProviderConfig as Managed, LoggingConfig, TagResourceRequest,
    TenancyConfig, TracingConfig, VpcConfig,
};
use crate::resources::common::executions::policy::on_destroy_attribute;
use crate::resources::common::{STATE, region_attribute};
use crate::tags;

/// Attribute and block names used outside this file.
pub mod names {
    /// `function_name`.
    pub const FUNCTION_NAME: &str = "function_name";
    /// `role`.
    pub const ROLE: &str = "role";
    /// `runtime`.
    pub const RUNTIME: &str = "runtime";
    /// `handler`.
    pub const HANDLER: &str = "handler";
    /// `package_type`.
    pub const PACKAGE_TYPE: &str = "package_type";
    /// `filename` (write-only).
    pub const FILENAME: &str = "filename";
    /// `source_code_hash`.
    pub const SOURCE_CODE_HASH: &str = "source_code_hash";
    /// `s3_bucket` (write-only).
    pub const S3_BUCKET: &str = "s3_bucket";
    /// `s3_key` (write-only).
    pub const S3_KEY: &str = "s3_key";
    /// `s3_object_version` (write-only).
    pub const S3_OBJECT_VERSION: &str = "s3_object_version";
    /// `image_uri`.
    pub const IMAGE_URI: &str = "image_uri";
    /// `source_kms_key_arn`.
    pub const SOURCE_KMS_KEY_ARN: &str = "source_kms_key_arn";
    /// `image_config`.
    pub const IMAGE_CONFIG: &str = "image_config";
    /// `architectures`.
    pub const ARCHITECTURES: &str = "architectures";
    /// `memory_size`.
    pub const MEMORY_SIZE: &str = "memory_size";
    /// `timeout`.
    pub const TIMEOUT: &str = "timeout";
    /// `description`.
    pub const DESCRIPTION: &str = "description";
    /// `environment`.
    pub const ENVIRONMENT: &str = "environment";
    /// `environment.variables`.
    pub const VARIABLES: &str = "variables";
    /// `layers`.
    pub const LAYERS: &str = "layers";
    /// `vpc_config`.
    pub const VPC_CONFIG: &str = "vpc_config";
    /// `vpc_config.subnet_ids`.
    pub const SUBNET_IDS: &str = "subnet_ids";
    /// `vpc_config.security_group_ids`.
    pub const SECURITY_GROUP_IDS: &str = "security_group_ids";
    /// `vpc_config.vpc_id`.
    pub const VPC_ID: &str = "vpc_id";
    /// `logging_config`.
    pub const LOGGING_CONFIG: &str = "logging_config";
    /// `ephemeral_storage`.
    pub const EPHEMERAL_STORAGE: &str = "ephemeral_storage";
    /// `size` (of `ephemeral_storage`).
    pub const SIZE: &str = "size";
    /// `tracing_config`.
    pub const TRACING_CONFIG: &str = "tracing_config";
    /// `mode` (of `tracing_config`).
    pub const MODE: &str = "mode";
    /// `log_format` (of `logging_config`).
    pub const LOG_FORMAT: &str = "log_format";
    /// `application_log_level` (of `logging_config`).
    pub const APPLICATION_LOG_LEVEL: &str = "application_log_level";
    /// `system_log_level` (of `logging_config`).
    pub const SYSTEM_LOG_LEVEL: &str = "system_log_level";
    /// `log_group` (of `logging_config`).
    pub const LOG_GROUP: &str = "log_group";
    /// `kms_key_arn` (of the function, and of `durable_config`).
    pub const KMS_KEY_ARN: &str = "kms_key_arn";
    /// `dead_letter_config`.
    pub const DEAD_LETTER_CONFIG: &str = "dead_letter_config";
    /// `file_system_config`.
    pub const FILE_SYSTEM_CONFIG: &str = "file_system_config";
    /// `tenancy_config`.
    pub const TENANCY_CONFIG: &str = "tenancy_config";
    /// `publish`.
    pub const PUBLISH: &str = "publish";
    /// `publish_to`.
    pub const PUBLISH_TO: &str = "publish_to";
    /// `durable_config`.
    pub const DURABLE_CONFIG: &str = "durable_config";
    /// `durable_config.execution_timeout`.
    pub const EXECUTION_TIMEOUT: &str = "execution_timeout";
    /// `durable_config.retention_period`.
    pub const RETENTION_PERIOD: &str = "retention_period";
    /// `capacity_provider_config`.
    pub const CAPACITY_PROVIDER_CONFIG: &str = "capacity_provider_config";
    /// `capacity_provider_config.lambda_managed_instances_capacity_provider_config`.
    pub const MANAGED_INSTANCES: &str = "lambda_managed_instances_capacity_provider_config";
    /// `….capacity_provider_arn`.
    pub const CAPACITY_PROVIDER_ARN: &str = "capacity_provider_arn";
    /// `….per_execution_environment_max_concurrency`.
    pub const MAX_CONCURRENCY: &str = "per_execution_environment_max_concurrency";
    /// `….execution_environment_memory_gib_per_vcpu`.
    pub const MEMORY_GIB_PER_VCPU: &str = "execution_environment_memory_gib_per_vcpu";
    /// `arn`.
    pub const ARN: &str = "arn";
    /// `qualified_arn`.
    pub const QUALIFIED_ARN: &str = "qualified_arn";
    /// `invoke_arn`.
    pub const INVOKE_ARN: &str = "invoke_arn";
    /// `qualified_invoke_arn`.
    pub const QUALIFIED_INVOKE_ARN: &str = "qualified_invoke_arn";
    /// `version`.
    pub const VERSION: &str = "version";
    /// `code_sha256`.
    pub const CODE_SHA256: &str = "code_sha256";
    /// `source_code_size`.
    pub const SOURCE_CODE_SIZE: &str = "source_code_size";
    /// `revision_id`.
    pub const REVISION_ID: &str = "revision_id";
    /// `config_sha256`.
    pub const CONFIG_SHA256: &str = "config_sha256";
    /// `last_modified`.
    pub const LAST_MODIFIED: &str = "last_modified";
}

use names::*;

/// Default timeouts: as the AWS provider's `aws_lambda_function` (10m) for create and
/// update; delete 60m, because running durable executions may have to drain first.
pub const TIMEOUTS: TimeoutDefaults = TimeoutDefaults {
    create: Duration::from_secs(600),
    update: Duration::from_secs(600),
    delete: Duration::from_secs(3600),
};

/// `RetentionPeriodInDays` when CreateFunction leaves it out (AWS's documented default;
/// the service model does not state this one).
pub const DEFAULT_RETENTION_DAYS: i64 = 14;

/// `MemorySize` in MB when CreateFunction leaves it out, for a function not on a
/// capacity provider. Stated by the documentation of the model's
/// `CreateFunctionRequest.MemorySize` and `UpdateFunctionConfigurationRequest.MemorySize`
/// ("The default value is 128 MB."), not by a structured constraint the generated model
/// holds, so it is written here and `provider/tests/model_coverage.rs` fails when the
/// model stops saying it. The model states no default for a function on a capacity
/// provider: there the plan keeps the current value (see [`super::plan::plan_memory_default`]).
pub const DEFAULT_MEMORY_SIZE: i64 = 128;

/// `Timeout` in seconds when CreateFunction leaves it out: the documentation of the
/// model's `CreateFunctionRequest.Timeout` and `UpdateFunctionConfigurationRequest.Timeout`
/// ("The default is 3 seconds"), checked like [`DEFAULT_MEMORY_SIZE`].
pub const DEFAULT_TIMEOUT: i64 = 3;

/// The ARN AWS builds from a function's name, as tag calls receive it.
fn arn_of_name(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

fn string_list(name: &str) -> Attribute {
    Attribute::new(name, Type::list(Type::String))
}

fn string_set(name: &str) -> Attribute {
    Attribute::new(name, Type::set(Type::String))
}

/// The `function_name` argument.
pub fn function_name_attribute() -> Attribute {
    Attribute::string(FUNCTION_NAME)
        .required()
        .requires_replace()
        .aws(&Create::FunctionName)
        .validator(crate::resources::common::function_name::PlainNameToCreate {
            object: "function",
        })
        .validator(crate::resources::common::function_name::PlainNameLength)
        .flows_into(&TagResourceRequest::Resource, arn_of_name)
        .description("Name of the function. Changing it replaces the function.")
}

fn code_attributes(block: Block) -> Block {
    block
        .attribute(
            Attribute::string(FILENAME)
                .optional()
                .write_only()
                .description(
                    "Path of a local `.zip` deployment package. Write-only: it is read at \
                     plan (to notice new code) and apply, and never stored. Exactly one of \
                     `filename`, `s3_bucket` and `image_uri`.",
                ),
        )
        .attribute(
            Attribute::string(S3_BUCKET)
                .optional()
                .write_only()
                .aws(&Code::S3Bucket)
                .required_with([S3_KEY])
                .description("S3 bucket of the deployment package (write-only)."),
        )
        .attribute(
            Attribute::string(S3_KEY)
                .optional()
                .write_only()
                .aws(&Code::S3Key)
                .required_with([S3_BUCKET])
                .description("S3 key of the deployment package (write-only)."),
        )
        .attribute(
            Attribute::string(S3_OBJECT_VERSION)
                .optional()
                .write_only()
                .aws(&Code::S3ObjectVersion)
                .required_with([S3_BUCKET])
                .description("S3 object version of the deployment package (write-only)."),
        )
        .attribute(
            Attribute::string(IMAGE_URI)
                .optional()
                .validator(not_empty())
                .aws(&Code::ImageUri)
                .description("ECR image URI of a container image (`package_type = \"Image\"`)."),
        )
        .attribute(
            Attribute::string(SOURCE_CODE_HASH)
                .optional_computed()
                .use_state_for_unknown()
                .description(
                    "A hash of the package: a change uploads the code again (usually \
                     `filebase64sha256(filename)`). After an import it holds AWS's \
                     `code_sha256`, which is that value for a zip.",
                ),
        )
        .attribute(
            Attribute::string(SOURCE_KMS_KEY_ARN)
                .optional()
                .aws(&Code::SourceKMSKeyArn)
                .conflicts_with([IMAGE_URI])
                .description("KMS key that encrypts the `.zip` package."),
        )
        .exactly_one_of([FILENAME, S3_BUCKET, IMAGE_URI])
}

fn image_config() -> NestedBlock {
    NestedBlock::list_max_one(
        IMAGE_CONFIG,
        Block::new()
            .description("Container image settings that override the image's (`package_type = \"Image\"` only).")
            .attribute(
                string_list("command")
                    .optional()
                    .aws(&ImageConfig::Command)
                    .description("Parameters passed to the entry point."),
            )
            .attribute(
                string_list("entry_point")
                    .optional()
                    .aws(&ImageConfig::EntryPoint)
                    .description("The entry point of the image."),
            )
            .attribute(
                Attribute::string("working_directory")
                    .optional()
                    .aws(&ImageConfig::WorkingDirectory)
                    .description("The working directory."),
            ),
    )
}

fn environment() -> NestedBlock {
    NestedBlock::list_max_one(
        ENVIRONMENT,
        Block::new()
            .description("Environment variables.")
            .attribute(
                Attribute::new(VARIABLES, Type::map(Type::String))
                    .optional()
                    .sensitive()
                    .aws(&Environment::Variables)
                    .validator(NoNullElements)
                    .validator(super::reserved::not_reserved())
                    .validator(super::environment_size::EnvironmentSize)
                    .description("Environment variables (sensitive)."),
            ),
    )
}

fn vpc_config() -> NestedBlock {
    NestedBlock::list_max_one(
        VPC_CONFIG,
        Block::new()
            .description(
                "The VPC the function reaches (not with `capacity_provider_config`: a function \
                 on managed instances runs in the capacity provider's VPC).",
            )
            .attribute(
                string_set(SUBNET_IDS)
                    .required()
                    .aws(&VpcConfig::SubnetIds)
                    .description("Subnets of the function's network interfaces."),
            )
            .attribute(
                string_set(SECURITY_GROUP_IDS)
                    .required()
                    .aws(&VpcConfig::SecurityGroupIds)
                    .description("Security groups of the function's network interfaces."),
            )
            .attribute(
                Attribute::bool("ipv6_allowed_for_dual_stack")
                    .optional_computed()
                    .aws(&VpcConfig::Ipv6AllowedForDualStack)
                    .description("Whether IPv6 traffic is allowed in dual-stack subnets."),
            )
            .attribute(
                Attribute::string(VPC_ID)
                    .computed()
                    .use_state_for_unknown()
                    .description("The subnets' VPC."),
            ),
    )
}

fn logging_config() -> NestedBlock {
    NestedBlock::list_max_one(
        LOGGING_CONFIG,
        Block::new()
            .description("Where and how the function logs.")
            .attribute(
                Attribute::string(LOG_FORMAT)
                    .required()
                    .aws(&LoggingConfig::LogFormat)
                    .description("`Text` or `JSON`."),
            )
            .attribute(
                Attribute::string(APPLICATION_LOG_LEVEL)
                    .optional_computed()
                    .aws(&LoggingConfig::ApplicationLogLevel)
                    .description("Most detailed application log level sent (JSON format)."),
            )
            .attribute(
                Attribute::string(SYSTEM_LOG_LEVEL)
                    .optional_computed()
                    .aws(&LoggingConfig::SystemLogLevel)
                    .description("Most detailed system log level sent (JSON format)."),
            )
            .attribute(
                Attribute::string(LOG_GROUP)
                    .optional_computed()
                    .aws(&LoggingConfig::LogGroup)
                    .description("CloudWatch log group; `/aws/lambda/<function_name>` when unset."),
            ),
    )
}

fn single_attribute_block(name: &str, what: &str, attr: Attribute) -> NestedBlock {
    NestedBlock::list_max_one(name, Block::new().description(what).attribute(attr))
}

fn durable_config() -> NestedBlock {
    NestedBlock::list_max_one(
        DURABLE_CONFIG,
        Block::new()
            .description(
                "Durable execution: what makes this a durable function. Its values change in \
                 place; a new `kms_key_arn` applies to executions started after the change.",
            )
            .attribute(
                Attribute::number(EXECUTION_TIMEOUT)
                    .required()
                    .aws(&Durable::ExecutionTimeout)
                    .description("Longest a durable execution may run, in seconds (up to a year)."),
            )
            .attribute(
                Attribute::number(RETENTION_PERIOD)
                    .default_value(Value::number(DEFAULT_RETENTION_DAYS))
                    .aws(&Durable::RetentionPeriodInDays)
                    .description(format!(
                        "Days an execution's history is kept after it ends (AWS's default: \
                         {DEFAULT_RETENTION_DAYS})."
                    )),
            )
            .attribute(
                Attribute::string(KMS_KEY_ARN)
                    .optional()
                    .aws(&Durable::KMSKeyArn)
                    .description(
                        "Customer managed KMS key for execution payloads (input, output, \
                         errors); executions started before a change keep their key.",
                    ),
            ),
    )
    .min_items(1)
}

fn capacity_provider_config() -> NestedBlock {
    NestedBlock::list_max_one(
        CAPACITY_PROVIDER_CONFIG,
        Block::new()
            .description(
                "Run on Lambda Managed Instances. Adding or removing it, or changing the \
                 capacity provider, replaces the function (AWS refuses it in place). So does \
                 a `dynamic` block whose `for_each` is known only at apply, even when it \
                 turns out unchanged: the plan cannot promise the function stays; give it a \
                 value known at plan (`var.on_managed_instances ? [1] : []`).",
            )
            .block(
                NestedBlock::list_max_one(
                    MANAGED_INSTANCES,
                    Block::new()
                        .description("The capacity provider and how the function uses it.")
                        .attribute(
                            Attribute::string(CAPACITY_PROVIDER_ARN)
                                .required()
                                .requires_replace()
                                .aws(&Managed::CapacityProviderArn)
                                .description("ARN of the capacity provider. Changing it replaces the function."),
                        )
                        .attribute(
                            Attribute::number(MAX_CONCURRENCY)
                                .optional_computed()
                                .aws(&Managed::PerExecutionEnvironmentMaxConcurrency)
                                .description("Most concurrent invocations per execution environment; updated in place."),
                        )
                        .attribute(
                            Attribute::number(MEMORY_GIB_PER_VCPU)
                                .optional_computed()
                                .aws(&Managed::ExecutionEnvironmentMemoryGiBPerVCpu)
                                .description("GiB of memory per vCPU of an execution environment; updated in place."),
                        ),
                )
                .min_items(1),
            ),
    )
}

fn computed(name: &str, what: &str) -> Attribute {
    Attribute::string(name).computed().description(what)
}

/// The resource schema, built once per process.
pub fn resource_schema() -> Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(build_resource_schema).clone()
}

fn build_resource_schema() -> Schema {
    let block = Block::new()
        .description(
            "A Lambda function with durable execution, on Lambda or on a capacity provider \
             (Lambda Managed Instances). Destroying it respects running durable executions \
             (`running_executions_on_destroy`).",
        )
        .attribute(function_name_attribute())
        .attribute(region_attribute("function"))
        .attribute(
            Attribute::string(ROLE)
                .required()
                .aws(&Create::Role)
                .description("ARN of the function's execution role."),
        )
        .attribute(
            Attribute::string(RUNTIME)
                .optional()
                .aws(&Create::Runtime)
                .description("Runtime identifier (`package_type = \"Zip\"` only)."),
        )
        .attribute(
            Attribute::string(HANDLER)
                .optional()
                .aws(&Create::Handler)
                .description("Handler in the code (`package_type = \"Zip\"` only)."),
        )
        .attribute(
            Attribute::string(PACKAGE_TYPE)
                .default_value(Value::string("Zip"))
                .requires_replace()
                .aws(&Create::PackageType)
                .description("`Zip` (default) or `Image`. Changing it replaces the function."),
        )
        .attribute(
            string_list(ARCHITECTURES)
                .optional_computed()
                .use_state_for_unknown()
                .aws(&Create::Architectures)
                .description("Instruction set: `[\"x86_64\"]` (AWS's default) or `[\"arm64\"]`; must match the capacity provider's."),
        )
        .attribute(
            Attribute::number(MEMORY_SIZE)
                .optional_computed()
                .use_state_for_unknown()
                .aws(&Create::MemorySize)
                .description(format!(
                    "Memory in MB: up to 10240 on Lambda; 2048 to 32768 on managed instances. \
                     Unset on a function without `capacity_provider_config`: \
                     {DEFAULT_MEMORY_SIZE} (AWS's default), so removing it plans \
                     {DEFAULT_MEMORY_SIZE} again, as the AWS provider does. Unset on a \
                     capacity provider, where AWS documents no default: AWS chooses it at \
                     create, and removing it later keeps the current value (no change is \
                     planned)."
                )),
        )
        .attribute(
            Attribute::number(TIMEOUT)
                .default_value(Value::number(DEFAULT_TIMEOUT))
                .aws(&Create::Timeout)
                .description(format!(
                    "Longest one invocation may run, in seconds: up to 900 on Lambda, up to \
                     5400 on managed instances. Unset: {DEFAULT_TIMEOUT} (AWS's default), so \
                     removing it plans {DEFAULT_TIMEOUT} again, as the AWS provider does."
                )),
        )
        .attribute(
            Attribute::string(DESCRIPTION)
                .optional()
                .aws(&Create::Description)
                .description("Description of the function."),
        )
        .attribute(
            string_list(LAYERS)
                .optional()
                .aws(&Create::Layers)
                .validator(UniqueElements)
                .description("Layer version ARNs, in order."),
        )
        .attribute(
            Attribute::string(KMS_KEY_ARN)
                .optional()
                .aws(&Create::KMSKeyArn)
                .description("KMS key that encrypts the environment variables."),
        )
        .attribute(
            Attribute::bool(PUBLISH)
                .default_value(Value::Bool(false))
                .aws(&Create::Publish)
                .description("Publish a version on create and on every change of code or configuration."),
        )
        .attribute(
            Attribute::string(PUBLISH_TO)
                .optional()
                .aws(&Create::PublishTo)
                .required_with([PUBLISH])
                .description("`LATEST_PUBLISHED`: publish to the `$LATEST.PUBLISHED` alias instead of a numbered version."),
        )
        .attribute(on_destroy_attribute())
        .attribute(tags::tags_attribute().aws(&Create::Tags))
        .attribute(tags::tags_all_attribute())
        .attribute(Attribute::string(ARN).computed().use_state_for_unknown().description("ARN of the function."))
        .attribute(
            Attribute::string(INVOKE_ARN)
                .computed()
                .use_state_for_unknown()
                .description("ARN to invoke the function from API Gateway."),
        )
        .attribute(
            Attribute::string(QUALIFIED_ARN)
                .computed()
                .use_state_for_unknown()
                .description(
                    "ARN of the version this resource last published while `publish = true`; \
                     with `publish = false` (also after turning it off) the ARN of `$LATEST`, \
                     which holds what was applied last.",
                ),
        )
        .attribute(
            Attribute::string(QUALIFIED_INVOKE_ARN)
                .computed()
                .use_state_for_unknown()
                .description("Invoke ARN of `qualified_arn` (for API Gateway)."),
        )
        .attribute(
            Attribute::string(VERSION)
                .computed()
                .use_state_for_unknown()
                .description(
                    "The version this resource last published while `publish = true`, or \
                     `$LATEST` with `publish = false` (versions published before stay in AWS).",
                ),
        )
        .attribute(
            Attribute::string(CODE_SHA256)
                .computed()
                .use_state_for_unknown()
                .description("AWS's base64 SHA-256 of the deployment package."),
        )
        .attribute(
            Attribute::number(SOURCE_CODE_SIZE)
                .computed()
                .use_state_for_unknown()
                .description("Size of the deployment package in bytes."),
        )
        .attribute(computed(
            REVISION_ID,
            "Revision of the function; it also changes when a version is published.",
        ))
        .attribute(
            Attribute::string(CONFIG_SHA256)
                .computed()
                .use_state_for_unknown()
                .description(
                    "AWS's hash of the function's configuration (which covers \
                     `architectures` too). A plan makes it unknown whenever the apply changes \
                     the code or the configuration, so `lambda_function_version` triggers on \
                     it and `code_sha256` see every change.",
                ),
        )
        .attribute(computed(STATE, "State of the function: `Pending`, `Active`, `ActiveNonInvocable` (on managed instances), `Failed`…"))
        .attribute(computed(LAST_MODIFIED, "When the function was last changed."));
    let block = code_attributes(block)
        .block(image_config())
        .block(environment())
        .block(vpc_config())
        .block(logging_config())
        .block(single_attribute_block(
            EPHEMERAL_STORAGE,
            "Size of `/tmp`.",
            Attribute::number(SIZE)
                .optional_computed()
                .aws(&EphemeralStorage::Size)
                .description(format!(
                    "Size of `/tmp` in MB: {DEFAULT_EPHEMERAL_STORAGE_MB} (AWS's default) to \
                     {MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR}; larger sizes are for functions \
                     with accelerators, which this resource does not configure."
                )),
        ))
        .block(single_attribute_block(
            TRACING_CONFIG,
            "X-Ray tracing.",
            Attribute::string(MODE)
                .required()
                .aws(&TracingConfig::Mode)
                .description("`Active` or `PassThrough`."),
        ))
        .block(single_attribute_block(
            DEAD_LETTER_CONFIG,
            "Where failed asynchronous invocations go.",
            Attribute::string("target_arn")
                .required()
                .aws(&Dlq::TargetArn)
                // The model allows any ARN; Lambda sends failed events to these two only.
                .validator(matches(
                    "arn:[^:]+:(sqs|sns):.+",
                    "the ARN of an SQS queue or SNS topic",
                ))
                .description("ARN of an SQS queue or SNS topic."),
        ))
        .block(block_items(
            NestedBlock::new(
                FILE_SYSTEM_CONFIG,
                BlockNesting::List,
                Block::new()
                    .description("An EFS access point to mount.")
                    .attribute(
                        Attribute::string("arn")
                            .required()
                            .aws(&FileSystemConfig::Arn)
                            .description("ARN of the EFS access point."),
                    )
                    .attribute(
                        Attribute::string("local_mount_path")
                            .required()
                            .aws(&FileSystemConfig::LocalMountPath)
                            .description("Where it is mounted (`/mnt/…`)."),
                    ),
            ),
            &Create::FileSystemConfigs,
        ))
        .block(
            single_attribute_block(
                TENANCY_CONFIG,
                "Tenant isolation. Changing it replaces the function.",
                Attribute::string("tenant_isolation_mode")
                    .required()
                    .aws(&TenancyConfig::TenantIsolationMode)
                    .description("`PER_TENANT`."),
            )
            .requires_replace(),
        )
        .block(durable_config())
        .block(capacity_provider_config())
        .block(TIMEOUTS.block());
    Schema::new(block)
}

#[cfg(test)]
mod tests {
    use tfplug::value::{AttributePath, Value};

    use super::*;

    fn errors_at_target(target: &str) -> usize {
        let config = Value::object([(
            DEAD_LETTER_CONFIG,
            Value::List(vec![Value::object([("target_arn", Value::string(target))])]),
        )]);
        let diags = tfplug::validate::validate_config(&resource_schema().block, &config);
        let at = AttributePath::attr(DEAD_LETTER_CONFIG)
            .child_index(0)
            .child_attr("target_arn");
        diags.iter().filter(|d| d.path == Some(at.clone())).count()
    }

    #[test]
    fn a_dead_letter_target_is_a_queue_or_a_topic() {
        assert_eq!(errors_at_target("arn:aws:iam::123456789012:role/x"), 1);
        assert_eq!(
            errors_at_target("arn:aws:sqs:us-east-1:123456789012:dlq"),
            0
        );
        assert_eq!(
            errors_at_target("arn:aws:sns:us-east-1:123456789012:dlq"),
            0
        );
    }
}
