//! The error type shared by every part of [`crate::value`].

use std::fmt;

use super::path::{AttributePath, PathStep};

/// An error about a value or type, with the path where it happened.
///
/// Displays as `at vpc_config[0].name: expected string, got number`
/// (or just the kind when the path is the root).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", PathPrefix(.path), .kind)]
pub struct ValueError {
    /// Where in the value the problem is; empty for the root.
    pub path: AttributePath,
    /// What went wrong.
    pub kind: ValueErrorKind,
}

/// What went wrong; see [`ValueError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueErrorKind {
    /// The value (or encoded data) does not have the expected type.
    #[error("expected {expected}, got {got}")]
    TypeMismatch {
        /// What the type asked for, e.g. `string` or `list of number`.
        expected: String,
        /// What was found, e.g. `number` or `msgpack array`.
        got: String,
    },
    /// A tuple has the wrong number of elements.
    #[error("expected {expected} tuple elements, got {got}")]
    TupleLength {
        /// Elements in the tuple type.
        expected: usize,
        /// Elements in the value.
        got: usize,
    },
    /// An object value or encoding has an attribute its type does not declare.
    #[error("unknown attribute \"{0}\"")]
    UnknownAttribute(String),
    /// An object value or msgpack encoding lacks an attribute of its type.
    #[error("missing attribute \"{0}\"")]
    MissingAttribute(String),
    /// An encoded map or object has the same key twice.
    #[error("duplicate key \"{0}\"")]
    DuplicateKey(String),
    /// The msgpack bytes are not well formed.
    #[error("malformed msgpack: {0}")]
    MalformedMsgpack(String),
    /// The JSON bytes are not well formed.
    #[error("malformed json: {0}")]
    MalformedJson(String),
    /// A cty type description (type JSON) is not valid.
    #[error("invalid type description: {0}")]
    InvalidType(String),
    /// A number is not a finite decimal number (or is out of the supported range).
    #[error("invalid number: {0}")]
    BadNumber(String),
    /// Bytes were left after a complete value was decoded.
    #[error("{0} trailing bytes after the value")]
    TrailingBytes(usize),
    /// The input nests deeper than the decoder allows.
    #[error("nesting deeper than the limit of {0} levels")]
    DepthLimit(usize),
    /// The value is unknown where a known value is needed
    /// (e.g. JSON encoding, or reading into a non-[`Maybe`](super::Maybe) field).
    #[error("value is unknown")]
    Unknown,
    /// Any other problem (e.g. a message from a `Serialize`/`Deserialize` impl).
    #[error("{0}")]
    Custom(String),
}

impl ValueError {
    /// An error at the root path.
    pub fn new(kind: ValueErrorKind) -> Self {
        Self {
            path: AttributePath::root(),
            kind,
        }
    }

    /// An error at the given path.
    pub fn at(path: AttributePath, kind: ValueErrorKind) -> Self {
        Self { path, kind }
    }

    /// A [`ValueErrorKind::TypeMismatch`] at the root.
    pub fn mismatch(expected: impl fmt::Display, got: impl fmt::Display) -> Self {
        Self::new(ValueErrorKind::TypeMismatch {
            expected: expected.to_string(),
            got: got.to_string(),
        })
    }

    /// Prefixes the path with one more outer step (used while unwinding out of nested values).
    pub fn within(mut self, step: PathStep) -> Self {
        self.path.push_front(step);
        self
    }

    /// Shorthand for `within(PathStep::Attribute(name))`.
    pub(crate) fn within_attr(self, name: &str) -> Self {
        self.within(PathStep::Attribute(name.to_owned()))
    }

    /// Shorthand for `within(PathStep::ElementKeyString(key))`.
    pub(crate) fn within_key(self, key: &str) -> Self {
        self.within(PathStep::ElementKeyString(key.to_owned()))
    }

    /// Shorthand for `within(PathStep::ElementKeyInt(index))`.
    pub(crate) fn within_index(self, index: usize) -> Self {
        self.within(PathStep::ElementKeyInt(
            i64::try_from(index).unwrap_or(i64::MAX),
        ))
    }
}

impl From<ValueErrorKind> for ValueError {
    fn from(kind: ValueErrorKind) -> Self {
        Self::new(kind)
    }
}

/// Displays `at PATH: ` for a non-root path, nothing for the root.
struct PathPrefix<'a>(&'a AttributePath);

impl fmt::Display for PathPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, "at {}: ", self.0)
        }
    }
}
