//! cty types: the shape a [`Value`](super::Value) must have.

use std::collections::BTreeMap;
use std::fmt;

/// A cty type, as Terraform describes schema attribute types.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number` (arbitrary precision)
    Number,
    /// `string`
    String,
    /// `dynamic`: any type; the value carries its concrete type
    /// (see [`Value::Dynamic`](super::Value::Dynamic)).
    Dynamic,
    /// `list(T)`
    List(Box<Type>),
    /// `set(T)`
    Set(Box<Type>),
    /// `map(T)`: string keys
    Map(Box<Type>),
    /// `object({name = T, ...})`
    Object(BTreeMap<String, Type>),
    /// `tuple([T1, T2, ...])`
    Tuple(Vec<Type>),
}

impl Type {
    /// `list(t)`
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    /// `set(t)`
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }

    /// `map(t)`
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }

    /// `object({...})` from `(name, type)` pairs.
    pub fn object<I, K>(attrs: I) -> Type
    where
        I: IntoIterator<Item = (K, Type)>,
        K: Into<String>,
    {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// `tuple([...])`
    pub fn tuple(elems: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elems.into_iter().collect())
    }

    /// Whether this is `bool`, `number` or `string`.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// The type of an object attribute.
    pub fn attribute_type(&self, name: &str) -> Option<&Type> {
        match self {
            Type::Object(attrs) => attrs.get(name),
            _ => None,
        }
    }

    /// Whether `dynamic` appears anywhere in this type.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::Bool | Type::Number | Type::String => false,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object(attrs) => attrs.values().any(Type::has_dynamic),
            Type::Tuple(elems) => elems.iter().any(Type::has_dynamic),
        }
    }

    /// A short name for messages, like cty's friendly names (`list of string`, `object`).
    pub fn friendly_name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list of {t}"),
            Type::Set(t) => write!(f, "set of {t}"),
            Type::Map(t) => write!(f, "map of {t}"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}
