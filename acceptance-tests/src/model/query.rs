//! The AWS query protocols (`ec2` and `query`): form-encoded request
//! parameters decoded into a JSON input by the input shape, and JSON outputs
//! written as XML by the output shape.
//!
//! Differences between the two protocols that matter here:
//! - request names: `ec2` uses `queryName`, else the capitalised
//!   `locationName`, else the member name; `query` uses `locationName`, else
//!   the member name;
//! - request lists: `ec2` lists are always flattened (`SubnetId.1`), `query`
//!   lists use `Name.member.1` unless flattened;
//! - response lists: `ec2` wraps items in `<item>` (the member's
//!   `locationName`), `query` in `<member>`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{ServiceModel, ShapeKind, ShapeRef};

/// Which query dialect to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// EC2's protocol.
    Ec2,
    /// The generic AWS query protocol (STS, IAM...).
    Query,
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn request_name(dialect: Dialect, name: &str, member: &ShapeRef) -> String {
    match dialect {
        Dialect::Ec2 => member
            .query_name
            .clone()
            .or_else(|| member.location_name.as_deref().map(capitalise))
            .unwrap_or_else(|| name.to_string()),
        Dialect::Query => member
            .location_name
            .clone()
            .unwrap_or_else(|| name.to_string()),
    }
}

/// Decodes form parameters into an input value for `shape`.
/// Unknown parameters are ignored, as AWS does.
pub fn decode_params(
    model: &ServiceModel,
    dialect: Dialect,
    shape: &str,
    params: &BTreeMap<String, String>,
) -> Value {
    decode(model, dialect, shape, "", params, false).unwrap_or(Value::Object(Map::new()))
}

fn has_prefix(params: &BTreeMap<String, String>, prefix: &str) -> bool {
    let dotted = format!("{prefix}.");
    params
        .range(prefix.to_string()..)
        .take_while(|(k, _)| k.starts_with(prefix))
        .any(|(k, _)| k == prefix || k.starts_with(&dotted))
}

fn decode(
    model: &ServiceModel,
    dialect: Dialect,
    shape_name: &str,
    prefix: &str,
    params: &BTreeMap<String, String>,
    flattened: bool,
) -> Option<Value> {
    let shape = model.shape(shape_name)?;
    match shape.kind {
        ShapeKind::Structure => {
            let mut out = Map::new();
            for (name, member) in &shape.members {
                let wire = request_name(dialect, name, member);
                let path = if prefix.is_empty() {
                    wire
                } else {
                    format!("{prefix}.{wire}")
                };
                let flat = dialect == Dialect::Ec2 || member.flattened;
                if let Some(v) = decode(model, dialect, &member.shape, &path, params, flat) {
                    out.insert(name.clone(), v);
                }
            }
            if prefix.is_empty() || !out.is_empty() {
                Some(Value::Object(out))
            } else {
                None
            }
        }
        ShapeKind::List => {
            let member = shape.member.as_ref()?;
            let base = if flattened || shape.flattened || dialect == Dialect::Ec2 {
                prefix.to_string()
            } else {
                format!(
                    "{prefix}.{}",
                    member.location_name.as_deref().unwrap_or("member")
                )
            };
            let mut items = Vec::new();
            let mut i = 1;
            loop {
                let item_prefix = format!("{base}.{i}");
                if !has_prefix(params, &item_prefix) {
                    break;
                }
                if let Some(v) = decode(model, dialect, &member.shape, &item_prefix, params, false)
                {
                    items.push(v);
                }
                i += 1;
            }
            if items.is_empty() && params.get(prefix).is_none_or(|v| !v.is_empty()) {
                None
            } else {
                Some(Value::Array(items))
            }
        }
        ShapeKind::Map => None,
        _ => {
            let raw = params.get(prefix)?;
            Some(match shape.kind {
                ShapeKind::Integer | ShapeKind::Long => raw
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(raw.clone())),
                ShapeKind::Boolean => match raw.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::String(raw.clone()),
                },
                _ => Value::String(raw.clone()),
            })
        }
    }
}

/// Escapes text for XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes the members of `value` (a structure of shape `shape`) as XML
/// elements, in model order, skipping members not in the shape.
pub fn write_members(
    model: &ServiceModel,
    dialect: Dialect,
    shape: &str,
    value: &Value,
    out: &mut String,
) {
    let (Some(s), Value::Object(map)) = (model.shape(shape), value) else {
        return;
    };
    for (name, member) in &s.members {
        let Some(v) = map.get(name) else { continue };
        if v.is_null() {
            continue;
        }
        let element = member.location_name.clone().unwrap_or_else(|| name.clone());
        write_value(
            model,
            dialect,
            &member.shape,
            &element,
            v,
            member.flattened,
            out,
        );
    }
}

fn write_value(
    model: &ServiceModel,
    dialect: Dialect,
    shape_name: &str,
    element: &str,
    value: &Value,
    flattened: bool,
    out: &mut String,
) {
    let Some(shape) = model.shape(shape_name) else {
        return;
    };
    match (shape.kind, value) {
        (ShapeKind::Structure, Value::Object(_)) => {
            out.push_str(&format!("<{element}>"));
            write_members(model, dialect, shape_name, value, out);
            out.push_str(&format!("</{element}>"));
        }
        (ShapeKind::List, Value::Array(items)) => {
            let Some(member) = &shape.member else { return };
            let default_item = match dialect {
                Dialect::Ec2 => "item",
                Dialect::Query => "member",
            };
            let item = member.location_name.as_deref().unwrap_or(default_item);
            if flattened || shape.flattened {
                for v in items {
                    write_value(model, dialect, &member.shape, element, v, false, out);
                }
            } else {
                out.push_str(&format!("<{element}>"));
                for v in items {
                    write_value(model, dialect, &member.shape, item, v, false, out);
                }
                out.push_str(&format!("</{element}>"));
            }
        }
        (_, Value::String(s)) => out.push_str(&format!("<{element}>{}</{element}>", escape(s))),
        (_, Value::Bool(b)) => out.push_str(&format!("<{element}>{b}</{element}>")),
        (_, Value::Number(n)) => out.push_str(&format!("<{element}>{n}</{element}>")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_ec2_filters_and_ids() {
        let params: BTreeMap<String, String> = [
            ("Action", "DescribeSubnets"),
            ("SubnetId.1", "subnet-a"),
            ("SubnetId.2", "subnet-b"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", "vpc-1"),
            ("Filter.1.Value.2", "vpc-2"),
            ("MaxResults", "5"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let input = decode_params(
            crate::model::ec2(),
            Dialect::Ec2,
            "DescribeSubnetsRequest",
            &params,
        );
        assert_eq!(
            input,
            json!({
                "SubnetIds": ["subnet-a", "subnet-b"],
                "Filters": [{"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]}],
                "MaxResults": 5
            })
        );
    }

    #[test]
    fn writes_ec2_lists_as_items() {
        let mut out = String::new();
        write_members(
            crate::model::ec2(),
            Dialect::Ec2,
            "DescribeVpcsResult",
            &json!({"Vpcs": [{"VpcId": "vpc-1", "IsDefault": true, "Nope": 1}]}),
            &mut out,
        );
        assert_eq!(
            out,
            "<vpcSet><item><isDefault>true</isDefault><vpcId>vpc-1</vpcId></item></vpcSet>"
        );
    }
}
