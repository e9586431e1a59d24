//! Rules of `lambda_function_version` that depend on values: the scaling range, the
//! region of a function named by ARN, scaling on a function that has no capacity
//! provider, and AWS's limit of versions per capacity provider. Pure: the facts looked up
//! at plan time come in as arguments.

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::value::{AttributePath, Value};

use super::schema::names::*;
use crate::resources::common::REGION;
use crate::resources::common::import_id::arn_region;

/// Function versions one capacity provider may hold (Lambda Managed Instances quotas:
/// "Function versions per capacity provider: 100", not adjustable).
pub const VERSIONS_PER_CAPACITY_PROVIDER: usize = 100;

fn scaling_path() -> AttributePath {
    AttributePath::attr(SCALING).child_index(0)
}

/// The region of the function when `function_name` is an ARN: where the version is.
pub fn function_region(config: &Value) -> Option<&str> {
    match config.get_attr(FUNCTION_NAME) {
        Some(Value::String(name)) => arn_region(name),
        _ => None,
    }
}

/// Checks the configuration: `min_execution_environments ≤ max_execution_environments`,
/// and a `region` that agrees with a `function_name` ARN.
pub fn check(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let (Some(in_arn), Some(Value::String(region))) =
        (function_region(config), config.get_attr(REGION))
        && in_arn != region
    {
        diags.error_at(
            AttributePath::attr(REGION),
            "region differs from the function's",
            format!(
                "region = {region:?}, but function_name is an ARN in {in_arn}: a version is \
                 published in its function's region. Remove region, or set it to {in_arn:?}."
            ),
        );
    }
    let Some(scaling) = config
        .get_attr(SCALING)
        .and_then(Value::as_elements)
        .and_then(<[Value]>::first)
    else {
        return diags;
    };
    let number = |name: &str| {
        scaling
            .get_attr(name)
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
    };
    if let (Some(min), Some(max)) = (number(MIN), number(MAX))
        && min > max
    {
        diags.error_at(
            scaling_path().child_attr(MIN),
            "min_execution_environments above max_execution_environments",
            format!(
                "min_execution_environments = {min} is more than max_execution_environments = \
                 {max}. Lower the minimum or raise the maximum."
            ),
        );
    }
    diags
}

/// Where a diagnostic about the whole `function_scaling_config` block of `config`
/// points: Terraform places no block path (it shows the resource's first line, with or
/// without the index), so its first configured attribute; the block when it has none.
fn scaling_block_path(config: &Value) -> AttributePath {
    let block = config
        .get_attr(SCALING)
        .and_then(Value::as_elements)
        .and_then(<[Value]>::first);
    [MIN, MAX]
        .into_iter()
        .find(|name| {
            block
                .and_then(|b| b.get_attr(name))
                .is_some_and(|v| !v.is_null())
        })
        .map_or_else(
            || AttributePath::attr(SCALING),
            |name| scaling_path().child_attr(name),
        )
}

/// Scaling applies only to functions on a capacity provider (PutFunctionScalingConfig
/// refuses others: "does not contain a capacity provider configuration"). The error
/// points into the `function_scaling_config` block of `config`.
pub fn scaling_needs_capacity_provider(function: &str, config: &Value) -> Diagnostic {
    Diagnostic::error(
        "Scaling needs Lambda Managed Instances",
        format!(
            "Function {function:?} does not run on a capacity provider, so its versions have \
             no execution environments to scale. Remove function_scaling_config, or give the \
             function a capacity_provider_config (which replaces the function)."
        ),
    )
    .at(scaling_block_path(config))
}

/// [`scaling_needs_capacity_provider`] as a warning, for a version whose configuration
/// holds values known only at apply: the function changes in the same apply, and may be
/// given a capacity provider then. The publish checks again.
pub fn scaling_may_need_capacity_provider(function: &str, config: &Value) -> Diagnostic {
    Diagnostic::warning(
        "Scaling needs Lambda Managed Instances",
        format!(
            "Function {function:?} does not run on a capacity provider now, so its versions \
             have no execution environments to scale. This apply changes the function first: \
             unless it gives the function a capacity_provider_config, the version's scaling \
             fails at apply."
        ),
    )
    .at(scaling_block_path(config))
}

/// The error of a create whose publish AWS answered with version `version`, which another
/// `lambda_function_version` of the same apply published a moment before: nothing changed
/// in the function between the two publishes, so AWS published nothing new. Two
/// resources holding one version would fight over its scaling configuration, and the
/// destroy of either would delete it under the other.
pub fn one_version_twice(label: &str, version: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{label} is already held by another resource of this apply"),
        format!(
            "AWS answered this publish with version {version}, which another \
             lambda_function_version of this apply published just before: nothing changed in \
             the function between the two publishes (publish_to = \"LATEST_PUBLISHED\" \
             included), and AWS publishes one version per change. Keep one resource per \
             version: remove one of them, or make the function change between them."
        ),
    )
}

