//! Acceptance tests of `lambda_function_version`: the real `terraform` binary drives the
//! provider binary against the local AWS emulator of the `acceptance-tests` crate.
//!
//! Each test asserts what a user notices: the version AWS (the emulator's state dump)
//! holds, what `terraform plan` and `apply` say, and where a diagnostic points in the
//! configuration. Changes outside Terraform go through the AWS SDK, durable executions
//! and failed versions through the emulator's control API, so every test here needs the
//! emulator and is skipped against real AWS.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use acceptance_tests::{EmulatorOptions, FailFunction, FaultKind, FaultSpec, SeedExecution};
use support::capacity_provider::REQUIRED_PROVIDERS;
use support::durable_function::ADDRESS as FUNCTION;
use support::function_version::{
    ADDRESS, ScalingSeen, function_arn, managed_function_body, version_block,
};
use support::{Acc, Diagnostics, Expect, Hcl, setup};

/// The version's `function_name` naming the function of the configuration.
const BY_REFERENCE: &str = "  function_name = lambda_durable_function.test.function_name\n";

/// The path of a zip package as the configuration names it.
fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A configuration of only `blocks` (top-level HCL), with the provider.
fn bare_config(blocks: &str) -> String {
    format!("\n{REQUIRED_PROVIDERS}\nprovider \"lambda\" {{}}\n{blocks}")
}

/// A `function_scaling_config` block of the version.
fn scaling(min: u32, max: u32) -> String {
    format!(
        "\n  function_scaling_config {{\n    min_execution_environments = {min}\n    max_execution_environments = {max}\n  }}\n"
    )
}

/// Asserts that a plan's text has a line containing every one of `words`.
fn assert_line(text: &str, words: &[&str]) {
    assert!(
        text.lines().any(|l| words.iter().all(|w| l.contains(w))),
        "no line of the plan has {words:?}:\n{text}"
    );
}

/// Asserts that `plan` is empty, saying `when`.
fn assert_empty(plan: &tfplug::testing::Plan, when: &str) {
    assert!(
        plan.is_empty(),
        "{when}: the plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
}

/// The configuration of a managed-instances function `name` (on capacity provider
/// `cp_name`, code `zip`) and its version with `version_body` after `BY_REFERENCE`.
fn managed_config(acc: &Acc, name: &str, cp_name: &str, zip: &str, version_body: &str) -> String {
    acc.function_config(
        name,
        zip,
        &managed_function_body("cp"),
        &format!(
            "{}{}",
            acc.arm_capacity_provider("cp", cp_name),
            version_block("test", &format!("{BY_REFERENCE}{version_body}"))
        ),
    )
}

/// 1. A version of a function on Lambda (no capacity provider).
#[test]
fn publish_on_a_plain_durable_function() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("plain");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&acc.function_config(
        &name,
        &path_text(&zip),
        "",
        &version_block("test", BY_REFERENCE),
    ));
    acc.apply();

    let v = acc.resource(ADDRESS);
    let f = acc.resource(FUNCTION);
    let arn = function_arn(&name);
    assert_eq!(v["version"], "1", "{v:#}");
    assert_eq!(v["arn"], format!("{arn}:1").as_str());
    assert_eq!(v["function_arn"], arn.as_str());
    assert_eq!(v["state"], "Active");
    assert_eq!(v["code_sha256"], f["code_sha256"], "{v:#}\n{f:#}");
    assert!(v["last_modified"].is_string(), "{v:#}");
    assert!(v["capacity_provider_arn"].is_null(), "{v:#}");
    assert!(v["applied_min_execution_environments"].is_null(), "{v:#}");
    assert_eq!(v["skip_destroy"], false);
    assert_eq!(v["running_executions_on_destroy"], "fail");

    assert_eq!(acc.emulated_versions(&name), vec!["1"]);
    let emulated = acc.emulated_version(&name, "1").unwrap_or_default();
    assert_eq!(emulated["state"], "Active", "{emulated:#}");
    assert_eq!(emulated["code_sha256"], f["code_sha256"]);

    assert_empty(&acc.plan(), "after publishing");
    acc.destroy();
    assert!(acc.emulated("functions", &name).is_none());
}

/// Two version resources of one function with nothing changed between them: AWS answers
/// the second publish with the first one's version. The second fails saying so, instead
/// of both holding one version (whose destroy by either deletes it under the other), and
/// its settled journal entry leaves no "interrupted apply" warning behind.
#[test]
fn two_versions_of_unchanged_code_in_one_apply_do_not_share_one_version() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("twice");
    let zip = acc.zip("code.zip", "v1");
    let versions = format!(
        "{}{}",
        version_block("test", BY_REFERENCE),
        version_block("other", BY_REFERENCE)
    );
    acc.write(&acc.function_config(&name, &path_text(&zip), "", &versions));
    let out = acc.fail(&["apply", "-auto-approve", "-json", "-input=false"]);
    let diags = Diagnostics::from_json_lines(&out.stdout);
    let errors = diags.errors();
    assert_eq!(errors.all().len(), 1, "{}", diags.describe());
    assert!(
        errors.all()[0]["summary"]
            .as_str()
            .is_some_and(|s| s.ends_with("is already held by another resource of this apply")),
        "{}",
        diags.describe()
    );
    assert_eq!(acc.emulated_versions(&name), vec!["1"]);
    let held: Vec<String> = acc.state().addresses();
    assert_eq!(
        held.iter()
            .filter(|a| a.starts_with("lambda_function_version."))
            .count(),
        1,
        "{held:?}"
    );
    let next = acc.plan_diagnostics();
    assert!(
        !next.has_summary("Objects an interrupted apply may have left"),
        "{}",
        next.describe()
    );
    acc.write(&acc.function_config(
        &name,
        &path_text(&zip),
        "",
        &version_block("test", BY_REFERENCE),
    ));
    acc.destroy();
}

/// Emulator options where a scaling configuration takes 2 s to be applied: long
/// enough that an apply that did not wait would leave it Requested.
fn slow_scaling() -> EmulatorOptions {
    EmulatorOptions {
        scaling_delay: Duration::from_secs(2),
        ..EmulatorOptions::default()
    }
}

