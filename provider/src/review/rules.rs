//! The rule catalogue. Each rule is a pure function of the plan's [`View`]; its `why`
//! cites the AWS behaviour it rests on. Numbers AWS documents but the service model does
//! not hold are named here once.

use super::inputs::{Function, View};
use super::{Finding, Settings, Severity};
use crate::resources::capacity_provider::model::DEFAULT_MAX_VCPU_COUNT;
use crate::resources::capacity_provider::schema::names as cp;
use crate::resources::common::executions::policy::RUNNING_EXECUTIONS_ON_DESTROY;
use crate::resources::durable_function::schema::names as df;
use crate::resources::durable_function::schema::names::MEMORY_SIZE;
use crate::resources::function_version::rules::VERSIONS_PER_CAPACITY_PROVIDER;
use crate::resources::function_version::schema::names as fv;

/// One rule of the catalogue.
pub struct Rule {
    /// Stable ID, e.g. `LMI-RES-001`.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// `resilience`, `scaling`, `concurrency`, `durable`, `security`, `cost`.
    pub category: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Why it matters, from AWS's documented behaviour.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// The check.
    pub check: fn(&View, &Settings) -> Vec<Finding>,
}

/// Availability Zones Lambda spreads a capacity provider's instances and a version's
/// execution environments over ("Lambda launches three instances by default for AZ
/// resiliency").
pub const AVAILABILITY_ZONES: usize = 3;

/// Memory-to-vCPU ratios (GiB per vCPU) Lambda Managed Instances documents.
pub const DOCUMENTED_RATIOS: [f64; 3] = [2.0, 4.0, 8.0];

/// GiB per vCPU when `execution_environment_memory_gib_per_vcpu` is unset (AWS's
/// default ratio, 2:1).
pub const DEFAULT_RATIO: f64 = 2.0;

/// A target above this leaves no room for load doubling within five minutes, the
/// scale-out rate AWS documents ("if your traffic more than doubles within 5 minutes,
/// you may see throttles").
pub const DOUBLING_HEADROOM_PERCENT: f64 = 50.0;

/// Versions on one capacity provider from which the plan warns (AWS's limit is
/// [`VERSIONS_PER_CAPACITY_PROVIDER`]).
pub const VERSIONS_NEAR_LIMIT: usize = VERSIONS_PER_CAPACITY_PROVIDER * 9 / 10;

/// Concurrency per vCPU AWS recommends for a runtime family (Lambda Managed Instances
/// runtime guides: Node.js 64, Java and .NET 32, Python 16).
pub fn concurrency_per_vcpu(runtime: &str) -> Option<f64> {
    if runtime.starts_with("nodejs") {
        Some(64.0)
    } else if runtime.starts_with("java") || runtime.starts_with("dotnet") {
        Some(32.0)
    } else if runtime.starts_with("python") {
        Some(16.0)
    } else {
        None
    }
}

/// Tag keys that say a function is production, and their production values, both
/// matched in any case.
pub const PRODUCTION_TAGS: ([&str; 3], [&str; 2]) =
    (["env", "environment", "stage"], ["prod", "production"]);

/// Tag keys that say how much a function is trusted.
pub const TRUST_TAGS: [&str; 2] = ["trust", "trust-level"];

/// The rules that check a function with the capacity provider it runs on, which skip a
/// function when the plan does not say which one that is (REVIEW-001 says so).
pub const RULES_ON_A_FUNCTION_S_CAPACITY_PROVIDER: [&str; 6] = [
    "LMI-RES-003",
    "LMI-SCALE-001",
    "LMI-SCALE-004",
    "LMI-SCALE-005",
    "SEC-001",
    "COST-001",
];

/// The rules that check a version with its function's capacity provider, which skip a
/// version when the plan does not say which function it is of (REVIEW-001 says so).
pub const RULES_ON_A_VERSION_S_FUNCTION: [&str; 4] = [
    "LMI-SCALE-001",
    "LMI-SCALE-003",
    "LMI-SCALE-004",
    "COST-001",
];

/// vCPUs of one execution environment of `f`: memory (GiB) ÷ GiB per vCPU.
pub fn vcpus_per_environment(f: &Function) -> Option<f64> {
    vcpus_for(f.memory_size?, f.memory_gib_per_vcpu)
}

/// vCPUs of an execution environment of `memory_mb` at `ratio` GiB per vCPU (AWS's
/// default ratio when `None`); `None` for a ratio of 0.
pub fn vcpus_for(memory_mb: f64, ratio: Option<f64>) -> Option<f64> {
    let ratio = ratio.unwrap_or(DEFAULT_RATIO);
    (ratio > 0.0).then(|| memory_mb / 1024.0 / ratio)
}

/// Relative error of vCPU counts computed in binary floating point (memory ÷ 1024 ÷ a
/// ratio, times environments, summed over versions) that comparisons of them ignore: far
/// above the rounding of those few operations, far below the difference any whole
/// numbers of MB, environments and vCPUs (and ratios of a few decimals) make.
const ROUNDING: f64 = 1e-12;

/// Whether `vcpus`, as computed, are more than `limit` beyond rounding error: 42
/// environments of 4608 MB at 7 GiB per vCPU take 27 vCPUs, though `42 × (4608 ÷ 1024 ÷
/// 7)` is 27.000000000000004 (and `execution_environments_capacity(27, 4608, 7)` is 42).
pub fn more_than(vcpus: f64, limit: f64) -> bool {
    vcpus - limit > vcpus.abs().max(limit.abs()) * ROUNDING
}

/// `x` rounded up to a whole number, where `x` within rounding error of a whole number
/// (as [`more_than`] says) is that number.
pub fn whole_up(x: f64) -> f64 {
    let nearest = x.round();
    if more_than(x, nearest) {
        x.ceil()
    } else {
        nearest
    }
}

