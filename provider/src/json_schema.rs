//! JSON Schemas of each resource's configuration and of the review's findings, for
//! policy tools (OPA/conftest, a `jsonschema` check in CI) that read `terraform show
//! -json` or `terraform-provider-lambda review --format json` output.
//!
//! `terraform-provider-lambda schemas [--dir schemas]` writes them (see
//! `schemas/README.md`), from the same Rust types the provider serves and the review
//! serializes:
//! - a resource's schema ([`resource_schema`]) is converted from its tfplug [`Schema`]:
//!   one property per configurable attribute (computed-only ones are left out), `required`
//!   for required attributes, JSON types from cty types, nested blocks as arrays of objects
//!   with their item counts, the attribute's description, and, for attributes declared by
//!   the AWS member they are sent as (`sent_as`), the length, range, item count, enum and
//!   pattern of that member's shape in AWS's model: the constraints the provider's own
//!   validators enforce. Constraints of hand-written validators and rules across fields
//!   are only in the descriptions;
//! - the findings schema ([`findings_schema`]) is derived by `schemars` from
//!   [`crate::review::Finding`].
//!
//! Values are as `terraform show -json` writes them: an optional attribute left unset is
//! `null`, a set is an array, a list block absent from the configuration is `[]`.

use std::path::Path;

use serde_json::{Map, Value, json};
use tfplug::provider::Provider;
use tfplug::schema::{
    Attribute, AttributeType, Block, BlockNesting, NestedAttributes, NestedBlock, ObjectNesting,
    Presence, Schema,
};
use tfplug::value::Type;

use crate::LambdaProvider;
use crate::aws::attribute::model_member;
use crate::aws::model::{Shape, ShapeKind, translate};
use crate::docs::Report;
use crate::review::Finding;

/// The JSON Schema dialect of every file.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The command that writes the files, for messages about stale files.
pub const COMMAND: &str = "cargo run -p terraform-provider-lambda -- schemas --dir schemas";

/// The file name of the findings schema.
pub const FINDINGS_FILE: &str = "review-findings.schema.json";

/// The file name of a resource type's schema.
pub fn resource_file(type_name: &str) -> String {
    format!("{type_name}.schema.json")
}

/// Every file of `schemas/` this module generates: (file name, content), by name.
pub fn files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = LambdaProvider::new()
        .resources()
        .iter()
        .map(|r| {
            let schema = resource_schema(r.type_name(), &r.schema());
            (resource_file(r.type_name()), pretty(&schema))
        })
        .collect();
    out.push((FINDINGS_FILE.to_string(), pretty(&findings_schema())));
    out.sort();
    out
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes [`files`] into `dir` (which must exist), only those that changed.
pub fn write_files(dir: &Path) -> std::io::Result<Report> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "{} is not a directory: run from the repository root or pass --dir PATH",
                dir.display()
            ),
        ));
    }
    let mut report = Report::default();
    for (name, content) in files() {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
            report.unchanged.push(path);
        } else {
            std::fs::write(&path, content)?;
            report.written.push(path);
        }
    }
    Ok(report)
}

/// The findings of `review --format json`: `{"findings": [...]}`.
#[derive(schemars::JsonSchema)]
#[schemars(
    title = "terraform-provider-lambda review findings",
    description = "The output of `terraform-provider-lambda review PLAN.json --format json`."
)]
#[allow(dead_code)] // only its schema is used: `review::report::json` writes the value
struct Findings {
    /// The findings, most severe first, then by address and rule.
    findings: Vec<Finding>,
}

/// The JSON Schema of the review's JSON output, derived from [`Finding`].
pub fn findings_schema() -> Value {
    let mut schema = schemars::schema_for!(Findings).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), json!(schema_id(FINDINGS_FILE)));
    }
    schema
}

fn schema_id(file: &str) -> String {
    format!("https://github.com/lambdakit/terraform-provider-lambda/schemas/{file}")
}

/// The JSON Schema of a resource's configuration values, as `terraform show -json` writes
/// them under `values` (restricted to the configurable attributes).
pub fn resource_schema(type_name: &str, schema: &Schema) -> Value {
    let mut out = Map::new();
    out.insert("$schema".into(), json!(DIALECT));
    out.insert("$id".into(), json!(schema_id(&resource_file(type_name))));
    out.insert(
        "title".into(),
        json!(format!(
            "{type_name} configuration (schema version {})",
            schema.version
        )),
    );
    if let Value::Object(body) = block_schema(&schema.block) {
        out.extend(body);
    }
    Value::Object(out)
}

fn block_schema(block: &Block) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, attr) in block.attributes.iter().filter(|(_, a)| a.is_configurable()) {
        properties.insert(name.clone(), attribute_schema(attr));
        if attr.presence == Presence::Required {
            required.push(name.clone());
        }
    }
    for (name, nested) in &block.blocks {
        properties.insert(name.clone(), nested_block_schema(nested));
        if nested.min_items > 0 || nested.nesting == BlockNesting::Group {
            required.push(name.clone());
        }
    }
    object(block.description.as_str(), properties, required)
}

