//! Building the state to store from what AWS returned, one way for create, update, read
//! and import, so the state after an import equals the state after a create.
//!
//! AWS's answer, flattened into a full value of the resource's type, is the truth: every
//! value it holds is shown, including those AWS set for fields left unset inside a
//! configured block, so drift shows on refresh. [`reconcile`] only keeps the *form* of the
//! prior value (the plan, or the previous state) where two forms mean the same thing:
//! - null and an empty collection;
//! - null and an empty string: AWS answers for `kms_key_arn = ""` or `description = ""`
//!   as for unset ones (no `KMSKeyArn`, `Description: ""`), and the HashiCorp AWS
//!   provider takes `""` for unset, so a configuration (often a module's variable
//!   defaulting to `""`) keeps saying it;
//! - a list of strings with the same elements in another order, where AWS keeps no order
//!   (an attribute marked `unordered`: `layers` and an image's `command` are in order);
//! - a nested block the configuration does not have: it is not managed by Terraform and
//!   stays absent (a plan may not add blocks the configuration lacks), unless the object
//!   is being adopted (imported or moved), when everything AWS has is shown;
//! - a configured block that sets nothing (`environment { variables = {} }`, where a module
//!   passes an empty map; empty strings count as nothing, values only the provider sets
//!   are not settings) and no block from AWS, which does not return empty settings; the
//!   block is kept, with what the provider computes in it null;
//! - blocks AWS knows nothing of (`timeouts`) keep their prior value.

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::UpdateRequest;
use tfplug::schema::{Attribute, Block, BlockNesting};
use tfplug::value::{AttributePath, PathStep, Value};

/// The state to store: `remote` (AWS's answer as a value of `block`'s type) in the form
/// of `prior`. `adopting` is true when `prior` is an import or move stub.
pub fn reconcile(block: &Block, prior: &Value, remote: Value, adopting: bool) -> Value {
    let Value::Object(mut out) = remote else {
        return remote;
    };
    for (name, value) in out.iter_mut() {
        let before = prior.get_attr(name).unwrap_or(&Value::Unknown);
        if let Some(nb) = block.blocks.get(name) {
            let taken = std::mem::replace(value, Value::Null);
            *value = reconcile_block(&nb.block, nb.nesting, before, taken, adopting);
        } else {
            let taken = std::mem::replace(value, Value::Null);
            let unordered = block
                .attributes
                .get(name.as_str())
                .is_some_and(|a| a.unordered);
            *value = in_prior_form(before, taken, unordered);
        }
    }
    Value::Object(out)
}

fn reconcile_block(
    block: &Block,
    nesting: BlockNesting,
    prior: &Value,
    remote: Value,
    adopting: bool,
) -> Value {
    match nesting {
        BlockNesting::Single | BlockNesting::Group => {
            if remote.is_null() {
                prior.clone()
            } else {
                reconcile(block, prior, remote, adopting)
            }
        }
        BlockNesting::List => {
            let before = prior.as_elements().unwrap_or(&[]);
            let Value::List(items) = remote else {
                return Value::List(Vec::new());
            };
            if before.is_empty() && !prior.is_unknown() && !adopting {
                return Value::List(Vec::new());
            }
            // Not when the prior has no block (or is unknown): nothing to keep then.
            if items.is_empty()
                && !before.is_empty()
                && before.iter().all(|item| sets_nothing(block, item))
            {
                // Values only the provider sets (planned unknown) have nothing to hold.
                return prior
                    .clone()
                    .transform(&mut |_, v| if v.is_unknown() { Value::Null } else { v });
            }
            Value::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let prior_item = before.get(i).unwrap_or(&Value::Unknown);
                        reconcile(block, prior_item, item, adopting || before.is_empty())
                    })
                    .collect(),
            )
        }
        // Sets and maps of blocks match no element by position: AWS's answer as it is.
        BlockNesting::Set | BlockNesting::Map => remote,
    }
}

/// Whether a block's value holds no setting: every configurable attribute null, an empty
/// string or an empty collection, every nested block empty or holding none. Attributes
/// only the provider sets are no settings; unknown values of the others are settings to
/// come.
fn sets_nothing(block: &Block, item: &Value) -> bool {
    let Value::Object(fields) = item else {
        return false;
    };
    fields
        .iter()
        .filter(|(name, _)| {
            block
                .attributes
                .get(name.as_str())
                .is_none_or(Attribute::is_configurable)
        })
        .all(|(name, value)| match block.blocks.get(name) {
            Some(nb) => match value {
                Value::Null => true,
                Value::List(items) | Value::Set(items) => {
                    items.iter().all(|i| sets_nothing(&nb.block, i))
                }
                Value::Map(items) => items.values().all(|i| sets_nothing(&nb.block, i)),
                Value::Object(_) => sets_nothing(&nb.block, value),
                _ => false,
            },
            None => value.is_null() || is_empty_collection(value) || is_empty_string(value),
        })
}

