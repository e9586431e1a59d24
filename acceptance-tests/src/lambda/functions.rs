//! Functions and versions: create (Pending → Active, or ActiveNonInvocable on
//! a capacity provider), get, update (LastUpdateStatus InProgress →
//! Successful, conflicting updates refused), publish (version Pending →
//! Active), list versions. Code sources are in `code`, deletion in
//! `deletion`.

use serde_json::{Map, Value, json};

use super::capacity_providers::provider_architecture;
use super::code;
use super::names::{
    capacity_provider_arn, function_arn, parse_capacity_provider_name, parse_function_name,
    qualified,
};
use super::vpc::{SameVpc, check_vpc};
use super::{Ctx, LambdaError, Reply, optional_str_member, paginate, str_member};
use crate::clock::lambda_timestamp;
use crate::ec2;
use crate::ids;
use crate::state::{Function, FunctionVersion, ScalingState, State};

/// Members of `CreateFunction`/`UpdateFunctionConfiguration` that are not
/// configuration (or are handled separately).
const NOT_CONFIG: [&str; 8] = [
    "FunctionName",
    "Code",
    "Publish",
    "PublishTo",
    "Tags",
    "CodeSigningConfigArn",
    "RevisionId",
    "DryRun",
];

/// Largest memory outside capacity providers.
const MAX_STANDARD_MEMORY: i64 = 10_240;
/// Largest `/tmp` of a function without `AcceleratorConfig`: the model's
/// `EphemeralStorageSize` goes to 32768, which its documentation reserves for
/// functions with accelerators.
const MAX_STANDARD_EPHEMERAL_STORAGE: i64 = 10_240;
/// Longest timeout for functions that are neither durable nor on a
/// capacity provider.
const MAX_STANDARD_TIMEOUT: i64 = 900;
/// Largest size of a function's environment variables altogether, measured as
/// their JSON object (Lambda quotas: 4 KB); not in the service model.
const MAX_ENVIRONMENT_BYTES: usize = 4096;

pub(super) fn not_found(arn: &str) -> LambdaError {
    LambdaError::ResourceNotFound(format!("Function not found: {arn}"))
}

/// Resolves `FunctionName` (+ optional `Qualifier` member) to the function's
/// ARN and the qualifier.
pub(super) fn resolve(
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<(String, Option<String>), LambdaError> {
    let (name, from_name) = parse_function_name(str_member(input, "FunctionName"));
    let qualifier = match (from_name, optional_str_member(input, "Qualifier")) {
        (Some(a), Some(b)) if a != b => {
            return Err(LambdaError::InvalidParameterValue(
                "The derived qualifier from the function name does not match the specified qualifier.".into(),
            ));
        }
        (a, b) => a.or_else(|| b.map(str::to_string)),
    };
    Ok((function_arn(cx.region, &name), qualifier))
}

/// Looks a version up: `None`/`$LATEST` → `$LATEST`, digits → that version,
/// `$LATEST.PUBLISHED` → the highest published version.
pub(super) fn version_mut<'a>(
    f: &'a mut Function,
    qualifier: Option<&str>,
) -> Option<&'a mut FunctionVersion> {
    match qualifier {
        None | Some("$LATEST") => Some(&mut f.latest),
        Some("$LATEST.PUBLISHED") => f.versions.values_mut().next_back(),
        Some(q) => q.parse::<u64>().ok().and_then(|n| f.versions.get_mut(&n)),
    }
}

pub(super) fn version_ref<'a>(
    f: &'a Function,
    qualifier: Option<&str>,
) -> Option<&'a FunctionVersion> {
    match qualifier {
        None | Some("$LATEST") => Some(&f.latest),
        Some("$LATEST.PUBLISHED") => f.versions.values().next_back(),
        Some(q) => q.parse::<u64>().ok().and_then(|n| f.versions.get(&n)),
    }
}

