//! What a destroy does about active durable executions, and every message about it:
//! pure, so each decision and each sentence a user reads is unit-tested without AWS.
//!
//! The messages have one job: say exactly what is active (how many, in which status,
//! which ones) and what the user can do about it, so nobody has to guess why a destroy
//! refused or what an apply is about to do to running workflows.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use tfplug::diag::Diagnostic;
use tfplug::schema::Attribute;
use tfplug::validate::one_of;
use tfplug::value::{AttributePath, Value};

use super::DurableExecution;
use crate::aws::Error;
use crate::aws::error::format_duration;

/// The name of the argument, declared by every resource that deletes code with
/// durable executions (through [`on_destroy_attribute`]).
pub const RUNNING_EXECUTIONS_ON_DESTROY: &str = "running_executions_on_destroy";

/// The statuses of an execution that is not over: Lambda still invokes it (RUNNING),
/// or it waits for its invocation to reach a checkpoint before pausing (PAUSING), or
/// it may be resumed (PAUSED). A destroy must not abandon these.
pub const ACTIVE_STATUSES: [&str; 3] = ["RUNNING", "PAUSING", "PAUSED"];

/// True for a status in [`ACTIVE_STATUSES`].
pub fn is_active(status: &str) -> bool {
    ACTIVE_STATUSES.contains(&status)
}

/// How many executions a message lists by name; the rest are counted.
pub const LISTED: usize = 5;

/// What a destroy does while durable executions are active
/// (`running_executions_on_destroy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OnDestroy {
    /// Refuse, saying what is active (the default: nothing is abandoned by accident).
    #[default]
    Fail,
    /// Wait, within the delete timeout, until none is active.
    Wait,
    /// Stop them (StopDurableExecution), then wait, within the delete timeout, until
    /// none is active.
    Stop,
}

/// A value of `running_executions_on_destroy` that is none of the allowed ones.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{value:?} is not a valid {RUNNING_EXECUTIONS_ON_DESTROY}; allowed values are: fail, wait, stop"
)]
pub struct UnknownOnDestroy {
    /// The value found.
    pub value: String,
}

impl From<UnknownOnDestroy> for Diagnostic {
    /// An error at the attribute (a state written by hand, or by a newer provider).
    fn from(e: UnknownOnDestroy) -> Self {
        Diagnostic::error(
            format!("Invalid {RUNNING_EXECUTIONS_ON_DESTROY}"),
            e.to_string(),
        )
        .at(AttributePath::attr(RUNNING_EXECUTIONS_ON_DESTROY))
    }
}

impl OnDestroy {
    /// Every policy, the default first.
    pub const ALL: [OnDestroy; 3] = [OnDestroy::Fail, OnDestroy::Wait, OnDestroy::Stop];

    /// The value as written in configurations: `fail`, `wait`, `stop`.
    pub fn as_str(self) -> &'static str {
        match self {
            OnDestroy::Fail => "fail",
            OnDestroy::Wait => "wait",
            OnDestroy::Stop => "stop",
        }
    }

    /// The policy stored in a resource's state (or planned, or configured): the
    /// default when the attribute is null, unknown or missing (e.g. right after an
    /// import).
    pub fn of(resource: &Value) -> Result<Self, UnknownOnDestroy> {
        match resource
            .get_attr(RUNNING_EXECUTIONS_ON_DESTROY)
            .and_then(Value::as_str)
        {
            Some(text) => text.parse(),
            None => Ok(OnDestroy::default()),
        }
    }
}

impl FromStr for OnDestroy {
    type Err = UnknownOnDestroy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OnDestroy::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownOnDestroy {
                value: s.to_string(),
            })
    }
}

