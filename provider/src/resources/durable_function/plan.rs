//! What a plan of `lambda_durable_function` changes beyond the common pipeline: AWS's
//! default memory for an unset `memory_size`, whether the code changes (so `code_sha256`
//! becomes unknown and the update uploads it), the versions a publish makes unknown (or
//! `$LATEST` when `publish` is off), the replacement AWS requires when a capacity
//! provider is added or removed, the capacity provider to check at plan time, and the
//! warnings of an update that deletes every environment variable (generated
//! configuration) and of a replacement that deletes published versions.
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
use tfplug::schema::Block;
use tfplug::value::{AttributePath, Value};

use super::api::ConfigChanges;
use super::model::{
    DEFAULT_EPHEMERAL_STORAGE_MB, DEFAULT_LOG_FORMAT, DEFAULT_TRACING_MODE, FunctionModel,
    default_log_group,
};
use super::rules::{CapacityProviderFacts, capacity_provider_rules, on_capacity_provider};
use super::schema::DEFAULT_MEMORY_SIZE;
use super::schema::names::*;
use crate::aws::Error;
use crate::resources::common::state::same_meaning;
use crate::resources::common::{DESTROY_ANYWAY, REGION, STATE, set_attr};

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

/// Whether attribute `name` means something else in `planned` than in `prior`: an
/// argument going between `""` (or an empty list) and unset changes nothing in AWS, so
/// it sends nothing (and publishes nothing).
fn differs<'a>(prior: &'a Value, planned: &'a Value, name: &str) -> bool {
    let function_name = text(planned, FUNCTION_NAME).unwrap_or_default();
    let as_sent = |v: &'a Value| -> &'a Value {
        if is_aws_default_block(name, v, function_name) {
            &Value::Null
        } else {
            v
        }
    };
    let (before, after) = (
        as_sent(prior.get_attr(name).unwrap_or(&Value::Null)),
        as_sent(planned.get_attr(name).unwrap_or(&Value::Null)),
    );
    !same_meaning(before, after)
}

/// Whether `value`, block `name` of function `function_name`, holds only what AWS sets
/// when the block is left out: writing it out (as after an import, whose state leaves
/// such blocks out) or removing it changes nothing in AWS, so nothing is sent. Values
/// still unknown are AWS's to choose, as when the block is left out.
fn is_aws_default_block(name: &str, value: &Value, function_name: &str) -> bool {
    let Some([block]) = value.as_elements() else {
        return false;
    };
    let is =
        |attr: &str, expected: &str| block.get_attr(attr).and_then(Value::as_str) == Some(expected);
    let unset = |attr: &str| {
        block
            .get_attr(attr)
            .is_none_or(|v| v.is_null() || v.is_unknown())
    };
    match name {
        TRACING_CONFIG => is(MODE, DEFAULT_TRACING_MODE),
        EPHEMERAL_STORAGE => {
            block
                .get_attr(SIZE)
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                == Some(DEFAULT_EPHEMERAL_STORAGE_MB)
        }
        LOGGING_CONFIG => {
            is(LOG_FORMAT, DEFAULT_LOG_FORMAT)
                && unset(APPLICATION_LOG_LEVEL)
                && unset(SYSTEM_LOG_LEVEL)
                && (unset(LOG_GROUP) || is(LOG_GROUP, &default_log_group(function_name)))
        }
        _ => false,
    }
}

/// The configuration attributes that differ between the prior state and the plan.
pub fn config_changes(prior: &Value, planned: &Value) -> ConfigChanges {
    ConfigChanges {
        changed: CONFIGURATION
            .into_iter()
            .filter(|name| differs(prior, planned, name))
            .collect(),
    }
}

/// The configuration attributes where what AWS holds (`remote`, as a state) is not what a
/// create planned: values the plan left unknown (AWS chooses them) match anything.
pub fn differences_from_create_plan(remote: &Value, planned: &Value) -> ConfigChanges {
    ConfigChanges {
        changed: CONFIGURATION
            .into_iter()
            .filter(|name| {
                known_parts_differ(
                    remote.get_attr(name).unwrap_or(&Value::Null),
                    planned.get_attr(name).unwrap_or(&Value::Null),
                )
            })
            .collect(),
    }
}

/// Whether `remote` differs from `planned` where `planned` is known.
fn known_parts_differ(remote: &Value, planned: &Value) -> bool {
    match (remote, planned) {
        (_, Value::Unknown) => false,
        (Value::Object(r), Value::Object(p)) => p
            .iter()
            .any(|(k, v)| known_parts_differ(r.get(k).unwrap_or(&Value::Null), v)),
        (Value::List(r), Value::List(p)) if r.len() == p.len() => {
            r.iter().zip(p).any(|(r, p)| known_parts_differ(r, p))
        }
        _ => !same_meaning(remote, planned),
    }
}