/// A warning when the configured `code_sha256` guard is not the code `$LATEST` holds at
/// plan time (`latest`): the publish fails unless the function's code becomes it during
/// the apply (a function updated in the same apply), and a replaced version is destroyed
/// before that publish. Not an error: the plan cannot tell whether the code changes first.
pub fn code_guard_warning(function: &str, config: &Value, latest: &str) -> Option<Diagnostic> {
    let Some(Value::String(guard)) = config.get_attr(CODE_SHA256) else {
        return None;
    };
    (guard != latest).then(|| {
        Diagnostic::warning(
            "code_sha256 is not the function's code",
            format!(
                "code_sha256 = {guard:?}, but the code of {function:?} ($LATEST) is {latest:?} \
                 now. The publish will fail unless the function's code becomes {guard:?} \
                 earlier in this apply (a lambda_durable_function updating its code). If that \
                 is not the plan, take the value from the function \
                 (lambda_durable_function.NAME.code_sha256) or remove code_sha256."
            ),
        )
        .at(AttributePath::attr(CODE_SHA256))
    })
}

/// What AWS reports of a published version that never changes once it is published
/// (a version is immutable), to tell the version a state recorded from another one AWS
/// published later under the same number: deleting or replacing a function deletes
/// every version of it, and a function created again under the same name numbers its
/// versions from 1 again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Published<'a> {
    /// `LastModified`: when the version was published.
    pub last_modified: Option<&'a str>,
    /// `CodeSha256`.
    pub code_sha256: Option<&'a str>,
    /// The capacity provider the version runs on.
    pub capacity_provider_arn: Option<&'a str>,
    /// `State`.
    pub state: Option<&'a str>,
}

/// The attribute of `recorded` (a stored state) that differs from what AWS reports of
/// the version under the same number (`remote`), when that is another version than the
/// one the state recorded; `None` when it is the same one, or nothing recorded tells
/// (an import's stub, a state kept from a failed create). `LastModified` is not compared
/// when AWS reports the version `Failed`: failing stamps it.
pub fn another_version(recorded: &Value, remote: &Published<'_>) -> Option<&'static str> {
    let differs = |name: &str, now: Option<&str>| match recorded.get_attr(name) {
        Some(Value::String(before)) if !before.is_empty() => now != Some(before.as_str()),
        _ => false,
    };
    if differs(CODE_SHA256, remote.code_sha256) {
        return Some(CODE_SHA256);
    }
    if differs(CAPACITY_PROVIDER_ARN, remote.capacity_provider_arn) {
        return Some(CAPACITY_PROVIDER_ARN);
    }
    if remote.state != Some(crate::resources::common::remote_state::FAILED)
        && differs(LAST_MODIFIED, remote.last_modified)
    {
        return Some(LAST_MODIFIED);
    }
    None
}

/// The warning of a refresh that finds another version than the recorded one under its
/// number (`differs`: the attribute that tells them apart); the state is dropped.
pub fn another_version_warning(
    label: &str,
    function: &str,
    version: &str,
    differs: &str,
) -> Diagnostic {
    Diagnostic::warning(
        format!("{label} is not the version this resource published"),
        format!(
            "AWS has a version {version} of {function:?}, but not the one this resource \
             published: its {differs} differs. The version this resource published was \
             deleted when its function was replaced (replacing a function deletes every \
             version of it, and the new function numbers its versions from 1 again), or by \
             something else. The version now numbered {version} is another one, which this \
             resource leaves alone. The resource is removed from the state; the next apply \
             publishes it again."
        ),
    )
}

/// The error of a change to a version AWS is deleting (`reason`: AWS's StateReason).
pub fn deleting_error(label: &str, reason: Option<&str>) -> Diagnostic {
    let because = reason
        .filter(|r| !r.is_empty())
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    Diagnostic::error(
        format!("Error scaling {label}"),
        format!(
            "AWS reports the version in state Deleting{because}: its deletion started outside \
             this configuration, and AWS refuses changes to it. Nothing was changed. AWS \
             removes it once its running durable executions end; the plan after that \
             publishes a new version."
        ),
    )
}

/// The error of a plan that publishes a version of a function AWS is deleting (an
/// interrupted or timed-out destroy, or a delete outside Terraform): PublishVersion
/// would fail with "Function not found". Points at `function_name`.
pub fn function_deleting_error(function: &str) -> Diagnostic {
    Diagnostic::error(
        "The function is being deleted",
        format!(
            "AWS reports function {function:?} in state Deleting (a destroy that was \
             interrupted or timed out, or a delete outside Terraform; a durable function is \
             deleted once its executions end), so no version can be published on it. Plan \
             again once AWS has deleted it: the plan then creates the function again, and \
             this version on it. Until then, leave this version out with `-target` on the \
             other resources."
        ),
    )
    .at(AttributePath::attr(FUNCTION_NAME))
}

/// The parts of a function named by name, partial ARN (`ACCOUNT:function:NAME`) or ARN:
/// (region, account, name); `None` for anything else (a qualified name).
fn function_parts(function: &str) -> Option<(Option<&str>, Option<&str>, &str)> {
    let parts: Vec<&str> = function.split(':').collect();
    match parts.as_slice() {
        [name] => Some((None, None, name)),
        [account, "function", name] => Some((None, Some(account), name)),
        ["arn", _, "lambda", region, account, "function", name] => {
            Some((Some(region), Some(account), name))
        }
        _ => None,
    }
}

/// Whether `a` and `b` (each a function name, partial ARN or ARN) both name the function
/// whose ARN AWS reports as `function_arn`: the same name, and every region and account
/// they give that ARN's.
pub fn same_function(a: &str, b: &str, function_arn: &str) -> bool {
    let Some((Some(region), Some(account), name)) = function_parts(function_arn) else {
        return false;
    };
    [a, b].into_iter().all(|f| {
        function_parts(f).is_some_and(|(r, acc, n)| {
            n == name && r.is_none_or(|r| r == region) && acc.is_none_or(|acc| acc == account)
        })
    })
}

/// How many of `arns` (qualified function ARNs, as ListFunctionVersionsByCapacityProvider
/// lists them) are published versions, which the limit counts: the listing also holds
/// each function's `$LATEST`.
pub fn published_versions<'a>(arns: impl IntoIterator<Item = &'a str>) -> usize {
    arns.into_iter()
        .filter(|arn| {
            arn.rsplit_once(':')
                .is_some_and(|(_, q)| !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()))
        })
        .count()
}

