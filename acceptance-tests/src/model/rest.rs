//! REST bindings (`rest-json`): matching a request to an operation with the
//! model's `http.requestUri` templates, and assembling the operation input
//! from URI labels, query string, headers and JSON body as the members'
//! `location` traits say (a `payload` member of blob or string type takes the
//! raw body, as `Invoke`'s `Payload` does).

use std::collections::BTreeMap;

use base64::Engine as _;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::validate::Invalid;
use super::{ServiceModel, Shape, ShapeKind};
use crate::clock;

#[derive(Debug)]
enum Segment {
    Literal(String),
    Label(String),
    Greedy(String),
}

#[derive(Debug)]
struct Route {
    operation: String,
    method: String,
    segments: Vec<Segment>,
    /// Literal query keys the template requires (`?versions`).
    query: Vec<String>,
}

/// A route table built from a model's operations.
#[derive(Debug)]
pub struct Router {
    routes: Vec<Route>,
}

/// A matched operation.
#[derive(Debug, Clone)]
pub struct Matched {
    /// Operation name.
    pub operation: String,
    /// Decoded URI labels by label name.
    pub labels: BTreeMap<String, String>,
}

fn split_path(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl Router {
    /// Builds the table from every operation of `model`.
    pub fn new(model: &ServiceModel) -> Self {
        let routes = model
            .operations
            .values()
            .map(|op| {
                let (path, query) = match op.http.request_uri.split_once('?') {
                    Some((p, q)) => (p, q),
                    None => (op.http.request_uri.as_str(), ""),
                };
                let segments = split_path(path)
                    .into_iter()
                    .map(|seg| {
                        if let Some(label) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
                        {
                            match label.strip_suffix('+') {
                                Some(greedy) => Segment::Greedy(greedy.to_string()),
                                None => Segment::Label(label.to_string()),
                            }
                        } else {
                            Segment::Literal(seg.to_string())
                        }
                    })
                    .collect();
                let query = query
                    .split('&')
                    .filter(|q| !q.is_empty())
                    .map(|q| q.split('=').next().unwrap_or(q).to_string())
                    .collect();
                Route {
                    operation: op.name.clone(),
                    method: op.http.method.clone(),
                    segments,
                    query,
                }
            })
            .collect();
        Self { routes }
    }

    /// Finds the operation for `method` and raw (still percent-encoded)
    /// `path`; `query_keys` are the keys present in the query string. The
    /// most specific template (most literal segments) wins.
    pub fn find(&self, method: &str, raw_path: &str, query_keys: &[String]) -> Option<Matched> {
        let parts = split_path(raw_path);
        let mut best: Option<(usize, Matched)> = None;
        for route in &self.routes {
            if !route.method.eq_ignore_ascii_case(method) {
                continue;
            }
            if !route.query.iter().all(|q| query_keys.contains(q)) {
                continue;
            }
            let Some(labels) = match_segments(&route.segments, &parts) else {
                continue;
            };
            let score = route
                .segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count()
                * 10
                + route.query.len();
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Matched {
                        operation: route.operation.clone(),
                        labels,
                    },
                ));
            }
        }
        best.map(|(_, m)| m)
    }
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn match_segments(segments: &[Segment], parts: &[&str]) -> Option<BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    let mut i = 0;
    for (n, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Literal(lit) => {
                if parts.get(i) != Some(&lit.as_str()) {
                    return None;
                }
                i += 1;
            }
            Segment::Label(name) => {
                let part = parts.get(i)?;
                labels.insert(name.clone(), decode(part));
                i += 1;
            }
            Segment::Greedy(name) => {
                let rest = segments.len() - n - 1;
                if parts.len() < i + 1 + rest {
                    return None;
                }
                let end = parts.len() - rest;
                let joined = parts[i..end]
                    .iter()
                    .map(|p| decode(p))
                    .collect::<Vec<_>>()
                    .join("/");
                labels.insert(name.clone(), joined);
                i = end;
            }
        }
    }
    (i == parts.len()).then_some(labels)
}

