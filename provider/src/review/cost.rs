//! The cost rule's arithmetic: a monthly estimate for each capacity provider and durable
//! function of a plan, from AWS's published prices ([`crate::pricing`]) and the recorded
//! EC2 on-demand table, with every input it had to assume written out. A plan says how
//! big things may get, not how much they will be used, so traffic is an assumption
//! ([`Traffic`]); the instance type is the smallest (then cheapest) one the capacity
//! provider allows that has a recorded price and can hold one execution environment of
//! each function on it. Values the plan leaves unknown until apply are assumed, and the
//! estimate says so.

use serde::Serialize;

use super::inputs::{CapacityProvider, Function, View};
use super::instances;
use super::rules::{
    AVAILABILITY_ZONES, DEFAULT_RATIO, largest_environment, shown, vcpus_per_environment, whole_up,
};
use crate::pricing::{self, HOURS_PER_MONTH, MANAGEMENT_FEE, Usage, ec2};
use crate::resources::capacity_provider::model::DEFAULT_MAX_VCPU_COUNT;
use crate::resources::capacity_provider::schema::names as cp;
use crate::resources::capacity_provider::schema::names::MAX_VCPU_COUNT;
use crate::resources::durable_function::schema::DEFAULT_RETENTION_DAYS;
use crate::resources::durable_function::schema::names as df;
use crate::resources::function_version::schema::names as fv;

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

/// Why a capacity provider has no estimate.
#[derive(Clone, Debug, PartialEq)]
pub enum NoEstimate {
    /// No instance type the requirements allow has a recorded price (or none is
    /// allowed at all).
    Unpriced,
    /// No instance type the requirements allow can hold one execution environment of
    /// each function on it: what they require, and what was assumed, for people.
    NothingFits(String),
}

/// What the estimate of capacity provider `c` assumes for the values of `c`, its
/// functions and their versions that are known only after apply.
fn unknown_until_apply(view: &View, c: &CapacityProvider) -> Vec<String> {
    let mut out = Vec::new();
    let unknown = |name: &str| c.unknown.contains(name);
    if unknown(cp::ARCHITECTURES) {
        out.push(format!(
            "{}.{} is unknown until apply: {} (AWS's default) assumed",
            cp::INSTANCE_REQUIREMENTS,
            cp::ARCHITECTURES,
            c.architecture
        ));
    }
    if unknown(cp::ALLOWED_INSTANCE_TYPES) {
        out.push(format!(
            "{}.{} is unknown until apply: any {} instance type assumed",
            cp::INSTANCE_REQUIREMENTS,
            cp::ALLOWED_INSTANCE_TYPES,
            c.architecture
        ));
    }
    if unknown(cp::EXCLUDED_INSTANCE_TYPES) {
        out.push(format!(
            "{}.{} is unknown until apply: only its known entries assumed excluded",
            cp::INSTANCE_REQUIREMENTS,
            cp::EXCLUDED_INSTANCE_TYPES
        ));
    }
    if unknown(MAX_VCPU_COUNT) {
        out.push(format!(
            "{MAX_VCPU_COUNT} is unknown until apply: {DEFAULT_MAX_VCPU_COUNT} (AWS's default) assumed"
        ));
    }
    let functions = view
        .functions
        .iter()
        .filter(|f| f.capacity_provider.as_deref() == Some(c.address.as_str()));
    for f in functions {
        if f.unknown.contains(df::MEMORY_SIZE) {
            out.push(format!(
                "{}: {} is unknown until apply: its execution environments are not counted",
                f.address,
                df::MEMORY_SIZE
            ));
        } else if f.unknown.contains(df::MEMORY_GIB_PER_VCPU) {
            out.push(format!(
                "{}: {} is unknown until apply: {DEFAULT_RATIO} GiB per vCPU (AWS's default) assumed",
                f.address,
                df::MEMORY_GIB_PER_VCPU
            ));
        }
    }
    for (v, _) in view.versions_on(&c.address) {
        if v.min_unknown {
            out.push(format!(
                "{}: {} is unknown until apply: not counted",
                v.address,
                fv::MIN
            ));
        }
    }
    out
}

