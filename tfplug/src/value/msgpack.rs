//! Terraform's msgpack encoding of values (`DynamicValue.msgpack`), following cty.
//!
//! - null is `nil`; unknown is written as `d4 00 00` (fixext1, code 0) and **every**
//!   extension (any size, any code, e.g. code 12 refinements) decodes as unknown;
//! - numbers decode from any int width, float32/float64 or a decimal string; they encode
//!   as an int when they fit `i64`/`u64`, as float64 when that is exact, otherwise as a
//!   decimal string, so no precision is lost;
//! - strings accept `str` and `bin`; lists, sets and tuples are arrays; maps and objects
//!   are maps (objects in attribute-name order; decoding requires exactly the type's
//!   attributes);
//! - a known value at a `dynamic` position is `[type JSON (bin), value]`;
//! - decoding is limited to [`MAX_DEPTH`](super::MAX_DEPTH) levels and never panics.
//!
//! Set elements are kept as decoded: duplicates are **not** removed.

mod decode;
mod encode;

use super::data::Value;
use super::error::ValueError;
use super::types::Type;

/// Encodes `value` of type `ty` as msgpack. Fails if the value does not conform to `ty`.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mut out = Vec::with_capacity(256);
    encode::encode_value(&mut out, value, ty)?;
    Ok(out)
}

/// Decodes msgpack bytes as a value of type `ty`. An empty slice is [`Value::Null`].
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    decode::decode_all(bytes, ty)
}
