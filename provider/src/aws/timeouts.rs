//! The `timeouts` block (`create`, `update`, `delete`) and Go-style duration strings
//! (`"20m"`, `"1h30m"`, `"45s"`), as Terraform users write them.

use std::time::Duration;

use tfplug::diag::Diagnostics;
use tfplug::schema::{Attribute, Block, BlockNesting, NestedBlock};
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Value};

/// Parses a Go duration string: a sequence of decimal numbers with units `ns`, `us`,
/// `µs`, `ms`, `s`, `m`, `h` (e.g. `"1h30m"`, `"1.5h"`, `"300ms"`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let num_len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!("invalid duration {s:?}: expected a number"));
        }
        let number: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("invalid duration {s:?}: bad number"))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => {
                return Err(format!(
                    "invalid duration {s:?}: missing unit (use s, m or h)"
                ));
            }
            other => return Err(format!("invalid duration {s:?}: unknown unit {other:?}")),
        };
        rest = &rest[unit_len..];
        total += number * seconds_per_unit;
    }
    if !total.is_finite() || total > 1e9 {
        return Err(format!("invalid duration {s:?}: too long"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// How an error about a duration says to write one.
const WRITE_DURATIONS: &str = "Write durations like \"30s\", \"20m\" or \"1h30m\".";

/// Validates duration strings at plan time.
pub struct DurationString;

impl Validator for DurationString {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && let Err(e) = parse_duration(s)
        {
            diags.error_at(
                path.clone(),
                "Invalid duration",
                format!("{e}. {WRITE_DURATIONS}"),
            );
        }
    }

    fn describe(&self) -> String {
        "a duration such as `30s`, `10m` or `1h30m`".to_string()
    }
}

/// A duration string within bounds (e.g. an STS session between 15m and 12h).
pub struct DurationBetween {
    /// Shortest allowed.
    pub min: Duration,
    /// Longest allowed.
    pub max: Duration,
}

impl DurationBetween {
    /// Parses `s` and checks the bounds; the error says what is allowed.
    pub fn check(&self, s: &str) -> Result<Duration, String> {
        let d = parse_duration(s).map_err(|e| format!("{e}. {WRITE_DURATIONS}"))?;
        if d < self.min || d > self.max {
            return Err(format!(
                "{s:?} is out of range: use a duration between {} and {}",
                super::error::format_duration(self.min),
                super::error::format_duration(self.max)
            ));
        }
        Ok(d)
    }
}

impl Validator for DurationBetween {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && let Err(e) = self.check(s)
        {
            let e = if e.ends_with('.') { e } else { format!("{e}.") };
            diags.error_at(path.clone(), "Invalid duration", e);
        }
    }

    fn describe(&self) -> String {
        format!(
            "a duration between `{}` and `{}`",
            super::error::format_duration(self.min),
            super::error::format_duration(self.max)
        )
    }
}

/// The `timeouts` block's name.
pub const BLOCK_NAME: &str = "timeouts";

/// The `timeouts` block as a model, for resource models.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TimeoutsModel {
    /// `create`.
    pub create: Option<String>,
    /// `update`.
    pub update: Option<String>,
    /// `delete`.
    pub delete: Option<String>,
}

/// Default timeouts of a resource type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutDefaults {
    /// Create.
    pub create: Duration,
    /// Update.
    pub update: Duration,
    /// Delete.
    pub delete: Duration,
}

/// The operation a timeout applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Create (including waiting until ready).
    Create,
    /// Update in place.
    Update,
    /// Delete (including waiting until gone).
    Delete,
}

