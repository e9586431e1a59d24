//! JSON bytes → [`Value`], directed by the expected [`Type`].

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::JsonDecodeOptions;
use crate::value::data::Value;
use crate::value::error::{ValueError, ValueErrorKind};
use crate::value::number::Number;
use crate::value::types::Type;

pub(super) fn decode_all(
    bytes: &[u8],
    ty: &Type,
    opts: JsonDecodeOptions,
) -> Result<Value, ValueError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let json: Json = serde_json::from_slice(bytes)
        .map_err(|e| ValueError::new(ValueErrorKind::MalformedJson(e.to_string())))?;
    from_json(&json, ty, opts)
}

fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "JSON null",
        Json::Bool(_) => "JSON boolean",
        Json::Number(_) => "JSON number",
        Json::String(_) => "JSON string",
        Json::Array(_) => "JSON array",
        Json::Object(_) => "JSON object",
    }
}

fn from_json(j: &Json, ty: &Type, opts: JsonDecodeOptions) -> Result<Value, ValueError> {
    match (j, ty) {
        (Json::Null, _) => Ok(Value::Null),
        (Json::Object(fields), Type::Dynamic) => decode_dynamic(fields, opts),
        (j, Type::Dynamic) => Err(ValueError::mismatch(
            "dynamic value ({\"value\":...,\"type\":...})",
            json_kind(j),
        )),
        (Json::Bool(b), Type::Bool) => Ok(Value::Bool(*b)),
        (Json::String(s), Type::Bool) if s == "true" || s == "false" => {
            Ok(Value::Bool(s == "true"))
        }
        (Json::Number(n), Type::Number) => Ok(Value::Number(Number::parse(&n.to_string())?)),
        (Json::String(s), Type::Number) => Ok(Value::Number(Number::parse(s)?)),
        (Json::String(s), Type::String) => Ok(Value::String(s.clone())),
        (Json::Number(n), Type::String) => Ok(Value::String(n.to_string())),
        (Json::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (Json::Array(items), Type::List(elem)) => Ok(Value::List(decode_items(items, elem, opts)?)),
        (Json::Array(items), Type::Set(elem)) => Ok(Value::Set(decode_items(items, elem, opts)?)),
        (Json::Array(items), Type::Tuple(elems)) => {
            if items.len() != elems.len() {
                return Err(ValueError::new(ValueErrorKind::TupleLength {
                    expected: elems.len(),
                    got: items.len(),
                }));
            }
            let items = items
                .iter()
                .zip(elems)
                .enumerate()
                .map(|(i, (j, t))| from_json(j, t, opts).map_err(|e| e.within_index(i)))
                .collect::<Result<_, _>>()?;
            Ok(Value::Tuple(items))
        }
        (Json::Object(fields), Type::Map(elem)) => {
            let entries = fields
                .iter()
                .map(|(k, j)| {
                    let v = from_json(j, elem, opts).map_err(|e| e.within_key(k))?;
                    Ok((k.clone(), v))
                })
                .collect::<Result<_, ValueError>>()?;
            Ok(Value::Map(entries))
        }
        (Json::Object(fields), Type::Object(attrs)) => decode_object(fields, attrs, opts),
        (j, ty) => Err(ValueError::mismatch(ty, json_kind(j))),
    }
}

fn decode_items(
    items: &[Json],
    elem: &Type,
    opts: JsonDecodeOptions,
) -> Result<Vec<Value>, ValueError> {
    items
        .iter()
        .enumerate()
        .map(|(i, j)| from_json(j, elem, opts).map_err(|e| e.within_index(i)))
        .collect()
}

fn decode_object(
    fields: &serde_json::Map<String, Json>,
    attrs: &BTreeMap<String, Type>,
    opts: JsonDecodeOptions,
) -> Result<Value, ValueError> {
    if !opts.ignore_undefined_attributes
        && let Some(extra) = fields.keys().find(|k| !attrs.contains_key(*k))
    {
        return Err(ValueError::new(ValueErrorKind::UnknownAttribute(
            extra.clone(),
        )));
    }
    let mut out = BTreeMap::new();
    for (name, attr_ty) in attrs {
        let v = match fields.get(name) {
            Some(j) => from_json(j, attr_ty, opts).map_err(|e| e.within_attr(name))?,
            None => Value::Null,
        };
        out.insert(name.clone(), v);
    }
    Ok(Value::Object(out))
}

fn decode_dynamic(
    fields: &serde_json::Map<String, Json>,
    opts: JsonDecodeOptions,
) -> Result<Value, ValueError> {
    if let Some(extra) = fields.keys().find(|k| *k != "value" && *k != "type") {
        return Err(ValueError::new(ValueErrorKind::UnknownAttribute(
            extra.clone(),
        )));
    }
    let (Some(type_json), Some(value_json)) = (fields.get("type"), fields.get("value")) else {
        return Err(ValueError::new(ValueErrorKind::MissingAttribute(
            if fields.contains_key("type") {
                "value"
            } else {
                "type"
            }
            .to_owned(),
        )));
    };
    let ty = Type::from_json(type_json).map_err(|e| e.within_attr("type"))?;
    let value = from_json(value_json, &ty, opts)?;
    Ok(Value::Dynamic(Box::new((ty, value))))
}
