//! What a review looks at: the capacity providers, durable functions and versions of a
//! plan (`terraform show -json PLAN`), with their planned values, linked to each other by
//! resolved values (ARNs, or names in the same region) or, while those are unknown, by the references in the
//! configuration (`lambda_capacity_provider.web.arn`), in the module instance of the
//! resource that makes them and through module variables and outputs. A reference by the
//! referring instance's own key (`lambda_capacity_provider.cp[count.index].arn`,
//! `module.cp[each.key].arn`) names that key's instance when the configuration's `.tf`
//! files show it written just so ([`from_plan_json_with_sources`]); references that may
//! name several instances (`each.value.arn`, `cp[count.index % 2]`) link nothing, and the
//! function or version says why (REVIEW-001).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use thiserror::Error;

use super::instances::InstanceSize;
use super::source::Sources;
use crate::aws::ec2::Ec2Facts;
use crate::resources::capacity_provider::TYPE_NAME as CAPACITY_PROVIDER;
use crate::resources::capacity_provider::schema::names as cp;
use crate::resources::common::REGION;
use crate::resources::common::executions::policy::RUNNING_EXECUTIONS_ON_DESTROY;
use crate::resources::common::import_id::arn_region;
use crate::resources::durable_function::TYPE_NAME as DURABLE_FUNCTION;
use crate::resources::durable_function::schema::names as df;
use crate::resources::function_version::TYPE_NAME as FUNCTION_VERSION;
use crate::resources::function_version::schema::names as fv;
use crate::tags;

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
    /// `max_vcpu_count`, when set and known.
    pub max_vcpu_count: Option<f64>,
    /// `scaling_mode`.
    pub scaling_mode: Option<String>,
    /// The target values of its scaling policies.
    pub target_values: Vec<f64>,
    /// `instance_requirements.architectures` (x86_64 when unset or unknown).
    pub architecture: String,
    /// `instance_requirements.allowed_instance_types`: empty (any type) when unset, or
    /// when any of it is unknown until apply.
    pub allowed_instance_types: Vec<String>,
    /// `instance_requirements.excluded_instance_types`: the entries known at plan.
    pub excluded_instance_types: Vec<String>,
    /// Which of `architectures`, `allowed_instance_types`, `excluded_instance_types` and
    /// `max_vcpu_count` the configuration sets to values known only after apply (by
    /// attribute name): the fields above then hold what the plan knows, not what AWS will
    /// get. Unset attributes are not in it: they are AWS's defaults.
    pub unknown: BTreeSet<&'static str>,
}

/// A durable function of the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Function {
    /// Its address.
    pub address: String,
    /// `function_name`.
    pub name: Option<String>,
    /// Its unqualified ARN, when known.
    pub arn: Option<String>,
    /// Its region: the planned `region`, or its ARN's; `None` when unknown.
    pub region: Option<String>,
    /// `runtime`.
    pub runtime: Option<String>,
    /// `memory_size` (MB).
    pub memory_size: Option<f64>,
    /// The capacity provider's address, through a value or a reference.
    pub capacity_provider: Option<String>,
    /// Why the plan does not say which capacity provider it runs on, when it runs on one
    /// the plan may create: the rules across the two then skip it.
    pub capacity_provider_unresolved: Option<String>,
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
    /// Whether `durable_config.kms_key_arn` names a key: a non-empty ARN, or one known
    /// only after apply.
    pub has_kms_key: bool,
    /// `running_executions_on_destroy`.
    pub on_destroy: Option<String>,
    /// `tags_all` (or `tags`).
    pub tags: BTreeMap<String, String>,
    /// Which of `memory_size` and `execution_environment_memory_gib_per_vcpu` the
    /// configuration sets to values known only after apply (by attribute name).
    pub unknown: BTreeSet<&'static str>,
}

/// A function version of the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Version {
    /// Its address.
    pub address: String,
    /// The function's address, through a value or a reference.
    pub function: Option<String>,
    /// Why the plan does not say which function of the plan it is a version of, when its
    /// configuration names several instances.
    pub function_unresolved: Option<String>,
    /// `min_execution_environments`.
    pub min: Option<f64>,
    /// `max_execution_environments`.
    pub max: Option<f64>,
    /// Whether the configuration sets `min_execution_environments` to a value known only
    /// after apply.
    pub min_unknown: bool,
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

impl CapacityProvider {
    /// vCPUs of the smallest instance type its requirements allow that holds `fit`
    /// (`Fit::default()`: any allowed type); `None` when none does.
    pub fn smallest_vcpus(&self, fit: &super::instances::Fit) -> Option<u32> {
        super::instances::smallest_vcpus(
            &self.architecture,
            &self.allowed_instance_types,
            &self.excluded_instance_types,
            &self.instance_sizes,
            fit,
        )
    }

    /// The instance types its requirements allow, for people: `arm64 m7g.medium,
    /// c7g.medium`, or `any arm64 type`.
    pub fn allowed_types(&self) -> String {
        if self.allowed_instance_types.is_empty() {
            format!("any {} type", self.architecture)
        } else {
            format!(
                "{} {}",
                self.architecture,
                self.allowed_instance_types.join(", ")
            )
        }
    }
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
            instance_type_patterns: Vec::new(),
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

/// One planned resource: its values and the references of its configuration, and,
/// from a saved plan, which of its values are unknown (`after_unknown`) and the
/// expressions of its configuration.
struct Planned<'a> {
    address: String,
    ty: &'a str,
    values: &'a Json,
    references: Vec<String>,
    /// The module instance it is in, as a prefix of addresses: `module.a["x"].`, or "".
    module: String,
    after_unknown: Option<&'a Json>,
    expressions: Option<&'a Json>,
}

impl Planned<'_> {
    /// The references of the expression at `path` in its configuration (blocks by their
    /// first element), or all of its references when the configuration does not show it
    /// (a `dynamic` block) or without the configuration's expressions.
    fn references_of(&self, path: &[&str]) -> Vec<String> {
        let mut expr = self.expressions.unwrap_or(&Json::Null);
        for name in path {
            expr = element(expr).get(*name).unwrap_or(&Json::Null);
        }
        let mut references = Vec::new();
        collect_references(expr, &mut references);
        if references.is_empty() && expr.get("constant_value").is_none() {
            references.clone_from(&self.references);
        }
        references
    }

    /// Whether the value at `path` (attribute and block names; a block is its first
    /// element) is known only after apply because the configuration sets it from values
    /// not known yet. Optional+computed attributes the configuration leaves unset are
    /// unknown in a plan too, until AWS fills in its default: those are not. Without the
    /// resource's configuration (or inside a `dynamic` block, which the plan's
    /// configuration leaves out), a value the plan marks unknown counts as unknown.
    fn unknown_until_apply(&self, path: &[&str]) -> bool {
        self.after_unknown
            .is_some_and(|marks| marked_unknown(marks, path))
            && self
                .expressions
                .is_none_or(|e| configured(e, self.values, path))
    }
}

/// The first element of a block (a one-element list in plans), or the value itself.
fn element(v: &Json) -> &Json {
    match v {
        Json::Array(items) => items.first().unwrap_or(&Json::Null),
        other => other,
    }
}

/// Whether anything in an `after_unknown` tree is `true`.
fn any_unknown(marks: &Json) -> bool {
    match marks {
        Json::Bool(b) => *b,
        Json::Array(items) => items.iter().any(any_unknown),
        Json::Object(map) => map.values().any(any_unknown),
        _ => false,
    }
}

