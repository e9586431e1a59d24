//! Data source `lambda_durable_executions`: the durable executions of a function, with
//! ListDurableExecutionsByFunction's filters (version or alias, statuses, name, start
//! time).
//!
//! It answers the question a refused destroy raises (which executions are active, and
//! since when) inside Terraform, e.g. to gate a change on `length(...) == 0` in a
//! `precondition`, and it is how the acceptance tests look at what a destroy left.

use async_trait::async_trait;
use tfplug::data_source::{DataReadRequest, DataSource};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::provider::Context;
use tfplug::resource::{NewState, Result};
use tfplug::schema::{Attribute, Block, NestedAttributes, ObjectNesting, Schema};
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Type, Value};

use crate::aws::attribute::AwsAttribute;
use crate::aws::model::lambda::ListDurableExecutionsByFunctionRequest as List;
use crate::aws::{Budget, SharedClients};
use crate::resources::common::executions::api::{self, ExecutionFilter, MAX_LISTED};
use crate::resources::common::executions::{DurableExecution, parse_rfc3339};
use crate::resources::common::function_name::qualifier_contradiction;
use crate::resources::common::import_id::arn_region;
use crate::resources::common::{
    READ_TIMEOUT, REGION, data_region_attribute, label, set_attr, text,
};

/// The data source's type name.
pub const TYPE_NAME: &str = "lambda_durable_executions";

/// Attribute names.
pub mod names {
    /// `function_name`.
    pub const FUNCTION_NAME: &str = "function_name";
    /// `qualifier`.
    pub const QUALIFIER: &str = "qualifier";
    /// `statuses`.
    pub const STATUSES: &str = "statuses";
    /// `durable_execution_name`.
    pub const DURABLE_EXECUTION_NAME: &str = "durable_execution_name";
    /// `started_after`.
    pub const STARTED_AFTER: &str = "started_after";
    /// `started_before`.
    pub const STARTED_BEFORE: &str = "started_before";
    /// `executions`.
    pub const EXECUTIONS: &str = "executions";
    /// `executions[*].durable_execution_arn`.
    pub const DURABLE_EXECUTION_ARN: &str = "durable_execution_arn";
    /// `executions[*].function_arn`.
    pub const FUNCTION_ARN: &str = "function_arn";
    /// `executions[*].status`.
    pub const STATUS: &str = "status";
    /// `executions[*].start_time`.
    pub const START_TIME: &str = "start_time";
    /// `executions[*].end_time`.
    pub const END_TIME: &str = "end_time";
}

use names::*;

/// The `lambda_durable_executions` data source.
#[derive(Clone, Debug)]
pub struct DurableExecutionsDataSource {
    clients: SharedClients,
}

impl DurableExecutionsDataSource {
    /// The data source, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self { clients }
    }
}

/// An RFC 3339 timestamp, as ListDurableExecutionsByFunction's time filters take
/// (AWS's model only says "timestamp").
struct Rfc3339;

impl Validator for Rfc3339 {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && parse_rfc3339(s).is_none()
        {
            diags.error_at(
                path.clone(),
                "Invalid timestamp",
                format!(
                    "{s:?} is not an RFC 3339 timestamp between the years 1 and 9999 (in UTC): \
                     write a date, a time and a zone, e.g. \"2025-01-31T12:00:00Z\" or \
                     \"2025-01-31T13:00:00+01:00\" (timestamp() and timeadd() give this form)."
                ),
            );
        }
    }

    fn describe(&self) -> String {
        "an RFC 3339 timestamp (`2025-01-31T12:00:00Z`)".to_string()
    }
}

fn timestamp(name: &str, member: &'static crate::aws::model::Member, which: &str) -> Attribute {
    Attribute::string(name)
        .optional()
        .aws(member)
        .validator(Rfc3339)
        .description(format!("Only executions started {which} this time."))
}

