//! Plan-time validation of `lambda_capacity_provider`.
//!
//! [`validate_config`] checks the Lambda service model's constraints on the list(object)
//! attributes (whose insides tfplug's attribute validators do not reach) and the rules
//! across attributes: one architecture, allowed or excluded instance types but not both,
//! scaling policies only with `Manual` scaling. Attribute validators in the schema cover
//! the rest (names, IDs, ARNs, sizes). [`check_with_ec2`] looks subnets, security groups
//! and instance types up in EC2 and is skipped, with a warning, when EC2 cannot be asked.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use tfplug::diag::Diagnostics;
use tfplug::validate::{
    Validator, WholeNumber, length_between, matches, number_between, one_of, size_between,
};
use tfplug::value::{AttributePath, Value};
use tokio_util::sync::CancellationToken;

use super::schema::*;
use crate::aws::{AwsClients, AwsError, Budget, Error, ErrorClass, RetryPolicy, retry};
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

/// What the EC2 checks look at: known IDs from the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2CheckInput {
    /// `vpc_config[0].subnet_ids`, when known.
    pub subnet_ids: Vec<String>,
    /// `vpc_config[0].security_group_ids`, when known.
    pub security_group_ids: Vec<String>,
    /// The architecture, when known.
    pub architecture: Option<String>,
    /// `allowed_instance_types` (without wildcards), with their index.
    pub allowed_instance_types: Vec<(usize, String)>,
    /// `excluded_instance_types` (without wildcards), with their index.
    pub excluded_instance_types: Vec<(usize, String)>,
}

fn known_strings(v: Option<&Value>) -> Option<Vec<String>> {
    let els = v?.as_elements()?;
    els.iter().map(|e| e.as_str().map(str::to_string)).collect()
}

impl Ec2CheckInput {
    /// Collects the known values from a planned (or configured) resource value.
    pub fn from_plan(planned: &Value) -> Self {
        let vpc = elements(planned.get_attr("vpc_config")).first();
        let ir = elements(planned.get_attr("instance_requirements")).first();
        let types = |name: &str| {
            elements(ir.and_then(|i| i.get_attr(name)))
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (i, s.to_string())))
                .filter(|(_, s)| !s.contains('*'))
                .collect()
        };
        Self {
            subnet_ids: known_strings(vpc.and_then(|v| v.get_attr("subnet_ids")))
                .unwrap_or_default(),
            security_group_ids: known_strings(vpc.and_then(|v| v.get_attr("security_group_ids")))
                .unwrap_or_default(),
            architecture: known_strings(ir.and_then(|i| i.get_attr("architectures")))
                .and_then(|a| (a.len() == 1).then(|| a[0].clone())),
            allowed_instance_types: types("allowed_instance_types"),
            excluded_instance_types: types("excluded_instance_types"),
        }
    }

    /// True when there is nothing to look up.
    pub fn is_empty(&self) -> bool {
        self.subnet_ids.is_empty()
            && self.security_group_ids.is_empty()
            && self.allowed_instance_types.is_empty()
            && self.excluded_instance_types.is_empty()
    }
}

/// What EC2 said about the IDs: the answers the checks need, separated from the SDK so
/// the rules can be tested without a network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2Facts {
    /// Subnet ID → (VPC ID, Availability Zone) of the subnets that exist.
    pub subnets: BTreeMap<String, (String, String)>,
    /// Security group ID → VPC ID of the groups that exist.
    pub security_groups: BTreeMap<String, String>,
    /// Instance type → supported architectures, for the types that exist.
    pub instance_types: BTreeMap<String, Vec<String>>,
}

