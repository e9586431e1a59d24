//! `lambda_start_durable_execution`: starts a durable execution of a qualified durable
//! function under a name (idempotent: the same name never starts a second execution),
//! and optionally waits until it ends, reporting each status change, failing when it
//! fails, times out or is stopped.

use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use tfplug::action::{Action, ActionRequest, Progress};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::provider::Context;
use tfplug::resource::Result;
use tfplug::schema::{Attribute, Block, Schema};
use tfplug::value::{AttributePath, Value};

use super::api::{self, Started};
use super::{
    DURABLE_EXECUTION_NAME, FUNCTION_NAME, QUALIFIER, call_region, execution_name_attribute,
    function_name_attribute, qualifier_attribute, region_attribute, region_conflict,
};
use crate::aws::timeouts::{OPERATION_TIMEOUT, parse_duration};
use crate::aws::{Budget, Error, SharedClients, Status, WaitOptions, wait_for};
use crate::data_sources::durable_executions as listing;
use crate::resources::common::create_call::outcome_unknown;
use crate::resources::common::function_name::qualifier_contradiction;

/// The action type name.
pub const TYPE_NAME: &str = "lambda_start_durable_execution";
/// `payload`.
const PAYLOAD: &str = "payload";
/// `wait_for_completion`.
const WAIT: &str = "wait_for_completion";
/// `timeout`.
const TIMEOUT: &str = "timeout";
/// How long a wait lasts when `timeout` is unset.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(900);

/// The action.
#[derive(Clone, Debug)]
pub struct StartDurableExecution {
    clients: SharedClients,
}

impl StartDurableExecution {
    /// The action, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self { clients }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Config {
    function_name: String,
    qualifier: Option<String>,
    durable_execution_name: String,
    payload: Option<String>,
    wait_for_completion: Option<bool>,
    timeout: Option<String>,
    region: Option<String>,
}

/// Whether `function_name` already names a version or alias (`name:3`, `ARN:live`).
fn is_qualified(function: &str) -> bool {
    let parts = function.split(':').count();
    if function.starts_with("arn:") {
        parts > 7
    } else {
        parts == 2 || parts == 4
    }
}

/// Checks what the attributes' own validators cannot: the function is qualified, once
/// (`qualifier` does not contradict a qualified `function_name`), the payload is JSON,
/// and `region` agrees with an ARN's. At validate only literal values
/// are known; the plan checks again once variables and references are.
fn check(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(conflict) = region_conflict(config, FUNCTION_NAME) {
        diags.push(conflict);
    }
    if let Some(contradiction) = qualifier_contradiction(config, FUNCTION_NAME, QUALIFIER) {
        diags.push(contradiction);
    }
    let text = |name: &str| config.get_attr(name).and_then(Value::as_str);
    let qualifier_unset = config.get_attr(QUALIFIER).is_some_and(Value::is_null);
    if let Some(function) = text(FUNCTION_NAME)
        && qualifier_unset
        && !is_qualified(function)
    {
        diags.error_at(
            AttributePath::attr(QUALIFIER),
            "A durable function is invoked through a version",
            format!(
                "AWS refuses to invoke a durable function through its unqualified ARN. Set \
                 qualifier (e.g. lambda_function_version.live.version), or name the version \
                 in function_name (\"{function}:3\")."
            ),
        );
    }
    if let Some(payload) = text(PAYLOAD)
        && let Err(e) = serde_json::from_str::<serde_json::Value>(payload)
    {
        diags.error_at(
            AttributePath::attr(PAYLOAD),
            "payload is not JSON",
            format!("payload must be a JSON document (use jsonencode(…)): {e}."),
        );
    }
    diags
}

#[async_trait]
impl Action for StartDurableExecution {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description(
                    "Starts a durable execution of a durable function version under a name; \
                     the same name never starts a second execution. Optionally waits until \
                     it ends and fails when it fails.",
                )
                .attribute(function_name_attribute(true))
                .attribute(qualifier_attribute())
                .attribute(execution_name_attribute(true))
                .attribute(
                    Attribute::string(PAYLOAD)
                        .optional()
                        .description("Input of the execution, a JSON document (`jsonencode(…)`)."),
                )
                .attribute(
                    Attribute::bool(WAIT)
                        .optional()
                        .description("Wait until the execution ends (default `false`)."),
                )
                .attribute(
                    Attribute::string(TIMEOUT)
                        .optional()
                        .validator(OPERATION_TIMEOUT)
                        .description(
                            "How long the start, and the wait with `wait_for_completion`, may \
                             take (default `15m`).",
                        ),
                )
                .attribute(region_attribute()),
        )
    }

    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        check(config)
    }

    async fn plan(&self, _ctx: &Context, req: &ActionRequest) -> Diagnostics {
        check(&req.config)
    }

    async fn invoke(
        &self,
        ctx: &Context,
        req: ActionRequest,
        progress: &Progress,
    ) -> Result<Diagnostics> {
        let config: Config = req.config()?;
        let region = call_region(config.region.as_deref(), Some(&config.function_name));
        let clients = self.clients.get()?.for_region(region.as_deref());
        let timeout = config
            .timeout
            .as_deref()
            .and_then(|t| parse_duration(t).ok())
            .unwrap_or(DEFAULT_TIMEOUT);
        let budget = Budget::new(timeout, ctx.stop.clone());
        let label = format!(
            "durable execution {:?} of {}",
            config.durable_execution_name,
            match &config.qualifier {
                Some(q) => format!("{}:{q}", config.function_name),
                None => config.function_name.clone(),
            }
        );
        let started = api::start(
            &clients,
            &budget,
            &config.function_name,
            config.qualifier.as_deref(),
            &config.durable_execution_name,
            config.payload.as_deref(),
        )
        .await
        .map_err(|e| start_error(&e, &label, &config))?;
        let Started { arn, version } = started;
        progress
            .send(format!(
                "started {label}{}: {arn}",
                version
                    .map(|v| format!(" on version {v}"))
                    .unwrap_or_default()
            ))
            .await;
        if config.wait_for_completion != Some(true) {
            return Ok(Diagnostics::new());
        }
        wait_until_ended(&clients, &budget, &arn, &label, progress).await?;
        Ok(Diagnostics::new())
    }
}

