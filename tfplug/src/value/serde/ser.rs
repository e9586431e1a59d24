//! Rust types → [`Value`] through `serde::Serialize`, directed by a [`Type`].

use std::collections::BTreeMap;
use std::fmt;

use ::serde::ser::{self, Impossible, Serialize};

use super::UNKNOWN_TOKEN;
use super::key::KeySerializer;
use crate::value::data::Value;
use crate::value::error::{ValueError, ValueErrorKind};
use crate::value::number::Number;
use crate::value::types::Type;

impl ser::Error for ValueError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ValueError::new(ValueErrorKind::Custom(msg.to_string()))
    }
}

/// Builds a value of type `ty` from a Rust value.
///
/// `None`/unit/[`Maybe::Null`](super::Maybe::Null) become null and
/// [`Maybe::Unknown`](super::Maybe::Unknown) unknown. For an object type, attributes the
/// Rust struct (or map) lacks become null, and a field the type lacks is an error
/// ([`ValueErrorKind::UnknownAttribute`]). Sequences fill lists, sets and tuples; structs
/// and maps fill objects and maps; unit enum variants are strings. At a `dynamic`
/// position the type is inferred (sequences → tuple, structs/maps → object) and the
/// result is wrapped in [`Value::Dynamic`].
pub fn to_value<T: Serialize + ?Sized>(t: &T, ty: &Type) -> Result<Value, ValueError> {
    t.serialize(ValueSerializer { ty })
}

/// The struct name serde_json uses for numbers when `arbitrary_precision` is enabled.
const SERDE_JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Splits a value produced at a dynamic position into `(type, value)`.
fn split_dynamic(v: Value) -> (Type, Value) {
    match v {
        Value::Dynamic(inner) => *inner,
        other => (Type::Dynamic, other),
    }
}

fn unsupported(what: &str) -> ValueError {
    ValueError::new(ValueErrorKind::Custom(format!(
        "{what} cannot be converted to a value"
    )))
}

struct ValueSerializer<'t> {
    ty: &'t Type,
}

impl ValueSerializer<'_> {
    /// A primitive `v` of type `prim` at this position.
    fn primitive(self, prim: Type, v: Value) -> Result<Value, ValueError> {
        if *self.ty == prim {
            Ok(v)
        } else if *self.ty == Type::Dynamic {
            Ok(Value::dynamic(prim, v))
        } else {
            Err(ValueError::mismatch(self.ty, prim))
        }
    }

    fn number(self, n: Number) -> Result<Value, ValueError> {
        self.primitive(Type::Number, Value::Number(n))
    }
}

impl<'t> ser::Serializer for ValueSerializer<'t> {
    type Ok = Value;
    type Error = ValueError;
    type SerializeSeq = SeqSer<'t>;
    type SerializeTuple = SeqSer<'t>;
    type SerializeTupleStruct = SeqSer<'t>;
    type SerializeTupleVariant = Impossible<Value, ValueError>;
    type SerializeMap = MapSer<'t>;
    type SerializeStruct = MapSer<'t>;
    type SerializeStructVariant = Impossible<Value, ValueError>;

