//! `lambda_durable_function` models ↔ AWS SDK types: what CreateFunction and
//! UpdateFunctionConfiguration receive, and the model of what GetFunction returns.

use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::types::{
    ApplicationLogLevel, Architecture, CapacityProviderConfig, DeadLetterConfig, DurableConfig,
    Environment, EphemeralStorage, FileSystemConfig, FunctionConfiguration, ImageConfig,
    LambdaManagedInstancesCapacityProviderConfig, LogFormat, LoggingConfig, SystemLogLevel,
    TenancyConfig, TenantIsolationMode, TracingConfig, TracingMode, VpcConfig,
};
use tfplug::value::Maybe;

use super::model::*;
use crate::aws::Error;

fn build_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Unexpected(format!("could not build the {what} request field: {e}"))
}

/// Everything CreateFunction and UpdateFunctionConfiguration take as configuration,
/// expanded once from a model.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    /// `Architectures`.
    pub architectures: Option<Vec<Architecture>>,
    /// `VpcConfig`.
    pub vpc: Option<VpcConfig>,
    /// `Environment`.
    pub environment: Option<Environment>,
    /// `ImageConfig`.
    pub image_config: Option<ImageConfig>,
    /// `LoggingConfig`.
    pub logging: Option<LoggingConfig>,
    /// `EphemeralStorage`.
    pub ephemeral_storage: Option<EphemeralStorage>,
    /// `TracingConfig`.
    pub tracing: Option<TracingConfig>,
    /// `DeadLetterConfig`.
    pub dead_letter: Option<DeadLetterConfig>,
    /// `FileSystemConfigs`.
    pub file_systems: Option<Vec<FileSystemConfig>>,
    /// `TenancyConfig`.
    pub tenancy: Option<TenancyConfig>,
    /// `DurableConfig`.
    pub durable: Option<DurableConfig>,
    /// `CapacityProviderConfig`.
    pub capacity_provider: Option<CapacityProviderConfig>,
}

/// Expands the blocks of a model.
pub fn expand(m: &FunctionModel) -> Result<Expanded, Error> {
    Ok(Expanded {
        architectures: m
            .architectures
            .known()
            .map(|a| a.iter().map(|x| Architecture::from(x.as_str())).collect()),
        vpc: m.vpc_config.first().map(|v| {
            VpcConfig::builder()
                .set_subnet_ids(Some(v.subnet_ids.clone()))
                .set_security_group_ids(Some(v.security_group_ids.clone()))
                .set_ipv6_allowed_for_dual_stack(v.ipv6_allowed_for_dual_stack)
                .build()
        }),
        // Always an explicit map, empty when unset: AWS clears variables for `{}`.
        environment: m.environment.first().map(|e| {
            Environment::builder()
                .set_variables(Some(
                    e.variables
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .collect(),
                ))
                .build()
        }),
        image_config: m.image_config.first().map(|i| {
            ImageConfig::builder()
                .set_command(i.command.clone())
                .set_entry_point(i.entry_point.clone())
                .set_working_directory(i.working_directory.clone())
                .build()
        }),
        logging: m.logging_config.first().map(|l| {
            LoggingConfig::builder()
                .set_log_format(l.log_format.as_deref().map(LogFormat::from))
                .set_application_log_level(
                    l.application_log_level
                        .as_deref()
                        .map(ApplicationLogLevel::from),
                )
                .set_system_log_level(l.system_log_level.as_deref().map(SystemLogLevel::from))
                .set_log_group(l.log_group.clone())
                .build()
        }),
        ephemeral_storage: m
            .ephemeral_storage
            .first()
            .and_then(|e| e.size)
            .map(|size| {
                EphemeralStorage::builder()
                    .size(size as i32)
                    .build()
                    .map_err(|e| build_err("EphemeralStorage", e))
            })
            .transpose()?,
        tracing: m.tracing_config.first().map(|t| {
            TracingConfig::builder()
                .set_mode(t.mode.as_deref().map(TracingMode::from))
                .build()
        }),
        dead_letter: m.dead_letter_config.first().map(|d| {
            DeadLetterConfig::builder()
                .set_target_arn(d.target_arn.clone())
                .build()
        }),
        file_systems: if m.file_system_config.is_empty() {
            None
        } else {
            Some(
                m.file_system_config
                    .iter()
                    .map(|f| {
                        FileSystemConfig::builder()
                            .arn(f.arn.clone())
                            .local_mount_path(f.local_mount_path.clone())
                            .build()
                            .map_err(|e| build_err("FileSystemConfigs", e))
                    })
                    .collect::<Result<_, _>>()?,
            )
        },
        tenancy: m
            .tenancy_config
            .first()
            .and_then(|t| t.tenant_isolation_mode.as_deref())
            .map(|mode| {
                TenancyConfig::builder()
                    .tenant_isolation_mode(TenantIsolationMode::from(mode))
                    .build()
                    .map_err(|e| build_err("TenancyConfig", e))
            })
            .transpose()?,
        durable: m.durable_config.first().map(expand_durable),
        capacity_provider: m.managed_instances().map(expand_managed).transpose()?,
    })
}

