//! What every resource and data source of the provider repeats, written once: the label
//! in diagnostics, the `region` argument and its clients, computed values that a change
//! makes unknown, import IDs (a name or an ARN), building state from what AWS
//! returned ([`state`]), and creates: their call ([`create_call`]) and what happens when
//! they meet the object of an interrupted apply ([`interrupted`], [`journal`]).

pub mod create_call;
pub mod executions;
pub mod function_name;
pub mod functions;
pub mod identity;
pub mod import_id;
pub mod interrupted;
pub mod journal;
pub mod left_over;
pub mod moved;
pub mod remote_state;
pub mod state;
pub mod tainted;
pub mod vpc_checks;

use std::sync::Arc;
use std::time::Duration;

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::PlanContext;
use tfplug::schema::Attribute;
use tfplug::validate::matches;
use tfplug::value::{AttributePath, Value};

use crate::aws::{AwsClients, SharedClients};

/// How long a refresh of one object may take.
pub const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// The `region` attribute's name.
pub const REGION: &str = "region";

/// The `name` attribute's name.
pub const NAME: &str = "name";

/// The `state` attribute's name.
pub const STATE: &str = "state";

/// An AWS region name (not an AWS API member: regions are where calls go). Its prefix is
/// the one the Lambda model's ARN patterns give regions, `(eusc-)?[a-z]{2}`, for the AWS
/// European Sovereign Cloud's `eusc-de-east-1`.
pub const REGION_PATTERN: &str = "(eusc-)?[a-z]{2}(-[a-z]+)+-\\d{1,2}";

/// `lambda_capacity_provider "web"`: how diagnostics name an object.
pub fn label(type_name: &str, name: &str) -> String {
    format!("{type_name} {name:?}")
}

/// The `region` argument of a resource (as in the AWS provider v6): where it is managed;
/// the provider's region when unset; a change replaces the object.
pub fn region_attribute(what: &str) -> Attribute {
    Attribute::string(REGION)
        .optional_computed()
        .use_state_for_unknown()
        .requires_replace()
        .validator(matches(REGION_PATTERN, "an AWS region name"))
        .description(format!(
            "Region where the {what} is managed. Defaults to the provider's region. Changing \
             it replaces the {what}; so does removing it, or changing the provider's region \
             while it is unset, when the {what} is in another region."
        ))
}

/// The `region` argument of a data source: where to read.
pub fn data_region_attribute() -> Attribute {
    Attribute::string(REGION)
        .optional_computed()
        .validator(matches(REGION_PATTERN, "an AWS region name"))
        .description("Region to read from. Defaults to the provider's region.")
}

/// The string value of an attribute, if known.
pub fn text<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get_attr(name).and_then(Value::as_str)
}

/// Sets an attribute of an object value (no-op for other values).
pub fn set_attr(value: &mut Value, name: &str, to: Value) {
    if let Some(slot) = value.get_attr_mut(name) {
        *slot = to;
    }
}

/// The clients for the object's `region` (the provider's when unset).
pub fn clients_for(shared: &SharedClients, value: &Value) -> Result<Arc<AwsClients>, Diagnostic> {
    Ok(shared.get()?.for_region(text(value, REGION)))
}

/// Plans `region` as the configuration says, the way the AWS provider v6 does: the
/// configured region, else `implied` (a region the configuration gives another way, such
/// as a `function_name` ARN), else the provider's. An object whose recorded region
/// differs from that is replaced: it cannot move between regions, and keeping it where it
/// is would show an empty plan for a configuration that asks for another region (removing
/// `region`, or changing the provider's). Returns the clients for the planned region.
pub fn plan_region_implied(
    plan: &mut PlanContext,
    base: &Arc<AwsClients>,
    implied: Option<&str>,
) -> Arc<AwsClients> {
    if plan.config.get_attr(REGION).is_none_or(Value::is_null) {
        let region = implied.unwrap_or(&base.region).to_string();
        set_attr(&mut plan.planned, REGION, Value::string(region));
    }
    // A state recorded before the object had a region (null) is taken as the provider's.
    if !plan.is_create()
        && let (Some(before), Some(after)) =
            (text(&plan.prior, REGION), text(&plan.planned, REGION))
        && before != after
    {
        let path = AttributePath::attr(REGION);
        if !plan.requires_replace.contains(&path) {
            plan.requires_replace.push(path);
        }
    }
    base.for_region(text(&plan.planned, REGION))
}

/// [`plan_region_implied`] for objects whose region only `region` and the provider give.
pub fn plan_region(plan: &mut PlanContext, base: &Arc<AwsClients>) -> Arc<AwsClients> {
    plan_region_implied(plan, base, None)
}

/// How to destroy when a plan-time check of a resource fails: Terraform plans every
/// resource of the configuration before it plans a destroy.
pub const DESTROY_ANYWAY: &str = "If you are running `terraform destroy`, which plans the \
     configuration first too, `terraform destroy -refresh=false` skips that step.";

/// When a check that asks AWS runs: Terraform plans each resource again during the
/// apply, so values unknown at `terraform plan` (another resource's ARN) are checked then.
const CHECKED_WHEN_PLANNED: &str = "This was checked with AWS when Terraform planned this \
     resource: at terraform plan, or during terraform apply for values that became known \
     only then, such as the attributes of a resource created in the same apply.";

/// `diags` of a check that asked AWS at plan time, with each error saying how to destroy
/// anyway. Terraform plans every resource of the configuration (with a refresh) before
/// it plans a destroy, and the provider cannot tell that plan from another one: without
/// the hint, an object that was never created blocks `terraform destroy` of the rest.
pub fn looked_up_at_plan(diags: Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::new();
    for mut d in diags.iter().cloned() {
        if d.is_error() {
            d.detail
                .push_str(&format!("\n\n{CHECKED_WHEN_PLANNED} {DESTROY_ANYWAY}"));
        }
        out.push(d);
    }
    out
}