/// The API view (`FunctionConfiguration`) of a version. `qualify_latest`
/// gives `$LATEST` a qualified ARN (as in version listings).
pub(crate) fn configuration(f: &Function, v: &FunctionVersion, qualify_latest: bool) -> Value {
    let mut out = v.config.clone();
    let arn = if v.version == "$LATEST" && !qualify_latest {
        f.arn.clone()
    } else {
        qualified(&f.arn, &v.version)
    };
    out.insert("FunctionName".into(), json!(f.name));
    out.insert("FunctionArn".into(), json!(arn));
    out.insert("Version".into(), json!(v.version));
    out.insert("CodeSha256".into(), json!(v.code_sha256));
    out.insert("CodeSize".into(), json!(v.code_size));
    out.insert("RevisionId".into(), json!(v.revision_id));
    out.insert(
        "LastModified".into(),
        json!(lambda_timestamp(v.last_modified_ms)),
    );
    out.insert("State".into(), json!(v.state));
    out.insert("StateReason".into(), json!(v.state_reason));
    out.insert("StateReasonCode".into(), json!(v.state_reason_code));
    out.insert("LastUpdateStatus".into(), json!(v.last_update_status));
    out.insert(
        "LastUpdateStatusReason".into(),
        json!(v.last_update_status_reason),
    );
    out.insert(
        "LastUpdateStatusReasonCode".into(),
        json!(v.last_update_status_reason_code),
    );
    out.insert("ConfigSha256".into(), json!(config_sha(&v.config)));
    Value::Object(out)
}

fn config_sha(config: &Map<String, Value>) -> String {
    let text = serde_json::to_string(config).unwrap_or_default();
    code::sha256_b64(text.as_bytes())
}

/// Stores an input member into a configuration in its output form.
fn set_member(config: &mut Map<String, Value>, member: &str, value: &Value) {
    let value = match member {
        "ImageConfig" => {
            config.insert("ImageConfigResponse".into(), json!({"ImageConfig": value}));
            return;
        }
        "SnapStart" => {
            let apply = value
                .get("ApplyOn")
                .and_then(Value::as_str)
                .unwrap_or("None");
            json!({"ApplyOn": apply, "OptimizationStatus": if apply == "PublishedVersions" { "On" } else { "Off" }})
        }
        "Layers" => Value::Array(
            value
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|arn| json!({"Arn": arn, "CodeSize": 0}))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "VpcConfig" => {
            let first = |m: &str| {
                value
                    .get(m)
                    .and_then(|a| a.get(0))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let vpc_id = first("SubnetIds")
                .and_then(|id| ec2::subnet(&id).map(|s| s.vpc_id))
                .or_else(|| {
                    first("SecurityGroupIds")
                        .and_then(|id| ec2::security_group(&id).map(|g| g.vpc_id))
                })
                .unwrap_or("");
            json!({
                "SubnetIds": value.get("SubnetIds").cloned().unwrap_or(json!([])),
                "SecurityGroupIds": value.get("SecurityGroupIds").cloned().unwrap_or(json!([])),
                "VpcId": vpc_id,
                "Ipv6AllowedForDualStack": value.get("Ipv6AllowedForDualStack").cloned().unwrap_or(json!(false)),
            })
        }
        // An empty key ARN is AWS's own key, which AWS does not name in its answers.
        "KMSKeyArn" if value.as_str() == Some("") => {
            config.remove(member);
            return;
        }
        "DurableConfig" => {
            let mut d = value.as_object().cloned().unwrap_or_default();
            d.entry("RetentionPeriodInDays").or_insert(json!(14));
            if d.get("KMSKeyArn").and_then(Value::as_str) == Some("") {
                d.remove("KMSKeyArn");
            }
            Value::Object(d)
        }
        _ => value.clone(),
    };
    config.insert(member.into(), value);
}

/// The log group AWS gives a function whose `LoggingConfig` names none: `/aws/lambda/NAME`
/// (the model's documentation of `LoggingConfig.LogGroup`).
fn default_log_group(name: &str) -> String {
    format!("/aws/lambda/{name}")
}

/// A `LoggingConfig` sent without `LogGroup` logs to the default group, which AWS then
/// names in its answers (as it does for a function created without `LoggingConfig`).
fn fill_log_group(config: &mut Map<String, Value>, name: &str) {
    if let Some(Value::Object(logging)) = config.get_mut("LoggingConfig") {
        let named = logging
            .get("LogGroup")
            .and_then(Value::as_str)
            .is_some_and(|g| !g.is_empty());
        if !named {
            logging.insert("LogGroup".into(), json!(default_log_group(name)));
        }
    }
}

fn cp_arn_of(value: &Value) -> Option<&str> {
    value
        .get("LambdaManagedInstancesCapacityProviderConfig")
        .and_then(|c| c.get("CapacityProviderArn"))
        .and_then(Value::as_str)
}

/// Checks that a referenced capacity provider exists, is Active and runs
/// the function's architecture.
fn check_capacity_provider(
    st: &State,
    cx: &Ctx<'_>,
    cp_config: &Value,
    architecture: &str,
) -> Result<(), LambdaError> {
    let raw = cp_arn_of(cp_config).unwrap_or("");
    let arn = capacity_provider_arn(cx.region, &parse_capacity_provider_name(raw));
    let Some(cp) = st.capacity_providers.get(&arn) else {
        return Err(LambdaError::ResourceNotFound(format!(
            "Capacity provider not found: {raw}"
        )));
    };
    if cp.state != "Active" {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Capacity provider {arn} is not Active (current state: {}).",
            cp.state
        )));
    }
    let cp_arch = provider_architecture(cp);
    if cp_arch != architecture {
        return Err(LambdaError::InvalidParameterValue(format!(
            "The function architecture {architecture} does not match the architecture {cp_arch} of capacity provider {arn}."
        )));
    }
    Ok(())
}

