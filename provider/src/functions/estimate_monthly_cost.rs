//! `provider::lambda::estimate_monthly_cost(…)`: a monthly cost estimate of Lambda
//! Managed Instances and durable functions from AWS's published prices, returning every
//! part and the assumptions it made. EC2 prices vary by instance type and region,
//! so the hourly on-demand price of one instance is an input (the review's cost rule uses
//! the recorded table of [`crate::pricing::ec2`]).

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Type, Value};

use super::non_negative;
use crate::pricing::{
    HOURS_PER_MONTH, MANAGEMENT_FEE, PER_GB_MONTH_RETAINED, PER_GB_WRITTEN,
    PER_MILLION_DURABLE_OPERATIONS, PER_MILLION_REQUESTS, Usage, estimate,
};

/// The function.
#[derive(Clone, Copy, Debug, Default)]
pub struct EstimateMonthlyCost;

const INPUTS: [(&str, &str); 6] = [
    (
        "instances",
        "Instances running all month (at least 3 for AZ resiliency).",
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

/// `x` rounded to cents (null if not finite, which non-negative inputs never give).
fn round_cents(x: f64) -> Value {
    tfplug::value::Number::from_f64((x * 100.0).round() / 100.0).map_or(Value::Null, Value::Number)
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
                          retained. `assumptions` lists every price and input used."
                .into(),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let mut v = [0.0; 6];
        for (i, (name, _)) in INPUTS.iter().enumerate() {
            v[i] = non_negative(&args, i, name)?;
        }
        let e = estimate(&Usage {
            instances: v[0],
            instance_hourly_usd: v[1],
            requests: v[2],
            durable_operations: v[3],
            durable_gb_written: v[4],
            durable_gb_retained: v[5],
        });
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
