//! Acceptance tests of `lambda_durable_function`: the real `terraform` binary drives the
//! provider binary against the local AWS emulator of the `acceptance-tests` crate.
//!
//! Each test asserts what a user notices: what AWS (the emulator's state dump) holds,
//! what `terraform plan` says, and where a diagnostic points in the configuration. The
//! configurations use the emulator's account (execution role, capacity provider ARNs),
//! so every test here needs the emulator and is skipped against real AWS. Destroy
//! policies and faults are tested in `acc_durable_function_destroy.rs`.

mod support;

use std::time::{Duration, Instant};

use acceptance_tests::EmulatorOptions;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::capacity_provider::{ARM_REQUIREMENTS, REQUIRED_PROVIDERS};
use support::compare::differences;
use support::durable_function::{ADDRESS, ROLE};
use support::{Acc, Diagnostics, Expect, Hcl, change_of, setup};

/// The unqualified ARN of function `name` in the emulator's account and region.
fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

/// A KMS key ARN of the emulator's account (keys are not checked).
const KMS_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/0f4c1a6e-3d2b-4c5e-9a8f-1b2c3d4e5f60";

/// AWS's `CodeSha256` of a zip package: the base64 SHA-256 of its bytes, computed here
/// independently of the provider.
fn sha256_b64(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

/// The path of a zip package as the configuration names it.
fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The emulator's record of function `name`, which must exist.
fn emulated_function(acc: &Acc, name: &str) -> Value {
    acc.emulated("functions", name)
        .unwrap_or_else(|| panic!("function {name} is not in the emulator"))
}

/// The configuration of `$LATEST` of function `name` as the emulator holds it (the
/// API's member names: `MemorySize`, `Environment`, `DurableConfig`…).
fn latest_config(acc: &Acc, name: &str) -> Value {
    emulated_function(acc, name)["latest"]["config"].clone()
}

/// `terraform plan -no-color`, which must succeed: the text a user reads.
fn plan_text(acc: &Acc) -> String {
    acc.succeed(&["plan", "-no-color", "-input=false"]).stdout
}

/// Asserts that a plan's text has a line containing every one of `words`.
fn assert_line(text: &str, words: &[&str]) {
    assert!(
        text.lines().any(|l| words.iter().all(|w| l.contains(w))),
        "no line of the plan has {words:?}:\n{text}"
    );
}

/// A capacity provider `lambda_capacity_provider.LABEL` called `name` of arm64
/// instances in the test's network, as a top-level block.
fn capacity_provider_block(acc: &Acc, label: &str, name: &str) -> String {
    format!(
        "\nresource \"lambda_capacity_provider\" \"{label}\" {{\n  name = \"{name}\"\n{}{ARM_REQUIREMENTS}}}\n",
        acc.network_blocks()
    )
}

/// A configuration of only `blocks` (top-level HCL), with the provider.
fn bare_config(blocks: &str) -> String {
    format!("\n{REQUIRED_PROVIDERS}\nprovider \"lambda\" {{}}\n{blocks}")
}

/// The function body that puts it on `lambda_capacity_provider.LABEL` with arm64,
/// `memory` MB, a 3000 s timeout and `concurrency` invocations per environment.
fn managed_body(label: &str, memory: u32, concurrency: u32) -> String {
    format!(
        r#"
  architectures = ["arm64"]
  memory_size   = {memory}
  timeout       = 3000

  capacity_provider_config {{
    lambda_managed_instances_capacity_provider_config {{
      capacity_provider_arn                     = lambda_capacity_provider.{label}.arn
      per_execution_environment_max_concurrency = {concurrency}
    }}
  }}
"#
    )
}

/// Waits (up to 30 s) until the emulator no longer has function `name`.
fn wait_gone(acc: &Acc, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while acc.emulated("functions", name).is_some() {
        assert!(Instant::now() < deadline, "{name} was never deleted");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn basic_create_with_environment_tags_and_logging() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("basic");
    let zip = acc.zip("code.zip", "v1");
    let body = r#"
  description = "orders workflow"
  tags        = { env = "test", team = "payments" }

  environment {
    variables = { STAGE = "test", TABLE = "orders" }
  }

  logging_config {
    log_format            = "JSON"
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  durable_config {
    execution_timeout = 86400
    retention_period  = 30
  }
"#;
    acc.write(&acc.function_config(&name, &path_text(&zip), body, ""));
    acc.apply();

    // What AWS received.
    let f = emulated_function(&acc, &name);
    let c = &f["latest"]["config"];
    assert_eq!(
        c["DurableConfig"],
        serde_json::json!({"ExecutionTimeout": 86400, "RetentionPeriodInDays": 30}),
        "{c:#}"
    );
    assert_eq!(
        c["Environment"]["Variables"],
        serde_json::json!({"STAGE": "test", "TABLE": "orders"}),
        "{c:#}"
    );
    assert_eq!(c["LoggingConfig"]["LogFormat"], "JSON", "{c:#}");
    assert_eq!(c["LoggingConfig"]["ApplicationLogLevel"], "INFO", "{c:#}");
    assert_eq!(c["LoggingConfig"]["SystemLogLevel"], "WARN", "{c:#}");
    assert_eq!(c["Description"], "orders workflow");
    assert_eq!(
        f["tags"],
        serde_json::json!({"env": "test", "team": "payments"})
    );
    assert_eq!(f["latest"]["code_sha256"], sha256_b64(&zip).as_str());

    // What the state says.
    let r = acc.resource(ADDRESS);
    let arn = function_arn(&name);
    assert_eq!(r["arn"], arn.as_str());
    assert_eq!(
        r["invoke_arn"],
        format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations")
            .as_str()
    );
    assert_eq!(r["qualified_arn"], format!("{arn}:$LATEST").as_str());
    assert_eq!(
        r["qualified_invoke_arn"],
        format!(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}:$LATEST/invocations"
        )
        .as_str()
    );
    assert_eq!(r["version"], "$LATEST");
    assert_eq!(r["code_sha256"], sha256_b64(&zip).as_str());
    assert_eq!(r["source_code_hash"], sha256_b64(&zip).as_str());
    let size = std::fs::metadata(&zip).map(|m| m.len()).unwrap_or_default();
    assert_eq!(r["source_code_size"], size);
    assert_eq!(r["state"], "Active");
    assert_eq!(r["revision_id"], f["latest"]["revision_id"]);
    assert!(r["last_modified"].is_string(), "{r:#}");
    assert_eq!(r["architectures"], serde_json::json!(["x86_64"]));
    assert_eq!(r["memory_size"], 128, "AWS's default is recorded");
    assert_eq!(r["timeout"], 3, "AWS's default is recorded");
    assert_eq!(r["durable_config"][0]["retention_period"], 30);
    assert_eq!(r["durable_config"][0]["execution_timeout"], 86400);
    assert_eq!(r["tags_all"], f["tags"]);
    assert!(r["running_executions_on_destroy"].is_string(), "{r:#}");
    // Where the code came from is write-only: never stored.
    assert!(r["filename"].is_null(), "{r:#}");

    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "a second plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
    acc.destroy();
    assert!(acc.emulated("functions", &name).is_none());
}

/// `environment { variables = var.env }` where a module's `env` defaults to `{}`: AWS
/// returns no empty environment, and that must not fail the apply or leave a diff.
#[test]
fn an_environment_without_variables_is_applied_and_planned_clean() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("env-empty");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let with_variables = |vars: &str| format!("\n  environment {{\n    variables = {vars}\n  }}\n");
    let variables_of = |acc: &Acc| latest_config(acc, &name)["Environment"]["Variables"].clone();
    let assert_clean = |acc: &Acc, step: &str| {
        let plan = acc.plan();
        assert!(
            plan.is_empty(),
            "{step}: {:#}",
            plan.json()["resource_changes"]
        );
    };

    acc.write(&acc.function_config(&name, &zip, &with_variables("{}"), ""));
    acc.apply();
    assert_clean(&acc, "created with an empty map");

    acc.write(&acc.function_config(&name, &zip, &with_variables("{ STAGE = \"one\" }"), ""));
    acc.apply();
    assert_eq!(variables_of(&acc), serde_json::json!({"STAGE": "one"}));

    acc.write(&acc.function_config(&name, &zip, &with_variables("{}"), ""));
    acc.apply();
    let left = variables_of(&acc);
    assert!(
        left.is_null() || left == serde_json::json!({}),
        "the variables were not cleared: {left:#}"
    );
    assert_clean(&acc, "variables emptied");

    acc.write(&acc.function_config(&name, &zip, "\n  environment {}\n", ""));
    acc.apply();
    assert_clean(&acc, "an empty block");
    acc.destroy();
}

#[test]
fn managed_instances_variant() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("managed");
    let cp_name = acc.name("managed-cp");
    let zip = acc.zip("code.zip", "v1");
    let hcl = acc.function_config(
        &name,
        &path_text(&zip),
        &managed_body("test", 4096, 8),
        &capacity_provider_block(&acc, "test", &cp_name),
    );
    acc.write(&hcl);
    acc.apply();

    let cp_arn = acc.resource("lambda_capacity_provider.test")["arn"].clone();
    let r = acc.resource(ADDRESS);
    // $LATEST on a capacity provider is not invocable until a version is published.
    assert_eq!(r["state"], "ActiveNonInvocable");
    assert_eq!(r["architectures"], serde_json::json!(["arm64"]));
    assert_eq!(r["memory_size"], 4096);
    assert_eq!(r["timeout"], 3000);
    let managed =
        &r["capacity_provider_config"][0]["lambda_managed_instances_capacity_provider_config"][0];
    assert_eq!(managed["capacity_provider_arn"], cp_arn);
    assert_eq!(managed["per_execution_environment_max_concurrency"], 8);

    let c = latest_config(&acc, &name);
    assert_eq!(
        c["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]["CapacityProviderArn"],
        cp_arn,
        "{c:#}"
    );
    assert_eq!(
        c["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]["PerExecutionEnvironmentMaxConcurrency"],
        8,
        "{c:#}"
    );
    assert_eq!(c["Architectures"], serde_json::json!(["arm64"]));
    assert_eq!(c["MemorySize"], 4096);
    assert_eq!(c["Timeout"], 3000);
    assert!(c["DurableConfig"].is_object(), "{c:#}");
    assert_eq!(
        emulated_function(&acc, &name)["latest"]["state"],
        "ActiveNonInvocable"
    );

    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "a second plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
    acc.destroy();
    assert!(acc.emulated("functions", &name).is_none());
    assert!(acc.emulated_capacity_provider(&cp_name).is_none());
}

#[test]
fn configuration_changes_update_in_place() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("update");
    let cp_name = acc.name("update-cp");
    let zip = acc.zip("code.zip", "v1");
    let cp = capacity_provider_block(&acc, "test", &cp_name);
    let before = format!(
        "{}\n  environment {{\n    variables = {{ STAGE = \"one\" }}\n  }}\n",
        managed_body("test", 4096, 8)
    );
    acc.write(&acc.function_config(&name, &path_text(&zip), &before, &cp));
    acc.apply();
    let r = acc.resource(ADDRESS);
    let (arn, revision) = (r["arn"].clone(), r["revision_id"].clone());

    let after = format!(
        r#"{}
  environment {{
    variables = {{ STAGE = "two", EXTRA = "yes" }}
  }}

  durable_config {{
    execution_timeout = 7200
    retention_period  = 30
    kms_key_arn       = "{KMS_KEY}"
  }}
"#,
        managed_body("test", 8192, 16)
    );
    acc.write(&acc.function_config(&name, &path_text(&zip), &after, &cp));
    let text = plan_text(&acc);
    assert!(
        text.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{text}"
    );
    assert_line(&text, &["memory_size", "4096", "->", "8192"]);
    assert_line(&text, &["retention_period", "14", "->", "30"]);
    assert_line(&text, &["execution_timeout", "3600", "->", "7200"]);
    assert_line(
        &text,
        &["per_execution_environment_max_concurrency", "8", "->", "16"],
    );
    assert_line(&text, &["kms_key_arn", KMS_KEY]);
    assert!(!text.contains("forces replacement"), "{text}");
    acc.apply();

    let c = latest_config(&acc, &name);
    assert_eq!(c["MemorySize"], 8192, "{c:#}");
    assert_eq!(
        c["Environment"]["Variables"],
        serde_json::json!({"STAGE": "two", "EXTRA": "yes"}),
        "{c:#}"
    );
    assert_eq!(
        c["DurableConfig"],
        serde_json::json!({
            "ExecutionTimeout": 7200,
            "RetentionPeriodInDays": 30,
            "KMSKeyArn": KMS_KEY
        }),
        "{c:#}"
    );
    assert_eq!(
        c["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]["PerExecutionEnvironmentMaxConcurrency"],
        16,
        "{c:#}"
    );
    let r = acc.resource(ADDRESS);
    assert_eq!(r["arn"], arn, "an in-place update keeps the function");
    assert_ne!(
        r["revision_id"], revision,
        "the state follows AWS's revision"
    );
    assert_eq!(r["memory_size"], 8192);
    assert_eq!(r["durable_config"][0]["kms_key_arn"], KMS_KEY);
    // Only the configuration changed: no code was uploaded.
    assert_eq!(acc.emu().call_count("UpdateFunctionCode"), 0);

    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    acc.destroy();
}

#[test]
fn code_changes_update_in_place() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("code");
    let v1 = acc.zip("v1.zip", "v1");
    acc.write(&acc.function_config(&name, &path_text(&v1), "", ""));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"].clone();
    assert_eq!(
        emulated_function(&acc, &name)["latest"]["code_sha256"],
        sha256_b64(&v1).as_str()
    );

    // A new package, named by source_code_hash.
    let v2 = acc.zip("v2.zip", "v2");
    acc.write(&acc.function_config(&name, &path_text(&v2), "", ""));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    let change = change_of(&plan, ADDRESS);
    assert_eq!(
        change["change"]["after_unknown"]["code_sha256"], true,
        "code_sha256 is known after apply: {change:#}"
    );
    acc.apply();
    let sha2 = sha256_b64(&v2);
    assert_eq!(
        emulated_function(&acc, &name)["latest"]["code_sha256"],
        sha2.as_str()
    );
    let r = acc.resource(ADDRESS);
    assert_eq!(r["arn"], arn, "new code does not replace the function");
    assert_eq!(r["code_sha256"], sha2.as_str());
    assert_eq!(r["source_code_hash"], sha2.as_str());
    assert!(acc.plan().is_empty());

    // Without source_code_hash: the same package plans nothing…
    let without_hash = |zip: &std::path::Path| {
        let text = path_text(zip);
        acc.function_config(&name, &text, "", "").replace(
            &format!("  source_code_hash = filebase64sha256(\"{text}\")\n"),
            "",
        )
    };
    let hcl = without_hash(&v2);
    assert!(!hcl.contains("source_code_hash"), "{hcl}");
    acc.write(&hcl);
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "dropping source_code_hash with the same code must plan nothing: {:#}",
        plan.json()["resource_changes"]
    );

    // …and new content under the same file name is noticed at plan.
    let v3 = acc.zip("v2.zip", "v3");
    let sha3 = sha256_b64(&v3);
    assert_ne!(sha3, sha2);
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    let change = change_of(&plan, ADDRESS);
    assert_eq!(
        change["change"]["after_unknown"]["code_sha256"], true,
        "{change:#}"
    );
    acc.apply();
    assert_eq!(
        emulated_function(&acc, &name)["latest"]["code_sha256"],
        sha3.as_str()
    );
    let r = acc.resource(ADDRESS);
    assert_eq!(r["code_sha256"], sha3.as_str());
    assert_eq!(r["source_code_hash"], sha3.as_str());
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn publish_makes_versions_on_create_and_configuration_changes() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("publish");
    let zip = acc.zip("code.zip", "v1");
    let arn = function_arn(&name);
    let config = |body: &str| acc.function_config(&name, &path_text(&zip), body, "");

    acc.write(&config("  publish = true\n  tags = { env = \"one\" }\n"));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["version"], "1");
    assert_eq!(r["qualified_arn"], format!("{arn}:1").as_str());
    assert!(
        r["qualified_invoke_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!("{arn}:1/invocations"))),
        "{r:#}"
    );
    let versions = |acc: &Acc| -> Vec<String> {
        emulated_function(acc, &name)["versions"]
            .as_object()
            .map(|v| v.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(versions(&acc), vec!["1"]);
    assert!(acc.plan().is_empty());

    // A configuration change publishes version 2.
    acc.write(&config(
        "  publish = true\n  memory_size = 256\n  tags = { env = \"one\" }\n",
    ));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["version"], "2");
    assert_eq!(r["qualified_arn"], format!("{arn}:2").as_str());
    assert_eq!(versions(&acc), vec!["1", "2"]);
    assert_eq!(
        emulated_function(&acc, &name)["versions"]["2"]["config"]["MemorySize"],
        256
    );
    assert!(acc.plan().is_empty());

    // A change of tags only publishes nothing, and the state still names version 2.
    acc.write(&config(
        "  publish = true\n  memory_size = 256\n  tags = { env = \"two\" }\n",
    ));
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    for unchanged in [
        "version",
        "qualified_arn",
        "code_sha256",
        "timeout",
        "architectures",
    ] {
        assert_eq!(
            change["change"]["after"][unchanged], change["change"]["before"][unchanged],
            "a change of tags only must not plan a new {unchanged}: {change:#}"
        );
    }
    acc.emu().reset_calls();
    acc.apply();
    for op in [
        "PublishVersion",
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
    ] {
        assert_eq!(
            acc.emu().call_count(op),
            0,
            "{op} for a change of tags only"
        );
    }
    assert_eq!(versions(&acc), vec!["1", "2"]);
    assert_eq!(emulated_function(&acc, &name)["tags"]["env"], "two");
    let r = acc.resource(ADDRESS);
    assert_eq!(r["version"], "2", "{r:#}");
    assert_eq!(r["qualified_arn"], format!("{arn}:2").as_str());
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// `capacity_provider_config` from a `dynamic` block over a list known only at apply:
/// the plan replaces the function. It used to plan an update in place, which the apply
/// turned into a replacement ("Provider produced inconsistent final plan").
#[test]
fn a_capacity_provider_block_known_only_at_apply_plans_a_replacement() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("dynamic-cp");
    let zip = acc.zip("code.zip", "v1");
    let body = r#"
  architectures = ["arm64"]
  memory_size   = 4096

  dynamic "capacity_provider_config" {
    for_each = terraform_data.on_cp.output
    content {
      lambda_managed_instances_capacity_provider_config {
        capacity_provider_arn = lambda_capacity_provider.a.arn
      }
    }
  }
"#;
    let config = |on_cp: &str| {
        let after = format!(
            "{}\nresource \"terraform_data\" \"on_cp\" {{\n  input = {on_cp}\n}}\n",
            capacity_provider_block(&acc, "a", &acc.name("dcp"))
        );
        acc.function_config(&name, &path_text(&zip), body, &after)
    };
    acc.write(&config("[1]"));
    acc.apply();
    let on_cp = |acc: &Acc| {
        acc.resource(ADDRESS)["capacity_provider_config"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(on_cp(&acc), 1);
    // Off the capacity provider: the list is unknown at plan, so is the block.
    acc.write(&config("[]"));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()]
    );
    acc.apply();
    assert_eq!(on_cp(&acc), 0);
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn capacity_provider_added_or_changed_replaces() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("replace");
    let zip = acc.zip("code.zip", "v1");
    let cps = format!(
        "{}{}",
        capacity_provider_block(&acc, "a", &acc.name("cp-a")),
        capacity_provider_block(&acc, "b", &acc.name("cp-b"))
    );
    let on_lambda = "  architectures = [\"arm64\"]\n  memory_size   = 4096\n";
    acc.write(&acc.function_config(&name, &path_text(&zip), on_lambda, &cps));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");

    // Adding capacity_provider_config replaces the function.
    acc.write(&acc.function_config(&name, &path_text(&zip), &managed_body("a", 4096, 8), &cps));
    let text = plan_text(&acc);
    assert!(
        text.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{text}"
    );
    assert_line(&text, &["capacity_provider_config", "# forces replacement"]);
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()]
    );
    let paths = plan.replace_paths(ADDRESS);
    assert!(
        paths.iter().any(|p| p[0] == "capacity_provider_config"),
        "{paths:?}"
    );
    acc.apply();
    let cp_a = acc.resource("lambda_capacity_provider.a")["arn"].clone();
    let c = latest_config(&acc, &name);
    assert_eq!(
        c["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]["CapacityProviderArn"],
        cp_a
    );
    assert_eq!(acc.resource(ADDRESS)["state"], "ActiveNonInvocable");

    // Another capacity provider replaces it too, naming the ARN.
    acc.write(&acc.function_config(&name, &path_text(&zip), &managed_body("b", 4096, 8), &cps));
    let text = plan_text(&acc);
    assert!(
        text.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{text}"
    );
    assert_line(&text, &["capacity_provider_arn", "# forces replacement"]);
    let plan = acc.plan();
    let paths = plan.replace_paths(ADDRESS);
    assert!(
        paths.iter().any(|p| p
            == &serde_json::json!([
                "capacity_provider_config",
                0,
                "lambda_managed_instances_capacity_provider_config",
                0,
                "capacity_provider_arn"
            ])),
        "{paths:?}"
    );
    acc.apply();
    let cp_b = acc.resource("lambda_capacity_provider.b")["arn"].clone();
    let c = latest_config(&acc, &name);
    assert_eq!(
        c["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]["CapacityProviderArn"],
        cp_b
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// A function `lambda_durable_function.LABEL` called `name` with exactly `body` (no
/// defaults added), as a top-level block.
fn function_block(label: &str, name: &str, body: &str) -> String {
    format!(
        "\nresource \"lambda_durable_function\" \"{label}\" {{\n  function_name = \"{name}\"\n  role          = \"{ROLE}\"\n{body}}}\n"
    )
}

/// The usual zip-package lines (runtime, handler, file) and a durable_config.
const ZIP: &str =
    "  runtime  = \"python3.13\"\n  handler  = \"index.handler\"\n  filename = \"code.zip\"\n";
const DURABLE: &str = "  durable_config {\n    execution_timeout = 3600\n  }\n";
const IMAGE: &str = "  image_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1\"\n";

/// Asserts one error says `summary` (and `words`), is about `address` and points at
/// `path` of it in `hcl`.
fn assert_error_at(
    errors: &Diagnostics,
    hcl: &str,
    address: &str,
    path: &str,
    summary: &str,
    words: &[&str],
) {
    let at = Hcl::new("main.tf", hcl).at(address, path);
    Expect::error()
        .summary(summary)
        .says(words)
        .address(address)
        .at(at)
        .find_in(errors, &format!("terraform plan, {address} {path}"));
}

#[test]
fn rules_on_the_configuration_point_at_their_attribute() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    acc.zip("code.zip", "v1");
    let cp_arn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:any";
    let on_cp = format!(
        "  capacity_provider_config {{\n    lambda_managed_instances_capacity_provider_config {{\n      capacity_provider_arn = \"{cp_arn}\"\n    }}\n  }}\n"
    );
    let vpc = format!(
        "  vpc_config {{\n    subnet_ids         = {}\n    security_group_ids = [\"{}\"]\n  }}\n",
        acc.subnet_list(),
        acc.net.security_group_id
    );
    let cases: Vec<(&str, String)> = vec![
        ("timeout", format!("{ZIP}  timeout = 1200\n{DURABLE}")),
        ("memory", format!("{ZIP}  memory_size = 12288\n{DURABLE}")),
        (
            "tmp",
            format!("{ZIP}  ephemeral_storage {{\n    size = 20480\n  }}\n{DURABLE}"),
        ),
        (
            "memory_on_cp",
            format!("{ZIP}  architectures = [\"arm64\"]\n  memory_size = 1024\n{DURABLE}{on_cp}"),
        ),
        (
            "vpc_on_cp",
            format!(
                "{ZIP}  architectures = [\"arm64\"]\n  memory_size = 4096\n{DURABLE}{vpc}{on_cp}"
            ),
        ),
        (
            "no_code",
            format!("  runtime = \"python3.13\"\n  handler = \"index.handler\"\n{DURABLE}"),
        ),
        (
            "two_codes",
            format!("{ZIP}  s3_bucket = \"code\"\n  s3_key    = \"orders.zip\"\n{DURABLE}"),
        ),
        (
            "image_on_zip",
            format!("  runtime = \"python3.13\"\n  handler = \"index.handler\"\n{IMAGE}{DURABLE}"),
        ),
        (
            "runtime_on_image",
            format!(
                "  package_type = \"Image\"\n  runtime      = \"python3.13\"\n{IMAGE}{DURABLE}"
            ),
        ),
        (
            "image_config_on_zip",
            format!("{ZIP}  image_config {{\n    working_directory = \"/app\"\n  }}\n{DURABLE}"),
        ),
        (
            "retention",
            format!(
                "{ZIP}  durable_config {{\n    execution_timeout = 3600\n    retention_period  = 91\n  }}\n"
            ),
        ),
        (
            "big_env",
            format!(
                "{ZIP}  environment {{\n    variables = {{\n      BIG = \"{}\"\n    }}\n  }}\n{DURABLE}",
                "s3cret".repeat(700)
            ),
        ),
    ];
    let hcl = bare_config(
        &cases
            .iter()
            .map(|(label, body)| function_block(label, &acc.name(label), body))
            .collect::<String>(),
    );
    acc.write(&hcl);
    let errors = acc.plan_errors();
    let at = |label: &str, path: &str, summary: &str, words: &[&str]| {
        assert_error_at(
            &errors,
            &hcl,
            &format!("lambda_durable_function.{label}"),
            path,
            summary,
            words,
        );
    };
    at(
        "timeout",
        "timeout",
        "timeout too long for Lambda",
        &["1200", "900", "capacity_provider_config"],
    );
    at(
        "memory",
        "memory_size",
        "memory_size too large for Lambda",
        &["12288", "10240"],
    );
    at(
        "tmp",
        "ephemeral_storage[0].size",
        "ephemeral_storage too large",
        &["20480", "512 to 10240", "accelerators"],
    );
    at(
        "memory_on_cp",
        "memory_size",
        "memory_size too small for managed instances",
        &["1024", "2048"],
    );
    // Terraform cannot point at a block: the error is at its first attribute.
    at(
        "vpc_on_cp",
        "vpc_config[0].subnet_ids",
        "vpc_config conflicts with capacity_provider_config",
        &["capacity provider's VPC", "Remove vpc_config"],
    );
    // No attribute to point at: the error is about the resource block.
    Expect::error()
        .summary("Missing required attribute")
        .says(&["Exactly one of", "filename", "s3_bucket", "image_uri"])
        .address("lambda_durable_function.no_code")
        .code("resource \"lambda_durable_function\" \"no_code\" {")
        .find_in(&errors, "terraform plan, no code");
    at(
        "two_codes",
        "s3_bucket",
        "Conflicting attributes",
        &["Exactly one of", "`filename` and `s3_bucket` are both set"],
    );
    at(
        "image_on_zip",
        "image_uri",
        "image_uri needs package_type = \"Image\"",
        &["Zip"],
    );
    at(
        "runtime_on_image",
        "runtime",
        "runtime is not for container images",
        &["image_uri"],
    );
    // The block, at what it sets (it used to name the resource's first line).
    at(
        "image_config_on_zip",
        "image_config[0].working_directory",
        "image_config needs package_type = \"Image\"",
        &["Zip"],
    );
    at(
        "retention",
        "durable_config[0].retention_period",
        "Invalid attribute value",
        &["between 1 and 90", "91"],
    );
    at(
        "big_env",
        "environment[0].variables",
        "Environment variables too large",
        &["4210 bytes", "4096"],
    );
    assert!(
        !errors
            .all()
            .iter()
            .any(|d| d["detail"].as_str().is_some_and(|t| t.contains("s3cret"))),
        "sensitive values stay out of the messages: {}",
        errors.describe()
    );
    // Nothing else is refused: each resource has its own one problem.
    assert_eq!(errors.all().len(), cases.len(), "{}", errors.describe());
}

/// A deployment package that is not there fails the plan at `filename`, not the apply
/// (the plan reads it to notice new code anyway).
#[test]
fn a_missing_package_fails_the_plan_at_filename() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let body = format!(
        "{}{DURABLE}",
        ZIP.replace("\"code.zip\"", "\"build/missing.zip\"")
    );
    let hcl = bare_config(&function_block("test", &acc.name("missing-zip"), &body));
    acc.write(&hcl);
    let errors = acc.plan_errors();
    assert_error_at(
        &errors,
        &hcl,
        ADDRESS,
        "filename",
        "Cannot read the deployment package",
        &[
            "build/missing.zip",
            "archive_file",
            "terraform destroy -refresh=false",
        ],
    );
    assert_eq!(errors.all().len(), 1, "{}", errors.describe());
    assert_eq!(acc.emu().call_count("CreateFunction"), 0);
}

/// A file that is not a .zip archive fails the plan at `filename` too: the apply used to
/// fail with AWS's bare "Could not unzip uploaded file", at the resource's first line.
#[test]
fn a_package_that_is_not_a_zip_fails_the_plan_at_filename() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    if let Err(e) = std::fs::write(
        acc.dir().join("handler.py"),
        "def handler(e, c):\n    return e\n",
    ) {
        panic!("writing handler.py: {e}");
    }
    let body = format!("{}{DURABLE}", ZIP.replace("\"code.zip\"", "\"handler.py\""));
    let hcl = bare_config(&function_block("test", &acc.name("not-zip"), &body));
    acc.write(&hcl);
    let errors = acc.plan_errors();
    assert_error_at(
        &errors,
        &hcl,
        ADDRESS,
        "filename",
        "Cannot read the deployment package",
        &["handler.py", "not a .zip archive"],
    );
    assert_eq!(errors.all().len(), 1, "{}", errors.describe());
    assert_eq!(acc.emu().call_count("CreateFunction"), 0);
}