/// Whether `after_unknown` marks the value at `path`, or any part of it, unknown.
fn marked_unknown(after_unknown: &Json, path: &[&str]) -> bool {
    let mut node = after_unknown;
    for name in path {
        if node == &Json::Bool(true) || element(node) == &Json::Bool(true) {
            return true;
        }
        match element(node).get(*name) {
            Some(next) => node = next,
            None => return false,
        }
    }
    any_unknown(node)
}

/// Whether the configuration's `expressions` set the attribute at `path` (`= null` does
/// not). A block the expressions leave out but the plan has came from a `dynamic` block,
/// whose contents the plan's configuration does not show: then it may be set.
fn configured(expressions: &Json, values: &Json, path: &[&str]) -> bool {
    let (mut expr, mut value) = (expressions, values);
    for (i, name) in path.iter().enumerate() {
        let planned = element(value).get(*name);
        match element(expr).get(*name) {
            Some(next) if !next.is_null() && next.get("constant_value") != Some(&Json::Null) => {
                expr = next
            }
            _ => {
                let is_block = i + 1 < path.len();
                return is_block
                    && planned.is_some_and(|b| b.as_array().is_some_and(|a| !a.is_empty()));
            }
        }
        value = planned.unwrap_or(&Json::Null);
    }
    true
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

/// What the configuration links: the references of each resource's expressions, of each
/// module call's arguments and of each module's outputs, by configuration address
/// (without instance keys).
#[derive(Debug, Default)]
struct Links {
    /// By resource: `module.a.lambda_durable_function.f`.
    resources: BTreeMap<String, Vec<String>>,
    /// By called module and variable (`module.a.`, `cp_arn`); written in the caller.
    arguments: BTreeMap<(String, String), Vec<String>>,
    /// By module and output (`module.a.`, `cp_arn`); written in the module.
    outputs: BTreeMap<(String, String), Vec<String>>,
}

/// Where references lead: to one resource instance, or to several that the plan's
/// configuration cannot tell apart (`lambda_capacity_provider.cp[each.key]`).
#[derive(Clone, Debug, PartialEq)]
enum Target {
    One(String),
    Ambiguous(String),
}

/// Modules deeper than this are not followed (Terraform allows no cycles; a guard).
const MAX_MODULE_DEPTH: usize = 32;

impl Links {
    /// The links of configuration `module` (the root module's: `prefix` "") and its
    /// module calls.
    fn of(module: &Json, prefix: &str, out: &mut Links) {
        let refs = |expr: &Json| {
            let mut refs = Vec::new();
            collect_references(expr, &mut refs);
            refs
        };
        for r in module["resources"].as_array().into_iter().flatten() {
            if let Some(address) = r["address"].as_str() {
                out.resources
                    .insert(format!("{prefix}{address}"), refs(&r["expressions"]));
            }
        }
        for (name, output) in module["outputs"].as_object().into_iter().flatten() {
            out.outputs.insert(
                (prefix.to_string(), name.clone()),
                refs(&output["expression"]),
            );
        }
        for (name, call) in module["module_calls"].as_object().into_iter().flatten() {
            let child = format!("{prefix}module.{name}.");
            for (variable, expr) in call["expressions"].as_object().into_iter().flatten() {
                out.arguments
                    .insert((child.clone(), variable.clone()), refs(expr));
            }
            Links::of(&call["module"], &child, out);
        }
    }

    /// The instance among `candidates` (instance addresses of resources of type `ty`)
    /// that `references`, written in module instance `module` (`module.a["x"].`, the
    /// root module ""), name: directly (`ty.name`, `ty.name["k"]`), through a module
    /// variable the caller sets, or through a module's output. `site` is the instance key
    /// of what the references are written in (`[0]`, `["x"]`, or ""), which
    /// `[count.index]` and `[each.key]` (see [`pin_own_key_references`]) stand for.
    /// `None` when they name none.
    fn resolve(
        &self,
        references: &[String],
        module: &str,
        ty: &str,
        candidates: &[&str],
        site: &str,
        depth: usize,
    ) -> Option<Target> {
        if depth > MAX_MODULE_DEPTH {
            return None;
        }
        references
            .iter()
            .find_map(|r| self.follow(r, module, ty, candidates, site, depth))
    }

    fn follow(
        &self,
        reference: &str,
        module: &str,
        ty: &str,
        candidates: &[&str],
        site: &str,
        depth: usize,
    ) -> Option<Target> {
        let steps = steps(reference);
        let (name, key) = name_and_key(steps.get(1)?);
        let key = match key {
            COUNT_KEY if is_count_key(site) => site,
            EACH_KEY if is_each_key(site) => site,
            // Not of an instance with such a key: the other references say what it is.
            COUNT_KEY | EACH_KEY => return None,
            key => key,
        };
        match *steps.first()? {
            "var" => {
                let parent = parent_module(module)?;
                let refs = self
                    .arguments
                    .get(&(without_instance_keys(module), name.to_string()))?;
                // Written in the module call: its count.index or each.key are the key of
                // the module instance.
                let call = steps_key(module.strip_suffix('.').unwrap_or(module));
                self.resolve(refs, &parent, ty, candidates, call, depth + 1)
            }
            "module" => {
                let output = name_and_key(steps.get(2)?).0;
                let child = format!("{module}module.{name}{key}.");
                let each = format!("{module}module.{name}[");
                if key.is_empty() && candidates.iter().any(|c| c.starts_with(&each)) {
                    return Some(Target::Ambiguous(format!(
                        "the configuration references {module}{reference}, which may be of any instance of {module}module.{name}"
                    )));
                }
                let refs = self
                    .outputs
                    .get(&(without_instance_keys(&child), output.to_string()))?;
                self.resolve(refs, &child, ty, candidates, "", depth + 1)
            }
            first if first == ty => {
                let base = format!("{module}{ty}.{name}");
                if !key.is_empty() {
                    let instance = format!("{base}{key}");
                    return candidates
                        .contains(&instance.as_str())
                        .then_some(Target::One(instance));
                }
                let each = format!("{base}[");
                let instances: Vec<&str> = candidates
                    .iter()
                    .copied()
                    .filter(|c| *c == base || c.starts_with(&each))
                    .collect();
                match instances.as_slice() {
                    [] => None,
                    [one] => Some(Target::One(one.to_string())),
                    several => Some(Target::Ambiguous(format!(
                        "the configuration references {module}{reference}, which may be any of {}",
                        several.join(", ")
                    ))),
                }
            }
            _ => None,
        }
    }
}

/// `[count.index]` and `[each.key]`: the instance key of a reference that
/// [`pin_own_key_references`] found written as the referring instance's own.
const COUNT_KEY: &str = "[count.index]";
const EACH_KEY: &str = "[each.key]";

/// Whether `key` is a count index (`[0]`).
fn is_count_key(key: &str) -> bool {
    key.strip_prefix('[')
        .and_then(|k| k.strip_suffix(']'))
        .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `key` is a for_each key (`["x"]`).
fn is_each_key(key: &str) -> bool {
    key.starts_with("[\"") && key.ends_with("\"]") && key.len() >= 4
}

/// The instance key of the last step of an address (`module.a["x"]` → `["x"]`; "" for
/// none).
fn steps_key(address: &str) -> &str {
    steps(address)
        .last()
        .map_or("", |step| name_and_key(step).1)
}

/// Where Terraform's `references` of `TYPE.NAME[count.index].ATTR` are
/// `TYPE.NAME` and `count.index` only, the same as of `TYPE.NAME[count.index % 2].ATTR`:
/// for each expression of the configuration whose references are exactly a resource or
/// module call (no key) and `count.index` or `each.key`, and whose source text in the
/// `.tf` files is literally `X[count.index].ATTR` or `X[each.key].ATTR` (whitespace
/// aside), adds the reference `X[count.index].ATTR` in front of the others, which
/// [`Links::follow`] reads as the referring instance's own key. Anything else is left as
/// it is, and still names no one instance.
fn pin_own_key_references(module: &mut Json, path: &mut Vec<String>, sources: &Sources) {
    let resources = module.get_mut("resources").and_then(Json::as_array_mut);
    for r in resources.into_iter().flatten() {
        let address = r["address"].as_str().unwrap_or_default().to_string();
        let (ty, name) = match steps(&address).as_slice() {
            [ty, name] if *ty != "data" => (ty.to_string(), name.to_string()),
            _ => continue,
        };
        let text_of = |at: &Place| {
            let at: Vec<(&str, usize)> = at.iter().map(|(n, i)| (n.as_str(), *i)).collect();
            sources
                .resource_expression(path, &ty, &name, &at)
                .map(str::to_string)
        };
        if let Some(expressions) = r.get_mut("expressions") {
            pin_expressions(expressions, &mut Vec::new(), &text_of);
        }
    }
    let calls = module.get_mut("module_calls").and_then(Json::as_object_mut);
    for (name, call) in calls.into_iter().flatten() {
        let arguments = call.get_mut("expressions").and_then(Json::as_object_mut);
        for (variable, expr) in arguments.into_iter().flatten() {
            if let Some(text) = sources.module_argument(path, name, variable) {
                pin(expr, text);
            }
        }
        if let Some(called) = call.get_mut("module") {
            path.push(name.clone());
            pin_own_key_references(called, path, sources);
            path.pop();
        }
    }
}

/// Where an attribute is in a resource: its blocks by name and which static block of that
/// name, then the attribute (index 0).
type Place = [(String, usize)];

/// [`pin`]s the attributes of a resource's `expressions` (blocks at `path`), with their
/// source text from `text_of`.
fn pin_expressions(
    expressions: &mut Json,
    path: &mut Vec<(String, usize)>,
    text_of: &dyn Fn(&Place) -> Option<String>,
) {
    for (name, value) in expressions.as_object_mut().into_iter().flatten() {
        match value {
            Json::Array(blocks) => {
                for (i, block) in blocks.iter_mut().enumerate() {
                    path.push((name.clone(), i));
                    pin_expressions(block, path, text_of);
                    path.pop();
                }
            }
            Json::Object(attribute) if attribute.contains_key("references") => {
                path.push((name.clone(), 0));
                if let Some(text) = text_of(path) {
                    pin(value, &text);
                }
                path.pop();
            }
            _ => {}
        }
    }
}

/// Adds `X[count.index].ATTR` (or `[each.key]`) in front of the references of `expr`
/// when they are exactly `X` and `count.index` (or `each.key`) and `text` is literally
/// that.
fn pin(expr: &mut Json, text: &str) {
    let Some(references) = expr.get_mut("references").and_then(Json::as_array_mut) else {
        return;
    };
    let refs: Vec<&str> = references.iter().filter_map(Json::as_str).collect();
    let (target, key) = match refs.as_slice() {
        [a, b] | [b, a] if *b == "count.index" => (*a, COUNT_KEY),
        [a, b] | [b, a] if *b == "each.key" => (*a, EACH_KEY),
        _ => return,
    };
    let reserved = [
        "var",
        "local",
        "data",
        "each",
        "count",
        "path",
        "terraform",
        "self",
    ];
    let target_steps = steps(target);
    let names_one_object = match target_steps.as_slice() {
        [first, name] => !reserved.contains(first) && !first.contains('[') && !name.contains('['),
        _ => false,
    };
    let written: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let attribute = written
        .strip_prefix(target)
        .and_then(|rest| rest.strip_prefix(key))
        .and_then(|rest| rest.strip_prefix('.'));
    let is_identifier = |a: &str| {
        a.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if let (true, Some(attribute)) = (names_one_object, attribute.filter(|a| is_identifier(a))) {
        let pinned = format!("{target}{key}.{attribute}");
        references.insert(0, Json::String(pinned));
    }
}

/// The steps of an address or a reference, split at the dots outside instance keys:
/// `module.a["x.y"].t.n[0].arn` → `module`, `a["x.y"]`, `t`, `n[0]`, `arn`.
fn steps(address: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut in_key, mut in_string, mut escaped) = (0, false, false, false);
    for (i, ch) in address.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else if ch == '"' && in_key {
            in_string = true;
        } else if ch == '[' {
            in_key = true;
        } else if ch == ']' {
            in_key = false;
        } else if ch == '.' && !in_key {
            out.push(&address[start..i]);
            start = i + 1;
        }
    }
    out.push(&address[start..]);
    out
}

/// A step's name and instance key (`n[0]` → `n`, `[0]`; `t` → `t`, "").
fn name_and_key(step: &str) -> (&str, &str) {
    step.split_at(step.find('[').unwrap_or(step.len()))
}

/// The module instance of a resource instance address, as a prefix:
/// `module.a["x"].t.n[0]` → `module.a["x"].`; a root module resource's is "".
fn module_of(address: &str) -> String {
    let steps = steps(address);
    let module = &steps[..steps.len().saturating_sub(2)];
    module.iter().map(|s| format!("{s}.")).collect()
}

/// The module instance that calls `module` (`module.a["x"].module.b.` →
/// `module.a["x"].`); `None` for the root module.
fn parent_module(module: &str) -> Option<String> {
    let steps = steps(module.strip_suffix('.')?);
    let parent = steps.get(..steps.len().checked_sub(2)?)?;
    Some(parent.iter().map(|s| format!("{s}.")).collect())
}

/// `change.after_unknown` of each planned (not deposed) resource change, by address.
fn after_unknown(plan: &Json) -> BTreeMap<String, &Json> {
    plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|rc| rc.get("deposed").is_none())
        .filter_map(|rc| {
            Some((
                rc["address"].as_str()?.to_string(),
                &rc["change"]["after_unknown"],
            ))
        })
        .collect()
}

