//! `terraform-provider-lambda review` on a plan that real Terraform saved against the
//! emulator: each finding a user would see in a pipeline, the JSON format, and the exit
//! status by `--fail-on`.

mod support;

use std::process::Command;

use acceptance_tests::EmulatorOptions;
use support::durable_function::ROLE;
use support::{Acc, Hcl, setup};

/// A capacity provider, a Python durable function on it and a version: `concurrency`
/// per environment and `min` environments are the values under review.
fn config(acc: &Acc, zip: &str, concurrency: u32, min: u32, provider: &str) -> String {
    let name = acc.name("rev");
    let after = format!(
        r#"
resource "lambda_durable_function" "f" {{
  function_name    = "{name}"
  role             = "{ROLE}"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "{zip}"
  source_code_hash = filebase64sha256("{zip}")
  architectures    = ["arm64"]
  memory_size      = 4096
  durable_config {{
    execution_timeout = 3600
  }}
  capacity_provider_config {{
    lambda_managed_instances_capacity_provider_config {{
      capacity_provider_arn                     = lambda_capacity_provider.test.arn
      per_execution_environment_max_concurrency = {concurrency}
    }}
  }}
}}

resource "lambda_function_version" "v" {{
  function_name = lambda_durable_function.f.function_name
  function_scaling_config {{
    min_execution_environments = {min}
    max_execution_environments = 6
  }}
}}
"#
    );
    acc.config_with(
        &format!("{name}-cp"),
        provider,
        "\n  instance_requirements {\n    architectures = [\"arm64\"]\n  }\n",
        &after,
    )
}

/// Saves the plan of the current configuration as JSON; returns its path.
fn saved_plan(acc: &Acc) -> std::path::PathBuf {
    acc.succeed(&["plan", "-out=tf.plan", "-input=false", "-no-color"]);
    let shown = acc.succeed(&["show", "-json", "tf.plan"]);
    if let Ok(plan) = serde_json::from_str(&shown.stdout) {
        support::json_schemas::assert_show_validates("the reviewed plan", &plan);
    }
    let path = acc.dir().join("plan.json");
    if let Err(e) = std::fs::write(&path, shown.stdout) {
        panic!("writing plan.json: {e}");
    }
    path
}

/// Validates `sarif` against the published SARIF 2.1.0 JSON schema, with Python's
/// jsonschema (both installed by `tools/install-sarif-schema`, which `tools/test` runs).
fn assert_valid_sarif(sarif: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema = root.join("target/sarif/sarif-2.1.0.json");
    let venv = std::env::var_os("TF115_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target/tf115-venv"));
    let python = venv.join("bin/python");
    assert!(
        schema.is_file() && python.is_file(),
        "the SARIF schema or its validator is missing: run tools/install-sarif-schema"
    );
    let dir = std::env::temp_dir().join(format!("sarif-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("out.sarif");
    if let Err(e) = std::fs::write(&file, sarif) {
        panic!("writing {}: {e}", file.display());
    }
    let script = "import json,sys,jsonschema\n\
        schema=json.load(open(sys.argv[1]))\n\
        doc=json.load(open(sys.argv[2]))\n\
        errors=sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)\n\
        [print(e.message, list(e.absolute_path)) for e in errors]\n\
        sys.exit(1 if errors else 0)";
    let out = Command::new(&python)
        .args(["-c", script])
        .arg(&schema)
        .arg(&file)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) => assert!(
            o.status.success(),
            "SARIF output does not validate against SARIF 2.1.0:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("running {}: {e}", python.display()),
    }
}