#[test]
fn capacity_provider_is_checked_at_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let cp_name = acc.name("arm-cp");
    let cp = capacity_provider_block(&acc, "test", &cp_name);
    acc.write(&bare_config(&cp));
    acc.apply();
    let zip = acc.zip("code.zip", "v1");
    let zip = path_text(&zip);

    // An ARN AWS does not know.
    let missing = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:does-not-exist";
    let body = format!(
        "  architectures = [\"arm64\"]\n  memory_size   = 4096\n  capacity_provider_config {{\n    lambda_managed_instances_capacity_provider_config {{\n      capacity_provider_arn = \"{missing}\"\n    }}\n  }}\n"
    );
    let hcl = acc.function_config(&acc.name("missing"), &zip, &body, &cp);
    acc.write(&hcl);
    let errors = acc.plan_errors();
    assert_error_at(
        &errors,
        &hcl,
        ADDRESS,
        "capacity_provider_config[0].lambda_managed_instances_capacity_provider_config[0].capacity_provider_arn",
        "Capacity provider not found",
        &[missing],
    );

    // An x86_64 function on an arm64 capacity provider.
    let body = managed_body("test", 4096, 8).replace("[\"arm64\"]", "[\"x86_64\"]");
    let hcl = acc.function_config(&acc.name("arch"), &zip, &body, &cp);
    acc.write(&hcl);
    let errors = acc.plan_errors();
    assert_error_at(
        &errors,
        &hcl,
        ADDRESS,
        "architectures",
        "Architecture differs from the capacity provider's",
        &["x86_64", "arm64", &cp_name],
    );
    assert_eq!(acc.emu().call_count("CreateFunction"), 0);

    // Terraform plans the configuration before a destroy: the error (of a function that
    // never existed) says how to destroy the capacity provider anyway, and that works.
    let out = acc.fail(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    // Terraform wraps the detail: compare with single spaces.
    let text = format!("{}{}", out.stdout, out.stderr)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Architecture differs") && text.contains("terraform destroy -refresh=false"),
        "{text}"
    );
    // The check also runs during an apply, for ARNs known only then: it says so.
    assert!(
        text.contains(
            "at terraform plan, or during terraform apply for values that became known only then"
        ),
        "{text}"
    );
    acc.succeed(&[
        "destroy",
        "-refresh=false",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    assert!(acc.emulated("capacity_providers", &cp_name).is_none());
}

/// Changing the architecture of a function already on a capacity provider is checked at
/// plan too: AWS refuses it only at apply, after the versions the change replaces are
/// destroyed.
#[test]
fn an_architecture_change_on_a_capacity_provider_fails_the_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let cp_name = acc.name("arch-cp");
    let cp = capacity_provider_block(&acc, "test", &cp_name);
    let zip = acc.zip("code.zip", "v1");
    let zip = path_text(&zip);
    let name = acc.name("arch-change");
    let body = managed_body("test", 4096, 8);
    acc.write(&acc.function_config(&name, &zip, &body, &cp));
    acc.apply();

    let hcl = acc.function_config(
        &name,
        &zip,
        &body.replace("[\"arm64\"]", "[\"x86_64\"]"),
        &cp,
    );
    acc.write(&hcl);
    let errors = acc.plan_errors();
    assert_error_at(
        &errors,
        &hcl,
        ADDRESS,
        "architectures",
        "Architecture differs from the capacity provider's",
        &["x86_64", "arm64", &cp_name],
    );
    acc.write(&acc.function_config(&name, &zip, &body, &cp));
    acc.destroy();
}

