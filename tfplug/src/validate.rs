//! Validators attached to attributes, and the walk that runs them over a configuration.
//!
//! Validators only see known, non-null values: unknown values are checked again when
//! they become known (Terraform validates again at apply time). The walk also refuses a
//! known null for a required attribute, which Terraform itself lets through.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

use regex::{Regex, RegexBuilder};

use crate::diag::Diagnostics;
use crate::schema::{
    AttributeType, Block, BlockNesting, NestedAttributes, ObjectNesting, Presence,
};
use crate::value::{AttributePath, Value};

pub mod rules;

/// A check of one attribute's configured value.
pub trait Validator: Send + Sync {
    /// Checks a known, non-null value; reports problems at `path`.
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics);

    /// What the validator allows, as a short Markdown phrase that completes "Must be …"
    /// or stands alone (e.g. "between 2 and 15000"). Descriptions and generated docs
    /// show it, so a constraint is written once: here. Empty for checks too specific to
    /// summarise.
    fn describe(&self) -> String;

    /// Why the validator itself is broken (e.g. a pattern that does not compile), found
    /// when the schema is built: see [`crate::schema::Schema::problems`]. A broken
    /// validator rejects every value rather than accepting everything silently.
    fn problem(&self) -> Option<String> {
        None
    }

    /// Whether the check is about what the value becomes elsewhere (say, the ARN a name
    /// is turned into for another API call), which says nothing new once the value's own
    /// checks have failed: it then runs only when they passed, so a user reads one error
    /// about a bad value, not two.
    fn follows_own_checks(&self) -> bool {
        false
    }
}

/// [`validate_block`] over a whole configuration (at the root path): what it found.
pub fn validate_config(block: &Block, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    validate_block(block, &AttributePath::root(), config, &mut diags);
    diags
}

/// Runs every attribute's validators over a configuration value of `block`, and the
/// block's cross-field rules and item counts, at every depth; diagnostics carry the path
/// of the value they are about.
///
/// A required attribute set to a known null (`name = null`, or a variable or attribute
/// that is null) is refused too, as [`check_required`] does: Terraform only checks that
/// a required argument is written.
pub fn validate_block(block: &Block, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
    walk(block, path, value, Walk::Full, diags);
}

/// The required attributes of a configuration of `block` that are a known null, at every
/// depth, as errors at their paths: only the check [`validate_block`] adds to the
/// validators, for the plan, when values unknown at validation have become known.
///
/// A required attribute is checked only inside an object that is there: an absent block
/// (null, an empty collection, or the empty value Terraform sends for an absent
/// [`BlockNesting::Group`] block) or a null nested attribute holds no required values.
/// Unknown values are not checked.
pub fn check_required(block: &Block, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    walk(
        block,
        &AttributePath::root(),
        config,
        Walk::RequiredOnly,
        &mut diags,
    );
    diags
}

/// What a walk over a configuration checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Validators, rules, item counts and required values.
    Full,
    /// Only that required values are not null.
    RequiredOnly,
}

fn walk(block: &Block, path: &AttributePath, value: &Value, mode: Walk, diags: &mut Diagnostics) {
    if value.is_null() || value.is_unknown() {
        return;
    }
    walk_object(block, path, value, mode, true, diags);
}

/// Walks one known, non-null object of `block`; `required` is false for the empty value
/// of an absent group block, whose required attributes are null because it is absent.
fn walk_object(
    block: &Block,
    path: &AttributePath,
    value: &Value,
    mode: Walk,
    required: bool,
    diags: &mut Diagnostics,
) {
    if mode == Walk::Full {
        rules::check_fields(block, &block.rules, path, value, diags);
    }
    for (name, attr) in &block.attributes {
        let Some(v) = value.get_attr(name) else {
            continue;
        };
        let p = path.child_attr(name);
        if required && attr.presence == Presence::Required && is_null(v) {
            diags.push(missing_required(name, p));
            continue;
        }
        if mode == Walk::Full && !v.is_null() && !v.is_unknown() {
            let mut own = Diagnostics::new();
            for validator in attr.validators.iter().filter(|c| !c.follows_own_checks()) {
                validator.validate(&p, v, &mut own);
            }
            if !own.has_errors() {
                for validator in attr.validators.iter().filter(|c| c.follows_own_checks()) {
                    validator.validate(&p, v, &mut own);
                }
            }
            diags.extend(own);
        }
        if let AttributeType::Nested(nested) = &attr.ty {
            if mode == Walk::Full {
                rules::check_item_count(name, nested.min_items, nested.max_items, &p, v, diags);
            }
            walk_nested(nested, &p, v, mode, diags);
        }
    }
    for (name, nb) in &block.blocks {
        let Some(v) = value.get_attr(name) else {
            continue;
        };
        let p = path.child_attr(name);
        if mode == Walk::Full
            && matches!(
                nb.nesting,
                BlockNesting::List | BlockNesting::Set | BlockNesting::Map
            )
        {
            rules::check_item_count(name, nb.min_items, nb.max_items, &p, v, diags);
        }
        match nb.nesting {
            BlockNesting::Single => walk(&nb.block, &p, v, mode, diags),
            BlockNesting::Group => {
                if !v.is_null() && !v.is_unknown() {
                    let present = !is_empty_block(&nb.block, v);
                    walk_object(&nb.block, &p, v, mode, present, diags);
                }
            }
            BlockNesting::List | BlockNesting::Set => {
                for (i, el) in elements(v).iter().enumerate() {
                    walk(&nb.block, &p.child_index(i as i64), el, mode, diags);
                }
            }
            BlockNesting::Map => {
                if let Value::Map(m) = v {
                    for (k, el) in m {
                        walk(&nb.block, &p.child_key(k.clone()), el, mode, diags);
                    }
                }
            }
        }
    }
}