fn review(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-lambda"))
        .arg("review")
        .args(args)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("running the review: {e}"),
    };
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_saved_plan_is_reviewed_offline_with_findings_on_the_right_resources() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = acc.zip("code.zip", "v1");
    let zip = zip.to_string_lossy().into_owned();
    // Python: 16 per vCPU × 2 vCPUs (4 GiB at 2 GiB per vCPU) = 32; 64 is above. One
    // environment at minimum is below the three zones.
    let hcl = config(&acc, &zip, 64, 1, "");
    acc.write(&hcl);
    let plan = saved_plan(&acc);
    let plan = plan.to_string_lossy();

    let (text, status) = review(&[&plan]);
    assert_eq!(
        status, 0,
        "warnings only: the default --fail-on error passes\n{text}"
    );
    assert!(
        text.contains("warning LMI-CONC-001 lambda_durable_function.f"),
        "{text}"
    );
    assert!(
        text.contains("warning LMI-RES-002 lambda_function_version.v"),
        "{text}"
    );
    assert!(text.contains("0 error(s), 2 warning(s)"), "{text}");

    let (_, status) = review(&[&plan, "--fail-on", "warning"]);
    assert_eq!(status, 1, "--fail-on warning fails on warnings");
    let (_, status) = review(&[&plan, "--fail-on", "never", "--require-kms"]);
    assert_eq!(status, 0, "--fail-on never never fails");
    let (_, status) = review(&[&plan, "--require-kms"]);
    assert_eq!(
        status, 1,
        "DUR-002 is an error once a customer-managed key is required"
    );

    let disable = "LMI-RES-002,COST-001";
    let (json, _) = review(&[&plan, "--format", "json", "--disable", disable]);
    let parsed: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => panic!("--format json is not JSON ({e}): {json}"),
    };
    let schema = support::json_schemas::schemas_dir().join("review-findings.schema.json");
    let problems = support::json_schemas::errors(&schema, &parsed);
    assert!(
        problems.is_empty(),
        "not valid per {}: {problems}",
        schema.display()
    );
    let findings = parsed["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "LMI-CONC-001");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(
        findings[0]["attribute"],
        "capacity_provider_config[0].lambda_managed_instances_capacity_provider_config[0].per_execution_environment_max_concurrency"
    );

    let (sarif, _) = review(&[&plan, "--format", "sarif"]);
    assert_valid_sarif(&sarif);
    let parsed: serde_json::Value = serde_json::from_str(&sarif).unwrap_or_default();
    let results = parsed["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let rules: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    // Warnings first, then the cost estimates (SARIF "note"), each carrying its numbers.
    let expected = ["LMI-CONC-001", "LMI-RES-002", "COST-001", "COST-001"];
    assert_eq!(rules, expected, "{sarif}");
    assert_eq!(results[0]["level"], "warning");
    assert_eq!(results[2]["level"], "note");
    assert!(results[2]["properties"]["estimate"]["monthly_usd"].as_f64() > Some(0.0));

    // Given the configuration's directory (here the repository's root), each finding
    // points at its line there, for code scanning to annotate, and the text says it too.
    if let Err(e) = std::fs::create_dir_all(acc.dir().join(".git")) {
        panic!("marking the repository root: {e}");
    }
    let dir = acc.dir().to_string_lossy().into_owned();
    let concurrency = Hcl::new("main.tf", &hcl).at(
        "lambda_durable_function.f",
        "capacity_provider_config[0].lambda_managed_instances_capacity_provider_config[0].per_execution_environment_max_concurrency",
    );
    let minimum = Hcl::new("main.tf", &hcl).at(
        "lambda_function_version.v",
        "function_scaling_config[0].min_execution_environments",
    );
    let (sarif, _) = review(&[&plan, "--format", "sarif", "--config", &dir]);
    assert_valid_sarif(&sarif);
    let parsed: serde_json::Value = serde_json::from_str(&sarif).unwrap_or_default();
    let located: Vec<(String, serde_json::Value, serde_json::Value)> = parsed["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                at["artifactLocation"]["uri"].clone(),
                at["region"]["startLine"].clone(),
            )
        })
        .collect();
    assert_eq!(
        located[..2],
        [
            (
                "LMI-CONC-001".to_string(),
                serde_json::json!("main.tf"),
                serde_json::json!(concurrency.line)
            ),
            (
                "LMI-RES-002".to_string(),
                serde_json::json!("main.tf"),
                serde_json::json!(minimum.line)
            ),
        ],
        "{sarif}"
    );
    // Sentences, a link to the rule's section, and fingerprints that tell the findings
    // apart and stay the same from one run to the next.
    let results = parsed["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let message = results[1]["message"]["text"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("min_execution_environments = 1. Fix: "),
        "{message}"
    );
    let rules = parsed["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        rules.iter().all(
            |r| r["helpUri"].as_str().is_some_and(|u| u.ends_with(&format!(
                "/docs/review-rules.md#{}",
                r["id"].as_str().unwrap_or("?").to_ascii_lowercase()
            )))
        ),
        "{rules:?}"
    );
    let fingerprints = |sarif: &str| -> Vec<serde_json::Value> {
        let parsed: serde_json::Value = serde_json::from_str(sarif).unwrap_or_default();
        parsed["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["partialFingerprints"]["terraformFinding/v1"].clone())
            .collect()
    };
    let first = fingerprints(&sarif);
    let distinct: std::collections::BTreeSet<String> =
        first.iter().map(|f| f.to_string()).collect();
    assert!(
        first.iter().all(serde_json::Value::is_string) && distinct.len() == first.len(),
        "{first:?}"
    );
    let (again, _) = review(&[&plan, "--format", "sarif", "--config", &dir]);
    assert_eq!(fingerprints(&again), first);
    let (text, _) = review(&[&plan, "--config", &dir]);
    let prefix = format!("main.tf:{}:", minimum.line);
    assert!(
        text.lines().any(|l| l.starts_with(&prefix)
            && l.contains(": warning LMI-RES-002 lambda_function_version.v")),
        "{text}"
    );

    // Within guidance: nothing to say.
    acc.write(&config(&acc, &zip, 16, 3, ""));
    let plan = saved_plan(&acc);
    let (text, status) = review(&[&plan.to_string_lossy(), "--fail-on", "warning"]);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("0 error(s), 0 warning(s)"), "{text}");
}

