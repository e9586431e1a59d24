//! Durable executions: listing (filters, order, pagination), reading,
//! stopping, pausing and resuming. Executions are started by Invoke
//! (`invoke`) or seeded through the control API
//! (`POST /_emulator/durable-executions`).
//!
//! Pausing turns RUNNING into PAUSING, PAUSED after the pause delay (a
//! deadline applied by `State::settle`); resuming turns PAUSING or PAUSED
//! back into RUNNING, as AWS documents. Paused code does not run, so a pause
//! freezes the time left before an execution ends by itself and a resume
//! restarts it, except for an execution that will time out while the pause
//! leaves its timeout running (`ExecutionTimeoutPaused: false`). Stopping
//! ends any active execution. Wrong statuses are refused: Stop with
//! InvalidParameterValueException, Pause and Resume with
//! ResourceConflictException (the error the model declares for them and not
//! for Stop). A Pause or Resume repeating the last one's `ClientToken`
//! succeeds without changing anything.

use serde_json::{Value, json};

use super::functions::{not_found, resolve};
use super::names::qualified;
use super::{Ctx, LambdaError, Reply, optional_str_member, paginate, str_member};
use crate::clock::epoch_seconds_value;
use crate::state::{DurableExecution, PauseRequest, State};

fn summary(e: &DurableExecution) -> Value {
    json!({
        "DurableExecutionArn": e.arn,
        "DurableExecutionName": e.name,
        "FunctionArn": qualified(&e.function_arn, &e.version),
        "Status": e.status,
        "StartTimestamp": epoch_seconds_value(e.start_ms),
        "EndTimestamp": e.end_ms.map(epoch_seconds_value),
    })
}

fn seconds_to_ms(v: &Value) -> Option<u64> {
    v.as_f64().map(|s| (s * 1000.0).round() as u64)
}

pub(super) fn list(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (arn, qualifier) = resolve(cx, input)?;
    let f = st.functions.get(&arn).ok_or_else(|| not_found(&arn))?;
    let version = match qualifier.as_deref() {
        Some("$LATEST.PUBLISHED") => f.versions.keys().next_back().map(|n| n.to_string()),
        other => other.map(str::to_string),
    };
    let statuses: Vec<&str> = input
        .get("Statuses")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let name = optional_str_member(input, "DurableExecutionName");
    let after = input.get("StartedAfter").and_then(seconds_to_ms);
    let before = input.get("StartedBefore").and_then(seconds_to_ms);
    let mut items: Vec<&DurableExecution> = st
        .durable_executions
        .values()
        .filter(|e| e.function_arn == arn)
        .filter(|e| version.as_deref().is_none_or(|v| e.version == v))
        .filter(|e| statuses.is_empty() || statuses.contains(&e.status.as_str()))
        .filter(|e| name.is_none_or(|n| e.name == n))
        .filter(|e| after.is_none_or(|t| e.start_ms > t))
        .filter(|e| before.is_none_or(|t| e.start_ms < t))
        .collect();
    items.sort_by(|a, b| a.start_ms.cmp(&b.start_ms).then_with(|| a.arn.cmp(&b.arn)));
    if input.get("ReverseOrder").and_then(Value::as_bool) == Some(true) {
        items.reverse();
    }
    let items: Vec<Value> = items.into_iter().map(summary).collect();
    let (page, next) = paginate(items, input, 100)?;
    Reply::ok(json!({"DurableExecutions": page, "NextMarker": next}))
}

fn find<'a>(st: &'a mut State, input: &Value) -> Result<&'a mut DurableExecution, LambdaError> {
    let arn = str_member(input, "DurableExecutionArn");
    st.durable_executions
        .get_mut(arn)
        .ok_or_else(|| LambdaError::ResourceNotFound(format!("Durable execution not found: {arn}")))
}