/// The HTTP parts of a request that bind to input members.
#[derive(Debug, Default)]
pub struct HttpInput<'a> {
    /// URI labels.
    pub labels: BTreeMap<String, String>,
    /// Query string pairs, in order (repeated keys for lists).
    pub query: Vec<(String, String)>,
    /// Headers (lower-cased names).
    pub headers: BTreeMap<String, String>,
    /// Raw body.
    pub body: &'a [u8],
}

fn coerce(model: &ServiceModel, shape: &str, raw: &str) -> Result<Value, Invalid> {
    let kind = model
        .shape(shape)
        .map(|s| s.kind)
        .unwrap_or(ShapeKind::String);
    let bad = || Invalid::Serialization(format!("Could not parse '{raw}' as {kind:?}"));
    Ok(match kind {
        ShapeKind::Integer | ShapeKind::Long => Value::from(raw.parse::<i64>().map_err(|_| bad())?),
        ShapeKind::Double | ShapeKind::Float => {
            let n: f64 = raw.parse().map_err(|_| bad())?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(bad)?
        }
        ShapeKind::Boolean => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        ShapeKind::Timestamp => {
            let ms = clock::parse_timestamp(raw).ok_or_else(bad)?;
            clock::epoch_seconds_value(ms)
        }
        _ => Value::String(raw.to_string()),
    })
}

/// Builds the operation input (a JSON object keyed by member names) from the
/// HTTP request, following the members' `location` traits and the shape's
/// `payload` trait. Malformed JSON gives [`Invalid::Serialization`].
pub fn build_input(
    model: &ServiceModel,
    input_shape: &str,
    http: &HttpInput<'_>,
) -> Result<Value, Invalid> {
    let Some(shape) = model.shape(input_shape) else {
        return Ok(Value::Object(Map::new()));
    };
    let mut input = Map::new();
    match raw_payload_member(model, shape) {
        Some((member, kind)) if !http.body.is_empty() => {
            input.insert(member.to_string(), raw_value(kind, http.body)?);
        }
        Some(_) => {}
        None => json_body(shape, http.body, &mut input)?,
    }
    for (name, member) in &shape.members {
        let wire = member.location_name.clone().unwrap_or_else(|| name.clone());
        match member.location.as_deref() {
            Some("uri") => {
                if let Some(raw) = http.labels.get(&wire) {
                    input.insert(name.clone(), coerce(model, &member.shape, raw)?);
                }
            }
            Some("querystring") => {
                let target = model.shape(&member.shape);
                let values: Vec<&String> = http
                    .query
                    .iter()
                    .filter(|(k, _)| *k == wire)
                    .map(|(_, v)| v)
                    .collect();
                if values.is_empty() {
                    continue;
                }
                match target {
                    Some(t) if t.kind == ShapeKind::List => {
                        let item_shape = t
                            .member
                            .as_ref()
                            .map(|m| m.shape.clone())
                            .unwrap_or_default();
                        let items = values
                            .iter()
                            .map(|v| coerce(model, &item_shape, v))
                            .collect::<Result<Vec<_>, _>>()?;
                        input.insert(name.clone(), Value::Array(items));
                    }
                    _ => {
                        input.insert(name.clone(), coerce(model, &member.shape, values[0])?);
                    }
                }
            }
            Some("header") => {
                if let Some(raw) = http.headers.get(&wire.to_ascii_lowercase()) {
                    input.insert(name.clone(), coerce(model, &member.shape, raw)?);
                }
            }
            _ => {}
        }
    }
    Ok(Value::Object(input))
}

/// The `payload` member bound to a blob or string shape, which takes the
/// raw body (`Invoke`'s `Payload`), and that shape's kind.
fn raw_payload_member<'m>(model: &ServiceModel, shape: &'m Shape) -> Option<(&'m str, ShapeKind)> {
    let payload = shape.payload.as_deref()?;
    let kind = model.shape(&shape.members.get(payload)?.shape)?.kind;
    matches!(kind, ShapeKind::Blob | ShapeKind::String).then_some((payload, kind))
}

