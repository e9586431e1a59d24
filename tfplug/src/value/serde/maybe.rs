//! [`Maybe`]: a value that may be null, unknown or known.

use std::fmt;
use std::marker::PhantomData;

use ::serde::de::{self, Deserialize, Deserializer, Visitor};
use ::serde::ser::{Serialize, Serializer};

use super::UNKNOWN_TOKEN;

/// A typed value that may be null or unknown, for struct fields read with
/// [`from_value`](super::from_value) and written with [`to_value`](super::to_value).
///
/// With other serde formats it behaves like `Option<T>` (unknown serializes as null).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Maybe<T> {
    /// The value is null (also: the field is absent). The default.
    #[default]
    Null,
    /// The value is not known yet (during plan).
    Unknown,
    /// A known, non-null value.
    Known(T),
}

impl<T> Maybe<T> {
    /// The value, if known and not null.
    pub fn known(&self) -> Option<&T> {
        match self {
            Maybe::Known(t) => Some(t),
            _ => None,
        }
    }

    /// Whether this is [`Maybe::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Maybe::Unknown)
    }

    /// Whether this is [`Maybe::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Maybe::Null)
    }

    /// Whether this is [`Maybe::Known`].
    pub fn is_known(&self) -> bool {
        matches!(self, Maybe::Known(_))
    }

    /// The value if known; `None` for null and unknown.
    pub fn into_option(self) -> Option<T> {
        match self {
            Maybe::Known(t) => Some(t),
            _ => None,
        }
    }

    /// Borrows the content.
    pub fn as_ref(&self) -> Maybe<&T> {
        match self {
            Maybe::Null => Maybe::Null,
            Maybe::Unknown => Maybe::Unknown,
            Maybe::Known(t) => Maybe::Known(t),
        }
    }

    /// Maps a known value, keeping null and unknown.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Maybe<U> {
        match self {
            Maybe::Null => Maybe::Null,
            Maybe::Unknown => Maybe::Unknown,
            Maybe::Known(t) => Maybe::Known(f(t)),
        }
    }
}

impl<T> From<Option<T>> for Maybe<T> {
    fn from(o: Option<T>) -> Self {
        match o {
            Some(t) => Maybe::Known(t),
            None => Maybe::Null,
        }
    }
}

impl<T: Serialize> Serialize for Maybe<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Maybe::Null => serializer.serialize_none(),
            Maybe::Unknown => serializer.serialize_newtype_struct(UNKNOWN_TOKEN, &()),
            Maybe::Known(t) => serializer.serialize_some(t),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The value deserializer answers `deserialize_option` on an unknown value with
        // `visit_newtype_struct`; other formats treat `Maybe` like `Option`.
        deserializer.deserialize_option(MaybeVisitor(PhantomData))
    }
}

struct MaybeVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for MaybeVisitor<T> {
    type Value = Maybe<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value that may be null or unknown")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Maybe::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Maybe::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::deserialize(d).map(Maybe::Known)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, _d: D) -> Result<Self::Value, D::Error> {
        Ok(Maybe::Unknown)
    }
}
