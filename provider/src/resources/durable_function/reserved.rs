//! Environment variables Lambda sets itself and refuses in a function's configuration
//! (AWS Lambda Developer Guide, "Defined runtime environment variables": "The keys for
//! these environment variables are reserved and cannot be set in your function
//! configuration"). AWS's service model does not list them, so they are written here;
//! without this check such a key passes the plan and fails the apply.

use tfplug::validate::{Validator, refuse_keys};

/// The reserved keys.
pub const RESERVED_VARIABLES: [&str; 18] = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// Refuses the reserved keys in a map of environment variables, at each key.
pub fn not_reserved() -> impl Validator {
    refuse_keys(
        "Reserved environment variable",
        "without the keys Lambda reserves (such as `AWS_REGION`)",
        |key| {
            RESERVED_VARIABLES.contains(&key).then(|| {
                format!(
                    "Lambda sets {key} itself and refuses it in a function's configuration. \
                     Remove it, or give the value another name."
                )
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use tfplug::diag::Diagnostics;
    use tfplug::value::{AttributePath, Value};

    use super::*;

    #[test]
    fn reserved_keys_are_refused_at_their_key_and_others_pass() {
        let variables = Value::Map(
            [
                ("AWS_REGION".to_string(), Value::string("eu-west-1")),
                ("STAGE".to_string(), Value::string("prod")),
                ("TZ".to_string(), Value::string("Europe/Paris")),
            ]
            .into(),
        );
        let path = AttributePath::attr("environment")
            .child_index(0)
            .child_attr("variables");
        let mut diags = Diagnostics::new();
        not_reserved().validate(&path, &variables, &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = diags
            .iter()
            .next()
            .map(|d| (d.path.clone(), d.detail.clone()));
        assert_eq!(
            d.as_ref().map(|d| d.0.clone()),
            Some(Some(path.child_key("AWS_REGION")))
        );
        assert!(d.is_some_and(|d| d.1.contains("AWS_REGION")));
    }

    #[test]
    fn the_function_schema_checks_its_environment() {
        let config = Value::object([(
            "environment",
            Value::List(vec![Value::object([(
                "variables",
                Value::Map([("AWS_REGION".to_string(), Value::string("x"))].into()),
            )])]),
        )]);
        let schema = super::super::schema::resource_schema();
        let diags = tfplug::validate::validate_config(&schema.block, &config);
        let at = AttributePath::attr("environment")
            .child_index(0)
            .child_attr("variables")
            .child_key("AWS_REGION");
        assert!(
            diags.iter().any(|d| d.path == Some(at.clone())),
            "{diags:?}"
        );
    }
}
