//! DeleteFunction, of a whole function or of one version (`Qualifier`).
//!
//! Deleting is immediate (`204`) unless something must finish first, and
//! then asynchronous (`202`), the versions staying `Deleting` meanwhile:
//! functions on a capacity provider disappear after the function delay, and
//! versions with active durable executions (RUNNING, PAUSING, PAUSED) drain:
//! `StateReasonCode` `DrainingDurableExecutions` until no execution they run
//! is active, then gone after the function delay (see `State::settle`). A
//! delete of something already `Deleting` is accepted and changes nothing.
//! Executions disappear with their version.

use serde_json::{Value, json};

use super::functions::{not_found, resolve};
use super::names::qualified;
use super::{Ctx, LambdaError, Reply};
use crate::state::{FunctionVersion, State};

/// The `StateReasonCode` of versions waiting for durable executions.
const DRAINING: &str = "DrainingDurableExecutions";

/// What a DeleteFunction addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The function with every version.
    Function,
    /// One published version.
    Version(u64),
}

impl Target {
    /// Whether an execution pinned to `version` runs on what is deleted.
    fn covers(self, version: &str) -> bool {
        match self {
            Self::Function => true,
            Self::Version(n) => version.parse::<u64>() == Ok(n),
        }
    }
}

pub(super) fn delete(st: &mut State, cx: &Ctx<'_>, input: &Value) -> Result<Reply, LambdaError> {
    let (arn, qualifier) = resolve(cx, input)?;
    let f = st.functions.get_mut(&arn).ok_or_else(|| not_found(&arn))?;
    let target = match qualifier.as_deref() {
        None => Target::Function,
        Some("$LATEST") => {
            return Err(LambdaError::InvalidParameterValue(
                "$LATEST version cannot be deleted without deleting the function.".into(),
            ));
        }
        Some(q) => q
            .parse::<u64>()
            .ok()
            .filter(|n| f.versions.contains_key(n))
            .map(Target::Version)
            .ok_or_else(|| not_found(&qualified(&arn, q)))?,
    };
    let already_deleting = f.latest.state == "Deleting"
        || matches!(target, Target::Version(n) if f.versions.get(&n).is_some_and(|v| v.state == "Deleting"));
    let draining = st
        .durable_executions
        .values()
        .any(|e| e.function_arn == arn && e.is_active() && target.covers(&e.version));
    let on_capacity_provider = f.latest.capacity_provider_arn().is_some();
    let delay = cx.opts.function_delay.as_millis() as u64;
    let mut versions: Vec<&mut FunctionVersion> = match target {
        Target::Function => std::iter::once(&mut f.latest)
            .chain(f.versions.values_mut())
            .collect(),
        Target::Version(n) => f.versions.get_mut(&n).into_iter().collect(),
    };
    let status = if already_deleting {
        202
    } else if draining {
        versions.iter_mut().for_each(|v| mark_draining(v, delay));
        202
    } else if on_capacity_provider {
        let at = cx.now + delay;
        versions.iter_mut().for_each(|v| mark_deleting(v, at));
        202
    } else {
        match target {
            Target::Function => {
                st.functions.remove(&arn);
            }
            Target::Version(n) => {
                f.versions.remove(&n);
            }
        }
        204
    };
    st.settle(cx.now);
    Reply::ok(json!({"StatusCode": status}))
}

fn begin_deleting(v: &mut FunctionVersion, reason: &str) -> bool {
    if v.state == "Deleting" {
        return false;
    }
    v.state = "Deleting".into();
    v.state_reason = Some(reason.into());
    v.state_reason_code = None;
    v.update_at_ms = None;
    true
}

/// `Deleting`, gone at `at`.
fn mark_deleting(v: &mut FunctionVersion, at: u64) {
    if begin_deleting(v, "The function version is being deleted.") {
        v.state_at_ms = Some(at);
    }
}

/// `Deleting` until its executions drain, then gone `delay_ms` later.
fn mark_draining(v: &mut FunctionVersion, delay_ms: u64) {
    if begin_deleting(
        v,
        "The function version is being deleted. It waits for its active durable executions to finish.",
    ) {
        v.state_reason_code = Some(DRAINING.into());
        v.state_at_ms = None;
        v.drain_delay_ms = Some(delay_ms);
    }
}
