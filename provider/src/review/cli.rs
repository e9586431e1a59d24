//! `terraform-provider-lambda review PLAN.json [--format text|json|sarif] [--fail-on
//! error|warning|never] [--disable ID,…] [--require-kms]`, and `review
//! --rules-markdown`. Offline: it reads the plan file only.

use super::{FailOn, Settings, inputs, report, review};

/// Usage text.
pub const USAGE: &str = "usage: terraform-provider-lambda review PLAN.json [--format text|json|sarif] \
[--fail-on error|warning|never] [--disable ID,ID] [--require-kms]\n       \
terraform-provider-lambda review --rules-markdown\n\n\
Reviews a saved plan (terraform show -json PLANFILE > PLAN.json) against the rules of\n\
docs/review-rules.md. Exit status 1 when a finding reaches --fail-on (default error),\n\
2 for a usage or input error.";

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

/// Runs the command with `args` (after `review`), reading the plan with `read`.
pub fn run_review(args: &[String], read: impl Fn(&str) -> std::io::Result<String>) -> Outcome {
    let mut plan = None;
    let mut format = "text";
    let mut fail_on = FailOn::Error;
    let mut settings = Settings::default();
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
                other => {
                    return usage_error(&format!(
                        "--format takes text, json or sarif, not {other:?}"
                    ));
                }
            },
            "--fail-on" => match it.next().and_then(|v| FailOn::parse(v)) {
                Some(f) => fail_on = f,
                None => return usage_error("--fail-on takes error, warning or never"),
            },
            "--disable" => match it.next() {
                Some(ids) => settings.disable.extend(ids.split(',').map(str::to_string)),
                None => return usage_error("--disable takes rule IDs, e.g. LMI-RES-002,DUR-001"),
            },
            "--require-kms" => settings.require_kms = true,
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
            path => plan = Some(path.to_string()),
        }
    }
    let Some(path) = plan else {
        return usage_error("no plan file given");
    };
    let view = match read(&path)
        .map_err(|e| format!("cannot read {path}: {e}"))
        .and_then(|text| inputs::from_plan_json(&text).map_err(|e| format!("{path}: {e}")))
    {
        Ok(view) => view,
        Err(message) => return usage_error(&message),
    };
    let findings = review(&view, &settings);
    Outcome {
        stdout: match format {
            "json" => report::json(&findings),
            "sarif" => report::sarif(&findings, crate::VERSION, Some(&path)),
            _ => report::text(&findings),
        },
        stderr: String::new(),
        status: u8::from(fail_on.fails(&findings)),
    }
}
