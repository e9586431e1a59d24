//! Rules of `lambda_capacity_provider` that neither AWS's model nor the schema's
//! cross-field rules can say, because they depend on a value rather than on presence.
//! Each cites where AWS states it. Pure: checked on the configuration, no I/O.

use tfplug::diag::Diagnostics;
use tfplug::value::{AttributePath, Value};

use super::schema::names::*;

fn first_element<'a>(value: &'a Value, name: &str) -> Option<(AttributePath, &'a Value)> {
    let element = value.get_attr(name)?.as_elements()?.first()?;
    (!element.is_unknown()).then(|| (AttributePath::attr(name).child_index(0), element))
}

fn has_elements(value: Option<&Value>) -> bool {
    value.is_some_and(|v| v.is_unknown() || v.as_elements().is_some_and(|e| !e.is_empty()))
}

/// Checks the value-dependent rules on a configuration.
pub fn check(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.is_null() || config.is_unknown() {
        return diags;
    }
    scaling_policies_need_manual_mode(config, &mut diags);
    explicit_tags_need_explicit_mode(config, &mut diags);
    diags
}

/// `CapacityProviderScalingConfig`: with `ScalingMode = Auto` Lambda manages scaling and
/// takes no policies; `Manual` scales by the target-tracking policies alone (Lambda API
/// reference, CapacityProviderScalingConfig), so it needs at least one.
fn scaling_policies_need_manual_mode(config: &Value, diags: &mut Diagnostics) {
    let Some((path, scaling)) = first_element(config, SCALING_CONFIG) else {
        return;
    };
    let policies = scaling.get_attr(SCALING_POLICIES);
    let policies_known = policies.is_some_and(|v| !v.is_unknown());
    match scaling.get_attr(SCALING_MODE).and_then(Value::as_str) {
        Some("Auto") if has_elements(policies) => diags.error_at(
            path.child_attr(SCALING_POLICIES),
            "Scaling policies need Manual scaling",
            "scaling_policies apply only with scaling_mode = \"Manual\"; with \"Auto\" Lambda \
             manages scaling. Remove them or set scaling_mode = \"Manual\".",
        ),
        Some("Manual") if policies_known && !has_elements(policies) => diags.error_at(
            path.child_attr(SCALING_MODE),
            "Manual scaling needs scaling policies",
            "scaling_mode = \"Manual\" needs at least one scaling_policies block.",
        ),
        _ => {}
    }
}

/// `PropagateTags`: `ExplicitTags` are propagated only when `Mode` is `Explicit` (Lambda
/// API reference, PropagateTags).
fn explicit_tags_need_explicit_mode(config: &Value, diags: &mut Diagnostics) {
    let Some((path, propagate)) = first_element(config, PROPAGATE_TAGS) else {
        return;
    };
    let mode = propagate.get_attr(MODE);
    let has_tags = propagate
        .get_attr(EXPLICIT_TAGS)
        .and_then(Value::as_entries)
        .is_some_and(|m| !m.is_empty());
    if has_tags
        && mode.and_then(Value::as_str) != Some("Explicit")
        && !mode.is_some_and(Value::is_unknown)
    {
        diags.error_at(
            path.child_attr(EXPLICIT_TAGS),
            "explicit_tags need Explicit mode",
            "explicit_tags apply only with mode = \"Explicit\".",
        );
    }
}

#[cfg(test)]
mod tests {
    //! Everything ValidateResourceConfig checks: the schema's validators (from AWS's
    //! model) and rules, and this file's.

    use super::*;
    use crate::resources::capacity_provider::schema::resource_schema;
    use tfplug::diag::Diagnostic;