/// Code deployed outside Terraform to a function whose code comes from S3: nothing in the
/// configuration changes, but the refresh sees AWS's code_sha256 differ from what the
/// last apply left, warns, and the plan deploys the configured code again.
#[test]
fn code_deployed_outside_terraform_to_an_s3_function_is_planned_back() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("s3-drift");
    let body = format!(
        "  runtime   = \"python3.13\"\n  handler   = \"index.handler\"\n  s3_bucket = \"code\"\n  s3_key    = \"orders.zip\"\n{DURABLE}"
    );
    acc.write(&bare_config(&function_block("test", &name, &body)));
    acc.apply();
    let deployed = acc.resource(ADDRESS)["code_sha256"].clone();

    let other = acc.zip("other.zip", "deployed by hand");
    let bytes = std::fs::read(&other).unwrap_or_else(|e| panic!("{}: {e}", other.display()));
    let sdk = acc.lambda_sdk();
    if let Err(e) = sdk.block_on(
        sdk.client()
            .update_function_code()
            .function_name(&name)
            .zip_file(aws_sdk_lambda::primitives::Blob::new(bytes))
            .send(),
    ) {
        panic!("deploying other code outside Terraform: {e:?}");
    }
    sdk.wait_settled(&name);

    let text = plan_text(&acc);
    assert!(
        text.contains("its code was changed outside Terraform") && text.contains("1 to change"),
        "{text}"
    );
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["code_sha256"], deployed);
    assert_eq!(
        emulated_function(&acc, &name)["latest"]["code_sha256"],
        deployed
    );
    assert!(acc.plan().is_empty(), "the plan after the apply is empty");
    acc.destroy();
}