/// The expressions of each resource of a configuration module and its module calls, by
/// address without instance keys (`module.a.lambda_capacity_provider.cp`).
fn configuration_expressions<'a>(
    module: &'a Json,
    prefix: &str,
    out: &mut BTreeMap<String, &'a Json>,
) {
    for r in module["resources"].as_array().into_iter().flatten() {
        if let Some(address) = r["address"].as_str() {
            out.insert(format!("{prefix}{address}"), &r["expressions"]);
        }
    }
    for (name, call) in module["module_calls"].as_object().into_iter().flatten() {
        configuration_expressions(&call["module"], &format!("{prefix}module.{name}."), out);
    }
}

/// An address without its instance keys (`module.a["x"].t.n[0]` → `module.a.t.n`), as
/// the configuration names resources.
pub(crate) fn without_instance_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let (mut in_key, mut in_string, mut escaped) = (false, false, false);
    for ch in address.chars() {
        if !in_key {
            if ch == '[' {
                in_key = true;
            } else {
                out.push(ch);
            }
        } else if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else if ch == '"' {
            in_string = true;
        } else if ch == ']' {
            in_key = false;
        }
    }
    out
}

/// Reads a plan as `terraform show -json` writes it.
pub fn from_plan_json(text: &str) -> Result<View, InputError> {
    from_plan_json_with_sources(text, &Sources::default())
}

