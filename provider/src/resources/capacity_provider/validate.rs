//! Plan-time validation of `lambda_capacity_provider`.
//!
//! [`validate_config`] checks the Lambda service model's constraints on the list(object)
//! attributes (whose insides tfplug's attribute validators do not reach) and the rules
//! across attributes: one architecture, allowed or excluded instance types but not both,
//! scaling policies only with `Manual` scaling. Attribute validators in the schema cover
//! the rest (names, IDs, ARNs, sizes). The checks against EC2 are in
//! [`super::ec2_rules`].

use tfplug::diag::Diagnostics;
use tfplug::validate::{
    Validator, WholeNumber, length_between, matches, number_between, one_of, size_between,
};
use tfplug::value::{AttributePath, Value};

use super::schema::*;
use crate::tags::TagMap;

fn elements(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_elements).unwrap_or(&[])
}

fn known(v: Option<&Value>) -> Option<&Value> {
    v.filter(|x| !x.is_null() && !x.is_unknown())
}

fn run(v: &dyn Validator, path: &AttributePath, value: Option<&Value>, diags: &mut Diagnostics) {
    if let Some(value) = known(value) {
        v.validate(path, value, diags);
    }
}

/// The single element of an at-most-one list attribute, reporting extra elements.
fn single<'a>(
    config: &'a Value,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<(AttributePath, &'a Value)> {
    let items = elements(config.get_attr(name));
    if items.len() > 1 {
        diags.error_at(
            AttributePath::attr(name),
            "Too many elements",
            format!("At most one {name} may be set, got {}.", items.len()),
        );
    }
    items
        .first()
        .filter(|v| !v.is_unknown() && !v.is_null())
        .map(|v| (AttributePath::attr(name).child_index(0), v))
}

/// Checks the model's constraints and the cross-attribute rules on a configuration.
pub fn validate_config(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.is_null() || config.is_unknown() {
        return diags;
    }
    instance_requirements(config, &mut diags);
    scaling_config(config, &mut diags);
    propagate_tags(config, &mut diags);
    telemetry(config, &mut diags);
    diags
}

fn instance_requirements(config: &Value, diags: &mut Diagnostics) {
    let Some((p, ir)) = single(config, "instance_requirements", diags) else {
        return;
    };
    let arch_path = p.child_attr("architectures");
    match ir.get_attr("architectures") {
        Some(Value::Null) | None => diags.error_at(
            arch_path,
            "Missing architectures",
            "instance_requirements needs architectures: exactly one of x86_64, arm64.",
        ),
        Some(Value::Unknown) => {}
        Some(archs) => {
            let n = archs.as_elements().map(<[Value]>::len).unwrap_or(0);
            if n != 1 {
                diags.error_at(
                    arch_path.clone(),
                    "Exactly one architecture",
                    format!(
                        "A capacity provider runs one architecture: set exactly one of {}, got {n}.",
                        ARCHITECTURES.join(", ")
                    ),
                );
            }
            one_of(ARCHITECTURES).validate(&arch_path, archs, diags);
        }
    }
    for list in ["allowed_instance_types", "excluded_instance_types"] {
        let lp = p.child_attr(list);
        let v = ir.get_attr(list);
        run(&size_between(0, 400), &lp, v, diags);
        for (i, el) in elements(v).iter().enumerate() {
            let ep = lp.child_index(i as i64);
            run(&length_between(1, 30), &ep, Some(el), diags);
            run(
                &matches(INSTANCE_TYPE_PATTERN, "an instance type"),
                &ep,
                Some(el),
                diags,
            );
        }
    }
    let non_empty = |name: &str| {
        ir.get_attr(name)
            .is_some_and(|v| v.is_unknown() || v.as_elements().is_some_and(|e| !e.is_empty()))
    };
    if non_empty("allowed_instance_types") && non_empty("excluded_instance_types") {
        diags.error_at(
            p.child_attr("excluded_instance_types"),
            "Conflicting instance type lists",
            "Set allowed_instance_types or excluded_instance_types, not both.",
        );
    }
}