#[test]
fn import_by_name_and_arn_then_plan_is_empty() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("import");
    let zip = acc.zip("code.zip", "v1");
    let body = r#"
  memory_size = 512
  timeout     = 60
  tags        = { env = "test" }

  environment {
    variables = { STAGE = "test" }
  }

  logging_config {
    log_format = "JSON"
  }
"#;
    let hcl = acc.function_config(&name, &path_text(&zip), body, "");
    acc.write(&hcl);
    acc.apply();
    let created = acc.resource(ADDRESS);

    for id in [name.clone(), function_arn(&name)] {
        let wd = acc.another_workdir();
        wd.write(&hcl);
        wd.import(ADDRESS, &id);
        let imported = wd.resource(ADDRESS);
        let diff = differences(&created, &imported, &["timeouts"]);
        assert!(
            diff.is_empty(),
            "import of {id} differs from the created state:\n{}",
            diff.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let plan = wd.plan();
        assert!(
            plan.is_empty(),
            "plan after importing {id} must be empty: {:#}",
            plan.json()["resource_changes"]
        );
    }

    // A function without durable configuration is refused.
    let plain = acc.name("plain");
    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        use aws_sdk_lambda::primitives::Blob;
        use aws_sdk_lambda::types::{FunctionCode, Runtime};
        let created = sdk
            .client()
            .create_function()
            .function_name(&plain)
            .role(ROLE)
            .runtime(Runtime::from("python3.13"))
            .handler("index.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(acceptance_tests::fixtures::zip_package("plain")))
                    .build(),
            )
            .send()
            .await;
        if let Err(e) = created {
            panic!("creating {plain} with the SDK: {e:?}");
        }
    });
    let wd = acc.another_workdir();
    wd.write(&acc.function_config(&plain, &path_text(&zip), "", ""));
    let out = wd.fail(&["import", "-input=false", "-no-color", ADDRESS, &plain]);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(text.contains("is not a durable function"), "{text}");
    assert!(text.contains(&plain), "{text}");
    assert!(wd.state().addresses().is_empty(), "nothing may be imported");
    acc.destroy();
}