impl fmt::Display for OnDestroy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `running_executions_on_destroy` argument: optional, `"fail"` when unset, one of
/// `fail`, `wait`, `stop`. A Terraform-only setting, sent to no AWS API.
pub fn on_destroy_attribute() -> Attribute {
    let allowed: Vec<&str> = OnDestroy::ALL.iter().map(|p| p.as_str()).collect();
    Attribute::string(RUNNING_EXECUTIONS_ON_DESTROY)
        .default_value(Value::string(OnDestroy::default().as_str()))
        .validator(one_of(&allowed))
        .description(
            "What destroying (or replacing) this object does while durable executions of it \
             are active (status `RUNNING`, `PAUSING` or `PAUSED`). `fail` (the default): the \
             destroy refuses and lists them, so no workflow is abandoned by accident. `wait`: \
             the destroy waits, up to the delete timeout, until they have all ended, then \
             deletes. `stop`: the destroy stops them with StopDurableExecution (they end as \
             `STOPPED`; an invocation in progress fails at its next checkpoint, so this can \
             take a while) and waits, up to the delete timeout, until none is active, then \
             deletes. A setting of Terraform only, sent to no AWS API: changing it only \
             updates the state, and a destroy uses the value in the state, so apply a change \
             before destroying.",
        )
}

/// `1 durable execution is` / `3 durable executions are`.
fn executions_are(n: usize) -> String {
    if n == 1 {
        "1 durable execution is".to_string()
    } else {
        format!("{n} durable executions are")
    }
}

/// How many executions there are per status, in the order of [`ACTIVE_STATUSES`] (other
/// statuses after, by name): `2 RUNNING, 1 PAUSED`.
pub fn count_by_status(executions: &[DurableExecution]) -> String {
    let mut counts: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for e in executions {
        let rank = ACTIVE_STATUSES
            .iter()
            .position(|s| *s == e.status)
            .unwrap_or(ACTIVE_STATUSES.len());
        *counts.entry((rank, e.status.as_str())).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((_, status), n)| format!("{n} {status}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first [`LISTED`] executions, oldest first, one per line with what `notes` says
/// about it (by ARN); then how many more there are.
fn listing(executions: &[DurableExecution], notes: &BTreeMap<String, String>) -> String {
    let mut sorted: Vec<&DurableExecution> = executions.iter().collect();
    sorted.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.arn.cmp(&b.arn)));
    let mut out: Vec<String> = sorted
        .iter()
        .take(LISTED)
        .map(|e| {
            let note = notes
                .get(&e.arn)
                .map(|n| format!("; {n}"))
                .unwrap_or_default();
            format!(
                "  - {} ({} since {}{note}): {}",
                e.name,
                e.status,
                e.start_time(),
                e.arn
            )
        })
        .collect();
    if sorted.len() > LISTED {
        out.push(format!("  - and {} more", sorted.len() - LISTED));
    }
    out.join("\n")
}

/// The ways out of a refusal, for `label`.
fn choices(label: &str) -> String {
    format!(
        "To destroy it anyway, choose what happens to them, apply that choice, then destroy \
         again. A destroy uses the value stored in the state, and so does the destroy of a \
         replacement: while a change that replaces {label} is pending, the new value never \
         reaches the state, so undo that change, set the value and run `terraform apply`, \
         then make the change again.\n\
         \x20 - wait until they have ended: set {RUNNING_EXECUTIONS_ON_DESTROY} = \"wait\" on \
         {label} and run `terraform apply`; the destroy then waits, up to the delete timeout;\n\
         \x20 - stop them: set {RUNNING_EXECUTIONS_ON_DESTROY} = \"stop\" and run `terraform \
         apply`; the destroy then stops them with StopDurableExecution and waits, up to the \
         delete timeout, until none is active;\n\
         \x20 - or stop them yourself (`aws lambda stop-durable-execution \
         --durable-execution-arn ARN`), or let them finish.\n\
         To list them: the lambda_durable_executions data source, or `aws lambda \
         list-durable-executions-by-function --function-name FUNCTION --statuses RUNNING \
         PAUSING PAUSED`."
    )
}

/// The error a destroy with [`OnDestroy::Fail`] returns while executions are active;
/// `None` when the destroy may go on (nothing active, or another policy).
///
/// `label` names the object as diagnostics do, e.g. `lambda_durable_function "orders"`.
pub fn destroy_refusal(
    label: &str,
    policy: OnDestroy,
    active: &[DurableExecution],
) -> Option<Diagnostic> {
    if policy != OnDestroy::Fail || active.is_empty() {
        return None;
    }
    let n = active.len();
    Some(Diagnostic::error(
        format!("Cannot destroy {label}: {} active", executions_are(n)),
        format!(
            "{label} has {n} active durable execution{s} ({counts}), and \
             {RUNNING_EXECUTIONS_ON_DESTROY} is \"fail\", so nothing was deleted: deleting it \
             would abandon {them} half-way.\n\n{list}\n\n{choices}",
            s = if n == 1 { "" } else { "s" },
            counts = count_by_status(active),
            them = if n == 1 { "it" } else { "them" },
            list = listing(active, &BTreeMap::new()),
            choices = choices(label),
        ),
    ))
}

/// Most stopped executions a warning lists by ARN.
const LISTED_STOPS: usize = 20;

/// The warning of a destroy that went on after executions were active under `policy`
/// (`counts`: how many there were by status): what it stopped (`stopped`, ARNs), or
/// that it waited for them to end.
pub fn cleared(label: &str, policy: OnDestroy, counts: &str, stopped: &[String]) -> Diagnostic {
    if stopped.is_empty() {
        return Diagnostic::warning(
            format!("{label}: waited for its durable executions to end"),
            format!(
                "Durable executions were active when the destroy began ({counts}); with \
                 {RUNNING_EXECUTIONS_ON_DESTROY} = \"{policy}\" it deleted after they ended."
            ),
        );
    }
    let n = stopped.len();
    let mut list: Vec<String> = stopped
        .iter()
        .take(LISTED_STOPS)
        .map(|arn| format!("  - {arn}"))
        .collect();
    if n > LISTED_STOPS {
        list.push(format!("  - and {} more", n - LISTED_STOPS));
    }
    Diagnostic::warning(
        format!(
            "{label}: stopped {n} durable execution{} before deleting",
            if n == 1 { "" } else { "s" }
        ),
        format!(
            "Durable executions were active when the destroy began ({counts}); with \
             {RUNNING_EXECUTIONS_ON_DESTROY} = \"{policy}\" the destroy stopped them \
             (StopDurableExecution) and deleted once none was active. They end as STOPPED \
             and do not resume:\n{}",
            list.join("\n")
        ),
    )
}

/// What a plan does to the object that holds the executions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlannedChange {
    /// The plan destroys it.
    Destroy,
    /// The plan replaces it (destroys the current object).
    Replace,
}

