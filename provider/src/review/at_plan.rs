//! The review inside `terraform plan`: the rules about a single resource run in each
//! resource's plan, as warnings on the attribute at fault, or as errors when the
//! provider block's `review { fail_on = … }` says so. Rules across resources (a
//! capacity provider and the versions on it) need the whole plan: the `review` command
//! runs them on a saved plan.

use serde_json::Value as Json;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::PlanContext;
use tfplug::value::{AttributePath, Value};

use super::{FailOn, Finding, Settings, Severity, inputs, review_at_least};
use crate::aws::ec2::Ec2Facts;
use crate::resources::common::DESTROY_ANYWAY;

/// The provider block's `review` settings.
#[derive(Clone, Debug, PartialEq)]
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

/// Where a planned value is unknown, as `terraform show -json` marks it in
/// `after_unknown`: `true` for an unknown value, in the shape of the value around it.
fn unknown_marks(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::Bool(true),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            Json::Array(items.iter().map(unknown_marks).collect())
        }
        Value::Map(m) | Value::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), unknown_marks(v)))
                .collect(),
        ),
        Value::Dynamic(inner) => unknown_marks(&inner.1),
        _ => Json::Bool(false),
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

/// The review's diagnostics for one resource's plan of `type_name`, with what EC2 said
/// of its subnets and instance types when it was asked. Info findings (the cost
/// estimate) are left to the `review` command: a plan shows what needs attention.
///
/// `fail_on` fails only plans that create or change the resource. One the plan leaves as
/// it is has already shipped: its findings warn, so that they block neither other
/// changes nor `terraform destroy`, which plans the configuration before it destroys.
pub fn diagnostics(
    type_name: &str,
    plan: &PlanContext,
    review_settings: &PlanReview,
    ec2: Option<&Ec2Facts>,
) -> Diagnostics {
    let planned = &plan.planned;
    if planned.is_null() {
        return Diagnostics::new();
    }
    let mut view = inputs::single(type_name, &to_json(planned), &unknown_marks(planned));
    if let Some(facts) = ec2 {
        view = view.with_ec2(facts);
    }
    let changes = plan.prior != *planned || !plan.requires_replace.is_empty();
    let findings = review_at_least(&view, &review_settings.settings, Severity::Warning);
    findings
        .iter()
        .map(|f| {
            let fails = changes && review_settings.fail_on.fails(std::slice::from_ref(f));
            let mut d = diagnostic(f, fails);
            if fails {
                d.detail.push_str(&format!("\n\n{DESTROY_ANYWAY}"));
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplug::resource::ValueType;
    use tfplug::value::Type;

    /// The plan of a resource this plan creates, as `planned`.
    fn create(planned: Value) -> PlanContext {
        PlanContext {
            prior: Value::Null,
            config: planned.clone(),
            planned,
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
            ty: ValueType::from_type(Type::object([("unused", Type::String)])),
        }
    }

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
        let warn = diagnostics(
            type_name,
            &create(version.clone()),
            &PlanReview::default(),
            None,
        );
        assert_eq!(warn.iter().count(), 1);
        assert!(!warn.has_errors());
        let strict = PlanReview {
            fail_on: FailOn::Warning,
            ..PlanReview::default()
        };
        let failed = diagnostics(type_name, &create(version.clone()), &strict, None);
        assert!(failed.has_errors());
        assert!(
            failed.iter().all(|d| d.detail.contains("-refresh=false")),
            "an error says how to destroy anyway: {failed:?}"
        );
        // Unchanged (already applied): a warning, which blocks neither other changes nor
        // the plan `terraform destroy` makes first.
        let mut unchanged = create(version.clone());
        unchanged.prior = version.clone();
        let kept = diagnostics(type_name, &unchanged, &strict, None);
        assert_eq!(kept.iter().count(), 1);
        assert!(!kept.has_errors(), "{kept:?}");
        // Changed in place: fails again.
        let mut changed = unchanged;
        changed.prior = Value::object([("function_name", Value::string("f"))]);
        assert!(diagnostics(type_name, &changed, &strict, None).has_errors());
        let off = PlanReview {
            settings: Settings {
                disable: vec!["LMI-RES-002".into()],
                ..Settings::default()
            },
            fail_on: FailOn::Warning,
        };
        assert!(diagnostics(type_name, &create(version.clone()), &off, None).is_empty());
    }

    fn capacity_provider(subnets: &[&str]) -> Value {
        Value::object([(
            "vpc_config",
            Value::List(vec![Value::object([(
                "subnet_ids",
                Value::List(subnets.iter().map(|s| Value::string(*s)).collect()),
            )])]),
        )])
    }

    #[test]
    fn zones_from_ec2_decide_over_the_subnet_count() {
        let type_name = crate::resources::capacity_provider::TYPE_NAME;
        let review = PlanReview::default();
        let planned = capacity_provider(&["subnet-a", "subnet-b", "subnet-c"]);
        // Three subnets pass offline ...
        assert!(diagnostics(type_name, &create(planned.clone()), &review, None).is_empty());
        // ... but EC2 says two of them are in the same zone.
        let mut facts = Ec2Facts::default();
        for (id, zone) in [
            ("subnet-a", "use1-az1"),
            ("subnet-b", "use1-az1"),
            ("subnet-c", "use1-az2"),
        ] {
            facts
                .subnets
                .insert(id.into(), ("vpc-1".into(), zone.into()));
        }
        let d = diagnostics(type_name, &create(planned.clone()), &review, Some(&facts));
        let warning = d.iter().next().map(|w| w.to_string()).unwrap_or_default();
        assert_eq!(d.iter().count(), 1, "{d:?}");
        assert!(
            warning.contains("LMI-RES-001") && warning.contains("use1-az1, use1-az2"),
            "{warning}"
        );
    }

    #[test]
    fn allowed_instance_types_partly_unknown_draw_no_guess() {
        let type_name = crate::resources::capacity_provider::TYPE_NAME;
        let planned = |allowed: Vec<Value>| {
            Value::object([
                (
                    "instance_requirements",
                    Value::List(vec![Value::object([
                        ("architectures", Value::List(vec![Value::string("arm64")])),
                        ("allowed_instance_types", Value::List(allowed)),
                    ])]),
                ),
                (
                    "capacity_provider_scaling_config",
                    Value::List(vec![Value::object([("max_vcpu_count", Value::number(8))])]),
                ),
            ])
        };
        let review = PlanReview::default();
        // Three m7g.xlarge (4 vCPUs each) need 12 of the 8 ...
        let known = planned(vec![Value::string("m7g.xlarge")]);
        let d = diagnostics(type_name, &create(known.clone()), &review, None);
        let warning = d.iter().next().map(|w| w.to_string()).unwrap_or_default();
        assert!(warning.contains("LMI-RES-003"), "{d:?}");
        // ... but a type known only after apply may be smaller: no warning on a guess.
        let partly = planned(vec![Value::string("m7g.xlarge"), Value::Unknown]);
        let d = diagnostics(type_name, &create(partly.clone()), &review, None);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn cost_estimates_are_not_plan_warnings() {
        let type_name = crate::resources::capacity_provider::TYPE_NAME;
        let planned = capacity_provider(&["subnet-a", "subnet-b", "subnet-c"]);
        let d = diagnostics(
            type_name,
            &create(planned.clone()),
            &PlanReview::default(),
            None,
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
