//! Starting durable executions, shared by Invoke and by the control API's
//! seeding, so both name, identify and time them the same way.

use super::names::qualified;
use crate::ids;
use crate::state::{DurableExecution, State};

/// How a new execution begins and ends.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    /// Unqualified function ARN.
    pub function_arn: &'a str,
    /// The version it is pinned to (`$LATEST` or a number).
    pub version: &'a str,
    /// Execution name.
    pub name: &'a str,
    /// Initial status.
    pub status: &'a str,
    /// Start, epoch ms.
    pub start_ms: u64,
    /// Input payload.
    pub input_payload: Option<String>,
    /// When it ends by itself, epoch ms, and with which status.
    pub finish: Option<(u64, String)>,
}

/// A name for an execution started without one.
pub fn generated_name() -> String {
    format!("execution-{}", &ids::uuid()[..8])
}

/// The execution of `function_arn` named `name`, if any (names are unique
/// within a function).
pub fn by_name<'a>(st: &'a State, function_arn: &str, name: &str) -> Option<&'a DurableExecution> {
    st.durable_executions
        .values()
        .find(|e| e.function_arn == function_arn && e.name == name)
}

/// Records a new execution
/// (`…:function:NAME:VERSION/durable-execution/EXECUTION/ID`) and returns it.
/// `now` gives the end time of an execution that starts terminal.
pub fn start(st: &mut State, start: Start<'_>, now: u64) -> DurableExecution {
    let id = ids::uuid();
    let arn = format!(
        "{}/durable-execution/{}/{id}",
        qualified(start.function_arn, start.version),
        start.name
    );
    let mut execution = DurableExecution {
        arn: arn.clone(),
        name: start.name.to_string(),
        id,
        function_arn: start.function_arn.to_string(),
        version: start.version.to_string(),
        status: start.status.to_string(),
        start_ms: start.start_ms,
        end_ms: None,
        input_payload: start.input_payload,
        result: None,
        error: None,
        finish_at_ms: None,
        final_status: None,
        finish_remaining_ms: None,
        pause_at_ms: None,
        pause: None,
        pause_token: None,
        resume_token: None,
    };
    if execution.is_active() {
        if let Some((at, status)) = start.finish {
            execution.finish_at_ms = Some(at);
            execution.final_status = Some(status);
        }
    } else {
        execution.end_ms = Some(now.max(start.start_ms));
    }
    st.durable_executions.insert(arn, execution.clone());
    execution
}
