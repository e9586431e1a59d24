//! Plan-time checks of a capacity provider's network and instance types against EC2:
//! the network's, shared with functions, in [`vpc_checks`](crate::resources::common::vpc_checks);
//! here, that instance types exist and support the architecture. How many Availability Zones the subnets span is the review's rule
//! LMI-RES-001, which gets these facts too.
//!
//! Pure: facts in, diagnostics out. [`crate::aws::ec2::check_at_plan`] gets the facts
//! (and skips the checks, with a warning, when EC2 cannot be asked).

use std::collections::BTreeMap;

use tfplug::diag::Diagnostics;
use tfplug::value::{AttributePath, Value};

use super::schema::names::*;
use crate::aws::ec2::{Ec2Facts, Ec2Query};
use crate::resources::common::vpc_checks::{VpcIds, vpc_rules};

fn elements(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_elements).unwrap_or(&[])
}

/// What the EC2 checks look at: known IDs from the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2CheckInput {
    /// The known IDs of `vpc_config` (checked by [`vpc_rules`], as for a function).
    pub vpc: VpcIds,
    /// The architecture, when known.
    pub architecture: Option<String>,
    /// `allowed_instance_types` (without wildcards), with their index.
    pub allowed_instance_types: Vec<(usize, String)>,
    /// `excluded_instance_types` (without wildcards), with their index.
    pub excluded_instance_types: Vec<(usize, String)>,
    /// The `allowed_instance_types` with wildcards, with their index. (Excluded patterns
    /// are not looked up: excluding what does not exist harms nothing.)
    pub allowed_patterns: Vec<(usize, String)>,
}

/// Whether an instance type entry is a pattern (`*` or `?`).
fn is_pattern(entry: &str) -> bool {
    entry.contains(['*', '?'])
}

fn known_strings(v: Option<&Value>) -> Option<Vec<String>> {
    let els = v?.as_elements()?;
    els.iter().map(|e| e.as_str().map(str::to_string)).collect()
}

impl Ec2CheckInput {
    /// Collects the known values from a planned (or configured) resource value.
    pub fn from_plan(planned: &Value) -> Self {
        let ir = elements(planned.get_attr(INSTANCE_REQUIREMENTS)).first();
        let entries = |name: &str, patterns: bool| {
            elements(ir.and_then(|i| i.get_attr(name)))
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (i, s.to_string())))
                .filter(|(_, s)| is_pattern(s) == patterns)
                .collect()
        };
        let types = |name: &str| entries(name, false);
        Self {
            vpc: VpcIds::from_plan(planned),
            architecture: known_strings(ir.and_then(|i| i.get_attr(ARCHITECTURES)))
                .and_then(|a| (a.len() == 1).then(|| a[0].clone())),
            allowed_instance_types: types(ALLOWED_INSTANCE_TYPES),
            excluded_instance_types: types(EXCLUDED_INSTANCE_TYPES),
            allowed_patterns: entries(ALLOWED_INSTANCE_TYPES, true),
        }
    }

    /// The IDs to look up in EC2.
    pub fn query(&self) -> Ec2Query {
        Ec2Query {
            instance_types: self
                .allowed_instance_types
                .iter()
                .chain(&self.excluded_instance_types)
                .map(|(_, t)| t.clone())
                .collect(),
            instance_type_patterns: self
                .allowed_patterns
                .iter()
                .map(|(_, p)| p.clone())
                .collect(),
            ..self.vpc.query()
        }
    }
}

