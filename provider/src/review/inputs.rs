//! What a review looks at: the capacity providers, durable functions and versions of a
//! plan (`terraform show -json PLAN`), with their planned values, linked to each other by
//! resolved values (ARNs, names) or, while those are unknown, by the references in the
//! configuration (`lambda_capacity_provider.web.arn`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use thiserror::Error;

use super::instances::InstanceSize;
use crate::aws::ec2::Ec2Facts;
use crate::resources::capacity_provider::TYPE_NAME as CAPACITY_PROVIDER;
use crate::resources::durable_function::TYPE_NAME as DURABLE_FUNCTION;
use crate::resources::function_version::TYPE_NAME as FUNCTION_VERSION;

/// Why a plan could not be read.
#[derive(Debug, Error)]
pub enum InputError {
    /// Not JSON.
    #[error("the plan is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not what `terraform show -json` writes.
    #[error("not a Terraform plan in JSON (run `terraform show -json PLANFILE`): {0}")]
    NotAPlan(&'static str),
}

/// A capacity provider of the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CapacityProvider {
    /// Its address.
    pub address: String,
    /// Its ARN, when known.
    pub arn: Option<String>,
    /// `vpc_config.subnet_ids` (an unknown ID as an empty string).
    pub subnet_ids: Vec<String>,
    /// The Availability Zones of those subnets, when EC2 was asked ([`View::with_ec2`]).
    pub availability_zones: Option<BTreeSet<String>>,
    /// Instance types as EC2 described them, when it was asked.
    pub instance_sizes: BTreeMap<String, InstanceSize>,
    /// `max_vcpu_count`, when set.
    pub max_vcpu_count: Option<f64>,
    /// `scaling_mode`.
    pub scaling_mode: Option<String>,
    /// The target values of its scaling policies.
    pub target_values: Vec<f64>,
    /// `instance_requirements.architectures` (x86_64 when unset).
    pub architecture: String,
    /// `instance_requirements.allowed_instance_types`.
    pub allowed_instance_types: Vec<String>,
    /// `instance_requirements.excluded_instance_types`.
    pub excluded_instance_types: Vec<String>,
}

/// A durable function of the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Function {
    /// Its address.
    pub address: String,
    /// `function_name`.
    pub name: Option<String>,
    /// `runtime`.
    pub runtime: Option<String>,
    /// `memory_size` (MB).
    pub memory_size: Option<f64>,
    /// The capacity provider's address, through a value or a reference.
    pub capacity_provider: Option<String>,
    /// Whether it runs on a capacity provider at all.
    pub on_capacity_provider: bool,
    /// `per_execution_environment_max_concurrency`.
    pub concurrency: Option<f64>,
    /// `execution_environment_memory_gib_per_vcpu`.
    pub memory_gib_per_vcpu: Option<f64>,
    /// `durable_config.execution_timeout` (seconds).
    pub execution_timeout: Option<f64>,
    /// `durable_config.retention_period` (days).
    pub retention_period: Option<f64>,
    /// Whether `durable_config.kms_key_arn` is set (or unknown).
    pub has_kms_key: bool,
    /// `running_executions_on_destroy`.
    pub on_destroy: Option<String>,
    /// `tags_all` (or `tags`).
    pub tags: BTreeMap<String, String>,
}

/// A function version of the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Version {
    /// Its address.
    pub address: String,
    /// The function's address, through a value or a reference.
    pub function: Option<String>,
    /// `min_execution_environments`.
    pub min: Option<f64>,
    /// `max_execution_environments`.
    pub max: Option<f64>,
}

/// Everything a review looks at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// Capacity providers by address.
    pub capacity_providers: Vec<CapacityProvider>,
    /// Durable functions by address.
    pub functions: Vec<Function>,
    /// Versions by address.
    pub versions: Vec<Version>,
}