fn walk_nested(
    nested: &NestedAttributes,
    path: &AttributePath,
    value: &Value,
    mode: Walk,
    diags: &mut Diagnostics,
) {
    let as_block = nested.as_block();
    match nested.nesting {
        ObjectNesting::Single => walk(&as_block, path, value, mode, diags),
        ObjectNesting::List | ObjectNesting::Set => {
            for (i, el) in elements(value).iter().enumerate() {
                walk(&as_block, &path.child_index(i as i64), el, mode, diags);
            }
        }
        ObjectNesting::Map => {
            if let Value::Map(m) = value {
                for (k, el) in m {
                    walk(&as_block, &path.child_key(k.clone()), el, mode, diags);
                }
            }
        }
    }
}

/// Null, or a value of type `dynamic` that is null.
fn is_null(v: &Value) -> bool {
    match v {
        Value::Dynamic(inner) => inner.1.is_null(),
        v => v.is_null(),
    }
}

/// Whether `v` is the value Terraform gives an absent block of `block` in a group: every
/// attribute null, every nested block absent.
fn is_empty_block(block: &Block, v: &Value) -> bool {
    block
        .attributes
        .keys()
        .all(|name| v.get_attr(name).is_none_or(is_null))
        && block.blocks.iter().all(|(name, nb)| {
            v.get_attr(name).is_none_or(|b| match (nb.nesting, b) {
                (_, Value::Null) => true,
                (BlockNesting::Group, b) => is_empty_block(&nb.block, b),
                (_, Value::List(items) | Value::Set(items)) => items.is_empty(),
                (_, Value::Map(m)) => m.is_empty(),
                _ => false,
            })
        })
}

/// The error for a required attribute `name`, at `path`, whose value is null.
fn missing_required(name: &str, path: AttributePath) -> crate::diag::Diagnostic {
    let place = if path.to_string() == name {
        String::new()
    } else {
        format!(" (at {path})")
    };
    crate::diag::Diagnostic::error(
        "Missing required argument",
        format!(
            "The argument \"{name}\"{place} is required, but its value is null. Set it to a \
             non-null value; when it comes from a variable, a local value or another \
             object's attribute, make sure that value is not null."
        ),
    )
    .at(path)
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

    fn describe(&self) -> String {
        format!("one of {}", quoted_list(&self.0))
    }
}

/// `a`, `b`, `c` (Markdown code spans).
fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// String length (in characters) within bounds.
pub struct LengthBetween(pub usize, pub usize);

/// Allows strings whose length is within `min..=max` characters.
pub fn length_between(min: usize, max: usize) -> LengthBetween {
    LengthBetween(min, max)
}

/// Allows strings of at least one character: for values where `""` can only be a
/// mistake (an identifier, a guard that nothing real matches).
pub fn not_empty() -> LengthBetween {
    LengthBetween(1, usize::MAX)
}

