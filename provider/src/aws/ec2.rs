//! EC2 look-ups for plan-time checks: which subnets, security groups and instance types
//! exist, and their VPCs, Availability Zones and architectures. Calls use the provider's
//! retry policy like every other call.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use tfplug::diag::{Diagnostic, Diagnostics};

use super::clients::AwsClients;
use super::error::{AwsError, Error, ErrorClass};
use super::retry::Budget;

/// EC2 answers at most this many IDs per Describe call.
const BATCH: usize = 100;

/// What to look up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2Query {
    /// Subnet IDs.
    pub subnet_ids: Vec<String>,
    /// Security group IDs.
    pub security_group_ids: Vec<String>,
    /// Instance type names (no wildcards).
    pub instance_types: Vec<String>,
    /// Instance type patterns (`*` and `?` wildcards, as `allowed_instance_types` takes
    /// them), each looked up with EC2's `instance-type` filter.
    pub instance_type_patterns: Vec<String>,
}

impl Ec2Query {
    /// True when there is nothing to look up.
    pub fn is_empty(&self) -> bool {
        self.subnet_ids.is_empty()
            && self.security_group_ids.is_empty()
            && self.instance_types.is_empty()
            && self.instance_type_patterns.is_empty()
    }
}

/// What EC2 said about the IDs: the answers checks need, separated from the SDK so rules
/// can be tested without a network. IDs that do not exist are absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2Facts {
    /// Subnet ID → (VPC ID, Availability Zone) of the subnets that exist.
    pub subnets: BTreeMap<String, (String, String)>,
    /// Security group ID → VPC ID of the groups that exist.
    pub security_groups: BTreeMap<String, String>,
    /// Instance type → what EC2 says of it, for the types that exist.
    pub instance_types: BTreeMap<String, InstanceTypeFacts>,
    /// Pattern → the instance types matching it (none: no type matches).
    pub pattern_matches: BTreeMap<String, BTreeMap<String, InstanceTypeFacts>>,
}

/// What EC2 says of an instance type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InstanceTypeFacts {
    /// Supported architectures (`arm64`, `x86_64`).
    pub architectures: Vec<String>,
    /// Default vCPUs, when EC2 gave them.
    pub vcpus: Option<u32>,
}

/// How long plan-time look-ups may take before they are skipped.
const PLAN_LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Plan-time checks of `what` against EC2: looks `query` up and applies `rules` to the
/// facts. When EC2 cannot be reached or the caller may not describe these objects, the
/// checks are skipped with a warning (AWS checks again at apply); they never fail a plan
/// for that.
pub async fn check_at_plan(
    clients: &AwsClients,
    query: &Ec2Query,
    stop: &tokio_util::sync::CancellationToken,
    what: &str,
    rules: impl FnOnce(&Ec2Facts) -> Diagnostics,
) -> Diagnostics {
    if query.is_empty() {
        return Diagnostics::new();
    }
    let budget = Budget::new(PLAN_LOOKUP_TIMEOUT, stop.clone());
    match lookup(clients, &budget, query).await {
        Ok(facts) => rules(&facts),
        Err(Error::Stopped { .. }) => Diagnostics::new(),
        Err(e) => Diagnostic::warning(
            format!("Skipped EC2 checks of the {what}"),
            format!(
                "Subnets, security groups and instance types could not be checked at plan \
                 time: {e}. AWS will check them when the {what} is created."
            ),
        )
        .into(),
    }
}

/// Looks the query's IDs up in EC2. IDs that do not exist are left out of the facts;
/// other failures (access denied, EC2 unreachable, retries exhausted) are errors.
pub async fn lookup(
    clients: &AwsClients,
    budget: &Budget,
    query: &Ec2Query,
) -> Result<Ec2Facts, Error> {
    Ok(Ec2Facts {
        subnets: subnets(clients, budget, &query.subnet_ids).await?,
        security_groups: security_groups(clients, budget, &query.security_group_ids).await?,
        instance_types: instance_types(clients, budget, &query.instance_types).await?,
        pattern_matches: pattern_matches(clients, budget, &query.instance_type_patterns).await?,
    })
}

async fn subnets(
    clients: &AwsClients,
    budget: &Budget,
    ids: &[String],
) -> Result<BTreeMap<String, (String, String)>, Error> {
    let found = describe_each(ids, |batch| async move {
        let req = clients.ec2.describe_subnets().set_subnet_ids(Some(batch));
        let out = clients
            .send(budget, "DescribeSubnets", || req.clone().send())
            .await?;
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
            .collect())
    })
    .await?;
    Ok(found.into_iter().collect())
}

async fn security_groups(
    clients: &AwsClients,
    budget: &Budget,
    ids: &[String],
) -> Result<BTreeMap<String, String>, Error> {
    let found = describe_each(ids, |batch| async move {
        let req = clients
            .ec2
            .describe_security_groups()
            .set_group_ids(Some(batch));
        let out = clients
            .send(budget, "DescribeSecurityGroups", || req.clone().send())
            .await?;
        Ok(out
            .security_groups()
            .iter()
            .filter_map(|g| {
                Some((
                    g.group_id()?.to_string(),
                    g.vpc_id().unwrap_or_default().to_string(),
                ))
            })
            .collect())
    })
    .await?;
    Ok(found.into_iter().collect())
}