fn scaling_config(config: &Value, diags: &mut Diagnostics) {
    let Some((p, sc)) = single(config, "capacity_provider_scaling_config", diags) else {
        return;
    };
    let max = sc.get_attr("max_vcpu_count");
    let mp = p.child_attr("max_vcpu_count");
    run(&WholeNumber, &mp, max, diags);
    run(&number_between(2.0, 15000.0), &mp, max, diags);

    let mode_path = p.child_attr("scaling_mode");
    let mode = sc.get_attr("scaling_mode");
    match mode {
        Some(Value::Null) | None => diags.error_at(
            mode_path.clone(),
            "Missing scaling_mode",
            format!(
                "capacity_provider_scaling_config needs scaling_mode: one of {}.",
                SCALING_MODES.join(", ")
            ),
        ),
        _ => run(&one_of(SCALING_MODES), &mode_path, mode, diags),
    }

    let pp = p.child_attr("scaling_policies");
    let policies = sc.get_attr("scaling_policies");
    run(&size_between(1, 10), &pp, policies, diags);
    for (i, pol) in elements(policies).iter().enumerate() {
        let ep = pp.child_index(i as i64);
        let metric = pol.get_attr("predefined_metric_type");
        let target = pol.get_attr("target_value");
        if metric.is_none_or(Value::is_null) {
            diags.error_at(
                ep.child_attr("predefined_metric_type"),
                "Missing predefined_metric_type",
                format!(
                    "Each scaling policy needs predefined_metric_type: one of {}.",
                    METRIC_TYPES.join(", ")
                ),
            );
        }
        if target.is_none_or(Value::is_null) {
            diags.error_at(
                ep.child_attr("target_value"),
                "Missing target_value",
                "Each scaling policy needs target_value, between 0 and 100.",
            );
        }
        run(
            &one_of(METRIC_TYPES),
            &ep.child_attr("predefined_metric_type"),
            metric,
            diags,
        );
        run(
            &number_between(0.0, 100.0),
            &ep.child_attr("target_value"),
            target,
            diags,
        );
    }

    let has_policies =
        policies.is_some_and(|v| v.is_unknown() || v.as_elements().is_some_and(|e| !e.is_empty()));
    match mode.and_then(Value::as_str) {
        Some("Auto") if has_policies => diags.error_at(
            pp,
            "Scaling policies need Manual scaling",
            "scaling_policies apply only with scaling_mode = \"Manual\"; with \"Auto\" Lambda \
             manages scaling. Remove them or set scaling_mode = \"Manual\".",
        ),
        Some("Manual") if policies.is_some_and(|v| !v.is_unknown()) && !has_policies => diags
            .error_at(
                mode_path,
                "Manual scaling needs scaling policies",
                "scaling_mode = \"Manual\" needs 1 to 10 scaling_policies blocks.",
            ),
        _ => {}
    }
}

fn propagate_tags(config: &Value, diags: &mut Diagnostics) {
    let Some((p, pt)) = single(config, "propagate_tags", diags) else {
        return;
    };
    let mode = pt.get_attr("mode");
    run(
        &one_of(PROPAGATE_TAGS_MODES),
        &p.child_attr("mode"),
        mode,
        diags,
    );
    let tags = pt.get_attr("explicit_tags");
    let tp = p.child_attr("explicit_tags");
    run(&size_between(0, 40), &tp, tags, diags);
    run(&TagMap, &tp, tags, diags);
    let has_tags = tags
        .and_then(Value::as_entries)
        .is_some_and(|m| !m.is_empty());
    if has_tags
        && mode.and_then(Value::as_str) != Some("Explicit")
        && !mode.is_some_and(Value::is_unknown)
    {
        diags.error_at(
            tp,
            "explicit_tags need Explicit mode",
            "explicit_tags apply only with mode = \"Explicit\".",
        );
    }
}

