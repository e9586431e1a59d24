//! [`Value`] → msgpack, directed by the [`Type`].

use std::collections::BTreeMap;

use crate::value::data::Value;
use crate::value::error::{ValueError, ValueErrorKind};
use crate::value::number::Number;
use crate::value::types::Type;

/// The unknown value as cty writes it: fixext1, type 0, data 0.
pub(super) const UNKNOWN: [u8; 3] = [0xd4, 0x00, 0x00];

// The recursion goes encode_value → encode_seq/encode_entries/encode_dynamic →
// encode_value; these stay small so deep values fit the stack even in debug builds.
pub(super) fn encode_value(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<(), ValueError> {
    match value {
        Value::Unknown => {
            out.extend_from_slice(&UNKNOWN);
            Ok(())
        }
        Value::Null => {
            out.push(0xc0);
            Ok(())
        }
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            encode_seq(out, value, items, ty)
        }
        Value::Map(entries) | Value::Object(entries) => encode_entries(out, value, entries, ty),
        Value::Dynamic(inner) => encode_dynamic(out, value, inner, ty),
        scalar => encode_scalar(out, scalar, ty),
    }
}

#[inline(never)]
fn mismatch(value: &Value, ty: &Type) -> ValueError {
    match ty {
        Type::Dynamic => ValueError::mismatch("dynamic value (Value::Dynamic)", value.kind_name()),
        ty => ValueError::mismatch(ty, value.kind_name()),
    }
}

