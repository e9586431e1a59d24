//! The review inside `terraform plan`: the rules about a single resource run in each
//! resource's plan, as warnings on the attribute at fault, or as errors when the
//! provider block's `review { fail_on = … }` says so. Rules across resources (a
//! capacity provider and the versions on it) need the whole plan: the `review` command
//! runs them on a saved plan.

use serde_json::Value as Json;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::value::{AttributePath, Value};

use super::{FailOn, Finding, Settings, inputs, review};

/// The provider block's `review` settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanReview {
    /// Which rules run, and whether a customer-managed key is required.
    pub settings: Settings,
    /// Which findings fail the plan (`never`: all are warnings).
    pub fail_on: FailOn,
}

impl Default for PlanReview {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            fail_on: FailOn::Never,
        }
    }
}

/// A planned value as JSON, unknown values as null (the rules skip what is not known).
fn to_json(v: &Value) -> Json {
    match v {
        Value::Null | Value::Unknown => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => {
            serde_json::Number::from_f64(n.as_f64()).map_or(Json::Null, Json::Number)
        }
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            Json::Array(items.iter().map(to_json).collect())
        }
        Value::Map(m) | Value::Object(m) => {
            Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Dynamic(inner) => to_json(&inner.1),
    }
}

/// Parses `a[0].b` into an attribute path.
fn path_of(text: &str) -> AttributePath {
    let mut path = AttributePath::root();
    for part in text.split('.') {
        let (name, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(n, rest)| (n, rest));
        path = path.child_attr(name);
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            if let Ok(i) = index.trim_end_matches(']').parse::<i64>() {
                path = path.child_index(i);
            }
        }
    }
    path
}

fn diagnostic(f: &Finding, fails: bool) -> Diagnostic {
    let summary = format!("{}: {}", f.rule, rule_summary(f.rule));
    let detail = format!(
        "{}.\n\nFix: {} (review rule {}; see docs/review-rules.md)",
        f.message, f.fix, f.rule
    );
    let d = if fails {
        Diagnostic::error(summary, detail)
    } else {
        Diagnostic::warning(summary, detail)
    };
    match &f.attribute {
        Some(a) => d.at(path_of(a)),
        None => d,
    }
}

fn rule_summary(id: &str) -> &'static str {
    super::rules::CATALOGUE
        .iter()
        .find(|r| r.id == id)
        .map_or("", |r| r.summary)
}

/// The review's diagnostics for one planned resource of `type_name`.
pub fn diagnostics(type_name: &str, planned: &Value, review_settings: &PlanReview) -> Diagnostics {
    if planned.is_null() {
        return Diagnostics::new();
    }
    let view = inputs::single(type_name, &to_json(planned));
    let findings = review(&view, &review_settings.settings);
    findings
        .iter()
        .map(|f| diagnostic(f, review_settings.fail_on.fails(std::slice::from_ref(f))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_with_indexes() {
        let p = path_of("function_scaling_config[0].min_execution_environments");
        assert_eq!(
            p.to_string(),
            "function_scaling_config[0].min_execution_environments"
        );
    }

    #[test]
    fn findings_are_warnings_unless_fail_on_says_otherwise() {
        let version = Value::object([
            ("function_name", Value::string("f")),
            (
                "function_scaling_config",
                Value::List(vec![Value::object([
                    ("min_execution_environments", Value::number(1)),
                    ("max_execution_environments", Value::number(3)),
                ])]),
            ),
        ]);
        let type_name = crate::resources::function_version::TYPE_NAME;
        let warn = diagnostics(type_name, &version, &PlanReview::default());
        assert_eq!(warn.iter().count(), 1);
        assert!(!warn.has_errors());
        let strict = PlanReview {
            fail_on: FailOn::Warning,
            ..PlanReview::default()
        };
        assert!(diagnostics(type_name, &version, &strict).has_errors());
        let off = PlanReview {
            settings: Settings {
                disable: vec!["LMI-RES-002".into()],
                require_kms: false,
            },
            fail_on: FailOn::Warning,
        };
        assert!(diagnostics(type_name, &version, &off).is_empty());
    }
}