fn object(description: &str, properties: Map<String, Value>, required: Vec<String>) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    if !description.is_empty() {
        out.insert("description".into(), json!(description));
    }
    out.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), json!(required));
    }
    out.insert("additionalProperties".into(), json!(false));
    Value::Object(out)
}

fn nested_block_schema(nested: &NestedBlock) -> Value {
    let item = block_schema(&nested.block);
    let mut out = match nested.nesting {
        BlockNesting::Single => nullable(item),
        BlockNesting::Group => item,
        BlockNesting::List | BlockNesting::Set => {
            let mut arr = Map::new();
            arr.insert("type".into(), json!("array"));
            arr.insert("items".into(), item);
            items_bounds(&mut arr, "Items", nested.min_items, nested.max_items);
            if nested.nesting == BlockNesting::Set {
                arr.insert("uniqueItems".into(), json!(true));
            }
            Value::Object(arr)
        }
        BlockNesting::Map => json!({"type": "object", "additionalProperties": item}),
    };
    if let (Some(obj), Some(member)) = (out.as_object_mut(), &nested.sent_as) {
        let text = format!("AWS API: `{member}`.");
        let description = match obj.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d} {text}"),
            None => match nested.block.description.as_str() {
                "" => text,
                d => format!("{d} {text}"),
            },
        };
        obj.insert("description".into(), json!(description));
    }
    out
}

/// `minItems`/`maxItems` (or `minProperties`/...), leaving out 0 = no bound.
fn items_bounds(obj: &mut Map<String, Value>, what: &str, min: i64, max: i64) {
    if min > 0 {
        obj.insert(format!("min{what}"), json!(min));
    }
    if max > 0 {
        obj.insert(format!("max{what}"), json!(max));
    }
}

fn attribute_schema(attr: &Attribute) -> Value {
    let mut schema = match &attr.ty {
        AttributeType::Type(ty) => type_schema(ty),
        AttributeType::Nested(nested) => nested_attributes_schema(nested),
    };
    if let Some(shape) = attr.sent_as.as_deref().and_then(model_member) {
        apply_shape(&mut schema, shape.shape);
    }
    let mut schema = match attr.presence {
        Presence::Required => schema,
        _ => nullable(schema),
    };
    if let Some(obj) = schema.as_object_mut() {
        let description = attr.full_description();
        if !description.is_empty() {
            obj.insert("description".into(), json!(description));
        }
        if attr.deprecated {
            obj.insert("deprecated".into(), json!(true));
        }
        if attr.write_only {
            obj.insert("writeOnly".into(), json!(true));
        }
    }
    schema
}

fn nested_attributes_schema(nested: &NestedAttributes) -> Value {
    let item = block_schema(&nested.as_block());
    match nested.nesting {
        ObjectNesting::Single => item,
        ObjectNesting::List | ObjectNesting::Set => {
            let mut arr = Map::new();
            arr.insert("type".into(), json!("array"));
            arr.insert("items".into(), item);
            items_bounds(&mut arr, "Items", nested.min_items, nested.max_items);
            if nested.nesting == ObjectNesting::Set {
                arr.insert("uniqueItems".into(), json!(true));
            }
            Value::Object(arr)
        }
        ObjectNesting::Map => {
            let mut obj = Map::new();
            obj.insert("type".into(), json!("object"));
            obj.insert("additionalProperties".into(), item);
            items_bounds(&mut obj, "Properties", nested.min_items, nested.max_items);
            Value::Object(obj)
        }
    }
}

/// The JSON Schema of a known, non-null value of a cty type.
fn type_schema(ty: &Type) -> Value {
    match ty {
        Type::String => json!({"type": "string"}),
        Type::Number => json!({"type": "number"}),
        Type::Bool => json!({"type": "boolean"}),
        Type::List(elem) => json!({"type": "array", "items": type_schema(elem)}),
        Type::Set(elem) => {
            json!({"type": "array", "items": type_schema(elem), "uniqueItems": true})
        }
        Type::Map(elem) => json!({"type": "object", "additionalProperties": type_schema(elem)}),
        Type::Object(attrs) => {
            // Every attribute of a cty object is present, possibly null.
            let properties: Map<String, Value> = attrs
                .iter()
                .map(|(n, t)| (n.clone(), nullable(type_schema(t))))
                .collect();
            json!({
                "type": "object",
                "properties": properties,
                "required": attrs.keys().collect::<Vec<_>>(),
                "additionalProperties": false,
            })
        }
        Type::Tuple(elems) => json!({
            "type": "array",
            "prefixItems": elems.iter().map(|t| nullable(type_schema(t))).collect::<Vec<_>>(),
            "minItems": elems.len(),
            "maxItems": elems.len(),
        }),
        _ => json!({}),
    }
}

/// Also allows `null` (an optional attribute left unset).
fn nullable(mut schema: Value) -> Value {
    let Some(obj) = schema.as_object_mut() else {
        return schema;
    };
    match obj.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            obj.insert("type".into(), json!([t, "null"]));
        }
        Some(_) => {}
        // Any value (dynamic): null included.
        None => return schema,
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        values.push(Value::Null);
    }
    schema
}