/// Applies the EC2 rules to the facts: unknown IDs, one VPC, architectures. Errors name
/// the bad IDs and point at their attributes.
pub fn ec2_rules(input: &Ec2CheckInput, facts: &Ec2Facts) -> Diagnostics {
    let mut diags = vpc_rules(&input.vpc, facts);
    let ir_path = AttributePath::attr(INSTANCE_REQUIREMENTS).child_index(0);
    for (list, entries) in [
        (ALLOWED_INSTANCE_TYPES, &input.allowed_instance_types),
        (EXCLUDED_INSTANCE_TYPES, &input.excluded_instance_types),
    ] {
        for (i, ty) in entries {
            let p = ir_path.child_attr(list).child_index(*i as i64);
            match facts.instance_types.get(ty) {
                None => diags.error_at(
                    p,
                    "Unknown instance type",
                    format!("Instance type {ty:?} does not exist in this region."),
                ),
                Some(facts) if list == ALLOWED_INSTANCE_TYPES => {
                    let archs = &facts.architectures;
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
    for (i, pattern) in &input.allowed_patterns {
        let p = ir_path
            .child_attr(ALLOWED_INSTANCE_TYPES)
            .child_index(*i as i64);
        let matches = facts.pattern_matches.get(pattern);
        if matches.is_none_or(BTreeMap::is_empty) {
            diags.error_at(
                p,
                "No instance type matches",
                format!("No instance type in this region matches {pattern:?}."),
            );
            continue;
        }
        if let (Some(matches), Some(arch)) = (matches, &input.architecture)
            && !matches.values().any(|t| t.architectures.contains(arch))
        {
            let examples: Vec<String> = matches
                .iter()
                .take(3)
                .map(|(name, t)| format!("{name} ({})", t.architectures.join(", ")))
                .collect();
            diags.error_at(
                p,
                "No matching instance type supports the architecture",
                format!(
                    "None of the {} instance types matching {pattern:?} supports {arch} \
                     (instance_requirements architectures), e.g. {}. Choose types of that \
                     architecture, or change architectures.",
                    matches.len(),
                    examples.join(", ")
                ),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::InstanceTypeFacts;
    use tfplug::diag::Diagnostic;

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }

    fn only_error_at(d: &Diagnostics, path: AttributePath) -> Diagnostic {
        let errs: Vec<&Diagnostic> = d.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errs.len(), 1, "expected one error, got {d}");
        let e = errs[0].clone();
        assert_eq!(e.path.as_ref(), Some(&path), "{e}");
        e
    }

    fn ir_path(attr: &str) -> AttributePath {
        AttributePath::attr("instance_requirements")
            .child_index(0)
            .child_attr(attr)
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
        for (ty, arch) in [("m7g.large", "arm64"), ("m7i.large", "x86_64")] {
            let facts = InstanceTypeFacts {
                architectures: vec![arch.into()],
                vcpus: Some(2),
            };
            f.instance_types.insert(ty.into(), facts);
        }
        f
    }

    fn input(subnets: &[&str], sgs: &[&str], arch: &str, allowed: &[&str]) -> Ec2CheckInput {
        Ec2CheckInput {
            vpc: VpcIds {
                subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
                security_group_ids: sgs.iter().map(|s| s.to_string()).collect(),
            },
            architecture: Some(arch.into()),
            allowed_instance_types: allowed
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.to_string()))
                .collect(),
            excluded_instance_types: vec![],
            allowed_patterns: vec![],
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
    fn zones_are_left_to_the_review() {
        // One zone is review rule LMI-RES-001's finding (with the zones EC2 named), not
        // a second warning from here.
        let d = ec2_rules(&input(&["subnet-a"], &["sg-1"], "arm64", &[]), &facts());
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn ec2_input_keeps_wildcards_apart() {
        let planned = Value::object([
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
            (
                "instance_requirements",
                Value::List(vec![Value::object([
                    ("architectures", strs(&["arm64"])),
                    ("allowed_instance_types", strs(&["m7g.*", "m7g.large"])),
                    ("excluded_instance_types", Value::Null),
                ])]),
            ),
        ]);
        let i = Ec2CheckInput::from_plan(&planned);
        assert!(i.vpc.subnet_ids.is_empty());
        assert_eq!(i.vpc.security_group_ids, vec!["sg-1".to_string()]);
        assert_eq!(i.allowed_instance_types, vec![(1, "m7g.large".to_string())]);
        assert_eq!(i.allowed_patterns, vec![(0, "m7g.*".to_string())]);
        assert_eq!(i.architecture.as_deref(), Some("arm64"));
        assert_eq!(i.query().instance_type_patterns, vec!["m7g.*".to_string()]);
    }

    #[test]
    fn a_pattern_must_match_a_type_of_the_architecture() {
        let mut f = facts();
        let x86 = InstanceTypeFacts {
            architectures: vec!["x86_64".into()],
            vcpus: Some(2),
        };
        f.pattern_matches.insert(
            "c5.*".into(),
            [("c5.large".to_string(), x86.clone())]
                .into_iter()
                .collect(),
        );
        f.pattern_matches.insert("c5x.*".into(), BTreeMap::new());
        let mut i = input(&["subnet-a"], &["sg-1"], "arm64", &["m7g.large"]);
        i.allowed_patterns = vec![(1, "c5.*".into()), (2, "c5x.*".into())];
        let d = ec2_rules(&i, &f);
        let found: Vec<(String, String)> = d
            .iter()
            .map(|d| {
                (
                    d.path.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                    d.summary.clone(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    ir_path("allowed_instance_types").child_index(1).to_string(),
                    "No matching instance type supports the architecture".to_string()
                ),
                (
                    ir_path("allowed_instance_types").child_index(2).to_string(),
                    "No instance type matches".to_string()
                ),
            ]
        );
        assert!(
            d.iter()
                .next()
                .is_some_and(|d| d.detail.contains("c5.large (x86_64)"))
        );
        // A pattern with a type of the architecture is fine.
        i.architecture = Some("x86_64".into());
        i.allowed_instance_types.clear();
        i.allowed_patterns.truncate(1);
        assert!(ec2_rules(&i, &f).is_empty(), "{}", ec2_rules(&i, &f));
    }

    #[test]
    fn query_lists_every_instance_type_once_per_entry() {
        let mut i = input(&["subnet-a"], &["sg-1"], "arm64", &["m7g.large"]);
        i.excluded_instance_types = vec![(0, "m7i.large".into())];
        let q = i.query();
        assert_eq!(q.subnet_ids, vec!["subnet-a".to_string()]);
        assert_eq!(q.security_group_ids, vec!["sg-1".to_string()]);
        assert_eq!(
            q.instance_types,
            vec!["m7g.large".to_string(), "m7i.large".to_string()]
        );
        assert!(Ec2CheckInput::default().query().is_empty());
    }
}
