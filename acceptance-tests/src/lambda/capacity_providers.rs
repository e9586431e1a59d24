//! Capacity providers: Pending → Active (or Failed), Deleting → gone; delete
//! refused while function versions use the provider.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::names::{capacity_provider_arn, parse_capacity_provider_name, qualified};
use super::vpc::{SameVpc, check_vpc};
use super::{Ctx, LambdaError, Reply, optional_str_member, paginate, str_member};
use crate::clock::lambda_timestamp;
use crate::ec2;
use crate::state::{CapacityProvider, State};

/// The API view of a capacity provider: what was sent, with the values AWS fills in for
/// members left out (the stored configuration stays what the caller sent).
pub(crate) fn view(cp: &CapacityProvider) -> Value {
    let mut out = cp.config.clone();
    if let Some(scaling) = out
        .get_mut("CapacityProviderScalingConfig")
        .and_then(Value::as_object_mut)
    {
        scaling
            .entry("MaxVCpuCount")
            .or_insert_with(|| json!(DEFAULT_MAX_VCPU_COUNT));
    }
    default_log_group(&mut out, &cp.name);
    out.insert("CapacityProviderArn".into(), json!(cp.arn));
    out.insert("State".into(), json!(cp.state));
    out.insert(
        "LastModified".into(),
        json!(lambda_timestamp(cp.last_modified_ms)),
    );
    Value::Object(out)
}

fn not_found(arn: &str) -> LambdaError {
    LambdaError::ResourceNotFound(format!("Capacity provider not found: {arn}"))
}

fn find<'a>(
    st: &'a mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<&'a mut CapacityProvider, LambdaError> {
    let name = parse_capacity_provider_name(str_member(input, "CapacityProviderName"));
    let arn = capacity_provider_arn(cx.region, &name);
    st.capacity_providers
        .get_mut(&arn)
        .ok_or_else(|| not_found(&arn))
}

fn architecture(config: &Map<String, Value>) -> String {
    config
        .get("InstanceRequirements")
        .and_then(|r| r.get("Architectures"))
        .and_then(|a| a.get(0))
        .and_then(Value::as_str)
        .unwrap_or("x86_64")
        .to_string()
}

/// The architecture instances of a capacity provider run.
pub(crate) fn provider_architecture(cp: &CapacityProvider) -> String {
    architecture(&cp.config)
}

fn check_instance_requirements(req: &Value) -> Result<(), LambdaError> {
    let list = |m: &str| ec2::strings(req, m);
    let allowed = list("AllowedInstanceTypes");
    let excluded = list("ExcludedInstanceTypes");
    if !allowed.is_empty() && !excluded.is_empty() {
        return Err(LambdaError::InvalidParameterValue(
            "AllowedInstanceTypes and ExcludedInstanceTypes cannot be specified together.".into(),
        ));
    }
    let arch = req
        .get("Architectures")
        .and_then(|a| a.get(0))
        .and_then(Value::as_str)
        .unwrap_or("x86_64");
    for t in allowed.iter().chain(excluded.iter()) {
        if t.contains('*') {
            continue;
        }
        let Some(archs) = ec2::instance_architectures(t) else {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Instance type {t} is not supported."
            )));
        };
        if !archs.contains(arch) {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Instance type {t} does not support architecture {arch}."
            )));
        }
    }
    Ok(())
}

fn check_scaling(config: &Value) -> Result<(), LambdaError> {
    let mode = config
        .get("ScalingMode")
        .and_then(Value::as_str)
        .unwrap_or("Auto");
    let policies = config
        .get("ScalingPolicies")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    if mode == "Manual" && policies == 0 {
        return Err(LambdaError::InvalidParameterValue(
            "ScalingPolicies must be specified when ScalingMode is Manual.".into(),
        ));
    }
    Ok(())
}

