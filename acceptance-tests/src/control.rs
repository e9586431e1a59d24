//! The control API under `/_emulator/` (a path AWS never uses): state dump,
//! reset, seeding durable executions, failing resources, fault injection,
//! call counters and the peak of calls in flight. Bodies are JSON with
//! snake_case keys; see the crate README for the endpoint list.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::App;
use crate::faults::FaultSpec;
use crate::lambda::executions::{self, Start};
use crate::lambda::names::{
    capacity_provider_arn, function_arn, parse_capacity_provider_name, parse_function_name,
    qualified,
};
use crate::model::{self, validate};
use crate::state::{ACTIVE_EXECUTION_STATUSES, State};
use crate::throttling::RateLimits;

/// A control API error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// The request is malformed or not applicable (400).
    #[error("{0}")]
    BadRequest(String),
    /// The addressed resource does not exist (404).
    #[error("{0}")]
    NotFound(String),
}

impl ControlError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
        }
    }
}

/// `POST /_emulator/durable-executions`: creates a durable execution of a
/// function version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeedExecution {
    /// Function name or ARN (may carry a qualifier).
    pub function_name: String,
    /// Version (`$LATEST`, a number or `$LATEST.PUBLISHED`); default
    /// `$LATEST`, or the qualifier in `function_name`.
    #[serde(default)]
    pub qualifier: Option<String>,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `STOPPED`, `TIMED_OUT`...
    pub status: String,
    /// Execution name (default: generated).
    #[serde(default)]
    pub name: Option<String>,
    /// Region (default: the emulator's default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Input payload.
    #[serde(default)]
    pub input_payload: Option<String>,
    /// Result payload.
    #[serde(default)]
    pub result: Option<String>,
    /// Error object (`{"ErrorType": ..., "ErrorMessage": ...}`).
    #[serde(default)]
    pub error: Option<Value>,
    /// Started this many seconds ago (default 0).
    #[serde(default)]
    pub started_seconds_ago: Option<u64>,
    /// Ends by itself this many ms after being seeded, with `final_status`
    /// (only for an active status: RUNNING, PAUSING, PAUSED).
    #[serde(default)]
    pub finishes_after_ms: Option<u64>,
    /// `SUCCEEDED` (default), `FAILED` or `TIMED_OUT`.
    #[serde(default)]
    pub final_status: Option<String>,
}

impl SeedExecution {
    /// An execution of `function_name` (at `$LATEST` unless qualified) with
    /// `status`.
    pub fn new(function_name: &str, status: &str) -> Self {
        Self {
            function_name: function_name.into(),
            qualifier: None,
            status: status.into(),
            name: None,
            region: None,
            input_payload: None,
            result: None,
            error: None,
            started_seconds_ago: None,
            finishes_after_ms: None,
            final_status: None,
        }
    }

    /// Makes the execution end by itself `ms` after it is seeded, with
    /// `final_status` (`SUCCEEDED`, `FAILED` or `TIMED_OUT`).
    pub fn finishes_after(mut self, ms: u64, final_status: &str) -> Self {
        self.finishes_after_ms = Some(ms);
        self.final_status = Some(final_status.into());
        self
    }

    /// Pins the execution to `qualifier`.
    pub fn qualifier(mut self, qualifier: &str) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Names the execution.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// The created execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededExecution {
    /// Its ARN.
    pub durable_execution_arn: String,
    /// Its name.
    pub name: String,
    /// Its ID.
    pub id: String,
    /// Qualified function ARN.
    pub function_arn: String,
    /// Status.
    pub status: String,
}

/// `POST /_emulator/capacity-providers/fail`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailCapacityProvider {
    /// Name or ARN.
    pub name: String,
    /// Region (default: the emulator's default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Reason (kept in the state dump; the API shape has no reason member).
    #[serde(default)]
    pub state_reason: Option<String>,
}

