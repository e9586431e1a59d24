//! Durable-execution calls of the actions: start (Invoke with a `DurableExecutionName`),
//! read, find by name, stop, pause and resume.
//!
//! aws-sdk-lambda 1.156 (the newest) predates PauseDurableExecution and
//! ResumeDurableExecution, which AWS's model has. They are the same request as
//! StopDurableExecution on another path (`…/pause`, `…/resume` instead of `…/stop`), so
//! they are sent through the SDK's StopDurableExecution with the path rewritten before
//! signing: SigV4, retries and errors stay the SDK's.
//!
//! A control call whose answer is lost is retried, and the retry meets the status the
//! first attempt set. Pause and resume carry a `ClientToken` (one per action, the same on
//! every attempt), with which AWS answers a repeat as it answered the first. Stop has no
//! token in AWS's model: a retried stop that AWS refuses because the execution is already
//! `STOPPED` counts as done.

use aws_sdk_lambda::operation::get_durable_execution::GetDurableExecutionOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;

use crate::aws::{AwsClients, Budget, Error};

/// A started execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    /// Its ARN.
    pub arn: String,
    /// The version that ran it.
    pub version: Option<String>,
}

/// Invokes `function` (qualified by `qualifier`) asynchronously as the durable execution
/// `name` with `payload`. AWS starts at most one execution per name: invoking again with
/// the same name and payload returns the same execution.
pub async fn start(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    qualifier: Option<&str>,
    name: &str,
    payload: Option<&str>,
) -> Result<Started, Error> {
    let call = clients
        .lambda
        .invoke()
        .function_name(function)
        .set_qualifier(qualifier.map(str::to_string))
        .invocation_type(InvocationType::Event)
        .durable_execution_name(name)
        .set_payload(payload.map(|p| Blob::new(p.as_bytes())));
    let out = clients
        .send(budget, "Invoke", || call.clone().send())
        .await?;
    let arn = out.durable_execution_arn().ok_or_else(|| {
        Error::Unexpected(format!(
            "Invoke of {function:?} returned no DurableExecutionArn: is it a durable function?"
        ))
    })?;
    Ok(Started {
        arn: arn.to_string(),
        version: out.executed_version().map(str::to_string),
    })
}

/// GetDurableExecution without the execution data (payloads, result and error).
pub async fn get(
    clients: &AwsClients,
    budget: &Budget,
    arn: &str,
) -> Result<GetDurableExecutionOutput, Error> {
    get_including_data(clients, budget, arn, false).await
}

/// GetDurableExecution; `include_data`: with the execution data, which is the only way
/// to learn the `Error` of an execution that failed.
pub async fn get_including_data(
    clients: &AwsClients,
    budget: &Budget,
    arn: &str,
    include_data: bool,
) -> Result<GetDurableExecutionOutput, Error> {
    let call = clients
        .lambda
        .get_durable_execution()
        .durable_execution_arn(arn)
        .include_execution_data(include_data);
    clients
        .send(budget, "GetDurableExecution", || call.clone().send())
        .await
}

/// The ARNs of the executions of `function` (and `qualifier`) named `name`.
pub async fn find_by_name(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    qualifier: Option<&str>,
    name: &str,
) -> Result<Vec<String>, Error> {
    let call = clients
        .lambda
        .list_durable_executions_by_function()
        .function_name(function)
        .set_qualifier(qualifier.map(str::to_string))
        .durable_execution_name(name);
    let out = clients
        .send(budget, "ListDurableExecutionsByFunction", || {
            call.clone().send()
        })
        .await?;
    Ok(out
        .durable_executions()
        .iter()
        .map(|e| e.durable_execution_arn().to_string())
        .collect())
}

/// What a control action does to an execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// StopDurableExecution.
    Stop,
    /// PauseDurableExecution.
    Pause,
    /// ResumeDurableExecution.
    Resume,
}

impl Control {
    /// The API operation.
    pub fn operation(self) -> &'static str {
        match self {
            Control::Stop => "StopDurableExecution",
            Control::Pause => "PauseDurableExecution",
            Control::Resume => "ResumeDurableExecution",
        }
    }

    /// The last segment of the operation's path.
    fn path_verb(self) -> &'static str {
        match self {
            Control::Stop => "stop",
            Control::Pause => "pause",
            Control::Resume => "resume",
        }
    }
}

/// Sends `control` for the execution `arn` (see the module docs for pause and resume,
/// and for retries whose first answer was lost).
pub async fn control(
    clients: &AwsClients,
    budget: &Budget,
    control: Control,
    arn: &str,
) -> Result<(), Error> {
    let verb = control.path_verb();
    let token = client_token();
    let sent = clients
        .call(budget, control.operation(), || {
            let token = token.clone();
            async move {
                let call = clients
                    .lambda
                    .stop_durable_execution()
                    .durable_execution_arn(arn);
                let sent = if control == Control::Stop {
                    call.send().await.map(|_| ())
                } else {
                    call.customize()
                        .mutate_request(move |req| {
                            let rewritten = req
                                .uri()
                                .strip_suffix("/stop")
                                .map(|base| format!("{base}/{verb}"));
                            if let Some(uri) = rewritten
                                && let Err(e) = req.set_uri(uri)
                            {
                                tracing::warn!(error = %e, "could not rewrite the request path");
                            }
                            let body = token_body(&token);
                            req.headers_mut()
                                .insert("content-length", body.len().to_string());
                            *req.body_mut() = body.into();
                        })
                        .send()
                        .await
                        .map(|_| ())
                };
                sent.map_err(|e| crate::aws::AwsError::from_sdk(control.operation(), e))
            }
        })
        .await;
    match sent {
        Err(e) if control == Control::Stop && refused_on_retry(&e) => {
            let stopped = get(clients, budget, arn)
                .await
                .is_ok_and(|out| out.status().as_str() == "STOPPED");
            if !stopped {
                return Err(e);
            }
            tracing::info!(
                arn,
                "a retried stop found the execution stopped: the first attempt's answer was lost"
            );
            Ok(())
        }
        other => other,
    }
}

/// A fresh idempotency token: AWS's `ClientToken` is 1 to 64 printable ASCII characters.
fn client_token() -> String {
    format!("tf-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The JSON body of PauseDurableExecution and ResumeDurableExecution.
fn token_body(token: &str) -> String {
    serde_json::json!({ "ClientToken": token }).to_string()
}

/// Whether AWS refused a retry of the call as invalid for the execution's status.
fn refused_on_retry(e: &Error) -> bool {
    e.aws()
        .is_some_and(|a| a.was_retried() && a.has_code("InvalidParameterValueException"))
}