/// Limits that depend on where the function runs.
fn check_limits(config: &Map<String, Value>) -> Result<(), LambdaError> {
    let on_cp = config.contains_key("CapacityProviderConfig");
    if let Some(memory) = config.get("MemorySize").and_then(Value::as_i64)
        && !on_cp
        && memory > MAX_STANDARD_MEMORY
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to {MAX_STANDARD_MEMORY} for functions that do not use a capacity provider"
        )));
    }
    if let Some(size) = config
        .get("EphemeralStorage")
        .and_then(|e| e.get("Size"))
        .and_then(Value::as_i64)
        && !config.contains_key("AcceleratorConfig")
        && size > MAX_STANDARD_EPHEMERAL_STORAGE
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "'EphemeralStorage.Size' value failed to satisfy constraint: Member must have value less than or equal to {MAX_STANDARD_EPHEMERAL_STORAGE} for functions without AcceleratorConfig"
        )));
    }
    if let Some(variables) = config.get("Environment").and_then(|e| e.get("Variables"))
        && variables.to_string().len() > MAX_ENVIRONMENT_BYTES
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {variables}"
        )));
    }
    if let Some(timeout) = config.get("Timeout").and_then(Value::as_i64)
        && !on_cp
        && timeout > MAX_STANDARD_TIMEOUT
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "'Timeout' value failed to satisfy constraint: Member must have value less than or equal to {MAX_STANDARD_TIMEOUT}"
        )));
    }
    Ok(())
}

/// A version's `PackageType`.
fn package_type_of(v: &FunctionVersion) -> String {
    v.config
        .get("PackageType")
        .and_then(Value::as_str)
        .unwrap_or(code::DEFAULT_PACKAGE_TYPE)
        .to_string()
}

fn architecture_of(config: &Map<String, Value>) -> String {
    config
        .get("Architectures")
        .and_then(|a| a.get(0))
        .and_then(Value::as_str)
        .unwrap_or("x86_64")
        .to_string()
}