/// `POST /_emulator/functions/fail`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailFunction {
    /// Function name or ARN (may carry a qualifier).
    pub function_name: String,
    /// Version (default `$LATEST`).
    #[serde(default)]
    pub qualifier: Option<String>,
    /// Region (default: the emulator's default region).
    #[serde(default)]
    pub region: Option<String>,
    /// `StateReasonCode` (default `InternalError`).
    #[serde(default)]
    pub state_reason_code: Option<String>,
    /// `StateReason`.
    #[serde(default)]
    pub state_reason: Option<String>,
}

impl FailFunction {
    /// Fails `$LATEST` (or the qualifier in `function_name`) with a code and
    /// reason.
    pub fn new(function_name: &str, code: &str, reason: &str) -> Self {
        Self {
            function_name: function_name.into(),
            qualifier: None,
            region: None,
            state_reason_code: Some(code.into()),
            state_reason: Some(reason.into()),
        }
    }
}

/// `PUT /_emulator/rate-limits`: enforces `limits` (fields left out keep
/// AWS's quotas; `null` stops enforcing) with full buckets.
pub fn set_rate_limits(app: &App, limits: Option<RateLimits>) -> Result<(), ControlError> {
    if let Some(problem) = limits.as_ref().and_then(RateLimits::problem) {
        return Err(ControlError::BadRequest(problem));
    }
    app.throttler().set_limits(limits);
    Ok(())
}

/// Resets the call counters and the peak of calls in flight (`DELETE
/// /_emulator/calls`).
pub fn clear_calls(app: &App) {
    app.faults().clear_calls();
    app.in_flight().clear_peak();
}

/// Clears resources, fault rules and call counters (the peak of calls in
/// flight among them), and refills the rate limits' buckets.
pub fn reset(app: &App) {
    let _: Result<(), ()> = app.transact(true, |st, _| {
        *st = State::default();
        Ok(())
    });
    let mut faults = app.faults();
    faults.clear();
    faults.clear_calls();
    drop(faults);
    app.in_flight().clear_peak();
    app.sessions().clear();
    let mut throttler = app.throttler();
    let limits = throttler.limits();
    throttler.set_limits(limits);
}

/// The statuses a seeded execution can end with by itself (STOPPED is what
/// StopDurableExecution does).
const FINAL_STATUSES: [&str; 3] = ["SUCCEEDED", "FAILED", "TIMED_OUT"];

/// Checks `value` against a Lambda model shape, for control API fields that
/// mirror one.
fn check_shape(field: &str, shape: &str, value: &str) -> Result<(), ControlError> {
    validate::validate(model::lambda(), shape, &Value::String(value.into())).map_err(|e| {
        // A lone value has no member path: drop the empty one from the message.
        let message = e.to_string().replace(" at ''", "");
        ControlError::BadRequest(format!("{field}: {message}"))
    })
}