/// A raw body as a member value: a blob as base64 (the way blob members
/// travel in JSON), a string as it is.
fn raw_value(kind: ShapeKind, body: &[u8]) -> Result<Value, Invalid> {
    if kind == ShapeKind::Blob {
        return Ok(Value::String(
            base64::engine::general_purpose::STANDARD.encode(body),
        ));
    }
    String::from_utf8(body.to_vec())
        .map(Value::String)
        .map_err(|_| Invalid::Serialization("Request body is not valid UTF-8".into()))
}

/// A JSON body: the whole of a structure `payload` member, or the members
/// without an HTTP `location`.
fn json_body(shape: &Shape, body: &[u8], input: &mut Map<String, Value>) -> Result<(), Invalid> {
    let body_text = std::str::from_utf8(body)
        .map_err(|_| Invalid::Serialization("Request body is not valid UTF-8".into()))?;
    let body: Option<Value> = if body_text.trim().is_empty() {
        None
    } else {
        Some(serde_json::from_str(body_text).map_err(|e| {
            Invalid::Serialization(format!("Could not parse request body into json: {e}"))
        })?)
    };
    match (&shape.payload, body) {
        (Some(payload), Some(b)) => {
            input.insert(payload.clone(), b);
        }
        (None, Some(Value::Object(obj))) => {
            for (name, member) in &shape.members {
                if member.location.is_none()
                    && let Some(v) = obj.get(name)
                {
                    input.insert(name.clone(), v.clone());
                }
            }
        }
        (None, Some(_)) => {
            return Err(Invalid::Serialization(
                "Start of structure or map found where not expected".into(),
            ));
        }
        (_, None) => {}
    }
    Ok(())
}

/// Decodes a base64 blob member.
pub fn decode_blob(value: &str) -> Result<Vec<u8>, Invalid> {
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|_| Invalid::Serialization("Blob is not valid base64".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_lambda_operations() {
        let router = Router::new(crate::model::lambda());
        let m = router
            .find("GET", "/2015-03-31/functions/my-fn", &[])
            .expect("match");
        assert_eq!(m.operation, "GetFunction");
        assert_eq!(m.labels["FunctionName"], "my-fn");
        let m = router
            .find("GET", "/2015-03-31/functions/my-fn/configuration", &[])
            .expect("match");
        assert_eq!(m.operation, "GetFunctionConfiguration");
        let m = router
            .find(
                "POST",
                "/2025-12-01/durable-executions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af%3A1%2Fdurable-execution%2Fn%2Fid/stop",
                &[],
            )
            .expect("match");
        assert_eq!(m.operation, "StopDurableExecution");
        assert_eq!(
            m.labels["DurableExecutionArn"],
            "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/n/id"
        );
        assert!(router.find("GET", "/nope", &[]).is_none());
    }

    #[test]
    fn blob_payloads_take_the_raw_body() {
        let model = crate::model::lambda();
        let http = HttpInput {
            labels: [("FunctionName".to_string(), "f".to_string())].into(),
            query: vec![("Qualifier".into(), "1".into())],
            headers: [(
                "x-amz-durable-execution-name".to_string(),
                "run-1".to_string(),
            )]
            .into(),
            body: b"\xff not json",
        };
        let input = build_input(model, "InvocationRequest", &http).expect("binds");
        assert_eq!(input["Payload"], "/yBub3QganNvbg==");
        assert_eq!(input["Qualifier"], "1");
        assert_eq!(input["DurableExecutionName"], "run-1");
        let empty = HttpInput {
            body: b"",
            ..HttpInput::default()
        };
        let input = build_input(model, "InvocationRequest", &empty).expect("binds");
        assert!(input.get("Payload").is_none());
    }
}
