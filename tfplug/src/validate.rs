//! Validators attached to attributes, and the walk that runs them over a configuration.
//!
//! Validators only see known, non-null values: unknown values are checked again when
//! they become known (Terraform validates again at apply time).

use std::collections::BTreeSet;

use regex::Regex;

use crate::diag::Diagnostics;
use crate::schema::{AttributeType, Block, BlockNesting, NestedAttributes, ObjectNesting};
use crate::value::{AttributePath, Value};

/// A check of one attribute's configured value.
pub trait Validator: Send + Sync {
    /// Checks a known, non-null value; reports problems at `path`.
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics);
}

/// Runs every attribute's validators over a configuration value of `block`.
pub fn validate_block(block: &Block, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
    if value.is_null() || value.is_unknown() {
        return;
    }
    for (name, attr) in &block.attributes {
        let Some(v) = value.get_attr(name) else {
            continue;
        };
        let p = path.child_attr(name);
        if !v.is_null() && !v.is_unknown() {
            for validator in &attr.validators {
                validator.validate(&p, v, diags);
            }
        }
        if let AttributeType::Nested(nested) = &attr.ty {
            validate_nested(nested, &p, v, diags);
        }
    }
    for (name, nb) in &block.blocks {
        let Some(v) = value.get_attr(name) else {
            continue;
        };
        let p = path.child_attr(name);
        match nb.nesting {
            BlockNesting::Single | BlockNesting::Group => validate_block(&nb.block, &p, v, diags),
            BlockNesting::List | BlockNesting::Set => {
                for (i, el) in elements(v).iter().enumerate() {
                    validate_block(&nb.block, &p.child_index(i as i64), el, diags);
                }
            }
            BlockNesting::Map => {
                if let Value::Map(m) = v {
                    for (k, el) in m {
                        validate_block(&nb.block, &p.child_key(k.clone()), el, diags);
                    }
                }
            }
        }
    }
}

fn validate_nested(
    nested: &NestedAttributes,
    path: &AttributePath,
    value: &Value,
    diags: &mut Diagnostics,
) {
    let as_block = Block {
        attributes: nested.attributes.clone(),
        ..Block::default()
    };
    match nested.nesting {
        ObjectNesting::Single => validate_block(&as_block, path, value, diags),
        ObjectNesting::List | ObjectNesting::Set => {
            for (i, el) in elements(value).iter().enumerate() {
                validate_block(&as_block, &path.child_index(i as i64), el, diags);
            }
        }
        ObjectNesting::Map => {
            if let Value::Map(m) = value {
                for (k, el) in m {
                    validate_block(&as_block, &path.child_key(k.clone()), el, diags);
                }
            }
        }
    }
}

fn elements(v: &Value) -> &[Value] {
    match v {
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => items,
        _ => &[],
    }
}

/// The string must be one of the allowed values.
pub struct OneOf(pub Vec<String>);

/// Allows exactly the given strings.
pub fn one_of<S: AsRef<str>>(allowed: &[S]) -> OneOf {
    OneOf(allowed.iter().map(|s| s.as_ref().to_string()).collect())
}

impl Validator for OneOf {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let check = |s: &str, p: AttributePath, diags: &mut Diagnostics| {
            if !self.0.iter().any(|a| a == s) {
                diags.error_at(
                    p,
                    "Invalid attribute value",
                    format!(
                        "{:?} is not allowed; allowed values are: {}.",
                        s,
                        self.0.join(", ")
                    ),
                );
            }
        };
        match value {
            Value::String(s) => check(s, path.clone(), diags),
            Value::List(items) | Value::Set(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::String(s) = item {
                        check(s, path.child_index(i as i64), diags);
                    }
                }
            }
            _ => {}
        }
    }
}

/// String length (in characters) within bounds.
pub struct LengthBetween(pub usize, pub usize);

/// Allows strings whose length is within `min..=max` characters.
pub fn length_between(min: usize, max: usize) -> LengthBetween {
    LengthBetween(min, max)
}

impl Validator for LengthBetween {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::String(s) = value {
            let n = s.chars().count();
            if n < self.0 || n > self.1 {
                diags.error_at(
                    path.clone(),
                    "Invalid attribute value length",
                    format!(
                        "must be between {} and {} characters long, got {n}.",
                        self.0, self.1
                    ),
                );
            }
        }
    }
}

/// Number within inclusive bounds.
pub struct NumberBetween(pub f64, pub f64);

/// Allows numbers within `min..=max`.
pub fn number_between(min: f64, max: f64) -> NumberBetween {
    NumberBetween(min, max)
}

impl Validator for NumberBetween {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::Number(n) = value {
            let f = n.as_f64();
            if f < self.0 || f > self.1 {
                diags.error_at(
                    path.clone(),
                    "Invalid attribute value",
                    format!("must be between {} and {}, got {n}.", self.0, self.1),
                );
            }
        }
    }
}

/// A whole number (no fraction).
pub struct WholeNumber;

