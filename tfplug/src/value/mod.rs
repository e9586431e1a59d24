//! cty types and values, their msgpack and JSON encodings, and a serde bridge.
//!
//! Terraform exchanges values as msgpack (`DynamicValue.msgpack`) or JSON (state),
//! always interpreted against a [`Type`] from the schema. This module provides:
//!
//! - [`Type`] (with cty type JSON), [`Number`] (arbitrary precision) and [`Value`];
//! - [`AttributePath`] for locating parts of a value, and [`ValueError`] (errors carry
//!   a path);
//! - [`msgpack`] and [`json`] codecs (`encode`/`decode`), which never panic on input;
//! - [`from_value`] / [`to_value`] and [`Maybe`] for typed access through serde.
//!
//! ```
//! use tfplug::value::{msgpack, Type, Value};
//!
//! let ty = Type::object([("name", Type::String), ("size", Type::Number)]);
//! let v = Value::object([("name", Value::string("a")), ("size", Value::number(3))]);
//! let bytes = msgpack::encode(&v, &ty).unwrap();
//! assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), v);
//! ```

mod access;
mod check;
mod data;
mod error;
pub mod json;
mod literal;
pub mod msgpack;
mod number;
pub mod path;
pub mod serde;
mod type_json;
mod types;

pub use self::serde::{Maybe, from_value, from_value_borrowed, to_value};
pub use data::Value;
pub use error::{ValueError, ValueErrorKind};
pub use json::JsonDecodeOptions;
pub use literal::hcl_literal;
pub use number::Number;
pub use path::{AttributePath, PathStep};
pub use types::Type;

/// Maximum nesting depth accepted when decoding (values and type descriptions), so
/// hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 512;