#[inline(never)]
fn encode_scalar(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<(), ValueError> {
    match (value, ty) {
        (Value::Bool(b), Type::Bool) => out.push(if *b { 0xc3 } else { 0xc2 }),
        (Value::Number(n), Type::Number) => write_number(out, n)?,
        (Value::String(s), Type::String) => write_str(out, s)?,
        (value, ty) => return Err(mismatch(value, ty)),
    }
    Ok(())
}

fn encode_dynamic(
    out: &mut Vec<u8>,
    value: &Value,
    inner: &(Type, Value),
    ty: &Type,
) -> Result<(), ValueError> {
    if *ty != Type::Dynamic {
        return Err(mismatch(value, ty));
    }
    let (inner_ty, inner_value) = inner;
    out.push(0x92);
    write_bin(out, &inner_ty.to_json_bytes())?;
    encode_value(out, inner_value, inner_ty)
}

fn encode_seq(
    out: &mut Vec<u8>,
    value: &Value,
    items: &[Value],
    ty: &Type,
) -> Result<(), ValueError> {
    match (value, ty) {
        (Value::List(_), Type::List(elem)) | (Value::Set(_), Type::Set(elem)) => {
            write_len(out, items.len(), 0x90, 0xdc)?;
            for (i, v) in items.iter().enumerate() {
                encode_value(out, v, elem).map_err(|e| e.within_index(i))?;
            }
        }
        (Value::Tuple(_), Type::Tuple(elems)) => {
            if items.len() != elems.len() {
                return Err(ValueError::new(ValueErrorKind::TupleLength {
                    expected: elems.len(),
                    got: items.len(),
                }));
            }
            write_len(out, items.len(), 0x90, 0xdc)?;
            for (i, (v, t)) in items.iter().zip(elems).enumerate() {
                encode_value(out, v, t).map_err(|e| e.within_index(i))?;
            }
        }
        (value, ty) => return Err(mismatch(value, ty)),
    }
    Ok(())
}

fn encode_entries(
    out: &mut Vec<u8>,
    value: &Value,
    entries: &BTreeMap<String, Value>,
    ty: &Type,
) -> Result<(), ValueError> {
    match (value, ty) {
        (Value::Map(_), Type::Map(elem)) => {
            write_len(out, entries.len(), 0x80, 0xde)?;
            for (k, v) in entries {
                write_str(out, k)?;
                encode_value(out, v, elem).map_err(|e| e.within_key(k))?;
            }
            Ok(())
        }
        (Value::Object(_), Type::Object(attr_types)) => encode_object(out, entries, attr_types),
        (value, ty) => Err(mismatch(value, ty)),
    }
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
    write_len(out, attr_types.len(), 0x80, 0xde)?;
    for (name, attr_ty) in attr_types {
        let Some(v) = attrs.get(name) else {
            return Err(ValueError::new(ValueErrorKind::MissingAttribute(
                name.clone(),
            )));
        };
        write_str(out, name)?;
        encode_value(out, v, attr_ty).map_err(|e| e.within_attr(name))?;
    }
    Ok(())
}

fn too_long() -> ValueError {
    ValueError::new(ValueErrorKind::Custom(
        "collection or string too long for msgpack".to_owned(),
    ))
}

/// Writes an array (`fix = 0x90`, `wide = 0xdc`) or map (`0x80`, `0xde`) header.
fn write_len(out: &mut Vec<u8>, n: usize, fix: u8, wide: u8) -> Result<(), ValueError> {
    if n < 16 {
        out.push(fix | n as u8);
    } else if let Ok(n) = u16::try_from(n) {
        out.push(wide);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        let n = u32::try_from(n).map_err(|_| too_long())?;
        out.push(wide + 1);
        out.extend_from_slice(&n.to_be_bytes());
    }
    Ok(())
}

fn write_str(out: &mut Vec<u8>, s: &str) -> Result<(), ValueError> {
    let n = s.len();
    if n < 32 {
        out.push(0xa0 | n as u8);
    } else if let Ok(n) = u8::try_from(n) {
        out.extend_from_slice(&[0xd9, n]);
    } else if let Ok(n) = u16::try_from(n) {
        out.push(0xda);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        let n = u32::try_from(n).map_err(|_| too_long())?;
        out.push(0xdb);
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn write_bin(out: &mut Vec<u8>, b: &[u8]) -> Result<(), ValueError> {
    if let Ok(n) = u8::try_from(b.len()) {
        out.extend_from_slice(&[0xc4, n]);
    } else if let Ok(n) = u16::try_from(b.len()) {
        out.push(0xc5);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        let n = u32::try_from(b.len()).map_err(|_| too_long())?;
        out.push(0xc6);
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.extend_from_slice(b);
    Ok(())
}

/// int if it fits `i64`/`u64`, float64 if exact, else a decimal string.
fn write_number(out: &mut Vec<u8>, n: &Number) -> Result<(), ValueError> {
    if let Some(i) = n.as_i64() {
        write_int(out, i);
    } else if let Some(u) = n.as_u64() {
        write_uint(out, u);
    } else if let Some(f) = n.as_exact_f64() {
        out.push(0xcb);
        out.extend_from_slice(&f.to_be_bytes());
    } else {
        write_str(out, &n.to_string())?;
    }
    Ok(())
}

fn write_uint(out: &mut Vec<u8>, u: u64) {
    if u < 0x80 {
        out.push(u as u8);
    } else if let Ok(u) = u8::try_from(u) {
        out.extend_from_slice(&[0xcc, u]);
    } else if let Ok(u) = u16::try_from(u) {
        out.push(0xcd);
        out.extend_from_slice(&u.to_be_bytes());
    } else if let Ok(u) = u32::try_from(u) {
        out.push(0xce);
        out.extend_from_slice(&u.to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&u.to_be_bytes());
    }
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    if let Ok(u) = u64::try_from(i) {
        write_uint(out, u);
    } else if i >= -32 {
        out.push(i as u8);
    } else if let Ok(i) = i8::try_from(i) {
        out.push(0xd0);
        out.extend_from_slice(&i.to_be_bytes());
    } else if let Ok(i) = i16::try_from(i) {
        out.push(0xd1);
        out.extend_from_slice(&i.to_be_bytes());
    } else if let Ok(i) = i32::try_from(i) {
        out.push(0xd2);
        out.extend_from_slice(&i.to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}
