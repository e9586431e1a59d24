//! Function scaling configs of published versions on capacity providers:
//! a put is Requested, and becomes Applied after the scaling delay.

use serde_json::{Value, json};

use super::functions::{not_found, resolve, version_mut};
use super::names::qualified;
use super::{Ctx, LambdaError, Reply, str_member};
use crate::state::{ScalingState, State};

pub(super) fn put(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (arn, _) = resolve(cx, input)?;
    let qualifier = str_member(input, "Qualifier").to_string();
    let f = st.functions.get_mut(&arn).ok_or_else(|| not_found(&arn))?;
    if f.latest.capacity_provider_arn().is_none() {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Function {arn} does not contain a capacity provider configuration."
        )));
    }
    let config = input
        .get("FunctionScalingConfig")
        .cloned()
        .unwrap_or(json!({}));
    let min = config
        .get("MinExecutionEnvironments")
        .and_then(Value::as_u64);
    let max = config
        .get("MaxExecutionEnvironments")
        .and_then(Value::as_u64);
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "MinExecutionEnvironments ({min}) must be less than or equal to MaxExecutionEnvironments ({max})."
        )));
    }
    let v =
        version_mut(f, Some(&qualifier)).ok_or_else(|| not_found(&qualified(&arn, &qualifier)))?;
    if v.state == "Deleting" {
        return Err(LambdaError::ResourceConflict(format!(
            "The operation cannot be performed at this time. The function is currently in the following state: {}",
            v.state
        )));
    }
    let scaling = v.scaling.get_or_insert_with(ScalingState::default);
    scaling.requested = Some(config);
    scaling.apply_at_ms = Some(cx.after(cx.opts.scaling_delay));
    Reply::ok(json!({"FunctionState": v.state}))
}

pub(super) fn get(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (arn, _) = resolve(cx, input)?;
    let qualifier = str_member(input, "Qualifier").to_string();
    let f = st.functions.get_mut(&arn).ok_or_else(|| not_found(&arn))?;
    if f.latest.capacity_provider_arn().is_none() {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Function {arn} does not contain a capacity provider configuration."
        )));
    }
    let v =
        version_mut(f, Some(&qualifier)).ok_or_else(|| not_found(&qualified(&arn, &qualifier)))?;
    let version = v.version.clone();
    let scaling = v.scaling.clone().unwrap_or_default();
    Reply::ok(json!({
        "FunctionArn": qualified(&arn, &version),
        "AppliedFunctionScalingConfig": scaling.applied,
        "RequestedFunctionScalingConfig": scaling.requested,
    }))
}
