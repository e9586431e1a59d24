//! Rules across the fields of one block or nested object (`conflicts_with`,
//! `required_with`, `exactly_one_of`, `at_least_one_of`) and item counts, declared as data
//! in the schema and checked here with the path of the field they are about.
//!
//! A field counts as set when it is neither null nor an empty collection (an absent list
//! block is an empty list). Unknown fields may still turn out either way, so a rule that
//! depends on them waits until they are known.

use crate::diag::Diagnostics;
use crate::schema::{Block, FieldRules};
use crate::value::{AttributePath, Value};

/// Whether a field of a configuration is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Presence {
    Set,
    Unset,
    Unknown,
}

fn presence(value: Option<&Value>) -> Presence {
    match value {
        None | Some(Value::Null) => Presence::Unset,
        Some(Value::Unknown) => Presence::Unknown,
        Some(Value::List(x) | Value::Set(x) | Value::Tuple(x)) if x.is_empty() => Presence::Unset,
        Some(Value::Map(m)) if m.is_empty() => Presence::Unset,
        Some(_) => Presence::Set,
    }
}

fn code_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks the attributes' `conflicts_with`/`required_with` and the block's rules on one
/// object `value` of `block` found at `path`.
pub(crate) fn check_fields(
    block: &Block,
    rules: &FieldRules,
    path: &AttributePath,
    value: &Value,
    diags: &mut Diagnostics,
) {
    let field = |name: &str| presence(value.get_attr(name));
    for (name, attr) in &block.attributes {
        if field(name) != Presence::Set {
            continue;
        }
        let here = path.child_attr(name);
        for other in &attr.conflicts_with {
            if field(other) == Presence::Set {
                diags.error_at(
                    here.clone(),
                    "Conflicting attributes",
                    format!("`{name}` conflicts with `{other}`: set only one of them."),
                );
            }
        }
        let missing: Vec<String> = attr
            .required_with
            .iter()
            .filter(|other| field(other) == Presence::Unset)
            .cloned()
            .collect();
        if !missing.is_empty() {
            diags.error_at(
                here,
                "Missing required attribute",
                format!(
                    "`{name}` needs {} to be set too: set {}, or remove `{name}`.",
                    code_list(&missing),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            );
        }
    }
    for group in &rules.exactly_one_of {
        let set: Vec<&String> = group.iter().filter(|n| field(n) == Presence::Set).collect();
        let unknown = group.iter().any(|n| field(n) == Presence::Unknown);
        if set.len() > 1 {
            diags.error_at(
                path.child_attr(set[1].as_str()),
                "Conflicting attributes",
                format!(
                    "Exactly one of {} may be set, but `{}` and `{}` are both set.",
                    code_list(group),
                    set[0],
                    set[1]
                ),
            );
        } else if set.is_empty() && !unknown {
            diags.error_at(
                path.clone(),
                "Missing required attribute",
                format!("Exactly one of {} must be set.", code_list(group)),
            );
        }
    }
    for group in &rules.at_least_one_of {
        let none = group.iter().all(|n| field(n) == Presence::Unset);
        if none {
            diags.error_at(
                path.clone(),
                "Missing required attribute",
                format!("At least one of {} must be set.", code_list(group)),
            );
        }
    }
}

/// Checks the number of elements (list, set or map) of the field `name` at `path`;
/// `max == 0` means no upper bound.
pub(crate) fn check_item_count(
    name: &str,
    min: i64,
    max: i64,
    path: &AttributePath,
    value: &Value,
    diags: &mut Diagnostics,
) {
    let n = match value {
        Value::List(x) | Value::Set(x) | Value::Tuple(x) => x.len() as i64,
        Value::Map(m) => m.len() as i64,
        // Null (an unset attribute) and unknown are not counted.
        _ => return,
    };
    if n < min {
        diags.error_at(
            path.clone(),
            "Too few elements",
            format!("At least {min} `{name}` must be set, got {n}."),
        );
    }
    if max > 0 && n > max {
        diags.error_at(
            path.clone(),
            "Too many elements",
            format!("At most {max} `{name}` may be set, got {n}."),
        );
    }
}
