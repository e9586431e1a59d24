//! Typed views of `lambda_durable_function` values (through tfplug's serde bridge).
//!
//! Used where values are fully known (apply, read, import); plan-time code works on
//! values because anything may still be unknown there. Blocks are lists (absent = empty).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tfplug::value::Maybe;

use crate::aws::timeouts::TimeoutsModel;

/// The whole resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunctionModel {
    /// `function_name`.
    pub function_name: Maybe<String>,
    /// `region`.
    pub region: Maybe<String>,
    /// `role`.
    pub role: Maybe<String>,
    /// `runtime`.
    pub runtime: Maybe<String>,
    /// `handler`.
    pub handler: Maybe<String>,
    /// `package_type`.
    pub package_type: Maybe<String>,
    /// `filename` (write-only: in config only).
    pub filename: Maybe<String>,
    /// `s3_bucket` (write-only).
    pub s3_bucket: Maybe<String>,
    /// `s3_key` (write-only).
    pub s3_key: Maybe<String>,
    /// `s3_object_version` (write-only).
    pub s3_object_version: Maybe<String>,
    /// `image_uri`.
    pub image_uri: Maybe<String>,
    /// `source_code_hash`.
    pub source_code_hash: Maybe<String>,
    /// `source_kms_key_arn`.
    pub source_kms_key_arn: Maybe<String>,
    /// `architectures`.
    pub architectures: Maybe<Vec<String>>,
    /// `memory_size`.
    pub memory_size: Maybe<i64>,
    /// `timeout`.
    pub timeout: Maybe<i64>,
    /// `description`.
    pub description: Maybe<String>,
    /// `layers`.
    pub layers: Maybe<Vec<String>>,
    /// `kms_key_arn`.
    pub kms_key_arn: Maybe<String>,
    /// `publish`.
    pub publish: Maybe<bool>,
    /// `publish_to`.
    pub publish_to: Maybe<String>,
    /// `running_executions_on_destroy`.
    pub running_executions_on_destroy: Maybe<String>,
    /// `tags`.
    pub tags: Maybe<BTreeMap<String, String>>,
    /// `tags_all`.
    pub tags_all: Maybe<BTreeMap<String, String>>,
    /// `arn`.
    pub arn: Maybe<String>,
    /// `invoke_arn`.
    pub invoke_arn: Maybe<String>,
    /// `qualified_arn`.
    pub qualified_arn: Maybe<String>,
    /// `qualified_invoke_arn`.
    pub qualified_invoke_arn: Maybe<String>,
    /// `version`.
    pub version: Maybe<String>,
    /// `code_sha256`.
    pub code_sha256: Maybe<String>,
    /// `source_code_size`.
    pub source_code_size: Maybe<i64>,
    /// `revision_id`.
    pub revision_id: Maybe<String>,
    /// `config_sha256`.
    pub config_sha256: Maybe<String>,
    /// `state`.
    pub state: Maybe<String>,
    /// `last_modified`.
    pub last_modified: Maybe<String>,
    /// `image_config` block.
    pub image_config: Vec<ImageConfigModel>,
    /// `environment` block.
    pub environment: Vec<EnvironmentModel>,
    /// `vpc_config` block.
    pub vpc_config: Vec<VpcConfigModel>,
    /// `logging_config` block.
    pub logging_config: Vec<LoggingConfigModel>,
    /// `ephemeral_storage` block.
    pub ephemeral_storage: Vec<EphemeralStorageModel>,
    /// `tracing_config` block.
    pub tracing_config: Vec<TracingConfigModel>,
    /// `dead_letter_config` block.
    pub dead_letter_config: Vec<DeadLetterConfigModel>,
    /// `file_system_config` blocks.
    pub file_system_config: Vec<FileSystemConfigModel>,
    /// `tenancy_config` block.
    pub tenancy_config: Vec<TenancyConfigModel>,
    /// `durable_config` block (exactly one).
    pub durable_config: Vec<DurableConfigModel>,
    /// `capacity_provider_config` block.
    pub capacity_provider_config: Vec<CapacityProviderConfigModel>,
    /// `timeouts` block.
    pub timeouts: Maybe<TimeoutsModel>,
}

/// `image_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageConfigModel {
    /// `command`.
    pub command: Option<Vec<String>>,
    /// `entry_point`.
    pub entry_point: Option<Vec<String>>,
    /// `working_directory`.
    pub working_directory: Option<String>,
}

/// `environment`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvironmentModel {
    /// `variables`.
    pub variables: Option<BTreeMap<String, String>>,
}

