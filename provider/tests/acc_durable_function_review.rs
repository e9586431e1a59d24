//! Acceptance tests of `lambda_durable_function` for what a review of drift and adoption
//! found: plans that said less than the apply did (a new architecture changes AWS's
//! `config_sha256`; removing `ephemeral_storage` or `logging_config` changed nothing),
//! `log_group = ""`, functions AWS reports `Failed` or `Deleting`, environment
//! variables a generated configuration would delete, and the published versions a
//! replacement deletes. The real `terraform` drives the provider against the emulator.

mod support;

use acceptance_tests::{EmulatorOptions, FailFunction, SeedExecution};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::Architecture;
use serde_json::{Value, json};
use support::durable_function::ADDRESS;
use support::function_version::version_block;
use support::{Acc, Expect, Hcl, change_of, setup};

/// The configuration of `$LATEST` of function `name` as the emulator holds it.
fn latest_config(acc: &Acc, name: &str) -> Value {
    match acc.emulated_function(name) {
        Some(f) => f["latest"]["config"].clone(),
        None => panic!("function {name} is not in the emulator"),
    }
}

/// The path of a zip package as the configuration names it.
fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A `lambda_function_version` of the test's function, with the docs' triggers.
const VERSION_WITH_TRIGGERS: &str = r#"  function_name = lambda_durable_function.test.function_name
  triggers = {
    code   = lambda_durable_function.test.code_sha256
    config = lambda_durable_function.test.config_sha256
  }
"#;

/// Changing only `architectures` changes AWS's `config_sha256`: the plan says so (and a
/// version triggered on it is replaced), the apply succeeds, and the next plan is empty.
/// The same when the architecture drifted outside Terraform and the apply puts it back.
#[test]
fn a_new_architecture_plans_config_sha256_unknown() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("arch");
    let zip = acc.zip("code.zip", "v1");
    let version = version_block("test", VERSION_WITH_TRIGGERS);
    let config = |arch: &str| {
        acc.function_config(
            &name,
            &path_text(&zip),
            &format!("  architectures = [\"{arch}\"]\n"),
            &version,
        )
    };
    acc.write(&config("x86_64"));
    acc.apply();
    let before = acc.resource(ADDRESS)["config_sha256"].clone();

    acc.write(&config("arm64"));
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(
        change["change"]["after_unknown"]["config_sha256"],
        json!(true),
        "{change:#}"
    );
    acc.apply();
    assert_eq!(
        latest_config(&acc, &name)["Architectures"],
        json!(["arm64"])
    );
    assert_ne!(acc.resource(ADDRESS)["config_sha256"], before);
    assert!(acc.plan().is_empty(), "the plan after the apply is empty");

    // Drift: the architecture changed outside Terraform; the apply puts it back.
    let sdk = acc.lambda_sdk();
    let bytes = match std::fs::read(&zip) {
        Ok(b) => b,
        Err(e) => panic!("reading {}: {e}", zip.display()),
    };
    if let Err(e) = sdk.block_on(
        sdk.client()
            .update_function_code()
            .function_name(&name)
            .zip_file(Blob::new(bytes))
            .architectures(Architecture::X8664)
            .send(),
    ) {
        panic!("changing the architecture outside Terraform: {e:?}");
    }
    sdk.wait_settled(&name);
    acc.apply();
    assert_eq!(
        latest_config(&acc, &name)["Architectures"],
        json!(["arm64"])
    );
    assert!(acc.plan().is_empty(), "the plan after the apply is empty");
    acc.destroy();
}

/// Removing `ephemeral_storage`, `logging_config` or `tracing_config` restores what AWS
/// gives a function created without them, as the plan says; the next plan is empty.
#[test]
fn removing_optional_blocks_restores_aws_defaults() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("blocks");
    let zip = acc.zip("code.zip", "v1");
    let blocks = r#"
  ephemeral_storage {
    size = 2048
  }
  tracing_config {
    mode = "Active"
  }
  logging_config {
    log_format            = "JSON"
    application_log_level = "DEBUG"
    log_group             = "/custom/orders"
  }
