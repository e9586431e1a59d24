//! Serializes map keys (and serde_json's number digits) to strings.

use ::serde::ser::{self, Impossible, Serialize};

use crate::value::error::{ValueError, ValueErrorKind};

/// Serializes map keys: strings, chars, integers and bools become strings.
pub(super) struct KeySerializer;

fn key_error() -> ValueError {
    ValueError::new(ValueErrorKind::Custom(
        "a non-string map key cannot be converted to a value".to_owned(),
    ))
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ValueError;
    type SerializeSeq = Impossible<String, ValueError>;
    type SerializeTuple = Impossible<String, ValueError>;
    type SerializeTupleStruct = Impossible<String, ValueError>;
    type SerializeTupleVariant = Impossible<String, ValueError>;
    type SerializeMap = Impossible<String, ValueError>;
    type SerializeStruct = Impossible<String, ValueError>;
    type SerializeStructVariant = Impossible<String, ValueError>;

    fn serialize_bool(self, v: bool) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_i8(self, v: i8) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_i16(self, v: i16) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_i32(self, v: i32) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_i64(self, v: i64) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_u8(self, v: u8) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_u16(self, v: u16) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_u32(self, v: u32) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_u64(self, v: u64) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_f32(self, _v: f32) -> Result<String, ValueError> {
        Err(key_error())
    }

    fn serialize_f64(self, _v: f64) -> Result<String, ValueError> {
        Err(key_error())
    }

    fn serialize_char(self, v: char) -> Result<String, ValueError> {
        Ok(v.to_string())
    }

    fn serialize_str(self, v: &str) -> Result<String, ValueError> {
        Ok(v.to_owned())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<String, ValueError> {
        std::str::from_utf8(v)
            .map(str::to_owned)
            .map_err(|_| key_error())
    }

    fn serialize_none(self) -> Result<String, ValueError> {
        Err(key_error())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, ValueError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, ValueError> {
        Err(key_error())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, ValueError> {
        Err(key_error())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, ValueError> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, ValueError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, ValueError> {
        Err(key_error())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ValueError> {
        Err(key_error())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ValueError> {
        Err(key_error())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ValueError> {
        Err(key_error())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Err(key_error())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ValueError> {
        Err(key_error())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, ValueError> {
        Err(key_error())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Err(key_error())
    }
}