impl Validator for WholeNumber {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::Number(n) = value
            && !n.is_integer()
        {
            diags.error_at(
                path.clone(),
                "Invalid attribute value",
                format!("must be a whole number, got {n}."),
            );
        }
    }
}

/// Collection size (list, set, map) within bounds.
pub struct SizeBetween(pub usize, pub usize);

/// Allows collections with `min..=max` elements.
pub fn size_between(min: usize, max: usize) -> SizeBetween {
    SizeBetween(min, max)
}

impl Validator for SizeBetween {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let n = match value {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.len(),
            Value::Map(m) => m.len(),
            _ => return,
        };
        if n < self.0 || n > self.1 {
            diags.error_at(
                path.clone(),
                "Invalid number of elements",
                format!(
                    "must have between {} and {} elements, got {n}.",
                    self.0, self.1
                ),
            );
        }
    }
}

/// Strings (or each string of a collection, or each map key and value) match a pattern.
pub struct Matches {
    regex: Option<Regex>,
    pattern: String,
    what: String,
}

/// Requires strings to match `pattern` (anchored at both ends); `what` names the expected
/// form in the error, e.g. "an IAM role ARN". A pattern that does not compile matches
/// everything, so a bad pattern can never block a user.
pub fn matches(pattern: &str, what: &str) -> Matches {
    let anchored = format!("^(?:{pattern})$");
    Matches {
        regex: Regex::new(&anchored).ok(),
        pattern: pattern.to_string(),
        what: what.to_string(),
    }
}

impl Matches {
    fn check(&self, s: &str, path: AttributePath, diags: &mut Diagnostics) {
        if let Some(re) = &self.regex
            && !re.is_match(s)
        {
            diags.error_at(
                path,
                "Invalid attribute value",
                format!(
                    "{s:?} is not {}: it must match the pattern {}.",
                    self.what, self.pattern
                ),
            );
        }
    }
}

impl Validator for Matches {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        match value {
            Value::String(s) => self.check(s, path.clone(), diags),
            Value::List(items) | Value::Set(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::String(s) = item {
                        self.check(s, path.child_index(i as i64), diags);
                    }
                }
            }
            Value::Map(m) => {
                for (k, v) in m {
                    if let Value::String(s) = v {
                        self.check(s, path.child_key(k.clone()), diags);
                    }
                }
            }
            _ => {}
        }
    }
}

/// No duplicate elements in a list.
pub struct UniqueElements;

impl Validator for UniqueElements {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::List(items) = value {
            let mut seen = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                if let Value::String(s) = item
                    && !seen.insert(s.as_str())
                {
                    diags.error_at(
                        path.child_index(i as i64),
                        "Duplicate element",
                        format!("{s:?} appears more than once."),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block, NestedBlock};

    fn run(block: &Block, value: Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        validate_block(block, &AttributePath::root(), &value, &mut d);
        d
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn one_of_names_allowed_values_and_path() {
        let block = Block::new().block(NestedBlock::list_max_one(
            "cfg",
            Block::new()
                .attribute(Attribute::string("mode").validator(one_of(&["Auto", "Manual"]))),
        ));
        let d = run(
            &block,
            obj(vec![(
                "cfg",
                Value::List(vec![obj(vec![("mode", Value::string("Bad"))])]),
            )]),
        );
        let diag = d.iter().next().cloned();
        let diag = diag.unwrap_or_else(|| panic!("expected a diagnostic"));
        assert!(diag.detail.contains("Auto, Manual"), "{}", diag.detail);
        assert_eq!(
            diag.path.map(|p| p.to_string()).unwrap_or_default(),
            AttributePath::attr("cfg")
                .child_index(0)
                .child_attr("mode")
                .to_string()
        );
    }

    #[test]
    fn unknown_and_null_values_are_not_validated() {
        let block = Block::new().attribute(Attribute::string("n").validator(length_between(3, 5)));
        assert!(run(&block, obj(vec![("n", Value::Unknown)])).is_empty());
        assert!(run(&block, obj(vec![("n", Value::Null)])).is_empty());
        assert!(run(&block, obj(vec![("n", Value::string("ab"))])).has_errors());
    }

    #[test]
    fn number_and_size_bounds() {
        let block = Block::new()
            .attribute(Attribute::number("n").validator(number_between(2.0, 10.0)))
            .attribute(
                Attribute::new("l", crate::value::Type::list(crate::value::Type::String))
                    .validator(size_between(1, 2)),
            );
        assert!(
            run(
                &block,
                obj(vec![("n", Value::number(1)), ("l", Value::List(vec![]))])
            )
            .len()
                == 2
        );
        assert!(
            run(
                &block,
                obj(vec![
                    ("n", Value::number(2)),
                    ("l", Value::List(vec![Value::string("a")]))
                ])
            )
            .is_empty()
        );
    }

    #[test]
    fn pattern_is_anchored() {
        let block = Block::new()
            .attribute(Attribute::string("s").validator(matches("[a-z]+", "lowercase")));
        assert!(run(&block, obj(vec![("s", Value::string("abc"))])).is_empty());
        assert!(run(&block, obj(vec![("s", Value::string("abc1"))])).has_errors());
    }
}