impl Validator for LengthBetween {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::String(s) = value {
            let n = s.chars().count();
            if n < self.0 || n > self.1 {
                let detail = match (self.0, self.1) {
                    (1, usize::MAX) => "must not be empty.".to_string(),
                    (min, usize::MAX) => {
                        format!("must be at least {min} characters long, got {n}.")
                    }
                    (min, max) => {
                        format!("must be between {min} and {max} characters long, got {n}.")
                    }
                };
                diags.error_at(path.clone(), "Invalid attribute value length", detail);
            }
        }
    }

    fn describe(&self) -> String {
        match (self.0, self.1) {
            (1, usize::MAX) => "non-empty".to_string(),
            (min, usize::MAX) => format!("at least {min} characters long"),
            (0, max) => format!("at most {max} characters long"),
            (min, max) if min == max => format!("exactly {min} characters long"),
            (min, max) => format!("{min} to {max} characters long"),
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

    fn describe(&self) -> String {
        format!("between {} and {}", self.0, self.1)
    }
}

/// A number that a 64-bit floating-point number holds exactly (as its shortest decimal),
/// for values a service keeps as one: a finer number would come back changed after an
/// apply, which Terraform reports as an inconsistent result.
pub struct HeldByFloat64;

impl Validator for HeldByFloat64 {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::Number(n) = value else { return };
        if n.as_exact_f64().is_some() {
            return;
        }
        let nearest = n.as_f64();
        let detail = if nearest.is_finite() && (nearest == 0.0 || nearest.is_normal()) {
            format!(
                "{n} has more digits than a 64-bit floating-point number holds, which is how \
                 it is kept: it would come back as {nearest}. Write {nearest}, or round the \
                 value (fewer decimal places, or `round()`)."
            )
        } else {
            format!(
                "{n} is outside what a 64-bit floating-point number holds, which is how it \
                 is kept. Use a value between {:e} and {:e} (or 0).",
                f64::MIN_POSITIVE,
                f64::MAX
            )
        };
        diags.error_at(path.clone(), "Invalid attribute value", detail);
    }

    fn describe(&self) -> String {
        String::new()
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

    fn describe(&self) -> String {
        "a whole number".to_string()
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
                format!("must have {}, got {n}.", self.describe()),
            );
        }
    }

    fn describe(&self) -> String {
        match (self.0, self.1) {
            (0, max) => format!("at most {}", items(max)),
            (min, max) if min == max => format!("exactly {}", items(min)),
            (min, max) => format!("{min} to {}", items(max)),
        }
    }
}

/// `1 item`, `3 items`.
fn items(n: usize) -> String {
    if n == 1 {
        "1 item".to_string()
    } else {
        format!("{n} items")
    }
}

/// Strings (or each string of a collection, or each map value) match a pattern.
///
/// The pattern is compiled on first use, not when the schema is built: a provider builds
/// every schema at start-up, and compiling dozens of patterns there would cost
/// milliseconds of every Terraform command.
pub struct Matches {
    regex: std::sync::OnceLock<Result<Regex, String>>,
    pattern: String,
    /// The pattern as errors and docs show it (see [`Matches::shown_as`]).
    shown: String,
    what: String,
}

/// `pattern` anchored at both ends, compiled once per process: the same pattern (an AWS
/// shape such as a tag key, a tag value or an ARN) appears in many attributes and
/// schemas, and compiling one costs up to a millisecond of a provider process's CPU
/// (profiled: half of all `ValidateResourceConfig` time in a plan).
///
/// ASCII classes first: the patterns come from AWS's models, which are Java regular
/// expressions, where `\d`, `\w` and `\s` are ASCII; the `regex` crate's Unicode `\d{12}`
/// compiles to a far larger automaton than `[0-9]{12}`. Patterns that need Unicode (a
/// `\p{L}` class, or `.` and negated classes, which could match invalid UTF-8 in ASCII
/// mode) are compiled with Unicode.
fn compile_anchored(pattern: &str) -> Result<Regex, String> {
    static COMPILED: OnceLock<Mutex<HashMap<String, Result<Regex, String>>>> = OnceLock::new();
    let cache = COMPILED.get_or_init(Mutex::default);
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return found;
    }
    let anchored = format!("^(?:{pattern})$");
    let compiled = RegexBuilder::new(&anchored)
        .unicode(false)
        .build()
        .or_else(|_| Regex::new(&anchored))
        .map_err(|e| e.to_string());
    if let Ok(mut c) = cache.lock() {
        c.insert(pattern.to_string(), compiled.clone());
    }
    compiled
}

/// Requires strings to match `pattern` (anchored at both ends); `what` names the expected
/// form in the error, e.g. "an IAM role ARN". A pattern that does not compile is reported
/// by [`Validator::problem`] (so a test of the schema fails) and rejects every value.
pub fn matches(pattern: &str, what: &str) -> Matches {
    Matches {
        regex: std::sync::OnceLock::new(),
        pattern: pattern.to_string(),
        shown: pattern.to_string(),
        what: what.to_string(),
    }
}