/// The diagnostic of a failed start. When the Invoke may have reached AWS before it
/// failed (it timed out, was interrupted, lost its answer, or failed on a retry after an
/// attempt whose answer was lost), it does not say the start failed: the execution may
/// have started, and the detail says how to look.
fn start_error(e: &Error, label: &str, config: &Config) -> Diagnostic {
    let maybe_started = outcome_unknown(e) || e.aws().is_some_and(|a| a.was_retried());
    let mut d = e.to_diagnostic(label, "starting");
    if maybe_started {
        d.summary = format!("{label} may have started");
        d.detail
            .push_str(&format!("\n\n{}", maybe_started_hint(config)));
    }
    if e.aws()
        .is_some_and(|a| a.has_code("DurableExecutionAlreadyStartedException"))
    {
        d.detail.push_str(&format!(
            "\n\nAn execution named as {DURABLE_EXECUTION_NAME} was already started with \
             another payload: a name starts at most one execution. Use a new name to start \
             another."
        ));
    }
    d
}

/// How to learn whether a start whose outcome is unknown started the execution.
fn maybe_started_hint(config: &Config) -> String {
    let function = &config.function_name;
    let name = &config.durable_execution_name;
    let qualifier = config
        .qualifier
        .as_deref()
        .map(|q| format!(" --qualifier {q}"))
        .unwrap_or_default();
    let region = config
        .region
        .as_deref()
        .map(|r| format!(" --region {r}"))
        .unwrap_or_default();
    format!(
        "The Invoke may have reached AWS before this error, so the execution may have started \
         (and may be running or done) although the action failed. To check, list the \
         executions named {name:?}: the data source {data} with {function_attr} = \
         {function:?} and {name_attr} = {name:?}, or `aws lambda \
         list-durable-executions-by-function --function-name {function}{qualifier} \
         --durable-execution-name {name}{region}`. Invoking again with the same name and \
         payload starts no second execution: it answers with the one that started.",
        data = listing::TYPE_NAME,
        function_attr = listing::names::FUNCTION_NAME,
        name_attr = listing::names::DURABLE_EXECUTION_NAME,
    )
}