/// The function an Update* request names, as it is before the update: its ARN and a
/// copy, once it is known to accept updates at the request's revision.
fn updatable(st: &State, cx: &Ctx<'_>, input: &Value) -> Result<(String, Function), LambdaError> {
    let (arn, _) = resolve(cx, input)?;
    let snapshot = st
        .functions
        .get(&arn)
        .cloned()
        .ok_or_else(|| not_found(&arn))?;
    ensure_updatable(&snapshot)?;
    check_revision(&snapshot.latest, input)?;
    Ok((arn, snapshot))
}

/// Refuses changes while the function is being created, deleted or
/// updated, with AWS's messages.
fn ensure_updatable(f: &Function) -> Result<(), LambdaError> {
    let latest = &f.latest;
    if latest.state == "Pending" || latest.state == "Deleting" {
        return Err(LambdaError::ResourceConflict(format!(
            "The operation cannot be performed at this time. The function is currently in the following state: {}",
            latest.state
        )));
    }
    if latest.last_update_status.as_deref() == Some("InProgress") {
        return Err(LambdaError::ResourceConflict(format!(
            "The operation cannot be performed at this time. An update is in progress for resource: {}",
            f.arn
        )));
    }
    Ok(())
}

fn check_revision(v: &FunctionVersion, input: &Value) -> Result<(), LambdaError> {
    match optional_str_member(input, "RevisionId") {
        Some(r) if r != v.revision_id => Err(LambdaError::PreconditionFailed(
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id".into(),
        )),
        _ => Ok(()),
    }
}

pub(super) fn function_mut<'a>(
    st: &'a mut State,
    arn: &str,
) -> Result<&'a mut Function, LambdaError> {
    st.functions.get_mut(arn).ok_or_else(|| not_found(arn))
}

/// Marks `$LATEST` as being updated.
fn begin_update(v: &mut FunctionVersion, cx: &Ctx<'_>) {
    v.revision_id = ids::uuid();
    v.last_modified_ms = cx.now;
    v.last_update_status = Some("InProgress".into());
    v.last_update_status_reason = Some("The function is being updated.".into());
    v.last_update_status_reason_code = None;
    v.update_at_ms = Some(cx.after(cx.opts.update_delay));
    // A failed function recovers with a successful update.
    if v.state == "Failed" {
        v.state = "Pending".into();
        v.state_reason = Some("The function is being updated.".into());
        v.state_reason_code = Some("Restoring".into());
        v.state_at_ms = Some(cx.after(cx.opts.update_delay));
    }
}

/// Publishes `$LATEST` as a new version (or returns the latest version if
/// nothing changed since), returning its number.
/// Function versions one capacity provider may hold (Lambda Managed Instances quotas:
/// 100, not adjustable; the model does not state it).
pub const VERSIONS_PER_CAPACITY_PROVIDER: usize = 100;

/// The latest version, when nothing changed in `$LATEST` since it was published (AWS then
/// returns it instead of publishing another).
fn unchanged_version(f: &Function) -> Option<u64> {
    let strip = |c: &Map<String, Value>| {
        let mut c = c.clone();
        c.remove("Description");
        c
    };
    let (n, last) = f.versions.iter().next_back()?;
    (last.code_sha256 == f.latest.code_sha256 && strip(&last.config) == strip(&f.latest.config))
        .then_some(*n)
}

/// Published versions, of every function, on the capacity provider `cp`.
fn versions_on(st: &State, cp: &str) -> usize {
    st.functions
        .values()
        .flat_map(|f| f.versions.values())
        .filter(|v| v.capacity_provider_arn() == Some(cp))
        .count()
}

fn publish(f: &mut Function, cx: &Ctx<'_>, description: Option<&str>) -> u64 {
    if let Some(n) = unchanged_version(f) {
        return n;
    }
    f.last_version += 1;
    let n = f.last_version;
    let mut v = f.latest.clone();
    v.version = n.to_string();
    v.revision_id = ids::uuid();
    v.last_modified_ms = cx.now;
    if let Some(d) = description {
        v.config.insert("Description".into(), json!(d));
    }
    v.state = "Pending".into();
    v.state_reason = Some("The function version is being created.".into());
    v.state_reason_code = Some("Creating".into());
    v.target_state = "Active".into();
    v.state_at_ms = Some(cx.after(cx.opts.version_delay));
    v.last_update_status = Some("Successful".into());
    v.last_update_status_reason = None;
    v.last_update_status_reason_code = None;
    v.update_at_ms = None;
    v.scaling = v.capacity_provider_arn().map(|_| ScalingState::default());
    f.versions.insert(n, v);
    f.latest.revision_id = ids::uuid();
    n
}

