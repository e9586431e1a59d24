//! Function calls of `lambda_durable_function`: create, the two update calls, delete and
//! its wait (reading, readiness and publishing are in
//! [`crate::resources::common::functions`]). AWS applies one change to a function at a time (`LastUpdateStatus`), so
//! every write waits until the function is ready again before the next; a write that
//! meets another update in progress (ResourceConflictException) is retried by the retry
//! layer until the operation's timeout.

use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, PackageType, Runtime};

use super::expand_flatten::{Expanded, default_ephemeral_storage, default_logging, expand};
use super::model::FunctionModel;
use crate::aws::{AwsClients, AwsError, Budget, Error, Status, WaitOptions, wait_for};
use crate::resources::common::create_call::{Created, send_create};
use crate::resources::common::functions::{self, get};
use crate::tags::Tags;

/// Where the code comes from, read from the configuration (the zip file is read here).
#[derive(Clone, Debug, PartialEq)]
pub enum CodeSource {
    /// A local zip file's bytes.
    Zip(Vec<u8>),
    /// An S3 object.
    S3 {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// Object version.
        version: Option<String>,
    },
    /// A container image.
    Image(String),
}

impl CodeSource {
    /// The code source of a configuration; reads `filename`.
    pub fn of(config: &FunctionModel) -> Result<Self, Error> {
        if let Some(path) = config.filename.known() {
            let bytes = std::fs::read(path)
                .map_err(|e| Error::Unexpected(format!("could not read filename {path:?}: {e}")))?;
            return Ok(Self::Zip(bytes));
        }
        if let (Some(bucket), Some(key)) = (config.s3_bucket.known(), config.s3_key.known()) {
            return Ok(Self::S3 {
                bucket: bucket.clone(),
                key: key.clone(),
                version: config.s3_object_version.known().cloned(),
            });
        }
        if let Some(uri) = config.image_uri.known() {
            return Ok(Self::Image(uri.clone()));
        }
        Err(Error::Unexpected(
            "the configuration has no code: set filename, s3_bucket and s3_key, or image_uri"
                .into(),
        ))
    }

    fn function_code(&self, source_kms_key_arn: Option<String>) -> FunctionCode {
        let b = FunctionCode::builder().set_source_kms_key_arn(source_kms_key_arn);
        match self {
            Self::Zip(bytes) => b.zip_file(Blob::new(bytes.clone())),
            Self::S3 {
                bucket,
                key,
                version,
            } => b
                .s3_bucket(bucket)
                .s3_key(key)
                .set_s3_object_version(version.clone()),
            Self::Image(uri) => b.image_uri(uri),
        }
        .build()
    }
}

/// CreateFunction (without `Publish`: the resource publishes afterwards, once, through
/// PublishVersion); returns the function's ARN as AWS answered it. A retry that finds the
/// function already there after an attempt whose answer was lost counts as success
/// (see [`send_create`]).
pub async fn create(
    clients: &AwsClients,
    budget: &Budget,
    m: &FunctionModel,
    code: &CodeSource,
    tags_all: &Tags,
) -> Result<Created<Option<String>>, Error> {
    let x: Expanded = expand(m)?;
    let req = clients
        .lambda
        .create_function()
        .function_name(m.name())
        .set_role(m.role.known().cloned())
        .set_runtime(m.runtime.known().map(|r| Runtime::from(r.as_str())))
        .set_handler(m.handler.known().cloned())
        .set_package_type(
            m.package_type
                .known()
                .map(|p| PackageType::from(p.as_str())),
        )
        .code(code.function_code(m.source_kms_key_arn.known().cloned()))
        .set_description(m.description.known().cloned())
        .set_timeout(m.timeout.known().map(|v| *v as i32))
        .set_memory_size(m.memory_size.known().map(|v| *v as i32))
        // `layers = []` means none; AWS refuses `Layers` for container images even empty.
        .set_layers(m.layers.known().filter(|l| !l.is_empty()).cloned())
        .set_kms_key_arn(m.kms_key_arn.known().cloned())
        .set_architectures(x.architectures)
        .set_vpc_config(x.vpc)
        .set_environment(x.environment)
        .set_image_config(x.image_config)
        .set_logging_config(x.logging)
        .set_ephemeral_storage(x.ephemeral_storage)
        .set_tracing_config(x.tracing)
        .set_dead_letter_config(x.dead_letter)
        .set_file_system_configs(x.file_systems)
        .set_tenancy_config(x.tenancy)
        .set_durable_config(x.durable)
        .set_capacity_provider_config(x.capacity_provider)
        .set_tags((!tags_all.is_empty()).then(|| tags_all.clone().into_iter().collect()));
    send_create(clients, budget, "CreateFunction", || {
        let req = req.clone();
        async move {
            req.send()
                .await
                .map(|out| out.function_arn)
                .map_err(|e| AwsError::from_sdk("CreateFunction", e))
        }
    })
    .await
}