/// `x` rounded down to a whole number, where `x` within rounding error of a whole number
/// (as [`more_than`] says) is that number.
pub fn whole_down(x: f64) -> f64 {
    let nearest = x.round();
    if more_than(nearest, x) {
        x.floor()
    } else {
        nearest
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn in_words<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// The largest execution environment of the functions on a capacity provider, which
/// each of its instances must hold at least one of: the most vCPUs and the most memory
/// one environment of any of them takes, with the function that takes them. Functions
/// whose memory is not known are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LargestEnvironment {
    /// The most vCPUs, and the function.
    pub vcpus: Option<(f64, String)>,
    /// The most memory (MB, as `memory_size`), and the function.
    pub memory_mb: Option<(f64, String)>,
}

impl LargestEnvironment {
    /// What one instance must hold.
    pub fn fit(&self) -> super::instances::Fit {
        super::instances::Fit {
            vcpus: self.vcpus.as_ref().map_or(0.0, |(v, _)| *v),
            memory_mib: self.memory_mb.as_ref().map_or(0.0, |(m, _)| *m),
        }
    }

    /// What it requires, for people: `at least 2 vCPUs and 4096 MiB, for
    /// lambda_durable_function.f`; `None` when it requires nothing.
    pub fn describe(&self) -> Option<String> {
        let ((vcpus, of_vcpus), (memory, of_memory)) =
            (self.vcpus.as_ref()?, self.memory_mb.as_ref()?);
        Some(if of_vcpus == of_memory {
            format!(
                "at least {} vCPUs and {memory} MiB, for {of_vcpus}",
                shown(*vcpus)
            )
        } else {
            format!(
                "at least {} vCPUs (for {of_vcpus}) and {memory} MiB (for {of_memory})",
                shown(*vcpus)
            )
        })
    }
}

/// The largest execution environment of the functions on capacity provider `address`.
pub fn largest_environment(view: &View, address: &str) -> LargestEnvironment {
    let mut largest = LargestEnvironment::default();
    let on_it = view
        .functions
        .iter()
        .filter(|f| f.capacity_provider.as_deref() == Some(address));
    for f in on_it {
        let Some(vcpus) = vcpus_per_environment(f) else {
            continue;
        };
        let memory = f.memory_size.unwrap_or_default();
        if largest.vcpus.as_ref().is_none_or(|(v, _)| vcpus > *v) {
            largest.vcpus = Some((vcpus, f.address.clone()));
        }
        if largest.memory_mb.as_ref().is_none_or(|(m, _)| memory > *m) {
            largest.memory_mb = Some((memory, f.address.clone()));
        }
    }
    largest
}

/// A computed quantity for people: at most two decimals, without trailing zeros
/// (`2.67`, not `2.6666666666666665`).
pub(crate) fn shown(x: f64) -> String {
    format!("{}", (x * 100.0).round() / 100.0)
}

fn finding(rule: &Rule, address: &str, attribute: Option<&str>, message: String) -> Finding {
    Finding {
        rule: rule.id,
        severity: rule.severity,
        address: address.to_string(),
        attribute: attribute.map(str::to_string),
        message,
        fix: rule.fix,
        estimate: None,
    }
}

/// The path of an attribute inside nested blocks of at most one element each, such as
/// `vpc_config[0].subnet_ids`: what a finding's `attribute` names.
fn in_blocks(names: &[&str]) -> String {
    names.join("[0].")
}

fn rule(id: &str) -> &'static Rule {
    CATALOGUE
        .iter()
        .find(|r| r.id == id)
        .unwrap_or(&CATALOGUE[0])
}

