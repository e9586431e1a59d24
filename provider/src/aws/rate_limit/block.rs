//! The provider block's `rate_limits { … }`: requests per second per operation class,
//! each defaulting to AWS's quota ([`RateLimits::AWS`]).
//!
//! ```hcl
//! provider "lambda" {
//!   rate_limits {
//!     capacity_provider_writes = 1   # CreateCapacityProvider, UpdateCapacityProvider, DeleteCapacityProvider
//!     capacity_provider_reads  = 15
//!     get_function             = 100
//!     control_plane            = 15  # every other Lambda call but Invoke
//!   }
//! }
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::schema::{Attribute, Block, NestedBlock};
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Maybe, Value};

use super::quotas::{OperationClass, RateLimits};

/// The block's name.
pub const NAME: &str = "rate_limits";

/// The highest rate accepted (requests per second): far above every AWS quota, so a
/// configuration can turn limiting practically off, but not by a typo like `1e30`.
pub const MAX_PER_SECOND: f64 = 100_000.0;

/// The lowest rate: one request every 100 seconds. Below it a single call would wait for
/// longer than any operation's timeout (a rate of 1e-300 waited ~forever).
pub const MIN_PER_SECOND: f64 = 0.01;

/// One attribute of the block: its name, the class it limits, and what the class is.
pub struct RateAttribute {
    /// The attribute's name.
    pub name: &'static str,
    /// The operations it limits.
    pub class: OperationClass,
    /// What they are, for the description.
    pub what: &'static str,
}

/// The block's attributes, one per [`OperationClass`].
pub const ATTRIBUTES: [RateAttribute; 4] = [
    RateAttribute {
        name: "capacity_provider_writes",
        class: OperationClass::CapacityProviderWrite,
        what: "capacity provider writes (`CreateCapacityProvider`, `UpdateCapacityProvider`, \
               `DeleteCapacityProvider`), combined",
    },
    RateAttribute {
        name: "capacity_provider_reads",
        class: OperationClass::CapacityProviderRead,
        what: "capacity provider reads (`GetCapacityProvider`, `ListCapacityProviders`, \
               `ListFunctionVersionsByCapacityProvider`), combined; waiters poll through it",
    },
    RateAttribute {
        name: "get_function",
        class: OperationClass::GetFunction,
        what: "`GetFunction` calls",
    },
    RateAttribute {
        name: "control_plane",
        class: OperationClass::ControlPlane,
        what: "every other Lambda call (functions, versions, scaling, tags, durable \
               executions) except invocations, combined",
    },
];

/// The `rate_limits` block's schema.
pub fn schema() -> NestedBlock {
    let mut block = Block::new().description(
        "Client-side rate limits of the provider's Lambda calls, in requests per second per \
         account and region, shared by every resource of the provider. They default to AWS's \
         published Lambda control-plane quotas, which cannot be raised, so that a plan or apply \
         of many resources waits for its turn instead of being throttled. Throttling that still \
         happens (other clients of the account) is retried with backoff, honouring \
         `Retry-After`.",
    );
    for a in &ATTRIBUTES {
        block = block.attribute(
            Attribute::number(a.name)
                .optional()
                .validator(PositiveRate { name: a.name })
                .description(format!(
                    "Requests per second for {}. Default `{}` (AWS's quota).",
                    a.what,
                    RateLimits::AWS.per_second(a.class)
                )),
        );
    }
    NestedBlock::list_max_one(NAME, block)
}

/// `rate_limits { … }`, typed: attribute name → requests per second.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct RateLimitsConfig(pub BTreeMap<String, Maybe<f64>>);

impl RateLimitsConfig {
    /// The paths of values that are not known yet, under `path` (the block's).
    pub fn unknown_paths(&self, path: &AttributePath) -> Vec<AttributePath> {
        ATTRIBUTES
            .iter()
            .filter(|a| self.0.get(a.name).is_some_and(Maybe::is_unknown))
            .map(|a| path.child_attr(a.name))
            .collect()
    }

