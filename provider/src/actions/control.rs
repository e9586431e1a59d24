//! `lambda_stop_durable_execution`, `lambda_pause_durable_execution`,
//! `lambda_resume_durable_execution`: one action type per verb, acting on one execution
//! named by `durable_execution_arn`, or by `function_name` (+ `qualifier`) and
//! `durable_execution_name`.

use async_trait::async_trait;
use serde::Deserialize;
use tfplug::action::{Action, ActionRequest, Progress};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::provider::Context;
use tfplug::resource::Result;
use tfplug::schema::{Attribute, Block, Schema};
use tfplug::value::Value;

use super::api::{self, Control};
use super::{
    DURABLE_EXECUTION_NAME, FUNCTION_NAME, QUALIFIER, call_region, execution_name_attribute,
    function_name_attribute, qualifier_attribute, region_attribute, region_conflict,
};
use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda::StopDurableExecutionRequest;
use crate::aws::{Budget, SharedClients};
use crate::resources::common::READ_TIMEOUT;
use crate::resources::common::function_name::qualifier_contradiction;

/// `durable_execution_arn`.
const EXECUTION_ARN: &str = "durable_execution_arn";

/// One control action type.
#[derive(Clone, Debug)]
pub struct ControlDurableExecution {
    clients: SharedClients,
    control: Control,
}

impl ControlDurableExecution {
    /// The action for `control`, using the provider's clients once configured.
    pub fn new(clients: SharedClients, control: Control) -> Self {
        Self { clients, control }
    }

    /// Every control action type.
    pub fn all(clients: &SharedClients) -> Vec<Self> {
        [Control::Stop, Control::Pause, Control::Resume]
            .into_iter()
            .map(|c| Self::new(clients.clone(), c))
            .collect()
    }

