//! Typed access: a serde bridge between [`Value`](super::Value) and Rust types.
//!
//! [`from_value`] reads a value into any `Deserialize` type; [`to_value`] builds a value
//! of a given [`Type`](super::Type) from any `Serialize` type. Use [`Maybe`] for fields
//! that may be unknown; an `Option` field is `None` for null and an error for unknown.
//!
//! Numbers read into integer types must be integers in range; `f64` gets the nearest
//! value. At `dynamic` positions [`to_value`] infers the type like Terraform's
//! `jsondecode`: sequences become tuples and maps/structs become objects.

mod de;
mod key;
mod maybe;
mod ser;

pub use de::{from_value, from_value_borrowed};
pub use maybe::Maybe;
pub use ser::to_value;

/// Newtype-struct name by which [`Maybe::Unknown`] tells the [`to_value`] serializer
/// that the value is unknown (other serializers see a unit).
pub(crate) const UNKNOWN_TOKEN: &str = "$tfplug::value::Unknown";