/// An import of a function with SnapStart, which this resource does not manage, warns
/// that a replacement would create the function without it.
#[test]
fn an_import_names_the_settings_the_resource_does_not_manage() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("snap");
    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        use aws_sdk_lambda::primitives::Blob;
        use aws_sdk_lambda::types::{
            DurableConfig, FunctionCode, Runtime, SnapStart, SnapStartApplyOn,
        };
        let created = sdk
            .client()
            .create_function()
            .function_name(&name)
            .role(ROLE)
            .runtime(Runtime::from("python3.13"))
            .handler("index.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(acceptance_tests::fixtures::zip_package("snap")))
                    .build(),
            )
            .durable_config(DurableConfig::builder().execution_timeout(3600).build())
            .snap_start(
                SnapStart::builder()
                    .apply_on(SnapStartApplyOn::PublishedVersions)
                    .build(),
            )
            .send()
            .await;
        if let Err(e) = created {
            panic!("creating {name} with the SDK: {e:?}");
        }
    });
    sdk.wait_settled(&name);
    let zip = acc.zip("code.zip", "snap");
    acc.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    let out = acc.succeed(&["import", "-input=false", "-no-color", ADDRESS, &name]);
    let text = format!("{}{}", out.stdout, out.stderr)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("has settings this resource does not manage")
            && text.contains("SnapStart (ApplyOn PublishedVersions)")
            && text.contains("creates the function without them"),
        "{text}"
    );
    acc.destroy();
}

#[test]
fn deleted_outside_terraform_is_planned_for_creation() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("disappears");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    acc.apply();

    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        if let Err(e) = sdk
            .client()
            .delete_function()
            .function_name(&name)
            .send()
            .await
        {
            panic!("deleting outside Terraform: {e:?}");
        }
    });
    wait_gone(&acc, &name);

    let diags = acc.plan_diagnostics();
    Expect::error()
        .summary("no longer exists")
        .says(&[&name, "deleted outside Terraform"])
        .address(ADDRESS)
        .find_in(&diags.warnings(), "terraform plan");
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["create".to_string()]);
    acc.apply();
    assert_eq!(
        latest_config(&acc, &name)["DurableConfig"]["ExecutionTimeout"],
        3600
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn drift_is_planned_back() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("drift");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&acc.function_config(&name, &path_text(&zip), "  memory_size = 512\n", ""));
    acc.apply();

    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        let updated = sdk
            .client()
            .update_function_configuration()
            .function_name(&name)
            .memory_size(1024)
            .send()
            .await;
        if let Err(e) = updated {
            panic!("changing memory outside Terraform: {e:?}");
        }
    });
    assert_eq!(latest_config(&acc, &name)["MemorySize"], 1024);

    let text = plan_text(&acc);
    assert_line(&text, &["memory_size", "1024", "->", "512"]);
    assert!(
        text.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{text}"
    );
    // Only the memory changes back: no "(known after apply)" for the code.
    assert!(!text.contains("code_sha256"), "{text}");
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("UpdateFunctionCode"), 0);
    assert!(acc.emu().call_count("UpdateFunctionConfiguration") >= 1);
    assert_eq!(latest_config(&acc, &name)["MemorySize"], 512);
    assert_eq!(acc.resource(ADDRESS)["memory_size"], 512);
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// With `ignore_changes = [tags]`, tags added outside Terraform are kept by the plan; an
/// update of the memory used to follow the configuration's tags at apply, remove them in
/// AWS without the plan saying so, and fail with "inconsistent result".
#[test]
fn ignored_tags_stay_as_aws_has_them_when_something_else_is_updated() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("igntags");
    let zip = acc.zip("code.zip", "v1");
    let body = |memory: u32| {
        format!(
            "  memory_size = {memory}\n  tags = {{ team = \"a\" }}\n  lifecycle {{\n    \
             ignore_changes = [tags]\n  }}\n"
        )
    };
    acc.write(&acc.function_config(&name, &path_text(&zip), &body(128), ""));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"]
        .as_str()
        .unwrap_or_else(|| panic!("no arn in the state"))
        .to_string();
    acc.lambda_sdk().tag(&arn, &[("cost-center", "42")]);
    assert!(acc.plan().is_empty(), "ignored tags plan nothing");

    acc.write(&acc.function_config(&name, &path_text(&zip), &body(256), ""));
    assert_eq!(acc.plan().actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    let expected = serde_json::json!({"team": "a", "cost-center": "42"});
    assert_eq!(acc.resource(ADDRESS)["tags_all"], expected);
    assert_eq!(
        emulated_function(&acc, &name)["tags"],
        expected,
        "AWS's tags"
    );
    assert_eq!(latest_config(&acc, &name)["MemorySize"], 256);
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// Attributes under `ignore_changes` inside a block that changes keep their values,
/// whether the configuration changes them, removes them or sets one the state has null:
/// the update sent the configuration's values (or nothing, which reset AWS's) against
/// the plan, and failed with "inconsistent result after apply".
#[test]
fn an_ignored_attribute_in_an_updated_block_is_not_sent() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("ignret");
    let zip = acc.zip("code.zip", "v1");
    let body = |timeout: u32, more: &str| {
        format!(
            "  durable_config {{\n    execution_timeout = {timeout}\n{more}  }}\n  lifecycle {{\n    \
             ignore_changes = [durable_config[0].retention_period, durable_config[0].kms_key_arn]\n  \
             }}\n"
        )
    };
    let key = "arn:aws:kms:us-east-1:123456789012:key/k1";
    let steps = [
        (3600, "    retention_period = 7\n".to_string()),
        (7200, "    retention_period = 30\n".to_string()),
        (9000, String::new()),
        (10800, format!("    kms_key_arn = \"{key}\"\n")),
    ];
    for (i, (timeout, more)) in steps.iter().enumerate() {
        acc.write(&acc.function_config(&name, &path_text(&zip), &body(*timeout, more), ""));
        if i > 0 {
            assert_eq!(acc.plan().actions_for(ADDRESS), vec!["update".to_string()]);
        }
        acc.apply();
        let durable = &latest_config(&acc, &name)["DurableConfig"];
        assert_eq!(
            durable["ExecutionTimeout"], *timeout,
            "step {i}: {durable:#}"
        );
        assert_eq!(durable["RetentionPeriodInDays"], 7, "step {i}: {durable:#}");
        assert!(durable["KMSKeyArn"].is_null(), "step {i}: {durable:#}");
        assert!(
            acc.plan().is_empty(),
            "step {i}: the next plan must be empty"
        );
    }
    acc.destroy();
}