pub(super) fn get(st: &mut State, _cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let include = input.get("IncludeExecutionData").and_then(Value::as_bool) != Some(false);
    let e = find(st, input)?.clone();
    let durable_config = st
        .functions
        .get(&e.function_arn)
        .and_then(|f| match e.version.parse::<u64>() {
            Ok(n) => f.versions.get(&n),
            Err(_) => Some(&f.latest),
        })
        .and_then(|v| v.config.get("DurableConfig").cloned());
    let mut body = summary(&e);
    body["Version"] = json!(e.version);
    body["DurableConfig"] = json!(durable_config);
    body["ExecutionDataIncluded"] = json!(include);
    if include {
        body["InputPayload"] = json!(e.input_payload);
        body["Result"] = json!(e.result);
        body["Error"] = json!(e.error);
    }
    if let Some(p) = e.pause.as_ref().filter(|_| e.is_active()) {
        body["PauseDetails"] = json!({
            "PauseRequestTimestamp": epoch_seconds_value(p.requested_ms),
            "ExecutionTimeoutPaused": p.timeout_paused,
            "Reason": if include { p.reason.clone() } else { None },
        });
    }
    Reply::ok(body)
}

/// Refuses an operation on an execution in the wrong status.
fn refused(e: &DurableExecution, verb: &str) -> String {
    format!(
        "Durable execution {} cannot be {verb} because its status is {}.",
        e.arn, e.status
    )
}

/// Takes the execution out of any pause and any pending end.
fn clear_schedule(e: &mut DurableExecution) {
    e.finish_at_ms = None;
    e.finish_remaining_ms = None;
    e.pause_at_ms = None;
}

pub(super) fn stop(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let e = find(st, input)?;
    if !e.is_active() {
        return Err(LambdaError::InvalidParameterValue(refused(e, "stopped")));
    }
    e.status = "STOPPED".into();
    e.end_ms = Some(cx.now);
    clear_schedule(e);
    if let Some(err) = input.get("Error") {
        e.error = Some(err.clone());
    }
    Reply::ok(json!({"StopTimestamp": epoch_seconds_value(cx.now)}))
}

/// Whether `token` repeats the one stored for the last such request.
fn repeated(token: Option<&str>, last: &Option<String>) -> bool {
    token.is_some() && token == last.as_deref()
}

pub(super) fn pause(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let token = optional_str_member(input, "ClientToken");
    let e = find(st, input)?;
    if repeated(token, &e.pause_token) && (e.status == "PAUSING" || e.status == "PAUSED") {
        return Reply::ok(json!({}));
    }
    if e.status != "RUNNING" {
        return Err(LambdaError::ResourceConflict(refused(e, "paused")));
    }
    let timeout_paused = input
        .get("ExecutionTimeoutPaused")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    e.status = "PAUSING".into();
    e.pause_at_ms = Some(cx.after(cx.opts.execution_pause_delay));
    e.pause = Some(PauseRequest {
        requested_ms: cx.now,
        reason: optional_str_member(input, "Reason").map(str::to_string),
        timeout_paused,
    });
    e.pause_token = token.map(str::to_string);
    let times_out_anyway = e.final_status.as_deref() == Some("TIMED_OUT") && !timeout_paused;
    if let Some(at) = e.finish_at_ms
        && !times_out_anyway
    {
        e.finish_remaining_ms = Some(at.saturating_sub(cx.now));
        e.finish_at_ms = None;
    }
    Reply::ok(json!({}))
}

pub(super) fn resume(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let token = optional_str_member(input, "ClientToken");
    let e = find(st, input)?;
    if repeated(token, &e.resume_token) && e.status == "RUNNING" {
        return Reply::ok(json!({}));
    }
    if e.status != "PAUSING" && e.status != "PAUSED" {
        return Err(LambdaError::ResourceConflict(refused(e, "resumed")));
    }
    e.status = "RUNNING".into();
    e.pause_at_ms = None;
    e.pause = None;
    e.resume_token = token.map(str::to_string);
    if let Some(left) = e.finish_remaining_ms.take() {
        e.finish_at_ms = Some(cx.now + left);
    }
    Reply::ok(json!({}))
}
