//! The size Lambda allows a function's environment variables altogether: 4 KB (Lambda
//! quotas, "Function configuration … Environment variables: 4 KB, for all environment
//! variables associated with the function, in aggregate"). Lambda measures the variables
//! as the JSON object it stores (keys, values, quotes and separators); its refusal quotes
//! that string. AWS's service model bounds neither the total nor a value, so without this
//! check a large set of variables passes the plan and fails the apply.
//!
//! The message gives the size, never the values: they are sensitive.

use std::collections::BTreeMap;

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Value};

/// The most bytes the variables may take, as Lambda measures them.
pub const MAX_ENVIRONMENT_BYTES: usize = 4096;

/// Refuses a map of environment variables larger than [`MAX_ENVIRONMENT_BYTES`] once
/// measured as Lambda measures it; a map with unknown values is checked at apply by AWS.
pub struct EnvironmentSize;

/// The size of `variables` as Lambda measures it (the JSON object), or `None` while a
/// value is unknown.
pub fn measured_size(variables: &BTreeMap<String, Value>) -> Option<usize> {
    let mut known = BTreeMap::new();
    for (key, value) in variables {
        match value {
            Value::String(text) => {
                known.insert(key.as_str(), text.as_str());
            }
            Value::Null => {}
            _ => return None,
        }
    }
    serde_json::to_string(&known).ok().map(|json| json.len())
}

impl Validator for EnvironmentSize {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::Map(variables) = value else {
            return;
        };
        let Some(size) = measured_size(variables) else {
            return;
        };
        if size > MAX_ENVIRONMENT_BYTES {
            diags.push(
                Diagnostic::error(
                    "Environment variables too large",
                    format!(
                        "The variables take {size} bytes as Lambda measures them (as a JSON \
                         object: keys, values, quotes and separators), and Lambda allows \
                         {MAX_ENVIRONMENT_BYTES} bytes for a function's variables altogether. \
                         Move large values to SSM Parameter Store, Secrets Manager or S3 and \
                         read them when the function starts."
                    ),
                )
                .at(path.clone()),
            );
        }
    }

    fn describe(&self) -> String {
        format!("at most {MAX_ENVIRONMENT_BYTES} bytes altogether, measured as a JSON object")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variables(pairs: &[(&str, String)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::string(v.clone())))
                .collect(),
        )
    }

    fn check(value: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let path = AttributePath::attr("environment")
            .child_index(0)
            .child_attr("variables");
        EnvironmentSize.validate(&path, value, &mut diags);
        diags
    }

    #[test]
    fn the_limit_is_on_the_json_object_and_the_message_hides_the_values() {
        // {"A":"…"} is 8 bytes around the value.
        let at_limit = variables(&[("A", "x".repeat(MAX_ENVIRONMENT_BYTES - 8))]);
        assert!(check(&at_limit).is_empty());
        let secret = format!("secret{}", "x".repeat(MAX_ENVIRONMENT_BYTES - 13));
        let over = variables(&[("A", secret.clone())]);
        let diags = check(&over);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = diags
            .iter()
            .next()
            .map(|d| (d.detail.clone(), d.path.clone()));
        let (detail, path) = d.unwrap_or_default();
        assert!(detail.contains("4097 bytes"), "{detail}");
        assert!(!detail.contains("secret"), "{detail}");
        assert_eq!(
            path,
            Some(
                AttributePath::attr("environment")
                    .child_index(0)
                    .child_attr("variables")
            )
        );
    }

    #[test]
    fn unknown_values_wait_for_the_apply() {
        let mut map = BTreeMap::new();
        map.insert("A".to_string(), Value::string("x".repeat(5000)));
        map.insert("B".to_string(), Value::Unknown);
        assert!(check(&Value::Map(map)).is_empty());
    }

    #[test]
    fn the_function_schema_checks_the_size() {
        let config = Value::object([(
            "environment",
            Value::List(vec![Value::object([(
                "variables",
                variables(&[("BIG", "x".repeat(5000))]),
            )])]),
        )]);
        let schema = super::super::schema::resource_schema();
        let diags = tfplug::validate::validate_config(&schema.block, &config);
        assert!(
            diags
                .iter()
                .any(|d| d.summary == "Environment variables too large"),
            "{diags:?}"
        );
    }
}