fn tags_of(input: &Value) -> BTreeMap<String, String> {
    input
        .get("Tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// MaxVCpuCount when the request leaves it out (AWS's documented default).
const DEFAULT_MAX_VCPU_COUNT: u32 = 400;

/// A logging configuration without a log group sends logs to AWS's default group,
/// `/aws/lambda/capacity-provider/<name>` (the model's documentation of `LogGroup`).
fn default_log_group(config: &mut Map<String, Value>, name: &str) {
    if let Some(logging) = config
        .get_mut("TelemetryConfig")
        .and_then(|t| t.get_mut("LoggingConfig"))
        .and_then(Value::as_object_mut)
    {
        logging
            .entry("LogGroup")
            .or_insert_with(|| json!(format!("/aws/lambda/capacity-provider/{name}")));
    }
}

pub(super) fn create(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let name = parse_capacity_provider_name(str_member(input, "CapacityProviderName"));
    let arn = capacity_provider_arn(cx.region, &name);
    if st.capacity_providers.contains_key(&arn) {
        return Err(LambdaError::ResourceConflict(format!(
            "Capacity provider already exists: {arn}"
        )));
    }
    if let Some(vpc) = input.get("VpcConfig") {
        check_vpc(vpc, SameVpc::Required)?;
    }
    let mut config = Map::new();
    for member in [
        "VpcConfig",
        "PermissionsConfig",
        "InstanceRequirements",
        "CapacityProviderScalingConfig",
        "KmsKeyArn",
        "PropagateTags",
        "TelemetryConfig",
    ] {
        if let Some(v) = input.get(member) {
            config.insert(member.into(), v.clone());
        }
    }
    let requirements = config
        .entry("InstanceRequirements")
        .or_insert_with(|| json!({}));
    if let Some(r) = requirements.as_object_mut() {
        r.entry("Architectures")
            .or_insert_with(|| json!(["x86_64"]));
    }
    check_instance_requirements(requirements)?;
    let scaling = config
        .entry("CapacityProviderScalingConfig")
        .or_insert_with(|| json!({}));
    if let Some(sc) = scaling.as_object_mut() {
        sc.entry("ScalingMode").or_insert_with(|| json!("Auto"));
    }
    check_scaling(scaling)?;
    let cp = CapacityProvider {
        arn: arn.clone(),
        name,
        region: cx.region.to_string(),
        state: "Pending".into(),
        state_reason: None,
        config,
        tags: tags_of(input),
        last_modified_ms: cx.now,
        transition_at_ms: Some(cx.after(cx.opts.capacity_provider_delay)),
    };
    let body = json!({"CapacityProvider": view(&cp)});
    st.capacity_providers.insert(arn, cp);
    Reply::ok(body)
}

pub(super) fn get(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let cp = find(st, cx, input)?;
    Reply::ok(json!({"CapacityProvider": view(cp)}))
}

pub(super) fn update(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let cp = find(st, cx, input)?;
    if cp.state == "Pending" || cp.state == "Deleting" {
        return Err(LambdaError::ResourceConflict(format!(
            "The operation cannot be performed at this time. The capacity provider is currently in the following state: {}",
            cp.state
        )));
    }
    if let Some(scaling) = input.get("CapacityProviderScalingConfig") {
        let mut merged = cp
            .config
            .get("CapacityProviderScalingConfig")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(new) = scaling.as_object() {
            for (k, v) in new {
                merged.insert(k.clone(), v.clone());
            }
        }
        let merged = Value::Object(merged);
        check_scaling(&merged)?;
        cp.config
            .insert("CapacityProviderScalingConfig".into(), merged);
    }
    for member in ["PropagateTags", "TelemetryConfig"] {
        if let Some(v) = input.get(member) {
            cp.config.insert(member.into(), v.clone());
        }
    }
    cp.last_modified_ms = cx.now;
    Reply::ok(json!({"CapacityProvider": view(cp)}))
}

/// Qualified ARNs and states of the function versions using `arn`.
fn versions_using(st: &State, arn: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in st.functions.values() {
        if f.latest.capacity_provider_arn() == Some(arn) {
            out.push((qualified(&f.arn, "$LATEST"), f.latest.state.clone()));
        }
        for (n, v) in &f.versions {
            if v.capacity_provider_arn() == Some(arn) {
                out.push((qualified(&f.arn, &n.to_string()), v.state.clone()));
            }
        }
    }
    out
}

pub(super) fn delete(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let arn = find(st, cx, input)?.arn.clone();
    let users = versions_using(st, &arn);
    if !users.is_empty() {
        return Err(LambdaError::ResourceConflict(format!(
            "Capacity provider {arn} cannot be deleted because it is used by {} function version(s): {}",
            users.len(),
            users
                .iter()
                .map(|(a, _)| a.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let delay = cx.after(cx.opts.capacity_provider_delay);
    let cp = st
        .capacity_providers
        .get_mut(&arn)
        .ok_or_else(|| not_found(&arn))?;
    if cp.state != "Deleting" {
        cp.state = "Deleting".into();
        cp.transition_at_ms = Some(delay);
        cp.last_modified_ms = cx.now;
    }
    Reply::ok(json!({"CapacityProvider": view(cp)}))
}

pub(super) fn list(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let state = optional_str_member(input, "State");
    let items: Vec<Value> = st
        .capacity_providers
        .values()
        .filter(|cp| cp.region == cx.region)
        .filter(|cp| state.is_none_or(|want| cp.state == want))
        .map(view)
        .collect();
    let (page, next) = paginate(items, input, 50)?;
    Reply::ok(json!({"CapacityProviders": page, "NextMarker": next}))
}

pub(super) fn list_function_versions(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
) -> Result<Reply, LambdaError> {
    let arn = find(st, cx, input)?.arn.clone();
    let items: Vec<Value> = versions_using(st, &arn)
        .into_iter()
        .map(|(function_arn, state)| json!({"FunctionArn": function_arn, "State": state}))
        .collect();
    let (page, next) = paginate(items, input, 50)?;
    Reply::ok(json!({"CapacityProviderArn": arn, "FunctionVersions": page, "NextMarker": next}))
}