pub(super) fn create(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (name, qualifier) = parse_function_name(str_member(input, "FunctionName"));
    if qualifier.is_some() {
        return Err(LambdaError::InvalidParameterValue(
            "Function name cannot contain a qualifier when creating a function.".into(),
        ));
    }
    let arn = function_arn(cx.region, &name);
    if st.functions.contains_key(&arn) {
        return Err(LambdaError::ResourceConflict(format!(
            "Function already exist: {name}"
        )));
    }
    let package_type = optional_str_member(input, "PackageType")
        .unwrap_or(code::DEFAULT_PACKAGE_TYPE)
        .to_string();
    let code = input.get("Code").cloned().unwrap_or(json!({}));
    let package = code::package(&code, &package_type)?;
    code::check_package_members(input, &package_type, true)?;
    if let Some(vpc) = input.get("VpcConfig") {
        check_vpc(vpc, SameVpc::NotChecked)?;
    }
    let mut config = Map::new();
    config.insert("Description".into(), json!(""));
    config.insert("Timeout".into(), json!(3));
    config.insert("MemorySize".into(), json!(128));
    config.insert("PackageType".into(), json!(package_type));
    config.insert("Architectures".into(), json!(["x86_64"]));
    config.insert("EphemeralStorage".into(), json!({"Size": 512}));
    config.insert("TracingConfig".into(), json!({"Mode": "PassThrough"}));
    config.insert(
        "SnapStart".into(),
        json!({"ApplyOn": "None", "OptimizationStatus": "Off"}),
    );
    config.insert(
        "LoggingConfig".into(),
        json!({"LogFormat": "Text", "LogGroup": default_log_group(&name)}),
    );
    if let Some(obj) = input.as_object() {
        for (member, value) in obj {
            if NOT_CONFIG.contains(&member.as_str()) || value.is_null() {
                continue;
            }
            set_member(&mut config, member, value);
        }
    }
    fill_log_group(&mut config, &name);
    if let Some(cp) = input.get("CapacityProviderConfig") {
        check_capacity_provider(st, cx, cp, &architecture_of(&config))?;
    }
    check_limits(&config)?;
    let on_cp = config.contains_key("CapacityProviderConfig");
    let latest = FunctionVersion {
        version: "$LATEST".into(),
        config,
        code_sha256: package.sha256,
        code_size: package.size,
        code_source: package.source,
        revision_id: ids::uuid(),
        last_modified_ms: cx.now,
        state: "Pending".into(),
        state_reason: Some("The function is being created.".into()),
        state_reason_code: Some("Creating".into()),
        target_state: if on_cp {
            "ActiveNonInvocable"
        } else {
            "Active"
        }
        .into(),
        state_at_ms: Some(cx.after(cx.opts.function_delay)),
        last_update_status: Some("Successful".into()),
        last_update_status_reason: None,
        last_update_status_reason_code: None,
        update_at_ms: None,
        scaling: None,
        drain_delay_ms: None,
    };
    let mut f = Function {
        arn: arn.clone(),
        name,
        region: cx.region.to_string(),
        latest,
        versions: Default::default(),
        last_version: 0,
        tags: input
            .get("Tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let body = if input.get("Publish").and_then(Value::as_bool) == Some(true) {
        let n = publish(&mut f, cx, None);
        f.versions.get(&n).map(|v| configuration(&f, v, false))
    } else {
        None
    };
    let body = body.unwrap_or_else(|| configuration(&f, &f.latest, false));
    st.functions.insert(arn, f);
    Reply::ok(body)
}

pub(super) fn get(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (arn, qualifier) = resolve(cx, input)?;
    let f = st.functions.get(&arn).ok_or_else(|| not_found(&arn))?;
    let v = version_ref(f, qualifier.as_deref())
        .ok_or_else(|| not_found(&qualified(&arn, qualifier.as_deref().unwrap_or(""))))?;
    let mut body = json!({
        "Configuration": configuration(f, v, qualifier.is_some()),
        "Code": code::location(f, v),
    });
    if !f.tags.is_empty() {
        body["Tags"] = json!(f.tags);
    }
    Reply::ok(body)
}

pub(super) fn get_configuration(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<Reply, LambdaError> {
    let (arn, qualifier) = resolve(cx, input)?;
    let f = st.functions.get(&arn).ok_or_else(|| not_found(&arn))?;
    let v = version_ref(f, qualifier.as_deref())
        .ok_or_else(|| not_found(&qualified(&arn, qualifier.as_deref().unwrap_or(""))))?;
    Reply::ok(configuration(f, v, qualifier.is_some()))
}

pub(super) fn update_configuration(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<Reply, LambdaError> {
    let (arn, snapshot) = updatable(st, cx, input)?;
    code::check_package_members(input, &package_type_of(&snapshot.latest), false)?;
    let current = &snapshot.latest.config;
    if let Some(new_cp) = input.get("CapacityProviderConfig") {
        match current.get("CapacityProviderConfig") {
            None => {
                return Err(LambdaError::InvalidParameterValue(
                    "A capacity provider cannot be added to an existing function. Create a new function instead.".into(),
                ));
            }
            Some(old) => {
                let old_arn = cp_arn_of(old).map(parse_capacity_provider_name);
                let new_arn = cp_arn_of(new_cp).map(parse_capacity_provider_name);
                if old_arn != new_arn {
                    return Err(LambdaError::InvalidParameterValue(
                        "The capacity provider of an existing function cannot be changed. Create a new function instead.".into(),
                    ));
                }
            }
        }
    }
    if input.get("DurableConfig").is_some() && !current.contains_key("DurableConfig") {
        return Err(LambdaError::InvalidParameterValue(
            "DurableConfig can only be enabled when the function is created.".into(),
        ));
    }
    if let Some(vpc) = input.get("VpcConfig") {
        check_vpc(vpc, SameVpc::NotChecked)?;
    }
    let mut config = current.clone();
    if let Some(obj) = input.as_object() {
        for (member, value) in obj {
            if NOT_CONFIG.contains(&member.as_str()) || value.is_null() {
                continue;
            }
            set_member(&mut config, member, value);
        }
    }
    fill_log_group(&mut config, &snapshot.name);
    check_limits(&config)?;
    let f = function_mut(st, &arn)?;
    f.latest.config = config;
    begin_update(&mut f.latest, cx);
    let body = configuration(f, &f.latest, false);
    Reply::ok(body)
}

pub(super) fn update_code(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<Reply, LambdaError> {
    let (arn, snapshot) = updatable(st, cx, input)?;
    let package = code::package(input, &package_type_of(&snapshot.latest))?;
    if let Some(arch) = input
        .get("Architectures")
        .and_then(|a| a.get(0))
        .and_then(Value::as_str)
        && let Some(cp) = snapshot.latest.config.get("CapacityProviderConfig")
    {
        check_capacity_provider(st, cx, cp, arch)?;
    }
    if input.get("DryRun").and_then(Value::as_bool) == Some(true) {
        let mut view = configuration(&snapshot, &snapshot.latest, false);
        view["CodeSha256"] = json!(package.sha256);
        view["CodeSize"] = json!(package.size);
        return Reply::ok(view);
    }
    let f = function_mut(st, &arn)?;
    f.latest.code_sha256 = package.sha256;
    f.latest.code_size = package.size;
    f.latest.code_source = package.source;
    if let Some(archs) = input.get("Architectures") {
        f.latest
            .config
            .insert("Architectures".into(), archs.clone());
    }
    begin_update(&mut f.latest, cx);
    if input.get("Publish").and_then(Value::as_bool) == Some(true) {
        // The update completes before the version is cut.
        f.latest.last_update_status = Some("Successful".into());
        f.latest.last_update_status_reason = None;
        f.latest.update_at_ms = None;
        let n = publish(f, cx, None);
        if let Some(v) = f.versions.get(&n) {
            return Reply::ok(configuration(f, v, false));
        }
    }
    Reply::ok(configuration(f, &f.latest, false))
}

pub(super) fn publish_version(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<Reply, LambdaError> {
    let (arn, _) = resolve(cx, input)?;
    let f = function_mut(st, &arn)?;
    ensure_updatable(f)?;
    check_revision(&f.latest, input)?;
    if let Some(sha) = optional_str_member(input, "CodeSha256")
        && sha != f.latest.code_sha256
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({}). Please try again with the CodeSHA256 in $LATEST.",
            f.latest.code_sha256
        )));
    }
    if unchanged_version(f).is_none()
        && let Some(cp) = f.latest.capacity_provider_arn().map(str::to_string)
    {
        let held = versions_on(st, &cp);
        if held >= VERSIONS_PER_CAPACITY_PROVIDER {
            return Err(LambdaError::VersionsPerCapacityProviderLimitExceeded(
                format!(
                    "Capacity provider {cp} has reached its limit of {VERSIONS_PER_CAPACITY_PROVIDER} function versions."
                ),
            ));
        }
    }
    let f = function_mut(st, &arn)?;
    let n = publish(f, cx, optional_str_member(input, "Description"));
    let v = f
        .versions
        .get(&n)
        .ok_or_else(|| LambdaError::Service("version vanished".into()))?;
    Reply::ok(configuration(f, v, false))
}

/// ListFunctions: the region's functions by name (`$LATEST`, or with `FunctionVersion`
/// `ALL` every version too), 50 a page.
pub(super) fn list(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let all_versions = optional_str_member(input, "FunctionVersion") == Some("ALL");
    let mut functions: Vec<&Function> = st
        .functions
        .values()
        .filter(|f| f.region == cx.region)
        .collect();
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    let items: Vec<Value> = functions
        .into_iter()
        .flat_map(|f| {
            let versions: Vec<&FunctionVersion> = if all_versions {
                std::iter::once(&f.latest)
                    .chain(f.versions.values())
                    .collect()
            } else {
                vec![&f.latest]
            };
            versions
                .into_iter()
                .map(|v| configuration(f, v, all_versions))
                .collect::<Vec<_>>()
        })
        .collect();
    let (page, next) = paginate(items, input, 50)?;
    Reply::ok(json!({"Functions": page, "NextMarker": next}))
}

pub(super) fn list_versions(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<Reply, LambdaError> {
    let (arn, _) = resolve(cx, input)?;
    let f = st.functions.get(&arn).ok_or_else(|| not_found(&arn))?;
    let items: Vec<Value> = std::iter::once(&f.latest)
        .chain(f.versions.values())
        .map(|v| configuration(f, v, true))
        .collect();
    let (page, next) = paginate(items, input, 50)?;
    Reply::ok(json!({"Versions": page, "NextMarker": next}))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty key ARN asks for AWS's own key, which AWS's answers do not name.
    #[test]
    fn an_empty_kms_key_arn_is_absent_from_the_configuration() {
        let mut config = Map::new();
        set_member(
            &mut config,
            "KMSKeyArn",
            &json!("arn:aws:kms:us-east-1:1:key/k"),
        );
        set_member(&mut config, "KMSKeyArn", &json!(""));
        assert!(!config.contains_key("KMSKeyArn"), "{config:?}");
        set_member(
            &mut config,
            "DurableConfig",
            &json!({"ExecutionTimeout": 60, "KMSKeyArn": ""}),
        );
        assert_eq!(
            config.get("DurableConfig"),
            Some(&json!({"ExecutionTimeout": 60, "RetentionPeriodInDays": 14}))
        );
    }
}
