//! AWS service models (botocore JSON) embedded in the binary, and everything
//! the emulator derives from them: request routing (REST URI templates),
//! input decoding, input validation and output filtering.
//!
//! The models are the workspace's one copy of botocore's, in `schemas/aws/` (see the
//! licence and notice files there), which the provider's build also reads; they are
//! embedded with `include_str!`, so the emulator reads no file at run time.

pub mod output;
pub mod pattern;
pub mod query;
pub mod rest;
pub mod validate;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

/// The Lambda service model (`lambda-2015-03-31`).
pub const LAMBDA_JSON: &str = include_str!("../../../schemas/aws/lambda-2015-03-31.json");
/// The subset of the EC2 service model (`ec2-2016-11-15`) the emulator serves.
pub const EC2_JSON: &str = include_str!("../../../schemas/aws/ec2-2016-11-15.subset.json");
/// The STS service model (`sts-2011-06-15`).
pub const STS_JSON: &str = include_str!("../../../schemas/aws/sts-2011-06-15.json");

/// Errors raised while loading a service model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The embedded JSON does not have the botocore layout.
    #[error("invalid service model: {0}")]
    Json(#[from] serde_json::Error),
}

/// A botocore service model plus the compiled regular expressions of its
/// string patterns.
#[derive(Debug)]
pub struct ServiceModel {
    /// The `metadata` block (protocol, API version, XML namespace...).
    pub metadata: Metadata,
    /// Operations by name.
    pub operations: BTreeMap<String, Operation>,
    /// Shapes by name.
    pub shapes: BTreeMap<String, Shape>,
    /// Compiled patterns by shape name; `None` for patterns that cannot be
    /// expressed with the `regex` crate (look-around), which are skipped.
    patterns: BTreeMap<String, Option<Regex>>,
}

#[derive(Debug, Deserialize)]
struct RawModel {
    metadata: Metadata,
    operations: BTreeMap<String, Operation>,
    shapes: BTreeMap<String, Shape>,
}

/// The model's `metadata` block.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// `rest-json`, `ec2` or `query`.
    pub protocol: String,
    /// API version, e.g. `2016-11-15`.
    pub api_version: String,
    /// XML namespace of query/ec2 responses.
    #[serde(default)]
    pub xml_namespace: Option<String>,
}

/// One operation of a service.
#[derive(Debug, Deserialize)]
pub struct Operation {
    /// Operation name, e.g. `CreateFunction`.
    pub name: String,
    /// HTTP binding.
    pub http: Http,
    /// Input shape.
    #[serde(default)]
    pub input: Option<ShapeRef>,
    /// Output shape.
    #[serde(default)]
    pub output: Option<ShapeRef>,
    /// Error shapes the operation declares.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
}

/// The `http` trait of an operation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    /// HTTP method.
    pub method: String,
    /// URI template, e.g. `/2015-03-31/functions/{FunctionName}`.
    pub request_uri: String,
    /// Success status code.
    #[serde(default)]
    pub response_code: Option<u16>,
}

/// A reference to a shape, with its serialization traits.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    /// Target shape name.
    pub shape: String,
    /// `uri`, `querystring`, `header`, `headers` or `statusCode`.
    #[serde(default)]
    pub location: Option<String>,
    /// Wire name.
    #[serde(default)]
    pub location_name: Option<String>,
    /// EC2 query-string name.
    #[serde(default)]
    pub query_name: Option<String>,
    /// Flattened list (query protocol).
    #[serde(default)]
    pub flattened: bool,
    /// Query protocol result wrapper element.
    #[serde(default)]
    pub result_wrapper: Option<String>,
}

/// The type of a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    /// A structure with named members.
    Structure,
    /// A list.
    List,
    /// A map.
    Map,
    /// A string.
    String,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// Double.
    Double,
    /// Float.
    Float,
    /// Boolean.
    Boolean,
    /// Timestamp.
    Timestamp,
    /// Binary data (base64 in JSON).
    Blob,
}

impl ShapeKind {
    /// Whether the shape is a number.
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Self::Integer | Self::Long | Self::Double | Self::Float
        )
    }
}