/// Runs the review expecting a usage error (exit 2): its standard error.
fn usage_error_of(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-lambda"))
        .arg("review")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running the review: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn usage_errors_say_what_to_change() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let plan = dir.path().join("plan.json");
    let _ = std::fs::write(&plan, "{\"format_version\": \"1.2\"}");
    let plan = plan.to_string_lossy().into_owned();

    let text = usage_error_of(&["--format", "xml", &plan]);
    assert!(
        text.contains("not \"xml\"") && !text.contains("Some("),
        "{text}"
    );
    let text = usage_error_of(&["--disable", "LMI-RES-002,LMI-FOO-999", &plan]);
    assert!(
        text.contains("\"LMI-FOO-999\" is not a rule") && text.contains("DUR-001"),
        "{text}"
    );
    let text = usage_error_of(&[&plan, &plan]);
    assert!(text.contains("one plan file at a time"), "{text}");
    let binary = dir.path().join("tfplan");
    let _ = std::fs::write(&binary, [0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00]);
    let text = usage_error_of(&[&binary.to_string_lossy()]);
    assert!(text.contains("terraform show -json"), "{text}");
    let text = usage_error_of(&[&plan, "--region", "eu-west-1"]);
    assert!(
        text.contains("--region eu-west-1") && text.contains("add --online"),
        "{text}"
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    let (_, status) = review(&["/nonexistent/plan.json"]);
    assert_eq!(status, 2);
    let dir = std::env::temp_dir().join(format!("review-bad-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("not-a-plan.json");
    let _ = std::fs::write(&file, "{\"format_version\": \"1.0\"}");
    let (_, status) = review(&[&file.to_string_lossy()]);
    assert_eq!(status, 2, "JSON that is not a plan");
    let (_, status) = review(&["--fail-on", "sometimes", &file.to_string_lossy()]);
    assert_eq!(status, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_plan_reviews_each_resource_and_fail_on_makes_findings_errors() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = acc.zip("code.zip", "v1");
    let zip = zip.to_string_lossy().into_owned();
    acc.write(&config(&acc, &zip, 64, 1, ""));
    let diags = acc.plan_diagnostics();
    let found: Vec<(String, String, String)> = diags
        .all()
        .iter()
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (text("severity"), text("summary"), text("address"))
        })
        .filter(|(_, summary, _)| summary.starts_with("LMI-"))
        .collect();
    let has = |rule: &str, address: &str, severity: &str| {
        found
            .iter()
            .any(|(s, summary, a)| s == severity && summary.starts_with(rule) && a == address)
    };
    assert!(
        has("LMI-CONC-001", "lambda_durable_function.f", "warning"),
        "{found:?}"
    );
    assert!(
        has("LMI-RES-002", "lambda_function_version.v", "warning"),
        "{found:?}"
    );

    // The provider block makes them errors for pipelines, and turns rules off.
    let strict = config(
        &acc,
        &zip,
        64,
        1,
        "  review {\n    fail_on = \"warning\"\n    disable = [\"LMI-CONC-001\"]\n  }\n",
    );
    acc.write(&strict);
    let errors = acc.plan_errors();
    assert!(errors.has_summary("LMI-RES-002"), "{}", errors.describe());
    assert!(!errors.has_summary("LMI-CONC-001"), "{}", errors.describe());

    // Applied while the findings were warnings, then made strict: what the plan leaves
    // as it is has shipped, so its findings warn. They used to fail every later plan,
    // and `terraform destroy`, which plans the configuration first.
    acc.write(&config(&acc, &zip, 64, 1, ""));
    acc.apply();
    acc.write(&strict);
    let unchanged = acc.plan_diagnostics();
    assert!(
        unchanged.errors().all().is_empty() && unchanged.has_summary("LMI-RES-002"),
        "{}",
        unchanged.describe()
    );
    acc.destroy();
}

#[test]
fn provider_functions_answer_in_terraform() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    acc.write(&format!(
        r#"
{}
provider "lambda" {{}}

output "arn" {{
  value = provider::lambda::parse_arn("arn:aws:lambda:eu-west-1:123456789012:function:orders:3")
}}

output "environments" {{
  value = provider::lambda::execution_environments_capacity(64, 4096, 2)
}}

output "execution" {{
  value = provider::lambda::parse_arn("arn:aws:lambda:us-east-1:123456789012:function:quickstart-orders:1/durable-execution/ex/abc")
}}

output "object" {{
  value = provider::lambda::parse_arn("arn:aws:s3:::bucket/key/x:y")
}}

output "cost" {{
  value = provider::lambda::estimate_monthly_cost(3, 0.10, 100000000, 10000000, 4, 10)
}}
"#,
        support::capacity_provider::REQUIRED_PROVIDERS
    ));
    acc.apply();
    let outputs = acc.outputs();
    let arn = &outputs["arn"]["value"];
    assert_eq!(arn["region"], "eu-west-1", "{outputs:#}");
    assert_eq!(arn["resource_type"], "function");
    assert_eq!(arn["resource"], "orders");
    assert_eq!(arn["qualifier"], "3");
    assert!(arn["durable_execution_name"].is_null(), "{outputs:#}");
    // A durable execution's ARN: the version is the qualifier, the execution apart.
    let execution = &outputs["execution"]["value"];
    assert_eq!(execution["resource_type"], "function", "{outputs:#}");
    assert_eq!(execution["resource"], "quickstart-orders");
    assert_eq!(execution["qualifier"], "1");
    assert_eq!(execution["durable_execution_name"], "ex");
    assert_eq!(execution["durable_execution_id"], "abc");
    // S3 objects have no resource type: the whole key is the resource.
    let object = &outputs["object"]["value"];
    assert!(object["resource_type"].is_null(), "{outputs:#}");
    assert_eq!(object["resource"], "bucket/key/x:y");
    assert!(object["qualifier"].is_null(), "{outputs:#}");
    // 4 GiB at 2 GiB per vCPU: 2 vCPUs each; 64 vCPUs hold 32.
    assert_eq!(outputs["environments"]["value"], 32);
    let cost = &outputs["cost"]["value"];
    assert_eq!(cost["total_usd"], 354.35, "{cost:#}");
    assert_eq!(cost["assumptions"].as_array().map(Vec::len), Some(5));

    acc.write(&format!(
        "{}\nprovider \"lambda\" {{}}\noutput \"bad\" {{\n  value = provider::lambda::parse_arn(\"orders\")\n}}\n",
        support::capacity_provider::REQUIRED_PROVIDERS
    ));
    let errors = acc.plan_errors();
    assert!(
        errors.describe().contains("is not an ARN"),
        "{}",
        errors.describe()
    );

    // An argument out of range is an error naming it and its range, not a number.
    acc.write(&format!(
        r#"{}
provider "lambda" {{}}

output "ratio" {{
  value = provider::lambda::execution_environments_capacity(64, 4096, 0)
}}

output "instances" {{
  value = provider::lambda::estimate_monthly_cost(2.5, 0.10, 1, 1, 1, 1)
}}
"#,
        support::capacity_provider::REQUIRED_PROVIDERS
    ));
    let errors = acc.plan_errors();
    let described = errors.describe();
    for text in [
        "memory_gib_per_vcpu must be a number from 2 to 8; got 0",
        "instances must be a whole number of 0 or more",
    ] {
        assert!(described.contains(text), "{text:?} in {described}");
    }
}

/// The rule and address of each finding of a `--format json` review.
fn findings_of(json: &str) -> Vec<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    value["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("rule"), text("address"))
        })
        .collect()
}