    fn serialize_bool(self, v: bool) -> Result<Value, ValueError> {
        self.primitive(Type::Bool, Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value, ValueError> {
        self.number(Number::from_i64(v.into()))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, ValueError> {
        self.number(Number::from_i64(v.into()))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, ValueError> {
        self.number(Number::from_i64(v.into()))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, ValueError> {
        self.number(Number::from_i64(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, ValueError> {
        self.number(Number::from_i128(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Value, ValueError> {
        self.number(Number::from_u64(v.into()))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, ValueError> {
        self.number(Number::from_u64(v.into()))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, ValueError> {
        self.number(Number::from_u64(v.into()))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, ValueError> {
        self.number(Number::from_u64(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, ValueError> {
        self.number(Number::parse(&v.to_string())?)
    }

    fn serialize_f32(self, v: f32) -> Result<Value, ValueError> {
        // Via the shortest decimal of the f32, so 0.1f32 becomes 0.1.
        if !v.is_finite() {
            return Err(ValueError::new(ValueErrorKind::BadNumber(v.to_string())));
        }
        self.number(Number::parse(&format!("{v:e}"))?)
    }

    fn serialize_f64(self, v: f64) -> Result<Value, ValueError> {
        let n = Number::from_f64(v)
            .ok_or_else(|| ValueError::new(ValueErrorKind::BadNumber(v.to_string())))?;
        self.number(n)
    }

    fn serialize_char(self, v: char) -> Result<Value, ValueError> {
        self.primitive(Type::String, Value::String(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Value, ValueError> {
        self.primitive(Type::String, Value::String(v.to_owned()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Value, ValueError> {
        match std::str::from_utf8(v) {
            Ok(s) => self.serialize_str(s),
            Err(_) => Err(unsupported("non-UTF-8 bytes")),
        }
    }

    fn serialize_none(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ValueError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ValueError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, ValueError> {
        if name == UNKNOWN_TOKEN {
            Ok(Value::Unknown)
        } else {
            value.serialize(self)
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, ValueError> {
        let mut map = self.serialize_map(Some(1))?;
        ser::SerializeMap::serialize_entry(&mut map, variant, value)?;
        ser::SerializeMap::end(map)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'t>, ValueError> {
        let elem = match self.ty {
            Type::List(t) | Type::Set(t) => SeqElem::Same(t),
            Type::Tuple(ts) => SeqElem::Tuple(ts),
            Type::Dynamic => SeqElem::Implied(Vec::new()),
            other => return Err(ValueError::mismatch(other, "sequence")),
        };
        Ok(SeqSer {
            ty: self.ty,
            elem,
            items: Vec::with_capacity(len.unwrap_or(0).min(1024)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'t>, ValueError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqSer<'t>, ValueError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Err(unsupported("a tuple enum variant"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapSer<'t>, ValueError> {
        match self.ty {
            Type::Map(_) | Type::Object(_) | Type::Dynamic => Ok(MapSer {
                ty: self.ty,
                entries: BTreeMap::new(),
                implied: BTreeMap::new(),
                key: None,
                json_number: None,
            }),
            other => Err(ValueError::mismatch(other, "map or struct")),
        }
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<MapSer<'t>, ValueError> {
        if name == SERDE_JSON_NUMBER_TOKEN {
            // serde_json's arbitrary-precision number: one field holding the digits.
            return Ok(MapSer {
                ty: self.ty,
                entries: BTreeMap::new(),
                implied: BTreeMap::new(),
                key: None,
                json_number: Some(None),
            });
        }
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Err(unsupported("a struct enum variant"))
    }
}

/// How the elements of a sequence are typed.
enum SeqElem<'t> {
    /// list/set: one element type.
    Same(&'t Type),
    /// tuple: one type per position.
    Tuple(&'t [Type]),
    /// dynamic: inferred per element (collected here), giving a tuple.
    Implied(Vec<Type>),
}

/// Collects sequence elements.
struct SeqSer<'t> {
    ty: &'t Type,
    elem: SeqElem<'t>,
    items: Vec<Value>,
}

impl SeqSer<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let i = self.items.len();
        let v = match &mut self.elem {
            SeqElem::Same(t) => to_value(value, t),
            SeqElem::Tuple(ts) => match ts.get(i) {
                Some(t) => to_value(value, t),
                None => Err(ValueError::new(ValueErrorKind::TupleLength {
                    expected: ts.len(),
                    got: i + 1,
                })),
            },
            SeqElem::Implied(types) => to_value(value, &Type::Dynamic).map(|v| {
                let (t, v) = split_dynamic(v);
                types.push(t);
                v
            }),
        };
        self.items.push(v.map_err(|e| e.within_index(i))?);
        Ok(())
    }

    fn finish(self) -> Result<Value, ValueError> {
        match (self.ty, self.elem) {
            (Type::List(_), _) => Ok(Value::List(self.items)),
            (Type::Set(_), _) => Ok(Value::Set(self.items)),
            (_, SeqElem::Implied(types)) => {
                Ok(Value::dynamic(Type::Tuple(types), Value::Tuple(self.items)))
            }
            (_, SeqElem::Tuple(ts)) if ts.len() != self.items.len() => {
                Err(ValueError::new(ValueErrorKind::TupleLength {
                    expected: ts.len(),
                    got: self.items.len(),
                }))
            }
            _ => Ok(Value::Tuple(self.items)),
        }
    }
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

/// Collects map entries or struct fields into a map, object or (dynamic) inferred object.
struct MapSer<'t> {
    ty: &'t Type,
    entries: BTreeMap<String, Value>,
    implied: BTreeMap<String, Type>,
    key: Option<String>,
    /// `Some` when serializing serde_json's arbitrary-precision number struct.
    json_number: Option<Option<Number>>,
}

impl MapSer<'_> {
    fn insert<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), ValueError> {
        let v = match self.ty {
            Type::Map(elem) => to_value(value, elem).map_err(|e| e.within_key(&key))?,
            Type::Object(attrs) => match attrs.get(&key) {
                Some(t) => to_value(value, t).map_err(|e| e.within_attr(&key))?,
                None => return Err(ValueError::new(ValueErrorKind::UnknownAttribute(key))),
            },
            _ => {
                let v = to_value(value, &Type::Dynamic).map_err(|e| e.within_attr(&key))?;
                let (t, v) = split_dynamic(v);
                self.implied.insert(key.clone(), t);
                v
            }
        };
        if self.entries.contains_key(&key) {
            return Err(ValueError::new(ValueErrorKind::DuplicateKey(key)));
        }
        self.entries.insert(key, v);
        Ok(())
    }

    fn finish(mut self) -> Result<Value, ValueError> {
        if let Some(number) = self.json_number {
            let n = number
                .ok_or_else(|| <ValueError as ser::Error>::custom("empty serde_json number"))?;
            return ValueSerializer { ty: self.ty }.number(n);
        }
        match self.ty {
            Type::Map(_) => Ok(Value::Map(self.entries)),
            Type::Object(attrs) => {
                for name in attrs.keys() {
                    if !self.entries.contains_key(name) {
                        self.entries.insert(name.clone(), Value::Null);
                    }
                }
                Ok(Value::Object(self.entries))
            }
            _ => Ok(Value::dynamic(
                Type::Object(self.implied),
                Value::Object(self.entries),
            )),
        }
    }
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ValueError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        match self.key.take() {
            Some(key) => self.insert(key, value),
            None => Err(ser::Error::custom("map value serialized before its key")),
        }
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        if let Some(slot) = &mut self.json_number {
            let digits = value.serialize(KeySerializer)?;
            *slot = Some(Number::parse(&digits)?);
            return Ok(());
        }
        self.insert(key.to_owned(), value)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}