impl View {
    /// The function at `address`.
    pub fn function(&self, address: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.address == address)
    }

    /// What the capacity providers' subnet IDs and instance types are, to ask EC2.
    pub fn ec2_query(&self) -> crate::aws::ec2::Ec2Query {
        let known = |ids: &[String]| -> Vec<String> {
            ids.iter()
                .filter(|id| !id.is_empty() && !id.contains('*') && !id.contains('?'))
                .cloned()
                .collect()
        };
        crate::aws::ec2::Ec2Query {
            subnet_ids: self
                .capacity_providers
                .iter()
                .flat_map(|c| known(&c.subnet_ids))
                .collect(),
            security_group_ids: Vec::new(),
            instance_types: self
                .capacity_providers
                .iter()
                .flat_map(|c| known(&c.allowed_instance_types))
                .collect(),
        }
    }

    /// The view with what EC2 said: each capacity provider whose subnets EC2 all
    /// described gets their Availability Zones, and the instance types it described
    /// their sizes.
    pub fn with_ec2(mut self, facts: &Ec2Facts) -> Self {
        for c in &mut self.capacity_providers {
            let zones: Option<BTreeSet<String>> = c
                .subnet_ids
                .iter()
                .map(|id| facts.subnets.get(id).map(|(_, zone)| zone.clone()))
                .collect();
            c.availability_zones = zones.filter(|z| !z.is_empty());
            c.instance_sizes = facts
                .instance_types
                .iter()
                .filter_map(|(name, t)| {
                    Some((
                        name.clone(),
                        InstanceSize {
                            vcpus: t.vcpus?,
                            architectures: t.architectures.clone(),
                        },
                    ))
                })
                .collect();
        }
        self
    }

    /// The versions of the functions on capacity provider `address`, with their function.
    pub fn versions_on(&self, address: &str) -> Vec<(&Version, &Function)> {
        self.versions
            .iter()
            .filter_map(|v| Some((v, self.function(v.function.as_deref()?)?)))
            .filter(|(_, f)| f.capacity_provider.as_deref() == Some(address))
            .collect()
    }
}

/// One planned resource: its values and the references of its configuration.
struct Planned<'a> {
    address: String,
    ty: &'a str,
    values: &'a Json,
    references: Vec<String>,
}

fn first<'a>(v: &'a Json, block: &str) -> Option<&'a Json> {
    v.get(block)?.as_array()?.first()
}

fn num(v: Option<&Json>) -> Option<f64> {
    v?.as_f64()
}

fn text(v: Option<&Json>) -> Option<String> {
    v?.as_str().map(str::to_string)
}

/// The resources of a module of `planned_values`, recursively.
fn planned_resources<'a>(module: &'a Json, out: &mut Vec<(String, &'a str, &'a Json)>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        if r["mode"] == "managed"
            && let (Some(address), Some(ty)) = (r["address"].as_str(), r["type"].as_str())
        {
            out.push((address.to_string(), ty, &r["values"]));
        }
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        planned_resources(child, out);
    }
}

/// Every reference in a configuration expression tree (`{"references": [...]}` at any depth).
fn collect_references(expr: &Json, out: &mut Vec<String>) {
    match expr {
        Json::Object(map) => {
            if let Some(refs) = map.get("references").and_then(Json::as_array) {
                out.extend(refs.iter().filter_map(Json::as_str).map(str::to_string));
            }
            for v in map.values() {
                collect_references(v, out);
            }
        }
        Json::Array(items) => items.iter().for_each(|v| collect_references(v, out)),
        _ => {}
    }
}

/// The references of each resource of the root module's configuration, by address.
fn configuration_references(plan: &Json) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for r in plan["configuration"]["root_module"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(address) = r["address"].as_str() {
            let mut refs = Vec::new();
            collect_references(&r["expressions"], &mut refs);
            out.insert(address.to_string(), refs);
        }
    }
    out
}

/// The address among `candidates` that a reference list names (`type.name.attr` or
/// `type.name`), if any.
fn referenced<'a>(
    references: &[String],
    candidates: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let candidates: Vec<&str> = candidates.collect();
    references.iter().find_map(|r| {
        candidates
            .iter()
            .find(|c| r == *c || r.starts_with(&format!("{c}.")))
            .map(|c| c.to_string())
    })
}

/// Reads a plan as `terraform show -json` writes it.
pub fn from_plan_json(text: &str) -> Result<View, InputError> {
    let plan: Json = serde_json::from_str(text)?;
    let root = plan
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
        .ok_or(InputError::NotAPlan("it has no planned_values.root_module"))?;
    let mut found = Vec::new();
    planned_resources(root, &mut found);
    let references = configuration_references(&plan);
    let planned: Vec<Planned<'_>> = found
        .into_iter()
        .map(|(address, ty, values)| Planned {
            references: references.get(&address).cloned().unwrap_or_default(),
            address,
            ty,
            values,
        })
        .collect();
    Ok(view_of(&planned))
}

