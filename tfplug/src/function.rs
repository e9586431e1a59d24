//! The [`Function`] trait: provider-defined functions (`provider::NAME::FUNC(...)`).

use async_trait::async_trait;

use crate::proto::tfplugin6 as pb;
use crate::value::{Type, Value};

/// One positional parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Display name.
    pub name: String,
    /// Type constraint.
    pub ty: Type,
    /// Whether null may be passed.
    pub allow_null: bool,
    /// Whether unknown values are passed in (otherwise Terraform returns unknown itself).
    pub allow_unknown: bool,
    /// Markdown description.
    pub description: String,
}

impl Parameter {
    /// A parameter that takes neither null nor unknown values.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self {
            name: name.into(),
            ty,
            allow_null: false,
            allow_unknown: false,
            description: String::new(),
        }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    fn to_proto(&self) -> pb::function::Parameter {
        pb::function::Parameter {
            name: self.name.clone(),
            r#type: self.ty.to_json_bytes(),
            allow_null_value: self.allow_null,
            allow_unknown_values: self.allow_unknown,
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
        }
    }
}

/// A function's signature and documentation.
#[derive(Clone, Debug)]
pub struct Signature {
    /// Positional parameters.
    pub parameters: Vec<Parameter>,
    /// Optional trailing variadic parameter.
    pub variadic: Option<Parameter>,
    /// Result type.
    pub return_type: Type,
    /// One-line summary.
    pub summary: String,
    /// Markdown description.
    pub description: String,
}

impl Signature {
    /// Encodes for the protocol.
    pub fn to_proto(&self) -> pb::Function {
        pb::Function {
            parameters: self.parameters.iter().map(Parameter::to_proto).collect(),
            variadic_parameter: self.variadic.as_ref().map(Parameter::to_proto),
            r#return: Some(pb::function::Return {
                r#type: self.return_type.to_json_bytes(),
            }),
            summary: self.summary.clone(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecation_message: String::new(),
        }
    }
}

/// An error from a function call, optionally blaming one argument.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{text}")]
pub struct FunctionError {
    /// Message shown to the user.
    pub text: String,
    /// Zero-based index of the argument at fault.
    pub argument: Option<i64>,
}

/// A provider-defined function.
#[async_trait]
pub trait Function: Send + Sync {
    /// Function name (without the `provider::NAME::` prefix).
    fn name(&self) -> &str;

    /// Parameters, result type and docs.
    fn signature(&self) -> Signature;

    /// Runs the function; `args` conform to the parameter types (variadic ones appended).
    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError>;
}