/// 2. A version on Lambda Managed Instances: the apply waits until AWS applied the
///    scaling.
#[test]
fn publish_on_managed_instances_waits_for_the_scaling() {
    let Some(acc) = setup(slow_scaling(), true) else {
        return;
    };
    let name = acc.name("managed");
    let cp_name = acc.name("managed-cp");
    let zip = acc.zip("code.zip", "v1");
    acc.write(&managed_config(
        &acc,
        &name,
        &cp_name,
        &path_text(&zip),
        &scaling(3, 6),
    ));
    acc.apply();
    // The apply returned once AWS applied it: nothing is still requested.
    assert_eq!(
        acc.lambda_sdk().scaling(&name, "1"),
        ScalingSeen {
            requested: None,
            applied: Some((Some(3), Some(6))),
        }
    );

    let v = acc.resource(ADDRESS);
    let cp_arn = acc.resource("lambda_capacity_provider.cp")["arn"].clone();
    assert!(cp_arn.is_string());
    assert_eq!(v["version"], "1", "{v:#}");
    assert_eq!(v["state"], "Active", "{v:#}");
    assert_eq!(v["capacity_provider_arn"], cp_arn, "{v:#}");
    assert_eq!(v["applied_min_execution_environments"], 3, "{v:#}");
    assert_eq!(v["applied_max_execution_environments"], 6, "{v:#}");
    assert_eq!(
        v["function_scaling_config"],
        serde_json::json!([{"min_execution_environments": 3, "max_execution_environments": 6}])
    );
    assert_eq!(
        acc.emulated_version(&name, "1").unwrap_or_default()["state"],
        "Active"
    );
    assert_empty(&acc.plan(), "after publishing with scaling");

    // Imported elsewhere with the same configuration: the same state, nothing to do.
    let wd = acc.another_workdir();
    wd.write(&bare_config(&version_block(
        "test",
        &format!("  function_name = \"{name}\"\n{}", scaling(3, 6)),
    )));
    wd.import(ADDRESS, &format!("{name}:1"));
    let diff = support::compare::differences(&v, &wd.resource(ADDRESS), &["timeouts"]);
    assert!(
        diff.is_empty(),
        "the import differs from the created state:\n{}",
        diff.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_empty(&wd.plan(), "after importing the managed version");
}

/// 3. Scaling changes in place; removing the block puts an empty configuration.
#[test]
fn scaling_updates_in_place_and_removal_puts_an_empty_configuration() {
    let Some(acc) = setup(slow_scaling(), true) else {
        return;
    };
    let name = acc.name("rescale");
    let cp_name = acc.name("rescale-cp");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&managed_config(&acc, &name, &cp_name, &zip, &scaling(3, 6)));
    acc.apply();
    let before = acc.resource(ADDRESS);

    acc.write(&managed_config(&acc, &name, &cp_name, &zip, &scaling(3, 9)));
    let text = acc.plan_text();
    assert!(
        text.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{text}"
    );
    assert_line(&text, &["max_execution_environments", "6", "->", "9"]);
    assert!(!text.contains("forces replacement"), "{text}");
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(
        acc.lambda_sdk().scaling(&name, "1"),
        ScalingSeen {
            requested: None,
            applied: Some((Some(3), Some(9))),
        },
        "the apply must wait until AWS applied max 9"
    );
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    let v = acc.resource(ADDRESS);
    assert_eq!(v["arn"], before["arn"], "the same version");
    assert_eq!(v["applied_max_execution_environments"], 9, "{v:#}");
    assert_eq!(v["applied_min_execution_environments"], 3, "{v:#}");
    assert_empty(&acc.plan(), "after the scaling update");

    // Without the block: AWS's defaults (an empty configuration).
    acc.write(&managed_config(&acc, &name, &cp_name, &zip, ""));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    // The apply waits until AWS has applied its defaults, so the state does not keep
    // reporting the old configuration as applied.
    assert_eq!(
        acc.lambda_sdk().scaling(&name, "1"),
        ScalingSeen {
            requested: None,
            applied: Some((None, None)),
        },
        "the apply must wait until AWS applied the empty configuration"
    );
    let v = acc.resource(ADDRESS);
    assert_eq!(v["function_scaling_config"], serde_json::json!([]));
    assert_eq!(
        v["applied_max_execution_environments"],
        serde_json::Value::Null,
        "{v:#}"
    );
    assert_eq!(
        v["applied_min_execution_environments"],
        serde_json::Value::Null,
        "{v:#}"
    );
    assert_empty(&acc.plan(), "after removing the scaling");
}

/// An attribute under `ignore_changes` inside the scaling block keeps its value when the
/// block changes: the update used to send the configuration's new minimum.
#[test]
fn an_ignored_scaling_attribute_is_not_sent_with_the_others() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("ignmin");
    let cp_name = acc.name("ignmin-cp");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let ignore = "  lifecycle {\n    ignore_changes = [function_scaling_config[0].min_execution_environments]\n  }\n";
    let body = |min: u32, max: u32| format!("{}{ignore}", scaling(min, max));
    acc.write(&managed_config(&acc, &name, &cp_name, &zip, &body(3, 6)));
    acc.apply();
    acc.write(&managed_config(&acc, &name, &cp_name, &zip, &body(4, 9)));
    assert_eq!(acc.plan().actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    assert_eq!(
        acc.lambda_sdk().scaling(&name, "1").applied,
        Some((Some(3), Some(9)))
    );
    assert_empty(&acc.plan(), "after the update");
    acc.destroy();
}

/// A destroy whose wait fails after AWS accepted DeleteFunction of the version (its reads
/// throttled, no retries) says the version is going anyway and that the state catches up,
/// as the function's and the capacity provider's destroys say.
#[test]
fn a_version_destroy_that_fails_after_the_delete_says_the_version_is_going() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("going");
    let zip = acc.zip("code.zip", "v1");
    acc.write(
        &acc.function_config(
            &name,
            &path_text(&zip),
            "",
            &version_block("test", BY_REFERENCE),
        )
        .replace(
            "provider \"lambda\" {}",
            "provider \"lambda\" {\n  max_retries = 0\n}",
        ),
    );
    acc.apply();
    // Without a refresh, the destroy's only reads of the version are its wait.
    acc.emu()
        .inject_fault(FaultSpec::times("GetFunction", FaultKind::Throttle, 1000));
    let target = format!("-target={ADDRESS}");
    let out = acc.fail(&[
        "destroy",
        "-auto-approve",
        "-refresh=false",
        &target,
        "-json",
        "-input=false",
        "-no-color",
    ]);
    let errors = support::Diagnostics::from_json_lines(&out.stdout).errors();
    Expect::error()
        .detail(&[
            "AWS had accepted the delete: the version is gone or still being deleted",
            "until a refresh finds it gone",
        ])
        .find_in(&errors, "destroy");
    acc.emu().clear_faults();
    acc.destroy();
    assert!(acc.state().addresses().is_empty());
}

