//! The cost rule's arithmetic: a monthly estimate for each capacity provider and durable
//! function of a plan, from AWS's published prices ([`crate::pricing`]) and the recorded
//! EC2 on-demand table, with every input it had to assume written out. A plan says how
//! big things may get, not how much they will be used, so traffic is an assumption
//! ([`Traffic`]); the instance type is the smallest (then cheapest) one the capacity
//! provider allows that has a recorded price.

use serde::Serialize;

use super::inputs::{CapacityProvider, Function, View};
use super::instances;
use super::rules::{AVAILABILITY_ZONES, vcpus_per_environment};
use crate::pricing::{self, HOURS_PER_MONTH, MANAGEMENT_FEE, Usage, ec2};
use crate::resources::capacity_provider::model::DEFAULT_MAX_VCPU_COUNT;
use crate::resources::durable_function::schema::DEFAULT_RETENTION_DAYS;

/// The traffic the estimate assumes for each durable function.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    /// Invocations (and durable executions) per month.
    pub requests_per_month: f64,
    /// Durable operations (steps, waits, callbacks) per execution.
    pub operations_per_execution: f64,
    /// KB of checkpoint data written per operation.
    pub kb_written_per_operation: f64,
}

impl Default for Traffic {
    fn default() -> Self {
        Self {
            requests_per_month: 1e6,
            operations_per_execution: 10.0,
            kb_written_per_operation: 1.0,
        }
    }
}