/// `value` with every attribute (at any depth, not map elements) that holds an empty
/// string null: what AWS receives for an argument set to `""`, which means unset.
pub fn without_empty_strings(value: Value) -> Value {
    value.transform(&mut |path, v| {
        if is_empty_string(&v) && at_attribute(path) {
            Value::Null
        } else {
            v
        }
    })
}

/// Whether two values of an attribute or block mean the same to AWS: equal once empty
/// strings and empty collections at attributes (at any depth) are null. An update
/// between them changes nothing in AWS.
pub fn same_meaning(a: &Value, b: &Value) -> bool {
    a == b || meaning(a.clone()) == meaning(b.clone())
}

fn meaning(value: Value) -> Value {
    without_empty_strings(value).transform(&mut |path, v| {
        if is_empty_collection(&v) && at_attribute(path) {
            Value::Null
        } else {
            v
        }
    })
}

/// Whether `path` names an attribute (or is the root), not a collection's element.
fn at_attribute(path: &AttributePath) -> bool {
    matches!(path.steps.last(), None | Some(PathStep::Attribute(_)))
}

fn is_empty_string(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.is_empty())
}

fn is_empty_collection(v: &Value) -> bool {
    match v {
        Value::List(x) | Value::Set(x) | Value::Tuple(x) => x.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// `remote`, or `prior` where the two mean the same; for an `unordered` list, that
/// includes the same strings in another order.
fn in_prior_form(prior: &Value, remote: Value, unordered: bool) -> Value {
    match (prior, remote) {
        (Value::Null, r) if is_empty_collection(&r) => Value::Null,
        (p, Value::Null) if is_empty_collection(p) || is_empty_string(p) => p.clone(),
        (Value::Null, r) if is_empty_string(&r) => Value::Null,
        (Value::List(p), Value::List(r))
            if unordered
                && p.len() == r.len()
                && p.iter().all(|x| matches!(x, Value::String(_)))
                && Value::Set(p.clone()) == Value::Set(r.clone()) =>
        {
            Value::List(p.clone())
        }
        (_, r) => r,
    }
}

/// What an update sends: the configuration, with the `blocks` the plan leaves as they
/// were emptied, so that only what changes is sent and AWS keeps the rest. An unchanged
/// block sent again resets what it leaves out: a log group set once and then left out
/// of the configuration (the plan keeps it) went back to AWS's default, and a configured
/// `telemetry_config {}` wiped logging set outside Terraform, whenever another block
/// was updated. (Within a block that changes, what it leaves out is planned unknown.)
///
/// The values sent are [`settings_as_planned`]: what the plan holds wherever it is known,
/// so that `ignore_changes` (which only the plan honours) is kept.
pub fn update_to_send(block: &Block, req: &UpdateRequest, blocks: &[&str]) -> Value {
    values_to_send(block, &req.config, &req.prior, &req.planned, blocks)
}

/// [`update_to_send`] of the request's values.
fn values_to_send(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &Value,
    blocks: &[&str],
) -> Value {
    let mut out = settings_as_planned(block, config, planned);
    if let Value::Object(attrs) = &mut out {
        for name in blocks {
            if planned.get_attr(name) == prior.get_attr(name)
                && let Some(block) = attrs.get_mut(*name)
            {
                *block = Value::List(Vec::new());
            }
        }
    }
    out
}

/// What an update or create sends, as a value of `block`'s type: what the plan holds
/// wherever it is known, and the configuration's value elsewhere. At apply, Terraform
/// passes the configuration as written, while `ignore_changes` lives in the plan only:
/// an ignored attribute the configuration changes, sets or removes keeps the state's
/// value in the plan, and sending the configuration's value (or nothing, for a removed
/// one, inside a block sent whole) changed AWS against the plan. What the plan leaves
/// unknown (what the configuration leaves out, where AWS chooses) is sent as the
/// configuration has it. Write-only attributes are never in a plan: the configuration's.
pub fn settings_as_planned(block: &Block, config: &Value, planned: &Value) -> Value {
    let (Value::Object(c), Value::Object(p)) = (config, planned) else {
        return value_as_planned(config, planned);
    };
    let fields = c.iter().map(|(name, value)| {
        let planned = p.get(name).unwrap_or(&Value::Unknown);
        let sent = match (block.attributes.get(name.as_str()), block.blocks.get(name)) {
            (Some(attr), _) if attr.write_only => value.clone(),
            (_, Some(nested)) => match (value, planned) {
                (Value::List(c), Value::List(p)) if c.len() == p.len() => Value::List(
                    c.iter()
                        .zip(p)
                        .map(|(c, p)| settings_as_planned(&nested.block, c, p))
                        .collect(),
                ),
                (Value::Object(_), Value::Object(_)) => {
                    settings_as_planned(&nested.block, value, planned)
                }
                _ => value_as_planned(value, planned),
            },
            _ => value_as_planned(value, planned),
        };
        (name.clone(), sent)
    });
    Value::Object(fields.collect())
}

/// `planned` when it is wholly known, else `config`.
fn value_as_planned(config: &Value, planned: &Value) -> Value {
    if planned.is_fully_known() {
        planned.clone()
    } else {
        config.clone()
    }
}

/// Whether `v` (a configuration, plan or state) has the block `name`.
pub fn has_block(v: &Value, name: &str) -> bool {
    v.get_attr(name)
        .and_then(Value::as_elements)
        .is_some_and(|e| !e.is_empty())
}

/// Warnings for the `blocks` the prior state has and the configuration no longer writes,
/// for blocks whose update leaves out what it is not sent: Terraform stops managing them,
/// the plan shows their values going to null (the state stops holding them), and the
/// object keeps its setting in AWS. (None while the configuration's block is unknown.)
pub fn no_longer_managed(blocks: &[&str], prior: &Value, config: &Value) -> Diagnostics {
    blocks
        .iter()
        .filter(|b| has_block(prior, b) && config.get_attr(b).is_some_and(|c| !c.is_unknown()))
        .filter(|b| !has_block(config, b))
        .map(|block| {
            Diagnostic::warning(
                format!("{block} is no longer managed"),
                format!(
                    "The configuration no longer has {block}: Terraform stops managing it, and \
                     the object keeps the setting it has in AWS. The plan shows its values going \
                     to null because the state stops holding them; nothing is sent for it. To \
                     change the setting in AWS, write the block with the values you want."
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_sends_only_the_blocks_that_change() {
        let inner = || Block::new().attribute(Attribute::number("x").optional());
        let schema = Block::new()
            .block(NestedBlock::list_max_one("a", inner()))
            .block(NestedBlock::list_max_one("b", inner()));
        let block = |x: i64| Value::List(vec![Value::object([("x", Value::number(x))])]);
        let value = |a: i64, b: i64| Value::object([("a", block(a)), ("b", block(b))]);
        let sent = values_to_send(
            &schema,
            &value(1, 3),
            &value(1, 2),
            &value(1, 3),
            &["a", "b"],
        );
        assert_eq!(
            sent,
            Value::object([("a", Value::List(vec![])), ("b", block(3))])
        );
    }

    /// `ignore_changes` on attributes of a block that changes: the plan keeps the state's
    /// values while the configuration at apply has others (changed, set, or removed);
    /// what the plan leaves unknown is sent as the configuration has it, and write-only
    /// values, never planned, as the configuration has them.
    #[test]
    fn an_update_sends_what_the_plan_holds_where_it_is_known() {
        let schema = Block::new()
            .attribute(Attribute::string("file").optional().write_only())
            .block(NestedBlock::list_max_one(
                "b",
                Block::new()
                    .attribute(Attribute::number("max").optional_computed())
                    .attribute(Attribute::number("min").optional_computed())
                    .attribute(Attribute::string("key").optional())
                    .attribute(Attribute::string("mode").optional_computed()),
            ));
        let value = |file: Value, max: Value, min: Value, key: Value, mode: Value| {
            Value::object([
                ("file", file),
                (
                    "b",
                    Value::List(vec![Value::object([
                        ("max", max),
                        ("min", min),
                        ("key", key),
                        ("mode", mode),
                    ])]),
                ),
            ])
        };
        let n = Value::number;
        // max changed, min removed, key set: each ignored; mode left out (unknown).
        let config = value(
            Value::string("code.zip"),
            n(128),
            Value::Null,
            Value::string("k"),
            Value::Null,
        );
        let prior = value(Value::Null, n(64), n(7), Value::Null, Value::string("Auto"));
        let planned = value(Value::Null, n(64), n(7), Value::Null, Value::Unknown);
        let sent = values_to_send(&schema, &config, &prior, &planned, &["b"]);
        assert_eq!(
            sent,
            value(
                Value::string("code.zip"),
                n(64),
                n(7),
                Value::Null,
                Value::Null
            )
        );
    }

    #[test]
    fn a_block_the_configuration_drops_is_no_longer_managed() {
        let one = || Value::List(vec![Value::object([("x", Value::number(1))])]);
        let with = |a: Value, b: Value| Value::object([("scaling", a), ("telemetry", b)]);
        let blocks = ["scaling", "telemetry"];
        let prior = with(one(), one());
        let config = with(Value::List(vec![]), one());
        let found = no_longer_managed(&blocks, &prior, &config);
        assert_eq!(found.len(), 1);
        assert!(
            found.iter().all(|d| d.summary.starts_with("scaling ")),
            "{found:?}"
        );
        // Never managed, or not known yet (a dynamic block over an unknown value).
        let never = with(Value::List(vec![]), one());
        assert!(no_longer_managed(&blocks, &never, &config).is_empty());
        let unknown = with(Value::Unknown, one());
        assert!(no_longer_managed(&blocks, &prior, &unknown).is_empty());
    }
    use tfplug::schema::{Attribute, NestedBlock};

    fn block() -> Block {
        Block::new()
            .attribute(Attribute::string("kms").optional_computed())
            .attribute(
                Attribute::new(
                    "types",
                    tfplug::value::Type::list(tfplug::value::Type::String),
                )
                .unordered(),
            )
            .attribute(Attribute::new(
                "layers",
                tfplug::value::Type::list(tfplug::value::Type::String),
            ))
            .block(NestedBlock::list_max_one(
                "scaling",
                Block::new()
                    .attribute(Attribute::number("max").optional_computed())
                    .attribute(Attribute::string("mode").optional()),
            ))
    }

    fn value(kms: Value, types: Value, scaling: Value) -> Value {
        Value::object([("kms", kms), ("types", types), ("scaling", scaling)])
    }

    fn scaling(max: Value) -> Value {
        Value::List(vec![Value::object([
            ("max", max),
            ("mode", Value::string("Auto")),
        ])])
    }

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }

    #[test]
    fn what_aws_set_inside_a_configured_block_shows() {
        let prior = value(Value::Null, Value::Null, scaling(Value::Null));
        let remote = value(
            Value::string("k"),
            strings(&[]),
            scaling(Value::number(400)),
        );
        assert_eq!(
            reconcile(&block(), &prior, remote, false),
            value(Value::string("k"), Value::Null, scaling(Value::number(400)))
        );
    }

    #[test]
    fn blocks_the_configuration_lacks_stay_absent_unless_adopting() {
        let prior = value(Value::Null, Value::Null, Value::List(vec![]));
        let remote = value(Value::Null, Value::Null, scaling(Value::number(400)));
        assert_eq!(
            reconcile(&block(), &prior, remote.clone(), false),
            value(Value::Null, Value::Null, Value::List(vec![]))
        );
        assert_eq!(reconcile(&block(), &prior, remote.clone(), true), remote);
    }

    #[test]
    fn list_order_of_the_prior_value_is_kept_when_only_order_differs() {
        let prior = value(Value::Null, strings(&["b", "a"]), Value::List(vec![]));
        let remote = value(Value::Null, strings(&["a", "b"]), Value::List(vec![]));
        assert_eq!(
            reconcile(&block(), &prior, remote, false),
            value(Value::Null, strings(&["b", "a"]), Value::List(vec![]))
        );
    }

    /// Layers apply in order: a reorder outside Terraform is drift the plan must show.
    #[test]
    fn an_ordered_list_shows_the_order_aws_has() {
        let with_layers = |layers: Value| {
            let Value::Object(mut fields) = value(Value::Null, Value::Null, Value::List(vec![]))
            else {
                unreachable!("value() builds an object")
            };
            fields.insert("layers".into(), layers);
            Value::Object(fields)
        };
        let prior = with_layers(strings(&["l1", "l2"]));
        let remote = with_layers(strings(&["l2", "l1"]));
        assert_eq!(reconcile(&block(), &prior, remote.clone(), false), remote);
    }

    #[test]
    fn a_configured_block_that_sets_nothing_stays_when_aws_returns_none() {
        for empty in [Value::Null, strings(&[])] {
            let said_nothing = Value::List(vec![Value::object([
                ("max", Value::Null),
                ("mode", Value::Null),
            ])]);
            let prior = value(Value::Null, empty.clone(), said_nothing.clone());
            let remote = value(Value::Null, Value::Null, Value::List(vec![]));
            assert_eq!(
                reconcile(&block(), &prior, remote, false),
                value(Value::Null, empty, said_nothing)
            );
        }
    }

    #[test]
    fn an_unknown_prior_block_is_never_kept() {
        let prior = value(Value::Null, Value::Null, Value::Unknown);
        let remote = value(Value::Null, Value::Null, Value::List(vec![]));
        for adopting in [false, true] {
            assert_eq!(
                reconcile(&block(), &prior, remote.clone(), adopting),
                remote,
                "adopting: {adopting}"
            );
        }
    }

    #[test]
    fn a_configured_block_whose_settings_aws_dropped_shows_the_drift() {
        let prior = value(Value::Null, Value::Null, scaling(Value::Null));
        let remote = value(Value::Null, Value::Null, Value::List(vec![]));
        assert_eq!(
            reconcile(&block(), &prior, remote.clone(), false),
            remote,
            "`mode` was set: AWS's answer without the block is drift"
        );
        let planned_unknown = Value::List(vec![Value::object([
            ("max", Value::Unknown),
            ("mode", Value::Null),
        ])]);
        let prior = value(Value::Null, Value::Null, planned_unknown);
        assert_eq!(reconcile(&block(), &prior, remote.clone(), false), remote);
    }

    #[test]
    fn an_empty_string_and_null_mean_the_same() {
        // Configured `""`, AWS answers nothing: the state keeps the configuration's `""`.
        let prior = value(Value::string(""), Value::Null, Value::List(vec![]));
        let remote = value(Value::Null, Value::Null, Value::List(vec![]));
        assert_eq!(reconcile(&block(), &prior, remote.clone(), false), prior);
        // Unset, AWS answers `""` (Lambda's `Description` of a function without one).
        let answered = value(Value::string(""), Value::Null, Value::List(vec![]));
        assert_eq!(reconcile(&block(), &remote, answered, false), remote);
        // Inside a block too.
        let with_mode = |mode: Value| {
            Value::List(vec![Value::object([
                ("max", Value::number(1)),
                ("mode", mode),
            ])])
        };
        let prior = value(Value::Null, Value::Null, with_mode(Value::string("")));
        let remote = value(Value::Null, Value::Null, with_mode(Value::Null));
        assert_eq!(reconcile(&block(), &prior, remote, false), prior);
        // A value AWS dropped is drift, not the same.
        let prior = value(Value::string("k"), Value::Null, Value::List(vec![]));
        let remote = value(Value::Null, Value::Null, Value::List(vec![]));
        assert_eq!(reconcile(&block(), &prior, remote.clone(), false), remote);
    }

    #[test]
    fn a_block_of_empty_settings_is_kept_without_what_the_provider_computes() {
        let block = Block::new().block(NestedBlock::list_max_one(
            "network",
            Block::new()
                .attribute(Attribute::new(
                    "subnets",
                    tfplug::value::Type::set(tfplug::value::Type::String),
                ))
                .attribute(Attribute::string("key"))
                .attribute(Attribute::string("id").computed()),
        ));
        let network = |subnets: Value, key: Value, id: Value| {
            Value::object([(
                "network",
                Value::List(vec![Value::object([
                    ("subnets", subnets),
                    ("key", key),
                    ("id", id),
                ])]),
            )])
        };
        let none = Value::object([("network", Value::List(vec![]))]);
        let planned = network(Value::Set(vec![]), Value::string(""), Value::Unknown);
        assert_eq!(
            reconcile(&block, &planned, none.clone(), false),
            network(Value::Set(vec![]), Value::string(""), Value::Null)
        );
        // A configured setting AWS does not hold is drift.
        let planned = network(Value::Set(vec![]), Value::string("k"), Value::Unknown);
        assert_eq!(reconcile(&block, &planned, none.clone(), false), none);
    }

    #[test]
    fn empty_strings_and_collections_mean_unset() {
        let tags = Value::Map([("team".to_string(), Value::string(""))].into());
        let config = value(Value::string(""), strings(&[]), Value::List(vec![]));
        assert!(same_meaning(
            &config,
            &value(Value::Null, Value::Null, Value::Null)
        ));
        assert!(!same_meaning(
            &config,
            &value(Value::string("k"), Value::Null, Value::Null)
        ));
        assert!(!same_meaning(&tags, &Value::Map(Default::default())));
        // Attributes only: a map's empty values are values (a tag `team = ""`).
        assert_eq!(
            without_empty_strings(Value::object([
                ("kms", Value::string("")),
                ("tags", tags.clone())
            ])),
            Value::object([("kms", Value::Null), ("tags", tags)])
        );
    }

    #[test]
    fn drift_of_configured_values_shows() {
        let prior = value(Value::Null, Value::Null, scaling(Value::number(64)));
        let remote = value(Value::Null, Value::Null, scaling(Value::number(128)));
        assert_eq!(reconcile(&block(), &prior, remote.clone(), false), remote);
    }
}
