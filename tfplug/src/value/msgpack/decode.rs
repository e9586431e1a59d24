//! msgpack → [`Value`], directed by the expected [`Type`].

use std::collections::BTreeMap;

use crate::value::MAX_DEPTH;
use crate::value::data::Value;
use crate::value::error::{ValueError, ValueErrorKind};
use crate::value::number::Number;
use crate::value::types::Type;

/// Decodes a whole buffer; empty means null, leftover bytes are an error.
pub(super) fn decode_all(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut r = Reader { buf: bytes, pos: 0 };
    let value = decode_value(&mut r, ty, 0)?;
    match bytes.len() - r.pos {
        0 => Ok(value),
        n => Err(ValueError::new(ValueErrorKind::TrailingBytes(n))),
    }
}

/// One msgpack item header; scalars and byte strings are fully read,
/// arrays and maps only up to their length.
enum Head<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(usize),
    Map(usize),
    Ext,
    Reserved,
}

impl Head<'_> {
    fn name(&self) -> &'static str {
        match self {
            Head::Nil => "msgpack nil",
            Head::Bool(_) => "msgpack bool",
            Head::Int(_) | Head::Uint(_) => "msgpack integer",
            Head::Float(_) => "msgpack float",
            Head::Str(_) => "msgpack string",
            Head::Bin(_) => "msgpack binary",
            Head::Array(_) => "msgpack array",
            Head::Map(_) => "msgpack map",
            Head::Ext => "msgpack extension",
            Head::Reserved => "reserved msgpack byte 0xc1",
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn malformed(msg: &str) -> ValueError {
    ValueError::new(ValueErrorKind::MalformedMsgpack(msg.to_owned()))
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ValueError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or_else(|| malformed("unexpected end of input"))?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ValueError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, ValueError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, ValueError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, ValueError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A 32-bit length as `usize`.
    fn len32(&mut self) -> Result<usize, ValueError> {
        usize::try_from(self.u32()?).map_err(|_| malformed("length too large"))
    }

    fn head(&mut self) -> Result<Head<'a>, ValueError> {
        let marker = self.u8()?;
        Ok(match marker {
            0x00..=0x7f => Head::Int(i64::from(marker)),
            0x80..=0x8f => Head::Map(usize::from(marker & 0x0f)),
            0x90..=0x9f => Head::Array(usize::from(marker & 0x0f)),
            0xa0..=0xbf => Head::Str(self.take(usize::from(marker & 0x1f))?),
            0xc0 => Head::Nil,
            0xc1 => Head::Reserved,
            0xc2 => Head::Bool(false),
            0xc3 => Head::Bool(true),
            0xc4 => {
                let n = usize::from(self.u8()?);
                Head::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = usize::from(self.u16()?);
                Head::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.len32()?;
                Head::Bin(self.take(n)?)
            }
            0xc7 => {
                let n = usize::from(self.u8()?);
                self.skip_ext(n)?
            }
            0xc8 => {
                let n = usize::from(self.u16()?);
                self.skip_ext(n)?
            }
            0xc9 => {
                let n = self.len32()?;
                self.skip_ext(n)?
            }
            0xca => Head::Float(f64::from(f32::from_be_bytes(self.array()?))),
            0xcb => Head::Float(f64::from_be_bytes(self.array()?)),
            0xcc => Head::Uint(u64::from(self.u8()?)),
            0xcd => Head::Uint(u64::from(self.u16()?)),
            0xce => Head::Uint(u64::from(self.u32()?)),
            0xcf => Head::Uint(u64::from_be_bytes(self.array()?)),
            0xd0 => Head::Int(i64::from(i8::from_be_bytes(self.array()?))),
            0xd1 => Head::Int(i64::from(i16::from_be_bytes(self.array()?))),
            0xd2 => Head::Int(i64::from(i32::from_be_bytes(self.array()?))),
            0xd3 => Head::Int(i64::from_be_bytes(self.array()?)),
            0xd4 => self.skip_ext(1)?,
            0xd5 => self.skip_ext(2)?,
            0xd6 => self.skip_ext(4)?,
            0xd7 => self.skip_ext(8)?,
            0xd8 => self.skip_ext(16)?,
            0xd9 => {
                let n = usize::from(self.u8()?);
                Head::Str(self.take(n)?)
            }
            0xda => {
                let n = usize::from(self.u16()?);
                Head::Str(self.take(n)?)
            }
            0xdb => {
                let n = self.len32()?;
                Head::Str(self.take(n)?)
            }
            0xdc => Head::Array(usize::from(self.u16()?)),
            0xdd => Head::Array(self.len32()?),
            0xde => Head::Map(usize::from(self.u16()?)),
            0xdf => Head::Map(self.len32()?),
            0xe0..=0xff => Head::Int(i64::from(marker as i8)),
        })
    }

    /// Skips an extension's type byte and `n` data bytes.
    fn skip_ext(&mut self, n: usize) -> Result<Head<'a>, ValueError> {
        self.u8()?;
        self.take(n)?;
        Ok(Head::Ext)
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, ValueError> {
    std::str::from_utf8(bytes).map_err(|_| malformed("string is not valid UTF-8"))
}

fn enter(depth: usize) -> Result<usize, ValueError> {
    if depth >= MAX_DEPTH {
        Err(ValueError::new(ValueErrorKind::DepthLimit(MAX_DEPTH)))
    } else {
        Ok(depth + 1)
    }
}

// The recursion goes decode_value → decode_array/decode_map_like → decode_value; these
// functions stay small so that deep (but allowed) nesting fits the stack even in debug
// builds. Scalars are handled out of line.
fn decode_value(r: &mut Reader<'_>, ty: &Type, depth: usize) -> Result<Value, ValueError> {
    match r.head()? {
        Head::Ext => Ok(Value::Unknown),
        Head::Nil => Ok(Value::Null),
        Head::Array(n) => decode_array(r, n, ty, enter(depth)?),
        Head::Map(n) => decode_map_like(r, n, ty, enter(depth)?),
        scalar => decode_scalar(scalar, ty),
    }
}

#[inline(never)]
fn decode_scalar(head: Head<'_>, ty: &Type) -> Result<Value, ValueError> {
    match (head, ty) {
        (Head::Bool(b), Type::Bool) => Ok(Value::Bool(b)),
        (Head::Int(i), Type::Number) => Ok(Value::Number(Number::from_i64(i))),
        (Head::Uint(u), Type::Number) => Ok(Value::Number(Number::from_u64(u))),
        (Head::Float(f), Type::Number) => Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| ValueError::new(ValueErrorKind::BadNumber(format!("{f}")))),
        (Head::Str(b) | Head::Bin(b), Type::Number) => Ok(Value::Number(Number::parse(utf8(b)?)?)),
        (Head::Str(b) | Head::Bin(b), Type::String) => Ok(Value::String(utf8(b)?.to_owned())),
        (head, ty) => Err(mismatch(ty, &head)),
    }
}

