//! The configuration a user would write for an existing object (GenerateResourceConfig,
//! Terraform 1.14+ `terraform query -generate-config-out`).
//!
//! Terraform asks the provider because only the schema knows which state values came
//! from the user: computed-only values are the provider's, write-only values are never
//! in state, and a value equal to the attribute's default is what the provider would
//! plan anyway. Writing any of those into configuration would give the user a file that
//! fails validation or never plans clean. tfplug serves the RPC for every resource with
//! [`config_from_state`]; a resource overrides
//! [`crate::resource::Resource::generate_config`] when it knows better.

use std::collections::BTreeMap;

use crate::schema::{Attribute, AttributeType, Block, NestedAttributes, Presence, Schema};
use crate::value::Value;

/// The configuration for `state`: the state with computed-only attributes, write-only
/// attributes and attributes equal to their schema default set to null. Required,
/// optional and optional+computed values are kept, and nested attributes and nested
/// blocks are kept with the same rules applied inside them. A null state gives null.
pub fn config_from_state(schema: &Schema, state: &Value) -> Value {
    block_config(&schema.block, state)
}

fn block_config(block: &Block, value: &Value) -> Value {
    let Value::Object(attrs) = value else {
        return value.clone();
    };
    let out: BTreeMap<String, Value> = attrs
        .iter()
        .map(|(name, v)| {
            let config = if let Some(attr) = block.attributes.get(name) {
                attribute_config(attr, v)
            } else if let Some(nb) = block.blocks.get(name) {
                each_element(v, |e| block_config(&nb.block, e))
            } else {
                v.clone()
            };
            (name.clone(), config)
        })
        .collect();
    Value::Object(out)
}

fn attribute_config(attr: &Attribute, value: &Value) -> Value {
    if attr.presence == Presence::Computed || attr.write_only {
        return Value::Null;
    }
    if attr.default.as_ref() == Some(value) {
        return Value::Null;
    }
    match &attr.ty {
        AttributeType::Type(_) => value.clone(),
        AttributeType::Nested(nested) => nested_config(nested, value),
    }
}

fn nested_config(nested: &NestedAttributes, value: &Value) -> Value {
    let block = nested.as_block();
    each_element(value, |e| block_config(&block, e))
}

/// Applies `f` to one object, or to each element of a list, set or map of objects.
fn each_element(value: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::List(items) => Value::List(items.iter().map(&f).collect()),
        Value::Set(items) => Value::Set(items.iter().map(&f).collect()),
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (k.clone(), f(v))).collect()),
        Value::Object(_) => f(value),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{NestedBlock, ObjectNesting};

    #[test]
    fn keeps_what_users_write() {
        let schema = Schema::new(
            Block::new()
                .attribute(Attribute::string("id").computed())
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::number("size").default_value(Value::number(1)))
                .attribute(Attribute::string("arn").optional_computed())
                .attribute(Attribute::string("password").optional().write_only())
                .attribute(Attribute::nested(
                    "ep",
                    NestedAttributes::new(ObjectNesting::List)
                        .attribute(Attribute::string("host").required())
                        .attribute(Attribute::string("ip").computed()),
                ))
                .block(NestedBlock::list_max_one(
                    "settings",
                    Block::new()
                        .attribute(Attribute::string("mode").optional())
                        .attribute(Attribute::string("etag").computed()),
                )),
        );
        let state = Value::object([
            ("id", Value::string("i-1")),
            ("name", Value::string("n")),
            ("size", Value::number(1)),
            ("arn", Value::string("arn:x")),
            ("password", Value::Null),
            (
                "ep",
                Value::List(vec![Value::object([
                    ("host", Value::string("h")),
                    ("ip", Value::string("10.0.0.1")),
                ])]),
            ),
            (
                "settings",
                Value::List(vec![Value::object([
                    ("mode", Value::string("fast")),
                    ("etag", Value::string("e")),
                ])]),
            ),
        ]);
        let config = config_from_state(&schema, &state);
        let expected = Value::object([
            ("id", Value::Null),
            ("name", Value::string("n")),
            ("size", Value::Null),
            ("arn", Value::string("arn:x")),
            ("password", Value::Null),
            (
                "ep",
                Value::List(vec![Value::object([
                    ("host", Value::string("h")),
                    ("ip", Value::Null),
                ])]),
            ),
            (
                "settings",
                Value::List(vec![Value::object([
                    ("mode", Value::string("fast")),
                    ("etag", Value::Null),
                ])]),
            ),
        ]);
        assert_eq!(config, expected);
        // A size other than the default is kept.
        let mut bigger = state.clone();
        if let Some(v) = bigger.get_attr_mut("size") {
            *v = Value::number(5);
        }
        let config = config_from_state(&schema, &bigger);
        assert_eq!(config.get_attr("size"), Some(&Value::number(5)));
        assert_eq!(config_from_state(&schema, &Value::Null), Value::Null);
    }
}
