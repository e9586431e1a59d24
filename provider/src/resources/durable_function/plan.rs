//! What a plan of `lambda_durable_function` changes beyond the common pipeline: whether
//! the code changes (so `code_sha256` becomes unknown and the update uploads it), the
//! versions a publish makes unknown, the replacement AWS requires when a capacity
//! provider is added or removed, and the capacity provider to check at plan time.
//!
//! The code's location is write-only, so a change of code is found from what the code
//! *is*: `source_code_hash`, the local zip's hash against AWS's `code_sha256`, the S3
//! location against the one recorded in private state at the last apply, and the image
//! URI.

use aws_sdk_lambda::types::CapacityProvider;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::PlanContext;
use tfplug::value::{AttributePath, Value};

use super::api::ConfigChanges;
use super::model::FunctionModel;
use super::rules::{CapacityProviderFacts, capacity_provider_rules};
use super::schema::names::*;
use crate::aws::Error;
use crate::resources::common::{DESTROY_ANYWAY, STATE, set_attr};

/// Attributes and blocks UpdateFunctionConfiguration changes.
const CONFIGURATION: [&str; 18] = [
    ROLE,
    RUNTIME,
    HANDLER,
    DESCRIPTION,
    TIMEOUT,
    MEMORY_SIZE,
    LAYERS,
    KMS_KEY_ARN,
    ENVIRONMENT,
    VPC_CONFIG,
    IMAGE_CONFIG,
    LOGGING_CONFIG,
    EPHEMERAL_STORAGE,
    TRACING_CONFIG,
    DEAD_LETTER_CONFIG,
    FILE_SYSTEM_CONFIG,
    DURABLE_CONFIG,
    CAPACITY_PROVIDER_CONFIG,
];

/// Attributes whose change means new code (UpdateFunctionCode).
const CODE: [&str; 4] = [
    SOURCE_CODE_HASH,
    IMAGE_URI,
    SOURCE_KMS_KEY_ARN,
    ARCHITECTURES,
];

/// The configuration attributes that differ between the prior state and the plan.
pub fn config_changes(prior: &Value, planned: &Value) -> ConfigChanges {
    ConfigChanges {
        changed: CONFIGURATION
            .into_iter()
            .filter(|name| planned.get_attr(name) != prior.get_attr(name))
            .collect(),
    }
}

/// Whether the plan uploads code: [`plan_code_and_versions`] made `code_sha256` unknown.
pub fn code_changes(planned: &Value) -> bool {
    planned.get_attr(CODE_SHA256).is_some_and(Value::is_unknown)
}

/// Whether `publish` went from false to true.
pub fn publish_turned_on(prior: &Value, planned: &Value) -> bool {
    prior.get_attr(PUBLISH) != Some(&Value::Bool(true))
        && planned.get_attr(PUBLISH) == Some(&Value::Bool(true))
}

/// The `version` of a function that has published nothing (or whose published version is
/// gone): its unpublished code and configuration.
pub const LATEST: &str = "$LATEST";

/// True when the function publishes (before and after) but its state holds no published
/// version: the read found the version it had published deleted (by another resource or
/// outside Terraform), so the apply publishes again.
pub fn published_version_missing(prior: &Value, planned: &Value) -> bool {
    prior.get_attr(PUBLISH) == Some(&Value::Bool(true))
        && planned.get_attr(PUBLISH) == Some(&Value::Bool(true))
        && prior.get_attr(VERSION) == Some(&Value::string(LATEST))
}

/// AWS's `CodeSha256` of a zip: the base64 SHA-256 of its bytes.
pub fn zip_sha256(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

/// The private state recorded at apply: the S3 location the code came from (empty for
/// other sources), to notice a new location although it is write-only.
pub fn code_fingerprint(config: &FunctionModel) -> Vec<u8> {
    match (config.s3_bucket.known(), config.s3_key.known()) {
        (Some(bucket), Some(key)) => format!(
            "s3://{bucket}/{key}#{}",
            config
                .s3_object_version
                .known()
                .map(String::as_str)
                .unwrap_or("")
        )
        .into_bytes(),
        _ => Vec::new(),
    }
}

fn text<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get_attr(name).and_then(Value::as_str)
}

/// An error at `filename` when the deployment package cannot be read, for a plan whose
/// apply uploads it: a missing file then fails the plan, not the apply.
pub fn unreadable_package(config: &Value) -> Option<Diagnostic> {
    let path = text(config, FILENAME)?;
    let error = std::fs::metadata(path)
        .and_then(|m| {
            if m.is_file() {
                Ok(())
            } else {
                Err(std::io::Error::other("it is not a file"))
            }
        })
        .err()?;
    Some(
        Diagnostic::error(
            "Cannot read the deployment package",
            format!(
                "{path:?}: {error}. A relative path is read from the directory Terraform runs \
                 in; `\"${{path.module}}/...\"` names a file next to the configuration. Build \
                 the .zip before planning (the archive_file data source does), or use \
                 s3_bucket/s3_key.\n\n{DESTROY_ANYWAY}"
            ),
        )
        .at(AttributePath::attr(FILENAME)),
    )
}

/// Whether the configuration's code differs from what AWS holds (see the module docs).
fn code_differs(p: &PlanContext) -> bool {
    if CODE
        .iter()
        .any(|name| p.planned.get_attr(name) != p.prior.get_attr(name))
    {
        return true;
    }
    if let Some(path) = text(&p.config, FILENAME)
        && let Ok(bytes) = std::fs::read(path)
        && text(&p.prior, CODE_SHA256).is_some_and(|sha| sha != zip_sha256(&bytes))
    {
        tracing::debug!(path, "the zip differs from the code AWS holds");
        return true;
    }
    let model: FunctionModel = tfplug::resource::decode_model(&p.config).unwrap_or_default();
    let fingerprint = code_fingerprint(&model);
    !p.private.is_empty() && !fingerprint.is_empty() && fingerprint != p.private
}

