//! Access to request and response JSON beyond the SDK's generated types.
//!
//! The SDK version the workspace resolves to (the newest that supports the workspace's
//! minimum Rust version) predates some members of the current Lambda model, e.g.
//! `PropagateTags` and `TelemetryConfig` of capacity providers, and no SDK models
//! `StateReason` of capacity providers. [`ExtraJsonFields`] adds members to a JSON request
//! body before it is signed; [`CaptureBody`] keeps a response body for reading the
//! members the SDK drops. Both are per-call interceptors (`.customize().interceptor(..)`).

use std::sync::{Arc, Mutex};

use aws_sdk_lambda::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_lambda::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_lambda::error::BoxError;
use aws_smithy_types::body::SdkBody;
use serde_json::{Map, Value as Json};

/// Adds members to the JSON object of a request body (existing members are replaced).
#[derive(Clone, Debug, Default)]
pub struct ExtraJsonFields(Map<String, Json>);

impl ExtraJsonFields {
    /// Members to add.
    pub fn new(fields: Map<String, Json>) -> Self {
        Self(fields)
    }

    /// The JSON body with the members added.
    pub fn patch(&self, body: &[u8]) -> Result<Vec<u8>, BoxError> {
        let mut json: Json = if body.is_empty() {
            Json::Object(Map::new())
        } else {
            serde_json::from_slice(body)?
        };
        let Json::Object(obj) = &mut json else {
            return Err("request body is not a JSON object".into());
        };
        for (k, v) in &self.0 {
            obj.insert(k.clone(), v.clone());
        }
        Ok(serde_json::to_vec(&json)?)
    }
}

impl Intercept for ExtraJsonFields {
    fn name(&self) -> &'static str {
        "ExtraJsonFields"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let request = context.request_mut();
        let body = request.body().bytes().unwrap_or_default().to_vec();
        let patched = self.patch(&body)?;
        let len = patched.len();
        *request.body_mut() = SdkBody::from(patched);
        request
            .headers_mut()
            .insert("content-length", len.to_string());
        if request.headers().get("content-type").is_none() {
            request
                .headers_mut()
                .insert("content-type", "application/json");
        }
        Ok(())
    }
}

/// Keeps the response body of a call.
#[derive(Clone, Debug, Default)]
pub struct CaptureBody(Arc<Mutex<Option<Vec<u8>>>>);

impl CaptureBody {
    /// The captured body as JSON (null when none was captured or it is not JSON).
    pub fn json(&self) -> Json {
        let body = self.0.lock().ok().and_then(|b| b.clone());
        body.and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Json::Null)
    }
}

impl Intercept for CaptureBody {
    fn name(&self) -> &'static str {
        "CaptureBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes()
            && let Ok(mut slot) = self.0.lock()
        {
            *slot = Some(bytes.to_vec());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_adds_members() {
        let mut extra = Map::new();
        extra.insert("PropagateTags".into(), serde_json::json!({"Mode": "None"}));
        let out = ExtraJsonFields::new(extra).patch(br#"{"CapacityProviderName":"web"}"#);
        let json: Json = out
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Json::Null);
        assert_eq!(
            json,
            serde_json::json!({"CapacityProviderName": "web", "PropagateTags": {"Mode": "None"}})
        );
    }

    #[test]
    fn patch_rejects_non_objects() {
        let mut extra = Map::new();
        extra.insert("A".into(), Json::Null);
        assert!(ExtraJsonFields::new(extra).patch(b"[1]").is_err());
    }
}