/// The view of one resource alone (plan time: the provider sees one resource at a time,
/// so only the rules about a single resource can find anything).
pub fn single(type_name: &str, values: &Json) -> View {
    view_of(&[Planned {
        address: type_name.to_string(),
        ty: type_name,
        values,
        references: Vec::new(),
    }])
}

fn view_of(planned: &[Planned<'_>]) -> View {
    let capacity_providers: Vec<CapacityProvider> = planned
        .iter()
        .filter(|p| p.ty == CAPACITY_PROVIDER)
        .map(|p| {
            let scaling = first(p.values, "capacity_provider_scaling_config");
            let requirements = first(p.values, "instance_requirements");
            let strings = |name: &str| -> Vec<String> {
                requirements
                    .and_then(|r| r[name].as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            CapacityProvider {
                architecture: strings("architectures")
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "x86_64".to_string()),
                allowed_instance_types: strings("allowed_instance_types"),
                excluded_instance_types: strings("excluded_instance_types"),
                address: p.address.clone(),
                arn: text(p.values.get("arn")),
                subnet_ids: first(p.values, "vpc_config")
                    .and_then(|v| v["subnet_ids"].as_array())
                    .into_iter()
                    .flatten()
                    .map(|id| id.as_str().unwrap_or_default().to_string())
                    .collect(),
                availability_zones: None,
                instance_sizes: BTreeMap::new(),
                max_vcpu_count: scaling.and_then(|s| num(s.get("max_vcpu_count"))),
                scaling_mode: scaling.and_then(|s| text(s.get("scaling_mode"))),
                target_values: scaling
                    .and_then(|s| s["scaling_policies"].as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|p| num(p.get("target_value")))
                    .collect(),
            }
        })
        .collect();
    let cp_addresses = || capacity_providers.iter().map(|c| c.address.as_str());
    let functions: Vec<Function> = planned
        .iter()
        .filter(|p| p.ty == DURABLE_FUNCTION)
        .map(|p| {
            let v = p.values;
            let managed = first(v, "capacity_provider_config")
                .and_then(|c| first(c, "lambda_managed_instances_capacity_provider_config"));
            let cp_arn = managed.and_then(|m| text(m.get("capacity_provider_arn")));
            let by_value = cp_arn.as_deref().and_then(|arn| {
                capacity_providers
                    .iter()
                    .find(|c| c.arn.as_deref() == Some(arn))
                    .map(|c| c.address.clone())
            });
            let durable = first(v, "durable_config");
            let tags = v
                .get("tags_all")
                .filter(|t| t.is_object())
                .or_else(|| v.get("tags"))
                .and_then(Json::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            Function {
                address: p.address.clone(),
                name: text(v.get("function_name")),
                runtime: text(v.get("runtime")),
                memory_size: num(v.get("memory_size")),
                capacity_provider: by_value
                    .or_else(|| managed.and(referenced(&p.references, cp_addresses()))),
                on_capacity_provider: managed.is_some(),
                concurrency: managed
                    .and_then(|m| num(m.get("per_execution_environment_max_concurrency"))),
                memory_gib_per_vcpu: managed
                    .and_then(|m| num(m.get("execution_environment_memory_gib_per_vcpu"))),
                execution_timeout: durable.and_then(|d| num(d.get("execution_timeout"))),
                retention_period: durable.and_then(|d| num(d.get("retention_period"))),
                has_kms_key: durable
                    .and_then(|d| d.get("kms_key_arn"))
                    .is_some_and(|k| !k.is_null()),
                on_destroy: text(v.get("running_executions_on_destroy")),
                tags,
            }
        })
        .collect();
    let versions = planned
        .iter()
        .filter(|p| p.ty == FUNCTION_VERSION)
        .map(|p| {
            let name = text(p.values.get("function_name"));
            let by_value = name.as_deref().and_then(|n| {
                functions
                    .iter()
                    .find(|f| f.name.as_deref() == Some(n))
                    .map(|f| f.address.clone())
            });
            let scaling = first(p.values, "function_scaling_config");
            Version {
                address: p.address.clone(),
                function: by_value.or_else(|| {
                    referenced(&p.references, functions.iter().map(|f| f.address.as_str()))
                }),
                min: scaling.and_then(|s| num(s.get("min_execution_environments"))),
                max: scaling.and_then(|s| num(s.get("max_execution_environments"))),
            }
        })
        .collect();
    View {
        capacity_providers,
        functions,
        versions,
    }
}