impl Operation {
    fn attr(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// What an operation's timeout may be: at least a second (a zero timeout fails every
/// wait at once), at most the year a durable execution may run, which a delete that waits
/// for executions to end may have to outlast.
pub const OPERATION_TIMEOUT: DurationBetween = DurationBetween {
    min: Duration::from_secs(1),
    max: Duration::from_secs(366 * 24 * 3600),
};

impl TimeoutDefaults {
    /// The `timeouts` block (nesting single, like the AWS provider's), describing these
    /// defaults.
    pub fn block(&self) -> NestedBlock {
        let attr = |op: Operation, d: Duration| {
            Attribute::string(op.attr())
                .optional()
                .validator(OPERATION_TIMEOUT)
                .description(format!(
                    "How long to wait for the {} to finish (default `{}`).",
                    op.attr(),
                    super::error::format_duration(d)
                ))
        };
        NestedBlock::new(
            BLOCK_NAME,
            BlockNesting::Single,
            Block::new()
                .attribute(attr(Operation::Create, self.create))
                .attribute(attr(Operation::Update, self.update))
                .attribute(attr(Operation::Delete, self.delete))
                .description("Operation timeouts, as Go durations (`\"20m\"`, `\"1h\"`)."),
        )
    }

    /// The timeout for `op` from a resource value holding a `timeouts` block (config,
    /// plan or state), falling back to the default when unset or invalid.
    pub fn get(&self, resource: &Value, op: Operation) -> Duration {
        let default = match op {
            Operation::Create => self.create,
            Operation::Update => self.update,
            Operation::Delete => self.delete,
        };
        resource
            .get_attr(BLOCK_NAME)
            .and_then(|t| t.get_attr(op.attr()))
            .and_then(Value::as_str)
            .and_then(|s| parse_duration(s).ok())
            .unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_duration("20m"), Ok(Duration::from_secs(1200)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("45s"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("20").is_err());
        assert!(parse_duration("20x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("m").is_err());
    }

    #[test]
    fn reads_timeouts_block_with_defaults() {
        let d = TimeoutDefaults {
            create: Duration::from_secs(600),
            update: Duration::from_secs(600),
            delete: Duration::from_secs(1800),
        };
        let v = Value::object([(
            BLOCK_NAME,
            Value::object([
                ("create", Value::string("20m")),
                ("update", Value::Null),
                ("delete", Value::string("bogus")),
            ]),
        )]);
        assert_eq!(d.get(&v, Operation::Create), Duration::from_secs(1200));
        assert_eq!(d.get(&v, Operation::Update), Duration::from_secs(600));
        assert_eq!(d.get(&v, Operation::Delete), Duration::from_secs(1800));
        let none = Value::object([(BLOCK_NAME, Value::Null)]);
        assert_eq!(d.get(&none, Operation::Create), Duration::from_secs(600));
    }

    #[test]
    fn bounded_durations() {
        let sts = DurationBetween {
            min: Duration::from_secs(900),
            max: Duration::from_secs(43200),
        };
        assert_eq!(sts.check("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(sts.check("15m"), Ok(Duration::from_secs(900)));
        let e = sts.check("10m").err().unwrap_or_default();
        assert!(e.contains("between 15m and 12h"), "{e}");
        assert!(sts.check("13h").is_err());
        let e = sts.check("20 minutes").err().unwrap_or_default();
        assert!(e.contains("unknown unit") && e.contains("\"1h30m\""), "{e}");
        let mut diags = Diagnostics::new();
        let path = AttributePath::attr("assume_role")
            .child_index(0)
            .child_attr("duration");
        sts.validate(&path, &Value::string("5m"), &mut diags);
        assert_eq!(diags.iter().next().and_then(|d| d.path.clone()), Some(path));
    }

    #[test]
    fn an_operation_timeout_of_zero_is_refused() {
        let block = TimeoutDefaults {
            create: Duration::from_secs(600),
            update: Duration::from_secs(600),
            delete: Duration::from_secs(600),
        }
        .block()
        .block;
        let errors = |create: &str| {
            let value = Value::object([
                ("create", Value::string(create)),
                ("update", Value::Null),
                ("delete", Value::Null),
            ]);
            tfplug::validate::validate_config(&block, &value)
        };
        let zero = errors("0s");
        assert_eq!(zero.len(), 1, "{zero:?}");
        assert!(
            zero.iter()
                .all(|d| d.path == Some(AttributePath::attr("create")))
        );
        assert!(errors("30s").is_empty());
        assert!(errors("2160h").is_empty(), "90 days, for executions to end");
    }

    #[test]
    fn validator_reports_bad_durations() {
        let mut diags = Diagnostics::new();
        DurationString.validate(
            &AttributePath::attr(BLOCK_NAME).child_attr("create"),
            &Value::string("20"),
            &mut diags,
        );
        assert!(diags.has_errors());
    }
}
