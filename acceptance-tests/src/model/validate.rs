//! Validation of a decoded request against its input shape, producing the
//! messages AWS's front end produces:
//!
//! ```text
//! 1 validation error detected: Value '0' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
//! ```
//!
//! JSON values of the wrong type are not constraint violations but
//! serialization errors ([`Invalid::Serialization`]).

use serde_json::Value;

use super::{ServiceModel, Shape, ShapeKind, lower_first};

/// Why a request is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// A value has the wrong JSON type for its shape.
    #[error("{0}")]
    Serialization(String),
    /// One or more constraint violations, already formatted as AWS does.
    #[error("{0}")]
    Validation(String),
}

/// Validates `value` (a JSON object keyed by member names) against the
/// structure shape `shape`.
pub fn validate(model: &ServiceModel, shape: &str, value: &Value) -> Result<(), Invalid> {
    let mut violations = Vec::new();
    check(model, shape, value, "", &mut violations)?;
    match violations.len() {
        0 => Ok(()),
        1 => Err(Invalid::Validation(format!(
            "1 validation error detected: {}",
            violations[0]
        ))),
        n => Err(Invalid::Validation(format!(
            "{n} validation errors detected: {}",
            violations.join("; ")
        ))),
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        lower_first(member)
    } else {
        format!("{path}.{}", lower_first(member))
    }
}

/// Renders a value the way AWS quotes it in messages.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(render).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}={}", render(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn type_error(path: &str, expected: &str) -> Invalid {
    let at = if path.is_empty() { "request" } else { path };
    Invalid::Serialization(format!(
        "Unexpected value type at '{at}': expected {expected}"
    ))
}

fn violation(value: &Value, path: &str, constraint: &str) -> String {
    format!(
        "Value '{}' at '{path}' failed to satisfy constraint: {constraint}",
        render(value)
    )
}

/// Constraint messages for a scalar or collection (not structure members).
fn constraints(
    model: &ServiceModel,
    shape_name: &str,
    shape: &Shape,
    value: &Value,
) -> Vec<String> {
    let mut out = Vec::new();
    let length = match value {
        Value::String(s) if shape.kind == ShapeKind::String => Some(s.chars().count() as f64),
        Value::Array(a) => Some(a.len() as f64),
        Value::Object(o) if shape.kind == ShapeKind::Map => Some(o.len() as f64),
        _ => None,
    };
    if let Some(len) = length {
        if let Some(max) = shape.max
            && len > max
        {
            out.push(format!(
                "Member must have length less than or equal to {}",
                number_text(max)
            ));
        }
        if let Some(min) = shape.min
            && len < min
        {
            out.push(format!(
                "Member must have length greater than or equal to {}",
                number_text(min)
            ));
        }
    }
    if shape.kind.is_number()
        && let Some(n) = value.as_f64()
    {
        if let Some(max) = shape.max
            && n > max
        {
            out.push(format!(
                "Member must have value less than or equal to {}",
                number_text(max)
            ));
        }
        if let Some(min) = shape.min
            && n < min
        {
            out.push(format!(
                "Member must have value greater than or equal to {}",
                number_text(min)
            ));
        }
    }
    if let Value::String(s) = value {
        // EC2 treats its model's enums as documentation (an unknown instance
        // type is InvalidInstanceType from the operation, not a validation error).
        if let Some(values) = &shape.enum_values
            && shape.kind == ShapeKind::String
            && model.metadata.protocol != "ec2"
            && !values.iter().any(|v| v == s)
        {
            out.push(format!(
                "Member must satisfy enum value set: [{}]",
                values.join(", ")
            ));
        }
        if let (Some(re), Some(raw)) = (model.pattern(shape_name), &shape.pattern)
            && !re.is_match(s)
        {
            out.push(format!(
                "Member must satisfy regular expression pattern: {raw}"
            ));
        }
    }
    out
}