#[test]
fn the_configuration_s_files_link_references_by_the_instance_s_own_key() {
    // Real plans of Terraform 1.11 (the provider's unit tests read them too).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/review/testdata/keys-plan");
    let plan = format!("{dir}/plan.json");
    let skipped = |json: &str| -> Vec<String> {
        findings_of(json)
            .into_iter()
            .filter(|(rule, _)| rule == "REVIEW-001")
            .map(|(_, address)| address)
            .collect()
    };
    // cp[count.index], each[each.key] and module.cp[each.key] are the instance's own;
    // cp[(count.index + 1) % 2] names no one. JSON output reads the files too.
    let (json, status) = review(&[&plan, "--format", "json", "--config", dir]);
    assert_eq!(
        skipped(&json),
        [
            "lambda_durable_function.swapped[0]",
            "lambda_durable_function.swapped[1]"
        ]
    );
    // So the versions on them are checked: 10 environments of 2 vCPUs in 8.
    let too_small: Vec<(String, String)> = findings_of(&json)
        .into_iter()
        .filter(|(rule, _)| rule == "LMI-SCALE-001")
        .collect();
    assert_eq!(status, 1, "{too_small:?}");
    assert_eq!(
        too_small
            .iter()
            .map(|(_, address)| address.as_str())
            .collect::<Vec<_>>(),
        [
            "lambda_capacity_provider.each[\"x\"]",
            "lambda_capacity_provider.each[\"y\"]",
            "module.cp[\"x\"].lambda_capacity_provider.this",
            "module.cp[\"y\"].lambda_capacity_provider.this",
        ]
    );
    // Without the files, the plan alone does not say.
    let nowhere = std::env::temp_dir();
    let (json, _) = review(&[
        &plan,
        "--format",
        "json",
        "--config",
        &nowhere.to_string_lossy(),
    ]);
    assert_eq!(skipped(&json).len(), 8, "{:?}", findings_of(&json));
}

#[test]
fn versions_of_a_same_named_function_in_another_region_are_not_counted() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/review/testdata/regions-plan"
    );
    for plan in ["plan.json", "applied.json"] {
        let (json, status) = review(&[&format!("{dir}/{plan}"), "--format", "json"]);
        let findings = findings_of(&json);
        assert_eq!(status, 0, "{plan}: {findings:?}");
        assert!(
            !findings.iter().any(|(rule, _)| rule == "LMI-SCALE-001"),
            "{plan}: {findings:?}"
        );
    }
}