/// A version planned on a function AWS is deleting (its executions draining after an
/// interrupted destroy or a delete outside Terraform) fails the plan at `function_name`:
/// the apply used to fail with a bare "PublishVersion … Function not found".
#[test]
fn a_version_of_a_function_being_deleted_fails_the_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("deleting");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", ""));
    acc.apply();
    if let Err(e) = acc
        .emu()
        .seed_durable_execution(SeedExecution::new(&name, "RUNNING").name("draining"))
    {
        panic!("seeding an execution: {e}");
    }
    let sdk = acc.lambda_sdk();
    if let Err(e) = sdk.block_on(sdk.client().delete_function().function_name(&name).send()) {
        panic!("deleting {name} outside Terraform: {e:?}");
    }
    let hcl = acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE));
    acc.write(&hcl);
    let errors = acc.plan_errors();
    let main = support::Hcl::new("main.tf", &hcl);
    Expect::error()
        .summary("The function is being deleted")
        .says(&["state Deleting", "Plan again once AWS has deleted it"])
        .at(main.at(ADDRESS, "function_name"))
        .find_in(&errors, "plan");
}

/// A version of a function that does not exist fails its apply at `function_name`,
/// saying how to make Terraform create the function first, not that the function "was
/// deleted after the plan" (the hint meant for updates of objects the plan found).
#[test]
fn a_version_of_a_function_that_does_not_exist_says_to_refer_to_it() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let missing = acc.name("missing");
    let hcl = bare_config(&version_block(
        "test",
        &format!("  function_name = \"{missing}\"\n"),
    ));
    acc.write(&hcl);
    let errors = acc.apply_errors();
    let main = support::Hcl::new("main.tf", &hcl);
    let found = Expect::error()
        .says(&[
            "does not exist",
            "lambda_durable_function.NAME.function_name",
        ])
        .at(main.at(ADDRESS, "function_name"))
        .find_in(&errors, "apply");
    let detail = found["detail"].as_str().unwrap_or_default();
    assert!(!detail.contains("deleted after the plan"), "{detail}");
}

/// 4. The scaling rules at plan, at their attribute.
#[test]
fn scaling_rules_fail_the_plan_at_their_attribute() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("rules");
    let zip = path_text(&acc.zip("code.zip", "v1"));

    // min above max: refused before anything exists.
    let hcl = acc.function_config(
        &name,
        &zip,
        "",
        &version_block("test", &format!("{BY_REFERENCE}{}", scaling(7, 5))),
    );
    acc.write(&hcl);
    let errors = acc.plan_errors();
    let at = Hcl::new("main.tf", &hcl).at(
        ADDRESS,
        "function_scaling_config[0].min_execution_environments",
    );
    Expect::error()
        .summary("min_execution_environments above max_execution_environments")
        .says(&["7", "5"])
        .address(ADDRESS)
        .at(at)
        .find_in(&errors, "terraform plan, min > max");
    assert_eq!(errors.all().len(), 1, "{}", errors.describe());

    // Scaling on a function that runs on Lambda (it exists: the plan looks it up).
    acc.write(&acc.function_config(&name, &zip, "", ""));
    acc.apply();
    let hcl = acc.function_config(
        &name,
        &zip,
        "",
        &version_block("test", &format!("{BY_REFERENCE}{}", scaling(1, 2))),
    );
    acc.write(&hcl);
    acc.emu().reset_calls();
    let diagnostics = acc.failed_plan_diagnostics();
    // The review's warning about min_execution_environments = 1 (LMI-RES-002) would be
    // about a block the user must remove anyway.
    assert!(
        !diagnostics.has_summary("LMI-RES-002"),
        "{}",
        diagnostics.describe()
    );
    let errors = diagnostics.errors();
    // Terraform places no path to a block: the error is at the block's first attribute.
    let inside = Hcl::new("main.tf", &hcl).at(
        ADDRESS,
        "function_scaling_config[0].min_execution_environments",
    );
    Expect::error()
        .summary("Scaling needs Lambda Managed Instances")
        .says(&[&name, "capacity provider", "function_scaling_config"])
        .address(ADDRESS)
        .at(inside)
        .find_in(
            &errors,
            "terraform plan, scaling without a capacity provider",
        );
    assert_eq!(errors.all().len(), 1, "{}", errors.describe());
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    assert!(acc.emulated_versions(&name).is_empty());

    // The same block added to a version already published: the update is refused at
    // plan too, not by AWS at apply.
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    acc.write(&hcl);
    let errors = acc.failed_plan_diagnostics().errors();
    Expect::error()
        .summary("Scaling needs Lambda Managed Instances")
        .says(&[&name, "capacity provider", "function_scaling_config"])
        .address(ADDRESS)
        .at(Hcl::new("main.tf", &hcl).at(
            ADDRESS,
            "function_scaling_config[0].min_execution_environments",
        ))
        .find_in(
            &errors,
            "terraform plan, scaling added to a published version",
        );
    assert_eq!(errors.all().len(), 1, "{}", errors.describe());
}

/// A function moved onto a capacity provider in the same apply that gives its version
/// scaling: the plan warns (the function as it is now has no capacity provider) instead
/// of failing, and the apply publishes the new version on the capacity provider with its
/// scaling.
#[test]
fn scaling_given_while_the_function_moves_onto_a_capacity_provider_plans_and_applies() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("moves");
    let cp_name = acc.name("moves-cp");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let triggers = format!(
        "  triggers = {{\n    code   = {FUNCTION}.code_sha256\n    config = {FUNCTION}.config_sha256\n  }}\n"
    );
    let config = |function_body: &str, version_body: &str| {
        acc.function_config(
            &name,
            &zip,
            function_body,
            &format!(
                "{}{}",
                acc.arm_capacity_provider("cp", &cp_name),
                version_block("test", &format!("{BY_REFERENCE}{triggers}{version_body}"))
            ),
        )
    };
    acc.write(&config("  architectures = [\"arm64\"]\n", ""));
    acc.apply();
    assert!(acc.resource(ADDRESS)["capacity_provider_arn"].is_null());

    acc.write(&config(&managed_function_body("cp"), &scaling(3, 6)));
    let diags = acc.plan_diagnostics();
    assert!(diags.errors().all().is_empty(), "{}", diags.describe());
    Expect::error()
        .summary("Scaling needs Lambda Managed Instances")
        .says(&["changes the function first"])
        .find_in(&diags.warnings(), "plan moving the function");
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert!(
        v["capacity_provider_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":capacity-provider:{cp_name}"))),
        "{v:#}"
    );
    assert_eq!(v["applied_max_execution_environments"], 6, "{v:#}");
    assert_empty(&acc.plan(), "after moving onto the capacity provider");
}

