//! [`Value`] → JSON bytes, directed by the [`Type`].

use std::collections::BTreeMap;

use crate::value::data::Value;
use crate::value::error::{ValueError, ValueErrorKind};
use crate::value::type_json::write_json_string;
use crate::value::types::Type;

pub(super) fn encode_value(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<(), ValueError> {
    match (value, ty) {
        (Value::Unknown, _) => return Err(ValueError::new(ValueErrorKind::Unknown)),
        (Value::Null, _) => out.extend_from_slice(b"null"),
        (Value::Dynamic(inner), Type::Dynamic) => {
            let (inner_ty, inner_value) = &**inner;
            out.extend_from_slice(b"{\"value\":");
            encode_value(out, inner_value, inner_ty)?;
            out.extend_from_slice(b",\"type\":");
            inner_ty.write_json(out);
            out.push(b'}');
        }
        (v, Type::Dynamic) => {
            return Err(ValueError::mismatch(
                "dynamic value (Value::Dynamic)",
                v.kind_name(),
            ));
        }
        (Value::Bool(b), Type::Bool) => {
            out.extend_from_slice(if *b { b"true" } else { b"false" });
        }
        (Value::Number(n), Type::Number) => out.extend_from_slice(n.to_string().as_bytes()),
        (Value::String(s), Type::String) => write_json_string(out, s),
        (Value::List(items), Type::List(elem)) | (Value::Set(items), Type::Set(elem)) => {
            write_array(out, items.iter().map(|v| (v, &**elem)))?;
        }
        (Value::Tuple(items), Type::Tuple(elems)) => {
            if items.len() != elems.len() {
                return Err(ValueError::new(ValueErrorKind::TupleLength {
                    expected: elems.len(),
                    got: items.len(),
                }));
            }
            write_array(out, items.iter().zip(elems))?;
        }
        (Value::Map(entries), Type::Map(elem)) => {
            out.push(b'{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_string(out, k);
                out.push(b':');
                encode_value(out, v, elem).map_err(|e| e.within_key(k))?;
            }
            out.push(b'}');
        }
        (Value::Object(attrs), Type::Object(attr_types)) => encode_object(out, attrs, attr_types)?,
        (v, ty) => return Err(ValueError::mismatch(ty, v.kind_name())),
    }
    Ok(())
}

fn write_array<'a>(
    out: &mut Vec<u8>,
    items: impl Iterator<Item = (&'a Value, &'a Type)>,
) -> Result<(), ValueError> {
    out.push(b'[');
    for (i, (v, t)) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        encode_value(out, v, t).map_err(|e| e.within_index(i))?;
    }
    out.push(b']');
    Ok(())
}

fn encode_object(
    out: &mut Vec<u8>,
    attrs: &BTreeMap<String, Value>,
    attr_types: &BTreeMap<String, Type>,
) -> Result<(), ValueError> {
    if let Some(extra) = attrs.keys().find(|k| !attr_types.contains_key(*k)) {
        return Err(ValueError::new(ValueErrorKind::UnknownAttribute(
            extra.clone(),
        )));
    }
    out.push(b'{');
    for (i, (name, attr_ty)) in attr_types.iter().enumerate() {
        let Some(v) = attrs.get(name) else {
            return Err(ValueError::new(ValueErrorKind::MissingAttribute(
                name.clone(),
            )));
        };
        if i > 0 {
            out.push(b',');
        }
        write_json_string(out, name);
        out.push(b':');
        encode_value(out, v, attr_ty).map_err(|e| e.within_attr(name))?;
    }
    out.push(b'}');
    Ok(())
}