fn check(
    model: &ServiceModel,
    shape_name: &str,
    value: &Value,
    path: &str,
    out: &mut Vec<String>,
) -> Result<(), Invalid> {
    let Some(shape) = model.shape(shape_name) else {
        return Ok(());
    };
    match shape.kind {
        ShapeKind::Structure => {
            let Value::Object(map) = value else {
                return Err(type_error(path, "a structure"));
            };
            for (member, target) in &shape.members {
                let member_path = join(path, member);
                match map.get(member) {
                    None | Some(Value::Null) => {
                        if shape.required.iter().any(|r| r == member) {
                            out.push(format!(
                                "Value null at '{member_path}' failed to satisfy constraint: Member must not be null"
                            ));
                        }
                    }
                    Some(v) => check(model, &target.shape, v, &member_path, out)?,
                }
            }
        }
        ShapeKind::List => {
            let Value::Array(items) = value else {
                return Err(type_error(path, "a list"));
            };
            for c in constraints(model, shape_name, shape, value) {
                out.push(violation(value, path, &c));
            }
            if let Some(member) = &shape.member {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}.{}.member", i + 1);
                    if item.is_null() {
                        continue;
                    }
                    check(model, &member.shape, item, &item_path, out)?;
                }
            }
        }
        ShapeKind::Map => {
            let Value::Object(map) = value else {
                return Err(type_error(path, "a map"));
            };
            for c in constraints(model, shape_name, shape, value) {
                out.push(violation(value, path, &c));
            }
            let key_shape = shape.key.as_ref().map(|k| k.shape.as_str());
            let value_shape = shape.value.as_ref().map(|v| v.shape.as_str());
            for (k, v) in map {
                if let Some(ks) = key_shape.and_then(|n| model.shape(n).map(|s| (n, s))) {
                    let key_value = Value::String(k.clone());
                    let failed = constraints(model, ks.0, ks.1, &key_value);
                    if !failed.is_empty() {
                        out.push(format!(
                            "Value '{k}' at '{path}' failed to satisfy constraint: Map keys must satisfy constraint: [{}]",
                            failed.join(", ")
                        ));
                    }
                }
                if let Some(vs) = value_shape {
                    if v.is_null() {
                        continue;
                    }
                    let mut nested = Vec::new();
                    check(model, vs, v, &format!("{path}.{k}"), &mut nested)?;
                    if !nested.is_empty() {
                        if let Some(vshape) = model.shape(vs) {
                            let failed = constraints(model, vs, vshape, v);
                            if !failed.is_empty() {
                                out.push(format!(
                                    "Value '{}' at '{path}' failed to satisfy constraint: Map value must satisfy constraint: [{}]",
                                    render(v),
                                    failed.join(", ")
                                ));
                                continue;
                            }
                        }
                        out.extend(nested);
                    }
                }
            }
        }
        ShapeKind::String => {
            if !value.is_string() {
                return Err(type_error(path, "a string"));
            }
            for c in constraints(model, shape_name, shape, value) {
                out.push(violation(value, path, &c));
            }
        }
        ShapeKind::Blob => {
            if !value.is_string() {
                return Err(type_error(path, "base64-encoded binary data"));
            }
        }
        ShapeKind::Boolean => {
            if !value.is_boolean() {
                return Err(type_error(path, "a boolean"));
            }
        }
        ShapeKind::Integer | ShapeKind::Long => {
            let is_integer = value.as_i64().is_some() || value.as_u64().is_some();
            if !is_integer {
                return Err(type_error(path, "an integer"));
            }
            for c in constraints(model, shape_name, shape, value) {
                out.push(violation(value, path, &c));
            }
        }
        ShapeKind::Double | ShapeKind::Float => {
            if value.as_f64().is_none() {
                return Err(type_error(path, "a number"));
            }
            for c in constraints(model, shape_name, shape, value) {
                out.push(violation(value, path, &c));
            }
        }
        ShapeKind::Timestamp => {
            if !(value.is_number() || value.is_string()) {
                return Err(type_error(path, "a timestamp"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_and_ranges() {
        let model = crate::model::lambda();
        let err = validate(
            model,
            "CreateFunctionRequest",
            &json!({"FunctionName": "f", "Code": {}, "MemorySize": 64}),
        )
        .unwrap_err();
        assert_eq!(
            err,
            Invalid::Validation(
                "2 validation errors detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128; Value null at 'role' failed to satisfy constraint: Member must not be null".into()
            )
        );
    }

    #[test]
    fn nested_list_members_and_enums() {
        let model = crate::model::lambda();
        let err = validate(
            model,
            "CreateCapacityProviderRequest",
            &json!({
                "CapacityProviderName": "cp",
                "VpcConfig": {"SubnetIds": ["bad"], "SecurityGroupIds": []},
                "PermissionsConfig": {"CapacityProviderOperatorRoleArn": "arn:aws:iam::123456789012:role/x"},
                "InstanceRequirements": {"Architectures": ["sparc"]}
            }),
        )
        .unwrap_err();
        let Invalid::Validation(msg) = err else {
            panic!("expected validation error")
        };
        assert!(msg.starts_with("2 validation errors detected: "), "{msg}");
        assert!(msg.contains("Value 'sparc' at 'instanceRequirements.architectures.1.member' failed to satisfy constraint: Member must satisfy enum value set: [x86_64, arm64]"), "{msg}");
        assert!(msg.contains("Value 'bad' at 'vpcConfig.subnetIds.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: subnet-[0-9a-z]*"), "{msg}");
    }

    #[test]
    fn wrong_types_are_serialization_errors() {
        let model = crate::model::lambda();
        let err = validate(
            model,
            "CreateFunctionRequest",
            &json!({"FunctionName": "f", "Role": "r", "Code": {}, "MemorySize": "big"}),
        )
        .unwrap_err();
        assert!(matches!(err, Invalid::Serialization(_)));
    }
}