/// Reads a plan as `terraform show -json` writes it, with its configuration's `.tf`
/// files, which say which references by `count.index` or `each.key` name the referring
/// instance's own key ([`pin_own_key_references`]).
pub fn from_plan_json_with_sources(text: &str, sources: &Sources) -> Result<View, InputError> {
    let mut plan: Json = serde_json::from_str(text)?;
    let root = plan
        .get_mut("configuration")
        .and_then(|c| c.get_mut("root_module"));
    if let Some(root) = root.filter(|_| !sources.is_empty()) {
        pin_own_key_references(root, &mut Vec::new(), sources);
    }
    let root = plan
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
        .ok_or(InputError::NotAPlan("it has no planned_values.root_module"))?;
    let mut found = Vec::new();
    planned_resources(root, &mut found);
    let mut links = Links::default();
    Links::of(&plan["configuration"]["root_module"], "", &mut links);
    let unknown = after_unknown(&plan);
    let mut expressions = BTreeMap::new();
    configuration_expressions(&plan["configuration"]["root_module"], "", &mut expressions);
    let planned: Vec<Planned<'_>> = found
        .into_iter()
        .map(|(address, ty, values)| Planned {
            references: links
                .resources
                .get(&without_instance_keys(&address))
                .cloned()
                .unwrap_or_default(),
            module: module_of(&address),
            after_unknown: unknown.get(&address).copied(),
            expressions: expressions.get(&without_instance_keys(&address)).copied(),
            address,
            ty,
            values,
        })
        .collect();
    Ok(view_of(&planned, &links))
}

/// The view of one resource alone (plan time: the provider sees one resource at a time,
/// so only the rules about a single resource can find anything), with which of its
/// values are unknown, marked as `after_unknown` marks them. Without the configuration's
/// expressions every unknown value counts as unknown until apply, unset
/// optional+computed ones included.
pub fn single(type_name: &str, values: &Json, after_unknown: &Json) -> View {
    view_of(
        &[Planned {
            address: type_name.to_string(),
            ty: type_name,
            values,
            references: Vec::new(),
            module: String::new(),
            after_unknown: Some(after_unknown),
            expressions: None,
        }],
        &Links::default(),
    )
}