async fn instance_types(
    clients: &AwsClients,
    budget: &Budget,
    names: &[String],
) -> Result<BTreeMap<String, InstanceTypeFacts>, Error> {
    let unique: Vec<String> = names
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let found = describe_each(&unique, |batch| async move {
        let types = batch
            .iter()
            .map(|t| aws_sdk_ec2::types::InstanceType::from(t.as_str()))
            .collect();
        let req = clients
            .ec2
            .describe_instance_types()
            .set_instance_types(Some(types));
        let out = clients
            .send(budget, "DescribeInstanceTypes", || req.clone().send())
            .await?;
        Ok(out.instance_types().iter().filter_map(type_facts).collect())
    })
    .await?;
    Ok(found.into_iter().collect())
}

/// What EC2 says of one instance type, by name.
fn type_facts(t: &aws_sdk_ec2::types::InstanceTypeInfo) -> Option<(String, InstanceTypeFacts)> {
    let name = t.instance_type()?.as_str().to_string();
    let architectures = t
        .processor_info()
        .map(|p| {
            p.supported_architectures()
                .iter()
                .map(|a| a.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    let vcpus = t
        .v_cpu_info()
        .and_then(|v| v.default_v_cpus())
        .and_then(|n| u32::try_from(n).ok());
    Some((
        name,
        InstanceTypeFacts {
            architectures,
            vcpus,
        },
    ))
}

/// The instance types matching each pattern: one filtered DescribeInstanceTypes per
/// pattern (all its pages), so each answer belongs to one pattern.
async fn pattern_matches(
    clients: &AwsClients,
    budget: &Budget,
    patterns: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, InstanceTypeFacts>>, Error> {
    let mut out = BTreeMap::new();
    for pattern in patterns.iter().collect::<BTreeSet<_>>() {
        let filter = aws_sdk_ec2::types::Filter::builder()
            .name("instance-type")
            .values(pattern)
            .build();
        let mut matches = BTreeMap::new();
        let mut next_token = None;
        loop {
            let req = clients
                .ec2
                .describe_instance_types()
                .filters(filter.clone())
                .set_next_token(next_token.take());
            let page = clients
                .send(budget, "DescribeInstanceTypes", || req.clone().send())
                .await?;
            matches.extend(page.instance_types().iter().filter_map(type_facts));
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => break,
            }
        }
        out.insert(pattern.clone(), matches);
    }
    Ok(out)
}

/// Describes the IDs in batches; when EC2 answers that some do not exist (it fails the
/// whole call), describes that batch one ID at a time so every missing ID can be named.
async fn describe_each<T, F, Fut>(ids: &[String], describe: F) -> Result<Vec<(String, T)>, Error>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<Vec<(String, T)>, Error>>,
{
    let mut out = Vec::new();
    for batch in ids.chunks(BATCH) {
        match describe(batch.to_vec()).await {
            Ok(found) => out.extend(found),
            Err(Error::Aws(e)) if is_missing_id_error(&e) => {
                for id in batch {
                    match describe(vec![id.clone()]).await {
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
    use std::sync::Mutex;

    fn missing(code: &str) -> Error {
        Error::Aws(AwsError::new(
            "DescribeSubnets",
            Some(code),
            "does not exist",
            ErrorClass::Permanent,
        ))
    }

    #[tokio::test]
    async fn describe_each_names_every_missing_id() {
        let calls = Mutex::new(Vec::new());
        let ids: Vec<String> = ["subnet-a", "subnet-zz", "subnet-b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let found = describe_each(&ids, |batch| {
            if let Ok(mut c) = calls.lock() {
                c.push(batch.clone());
            }
            async move {
                if batch.iter().any(|id| id == "subnet-zz") {
                    return Err(missing("InvalidSubnetID.NotFound"));
                }
                Ok(batch.into_iter().map(|id| (id, ())).collect())
            }
        })
        .await;
        let names: Vec<String> = found
            .unwrap_or_default()
            .into_iter()
            .map(|(id, ())| id)
            .collect();
        assert_eq!(names, vec!["subnet-a", "subnet-b"]);
        assert_eq!(calls.lock().map(|c| c.len()).unwrap_or_default(), 4);
    }

    #[tokio::test]
    async fn describe_each_passes_other_errors_on() {
        let ids = vec!["subnet-a".to_string()];
        let r: Result<Vec<(String, ())>, Error> = describe_each(&ids, |_| async {
            Err(Error::Aws(AwsError::new(
                "DescribeSubnets",
                Some("UnauthorizedOperation"),
                "not allowed",
                ErrorClass::Permanent,
            )))
        })
        .await;
        assert!(matches!(r, Err(Error::Aws(e)) if e.has_code("UnauthorizedOperation")));
    }

    #[test]
    fn empty_query() {
        assert!(Ec2Query::default().is_empty());
        let q = Ec2Query {
            instance_types: vec!["m7g.large".into()],
            ..Ec2Query::default()
        };
        assert!(!q.is_empty());
    }
}