/// 5. A trigger change publishes again; with create_before_destroy and unchanged code
///    AWS returns the same version, which the destroy of the old instance keeps.
#[test]
fn trigger_changes_republish_and_create_before_destroy_keeps_the_same_version() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("triggers");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let config = |release: &str, lifecycle: &str| {
        acc.function_config(
            &name,
            &zip,
            "",
            &version_block(
                "test",
                &format!("{BY_REFERENCE}  triggers = {{ release = \"{release}\" }}\n{lifecycle}"),
            ),
        )
    };
    acc.write(&config("one", ""));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["version"], "1");

    // Destroy, then create: version 1 is deleted, the new instance publishes 2.
    acc.write(&config("two", ""));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()]
    );
    assert!(
        plan.replace_paths(ADDRESS)
            .iter()
            .any(|p| p == &serde_json::json!(["triggers"])),
        "{:?}",
        plan.replace_paths(ADDRESS)
    );
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert_eq!(v["version"], "2", "{v:#}");
    assert_eq!(v["arn"], format!("{}:2", function_arn(&name)).as_str());
    assert_eq!(
        acc.emulated_versions(&name),
        vec!["2"],
        "version 1 is deleted"
    );
    assert_empty(&acc.plan(), "after republishing");

    // Create before destroy, code unchanged: AWS answers version 2 again. The plan's
    // warning about an execution on version 2 says it holds only for a new version, and
    // the apply leaves the execution alone.
    let seeded = acc
        .emu()
        .seed_durable_execution(SeedExecution::new(&name, "RUNNING").qualifier("2"))
        .unwrap_or_else(|e| panic!("seeding: {e}"));
    let cbd = "\n  lifecycle {\n    create_before_destroy = true\n  }\n";
    acc.write(&config("three", cbd));
    Expect::error()
        .summary("1 durable execution is active")
        .detail(&[
            "AWS answers with version 2 again",
            "nothing is stopped or deleted",
        ])
        .find_in(
            &acc.plan_diagnostics().warnings(),
            "plan of create_before_destroy",
        );
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["create".to_string(), "delete".to_string()]
    );
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 1);
    assert_eq!(
        acc.emu().call_count("DeleteFunction"),
        0,
        "the old instance holds the version the new one holds: it must not be deleted"
    );
    let v = acc.resource(ADDRESS);
    assert_eq!(v["version"], "2", "{v:#}");
    assert_eq!(v["triggers"]["release"], "three");
    assert_eq!(acc.emulated_versions(&name), vec!["2"]);
    assert_eq!(
        acc.emulated_version(&name, "2").unwrap_or_default()["state"],
        "Active"
    );
    assert_eq!(
        acc.state().addresses().len(),
        2,
        "no deposed object is left"
    );
    assert_eq!(
        acc.emu().state()["durable_executions"][&seeded.durable_execution_arn]["status"],
        "RUNNING"
    );
    assert_empty(&acc.plan(), "after create_before_destroy");
}

/// `create_before_destroy` on the version is implied on the function it depends on, so a
/// replacement of the function that keeps its name meets the old function: the error
/// says so (importing cannot help, the state holds the old one), and nothing is lost.
#[test]
fn a_same_name_replacement_under_create_before_destroy_says_what_to_change() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("cbd-name");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let cbd = "\n  lifecycle {\n    create_before_destroy = true\n  }\n";
    let config = |tenancy: &str| {
        acc.function_config(
            &name,
            &zip,
            tenancy,
            &version_block("test", &format!("{BY_REFERENCE}{cbd}")),
        )
    };
    acc.write(&config(""));
    acc.apply();
    let arn_before = acc.resource(FUNCTION)["arn"].clone();

    // Tenant isolation can only be set by a replacement of the function.
    acc.write(&config(
        "  tenancy_config {\n    tenant_isolation_mode = \"PER_TENANT\"\n  }\n",
    ));
    let errors = acc.apply_errors();
    let error = errors
        .all()
        .iter()
        .find(|d| {
            d["summary"]
                .as_str()
                .is_some_and(|s| s.contains("already exists"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("an already-exists error: {}", errors.describe()));
    let detail = error["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("create_before_destroy") && detail.contains("Change the function_name"),
        "{error:#}"
    );
    assert_eq!(
        acc.resource(FUNCTION)["arn"],
        arn_before,
        "the old function stays in the state"
    );
    assert!(acc.emulated("functions", &name).is_some());
    assert_eq!(acc.emulated_versions(&name), vec!["1"]);
}

/// A `revision_id`-guarded publish whose answer is lost: AWS published, and the retry
/// meets the revision the publish made. The error says so and how to go on (it used to
/// say that the function changed after the plan); following it returns the version AWS
/// published, not a second one.
#[test]
fn a_guarded_publish_whose_answer_was_lost_says_how_to_go_on() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("lost-publish");
    let sdk = acc.lambda_sdk();
    sdk.create_durable_function(&name, "v1", None);
    let revision = sdk
        .latest(&name)
        .revision_id()
        .unwrap_or_default()
        .to_string();
    let guarded = |value: &str| {
        bare_config(&version_block(
            "test",
            &format!("  function_name = \"{name}\"\n  revision_id = \"{value}\"\n"),
        ))
    };
    acc.emu().inject_fault(acceptance_tests::FaultSpec::times(
        "PublishVersion",
        acceptance_tests::FaultKind::DropResponse,
        1,
    ));
    acc.write(&guarded(&revision));
    let errors = acc.apply_errors();
    Expect::error()
        .says(&[
            "answer to the first attempt was lost",
            "most likely published",
            "lambda_durable_function.NAME.revision_id",
        ])
        .address(ADDRESS)
        .find_in(&errors, "a guarded publish whose answer was lost");
    assert_eq!(
        acc.emulated_versions(&name).len(),
        1,
        "the first attempt published"
    );

    let current = sdk
        .latest(&name)
        .revision_id()
        .unwrap_or_default()
        .to_string();
    assert_ne!(current, revision, "publishing changed $LATEST's revision");
    acc.write(&guarded(&current));
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["version"],
        "1",
        "the version AWS published"
    );
    assert_eq!(acc.emulated_versions(&name).len(), 1, "no second version");
}