/// `vpc_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcConfigModel {
    /// `subnet_ids`.
    pub subnet_ids: Vec<String>,
    /// `security_group_ids`.
    pub security_group_ids: Vec<String>,
    /// `ipv6_allowed_for_dual_stack`.
    pub ipv6_allowed_for_dual_stack: Option<bool>,
    /// `vpc_id` (computed).
    pub vpc_id: Option<String>,
}

/// `logging_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoggingConfigModel {
    /// `log_format`.
    pub log_format: Option<String>,
    /// `application_log_level`.
    pub application_log_level: Option<String>,
    /// `system_log_level`.
    pub system_log_level: Option<String>,
    /// `log_group`.
    pub log_group: Option<String>,
}

/// `ephemeral_storage`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EphemeralStorageModel {
    /// `size`.
    pub size: Option<i64>,
}

/// `tracing_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TracingConfigModel {
    /// `mode`.
    pub mode: Option<String>,
}

/// `dead_letter_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadLetterConfigModel {
    /// `target_arn`.
    pub target_arn: Option<String>,
}

/// `file_system_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileSystemConfigModel {
    /// `arn`.
    pub arn: String,
    /// `local_mount_path`.
    pub local_mount_path: String,
}

/// `tenancy_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenancyConfigModel {
    /// `tenant_isolation_mode`.
    pub tenant_isolation_mode: Option<String>,
}

/// `durable_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DurableConfigModel {
    /// `execution_timeout`.
    pub execution_timeout: Option<i64>,
    /// `retention_period`.
    pub retention_period: Option<i64>,
    /// `kms_key_arn`.
    pub kms_key_arn: Option<String>,
}

/// `capacity_provider_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapacityProviderConfigModel {
    /// `lambda_managed_instances_capacity_provider_config` block.
    pub lambda_managed_instances_capacity_provider_config: Vec<ManagedInstancesModel>,
}

/// `capacity_provider_config.lambda_managed_instances_capacity_provider_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagedInstancesModel {
    /// `capacity_provider_arn`.
    pub capacity_provider_arn: String,
    /// `per_execution_environment_max_concurrency`.
    pub per_execution_environment_max_concurrency: Option<i64>,
    /// `execution_environment_memory_gib_per_vcpu`.
    pub execution_environment_memory_gib_per_vcpu: Option<f64>,
}

/// Log format AWS sets when `LoggingConfig` is left out.
pub const DEFAULT_LOG_FORMAT: &str = "Text";
/// `/tmp` size in MB when `EphemeralStorage` is left out (AWS's documented default).
pub const DEFAULT_EPHEMERAL_STORAGE_MB: i64 = 512;
/// Tracing mode when `TracingConfig` is left out.
pub const DEFAULT_TRACING_MODE: &str = "PassThrough";

/// The log group AWS gives function `name` when `LoggingConfig.LogGroup` is left out:
/// `/aws/lambda/NAME`.
pub fn default_log_group(name: &str) -> String {
    format!("/aws/lambda/{name}")
}

impl FunctionModel {
    /// The function name, or an empty string.
    pub fn name(&self) -> &str {
        self.function_name
            .known()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The capacity provider configuration, if any.
    pub fn managed_instances(&self) -> Option<&ManagedInstancesModel> {
        self.capacity_provider_config
            .first()
            .and_then(|c| c.lambda_managed_instances_capacity_provider_config.first())
    }

    /// Drops the blocks that hold exactly what AWS sets when they are left out at create
    /// (Text logs to `/aws/lambda/NAME`, 512 MB of `/tmp`, PassThrough tracing, a VPC
    /// configuration of empty lists): an adopted function then matches a configuration
    /// that leaves them out.
    pub fn without_create_defaults(mut self) -> Self {
        if self
            .vpc_config
            .iter()
            .all(|v| v.subnet_ids.is_empty() && v.security_group_ids.is_empty())
        {
            self.vpc_config.clear();
        }
        let default_logging = LoggingConfigModel {
            log_format: Some(DEFAULT_LOG_FORMAT.to_string()),
            application_log_level: None,
            system_log_level: None,
            log_group: Some(default_log_group(self.name())),
        };
        if self.logging_config == [default_logging] {
            self.logging_config.clear();
        }
        if self.ephemeral_storage
            == [EphemeralStorageModel {
                size: Some(DEFAULT_EPHEMERAL_STORAGE_MB),
            }]
        {
            self.ephemeral_storage.clear();
        }
        if self.tracing_config
            == [TracingConfigModel {
                mode: Some(DEFAULT_TRACING_MODE.to_string()),
            }]
        {
            self.tracing_config.clear();
        }
        self
    }
}
