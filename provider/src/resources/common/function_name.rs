//! Lambda's rules on names that AWS's model does not state as constraints: a name to
//! create is not an ARN ([`PlainNameToCreate`]), a version is published from an
//! unqualified function name ([`Unqualified`]), and the length of a plain function name
//! ([`PlainNameLength`]).
//!
//! The length: AWS's model gives the
//! `FunctionName` shape 140 characters, which is for the full ARN; the member's
//! documentation adds: "If you specify only the function name, it is limited to 64
//! characters in length." That sentence is not a structured constraint the generated
//! validators can take, so it is written here, and `provider/tests/model_coverage.rs`
//! fails when the model's documentation stops saying it.

use tfplug::diag::{Diagnostic, Diagnostics};
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

/// Refuses an ARN, a partial ARN or a qualified name (anything with a `:`) where an
/// object is created under a name: AWS's model lets these members take ARNs, because the
/// same shape serves calls on existing objects, but a name to create is a plain name.
pub struct PlainNameToCreate {
    /// What the name is of, for the message: "capacity provider", "function".
    pub object: &'static str,
}

impl Validator for PlainNameToCreate {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::String(name) = value else {
            return;
        };
        if name.contains(':') {
            diags.error_at(
                path.clone(),
                "Not a plain name",
                format!(
                    "{name:?} is an ARN or a qualified name, but this is the name the {object} \
                     is created under: give the name alone (such as {:?}), without an ARN's \
                     parts or a \":VERSION\" or \":ALIAS\" after it. To manage a {object} \
                     that already exists, import it by its name.",
                    plain_name_in(name),
                    object = self.object
                ),
            );
        }
    }

    fn describe(&self) -> String {
        "a plain name, not an ARN".to_string()
    }
}

/// The plain name inside `name`, an ARN, a partial ARN (`ACCOUNT:function:NAME`) or a
/// qualified name (`NAME:QUALIFIER`): what follows `function:` or `capacity-provider:`
/// when there is one, else the first part; without any qualifier.
fn plain_name_in(name: &str) -> &str {
    let parts: Vec<&str> = name.split(':').collect();
    parts
        .iter()
        .position(|p| *p == "function" || *p == "capacity-provider")
        .and_then(|i| parts.get(i + 1))
        .or_else(|| parts.first())
        .copied()
        .unwrap_or(name)
}

/// Whether a function name names a version or alias: `NAME:QUALIFIER`,
/// `ACCOUNT:function:NAME:QUALIFIER`, or an ARN with a qualifier after the name.
pub fn is_qualified(function_name: &str) -> bool {
    let parts = function_name.split(':').count();
    if function_name.starts_with("arn:") {
        parts > 7
    } else {
        parts == 2 || parts > 3
    }
}

/// The qualifier in a function name or ARN (`orders:3`, `…:function:orders:live`), if
/// any.
pub fn qualifier_in(function: &str) -> Option<&str> {
    let after = match function.rsplit_once("function:") {
        Some((_, rest)) => rest,
        None if function.starts_with("arn:") => return None,
        None => function,
    };
    let (name, qualifier) = after.split_once(':')?;
    // `123456789012:orders` is an account and a name, not a name and a qualifier.
    let is_account = name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit());
    (!is_account && !qualifier.is_empty()).then_some(qualifier)
}

/// An error at `qualifier_attribute` when the configuration's function name (in
/// `function_attribute`) is qualified and `qualifier` names another version or alias:
/// AWS refuses the call ("The derived qualifier from the function name does not match
/// the specified qualifier"). `None` while either is unknown or unset.
pub fn qualifier_contradiction(
    config: &Value,
    function_attribute: &str,
    qualifier_attribute: &str,
) -> Option<Diagnostic> {
    let text = |name: &str| config.get_attr(name).and_then(Value::as_str);
    let in_name = text(function_attribute).and_then(qualifier_in)?;
    let qualifier = text(qualifier_attribute)?;
    (in_name != qualifier).then(|| {
        Diagnostic::error(
            format!("{qualifier_attribute} contradicts {function_attribute}"),
            format!(
                "{function_attribute} is qualified with {in_name:?}, but \
                 {qualifier_attribute} is {qualifier:?}: AWS refuses a qualifier that \
                 differs from the function name's. Set the version or alias in one place: \
                 remove {qualifier_attribute}, or the \":{in_name}\" from \
                 {function_attribute}."
            ),
        )
        .at(AttributePath::attr(qualifier_attribute))
    })
}

/// Refuses a function name with a version or alias where the function itself is meant
/// (AWS publishes versions from `$LATEST`).
pub struct Unqualified;

