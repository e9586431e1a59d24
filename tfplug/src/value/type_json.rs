//! cty type JSON: `"string"`, `["list","string"]`, `["object",{"a":"number"}]`, ...

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::MAX_DEPTH;
use super::error::{ValueError, ValueErrorKind};
use super::types::Type;

impl Type {
    /// The cty type JSON of this type, e.g. `["list","string"]`.
    pub fn to_json(&self) -> Json {
        match self {
            Type::Bool => Json::from("bool"),
            Type::Number => Json::from("number"),
            Type::String => Json::from("string"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(t) => Json::Array(vec![Json::from("list"), t.to_json()]),
            Type::Set(t) => Json::Array(vec![Json::from("set"), t.to_json()]),
            Type::Map(t) => Json::Array(vec![Json::from("map"), t.to_json()]),
            Type::Object(attrs) => {
                let map = attrs.iter().map(|(k, t)| (k.clone(), t.to_json()));
                Json::Array(vec![Json::from("object"), Json::Object(map.collect())])
            }
            Type::Tuple(elems) => Json::Array(vec![
                Json::from("tuple"),
                Json::Array(elems.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// The cty type JSON of this type as compact bytes (attributes in name order).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_json(&mut out);
        out
    }

    /// Appends the compact type JSON to `out` without building a `serde_json::Value`.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Type::Bool => out.extend_from_slice(b"\"bool\""),
            Type::Number => out.extend_from_slice(b"\"number\""),
            Type::String => out.extend_from_slice(b"\"string\""),
            Type::Dynamic => out.extend_from_slice(b"\"dynamic\""),
            Type::List(t) => write_collection(out, "list", t),
            Type::Set(t) => write_collection(out, "set", t),
            Type::Map(t) => write_collection(out, "map", t),
            Type::Object(attrs) => {
                out.extend_from_slice(b"[\"object\",{");
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_string(out, name);
                    out.push(b':');
                    t.write_json(out);
                }
                out.extend_from_slice(b"}]");
            }
            Type::Tuple(elems) => {
                out.extend_from_slice(b"[\"tuple\",[");
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    t.write_json(out);
                }
                out.extend_from_slice(b"]]");
            }
        }
    }

    /// Parses cty type JSON. Also accepts `["object",{...},["optional","attrs"]]`
    /// (the optional-attributes list is ignored).
    pub fn from_json(v: &Json) -> Result<Type, ValueError> {
        parse(v, 0)
    }

    /// Parses cty type JSON from bytes.
    pub fn from_json_bytes(b: &[u8]) -> Result<Type, ValueError> {
        let json: Json =
            serde_json::from_slice(b).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
        Type::from_json(&json)
    }
}

fn write_collection(out: &mut Vec<u8>, kind: &str, elem: &Type) {
    out.extend_from_slice(b"[\"");
    out.extend_from_slice(kind.as_bytes());
    out.extend_from_slice(b"\",");
    elem.write_json(out);
    out.push(b']');
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_json_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
    out.push(b'"');
}

fn invalid(msg: impl Into<String>) -> ValueError {
    ValueError::new(ValueErrorKind::InvalidType(msg.into()))
}

fn parse(v: &Json, depth: usize) -> Result<Type, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::new(ValueErrorKind::DepthLimit(MAX_DEPTH)));
    }
    match v {
        Json::String(s) => match s.as_str() {
            "bool" => Ok(Type::Bool),
            "number" => Ok(Type::Number),
            "string" => Ok(Type::String),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(invalid(format!("unknown primitive type {other:?}"))),
        },
        Json::Array(items) => {
            let Some(Json::String(kind)) = items.first() else {
                return Err(invalid("type array must start with a kind string"));
            };
            let args = &items[1..];
            match (kind.as_str(), args) {
                ("list", [t]) => Ok(Type::list(parse(t, depth + 1)?)),
                ("set", [t]) => Ok(Type::set(parse(t, depth + 1)?)),
                ("map", [t]) => Ok(Type::map(parse(t, depth + 1)?)),
                ("object", [Json::Object(attrs)]) | ("object", [Json::Object(attrs), _]) => {
                    if let [_, optional] = args
                        && !optional.is_array()
                    {
                        return Err(invalid("object optional attributes must be an array"));
                    }
                    let mut out = BTreeMap::new();
                    for (name, t) in attrs {
                        let t = parse(t, depth + 1).map_err(|e| e.within_attr(name))?;
                        out.insert(name.clone(), t);
                    }
                    Ok(Type::Object(out))
                }
                ("tuple", [Json::Array(elems)]) => {
                    let elems = elems
                        .iter()
                        .enumerate()
                        .map(|(i, t)| parse(t, depth + 1).map_err(|e| e.within_index(i)))
                        .collect::<Result<_, _>>()?;
                    Ok(Type::Tuple(elems))
                }
                (other, _) => Err(invalid(format!(
                    "unsupported type kind {other:?} or wrong arguments"
                ))),
            }
        }
        _ => Err(invalid("a type must be a string or an array")),
    }
}