/// Seeds a durable execution.
pub fn seed_durable_execution(
    app: &App,
    req: &SeedExecution,
) -> Result<SeededExecution, ControlError> {
    check_shape("status", "ExecutionStatus", &req.status)?;
    let final_status = req.final_status.as_deref().unwrap_or(FINAL_STATUSES[0]);
    if !FINAL_STATUSES.contains(&final_status) {
        return Err(ControlError::BadRequest(format!(
            "final_status must be one of {}",
            FINAL_STATUSES.join(", ")
        )));
    }
    check_shape("final_status", "ExecutionStatus", final_status)?;
    if req.finishes_after_ms.is_some() && !ACTIVE_EXECUTION_STATUSES.contains(&req.status.as_str())
    {
        return Err(ControlError::BadRequest(format!(
            "finishes_after_ms needs an active status ({}), not {}",
            ACTIVE_EXECUTION_STATUSES.join(", "),
            req.status
        )));
    }
    let name = req.name.clone().unwrap_or_else(executions::generated_name);
    check_shape("name", "DurableExecutionName", &name)?;
    let region = req
        .region
        .clone()
        .unwrap_or_else(|| app.opts.default_region.clone());
    app.transact(true, |st, now| {
        let (fname, from_name) = parse_function_name(&req.function_name);
        let arn = function_arn(&region, &fname);
        let f = st
            .functions
            .get(&arn)
            .ok_or_else(|| ControlError::NotFound(format!("Function not found: {arn}")))?;
        if !f.latest.config.contains_key("DurableConfig") {
            return Err(ControlError::BadRequest(format!(
                "Function {arn} has no DurableConfig: it cannot have durable executions"
            )));
        }
        let qualifier = req
            .qualifier
            .clone()
            .or(from_name)
            .unwrap_or_else(|| "$LATEST".into());
        let v = match qualifier.as_str() {
            "$LATEST" => Some(&f.latest),
            "$LATEST.PUBLISHED" => f.versions.values().next_back(),
            q => q.parse::<u64>().ok().and_then(|n| f.versions.get(&n)),
        }
        .ok_or_else(|| {
            ControlError::NotFound(format!(
                "Function version not found: {}",
                qualified(&arn, &qualifier)
            ))
        })?;
        if v.state == "Deleting" {
            return Err(ControlError::BadRequest(format!(
                "{} is being deleted: it cannot start executions",
                qualified(&arn, &v.version)
            )));
        }
        let version = v.version.clone();
        let start_ms = now.saturating_sub(req.started_seconds_ago.unwrap_or(0) * 1000);
        let mut e = executions::start(
            st,
            Start {
                function_arn: &arn,
                version: &version,
                name: &name,
                status: &req.status,
                start_ms,
                input_payload: req.input_payload.clone(),
                finish: req
                    .finishes_after_ms
                    .map(|ms| (now + ms, final_status.to_string())),
            },
            now,
        );
        if e.status == "PAUSING" {
            e.pause_at_ms = Some(now + app.opts.execution_pause_delay.as_millis() as u64);
        }
        e.result = req.result.clone();
        e.error = req.error.clone();
        st.durable_executions.insert(e.arn.clone(), e.clone());
        Ok(SeededExecution {
            durable_execution_arn: e.arn,
            name: e.name,
            id: e.id,
            function_arn: qualified(&arn, &version),
            status: e.status,
        })
    })
}

/// Makes a capacity provider `Failed`.
pub fn fail_capacity_provider(app: &App, req: &FailCapacityProvider) -> Result<(), ControlError> {
    let region = req
        .region
        .clone()
        .unwrap_or_else(|| app.opts.default_region.clone());
    app.transact(true, |st, now| {
        let arn = capacity_provider_arn(&region, &parse_capacity_provider_name(&req.name));
        let cp = st
            .capacity_providers
            .get_mut(&arn)
            .ok_or_else(|| ControlError::NotFound(format!("Capacity provider not found: {arn}")))?;
        cp.state = "Failed".into();
        cp.state_reason = Some(
            req.state_reason
                .clone()
                .unwrap_or_else(|| "Capacity provider failed (injected by the emulator).".into()),
        );
        cp.transition_at_ms = None;
        cp.last_modified_ms = now;
        Ok(())
    })
}

/// Makes a function version `Failed` (and its in-progress update, if any).
pub fn fail_function(app: &App, req: &FailFunction) -> Result<(), ControlError> {
    let region = req
        .region
        .clone()
        .unwrap_or_else(|| app.opts.default_region.clone());
    app.transact(true, |st, now| {
        let (name, from_name) = parse_function_name(&req.function_name);
        let arn = function_arn(&region, &name);
        let f = st
            .functions
            .get_mut(&arn)
            .ok_or_else(|| ControlError::NotFound(format!("Function not found: {arn}")))?;
        let qualifier = req.qualifier.clone().or(from_name);
        let v = match qualifier.as_deref() {
            None | Some("$LATEST") => Some(&mut f.latest),
            Some(q) => q.parse::<u64>().ok().and_then(|n| f.versions.get_mut(&n)),
        }
        .ok_or_else(|| {
            ControlError::NotFound(format!(
                "Function version not found: {arn}:{}",
                qualifier.unwrap_or_default()
            ))
        })?;
        let code = req
            .state_reason_code
            .clone()
            .unwrap_or_else(|| "InternalError".into());
        let reason = req
            .state_reason
            .clone()
            .unwrap_or_else(|| "The function failed (injected by the emulator).".into());
        if v.update_at_ms.is_some() {
            v.last_update_status = Some("Failed".into());
            v.last_update_status_reason = Some(reason.clone());
            v.last_update_status_reason_code = Some(code.clone());
            v.update_at_ms = None;
        }
        v.state = "Failed".into();
        v.state_reason = Some(reason);
        v.state_reason_code = Some(code);
        v.state_at_ms = None;
        v.last_modified_ms = now;
        Ok(())
    })
}

