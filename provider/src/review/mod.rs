//! The policy review of scaling, concurrency and durable settings: a catalogue of rules,
//! each with a stable ID, a severity, why it matters (from AWS's documented behaviour)
//! and how to fix it, run on a saved plan (`terraform-provider-lambda review
//! PLAN.json`, offline) and reported as text, JSON or SARIF.
//!
//! [`inputs`] turns a plan (`terraform show -json`) into a view of the capacity
//! providers, durable functions and versions it plans, linked through resolved values
//! or, where values are unknown, the configuration's references; [`rules`] are pure
//! functions of that view; [`report`] formats findings, located in the configuration's
//! `.tf` files by [`source`] (read by [`source_files`]); [`cost`] is the cost rule's
//! arithmetic. Where EC2 can be asked (in `terraform plan`, or `review --online`),
//! [`inputs::View::with_ec2`] adds the subnets' Availability Zones and the instance
//! types' sizes.

pub mod at_plan;
pub mod cli;
pub mod cost;
pub mod inputs;
pub mod instances;
pub mod online;
pub mod report;
pub mod rules;
pub mod source;
pub mod source_files;

use serde::Serialize;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Likely to hurt in production.
    Warning,
    /// Will not work as configured.
    Error,
}

impl Severity {
    /// As written in reports and `--fail-on`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem a rule found.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// The rule's ID.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// The resource address, e.g. `lambda_function_version.live`.
    pub address: String,
    /// The attribute, e.g. `function_scaling_config[0].min_execution_environments`.
    pub attribute: Option<String>,
    /// What is wrong, with the values involved.
    pub message: String,
    /// How to fix it.
    pub fix: &'static str,
    /// The cost rule's estimate and what it assumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<cost::CostEstimate>,
}

/// Which findings fail a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Errors.
    Error,
    /// Warnings and errors.
    Warning,
    /// Nothing.
    Never,
}

impl FailOn {
    /// Parses `error`, `warning` or `never`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    /// Whether these findings fail.
    pub fn fails(self, findings: &[Finding]) -> bool {
        let worst = findings.iter().map(|f| f.severity).max();
        match self {
            FailOn::Never => false,
            FailOn::Error => worst == Some(Severity::Error),
            FailOn::Warning => worst >= Some(Severity::Warning),
        }
    }
}

/// Settings of a review.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Rule IDs not to run.
    pub disable: Vec<String>,
    /// Require a customer-managed KMS key for durable execution data.
    pub require_kms: bool,
    /// The traffic the cost estimate assumes.
    pub traffic: cost::Traffic,
}

/// Runs every enabled rule of the catalogue.
pub fn review(view: &inputs::View, settings: &Settings) -> Vec<Finding> {
    review_at_least(view, settings, Severity::Info)
}

/// Runs the enabled rules whose findings are at least `floor`. A plan shows warnings and
/// errors only, so it skips the info rules (the cost estimate) instead of computing
/// findings it would drop, for every resource of every plan.
pub fn review_at_least(view: &inputs::View, settings: &Settings, floor: Severity) -> Vec<Finding> {
    let mut findings: Vec<Finding> = rules::CATALOGUE
        .iter()
        .filter(|r| r.severity >= floor)
        .filter(|r| !settings.disable.iter().any(|d| d == r.id))
        .flat_map(|r| (r.check)(view, settings))
        .collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.address.cmp(&b.address))
            .then_with(|| a.rule.cmp(b.rule))
    });
    findings
}
