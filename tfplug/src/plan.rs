//! The plan pipeline every resource shares, and checks of plans and apply results
//! against the rules Terraform core enforces.
//!
//! [`plan_change`] turns Terraform's proposed new state into a planned state:
//! defaults for unset optional+computed attributes, write-only attributes nulled,
//! computed attributes unknown on create and when the resource changes (except those
//! marked `use_state_for_unknown`), and the attribute paths that force replacement.
//! [`check_plan`] and [`check_apply`] report, as diagnostics naming the attribute, what
//! Terraform would reject as an invalid plan or an inconsistent result.

use std::collections::BTreeMap;

use crate::diag::Diagnostics;
use crate::schema::{
    Attribute, AttributeType, Block, BlockNesting, NestedAttributes, ObjectNesting,
};
use crate::value::{AttributePath, PathStep, Value};

/// A planned state and the paths that force replacement.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedChange {
    /// The planned new state.
    pub planned: Value,
    /// Attribute paths whose change replaces the resource.
    pub requires_replace: Vec<AttributePath>,
}

/// Plans a change of one resource instance.
///
/// `prior` is null on create; `proposed` is null on destroy (then the plan is null).
pub fn plan_change(
    block: &Block,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> PlannedChange {
    if proposed.is_null() {
        return PlannedChange {
            planned: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let mut planned = proposed.clone();
    apply_defaults(block, config, &mut planned);
    let is_create = prior.is_null();
    let changed = is_create || planned != *prior;
    if changed {
        mark_computed_unknown(block, config, prior, &mut planned, is_create);
    }
    let mut requires_replace = Vec::new();
    if !is_create {
        collect_replace_paths(
            block,
            &AttributePath::root(),
            prior,
            &planned,
            &mut requires_replace,
        );
    }
    PlannedChange {
        planned,
        requires_replace,
    }
}

fn attr_of<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get_attr(name).unwrap_or(&Value::Null)
}

fn object_attrs_mut(v: &mut Value) -> Option<&mut BTreeMap<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Sets defaults for attributes the configuration leaves null, and nulls write-only
/// attributes (Terraform never stores them).
fn apply_defaults(block: &Block, config: &Value, planned: &mut Value) {
    let Some(attrs) = object_attrs_mut(planned) else {
        return;
    };
    for (name, attr) in &block.attributes {
        let cfg = attr_of(config, name);
        let Some(slot) = attrs.get_mut(name) else {
            continue;
        };
        if attr.write_only {
            *slot = Value::Null;
            continue;
        }
        if cfg.is_null()
            && let Some(default) = &attr.default
        {
            *slot = default.clone();
        }
        if let AttributeType::Nested(nested) = &attr.ty {
            for_each_element_pair(nested_nesting(nested), cfg, slot, |c, p| {
                apply_defaults(&nested_block(nested), c, p)
            });
        }
    }
    for (name, nb) in &block.blocks {
        let cfg = attr_of(config, name);
        if let Some(slot) = attrs.get_mut(name) {
            for_each_element_pair(nb.nesting, cfg, slot, |c, p| {
                apply_defaults(&nb.block, c, p)
            });
        }
    }
}

/// Marks computed attributes that the configuration leaves null (and that have no
/// default) as unknown.
fn mark_computed_unknown(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &mut Value,
    is_create: bool,
) {
    let Some(attrs) = object_attrs_mut(planned) else {
        return;
    };
    for (name, attr) in &block.attributes {
        let cfg = attr_of(config, name);
        let Some(slot) = attrs.get_mut(name) else {
            continue;
        };
        if should_plan_unknown(attr, cfg, prior.get_attr(name), is_create) {
            *slot = Value::Unknown;
            continue;
        }
        if let AttributeType::Nested(nested) = &attr.ty
            && !cfg.is_null()
        {
            let inner = nested_block(nested);
            let prior_attr = attr_of(prior, name);
            for_each_element_triple(nested_nesting(nested), cfg, prior_attr, slot, |c, pr, p| {
                mark_element_unknown(&inner, c, pr, p, is_create)
            });
        }
    }
    for (name, nb) in &block.blocks {
        if nb.requires_replace && !is_create {
            // Computed values inside an immutable block keep their prior values.
            continue;
        }
        let cfg = attr_of(config, name);
        let prior_attr = attr_of(prior, name);
        if let Some(slot) = attrs.get_mut(name) {
            for_each_element_triple(nb.nesting, cfg, prior_attr, slot, |c, pr, p| {
                mark_element_unknown(&nb.block, c, pr, p, is_create)
            });
        }
    }
}

/// Marks the computed values of one nested element unknown, unless the element is the
/// same as before: then nothing in it changes, and its computed values (e.g. what AWS set
/// for fields left unset) keep their prior values instead of showing as unknown.
fn mark_element_unknown(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &mut Value,
    is_create: bool,
) {
    let new_element = is_create || prior.is_null();
    if !new_element && *planned == *prior {
        return;
    }
    mark_computed_unknown(block, config, prior, planned, new_element);
}

fn should_plan_unknown(
    attr: &Attribute,
    cfg: &Value,
    prior: Option<&Value>,
    is_create: bool,
) -> bool {
    if !attr.is_computed() || !cfg.is_null() || attr.default.is_some() || attr.write_only {
        return false;
    }
    // A value fixed at create (use_state_for_unknown), or one that can only change by
    // replacing the resource, keeps its prior value in an in-place update, null or not.
    let fixed_after_create = attr.use_state_for_unknown || attr.requires_replace;
    is_create || !fixed_after_create || prior.is_none()
}

fn collect_replace_paths(
    block: &Block,
    path: &AttributePath,
    prior: &Value,
    planned: &Value,
    out: &mut Vec<AttributePath>,
) {
    if prior.is_null() || planned.is_null() {
        return;
    }
    for (name, attr) in &block.attributes {
        let p = path.child_attr(name);
        let (old, new) = (attr_of(prior, name), attr_of(planned, name));
        if attr.requires_replace && old != new && !attr.write_only {
            out.push(p);
            continue;
        }
        if let AttributeType::Nested(nested) = &attr.ty {
            let inner = nested_block(nested);
            for_each_element_path(nested_nesting(nested), &p, old, new, |ep, o, n| {
                collect_replace_paths(&inner, &ep, o, n, out)
            });
        }
    }
    for (name, nb) in &block.blocks {
        let p = path.child_attr(name);
        let (old, new) = (attr_of(prior, name), attr_of(planned, name));
        if nb.requires_replace && old != new {
            out.push(p);
            continue;
        }
        for_each_element_path(nb.nesting, &p, old, new, |ep, o, n| {
            collect_replace_paths(&nb.block, &ep, o, n, out)
        });
    }
}

/// Checks a planned state against the rules Terraform core enforces, so a provider bug
/// surfaces as a diagnostic naming the attribute instead of "Provider produced invalid
/// plan".
pub fn check_plan(block: &Block, config: &Value, planned: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if planned.is_null() || config.is_null() {
        return diags;
    }
    if let Err(e) = planned.conforms_to(&block.value_type()) {
        diags.push(e.into());
        return diags;
    }
    check_plan_block(block, &AttributePath::root(), config, planned, &mut diags);
    diags
}

fn check_plan_block(
    block: &Block,
    path: &AttributePath,
    config: &Value,
    planned: &Value,
    diags: &mut Diagnostics,
) {
    if config.is_unknown() {
        return;
    }
    for (name, attr) in &block.attributes {
        let p = path.child_attr(name);
        let (cfg, plan) = (attr_of(config, name), attr_of(planned, name));
        let bug = |diags: &mut Diagnostics, what: String| {
            diags.error_at(
                p.clone(),
                "Provider produced an invalid plan",
                format!("{what} This is a bug in the provider."),
            )
        };
        if attr.write_only {
            if !plan.is_null() {
                bug(
                    diags,
                    format!("write-only attribute {p} must be planned as null."),
                );
            }
            continue;
        }
        if !attr.is_computed() || !cfg.is_null() {
            // The configuration owns the value: the plan must match it, except that nested
            // attributes may hold computed values inside.
            match &attr.ty {
                AttributeType::Nested(nested) if !cfg.is_null() && !cfg.is_unknown() => {
                    let inner = nested_block(nested);
                    if element_count(cfg) != element_count(plan) {
                        bug(
                            diags,
                            format!(
                                "planned {p} has a different number of elements than the configuration."
                            ),
                        );
                        continue;
                    }
                    for_each_element_path(nested_nesting(nested), &p, cfg, plan, |ep, c, pl| {
                        check_plan_block(&inner, &ep, c, pl, diags)
                    });
                }
                _ => {
                    if cfg != plan {
                        bug(
                            diags,
                            format!("planned value for {p} does not match the configuration."),
                        );
                    }
                }
            }
        }
    }
    for (name, nb) in &block.blocks {
        let p = path.child_attr(name);
        let (cfg, plan) = (attr_of(config, name), attr_of(planned, name));
        if cfg.is_unknown() {
            continue;
        }
        if matches!(nb.nesting, BlockNesting::List | BlockNesting::Map)
            && element_count(cfg) != element_count(plan)
        {
            diags.error_at(p.clone(), "Provider produced an invalid plan", format!("planned {p} has a different number of blocks than the configuration. This is a bug in the provider."));
            continue;
        }
        for_each_element_path(nb.nesting, &p, cfg, plan, |ep, c, pl| {
            check_plan_block(&nb.block, &ep, c, pl, diags)
        });
    }
}

/// Checks an apply result against the plan of a resource of `block`: every known planned
/// value must come back unchanged and no unknown may remain. Values of sensitive
/// attributes (and everything inside them) are never shown in the messages.
pub fn check_apply(block: &Block, planned: &Value, new_state: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_apply_value(
        &|p| is_sensitive(block, p),
        &AttributePath::root(),
        planned,
        new_state,
        &mut diags,
    );
    diags
}

/// Whether `path` is a sensitive attribute of `block`, or inside one.
pub fn is_sensitive(block: &Block, path: &AttributePath) -> bool {
    let mut current = std::borrow::Cow::Borrowed(block);
    for step in &path.steps {
        let PathStep::Attribute(name) = step else {
            continue;
        };
        if let Some(attr) = current.attributes.get(name) {
            if attr.sensitive {
                return true;
            }
            match &attr.ty {
                AttributeType::Nested(nested) => {
                    current = std::borrow::Cow::Owned(nested.as_block())
                }
                AttributeType::Type(_) => return false,
            }
        } else if let Some(nb) = current.blocks.get(name) {
            current = std::borrow::Cow::Owned(nb.block.clone());
        } else {
            return false;
        }
    }
    false
}

fn check_apply_value(
    sensitive: &dyn Fn(&AttributePath) -> bool,
    path: &AttributePath,
    planned: &Value,
    new: &Value,
    diags: &mut Diagnostics,
) {
    match (planned, new) {
        (Value::Unknown, v) => {
            if !v.is_fully_known() {
                diags.error_at(
                    path.clone(),
                    "Provider returned an unknown value after apply",
                    format!("{path} is still unknown after apply. This is a bug in the provider."),
                );
            }
        }
        (Value::Object(p), Value::Object(n)) => {
            for (k, pv) in p {
                let nv = n.get(k).unwrap_or(&Value::Null);
                check_apply_value(sensitive, &path.child_attr(k), pv, nv, diags);
            }
        }
        (Value::List(p), Value::List(n)) | (Value::Tuple(p), Value::Tuple(n))
            if p.len() == n.len() =>
        {
            for (i, (pv, nv)) in p.iter().zip(n).enumerate() {
                check_apply_value(sensitive, &path.child_index(i as i64), pv, nv, diags);
            }
        }
        (Value::Map(p), Value::Map(n)) if p.len() == n.len() && p.keys().eq(n.keys()) => {
            for (k, pv) in p {
                if let Some(nv) = n.get(k) {
                    check_apply_value(sensitive, &path.child_key(k.clone()), pv, nv, diags);
                }
            }
        }
        (Value::Set(_), n) if !planned.is_fully_known() => {
            // Elements of a partly unknown set cannot be matched up; only known-ness counts.
            if !n.is_fully_known() {
                diags.error_at(
                    path.clone(),
                    "Provider returned an unknown value after apply",
                    format!("{path} is still unknown after apply. This is a bug in the provider."),
                );
            }
        }
        (p, n) => {
            if p != n {
                let (was, is) = if sensitive(path) {
                    (
                        "(sensitive value)".to_string(),
                        "(sensitive value)".to_string(),
                    )
                } else {
                    (short(p), short(n))
                };
                diags.error_at(
                    path.clone(),
                    "Provider produced an inconsistent result after apply",
                    format!(
                        "{path} was planned as {was} but is now {is}. If the object was \
                         changed outside Terraform after the plan was made (a saved plan \
                         applied later), plan again; otherwise this is a bug in the provider."
                    ),
                );
            }
        }
    }
}

/// Checks that a state read from the remote object holds no unknown values.
pub fn check_read(state: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if !state.is_fully_known() {
        diags.error(
            "Provider returned unknown values from read",
            "The refreshed state must be wholly known. This is a bug in the provider.",
        );
    }
    diags
}

/// A value as a user writes it (`"text"`, `3`, `["a", "b"]`, `{ k = "v" }`), shortened.
fn short(v: &Value) -> String {
    let s = crate::value::hcl_literal(v);
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

fn element_count(v: &Value) -> Option<usize> {
    match v {
        Value::List(x) | Value::Set(x) | Value::Tuple(x) => Some(x.len()),
        Value::Map(m) => Some(m.len()),
        Value::Null => Some(0),
        _ => None,
    }
}

/// A nested attribute's objects seen as a block, so the same walks serve both.
fn nested_block(nested: &NestedAttributes) -> Block {
    nested.as_block()
}

fn nested_nesting(nested: &NestedAttributes) -> BlockNesting {
    match nested.nesting {
        ObjectNesting::Single => BlockNesting::Single,
        ObjectNesting::List => BlockNesting::List,
        ObjectNesting::Set => BlockNesting::Set,
        ObjectNesting::Map => BlockNesting::Map,
    }
}

/// Calls `f(config_element, planned_element)` for each element position of a nested
/// value. Set elements are matched only when the set has exactly one element in both.
fn for_each_element_pair(
    nesting: BlockNesting,
    cfg: &Value,
    planned: &mut Value,
    mut f: impl FnMut(&Value, &mut Value),
) {
    match (nesting, planned) {
        (BlockNesting::Single | BlockNesting::Group, p) if !p.is_null() && !p.is_unknown() => {
            f(cfg, p)
        }
        (BlockNesting::List, Value::List(items)) => {
            for (i, p) in items.iter_mut().enumerate() {
                f(list_elem(cfg, i), p);
            }
        }
        (BlockNesting::Set, Value::Set(items)) => {
            if let (Value::Set(c), 1) = (cfg, items.len())
                && c.len() == 1
            {
                f(&c[0], &mut items[0]);
            }
        }
        (BlockNesting::Map, Value::Map(items)) => {
            for (k, p) in items.iter_mut() {
                let c = match cfg {
                    Value::Map(m) => m.get(k).unwrap_or(&Value::Null),
                    _ => &Value::Null,
                };
                f(c, p);
            }
        }
        _ => {}
    }
}

/// Like [`for_each_element_pair`], with the prior element too (matched by position or key).
fn for_each_element_triple(
    nesting: BlockNesting,
    cfg: &Value,
    prior: &Value,
    planned: &mut Value,
    mut f: impl FnMut(&Value, &Value, &mut Value),
) {
    match (nesting, planned) {
        (BlockNesting::Single | BlockNesting::Group, p) if !p.is_null() && !p.is_unknown() => {
            f(cfg, prior, p)
        }
        (BlockNesting::List, Value::List(items)) => {
            for (i, p) in items.iter_mut().enumerate() {
                f(list_elem(cfg, i), list_elem(prior, i), p);
            }
        }
        (BlockNesting::Set, Value::Set(items)) => {
            // Set elements have no identity: a computed attribute inside a set element is
            // unknown unless the element is unchanged from the prior state.
            for p in items.iter_mut() {
                let prior_match = match prior {
                    Value::Set(ps) => ps.iter().find(|x| *x == p),
                    _ => None,
                };
                let c = match cfg {
                    Value::Set(cs) if cs.len() == 1 => &cs[0],
                    _ => &Value::Null,
                };
                if prior_match.is_none() && !c.is_null() {
                    f(c, &Value::Null, p);
                }
            }
        }
        (BlockNesting::Map, Value::Map(items)) => {
            for (k, p) in items.iter_mut() {
                let c = match cfg {
                    Value::Map(m) => m.get(k).unwrap_or(&Value::Null),
                    _ => &Value::Null,
                };
                let pr = match prior {
                    Value::Map(m) => m.get(k).unwrap_or(&Value::Null),
                    _ => &Value::Null,
                };
                f(c, pr, p);
            }
        }
        _ => {}
    }
}

/// Calls `f(path, a_element, b_element)` for elements at the same position or key.
fn for_each_element_path(
    nesting: BlockNesting,
    path: &AttributePath,
    a: &Value,
    b: &Value,
    mut f: impl FnMut(AttributePath, &Value, &Value),
) {
    match nesting {
        BlockNesting::Single | BlockNesting::Group => f(path.clone(), a, b),
        BlockNesting::List => {
            if let (Value::List(x), Value::List(y)) = (a, b) {
                for (i, (ea, eb)) in x.iter().zip(y).enumerate() {
                    f(path.child_index(i as i64), ea, eb);
                }
            }
        }
        BlockNesting::Set => {}
        BlockNesting::Map => {
            if let (Value::Map(x), Value::Map(y)) = (a, b) {
                for (k, ea) in x {
                    if let Some(eb) = y.get(k) {
                        f(path.child_key(k.clone()), ea, eb);
                    }
                }
            }
        }
    }
}

fn list_elem(v: &Value, i: usize) -> &Value {
    match v {
        Value::List(items) => items.get(i).unwrap_or(&Value::Null),
        _ => &Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, NestedBlock};

    fn schema() -> Block {
        Block::new()
            .attribute(Attribute::string("id").computed().use_state_for_unknown())
            .attribute(Attribute::string("name").required().requires_replace())
            .attribute(Attribute::number("size").default_value(Value::number(1)))
            .attribute(Attribute::string("modified").computed())
            .attribute(Attribute::string("note").optional())
            .attribute(Attribute::string("token").optional().write_only())
            .block(NestedBlock::list_max_one(
                "cfg",
                Block::new()
                    .attribute(Attribute::string("mode").optional())
                    .attribute(Attribute::string("zone").optional().requires_replace()),
            ))
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (*k, v.clone())))
    }

    fn cfg_block(mode: &str, zone: &str) -> Value {
        Value::List(vec![obj(&[
            ("mode", Value::string(mode)),
            ("zone", Value::string(zone)),
        ])])
    }

    fn config(name: &str, note: Value, cfg: Value) -> Value {
        obj(&[
            ("id", Value::Null),
            ("name", Value::string(name)),
            ("size", Value::Null),
            ("modified", Value::Null),
            ("note", note),
            ("token", Value::string("secret")),
            ("cfg", cfg),
        ])
    }

    fn state(name: &str, note: Value, cfg: Value) -> Value {
        obj(&[
            ("id", Value::string("i-1")),
            ("name", Value::string(name)),
            ("size", Value::number(1)),
            ("modified", Value::string("yesterday")),
            ("note", note),
            ("token", Value::Null),
            ("cfg", cfg),
        ])
    }

    /// Terraform's proposed new state: config, with prior values for computed
    /// attributes the config leaves null.
    fn proposed(config: &Value, prior: &Value) -> Value {
        let mut p = config.clone();
        if let (Value::Object(pm), false) = (&mut p, prior.is_null()) {
            for k in ["id", "size", "modified"] {
                if pm.get(k).is_some_and(Value::is_null) {
                    pm.insert(k.into(), prior.get_attr(k).cloned().unwrap_or(Value::Null));
                }
            }
        }
        p
    }

    fn run(prior: &Value, config: &Value) -> PlannedChange {
        let change = plan_change(&schema(), prior, &proposed(config, prior), config);
        let diags = check_plan(&schema(), config, &change.planned);
        assert!(
            !diags.has_errors(),
            "pipeline produced an invalid plan: {diags}"
        );
        change
    }

    #[test]
    fn create_plans_computed_unknown_defaults_known_and_write_only_null() {
        let c = config("a", Value::Null, cfg_block("m", "z"));
        let p = run(&Value::Null, &c).planned;
        assert!(p.get_attr("id").is_some_and(Value::is_unknown));
        assert!(p.get_attr("modified").is_some_and(Value::is_unknown));
        assert_eq!(p.get_attr("size"), Some(&Value::number(1)));
        assert_eq!(p.get_attr("token"), Some(&Value::Null));
    }

    #[test]
    fn unchanged_resource_plans_no_change() {
        let s = state("a", Value::Null, cfg_block("m", "z"));
        let c = config("a", Value::Null, cfg_block("m", "z"));
        let change = run(&s, &c);
        assert_eq!(change.planned, s);
        assert!(change.requires_replace.is_empty());
    }

    #[test]
    fn update_marks_computed_unknown_but_keeps_state_for_unknown() {
        let s = state("a", Value::Null, cfg_block("m", "z"));
        let c = config("a", Value::string("hello"), cfg_block("m", "z"));
        let change = run(&s, &c);
        assert_eq!(change.planned.get_attr("id"), Some(&Value::string("i-1")));
        assert!(
            change
                .planned
                .get_attr("modified")
                .is_some_and(Value::is_unknown)
        );
        assert!(change.requires_replace.is_empty());
    }

    #[test]
    fn replace_paths_name_the_attribute_inside_blocks_too() {
        let s = state("a", Value::Null, cfg_block("m", "z"));
        let change = run(&s, &config("b", Value::Null, cfg_block("m", "z2")));
        let paths: Vec<String> = change
            .requires_replace
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            paths,
            [
                AttributePath::attr("name").to_string(),
                AttributePath::attr("cfg")
                    .child_index(0)
                    .child_attr("zone")
                    .to_string()
            ]
        );
        // A change of a non-replacing block attribute updates in place.
        let change = run(&s, &config("a", Value::Null, cfg_block("m2", "z")));
        assert!(change.requires_replace.is_empty());
    }

    #[test]
    fn computed_values_that_cannot_change_in_place_keep_null_prior_values() {
        let block = schema()
            .attribute(
                Attribute::string("kms")
                    .optional_computed()
                    .requires_replace(),
            )
            .attribute(
                Attribute::string("fixed")
                    .computed()
                    .use_state_for_unknown(),
            );
        let with = |v: Value, k: &str, x: Value| {
            let mut v = v;
            if let Value::Object(m) = &mut v {
                m.insert(k.into(), x);
            }
            v
        };
        let prior = with(
            with(
                state("a", Value::Null, Value::List(vec![])),
                "kms",
                Value::Null,
            ),
            "fixed",
            Value::Null,
        );
        let config = with(
            with(
                config("a", Value::string("changed"), Value::List(vec![])),
                "kms",
                Value::Null,
            ),
            "fixed",
            Value::Null,
        );
        let change = plan_change(&block, &prior, &config.clone(), &config);
        assert_eq!(change.planned.get_attr("kms"), Some(&Value::Null));
        assert_eq!(change.planned.get_attr("fixed"), Some(&Value::Null));
        assert!(
            change.requires_replace.is_empty(),
            "{:?}",
            change.requires_replace
        );
        assert!(
            change
                .planned
                .get_attr("modified")
                .is_some_and(Value::is_unknown)
        );
    }

    #[test]
    fn unknown_config_value_forces_replace_of_replacing_attribute() {
        let s = state("a", Value::Null, Value::List(vec![]));
        let mut c = config("a", Value::Null, Value::List(vec![]));
        if let Value::Object(m) = &mut c {
            m.insert("name".into(), Value::Unknown);
        }
        let change = run(&s, &c);
        assert_eq!(change.requires_replace, [AttributePath::attr("name")]);
    }

    #[test]
    fn unchanged_nested_elements_keep_their_computed_values() {
        let block = Block::new()
            .attribute(Attribute::string("note").optional())
            .block(NestedBlock::list_max_one(
                "scaling",
                Block::new()
                    .attribute(Attribute::string("mode").optional())
                    .attribute(Attribute::number("max").optional_computed()),
            ));
        let value = |note: &str, mode: &str, max: Value| {
            obj(&[
                ("note", Value::string(note)),
                (
                    "scaling",
                    Value::List(vec![obj(&[("mode", Value::string(mode)), ("max", max)])]),
                ),
            ])
        };
        let prior = value("a", "Auto", Value::number(400));
        // Only `note` changes: the scaling element is as before and keeps max = 400.
        let config = value("b", "Auto", Value::Null);
        let proposed = value("b", "Auto", Value::number(400));
        let change = plan_change(&block, &prior, &proposed, &config);
        assert_eq!(change.planned, proposed);
        // The element itself changes: AWS may set max anew.
        let config = value("a", "Manual", Value::Null);
        let proposed = value("a", "Manual", Value::number(400));
        let change = plan_change(&block, &prior, &proposed, &config);
        assert_eq!(change.planned, value("a", "Manual", Value::Unknown));
    }

    #[test]
    fn destroy_plans_null() {
        let s = state("a", Value::Null, Value::List(vec![]));
        let change = plan_change(&schema(), &s, &Value::Null, &Value::Null);
        assert!(change.planned.is_null());
    }

    #[test]
    fn check_plan_rejects_changed_non_computed_attribute() {
        let c = config("a", Value::string("x"), Value::List(vec![]));
        let mut planned = run(&Value::Null, &c).planned;
        if let Value::Object(m) = &mut planned {
            m.insert("note".into(), Value::string("changed by provider"));
        }
        let diags = check_plan(&schema(), &c, &planned);
        let d = diags.iter().next().cloned();
        assert_eq!(d.and_then(|d| d.path), Some(AttributePath::attr("note")));
    }

    #[test]
    fn check_plan_rejects_unknown_for_configured_value_and_wrong_block_count() {
        let c = config("a", Value::Null, cfg_block("m", "z"));
        let mut planned = run(&Value::Null, &c).planned;
        if let Value::Object(m) = &mut planned {
            m.insert("size".into(), Value::number(1));
            m.insert("name".into(), Value::Unknown);
        }
        assert!(check_plan(&schema(), &c, &planned).has_errors());
        let mut planned = run(&Value::Null, &c).planned;
        if let Value::Object(m) = &mut planned {
            m.insert("cfg".into(), Value::List(vec![]));
        }
        assert!(check_plan(&schema(), &c, &planned).has_errors());
        let mut planned = run(&Value::Null, &c).planned;
        if let Value::Object(m) = &mut planned {
            m.insert("token".into(), Value::string("leak"));
        }
        assert!(check_plan(&schema(), &c, &planned).has_errors());
    }

    #[test]
    fn check_plan_rejects_values_not_matching_the_schema_type() {
        let c = config("a", Value::Null, Value::List(vec![]));
        let mut planned = run(&Value::Null, &c).planned;
        if let Value::Object(m) = &mut planned {
            m.insert("size".into(), Value::string("big"));
        }
        assert!(check_plan(&schema(), &c, &planned).has_errors());
    }

    #[test]
    fn check_apply_requires_known_planned_values_unchanged_and_no_unknowns() {
        let planned = obj(&[("a", Value::string("x")), ("b", Value::Unknown)]);
        assert!(
            check_apply(
                &Block::new(),
                &planned,
                &obj(&[("a", Value::string("x")), ("b", Value::string("y"))])
            )
            .is_empty()
        );
        let d = check_apply(
            &Block::new(),
            &planned,
            &obj(&[("a", Value::string("z")), ("b", Value::string("y"))]),
        );
        assert_eq!(
            d.iter().next().and_then(|d| d.path.clone()),
            Some(AttributePath::attr("a"))
        );
        let d = check_apply(
            &Block::new(),
            &planned,
            &obj(&[("a", Value::string("x")), ("b", Value::Unknown)]),
        );
        assert_eq!(
            d.iter().next().and_then(|d| d.path.clone()),
            Some(AttributePath::attr("b"))
        );
    }

    #[test]
    fn check_apply_compares_sets_ignoring_order() {
        let planned = obj(&[(
            "s",
            Value::Set(vec![Value::string("a"), Value::string("b")]),
        )]);
        let new = obj(&[(
            "s",
            Value::Set(vec![Value::string("b"), Value::string("a")]),
        )]);
        assert!(check_apply(&Block::new(), &planned, &new).is_empty());
    }

    #[test]
    fn apply_errors_never_show_sensitive_values_and_write_values_as_terraform_does() {
        let block = Block::new()
            .attribute(Attribute::number("timeout").optional())
            .block(NestedBlock::list_max_one(
                "environment",
                Block::new().attribute(
                    Attribute::new(
                        "variables",
                        crate::value::Type::map(crate::value::Type::String),
                    )
                    .optional()
                    .sensitive(),
                ),
            ));
        let state = |secret: &str, timeout: i64| {
            obj(&[
                ("timeout", Value::number(timeout)),
                (
                    "environment",
                    Value::List(vec![obj(&[(
                        "variables",
                        Value::Map([("DB_PASSWORD".to_string(), Value::string(secret))].into()),
                    )])]),
                ),
            ])
        };
        let d = check_apply(
            &block,
            &state("planned-secret", 3),
            &state("rotated-secret", 60),
        );
        let text: Vec<String> = d.iter().map(|d| d.detail.clone()).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text.iter().all(|t| !t.contains("secret")), "{text:?}");
        assert!(
            text.iter().any(|t| t.contains("(sensitive value)")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("planned as 3 but is now 60")),
            "{text:?}"
        );
    }

    #[test]
    fn read_must_not_return_unknowns() {
        assert!(check_read(&obj(&[("a", Value::Unknown)])).has_errors());
        assert!(check_read(&obj(&[("a", Value::string("x"))])).is_empty());
    }
}
