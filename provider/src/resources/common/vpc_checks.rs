//! Plan-time checks of a `vpc_config` block against EC2, for every resource that has one
//! (a capacity provider's instances, a function's network interfaces): its subnets exist
//! and share one VPC, and its security groups exist in that VPC. Errors name the bad IDs
//! and point at the attribute that holds them.
//!
//! Pure: the IDs come from the plan, the facts from [`crate::aws::ec2::check_at_plan`].

use std::collections::BTreeSet;

use tfplug::diag::Diagnostics;
use tfplug::value::{AttributePath, Value};

use crate::aws::ec2::{Ec2Facts, Ec2Query};

/// The `vpc_config` block.
pub const VPC_CONFIG: &str = "vpc_config";
/// Its `subnet_ids`.
pub const SUBNET_IDS: &str = "subnet_ids";
/// Its `security_group_ids`.
pub const SECURITY_GROUP_IDS: &str = "security_group_ids";

/// The IDs of a planned `vpc_config` that are known (none while unknown).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VpcIds {
    /// `subnet_ids`.
    pub subnet_ids: Vec<String>,
    /// `security_group_ids`.
    pub security_group_ids: Vec<String>,
}

impl VpcIds {
    /// The known IDs of `vpc_config[0]` in a planned (or configured) resource value.
    pub fn from_plan(planned: &Value) -> Self {
        let block = planned
            .get_attr(VPC_CONFIG)
            .and_then(Value::as_elements)
            .and_then(|items| items.first());
        let known = |name: &str| -> Vec<String> {
            block
                .and_then(|b| b.get_attr(name))
                .and_then(Value::as_elements)
                .and_then(|ids| {
                    ids.iter()
                        .map(|id| id.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            subnet_ids: known(SUBNET_IDS),
            security_group_ids: known(SECURITY_GROUP_IDS),
        }
    }

    /// What to ask EC2.
    pub fn query(&self) -> Ec2Query {
        Ec2Query {
            subnet_ids: self.subnet_ids.clone(),
            security_group_ids: self.security_group_ids.clone(),
            ..Ec2Query::default()
        }
    }
}

/// Applies the rules to the facts: subnets and security groups that do not exist, subnets
/// in more than one VPC, security groups of another VPC.
pub fn vpc_rules(ids: &VpcIds, facts: &Ec2Facts) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let vpc_path = AttributePath::attr(VPC_CONFIG).child_index(0);
    let subnet_path = vpc_path.child_attr(SUBNET_IDS);
    let sg_path = vpc_path.child_attr(SECURITY_GROUP_IDS);
    let missing = |ids: &[String], found: &dyn Fn(&str) -> bool| -> Vec<String> {
        ids.iter().filter(|id| !found(id)).cloned().collect()
    };

    let missing_subnets = missing(&ids.subnet_ids, &|s| facts.subnets.contains_key(s));
    if !missing_subnets.is_empty() {
        diags.error_at(
            subnet_path.clone(),
            "Subnet not found",
            format!(
                "These subnets do not exist in this account and region: {}.",
                missing_subnets.join(", ")
            ),
        );
    }
    let vpcs: BTreeSet<&str> = ids
        .subnet_ids
        .iter()
        .filter_map(|s| facts.subnets.get(s).map(|(vpc, _)| vpc.as_str()))
        .collect();
    if vpcs.len() > 1 {
        let by_vpc: Vec<String> = vpcs
            .iter()
            .map(|vpc| {
                let in_it: Vec<&str> = ids
                    .subnet_ids
                    .iter()
                    .filter(|s| facts.subnets.get(*s).is_some_and(|(v, _)| v == vpc))
                    .map(String::as_str)
                    .collect();
                format!("{vpc}: {}", in_it.join(", "))
            })
            .collect();
        diags.error_at(
            subnet_path,
            "Subnets in more than one VPC",
            format!(
                "All subnets must be in one VPC; they are in {}.",
                by_vpc.join("; ")
            ),
        );
    }
    let missing_groups = missing(&ids.security_group_ids, &|g| {
        facts.security_groups.contains_key(g)
    });
    if !missing_groups.is_empty() {
        diags.error_at(
            sg_path.clone(),
            "Security group not found",
            format!(
                "These security groups do not exist in this account and region: {}.",
                missing_groups.join(", ")
            ),
        );
    }
    if let [vpc] = vpcs.into_iter().collect::<Vec<_>>()[..] {
        let elsewhere: Vec<String> = ids
            .security_group_ids
            .iter()
            .filter_map(|sg| {
                facts
                    .security_groups
                    .get(sg)
                    .filter(|v| v.as_str() != vpc)
                    .map(|v| format!("{sg} (in {v})"))
            })
            .collect();
        if !elsewhere.is_empty() {
            diags.error_at(
                sg_path,
                "Security groups in another VPC",
                format!(
                    "The subnets are in {vpc}, but these security groups are not: {}.",
                    elsewhere.join(", ")
                ),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Ec2Facts {
        let mut f = Ec2Facts::default();
        for (s, vpc) in [
            ("subnet-a", "vpc-1"),
            ("subnet-b", "vpc-1"),
            ("subnet-d", "vpc-2"),
        ] {
            f.subnets
                .insert(s.into(), (vpc.into(), "us-east-1a".into()));
        }
        f.security_groups.insert("sg-1".into(), "vpc-1".into());
        f.security_groups.insert("sg-2".into(), "vpc-2".into());
        f
    }

    fn ids(subnets: &[&str], groups: &[&str]) -> VpcIds {
        VpcIds {
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            security_group_ids: groups.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn summaries(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| d.summary.clone()).collect()
    }

    #[test]
    fn one_vpc_with_its_groups_passes() {
        assert!(vpc_rules(&ids(&["subnet-a", "subnet-b"], &["sg-1"]), &facts()).is_empty());
    }

    #[test]
    fn each_problem_is_one_error_naming_the_ids() {
        let d = vpc_rules(&ids(&["subnet-a", "subnet-x"], &["sg-9"]), &facts());
        assert_eq!(
            summaries(&d),
            ["Subnet not found", "Security group not found"]
        );
        assert!(d.iter().any(|d| d.detail.contains("subnet-x")));
        let d = vpc_rules(&ids(&["subnet-a", "subnet-d"], &["sg-1"]), &facts());
        assert_eq!(summaries(&d), ["Subnets in more than one VPC"]);
        let d = vpc_rules(&ids(&["subnet-a"], &["sg-2"]), &facts());
        assert_eq!(summaries(&d), ["Security groups in another VPC"]);
        assert!(d.iter().all(|d| d.detail.contains("sg-2 (in vpc-2)")));
    }

    #[test]
    fn only_known_ids_are_taken_from_the_plan() {
        let planned = Value::object([(
            VPC_CONFIG,
            Value::List(vec![Value::object([
                (SUBNET_IDS, Value::Unknown),
                (SECURITY_GROUP_IDS, Value::Set(vec![Value::string("sg-1")])),
            ])]),
        )]);
        let found = VpcIds::from_plan(&planned);
        assert!(found.subnet_ids.is_empty());
        assert_eq!(found.security_group_ids, ["sg-1"]);
        assert_eq!(VpcIds::from_plan(&Value::Null), VpcIds::default());
    }
}