/// 6. `code_sha256` and `revision_id` guards that no longer match `$LATEST`.
#[test]
fn guards_that_no_longer_match_fail_the_apply_clearly() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    // A function managed outside this configuration.
    let name = acc.name("guards");
    let sdk = acc.lambda_sdk();
    sdk.create_durable_function(&name, "v1", None);
    let old = sdk.latest(&name);
    let old_sha = old.code_sha256().unwrap_or_default().to_string();
    let old_revision = old.revision_id().unwrap_or_default().to_string();
    sdk.update_code(&name, "v2");
    let new_sha = sdk
        .latest(&name)
        .code_sha256()
        .unwrap_or_default()
        .to_string();
    assert_ne!(old_sha, new_sha);

    let guarded = |attr: &str, value: &str| {
        bare_config(&version_block(
            "test",
            &format!("  function_name = \"{name}\"\n  {attr} = \"{value}\"\n"),
        ))
    };
    let hcl = guarded("code_sha256", &old_sha);
    acc.write(&hcl);
    // The plan already says that the guard is not the code $LATEST holds.
    let warnings = acc.plan_diagnostics().warnings();
    let at = Hcl::new("main.tf", &hcl).at(ADDRESS, "code_sha256");
    let warning = warnings
        .all()
        .iter()
        .find(|d| d["summary"] == "code_sha256 is not the function's code")
        .cloned()
        .unwrap_or_else(|| panic!("no warning at code_sha256: {}", warnings.describe()));
    assert_eq!(warning["range"]["start"]["line"], at.line, "{warning:#}");
    assert!(
        warning["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&old_sha) && d.contains(&new_sha)),
        "{warning:#}"
    );
    let errors = acc.apply_errors();
    Expect::error()
        .says(&[
            "code_sha256",
            &old_sha,
            "is not the code of",
            "$LATEST",
            "names other code",
        ])
        .address(ADDRESS)
        .find_in(&errors, "apply with an outdated code_sha256");
    assert!(acc.emulated_versions(&name).is_empty(), "nothing published");
    assert!(acc.state().addresses().is_empty());

    acc.write(&guarded("revision_id", &old_revision));
    let errors = acc.apply_errors();
    Expect::error()
        .says(&["revision_id", &old_revision, "no longer matches", "$LATEST"])
        .address(ADDRESS)
        .find_in(&errors, "apply with an outdated revision_id");
    assert!(acc.emulated_versions(&name).is_empty(), "nothing published");

    // The current hash publishes, without a warning.
    acc.write(&guarded("code_sha256", &new_sha));
    assert!(
        !acc.plan_diagnostics().has_summary("code_sha256 is not"),
        "a matching guard draws no warning"
    );
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert_eq!(v["version"], "1");
    assert_eq!(v["code_sha256"], new_sha.as_str());
    assert_eq!(
        acc.emulated_version(&name, "1").unwrap_or_default()["code_sha256"],
        new_sha.as_str()
    );
    assert_empty(&acc.plan(), "after a guarded publish");
}

/// 7. Import `FUNCTION:VERSION` by name and by ARN.
#[test]
fn import_by_name_and_arn() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("import");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let body = format!("{BY_REFERENCE}  description = \"release one\"\n");
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", &body)));
    acc.apply();
    let created = acc.resource(ADDRESS);
    let arn = function_arn(&name);

    // By name: the plan is empty and the state is the created one.
    let wd = acc.another_workdir();
    wd.write(&bare_config(&version_block(
        "test",
        &format!("  function_name = \"{name}\"\n  description = \"release one\"\n"),
    )));
    wd.import(ADDRESS, &format!("{name}:1"));
    let imported = wd.resource(ADDRESS);
    let diff = support::compare::differences(&created, &imported, &["timeouts"]);
    assert!(
        diff.is_empty(),
        "import by name differs from the created state:\n{}",
        diff.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_empty(&wd.plan(), "after importing by name");

    // By ARN, with triggers in the configuration: recorded in place, nothing published.
    let wd = acc.another_workdir();
    wd.write(&bare_config(&version_block(
        "test",
        &format!(
            "  function_name = \"{arn}\"\n  description = \"release one\"\n  triggers = {{ release = \"one\" }}\n"
        ),
    )));
    wd.import(ADDRESS, &format!("{arn}:1"));
    let imported = wd.resource(ADDRESS);
    assert_eq!(imported["function_name"], arn.as_str());
    let diff = support::compare::differences(
        &created,
        &imported,
        &["timeouts", "function_name", "triggers"],
    );
    assert!(
        diff.is_empty(),
        "import by ARN differs from the created state:\n{}",
        diff.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let plan = wd.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["update".to_string()],
        "triggers are recorded in place: {:#}",
        plan.json()["resource_changes"]
    );
    assert!(plan.replace_paths(ADDRESS).is_empty());
    acc.emu().reset_calls();
    wd.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    assert_eq!(acc.emu().call_count("DeleteFunction"), 0);
    assert_eq!(wd.resource(ADDRESS)["triggers"]["release"], "one");
    assert_eq!(wd.resource(ADDRESS)["version"], "1");
    assert_empty(&wd.plan(), "after recording the triggers");
    assert_eq!(acc.emulated_versions(&name), vec!["1"]);

    // IDs that are not FUNCTION:VERSION.
    for bad in [name.clone(), format!("{name}:$LATEST")] {
        let wd = acc.another_workdir();
        wd.write(&bare_config(&version_block(
            "test",
            &format!("  function_name = \"{name}\"\n"),
        )));
        let out = wd.fail(&["import", "-input=false", "-no-color", ADDRESS, &bad]);
        let text = format!("{}{}", out.stdout, out.stderr);
        assert!(text.contains("is not FUNCTION:VERSION"), "{text}");
        assert!(text.contains(&bad), "{text}");
        assert!(wd.state().addresses().is_empty(), "nothing may be imported");
    }
}

/// Unset, a version's description is the function's, which AWS gives it on publish: the
/// publish is taken, and the plan after it, and after importing it, is empty.
#[test]
fn a_version_without_a_description_takes_the_functions() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("fn-descr");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let function_body = "  description = \"order service\"\n";
    acc.write(&acc.function_config(
        &name,
        &zip,
        function_body,
        &version_block("test", BY_REFERENCE),
    ));
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert_eq!(v["version"], "1", "{v:#}");
    assert_eq!(v["description"], "order service", "{v:#}");
    assert_eq!(acc.emulated_versions(&name), vec!["1"]);
    assert_empty(&acc.plan(), "after publishing");

    let wd = acc.another_workdir();
    wd.write(&bare_config(&version_block(
        "test",
        &format!("  function_name = \"{name}\"\n"),
    )));
    wd.import(ADDRESS, &format!("{name}:1"));
    assert_eq!(wd.resource(ADDRESS)["description"], "order service");
    assert_empty(&wd.plan(), "after importing it");
    acc.destroy();
}