impl Matches {
    /// Shows `original` in errors and docs instead of the compiled pattern: for a pattern
    /// translated from another syntax (e.g. an AWS model's Java pattern rewritten without
    /// lookaround), the form its users know.
    pub fn shown_as(mut self, original: &str) -> Self {
        self.shown = original.to_string();
        self
    }

    fn regex(&self) -> &Result<Regex, String> {
        self.regex.get_or_init(|| compile_anchored(&self.pattern))
    }

    fn check(&self, text: &str, path: AttributePath, diags: &mut Diagnostics) {
        match self.regex() {
            Ok(re) if re.is_match(text) => {}
            Ok(_) => diags.error_at(
                path,
                "Invalid attribute value",
                format!(
                    "{text:?} is not {}: it must match the pattern {}.",
                    self.what, self.shown
                ),
            ),
            Err(e) => diags.error_at(
                path,
                "Invalid validator",
                format!(
                    "The provider's pattern {} does not compile ({e}), so no value can be \
                     checked. This is a bug in the provider.",
                    self.pattern
                ),
            ),
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

    fn describe(&self) -> String {
        format!("{} (matching `{}`)", self.what, self.shown)
    }

    fn problem(&self) -> Option<String> {
        self.regex()
            .as_ref()
            .err()
            .map(|e| format!("pattern {} does not compile: {e}", self.pattern))
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

    fn describe(&self) -> String {
        "without duplicates".to_string()
    }
}

/// Refuses the keys of a map that its rule has a reason to refuse, each at its key (say,
/// names a service keeps for itself). Build it with [`refuse_keys`].
pub struct RefuseKeys<F> {
    summary: String,
    allowed: String,
    reason: F,
}

/// Refuses each map key for which `reason` gives a reason (the error's detail), with
/// `summary` as the error's summary; `allowed` describes what is left ("without keys
/// beginning with `aws:`").
pub fn refuse_keys<F>(summary: &str, allowed: &str, reason: F) -> RefuseKeys<F>
where
    F: Fn(&str) -> Option<String> + Send + Sync,
{
    RefuseKeys {
        summary: summary.to_string(),
        allowed: allowed.to_string(),
        reason,
    }
}

impl<F> Validator for RefuseKeys<F>
where
    F: Fn(&str) -> Option<String> + Send + Sync,
{
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::Map(map) = value else {
            return;
        };
        for key in map.keys() {
            if let Some(reason) = (self.reason)(key) {
                diags.error_at(path.child_key(key.clone()), self.summary.clone(), reason);
            }
        }
    }

    fn describe(&self) -> String {
        self.allowed.clone()
    }
}

/// No null elements in a list, set or map (e.g. `tags = { a = null }`), which AWS would
/// refuse at apply time.
pub struct NoNullElements;

impl Validator for NoNullElements {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let null = |p: AttributePath, diags: &mut Diagnostics| {
            diags.error_at(
                p,
                "Null element",
                "Elements may not be null: remove the element or give it a value.",
            )
        };
        match value {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_null() {
                        null(path.child_index(i as i64), diags);
                    }
                }
            }
            // A set's elements have no index to point at: the set is named.
            Value::Set(items) if items.iter().any(Value::is_null) => null(path.clone(), diags),
            Value::Map(m) => {
                for (k, v) in m {
                    if v.is_null() {
                        null(path.child_key(k.clone()), diags);
                    }
                }
            }
            _ => {}
        }
    }

    fn describe(&self) -> String {
        "without null elements".to_string()
    }
}

/// Applies a validator to each known element of a list or set (at the element's index)
/// and each value of a map (at its key): constraints of the element, not the collection.
pub struct Each<V>(pub V);

/// Checks each element with `v`.
pub fn each<V: Validator>(v: V) -> Each<V> {
    Each(v)
}