/// Every rule.
pub static CATALOGUE: &[Rule] = &[
    Rule {
        id: "LMI-RES-001",
        severity: Severity::Warning,
        category: "resilience",
        summary: "Capacity provider subnets in fewer than three Availability Zones",
        why: "Lambda spreads a capacity provider's instances over three Availability Zones; with subnets in fewer zones a zone outage takes a larger share of capacity.",
        fix: "Give vpc_config.subnet_ids subnets in three Availability Zones.",
        check: |view, _| {
            let r = rule("LMI-RES-001");
            view.capacity_providers
                .iter()
                .filter_map(|c| {
                    let message = match &c.availability_zones {
                        // EC2 said which zones the subnets are in.
                        Some(zones) if zones.len() < AVAILABILITY_ZONES => format!(
                            "the subnets are in {} Availability Zone(s) ({}); Lambda spreads instances over {AVAILABILITY_ZONES}",
                            zones.len(),
                            zones.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
                        ),
                        Some(_) => return None,
                        // Offline: fewer subnets than zones cannot cover three zones.
                        None if !c.subnet_ids.is_empty() && c.subnet_ids.len() < AVAILABILITY_ZONES => format!(
                            "{} subnet(s), so at most {} Availability Zone(s); Lambda spreads instances over {AVAILABILITY_ZONES}",
                            c.subnet_ids.len(),
                            c.subnet_ids.len()
                        ),
                        None => return None,
                    };
                    Some(finding(r, &c.address, Some(&in_blocks(&[cp::VPC_CONFIG, cp::SUBNET_IDS])), message))
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-RES-002",
        severity: Severity::Warning,
        category: "resilience",
        summary: "Fewer than three execution environments at minimum",
        why: "AWS keeps at least three execution environments per version by default and spreads them over three Availability Zones; a lower minimum loses that spread.",
        fix: "Set function_scaling_config.min_execution_environments to 3 or more.",
        check: |view, _| {
            let r = rule("LMI-RES-002");
            view.versions
                .iter()
                .filter_map(|v| Some((v, v.min?)))
                .filter(|(_, min)| *min < AVAILABILITY_ZONES as f64)
                .map(|(v, min)| {
                    finding(
                        r,
                        &v.address,
                        Some(&in_blocks(&[fv::SCALING, fv::MIN])),
                        format!("min_execution_environments = {min}"),
                    )
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-RES-003",
        severity: Severity::Error,
        category: "resilience",
        summary: "max_vcpu_count cannot hold three of the smallest allowed instances",
        why: "Lambda launches three instances by default, one per Availability Zone; a vCPU limit below three of the smallest instance the requirements allow (and that can hold one execution environment of each function on the capacity provider, when the plan has them) leaves it unable to launch them.",
        fix: "Raise capacity_provider_scaling_config.max_vcpu_count, or allow smaller instance types (that still hold one execution environment of each function on the capacity provider).",
        check: |view, _| {
            let r = rule("LMI-RES-003");
            view.capacity_providers
                .iter()
                .filter_map(|c| {
                    let limit = c.max_vcpu_count?;
                    // The instances must hold the functions' environments: the same
                    // choice as the cost estimate's (COST-001).
                    let largest = largest_environment(view, &c.address);
                    let smallest = c.smallest_vcpus(&largest.fit())?;
                    let needed = f64::from(smallest) * AVAILABILITY_ZONES as f64;
                    let message = match largest.describe() {
                        Some(d) => format!("max_vcpu_count = {limit}; three of the smallest allowed instances that can hold one execution environment of each function on it, {smallest} vCPUs each, need {} (an environment takes {d})", shown(needed)),
                        None => format!("max_vcpu_count = {limit}; three of the smallest allowed instances ({smallest} vCPUs each) need {}", shown(needed)),
                    };
                    (limit < needed).then(|| finding(r, &c.address, Some(&in_blocks(&[cp::SCALING_CONFIG, cp::MAX_VCPU_COUNT])), message))
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-SCALE-001",
        severity: Severity::Error,
        category: "scaling",
        summary: "Versions may need more vCPUs than the capacity provider allows",
        why: "Each execution environment takes memory ÷ memory-per-vCPU vCPUs; the versions sharing a capacity provider cannot all reach max_execution_environments beyond its max_vcpu_count, so invocations throttle.",
        fix: "Raise capacity_provider_scaling_config.max_vcpu_count, or lower max_execution_environments or memory_size.",
        check: |view, _| {
            let r = rule("LMI-SCALE-001");
            view.capacity_providers
                .iter()
                .filter_map(|c| {
                    let needed: f64 = view
                        .versions_on(&c.address)
                        .iter()
                        .filter_map(|(v, f)| Some(v.max? * vcpus_per_environment(f)?))
                        .sum();
                    let limit = c.max_vcpu_count.unwrap_or(DEFAULT_MAX_VCPU_COUNT as f64);
                    more_than(needed, limit).then(|| finding(r, &c.address, Some(&in_blocks(&[cp::SCALING_CONFIG, cp::MAX_VCPU_COUNT])), format!("the versions on it may need {} vCPUs at their maximum; max_vcpu_count is {limit}", shown(needed))))
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-SCALE-002",
        severity: Severity::Warning,
        category: "scaling",
        summary: "Scaling target leaves no headroom for load doubling",
        why: "Managed instances scale asynchronously and absorb traffic doubling within five minutes; above 50 % utilization a doubling exceeds the capacity in place before new instances arrive.",
        fix: "Set the scaling policy's target_value to 50 or less.",
        check: |view, _| {
            let r = rule("LMI-SCALE-002");
            view.capacity_providers
                .iter()
                .flat_map(|c| {
                    c.target_values
                        .iter()
                        .enumerate()
                        .map(move |(i, t)| (c, i, *t))
                })
                .filter(|(_, _, t)| *t > DOUBLING_HEADROOM_PERCENT)
                .map(|(c, i, t)| {
                    finding(
                        r,
                        &c.address,
                        Some(&format!(
                            "capacity_provider_scaling_config[0].scaling_policies[{i}].target_value"
                        )),
                        format!("target_value = {t}"),
                    )
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-SCALE-003",
        severity: Severity::Warning,
        category: "scaling",
        summary: "Capacity provider near its limit of function versions",
        why: "AWS allows 100 function versions per capacity provider (not adjustable); publishing past it fails.",
        fix: "Delete versions nothing invokes any more, or spread functions over capacity providers.",
        check: |view, _| {
            let r = rule("LMI-SCALE-003");
            view.capacity_providers
                .iter()
                .filter_map(|c| {
                    let n = view.versions_on(&c.address).len();
                    (n >= VERSIONS_NEAR_LIMIT).then(|| finding(r, &c.address, None, format!("{n} versions planned on it; AWS allows {VERSIONS_PER_CAPACITY_PROVIDER}")))
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-SCALE-004",
        severity: Severity::Warning,
        category: "scaling",
        summary: "Manual scaling without headroom above the versions' minimum",
        why: "With scaling_mode = \"Manual\" the capacity provider scales by its policies within max_vcpu_count; when the versions' minimum execution environments already need all of it, there is no room to scale out and load above the minimum throttles.",
        fix: "Raise max_vcpu_count above what the versions' min_execution_environments need, or lower those minimums.",
        check: |view, _| {
            let r = rule("LMI-SCALE-004");
            view.capacity_providers
                .iter()
                .filter(|c| c.scaling_mode.as_deref() == Some("Manual"))
                .filter_map(|c| {
                    let limit = c.max_vcpu_count?;
                    let minimum: f64 = view
                        .versions_on(&c.address)
                        .iter()
                        .filter_map(|(v, f)| Some(v.min? * vcpus_per_environment(f)?))
                        .sum();
                    (minimum > 0.0 && !more_than(limit, minimum)).then(|| finding(r, &c.address, Some(&in_blocks(&[cp::SCALING_CONFIG, cp::MAX_VCPU_COUNT])), format!("the versions' minimum environments need {} vCPUs; max_vcpu_count is {limit}", shown(minimum))))
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-SCALE-005",
        severity: Severity::Error,
        category: "scaling",
        summary: "No allowed instance type can hold one execution environment",
        why: "An execution environment runs on one instance and takes memory_size of memory and memory ÷ memory-per-vCPU vCPUs; when every instance type the capacity provider's instance_requirements allow is smaller, Lambda has nowhere to run the function's environments.",
        fix: "Allow larger instance types in the capacity provider's instance_requirements, or lower the function's memory_size (or, for vCPUs, raise execution_environment_memory_gib_per_vcpu).",
        check: |view, _| {
            let r = rule("LMI-SCALE-005");
            let mut out = Vec::new();
            for c in &view.capacity_providers {
                // No type allowed at all (or none the catalogue knows): nothing to judge.
                if c.smallest_vcpus(&super::instances::Fit::default())
                    .is_none()
                {
                    continue;
                }
                let on_it = view
                    .functions
                    .iter()
                    .filter(|f| f.capacity_provider.as_deref() == Some(c.address.as_str()));
                for f in on_it {
                    let (Some(vcpus), Some(memory)) = (vcpus_per_environment(f), f.memory_size)
                    else {
                        continue;
                    };
                    let fit = super::instances::Fit {
                        vcpus,
                        memory_mib: memory,
                    };
                    if c.smallest_vcpus(&fit).is_none() {
                        out.push(finding(r, &f.address, Some(MEMORY_SIZE), format!("an execution environment takes {} vCPUs and {memory} MiB; no instance type {} allows ({}) has that much", shown(vcpus), c.address, c.allowed_types())));
                    }
                }
            }
            out
        },
    },
    Rule {
        id: "LMI-CONC-001",
        severity: Severity::Warning,
        category: "concurrency",
        summary: "Concurrency per environment above AWS's guidance for the runtime",
        why: "AWS's guidance per vCPU is Node.js 64, Java and .NET 32, Python 16 concurrent invocations; above it invocations contend for CPU and memory.",
        fix: "Lower per_execution_environment_max_concurrency, or give environments more vCPUs.",
        check: |view, _| {
            let r = rule("LMI-CONC-001");
            view.functions
                .iter()
                .filter_map(|f| {
                    let per_vcpu = concurrency_per_vcpu(f.runtime.as_deref()?)?;
                    let limit = per_vcpu * vcpus_per_environment(f)?;
                    let c = f.concurrency?;
                    (c > limit).then(|| finding(r, &f.address, Some(&in_blocks(&[df::CAPACITY_PROVIDER_CONFIG, df::MANAGED_INSTANCES, df::MAX_CONCURRENCY])), format!("{c} concurrent invocations per environment; guidance for {} is {per_vcpu} per vCPU, {} for this environment", f.runtime.as_deref().unwrap_or_default(), shown(limit))))
                })
                .collect()
        },
    },
    Rule {
        id: "LMI-CONC-002",
        severity: Severity::Warning,
        category: "concurrency",
        summary: "Memory per vCPU other than a documented ratio",
        why: "Lambda Managed Instances documents memory-to-vCPU ratios of 2, 4 and 8 GiB per vCPU, which match EC2 instance families; other values leave instance memory or CPU unused.",
        fix: "Set execution_environment_memory_gib_per_vcpu to 2, 4 or 8.",
        check: |view, _| {
            let r = rule("LMI-CONC-002");
            view.functions
                .iter()
                .filter_map(|f| Some((f, f.memory_gib_per_vcpu?)))
                .filter(|(_, ratio)| !DOCUMENTED_RATIOS.contains(ratio))
                .map(|(f, ratio)| {
                    finding(
                        r,
                        &f.address,
                        Some(&in_blocks(&[
                            df::CAPACITY_PROVIDER_CONFIG,
                            df::MANAGED_INSTANCES,
                            df::MEMORY_GIB_PER_VCPU,
                        ])),
                        format!("{ratio} GiB per vCPU"),
                    )
                })
                .collect()
        },
    },
    Rule {
        id: "DUR-001",
        severity: Severity::Warning,
        category: "durable",
        summary: "Execution history kept shorter than an execution may run",
        why: "Durable execution history is kept retention_period days after an execution ends; when that is shorter than execution_timeout, the history of a long run that fails may be gone before anyone looks.",
        fix: "Raise durable_config.retention_period (up to 90 days) to cover execution_timeout.",
        check: |view, _| {
            let r = rule("DUR-001");
            view.functions
                .iter()
                .filter_map(|f| Some((f, f.retention_period?, f.execution_timeout?)))
                .filter(|(_, days, timeout)| days * 86_400.0 < *timeout)
                .map(|(f, days, timeout)| {
                    finding(
                        r,
                        &f.address,
                        Some(&in_blocks(&[df::DURABLE_CONFIG, df::RETENTION_PERIOD])),
                        format!("retention_period = {days} days, execution_timeout = {timeout} s"),
                    )
                })
                .collect()
        },
    },
    Rule {
        id: "DUR-002",
        severity: Severity::Error,
        category: "durable",
        summary: "Durable execution data without a customer-managed key",
        why: "Execution payloads (input, output, errors) are encrypted with an AWS-owned key unless durable_config.kms_key_arn names one; the review settings require a customer-managed key.",
        fix: "Set durable_config.kms_key_arn.",
        check: |view, settings| {
            if !settings.require_kms {
                return Vec::new();
            }
            let r = rule("DUR-002");
            view.functions
                .iter()
                .filter(|f| !f.has_kms_key)
                .map(|f| {
                    finding(
                        r,
                        &f.address,
                        Some(&in_blocks(&[df::DURABLE_CONFIG, df::KMS_KEY_ARN])),
                        "no durable_config.kms_key_arn".to_string(),
                    )
                })
                .collect()
        },
    },
    Rule {
        id: "DUR-003",
        severity: Severity::Warning,
        category: "durable",
        summary: "A destroy would stop running executions of a production function",
        why: "With running_executions_on_destroy = \"stop\", a destroy or replacement ends running durable executions, which may have run for months and cannot be resumed.",
        fix: "Use \"fail\" (the default) or \"wait\" for production functions.",
        check: |view, _| {
            let r = rule("DUR-003");
            let (keys, values) = PRODUCTION_TAGS;
            view.functions
                .iter()
                .filter(|f| f.on_destroy.as_deref() == Some("stop"))
                .filter_map(|f| {
                    let is = |words: &[&str], text: &str| {
                        words.iter().any(|w| w.eq_ignore_ascii_case(text))
                    };
                    let (key, value) = f
                        .tags
                        .iter()
                        .find(|(k, v)| is(&keys, k) && is(&values, v))?;
                    Some(finding(
                        r,
                        &f.address,
                        Some(RUNNING_EXECUTIONS_ON_DESTROY),
                        format!(
                            "tagged {key} = {value:?} (production), with \
                             running_executions_on_destroy = \"stop\""
                        ),
                    ))
                })
                .collect()
        },
    },
    Rule {
        id: "SEC-001",
        severity: Severity::Warning,
        category: "security",
        summary: "Functions of different trust share a capacity provider",
        why: "Managed instances isolate functions by container, not by micro-VM: a capacity provider is the security boundary, and all its functions must trust each other.",
        fix: "Give functions of each trust level their own capacity provider.",
        check: |view, _| {
            let r = rule("SEC-001");
            view.capacity_providers
                .iter()
                .filter_map(|c| {
                    let levels: std::collections::BTreeSet<&str> = view
                        .functions
                        .iter()
                        .filter(|f| f.capacity_provider.as_deref() == Some(c.address.as_str()))
                        .filter_map(|f| {
                            TRUST_TAGS
                                .iter()
                                .find_map(|k| f.tags.get(*k))
                                .map(String::as_str)
                        })
                        .collect();
                    (levels.len() > 1).then(|| {
                        finding(
                            r,
                            &c.address,
                            None,
                            format!(
                                "its functions have trust levels {}",
                                levels.into_iter().collect::<Vec<_>>().join(", ")
                            ),
                        )
                    })
                })
                .collect()
        },
    },
    Rule {
        id: "COST-001",
        severity: Severity::Info,
        category: "cost",
        summary: "Monthly cost estimate",
        why: "Lambda Managed Instances bill the EC2 instances a capacity provider keeps running (on-demand price plus a 15 % management fee) and $0.20 per million requests; durable functions bill $8 per million operations, $0.25 per GB written and $0.15 per GB-month retained. The estimate uses the recorded us-east-1 on-demand table (schemas/aws/ec2-on-demand-prices.json) and assumed traffic, and lists every input it assumed; it is a review finding only, not a plan warning. A capacity provider is priced on the smallest, then cheapest, instance type it allows that can hold one execution environment (vCPUs and memory) of each function on it; values known only after apply are assumed (AWS's defaults, any instance type) and the estimate says which.",
        fix: "Compare the estimate and its assumptions with the budget; the review's --requests-per-month, --operations-per-execution and --kb-per-operation set the assumed traffic. When no allowed instance type can hold one execution environment, allow larger instance types or lower the functions' memory_size.",
        check: |view, settings| {
            let r = rule("COST-001");
            let providers = view.capacity_providers.iter().filter_map(|c| {
                match super::cost::capacity_provider(view, c) {
                    Ok(e) => {
                        let ceiling = e.ceiling_monthly_usd.map(|u| format!(", up to ${u:.2} at max_vcpu_count")).unwrap_or_default();
                        let mut f = finding(r, &c.address, None, format!("about ${:.2} a month for the instances it keeps running{ceiling} (assumed: {})", e.monthly_usd, e.assumptions.join("; ")));
                        f.estimate = Some(e);
                        Some(f)
                    }
                    Err(super::cost::NoEstimate::NothingFits(why)) => Some(finding(r, &c.address, None, format!("no estimate: {why}"))),
                    Err(super::cost::NoEstimate::Unpriced) => None,
                }
            });
            let functions = view.functions.iter().map(|func| {
                let e = super::cost::durable_function(func, &settings.traffic);
                let mut f = finding(
                    r,
                    &func.address,
                    None,
                    format!(
                        "about ${:.2} a month in requests and durable execution (assumed: {})",
                        e.monthly_usd,
                        e.assumptions.join("; ")
                    ),
                );
                f.estimate = Some(e);
                f
            });
            providers.chain(functions).collect()
        },
    },
    Rule {
        id: "REVIEW-001",
        severity: Severity::Info,
        category: "review",
        summary: "Rules across resources could not check a function or a version",
        why: "The rules across a capacity provider and its functions and versions need to know which capacity provider a function runs on and which function a version is of. Before apply, the plan knows them by their ARNs, or by names in the same region, when those are known, and otherwise by the configuration's references, followed through module variables and outputs. A reference by the referring instance's own key, written just so (lambda_capacity_provider.cp[count.index].arn, lambda_capacity_provider.cp[each.key].arn, module.cp[each.key].arn), names that key's instance when the review reads the configuration's .tf files (--config). A reference that may name any instance (each.value.arn, lambda_capacity_provider.cp[count.index % 2].arn, or a key expression without the .tf files) names no one: those rules then skip the function or version instead of guessing, and this finding says so.",
        fix: "Reference one instance (lambda_capacity_provider.cp[\"x\"].arn, or cp[each.key].arn as written above with --config pointing at the configuration) or one capacity provider without count or for_each, or review the plan again once the capacity providers exist (their ARNs link the functions).",
        check: |view, _| {
            let r = rule("REVIEW-001");
            let list = in_words::<&str>;
            let functions = view.functions.iter().filter_map(|f| {
                let why = f.capacity_provider_unresolved.as_deref()?;
                Some(finding(
                    r,
                    &f.address,
                    Some(&in_blocks(&[
                        df::CAPACITY_PROVIDER_CONFIG,
                        df::MANAGED_INSTANCES,
                        df::CAPACITY_PROVIDER_ARN,
                    ])),
                    format!(
                        "{} could not check it with its capacity provider: {why}",
                        list(&RULES_ON_A_FUNCTION_S_CAPACITY_PROVIDER)
                    ),
                ))
            });
            let versions = view.versions.iter().filter_map(|v| {
                let why = v.function_unresolved.as_deref()?;
                Some(finding(
                    r,
                    &v.address,
                    Some(fv::FUNCTION_NAME),
                    format!(
                        "{} could not check it with its function: {why}",
                        list(&RULES_ON_A_VERSION_S_FUNCTION)
                    ),
                ))
            });
            functions.chain(versions).collect()
        },
    },
];

#[cfg(test)]
mod tests {
    use super::super::inputs::{CapacityProvider, Function, Version, View};
    use super::super::{Settings, review};
    use super::*;

    /// A view with one capacity provider, one function on it and one version, all good.
    fn good() -> View {
        View {
            capacity_providers: vec![CapacityProvider {
                address: "lambda_capacity_provider.cp".into(),
                arn: None,
                subnet_ids: vec!["subnet-a".into(), "subnet-b".into(), "subnet-c".into()],
                max_vcpu_count: Some(64.0),
                scaling_mode: Some("Manual".into()),
                target_values: vec![50.0],
                architecture: "arm64".into(),
                allowed_instance_types: vec!["m7g.*".into()],
                ..CapacityProvider::default()
            }],
            functions: vec![Function {
                address: "lambda_durable_function.f".into(),
                name: Some("f".into()),
                runtime: Some("python3.13".into()),
                memory_size: Some(4096.0),
                capacity_provider: Some("lambda_capacity_provider.cp".into()),
                on_capacity_provider: true,
                concurrency: Some(16.0),
                memory_gib_per_vcpu: Some(2.0),
                execution_timeout: Some(172_800.0),
                retention_period: Some(14.0),
                has_kms_key: true,
                on_destroy: Some("fail".into()),
                tags: [
                    ("env".to_string(), "prod".to_string()),
                    ("trust".to_string(), "high".to_string()),
                ]
                .into(),
                unknown: Default::default(),
                capacity_provider_unresolved: None,
                arn: None,
                region: None,
            }],
            versions: vec![Version {
                address: "lambda_function_version.v".into(),
                function: Some("lambda_durable_function.f".into()),
                function_unresolved: None,
                min: Some(3.0),
                max: Some(10.0),
                min_unknown: false,
            }],
        }
    }

    /// The rules that found something worth a warning or an error.
    fn fired(view: &View, settings: &Settings) -> Vec<&'static str> {
        review(view, settings)
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .map(|f| f.rule)
            .collect()
    }

    fn strict() -> Settings {
        Settings {
            require_kms: true,
            ..Settings::default()
        }
    }

    /// The catalogue, and so every listing of it (docs, SARIF, errors), goes family by
    /// family in the order of the rules' numbers.
    #[test]
    fn rules_are_listed_in_order_of_their_ids() {
        for pair in CATALOGUE.windows(2) {
            let family = |id: &str| id.rsplit_once('-').map(|(f, _)| f.to_string());
            if family(pair[0].id) == family(pair[1].id) {
                assert!(
                    pair[0].id < pair[1].id,
                    "{} before {}",
                    pair[0].id,
                    pair[1].id
                );
            }
        }
    }

    #[test]
    fn a_good_plan_has_no_findings_but_its_cost() {
        let findings = review(&good(), &strict());
        assert!(fired(&good(), &strict()).is_empty(), "{findings:?}");
        let costs: Vec<&str> = findings.iter().map(|f| f.address.as_str()).collect();
        assert_eq!(
            costs,
            ["lambda_capacity_provider.cp", "lambda_durable_function.f"],
            "one estimate per capacity provider and durable function"
        );
        assert!(
            findings
                .iter()
                .all(|f| f.rule == "COST-001" && f.estimate.is_some())
        );
        assert!(review(&View::default(), &strict()).is_empty());
    }

    #[test]
    fn the_cost_estimate_lists_what_it_assumed() {
        let findings = review(&good(), &strict());
        let cp = &findings[0];
        // An environment takes 2 vCPUs (4096 MB at 2 GiB per vCPU): m7g.medium (1 vCPU)
        // cannot hold one, so m7g.large. The versions' minimum of 3 environments × 2
        // vCPUs needs 6 vCPUs: 3 × m7g.large ($0.0816/h) × 730 h × 1.15 = $205.51.
        let estimate = cp.estimate.as_ref().map(|e| e.monthly_usd);
        assert_eq!(estimate, Some(205.51), "{cp:?}");
        assert!(!cp.message.contains("m7g.medium"), "{}", cp.message);
        for assumed in [
            "instance type m7g.large (2 vCPU(s))",
            "can hold one execution environment of each function on it: at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f",
            "us-east-1",
            "730 hours",
            "management fee 15%",
        ] {
            assert!(
                cp.message.contains(assumed),
                "{assumed} not in {}",
                cp.message
            );
        }
        let busier = Settings {
            traffic: crate::review::cost::Traffic {
                requests_per_month: 10e6,
                ..Default::default()
            },
            ..strict()
        };
        let cost = |s: &Settings| {
            review(&good(), s)[1]
                .estimate
                .as_ref()
                .map(|e| e.monthly_usd)
        };
        assert!(cost(&busier) > cost(&strict()), "more traffic costs more");
    }

    #[test]
    fn a_function_too_large_for_every_allowed_type_is_an_error_at_its_memory() {
        let mut view = good();
        view.capacity_providers[0].allowed_instance_types =
            vec!["m7g.medium".into(), "c7g.medium".into()];
        let findings = review(&view, &strict());
        let found: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "LMI-SCALE-005")
            .collect();
        assert_eq!(found.len(), 1, "{findings:#?}");
        let f = found[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.address, "lambda_durable_function.f");
        assert_eq!(f.attribute.as_deref(), Some("memory_size"));
        assert!(
            f.message.contains("2 vCPUs and 4096 MiB")
                && f.message.contains("m7g.medium, c7g.medium"),
            "{}",
            f.message
        );
        // m7g.large (2 vCPUs, 8 GiB) holds one: no finding.
        view.capacity_providers[0]
            .allowed_instance_types
            .push("m7g.large".into());
        assert!(
            review(&view, &strict())
                .iter()
                .all(|f| f.rule != "LMI-SCALE-005")
        );
    }

    #[test]
    fn computed_quantities_are_shown_with_two_decimals_at_most() {
        let mut view = good();
        // 4096 MB at 3 GiB per vCPU: 1.333… vCPUs an environment.
        view.functions[0].memory_gib_per_vcpu = Some(3.0);
        view.functions[0].concurrency = Some(64.0);
        let findings = review(&view, &strict());
        let conc = findings
            .iter()
            .find(|f| f.rule == "LMI-CONC-001")
            .map(|f| f.message.clone())
            .unwrap_or_default();
        assert!(conc.contains(", 21.33 for this environment"), "{conc}");
        assert_eq!(shown(2.0), "2");
        assert_eq!(shown(133.333_333_333_333_31), "133.33");
    }

    #[test]
    fn each_rule_fires_on_its_minimal_bad_case() {
        type Break = fn(&mut View);
        let cases: [(&str, Break); 16] = [
            ("LMI-RES-001", |v| {
                v.capacity_providers[0].subnet_ids.truncate(2)
            }),
            // m7g.xlarge and up: 4 vCPUs × 3 = 12 > 8.
            ("LMI-RES-003", |v| {
                v.capacity_providers[0].allowed_instance_types = vec!["m7g.xlarge".into()];
                v.capacity_providers[0].max_vcpu_count = Some(8.0);
            }),
            ("LMI-RES-002", |v| v.versions[0].min = Some(1.0)),
            // 2 vCPUs per environment × 40 > 64.
            ("LMI-SCALE-001", |v| v.versions[0].max = Some(40.0)),
            ("LMI-SCALE-002", |v| {
                v.capacity_providers[0].target_values = vec![80.0]
            }),
            // 3 environments × 2 vCPUs = 6, all of max_vcpu_count.
            ("LMI-SCALE-004", |v| {
                v.capacity_providers[0].max_vcpu_count = Some(6.0)
            }),
            ("LMI-SCALE-003", |v| {
                let one = v.versions[0].clone();
                v.versions = vec![
                    Version {
                        max: Some(0.0),
                        ..one
                    };
                    VERSIONS_NEAR_LIMIT
                ];
            }),
            // 4096 MB at 2 GiB per vCPU: 2 vCPUs; m7g.medium has 1.
            ("LMI-SCALE-005", |v| {
                v.capacity_providers[0].allowed_instance_types = vec!["m7g.medium".into()];
            }),
            // Python: 16 per vCPU × 2 vCPUs = 32.
            ("LMI-CONC-001", |v| v.functions[0].concurrency = Some(64.0)),
            ("LMI-CONC-002", |v| {
                v.functions[0].memory_gib_per_vcpu = Some(3.0)
            }),
            ("DUR-001", |v| v.functions[0].retention_period = Some(1.0)),
            ("DUR-002", |v| v.functions[0].has_kms_key = false),
            ("DUR-003", |v| {
                v.functions[0].on_destroy = Some("stop".into())
            }),
            ("SEC-001", |v| {
                let mut other = v.functions[0].clone();
                other.address = "lambda_durable_function.g".into();
                other.tags.insert("trust".into(), "low".into());
                v.functions.push(other);
            }),
            // An estimate for every plan with a capacity provider or durable function.
            ("COST-001", |_| {}),
            ("REVIEW-001", |v| {
                v.functions[0].capacity_provider = None;
                v.functions[0].capacity_provider_unresolved = Some("unknown".into());
            }),
        ];
        let strict = strict();
        assert_eq!(cases.len(), CATALOGUE.len(), "a case for every rule");
        for (id, break_it) in cases {
            let mut view = good();
            break_it(&mut view);
            let ids: Vec<&str> = review(&view, &strict).iter().map(|f| f.rule).collect();
            assert!(ids.contains(&id), "{id} did not fire: {ids:?}");
            let disabled = Settings {
                disable: vec![id.to_string()],
                ..strict.clone()
            };
            let ids: Vec<&str> = review(&view, &disabled).iter().map(|f| f.rule).collect();
            assert!(!ids.contains(&id), "{id} still fires when disabled");
        }
    }

    #[test]
    fn without_an_instance_type_that_holds_an_environment_there_is_no_estimate() {
        let mut view = good();
        view.capacity_providers[0].allowed_instance_types = vec!["m7g.medium".into()];
        let findings = review(&view, &strict());
        let cost: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == "COST-001" && f.address == "lambda_capacity_provider.cp")
            .collect();
        assert_eq!(cost.len(), 1, "{findings:?}");
        assert_eq!(cost[0].estimate, None, "nothing priced");
        assert_eq!(
            cost[0].message,
            "no estimate: no instance type the instance requirements allow (arm64 m7g.medium) can hold one execution environment of each function on it: at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f"
        );
        assert!(cost[0].fix.contains("allow larger instance types"));
        // LMI-RES-003 counts the same instances: with none that fits, it has no smallest
        // to count and says nothing of three m7g.medium.
        assert!(
            !findings.iter().any(|f| f.rule == "LMI-RES-003"),
            "{findings:?}"
        );
    }

    #[test]
    fn three_instances_are_of_the_smallest_type_that_holds_an_environment() {
        // Three m7g.medium (1 vCPU) would fit in 4 vCPUs, but cannot hold a 2-vCPU
        // environment: three m7g.large need 6, as the cost estimate prices them.
        let mut view = good();
        view.capacity_providers[0].max_vcpu_count = Some(4.0);
        let findings = review(&view, &strict());
        let res: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == "LMI-RES-003")
            .collect();
        assert_eq!(res.len(), 1, "{findings:?}");
        assert_eq!(
            res[0].message,
            "max_vcpu_count = 4; three of the smallest allowed instances that can hold one execution environment of each function on it, 2 vCPUs each, need 6 (an environment takes at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f)"
        );
        // Without functions (a plan's single resource), the smallest allowed as before.
        let alone = View {
            capacity_providers: view.capacity_providers.clone(),
            ..View::default()
        };
        let ids: Vec<&str> = review(&alone, &strict()).iter().map(|f| f.rule).collect();
        assert!(!ids.contains(&"LMI-RES-003"), "{ids:?}");
    }

    #[test]
    fn the_largest_environment_may_come_from_two_functions() {
        let mut view = good();
        let mut g = view.functions[0].clone();
        g.address = "lambda_durable_function.g".into();
        // 8192 MB at 8 GiB per vCPU: 1 vCPU, but more memory than f's 2 vCPUs at 4096 MB.
        g.memory_size = Some(8192.0);
        g.memory_gib_per_vcpu = Some(8.0);
        view.functions.push(g);
        let findings = review(&view, &strict());
        let cost = findings
            .iter()
            .find(|f| f.rule == "COST-001" && f.address == "lambda_capacity_provider.cp")
            .map(|f| f.message.clone())
            .unwrap_or_default();
        assert!(
            cost.contains("instance type m7g.large (2 vCPU(s))")
                && cost.contains("at least 2 vCPUs (for lambda_durable_function.f) and 8192 MiB (for lambda_durable_function.g)"),
            "{cost}"
        );
    }

    /// Whether rule `id` fires on `good()` with its function at `memory` MB and `ratio`
    /// GiB per vCPU, its version at `min` and `max` environments, and the capacity
    /// provider at `max_vcpu_count`.
    fn fires_at(
        id: &str,
        memory: f64,
        ratio: f64,
        versions: (f64, f64),
        max_vcpu_count: f64,
    ) -> bool {
        let mut view = good();
        view.functions[0].memory_size = Some(memory);
        view.functions[0].memory_gib_per_vcpu = Some(ratio);
        (view.versions[0].min, view.versions[0].max) = (Some(versions.0), Some(versions.1));
        view.capacity_providers[0].max_vcpu_count = Some(max_vcpu_count);
        !(rule(id).check)(&view, &strict()).is_empty()
    }

    #[test]
    fn an_exact_fit_of_the_maximum_is_no_error() {
        let scale = "LMI-SCALE-001";
        // 42 × (4608 ÷ 1024 ÷ 7) = 27.000000000000004 in floating point; exactly 27.
        assert!(!fires_at(scale, 4608.0, 7.0, (3.0, 42.0), 27.0));
        assert!(fires_at(scale, 4608.0, 7.0, (3.0, 43.0), 27.0));
        // The rule agrees with execution_environments_capacity: a version may reach the
        // capacity it computes, and not one environment more.
        use crate::functions::execution_environments_capacity::capacity;
        for limit in [1.0, 3.0, 8.0, 27.0, 64.0, 100.0, 400.0] {
            for memory in (2048..=32768).step_by(512).map(f64::from) {
                for ratio in [2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0] {
                    let Some(fits) = capacity(limit, memory, ratio).filter(|n| *n >= 1.0) else {
                        continue;
                    };
                    let at = |max| fires_at(scale, memory, ratio, (1.0, max), limit);
                    assert!(!at(fits), "{fits} of {memory} MB at {ratio} in {limit}");
                    assert!(
                        at(fits + 1.0),
                        "{fits} + 1 of {memory} MB at {ratio} in {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_minimum_that_takes_exactly_max_vcpu_count_leaves_no_headroom() {
        // 54 × (6656 ÷ 1024 ÷ 3) = 116.99999999999999 in floating point; exactly 117.
        let manual = "LMI-SCALE-004";
        assert!(fires_at(manual, 6656.0, 3.0, (54.0, 54.0), 117.0));
        assert!(!fires_at(manual, 6656.0, 3.0, (54.0, 54.0), 118.0));
    }

    #[test]
    fn kms_is_only_required_when_asked() {
        let mut view = good();
        view.functions[0].has_kms_key = false;
        assert!(fired(&view, &Settings::default()).is_empty());
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
    }

    #[test]
    fn a_production_function_is_named_by_the_tag_that_makes_it_one() {
        let mut view = good();
        view.functions[0].on_destroy = Some("stop".into());
        let findings = review(&view, &strict());
        let message = findings
            .iter()
            .find(|f| f.rule == "DUR-003")
            .map(|f| f.message.clone())
            .unwrap_or_default();
        assert!(
            message.starts_with("tagged env = \"prod\" (production)"),
            "{message}"
        );
        // Keys and values in any case, as the page says.
        for (key, value) in [
            ("Environment", "PRODUCTION"),
            ("Env", "prod"),
            ("STAGE", "Prod"),
        ] {
            view.functions[0].tags = [(key.to_string(), value.to_string())].into();
            let message = review(&view, &strict())
                .into_iter()
                .find(|f| f.rule == "DUR-003")
                .map(|f| f.message)
                .unwrap_or_default();
            assert!(
                message.starts_with(&format!("tagged {key} = {value:?} (production)")),
                "{key} = {value}: {message:?}"
            );
        }
        view.functions[0].tags = [("envs".to_string(), "prod".to_string())].into();
        assert!(!fired(&view, &strict()).contains(&"DUR-003"));
        // And the page says which tags make one.
        let page = super::super::report::rules_markdown();
        assert!(
            page.contains(
                "has a tag `env`, `environment` or `stage` whose value is `prod` or `production` (keys and values in any case)"
            ),
            "{page}"
        );
    }

    #[test]
    fn the_rules_page_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/review-rules.md");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == super::super::report::rules_markdown(),
            "docs/review-rules.md is stale: run `cargo run -p terraform-provider-lambda -- review --rules-markdown > docs/review-rules.md`"
        );
        for r in CATALOGUE {
            assert!(
                committed.contains(&format!("## {}", r.id)),
                "{} missing from the page",
                r.id
            );
        }
    }
}