/// Adds the shape's model constraints to a value's schema, where the JSON types agree
/// (the same constraints [`crate::aws::model::validators`] enforces).
fn apply_shape(schema: &mut Value, shape: &Shape) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    match (shape.kind, ty) {
        (ShapeKind::String, "string") => {
            bound(obj, "minLength", shape.min);
            bound(obj, "maxLength", shape.max);
            if !shape.enum_values.is_empty() {
                obj.insert("enum".into(), json!(shape.enum_values));
            }
            if let Some(pattern) = shape.pattern.and_then(portable_pattern) {
                obj.insert("pattern".into(), json!(pattern));
            }
        }
        (ShapeKind::Integer | ShapeKind::Long, "number") => {
            obj.insert("type".into(), json!("integer"));
            number_bound(obj, "minimum", shape.min);
            number_bound(obj, "maximum", shape.max);
        }
        (ShapeKind::Double | ShapeKind::Float, "number") => {
            number_bound(obj, "minimum", shape.min);
            number_bound(obj, "maximum", shape.max);
        }
        (ShapeKind::List, "array") => {
            bound(obj, "minItems", shape.min);
            bound(obj, "maxItems", shape.max);
            if let (Some(items), Some(member)) = (obj.get_mut("items"), shape.member) {
                apply_shape(items, member);
            }
        }
        (ShapeKind::Map, "object") => {
            bound(obj, "minProperties", shape.min);
            bound(obj, "maxProperties", shape.max);
            if let Some(key) = shape.key {
                let mut names = json!({"type": "string"});
                apply_shape(&mut names, key);
                if names.as_object().is_some_and(|n| n.len() > 1) {
                    obj.insert("propertyNames".into(), names);
                }
            }
            if let (Some(values), Some(value)) = (obj.get_mut("additionalProperties"), shape.value)
            {
                apply_shape(values, value);
            }
        }
        _ => {}
    }
}

fn bound(obj: &mut Map<String, Value>, key: &str, value: Option<f64>) {
    if let Some(v) = value {
        obj.insert(key.into(), json!(v as u64));
    }
}

fn number_bound(obj: &mut Map<String, Value>, key: &str, value: Option<f64>) {
    if let Some(v) = value {
        let n = if v.fract() == 0.0 && v.abs() < 9.0e15 {
            json!(v as i64)
        } else {
            json!(v)
        };
        obj.insert(key.into(), n);
    }
}

/// The model's pattern, anchored, when ECMA-262 (JSON Schema's dialect), Python's `re` and
/// Java read it alike: the provider's translation for `regex` needed no exclusions and
/// the pattern uses none of the syntax the three read differently (lookaround, named
/// groups, inline flags, Unicode classes, class operations, possessive quantifiers,
/// Java-only escapes). Other patterns are left out of the schema (the provider still
/// checks them, and the description quotes them).
fn portable_pattern(pattern: &str) -> Option<String> {
    let translated = translate(pattern).ok()?;
    if !translated.excluded_prefixes.is_empty() {
        return None;
    }
    let unportable = [
        "(?!", "(?=", "(?<", "(?P", "(?i", "(?s", "(?m", "(?x", "\\p", "\\P", "&&", "--", "\\A",
        "\\z", "\\Z", "\\G", "\\h", "\\R", "\\Q", "*+", "++", "?+", "}+",
    ];
    if unportable.iter().any(|u| pattern.contains(u)) {
        return None;
    }
    Some(format!("^(?:{pattern})$"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sent_as_of_a_resource_names_a_model_member() {
        fn walk(block: &Block, path: &str, missing: &mut Vec<String>) {
            for (name, attr) in &block.attributes {
                if let Some(sent) = &attr.sent_as
                    && model_member(sent).is_none()
                {
                    missing.push(format!("{path}{name}: {sent}"));
                }
                if let AttributeType::Nested(n) = &attr.ty {
                    walk(&n.as_block(), &format!("{path}{name}."), missing);
                }
            }
            for (name, nb) in &block.blocks {
                walk(&nb.block, &format!("{path}{name}."), missing);
            }
        }
        let mut missing = Vec::new();
        for r in LambdaProvider::new().resources() {
            walk(
                &r.schema().block,
                &format!("{}.", r.type_name()),
                &mut missing,
            );
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn optional_enum_allows_null_and_required_does_not() {
        let required = Attribute::string("a").required();
        let s = attribute_schema(&required);
        assert_eq!(s["type"], "string");
        let optional = nullable(json!({"type": "string", "enum": ["X"]}));
        assert_eq!(optional["type"], json!(["string", "null"]));
        assert_eq!(optional["enum"], json!(["X", null]));
    }

    #[test]
    fn computed_only_attributes_are_left_out() {
        let block = Block::new()
            .attribute(Attribute::string("arn").computed())
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string("region").optional_computed());
        let s = block_schema(&block);
        let props: Vec<&String> = s["properties"]
            .as_object()
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        assert_eq!(props, ["name", "region"]);
        assert_eq!(s["required"], json!(["name"]));
    }
}
