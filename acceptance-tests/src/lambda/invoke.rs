//! Invoke. The emulator runs no code: a standard function answers `null`
//! at once. A durable function starts (or finds) a durable execution, which
//! is what clients of durable functions look at.
//!
//! - The version invoked: the qualifier (in the name or `Qualifier`), else
//!   `$LATEST`, else for a function on a capacity provider its latest
//!   published version (as AWS invokes `$LATEST.PUBLISHED` there;
//!   NoPublishedVersionException without one). A durable function must be
//!   invoked qualified, as AWS requires. It must be `Active`: `$LATEST` of a
//!   function on a capacity provider (`ActiveNonInvocable`) is never
//!   invocable, which is refused as an invalid parameter (retrying cannot
//!   help); other states (Pending, Deleting, Failed) are transient or
//!   recoverable and refused as conflicts.
//! - The answer: `200` with payload `null` (`RequestResponse`), `202` and no
//!   payload (`Event`), `204` and nothing started (`DryRun`); the version in
//!   `X-Amz-Executed-Version`.
//! - Durable functions: the execution is named by
//!   `X-Amz-Durable-Execution-Name` (generated if absent), pinned to the
//!   version, RUNNING, with the payload as `InputPayload`, SUCCEEDED after
//!   the execution duration (never, if zero); its ARN is in
//!   `X-Amz-Durable-Execution-Arn`. Names are idempotency keys within the
//!   function: the same name and payload give the existing execution back
//!   (whatever its status) and start nothing; a different payload is a 409
//!   DurableExecutionAlreadyStartedException.

use base64::Engine as _;
use serde_json::{Value, json};

use super::executions::{self, Start};
use super::functions::{not_found, resolve, version_ref};
use super::names::qualified;
use super::{Ctx, LambdaError, Reply, optional_str_member};
use crate::model::rest::decode_blob;
use crate::state::State;

/// What a function answers: it runs no code.
const RESULT: &[u8] = b"null";

pub(super) fn invoke(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (arn, qualifier) = resolve(cx, input)?;
    let f = st.functions.get(&arn).ok_or_else(|| not_found(&arn))?;
    let durable = f.latest.config.contains_key("DurableConfig");
    let on_capacity_provider = f.latest.capacity_provider_arn().is_some();
    let qualifier = match qualifier {
        Some(q) => q,
        None if durable => {
            return Err(LambdaError::InvalidParameterValue(
                "You cannot invoke a durable function using an unqualified ARN. Invoke a version or $LATEST.".into(),
            ));
        }
        None if on_capacity_provider => "$LATEST.PUBLISHED".into(),
        None => "$LATEST".into(),
    };
    let Some(v) = version_ref(f, Some(&qualifier)) else {
        if qualifier == "$LATEST.PUBLISHED" {
            return Err(LambdaError::NoPublishedVersion(format!(
                "The function {arn} has no published version."
            )));
        }
        return Err(not_found(&qualified(&arn, &qualifier)));
    };
    match v.state.as_str() {
        "Active" => {}
        "ActiveNonInvocable" => {
            return Err(LambdaError::InvalidParameterValue(format!(
                "{} cannot be invoked: $LATEST of a function on a capacity provider is ActiveNonInvocable. Publish a version and invoke it.",
                qualified(&arn, &v.version)
            )));
        }
        other => {
            return Err(LambdaError::ResourceConflict(format!(
                "The operation cannot be performed at this time. The function is currently in the following state: {other}"
            )));
        }
    }
    let version = v.version.clone();
    let status = match optional_str_member(input, "InvocationType") {
        Some("DryRun") => {
            return Reply::ok(json!({"StatusCode": 204, "ExecutedVersion": version}));
        }
        Some("Event") => 202,
        _ => 200,
    };
    let mut body = json!({"StatusCode": status, "ExecutedVersion": version});
    if status == 200 {
        body["Payload"] = json!(base64::engine::general_purpose::STANDARD.encode(RESULT));
    }
    if durable {
        body["DurableExecutionArn"] = json!(start_execution(st, cx, input, &arn, &version)?);
    }
    Reply::ok(body)
}

/// Starts the durable execution an invocation asks for, or finds the one
/// with its name and payload; returns its ARN.
fn start_execution(
    st: &mut State,
    cx: &Ctx<'_>,
    input: &Value,
    function_arn: &str,
    version: &str,
) -> Result<String, LambdaError> {
    let payload = match optional_str_member(input, "Payload") {
        Some(b64) => Some(String::from_utf8_lossy(&decode_blob(b64)?).into_owned()),
        None => None,
    };
    let name = optional_str_member(input, "DurableExecutionName")
        .map(str::to_string)
        .unwrap_or_else(executions::generated_name);
    if let Some(existing) = executions::by_name(st, function_arn, &name) {
        if existing.input_payload != payload {
            return Err(LambdaError::DurableExecutionAlreadyStarted(format!(
                "A durable execution named {name} was already started for {function_arn} with a different input payload."
            )));
        }
        return Ok(existing.arn.clone());
    }
    let duration = cx.opts.execution_duration;
    let finish = (!duration.is_zero()).then(|| (cx.after(duration), "SUCCEEDED".to_string()));
    let started = executions::start(
        st,
        Start {
            function_arn,
            version,
            name: &name,
            status: "RUNNING",
            start_ms: cx.now,
            input_payload: payload,
            finish,
        },
        cx.now,
    );
    Ok(started.arn)
}
