//! Attribute-by-attribute comparison of two states of one resource, as the AWS
//! provider's `ImportStateVerify` does it: every leaf attribute, by its path.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

/// One attribute whose values differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// Its path, e.g. `capacity_provider_scaling_config[0].max_vcpu_count`.
    pub path: String,
    /// The value in the first state (`Null` when absent).
    pub left: Value,
    /// The value in the second state (`Null` when absent).
    pub right: Value,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} vs {}", self.path, self.left, self.right)
    }
}

/// The attributes (leaves, and collections of different lengths) where `left` and
/// `right` differ; top-level attributes named in `ignore` are skipped. A missing
/// attribute counts as null; null and an empty collection differ (Terraform shows that
/// as a change).
pub fn differences(left: &Value, right: &Value, ignore: &[&str]) -> Vec<Difference> {
    let mut out = Vec::new();
    let keys = object_keys(left, right);
    for k in keys.iter().filter(|k| !ignore.contains(&k.as_str())) {
        walk(k, &left[k.as_str()], &right[k.as_str()], false, &mut out);
    }
    out
}

fn object_keys(left: &Value, right: &Value) -> BTreeSet<String> {
    [left, right]
        .iter()
        .filter_map(|v| v.as_object())
        .flat_map(|o| o.keys().cloned())
        .collect()
}

/// Walks both values below `path`. Objects in lists are blocks (or objects), whose
/// keys are attributes (`block[0].attribute`); other objects are maps (`map["key"]`).
fn walk(path: &str, left: &Value, right: &Value, in_list: bool, out: &mut Vec<Difference>) {
    match (left, right) {
        (Value::Object(_), Value::Object(_)) => {
            for k in object_keys(left, right) {
                let sub = if in_list {
                    format!("{path}.{k}")
                } else {
                    format!("{path}[{k:?}]")
                };
                walk(&sub, &left[k.as_str()], &right[k.as_str()], false, out);
            }
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => {
            for (i, (a, b)) in l.iter().zip(r).enumerate() {
                walk(&format!("{path}[{i}]"), a, b, true, out);
            }
        }
        _ if left == right => {}
        _ => out.push(Difference {
            path: path.to_string(),
            left: left.clone(),
            right: right.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_each_differing_attribute() {
        let a = json!({
            "name": "x",
            "timeouts": {"create": "1m"},
            "scaling": [{"max": 4, "policies": [{"target": 50}]}],
            "tags": {"a": "1"},
            "kms": null
        });
        let b = json!({
            "name": "x",
            "timeouts": null,
            "scaling": [{"max": 8, "policies": [{"target": 50}]}],
            "tags": {"a": "1", "b": "2"},
            "kms": []
        });
        let found: Vec<String> = differences(&a, &b, &["timeouts"])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            vec![
                "kms: null vs []",
                "scaling[0].max: 4 vs 8",
                "tags[\"b\"]: null vs \"2\"",
            ]
        );
    }
}