impl Validator for Unqualified {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::String(name) = value else {
            return;
        };
        if is_qualified(name) {
            let (function, qualifier) = name.rsplit_once(':').unwrap_or((name, ""));
            diags.error_at(
                path.clone(),
                "Qualified function name",
                format!(
                    "{name:?} names the version or alias {qualifier:?} of {function:?}; a \
                     version is always published from the function's $LATEST. Give the \
                     function's name or ARN without \":{qualifier}\"."
                ),
            );
        }
    }

    fn describe(&self) -> String {
        "the function's name or ARN, without a version or alias".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_are_told_apart_from_arns() {
        for unqualified in [
            "orders",
            "123456789012:function:orders",
            "arn:aws:lambda:us-east-1:123456789012:function:orders",
        ] {
            assert!(!is_qualified(unqualified), "{unqualified}");
        }
        for qualified in [
            "orders:3",
            "orders:live",
            "123456789012:function:orders:3",
            "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST",
        ] {
            assert!(is_qualified(qualified), "{qualified}");
        }
    }

    fn plain_name_errors(name: &str) -> Diagnostics {
        let mut diags = Diagnostics::new();
        PlainNameToCreate {
            object: "capacity provider",
        }
        .validate(
            &AttributePath::attr("name"),
            &Value::string(name),
            &mut diags,
        );
        diags
    }

    #[test]
    fn a_name_that_is_not_plain_suggests_the_name_it_holds() {
        for (given, suggested) in [
            ("orders:live", "\"orders\""),
            ("orders:1", "\"orders\""),
            ("123456789012:function:orders", "\"orders\""),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:orders:3",
                "\"orders\"",
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:capacity-provider:web",
                "\"web\"",
            ),
        ] {
            let diags = plain_name_errors(given);
            let detail = &diags
                .iter()
                .next()
                .map(|d| d.detail.clone())
                .unwrap_or_default();
            assert!(
                detail.contains(&format!("(such as {suggested})")),
                "{given}: {detail}"
            );
        }
    }

    #[test]
    fn a_capacity_provider_arn_as_name_is_one_error_that_says_so() {
        let schema = crate::resources::capacity_provider::schema::resource_schema();
        let config = Value::object([(
            "name",
            Value::string("arn:aws:lambda:us-east-1:123456789012:capacity-provider:foo"),
        )]);
        let diags = tfplug::validate::validate_config(&schema.block, &config);
        let at_name: Vec<_> = diags
            .iter()
            .filter(|d| d.path == Some(AttributePath::attr("name")))
            .collect();
        assert_eq!(at_name.len(), 1, "{at_name:?}");
        assert_eq!(at_name[0].summary, "Not a plain name");
    }

    #[test]
    fn function_names_say_what_is_wrong_with_an_arn_or_a_qualifier() {
        let errors_at = |schema: tfplug::schema::Schema, name: &str| -> Vec<String> {
            let config = Value::object([("function_name", Value::string(name))]);
            tfplug::validate::validate_config(&schema.block, &config)
                .iter()
                .filter(|d| d.path == Some(AttributePath::attr("function_name")))
                .map(|d| d.summary.clone())
                .collect()
        };
        let durable = crate::resources::durable_function::schema::resource_schema;
        let version = crate::resources::function_version::schema::resource_schema;
        assert_eq!(errors_at(durable(), "orders:1"), ["Not a plain name"]);
        assert_eq!(
            errors_at(
                durable(),
                "arn:aws:lambda:us-east-1:123456789012:function:orders"
            ),
            ["Not a plain name"]
        );
        assert_eq!(
            errors_at(version(), "orders:3"),
            ["Qualified function name"]
        );
        assert!(errors_at(version(), "orders").is_empty());
        assert!(
            errors_at(
                version(),
                "arn:aws:lambda:us-east-1:123456789012:function:orders"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_name_to_create_is_not_an_arn() {
        assert!(plain_name_errors("web").is_empty());
        let d = plain_name_errors("arn:aws:lambda:us-east-1:123456789012:capacity-provider:web");
        assert_eq!(d.len(), 1);
        assert!(
            d.iter()
                .all(|d| d.summary == "Not a plain name" && d.detail.contains("\"web\"")),
            "{d:?}"
        );
    }

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

    #[test]
    fn qualifiers_in_function_names() {
        assert_eq!(qualifier_in("orders"), None);
        assert_eq!(qualifier_in("orders:3"), Some("3"));
        assert_eq!(qualifier_in("123456789012:function:orders"), None);
        assert_eq!(
            qualifier_in("123456789012:function:orders:live"),
            Some("live")
        );
        assert_eq!(
            qualifier_in("arn:aws:lambda:us-east-1:123456789012:function:orders"),
            None
        );
        assert_eq!(
            qualifier_in("arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST"),
            Some("$LATEST")
        );
        assert_eq!(qualifier_in("123456789012:orders"), None);
    }
}
