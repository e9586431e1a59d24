//! The JSON Schemas of `schemas/` (see `schemas/README.md`): the committed files are what
//! `terraform-provider-lambda schemas` writes, they are valid draft 2020-12 schemas,
//! every example's plan validates against them (through `schemas/check-plan.py`, the
//! script a policy tool runs), a configuration the provider rejects fails them, and the
//! review's `--format json` output validates against the findings schema.
//!
//! The example plans need the emulator (skipped against real AWS, like `examples.rs`,
//! which also checks each example's state after apply); the rest runs offline.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use acceptance_tests::EmulatorOptions;
use serde_json::{Value, json};
use support::json_schemas::{assert_show_validates, check_plan, errors, python, schemas_dir};
use support::setup;
use terraform_provider_lambda::json_schema;

#[test]
fn the_committed_schemas_are_what_the_command_writes() {
    let dir = schemas_dir();
    let expected = json_schema::files();
    let mut stale = Vec::new();
    for (name, content) in &expected {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(name.clone());
        }
    }
    let generated: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let strays: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".schema.json") && !generated.contains(&n.as_str()))
        .collect();
    assert!(
        stale.is_empty() && strays.is_empty(),
        "schemas/ is stale (out of date: {stale:?}; no longer generated: {strays:?}): run \
         `{}` from the repository root and commit the result",
        json_schema::COMMAND
    );
    for file in [
        "lambda_capacity_provider.schema.json",
        "lambda_durable_function.schema.json",
        "lambda_function_version.schema.json",
        "review-findings.schema.json",
    ] {
        assert!(
            generated.contains(&file),
            "{file} is not generated: {generated:?}"
        );
    }
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema() {
    for (name, _) in json_schema::files() {
        let path = schemas_dir().join(&name);
        let script = "import json,sys,jsonschema\n\
            jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))";
        let out = Command::new(python())
            .args(["-c", script])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("running python: {e}"));
        assert!(
            out.status.success(),
            "{name} is not a valid JSON Schema:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A `terraform show -json` plan with one capacity provider and one version, shaped
/// like Terraform's (every attribute present, unset ones null, blocks as lists).
fn plan_with(cp: Value, version: Value, version_unknown: Value) -> Value {
    json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "lambda_capacity_provider.cp", "mode": "managed",
             "type": "lambda_capacity_provider", "name": "cp", "values": cp},
            {"address": "lambda_function_version.v", "mode": "managed",
             "type": "lambda_function_version", "name": "v", "values": version},
        ]}},
        "resource_changes": [
            {"address": "lambda_capacity_provider.cp", "change": {"actions": ["create"],
             "after_unknown": {"arn": true}}},
            {"address": "lambda_function_version.v", "change": {"actions": ["create"],
             "after_unknown": version_unknown}},
        ],
    })
}

fn capacity_provider(name: &str, subnets: &[&str], scaling_mode: &str) -> Value {
    json!({
        "name": name,
        "region": null,
        "tags": null,
        "instance_requirements": [],
        "kms_key_arn": null,
        "capacity_provider_scaling_config": [
            {"scaling_mode": scaling_mode, "max_vcpu_count": 64, "scaling_policies": []}
        ],
        "permissions_config": [
            {"capacity_provider_operator_role_arn": "arn:aws:iam::123456789012:role/op"}
        ],
        "vpc_config": [{"subnet_ids": subnets, "security_group_ids": ["sg-1"]}],
    })
}

#[test]
fn a_plan_validates_and_values_the_provider_rejects_do_not() {
    // The version's function_name comes from another resource's computed attribute:
    // unknown, so left out of planned_values, which the check accepts.
    let good = plan_with(
        capacity_provider("cp-ok", &["subnet-a", "subnet-b", "subnet-c"], "Auto"),
        json!({"function_scaling_config": []}),
        json!({"function_name": true}),
    );
    let (ok, out) = check_plan(&good);
    assert!(ok, "{out}");
    assert!(out.contains("2 resource(s) checked"), "{out}");

    // An enum outside the model's, a name over its pattern and a missing required
    // attribute that is not unknown.
    let bad = plan_with(
        capacity_provider("not a name!", &["subnet-a"], "Sometimes"),
        json!({"function_scaling_config": []}),
        json!({}),
    );
    let (ok, out) = check_plan(&bad);
    assert!(!ok, "{out}");
    for expected in [
        "lambda_capacity_provider.cp: capacity_provider_scaling_config.0.scaling_mode: 'Sometimes' is not one of",
        "lambda_capacity_provider.cp: name: 'not a name!' does not match",
        "lambda_function_version.v: (root): 'function_name' is a required property",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

/// Runs `review PLAN --format json` on a plan; returns the parsed output.
fn review_json(plan: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let file = dir.path().join("plan.json");
    std::fs::write(&file, plan.to_string()).unwrap_or_else(|e| panic!("writing plan: {e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-lambda"))
        .args(["review", "--format", "json", "--fail-on", "never"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("running the review: {e}"));
    assert!(
        out.status.success(),
        "review failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "review --format json printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn findings_schema() -> PathBuf {
    schemas_dir().join(json_schema::FINDINGS_FILE)
}

#[test]
fn the_review_json_output_validates_against_the_findings_schema() {
    let plan = plan_with(
        capacity_provider("cp-one-subnet", &["subnet-a"], "Auto"),
        json!({"function_name": "f", "function_scaling_config": [
            {"min_execution_environments": 1, "max_execution_environments": 6}
        ]}),
        json!({}),
    );
    let findings = review_json(&plan);
    let rules: Vec<&str> = findings["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        rules.contains(&"LMI-RES-001") && rules.contains(&"LMI-RES-002"),
        "{findings:#}"
    );
    let problems = errors(&findings_schema(), &findings);
    assert!(problems.is_empty(), "{problems}\n{findings:#}");

    // And the schema is not vacuous: a severity outside the enum fails it.
    let mut wrong = findings.clone();
    wrong["findings"][0]["severity"] = json!("fatal");
    assert!(!errors(&findings_schema(), &wrong).is_empty());
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Copies `from` into `to`, recursively, except `run.sh` (as `examples.rs` does).
fn copy_example(from: &Path, to: &Path) {
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries.filter_map(Result::ok) {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst).unwrap_or_else(|e| panic!("{}: {e}", dst.display()));
            copy_example(&src, &dst);
        } else if entry.file_name() != "run.sh" {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        }
    }
}

#[test]
fn every_example_plan_validates_and_so_does_its_review() {
    let dir = examples_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut examples: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("main.tf").is_file())
        .collect();
    examples.sort();
    assert!(examples.len() >= 5, "{examples:?}");
    for example in examples {
        let Some(acc) = setup(EmulatorOptions::default(), true) else {
            return;
        };
        let name = example
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        eprintln!("example {name}");
        copy_example(&example, acc.dir());
        let plan = acc.plan();
        assert_show_validates(&format!("examples/{name} plan"), plan.json());
        let findings = review_json(plan.json());
        let problems = errors(&findings_schema(), &findings);
        assert!(
            problems.is_empty(),
            "examples/{name} review: {problems}\n{findings:#}"
        );
        if name == "quickstart" {
            // The main job shows the practice the review asks for.
            let flagged: Vec<&serde_json::Value> = findings["findings"]
                .as_array()
                .map(|f| f.iter().filter(|f| f["severity"] != "info").collect())
                .unwrap_or_default();
            assert!(
                flagged.is_empty(),
                "examples/quickstart review: {flagged:#?}"
            );
        }
    }
}