fn telemetry(config: &Value, diags: &mut Diagnostics) {
    let Some((p, tc)) = single(config, "telemetry_config", diags) else {
        return;
    };
    let logging = elements(tc.get_attr("logging_config"));
    if logging.len() > 1 {
        diags.error_at(
            p.child_attr("logging_config"),
            "Too many elements",
            "At most one logging_config may be set.",
        );
    }
    if let Some(lc) = logging.first() {
        let lp = p.child_attr("logging_config").child_index(0);
        run(
            &one_of(SYSTEM_LOG_LEVELS),
            &lp.child_attr("system_log_level"),
            lc.get_attr("system_log_level"),
            diags,
        );
        let lg = lc.get_attr("log_group");
        run(
            &length_between(1, 512),
            &lp.child_attr("log_group"),
            lg,
            diags,
        );
        run(
            &matches(LOG_GROUP_PATTERN, "a log group name"),
            &lp.child_attr("log_group"),
            lg,
            diags,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use tfplug::diag::Diagnostic;

    /// A configuration value of the resource schema: everything null or empty, then
    /// `overrides`.
    fn config(overrides: Vec<(&str, Value)>) -> Value {
        let schema = super::super::schema::resource_schema();
        let mut attrs: BTreeMap<String, Value> = schema
            .block
            .attributes
            .keys()
            .map(|k| (k.clone(), Value::Null))
            .collect();
        for (k, b) in &schema.block.blocks {
            let empty = match b.nesting {
                tfplug::schema::BlockNesting::List => Value::List(vec![]),
                _ => Value::Null,
            };
            attrs.insert(k.clone(), empty);
        }
        attrs.insert("name".into(), Value::string("web"));
        for (k, v) in overrides {
            attrs.insert(k.to_string(), v);
        }
        Value::Object(attrs)
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }

    fn scaling(max: Value, mode: Value, policies: Value) -> (&'static str, Value) {
        (
            "capacity_provider_scaling_config",
            Value::List(vec![Value::object([
                ("max_vcpu_count", max),
                ("scaling_mode", mode),
                ("scaling_policies", policies),
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
            "instance_requirements",
            Value::List(vec![Value::object([
                ("architectures", archs),
                ("allowed_instance_types", allowed),
                ("excluded_instance_types", excluded),
            ])]),
        )
    }

    /// Everything ValidateResourceConfig runs: attribute validators and the resource's
    /// own checks.
    fn validate_all(config: &Value) -> Diagnostics {
        let schema = super::super::schema::resource_schema();
        let mut diags = Diagnostics::new();
        tfplug::validate::validate_block(&schema.block, &AttributePath::root(), config, &mut diags);
        diags.extend(validate_config(config));
        diags
    }

    fn errors(d: &Diagnostics) -> Vec<&Diagnostic> {
        d.iter().filter(|d| d.is_error()).collect()
    }

    fn only_error_at(d: &Diagnostics, path: AttributePath) -> Diagnostic {
        let errs = errors(d);
        assert_eq!(errs.len(), 1, "expected one error, got {d}");
        let e = errs[0].clone();
        assert_eq!(e.path.as_ref(), Some(&path), "{e}");
        e
    }

    fn sc_path(attr: &str) -> AttributePath {
        AttributePath::attr("capacity_provider_scaling_config")
            .child_index(0)
            .child_attr(attr)
    }

    fn ir_path(attr: &str) -> AttributePath {
        AttributePath::attr("instance_requirements")
            .child_index(0)
            .child_attr(attr)
    }

    #[test]
    fn valid_configuration_passes() {
        let c = config(vec![
            scaling(
                Value::number(64),
                Value::string("Manual"),
                Value::List(vec![policy(
                    "LambdaCapacityProviderAverageCPUUtilization",
                    60,
                )]),
            ),
            requirements(strs(&["arm64"]), strs(&["m7g.large", "m7g.*"]), Value::Null),
        ]);
        let d = validate_all(&c);
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn max_vcpu_count_range() {
        let c = config(vec![scaling(
            Value::number(1),
            Value::string("Auto"),
            Value::Null,
        )]);
        let e = only_error_at(&validate_all(&c), sc_path("max_vcpu_count"));
        assert!(e.detail.contains("between 2 and 15000"), "{e}");
        let c = config(vec![scaling(
            Value::number(15001),
            Value::string("Auto"),
            Value::Null,
        )]);
        only_error_at(&validate_all(&c), sc_path("max_vcpu_count"));
    }

    #[test]
    fn scaling_mode_enum() {
        let c = config(vec![scaling(
            Value::Null,
            Value::string("Sometimes"),
            Value::Null,
        )]);
        let e = only_error_at(&validate_all(&c), sc_path("scaling_mode"));
        assert!(e.detail.contains("Auto, Manual"), "{e}");
    }

    #[test]
    fn scaling_policy_ranges_and_enum() {
        let c = config(vec![scaling(
            Value::Null,
            Value::string("Manual"),
            Value::List(vec![policy(
                "LambdaCapacityProviderAverageCPUUtilization",
                150,
            )]),
        )]);
        let e = only_error_at(
            &validate_all(&c),
            sc_path("scaling_policies")
                .child_index(0)
                .child_attr("target_value"),
        );
        assert!(e.detail.contains("between 0 and 100"), "{e}");
        let c = config(vec![scaling(
            Value::Null,
            Value::string("Manual"),
            Value::List(vec![policy("Memory", 50)]),
        )]);
        let e = only_error_at(
            &validate_all(&c),
            sc_path("scaling_policies")
                .child_index(0)
                .child_attr("predefined_metric_type"),
        );
        assert!(
            e.detail
                .contains("LambdaCapacityProviderAverageCPUUtilization"),
            "{e}"
        );
    }

    #[test]
    fn scaling_policies_only_with_manual_mode() {
        let c = config(vec![scaling(
            Value::Null,
            Value::string("Auto"),
            Value::List(vec![policy(
                "LambdaCapacityProviderAverageCPUUtilization",
                50,
            )]),
        )]);
        let e = only_error_at(&validate_all(&c), sc_path("scaling_policies"));
        assert!(e.detail.contains("Manual"), "{e}");
        let c = config(vec![scaling(
            Value::Null,
            Value::string("Manual"),
            Value::Null,
        )]);
        only_error_at(&validate_all(&c), sc_path("scaling_mode"));
        let c = config(vec![scaling(
            Value::Null,
            Value::string("Manual"),
            Value::List(vec![]),
        )]);
        assert!(validate_all(&c).has_errors());
    }

    #[test]
    fn too_many_scaling_policies() {
        let many = Value::List(
            (0..11)
                .map(|_| policy("LambdaCapacityProviderAverageCPUUtilization", 50))
                .collect(),
        );
        let c = config(vec![scaling(Value::Null, Value::string("Manual"), many)]);
        only_error_at(&validate_all(&c), sc_path("scaling_policies"));
    }

    #[test]
    fn exactly_one_architecture() {
        let c = config(vec![requirements(
            strs(&["arm64", "x86_64"]),
            Value::Null,
            Value::Null,
        )]);
        let e = only_error_at(&validate_all(&c), ir_path("architectures"));
        assert!(e.detail.contains("x86_64, arm64"), "{e}");
        let c = config(vec![requirements(
            strs(&["sparc"]),
            Value::Null,
            Value::Null,
        )]);
        let e = only_error_at(&validate_all(&c), ir_path("architectures").child_index(0));
        assert!(e.detail.contains("x86_64, arm64"), "{e}");
        let c = config(vec![requirements(Value::Null, Value::Null, Value::Null)]);
        only_error_at(&validate_all(&c), ir_path("architectures"));
    }

    #[test]
    fn allowed_and_excluded_not_both() {
        let c = config(vec![requirements(
            strs(&["arm64"]),
            strs(&["m7g.large"]),
            strs(&["m7g.xlarge"]),
        )]);
        let e = only_error_at(&validate_all(&c), ir_path("excluded_instance_types"));
        assert!(e.detail.contains("allowed_instance_types"), "{e}");
    }

    #[test]
    fn instance_type_pattern() {
        let c = config(vec![requirements(
            strs(&["arm64"]),
            strs(&["m7g large"]),
            Value::Null,
        )]);
        only_error_at(
            &validate_all(&c),
            ir_path("allowed_instance_types").child_index(0),
        );
    }

    #[test]
    fn name_and_vpc_constraints() {
        let c = config(vec![("name", Value::string("web server"))]);
        only_error_at(&validate_all(&c), AttributePath::attr("name"));
        let vpc = |subnets: Value, sgs: Value| {
            (
                "vpc_config",
                Value::List(vec![Value::object([
                    ("subnet_ids", subnets),
                    ("security_group_ids", sgs),
                ])]),
            )
        };
        let set = |items: &[&str]| Value::Set(items.iter().map(|s| Value::string(*s)).collect());
        let c = config(vec![vpc(
            set(&["subnet-1"]),
            set(&["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"]),
        )]);
        only_error_at(
            &validate_all(&c),
            AttributePath::attr("vpc_config")
                .child_index(0)
                .child_attr("security_group_ids"),
        );
        let c = config(vec![vpc(set(&["subnet_1"]), set(&[]))]);
        assert!(validate_all(&c).has_errors());
        let c = config(vec![vpc(set(&[]), set(&[]))]);
        only_error_at(
            &validate_all(&c),
            AttributePath::attr("vpc_config")
                .child_index(0)
                .child_attr("subnet_ids"),
        );
    }

    #[test]
    fn propagate_tags_and_logging_enums() {
        let c = config(vec![(
            "propagate_tags",
            Value::List(vec![Value::object([
                ("mode", Value::string("All")),
                ("explicit_tags", Value::Null),
            ])]),
        )]);
        let e = only_error_at(
            &validate_all(&c),
            AttributePath::attr("propagate_tags")
                .child_index(0)
                .child_attr("mode"),
        );
        assert!(e.detail.contains("None, Explicit"), "{e}");
        let c = config(vec![(
            "telemetry_config",
            Value::List(vec![Value::object([(
                "logging_config",
                Value::List(vec![Value::object([
                    ("system_log_level", Value::string("TRACE")),
                    ("log_group", Value::Null),
                ])]),
            )])]),
        )]);
        let e = only_error_at(
            &validate_all(&c),
            AttributePath::attr("telemetry_config")
                .child_index(0)
                .child_attr("logging_config")
                .child_index(0)
                .child_attr("system_log_level"),
        );
        assert!(e.detail.contains("DEBUG, INFO, WARN"), "{e}");
    }

    #[test]
    fn unknown_values_are_not_validated() {
        let c = config(vec![
            scaling(Value::Unknown, Value::Unknown, Value::Unknown),
            requirements(Value::Unknown, Value::Unknown, Value::Null),
        ]);
        let d = validate_all(&c);
        assert!(d.is_empty(), "{d}");
    }
}