    /// The limits: AWS's quotas, with the ones this block sets; errors at `path` (the
    /// block's) for values that are not positive rates.
    pub fn limits(&self, path: &AttributePath) -> Result<RateLimits, Diagnostics> {
        let mut limits = RateLimits::AWS;
        let mut diags = Diagnostics::new();
        for a in &ATTRIBUTES {
            let Some(value) = self.0.get(a.name).and_then(|v| v.known()).copied() else {
                continue;
            };
            match check(a.name, value) {
                Ok(()) => limits = limits.with(a.class, value),
                Err(d) => diags.push(d.at(path.child_attr(a.name))),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(limits)
    }
}

/// The limits of the provider block's `rate_limits` (at most one block): AWS's quotas
/// when it is absent.
pub fn limits_of(blocks: &Maybe<Vec<RateLimitsConfig>>) -> Result<RateLimits, Diagnostics> {
    match blocks.known().and_then(|b| b.first()) {
        Some(block) => block.limits(&AttributePath::attr(NAME).child_index(0)),
        None => Ok(RateLimits::AWS),
    }
}

/// The paths of unknown values in the provider block's `rate_limits`.
pub fn unknown_paths(blocks: &Maybe<Vec<RateLimitsConfig>>) -> Vec<AttributePath> {
    if blocks.is_unknown() {
        return vec![AttributePath::attr(NAME)];
    }
    blocks
        .known()
        .and_then(|b| b.first())
        .map(|b| b.unknown_paths(&AttributePath::attr(NAME).child_index(0)))
        .unwrap_or_default()
}

/// An error naming the attribute unless `value` is a rate the limiter can use.
fn check(name: &str, value: f64) -> Result<(), Diagnostic> {
    if value.is_finite() && (MIN_PER_SECOND..=MAX_PER_SECOND).contains(&value) {
        return Ok(());
    }
    Err(Diagnostic::error(
        "Invalid rate limit",
        format!(
            "`{NAME}.{name}` must be between {MIN_PER_SECOND} and {MAX_PER_SECOND} requests \
             per second; got {}.",
            number_text(value)
        ),
    ))
}

/// `value` as a person writes it: `0.5`, `-1`, and `1e-300` rather than 300 digits.
/// A value beyond a double (`1e400`) is said to be that, not `inf`.
fn number_text(value: f64) -> String {
    if value.is_infinite() {
        return format!(
            "{}{:e} or more",
            if value < 0.0 { "-" } else { "" },
            f64::MAX
        );
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e15).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// A rate between [`MIN_PER_SECOND`] and [`MAX_PER_SECOND`] (see [`check`]).
struct PositiveRate {
    name: &'static str,
}

impl Validator for PositiveRate {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::Number(n) = value
            && let Err(d) = check(self.name, n.as_f64())
        {
            diags.push(d.at(path.clone()));
        }
    }

    fn describe(&self) -> String {
        format!("between {MIN_PER_SECOND} and {MAX_PER_SECOND} requests per second")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplug::value::from_value;

    fn block(pairs: &[(&str, Value)]) -> Value {
        Value::object(ATTRIBUTES.iter().map(|a| {
            let v = pairs
                .iter()
                .find(|(k, _)| *k == a.name)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null);
            (a.name, v)
        }))
    }

    fn read(v: &Value) -> RateLimitsConfig {
        from_value(v).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn unset_attributes_keep_aws_quotas() {
        let cfg = read(&block(&[("capacity_provider_writes", Value::number(10))]));
        let limits = cfg
            .limits(&AttributePath::attr(NAME).child_index(0))
            .unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(
            limits,
            RateLimits::AWS.with(OperationClass::CapacityProviderWrite, 10.0)
        );
        assert_eq!(limits_of(&Maybe::Null), Ok(RateLimits::AWS));
        assert_eq!(limits_of(&Maybe::Known(vec![])), Ok(RateLimits::AWS));
    }

    #[test]
    fn rates_must_be_in_range_and_the_error_names_the_attribute() {
        let tiny = tfplug::value::Number::parse("1e-300").unwrap_or_else(|e| panic!("{e}"));
        let v = block(&[
            ("capacity_provider_writes", Value::number(0)),
            ("get_function", Value::number(-1)),
            ("capacity_provider_reads", Value::Number(tiny)),
            (
                "control_plane",
                Value::Number(
                    tfplug::value::Number::parse("1e400").unwrap_or_else(|e| panic!("{e}")),
                ),
            ),
        ]);
        let mut diags = Diagnostics::new();
        tfplug::validate::validate_block(
            &schema().block,
            &AttributePath::attr(NAME).child_index(0),
            &v,
            &mut diags,
        );
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 4, "{diags}");
        let base = AttributePath::attr(NAME).child_index(0);
        for (name, got) in [
            ("capacity_provider_writes", "got 0"),
            ("get_function", "got -1"),
            ("capacity_provider_reads", "got 1e-300"),
            ("control_plane", "got 1.7976931348623157e308 or more"),
        ] {
            let d = errors
                .iter()
                .find(|d| d.path.as_ref() == Some(&base.child_attr(name)))
                .unwrap_or_else(|| panic!("no error at {name}: {diags}"));
            assert!(
                d.detail.contains(&format!("`rate_limits.{name}`")),
                "{}",
                d.detail
            );
            assert!(d.detail.contains("between 0.01 and 100000"), "{}", d.detail);
            assert!(d.detail.contains(got), "{}", d.detail);
        }
        // The same check when the provider is configured.
        let err = read(&v).limits(&base).err().unwrap_or_default();
        assert_eq!(err.iter().filter(|d| d.is_error()).count(), 4, "{err}");
    }

    #[test]
    fn unknown_values_are_found() {
        let cfg = read(&block(&[("control_plane", Value::Unknown)]));
        let paths = unknown_paths(&Maybe::Known(vec![cfg]));
        assert_eq!(
            paths,
            vec![
                AttributePath::attr(NAME)
                    .child_index(0)
                    .child_attr("control_plane")
            ]
        );
        assert_eq!(
            unknown_paths(&Maybe::Unknown),
            vec![AttributePath::attr(NAME)]
        );
    }

    #[test]
    fn descriptions_quote_aws_quotas() {
        let s = schema();
        let d = &s.block.attributes["capacity_provider_writes"].description;
        assert!(d.contains("Default `1`"), "{d}");
        let d = &s.block.attributes["get_function"].description;
        assert!(d.contains("Default `100`"), "{d}");
    }
}