/// Plans `vpc_config[0].vpc_id` unknown when the subnets or security groups change: AWS
/// derives it from them (none for empty lists, which detach the function), while
/// `use_state_for_unknown` would keep the old VPC.
pub fn plan_vpc_id(p: &mut PlanContext) {
    if p.is_create() {
        return;
    }
    let members = |v: &Value| {
        let first = v.get_attr(VPC_CONFIG)?.as_elements()?.first()?.clone();
        Some((
            first.get_attr(SUBNET_IDS).cloned(),
            first.get_attr(SECURITY_GROUP_IDS).cloned(),
        ))
    };
    let Some(planned) = members(&p.planned) else {
        return;
    };
    if members(&p.prior) == Some(planned) {
        return;
    }
    if let Value::Object(attrs) = &mut p.planned
        && let Some(Value::List(items)) = attrs.get_mut(VPC_CONFIG)
        && let Some(first) = items.first_mut()
    {
        set_attr(first, VPC_ID, Value::Unknown);
    }
}

/// Whether `value` (the plan or the state) has `vpc_config` with empty `subnet_ids` and
/// `security_group_ids`: the AWS provider's way of saying "no VPC".
pub fn empty_vpc_config(value: &Value) -> bool {
    let empty = |item: &Value, name: &str| {
        item.get_attr(name)
            .is_some_and(|v| v.is_null() || v.as_elements().is_some_and(<[Value]>::is_empty))
    };
    value
        .get_attr(VPC_CONFIG)
        .and_then(Value::as_elements)
        .is_some_and(|items| {
            items.len() == 1
                && items
                    .iter()
                    .all(|item| empty(item, SUBNET_IDS) && empty(item, SECURITY_GROUP_IDS))
        })
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
pub use crate::resources::common::functions::LATEST;

/// True when the function publishes (before and after) but its state holds no published
/// version: the read found the version it had published deleted (by another resource or
/// outside Terraform), so the apply publishes again.
pub fn published_version_missing(prior: &Value, planned: &Value) -> bool {
    prior.get_attr(PUBLISH) == Some(&Value::Bool(true))
        && planned.get_attr(PUBLISH) == Some(&Value::Bool(true))
        && prior.get_attr(VERSION) == Some(&Value::string(LATEST))
}

/// What `$LATEST` (`latest`) holds that the version this resource published
/// (`published`) does not, both as flattened from AWS's answers: the attributes, among the
/// configuration and the code's hash, that differ. Not empty when an apply changed the
/// function but was interrupted before it published (the state keeps the old version
/// while a refresh reads the new configuration), or when `$LATEST` was changed outside
/// Terraform. The description is left out, as PublishVersion leaves it out when it
/// decides whether anything changed since the last version: comparing it would plan a
/// publish that AWS answers with the same version, on every plan.
pub fn unpublished_changes(latest: &Value, published: &Value) -> Vec<&'static str> {
    CONFIGURATION
        .into_iter()
        .chain([CODE_SHA256])
        .filter(|name| *name != DESCRIPTION && differs(published, latest, name))
        .collect()
}