"#;
    acc.write(&acc.function_config(&name, &path_text(&zip), blocks, ""));
    acc.apply();
    let c = latest_config(&acc, &name);
    assert_eq!(c["EphemeralStorage"], json!({"Size": 2048}), "{c:#}");
    assert_eq!(c["LoggingConfig"]["LogGroup"], "/custom/orders", "{c:#}");

    acc.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    acc.apply();
    let c = latest_config(&acc, &name);
    assert_eq!(c["EphemeralStorage"], json!({"Size": 512}), "{c:#}");
    assert_eq!(
        c["LoggingConfig"],
        json!({"LogFormat": "Text", "LogGroup": format!("/aws/lambda/{name}")}),
        "{c:#}"
    );
    assert_eq!(c["TracingConfig"], json!({"Mode": "PassThrough"}), "{c:#}");
    assert!(acc.plan().is_empty(), "the plan after the apply is empty");
    acc.destroy();
}

/// After an import, whose state leaves out blocks that hold AWS's defaults, a
/// configuration that writes them out records them without sending anything: AWS already
/// has them, so no update call, no new revision and no new `config_sha256`.
#[test]
fn blocks_written_out_at_aws_defaults_after_an_import_send_nothing() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("defaults");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    acc.apply();
    let revision = latest_config(&acc, &name)["RevisionId"].clone();

    let written_out = r#"
  ephemeral_storage {
    size = 512
  }
  tracing_config {
    mode = "PassThrough"
  }
  logging_config {
    log_format = "Text"
  }
"#;
    let wd = acc.another_workdir();
    wd.write(&acc.function_config(&name, &path_text(&zip), written_out, ""));
    wd.import(ADDRESS, &name);
    let plan = wd.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(
        change["after_unknown"]["config_sha256"],
        Value::Null,
        "config_sha256 stays known: nothing is sent: {change:#}"
    );
    acc.emu().reset_calls();
    wd.apply();
    assert_eq!(acc.emu().call_count("UpdateFunctionConfiguration"), 0);
    assert_eq!(latest_config(&acc, &name)["RevisionId"], revision);
    let plan = wd.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);

    // Taken out again: still nothing to send, and the state follows.
    wd.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    wd.apply();
    assert_eq!(acc.emu().call_count("UpdateFunctionConfiguration"), 0);
    let plan = wd.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    acc.destroy();
}

/// `log_group = ""` is not a log group AWS takes (`LogGroup`: 1 to 512 characters): the
/// plan refuses it at the attribute, before anything is sent, rather than an apply after
/// which AWS names `/aws/lambda/NAME` and the state cannot match the plan. Without the
/// argument, AWS's default group is recorded and the next plan is empty.
#[test]
fn an_empty_log_group_is_refused_at_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("loggroup");
    let zip = acc.zip("code.zip", "v1");
    let logging =
        |group: &str| format!("\n  logging_config {{\n    log_format = \"JSON\"\n{group}  }}\n");
    let empty = acc.function_config(
        &name,
        &path_text(&zip),
        &logging("    log_group  = \"\"\n"),
        "",
    );
    acc.write(&empty);
    let errors = acc.plan_errors();
    Expect::error()
        .says(&["between 1 and 512"])
        .at(Hcl::new("main.tf", &empty).at(ADDRESS, "logging_config[0].log_group"))
        .find_in(&errors, "a plan with log_group = \"\"");
    assert!(acc.emulated_function(&name).is_none());

    acc.write(&acc.function_config(&name, &path_text(&zip), &logging(""), ""));
    acc.apply();
    let group = format!("/aws/lambda/{name}");
    assert_eq!(
        latest_config(&acc, &name)["LoggingConfig"]["LogGroup"],
        group
    );
    assert_eq!(
        acc.resource(ADDRESS)["logging_config"][0]["log_group"],
        group.as_str()
    );
    assert!(acc.plan().is_empty(), "the plan after the create is empty");
    acc.destroy();
}