    fn verb(&self) -> &'static str {
        match self.control {
            Control::Stop => "stop",
            Control::Pause => "pause",
            Control::Resume => "resume",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Config {
    durable_execution_arn: Option<String>,
    function_name: Option<String>,
    qualifier: Option<String>,
    durable_execution_name: Option<String>,
    region: Option<String>,
}

#[async_trait]
impl Action for ControlDurableExecution {
    fn type_name(&self) -> &str {
        match self.control {
            Control::Stop => "lambda_stop_durable_execution",
            Control::Pause => "lambda_pause_durable_execution",
            Control::Resume => "lambda_resume_durable_execution",
        }
    }

    fn schema(&self) -> Schema {
        let what = match self.control {
            Control::Stop => {
                "Stops a durable execution (it ends STOPPED; an invocation in progress fails at its next checkpoint)."
            }
            Control::Pause => "Pauses a running durable execution (PAUSING, then PAUSED).",
            Control::Resume => "Resumes a paused durable execution.",
        };
        Schema::new(
            Block::new()
                .description(what)
                .attribute(
                    Attribute::string(EXECUTION_ARN)
                        .optional()
                        .aws(&StopDurableExecutionRequest::DurableExecutionArn)
                        .conflicts_with([FUNCTION_NAME, DURABLE_EXECUTION_NAME])
                        .description("ARN of the execution."),
                )
                .attribute(function_name_attribute(false).required_with([DURABLE_EXECUTION_NAME]))
                .attribute(qualifier_attribute())
                .attribute(execution_name_attribute(false).required_with([FUNCTION_NAME]))
                .attribute(region_attribute())
                .exactly_one_of([EXECUTION_ARN, FUNCTION_NAME]),
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
        let region = call_region(
            config.region.as_deref(),
            config
                .durable_execution_arn
                .as_deref()
                .or(config.function_name.as_deref()),
        );
        let clients = self.clients.get()?.for_region(region.as_deref());
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let arn = match (
            &config.durable_execution_arn,
            &config.function_name,
            &config.durable_execution_name,
        ) {
            (Some(arn), _, _) => arn.clone(),
            (None, Some(function), Some(name)) => {
                let found = api::find_by_name(
                    &clients,
                    &budget,
                    function,
                    config.qualifier.as_deref(),
                    name,
                )
                .await
                .map_err(|e| e.to_diagnostic(&format!("durable execution {name:?}"), "finding"))?;
                match found.as_slice() {
                    [one] => one.clone(),
                    [] => {
                        return Err(Diagnostic::error(
                            "Durable execution not found",
                            format!("{function:?} has no durable execution named {name:?}."),
                        )
                        .into());
                    }
                    many => {
                        let choose = match &config.qualifier {
                            None => "(on different versions): set qualifier, or \
                                     durable_execution_arn"
                                .to_string(),
                            Some(q) => format!("on version {q:?}: set durable_execution_arn"),
                        };
                        return Err(Diagnostic::error(
                            "Several durable executions have that name",
                            format!(
                                "{function:?} has {} executions named {name:?} {choose}. \
                                 They are:\n{}",
                                many.len(),
                                many.join("\n")
                            ),
                        )
                        .into());
                    }
                }
            }
            _ => {
                return Err(Diagnostic::error(
                    "No durable execution named",
                    "Set durable_execution_arn, or function_name and durable_execution_name.",
                )
                .into());
            }
        };
        let label = format!("durable execution {arn}");
        api::control(&clients, &budget, self.control, &arn)
            .await
            .map_err(|e| e.to_diagnostic(&label, self.doing()))?;
        let status = api::get(&clients, &budget, &arn)
            .await
            .map(|out| out.status().as_str().to_string())
            .unwrap_or_else(|_| "unknown".into());
        progress
            .send(format!(
                "{} requested for {label}; status now {status}",
                self.verb()
            ))
            .await;
        Ok(Diagnostics::new())
    }
}

/// `region` against the region of an ARN in `durable_execution_arn` or `function_name`,
/// and `qualifier` against a qualified `function_name`. At validate only literal values
/// are known; the plan checks again once variables and references are.
fn check(config: &Value) -> Diagnostics {
    [EXECUTION_ARN, FUNCTION_NAME]
        .into_iter()
        .filter_map(|arn_attribute| region_conflict(config, arn_attribute))
        .chain(qualifier_contradiction(config, FUNCTION_NAME, QUALIFIER))
        .collect()
}

impl ControlDurableExecution {
    /// The verb in error summaries ("Error stopping …").
    fn doing(&self) -> &'static str {
        match self.control {
            Control::Stop => "stopping",
            Control::Pause => "pausing",
            Control::Resume => "resuming",
        }
    }
}

#[cfg(test)]
mod tests {
    use tfplug::value::AttributePath;

    use super::*;

    #[tokio::test]
    async fn a_qualifier_contradicting_the_function_name_is_refused_at_validate_and_plan() {
        let config = |function: &str, qualifier: &str| {
            Value::object([
                (EXECUTION_ARN, Value::Null),
                (FUNCTION_NAME, Value::string(function)),
                (QUALIFIER, Value::string(qualifier)),
                (DURABLE_EXECUTION_NAME, Value::string("run41")),
                (crate::actions::REGION, Value::Null),
            ])
        };
        let ctx = Context::default();
        for action in ControlDurableExecution::all(&SharedClients::new()) {
            let bad = config("actfn:1", "2");
            let at_validate = action.validate(&ctx, &bad).await;
            let req = ActionRequest {
                config: bad.clone(),
                ty: tfplug::resource::ValueType::of(&action.schema()),
            };
            let at_plan = action.plan(&ctx, &req).await;
            for d in [at_validate, at_plan] {
                assert_eq!(d.iter().count(), 1, "{}: {d:?}", action.type_name());
                assert!(
                    d.iter()
                        .all(|d| d.path == Some(AttributePath::attr(QUALIFIER))),
                    "{d:?}"
                );
            }
            let fine = action.validate(&ctx, &config("actfn:1", "1")).await;
            assert!(fine.is_empty(), "{fine:?}");
        }
    }
}
