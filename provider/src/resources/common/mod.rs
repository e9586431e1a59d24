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
pub mod moved;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::PlanContext;
use tfplug::schema::Attribute;
use tfplug::validate::matches;
use tfplug::value::Value;

use crate::aws::{AwsClients, SharedClients};

/// How long a refresh of one object may take.
pub const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// The `region` attribute's name.
pub const REGION: &str = "region";

/// The `name` attribute's name.
pub const NAME: &str = "name";

/// The `state` attribute's name.
pub const STATE: &str = "state";

/// An AWS region name (not an AWS API member: regions are where calls go).
pub const REGION_PATTERN: &str = "[a-z]{2}(-[a-z]+)+-\\d{1,2}";

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
             it replaces the {what}."
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

/// Plans `region`: the prior state's, else the provider's. Returns the clients for it.
pub fn plan_region(plan: &mut PlanContext, base: &Arc<AwsClients>) -> Arc<AwsClients> {
    if plan.planned.get_attr(REGION).is_some_and(Value::is_unknown) {
        let region = text(&plan.prior, REGION)
            .unwrap_or(&base.region)
            .to_string();
        set_attr(&mut plan.planned, REGION, Value::string(region));
    }
    base.for_region(text(&plan.planned, REGION))
}

/// How to destroy when a plan-time check of a resource fails: Terraform plans every
/// resource of the configuration before it plans a destroy.
pub const DESTROY_ANYWAY: &str = "If you are running `terraform destroy`, which plans the \
     configuration first too, `terraform destroy -refresh=false` skips that step.";

/// `diags` of a check that asked AWS at plan time, with each error saying how to destroy
/// anyway. Terraform plans every resource of the configuration (with a refresh) before
/// it plans a destroy, and the provider cannot tell that plan from another one: without
/// the hint, an object that was never created blocks `terraform destroy` of the rest.
pub fn looked_up_at_plan(diags: Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::new();
    for mut d in diags.iter().cloned() {
        if d.is_error() {
            d.detail.push_str(&format!(
                "\n\nThis was checked with AWS at plan time. {DESTROY_ANYWAY}"
            ));
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