fn view_of(planned: &[Planned<'_>], links: &Links) -> View {
    let capacity_providers: Vec<CapacityProvider> = planned
        .iter()
        .filter(|p| p.ty == CAPACITY_PROVIDER)
        .map(|p| {
            let scaling = first(p.values, cp::SCALING_CONFIG);
            let requirements = first(p.values, cp::INSTANCE_REQUIREMENTS);
            let strings = |name: &str| -> Vec<String> {
                requirements
                    .and_then(|r| r[name].as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            let unknown: BTreeSet<&'static str> = [
                (cp::INSTANCE_REQUIREMENTS, cp::ARCHITECTURES),
                (cp::INSTANCE_REQUIREMENTS, cp::ALLOWED_INSTANCE_TYPES),
                (cp::INSTANCE_REQUIREMENTS, cp::EXCLUDED_INSTANCE_TYPES),
                (cp::SCALING_CONFIG, cp::MAX_VCPU_COUNT),
            ]
            .into_iter()
            .filter(|(block, name)| p.unknown_until_apply(&[block, name]))
            .map(|(_, name)| name)
            .collect();
            // Some of the allowed types unknown: any type may be allowed.
            let allowed = if unknown.contains(cp::ALLOWED_INSTANCE_TYPES) {
                Vec::new()
            } else {
                strings(cp::ALLOWED_INSTANCE_TYPES)
            };
            CapacityProvider {
                architecture: strings(cp::ARCHITECTURES)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "x86_64".to_string()),
                allowed_instance_types: allowed,
                excluded_instance_types: strings(cp::EXCLUDED_INSTANCE_TYPES),
                unknown,
                address: p.address.clone(),
                arn: text(p.values.get(cp::ARN)),
                subnet_ids: first(p.values, cp::VPC_CONFIG)
                    .and_then(|v| v[cp::SUBNET_IDS].as_array())
                    .into_iter()
                    .flatten()
                    .map(|id| id.as_str().unwrap_or_default().to_string())
                    .collect(),
                availability_zones: None,
                instance_sizes: BTreeMap::new(),
                max_vcpu_count: scaling.and_then(|s| num(s.get(cp::MAX_VCPU_COUNT))),
                scaling_mode: scaling.and_then(|s| text(s.get(cp::SCALING_MODE))),
                target_values: scaling
                    .and_then(|s| s[cp::SCALING_POLICIES].as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|p| num(p.get(cp::TARGET_VALUE)))
                    .collect(),
            }
        })
        .collect();
    let cp_addresses: Vec<&str> = capacity_providers
        .iter()
        .map(|c| c.address.as_str())
        .collect();
    let functions: Vec<Function> = planned
        .iter()
        .filter(|p| p.ty == DURABLE_FUNCTION)
        .map(|p| {
            let v = p.values;
            let managed = first(v, df::CAPACITY_PROVIDER_CONFIG)
                .and_then(|c| first(c, df::MANAGED_INSTANCES));
            let ratio_path = [
                df::CAPACITY_PROVIDER_CONFIG,
                df::MANAGED_INSTANCES,
                df::MEMORY_GIB_PER_VCPU,
            ];
            let unknown = [
                (df::MEMORY_SIZE, p.unknown_until_apply(&[df::MEMORY_SIZE])),
                (df::MEMORY_GIB_PER_VCPU, p.unknown_until_apply(&ratio_path)),
            ]
            .into_iter()
            .filter_map(|(name, unknown)| unknown.then_some(name))
            .collect();
            let cp_arn = managed.and_then(|m| text(m.get(df::CAPACITY_PROVIDER_ARN)));
            let by_value = cp_arn.as_deref().and_then(|arn| {
                capacity_providers
                    .iter()
                    .find(|c| c.arn.as_deref() == Some(arn))
                    .map(|c| c.address.clone())
            });
            let arn_path = [
                df::CAPACITY_PROVIDER_CONFIG,
                df::MANAGED_INSTANCES,
                df::CAPACITY_PROVIDER_ARN,
            ];
            let by_reference = managed.and_then(|_| {
                let references = p.references_of(&arn_path);
                links.resolve(
                    &references,
                    &p.module,
                    CAPACITY_PROVIDER,
                    &cp_addresses,
                    steps_key(&p.address),
                    0,
                )
            });
            let (capacity_provider, capacity_provider_unresolved) = match (by_value, by_reference) {
                (Some(address), _) | (None, Some(Target::One(address))) => (Some(address), None),
                (None, Some(Target::Ambiguous(why))) => (None, Some(why)),
                (None, None) if cp_arn.is_none() && p.unknown_until_apply(&arn_path) => (
                    None,
                    Some(format!(
                        "{} is known only after apply, and the configuration names no one capacity provider of the plan for it",
                        df::CAPACITY_PROVIDER_ARN
                    )),
                ),
                (None, None) => (None, None),
            };
            let durable = first(v, df::DURABLE_CONFIG);
            let tags = v
                .get(tags::TAGS_ALL)
                .filter(|t| t.is_object())
                .or_else(|| v.get(tags::TAGS))
                .and_then(Json::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            let arn = text(v.get(df::ARN));
            Function {
                address: p.address.clone(),
                name: text(v.get(df::FUNCTION_NAME)),
                region: text(v.get(REGION)).or_else(|| arn.as_deref().and_then(arn_region).map(str::to_string)),
                arn,
                runtime: text(v.get(df::RUNTIME)),
                memory_size: num(v.get(df::MEMORY_SIZE)),
                capacity_provider,
                capacity_provider_unresolved,
                on_capacity_provider: managed.is_some(),
                concurrency: managed.and_then(|m| num(m.get(df::MAX_CONCURRENCY))),
                memory_gib_per_vcpu: managed.and_then(|m| num(m.get(df::MEMORY_GIB_PER_VCPU))),
                execution_timeout: durable.and_then(|d| num(d.get(df::EXECUTION_TIMEOUT))),
                retention_period: durable.and_then(|d| num(d.get(df::RETENTION_PERIOD))),
                // AWS takes "" for no key (its own): only a non-empty ARN is one.
                has_kms_key: durable
                    .and_then(|d| d.get(df::KMS_KEY_ARN))
                    .and_then(Json::as_str)
                    .is_some_and(|k| !k.is_empty())
                    || p.unknown_until_apply(&[df::DURABLE_CONFIG, df::KMS_KEY_ARN]),
                on_destroy: text(v.get(RUNNING_EXECUTIONS_ON_DESTROY)),
                tags,
                unknown,
            }
        })
        .collect();
    let function_addresses: Vec<&str> = functions.iter().map(|f| f.address.as_str()).collect();
    let versions = planned
        .iter()
        .filter(|p| p.ty == FUNCTION_VERSION)
        .map(|p| {
            let by_value = function_by_value(p.values, &functions);
            let by_reference = links.resolve(
                &p.references_of(&[fv::FUNCTION_NAME]),
                &p.module,
                DURABLE_FUNCTION,
                &function_addresses,
                steps_key(&p.address),
                0,
            );
            let (function, function_unresolved) = match (by_value, by_reference) {
                (Some(address), _) | (None, Some(Target::One(address))) => (Some(address), None),
                (None, Some(Target::Ambiguous(why))) => (None, Some(why)),
                (None, None) => (None, None),
            };
            let scaling = first(p.values, fv::SCALING);
            Version {
                address: p.address.clone(),
                function,
                function_unresolved,
                min: scaling.and_then(|s| num(s.get(fv::MIN))),
                max: scaling.and_then(|s| num(s.get(fv::MAX))),
                min_unknown: p.unknown_until_apply(&[fv::SCALING, fv::MIN]),
            }
        })
        .collect();
    View {
        capacity_providers,
        functions,
        versions,
    }
}

/// The function a version's values name: by ARN when both ARNs are known (its
/// `function_arn`, or a `function_name` that is an ARN), else by name in the same region
/// (the planned `region`, or the region of an ARN). Functions of the same name in other
/// regions, or whose region is unknown, are not it.
fn function_by_value(values: &Json, functions: &[Function]) -> Option<String> {
    let name = text(values.get(fv::FUNCTION_NAME));
    let arn = text(values.get(fv::FUNCTION_ARN))
        .or_else(|| name.clone().filter(|n| arn_region(n).is_some()));
    let region = text(values.get(REGION))
        .or_else(|| arn.as_deref().and_then(arn_region).map(str::to_string));
    functions
        .iter()
        .find(|f| match (&arn, &f.arn) {
            (Some(arn), Some(f_arn)) => arn == f_arn,
            _ => name.is_some() && f.name == name && region.is_some() && f.region == region,
        })
        .map(|f| f.address.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Settings, review};
    use super::*;

    /// A plan (as `terraform show -json` writes it) of root-module resources, each
    /// `(type.name, values, after_unknown, configuration expressions)`.
    fn plan(resources: &[(&str, Json, Json, Json)]) -> String {
        let ty = |address: &str| address.split('.').next().unwrap_or_default().to_string();
        json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": resources.iter().map(|(a, v, _, _)| json!({
                "address": a, "mode": "managed", "type": ty(a), "values": v,
            })).collect::<Vec<_>>()}},
            "resource_changes": resources.iter().map(|(a, _, u, _)| json!({
                "address": a, "type": ty(a), "change": {"actions": ["create"], "after_unknown": u},
            })).collect::<Vec<_>>(),
            "configuration": {"root_module": {"resources": resources.iter().map(|(a, _, _, e)| json!({
                "address": a, "mode": "managed", "type": ty(a), "expressions": e,
            })).collect::<Vec<_>>()}},
        })
        .to_string()
    }

    /// A capacity provider's planned values: arm64, `allowed` instance types (`None`:
    /// unknown, left out as Terraform does), `max_vcpu_count` (`None`: unknown or unset).
    fn capacity_provider(allowed: Option<Json>, max: Option<u32>) -> Json {
        let mut requirements = json!({"architectures": ["arm64"], "excluded_instance_types": null});
        if let Some(allowed) = allowed {
            requirements["allowed_instance_types"] = allowed;
        }
        let mut scaling = json!({"scaling_mode": "Auto", "scaling_policies": []});
        if let Some(max) = max {
            scaling["max_vcpu_count"] = json!(max);
        }
        json!({
            "name": "cp",
            "vpc_config": [{"subnet_ids": ["subnet-a", "subnet-b", "subnet-c"]}],
            "instance_requirements": [requirements],
            "capacity_provider_scaling_config": [scaling],
        })
    }

    /// The COST-001 message of the resource at `address`.
    fn cost_message(view: &View, address: &str) -> String {
        review(view, &Settings::default())
            .into_iter()
            .find(|f| f.rule == "COST-001" && f.address == address)
            .map(|f| f.message)
            .unwrap_or_default()
    }

    #[test]
    fn values_set_from_unknowns_are_unknown_and_unset_ones_are_defaults() {
        let from_other_resource =
            json!({"references": ["terraform_data.n.output", "terraform_data.n"]});
        let text = plan(&[
            (
                "lambda_capacity_provider.later",
                capacity_provider(None, None),
                json!({
                    "arn": true,
                    "capacity_provider_scaling_config": [{"max_vcpu_count": true, "scaling_policies": []}],
                    "instance_requirements": [{"allowed_instance_types": true, "architectures": [false]}],
                }),
                json!({
                    "capacity_provider_scaling_config": [{
                        "max_vcpu_count": from_other_resource,
                        "scaling_mode": {"constant_value": "Auto"},
                    }],
                    "instance_requirements": [{
                        "allowed_instance_types": from_other_resource,
                        "architectures": {"constant_value": ["arm64"]},
                    }],
                }),
            ),
            // max_vcpu_count = null: optional and computed, so unknown in the plan too,
            // until AWS sets its default.
            (
                "lambda_capacity_provider.unset",
                capacity_provider(Some(json!(["m7g.*"])), None),
                json!({
                    "arn": true,
                    "capacity_provider_scaling_config": [{"max_vcpu_count": true, "scaling_policies": []}],
                    "instance_requirements": [{"allowed_instance_types": [false], "architectures": [false]}],
                }),
                json!({
                    "capacity_provider_scaling_config": [{
                        "max_vcpu_count": {"constant_value": null},
                        "scaling_mode": {"constant_value": "Auto"},
                    }],
                    "instance_requirements": [{
                        "allowed_instance_types": {"constant_value": ["m7g.*"]},
                        "architectures": {"constant_value": ["arm64"]},
                    }],
                }),
            ),
        ]);
        let view = from_plan_json(&text).expect("a plan");
        let later = &view.capacity_providers[0];
        assert_eq!(
            later.unknown,
            BTreeSet::from([cp::MAX_VCPU_COUNT, cp::ALLOWED_INSTANCE_TYPES])
        );
        assert!(view.capacity_providers[1].unknown.is_empty());

        let message = cost_message(&view, "lambda_capacity_provider.later");
        for said in [
            "max_vcpu_count is unknown until apply: 400 (AWS's default) assumed",
            "instance_requirements.allowed_instance_types is unknown until apply: any arm64 instance type assumed",
        ] {
            assert!(message.contains(said), "{said} not in {message}");
        }
        let message = cost_message(&view, "lambda_capacity_provider.unset");
        assert!(message.contains("ceiling: 400 vCPUs"), "{message}");
        assert!(!message.contains("unknown until apply"), "{message}");
    }

    #[test]
    fn allowed_types_partly_unknown_may_be_any_type() {
        // allowed_instance_types = ["m7g.xlarge", <unknown>] in a `dynamic` block, which
        // the plan's configuration leaves out.
        let text = plan(&[(
            "lambda_capacity_provider.cp",
            capacity_provider(Some(json!(["m7g.xlarge", null])), Some(8)),
            json!({
                "capacity_provider_scaling_config": [{"scaling_policies": []}],
                "instance_requirements": [{"allowed_instance_types": [false, true], "architectures": [false]}],
            }),
            json!({"capacity_provider_scaling_config": [{
                "max_vcpu_count": {"constant_value": 8},
                "scaling_mode": {"constant_value": "Auto"},
            }]}),
        )]);
        let view = from_plan_json(&text).expect("a plan");
        let c = &view.capacity_providers[0];
        assert_eq!(c.unknown, BTreeSet::from([cp::ALLOWED_INSTANCE_TYPES]));
        assert!(c.allowed_instance_types.is_empty(), "{c:?}");
        // Three m7g.xlarge (12 vCPUs) would not fit in 8, but the unknown type may be
        // smaller: no LMI-RES-003 error on a guess.
        let findings = review(&view, &Settings::default());
        assert!(
            !findings.iter().any(|f| f.rule == "LMI-RES-003"),
            "{findings:?}"
        );
        let message = cost_message(&view, "lambda_capacity_provider.cp");
        assert!(
            message.contains("allowed_instance_types is unknown until apply"),
            "{message}"
        );
    }

    #[test]
    fn functions_and_versions_set_from_unknowns() {
        let cp_values = capacity_provider(Some(json!(["m7g.*"])), Some(96));
        let function = json!({
            "function_name": "f",
            "capacity_provider_config": [{"lambda_managed_instances_capacity_provider_config": [{}]}],
        });
        let version = json!({"function_name": "f", "function_scaling_config": [{"max_execution_environments": 6}]});
        let unknown = json!({"references": ["terraform_data.n.output", "terraform_data.n"]});
        let text = plan(&[
            (
                "lambda_capacity_provider.cp",
                cp_values,
                json!({}),
                json!({}),
            ),
            (
                "lambda_durable_function.f",
                function,
                json!({"memory_size": true, "capacity_provider_config": [{"lambda_managed_instances_capacity_provider_config": [{"capacity_provider_arn": true, "execution_environment_memory_gib_per_vcpu": true}]}]}),
                json!({
                    "memory_size": unknown,
                    "capacity_provider_config": [{"lambda_managed_instances_capacity_provider_config": [{
                        "capacity_provider_arn": {"references": ["lambda_capacity_provider.cp.arn", "lambda_capacity_provider.cp"]},
                    }]}],
                }),
            ),
            (
                "lambda_function_version.v",
                version,
                json!({"function_scaling_config": [{"min_execution_environments": true}]}),
                json!({
                    "function_name": {"references": ["lambda_durable_function.f.function_name", "lambda_durable_function.f"]},
                    "function_scaling_config": [{"min_execution_environments": unknown, "max_execution_environments": {"constant_value": 6}}],
                }),
            ),
        ]);
        let view = from_plan_json(&text).expect("a plan");
        // memory_size from an unknown; the ratio left unset (AWS's default).
        assert_eq!(view.functions[0].unknown, BTreeSet::from([df::MEMORY_SIZE]));
        assert!(view.versions[0].min_unknown);
        let message = cost_message(&view, "lambda_capacity_provider.cp");
        for said in [
            "lambda_durable_function.f: memory_size is unknown until apply: its execution environments are not counted",
            "lambda_function_version.v: min_execution_environments is unknown until apply: not counted",
        ] {
            assert!(message.contains(said), "{said} not in {message}");
        }
        assert!(!message.contains("gib_per_vcpu"), "{message}");
    }

    #[test]
    fn only_a_non_empty_or_unknown_kms_key_arn_is_a_customer_managed_key() {
        let function =
            |kms: Json| json!({"function_name": "f", "durable_config": [{"kms_key_arn": kms}]});
        let key_of = json!({"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]});
        let text = plan(&[
            (
                "lambda_durable_function.empty",
                function(json!("")),
                json!({}),
                json!({}),
            ),
            (
                "lambda_durable_function.unset",
                function(Json::Null),
                json!({}),
                json!({}),
            ),
            (
                "lambda_durable_function.arn",
                function(json!("arn:aws:kms:us-east-1:123456789012:key/k")),
                json!({}),
                json!({}),
            ),
            // Created in the same plan: the plan leaves the value out and marks it unknown.
            (
                "lambda_durable_function.later",
                json!({"function_name": "f", "durable_config": [{}]}),
                json!({"durable_config": [{"kms_key_arn": true}]}),
                json!({"durable_config": [{"kms_key_arn": key_of}]}),
            ),
        ]);
        let view = from_plan_json(&text).expect("a plan");
        let has_key: Vec<(&str, bool)> = view
            .functions
            .iter()
            .map(|f| (f.address.as_str(), f.has_kms_key))
            .collect();
        assert_eq!(
            has_key,
            [
                ("lambda_durable_function.empty", false),
                ("lambda_durable_function.unset", false),
                ("lambda_durable_function.arn", true),
                ("lambda_durable_function.later", true),
            ]
        );
        let settings = Settings {
            require_kms: true,
            ..Settings::default()
        };
        let flagged: Vec<String> = review(&view, &settings)
            .into_iter()
            .filter(|f| f.rule == "DUR-002")
            .map(|f| f.address)
            .collect();
        assert_eq!(
            flagged,
            [
                "lambda_durable_function.empty",
                "lambda_durable_function.unset"
            ]
        );
    }

    /// `testdata/modules-plan/plan.json`: capacity providers and functions in modules
    /// (for_each, and one called twice), with count and for_each, linked directly,
    /// through a module variable and through a module output, as the plan that creates
    /// them has them (ARNs unknown).
    const MODULES_PLAN: &str = include_str!("testdata/modules-plan/plan.json");

    /// Each function's capacity provider, or why there is none.
    fn links_of(view: &View) -> Vec<(&str, Result<&str, &str>)> {
        view.functions
            .iter()
            .map(|f| {
                let link = match (&f.capacity_provider, &f.capacity_provider_unresolved) {
                    (Some(cp), _) => Ok(cp.as_str()),
                    (None, why) => Err(why.as_deref().unwrap_or_default()),
                };
                (f.address.as_str(), link)
            })
            .collect()
    }

    #[test]
    fn functions_in_modules_and_with_count_find_their_capacity_provider() {
        let view = from_plan_json(MODULES_PLAN).expect("a plan");
        let each_key = "the configuration references lambda_capacity_provider.cp, which may be any of lambda_capacity_provider.cp[\"x\"], lambda_capacity_provider.cp[\"y\"]";
        let each_value = "capacity_provider_arn is known only after apply, and the configuration names no one capacity provider of the plan for it";
        assert_eq!(
            links_of(&view),
            [
                // cp["y"].arn
                (
                    "lambda_durable_function.g[0]",
                    Ok("lambda_capacity_provider.cp[\"y\"]")
                ),
                // each.value.arn, with for_each = lambda_capacity_provider.cp
                ("lambda_durable_function.h[\"x\"]", Err(each_value)),
                ("lambda_durable_function.h[\"y\"]", Err(each_value)),
                // cp[each.key].arn
                ("lambda_durable_function.k[\"x\"]", Err(each_key)),
                ("lambda_durable_function.k[\"y\"]", Err(each_key)),
                // var.cp_arn = module.stack["b"].cp_arn, an output of that instance
                (
                    "module.other.lambda_durable_function.f",
                    Ok("module.stack[\"b\"].lambda_capacity_provider.this")
                ),
                // lambda_capacity_provider.this.arn, in each instance of the module
                (
                    "module.stack[\"a\"].lambda_durable_function.f[0]",
                    Ok("module.stack[\"a\"].lambda_capacity_provider.this")
                ),
                (
                    "module.stack[\"b\"].lambda_durable_function.f[0]",
                    Ok("module.stack[\"b\"].lambda_capacity_provider.this")
                ),
                // var.cp_arn = lambda_capacity_provider.cp["x"].arn
                (
                    "module.user.lambda_durable_function.f",
                    Ok("lambda_capacity_provider.cp[\"x\"]")
                ),
            ]
        );

        // The rules across resources see them: 10 environments of 2 vCPUs per version
        // (two on module.stack["b"]'s), in 8 vCPUs.
        let findings = review(&view, &Settings::default());
        let scale: Vec<(&str, &str)> = findings
            .iter()
            .filter(|f| f.rule == "LMI-SCALE-001")
            .map(|f| (f.address.as_str(), f.message.as_str()))
            .collect();
        let needs = |vcpus| {
            format!(
                "the versions on it may need {vcpus} vCPUs at their maximum; max_vcpu_count is 8"
            )
        };
        assert_eq!(
            scale,
            [
                ("lambda_capacity_provider.cp[\"x\"]", needs(20).as_str()),
                ("lambda_capacity_provider.cp[\"y\"]", needs(20).as_str()),
                (
                    "module.stack[\"a\"].lambda_capacity_provider.this",
                    needs(20).as_str()
                ),
                (
                    "module.stack[\"b\"].lambda_capacity_provider.this",
                    needs(40).as_str()
                ),
            ]
        );
        // And say which functions they could not check.
        let skipped: Vec<&str> = findings
            .iter()
            .filter(|f| f.rule == "REVIEW-001")
            .map(|f| f.address.as_str())
            .collect();
        assert_eq!(
            skipped,
            [
                "lambda_durable_function.h[\"x\"]",
                "lambda_durable_function.h[\"y\"]",
                "lambda_durable_function.k[\"x\"]",
                "lambda_durable_function.k[\"y\"]",
            ]
        );
        let message = findings
            .iter()
            .find(|f| f.rule == "REVIEW-001")
            .map(|f| f.message.as_str())
            .unwrap_or_default();
        assert!(
            message.starts_with("LMI-RES-003, LMI-SCALE-001, LMI-SCALE-004, LMI-SCALE-005, SEC-001 and COST-001 could not check it with its capacity provider: "),
            "{message}"
        );
    }

    #[test]
    fn versions_in_modules_and_with_count_find_their_function_by_reference() {
        // The functions' names unknown until apply: only the references link versions.
        let mut plan: Json = serde_json::from_str(MODULES_PLAN).expect("JSON");
        let mut modules = vec![&mut plan["planned_values"]["root_module"]];
        while let Some(module) = modules.pop() {
            for r in module["resources"].as_array_mut().into_iter().flatten() {
                if let Some(values) = r["values"].as_object_mut() {
                    values.remove(df::FUNCTION_NAME);
                }
            }
            modules.extend(module["child_modules"].as_array_mut().into_iter().flatten());
        }
        let view = from_plan_json(&plan.to_string()).expect("a plan");
        let links: Vec<(&str, Option<&str>)> = view
            .versions
            .iter()
            .map(|v| (v.address.as_str(), v.function.as_deref()))
            .collect();
        assert_eq!(
            links,
            [
                // lambda_durable_function.g[count.index], of which the plan has one.
                (
                    "lambda_function_version.g[0]",
                    Some("lambda_durable_function.g[0]")
                ),
                (
                    "module.other.lambda_function_version.v",
                    Some("module.other.lambda_durable_function.f")
                ),
                // lambda_durable_function.f[0], in each instance of the module
                (
                    "module.stack[\"a\"].lambda_function_version.v",
                    Some("module.stack[\"a\"].lambda_durable_function.f[0]")
                ),
                (
                    "module.stack[\"b\"].lambda_function_version.v",
                    Some("module.stack[\"b\"].lambda_durable_function.f[0]")
                ),
                (
                    "module.user.lambda_function_version.v",
                    Some("module.user.lambda_durable_function.f")
                ),
            ]
        );
    }

    /// `testdata/keys-plan`: functions on `lambda_capacity_provider.cp[count.index]`,
    /// `lambda_capacity_provider.each[ each.key ]`, `cp[(count.index + 1) % 2]` (the
    /// same references as `cp[count.index]`), and module instances on
    /// `module.cp[each.key].arn`, with the configuration's files.
    const KEYS_PLAN: &str = include_str!("testdata/keys-plan/plan.json");

    fn keys_sources() -> Sources {
        let mut sources = Sources::default();
        let files = [
            (None, include_str!("testdata/keys-plan/main.tf")),
            (
                Some("cp"),
                include_str!("testdata/keys-plan/modules/cp/main.tf"),
            ),
            (
                Some("user"),
                include_str!("testdata/keys-plan/modules/user/main.tf"),
            ),
        ];
        for (module, text) in files {
            let module: Vec<String> = module.into_iter().map(str::to_string).collect();
            sources.add(module, "main.tf", text.to_string());
        }
        sources
    }

    #[test]
    fn references_by_count_index_or_each_key_name_the_referring_instance_s_own() {
        let view = from_plan_json_with_sources(KEYS_PLAN, &keys_sources()).expect("a plan");
        let swapped = "the configuration references lambda_capacity_provider.cp, which may be any of lambda_capacity_provider.cp[0], lambda_capacity_provider.cp[1]";
        assert_eq!(
            links_of(&view),
            [
                (
                    "lambda_durable_function.f[0]",
                    Ok("lambda_capacity_provider.cp[0]")
                ),
                (
                    "lambda_durable_function.f[1]",
                    Ok("lambda_capacity_provider.cp[1]")
                ),
                (
                    "lambda_durable_function.k[\"x\"]",
                    Ok("lambda_capacity_provider.each[\"x\"]")
                ),
                (
                    "lambda_durable_function.k[\"y\"]",
                    Ok("lambda_capacity_provider.each[\"y\"]")
                ),
                ("lambda_durable_function.swapped[0]", Err(swapped)),
                ("lambda_durable_function.swapped[1]", Err(swapped)),
                (
                    "module.user[\"x\"].lambda_durable_function.f",
                    Ok("module.cp[\"x\"].lambda_capacity_provider.this")
                ),
                (
                    "module.user[\"y\"].lambda_durable_function.f",
                    Ok("module.cp[\"y\"].lambda_capacity_provider.this")
                ),
            ]
        );
        let skipped: Vec<String> = review(&view, &Settings::default())
            .into_iter()
            .filter(|f| f.rule == "REVIEW-001")
            .map(|f| f.address)
            .collect();
        assert_eq!(
            skipped,
            [
                "lambda_durable_function.swapped[0]",
                "lambda_durable_function.swapped[1]"
            ]
        );

        // Without the files, the plan's references alone name no one instance.
        let view = from_plan_json(KEYS_PLAN).expect("a plan");
        assert!(
            view.functions
                .iter()
                .all(|f| f.capacity_provider.is_none() && f.capacity_provider_unresolved.is_some()),
            "{view:?}"
        );

        // The modules plan's cp[each.key].arn, with its files.
        let mut sources = Sources::default();
        sources.add(
            Vec::new(),
            "main.tf",
            include_str!("testdata/modules-plan/main.tf").to_string(),
        );
        let view = from_plan_json_with_sources(MODULES_PLAN, &sources).expect("a plan");
        let k: Vec<_> = links_of(&view)
            .into_iter()
            .filter(|(a, _)| a.starts_with("lambda_durable_function.k"))
            .collect();
        assert_eq!(
            k,
            [
                (
                    "lambda_durable_function.k[\"x\"]",
                    Ok("lambda_capacity_provider.cp[\"x\"]")
                ),
                (
                    "lambda_durable_function.k[\"y\"]",
                    Ok("lambda_capacity_provider.cp[\"y\"]")
                ),
            ]
        );
    }

    #[test]
    fn only_a_literal_own_key_is_pinned() {
        let pinned = |refs: Json, text: &str| {
            let mut expr = json!({"references": refs});
            pin(&mut expr, text);
            expr["references"][0]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        let cp_count = json!(["lambda_capacity_provider.cp", "count.index"]);
        assert_eq!(
            pinned(
                cp_count.clone(),
                "lambda_capacity_provider.cp[\n count.index ].arn"
            ),
            "lambda_capacity_provider.cp[count.index].arn"
        );
        assert_eq!(
            pinned(json!(["each.key", "module.cp"]), "module.cp[each.key].arn"),
            "module.cp[each.key].arn"
        );
        for (refs, text) in [
            (
                cp_count.clone(),
                "lambda_capacity_provider.cp[count.index % 2].arn",
            ),
            (
                cp_count.clone(),
                "lambda_capacity_provider.cp[count.index].arn[0]",
            ),
            (
                cp_count.clone(),
                "lambda_capacity_provider.cp[count.index].arn # x",
            ),
            (cp_count, "lambda_capacity_provider.cp[each.key].arn"),
            (
                json!(["var.cps", "count.index"]),
                "var.cps[count.index].arn",
            ),
            (
                json!(["lambda_capacity_provider.cp", "count.index", "local.x"]),
                "lambda_capacity_provider.cp[count.index].arn",
            ),
        ] {
            assert_eq!(pinned(refs.clone(), text), refs[0], "{text}");
        }
    }

    /// `testdata/regions-plan`: a function named "same" in us-east-1 and one in
    /// us-west-2, each on its region's capacity provider, with a version named by the
    /// literal "same": as planned (ARNs unknown) and after apply (ARNs known).
    const REGIONS_PLAN: &str = include_str!("testdata/regions-plan/plan.json");
    const REGIONS_APPLIED: &str = include_str!("testdata/regions-plan/applied.json");

    #[test]
    fn versions_are_of_the_function_of_that_name_in_their_region() {
        for text in [REGIONS_PLAN, REGIONS_APPLIED] {
            let view = from_plan_json(text).expect("a plan");
            let links: Vec<(&str, Option<&str>)> = view
                .versions
                .iter()
                .map(|v| (v.address.as_str(), v.function.as_deref()))
                .collect();
            assert_eq!(
                links,
                [
                    (
                        "lambda_function_version.east",
                        Some("lambda_durable_function.east")
                    ),
                    (
                        "lambda_function_version.west",
                        Some("lambda_durable_function.west")
                    ),
                ]
            );
            // 3 environments of 2 vCPUs fit in 400; west's 1000 are west's.
            let findings = review(&view, &Settings::default());
            assert!(
                !findings.iter().any(|f| f.rule == "LMI-SCALE-001"),
                "{findings:?}"
            );
            let message = cost_message(&view, "lambda_capacity_provider.east");
            assert!(message.contains("(6 vCPUs)"), "{message}");
        }
        // After apply, the ARNs decide even without the planned regions.
        let mut plan: Json = serde_json::from_str(REGIONS_APPLIED).expect("JSON");
        for r in plan["planned_values"]["root_module"]["resources"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if let Some(values) = r["values"].as_object_mut() {
                values.remove(REGION);
            }
        }
        let view = from_plan_json(&plan.to_string()).expect("a plan");
        let west = view.versions.iter().find(|v| v.address.ends_with("west"));
        assert_eq!(
            west.and_then(|v| v.function.as_deref()),
            Some("lambda_durable_function.west")
        );
    }

    #[test]
    fn a_name_in_an_unknown_region_links_nothing() {
        let function = json!({"function_name": "f"});
        let version = json!({"function_name": "f", "region": "us-west-2"});
        let text = plan(&[
            (
                "lambda_durable_function.f",
                function,
                json!({"region": true}),
                json!({}),
            ),
            ("lambda_function_version.v", version, json!({}), json!({})),
        ]);
        let view = from_plan_json(&text).expect("a plan");
        assert_eq!(view.versions[0].function, None);
    }

    #[test]
    fn addresses_split_into_modules_and_steps() {
        let address = r#"module.a["x.]\"y"].module.b[0].lambda_capacity_provider.cp[1]"#;
        assert_eq!(
            steps(address),
            [
                "module",
                r#"a["x.]\"y"]"#,
                "module",
                "b[0]",
                "lambda_capacity_provider",
                "cp[1]"
            ]
        );
        assert_eq!(module_of(address), r#"module.a["x.]\"y"].module.b[0]."#);
        assert_eq!(module_of("lambda_capacity_provider.cp"), "");
        assert_eq!(
            parent_module(r#"module.a["x.]\"y"].module.b[0]."#).as_deref(),
            Some(r#"module.a["x.]\"y"]."#)
        );
        assert_eq!(parent_module("module.a.").as_deref(), Some(""));
        assert_eq!(parent_module(""), None);
    }

    #[test]
    fn resources_in_modules_are_matched_to_their_configuration() {
        assert_eq!(
            without_instance_keys(
                r#"module.a["x.]\"y"].module.b[0].lambda_capacity_provider.cp[1]"#
            ),
            "module.a.module.b.lambda_capacity_provider.cp"
        );
        let address = r#"module.m["eu"].lambda_capacity_provider.cp"#;
        let marks = json!({"capacity_provider_scaling_config": [{"max_vcpu_count": true}]});
        let text = json!({
            "planned_values": {"root_module": {"child_modules": [{
                "address": r#"module.m["eu"]"#,
                "resources": [{
                    "address": address, "mode": "managed", "type": "lambda_capacity_provider",
                    "values": capacity_provider(Some(json!(["m7g.*"])), None),
                }],
            }]}},
            "resource_changes": [{"address": address, "change": {"after_unknown": marks}}],
            "configuration": {"root_module": {"module_calls": {"m": {"module": {"resources": [{
                "address": "lambda_capacity_provider.cp",
                "expressions": {"capacity_provider_scaling_config": [{"scaling_mode": {"constant_value": "Auto"}}]},
            }]}}}}},
        });
        let view = from_plan_json(&text.to_string()).expect("a plan");
        // Unset in the module's configuration: AWS's default, not a value of apply.
        assert!(view.capacity_providers[0].unknown.is_empty());
        assert!(!cost_message(&view, address).contains("unknown until apply"));
    }
}