/// A function named by ARN is in the ARN's region: its version is published there, the
/// ARN known at plan or only at apply, and a `region` that says otherwise fails the plan.
#[test]
fn a_function_named_by_arn_is_published_in_the_arns_region() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("west");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let in_west = "  region = \"us-west-2\"\n";
    let by_arn = version_block(
        "test",
        "  function_name = lambda_durable_function.test.arn\n",
    );
    acc.write(&acc.function_config(&name, &zip, in_west, &by_arn));
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert_eq!(v["region"], "us-west-2", "{v:#}");
    assert_eq!(v["version"], "1", "{v:#}");
    let arn = format!("arn:aws:lambda:us-west-2:123456789012:function:{name}");
    assert_eq!(v["arn"], format!("{arn}:1").as_str(), "{v:#}");
    assert_empty(&acc.plan(), "after publishing by an ARN known at apply");

    let known = version_block("known", &format!("  function_name = \"{arn}\"\n"));
    acc.write(&acc.function_config(&name, &zip, in_west, &format!("{by_arn}{known}")));
    let plan = acc.plan();
    let planned = &support::change_of(&plan, "lambda_function_version.known")["change"]["after"];
    assert_eq!(planned["region"], "us-west-2", "{planned:#}");

    let conflicting = version_block(
        "other",
        &format!("  function_name = \"{arn}\"\n  region        = \"us-east-1\"\n"),
    );
    let hcl = acc.function_config(&name, &zip, in_west, &format!("{by_arn}{conflicting}"));
    acc.write(&hcl);
    let errors = acc.plan_errors();
    let at = Hcl::new("main.tf", &hcl).at("lambda_function_version.other", "region");
    Expect::error()
        .summary("region differs from the function's")
        .says(&["us-east-1", "us-west-2", "Remove region"])
        .address("lambda_function_version.other")
        .at(at)
        .find_in(&errors, "terraform plan, region against the ARN's");
    acc.write(&acc.function_config(&name, &zip, in_west, &by_arn));
    acc.destroy();
}

/// With `publish = true` and a `lambda_function_version` of the same code, both hold the
/// one version AWS publishes for it. When the version resource deletes it, the function's
/// `version` and `qualified_arn` must not go on naming it: the refresh says it is gone,
/// and the apply publishes again.
#[test]
fn a_deleted_published_version_is_published_again_not_kept_in_state() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("republish");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let both = acc.function_config(
        &name,
        &zip,
        "  publish = true\n",
        &version_block("test", BY_REFERENCE),
    );
    acc.write(&both);
    acc.apply();
    assert_eq!(acc.resource(FUNCTION)["version"], "1");
    assert_eq!(
        acc.resource(ADDRESS)["version"],
        "1",
        "AWS returned the same version"
    );

    acc.succeed(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-target={ADDRESS}"),
    ]);
    assert!(
        acc.emulated_version(&name, "1").is_none(),
        "the version resource deleted it"
    );

    acc.write(&acc.function_config(&name, &zip, "  publish = true\n", ""));
    let text = acc.plan_text();
    assert!(text.contains("its published version is gone"), "{text}");
    assert!(text.contains("1 to change"), "{text}");
    acc.apply();
    let f = acc.resource(FUNCTION);
    let version = f["version"].as_str().unwrap_or_default().to_string();
    assert!(version != "1" && version != "$LATEST", "{f:#}");
    assert!(
        acc.emulated_version(&name, &version).is_some(),
        "{version} is not in AWS"
    );
    assert!(
        f["qualified_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":{version}"))),
        "{f:#}"
    );
    assert_empty(&acc.plan(), "after publishing again");
    acc.destroy();
}

/// 8. `skip_destroy`: the destroy forgets the version, AWS keeps it.
#[test]
fn skip_destroy_keeps_the_version() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("keep");
    acc.lambda_sdk().create_durable_function(&name, "v1", None);
    let config = |skip: bool| {
        bare_config(&version_block(
            "test",
            &format!("  function_name = \"{name}\"\n  skip_destroy  = {skip}\n"),
        ))
    };
    acc.write(&config(false));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["skip_destroy"], false);

    // Set on the existing version: in place, no AWS change.
    acc.write(&config(true));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    acc.emu().reset_calls();
    acc.apply();
    for op in [
        "PublishVersion",
        "PutFunctionScalingConfig",
        "DeleteFunction",
    ] {
        assert_eq!(acc.emu().call_count(op), 0, "{op} for skip_destroy");
    }
    assert_eq!(acc.resource(ADDRESS)["skip_destroy"], true);
    assert_eq!(acc.resource(ADDRESS)["version"], "1");

    acc.destroy();
    assert!(acc.state().addresses().is_empty(), "Terraform forgot it");
    assert_eq!(acc.emu().call_count("DeleteFunction"), 0);
    assert_eq!(acc.emulated_versions(&name), vec!["1"], "AWS keeps it");
    assert_eq!(
        acc.emulated_version(&name, "1").unwrap_or_default()["state"],
        "Active"
    );
}

/// One observation of the emulator while a destroy runs: the version's state (`None`
/// once gone) and the status of each execution by name.
#[derive(Clone, Debug)]
struct Seen {
    version: Option<String>,
    executions: Vec<(String, String)>,
}

/// Sets its flag when dropped.
struct Finished<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Runs `terraform apply` (which must succeed) while watching version 1 of `name` and
/// its executions in the emulator; returns what was seen, in order.
fn apply_watching(acc: &Acc, name: &str) -> Vec<Seen> {
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let mut seen: Vec<Seen> = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline {
                let stop = done.load(std::sync::atomic::Ordering::SeqCst);
                let now = Seen {
                    version: acc
                        .emulated_version(name, "1")
                        .map(|v| v["state"].as_str().unwrap_or_default().to_string()),
                    executions: acc
                        .emulated_executions(name)
                        .iter()
                        .map(|e| {
                            (
                                e["name"].as_str().unwrap_or_default().to_string(),
                                e["status"].as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect(),
                };
                seen.push(now);
                if stop {
                    break;
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            seen
        });
        {
            // Ends the watch even when the apply panics.
            let _done = Finished(&done);
            acc.apply();
        }
        watcher.join().unwrap_or_default()
    })
}

/// The setup of the destroy tests: a function and its version 1 with
/// `running_executions_on_destroy = mode`. Returns the function's name and the
/// configuration without the version.
fn version_with_policy(acc: &Acc, base: &str, mode: &str) -> (String, String) {
    let name = acc.name(base);
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(
        &name,
        &zip,
        "",
        &version_block(
            "test",
            &format!("{BY_REFERENCE}  running_executions_on_destroy = \"{mode}\"\n"),
        ),
    ));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["version"], "1");
    (name.clone(), acc.function_config(&name, &zip, "", ""))
}

