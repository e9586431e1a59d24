//! Actions (Terraform 1.14+, `terraform apply -invoke=action.…` and `action_trigger`):
//! start, stop, pause and resume durable executions. [`start`] invokes a qualified
//! durable function under an execution name (AWS starts at most one execution per
//! name) and can wait for it to finish; [`control`] acts on one execution, named by
//! ARN or by function and name. The calls are in [`api`].

pub mod api;
pub mod control;
pub mod start;

use tfplug::schema::Attribute;

use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda::InvocationRequest;
use crate::resources::common::data_region_attribute;

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
    data_region_attribute().description("Region of the function; the provider's when unset.")
}