/// The warning when publishing would reach AWS's limit of versions on the capacity
/// provider (`existing` versions there now), and what to do.
pub fn versions_limit_warning(capacity_provider: &str, existing: usize) -> Option<Diagnostic> {
    if existing + 1 < VERSIONS_PER_CAPACITY_PROVIDER {
        return None;
    }
    let outcome = if existing >= VERSIONS_PER_CAPACITY_PROVIDER {
        "AWS will refuse to publish"
    } else {
        "publishing reaches the limit; the next publish will be refused"
    };
    Some(Diagnostic::warning(
        "Capacity provider near its version limit",
        format!(
            "Capacity provider {capacity_provider:?} holds {existing} function versions; AWS \
             allows {VERSIONS_PER_CAPACITY_PROVIDER} (not adjustable): {outcome}. {}",
            prune_hint()
        ),
    ))
}

/// How to make room for more versions.
pub fn prune_hint() -> String {
    "Delete versions nothing invokes any more (destroy their lambda_function_version \
     resources, or `aws lambda delete-function --function-name NAME --qualifier N`); \
     `aws lambda list-function-versions-by-capacity-provider` lists them."
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(min: i64, max: i64) -> Value {
        Value::object([(
            SCALING,
            Value::List(vec![Value::object([
                (MIN, Value::number(min)),
                (MAX, Value::number(max)),
            ])]),
        )])
    }

    #[test]
    fn a_code_guard_that_is_not_latests_code_is_a_warning_at_code_sha256() {
        let config = |guard: Value| Value::object([(CODE_SHA256, guard)]);
        let w = code_guard_warning("orders", &config(Value::string("AAAA")), "BBBB");
        let w = w.unwrap_or_else(|| panic!("no warning"));
        assert!(!w.is_error());
        assert_eq!(w.path, Some(AttributePath::attr(CODE_SHA256)));
        assert!(
            w.detail.contains("\"AAAA\"") && w.detail.contains("\"BBBB\""),
            "{}",
            w.detail
        );
        assert_eq!(
            code_guard_warning("orders", &config(Value::string("BBBB")), "BBBB"),
            None
        );
        assert_eq!(
            code_guard_warning("orders", &config(Value::Unknown), "BBBB"),
            None
        );
        assert_eq!(
            code_guard_warning("orders", &config(Value::Null), "BBBB"),
            None
        );
    }

    #[test]
    fn a_region_that_is_not_the_function_arns_is_refused_at_region() {
        let config = |region: Value| {
            Value::object([
                (
                    FUNCTION_NAME,
                    Value::string("arn:aws:lambda:us-west-2:123456789012:function:orders"),
                ),
                (REGION, region),
            ])
        };
        let diags = check(&config(Value::string("us-east-1")));
        let error = diags.iter().next().expect("an error");
        assert_eq!(error.path, Some(AttributePath::attr(REGION)));
        assert!(error.detail.contains("us-west-2"), "{}", error.detail);
        assert!(check(&config(Value::string("us-west-2"))).is_empty());
        assert!(check(&config(Value::Null)).is_empty());
        assert_eq!(function_region(&config(Value::Null)), Some("us-west-2"));
        let by_name = Value::object([(FUNCTION_NAME, Value::string("orders"))]);
        assert_eq!(function_region(&by_name), None);
    }

    #[test]
    fn min_above_max_is_an_error_on_min() {
        let d = check(&config(7, 5));
        let paths: Vec<String> = d
            .iter()
            .map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default())
            .collect();
        assert_eq!(
            paths,
            ["function_scaling_config[0].min_execution_environments"]
        );
        assert!(check(&config(3, 3)).is_empty());
    }

    #[test]
    fn scaling_without_a_capacity_provider_points_into_the_block() {
        let at = |config: &Value| {
            scaling_needs_capacity_provider("orders", config)
                .path
                .map(|p| p.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            at(&config(1, 2)),
            "function_scaling_config[0].min_execution_environments"
        );
        let max_only = Value::object([(
            SCALING,
            Value::List(vec![Value::object([
                (MIN, Value::Null),
                (MAX, Value::number(2)),
            ])]),
        )]);
        assert_eq!(
            at(&max_only),
            "function_scaling_config[0].max_execution_environments"
        );
        let empty = Value::object([(
            SCALING,
            Value::List(vec![Value::object([
                (MIN, Value::Null),
                (MAX, Value::Null),
            ])]),
        )]);
        assert_eq!(at(&empty), "function_scaling_config");
    }

    #[test]
    fn a_name_and_an_arn_of_the_same_function_are_the_same_function() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        assert!(same_function("orders", arn, arn));
        assert!(same_function(arn, "orders", arn));
        assert!(same_function("123456789012:function:orders", "orders", arn));
        assert!(!same_function("orders", "payments", arn));
        assert!(!same_function(
            "orders",
            "arn:aws:lambda:us-west-2:123456789012:function:orders",
            arn
        ));
        assert!(!same_function(
            "orders",
            "arn:aws:lambda:us-east-1:210987654321:function:orders",
            arn
        ));
        assert!(!same_function("orders", "orders:3", arn));
        assert!(!same_function("orders", "orders", "orders"));
    }

    #[test]
    fn another_version_under_the_same_number_is_told_apart() {
        let recorded = Value::object([
            (CODE_SHA256, Value::string("AAAA")),
            (LAST_MODIFIED, Value::string("2026-01-01T00:00:00.000+0000")),
            (CAPACITY_PROVIDER_ARN, Value::Null),
        ]);
        let same = Published {
            last_modified: Some("2026-01-01T00:00:00.000+0000"),
            code_sha256: Some("AAAA"),
            capacity_provider_arn: None,
            state: Some("Active"),
        };
        assert_eq!(another_version(&recorded, &same), None);
        let later = Published {
            last_modified: Some("2026-01-02T00:00:00.000+0000"),
            ..same
        };
        assert_eq!(another_version(&recorded, &later), Some(LAST_MODIFIED));
        let failed = Published {
            state: Some("Failed"),
            ..later
        };
        assert_eq!(
            another_version(&recorded, &failed),
            None,
            "failing stamps it"
        );
        let other_code = Published {
            code_sha256: Some("BBBB"),
            ..failed
        };
        assert_eq!(another_version(&recorded, &other_code), Some(CODE_SHA256));
        let on_cp = Published {
            capacity_provider_arn: Some("arn:cp"),
            ..same
        };
        assert_eq!(another_version(&recorded, &on_cp), None);
        let stub = Value::object([(CODE_SHA256, Value::Null), (LAST_MODIFIED, Value::Null)]);
        assert_eq!(another_version(&stub, &later), None);
    }

    #[test]
    fn the_limit_counts_published_versions_only() {
        let f = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        let listed = [
            format!("{f}:$LATEST"),
            format!("{f}:1"),
            format!("{f}:12"),
            format!("{f}-b:$LATEST"),
        ];
        assert_eq!(published_versions(listed.iter().map(String::as_str)), 2);
    }

    #[test]
    fn warns_only_near_the_limit() {
        assert!(versions_limit_warning("cp", 10).is_none());
        assert!(versions_limit_warning("cp", VERSIONS_PER_CAPACITY_PROVIDER - 1).is_some());
        let at = versions_limit_warning("cp", VERSIONS_PER_CAPACITY_PROVIDER);
        assert!(at.is_some_and(|d| d.detail.contains("will refuse")));
    }
}
