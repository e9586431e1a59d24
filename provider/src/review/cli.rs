//! `terraform-provider-lambda review PLAN.json [--format text|json|sarif] [--fail-on
//! error|warning|never] [--disable ID,…] [--require-kms] [traffic for the cost estimate]
//! [--online [--region R]] [--config DIR]`, and `review --rules-markdown`. Offline unless
//! `--online`: it reads the plan file and, for the findings' lines, the configuration's
//! `.tf` files, which also show which references by `count.index` or `each.key` name the
//! referring instance's own key.

use std::path::Path;

use super::inputs::View;
use super::source::Sources;
use super::{FailOn, Finding, Settings, inputs, report, review, rules, source_files};
use crate::aws::ec2::Ec2Facts;

/// Usage text.
pub const USAGE: &str = "usage: terraform-provider-lambda review PLAN.json [--format text|json|sarif] \
[--fail-on error|warning|never] [--disable ID,ID] [--require-kms]\n       \
[--requests-per-month N] [--operations-per-execution N] [--kb-per-operation N]\n       \
[--online [--region REGION]] [--config DIR]\n       \
terraform-provider-lambda review --rules-markdown\n\n\
Reviews a saved plan (terraform show -json PLANFILE > PLAN.json) against the rules of\n\
docs/review-rules.md. Offline unless --online, which asks EC2 (with the usual AWS\n\
credentials) for the subnets' Availability Zones and the instance types' sizes. The\n\
traffic options set what the cost estimate (COST-001) assumes. Text and SARIF give each\n\
finding's file and line in the configuration in DIR (default: the current directory) and\n\
the modules it calls, whose files also link references such as cp[count.index].arn and\n\
cp[each.key].arn to the referring instance's own key. Exit status 1 when a\n\
finding reaches --fail-on (default error), 2 for a usage or input error.";

/// Asks EC2 about a view's subnets and instance types in a region (`--online`).
pub type AskEc2<'a> = &'a dyn Fn(&View, Option<&str>) -> Result<Ec2Facts, String>;

/// The number after a traffic option: finite and not negative.
fn traffic_value(option: &str, value: Option<&String>) -> Result<f64, Outcome> {
    value
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|n| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| usage_error(&format!("{option} takes a number of 0 or more")))
}

/// What a run printed and its exit status (0, 1 failed the review, 2 bad input).
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub status: u8,
}

fn usage_error(message: &str) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("terraform-provider-lambda review: {message}\n\n{USAGE}\n"),
        status: 2,
    }
}

/// Runs the command with `args` (after `review`), reading the plan with `read` and, with
/// `--online`, asking EC2 through `ask_ec2`.
pub fn run_review(
    args: &[String],
    read: impl Fn(&str) -> std::io::Result<String>,
    ask_ec2: AskEc2<'_>,
) -> Outcome {
    let mut plan = None;
    let mut online = false;
    let mut region = None;
    let mut format = "text";
    let mut fail_on = FailOn::Error;
    let mut settings = Settings::default();
    let mut config_dir = ".".to_string();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rules-markdown" => {
                return Outcome {
                    stdout: report::rules_markdown(),
                    stderr: String::new(),
                    status: 0,
                };
            }
            "--format" => match it.next().map(String::as_str) {
                Some(f @ ("text" | "json" | "sarif")) => format = f,
                Some(other) => {
                    return usage_error(&format!(
                        "--format takes text, json or sarif, not {other:?}"
                    ));
                }
                None => return usage_error("--format takes text, json or sarif"),
            },
            "--fail-on" => match it.next().and_then(|v| FailOn::parse(v)) {
                Some(f) => fail_on = f,
                None => return usage_error("--fail-on takes error, warning or never"),
            },
            "--disable" => match it.next() {
                Some(ids) => {
                    for id in ids.split(',') {
                        if !rules::CATALOGUE.iter().any(|r| r.id == id) {
                            return usage_error(&format!(
                                "--disable: {id:?} is not a rule; the rules are {}",
                                rules::CATALOGUE
                                    .iter()
                                    .map(|r| r.id)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        }
                        settings.disable.push(id.to_string());
                    }
                }
                None => return usage_error("--disable takes rule IDs, e.g. LMI-RES-002,DUR-001"),
            },
            "--config" => match it.next() {
                Some(dir) => config_dir = dir.clone(),
                None => return usage_error("--config takes the configuration's directory"),
            },
            "--require-kms" => settings.require_kms = true,
            "--online" => online = true,
            "--region" => match it.next() {
                Some(r) => region = Some(r.clone()),
                None => return usage_error("--region takes a region, e.g. us-east-1"),
            },
            "--requests-per-month" => match traffic_value(arg, it.next()) {
                Ok(n) => settings.traffic.requests_per_month = n,
                Err(outcome) => return outcome,
            },
            "--operations-per-execution" => match traffic_value(arg, it.next()) {
                Ok(n) => settings.traffic.operations_per_execution = n,
                Err(outcome) => return outcome,
            },
            "--kb-per-operation" => match traffic_value(arg, it.next()) {
                Ok(n) => settings.traffic.kb_written_per_operation = n,
                Err(outcome) => return outcome,
            },
            "-h" | "--help" => {
                return Outcome {
                    stdout: format!("{USAGE}\n"),
                    stderr: String::new(),
                    status: 0,
                };
            }
            other if other.starts_with('-') => {
                return usage_error(&format!("unknown option {other}"));
            }
            path => {
                if let Some(first) = &plan {
                    return usage_error(&format!(
                        "one plan file at a time: {first} and {path} were given"
                    ));
                }
                plan = Some(path.to_string());
            }
        }
    }
    let Some(path) = plan else {
        return usage_error("no plan file given");
    };
    if let (Some(region), false) = (&region, online) {
        return usage_error(&format!(
            "--region {region} says where to ask EC2, which only --online does: add --online, \
             or leave out --region"
        ));
    }
    let mut sources = Sources::default();
    let view = match read(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => format!(
                "{path} is not text: is it the binary plan file? Review its JSON form: \
                 terraform show -json {path} > plan.json"
            ),
            _ => format!("cannot read {path}: {e}"),
        })
        .and_then(|text| {
            // The configuration's files locate findings and show which references by
            // count.index or each.key name the referring instance's own.
            let plan_json = serde_json::from_str(&text).unwrap_or_default();
            sources = source_files::load(Path::new(&config_dir), &plan_json);
            inputs::from_plan_json_with_sources(&text, &sources).map_err(|e| format!("{path}: {e}"))
        }) {
        Ok(view) => view,
        Err(message) => return usage_error(&message),
    };
    let view = if online {
        match ask_ec2(&view, region.as_deref()) {
            Ok(facts) => view.with_ec2(&facts),
            Err(e) => return usage_error(&format!("--online: EC2 could not be asked: {e}")),
        }
    } else {
        view
    };
    let findings = review(&view, &settings);
    let locate = |f: &Finding| sources.locate(&f.address, f.attribute.as_deref());
    Outcome {
        stdout: match format {
            "json" => report::json(&findings),
            "sarif" => report::sarif(&findings, crate::VERSION, Some(&path), &locate),
            _ => report::text(&findings, &locate),
        },
        stderr: String::new(),
        status: u8::from(fail_on.fails(&findings)),
    }
}