    /// A configuration with nothing set but `pairs` (absent list blocks are empty).
    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let block = resource_schema().block;
        let mut all: std::collections::BTreeMap<String, Value> = block
            .attributes
            .keys()
            .map(|k| (k.clone(), Value::Null))
            .collect();
        for (name, nb) in &block.blocks {
            let empty = match nb.nesting {
                tfplug::schema::BlockNesting::List => Value::List(vec![]),
                _ => Value::Null,
            };
            all.insert(name.clone(), empty);
        }
        let set = |items: &[&str]| Value::Set(items.iter().map(|s| Value::string(*s)).collect());
        all.insert(NAME.into(), Value::string("web"));
        all.insert(
            VPC_CONFIG.into(),
            Value::List(vec![Value::object([
                (SUBNET_IDS, set(&["subnet-0a"])),
                (SECURITY_GROUP_IDS, set(&["sg-0a"])),
            ])]),
        );
        all.insert(
            "permissions_config".into(),
            Value::List(vec![Value::object([(
                "capacity_provider_operator_role_arn",
                Value::string("arn:aws:iam::123456789012:role/operator"),
            )])]),
        );
        for (k, v) in pairs {
            all.insert(k.to_string(), v);
        }
        Value::Object(all)
    }

    fn validate_all(config: &Value) -> Diagnostics {
        let schema = resource_schema();
        let mut diags = Diagnostics::new();
        tfplug::validate::validate_block(&schema.block, &AttributePath::root(), config, &mut diags);
        diags.extend(check(config));
        diags
    }

    fn only_error_at(d: &Diagnostics, path: AttributePath) -> Diagnostic {
        let errs: Vec<&Diagnostic> = d.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errs.len(), 1, "expected one error, got {d}");
        assert_eq!(errs[0].path.as_ref(), Some(&path), "{d}");
        errs[0].clone()
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }

    fn scaling(max: Value, mode: &str, policies: Vec<Value>) -> (&'static str, Value) {
        (
            SCALING_CONFIG,
            Value::List(vec![Value::object([
                ("max_vcpu_count", max),
                (SCALING_MODE, Value::string(mode)),
                (SCALING_POLICIES, Value::List(policies)),
            ])]),
        )
    }

    fn policy(metric: &str, target: i64) -> Value {
        Value::object([
            ("predefined_metric_type", Value::string(metric)),
            ("target_value", Value::number(target)),
        ])
    }

    fn requirements(archs: Value, allowed: Value, excluded: Value) -> (&'static str, Value) {
        (
            INSTANCE_REQUIREMENTS,
            Value::List(vec![Value::object([
                (ARCHITECTURES, archs),
                (ALLOWED_INSTANCE_TYPES, allowed),
                (EXCLUDED_INSTANCE_TYPES, excluded),
            ])]),
        )
    }

    fn sc_path(attr: &str) -> AttributePath {
        AttributePath::attr(SCALING_CONFIG)
            .child_index(0)
            .child_attr(attr)
    }

    fn ir_path(attr: &str) -> AttributePath {
        AttributePath::attr(INSTANCE_REQUIREMENTS)
            .child_index(0)
            .child_attr(attr)
    }

    const CPU: &str = "LambdaCapacityProviderAverageCPUUtilization";

    #[test]
    fn valid_configuration_passes() {
        let c = config(vec![
            scaling(Value::number(64), "Manual", vec![policy(CPU, 60)]),
            requirements(strs(&["arm64"]), strs(&["m7g.large", "m7g.*"]), Value::Null),
        ]);
        let d = validate_all(&c);
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn max_vcpu_count_range_comes_from_the_model() {
        let c = config(vec![scaling(Value::number(1), "Auto", vec![])]);
        let e = only_error_at(&validate_all(&c), sc_path("max_vcpu_count"));
        assert!(e.detail.contains("between 2 and 15000"), "{e}");
        let c = config(vec![scaling(Value::number(15001), "Auto", vec![])]);
        only_error_at(&validate_all(&c), sc_path("max_vcpu_count"));
    }

    #[test]
    fn scaling_mode_and_metric_enums() {
        let c = config(vec![scaling(Value::Null, "Sometimes", vec![])]);
        let e = only_error_at(&validate_all(&c), sc_path(SCALING_MODE));
        assert!(e.detail.contains("Auto, Manual"), "{e}");
        let c = config(vec![scaling(
            Value::Null,
            "Manual",
            vec![policy("Memory", 50)],
        )]);
        let e = only_error_at(
            &validate_all(&c),
            sc_path(SCALING_POLICIES)
                .child_index(0)
                .child_attr("predefined_metric_type"),
        );
        assert!(e.detail.contains(CPU), "{e}");
    }

    #[test]
    fn target_value_range_points_at_the_policy() {
        let c = config(vec![scaling(
            Value::Null,
            "Manual",
            vec![policy(CPU, 50), policy(CPU, 150)],
        )]);
        let e = only_error_at(
            &validate_all(&c),
            sc_path(SCALING_POLICIES)
                .child_index(1)
                .child_attr(TARGET_VALUE),
        );
        assert!(e.detail.contains("between 0 and 100"), "{e}");
    }

    #[test]
    fn scaling_policies_only_with_manual_mode() {
        let c = config(vec![scaling(Value::Null, "Auto", vec![policy(CPU, 50)])]);
        let e = only_error_at(&validate_all(&c), sc_path(SCALING_POLICIES));
        assert!(e.detail.contains("Manual"), "{e}");
        let c = config(vec![scaling(Value::Null, "Manual", vec![])]);
        only_error_at(&validate_all(&c), sc_path(SCALING_MODE));
    }

    #[test]
    fn exactly_one_architecture_and_one_instance_type_list() {
        let c = config(vec![requirements(
            strs(&["arm64", "x86_64"]),
            Value::Null,
            Value::Null,
        )]);
        only_error_at(&validate_all(&c), ir_path(ARCHITECTURES));
        let c = config(vec![requirements(
            strs(&["sparc"]),
            Value::Null,
            Value::Null,
        )]);
        let e = only_error_at(&validate_all(&c), ir_path(ARCHITECTURES).child_index(0));
        assert!(e.detail.contains("x86_64, arm64"), "{e}");
        let c = config(vec![requirements(
            strs(&["arm64"]),
            strs(&["m7g.large"]),
            strs(&["m7g.xlarge"]),
        )]);
        let e = only_error_at(&validate_all(&c), ir_path(EXCLUDED_INSTANCE_TYPES));
        assert!(e.detail.contains(ALLOWED_INSTANCE_TYPES), "{e}");
    }

    #[test]
    fn duplicate_and_malformed_instance_types() {
        let c = config(vec![requirements(
            strs(&["arm64"]),
            strs(&["m7g.large", "m7g.large"]),
            Value::Null,
        )]);
        only_error_at(
            &validate_all(&c),
            ir_path(ALLOWED_INSTANCE_TYPES).child_index(1),
        );
        let c = config(vec![requirements(
            strs(&["arm64"]),
            strs(&["m7g large"]),
            Value::Null,
        )]);
        only_error_at(
            &validate_all(&c),
            ir_path(ALLOWED_INSTANCE_TYPES).child_index(0),
        );
    }

    #[test]
    fn names_that_cannot_be_tagged_are_refused() {
        let ok = "a".repeat(64);
        assert!(validate_all(&config(vec![(NAME, Value::string(ok))])).is_empty());
        for bad in ["a".repeat(65), "a".repeat(140), "web server".to_string()] {
            let d = validate_all(&config(vec![(NAME, Value::string(bad))]));
            assert!(d.has_errors(), "{d}");
            assert!(
                d.iter().all(|e| e.path == Some(AttributePath::attr(NAME))),
                "{d}"
            );
        }
    }

    #[test]
    fn tags_may_not_be_null() {
        let c = config(vec![("tags", Value::map([("a", Value::Null)]))]);
        only_error_at(
            &validate_all(&c),
            AttributePath::attr("tags").child_key("a"),
        );
        let c = config(vec![(
            PROPAGATE_TAGS,
            Value::List(vec![Value::object([
                (MODE, Value::string("Explicit")),
                (EXPLICIT_TAGS, Value::map([("a", Value::Null)])),
            ])]),
        )]);
        only_error_at(
            &validate_all(&c),
            AttributePath::attr(PROPAGATE_TAGS)
                .child_index(0)
                .child_attr(EXPLICIT_TAGS)
                .child_key("a"),
        );
    }

    #[test]
    fn explicit_tags_need_explicit_mode() {
        let c = config(vec![(
            PROPAGATE_TAGS,
            Value::List(vec![Value::object([
                (MODE, Value::string("None")),
                (EXPLICIT_TAGS, Value::map([("a", Value::string("b"))])),
            ])]),
        )]);
        only_error_at(
            &validate_all(&c),
            AttributePath::attr(PROPAGATE_TAGS)
                .child_index(0)
                .child_attr(EXPLICIT_TAGS),
        );
    }

    #[test]
    fn unknown_values_are_not_validated() {
        let c = config(vec![
            (
                SCALING_CONFIG,
                Value::List(vec![Value::object([
                    ("max_vcpu_count", Value::Unknown),
                    (SCALING_MODE, Value::Unknown),
                    (SCALING_POLICIES, Value::Unknown),
                ])]),
            ),
            requirements(Value::Unknown, Value::Unknown, Value::Null),
        ]);
        let d = validate_all(&c);
        assert!(d.is_empty(), "{d}");
    }
}