/// UpdateFunctionCode with the configuration's code source.
pub async fn update_code(
    clients: &AwsClients,
    budget: &Budget,
    m: &FunctionModel,
    code: &CodeSource,
) -> Result<(), Error> {
    let c = code.function_code(m.source_kms_key_arn.known().cloned());
    let x = expand(m)?;
    let req = clients
        .lambda
        .update_function_code()
        .function_name(m.name())
        .set_zip_file(c.zip_file().cloned())
        .set_s3_bucket(c.s3_bucket().map(str::to_string))
        .set_s3_key(c.s3_key().map(str::to_string))
        .set_s3_object_version(c.s3_object_version().map(str::to_string))
        .set_image_uri(c.image_uri().map(str::to_string))
        .set_source_kms_key_arn(c.source_kms_key_arn().map(str::to_string))
        .set_architectures(x.architectures);
    clients
        .send(budget, "UpdateFunctionCode", || req.clone().send())
        .await
        .map(|_| ())
}

/// What changed in the configuration, as UpdateFunctionConfiguration takes it: only the
/// members whose attribute changed are sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigChanges {
    /// Names of the changed attributes and blocks.
    pub changed: Vec<&'static str>,
}

impl ConfigChanges {
    fn has(&self, name: &str) -> bool {
        self.changed.contains(&name)
    }

    /// These changes and `other`'s, each once.
    pub fn merged(mut self, other: ConfigChanges) -> ConfigChanges {
        for name in other.changed {
            if !self.changed.contains(&name) {
                self.changed.push(name);
            }
        }
        self
    }
}