/// The `LoggingConfig` AWS gives function `name` created without one: Text logs to
/// `/aws/lambda/NAME`, no log levels. Sent when `logging_config` is removed.
pub fn default_logging(name: &str) -> LoggingConfig {
    LoggingConfig::builder()
        .log_format(LogFormat::from(DEFAULT_LOG_FORMAT))
        .log_group(default_log_group(name))
        .build()
}

/// The `EphemeralStorage` AWS gives a function created without one
/// ([`DEFAULT_EPHEMERAL_STORAGE_MB`]). Sent when `ephemeral_storage` is removed.
pub fn default_ephemeral_storage() -> Result<EphemeralStorage, Error> {
    EphemeralStorage::builder()
        .size(DEFAULT_EPHEMERAL_STORAGE_MB as i32)
        .build()
        .map_err(|e| build_err("EphemeralStorage", e))
}

/// `durable_config` → `DurableConfig`.
pub fn expand_durable(d: &DurableConfigModel) -> DurableConfig {
    DurableConfig::builder()
        .set_execution_timeout(d.execution_timeout.map(|v| v as i32))
        .set_retention_period_in_days(d.retention_period.map(|v| v as i32))
        .set_kms_key_arn(d.kms_key_arn.clone())
        .build()
}

/// `capacity_provider_config` → `CapacityProviderConfig`.
pub fn expand_managed(m: &ManagedInstancesModel) -> Result<CapacityProviderConfig, Error> {
    let inner = LambdaManagedInstancesCapacityProviderConfig::builder()
        .capacity_provider_arn(m.capacity_provider_arn.clone())
        .set_per_execution_environment_max_concurrency(
            m.per_execution_environment_max_concurrency
                .map(|v| v as i32),
        )
        .set_execution_environment_memory_gib_per_v_cpu(m.execution_environment_memory_gib_per_vcpu)
        .build()
        .map_err(|e| build_err("LambdaManagedInstancesCapacityProviderConfig", e))?;
    Ok(CapacityProviderConfig::builder()
        .lambda_managed_instances_capacity_provider_config(inner)
        .build())
}

fn non_empty(s: Option<&str>) -> Maybe<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string).into()
}

fn strings_or_null(items: Vec<String>) -> Option<Vec<String>> {
    (!items.is_empty()).then_some(items)
}