/// The estimate for capacity provider `c`: the instances it keeps running (three, one
/// per Availability Zone, or more when the versions' minimum environments need more
/// vCPUs), and the ceiling at `max_vcpu_count`, on the smallest (then cheapest) allowed
/// instance type with a recorded price that can hold one execution environment of each
/// function on it.
pub fn capacity_provider(view: &View, c: &CapacityProvider) -> Result<CostEstimate, NoEstimate> {
    let largest = largest_environment(view, &c.address);
    let fit = largest.fit();
    let required = largest.describe();
    let unknown = unknown_until_apply(view, c);
    let Some((name, vcpus, hourly)) = instances::cheapest_smallest(
        &c.architecture,
        &c.allowed_instance_types,
        &c.excluded_instance_types,
        &c.instance_sizes,
        &fit,
        ec2::hourly_usd,
    ) else {
        let allowed = c.smallest_vcpus(&instances::Fit::default()).is_some();
        return match required {
            Some(required) if allowed && c.smallest_vcpus(&fit).is_none() => {
                let types = c.allowed_types();
                let assumed = if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" (assumed: {})", unknown.join("; "))
                };
                Err(NoEstimate::NothingFits(format!(
                    "no instance type the instance requirements allow ({types}) can hold one execution environment of each function on it: {required}{assumed}"
                )))
            }
            _ => Err(NoEstimate::Unpriced),
        };
    };
    let minimum_vcpus: f64 = view
        .versions_on(&c.address)
        .iter()
        .filter_map(|(v, f)| Some(v.min? * vcpus_per_environment(f)?))
        // Not `sum`: a float sum of nothing is -0, which the assumption printed as "-0".
        .fold(0.0, |total, vcpus| total + vcpus);
    let wanted = whole_up(minimum_vcpus / f64::from(vcpus)).max(AVAILABILITY_ZONES as f64);
    let max_vcpus = c.max_vcpu_count.unwrap_or(DEFAULT_MAX_VCPU_COUNT as f64);
    let most = (max_vcpus / f64::from(vcpus)).floor();
    // max_vcpu_count caps what runs: never more instances than it holds (LMI-RES-003 and
    // LMI-SCALE-004 say why that is a problem), so the baseline never exceeds the ceiling.
    let instances = wanted.min(most);
    let baseline = pricing::estimate(&Usage {
        instances,
        instance_hourly_usd: hourly,
        ..Usage::default()
    });
    let ceiling = pricing::estimate(&Usage {
        instances: most,
        instance_hourly_usd: hourly,
        ..Usage::default()
    });
    let table = ec2::table();
    let holds = required
        .map(|r| format!(" that can hold one execution environment of each function on it: {r}"))
        .unwrap_or_default();
    let mut assumptions = vec![
        format!(
            "instance type {name} ({vcpus} vCPU(s)): the smallest, then cheapest, the instance requirements allow with a recorded price{holds}"
        ),
        format!(
            "${hourly:.4}/hour on-demand, Linux, {} (recorded {}); no Savings Plans",
            table.region, table.recorded
        ),
        format!(
            "{instances} instance(s) all month ({HOURS_PER_MONTH} hours): {AVAILABILITY_ZONES} for the Availability Zones, more if the versions' minimum environments need them ({} vCPUs)",
            shown(minimum_vcpus)
        ),
        format!("management fee {}% of EC2", MANAGEMENT_FEE * 100.0),
        format!("ceiling: {max_vcpus} vCPUs ({MAX_VCPU_COUNT}) of {name} all month"),
        "requests are counted on the functions".to_string(),
    ];
    if instances < wanted {
        assumptions.push(format!(
            "{MAX_VCPU_COUNT} = {max_vcpus} holds only {instances} {name} instance(s) of the {wanted} wanted: {instances} assumed"
        ));
    }
    assumptions.extend(unknown);
    Ok(CostEstimate {
        monthly_usd: cents(baseline.total()),
        ceiling_monthly_usd: Some(cents(ceiling.total())),
        assumptions,
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
    fn the_baseline_never_exceeds_what_max_vcpu_count_holds() {
        // 4 vCPUs hold two m7g.large (2 vCPUs), not the three AWS wants.
        let cp = CapacityProvider {
            max_vcpu_count: Some(4.0),
            ..provider()
        };
        let e = capacity_provider(&View::default(), &cp).expect("a price");
        assert_eq!(e.ceiling_monthly_usd, Some(137.01), "{e:?}");
        assert_eq!(e.monthly_usd, 137.01, "{e:?}");
        assert!(
            e.assumptions.iter().any(|a| a
                .contains("max_vcpu_count = 4 holds only 2 m7g.large instance(s) of the 3 wanted")),
            "{:?}",
            e.assumptions
        );
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
                ..Version::default()
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
        let e = capacity_provider(&View::default(), &cp);
        assert_eq!(e, Err(NoEstimate::Unpriced));
    }

    /// A view of `cp` with one function on it of `memory` MB at `ratio` GiB per vCPU, and a
    /// version of it keeping `min` environments.
    fn with_function(cp: &CapacityProvider, memory: f64, ratio: Option<f64>, min: f64) -> View {
        View {
            capacity_providers: vec![cp.clone()],
            functions: vec![Function {
                address: "lambda_durable_function.f".into(),
                memory_size: Some(memory),
                memory_gib_per_vcpu: ratio,
                capacity_provider: Some(cp.address.clone()),
                on_capacity_provider: true,
                ..Function::default()
            }],
            versions: vec![Version {
                address: "lambda_function_version.v".into(),
                function: Some("lambda_durable_function.f".into()),
                min: Some(min),
                ..Version::default()
            }],
        }
    }

    fn assumed(e: &CostEstimate) -> String {
        e.assumptions.join("; ")
    }

    #[test]
    fn an_exact_fit_of_the_minimum_is_not_one_instance_more() {
        // 84 environments of 4608 MB at 7 GiB per vCPU take 54 vCPUs (84 × 4608 ÷ 1024 ÷
        // 7), 54.00000000000001 in floating point: 27 m7g.large, not 28.
        let cp = CapacityProvider {
            allowed_instance_types: vec!["m7g.*".into()],
            max_vcpu_count: Some(96.0),
            ..provider()
        };
        let e =
            capacity_provider(&with_function(&cp, 4608.0, Some(7.0), 84.0), &cp).expect("priced");
        let text = assumed(&e);
        assert!(
            text.contains("instance type m7g.large (2 vCPU(s))")
                && text.contains("27 instance(s) all month")
                && text.contains("need them (54 vCPUs)"),
            "{text}"
        );
    }

    #[test]
    fn the_instance_type_holds_one_execution_environment() {
        // The examples' managed-instances-scaling: 4096 MB at the default 2 GiB per vCPU
        // is 2 vCPUs an environment; m7g.medium (1 vCPU) cannot hold one.
        let cp = CapacityProvider {
            allowed_instance_types: vec!["m7g.*".into()],
            max_vcpu_count: Some(96.0),
            ..provider()
        };
        let e = capacity_provider(&with_function(&cp, 4096.0, None, 2.0), &cp).expect("priced");
        let text = assumed(&e);
        assert!(
            text.contains("instance type m7g.large (2 vCPU(s))"),
            "{text}"
        );
        assert!(!text.contains("m7g.medium"), "{text}");
        assert!(
            text.contains("at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f"),
            "{text}"
        );
        // 3 × m7g.large ($0.0816/h) × 730 h × 1.15; the ceiling is 48 of them.
        assert_eq!(e.monthly_usd, 205.51, "{e:?}");
        assert_eq!(e.ceiling_monthly_usd, Some(3288.15), "{e:?}");
    }

    #[test]
    fn the_instance_type_holds_an_environments_memory() {
        // 8192 MB at 8 GiB per vCPU: 1 vCPU, but c7g.medium (2 GiB) and c7g.large (4 GiB)
        // cannot hold the memory; c7g.xlarge (4 vCPUs, 8 GiB) can.
        let cp = CapacityProvider {
            allowed_instance_types: vec!["c7g.*".into()],
            ..provider()
        };
        let e =
            capacity_provider(&with_function(&cp, 8192.0, Some(8.0), 3.0), &cp).expect("priced");
        let text = assumed(&e);
        assert!(
            text.contains("instance type c7g.xlarge (4 vCPU(s))"),
            "{text}"
        );
        assert!(text.contains("at least 1 vCPUs and 8192 MiB"), "{text}");
    }

    #[test]
    fn no_estimate_when_no_allowed_type_holds_an_environment() {
        let cp = CapacityProvider {
            allowed_instance_types: vec!["m7g.medium".into()],
            ..provider()
        };
        let e = capacity_provider(&with_function(&cp, 4096.0, None, 3.0), &cp);
        let Err(NoEstimate::NothingFits(why)) = e else {
            panic!("m7g.medium cannot hold a 2-vCPU environment: {e:?}");
        };
        assert!(why.contains("(arm64 m7g.medium)"), "{why}");
        assert!(
            why.contains("at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f"),
            "{why}"
        );
    }

    #[test]
    fn values_unknown_until_apply_are_said_to_be_assumed() {
        // Unset: AWS's defaults, as before; nothing about apply.
        let unset = CapacityProvider {
            allowed_instance_types: Vec::new(),
            max_vcpu_count: None,
            ..provider()
        };
        let e = capacity_provider(&View::default(), &unset).expect("priced");
        assert!(!assumed(&e).contains("unknown until apply"), "{e:?}");
        assert!(assumed(&e).contains("ceiling: 400 vCPUs"), "{e:?}");
        // Set from values known only after apply: the same numbers, and it says so.
        let unknown = CapacityProvider {
            unknown: [
                MAX_VCPU_COUNT,
                cp::ALLOWED_INSTANCE_TYPES,
                cp::EXCLUDED_INSTANCE_TYPES,
            ]
            .into(),
            ..unset.clone()
        };
        let e2 = capacity_provider(&View::default(), &unknown).expect("priced");
        assert_eq!(e2.monthly_usd, e.monthly_usd);
        let text = assumed(&e2);
        for said in [
            "max_vcpu_count is unknown until apply: 400 (AWS's default) assumed",
            "instance_requirements.allowed_instance_types is unknown until apply: any arm64 instance type assumed",
            "instance_requirements.excluded_instance_types is unknown until apply: only its known entries assumed excluded",
        ] {
            assert!(text.contains(said), "{said} not in {text}");
        }
        let arch = CapacityProvider {
            architecture: "x86_64".into(),
            unknown: [cp::ARCHITECTURES].into(),
            ..unset
        };
        let e3 = capacity_provider(&View::default(), &arch).expect("priced");
        let text = assumed(&e3);
        assert!(
            text.contains(
                "instance_requirements.architectures is unknown until apply: x86_64 (AWS's default) assumed"
            ),
            "{text}"
        );
    }

    #[test]
    fn functions_and_versions_unknown_until_apply_are_said_to_be_left_out() {
        let cp = provider();
        let mut view = with_function(&cp, 4096.0, None, 3.0);
        view.functions[0].unknown = [df::MEMORY_GIB_PER_VCPU].into();
        view.versions[0].min = None;
        view.versions[0].min_unknown = true;
        let text = assumed(&capacity_provider(&view, &cp).expect("priced"));
        assert!(
            text.contains("lambda_durable_function.f: execution_environment_memory_gib_per_vcpu is unknown until apply: 2 GiB per vCPU (AWS's default) assumed"),
            "{text}"
        );
        assert!(
            text.contains(
                "lambda_function_version.v: min_execution_environments is unknown until apply: not counted"
            ),
            "{text}"
        );
        view.functions[0].memory_size = None;
        view.functions[0].unknown = [df::MEMORY_SIZE].into();
        let text = assumed(&capacity_provider(&view, &cp).expect("priced"));
        assert!(
            text.contains("lambda_durable_function.f: memory_size is unknown until apply: its execution environments are not counted"),
            "{text}"
        );
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
