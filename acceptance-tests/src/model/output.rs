//! Shaping of responses: only members that exist in the operation's output
//! shape are serialized, recursively, so the emulator never answers with a
//! field AWS would not send; and the REST bindings of the output shape
//! ([`bind_output`]): members bound to the status code or to headers leave
//! the body, and a `payload` member becomes the whole body.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::{ServiceModel, ShapeKind};

/// An operation's output as HTTP parts.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOutput {
    /// The member bound to the status code (`location: statusCode`), if set.
    pub status: Option<u16>,
    /// Members bound to headers (`location: header`), by wire name.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: OutputBody,
}

/// The body of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputBody {
    /// A JSON document (the shaped output, or a structure payload).
    Json(Value),
    /// Raw bytes (a blob or string payload, e.g. `Invoke`'s `Payload`).
    Bytes(Vec<u8>),
    /// Nothing (a payload member left unset).
    Empty,
}

/// Splits an operation's output `value` (members by name, blobs in base64)
/// into status code, headers and body following the output shape's bindings.
pub fn bind_output(model: &ServiceModel, shape: &str, value: &Value) -> HttpOutput {
    let Some(s) = model.shape(shape) else {
        return HttpOutput {
            status: None,
            headers: Vec::new(),
            body: OutputBody::Json(value.clone()),
        };
    };
    let mut status = None;
    let mut headers = Vec::new();
    for (name, member) in &s.members {
        let Some(v) = value.get(name).filter(|v| !v.is_null()) else {
            continue;
        };
        match member.location.as_deref() {
            Some("statusCode") => status = v.as_u64().and_then(|n| u16::try_from(n).ok()),
            Some("header") => {
                let wire = member.location_name.clone().unwrap_or_else(|| name.clone());
                let text = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                headers.push((wire, text));
            }
            _ => {}
        }
    }
    let body = match s.payload.as_deref() {
        None => OutputBody::Json(shape_output(model, shape, value)),
        Some(payload) => {
            let target = s.members.get(payload).map(|m| m.shape.as_str());
            let kind = target.and_then(|t| model.shape(t)).map(|t| t.kind);
            match (value.get(payload).filter(|v| !v.is_null()), kind, target) {
                (None, ..) => OutputBody::Empty,
                (Some(Value::String(b64)), Some(ShapeKind::Blob), _) => {
                    match base64::engine::general_purpose::STANDARD.decode(b64) {
                        Ok(bytes) => OutputBody::Bytes(bytes),
                        Err(_) => OutputBody::Empty,
                    }
                }
                (Some(Value::String(text)), Some(ShapeKind::String), _) => {
                    OutputBody::Bytes(text.clone().into_bytes())
                }
                (Some(v), _, Some(t)) => OutputBody::Json(shape_output(model, t, v)),
                (Some(v), _, None) => OutputBody::Json(v.clone()),
            }
        }
    };
    HttpOutput {
        status,
        headers,
        body,
    }
}

/// Keeps only the members of `value` that belong to `shape` (and are bound to
/// the body: members with an HTTP `location` are left out). Nulls are
/// dropped.
pub fn shape_output(model: &ServiceModel, shape: &str, value: &Value) -> Value {
    let Some(s) = model.shape(shape) else {
        return value.clone();
    };
    match (s.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) => {
            let mut out = Map::new();
            for (name, member) in &s.members {
                if member.location.is_some() {
                    continue;
                }
                if let Some(v) = map.get(name) {
                    if v.is_null() {
                        continue;
                    }
                    out.insert(name.clone(), shape_output(model, &member.shape, v));
                }
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => match &s.member {
            Some(member) => Value::Array(
                items
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| shape_output(model, &member.shape, v))
                    .collect(),
            ),
            None => value.clone(),
        },
        (ShapeKind::Map, Value::Object(map)) => match &s.value {
            Some(member) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), shape_output(model, &member.shape, v)))
                    .collect(),
            ),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_members_are_dropped() {
        let model = crate::model::lambda();
        let out = shape_output(
            model,
            "GetCapacityProviderResponse",
            &json!({"CapacityProvider": {"CapacityProviderArn": "a", "State": "Active", "StateReason": "x", "Internal": 1}, "Other": true}),
        );
        assert_eq!(
            out,
            json!({"CapacityProvider": {"CapacityProviderArn": "a", "State": "Active"}})
        );
    }

    #[test]
    fn status_headers_and_blob_payload_are_bound() {
        let model = crate::model::lambda();
        let out = bind_output(
            model,
            "InvocationResponse",
            &json!({"StatusCode": 202, "ExecutedVersion": "1", "Payload": "bnVsbA==", "Other": 1}),
        );
        assert_eq!(out.status, Some(202));
        assert_eq!(
            out.headers,
            vec![("X-Amz-Executed-Version".to_string(), "1".to_string())]
        );
        assert_eq!(out.body, OutputBody::Bytes(b"null".to_vec()));
        let out = bind_output(model, "DeleteFunctionResponse", &json!({"StatusCode": 204}));
        assert_eq!(out.status, Some(204));
        assert_eq!(out.body, OutputBody::Json(json!({})));
    }
}