/// Seeds an execution of version 1 of `name`.
fn seed(acc: &Acc, name: &str, execution: &str, status: &str, finishes_after_ms: Option<u64>) {
    let mut req = SeedExecution::new(name, status)
        .qualifier("1")
        .name(execution);
    if let Some(ms) = finishes_after_ms {
        req = req.finishes_after(ms, "SUCCEEDED");
    }
    if let Err(e) = acc.emu().seed_durable_execution(req) {
        panic!("seeding {execution}: {e}");
    }
}

/// Asserts the plans that destroy the version (its block removed, and `plan -destroy`)
/// warn about its active executions and what `mode` will do. Terraform gives warnings
/// of destroy plans no address (there is no configuration to place them in): the
/// summary names the version.
fn assert_plan_warns(acc: &Acc, name: &str, count: &str, mode: &str) {
    let summary = format!("lambda_function_version \"{name}:1\": {count}");
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary(&summary)
        .says(&["This plan destroys", "active", &format!("= \"{mode}\"")])
        .find_in(&warnings, "the plan that destroys the version");
    let destroy = acc.plan_destroy_diagnostics().warnings();
    Expect::error()
        .summary(&summary)
        .says(&["This plan destroys", "active", &format!("= \"{mode}\"")])
        .find_in(&destroy, "terraform plan -destroy");
}

/// 9a. `fail`: the destroy refuses and the version stays.
#[test]
fn running_executions_fail_refuses_the_destroy() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let (name, without_version) = version_with_policy(&acc, "exec-fail", "fail");
    seed(&acc, &name, "order-1", "RUNNING", None);
    seed(&acc, &name, "order-2", "PAUSED", None);
    acc.write(&without_version);
    assert_plan_warns(&acc, &name, "2 durable executions", "fail");

    let errors = acc.apply_errors();
    // A destroy's errors have no address either: the summary names the version.
    Expect::error()
        .summary(&format!(
            "Cannot destroy lambda_function_version \"{name}:1\": 2 durable executions"
        ))
        .says(&["order-1", "order-2", "nothing was deleted"])
        .find_in(&errors, "destroy with running executions");
    assert_eq!(
        acc.emulated_version(&name, "1").unwrap_or_default()["state"],
        "Active",
        "the version must still be there"
    );
    let statuses: BTreeSet<String> = acc
        .emulated_executions(&name)
        .iter()
        .map(|e| e["status"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(statuses, ["PAUSED", "RUNNING"].map(String::from).into());
    assert!(
        acc.state().addresses().contains(&ADDRESS.to_string()),
        "the version stays in the state"
    );

    // A plan that replaces the version (a new description) warns as well.
    acc.write(&format!(
        "{without_version}{}",
        version_block("test", &format!("{BY_REFERENCE}  description = \"next\"\n"))
    ));
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary(&format!(
            "lambda_function_version \"{name}:1\": 2 durable executions"
        ))
        .says(&["This plan replaces", "= \"fail\""])
        .address(ADDRESS)
        .find_in(&warnings, "the plan that replaces the version");
}

/// 9b. `wait`: the destroy deletes once the executions ended by themselves.
#[test]
fn running_executions_wait_deletes_after_they_end() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    // Created with the default, then set to wait in place (applied before destroying,
    // as the documentation says).
    let (name, without_version) = version_with_policy(&acc, "exec-wait", "fail");
    acc.write(&acc.function_config(
        &name,
        &path_text(&acc.dir().join("code.zip")),
        "",
        &version_block(
            "test",
            &format!("{BY_REFERENCE}  running_executions_on_destroy = \"wait\"\n"),
        ),
    ));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    assert_eq!(
        acc.resource(ADDRESS)["running_executions_on_destroy"],
        "wait"
    );
    acc.write(&without_version);
    // Long enough to outlast the two plans below on a loaded machine, and part of the
    // apply.
    seed(&acc, &name, "order-1", "RUNNING", Some(10_000));
    assert_plan_warns(&acc, &name, "1 durable execution", "wait");

    let seen = apply_watching(&acc, &name);
    assert!(
        acc.emulated_version(&name, "1").is_none(),
        "deleted: {:?}",
        acc.emulated_versions(&name)
    );
    // The emulator drains a version deleted under a running execution, as AWS does:
    // it stays `Deleting` until the execution ends, seconds the watcher cannot miss. So
    // never seeing that proves the delete waited. (Seeing the execution `SUCCEEDED`
    // before the version went is not asserted: the provider deletes as soon as its poll
    // sees the end, which can be sooner than the watcher's next look at a loaded
    // emulator.)
    assert!(
        !seen.iter().any(|s| s.version.as_deref() == Some("Deleting")
            && s.executions.iter().any(|(_, st)| st == "RUNNING")),
        "the delete must wait for the execution to end: {seen:?}"
    );
    assert!(
        seen.iter().any(|s| s.version.is_some()
            && s.executions == vec![("order-1".to_string(), "RUNNING".to_string())]),
        "the apply started while the execution ran: {seen:?}"
    );
    assert_eq!(acc.emu().call_count("StopDurableExecution"), 0);
    assert!(!acc.state().addresses().contains(&ADDRESS.to_string()));
}

/// 9c. `stop`: the destroy stops the executions, then deletes.
#[test]
fn running_executions_stop_stops_them_and_deletes() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let (name, without_version) = version_with_policy(&acc, "exec-stop", "stop");
    seed(&acc, &name, "order-1", "RUNNING", None);
    seed(&acc, &name, "order-2", "PAUSED", None);
    acc.write(&without_version);
    assert_plan_warns(&acc, &name, "2 durable executions", "stop");

    let seen = apply_watching(&acc, &name);
    assert!(acc.emulated_version(&name, "1").is_none(), "deleted");
    let stopped = vec![
        ("order-1".to_string(), "STOPPED".to_string()),
        ("order-2".to_string(), "STOPPED".to_string()),
    ];
    assert!(
        seen.iter().any(|s| {
            let mut e = s.executions.clone();
            e.sort();
            s.version.is_some() && e == stopped
        }),
        "both executions must be STOPPED before the version goes: {seen:?}"
    );
    assert_eq!(acc.emu().call_count("StopDurableExecution"), 2);
    assert!(!acc.state().addresses().contains(&ADDRESS.to_string()));
}

