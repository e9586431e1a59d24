//! Type checking: does a [`Value`] conform to a [`Type`]?

use super::data::Value;
use super::error::{ValueError, ValueErrorKind};
use super::types::Type;

impl Value {
    /// Checks that this value has type `ty`, returning the first mismatch with its path.
    ///
    /// `Null` and `Unknown` conform to every type. At a `dynamic` position a known-typed
    /// value must be [`Value::Dynamic`] whose inner value conforms to its own type.
    /// Objects must have exactly the attributes of their type.
    pub fn conforms_to(&self, ty: &Type) -> Result<(), ValueError> {
        match (self, ty) {
            (Value::Null | Value::Unknown, _) => Ok(()),
            (Value::Dynamic(inner), Type::Dynamic) => inner.1.conforms_to(&inner.0),
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number)
            | (Value::String(_), Type::String) => Ok(()),
            (Value::List(items), Type::List(elem)) | (Value::Set(items), Type::Set(elem)) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| v.conforms_to(elem).map_err(|e| e.within_index(i))),
            (Value::Map(entries), Type::Map(elem)) => entries
                .iter()
                .try_for_each(|(k, v)| v.conforms_to(elem).map_err(|e| e.within_key(k))),
            (Value::Object(attrs), Type::Object(attr_types)) => {
                for (name, attr_ty) in attr_types {
                    match attrs.get(name) {
                        Some(v) => v.conforms_to(attr_ty).map_err(|e| e.within_attr(name))?,
                        None => {
                            return Err(ValueError::new(ValueErrorKind::MissingAttribute(
                                name.clone(),
                            )));
                        }
                    }
                }
                match attrs.keys().find(|k| !attr_types.contains_key(*k)) {
                    Some(extra) => Err(ValueError::new(ValueErrorKind::UnknownAttribute(
                        extra.clone(),
                    ))),
                    None => Ok(()),
                }
            }
            (Value::Tuple(items), Type::Tuple(elem_types)) => {
                if items.len() != elem_types.len() {
                    return Err(ValueError::new(ValueErrorKind::TupleLength {
                        expected: elem_types.len(),
                        got: items.len(),
                    }));
                }
                items
                    .iter()
                    .zip(elem_types)
                    .enumerate()
                    .try_for_each(|(i, (v, t))| v.conforms_to(t).map_err(|e| e.within_index(i)))
            }
            (v, Type::Dynamic) => Err(ValueError::mismatch(
                "dynamic value (Value::Dynamic)",
                v.kind_name(),
            )),
            (v, ty) => Err(ValueError::mismatch(ty, v.kind_name())),
        }
    }
}
