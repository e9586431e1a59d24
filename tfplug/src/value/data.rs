//! The [`Value`] tree and its basic constructors and accessors.

use std::collections::BTreeMap;

use super::number::Number;
use super::types::Type;

/// A cty value. Its type is given separately (by a schema or a [`Type`]);
/// the codecs and [`Value::conforms_to`] check one against the other.
///
/// `Null` and `Unknown` are valid at any type. Equality compares numbers numerically
/// and sets as multisets (element order is ignored). The default is `Null`.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// A null value of any type.
    #[default]
    Null,
    /// A value not known until apply, of any type.
    Unknown,
    /// A `bool`.
    Bool(bool),
    /// A `number`.
    Number(Number),
    /// A `string`.
    String(String),
    /// A `list(T)`.
    List(Vec<Value>),
    /// A `set(T)`; element order carries no meaning.
    Set(Vec<Value>),
    /// A `map(T)`.
    Map(BTreeMap<String, Value>),
    /// An `object({...})`: exactly the attributes of its type.
    Object(BTreeMap<String, Value>),
    /// A `tuple([...])`.
    Tuple(Vec<Value>),
    /// A known-typed value at a position whose type is `dynamic`: `(concrete type, value)`.
    /// The inner value may itself be `Null` or `Unknown` of the concrete type.
    Dynamic(Box<(Type, Value)>),
}

impl Value {
    /// A `string` value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A `number` value.
    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// A `bool` value.
    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    /// An `object` value from `(name, value)` pairs.
    pub fn object<I, K>(attrs: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A `map` value from `(key, value)` pairs.
    pub fn map<I, K>(entries: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A value at a `dynamic` position, carrying its concrete type.
    pub fn dynamic(ty: Type, value: Value) -> Value {
        Value::Dynamic(Box::new((ty, value)))
    }

    /// A null value (of any type; the type is not stored).
    pub fn null_of(_ty: &Type) -> Value {
        Value::Null
    }

    /// An unknown value (of any type; the type is not stored).
    pub fn unknown_of(_ty: &Type) -> Value {
        Value::Unknown
    }

    /// Whether this is `Null` (a `Dynamic` wrapping a null is not).
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is `Unknown` (a `Dynamic` wrapping an unknown is not).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether no `Unknown` appears anywhere inside.
    pub fn is_fully_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_fully_known)
            }
            Value::Map(entries) | Value::Object(entries) => {
                entries.values().all(Value::is_fully_known)
            }
            Value::Dynamic(inner) => inner.1.is_fully_known(),
        }
    }

    /// An object attribute (looking through `Dynamic`).
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(attrs) => attrs.get(name),
            Value::Dynamic(inner) => inner.1.get_attr(name),
            _ => None,
        }
    }

    /// A mutable object attribute (looking through `Dynamic`).
    pub fn get_attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(attrs) => attrs.get_mut(name),
            Value::Dynamic(inner) => inner.1.get_attr_mut(name),
            _ => None,
        }
    }

    /// The string, if this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, if this is a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a `Number`.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map or object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(entries) | Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// A short description of the value's kind for error messages (`string`, `list`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Tuple(_) => "tuple",
            Value::Dynamic(_) => "dynamic value",
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) | (Value::Unknown, Value::Unknown) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => multiset_eq(a, b),
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Dynamic(a), Value::Dynamic(b)) => a.0 == b.0 && a.1 == b.1,
            _ => false,
        }
    }
}

/// Order-insensitive equality with multiplicity (quadratic; sets are small).
fn multiset_eq(a: &[Value], b: &[Value]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|x| {
        let found = b
            .iter()
            .enumerate()
            .find(|(i, y)| !used[*i] && x == *y)
            .map(|(i, _)| i);
        match found {
            Some(i) => {
                used[i] = true;
                true
            }
            None => false,
        }
    })
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(i.into())
    }
}