/// Polls the execution until it ends; reports each status change. Fails when it ends
/// other than SUCCEEDED.
async fn wait_until_ended(
    clients: &crate::aws::AwsClients,
    budget: &Budget,
    arn: &str,
    label: &str,
    progress: &Progress,
) -> Result<()> {
    let last = std::sync::Mutex::new(String::new());
    let what = format!("{label} to end");
    let opts = WaitOptions {
        first_delay: Duration::from_millis(500),
        ..WaitOptions::default()
    };
    let ended = wait_for(&what, &opts, budget, || {
        let last = &last;
        async move {
            let out = api::get(clients, budget, arn).await?;
            let status = out.status().as_str().to_string();
            let changed = last
                .lock()
                .map(|mut l| {
                    let changed = *l != status;
                    *l = status.clone();
                    changed
                })
                .unwrap_or(false);
            if changed {
                progress.send(format!("{label}: {status}")).await;
            }
            Ok(match status.as_str() {
                "RUNNING" | "PAUSING" | "PAUSED" => Status::Pending(status),
                _ => Status::Ready(out),
            })
        }
    })
    .await
    .map_err(|e| e.to_diagnostic(label, "waiting for"))?;
    let status = ended.status().as_str();
    if status == "SUCCEEDED" {
        return Ok(());
    }
    // The error is execution data, left out of the polls: read it once. Without it
    // (the read fails, or AWS has none) the status alone is reported.
    let with_data = api::get_including_data(clients, budget, arn, true)
        .await
        .ok();
    let error = with_data
        .as_ref()
        .and_then(|out| out.error())
        .map(|e| {
            format!(
                ": {}{}",
                e.error_type().map(|t| format!("{t}: ")).unwrap_or_default(),
                e.error_message().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    Err(Diagnostic::error(
        format!("{label} ended {status}"),
        format!("The execution {arn} ended with status {status}{error}."),
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_and_arns() {
        assert!(is_qualified("orders:3"));
        assert!(!is_qualified("orders"));
        assert!(is_qualified(
            "arn:aws:lambda:us-east-1:123456789012:function:orders:live"
        ));
        assert!(!is_qualified(
            "arn:aws:lambda:us-east-1:123456789012:function:orders"
        ));
        assert!(is_qualified("123456789012:function:orders:2"));
    }

    #[test]
    fn unqualified_functions_and_bad_payloads_are_refused() {
        let config = |function: &str, qualifier: Value, payload: &str| {
            Value::object([
                (FUNCTION_NAME, Value::string(function)),
                (QUALIFIER, qualifier),
                (PAYLOAD, Value::string(payload)),
            ])
        };
        let d = check(&config("orders", Value::Null, "{}"));
        assert_eq!(d.iter().filter(|d| d.path.is_some()).count(), 1);
        assert!(check(&config("orders", Value::string("1"), "{}")).is_empty());
        assert!(check(&config("orders:1", Value::Null, "{\"a\":1}")).is_empty());
        assert_eq!(
            check(&config("orders:1", Value::Null, "{")).iter().count(),
            1
        );
    }

    #[test]
    fn a_start_that_may_have_reached_aws_does_not_say_it_failed() {
        let config = Config {
            function_name: "actfn".into(),
            qualifier: Some("1".into()),
            durable_execution_name: "run41".into(),
            ..Config::default()
        };
        let label = "durable execution \"run41\" of actfn:1";
        let timed_out = Error::Timeout {
            operation: "Invoke".into(),
            timeout: Duration::ZERO,
            last: None,
        };
        let lost = Error::Aws(crate::aws::AwsError::new(
            "Invoke",
            None,
            "the response could not be read",
            crate::aws::ErrorClass::Transient,
        ));
        for e in [timed_out, lost] {
            let d = start_error(&e, label, &config);
            assert!(!d.summary.starts_with("Error starting"), "{d:?}");
            assert!(d.summary.contains("may have started"), "{d:?}");
            assert!(d.detail.contains(listing::TYPE_NAME), "{d:?}");
            assert!(
                d.detail.contains(
                    "list-durable-executions-by-function --function-name actfn --qualifier 1 \
                     --durable-execution-name run41`"
                ),
                "{d:?}"
            );
        }
        let refused = Error::Aws(crate::aws::AwsError::new(
            "Invoke",
            Some("AccessDeniedException"),
            "not allowed",
            crate::aws::ErrorClass::Permanent,
        ));
        let d = start_error(&refused, label, &config);
        assert!(d.summary.starts_with("Error starting"), "{d:?}");
        assert!(!d.detail.contains("may have started"), "{d:?}");
    }

    #[test]
    fn timeouts_are_bounded_like_resource_timeouts() {
        let schema = StartDurableExecution::new(SharedClients::new()).schema();
        let with_timeout = |timeout: &str| {
            Value::object([
                (FUNCTION_NAME, Value::string("actfn:1")),
                (QUALIFIER, Value::Null),
                (DURABLE_EXECUTION_NAME, Value::string("run41")),
                (PAYLOAD, Value::Null),
                (WAIT, Value::Bool(true)),
                (TIMEOUT, Value::string(timeout)),
                (crate::actions::REGION, Value::Null),
            ])
        };
        for bad in ["0s", "1ns", "999ms", "8785h"] {
            let d = tfplug::validate::validate_config(&schema.block, &with_timeout(bad));
            assert_eq!(d.len(), 1, "{bad}: {d:?}");
            assert!(
                d.iter()
                    .all(|d| d.path == Some(AttributePath::attr(TIMEOUT))
                        && d.detail.contains("between 1s and 8784h")),
                "{bad}: {d:?}"
            );
        }
        for good in ["1s", "15m", "8784h"] {
            let d = tfplug::validate::validate_config(&schema.block, &with_timeout(good));
            assert!(d.is_empty(), "{good}: {d:?}");
        }
    }

    #[test]
    fn a_qualifier_contradicting_the_function_name_is_refused() {
        let config = |function: &str, qualifier: &str| {
            Value::object([
                (FUNCTION_NAME, Value::string(function)),
                (QUALIFIER, Value::string(qualifier)),
                (PAYLOAD, Value::Null),
            ])
        };
        let d = check(&config("actfn:1", "2"));
        assert_eq!(d.iter().count(), 1, "{d:?}");
        assert!(
            d.iter()
                .all(|d| d.path == Some(AttributePath::attr(QUALIFIER))
                    && d.detail.contains("\"1\"")
                    && d.detail.contains("\"2\"")),
            "{d:?}"
        );
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:actfn:live";
        assert_eq!(check(&config(arn, "1")).iter().count(), 1);
        assert!(check(&config("actfn:1", "1")).is_empty());
        assert!(check(&config("actfn", "2")).is_empty());
    }
}
