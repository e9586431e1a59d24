//! Lambda's limit on a function name given without its ARN. AWS's model gives the
//! `FunctionName` shape 140 characters, which is for the full ARN; the member's
//! documentation adds: "If you specify only the function name, it is limited to 64
//! characters in length." That sentence is not a structured constraint the generated
//! validators can take, so it is written here, and `provider/tests/model_coverage.rs`
//! fails when the model's documentation stops saying it.

use tfplug::diag::Diagnostics;
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Value};

/// Most characters of a function name given as a name (not an ARN).
pub const PLAIN_NAME_MAX: usize = 64;

/// Refuses a function name longer than [`PLAIN_NAME_MAX`] unless it is an ARN or a
/// partial ARN (anything with a `:`, which the model's own checks cover).
pub struct PlainNameLength;

impl Validator for PlainNameLength {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::String(name) = value else {
            return;
        };
        let n = name.chars().count();
        if !name.contains(':') && n > PLAIN_NAME_MAX {
            diags.error_at(
                path.clone(),
                "Function name too long",
                format!(
                    "A function name given without its ARN must be at most {PLAIN_NAME_MAX} \
                     characters long (AWS's limit), got {n}. Shorten it."
                ),
            );
        }
    }

    fn describe(&self) -> String {
        format!("at most {PLAIN_NAME_MAX} characters long when not an ARN")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(name: &str) -> Diagnostics {
        let mut diags = Diagnostics::new();
        PlainNameLength.validate(
            &AttributePath::attr("function_name"),
            &Value::string(name),
            &mut diags,
        );
        diags
    }

    #[test]
    fn a_plain_name_may_have_64_characters_and_an_arn_more() {
        assert!(errors(&"a".repeat(64)).is_empty());
        let too_long = errors(&"a".repeat(65));
        assert_eq!(too_long.len(), 1);
        assert!(
            too_long
                .iter()
                .all(|d| d.detail.contains("at most 64") && d.detail.contains("65"))
        );
        let arn = format!(
            "arn:aws:lambda:us-east-1:123456789012:function:{}",
            "a".repeat(64)
        );
        assert!(errors(&arn).is_empty(), "the model's 140 covers ARNs");
    }

    #[test]
    fn a_name_aws_refuses_is_one_error_not_one_per_call_it_flows_into() {
        let config = Value::object([("function_name", Value::string("bad name!"))]);
        let schema = crate::resources::durable_function::schema::resource_schema();
        let diags = tfplug::validate::validate_config(&schema.block, &config);
        let at_name: Vec<_> = diags
            .iter()
            .filter(|d| d.path == Some(AttributePath::attr("function_name")))
            .collect();
        assert_eq!(at_name.len(), 1, "{at_name:#?}");
        assert!(!at_name[0].detail.contains("TagResource"), "{at_name:#?}");
    }

    #[test]
    fn both_resources_that_name_a_function_check_it() {
        let config = Value::object([("function_name", Value::string("a".repeat(65)))]);
        for schema in [
            crate::resources::durable_function::schema::resource_schema(),
            crate::resources::function_version::schema::resource_schema(),
        ] {
            let diags = tfplug::validate::validate_config(&schema.block, &config);
            assert!(
                diags
                    .iter()
                    .any(|d| d.path == Some(AttributePath::attr("function_name"))
                        && d.detail.contains("at most 64")),
                "{diags:?}"
            );
        }
    }
}