/// The `name` of a stored state.
pub fn stored_name(value: &Value, type_name: &str) -> Result<String, Diagnostic> {
    text(value, NAME).map(str::to_string).ok_or_else(|| {
        Diagnostic::error(
            "Invalid state",
            format!("The stored {type_name} has no name."),
        )
    })
}

/// What is known about an object AWS accepted but that did not become ready: the plan,
/// with its ID attribute and `state` as AWS said and every unknown null, so Terraform
/// keeps it in state (tainted) instead of losing track of it.
pub fn partial_state(planned: &Value, id_attr: &str, id: Option<&str>, state: &str) -> Value {
    let mut v = planned.clone();
    if let Some(id) = id {
        set_attr(&mut v, id_attr, Value::string(id));
    }
    set_attr(&mut v, STATE, Value::string(state));
    v.transform(&mut |_, x| if x.is_unknown() { Value::Null } else { x })
}

/// On an in-place change, AWS sets these computed values anew: plan them unknown.
pub fn unknown_on_change(plan: &mut PlanContext, names: &[&str]) {
    if plan.is_create() || plan.planned == plan.prior {
        return;
    }
    for name in names {
        set_attr(&mut plan.planned, name, Value::Unknown);
    }
}

#[cfg(test)]
mod tests {

    use tfplug::resource::ValueType;
    use tfplug::value::Type;

    use super::*;
    use crate::aws::{Endpoints, RetryPolicy};

    /// Clients of a provider configured for `us-east-1`; nothing is sent.
    fn provider_in_us_east_1() -> Arc<AwsClients> {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        Arc::new(AwsClients::new(
            sdk,
            Endpoints::default(),
            "us-east-1".into(),
            RetryPolicy::default(),
            crate::tags::DefaultTags::default(),
        ))
    }

    fn object(region: Value) -> Value {
        Value::object([(REGION, region)])
    }

    /// The region argument takes every partition's region names, and only region names.
    #[test]
    fn region_names_of_every_partition_are_accepted() {
        let attribute = data_region_attribute();
        let problems = |region: &str| {
            let mut diags = tfplug::diag::Diagnostics::new();
            for v in &attribute.validators {
                v.validate(
                    &AttributePath::attr(REGION),
                    &Value::string(region),
                    &mut diags,
                );
            }
            diags.len()
        };
        for region in [
            "us-east-1",
            "ap-southeast-5",
            "cn-north-1",
            "us-gov-west-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "eusc-de-east-1",
        ] {
            assert_eq!(problems(region), 0, "{region}");
        }
        for not_a_region in ["us-east", "USEAST1", "eusc-1", "us-east-1a", "useast-1"] {
            assert!(problems(not_a_region) > 0, "{not_a_region}");
        }
    }

    /// The plan of an update from a state in `recorded` for a configured `configured`;
    /// `proposed` is what Terraform proposes (the prior value when the argument is unset).
    fn update(recorded: &str, configured: Value) -> PlanContext {
        let proposed = if configured.is_null() {
            Value::string(recorded)
        } else {
            configured.clone()
        };
        PlanContext {
            prior: object(Value::string(recorded)),
            config: object(configured),
            planned: object(proposed),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
            ty: ValueType::from_type(Type::object([(REGION, Type::String)])),
        }
    }

    fn planned_region(plan: &PlanContext) -> Option<&str> {
        text(&plan.planned, REGION)
    }

    #[test]
    fn an_unset_region_is_the_providers_and_moving_there_replaces() {
        let base = provider_in_us_east_1();
        // The argument was removed (or the provider's region changed) while the object is
        // in eu-west-1: the plan must say it moves, not show nothing.
        let mut plan = update("eu-west-1", Value::Null);
        let clients = plan_region(&mut plan, &base);
        assert_eq!(planned_region(&plan), Some("us-east-1"));
        assert_eq!(plan.requires_replace, [AttributePath::attr(REGION)]);
        assert_eq!(clients.region, "us-east-1");

        let mut plan = update("us-east-1", Value::Null);
        plan_region(&mut plan, &base);
        assert_eq!(planned_region(&plan), Some("us-east-1"));
        assert!(plan.requires_replace.is_empty());
    }

    #[test]
    fn a_configured_or_implied_region_wins_over_the_providers() {
        let base = provider_in_us_east_1();
        let mut plan = update("eu-west-1", Value::string("eu-west-1"));
        let clients = plan_region(&mut plan, &base);
        assert_eq!(planned_region(&plan), Some("eu-west-1"));
        assert!(plan.requires_replace.is_empty());
        assert_eq!(clients.region, "eu-west-1");

        let mut plan = update("eu-west-1", Value::Null);
        plan_region_implied(&mut plan, &base, Some("eu-west-1"));
        assert_eq!(planned_region(&plan), Some("eu-west-1"));
        assert!(plan.requires_replace.is_empty());
    }

    #[test]
    fn a_state_without_a_region_is_not_replaced() {
        let base = provider_in_us_east_1();
        let mut plan = update("x", Value::Null);
        plan.prior = object(Value::Null);
        plan.planned = object(Value::Null);
        plan_region(&mut plan, &base);
        assert_eq!(planned_region(&plan), Some("us-east-1"));
        assert!(plan.requires_replace.is_empty());
    }

    #[test]
    fn a_region_known_only_at_apply_stays_unknown() {
        let base = provider_in_us_east_1();
        let mut plan = update("eu-west-1", Value::Unknown);
        plan_region(&mut plan, &base);
        assert!(plan.planned.get_attr(REGION).is_some_and(Value::is_unknown));
    }
}
