//! Tags on functions and capacity providers.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::names::parse_function_name;
use super::{Ctx, LambdaError, Reply, str_member};
use crate::state::State;

fn tags_mut<'a>(
    st: &'a mut State,
    arn: &str,
) -> Result<&'a mut BTreeMap<String, String>, LambdaError> {
    if arn.contains(":capacity-provider:") {
        return st
            .capacity_providers
            .get_mut(arn)
            .map(|cp| &mut cp.tags)
            .ok_or_else(|| {
                LambdaError::ResourceNotFound(format!("Capacity provider not found: {arn}"))
            });
    }
    if arn.contains(":function:") {
        let (_, qualifier) = parse_function_name(arn);
        if qualifier.is_some() {
            return Err(LambdaError::InvalidParameterValue(
                "Tags on function aliases and versions are not supported. Please specify a function ARN.".into(),
            ));
        }
        return st
            .functions
            .get_mut(arn)
            .map(|f| &mut f.tags)
            .ok_or_else(|| LambdaError::ResourceNotFound(format!("Function not found: {arn}")));
    }
    Err(LambdaError::InvalidParameterValue(format!(
        "Resource {arn} does not support tagging in the emulator."
    )))
}

pub(super) fn tag(st: &mut State, _cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let tags = tags_mut(st, str_member(input, "Resource"))?;
    if let Some(new) = input.get("Tags").and_then(Value::as_object) {
        for (k, v) in new {
            tags.insert(k.clone(), v.as_str().unwrap_or("").to_string());
        }
    }
    Reply::ok(json!({}))
}

pub(super) fn untag(st: &mut State, _cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let tags = tags_mut(st, str_member(input, "Resource"))?;
    if let Some(keys) = input.get("TagKeys").and_then(Value::as_array) {
        for k in keys.iter().filter_map(Value::as_str) {
            tags.remove(k);
        }
    }
    Reply::ok(json!({}))
}

pub(super) fn list(st: &mut State, _cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let tags = tags_mut(st, str_member(input, "Resource"))?;
    Reply::ok(json!({"Tags": tags}))
}
