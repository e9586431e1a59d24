//! `provider::lambda::estimate_monthly_cost(…)`: a monthly cost estimate of Lambda
//! Managed Instances and durable functions from AWS's published prices, returning every
//! part and the assumptions it made. EC2 prices vary by instance type and region,
//! so the hourly on-demand price of one instance is an input (the review's cost rule uses
//! the recorded table of [`crate::pricing::ec2`]).
//!
//! `instances` is a whole number; every argument is 0 or more; an estimate too large to
//! compute (beyond `f64::MAX` USD) is an error naming the argument that made it so.

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Number, Type, Value};

use super::{ArgumentError, Bounds, number_arg, shown};
use crate::pricing::{
    Estimate, HOURS_PER_MONTH, MANAGEMENT_FEE, PER_GB_MONTH_RETAINED, PER_GB_WRITTEN,
    PER_MILLION_DURABLE_OPERATIONS, PER_MILLION_REQUESTS, Usage, estimate,
};

/// The function.
#[derive(Clone, Copy, Debug, Default)]
pub struct EstimateMonthlyCost;

/// The arguments, in order, with their descriptions (what each may be: `bounds`).
const INPUTS: [(&str, &str); 6] = [
    (
        INSTANCES,
        "Instances running all month, a whole number (at least 3 for AZ resiliency).",
    ),
    (
        "instance_hourly_usd",
        "On-demand price of one instance per hour, in USD.",
    ),
    ("requests_per_month", "Invocations per month."),
    (
        "durable_operations_per_month",
        "Durable operations (steps, waits, callbacks) per month.",
    ),
    (
        "durable_gb_written_per_month",
        "GB of durable execution data written per month.",
    ),
    (
        "durable_gb_retained",
        "GB of durable execution data retained.",
    ),
];

/// The first argument: the number of instances, which must be whole.
const INSTANCES: &str = "instances";

/// What argument `index` may be: a whole number for `instances`, any number of 0 or
/// more for the others.
fn bounds(index: usize) -> Bounds {
    if index == 0 {
        Bounds::COUNT
    } else {
        Bounds::NON_NEGATIVE
    }
}

/// The index paired with the largest value (the first of equals; inf is the largest).
fn largest(items: &[(f64, usize)]) -> usize {
    items
        .iter()
        .fold((f64::NEG_INFINITY, items[0].1), |best, &(x, i)| {
            if x > best.0 { (x, i) } else { best }
        })
        .1
}

/// When a part of `e` or its total is not finite, the argument that made it so: of the
/// largest part, the argument contributing most (the larger of instances and the hourly
/// price for EC2 and its management fee, the largest of the three durable charges).
fn overflowing_argument(v: &[f64; 6], e: &Estimate) -> Option<usize> {
    let parts = [e.ec2, e.management_fee, e.requests, e.durable, e.total()];
    if parts.iter().all(|p| p.is_finite()) {
        return None;
    }
    let ec2_culprit = largest(&[(v[0], 0), (v[1], 1)]);
    let durable_culprit = largest(&[
        (v[3] / 1e6 * PER_MILLION_DURABLE_OPERATIONS, 3),
        (v[4] * PER_GB_WRITTEN, 4),
        (v[5] * PER_GB_MONTH_RETAINED, 5),
    ]);
    Some(largest(&[
        (e.ec2 + e.management_fee, ec2_culprit),
        (e.requests, 2),
        (e.durable, durable_culprit),
    ]))
}

/// `x` (finite) rounded to cents; values too large to hold cents are already whole.
fn round_cents(x: f64) -> Value {
    let cents = (x * 100.0).round() / 100.0;
    let rounded = if cents.is_finite() { cents } else { x };
    Number::from_f64(rounded).map_or(Value::Null, Value::Number)
}

