//! Lambda (REST-JSON): request pipeline and operations.
//!
//! Pipeline: the model's URI templates select the operation, the input is
//! assembled from URI/query/header/body bindings, validated against the
//! input shape, handed to the operation, and the result is bound to the
//! response by the output shape (status code and header members, payload)
//! and filtered through it.

mod capacity_providers;
mod code;
mod deletion;
mod durable;
pub mod error;
pub mod executions;
mod functions;
pub use functions::VERSIONS_PER_CAPACITY_PROVIDER;
mod invoke;
pub mod names;
mod scaling;
mod tags;
mod vpc;

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

pub use error::LambdaError;

use crate::model::output::{self, OutputBody};
use crate::model::rest::{self, HttpInput, Matched, Router};
use crate::model::{self, validate};
use crate::options::EmulatorOptions;
use crate::state::State;

/// Per-request context handed to operations.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Region from the SigV4 credential scope.
    pub region: &'a str,
    /// Current time, epoch ms.
    pub now: u64,
    /// Delays and other options.
    pub opts: &'a EmulatorOptions,
}

impl Ctx<'_> {
    /// The epoch-ms deadline `delay` from now.
    pub fn after(&self, delay: Duration) -> u64 {
        self.now + delay.as_millis() as u64
    }
}

/// The result of an operation: its output members, unshaped (members the
/// model binds to the status code or headers included; blobs in base64).
#[derive(Debug)]
pub struct Reply {
    /// Output value, bound and filtered by the output shape afterwards.
    pub body: Value,
}

impl Reply {
    fn ok(body: Value) -> Result<Self, LambdaError> {
        Ok(Self { body })
    }
}

/// A finished Lambda response.
#[derive(Debug)]
pub struct Response {
    /// HTTP status: the output's status-code member, else the model's.
    pub status: u16,
    /// Headers bound from output members.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: OutputBody,
}

fn router() -> &'static Router {
    static CELL: OnceLock<Router> = OnceLock::new();
    CELL.get_or_init(|| Router::new(model::lambda()))
}

/// Finds the operation a request addresses.
pub fn route(method: &str, path: &str, query_keys: &[String]) -> Option<Matched> {
    router().find(method, path, query_keys)
}

/// Whether an operation changes state (used to decide persistence).
pub fn is_mutating(operation: &str) -> bool {
    model::lambda()
        .operations
        .get(operation)
        .is_some_and(|op| op.http.method != "GET")
}

/// Decodes and validates the input of `operation` from the HTTP request.
pub fn decode_input(operation: &str, http: &HttpInput<'_>) -> Result<Value, LambdaError> {
    let model = model::lambda();
    let Some(op) = model.operations.get(operation) else {
        return Err(LambdaError::UnknownOperation(format!(
            "Unknown operation {operation}"
        )));
    };
    let Some(shape) = op.input.as_ref().map(|i| i.shape.as_str()) else {
        return Ok(Value::Object(Default::default()));
    };
    let input = rest::build_input(model, shape, http)?;
    validate::validate(model, shape, &input)?;
    Ok(input)
}

/// Runs `operation` on the (settled, locked) state and shapes its output.
pub fn execute(
    operation: &str,
    input: &Value,
    state: &mut State,
    cx: &Ctx<'_>,
) -> Result<Response, LambdaError> {
    let model = model::lambda();
    let Some(op) = model.operations.get(operation) else {
        return Err(LambdaError::UnknownOperation(format!(
            "Unknown operation {operation}"
        )));
    };
    let reply = dispatch(operation, input, state, cx)?;
    let bound = op
        .output
        .as_ref()
        .map(|o| output::bind_output(model, &o.shape, &reply.body));
    let default_status = op.http.response_code.unwrap_or(200);
    Ok(match bound {
        Some(b) => Response {
            status: b.status.unwrap_or(default_status),
            headers: b.headers,
            body: b.body,
        },
        None => Response {
            status: default_status,
            headers: Vec::new(),
            body: OutputBody::Empty,
        },
    })
}

fn dispatch(
    operation: &str,
    input: &Value,
    st: &mut State,
    cx: &Ctx<'_>,
) -> Result<Reply, LambdaError> {
    match operation {
        "CreateCapacityProvider" => capacity_providers::create(st, cx, input),
        "GetCapacityProvider" => capacity_providers::get(st, cx, input),
        "UpdateCapacityProvider" => capacity_providers::update(st, cx, input),
        "DeleteCapacityProvider" => capacity_providers::delete(st, cx, input),
        "ListCapacityProviders" => capacity_providers::list(st, cx, input),
        "ListFunctionVersionsByCapacityProvider" => {
            capacity_providers::list_function_versions(st, cx, input)
        }
        "CreateFunction" => functions::create(st, cx, input),
        "GetFunction" => functions::get(st, cx, input),
        "GetFunctionConfiguration" => functions::get_configuration(st, cx, input),
        "UpdateFunctionConfiguration" => functions::update_configuration(st, cx, input),
        "UpdateFunctionCode" => functions::update_code(st, cx, input),
        "DeleteFunction" => deletion::delete(st, cx, input),
        "Invoke" => invoke::invoke(st, cx, input),
        "PublishVersion" => functions::publish_version(st, cx, input),
        "ListVersionsByFunction" => functions::list_versions(st, cx, input),
        "ListFunctions" => functions::list(st, cx, input),
        "PutFunctionScalingConfig" => scaling::put(st, cx, input),
        "GetFunctionScalingConfig" => scaling::get(st, cx, input),
        "ListDurableExecutionsByFunction" => durable::list(st, cx, input),
        "GetDurableExecution" => durable::get(st, cx, input),
        "StopDurableExecution" => durable::stop(st, cx, input),
        "PauseDurableExecution" => durable::pause(st, cx, input),
        "ResumeDurableExecution" => durable::resume(st, cx, input),
        "TagResource" => tags::tag(st, cx, input),
        "UntagResource" => tags::untag(st, cx, input),
        "ListTags" => tags::list(st, cx, input),
        other => Err(LambdaError::UnknownOperation(format!(
            "The operation {other} is not supported by the emulator"
        ))),
    }
}

/// A string member of the input (empty if absent).
fn str_member<'a>(input: &'a Value, member: &str) -> &'a str {
    input.get(member).and_then(Value::as_str).unwrap_or("")
}

/// An optional string member.
fn optional_str_member<'a>(input: &'a Value, member: &str) -> Option<&'a str> {
    input.get(member).and_then(Value::as_str)
}

/// Applies `Marker`/`MaxItems` (the marker is an offset).
fn paginate<T>(
    items: Vec<T>,
    input: &Value,
    default_max: usize,
) -> Result<(Vec<T>, Option<String>), LambdaError> {
    let start = match optional_str_member(input, "Marker") {
        None | Some("") => 0,
        Some(m) => m
            .parse::<usize>()
            .map_err(|_| LambdaError::InvalidParameterValue(format!("Invalid marker: {m}")))?,
    };
    let max = input
        .get("MaxItems")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .map(|n| n as usize)
        .unwrap_or(default_max);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(max).collect();
    let next = (start + max < total).then(|| (start + max).to_string());
    Ok((page, next))
}