/// Layers apply in order, so their order changed outside Terraform is drift: the
/// refresh used to keep the state's order when the elements were the same, and the plan
/// said "No changes" (and a version published next held the wrong order).
#[test]
fn layers_reordered_outside_terraform_are_planned_back() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("layers");
    let zip = acc.zip("code.zip", "v1");
    let layer = |n: u8| format!("arn:aws:lambda:us-east-1:123456789012:layer:l{n}:1");
    let layers = format!("  layers = [\"{}\", \"{}\"]\n", layer(1), layer(2));
    acc.write(&acc.function_config(&name, &path_text(&zip), &layers, ""));
    acc.apply();

    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        let updated = sdk
            .client()
            .update_function_configuration()
            .function_name(&name)
            .layers(layer(2))
            .layers(layer(1))
            .send()
            .await;
        if let Err(e) = updated {
            panic!("reordering the layers outside Terraform: {e:?}");
        }
    });
    let arns = |config: &Value| -> Vec<String> {
        config["Layers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["Arn"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(arns(&latest_config(&acc, &name)), [layer(2), layer(1)]);

    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    assert_eq!(arns(&latest_config(&acc, &name)), [layer(1), layer(2)]);
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// Rewrites the state so `lambda_durable_function.test` looks as the HashiCorp AWS
/// provider stores `aws_lambda_function.test`: its type and provider, and a subset of
/// its attributes plus some this provider does not have.
fn restate_as_aws_provider(state_file: &std::path::Path) {
    let text = std::fs::read_to_string(state_file)
        .unwrap_or_else(|e| panic!("reading {}: {e}", state_file.display()));
    let mut state: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the state is not JSON: {e}"));
    let Some(resource) = state["resources"].as_array_mut().and_then(|r| {
        r.iter_mut()
            .find(|r| r["type"] == "lambda_durable_function")
    }) else {
        panic!("no function in {text}");
    };
    resource["type"] = "aws_lambda_function".into();
    resource["provider"] = r#"provider["registry.terraform.io/hashicorp/aws"]"#.into();
    let attrs = resource["instances"][0]["attributes"].clone();
    resource["instances"][0]["attributes"] = serde_json::json!({
        "arn": attrs["arn"],
        "function_name": attrs["function_name"],
        "region": attrs["region"],
        "memory_size": attrs["memory_size"],
        "tags": attrs["tags"],
        "tags_all": attrs["tags_all"],
        "durable_config": [{"execution_timeout": 3600, "retention_period": 14}],
        "skip_destroy": false,
        "publish": attrs["publish"],
        "version": attrs["version"],
        "id": attrs["function_name"],
    });
    resource["instances"][0]["private"] = Value::Null;
    resource["instances"][0]["schema_version"] = 0.into();
    state["serial"] = (state["serial"].as_u64().unwrap_or(1) + 1).into();
    let out = serde_json::to_string_pretty(&state)
        .unwrap_or_else(|e| panic!("serialising the state: {e}"));
    std::fs::write(state_file, out).unwrap_or_else(|e| panic!("writing the state: {e}"));
}

/// Terraform needs the source provider of a `moved` block present to read the state;
/// our own binary stands in for hashicorp/aws (it is only asked for its schema).
fn stand_in_for_the_aws_provider(acc: &mut Acc) {
    let stand_in = acc.path().join("aws-provider-stand-in");
    if let Err(e) = std::fs::create_dir(&stand_in).and_then(|()| {
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_terraform-provider-lambda"),
            stand_in.join("terraform-provider-aws"),
        )
    }) {
        panic!("setting up the stand-in provider: {e}");
    }
    if let Err(e) = acc.add_dev_override("hashicorp/aws", &stand_in) {
        panic!("{e}");
    }
}

/// The `moved` block from the AWS provider's `aws_lambda_function.test`.
const MOVED: &str =
    "moved {\n  from = aws_lambda_function.test\n  to   = lambda_durable_function.test\n}\n";

#[test]
fn moved_block_takes_over_the_aws_providers_function() {
    let Some(mut acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("moved");
    let zip = acc.zip("code.zip", "v1");
    let body = "  memory_size = 256\n  tags = { env = \"dev\" }\n";
    acc.write(&acc.function_config(&name, &path_text(&zip), body, ""));
    acc.apply();
    let before = acc.resource(ADDRESS);
    restate_as_aws_provider(&acc.path().join("terraform.tfstate"));
    stand_in_for_the_aws_provider(&mut acc);
    acc.emu().reset_calls();

    acc.write(&acc.function_config(&name, &path_text(&zip), body, MOVED));
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(change["previous_address"], "aws_lambda_function.test");
    assert!(plan.is_empty(), "a move must plan no change: {change:#}");

    acc.apply();
    assert_eq!(acc.state().addresses(), vec![ADDRESS.to_string()]);
    let after = acc.resource(ADDRESS);
    let diff = differences(&before, &after, &["timeouts"]);
    assert!(
        diff.is_empty(),
        "the moved state differs from the created one:\n{}",
        diff.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    for op in [
        "CreateFunction",
        "DeleteFunction",
        "UpdateFunctionConfiguration",
        "UpdateFunctionCode",
    ] {
        assert_eq!(acc.emu().call_count(op), 0, "{op} during the move");
    }
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// A function's `vpc_config` is checked against EC2 at plan, as a capacity provider's
/// is: a subnet that does not exist, or a security group of another VPC, fails the plan
/// at the attribute instead of the apply.
#[test]
fn vpc_config_ids_are_checked_against_ec2_at_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = acc.zip("code.zip", "v1");
    let vpc = |subnets: &str, group: &str| {
        format!(
            "  vpc_config {{\n    subnet_ids         = {subnets}\n    security_group_ids = [\"{group}\"]\n  }}\n"
        )
    };
    let cases = [
        (
            "no_subnet",
            vpc("[\"subnet-0000000000000dead\"]", &acc.net.security_group_id),
            "vpc_config[0].subnet_ids",
            "Subnet not found",
        ),
        (
            "other_vpc",
            vpc(&acc.subnet_list(), &acc.net.other_vpc_security_group_id),
            "vpc_config[0].security_group_ids",
            "Security groups in another VPC",
        ),
    ];
    for (label, body, path, summary) in cases {
        let name = acc.name(label);
        let hcl = acc.function_config(&name, &path_text(&zip), &body, "");
        acc.write(&hcl);
        let errors = acc.plan_errors();
        assert_error_at(&errors, &hcl, ADDRESS, path, summary, &[]);
    }
    // The right IDs plan.
    let name = acc.name("good-vpc");
    let body = vpc(&acc.subnet_list(), &acc.net.security_group_id);
    acc.write(&acc.function_config(&name, &path_text(&zip), &body, ""));
    acc.plan();
}

/// A saved plan applied after the function changed in AWS (a secret rotated, the timeout
/// raised by hand): the apply makes the function what the plan says, instead of failing
/// with "inconsistent result after apply", and the next plan is empty.
#[test]
fn a_saved_plan_applied_after_drift_makes_the_function_what_it_says() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("stale");
    let zip = acc.zip("code.zip", "v1");
    let body = |memory: u32| {
        format!(
            "  memory_size = {memory}\n  environment {{\n    variables = {{ DB_PASSWORD = \"from-config\" }}\n  }}\n"
        )
    };
    acc.write(&acc.function_config(&name, &path_text(&zip), &body(256), ""));
    acc.apply();
    acc.write(&acc.function_config(&name, &path_text(&zip), &body(512), ""));
    acc.succeed(&["plan", "-input=false", "-no-color", "-out=stale.tfplan"]);

    let sdk = acc.lambda_sdk();
    let env = aws_sdk_lambda::types::Environment::builder()
        .variables("DB_PASSWORD", "rotated-by-hand")
        .build();
    let changed = sdk.block_on(
        sdk.client()
            .update_function_configuration()
            .function_name(&name)
            .environment(env)
            .timeout(60)
            .send(),
    );
    if let Err(e) = changed {
        panic!("changing {name} behind Terraform: {e:?}");
    }
    // The emulator takes a moment to apply the update; the apply waits for it too.
    std::thread::sleep(std::time::Duration::from_secs(2));

    let out = acc.succeed(&["apply", "-input=false", "-no-color", "stale.tfplan"]);
    assert!(
        !out.stdout.contains("rotated-by-hand") && !out.stderr.contains("rotated-by-hand"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let got = sdk.block_on(
        sdk.client()
            .get_function_configuration()
            .function_name(&name)
            .send(),
    );
    let got = got.unwrap_or_else(|e| panic!("reading {name}: {e:?}"));
    let variables = got
        .environment()
        .and_then(|e| e.variables())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        variables.get("DB_PASSWORD").map(String::as_str),
        Some("from-config")
    );
    assert_eq!(got.timeout(), Some(3), "the plan's timeout (AWS's default)");
    assert_eq!(got.memory_size(), Some(512));
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// A publishing `aws_lambda_function` moves with `publish = true` and the version it
/// published last: the plan is empty, and nothing is published.
#[test]
fn moved_block_keeps_publish_and_the_last_version() {
    let Some(mut acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("moved-pub");
    let zip = acc.zip("code.zip", "v1");
    let body = "  publish = true\n";
    acc.write(&acc.function_config(&name, &path_text(&zip), body, ""));
    acc.apply();
    let version = acc.resource(ADDRESS)["version"].clone();
    assert_eq!(version, "1");
    restate_as_aws_provider(&acc.path().join("terraform.tfstate"));
    stand_in_for_the_aws_provider(&mut acc);
    acc.emu().reset_calls();

    acc.write(&acc.function_config(&name, &path_text(&zip), body, MOVED));
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "a move of a publishing function must plan no change: {:#}",
        change_of(&plan, ADDRESS)
    );
    acc.apply();
    let after = acc.resource(ADDRESS);
    assert_eq!(after["publish"], true, "{after:#}");
    assert_eq!(after["version"], version, "{after:#}");
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    acc.destroy();
}

/// `memory_size` and `timeout` left unset plan AWS's defaults (the service model's
/// documentation: 128 MB, 3 seconds), as the AWS provider's `aws_lambda_function` does:
/// removing them from the configuration restores them, and the plan says so.
#[test]
fn removing_memory_size_and_timeout_restores_awss_defaults() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("defaults");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "  memory_size = 256\n  timeout     = 30\n", ""));
    acc.apply();
    let c = latest_config(&acc, &name);
    assert_eq!(
        (c["MemorySize"].clone(), c["Timeout"].clone()),
        (256.into(), 30.into())
    );

    // Both lines deleted.
    acc.write(&acc.function_config(&name, &zip, "", ""));
    let text = plan_text(&acc);
    assert!(
        text.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{text}"
    );
    assert_line(&text, &["memory_size", "256", "->", "128"]);
    assert_line(&text, &["timeout", "30", "->", "3"]);
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("UpdateFunctionConfiguration"), 1);
    assert_eq!(acc.emu().call_count("UpdateFunctionCode"), 0);
    let c = latest_config(&acc, &name);
    assert_eq!(c["MemorySize"], 128, "{c:#}");
    assert_eq!(c["Timeout"], 3, "{c:#}");
    let r = acc.resource(ADDRESS);
    assert_eq!(
        (r["memory_size"].clone(), r["timeout"].clone()),
        (128.into(), 3.into())
    );
    assert!(acc.plan().is_empty());

    // Only memory_size removed: the plan of that one change is honest about what AWS
    // changes with it (a new revision), and the apply matches it.
    acc.write(&acc.function_config(&name, &zip, "  memory_size = 512\n", ""));
    acc.apply();
    acc.write(&acc.function_config(&name, &zip, "", ""));
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(change["change"]["actions"], serde_json::json!(["update"]));
    assert_eq!(change["change"]["after"]["memory_size"], 128, "{change:#}");
    assert_eq!(
        change["change"]["after_unknown"]["revision_id"], true,
        "{change:#}"
    );
    acc.apply();
    assert_eq!(latest_config(&acc, &name)["MemorySize"], 128);
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// On a capacity provider AWS documents no default memory: an unset `memory_size` keeps
/// the value the function has (as documented), while `timeout` still plans AWS's 3.
#[test]
fn on_a_capacity_provider_an_unset_memory_size_keeps_the_current_value() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("cp-memory");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let cp = capacity_provider_block(&acc, "test", &acc.name("cp-memory-cp"));
    let body = managed_body("test", 4096, 8);
    acc.write(&acc.function_config(&name, &zip, &body, &cp));
    acc.apply();

    let without_memory = body.replace("  memory_size   = 4096\n", "");
    assert_ne!(without_memory, body);
    acc.write(&acc.function_config(&name, &zip, &without_memory, &cp));
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "no change on a capacity provider: {:#}",
        plan.json()["resource_changes"]
    );
    assert_eq!(latest_config(&acc, &name)["MemorySize"], 4096);

    let without_timeout = without_memory.replace("  timeout       = 3000\n", "");
    assert_ne!(without_timeout, without_memory);
    acc.write(&acc.function_config(&name, &zip, &without_timeout, &cp));
    let text = plan_text(&acc);
    assert_line(&text, &["timeout", "3000", "->", "3"]);
    assert!(!text.contains("memory_size"), "{text}");
    acc.apply();
    let c = latest_config(&acc, &name);
    assert_eq!(
        (c["MemorySize"].clone(), c["Timeout"].clone()),
        (4096.into(), 3.into())
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// An imported (or moved) function is read as AWS has it: a configuration that leaves
/// `memory_size` and `timeout` unset plans AWS's defaults for it, as the AWS provider
/// does, and the apply sets them.
#[test]
fn an_import_or_a_move_plans_awss_defaults_for_unset_arguments() {
    let Some(mut acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("import-defaults");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let sized = "  memory_size = 256\n  timeout     = 30\n";
    acc.write(&acc.function_config(&name, &zip, sized, ""));
    acc.apply();

    // Imported into a configuration without them.
    let wd = acc.another_workdir();
    let unsized_config = acc.function_config(&name, &zip, "", "");
    wd.write(&unsized_config);
    wd.import(ADDRESS, &name);
    assert_eq!(wd.resource(ADDRESS)["memory_size"], 256);
    let plan = wd.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(change["change"]["actions"], serde_json::json!(["update"]));
    assert_eq!(
        (
            change["change"]["before"]["memory_size"].clone(),
            change["change"]["after"]["memory_size"].clone()
        ),
        (256.into(), 128.into()),
        "{change:#}"
    );
    assert_eq!(
        (
            change["change"]["before"]["timeout"].clone(),
            change["change"]["after"]["timeout"].clone()
        ),
        (30.into(), 3.into()),
        "{change:#}"
    );
    wd.apply();
    let c = latest_config(&acc, &name);
    assert_eq!(
        (c["MemorySize"].clone(), c["Timeout"].clone()),
        (128.into(), 3.into())
    );
    assert!(wd.plan().is_empty());

    // Moved from the AWS provider into a configuration without them.
    acc.apply();
    assert_eq!(latest_config(&acc, &name)["MemorySize"], 256);
    restate_as_aws_provider(&acc.path().join("terraform.tfstate"));
    stand_in_for_the_aws_provider(&mut acc);
    acc.write(&acc.function_config(&name, &zip, "", MOVED));
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(change["previous_address"], "aws_lambda_function.test");
    assert_eq!(change["change"]["actions"], serde_json::json!(["update"]));
    assert_eq!(change["change"]["after"]["memory_size"], 128, "{change:#}");
    assert_eq!(change["change"]["after"]["timeout"], 3, "{change:#}");
    acc.apply();
    let c = latest_config(&acc, &name);
    assert_eq!(
        (c["MemorySize"].clone(), c["Timeout"].clone()),
        (128.into(), 3.into())
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// `qualified_arn` names what the configuration holds: the version this resource
/// published while `publish = true`, and `$LATEST` once `publish` is turned off (the
/// versions published before stay in AWS). The plan says so before the apply.
#[test]
fn turning_publish_off_names_latest_again() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("unpublish");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let arn = function_arn(&name);
    acc.write(&acc.function_config(&name, &zip, "  publish = true\n", ""));
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["qualified_arn"],
        format!("{arn}:1").as_str()
    );

    // Off, with a change of configuration in the same apply: nothing is published, and
    // the change is in $LATEST only.
    acc.write(&acc.function_config(
        &name,
        &zip,
        "  publish     = false\n  memory_size = 256\n",
        "",
    ));
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    let latest = format!("{arn}:$LATEST");
    let after = &change["change"]["after"];
    assert_eq!(after["version"], "$LATEST", "{change:#}");
    assert_eq!(after["qualified_arn"], latest.as_str(), "{change:#}");
    assert!(
        after["qualified_invoke_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!("{latest}/invocations"))),
        "{change:#}"
    );
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    let r = acc.resource(ADDRESS);
    assert_eq!(r["version"], "$LATEST");
    assert_eq!(r["qualified_arn"], latest.as_str());
    assert_eq!(r["qualified_invoke_arn"], after["qualified_invoke_arn"]);
    let f = emulated_function(&acc, &name);
    assert_eq!(f["latest"]["config"]["MemorySize"], 256);
    let versions: Vec<&String> = f["versions"]
        .as_object()
        .map(|v| v.keys().collect())
        .unwrap_or_default();
    assert_eq!(versions, ["1"], "version 1 stays in AWS");
    assert!(acc.plan().is_empty());

    // On again: a new version, named again.
    acc.write(&acc.function_config(
        &name,
        &zip,
        "  publish     = true\n  memory_size = 256\n",
        "",
    ));
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["qualified_arn"],
        format!("{arn}:2").as_str()
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// A capacity provider's ARN written as a string is looked up at plan, before the
/// capacity provider the same configuration creates exists: the error keeps a typo from
/// getting through and says how to create both (a reference to its `arn`, or
/// `-target`), and following it works.
#[test]
fn a_capacity_provider_arn_written_as_a_string_says_how_to_create_both() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let cp_name = acc.name("t8-cp");
    let cp_arn = format!("arn:aws:lambda:us-east-1:123456789012:capacity-provider:{cp_name}");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let body = format!(
        r#"
  architectures = ["arm64"]
  memory_size   = 4096
  depends_on    = [lambda_capacity_provider.cp]

  capacity_provider_config {{
    lambda_managed_instances_capacity_provider_config {{
      capacity_provider_arn = "{cp_arn}"
    }}
  }}
"#
    );
    let hcl = acc.function_config(
        &acc.name("t8"),
        &zip,
        &body,
        &capacity_provider_block(&acc, "cp", &cp_name),
    );
    acc.write(&hcl);
    let errors = acc.plan_errors();
    assert_error_at(
        &errors,
        &hcl,
        ADDRESS,
        "capacity_provider_config[0].lambda_managed_instances_capacity_provider_config[0].capacity_provider_arn",
        "Capacity provider not found",
        &[
            &cp_arn,
            "lambda_capacity_provider.NAME.arn",
            "terraform apply -target=lambda_capacity_provider.NAME",
        ],
    );
    assert_eq!(acc.emu().call_count("CreateCapacityProvider"), 0);

    // The second way it gives: the capacity provider first, then the rest.
    acc.succeed(&[
        "apply",
        "-target=lambda_capacity_provider.cp",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    acc.apply();
    let c = latest_config(&acc, &acc.name("t8"));
    assert_eq!(
        c["CapacityProviderConfig"]["LambdaManagedInstancesCapacityProviderConfig"]["CapacityProviderArn"],
        cp_arn.as_str()
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// `terraform plan -generate-config-out` for an `import` block: with Terraform 1.14+
/// the provider writes the configuration (GenerateResourceConfig), with the
/// `filename = "NAME.zip"` placeholder and without AWS's defaults, and it imports to an
/// empty plan. Terraform 1.11 writes it from the state itself: `filename = null`, which
/// fails until it names a package, as the importing guide says; then it imports too.
#[test]
fn plan_generate_config_out_writes_a_configuration_that_imports() {
    let Some(acc) = support::setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("generated");
    let default_name = acc.name("generated-defaults");
    acc.zip("code.zip", "v1");
    acc.write(&bare_config(&format!(
        "{}{}",
        function_block(
            "sized",
            &name,
            &format!("{ZIP}  memory_size = 256\n{DURABLE}")
        ),
        function_block("defaults", &default_name, &format!("{ZIP}{DURABLE}"))
    )));
    acc.apply();
    let imports = bare_config(&format!(
        "import {{\n  to = lambda_durable_function.sized\n  id = \"{name}\"\n}}\n\nimport {{\n  to = lambda_durable_function.defaults\n  id = \"{default_name}\"\n}}\n"
    ));
    let generate = [
        "plan",
        "-generate-config-out=generated.tf",
        "-no-color",
        "-input=false",
    ];
    let generated_block = |text: &str, label: &str| -> String {
        let start = format!("resource \"lambda_durable_function\" \"{label}\" {{");
        let from = text
            .find(&start)
            .unwrap_or_else(|| panic!("no {label}: {text}"));
        let rest = &text[from..];
        rest[..rest.find("\n}").map_or(rest.len(), |i| i + 2)].to_string()
    };
    let line_of = |block: &str, attr: &str| -> Option<String> {
        block
            .lines()
            .find(|l| l.split_whitespace().next() == Some(attr))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
    };

    let wd = acc.another_workdir();
    wd.write(&imports);
    wd.succeed(&generate);
    let generated = std::fs::read_to_string(wd.dir().join("generated.tf"))
        .unwrap_or_else(|e| panic!("reading generated.tf: {e}"));
    let sized = generated_block(&generated, "sized");
    assert_eq!(
        line_of(&sized, "filename"),
        Some(format!("filename = \"{name}.zip\"")),
        "{sized}"
    );
    assert_eq!(
        line_of(&sized, "memory_size"),
        Some("memory_size = 256".into())
    );
    let defaults = generated_block(&generated, "defaults");
    for left_out in ["memory_size", "timeout"] {
        assert_eq!(
            line_of(&defaults, left_out),
            None,
            "AWS's default: {defaults}"
        );
    }
    let plan = wd.plan();
    for rc in plan.resource_changes() {
        assert_eq!(
            rc["change"]["actions"],
            serde_json::json!(["no-op"]),
            "{rc:#}"
        );
        assert!(rc["change"]["importing"].is_object(), "{rc:#}");
    }
    wd.apply();
    assert!(wd.plan().is_empty());

    // Terraform 1.11 generates from the state: the guide's step makes it import.
    let Some(tf111) = tfplug::testing::terraform_binary() else {
        panic!("no default terraform");
    };
    let wd = acc.workdir_with(&tf111);
    wd.write(&imports);
    let out = wd.fail(&generate);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("Exactly one of"), "{said}");
    let path = wd.dir().join("generated.tf");
    let generated =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading generated.tf: {e}"));
    // The step: name a package (it only has to exist once the code changes).
    let with_package = |label: &str, function: &str| -> String {
        let block = generated_block(&generated, label);
        assert_eq!(
            line_of(&block, "filename"),
            Some("filename = null".into()),
            "{block}"
        );
        block
            .lines()
            .map(|l| {
                if line_of(l, "filename").is_some() {
                    format!("  filename = \"{function}.zip\"")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let fixed = format!(
        "{}\n\n{}\n",
        with_package("sized", &name),
        with_package("defaults", &default_name)
    );
    std::fs::write(&path, fixed).unwrap_or_else(|e| panic!("writing generated.tf: {e}"));
    wd.apply();
    assert_eq!(wd.state().addresses().len(), 2);
    assert!(wd.plan().is_empty());
    acc.destroy();
}