/// Serializes a JSON value as an HTTP response.
fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body)
        .map_err(|e| ControlError::BadRequest(format!("invalid JSON body: {e}")))
}

fn reply<T: Serialize>(result: Result<T, ControlError>) -> Response {
    match result {
        Ok(v) => json_response(
            StatusCode::OK,
            &serde_json::to_value(v).unwrap_or(Value::Null),
        ),
        Err(e) => json_response(e.status(), &json!({"error": e.to_string()})),
    }
}

/// Serves one control API request.
pub fn handle(app: &App, method: &str, path: &str, body: &[u8]) -> Response {
    let path = path.trim_end_matches('/');
    match (method, path) {
        ("GET", "/_emulator/health") => json_response(StatusCode::OK, &json!({"status": "ok"})),
        ("GET", "/_emulator/state") => json_response(StatusCode::OK, &app.state_json()),
        ("POST", "/_emulator/reset") => {
            reset(app);
            json_response(StatusCode::OK, &json!({"reset": true}))
        }
        ("GET", "/_emulator/calls") => reply(Ok(app.faults().calls())),
        ("DELETE", "/_emulator/calls") => {
            clear_calls(app);
            json_response(StatusCode::OK, &json!({"cleared": true}))
        }
        ("GET", "/_emulator/concurrency") => reply(Ok(app.in_flight().get())),
        ("GET", "/_emulator/sts/sessions") => reply(Ok(app.sessions().list())),
        ("GET", "/_emulator/rate-limits") => reply(Ok(app.throttler().limits())),
        ("PUT", "/_emulator/rate-limits") => reply(
            parse::<Option<RateLimits>>(body)
                .and_then(|limits| set_rate_limits(app, limits).map(|()| limits)),
        ),
        ("DELETE", "/_emulator/rate-limits") => {
            app.throttler().set_limits(None);
            json_response(StatusCode::OK, &json!({"cleared": true}))
        }
        ("GET", "/_emulator/faults") => reply(Ok(app.faults().rules())),
        ("POST", "/_emulator/faults") => reply(parse::<FaultSpec>(body).and_then(|spec| {
            if spec.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
                return Err(ControlError::BadRequest(
                    "probability must be between 0 and 1".into(),
                ));
            }
            Ok(json!({"id": app.faults().add(spec)}))
        })),
        ("DELETE", "/_emulator/faults") => {
            app.faults().clear();
            json_response(StatusCode::OK, &json!({"cleared": true}))
        }
        ("POST", "/_emulator/durable-executions") => {
            reply(parse::<SeedExecution>(body).and_then(|req| seed_durable_execution(app, &req)))
        }
        ("POST", "/_emulator/capacity-providers/fail") => reply(
            parse::<FailCapacityProvider>(body)
                .and_then(|req| fail_capacity_provider(app, &req))
                .map(|()| json!({"failed": true})),
        ),
        ("POST", "/_emulator/functions/fail") => reply(
            parse::<FailFunction>(body)
                .and_then(|req| fail_function(app, &req))
                .map(|()| json!({"failed": true})),
        ),
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({"error": format!("unknown emulator endpoint: {method} {path}")}),
        ),
    }
}
