//! Provider-defined functions (Terraform 1.8+, `provider::lambda::NAME(…)`): pure
//! calculations a configuration or a policy check can use — [`parse_arn`], the
//! execution environments a capacity provider holds
//! ([`execution_environments_capacity`]) and a monthly cost estimate
//! ([`estimate_monthly_cost`]).
//!
//! Numeric arguments are read with [`number_arg`] against their [`Bounds`]: a value
//! outside them is an error naming the argument and what it may be.

pub mod estimate_monthly_cost;
pub mod execution_environments_capacity;
pub mod parse_arn;

use tfplug::function::FunctionError;
use tfplug::value::{Number, Value};

use crate::aws::model::{Shape, ShapeKind};

/// What a numeric argument may be: a range, and whether it must be a whole number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// The least value allowed.
    pub min: f64,
    /// The largest value allowed (`f64::MAX` when only finiteness bounds it).
    pub max: f64,
    /// Whether the value must be a whole number.
    pub whole: bool,
}

impl Bounds {
    /// Any finite number of 0 or more.
    pub const NON_NEGATIVE: Bounds = Bounds {
        min: 0.0,
        max: f64::MAX,
        whole: false,
    };

    /// Any whole number of 0 or more.
    pub const COUNT: Bounds = Bounds {
        min: 0.0,
        max: f64::MAX,
        whole: true,
    };

    /// The range AWS's model gives `shape` (whole numbers for integer shapes).
    pub fn of_shape(shape: &Shape) -> Bounds {
        Bounds {
            min: shape.min.unwrap_or(f64::MIN),
            max: shape.max.unwrap_or(f64::MAX),
            whole: matches!(shape.kind, ShapeKind::Integer | ShapeKind::Long),
        }
    }

    /// The same bounds with a least value of at least `min`.
    pub fn at_least(self, min: f64) -> Bounds {
        Bounds {
            min: self.min.max(min),
            ..self
        }
    }

    /// Whether `n` is within the bounds.
    fn admits(&self, n: &Number) -> bool {
        let f = n.as_f64();
        f.is_finite() && f >= self.min && f <= self.max && (!self.whole || n.is_integer())
    }

    /// What a value may be, for messages: "a whole number from 2 to 15000".
    pub fn describe(&self) -> String {
        let kind = if self.whole {
            "a whole number"
        } else {
            "a number"
        };
        match (self.min > f64::MIN, self.max < f64::MAX) {
            (true, true) => format!("{kind} from {} to {}", self.min, self.max),
            (true, false) => format!("{kind} of {} or more (below {:e})", self.min, f64::MAX),
            (false, true) => format!("{kind} of {} or less", self.max),
            (false, false) => format!("{kind} (between {:e} and {:e})", f64::MIN, f64::MAX),
        }
    }
}

/// `n` for a message: as written when short, in scientific notation when long.
pub fn shown(n: &Number) -> String {
    let text = n.to_string();
    let f = n.as_f64();
    if text.len() <= 24 {
        text
    } else if f.is_finite() {
        format!("{f:e}")
    } else {
        format!("{}… ({} digits)", &text[..20], text.len())
    }
}

/// Why a numeric argument was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ArgumentError {
    /// The argument is not a known number (Terraform's type check normally prevents it).
    #[error("{name} must be {allowed}")]
    Missing {
        /// The argument.
        name: String,
        /// What it may be.
        allowed: String,
    },
    /// The argument is outside its bounds, or fractional where a whole number is needed.
    #[error("{name} must be {allowed}; got {got}")]
    OutOfRange {
        /// The argument.
        name: String,
        /// What it may be.
        allowed: String,
        /// What it was.
        got: String,
    },
    /// Within its bounds, but the result it gives is beyond what the function computes.
    #[error(
        "{name} = {got} is too large: {result} would exceed {max:e}, the most this function \
         computes. {name} must be small enough that {result} stays below that"
    )]
    TooLarge {
        /// The argument.
        name: String,
        /// What it was.
        got: String,
        /// What would overflow, e.g. "the estimate".
        result: String,
        /// The largest result (`f64::MAX`).
        max: f64,
    },
}

impl ArgumentError {
    /// As the function error blaming argument `index`.
    pub fn at(self, index: usize) -> FunctionError {
        FunctionError {
            text: self.to_string(),
            argument: Some(index as i64),
        }
    }
}

/// The number in argument `index` (named `name`), which must be within `bounds`.
pub fn number_arg(
    args: &[Value],
    index: usize,
    name: &str,
    bounds: Bounds,
) -> Result<f64, FunctionError> {
    let allowed = || bounds.describe();
    let Some(n) = args.get(index).and_then(Value::as_number) else {
        return Err(ArgumentError::Missing {
            name: name.to_string(),
            allowed: allowed(),
        }
        .at(index));
    };
    if !bounds.admits(n) {
        return Err(ArgumentError::OutOfRange {
            name: name.to_string(),
            allowed: allowed(),
            got: shown(n),
        }
        .at(index));
    }
    Ok(n.as_f64())
}