/// A function AWS reports `Failed` (outside Terraform): the refresh says so with AWS's
/// reason, and the plan replaces it, warning that the published versions go with it.
#[test]
fn a_failed_function_is_replaced_and_its_versions_named() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("failed");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&acc.function_config(&name, &path_text(&zip), "  publish = true\n", ""));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["version"], "1");
    if let Err(e) = acc.emu().fail_function(FailFunction::new(
        &name,
        "SubnetOutOfIPAddresses",
        "no ips left",
    )) {
        panic!("failing {name}: {e}");
    }
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("has failed in AWS")
        .says(&["SubnetOutOfIPAddresses", "no ips left"])
        .address(ADDRESS)
        .find_in(&warnings, "the plan of a failed function");
    Expect::error()
        .summary("deletes its 1 published version")
        .says(&[&format!("{name}:1"), "lambda_function_version"])
        .address(ADDRESS)
        .find_in(&warnings, "the plan replacing a function with a version");
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(
        change["change"]["actions"],
        json!(["delete", "create"]),
        "{change:#}"
    );
    assert_eq!(
        change["change"]["replace_paths"],
        json!([["state"]]),
        "{change:#}"
    );
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    assert!(
        acc.plan().is_empty(),
        "the plan after the replacement is empty"
    );
    acc.destroy();
}

/// A function being deleted outside Terraform while its durable executions drain: the
/// refresh says so instead of "No changes" without a word.
#[test]
fn a_function_being_deleted_outside_terraform_is_reported() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("deleting");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    acc.apply();
    acc.seed_execution(
        SeedExecution::new(&name, "RUNNING")
            .qualifier("$LATEST")
            .name("draining"),
    );
    let sdk = acc.lambda_sdk();
    if let Err(e) = sdk.block_on(sdk.client().delete_function().function_name(&name).send()) {
        panic!("deleting {name} outside Terraform: {e:?}");
    }
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("is being deleted in AWS")
        .says(&["DrainingDurableExecutions"])
        .address(ADDRESS)
        .find_in(&warnings, "the plan of a function being deleted");
}

/// An update that leaves the function no environment variables (as generated
/// configuration does: `variables = null # sensitive`) warns at `environment.variables`,
/// saying how many go; a plan that keeps them, or replaces nothing, asks AWS for no
/// version list.
#[test]
fn removing_every_environment_variable_warns() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("envvars");
    let zip = acc.zip("code.zip", "v1");
    let with = |variables: &str| {
        format!("\n  environment {{\n    variables = {variables}\n  }}\n  description = \"d\"\n")
    };
    acc.write(&acc.function_config(
        &name,
        &path_text(&zip),
        &with("{ STAGE = \"prod\", TABLE = \"orders\" }"),
        "",
    ));
    acc.apply();

    let generated = acc.function_config(&name, &path_text(&zip), &with("null"), "");
    acc.write(&generated);
    acc.emu().reset_calls();
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("deletes its 2 environment variables")
        .says(&[
            "generate-config-out",
            "sensitive",
            "fill in environment.variables",
        ])
        .address(ADDRESS)
        .at(Hcl::new("main.tf", &generated).at(ADDRESS, "environment[0].variables"))
        .find_in(&warnings, "a plan removing the variables");
    assert_eq!(acc.emu().call_count("ListVersionsByFunction"), 0);

    // Without the block too.
    acc.write(&acc.function_config(&name, &path_text(&zip), "", ""));
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("deletes its 2 environment variables")
        .address(ADDRESS)
        .find_in(&warnings, "a plan removing the environment block");
    acc.apply();
    let c = latest_config(&acc, &name);
    assert!(
        c["Environment"]["Variables"]
            .as_object()
            .is_none_or(|v| v.is_empty()),
        "{c:#}"
    );
    let warnings = acc.plan_diagnostics().warnings();
    assert!(
        !warnings.has_summary("environment variable"),
        "{}",
        warnings.describe()
    );
    acc.destroy();
}
