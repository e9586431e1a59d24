//! Terraform's JSON encoding of values (as in state files and `DynamicValue.json`),
//! following cty's JSON format.
//!
//! - null is `null`; unknown values cannot be JSON-encoded (an error);
//! - numbers are JSON numbers written in plain decimal, exactly (serde_json's
//!   `arbitrary_precision` keeps decoded numbers exact);
//! - lists, sets and tuples are arrays; maps and objects are JSON objects;
//! - a known value at a `dynamic` position is `{"value": ..., "type": <type JSON>}`;
//! - like cty, decoding is lenient with primitives (a number or bool is accepted for a
//!   string, a numeric string for a number, `"true"`/`"false"` for a bool), fills
//!   object attributes missing from the JSON with null, and rejects attributes the type
//!   lacks unless [`JsonDecodeOptions::ignore_undefined_attributes`] is set;
//! - an empty input decodes as null (like msgpack); nesting is limited by serde_json's
//!   recursion limit (128), and decoding never panics.
//!
//! Set elements are kept as decoded: duplicates are **not** removed.

mod decode;
mod encode;

use super::data::Value;
use super::error::ValueError;
use super::types::Type;

/// Options for [`decode_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JsonDecodeOptions {
    /// Silently drop object attributes that the type does not declare
    /// (Terraform does this when upgrading state). Default: `false`, an error.
    pub ignore_undefined_attributes: bool,
}

/// Encodes `value` of type `ty` as compact JSON. Fails on unknown values and on values
/// that do not conform to `ty`.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mut out = Vec::with_capacity(256);
    encode::encode_value(&mut out, value, ty)?;
    Ok(out)
}

/// Decodes JSON as a value of type `ty` with default options.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    decode_with(bytes, ty, JsonDecodeOptions::default())
}

/// Decodes JSON as a value of type `ty`.
pub fn decode_with(bytes: &[u8], ty: &Type, opts: JsonDecodeOptions) -> Result<Value, ValueError> {
    decode::decode_all(bytes, ty, opts)
}