/// Calling a function with numbers, for the functions' tests.
#[cfg(test)]
pub(crate) mod calls {
    use tfplug::function::{Function, FunctionError};
    use tfplug::value::{Number, Value};

    /// `f` called with `args` (a number that is not finite is passed as null).
    pub fn call(f: &dyn Function, args: &[f64]) -> Result<Value, FunctionError> {
        let args = args
            .iter()
            .map(|n| Number::from_f64(*n).map_or(Value::Null, Value::Number))
            .collect();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .block_on(f.call(args))
    }

    /// The error of `f` called with `args` (which must fail): the argument it names and
    /// its text.
    pub fn error(f: &dyn Function, args: &[f64]) -> (Option<i64>, String) {
        match call(f, args) {
            Ok(v) => panic!("{args:?} gave {v:?}, not an error"),
            Err(e) => (e.argument, e.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::model::lambda::shapes;
    use tfplug::provider::Provider;
    use tfplug::value::Type;

    fn arg(n: f64) -> Vec<Value> {
        vec![Number::from_f64(n).map_or(Value::Null, Value::Number)]
    }

    #[test]
    fn bounds_come_from_the_model_and_say_what_is_allowed() {
        let memory = Bounds::of_shape(&shapes::MemorySize);
        assert_eq!(memory.describe(), "a whole number from 128 to 32768");
        assert_eq!(
            Bounds::of_shape(&shapes::ExecutionEnvironmentMemoryGiBPerVCpu).describe(),
            "a number from 2 to 8"
        );
        assert_eq!(
            memory.at_least(2048.0).describe(),
            "a whole number from 2048 to 32768"
        );
        assert_eq!(
            Bounds::NON_NEGATIVE.describe(),
            "a number of 0 or more (below 1.7976931348623157e308)"
        );
    }

    #[test]
    fn arguments_outside_their_bounds_are_errors_naming_them() {
        let e = number_arg(&arg(2.5), 0, "instances", Bounds::COUNT).err();
        assert_eq!(
            e,
            Some(FunctionError {
                text: "instances must be a whole number of 0 or more (below \
                       1.7976931348623157e308); got 2.5"
                    .into(),
                argument: Some(0),
            })
        );
        let e = number_arg(&arg(-1.0), 0, "x", Bounds::NON_NEGATIVE).err();
        assert!(e.is_some_and(|e| e.text.contains("x must be a number of 0 or more")));
        // A number no f64 holds is out of range, not infinite.
        let huge = vec![Value::Number(
            Number::parse("1e400").unwrap_or_else(|e| panic!("{e}")),
        )];
        let e = number_arg(&huge, 0, "x", Bounds::NON_NEGATIVE).err();
        assert!(
            e.as_ref()
                .is_some_and(|e| e.text.contains("got 10000000000000000000… (401 digits)")),
            "{e:?}"
        );
        assert_eq!(
            number_arg(&[], 1, "y", Bounds::COUNT)
                .err()
                .map(|e| e.argument),
            Some(Some(1))
        );
        assert_eq!(number_arg(&arg(3.0), 0, "n", Bounds::COUNT).ok(), Some(3.0));
        assert_eq!(shown(&Number::from_i64(42)), "42");
        assert_eq!(
            Number::from_f64(1e30).map(|n| shown(&n)).as_deref(),
            Some("1e30")
        );
    }

    /// The Terraform spelling of a parameter's type: `number`.
    fn type_word(ty: &Type) -> &'static str {
        match ty {
            Type::Number => "number",
            Type::String => "string",
            Type::Bool => "bool",
            _ => "dynamic",
        }
    }

    /// The hand-written pages under `docs/functions/` list each parameter as its
    /// signature describes it, and the fields of an object result.
    #[test]
    fn the_reference_pages_match_the_signatures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/functions");
        for f in crate::LambdaProvider::new().functions() {
            let path = dir.join(format!("{}.md", f.name()));
            let page = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let s = f.signature();
            for (i, p) in s.parameters.iter().enumerate() {
                let word = type_word(&p.ty);
                let mut capitalized = word[..1].to_uppercase();
                capitalized.push_str(&word[1..]);
                let line = format!("{}. `{}` ({capitalized}) {}", i + 1, p.name, p.description);
                assert!(
                    page.lines().any(|l| l == line),
                    "{}: no line {line:?}",
                    path.display()
                );
            }
            let params: Vec<String> = s
                .parameters
                .iter()
                .map(|p| format!("{} {}", p.name, type_word(&p.ty)))
                .collect();
            let call = format!("{}({})", f.name(), params.join(", "));
            let Some(signature) = page.lines().find(|l| l.starts_with(&call)) else {
                panic!("{}: no signature {call:?}", path.display());
            };
            if let Type::Object(fields) = &s.return_type {
                let listed: std::collections::BTreeSet<&str> = signature
                    .split_once("object({")
                    .and_then(|(_, rest)| rest.split_once("})"))
                    .map(|(names, _)| names.split(", ").collect())
                    .unwrap_or_default();
                let declared: std::collections::BTreeSet<&str> =
                    fields.keys().map(String::as_str).collect();
                assert_eq!(listed, declared, "{}", path.display());
            }
        }
    }
}