impl<V: Validator> Validator for Each<V> {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let known = |v: &Value| !v.is_null() && !v.is_unknown();
        match value {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                for (i, item) in items.iter().enumerate().filter(|(_, v)| known(v)) {
                    self.0.validate(&path.child_index(i as i64), item, diags);
                }
            }
            Value::Map(m) => {
                for (k, v) in m.iter().filter(|(_, v)| known(v)) {
                    self.0.validate(&path.child_key(k.clone()), v, diags);
                }
            }
            _ => {}
        }
    }

    fn describe(&self) -> String {
        let inner = self.0.describe();
        if inner.is_empty() {
            inner
        } else {
            format!("each {inner}")
        }
    }

    fn problem(&self) -> Option<String> {
        self.0.problem()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block, NestedBlock};
    use crate::value::Number;

    #[test]
    fn not_empty_says_so_in_words_not_with_a_bound() {
        let mut d = Diagnostics::new();
        not_empty().validate(&AttributePath::attr("x"), &Value::string(""), &mut d);
        not_empty().validate(&AttributePath::attr("x"), &Value::string("a"), &mut d);
        let details: Vec<String> = d.iter().map(|d| d.detail.clone()).collect();
        assert_eq!(details, ["must not be empty."]);
        assert_eq!(not_empty().describe(), "non-empty");
        assert_eq!(
            length_between(3, usize::MAX).describe(),
            "at least 3 characters long"
        );
    }

    #[test]
    fn numbers_a_float64_cannot_hold_are_refused_with_the_nearest_it_can() {
        let check = |text: &str| {
            let mut d = Diagnostics::new();
            let number = Value::Number(Number::parse(text).unwrap_or_else(|_| Number::from_i64(0)));
            HeldByFloat64.validate(&AttributePath::attr("x"), &number, &mut d);
            d.iter().map(|d| d.detail.clone()).collect::<Vec<_>>()
        };
        for fine in ["0.1", "33.3", "50", "33.333333333333336", "0", "-2.5e10"] {
            assert_eq!(check(fine), Vec::<String>::new(), "{fine}");
        }
        let third = check("33.333333333333333333");
        assert_eq!(third.len(), 1);
        assert!(
            third[0].contains("would come back as 33.333333333333336")
                && third[0].contains("Write 33.333333333333336"),
            "{third:?}"
        );
        for outside in ["1e-313", "1e400"] {
            let d = check(outside);
            assert!(d.len() == 1 && d[0].contains("outside"), "{outside}: {d:?}");
        }
    }

    #[test]
    fn refused_keys_are_reported_at_each_key_with_their_reason() {
        let no_x = refuse_keys("Reserved key", "without keys beginning with `x`", |k| {
            k.starts_with('x').then(|| format!("{k} is kept"))
        });
        let map = Value::Map(
            [
                ("xa".to_string(), Value::string("1")),
                ("b".to_string(), Value::string("2")),
                ("xc".to_string(), Value::Null),
            ]
            .into(),
        );
        let path = AttributePath::attr("m");
        let mut d = Diagnostics::new();
        no_x.validate(&path, &map, &mut d);
        let found: Vec<_> = d
            .iter()
            .map(|d| (d.path.clone(), d.summary.clone(), d.detail.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some(path.child_key("xa")),
                    "Reserved key".to_string(),
                    "xa is kept".to_string()
                ),
                (
                    Some(path.child_key("xc")),
                    "Reserved key".to_string(),
                    "xc is kept".to_string()
                ),
            ]
        );
        assert_eq!(no_x.describe(), "without keys beginning with `x`");
    }

    #[test]
    fn patterns_use_java_classes_and_unicode_only_where_needed() {
        let digits = matches(r"\d{12}", "an account id");
        let mut d = Diagnostics::new();
        digits.validate(
            &AttributePath::root(),
            &Value::string("123456789012"),
            &mut d,
        );
        assert!(!d.has_errors(), "{d:?}");
        // Java's \d (AWS's models) is ASCII: Arabic-Indic digits are not an account id.
        digits.validate(
            &AttributePath::root(),
            &Value::string("\u{663}".repeat(12)),
            &mut d,
        );
        assert!(d.has_errors());

        let tag = matches(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "a tag value");
        assert_eq!(tag.problem(), None);
        let mut d = Diagnostics::new();
        tag.validate(&AttributePath::root(), &Value::string("Zürich 2"), &mut d);
        assert!(!d.has_errors(), "{d:?}");
        let any = matches(r"[^\s]+", "a handler");
        assert_eq!(any.problem(), None);
        any.validate(
            &AttributePath::root(),
            &Value::string("índex.handler"),
            &mut d,
        );
        assert!(!d.has_errors(), "{d:?}");

        // One compilation per pattern and process.
        let again = matches(r"\d{12}", "a twelve-digit number");
        let (Ok(a), Ok(b)) = (digits.regex(), again.regex()) else {
            panic!("patterns compile");
        };
        assert_eq!(a.as_str(), b.as_str());
    }

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

    /// A check of what the value becomes elsewhere: fails for every value.
    struct Elsewhere;

    impl Validator for Elsewhere {
        fn validate(&self, path: &AttributePath, _: &Value, diags: &mut Diagnostics) {
            diags.error_at(
                path.clone(),
                "Invalid attribute value",
                "too long as an ARN",
            );
        }

        fn describe(&self) -> String {
            String::new()
        }

        fn follows_own_checks(&self) -> bool {
            true
        }
    }

    #[test]
    fn checks_of_what_a_value_becomes_run_only_when_its_own_pass() {
        let block = Block::new().attribute(
            Attribute::string("name")
                .validator(Elsewhere)
                .validator(length_between(1, 3)),
        );
        let bad = run(&block, obj(vec![("name", Value::string("toolong"))]));
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(
            !bad.iter().any(|d| d.detail.contains("as an ARN")),
            "{bad:?}"
        );
        let good = run(&block, obj(vec![("name", Value::string("ok"))]));
        assert_eq!(good.len(), 1, "{good:?}");
        assert!(
            good.iter().any(|d| d.detail.contains("as an ARN")),
            "{good:?}"
        );
    }

    #[test]
    fn size_errors_say_the_allowed_count_in_words() {
        let two = Value::List(vec![Value::string("a"), Value::string("b")]);
        let detail = |v: SizeBetween| {
            let mut diags = Diagnostics::new();
            v.validate(&AttributePath::attr("l"), &two, &mut diags);
            diags.iter().map(|d| d.detail.clone()).collect::<Vec<_>>()
        };
        assert_eq!(
            detail(size_between(1, 1)),
            ["must have exactly 1 item, got 2."]
        );
        assert_eq!(
            detail(size_between(0, 1)),
            ["must have at most 1 item, got 2."]
        );
        assert_eq!(
            detail(size_between(3, 5)),
            ["must have 3 to 5 items, got 2."]
        );
        assert_eq!(size_between(2, 2).describe(), "exactly 2 items");
    }

    fn path_of(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn cross_field_rules_report_at_the_field_inside_nested_blocks() {
        let inner = Block::new()
            .attribute(Attribute::string("name").conflicts_with(["arn"]))
            .attribute(Attribute::string("arn"))
            .attribute(Attribute::string("key").required_with(["value"]))
            .attribute(Attribute::string("value"))
            .exactly_one_of(["name", "arn"]);
        let block = Block::new().block(NestedBlock::new("outer", BlockNesting::List, inner));
        let element =
            |pairs: Vec<(&str, Value)>| obj(vec![("outer", Value::List(vec![obj(pairs)]))]);
        let both = run(
            &block,
            element(vec![
                ("name", Value::string("a")),
                ("arn", Value::string("b")),
                ("key", Value::Null),
                ("value", Value::Null),
            ]),
        );
        let at = AttributePath::attr("outer").child_index(0);
        assert_eq!(
            path_of(&both),
            [
                at.child_attr("name").to_string(),
                at.child_attr("arn").to_string()
            ],
            "{both}"
        );
        let none = run(
            &block,
            element(vec![
                ("name", Value::Null),
                ("arn", Value::Null),
                ("key", Value::string("k")),
                ("value", Value::Null),
            ]),
        );
        assert_eq!(
            path_of(&none),
            [at.child_attr("key").to_string(), at.to_string()],
            "{none}"
        );
        assert!(none.to_string().contains("`value`"), "{none}");
        // Unknown values may still satisfy the rules.
        let unknown = run(
            &block,
            element(vec![
                ("name", Value::Unknown),
                ("arn", Value::Null),
                ("key", Value::Null),
                ("value", Value::Null),
            ]),
        );
        assert!(unknown.is_empty(), "{unknown}");
    }

    #[test]
    fn item_counts_of_blocks_and_nested_attributes() {
        let block = Block::new()
            .block(
                NestedBlock::new("b", BlockNesting::List, Block::new())
                    .min_items(1)
                    .max_items(1),
            )
            .attribute(Attribute::nested(
                "n",
                NestedAttributes::new(ObjectNesting::List)
                    .attribute(Attribute::string("x"))
                    .items(0, 2),
            ));
        let x = || obj(vec![("x", Value::string("x"))]);
        let d = run(
            &block,
            obj(vec![
                ("b", Value::List(vec![])),
                ("n", Value::List(vec![x(), x(), x()])),
            ]),
        );
        assert_eq!(path_of(&d), ["n", "b"], "{d}");
    }

    #[test]
    fn each_checks_elements_and_describes_itself() {
        let block = Block::new().attribute(
            Attribute::new("l", crate::value::Type::list(crate::value::Type::String))
                .validator(each(length_between(1, 3))),
        );
        let d = run(
            &block,
            obj(vec![(
                "l",
                Value::List(vec![Value::string("ok"), Value::string("toolong")]),
            )]),
        );
        assert_eq!(
            path_of(&d),
            [AttributePath::attr("l").child_index(1).to_string()]
        );
        assert_eq!(
            each(length_between(1, 3)).describe(),
            "each 1 to 3 characters long"
        );
    }

    #[test]
    fn null_map_values_are_refused() {
        let block = Block::new().attribute(
            Attribute::new("tags", crate::value::Type::map(crate::value::Type::String))
                .validator(NoNullElements),
        );
        let d = run(
            &block,
            obj(vec![("tags", Value::map([("a", Value::Null)]))]),
        );
        assert_eq!(
            path_of(&d),
            [AttributePath::attr("tags").child_key("a").to_string()]
        );
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_a_schema_problem_and_rejects_values() {
        let block = Block::new().attribute(Attribute::string("s").validator(matches("(", "x")));
        let schema = crate::schema::Schema::new(block.clone());
        let problems = schema.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("s: pattern ("), "{problems:?}");
        assert!(run(&block, obj(vec![("s", Value::string("anything"))])).has_errors());
    }

    #[test]
    fn rules_naming_missing_fields_are_schema_problems() {
        let block = Block::new()
            .attribute(Attribute::string("a").conflicts_with(["nope"]))
            .exactly_one_of(["a", "missing"]);
        let problems = crate::schema::Schema::new(block).problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn pattern_is_anchored() {
        let block = Block::new()
            .attribute(Attribute::string("s").validator(matches("[a-z]+", "lowercase")));
        assert!(run(&block, obj(vec![("s", Value::string("abc"))])).is_empty());
        assert!(run(&block, obj(vec![("s", Value::string("abc1"))])).has_errors());
    }

    /// Required attributes at every depth: top level (plain, list, dynamic and nested
    /// attributes), inside nested attributes of each nesting and inside nested blocks of
    /// each nesting (a list block inside a list block too), next to optional and
    /// optional+computed attributes.
    fn required_everywhere() -> Block {
        use crate::schema::{BlockNesting, NestedAttributes, ObjectNesting};
        use crate::value::Type;
        let inner = || {
            Block::new()
                .attribute(Attribute::string("req").required())
                .attribute(Attribute::string("opt").optional())
                .attribute(Attribute::string("oc").optional_computed())
        };
        let nested = |nesting| {
            NestedAttributes::new(nesting)
                .attribute(Attribute::string("req").required())
                .attribute(Attribute::string("opt").optional())
        };
        Block::new()
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::new("ids", Type::list(Type::String)).required())
            .attribute(Attribute::new("any", Type::Dynamic).required())
            .attribute(Attribute::string("opt").optional())
            .attribute(Attribute::string("oc").optional_computed())
            .attribute(Attribute::nested("must", nested(ObjectNesting::Single)).required())
            .attribute(Attribute::nested("one", nested(ObjectNesting::Single)).optional())
            .attribute(Attribute::nested("many", nested(ObjectNesting::List)).optional())
            .attribute(Attribute::nested("bag", nested(ObjectNesting::Set)).optional())
            .attribute(Attribute::nested("named", nested(ObjectNesting::Map)).optional())
            .block(NestedBlock::new("single", BlockNesting::Single, inner()))
            .block(NestedBlock::new("group", BlockNesting::Group, inner()))
            .block(NestedBlock::new(
                "list",
                BlockNesting::List,
                inner().block(NestedBlock::new("deeper", BlockNesting::List, inner())),
            ))
            .block(NestedBlock::new("set", BlockNesting::Set, inner()))
            .block(NestedBlock::new("map", BlockNesting::Map, inner()))
    }

    /// One object of a nested attribute of [`required_everywhere`].
    fn nested_obj(req: Value) -> Value {
        obj(vec![("req", req), ("opt", Value::Null)])
    }

    /// One block of [`required_everywhere`] (without `deeper`).
    fn block_obj(req: Value, opt: Value) -> Value {
        obj(vec![("req", req), ("opt", opt), ("oc", Value::Null)])
    }

    /// A valid configuration of [`required_everywhere`] (blocks absent, optional values
    /// null), with `changes` applied.
    fn config_of(changes: Vec<(&str, Value)>) -> Value {
        let mut config = obj(vec![
            ("name", Value::string("n")),
            ("ids", Value::List(vec![Value::string("a")])),
            (
                "any",
                Value::Dynamic(Box::new((crate::value::Type::String, Value::string("x")))),
            ),
            ("opt", Value::Null),
            ("oc", Value::Null),
            ("must", nested_obj(Value::string("r"))),
            ("one", Value::Null),
            ("many", Value::Null),
            ("bag", Value::Null),
            ("named", Value::Null),
            ("single", Value::Null),
            // An absent group block: its empty value, every attribute null.
            ("group", block_obj(Value::Null, Value::Null)),
            ("list", Value::List(Vec::new())),
            ("set", Value::Set(Vec::new())),
            ("map", Value::Map(Default::default())),
        ]);
        for (name, value) in changes {
            if let Some(slot) = config.get_attr_mut(name) {
                *slot = value;
            }
        }
        config
    }

    #[test]
    fn explicit_null_for_a_required_attribute_is_refused_at_its_path_at_every_depth() {
        let block = required_everywhere();
        assert!(run(&block, config_of(Vec::new())).is_empty());
        let config = config_of(vec![
            ("name", Value::Null),
            ("ids", Value::Null),
            (
                "any",
                Value::Dynamic(Box::new((crate::value::Type::String, Value::Null))),
            ),
            ("must", Value::Null),
            ("one", nested_obj(Value::Null)),
            (
                "many",
                Value::List(vec![
                    nested_obj(Value::string("ok")),
                    nested_obj(Value::Null),
                ]),
            ),
            ("bag", Value::Set(vec![nested_obj(Value::Null)])),
            (
                "named",
                Value::Map([("k".to_string(), nested_obj(Value::Null))].into()),
            ),
            ("single", block_obj(Value::Null, Value::string("x"))),
            ("group", block_obj(Value::Null, Value::string("x"))),
            (
                "list",
                Value::List(vec![
                    obj(vec![
                        ("req", Value::string("ok")),
                        ("opt", Value::Null),
                        ("oc", Value::Null),
                        (
                            "deeper",
                            Value::List(vec![block_obj(Value::Null, Value::Null)]),
                        ),
                    ]),
                    obj(vec![
                        ("req", Value::Null),
                        ("opt", Value::Null),
                        ("oc", Value::string("set")),
                        ("deeper", Value::List(Vec::new())),
                    ]),
                ]),
            ),
            ("set", Value::Set(vec![block_obj(Value::Null, Value::Null)])),
            (
                "map",
                Value::Map([("m".to_string(), block_obj(Value::Null, Value::Null))].into()),
            ),
        ]);
        let d = run(&block, config);
        let mut paths = path_of(&d);
        paths.sort();
        let mut want = vec![
            "name",
            "ids",
            "any",
            "must",
            "one.req",
            "many[1].req",
            "bag[0].req",
            "named[\"k\"].req",
            "single.req",
            "group.req",
            "list[0].deeper[0].req",
            "list[1].req",
            "set[0].req",
            "map[\"m\"].req",
        ];
        want.sort();
        assert_eq!(paths, want, "{d}");
        for diag in &d {
            assert!(diag.is_error(), "{diag}");
            assert_eq!(diag.summary, "Missing required argument");
            let name = match diag.path.as_ref().map(|p| p.to_string()) {
                Some(p) if p.ends_with(".req") => "\"req\"".to_string(),
                Some(p) => format!("\"{p}\""),
                None => panic!("no path: {diag}"),
            };
            assert!(diag.detail.contains(&name), "{}", diag.detail);
            assert!(diag.detail.contains("null"), "{}", diag.detail);
        }
    }

    #[test]
    fn unknown_values_and_absent_blocks_leave_required_attributes_unchecked() {
        let block = required_everywhere();
        let config = config_of(vec![
            ("name", Value::Unknown),
            ("ids", Value::Unknown),
            ("any", Value::Unknown),
            ("must", Value::Unknown),
            ("many", Value::List(vec![Value::Unknown])),
            ("bag", Value::Unknown),
            (
                "named",
                Value::Map([("k".to_string(), nested_obj(Value::Unknown))].into()),
            ),
            ("single", block_obj(Value::Unknown, Value::Null)),
            ("list", Value::List(vec![Value::Unknown])),
            ("set", Value::Unknown),
        ]);
        let d = run(&block, config);
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn required_check_alone_ignores_validators_and_rules() {
        let block = Block::new()
            .attribute(
                Attribute::string("name")
                    .required()
                    .validator(length_between(3, 5)),
            )
            .attribute(Attribute::string("other").required());
        let config = obj(vec![("name", Value::string("x")), ("other", Value::Null)]);
        assert_eq!(path_of(&check_required(&block, &config)), ["other"]);
        assert_eq!(path_of(&run(&block, config)), ["name", "other"]);
        assert!(check_required(&block, &Value::Null).is_empty());
        assert!(check_required(&block, &Value::Unknown).is_empty());
    }
}