/// Applies the EC2 rules to the facts: unknown IDs, one VPC, architectures. Errors name
/// the bad IDs and point at their attributes.
pub fn ec2_rules(input: &Ec2CheckInput, facts: &Ec2Facts) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let vpc_path = AttributePath::attr("vpc_config").child_index(0);
    let subnet_path = vpc_path.child_attr("subnet_ids");
    let sg_path = vpc_path.child_attr("security_group_ids");

    let missing: Vec<&str> = input
        .subnet_ids
        .iter()
        .filter(|s| !facts.subnets.contains_key(*s))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        diags.error_at(
            subnet_path.clone(),
            "Subnet not found",
            format!(
                "These subnets do not exist in this account and region: {}.",
                missing.join(", ")
            ),
        );
    }
    let vpcs: BTreeSet<&str> = input
        .subnet_ids
        .iter()
        .filter_map(|s| facts.subnets.get(s).map(|(vpc, _)| vpc.as_str()))
        .collect();
    if vpcs.len() > 1 {
        let by_vpc: Vec<String> = vpcs
            .iter()
            .map(|vpc| {
                let ids: Vec<&str> = input
                    .subnet_ids
                    .iter()
                    .filter(|s| facts.subnets.get(*s).is_some_and(|(v, _)| v == vpc))
                    .map(String::as_str)
                    .collect();
                format!("{vpc}: {}", ids.join(", "))
            })
            .collect();
        diags.error_at(
            subnet_path.clone(),
            "Subnets in more than one VPC",
            format!(
                "All subnets must be in one VPC; they are in {}.",
                by_vpc.join("; ")
            ),
        );
    }
    let missing_sg: Vec<&str> = input
        .security_group_ids
        .iter()
        .filter(|s| !facts.security_groups.contains_key(*s))
        .map(String::as_str)
        .collect();
    if !missing_sg.is_empty() {
        diags.error_at(
            sg_path.clone(),
            "Security group not found",
            format!(
                "These security groups do not exist in this account and region: {}.",
                missing_sg.join(", ")
            ),
        );
    }
    if vpcs.len() == 1
        && let Some(vpc) = vpcs.first()
    {
        let other: Vec<String> = input
            .security_group_ids
            .iter()
            .filter_map(|sg| {
                facts
                    .security_groups
                    .get(sg)
                    .filter(|v| v.as_str() != *vpc)
                    .map(|v| format!("{sg} (in {v})"))
            })
            .collect();
        if !other.is_empty() {
            diags.error_at(
                sg_path,
                "Security groups in another VPC",
                format!(
                    "The subnets are in {vpc}, but these security groups are not: {}.",
                    other.join(", ")
                ),
            );
        }
    }
    if missing.is_empty() && !input.subnet_ids.is_empty() {
        let azs: BTreeSet<&str> = input
            .subnet_ids
            .iter()
            .filter_map(|s| facts.subnets.get(s).map(|(_, az)| az.as_str()))
            .collect();
        if azs.len() < 3 {
            diags.warning_at(
                subnet_path,
                "Fewer than three Availability Zones",
                format!(
                    "Lambda spreads a capacity provider's instances over Availability Zones for \
                     resilience; these subnets cover only {} ({}). Use subnets in at least three.",
                    azs.len(),
                    azs.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }

    let ir_path = AttributePath::attr("instance_requirements").child_index(0);
    for (list, entries) in [
        ("allowed_instance_types", &input.allowed_instance_types),
        ("excluded_instance_types", &input.excluded_instance_types),
    ] {
        for (i, ty) in entries {
            let p = ir_path.child_attr(list).child_index(*i as i64);
            match facts.instance_types.get(ty) {
                None => diags.error_at(
                    p,
                    "Unknown instance type",
                    format!("Instance type {ty:?} does not exist in this region."),
                ),
                Some(archs) if list == "allowed_instance_types" => {
                    if let Some(arch) = &input.architecture
                        && !archs.iter().any(|a| a == arch)
                    {
                        diags.error_at(
                            p,
                            "Instance type does not support the architecture",
                            format!(
                                "Instance type {ty:?} supports {}, not {arch} (instance_requirements architectures).",
                                archs.join(", ")
                            ),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
    diags
}

/// Plan-time checks against EC2. When EC2 cannot be reached or the caller may not describe
/// these objects, the checks are skipped with a warning; they never fail a plan for that.
pub async fn check_with_ec2(
    clients: &AwsClients,
    input: &Ec2CheckInput,
    stop: &CancellationToken,
) -> Diagnostics {
    if input.is_empty() {
        return Diagnostics::new();
    }
    let budget = Budget::new(Duration::from_secs(30), stop.clone());
    let policy = RetryPolicy {
        max_retries: clients.retry.max_retries.min(3),
        ..clients.retry.clone()
    };
    match gather_facts(clients, &policy, &budget, input).await {
        Ok(facts) => ec2_rules(input, &facts),
        Err(e) => {
            let mut d = Diagnostics::new();
            if !matches!(e, Error::Stopped { .. }) {
                d.warning(
                    "Skipped EC2 checks of the capacity provider",
                    format!(
                        "Subnets, security groups and instance types could not be checked at \
                         plan time: {e}. AWS will check them when the capacity provider is created."
                    ),
                );
            }
            d
        }
    }
}

async fn gather_facts(
    clients: &AwsClients,
    policy: &RetryPolicy,
    budget: &Budget,
    input: &Ec2CheckInput,
) -> Result<Ec2Facts, Error> {
    let ec2 = Arc::new(clients.ec2.clone());
    let mut facts = Ec2Facts::default();

    if !input.subnet_ids.is_empty() {
        let ids = input.subnet_ids.clone();
        let found = describe_each(policy, budget, "DescribeSubnets", &ids, |batch| {
            let ec2 = ec2.clone();
            async move {
                let out = ec2
                    .describe_subnets()
                    .set_subnet_ids(Some(batch))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("DescribeSubnets", e))?;
                Ok(out
                    .subnets()
                    .iter()
                    .filter_map(|s| {
                        Some((
                            s.subnet_id()?.to_string(),
                            (
                                s.vpc_id().unwrap_or_default().to_string(),
                                s.availability_zone().unwrap_or_default().to_string(),
                            ),
                        ))
                    })
                    .collect::<Vec<_>>())
            }
        })
        .await?;
        facts.subnets = found.into_iter().collect();
    }
    if !input.security_group_ids.is_empty() {
        let ids = input.security_group_ids.clone();
        let found = describe_each(policy, budget, "DescribeSecurityGroups", &ids, |batch| {
            let ec2 = ec2.clone();
            async move {
                let out = ec2
                    .describe_security_groups()
                    .set_group_ids(Some(batch))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("DescribeSecurityGroups", e))?;
                Ok(out
                    .security_groups()
                    .iter()
                    .filter_map(|g| {
                        Some((
                            g.group_id()?.to_string(),
                            g.vpc_id().unwrap_or_default().to_string(),
                        ))
                    })
                    .collect::<Vec<_>>())
            }
        })
        .await?;
        facts.security_groups = found.into_iter().collect();
    }
    let types: BTreeSet<String> = input
        .allowed_instance_types
        .iter()
        .chain(&input.excluded_instance_types)
        .map(|(_, t)| t.clone())
        .collect();
    if !types.is_empty() {
        let ids: Vec<String> = types.into_iter().collect();
        let found = describe_each(policy, budget, "DescribeInstanceTypes", &ids, |batch| {
            let ec2 = ec2.clone();
            async move {
                let types = batch
                    .iter()
                    .map(|t| aws_sdk_ec2::types::InstanceType::from(t.as_str()))
                    .collect();
                let out = ec2
                    .describe_instance_types()
                    .set_instance_types(Some(types))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("DescribeInstanceTypes", e))?;
                Ok(out
                    .instance_types()
                    .iter()
                    .filter_map(|t| {
                        let name = t.instance_type()?.as_str().to_string();
                        let archs = t
                            .processor_info()
                            .map(|p| {
                                p.supported_architectures()
                                    .iter()
                                    .map(|a| a.as_str().to_string())
                                    .collect()
                            })
                            .unwrap_or_default();
                        Some((name, archs))
                    })
                    .collect::<Vec<_>>())
            }
        })
        .await?;
        facts.instance_types = found.into_iter().collect();
    }
    Ok(facts)
}

/// Describes the IDs in batches of up to 100; when EC2 answers that some do not exist (it
/// fails the whole call), describes that batch one ID at a time so every missing ID can be
/// named.
async fn describe_each<T, F, Fut>(
    policy: &RetryPolicy,
    budget: &Budget,
    operation: &str,
    ids: &[String],
    describe: F,
) -> Result<Vec<(String, T)>, Error>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<(String, T)>, AwsError>>,
{
    let mut out = Vec::new();
    for batch in ids.chunks(100) {
        match retry(policy, budget, operation, || describe(batch.to_vec())).await {
            Ok(found) => out.extend(found),
            Err(Error::Aws(e)) if is_missing_id_error(&e) => {
                for id in batch {
                    match retry(policy, budget, operation, || describe(vec![id.clone()])).await {
                        Ok(found) => out.extend(found),
                        Err(Error::Aws(e)) if is_missing_id_error(&e) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// EC2's "no such ID" errors (`InvalidSubnetID.NotFound`, `InvalidGroup.NotFound`,
/// `InvalidInstanceType`, ...), as opposed to access or connection problems.
fn is_missing_id_error(e: &AwsError) -> bool {
    e.class == ErrorClass::NotFound
        || e.code.as_deref().is_some_and(|c| {
            c.ends_with(".NotFound")
                || c.ends_with(".Malformed")
                || c == "InvalidInstanceType"
                || c == "InvalidParameterValue"
        })
}

#[cfg(test)]
mod tests {
    use super::*;
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

    fn facts() -> Ec2Facts {
        let mut f = Ec2Facts::default();
        for (s, vpc, az) in [
            ("subnet-a", "vpc-1", "us-east-1a"),
            ("subnet-b", "vpc-1", "us-east-1b"),
            ("subnet-c", "vpc-1", "us-east-1c"),
            ("subnet-d", "vpc-2", "us-east-1a"),
        ] {
            f.subnets.insert(s.into(), (vpc.into(), az.into()));
        }
        f.security_groups.insert("sg-1".into(), "vpc-1".into());
        f.security_groups.insert("sg-2".into(), "vpc-2".into());
        f.instance_types
            .insert("m7g.large".into(), vec!["arm64".into()]);
        f.instance_types
            .insert("m7i.large".into(), vec!["x86_64".into()]);
        f
    }

    fn input(subnets: &[&str], sgs: &[&str], arch: &str, allowed: &[&str]) -> Ec2CheckInput {
        Ec2CheckInput {
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            security_group_ids: sgs.iter().map(|s| s.to_string()).collect(),
            architecture: Some(arch.into()),
            allowed_instance_types: allowed
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.to_string()))
                .collect(),
            excluded_instance_types: vec![],
        }
    }

    #[test]
    fn ec2_rules_accept_a_good_network() {
        let d = ec2_rules(
            &input(
                &["subnet-a", "subnet-b", "subnet-c"],
                &["sg-1"],
                "arm64",
                &["m7g.large"],
            ),
            &facts(),
        );
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn ec2_rules_name_unknown_subnets() {
        let d = ec2_rules(
            &input(&["subnet-a", "subnet-zz"], &["sg-1"], "arm64", &[]),
            &facts(),
        );
        let e = only_error_at(
            &d,
            AttributePath::attr("vpc_config")
                .child_index(0)
                .child_attr("subnet_ids"),
        );
        assert!(
            e.detail.contains("subnet-zz") && !e.detail.contains("subnet-a"),
            "{e}"
        );
    }

    #[test]
    fn ec2_rules_name_mismatched_vpc() {
        let d = ec2_rules(
            &input(
                &["subnet-a", "subnet-b", "subnet-c"],
                &["sg-2"],
                "arm64",
                &[],
            ),
            &facts(),
        );
        let e = only_error_at(
            &d,
            AttributePath::attr("vpc_config")
                .child_index(0)
                .child_attr("security_group_ids"),
        );
        assert!(
            e.detail.contains("sg-2") && e.detail.contains("vpc-1") && e.detail.contains("vpc-2"),
            "{e}"
        );
        let d = ec2_rules(
            &input(&["subnet-a", "subnet-d"], &[], "arm64", &[]),
            &facts(),
        );
        let e = only_error_at(
            &d,
            AttributePath::attr("vpc_config")
                .child_index(0)
                .child_attr("subnet_ids"),
        );
        assert!(e.detail.contains("subnet-d"), "{e}");
    }

    #[test]
    fn ec2_rules_check_instance_type_architecture() {
        let d = ec2_rules(
            &input(
                &["subnet-a", "subnet-b", "subnet-c"],
                &[],
                "arm64",
                &["m7g.large", "m7i.large"],
            ),
            &facts(),
        );
        let e = only_error_at(&d, ir_path("allowed_instance_types").child_index(1));
        assert!(
            e.detail.contains("m7i.large") && e.detail.contains("x86_64"),
            "{e}"
        );
        let d = ec2_rules(
            &input(
                &["subnet-a", "subnet-b", "subnet-c"],
                &[],
                "arm64",
                &["z9.huge"],
            ),
            &facts(),
        );
        let e = only_error_at(&d, ir_path("allowed_instance_types").child_index(0));
        assert!(e.detail.contains("z9.huge"), "{e}");
    }

    #[test]
    fn ec2_rules_warn_about_fewer_than_three_azs() {
        let d = ec2_rules(&input(&["subnet-a"], &["sg-1"], "arm64", &[]), &facts());
        assert!(!d.has_errors());
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn ec2_input_skips_unknowns_and_wildcards() {
        let planned = config(vec![
            (
                "vpc_config",
                Value::List(vec![Value::object([
                    ("subnet_ids", Value::Unknown),
                    (
                        "security_group_ids",
                        Value::Set(vec![Value::string("sg-1")]),
                    ),
                ])]),
            ),
            requirements(strs(&["arm64"]), strs(&["m7g.*", "m7g.large"]), Value::Null),
        ]);
        let i = Ec2CheckInput::from_plan(&planned);
        assert!(i.subnet_ids.is_empty());
        assert_eq!(i.security_group_ids, vec!["sg-1".to_string()]);
        assert_eq!(i.allowed_instance_types, vec![(1, "m7g.large".to_string())]);
        assert_eq!(i.architecture.as_deref(), Some("arm64"));
    }
}