/// The model of what GetFunction returned (tags and Terraform-only attributes null).
pub fn flatten(out: &GetFunctionOutput) -> FunctionModel {
    let empty = FunctionConfiguration::builder().build();
    let c = out.configuration().unwrap_or(&empty);
    let arn = c.function_arn().unwrap_or_default().to_string();
    FunctionModel {
        function_name: non_empty(c.function_name()),
        role: non_empty(c.role()),
        runtime: c.runtime().map(|r| r.as_str().to_string()).into(),
        handler: non_empty(c.handler()),
        package_type: c.package_type().map(|p| p.as_str().to_string()).into(),
        image_uri: non_empty(out.code().and_then(|code| code.image_uri())),
        source_kms_key_arn: non_empty(out.code().and_then(|code| code.source_kms_key_arn())),
        architectures: Maybe::Known(
            c.architectures()
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
        ),
        memory_size: c.memory_size().map(i64::from).into(),
        timeout: c.timeout().map(i64::from).into(),
        description: non_empty(c.description()),
        layers: strings_or_null(
            c.layers()
                .iter()
                .filter_map(|l| l.arn().map(str::to_string))
                .collect(),
        )
        .into(),
        kms_key_arn: non_empty(c.kms_key_arn()),
        invoke_arn: Maybe::Null,
        qualified_arn: Maybe::Null,
        qualified_invoke_arn: Maybe::Null,
        version: Maybe::Null,
        code_sha256: non_empty(c.code_sha256()),
        source_code_size: Maybe::Known(c.code_size()),
        revision_id: non_empty(c.revision_id()),
        config_sha256: non_empty(c.config_sha256()),
        state: c.state().map(|s| s.as_str().to_string()).into(),
        last_modified: non_empty(c.last_modified()),
        image_config: c
            .image_config_response()
            .and_then(|r| r.image_config())
            .map(|i| ImageConfigModel {
                command: strings_or_null(i.command().to_vec()),
                entry_point: strings_or_null(i.entry_point().to_vec()),
                working_directory: i.working_directory().map(str::to_string),
            })
            .into_iter()
            .collect(),
        environment: c
            .environment()
            .and_then(|e| e.variables())
            .filter(|v| !v.is_empty())
            .map(|v| EnvironmentModel {
                variables: Some(v.clone().into_iter().collect()),
            })
            .into_iter()
            .collect(),
        // As AWS answers, also with empty lists (a function detached from its VPC): the
        // state keeps a `vpc_config` of empty lists that says so (see
        // `FunctionModel::without_create_defaults` for adopted functions).
        vpc_config: c
            .vpc_config()
            .map(|v| VpcConfigModel {
                subnet_ids: v.subnet_ids().to_vec(),
                security_group_ids: v.security_group_ids().to_vec(),
                ipv6_allowed_for_dual_stack: v.ipv6_allowed_for_dual_stack(),
                vpc_id: v.vpc_id().filter(|id| !id.is_empty()).map(str::to_string),
            })
            .into_iter()
            .collect(),
        logging_config: c
            .logging_config()
            .map(|l| LoggingConfigModel {
                log_format: l.log_format().map(|x| x.as_str().to_string()),
                application_log_level: l.application_log_level().map(|x| x.as_str().to_string()),
                system_log_level: l.system_log_level().map(|x| x.as_str().to_string()),
                log_group: l.log_group().map(str::to_string),
            })
            .into_iter()
            .collect(),
        ephemeral_storage: c
            .ephemeral_storage()
            .map(|e| EphemeralStorageModel {
                size: Some(i64::from(e.size())),
            })
            .into_iter()
            .collect(),
        tracing_config: c
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| TracingConfigModel {
                mode: Some(m.as_str().to_string()),
            })
            .into_iter()
            .collect(),
        dead_letter_config: c
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .filter(|t| !t.is_empty())
            .map(|t| DeadLetterConfigModel {
                target_arn: Some(t.to_string()),
            })
            .into_iter()
            .collect(),
        file_system_config: c
            .file_system_configs()
            .iter()
            .map(|f| FileSystemConfigModel {
                arn: f.arn().to_string(),
                local_mount_path: f.local_mount_path().to_string(),
            })
            .collect(),
        tenancy_config: c
            .tenancy_config()
            .map(|t| TenancyConfigModel {
                tenant_isolation_mode: Some(t.tenant_isolation_mode().as_str().to_string()),
            })
            .into_iter()
            .collect(),
        durable_config: c
            .durable_config()
            .map(|d| DurableConfigModel {
                execution_timeout: d.execution_timeout().map(i64::from),
                retention_period: d.retention_period_in_days().map(i64::from),
                kms_key_arn: d
                    .kms_key_arn()
                    .filter(|k| !k.is_empty())
                    .map(str::to_string),
            })
            .into_iter()
            .collect(),
        capacity_provider_config: c
            .capacity_provider_config()
            .map(|cp| {
                let m = cp.lambda_managed_instances_capacity_provider_config();
                CapacityProviderConfigModel {
                    lambda_managed_instances_capacity_provider_config: m
                        .map(|m| ManagedInstancesModel {
                            capacity_provider_arn: m.capacity_provider_arn().to_string(),
                            per_execution_environment_max_concurrency: m
                                .per_execution_environment_max_concurrency()
                                .map(i64::from),
                            execution_environment_memory_gib_per_vcpu: m
                                .execution_environment_memory_gib_per_v_cpu(),
                        })
                        .into_iter()
                        .collect(),
                }
            })
            .into_iter()
            .collect(),
        arn: non_empty(Some(&arn)),
        ..FunctionModel::default()
    }
}