#[async_trait]
impl Function for EstimateMonthlyCost {
    fn name(&self) -> &str {
        "estimate_monthly_cost"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: INPUTS
                .iter()
                .map(|(n, d)| Parameter::new(*n, Type::Number).description(*d))
                .collect(),
            variadic: None,
            return_type: Type::object([
                ("total_usd", Type::Number),
                ("ec2_usd", Type::Number),
                ("management_fee_usd", Type::Number),
                ("requests_usd", Type::Number),
                ("durable_usd", Type::Number),
                ("assumptions", Type::list(Type::String)),
            ]),
            summary: "Monthly cost estimate of managed instances and durable functions".into(),
            description: "EC2 on-demand for the instances all month (730 hours), the 15 % \
                          management fee, $0.20 per million requests, and durable execution: \
                          $8 per million operations, $0.25 per GB written, $0.15 per GB-month \
                          retained. `assumptions` lists every price and input used. Every \
                          argument is a number of 0 or more and `instances` a whole number; an \
                          estimate too large to compute is an error naming the argument that \
                          made it so."
                .into(),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let mut v = [0.0; 6];
        for (i, (name, _)) in INPUTS.iter().enumerate() {
            v[i] = number_arg(&args, i, name, bounds(i))?;
        }
        let e = estimate(&Usage {
            instances: v[0],
            instance_hourly_usd: v[1],
            requests: v[2],
            durable_operations: v[3],
            durable_gb_written: v[4],
            durable_gb_retained: v[5],
        });
        if let Some(i) = overflowing_argument(&v, &e) {
            return Err(ArgumentError::TooLarge {
                name: INPUTS[i].0.to_string(),
                got: Number::from_f64(v[i]).map_or_else(|| v[i].to_string(), |n| shown(&n)),
                result: "the estimate in USD".into(),
                max: f64::MAX,
            }
            .at(i));
        }
        let assumptions = vec![
            format!(
                "{} instance(s) × ${}/hour × {HOURS_PER_MONTH} hours (on-demand, no Savings Plans)",
                v[0], v[1]
            ),
            format!("management fee {}% of EC2", MANAGEMENT_FEE * 100.0),
            format!("{} requests at ${PER_MILLION_REQUESTS} per million", v[2]),
            format!(
                "{} durable operations at ${PER_MILLION_DURABLE_OPERATIONS} per million",
                v[3]
            ),
            format!(
                "{} GB written at ${PER_GB_WRITTEN}/GB, {} GB retained at ${PER_GB_MONTH_RETAINED}/GB-month",
                v[4], v[5]
            ),
        ];
        Ok(Value::object([
            ("total_usd", round_cents(e.total())),
            ("ec2_usd", round_cents(e.ec2)),
            ("management_fee_usd", round_cents(e.management_fee)),
            ("requests_usd", round_cents(e.requests)),
            ("durable_usd", round_cents(e.durable)),
            (
                "assumptions",
                Value::List(assumptions.into_iter().map(Value::string).collect()),
            ),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: [f64; 6]) -> Result<Value, FunctionError> {
        super::super::calls::call(&EstimateMonthlyCost, &args)
    }

    fn error(args: [f64; 6]) -> (Option<i64>, String) {
        super::super::calls::error(&EstimateMonthlyCost, &args)
    }

    #[test]
    fn estimates_from_the_published_prices() {
        let Ok(v) = call([3.0, 0.10, 100e6, 10e6, 4.0, 10.0]) else {
            panic!("an estimate");
        };
        assert_eq!(
            v.get_attr("total_usd"),
            Number::from_f64(354.35).map(Value::Number).as_ref()
        );
    }

    #[test]
    fn fractional_instances_are_an_error_naming_the_argument() {
        let (argument, text) = error([2.5, 0.10, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(argument, Some(0));
        assert!(
            text.starts_with("instances must be a whole number of 0 or more"),
            "{text}"
        );
        assert!(text.ends_with("got 2.5"), "{text}");
        assert_eq!(error([3.0, -0.1, 1.0, 1.0, 1.0, 1.0]).0, Some(1));
    }

    #[test]
    fn an_estimate_too_large_to_compute_is_an_error_naming_the_cause() {
        let (argument, text) = error([2.0, 1e308, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(argument, Some(1));
        assert!(
            text.starts_with("instance_hourly_usd = 1e308 is too large"),
            "{text}"
        );
        // Terraform ends a function's error with its own period.
        assert!(!text.ends_with('.'), "{text}");
        assert_eq!(error([1e306, 3.0, 1.0, 1.0, 1.0, 1.0]).0, Some(0));
        // Each part finite, the total not: the largest part's largest argument.
        assert_eq!(error([1.0, 1.5e305, 0.0, 0.0, 1.7e308, 1.7e308]).0, Some(1));
        // Large but finite estimates come back as numbers, never null.
        let Ok(v) = call([1.0, 1e300, 0.0, 0.0, 0.0, 0.0]) else {
            panic!("a large estimate");
        };
        for part in ["total_usd", "ec2_usd", "management_fee_usd"] {
            assert!(
                v.get_attr(part).and_then(Value::as_number).is_some(),
                "{part}: {v:?}"
            );
        }
    }
}
