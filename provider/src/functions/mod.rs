//! Provider-defined functions (Terraform 1.8+, `provider::lambda::NAME(…)`): pure
//! calculations a configuration or a policy check can use — [`parse_arn`], the
//! execution environments a capacity provider holds
//! ([`execution_environments_capacity`]) and a monthly cost estimate
//! ([`estimate_monthly_cost`]).

pub mod estimate_monthly_cost;
pub mod execution_environments_capacity;
pub mod parse_arn;

use tfplug::function::FunctionError;
use tfplug::value::Value;

/// The number in argument `index`, which must be finite and not negative.
pub fn non_negative(args: &[Value], index: usize, name: &str) -> Result<f64, FunctionError> {
    let n = args
        .get(index)
        .and_then(Value::as_number)
        .map(|n| n.as_f64())
        .filter(|n| n.is_finite() && *n >= 0.0);
    n.ok_or_else(|| FunctionError {
        text: format!("{name} must be a number of 0 or more"),
        argument: Some(index as i64),
    })
}