/// `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`: the ARN
/// API Gateway invokes a function (or, with a qualified ARN, a version) through.
pub fn invoke_arn(function_arn: &str, region: &str) -> String {
    let partition = function_arn.split(':').nth(1).unwrap_or("aws");
    format!(
        "arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )
}

/// Plans AWS's default memory for a `memory_size` the configuration leaves unset, as the
/// AWS provider's `aws_lambda_function` does (its schema default): on a function not on a
/// capacity provider, [`DEFAULT_MEMORY_SIZE`], so removing the argument restores it (and
/// an imported or moved function with other memory plans the change). On a capacity
/// provider AWS documents no default: the value AWS chose, or the last one set, stays
/// (`use_state_for_unknown`). Unknown while the presence of `capacity_provider_config`
/// is.
///
/// Not a schema default (`Attribute::default_value`), which cannot depend on another
/// block; so, set after the common pipeline, a plan where only this differs gets what
/// the pipeline plans for any change (the revision and the like unknown) by running the
/// pipeline again. Call it first in `modify_plan`, on the plan the pipeline made.
pub fn plan_memory_default(p: &mut PlanContext, block: &Block) {
    if !p.config.get_attr(MEMORY_SIZE).is_some_and(Value::is_null) {
        return;
    }
    let memory = match on_capacity_provider(&p.config) {
        Some(true) => return,
        Some(false) => Value::number(DEFAULT_MEMORY_SIZE),
        None => Value::Unknown,
    };
    if p.planned.get_attr(MEMORY_SIZE) == Some(&memory) {
        return;
    }
    // The pipeline found nothing to change (it plans exactly the prior state then).
    let was_unchanged = !p.is_create() && p.planned == p.prior;
    set_attr(&mut p.planned, MEMORY_SIZE, memory);
    if was_unchanged {
        p.planned = tfplug::plan::plan_change(block, &p.prior, &p.planned, &p.config).planned;
    }
}

/// Plans `version`, `qualified_arn` and `qualified_invoke_arn` of an update when
/// `publish` is off: `$LATEST`, which holds what the apply leaves (the versions
/// published before stay in AWS but no longer name the function's configuration);
/// unknown while `publish` is. With `publish = true`, [`plan_code_and_versions`] plans
/// them unknown exactly when the apply publishes.
pub fn plan_unpublished_version(p: &mut PlanContext) {
    if p.is_create() {
        return;
    }
    match p.planned.get_attr(PUBLISH) {
        Some(Value::Bool(false)) => {}
        Some(v) if v.is_unknown() => {
            // The apply may publish (which also gives the function a new revision).
            for name in [VERSION, QUALIFIED_ARN, QUALIFIED_INVOKE_ARN, REVISION_ID] {
                set_attr(&mut p.planned, name, Value::Unknown);
            }
            return;
        }
        _ => return,
    }
    if text(&p.planned, VERSION) == Some(LATEST) {
        return;
    }
    let (qualified, invoke) = match (text(&p.planned, ARN), text(&p.planned, REGION)) {
        (Some(arn), Some(region)) => {
            let qualified = format!("{arn}:{LATEST}");
            let invoke = Value::string(invoke_arn(&qualified, region));
            (Value::string(qualified), invoke)
        }
        _ => (Value::Unknown, Value::Unknown),
    };
    set_attr(&mut p.planned, VERSION, Value::string(LATEST));
    set_attr(&mut p.planned, QUALIFIED_ARN, qualified);
    set_attr(&mut p.planned, QUALIFIED_INVOKE_ARN, invoke);
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

/// An error at `filename` when the deployment package cannot be read or is not a .zip
/// archive, for a plan whose apply uploads it: such a file then fails the plan, not the
/// apply (where AWS answers only "Could not unzip uploaded file").
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
        .and_then(|()| {
            let mut start = [0u8; 4];
            let read = std::io::Read::read(&mut std::fs::File::open(path)?, &mut start)?;
            if is_zip_start(&start[..read]) {
                Ok(())
            } else {
                Err(std::io::Error::other(
                    "it is not a .zip archive (a .zip starts with the bytes \"PK\")",
                ))
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

/// Whether `start`, a file's first bytes, begins a .zip archive: a local file header, or
/// the end of the central directory of an empty archive.
fn is_zip_start(start: &[u8]) -> bool {
    start == b"PK\x03\x04" || start == b"PK\x05\x06"
}

/// The private state a refresh leaves when AWS's code is not what the last apply left
/// ([`code_changed_outside`]), until an apply deploys the configured code again. Never a
/// [`code_fingerprint`], which starts with `s3://`.
pub const CODE_CHANGED_OUTSIDE: &[u8] = b"code changed outside Terraform";

/// Whether AWS's `code_sha256` (`now`) is not the one the stored state (`stored`, what
/// the last apply or refresh left) records: someone deployed other code outside
/// Terraform. A configuration whose code location did not change cannot show that, so
/// the refresh marks it ([`CODE_CHANGED_OUTSIDE`]).
pub fn code_changed_outside(stored: &Value, now: Option<&str>) -> bool {
    matches!(
        (text(stored, CODE_SHA256), now),
        (Some(before), Some(after)) if !before.is_empty() && before != after
    )
}

/// Whether the configuration's code differs from what AWS holds (see the module docs).
fn code_differs(p: &PlanContext) -> bool {
    if CODE.iter().any(|name| differs(&p.prior, &p.planned, name)) {
        return true;
    }
    if let Some(path) = text(&p.config, FILENAME)
        && let Ok(bytes) = std::fs::read(path)
    {
        // The zip says what the configuration deploys, whatever happened outside.
        let differs = text(&p.prior, CODE_SHA256).is_some_and(|sha| sha != zip_sha256(&bytes));
        if differs {
            tracing::debug!(path, "the zip differs from the code AWS holds");
        }
        return differs;
    }
    if p.private == CODE_CHANGED_OUTSIDE {
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
    // Whenever the apply sends anything: AWS's hash covers more than what
    // UpdateFunctionConfiguration sends (UpdateFunctionCode sends `architectures`, which
    // it includes), and which members it covers is not documented.
    if config_changed || code_changes(&p.planned) {
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

/// The number of environment variables in `value`'s `environment` block: `None` while
/// unknown, 0 without the block or with null or empty variables.
fn environment_variables(value: &Value) -> Option<usize> {
    let block = value.get_attr(ENVIRONMENT)?;
    if block.is_unknown() {
        return None;
    }
    let Some(first) = block.as_elements().and_then(<[Value]>::first) else {
        return Some(0);
    };
    match first.get_attr(VARIABLES) {
        None | Some(Value::Null) => Some(0),
        Some(Value::Map(vars)) => Some(vars.len()),
        Some(_) => None,
    }
}

/// A warning at `environment[0].variables` when an update removes every environment
/// variable the function has: most often generated configuration (`terraform query
/// -generate-config-out`, `terraform plan -generate-config-out`), which cannot hold
/// sensitive values and writes `variables = null # sensitive`.
pub fn removed_environment_warning(p: &PlanContext) -> Option<Diagnostic> {
    if p.is_create() {
        return None;
    }
    let had = environment_variables(&p.prior).filter(|n| *n > 0)?;
    if environment_variables(&p.planned)? != 0 {
        return None;
    }
    let label = crate::resources::common::label(
        super::TYPE_NAME,
        text(&p.prior, FUNCTION_NAME).unwrap_or_default(),
    );
    let plural = if had == 1 { "" } else { "s" };
    Some(
        Diagnostic::warning(
            format!("{label}: the apply deletes its {had} environment variable{plural}"),
            format!(
                "The function has {had} environment variable{plural} and the configuration \
                 gives it none (environment.variables is null or empty, or there is no \
                 environment block), so the apply removes them from the function. \
                 Configuration generated by `terraform query -generate-config-out` or \
                 `terraform plan -generate-config-out` cannot contain sensitive values: it \
                 writes `variables = null # sensitive`. Fill in environment.variables with \
                 the function's variables before applying. If removing them is intended, \
                 ignore this warning."
            ),
        )
        .at(AttributePath::attr(ENVIRONMENT)
            .child_index(0)
            .child_attr(VARIABLES)),
    )
}

/// At most this many versions are named in [`replacement_deletes_versions`].
const VERSIONS_NAMED: usize = 20;

/// The warning of a plan that replaces function `name` (`label` in diagnostics):
/// DeleteFunction deletes every published version with it, `versions` (as
/// ListVersionsByFunction answered, `$LATEST` left out, or its error); `None` when it has
/// none.
pub fn replacement_deletes_versions(
    label: &str,
    name: &str,
    versions: Result<Vec<String>, Error>,
) -> Option<Diagnostic> {
    const RECREATED: &str = "A lambda_function_version that holds one of them (through this \
         function's name) is not shown in this plan, because none of its arguments change: \
         the apply deletes its version, and it is recreated (the plan after this apply finds \
         the version gone and creates it again; AWS numbers the new function's versions from \
         1). To replace such versions in this same apply, give them triggers on this \
         function's code_sha256 and config_sha256, which a replacement makes unknown.";
    match versions {
        Ok(versions) if versions.is_empty() => None,
        Ok(versions) => {
            let named: Vec<String> = versions
                .iter()
                .take(VERSIONS_NAMED)
                .map(|v| format!("{name}:{v}"))
                .collect();
            let more = versions.len().saturating_sub(VERSIONS_NAMED);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let count = versions.len();
            let plural = if count == 1 { "" } else { "s" };
            Some(Diagnostic::warning(
                format!("{label}: the replacement deletes its {count} published version{plural}"),
                format!(
                    "Replacing the function deletes it with every version published from it: \
                     {}{more}. {RECREATED}",
                    named.join(", ")
                ),
            ))
        }
        Err(e) => Some(Diagnostic::warning(
            format!("{label}: the replacement deletes its published versions"),
            format!(
                "Replacing the function deletes it with every version published from it; \
                 they could not be listed ({e}). {RECREATED}"
            ),
        )),
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
/// replaces the function (changing the ARN is `requires_replace` in the schema). So does
/// a block not known until apply (a `dynamic` block over an unknown list): the plan
/// cannot promise an update in place.
pub fn replace_on_capacity_provider_presence(p: &mut PlanContext) {
    if p.is_create() {
        return;
    }
    let unknown = p
        .planned
        .get_attr(CAPACITY_PROVIDER_CONFIG)
        .is_some_and(Value::is_unknown);
    if unknown
        || matches!(
            (
                block_len(&p.prior, CAPACITY_PROVIDER_CONFIG),
                block_len(&p.planned, CAPACITY_PROVIDER_CONFIG),
            ),
            (Some(before), Some(after)) if before != after
        )
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

/// The capacity provider to look up at plan time (a new function, a new ARN or a new
/// architecture, known now), and how to turn the look-up into diagnostics. AWS that
/// cannot be reached gives a warning, not a failure: the apply checks again.
#[allow(clippy::type_complexity)]
pub fn capacity_provider_check(
    p: &PlanContext,
) -> Option<(
    String,
    impl FnOnce(Result<Option<CapacityProvider>, Error>) -> Diagnostics + use<>,
)> {
    let arn = capacity_provider_arn(&p.planned)?.as_str()?.to_string();
    // An architecture change on the same capacity provider is checked too: AWS refuses
    // it only at apply, after the versions the change replaces are destroyed.
    if !p.is_create()
        && capacity_provider_arn(&p.prior).and_then(Value::as_str) == Some(&arn)
        && p.prior.get_attr(ARCHITECTURES) == p.planned.get_attr(ARCHITECTURES)
    {
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
    use tfplug::resource::ValueType;
    use tfplug::value::Maybe;

    use super::super::model::{CapacityProviderConfigModel, ManagedInstancesModel};
    use super::super::schema::{DEFAULT_TIMEOUT, resource_schema};
    use super::*;

    const ARN_OF_F: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    /// A stored function `f` with `memory` MB, published up to `version`.
    fn stored(memory: i64, publish: bool, version: &str) -> FunctionModel {
        FunctionModel {
            function_name: Maybe::Known("f".into()),
            region: Maybe::Known("us-east-1".into()),
            package_type: Maybe::Known("Zip".into()),
            memory_size: Maybe::Known(memory),
            timeout: Maybe::Known(DEFAULT_TIMEOUT),
            publish: Maybe::Known(publish),
            running_executions_on_destroy: Maybe::Known("fail".into()),
            arn: Maybe::Known(ARN_OF_F.into()),
            version: Maybe::Known(version.into()),
            qualified_arn: Maybe::Known(format!("{ARN_OF_F}:{version}")),
            revision_id: Maybe::Known("r1".into()),
            ..FunctionModel::default()
        }
    }

    fn on_a_capacity_provider(mut m: FunctionModel) -> FunctionModel {
        m.capacity_provider_config = vec![CapacityProviderConfigModel {
            lambda_managed_instances_capacity_provider_config: vec![ManagedInstancesModel {
                capacity_provider_arn: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp"
                    .into(),
                ..ManagedInstancesModel::default()
            }],
        }];
        m
    }

    /// `$LATEST` after an update of memory that never published, against the version
    /// published before it: memory is named; a description alone, or the version's own
    /// number, ARN and revision, are not.
    #[test]
    fn a_published_version_is_out_of_date_when_latest_holds_other_configuration() {
        let ty = ValueType::of(&resource_schema());
        let encode = |m: &FunctionModel| match ty.encode(m) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        let published = stored(256, true, "1");
        let mut latest = stored(256, true, "$LATEST");
        latest.revision_id = Maybe::Known("r2".into());
        latest.description = Maybe::Known("described after publishing".into());
        assert!(unpublished_changes(&encode(&latest), &encode(&published)).is_empty());

        latest.memory_size = Maybe::Known(512);
        assert_eq!(
            unpublished_changes(&encode(&latest), &encode(&published)),
            [MEMORY_SIZE]
        );
        latest.code_sha256 = Maybe::Known("new-hash".into());
        assert_eq!(
            unpublished_changes(&encode(&latest), &encode(&published)),
            [MEMORY_SIZE, CODE_SHA256]
        );
    }

    /// The configuration of `f` that leaves `memory_size` and `timeout` unset.
    fn unset(publish: bool) -> FunctionModel {
        FunctionModel {
            function_name: Maybe::Known("f".into()),
            publish: Maybe::Known(publish),
            ..FunctionModel::default()
        }
    }

    /// The context `modify_plan` gets after the common pipeline, for an update from
    /// `prior` to `config` (Terraform proposes the prior value of unset computed ones).
    fn planned(prior: &FunctionModel, config: &FunctionModel) -> PlanContext {
        planned_with(prior, config, &[])
    }

    /// [`planned`], with the configuration's `configured` attributes and blocks proposed
    /// (as Terraform proposes configured values).
    fn planned_with(
        prior: &FunctionModel,
        config: &FunctionModel,
        configured: &[&str],
    ) -> PlanContext {
        let schema = resource_schema();
        let ty = ValueType::of(&schema);
        let encode = |m: &FunctionModel| match ty.encode(m) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        let (prior, config) = (encode(prior), encode(config));
        let mut proposed = prior.clone();
        set_attr(
            &mut proposed,
            PUBLISH,
            config.get_attr(PUBLISH).cloned().unwrap_or(Value::Null),
        );
        for name in configured {
            set_attr(
                &mut proposed,
                name,
                config.get_attr(name).cloned().unwrap_or(Value::Null),
            );
        }
        let change = tfplug::plan::plan_change(&schema.block, &prior, &proposed, &config);
        PlanContext {
            prior,
            config,
            planned: change.planned,
            requires_replace: change.requires_replace,
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
            ty,
        }
    }

    #[test]
    fn unset_memory_plans_the_default_off_a_capacity_provider() {
        let schema = resource_schema();
        let mut p = planned(&stored(256, false, LATEST), &unset(false));
        assert_eq!(p.planned, p.prior, "the pipeline alone sees no change");
        plan_memory_default(&mut p, &schema.block);
        assert_eq!(
            p.planned.get_attr(MEMORY_SIZE),
            Some(&Value::number(DEFAULT_MEMORY_SIZE))
        );
        // What AWS changes with any update is unknown, as for any other change.
        assert_eq!(p.planned.get_attr(REVISION_ID), Some(&Value::Unknown));
        assert_eq!(p.planned.get_attr(ARN), p.prior.get_attr(ARN));

        // Already the default: nothing changes.
        let mut p = planned(&stored(DEFAULT_MEMORY_SIZE, false, LATEST), &unset(false));
        plan_memory_default(&mut p, &schema.block);
        assert_eq!(p.planned, p.prior);
    }

    #[test]
    fn unset_memory_keeps_the_current_value_on_a_capacity_provider() {
        let schema = resource_schema();
        let prior = on_a_capacity_provider(stored(4096, false, LATEST));
        let mut p = planned(&prior, &on_a_capacity_provider(unset(false)));
        plan_memory_default(&mut p, &schema.block);
        assert_eq!(p.planned, p.prior);
    }

    #[test]
    fn configured_memory_is_left_to_the_configuration() {
        let schema = resource_schema();
        let mut config = unset(false);
        config.memory_size = Maybe::Known(512);
        let mut p = planned(&stored(256, false, LATEST), &config);
        let before = p.planned.clone();
        plan_memory_default(&mut p, &schema.block);
        assert_eq!(p.planned, before);
    }

    #[test]
    fn publish_off_plans_latest() {
        let mut p = planned(&stored(128, true, "4"), &unset(false));
        plan_unpublished_version(&mut p);
        let latest = format!("{ARN_OF_F}:{LATEST}");
        assert_eq!(p.planned.get_attr(VERSION), Some(&Value::string(LATEST)));
        assert_eq!(
            p.planned.get_attr(QUALIFIED_ARN),
            Some(&Value::string(&latest))
        );
        assert_eq!(
            p.planned.get_attr(QUALIFIED_INVOKE_ARN),
            Some(&Value::string(invoke_arn(&latest, "us-east-1")))
        );

        // Still on: the version stays until a publish (planned unknown then).
        let mut p = planned(&stored(128, true, "4"), &unset(true));
        plan_unpublished_version(&mut p);
        assert_eq!(p.planned.get_attr(VERSION), Some(&Value::string("4")));
    }

    fn in_vpc(mut m: FunctionModel, subnets: &[&str], vpc_id: Option<&str>) -> FunctionModel {
        m.vpc_config = vec![super::super::model::VpcConfigModel {
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            security_group_ids: subnets.iter().map(|_| "sg-1".to_string()).collect(),
            ipv6_allowed_for_dual_stack: Some(false),
            vpc_id: vpc_id.map(str::to_string),
        }];
        m
    }

    fn vpc_id(v: &Value) -> Option<&Value> {
        v.get_attr(VPC_CONFIG)?
            .as_elements()?
            .first()?
            .get_attr(VPC_ID)
    }

    #[test]
    fn new_subnets_plan_an_unknown_vpc() {
        let prior = in_vpc(stored(128, false, LATEST), &["subnet-1"], Some("vpc-1"));
        let schema = resource_schema();
        let ty = ValueType::of(&schema);
        // What the pipeline plans for new lists: the VPC of the prior state.
        let planned = |subnets: &[&str]| {
            let mut p = planned(&prior, &prior);
            match ty.encode(&in_vpc(stored(128, false, LATEST), subnets, Some("vpc-1"))) {
                Ok(v) => p.planned = v,
                Err(e) => panic!("{e:?}"),
            }
            p
        };
        // Detached by empty lists: AWS names no VPC any more.
        let mut p = planned(&[]);
        assert!(empty_vpc_config(&p.planned) && !empty_vpc_config(&p.prior));
        assert_eq!(vpc_id(&p.planned), Some(&Value::string("vpc-1")));
        plan_vpc_id(&mut p);
        assert_eq!(vpc_id(&p.planned), Some(&Value::Unknown));
        assert_eq!(config_changes(&p.prior, &p.planned).changed, [VPC_CONFIG]);

        // The same subnets: the VPC stays.
        let mut p = planned(&["subnet-1"]);
        plan_vpc_id(&mut p);
        assert_eq!(vpc_id(&p.planned), Some(&Value::string("vpc-1")));
    }

    #[test]
    fn empty_strings_change_nothing_in_aws() {
        let mut prior = stored(128, false, LATEST);
        prior.kms_key_arn = Maybe::Known(String::new());
        prior.description = Maybe::Known(String::new());
        let schema = resource_schema();
        let ty = ValueType::of(&schema);
        let encode = |m: &FunctionModel| match ty.encode(m) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        let unset = stored(128, false, LATEST);
        assert!(
            config_changes(&encode(&prior), &encode(&unset))
                .changed
                .is_empty()
        );
        let mut described = stored(128, false, LATEST);
        described.description = Maybe::Known("orders".into());
        assert_eq!(
            config_changes(&encode(&prior), &encode(&described)).changed,
            [DESCRIPTION]
        );
    }

    #[test]
    fn a_new_architecture_makes_config_sha256_unknown() {
        let mut prior = stored(128, false, LATEST);
        prior.architectures = Maybe::Known(vec!["x86_64".into()]);
        prior.config_sha256 = Maybe::Known("h".into());
        prior.code_sha256 = Maybe::Known("c".into());
        let mut config = unset(false);
        config.architectures = Maybe::Known(vec!["arm64".into()]);
        let mut p = planned_with(&prior, &config, &[ARCHITECTURES]);
        plan_code_and_versions(&mut p);
        assert!(code_changes(&p.planned));
        assert_eq!(p.planned.get_attr(CONFIG_SHA256), Some(&Value::Unknown));

        // Nothing sent: the hash stays.
        config.architectures = Maybe::Known(vec!["x86_64".into()]);
        let mut p = planned_with(&prior, &config, &[ARCHITECTURES]);
        plan_code_and_versions(&mut p);
        assert_eq!(p.planned.get_attr(CONFIG_SHA256), Some(&Value::string("h")));
    }

    /// On the same capacity provider, a new architecture is looked up (AWS would refuse a
    /// mismatch only at apply); an unrelated change is not.
    #[test]
    fn a_new_architecture_on_a_capacity_provider_is_checked_at_plan() {
        let mut prior = on_a_capacity_provider(stored(2048, false, LATEST));
        prior.architectures = Maybe::Known(vec!["arm64".into()]);
        let mut config = on_a_capacity_provider(unset(false));
        config.memory_size = Maybe::Known(4096);
        config.architectures = Maybe::Known(vec!["arm64".into()]);
        let unchanged = planned_with(
            &prior,
            &config,
            &[MEMORY_SIZE, ARCHITECTURES, CAPACITY_PROVIDER_CONFIG],
        );
        assert!(capacity_provider_check(&unchanged).is_none());

        config.architectures = Maybe::Known(vec!["x86_64".into()]);
        let changed = planned_with(
            &prior,
            &config,
            &[MEMORY_SIZE, ARCHITECTURES, CAPACITY_PROVIDER_CONFIG],
        );
        let Some((arn, diagnose)) = capacity_provider_check(&changed) else {
            panic!("the new architecture is not checked");
        };
        assert!(arn.ends_with(":capacity-provider:cp"), "{arn}");
        let arm64_only = CapacityProvider::builder()
            .capacity_provider_arn(&arn)
            .state(aws_sdk_lambda::types::CapacityProviderState::Active)
            .instance_requirements(
                aws_sdk_lambda::types::InstanceRequirements::builder()
                    .architectures(aws_sdk_lambda::types::Architecture::Arm64)
                    .build(),
            )
            .build();
        let diags = diagnose(Ok(arm64_only.ok()));
        let error = diags
            .iter()
            .find(|d| d.is_error())
            .unwrap_or_else(|| panic!("no error: {diags:?}"));
        assert_eq!(error.path, Some(AttributePath::attr(ARCHITECTURES)));
    }

    fn with_variables(mut m: FunctionModel, vars: Option<&[(&str, &str)]>) -> FunctionModel {
        m.environment = vec![super::super::model::EnvironmentModel {
            variables: vars.map(|v| {
                v.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
        }];
        m
    }

    #[test]
    fn removing_every_environment_variable_warns_at_variables() {
        let prior = with_variables(stored(128, false, LATEST), Some(&[("A", "1"), ("B", "2")]));
        let planned = |prior: &FunctionModel, config: &FunctionModel| {
            planned_with(prior, config, &[ENVIRONMENT])
        };
        // Generated configuration: `variables = null # sensitive`.
        let p = planned(&prior, &with_variables(unset(false), None));
        let warning = removed_environment_warning(&p);
        let Some(w) = warning else {
            panic!("no warning")
        };
        assert!(
            w.summary.contains("2 environment variables"),
            "{}",
            w.summary
        );
        assert!(w.detail.contains("-generate-config-out"), "{}", w.detail);
        assert_eq!(
            w.path,
            Some(
                AttributePath::attr(ENVIRONMENT)
                    .child_index(0)
                    .child_attr(VARIABLES)
            )
        );
        // No block, or an empty map: the same.
        assert!(removed_environment_warning(&planned(&prior, &unset(false))).is_some());
        assert!(
            removed_environment_warning(&planned(&prior, &with_variables(unset(false), Some(&[]))))
                .is_some()
        );
        // Some kept, or none before: no warning.
        let kept = with_variables(unset(false), Some(&[("A", "1")]));
        assert!(removed_environment_warning(&planned(&prior, &kept)).is_none());
        let none = stored(128, false, LATEST);
        assert!(removed_environment_warning(&planned(&none, &unset(false))).is_none());
    }

    #[test]
    fn a_replacement_names_the_versions_it_deletes() {
        let label = "lambda_durable_function \"f\"";
        assert!(replacement_deletes_versions(label, "f", Ok(Vec::new())).is_none());
        let w = replacement_deletes_versions(label, "f", Ok(vec!["1".into(), "2".into()]));
        let Some(w) = w else { panic!("no warning") };
        assert!(w.summary.contains("2 published versions"), "{}", w.summary);
        assert!(w.detail.contains("f:1, f:2"), "{}", w.detail);
        assert!(w.detail.contains("lambda_function_version"), "{}", w.detail);
        let many: Vec<String> = (1..=25).map(|n| n.to_string()).collect();
        let Some(w) = replacement_deletes_versions(label, "f", Ok(many)) else {
            panic!("no warning")
        };
        assert!(w.detail.contains("f:20 and 5 more"), "{}", w.detail);
        let failed =
            replacement_deletes_versions(label, "f", Err(Error::Unexpected("throttled".into())));
        assert!(failed.is_some_and(|w| w.detail.contains("could not be listed")));
    }

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

    /// An adopted function changed since its create was planned: what the plan knows
    /// and AWS no longer holds is found; what the plan left to AWS (unknown) is not.
    #[test]
    fn an_adopted_function_differs_only_where_the_plan_knows() {
        let ty = ValueType::of(&resource_schema());
        let network = |vpc_id: Option<&str>| {
            vec![super::super::model::VpcConfigModel {
                subnet_ids: vec!["subnet-1".into()],
                security_group_ids: vec!["sg-1".into()],
                vpc_id: vpc_id.map(str::to_string),
                ..Default::default()
            }]
        };
        let mut aws = stored(4096, false, LATEST);
        aws.vpc_config = network(Some("vpc-1"));
        aws.description = Maybe::Known("set by hand".into());
        let remote = match ty.encode(&aws) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        let mut create = stored(2048, false, LATEST);
        create.vpc_config = network(None);
        create.description = Maybe::Unknown;
        let mut planned = match ty.encode(&create) {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        };
        let vpc = planned
            .get_attr(VPC_CONFIG)
            .and_then(|v| v.as_elements())
            .and_then(|e| e.first())
            .cloned();
        if let Some(mut first) = vpc {
            set_attr(&mut first, VPC_ID, Value::Unknown);
            set_attr(&mut planned, VPC_CONFIG, Value::List(vec![first]));
        }
        assert_eq!(
            differences_from_create_plan(&remote, &planned).changed,
            vec![MEMORY_SIZE]
        );
        assert!(
            differences_from_create_plan(&remote, &remote)
                .changed
                .is_empty()
        );
    }

    #[test]
    fn a_capacity_provider_block_unknown_until_apply_replaces_the_function() {
        let mut p = planned(&stored(256, false, LATEST), &unset(false));
        replace_on_capacity_provider_presence(&mut p);
        assert!(
            p.requires_replace.is_empty(),
            "unchanged: {:?}",
            p.requires_replace
        );
        // A `dynamic` block over a list known only at apply.
        set_attr(&mut p.planned, CAPACITY_PROVIDER_CONFIG, Value::Unknown);
        replace_on_capacity_provider_presence(&mut p);
        assert_eq!(
            p.requires_replace,
            [AttributePath::attr(CAPACITY_PROVIDER_CONFIG)]
        );
    }
}
