//! Objects a refresh finds gone, `Failed` or `Deleting` in AWS. The last two still exist, so the state
//! keeps them; but a plan that said "No changes" would lie, since any change to them fails
//! at apply (AWS refuses updates in either state, after the provider's retries). So a
//! refresh says what it found, and a plan replaces a failed object, which is the only
//! change that can succeed. One being deleted is left alone: AWS removes it (a function
//! once its running durable executions end), and the plan after that creates it again.
//!
//! Pure: values in, diagnostics and plan edits out.

use tfplug::diag::Diagnostic;
use tfplug::resource::PlanContext;
use tfplug::value::{AttributePath, Value};

use super::{STATE, set_attr};

/// AWS's state of an object that failed (capacity providers, functions, versions).
pub const FAILED: &str = "Failed";

/// AWS's state of an object it is deleting.
pub const DELETING: &str = "Deleting";

/// The warning a refresh adds for `label` (e.g. `lambda_capacity_provider "web"`) when AWS
/// reports it in `state`, with AWS's `reason` when it gave one; `None` for other states.
pub fn refresh_warning(label: &str, state: &str, reason: Option<&str>) -> Option<Diagnostic> {
    let because = reason
        .filter(|r| !r.is_empty())
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    match state {
        FAILED => Some(Diagnostic::warning(
            format!("{label} has failed in AWS"),
            format!(
                "AWS reports it in state Failed{because}. It cannot be changed in that state: \
                 the plan replaces it. Fix the cause first if it is outside this \
                 configuration (a subnet, a role), or the new one fails too."
            ),
        )),
        DELETING => Some(Diagnostic::warning(
            format!("{label} is being deleted in AWS"),
            format!(
                "AWS reports it in state Deleting{because}: a destroy was stopped before \
                 it finished, or it is being deleted outside Terraform. AWS removes it when \
                 it is done (a function once its running durable executions end); until \
                 then changes to it fail. Once it is gone, a refresh removes it from the \
                 state, and the plan creates it again if the configuration still has it."
            ),
        )),
        _ => None,
    }
}

/// The warning of a refresh that removes `label` from the state because AWS no longer has
/// it. Not only "deleted outside Terraform": a destroy stopped after AWS deleted the object
/// but before Terraform recorded it leaves the same state, and then the configuration
/// may no longer have the resource, so nothing is created again.
pub fn removed_as_gone(label: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("{label} no longer exists"),
        "AWS no longer has it: it was deleted outside Terraform, or by a destroy that was \
         stopped before Terraform recorded it. It is removed from the state; if the \
         configuration still has it, the plan creates it again.",
    )
}

/// `error`, of a destroy of a `noun` that failed while it waited for AWS to finish a delete
/// AWS had accepted (the wait ran out of time, or its reads were refused), ended with what
/// the error does not say: the object is going, and the state catches up at a refresh.
pub fn after_accepted_delete(mut error: Diagnostic, noun: &str) -> Diagnostic {
    error.detail.push_str(&format!(
        "\n\nAWS had accepted the delete: the {noun} is gone or still being deleted. It \
         stays in the Terraform state until a refresh finds it gone (the next plan or apply); \
         nothing needs to be deleted by hand."
    ));
    error
}

/// The warning of a refresh that removes `label` from the state because AWS is deleting
/// it, for objects whose deletion takes minutes (capacity providers): planning to create it
/// again is then the truthful plan, and the create waits until the name is free.
pub fn removed_while_deleting(label: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("{label} is being deleted in AWS"),
        "AWS reports it in state Deleting (an interrupted or timed-out destroy, or a delete \
         outside Terraform). It is removed from the state: the plan creates it again, and the \
         create first waits until AWS has finished deleting it.",
    )
}

/// Plans the replacement of an object whose prior state is [`FAILED`]: its `state` becomes
/// unknown and the replacement is required on it, so the plan shows
/// `state = "Failed" -> (known after apply) # forces replacement`.
pub fn replace_if_failed(plan: &mut PlanContext) {
    if plan.is_create() || plan.is_destroy() {
        return;
    }
    if plan.prior.get_attr(STATE).and_then(Value::as_str) != Some(FAILED) {
        return;
    }
    set_attr(&mut plan.planned, STATE, Value::Unknown);
    let path = AttributePath::attr(STATE);
    if !plan.requires_replace.contains(&path) {
        plan.requires_replace.push(path);
    }
}

#[cfg(test)]
mod tests {
    use tfplug::diag::Diagnostics;
    use tfplug::resource::ValueType;
    use tfplug::value::Type;

    use super::*;

    /// After a destroy stopped between AWS's delete and Terraform's record, the resource
    /// may be gone from the configuration too: the warning must not promise a create.
    #[test]
    fn a_gone_object_names_both_causes_and_creates_only_if_configured() {
        let w = removed_as_gone("lambda_durable_function \"orders\"");
        assert_eq!(
            w.summary,
            "lambda_durable_function \"orders\" no longer exists"
        );
        for said in [
            "deleted outside Terraform",
            "a destroy that was stopped",
            "if the configuration still has it, the plan creates it again",
        ] {
            assert!(w.detail.contains(said), "{said:?} in {}", w.detail);
        }
    }

    fn plan_from(state: &str) -> PlanContext {
        let prior = Value::object([(STATE, Value::string(state))]);
        PlanContext {
            prior: prior.clone(),
            config: Value::object([(STATE, Value::Null)]),
            planned: prior,
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
            ty: ValueType::from_type(Type::object([(STATE, Type::String)])),
        }
    }

    #[test]
    fn a_failed_object_is_replaced_and_others_are_not() {
        let mut failed = plan_from(FAILED);
        replace_if_failed(&mut failed);
        assert_eq!(failed.requires_replace, [AttributePath::attr(STATE)]);
        assert!(
            failed
                .planned
                .get_attr(STATE)
                .is_some_and(Value::is_unknown)
        );
        for state in ["Active", DELETING] {
            let mut other = plan_from(state);
            replace_if_failed(&mut other);
            assert!(other.requires_replace.is_empty(), "{state}");
            assert_eq!(other.planned, other.prior, "{state}");
        }
    }

    #[test]
    fn refreshes_warn_of_failed_and_deleting_objects_only() {
        let failed = refresh_warning("lambda_capacity_provider \"web\"", FAILED, Some("no ips"));
        assert!(failed.is_some_and(|d| d.detail.contains("(no ips)") && d.summary.contains("web")));
        // Terraform's own destroy, stopped, leaves objects Deleting too: not only "outside".
        let deleting = refresh_warning("x", DELETING, None);
        assert!(
            deleting.is_some_and(|d| d.detail.contains("a destroy was stopped")
                && d.detail.contains("if the configuration still has it"))
        );
        assert!(refresh_warning("x", "Active", None).is_none());
        assert!(refresh_warning("x", "Pending", None).is_none());
    }
}