/// The warning of a plan that destroys or replaces the object while executions are
/// active: what the apply will do under `policy` (the policy stored in the prior
/// state, which is the one the destroy uses) within `delete_timeout`. `None` when
/// nothing is active.
pub fn plan_warning(
    label: &str,
    policy: OnDestroy,
    active: &[DurableExecution],
    change: PlannedChange,
    delete_timeout: Duration,
) -> Option<Diagnostic> {
    if active.is_empty() {
        return None;
    }
    let n = active.len();
    let verb = match change {
        PlannedChange::Destroy => "destroys",
        PlannedChange::Replace => "replaces (destroys the current object of)",
    };
    let timeout = format_duration(delete_timeout);
    let what_happens = match policy {
        OnDestroy::Fail => format!(
            "With {RUNNING_EXECUTIONS_ON_DESTROY} = \"fail\" (the default), the apply will \
             refuse to destroy it while any of them is still active, and delete nothing.\n\n{}",
            choices(label)
        ),
        OnDestroy::Wait => format!(
            "With {RUNNING_EXECUTIONS_ON_DESTROY} = \"wait\", the apply will wait, up to the \
             delete timeout ({timeout}), until they have all ended, then delete it. If some are \
             still active then, the apply fails and nothing is deleted."
        ),
        OnDestroy::Stop => format!(
            "With {RUNNING_EXECUTIONS_ON_DESTROY} = \"stop\", the apply will stop them with \
             StopDurableExecution (they end as STOPPED and cannot be resumed; an invocation in \
             progress fails at its next checkpoint) and wait, up to the delete timeout \
             ({timeout}), until none is active, then delete it."
        ),
    };
    Some(Diagnostic::warning(
        format!("{label}: {} active", executions_are(n)),
        format!(
            "This plan {verb} {label} while {} active ({}):\n\n{}\n\n{what_happens}",
            executions_are(n),
            count_by_status(active),
            listing(active, &BTreeMap::new()),
        ),
    ))
}

