//! [`Value`] → Rust types through `serde::Deserialize`.

use std::collections::btree_map;
use std::fmt;

use ::serde::de::value::BorrowedStrDeserializer;
use ::serde::de::{
    self, Deserialize, DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use ::serde::forward_to_deserialize_any;

use crate::value::data::Value;
use crate::value::error::{ValueError, ValueErrorKind};
use crate::value::number::Number;

impl de::Error for ValueError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ValueError::new(ValueErrorKind::Custom(msg.to_string()))
    }
}

/// Reads `v` into a Rust type. Errors carry the path of the offending value.
///
/// Null reads as `None`/[`Maybe::Null`](super::Maybe::Null) (an error for non-optional
/// types); unknown reads as [`Maybe::Unknown`](super::Maybe::Unknown) and is an error
/// ([`ValueErrorKind::Unknown`]) anywhere else. `Dynamic` wrappers are transparent.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, ValueError> {
    T::deserialize(ValueDeserializer(v))
}

/// Like [`from_value`], but the result may borrow strings from `v`.
pub fn from_value_borrowed<'de, T: Deserialize<'de>>(v: &'de Value) -> Result<T, ValueError> {
    T::deserialize(ValueDeserializer(v))
}

/// A `serde::Deserializer` over a borrowed [`Value`].
struct ValueDeserializer<'de>(&'de Value);

/// Looks through `Dynamic` wrappers.
fn inner(mut v: &Value) -> &Value {
    while let Value::Dynamic(d) = v {
        v = &d.1;
    }
    v
}

/// The error for a value that is not what `expected` asked for.
fn unexpected(v: &Value, expected: &str) -> ValueError {
    match v {
        Value::Unknown => ValueError::new(ValueErrorKind::Unknown),
        other => ValueError::mismatch(expected, other.kind_name()),
    }
}

impl<'de> ValueDeserializer<'de> {
    fn value(&self) -> &'de Value {
        inner(self.0)
    }

    fn integer<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        let Value::Number(n) = self.value() else {
            return Err(unexpected(self.value(), "integer"));
        };
        if let Some(i) = n.as_i64() {
            visitor.visit_i64(i)
        } else if let Some(u) = n.as_u64() {
            visitor.visit_u64(u)
        } else if let Some(i) = n.as_i128() {
            visitor.visit_i128(i)
        } else if let Some(u) = n.as_u128() {
            visitor.visit_u128(u)
        } else {
            Err(ValueError::new(ValueErrorKind::BadNumber(format!(
                "{n} is not an integer in range"
            ))))
        }
    }
}

fn visit_number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, ValueError> {
    if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else {
        visitor.visit_f64(n.as_f64())
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                visitor.visit_seq(SeqDe::new(items))
            }
            Value::Map(entries) => visitor.visit_map(MapDe::new(entries, false)),
            Value::Object(attrs) => visitor.visit_map(MapDe::new(attrs, true)),
            other => Err(unexpected(other, "a value")),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(unexpected(other, "bool")),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.integer(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::Number(n) => visitor.visit_f64(n.as_f64()),
            other => Err(unexpected(other, "number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(unexpected(other, "string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::String(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            other => Err(unexpected(other, "string")),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::Null => visitor.visit_none(),
            // Only `Maybe` accepts this; for anything else (e.g. `Option`) it is an error.
            Value::Unknown => visitor
                .visit_newtype_struct(UnknownDeserializer)
                .map_err(|_| ValueError::new(ValueErrorKind::Unknown)),
            v => visitor.visit_some(ValueDeserializer(v)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::Null => visitor.visit_unit(),
            other => Err(unexpected(other, "null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                visitor.visit_seq(SeqDe::new(items))
            }
            other => Err(unexpected(other, "list, set or tuple")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::Map(entries) => visitor.visit_map(MapDe::new(entries, false)),
            Value::Object(attrs) => visitor.visit_map(MapDe::new(attrs, true)),
            other => Err(unexpected(other, "map or object")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.value() {
            Value::String(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Value::Map(entries) | Value::Object(entries) if entries.len() == 1 => {
                match entries.iter().next() {
                    Some((variant, value)) => visitor.visit_enum(EnumDe { variant, value }),
                    None => Err(unexpected(self.value(), "enum")),
                }
            }
            other => Err(unexpected(other, "string or single-entry object (enum)")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_unit()
    }
}

/// Stands for an unknown value: everything fails with [`ValueErrorKind::Unknown`].
struct UnknownDeserializer;

impl<'de> de::Deserializer<'de> for UnknownDeserializer {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ValueError> {
        Err(ValueError::new(ValueErrorKind::Unknown))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct SeqDe<'de> {
    iter: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqDe<'de> {
    fn new(items: &'de [Value]) -> Self {
        Self {
            iter: items.iter().enumerate(),
        }
    }
}

impl<'de> SeqAccess<'de> for SeqDe<'de> {
    type Error = ValueError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ValueError> {
        match self.iter.next() {
            Some((i, v)) => seed
                .deserialize(ValueDeserializer(v))
                .map(Some)
                .map_err(|e| e.within_index(i)),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapDe<'de> {
    iter: btree_map::Iter<'de, String, Value>,
    pending: Option<(&'de str, &'de Value)>,
    is_object: bool,
}

impl<'de> MapDe<'de> {
    fn new(entries: &'de std::collections::BTreeMap<String, Value>, is_object: bool) -> Self {
        Self {
            iter: entries.iter(),
            pending: None,
            is_object,
        }
    }
}

impl<'de> MapAccess<'de> for MapDe<'de> {
    type Error = ValueError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ValueError> {
        match self.iter.next() {
            Some((k, v)) => {
                self.pending = Some((k, v));
                seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ValueError> {
        let Some((k, v)) = self.pending.take() else {
            return Err(de::Error::custom("map value requested before its key"));
        };
        seed.deserialize(ValueDeserializer(v)).map_err(|e| {
            if self.is_object {
                e.within_attr(k)
            } else {
                e.within_key(k)
            }
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An enum written as a single-entry object `{variant: value}`.
struct EnumDe<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> EnumAccess<'de> for EnumDe<'de> {
    type Error = ValueError;
    type Variant = ValueDeserializer<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), ValueError> {
        let variant = seed.deserialize(BorrowedStrDeserializer::<ValueError>::new(self.variant))?;
        Ok((variant, ValueDeserializer(self.value)))
    }
}

impl<'de> VariantAccess<'de> for ValueDeserializer<'de> {
    type Error = ValueError;

    fn unit_variant(self) -> Result<(), ValueError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, ValueError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