/// 10. A version AWS fails while Pending: the apply fails with AWS's reason and the
///     version is tainted.
#[test]
fn failed_version_fails_the_apply_and_is_tainted() {
    let opts = EmulatorOptions {
        version_delay: Duration::from_secs(30),
        ..EmulatorOptions::default()
    };
    let Some(acc) = setup(opts, true) else { return };
    let name = acc.name("failed");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    let reason = "Lambda was unable to configure the version's network interfaces";
    let errors = std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if acc
                    .emulated_version(&name, "1")
                    .is_some_and(|v| v["state"] == "Pending")
                {
                    let mut fail = FailFunction::new(&name, "EniLimitExceeded", reason);
                    fail.qualifier = Some("1".into());
                    return acc.emu().fail_function(fail).is_ok();
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            false
        });
        let errors = acc.apply_errors();
        assert!(
            watcher.join().unwrap_or(false),
            "the version was never failed"
        );
        errors
    });
    Expect::error()
        .says(&["Failed", reason, "tainted"])
        .address(ADDRESS)
        .find_in(&errors, "apply of a version that fails");
    let state = acc.state();
    assert!(state.resource_tainted(ADDRESS), "{:#}", state.json());
    let v = acc.resource(ADDRESS);
    assert_eq!(v["state"], "Failed", "{v:#}");
    assert_eq!(v["version"], "1", "{v:#}");
    assert_eq!(v["arn"], format!("{}:1", function_arn(&name)).as_str());
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()],
        "the tainted version is replaced"
    );
}

/// 11. Throttling and a dropped connection during PublishVersion: one version.
#[test]
fn throttling_and_a_dropped_connection_publish_once() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("faults");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", ""));
    acc.apply();
    acc.emu()
        .inject_fault(FaultSpec::times("PublishVersion", FaultKind::Throttle, 2));
    acc.emu()
        .inject_fault(FaultSpec::times("PublishVersion", FaultKind::Drop, 1));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    let calls = acc.emu().calls();
    let publish = calls.get("PublishVersion").cloned().unwrap_or_default();
    assert_eq!(publish.faulted, 3, "{calls:?}");
    assert!(publish.calls >= 4, "{calls:?}");
    assert_eq!(
        acc.emulated_versions(&name),
        vec!["1"],
        "exactly one version"
    );
    assert_eq!(acc.resource(ADDRESS)["version"], "1");
    assert_empty(&acc.plan(), "after the faults");
}

/// 12. A version deleted outside Terraform: the plan warns and publishes again.
#[test]
fn deleted_outside_terraform_is_published_again() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("gone");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    acc.lambda_sdk().delete_version(&name, "1");
    assert!(acc.emulated_versions(&name).is_empty());

    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("no longer exists")
        .says(&[&format!("{name}:1"), "deleted outside Terraform"])
        .address(ADDRESS)
        .find_in(&warnings, "terraform plan after the delete");
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["create".to_string()]);
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert_eq!(v["version"], "2", "{v:#}");
    assert_eq!(acc.emulated_versions(&name), vec!["2"]);
    assert_empty(&acc.plan(), "after publishing again");
}

/// The published versions the emulator holds on capacity provider `cp_arn`.
fn versions_on(acc: &Acc, cp_arn: &str) -> usize {
    let state = acc.emu().state();
    state["functions"]
        .as_object()
        .map(|fs| {
            fs.values()
                .flat_map(|f| f["versions"].as_object().cloned().unwrap_or_default())
                .filter(|(_, v)| {
                    v["config"]["CapacityProviderConfig"]
                        ["LambdaManagedInstancesCapacityProviderConfig"]["CapacityProviderArn"]
                        == cp_arn
                })
                .count()
        })
        .unwrap_or_default()
}

/// 13. The limit of 100 versions per capacity provider: the plan warns, AWS's refusal
///     says how to make room.
#[test]
fn versions_per_capacity_provider_limit() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("limit");
    let cp_name = acc.name("limit-cp");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let function_only = acc.function_config(
        &name,
        &zip,
        &managed_function_body("cp"),
        &acc.arm_capacity_provider("cp", &cp_name),
    );
    acc.write(&function_only);
    acc.apply();
    let cp_arn = acc.resource("lambda_capacity_provider.cp")["arn"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // 100 more functions on it, 99 of which publish once.
    let sdk = acc.lambda_sdk();
    let others: Vec<String> = (0..100).map(|i| acc.name(&format!("other{i}"))).collect();
    for other in &others {
        sdk.create_durable_function(other, other, Some(&cp_arn));
    }
    for other in &others[..99] {
        assert_eq!(sdk.publish(other), "1");
    }
    assert_eq!(versions_on(&acc, &cp_arn), 99);

    // The 100th version: allowed, with a warning.
    let with_version = format!("{function_only}{}", version_block("test", BY_REFERENCE));
    acc.write(&with_version);
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("Capacity provider near its version limit")
        .says(&[
            &cp_name,
            "holds 99 function versions",
            "100",
            "reaches the limit",
            "delete-function",
        ])
        .address(ADDRESS)
        .find_in(&warnings, "plan of the 100th version");
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["version"], "1");
    assert_eq!(versions_on(&acc, &cp_arn), 100);

    // The 101st: the plan says AWS will refuse, and the apply fails saying how to prune.
    let last = &others[99];
    let extra = format!(
        "{with_version}{}",
        version_block("extra", &format!("  function_name = \"{last}\"\n"))
    );
    acc.write(&extra);
    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("Capacity provider near its version limit")
        .says(&["holds 100 function versions", "will refuse"])
        .address("lambda_function_version.extra")
        .find_in(&warnings, "plan of the 101st version");
    let errors = acc.apply_errors();
    Expect::error()
        .says(&[
            "most function versions AWS allows (100)",
            "delete-function",
            "--qualifier",
            "list-function-versions-by-capacity-provider",
        ])
        .address("lambda_function_version.extra")
        .find_in(&errors, "apply of the 101st version");
    assert_eq!(versions_on(&acc, &cp_arn), 100);
    assert!(acc.emulated_versions(last).is_empty());
}

#[test]
fn a_description_on_an_unchanged_function_is_refused_not_lost() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("descr");
    let zip = acc.zip("code.zip", "v1");
    let first = version_block("test", &format!("{BY_REFERENCE}  description = \"one\"\n"));
    acc.write(&acc.function_config(&name, &path_text(&zip), "", &first));
    acc.apply();
    // A second version of the unchanged function: AWS returns version 1 ("one").
    let second = version_block(
        "second",
        &format!("{BY_REFERENCE}  description = \"two\"\n"),
    );
    acc.write(&acc.function_config(&name, &path_text(&zip), "", &format!("{first}{second}")));
    let errors = acc.apply_errors();
    Expect::error()
        .summary("Error publishing")
        .detail(&["Nothing changed", "version 1", "\"one\"", "\"two\""])
        .find_in(&errors, "apply");
    assert!(
        acc.state()
            .resource("lambda_function_version.second")
            .is_none(),
        "the returned version is not taken over under another description"
    );
    assert_eq!(acc.emulated_versions(&name), vec!["1"]);
}