/// A monthly estimate and what it assumed, as findings carry it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CostEstimate {
    /// USD per month at the assumed use.
    pub monthly_usd: f64,
    /// USD per month at the configured maximum (capacity providers: `max_vcpu_count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceiling_monthly_usd: Option<f64>,
    /// Every price and input the estimate used.
    pub assumptions: Vec<String>,
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The estimate for capacity provider `c`: the instances it keeps running (three, one
/// per Availability Zone, or more when the versions' minimum environments need more
/// vCPUs), and the ceiling at `max_vcpu_count`. `None` when no allowed instance type has
/// a recorded price.
pub fn capacity_provider(view: &View, c: &CapacityProvider) -> Option<CostEstimate> {
    let (name, vcpus, hourly) = instances::cheapest_smallest(
        &c.architecture,
        &c.allowed_instance_types,
        &c.excluded_instance_types,
        &c.instance_sizes,
        ec2::hourly_usd,
    )?;
    let minimum_vcpus: f64 = view
        .versions_on(&c.address)
        .iter()
        .filter_map(|(v, f)| Some(v.min? * vcpus_per_environment(f)?))
        // Not `sum`: a float sum of nothing is -0, which the assumption printed as "-0".
        .fold(0.0, |total, vcpus| total + vcpus);
    let instances = (minimum_vcpus / f64::from(vcpus))
        .ceil()
        .max(AVAILABILITY_ZONES as f64);
    let baseline = pricing::estimate(&Usage {
        instances,
        instance_hourly_usd: hourly,
        ..Usage::default()
    });
    let max_vcpus = c.max_vcpu_count.unwrap_or(DEFAULT_MAX_VCPU_COUNT as f64);
    let ceiling = pricing::estimate(&Usage {
        instances: (max_vcpus / f64::from(vcpus)).floor(),
        instance_hourly_usd: hourly,
        ..Usage::default()
    });
    let table = ec2::table();
    Some(CostEstimate {
        monthly_usd: cents(baseline.total()),
        ceiling_monthly_usd: Some(cents(ceiling.total())),
        assumptions: vec![
            format!(
                "instance type {name} ({vcpus} vCPU(s)): the smallest, then cheapest, the instance requirements allow with a recorded price"
            ),
            format!(
                "${hourly:.4}/hour on-demand, Linux, {} (recorded {}); no Savings Plans",
                table.region, table.recorded
            ),
            format!(
                "{instances} instance(s) all month ({HOURS_PER_MONTH} hours): {AVAILABILITY_ZONES} for the Availability Zones, more if the versions' minimum environments need them ({minimum_vcpus} vCPUs)"
            ),
            format!("management fee {}% of EC2", MANAGEMENT_FEE * 100.0),
            format!("ceiling: {max_vcpus} vCPUs (max_vcpu_count) of {name} all month"),
            "requests are counted on the functions".to_string(),
        ],
    })
}

/// The estimate for durable function `f` at `traffic`: requests, durable operations,
/// data written, and data retained for `retention_period` days. EC2 is counted on its
/// capacity provider; Lambda's duration charges of a function not on one are left out.
pub fn durable_function(f: &Function, traffic: &Traffic) -> CostEstimate {
    let operations = traffic.requests_per_month * traffic.operations_per_execution;
    let written_gb = operations * traffic.kb_written_per_operation / 1e6;
    let retention_days = f.retention_period.unwrap_or(DEFAULT_RETENTION_DAYS as f64);
    // Data written evenly over a 30-day month and kept `retention_days` is, on average,
    // written_gb × retention_days / 30 GB held over the month.
    let retained_gb = written_gb * retention_days / 30.0;
    let e = pricing::estimate(&Usage {
        requests: traffic.requests_per_month,
        durable_operations: operations,
        durable_gb_written: written_gb,
        durable_gb_retained: retained_gb,
        ..Usage::default()
    });
    let compute = if f.on_capacity_provider {
        "EC2 is counted on the capacity provider"
    } else {
        "duration (GB-seconds) of a function not on a capacity provider is not included"
    };
    CostEstimate {
        monthly_usd: cents(e.total()),
        ceiling_monthly_usd: None,
        assumptions: vec![
            format!(
                "{} requests (executions) a month at ${:.2} per million",
                traffic.requests_per_month,
                pricing::PER_MILLION_REQUESTS
            ),
            format!(
                "{} durable operations per execution at ${:.2} per million",
                traffic.operations_per_execution,
                pricing::PER_MILLION_DURABLE_OPERATIONS
            ),
            format!(
                "{} KB written per operation ({written_gb:.2} GB a month) at ${:.2}/GB",
                traffic.kb_written_per_operation,
                pricing::PER_GB_WRITTEN
            ),
            format!(
                "kept {retention_days} days (retention_period): {retained_gb:.2} GB-month at ${:.2}/GB-month",
                pricing::PER_GB_MONTH_RETAINED
            ),
            compute.to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::super::inputs::Version;
    use super::*;

    fn provider() -> CapacityProvider {
        CapacityProvider {
            address: "lambda_capacity_provider.cp".into(),
            architecture: "arm64".into(),
            allowed_instance_types: vec!["m7g.large".into(), "m7g.xlarge".into()],
            max_vcpu_count: Some(40.0),
            ..CapacityProvider::default()
        }
    }

    #[test]
    fn three_instances_by_default_and_the_ceiling_at_max_vcpu_count() {
        let e = capacity_provider(&View::default(), &provider());
        let e = e.expect("m7g has a recorded price");
        // 3 × m7g.large ($0.0816/h) × 730 h × 1.15 = $205.51.
        assert_eq!(e.monthly_usd, 205.51, "{e:?}");
        // 40 vCPUs = 20 × m7g.large: $1,370.16.
        assert_eq!(e.ceiling_monthly_usd, Some(1370.06));
        assert!(e.assumptions.iter().any(|a| a.contains("m7g.large")));
        assert!(e.assumptions.iter().any(|a| a.contains("us-east-1")));
    }

    #[test]
    fn without_versions_the_minimum_reads_zero_vcpus() {
        let e = capacity_provider(&View::default(), &provider()).expect("a price");
        assert!(
            e.assumptions.iter().any(|a| a.contains("(0 vCPUs)")),
            "{:?}",
            e.assumptions
        );
        assert!(
            !e.assumptions.iter().any(|a| a.contains("-0")),
            "{:?}",
            e.assumptions
        );
    }

    #[test]
    fn the_versions_minimum_adds_instances() {
        let cp = provider();
        let view = View {
            capacity_providers: vec![cp.clone()],
            functions: vec![Function {
                address: "lambda_durable_function.f".into(),
                memory_size: Some(4096.0),
                capacity_provider: Some(cp.address.clone()),
                on_capacity_provider: true,
                ..Function::default()
            }],
            versions: vec![Version {
                address: "lambda_function_version.v".into(),
                function: Some("lambda_durable_function.f".into()),
                min: Some(5.0),
                max: Some(5.0),
            }],
        };
        // 5 environments × 2 vCPUs = 10 vCPUs = 5 m7g.large.
        let e = capacity_provider(&view, &cp).expect("priced");
        assert_eq!(e.monthly_usd, 342.52, "{e:?}");
    }

    #[test]
    fn no_estimate_without_a_recorded_price() {
        let cp = CapacityProvider {
            allowed_instance_types: vec!["m9g.*".into()],
            ..provider()
        };
        assert_eq!(capacity_provider(&View::default(), &cp), None);
    }

    #[test]
    fn durable_function_at_the_assumed_traffic() {
        let f = Function {
            retention_period: Some(30.0),
            ..Function::default()
        };
        let e = durable_function(&f, &Traffic::default());
        // 1 M requests $0.20 + 10 M operations $80 + 10 GB written $2.50 + 10 GB-month
        // retained $1.50 = $84.20.
        assert!((e.monthly_usd - 84.20).abs() < 1e-9, "{e:?}");
        assert_eq!(e.assumptions.len(), 5);
    }
}