fn computed_string(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

/// The data source schema.
pub fn data_source_schema() -> Schema {
    let execution = NestedAttributes::new(ObjectNesting::List)
        .attribute(computed_string(
            DURABLE_EXECUTION_ARN,
            "ARN of the execution (what StopDurableExecution and GetDurableExecution take).",
        ))
        .attribute(computed_string(
            DURABLE_EXECUTION_NAME,
            "Name of the execution: the one given when it was started, or one Lambda generated.",
        ))
        .attribute(computed_string(
            FUNCTION_ARN,
            "Qualified ARN of the function version the execution runs on.",
        ))
        .attribute(computed_string(
            STATUS,
            "`RUNNING`, `PAUSING` or `PAUSED` while active; `SUCCEEDED`, `FAILED`, `TIMED_OUT`, \
             `STOPPED` or `DELETING` once over.",
        ))
        .attribute(computed_string(
            START_TIME,
            "When the execution started (RFC 3339, UTC).",
        ))
        .attribute(computed_string(
            END_TIME,
            "When the execution ended (RFC 3339, UTC); null while it is active.",
        ));
    Schema::new(
        Block::new()
            .description(
                "Lists the durable executions of a Lambda function (API \
                 `ListDurableExecutionsByFunction`), optionally only those of one version or \
                 alias, in some statuses, with a name, or started in a time window; newest \
                 first.",
            )
            .attribute(
                Attribute::string(FUNCTION_NAME)
                    .required()
                    .aws(&List::FunctionName)
                    .description(
                        "Name or ARN of the function (a name, `123456789012:function:NAME` or a \
                         full ARN, whose region is used when `region` is unset). A qualified \
                         name or ARN (`orders:3`) lists the executions of that version, like \
                         `qualifier`.",
                    ),
            )
            .attribute(
                Attribute::string(QUALIFIER)
                    .optional()
                    .aws(&List::Qualifier)
                    .description(
                        "Only the executions of this version (`3`), `$LATEST`, \
                         `$LATEST.PUBLISHED` or alias. All versions when unset.",
                    ),
            )
            .attribute(
                Attribute::new(STATUSES, Type::set(Type::String))
                    .optional()
                    .aws(&List::Statuses)
                    .description(
                        "Only the executions in these statuses; any status when unset. The \
                         active ones, which a destroy waits for or stops, are `RUNNING`, \
                         `PAUSING` and `PAUSED`.",
                    ),
            )
            .attribute(
                Attribute::string(DURABLE_EXECUTION_NAME)
                    .optional()
                    .aws(&List::DurableExecutionName)
                    .description("Only the executions with this name."),
            )
            .attribute(timestamp(STARTED_AFTER, &List::StartedAfter, "after"))
            .attribute(timestamp(STARTED_BEFORE, &List::StartedBefore, "before"))
            .attribute(data_region_attribute())
            .attribute(
                Attribute::nested(EXECUTIONS, execution)
                    .computed()
                    .description(format!(
                        "The executions found, newest first (at most {MAX_LISTED}; a warning \
                         says when more match)."
                    )),
            ),
    )
}

fn time_of(config: &Value, name: &str) -> Option<aws_sdk_lambda::primitives::DateTime> {
    text(config, name).and_then(parse_rfc3339)
}

fn execution_value(e: &DurableExecution) -> Value {
    Value::object([
        (DURABLE_EXECUTION_ARN, Value::string(e.arn.clone())),
        (DURABLE_EXECUTION_NAME, Value::string(e.name.clone())),
        (FUNCTION_ARN, Value::string(e.function_arn.clone())),
        (STATUS, Value::string(e.status.clone())),
        (START_TIME, Value::string(e.start_time())),
        (END_TIME, e.end_time().map_or(Value::Null, Value::string)),
    ])
}

#[async_trait]
impl DataSource for DurableExecutionsDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        data_source_schema()
    }

    /// What the attributes' own validators cannot see: a region or qualifier that
    /// contradicts `function_name`, and an empty time window.
    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let function = text(config, FUNCTION_NAME);
        if let (Some(function), Some(region)) = (function, text(config, REGION))
            && let Some(in_arn) = arn_region(function)
            && in_arn != region
        {
            diags.error_at(
                AttributePath::attr(REGION),
                "region contradicts function_name",
                format!(
                    "The function ARN {function:?} is in {in_arn}, but region is {region:?}. \
                     Remove region (the ARN's region is used) or use the ARN of that region."
                ),
            );
        }
        if let Some(contradiction) = qualifier_contradiction(config, FUNCTION_NAME, QUALIFIER) {
            diags.push(contradiction);
        }
        if let (Some(after), Some(before)) = (
            time_of(config, STARTED_AFTER),
            time_of(config, STARTED_BEFORE),
        ) && after >= before
        {
            diags.error_at(
                AttributePath::attr(STARTED_BEFORE),
                "Empty time window",
                format!(
                    "started_before ({}) must be later than started_after ({}): no execution \
                     can match.",
                    text(config, STARTED_BEFORE).unwrap_or_default(),
                    text(config, STARTED_AFTER).unwrap_or_default()
                ),
            );
        }
        diags
    }

    async fn read(&self, ctx: &Context, req: DataReadRequest) -> Result<NewState> {
        let config = &req.config;
        let function = text(config, FUNCTION_NAME).ok_or_else(|| {
            Diagnostic::error("Missing function_name", "Set function_name.")
                .at(AttributePath::attr(FUNCTION_NAME))
        })?;
        let region = text(config, REGION).or_else(|| arn_region(function));
        let clients = self.clients.get()?.for_region(region);
        let label = label(&format!("data.{TYPE_NAME}"), function);
        let statuses = config
            .get_attr(STATUSES)
            .and_then(Value::as_elements)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let filter = ExecutionFilter {
            qualifier: text(config, QUALIFIER).map(str::to_string),
            statuses,
            name: text(config, DURABLE_EXECUTION_NAME).map(str::to_string),
            started_after: time_of(config, STARTED_AFTER),
            started_before: time_of(config, STARTED_BEFORE),
        };
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let listing = api::list(&clients, &budget, function, &filter, MAX_LISTED)
            .await
            .map_err(|e| {
                if e.is_not_found() {
                    Diagnostic::error(
                        format!("{label}: function not found"),
                        format!(
                            "No function {function:?}{} exists in {} (AWS said: {}).",
                            filter
                                .qualifier
                                .as_deref()
                                .map(|q| format!(" with version or alias {q:?}"))
                                .unwrap_or_default(),
                            clients.region,
                            e.aws().map(|a| a.message.as_str()).unwrap_or_default()
                        ),
                    )
                    .at(AttributePath::attr(FUNCTION_NAME))
                } else {
                    e.to_diagnostic(&label, "reading")
                }
            })?;
        let mut executions = listing.executions;
        executions.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.arn.cmp(&b.arn)));
        tracing::debug!(
            function,
            found = executions.len(),
            "read durable executions"
        );
        let mut state = config.clone();
        set_attr(&mut state, REGION, Value::string(clients.region.clone()));
        set_attr(
            &mut state,
            EXECUTIONS,
            Value::List(executions.iter().map(execution_value).collect()),
        );
        let mut new = NewState::new(state);
        if listing.truncated {
            new = new.with_warning(Diagnostic::warning(
                format!("{label}: more than {MAX_LISTED} executions"),
                format!(
                    "More than {MAX_LISTED} durable executions match; `executions` holds the \
                     first {MAX_LISTED} AWS listed. Narrow the search with statuses, \
                     durable_execution_name, started_after or started_before."
                ),
            ));
        }
        Ok(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplug::validate::validate_block;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let schema = data_source_schema();
        Value::Object(
            schema
                .block
                .attributes
                .keys()
                .map(|k| {
                    let v = pairs
                        .iter()
                        .find(|(n, _)| n == k)
                        .map_or(Value::Null, |(_, v)| v.clone());
                    (k.clone(), v)
                })
                .collect(),
        )
    }

    fn errors(config: &Value) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        validate_block(
            &data_source_schema().block,
            &AttributePath::root(),
            config,
            &mut diags,
        );
        diags
            .iter()
            .map(|d| {
                (
                    d.path.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                    d.detail.clone(),
                )
            })
            .collect()
    }

    fn strings(items: &[&str]) -> Value {
        Value::Set(items.iter().map(|s| Value::string(*s)).collect())
    }

    #[test]
    fn the_schema_declares_its_aws_members() {
        let schema = data_source_schema();
        let member = |n: &str| {
            schema
                .block
                .attributes
                .get(n)
                .and_then(|a| a.sent_as.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            member(FUNCTION_NAME),
            "ListDurableExecutionsByFunction.FunctionName"
        );
        assert_eq!(member(STATUSES), "ListDurableExecutionsByFunction.Statuses");
        assert_eq!(
            member(QUALIFIER),
            "ListDurableExecutionsByFunction.Qualifier"
        );
        assert_eq!(
            member(DURABLE_EXECUTION_NAME),
            "ListDurableExecutionsByFunction.DurableExecutionName"
        );
        assert_eq!(
            member(STARTED_AFTER),
            "ListDurableExecutionsByFunction.StartedAfter"
        );
        assert!(schema.problems().is_empty(), "{:?}", schema.problems());
        let executions = schema.block.attributes.get(EXECUTIONS);
        assert!(executions.is_some_and(|a| !a.is_configurable()));
    }

    #[test]
    fn statuses_are_checked_against_the_models_enum() {
        let ok = config(&[
            (FUNCTION_NAME, Value::string("orders")),
            (STATUSES, strings(&["RUNNING", "PAUSED"])),
        ]);
        assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
        let bad = errors(&config(&[
            (FUNCTION_NAME, Value::string("orders")),
            (STATUSES, strings(&["RUNNING", "ACTIVE"])),
        ]));
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].0.starts_with(STATUSES), "{bad:?}");
        assert!(bad[0].1.contains("\"ACTIVE\""), "{bad:?}");
        assert!(bad[0].1.contains("RUNNING, SUCCEEDED, FAILED"), "{bad:?}");
        let none = errors(&config(&[
            (FUNCTION_NAME, Value::string("orders")),
            (STATUSES, strings(&[])),
        ]));
        assert_eq!(none.len(), 1, "{none:?}");
    }

    #[test]
    fn names_qualifiers_and_times_are_checked() {
        let bad = errors(&config(&[
            (FUNCTION_NAME, Value::string("my function")),
            (QUALIFIER, Value::string("v 1")),
            (DURABLE_EXECUTION_NAME, Value::string("a/b")),
            (STARTED_AFTER, Value::string("yesterday")),
            (STARTED_BEFORE, Value::string("2025-01-31T12:00:00Z")),
        ]));
        let paths: Vec<&str> = bad.iter().map(|(p, _)| p.as_str()).collect();
        for name in [
            FUNCTION_NAME,
            QUALIFIER,
            DURABLE_EXECUTION_NAME,
            STARTED_AFTER,
        ] {
            assert!(paths.iter().any(|p| p.contains(name)), "{name}: {bad:?}");
        }
        assert!(!paths.iter().any(|p| p.contains(STARTED_BEFORE)), "{bad:?}");
        assert!(
            bad.iter()
                .any(|(_, d)| d.contains("not an RFC 3339 timestamp")),
            "{bad:?}"
        );
        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders:live";
        assert!(
            errors(&config(&[(FUNCTION_NAME, Value::string(arn))])).is_empty(),
            "a qualified ARN is a valid function_name"
        );
    }

    #[tokio::test]
    async fn contradictions_are_reported_at_their_attribute() {
        let ds = DurableExecutionsDataSource::new(SharedClients::new());
        let ctx = Context::default();
        let diags = ds
            .validate(
                &ctx,
                &config(&[
                    (
                        FUNCTION_NAME,
                        Value::string("arn:aws:lambda:eu-west-1:123456789012:function:orders:3"),
                    ),
                    (QUALIFIER, Value::string("4")),
                    (REGION, Value::string("us-east-1")),
                    (STARTED_AFTER, Value::string("2025-01-31T12:00:00Z")),
                    (STARTED_BEFORE, Value::string("2025-01-31T13:00:00+01:00")),
                ]),
            )
            .await;
        let at: Vec<String> = diags
            .iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(diags.iter().count(), 3, "{diags:?}");
        for name in [REGION, QUALIFIER, STARTED_BEFORE] {
            assert!(at.iter().any(|p| p.contains(name)), "{name}: {at:?}");
        }
        let fine = ds
            .validate(
                &ctx,
                &config(&[
                    (FUNCTION_NAME, Value::string("orders:3")),
                    (QUALIFIER, Value::string("3")),
                    (STARTED_AFTER, Value::string("2025-01-31T12:00:00Z")),
                ]),
            )
            .await;
        assert!(!fine.has_errors(), "{fine:?}");
    }
}
