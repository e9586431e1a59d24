//! `provider::lambda::estimate_monthly_cost(…)`: a monthly cost estimate of Lambda
//! Managed Instances and durable functions from AWS's published prices, returning every
//! part and the assumptions it made. EC2 prices vary by instance type and region and are
//! not published offline, so the hourly on-demand price of one instance is an input.

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Type, Value};

use super::non_negative;

/// Management fee on top of the EC2 on-demand price (Lambda pricing: 15 %).
pub const MANAGEMENT_FEE: f64 = 0.15;
/// USD per million requests (Lambda pricing).
pub const PER_MILLION_REQUESTS: f64 = 0.20;
/// USD per million durable operations (steps, waits, callbacks).
pub const PER_MILLION_DURABLE_OPERATIONS: f64 = 8.0;
/// USD per GB of durable execution data written.
pub const PER_GB_WRITTEN: f64 = 0.25;
/// USD per GB-month of durable execution data retained.
pub const PER_GB_MONTH_RETAINED: f64 = 0.15;
/// Hours in a month, as AWS's pricing pages count.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The parts of an estimate, in USD per month.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// EC2 on-demand.
    pub ec2: f64,
    /// Management fee.
    pub management_fee: f64,
    /// Requests.
    pub requests: f64,
    /// Durable operations, data written and retained.
    pub durable: f64,
}

impl Estimate {
    /// The sum.
    pub fn total(&self) -> f64 {
        self.ec2 + self.management_fee + self.requests + self.durable
    }
}

/// The estimate for `instances` running all month at `hourly_usd`, `requests` a month,
/// `operations` durable operations a month, `written_gb` written and `retained_gb`
/// retained.
pub fn estimate(
    instances: f64,
    hourly_usd: f64,
    requests: f64,
    operations: f64,
    written_gb: f64,
    retained_gb: f64,
) -> Estimate {
    let ec2 = instances * hourly_usd * HOURS_PER_MONTH;
    Estimate {
        ec2,
        management_fee: ec2 * MANAGEMENT_FEE,
        requests: requests / 1e6 * PER_MILLION_REQUESTS,
        durable: operations / 1e6 * PER_MILLION_DURABLE_OPERATIONS
            + written_gb * PER_GB_WRITTEN
            + retained_gb * PER_GB_MONTH_RETAINED,
    }
}

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
        let e = estimate(v[0], v[1], v[2], v[3], v[4], v[5]);
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

    #[test]
    fn parts_follow_the_published_prices() {
        // 3 × $0.10 × 730 = $219; fee $32.85; 100 M requests $20; 10 M operations $80,
        // 4 GB written $1, 10 GB retained $1.50.
        let e = estimate(3.0, 0.10, 100e6, 10e6, 4.0, 10.0);
        assert!((e.ec2 - 219.0).abs() < 1e-9);
        assert!((e.management_fee - 32.85).abs() < 1e-9);
        assert!((e.requests - 20.0).abs() < 1e-9);
        assert!((e.durable - 82.5).abs() < 1e-9);
        assert!((e.total() - 354.35).abs() < 1e-9);
    }
}