/// UpdateFunctionConfiguration with the changed members of `m`. A block that was removed
/// is sent as AWS's default (empty where that is how AWS clears it), so removing it
/// restores what a function created without it has.
pub async fn update_configuration(
    clients: &AwsClients,
    budget: &Budget,
    m: &FunctionModel,
    changes: &ConfigChanges,
) -> Result<(), Error> {
    use super::schema::names::*;
    use aws_sdk_lambda::types::{
        DeadLetterConfig, Environment, ImageConfig, TracingConfig, TracingMode, VpcConfig,
    };
    let x = expand(m)?;
    let mut req = clients
        .lambda
        .update_function_configuration()
        .function_name(m.name());
    if changes.has(ROLE) {
        req = req.set_role(m.role.known().cloned());
    }
    if changes.has(RUNTIME) {
        req = req.set_runtime(m.runtime.known().map(|r| Runtime::from(r.as_str())));
    }
    if changes.has(HANDLER) {
        req = req.set_handler(m.handler.known().cloned());
    }
    if changes.has(DESCRIPTION) {
        req = req.description(m.description.known().cloned().unwrap_or_default());
    }
    if changes.has(TIMEOUT) {
        req = req.set_timeout(m.timeout.known().map(|v| *v as i32));
    }
    if changes.has(MEMORY_SIZE) {
        req = req.set_memory_size(m.memory_size.known().map(|v| *v as i32));
    }
    if changes.has(LAYERS) {
        req = req.set_layers(Some(m.layers.known().cloned().unwrap_or_default()));
    }
    if changes.has(KMS_KEY_ARN) {
        req = req.kms_key_arn(m.kms_key_arn.known().cloned().unwrap_or_default());
    }
    if changes.has(ENVIRONMENT) {
        // Removing the block clears the variables: an explicit empty map, as AWS asks.
        req = req.environment(x.environment.unwrap_or_else(|| {
            Environment::builder()
                .set_variables(Some(Default::default()))
                .build()
        }));
    }
    if changes.has(VPC_CONFIG) {
        req = req.vpc_config(x.vpc.unwrap_or_else(|| {
            VpcConfig::builder()
                .set_subnet_ids(Some(Vec::new()))
                .set_security_group_ids(Some(Vec::new()))
                .build()
        }));
    }
    if changes.has(IMAGE_CONFIG) {
        req = req.image_config(
            x.image_config
                .unwrap_or_else(|| ImageConfig::builder().build()),
        );
    }
    // Removed blocks restore what AWS gives a function created without them.
    if changes.has(LOGGING_CONFIG) {
        req = req.logging_config(x.logging.unwrap_or_else(|| default_logging(m.name())));
    }
    if changes.has(EPHEMERAL_STORAGE) {
        let storage = match x.ephemeral_storage {
            Some(storage) => Some(storage),
            // `ephemeral_storage {}` without a size: AWS keeps its size.
            None if !m.ephemeral_storage.is_empty() => None,
            None => Some(default_ephemeral_storage()?),
        };
        req = req.set_ephemeral_storage(storage);
    }
    if changes.has(TRACING_CONFIG) {
        req = req.tracing_config(x.tracing.unwrap_or_else(|| {
            TracingConfig::builder()
                .mode(TracingMode::PassThrough)
                .build()
        }));
    }
    if changes.has(DEAD_LETTER_CONFIG) {
        req = req.dead_letter_config(
            x.dead_letter
                .unwrap_or_else(|| DeadLetterConfig::builder().target_arn("").build()),
        );
    }
    if changes.has(FILE_SYSTEM_CONFIG) {
        req = req.set_file_system_configs(Some(x.file_systems.unwrap_or_default()));
    }
    if changes.has(DURABLE_CONFIG) {
        req = req.set_durable_config(x.durable);
    }
    if changes.has(CAPACITY_PROVIDER_CONFIG) {
        req = req.set_capacity_provider_config(x.capacity_provider);
    }
    clients
        .send(budget, "UpdateFunctionConfiguration", || req.clone().send())
        .await
        .map(|_| ())
}

/// DeleteFunction. `Ok(false)` when it was already gone.
pub async fn delete(clients: &AwsClients, budget: &Budget, name: &str) -> Result<bool, Error> {
    let req = clients.lambda.delete_function().function_name(name);
    match clients
        .send(budget, "DeleteFunction", || req.clone().send())
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Waits until the function is gone. While durable executions drain AWS keeps it
/// `Deleting` (`DrainingDurableExecutions`), which is logged.
pub async fn wait_deleted(clients: &AwsClients, budget: &Budget, name: &str) -> Result<(), Error> {
    let what = format!("function {name:?} to be deleted");
    let opts = WaitOptions {
        first_delay: Duration::from_millis(100),
        ..WaitOptions::default()
    };
    wait_for(&what, &opts, budget, || async move {
        Ok(match get(clients, budget, name).await? {
            None => Status::Ready(()),
            Some(out) => {
                let c = out.configuration();
                let reason = c
                    .and_then(|c| c.state_reason_code())
                    .map(|r| r.as_str().to_string());
                if let Some(reason) = &reason {
                    tracing::info!(name, reason = %reason, "function still deleting");
                }
                Status::Pending(
                    c.and_then(|c| c.state())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                )
            }
        })
    })
    .await
}

/// The published versions of function `name`, by number, in AWS's order.
pub async fn published_versions(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Vec<String>, Error> {
    Ok(functions::published_versions(clients, budget, name)
        .await?
        .iter()
        .filter_map(|v| v.version().map(str::to_string))
        .collect())
}