/// One shape of the model.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// Shape type.
    #[serde(rename = "type")]
    pub kind: ShapeKind,
    /// Structure members (ordered by name).
    #[serde(default)]
    pub members: BTreeMap<String, ShapeRef>,
    /// Required structure members.
    #[serde(default)]
    pub required: Vec<String>,
    /// Minimum length / value.
    #[serde(default)]
    pub min: Option<f64>,
    /// Maximum length / value.
    #[serde(default)]
    pub max: Option<f64>,
    /// ECMAScript-style regular expression.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Allowed values.
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    /// List member.
    #[serde(default)]
    pub member: Option<ShapeRef>,
    /// Map key.
    #[serde(default)]
    pub key: Option<ShapeRef>,
    /// Map value.
    #[serde(default)]
    pub value: Option<ShapeRef>,
    /// Member bound to the whole HTTP body.
    #[serde(default)]
    pub payload: Option<String>,
    /// Flattened list (query protocol).
    #[serde(default)]
    pub flattened: bool,
    /// Error trait (HTTP status of an exception shape).
    #[serde(default)]
    pub error: Option<ErrorTrait>,
}

/// The `error` trait of an exception shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorTrait {
    /// HTTP status code.
    #[serde(default)]
    pub http_status_code: Option<u16>,
}

impl ServiceModel {
    /// Parses a botocore model and compiles its patterns.
    pub fn parse(json: &str) -> Result<Self, ModelError> {
        let raw: RawModel = serde_json::from_str(json)?;
        let patterns = raw
            .shapes
            .iter()
            .filter_map(|(name, shape)| {
                shape
                    .pattern
                    .as_ref()
                    .map(|p| (name.clone(), pattern::compile(p)))
            })
            .collect();
        Ok(Self {
            metadata: raw.metadata,
            operations: raw.operations,
            shapes: raw.shapes,
            patterns,
        })
    }

    /// Looks a shape up by name.
    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// The compiled pattern of a shape (`None` if it has none or if it was
    /// skipped because it cannot be compiled).
    pub fn pattern(&self, shape: &str) -> Option<&Regex> {
        self.patterns.get(shape).and_then(Option::as_ref)
    }

    /// Patterns that could not be compiled and are therefore not enforced.
    pub fn skipped_patterns(&self) -> Vec<(&str, &str)> {
        self.patterns
            .iter()
            .filter(|(_, re)| re.is_none())
            .filter_map(|(name, _)| {
                self.shapes
                    .get(name)
                    .and_then(|s| s.pattern.as_deref())
                    .map(|p| (name.as_str(), p))
            })
            .collect()
    }

    /// Number of shapes carrying a pattern.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// The error shape's message member name (`Message` or `message`).
    pub fn error_message_key(&self, error_shape: &str) -> &'static str {
        match self.shapes.get(error_shape) {
            Some(shape) if shape.members.contains_key("Message") => "Message",
            _ => "message",
        }
    }
}

fn load(cell: &'static OnceLock<ServiceModel>, json: &str) -> &'static ServiceModel {
    cell.get_or_init(|| match ServiceModel::parse(json) {
        Ok(model) => model,
        // The models are embedded at compile time and covered by tests; a
        // failure here is a build defect, not bad input.
        Err(err) => panic!("embedded service model is invalid: {err}"),
    })
}

/// The embedded Lambda model, parsed once.
pub fn lambda() -> &'static ServiceModel {
    static CELL: OnceLock<ServiceModel> = OnceLock::new();
    load(&CELL, LAMBDA_JSON)
}

/// The embedded EC2 model subset, parsed once.
pub fn ec2() -> &'static ServiceModel {
    static CELL: OnceLock<ServiceModel> = OnceLock::new();
    load(&CELL, EC2_JSON)
}

/// The embedded STS model, parsed once.
pub fn sts() -> &'static ServiceModel {
    static CELL: OnceLock<ServiceModel> = OnceLock::new();
    load(&CELL, STS_JSON)
}

/// `FunctionName` → `functionName`: the member naming AWS uses in
/// validation messages.
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
