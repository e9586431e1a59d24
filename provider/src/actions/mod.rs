//! Actions (Terraform 1.14+, `terraform apply -invoke=action.…` and `action_trigger`):
//! start, stop, pause and resume durable executions. [`start`] invokes a qualified
//! durable function under an execution name (AWS starts at most one execution per
//! name) and can wait for it to finish; [`control`] acts on one execution, named by
//! ARN or by function and name. The calls are in [`api`].

pub mod api;
pub mod control;
pub mod start;

use tfplug::diag::Diagnostic;
use tfplug::schema::Attribute;
use tfplug::value::{AttributePath, Value};

use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda::InvocationRequest;
use crate::resources::common::data_region_attribute;
use crate::resources::common::import_id::arn_region;

/// `function_name`.
pub const FUNCTION_NAME: &str = "function_name";
/// `qualifier`.
pub const QUALIFIER: &str = "qualifier";
/// `durable_execution_name`.
pub const DURABLE_EXECUTION_NAME: &str = "durable_execution_name";
/// `region`.
pub const REGION: &str = crate::resources::common::REGION;

/// `function_name` of an action: the durable function (name or ARN, qualified or not).
pub fn function_name_attribute(required: bool) -> Attribute {
    let attr = Attribute::string(FUNCTION_NAME)
        .aws(&InvocationRequest::FunctionName)
        .description("Name or ARN of the durable function (`name:version` qualifies it).");
    if required {
        attr.required()
    } else {
        attr.optional()
    }
}

/// `qualifier`: the version (or alias) the execution runs on.
pub fn qualifier_attribute() -> Attribute {
    Attribute::string(QUALIFIER)
        .optional()
        .aws(&InvocationRequest::Qualifier)
        .description("Version or alias (a durable function is invoked through one).")
}

/// `durable_execution_name`.
pub fn execution_name_attribute(required: bool) -> Attribute {
    let attr = Attribute::string(DURABLE_EXECUTION_NAME)
        .aws(&InvocationRequest::DurableExecutionName)
        .description("Name of the execution; AWS starts at most one execution per name.");
    if required {
        attr.required()
    } else {
        attr.optional()
    }
}

/// `region`: where the function is.
pub fn region_attribute() -> Attribute {
    data_region_attribute().description(
        "Region of the function. When unset: the region of the ARN the action names, else the \
         provider's; when set, it must agree with that ARN.",
    )
}

/// Where an action's calls go: `region` when set, else the region of the ARN it names
/// (`function_name` or `durable_execution_arn`), else the provider's (`None`).
pub fn call_region(region: Option<&str>, arn: Option<&str>) -> Option<String> {
    region
        .or_else(|| arn.and_then(arn_region))
        .map(str::to_string)
}

/// An error at `region` when the configuration's `region` and the region of the ARN in
/// `arn_attribute` are both known and differ: the calls would go where the object is not.
pub fn region_conflict(config: &Value, arn_attribute: &str) -> Option<Diagnostic> {
    let text = |name: &str| config.get_attr(name).and_then(Value::as_str);
    let region = text(REGION)?;
    let arn = text(arn_attribute)?;
    let in_arn = arn_region(arn)?;
    (region != in_arn).then(|| {
        Diagnostic::error(
            "region differs from the ARN's",
            format!(
                "region = {region:?}, but {arn_attribute} is an ARN in {in_arn:?}: set region \
                 to {in_arn:?}, or leave it out to use the ARN's region."
            ),
        )
        .at(AttributePath::attr(REGION))
    })
}