/// Why a destroy with [`OnDestroy::Wait`] or [`OnDestroy::Stop`] did not get to delete.
#[derive(Clone, Debug)]
pub struct Unfinished<'a> {
    /// The object, e.g. `lambda_durable_function "orders"`.
    pub label: &'a str,
    /// The policy that was applied.
    pub policy: OnDestroy,
    /// The executions still active when it ended (as last listed).
    pub left: &'a [DurableExecution],
    /// What is known about some of them, by ARN (e.g. why AWS refused to stop one).
    pub notes: &'a BTreeMap<String, String>,
    /// How many stops AWS accepted (with [`OnDestroy::Stop`]).
    pub stops_accepted: usize,
    /// What ended it: the timeout, a stop request from Terraform, or an AWS error.
    pub cause: &'a Error,
}

/// The error of a destroy that could not clear the active executions: what ended it,
/// what is left, and what to do.
pub fn unfinished(u: &Unfinished<'_>) -> Diagnostic {
    let doing = match u.policy {
        OnDestroy::Stop => "stopping the active durable executions and waiting for them to end",
        _ => "waiting for the active durable executions to end",
    };
    let cause = match u.cause {
        Error::Timeout { timeout, .. } => format!(
            "The delete timeout of {} ran out while {doing}.",
            format_duration(*timeout)
        ),
        Error::Stopped { .. } => {
            format!("Terraform asked the provider to stop (interrupt) while {doing}.")
        }
        other => format!("Failed while {doing}: {other}"),
    };
    let mut detail = format!("{cause} Nothing was deleted.");
    if u.policy == OnDestroy::Stop {
        detail.push_str(&format!(
            " AWS accepted {} StopDurableExecution request{}.",
            u.stops_accepted,
            if u.stops_accepted == 1 { "" } else { "s" }
        ));
    }
    if !u.left.is_empty() {
        detail.push_str(&format!(
            "\n\nStill active: {} ({}):\n{}",
            u.left.len(),
            count_by_status(u.left),
            listing(u.left, u.notes)
        ));
    }
    let advice = match (u.policy, u.cause) {
        (_, Error::Stopped { .. }) => "Destroy again when you are ready.".to_string(),
        (OnDestroy::Stop, Error::Timeout { .. }) => "A stopped execution stays RUNNING until \
             its invocation in progress reaches its next checkpoint. Destroy again later, or \
             raise the delete timeout (`timeouts { delete = \"…\" }`, applied before \
             destroying)."
            .to_string(),
        (_, Error::Timeout { .. }) => format!(
            "Let them finish and destroy again, raise the delete timeout (`timeouts {{ delete \
             = \"…\" }}`, applied before destroying), or stop them: set \
             {RUNNING_EXECUTIONS_ON_DESTROY} = \"stop\" and apply, or use `aws lambda \
             stop-durable-execution --durable-execution-arn ARN`."
        ),
        (policy, _) => format!(
            "Fix the error above, then destroy again (the provider's credentials need \
             lambda:ListDurableExecutionsByFunction{}).",
            if policy == OnDestroy::Stop {
                ", lambda:GetDurableExecution and lambda:StopDurableExecution"
            } else {
                ""
            }
        ),
    };
    detail.push_str("\n\n");
    detail.push_str(&advice);
    let summary = if u.left.is_empty() {
        format!("Error destroying {}", u.label)
    } else {
        format!(
            "Error destroying {}: {} still active",
            u.label,
            executions_are(u.left.len())
        )
    };
    Diagnostic::error(summary, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::model::lambda;
    use aws_sdk_lambda::primitives::DateTime;
    use tfplug::diag::{Diagnostics, Severity};
    use tfplug::value::AttributePath;

    const LABEL: &str = "lambda_durable_function \"orders\"";

    fn execution(name: &str, status: &str, started: i64) -> DurableExecution {
        DurableExecution {
            arn: format!(
                "arn:aws:lambda:us-east-1:123456789012:function:orders:1/durable-execution/{name}/id-{name}"
            ),
            name: name.to_string(),
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:orders:1".into(),
            status: status.to_string(),
            started: DateTime::from_secs(started),
            ended: None,
        }
    }

    fn some_active() -> Vec<DurableExecution> {
        vec![
            execution("b", "PAUSED", 1_700_000_200),
            execution("a", "RUNNING", 1_700_000_100),
            execution("c", "RUNNING", 1_700_000_300),
        ]
    }

    #[test]
    fn statuses_are_the_models() {
        let model = lambda::shapes::ExecutionStatus.enum_values;
        for status in ACTIVE_STATUSES {
            assert!(model.contains(&status), "{status} is not in {model:?}");
        }
        let mut all = model.to_vec();
        all.sort_unstable();
        assert_eq!(
            all,
            [
                "DELETING",
                "FAILED",
                "PAUSED",
                "PAUSING",
                "RUNNING",
                "STOPPED",
                "SUCCEEDED",
                "TIMED_OUT"
            ],
            "a new status: decide whether it is active"
        );
        assert!(is_active("PAUSING"));
        for ended in ["SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED", "DELETING"] {
            assert!(!is_active(ended), "{ended}");
        }
    }

    #[test]
    fn policies_parse_and_default_to_fail() {
        for p in OnDestroy::ALL {
            assert_eq!(p.as_str().parse(), Ok(p));
            assert_eq!(p.to_string(), p.as_str());
        }
        assert_eq!(OnDestroy::default(), OnDestroy::Fail);
        let bad = "Stop".parse::<OnDestroy>();
        assert_eq!(
            bad,
            Err(UnknownOnDestroy {
                value: "Stop".into()
            })
        );
        let text = bad.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("fail, wait, stop"), "{text}");

        let of = |v: Value| OnDestroy::of(&Value::object([(RUNNING_EXECUTIONS_ON_DESTROY, v)]));
        assert_eq!(of(Value::string("wait")), Ok(OnDestroy::Wait));
        assert_eq!(of(Value::Null), Ok(OnDestroy::Fail));
        assert_eq!(of(Value::Unknown), Ok(OnDestroy::Fail));
        assert_eq!(
            OnDestroy::of(&Value::object([("name", Value::string("x"))])),
            Ok(OnDestroy::Fail)
        );
        let bad = of(Value::string("later")).err().map(Diagnostic::from);
        let bad = bad.unwrap_or_else(|| panic!("\"later\" parsed"));
        assert_eq!(
            bad.path,
            Some(AttributePath::attr(RUNNING_EXECUTIONS_ON_DESTROY))
        );
        assert!(bad.detail.contains("\"later\""), "{}", bad.detail);
    }

    #[test]
    fn the_attribute_defaults_to_fail_and_checks_its_values() {
        let attr = on_destroy_attribute();
        assert_eq!(attr.name, RUNNING_EXECUTIONS_ON_DESTROY);
        assert!(attr.is_configurable() && attr.is_computed());
        assert_eq!(attr.default, Some(Value::string("fail")));
        assert!(attr.sent_as.is_none(), "a Terraform-only setting");
        assert!(!attr.requires_replace);
        let description = attr.full_description();
        for word in [
            "`fail`",
            "`wait`",
            "`stop`",
            "delete timeout",
            "next checkpoint",
            "one of `fail`, `wait`, `stop`",
        ] {
            assert!(description.contains(word), "{word}: {description}");
        }
        let check = |s: &str| {
            let mut d = Diagnostics::new();
            for v in &attr.validators {
                v.validate(
                    &AttributePath::attr(RUNNING_EXECUTIONS_ON_DESTROY),
                    &Value::string(s),
                    &mut d,
                );
            }
            d
        };
        assert!(!check("stop").has_errors());
        let bad = check("abandon");
        assert!(bad.has_errors());
        assert!(
            bad.iter().any(|d| d.detail.contains("fail, wait, stop")),
            "{bad:?}"
        );
    }

    #[test]
    fn counts_by_status_in_a_fixed_order() {
        assert_eq!(count_by_status(&some_active()), "2 RUNNING, 1 PAUSED");
        let mixed = vec![
            execution("x", "STOPPED", 1),
            execution("y", "PAUSING", 2),
            execution("z", "RUNNING", 3),
        ];
        assert_eq!(count_by_status(&mixed), "1 RUNNING, 1 PAUSING, 1 STOPPED");
        assert_eq!(count_by_status(&[]), "");
    }

    #[test]
    fn fail_refuses_with_counts_names_arns_and_the_ways_out() {
        let active = some_active();
        assert_eq!(destroy_refusal(LABEL, OnDestroy::Fail, &[]), None);
        assert_eq!(destroy_refusal(LABEL, OnDestroy::Wait, &active), None);
        assert_eq!(destroy_refusal(LABEL, OnDestroy::Stop, &active), None);
        let d = destroy_refusal(LABEL, OnDestroy::Fail, &active)
            .unwrap_or_else(|| panic!("no refusal"));
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(
            d.summary,
            "Cannot destroy lambda_durable_function \"orders\": 3 durable executions are active"
        );
        for word in [
            "has 3 active durable executions (2 RUNNING, 1 PAUSED)",
            "nothing was deleted",
            "running_executions_on_destroy = \"wait\"",
            "= \"stop\"",
            "terraform apply",
            "then destroy again",
            "while a change that replaces lambda_durable_function \"orders\" is pending",
            "undo that change, set the value and run `terraform apply`",
            "aws lambda stop-durable-execution --durable-execution-arn ARN",
            "lambda_durable_executions data source",
        ] {
            assert!(d.detail.contains(word), "{word}: {}", d.detail);
        }
        // Oldest first, with status, start time and ARN.
        let a = d
            .detail
            .find("  - a (RUNNING since 2023-11-14T22:15:00Z): arn:aws:lambda:");
        let b = d.detail.find("  - b (PAUSED since");
        let c = d.detail.find("  - c (RUNNING since");
        assert!(a.is_some() && a < b && b < c, "{}", d.detail);
        assert!(
            d.detail.contains("/durable-execution/a/id-a"),
            "{}",
            d.detail
        );

        let one = destroy_refusal(LABEL, OnDestroy::Fail, &active[..1])
            .unwrap_or_else(|| panic!("no refusal"));
        assert!(
            one.summary.ends_with("1 durable execution is active"),
            "{}",
            one.summary
        );
        assert!(
            one.detail
                .contains("has 1 active durable execution (1 PAUSED)"),
            "{}",
            one.detail
        );
    }

    #[test]
    fn only_the_first_five_are_listed() {
        let many: Vec<DurableExecution> = (0..8)
            .map(|i| execution(&format!("run-{i}"), "RUNNING", 1_700_000_000 + i))
            .collect();
        let d = destroy_refusal(LABEL, OnDestroy::Fail, &many).unwrap_or_else(|| panic!("none"));
        for i in 0..5 {
            assert!(
                d.detail.contains(&format!("  - run-{i} (RUNNING")),
                "{}",
                d.detail
            );
        }
        for i in 5..8 {
            assert!(!d.detail.contains(&format!("run-{i}")), "{}", d.detail);
        }
        assert!(d.detail.contains("  - and 3 more"), "{}", d.detail);
        assert!(d.summary.contains("8 durable executions are active"));
    }

    #[test]
    fn plan_warning_says_what_the_apply_will_do() {
        let active = some_active();
        let timeout = Duration::from_secs(1200);
        assert_eq!(
            plan_warning(LABEL, OnDestroy::Stop, &[], PlannedChange::Destroy, timeout),
            None
        );
        let fail = plan_warning(
            LABEL,
            OnDestroy::Fail,
            &active,
            PlannedChange::Destroy,
            timeout,
        )
        .unwrap_or_else(|| panic!("no warning"));
        assert_eq!(fail.severity, Severity::Warning);
        assert!(
            fail.summary.contains("3 durable executions are active"),
            "{}",
            fail.summary
        );
        assert!(fail.detail.starts_with("This plan destroys lambda_durable_function \"orders\" while 3 durable executions are active (2 RUNNING, 1 PAUSED)"), "{}", fail.detail);
        assert!(
            fail.detail.contains("will refuse to destroy it"),
            "{}",
            fail.detail
        );
        assert!(fail.detail.contains("= \"wait\""), "{}", fail.detail);

        let wait = plan_warning(
            LABEL,
            OnDestroy::Wait,
            &active,
            PlannedChange::Replace,
            timeout,
        )
        .unwrap_or_else(|| panic!("no warning"));
        assert!(
            wait.detail.starts_with("This plan replaces"),
            "{}",
            wait.detail
        );
        assert!(
            wait.detail.contains("wait, up to the delete timeout (20m)"),
            "{}",
            wait.detail
        );
        assert!(
            wait.detail
                .contains("the apply fails and nothing is deleted"),
            "{}",
            wait.detail
        );

        let stop = plan_warning(
            LABEL,
            OnDestroy::Stop,
            &active,
            PlannedChange::Destroy,
            timeout,
        )
        .unwrap_or_else(|| panic!("no warning"));
        assert!(
            stop.detail.contains("stop them with StopDurableExecution"),
            "{}",
            stop.detail
        );
        assert!(stop.detail.contains("next checkpoint"), "{}", stop.detail);
        assert!(stop.detail.contains("(20m)"), "{}", stop.detail);
        assert!(
            stop.detail.contains("  - a (RUNNING since"),
            "{}",
            stop.detail
        );
    }

    #[test]
    fn unfinished_says_what_ended_it_and_what_is_left() {
        let left = some_active();
        let mut notes = BTreeMap::new();
        notes.insert(
            left[0].arn.clone(),
            "AWS refused to stop it: cannot be stopped because its status is PAUSED".to_string(),
        );
        let timeout = Error::Timeout {
            operation: "waiting".into(),
            timeout: Duration::from_secs(600),
            last: None,
        };
        let d = unfinished(&Unfinished {
            label: LABEL,
            policy: OnDestroy::Stop,
            left: &left,
            notes: &notes,
            stops_accepted: 2,
            cause: &timeout,
        });
        assert_eq!(
            d.summary,
            "Error destroying lambda_durable_function \"orders\": 3 durable executions are still active"
        );
        for word in [
            "The delete timeout of 10m ran out while stopping",
            "Nothing was deleted.",
            "AWS accepted 2 StopDurableExecution requests.",
            "Still active: 3 (2 RUNNING, 1 PAUSED)",
            "  - b (PAUSED since 2023-11-14T22:16:40Z; AWS refused to stop it: cannot be stopped",
            "next checkpoint",
            "timeouts { delete",
        ] {
            assert!(d.detail.contains(word), "{word}: {}", d.detail);
        }

        let stopped = Error::Stopped {
            operation: "waiting".into(),
        };
        let d = unfinished(&Unfinished {
            label: LABEL,
            policy: OnDestroy::Wait,
            left: &left[..1],
            notes: &BTreeMap::new(),
            stops_accepted: 0,
            cause: &stopped,
        });
        assert!(
            d.detail
                .starts_with("Terraform asked the provider to stop (interrupt) while waiting"),
            "{}",
            d.detail
        );
        assert!(
            !d.detail.contains("StopDurableExecution request"),
            "{}",
            d.detail
        );
        assert!(
            d.summary.ends_with("1 durable execution is still active"),
            "{}",
            d.summary
        );

        let aws = Error::Aws(crate::aws::AwsError::new(
            "ListDurableExecutionsByFunction",
            Some("AccessDeniedException"),
            "not allowed",
            crate::aws::ErrorClass::Permanent,
        ));
        let d = unfinished(&Unfinished {
            label: LABEL,
            policy: OnDestroy::Wait,
            left: &[],
            notes: &BTreeMap::new(),
            stops_accepted: 0,
            cause: &aws,
        });
        assert_eq!(
            d.summary,
            "Error destroying lambda_durable_function \"orders\""
        );
        assert!(d.detail.contains("AccessDeniedException"), "{}", d.detail);
        assert!(d.detail.contains("not allowed"), "{}", d.detail);
        assert!(
            d.detail.contains("Fix the error above, then destroy again"),
            "{}",
            d.detail
        );
        assert!(!d.detail.contains("StopDurableExecution"), "{}", d.detail);
    }
}
