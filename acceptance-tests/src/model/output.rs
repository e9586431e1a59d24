//! Shaping of responses: only members that exist in the operation's output
//! shape are serialized, recursively, so the emulator never answers with a
//! field AWS would not send.

use serde_json::{Map, Value};

use super::{ServiceModel, ShapeKind};

/// Keeps only the members of `value` that belong to `shape` (and are bound to
/// the body: members with an HTTP `location` are left out). Nulls are
/// dropped.
pub fn shape_output(model: &ServiceModel, shape: &str, value: &Value) -> Value {
    let Some(s) = model.shape(shape) else {
        return value.clone();
    };
    match (s.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) => {
            let mut out = Map::new();
            for (name, member) in &s.members {
                if member.location.is_some() {
                    continue;
                }
                if let Some(v) = map.get(name) {
                    if v.is_null() {
                        continue;
                    }
                    out.insert(name.clone(), shape_output(model, &member.shape, v));
                }
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => match &s.member {
            Some(member) => Value::Array(
                items
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| shape_output(model, &member.shape, v))
                    .collect(),
            ),
            None => value.clone(),
        },
        (ShapeKind::Map, Value::Object(map)) => match &s.value {
            Some(member) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), shape_output(model, &member.shape, v)))
                    .collect(),
            ),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_members_are_dropped() {
        let model = crate::model::lambda();
        let out = shape_output(
            model,
            "GetCapacityProviderResponse",
            &json!({"CapacityProvider": {"CapacityProviderArn": "a", "State": "Active", "StateReason": "x", "Internal": 1}, "Other": true}),
        );
        assert_eq!(
            out,
            json!({"CapacityProvider": {"CapacityProviderArn": "a", "State": "Active"}})
        );
    }
}