#[inline(never)]
fn mismatch(ty: &Type, head: &Head<'_>) -> ValueError {
    match ty {
        Type::Dynamic => ValueError::mismatch("dynamic value ([type, value] array)", head.name()),
        ty => ValueError::mismatch(ty, head.name()),
    }
}

fn decode_array(
    r: &mut Reader<'_>,
    n: usize,
    ty: &Type,
    depth: usize,
) -> Result<Value, ValueError> {
    match ty {
        Type::List(elem) => Ok(Value::List(decode_items(r, n, elem, depth)?)),
        Type::Set(elem) => Ok(Value::Set(decode_items(r, n, elem, depth)?)),
        Type::Tuple(elems) => decode_tuple(r, n, elems, depth),
        Type::Dynamic if n == 2 => decode_dynamic(r, depth),
        ty => Err(mismatch(ty, &Head::Array(n))),
    }
}

fn decode_map_like(
    r: &mut Reader<'_>,
    n: usize,
    ty: &Type,
    depth: usize,
) -> Result<Value, ValueError> {
    match ty {
        Type::Map(elem) => decode_map(r, n, elem, depth),
        Type::Object(attrs) => decode_object(r, n, attrs, depth),
        ty => Err(mismatch(ty, &Head::Map(n))),
    }
}

fn decode_dynamic(r: &mut Reader<'_>, depth: usize) -> Result<Value, ValueError> {
    let ty = match r.head()? {
        Head::Str(b) | Head::Bin(b) => Type::from_json_bytes(b)?,
        other => return Err(ValueError::mismatch("type JSON bytes", other.name())),
    };
    let value = decode_value(r, &ty, depth)?;
    Ok(Value::Dynamic(Box::new((ty, value))))
}

fn decode_items(
    r: &mut Reader<'_>,
    n: usize,
    elem: &Type,
    depth: usize,
) -> Result<Vec<Value>, ValueError> {
    // Every element takes at least one byte: never trust the length for allocation.
    let mut items = Vec::with_capacity(n.min(r.remaining()));
    for i in 0..n {
        items.push(decode_value(r, elem, depth).map_err(|e| e.within_index(i))?);
    }
    Ok(items)
}

fn decode_tuple(
    r: &mut Reader<'_>,
    n: usize,
    elems: &[Type],
    depth: usize,
) -> Result<Value, ValueError> {
    if n != elems.len() {
        return Err(ValueError::new(ValueErrorKind::TupleLength {
            expected: elems.len(),
            got: n,
        }));
    }
    let items = elems
        .iter()
        .enumerate()
        .map(|(i, t)| decode_value(r, t, depth).map_err(|e| e.within_index(i)))
        .collect::<Result<_, _>>()?;
    Ok(Value::Tuple(items))
}

fn decode_key(r: &mut Reader<'_>) -> Result<String, ValueError> {
    match r.head()? {
        Head::Str(b) | Head::Bin(b) => Ok(utf8(b)?.to_owned()),
        other => Err(ValueError::mismatch("string map key", other.name())),
    }
}

fn decode_map(
    r: &mut Reader<'_>,
    n: usize,
    elem: &Type,
    depth: usize,
) -> Result<Value, ValueError> {
    let mut entries = BTreeMap::new();
    for _ in 0..n {
        let key = decode_key(r)?;
        let value = decode_value(r, elem, depth).map_err(|e| e.within_key(&key))?;
        if entries.contains_key(&key) {
            return Err(ValueError::new(ValueErrorKind::DuplicateKey(key)));
        }
        entries.insert(key, value);
    }
    Ok(Value::Map(entries))
}

fn decode_object(
    r: &mut Reader<'_>,
    n: usize,
    attrs: &BTreeMap<String, Type>,
    depth: usize,
) -> Result<Value, ValueError> {
    let mut out = BTreeMap::new();
    for _ in 0..n {
        let key = decode_key(r)?;
        let Some(attr_ty) = attrs.get(&key) else {
            return Err(ValueError::new(ValueErrorKind::UnknownAttribute(key)));
        };
        let value = decode_value(r, attr_ty, depth).map_err(|e| e.within_attr(&key))?;
        if out.contains_key(&key) {
            return Err(ValueError::new(ValueErrorKind::DuplicateKey(key)));
        }
        out.insert(key, value);
    }
    if out.len() != attrs.len()
        && let Some(missing) = attrs.keys().find(|k| !out.contains_key(*k))
    {
        return Err(ValueError::new(ValueErrorKind::MissingAttribute(
            missing.clone(),
        )));
    }
    Ok(Value::Object(out))
}