/// Plans `code_sha256`/`source_code_size` (unknown when the code changes) and the
/// version attributes (unknown when a publish may make a new version).
pub fn plan_code_and_versions(p: &mut PlanContext) {
    if p.is_create() {
        return;
    }
    if code_differs(p) {
        // What AWS changes with new code; the common pipeline only plans it when the
        // configuration changed, which a new zip under the same name does not.
        for name in [
            CODE_SHA256,
            SOURCE_CODE_SIZE,
            REVISION_ID,
            LAST_MODIFIED,
            STATE,
        ] {
            set_attr(&mut p.planned, name, Value::Unknown);
        }
        // Not configured, it follows AWS's hash of the new code.
        if p.config
            .get_attr(SOURCE_CODE_HASH)
            .is_none_or(Value::is_null)
        {
            set_attr(&mut p.planned, SOURCE_CODE_HASH, Value::Unknown);
        }
    }
    let config_changed = !config_changes(&p.prior, &p.planned).changed.is_empty();
    if config_changed {
        set_attr(&mut p.planned, CONFIG_SHA256, Value::Unknown);
    }
    // Exactly when the apply publishes (see the resource's `apply_changes`): not for
    // a change of tags or timeouts only.
    let publishes = p.planned.get_attr(PUBLISH) == Some(&Value::Bool(true))
        && (code_changes(&p.planned)
            || config_changed
            || publish_turned_on(&p.prior, &p.planned)
            || published_version_missing(&p.prior, &p.planned));
    if publishes {
        // Publishing also gives the function a new revision.
        for name in [VERSION, QUALIFIED_ARN, QUALIFIED_INVOKE_ARN, REVISION_ID] {
            set_attr(&mut p.planned, name, Value::Unknown);
        }
    }
}

fn block_len(v: &Value, name: &str) -> Option<usize> {
    let block = v.get_attr(name)?;
    if block.is_unknown() {
        return None;
    }
    Some(block.as_elements().map_or(0, <[Value]>::len))
}

/// AWS refuses to add or remove a function's capacity provider in place: the plan
/// replaces the function (changing the ARN is `requires_replace` in the schema).
pub fn replace_on_capacity_provider_presence(p: &mut PlanContext) {
    if p.is_create() {
        return;
    }
    if let (Some(before), Some(after)) = (
        block_len(&p.prior, CAPACITY_PROVIDER_CONFIG),
        block_len(&p.planned, CAPACITY_PROVIDER_CONFIG),
    ) && before != after
    {
        p.requires_replace
            .push(AttributePath::attr(CAPACITY_PROVIDER_CONFIG));
    }
}

fn capacity_provider_arn(v: &Value) -> Option<&Value> {
    v.get_attr(CAPACITY_PROVIDER_CONFIG)?
        .as_elements()?
        .first()?
        .get_attr(MANAGED_INSTANCES)?
        .as_elements()?
        .first()?
        .get_attr(CAPACITY_PROVIDER_ARN)
}

/// The capacity provider to look up at plan time (a new function, or a new ARN, known
/// now), and how to turn the look-up into diagnostics. AWS that cannot be reached gives
/// a warning, not a failure: the apply checks again.
#[allow(clippy::type_complexity)]
pub fn capacity_provider_check(
    p: &PlanContext,
) -> Option<(
    String,
    impl FnOnce(Result<Option<CapacityProvider>, Error>) -> Diagnostics + use<>,
)> {
    let arn = capacity_provider_arn(&p.planned)?.as_str()?.to_string();
    if !p.is_create() && capacity_provider_arn(&p.prior).and_then(Value::as_str) == Some(&arn) {
        return None;
    }
    let config = p.config.clone();
    let looked_up = arn.clone();
    Some((
        arn,
        move |found: Result<Option<CapacityProvider>, Error>| {
            let facts = match found {
                Ok(None) => CapacityProviderFacts::Missing,
                Ok(Some(cp)) => CapacityProviderFacts::Found {
                    architectures: cp
                        .instance_requirements()
                        .map(|r| {
                            r.architectures()
                                .iter()
                                .map(|a| a.as_str().to_string())
                                .collect()
                        })
                        .unwrap_or_default(),
                },
                Err(e) => {
                    return Diagnostic::warning(
                        "Capacity provider not checked",
                        format!(
                            "Could not look up capacity provider {looked_up:?} at plan time ({e}); \
                         its existence and architecture are checked when AWS creates the \
                         function."
                        ),
                    )
                    .into();
                }
            };
            capacity_provider_rules(&config, &looked_up, &facts)
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_hash_is_what_aws_reports() {
        // base64(sha256("")), as Lambda reports CodeSha256.
        assert_eq!(
            zip_sha256(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn s3_fingerprint_names_the_object_version() {
        let m = FunctionModel {
            s3_bucket: tfplug::value::Maybe::Known("b".into()),
            s3_key: tfplug::value::Maybe::Known("k.zip".into()),
            s3_object_version: tfplug::value::Maybe::Known("3".into()),
            ..Default::default()
        };
        assert_eq!(code_fingerprint(&m), b"s3://b/k.zip#3");
        assert!(code_fingerprint(&FunctionModel::default()).is_empty());
    }
}
