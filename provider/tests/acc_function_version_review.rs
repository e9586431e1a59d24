//! Acceptance tests of `lambda_function_version` from a user review: a version whose
//! function was replaced (AWS deleted it, and may number another version the same), a
//! version AWS reports `Failed` or `Deleting`, the function named by ARN instead of by
//! name, and arguments that only say how a version is published after an import.
//!
//! Like `acc_function_version.rs`, the real `terraform` binary drives the provider binary
//! against the local AWS emulator; changes outside Terraform go through the AWS SDK and
//! the emulator's control API, so every test here needs the emulator.

mod support;

use std::time::{Duration, Instant};

use acceptance_tests::{EmulatorOptions, FailFunction, SeedExecution};
use support::capacity_provider::REQUIRED_PROVIDERS;
use support::durable_function::ADDRESS as FUNCTION;
use support::function_version::{ADDRESS, function_arn, managed_function_body, version_block};
use support::terraform_1_15::identity_in;
use support::{Acc, Expect, setup, setup_1_15};

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

/// Asserts that `plan` is empty, saying `when`.
fn assert_empty(plan: &tfplug::testing::Plan, when: &str) {
    assert!(
        plan.is_empty(),
        "{when}: the plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
}

/// `terraform apply -replace=lambda_durable_function.test`: the function is deleted
/// (with every version of it) and created again; the version resource is left as it is.
fn replace_function(acc: &Acc) {
    acc.succeed(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-replace={FUNCTION}"),
    ]);
}

/// Finding 3: the function is replaced and publishes its own version 1; the version
/// resource must not take it for the version it published.
#[test]
fn a_version_whose_function_was_replaced_is_not_taken_for_the_new_functions() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("replaced");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let config = acc.function_config(
        &name,
        &zip,
        "  publish = true\n",
        &version_block("test", BY_REFERENCE),
    );
    acc.write(&config);
    acc.apply();
    let before = acc.resource(ADDRESS);
    assert_eq!(before["version"], "1", "{before:#}");

    replace_function(&acc);
    assert_eq!(
        acc.emulated_versions(&name),
        vec!["1"],
        "the new function published its own version 1"
    );

    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("is not the version this resource published")
        .says(&[
            &format!("{name}:1"),
            "deleted when its function was replaced",
            "publishes it again",
        ])
        .address(ADDRESS)
        .find_in(&warnings, "terraform plan after the function was replaced");
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["create".to_string()],
        "{:#}",
        plan.json()["resource_changes"]
    );
    acc.apply();
    assert_empty(&acc.plan(), "after publishing again");
    acc.destroy();
}

/// Finding 3, without `publish`: the version is gone, and the warning does not claim it
/// went outside Terraform (this configuration's apply deleted it).
#[test]
fn a_version_deleted_with_its_function_says_so() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("with-fn");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    replace_function(&acc);
    assert!(acc.emulated_versions(&name).is_empty());

    let warnings = acc.plan_diagnostics().warnings();
    let found = Expect::error()
        .summary("no longer exists")
        .says(&[&format!("{name}:1"), "replacing or deleting a function"])
        .address(ADDRESS)
        .find_in(&warnings, "terraform plan after the function was replaced");
    let detail = found["detail"].as_str().unwrap_or_default();
    assert!(
        !detail.starts_with("It was deleted outside Terraform"),
        "{detail}"
    );
    assert_eq!(acc.plan().actions_for(ADDRESS), vec!["create".to_string()]);
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["version"], "1");
    assert_empty(&acc.plan(), "after publishing again");
}

/// Finding 6 d: a version AWS reports `Failed` is reported by the refresh (with AWS's
/// reason) and replaced.
#[test]
fn a_failed_version_is_reported_and_replaced() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("fails-later");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    let reason = "no free IP addresses in the subnet";
    let mut fail = FailFunction::new(&name, "SubnetOutOfIPAddresses", reason);
    fail.qualifier = Some("1".into());
    if let Err(e) = acc.emu().fail_function(fail) {
        panic!("failing {name}:1: {e}");
    }

    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("has failed in AWS")
        .says(&["SubnetOutOfIPAddresses", reason, "replaces it"])
        .address(ADDRESS)
        .find_in(&warnings, "terraform plan of a failed version");
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()],
        "{:#}",
        plan.json()["resource_changes"]
    );
    acc.apply();
    let v = acc.resource(ADDRESS);
    assert_eq!(v["state"], "Active", "{v:#}");
    assert_eq!(v["version"], "2", "{v:#}");
    assert_eq!(acc.emulated_versions(&name), vec!["2"]);
    assert_empty(&acc.plan(), "after replacing the failed version");
}

/// Finding 6 d: a version AWS is deleting (draining a durable execution) is reported by
/// the refresh, and a scaling change to it fails at once, not after the timeout.
#[test]
fn a_version_being_deleted_is_reported_and_not_waited_on() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("draining");
    let cp_name = acc.name("draining-cp");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let config = |max: u32| {
        acc.function_config(
            &name,
            &zip,
            &managed_function_body("cp"),
            &format!(
                "{}{}",
                acc.arm_capacity_provider("cp", &cp_name),
                version_block(
                    "test",
                    &format!(
                        "{BY_REFERENCE}  function_scaling_config {{\n    min_execution_environments = 3\n    max_execution_environments = {max}\n  }}\n  timeouts {{\n    update = \"3m\"\n  }}\n"
                    )
                )
            ),
        )
    };
    acc.write(&config(6));
    acc.apply();
    let seeded = SeedExecution::new(&name, "RUNNING")
        .qualifier("1")
        .name("order-1");
    if let Err(e) = acc.emu().seed_durable_execution(seeded) {
        panic!("seeding: {e}");
    }
    acc.lambda_sdk().delete_version(&name, "1");
    assert_eq!(
        acc.emulated_version(&name, "1").unwrap_or_default()["state"],
        "Deleting"
    );

    let warnings = acc.plan_diagnostics().warnings();
    Expect::error()
        .summary("is being deleted in AWS")
        .says(&["Deleting", "durable executions"])
        .address(ADDRESS)
        .find_in(&warnings, "terraform plan of a version being deleted");

    acc.write(&config(9));
    let started = Instant::now();
    let errors = acc.apply_errors();
    let took = started.elapsed();
    Expect::error()
        .summary("Error scaling")
        .says(&["Deleting", "Nothing was changed"])
        .address(ADDRESS)
        .find_in(
            &errors,
            "apply of a scaling change to a version being deleted",
        );
    assert!(
        took < Duration::from_secs(60),
        "the apply must fail at once, not wait for the 3m timeout: {took:?}"
    );
}

/// Finding 7: the function named by its ARN instead of its name (or back) changes the
/// state in place; another function still replaces the version.
#[test]
fn naming_the_same_function_by_arn_does_not_replace_the_version() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("by-arn");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();

    let by_arn = version_block(
        "test",
        "  function_name = lambda_durable_function.test.arn\n",
    );
    acc.write(&acc.function_config(&name, &zip, "", &by_arn));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["update".to_string()],
        "{:#}",
        plan.json()["resource_changes"]
    );
    assert!(plan.replace_paths(ADDRESS).is_empty());
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    assert_eq!(acc.emu().call_count("DeleteFunction"), 0);
    let v = acc.resource(ADDRESS);
    assert_eq!(v["function_name"], function_arn(&name).as_str(), "{v:#}");
    assert_eq!(v["version"], "1", "{v:#}");
    assert_empty(&acc.plan(), "after naming the function by ARN");

    // Imported by ARN with the name in the configuration: the same, in place.
    let wd = acc.another_workdir();
    wd.write(&bare_config(&version_block(
        "test",
        &format!("  function_name = \"{name}\"\n"),
    )));
    wd.import(ADDRESS, &format!("{}:1", function_arn(&name)));
    let plan = wd.plan();
    assert!(plan.replace_paths(ADDRESS).is_empty(), "{:#}", plan.json());
    wd.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    assert_eq!(acc.emu().call_count("DeleteFunction"), 0);
    assert_eq!(wd.resource(ADDRESS)["function_name"], name.as_str());
    assert_empty(&wd.plan(), "after recording the name");

    // Another function replaces it.
    let other = acc.name("by-arn-other");
    acc.lambda_sdk().create_durable_function(&other, "v1", None);
    wd.write(&bare_config(&version_block(
        "test",
        &format!("  function_name = \"{}\"\n", function_arn(&other)),
    )));
    let plan = wd.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()],
        "{:#}",
        plan.json()["resource_changes"]
    );
}

/// Finding 4: importing a version whose configuration says how it was published
/// (`publish_to`, a `revision_id` guard, a `code_sha256` guard of its code) records them
/// in place; once recorded, changing them replaces it again.
#[test]
fn an_import_records_how_the_version_was_published_in_place() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("imp-pub");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    let created = acc.resource(ADDRESS);
    let code = created["code_sha256"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let revision = acc.resource(FUNCTION)["revision_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!code.is_empty() && !revision.is_empty());

    let wd = acc.another_workdir();
    let imported_config = |publish_to: &str| {
        bare_config(&version_block(
            "test",
            &format!(
                "  function_name = \"{name}\"\n{publish_to}  revision_id   = \"{revision}\"\n  code_sha256   = \"{code}\"\n"
            ),
        ))
    };
    wd.write(&imported_config("  publish_to    = \"LATEST_PUBLISHED\"\n"));
    wd.import(ADDRESS, &format!("{name}:1"));
    let plan = wd.plan();
    assert!(
        plan.replace_paths(ADDRESS).is_empty(),
        "{:#}",
        plan.json()["resource_changes"]
    );
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    acc.emu().reset_calls();
    wd.apply();
    assert_eq!(acc.emu().call_count("PublishVersion"), 0);
    assert_eq!(acc.emu().call_count("DeleteFunction"), 0);
    let v = wd.resource(ADDRESS);
    assert_eq!(v["publish_to"], "LATEST_PUBLISHED", "{v:#}");
    assert_eq!(v["revision_id"], revision.as_str(), "{v:#}");
    assert_eq!(v["version"], "1", "{v:#}");
    assert_empty(&wd.plan(), "after recording how it was published");

    // Recorded: a change of publish_to publishes again.
    wd.write(&imported_config(""));
    let plan = wd.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()],
        "{:#}",
        plan.json()["resource_changes"]
    );
}

/// Finding 7 with Terraform 1.15: the switch from name to ARN in place keeps the
/// resource identity (which Terraform refuses to see change), and so does the refresh
/// after it.
#[test]
fn naming_the_same_function_by_arn_keeps_the_identity() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("id-arn");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, "", &version_block("test", BY_REFERENCE)));
    acc.apply();
    let identity = identity_in(acc.state().json(), ADDRESS);
    assert_eq!(
        identity,
        Some(serde_json::json!({
            "function_name": name, "version": "1", "region": "us-east-1",
            "account_id": "123456789012"
        }))
    );

    acc.write(&acc.function_config(
        &name,
        &zip,
        "",
        &version_block(
            "test",
            "  function_name = lambda_durable_function.test.arn\n",
        ),
    ));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["function_name"],
        function_arn(&name).as_str()
    );
    assert_eq!(identity_in(acc.state().json(), ADDRESS), identity);
    acc.apply_refresh_only();
    assert_eq!(identity_in(acc.state().json(), ADDRESS), identity);
    assert_empty(&acc.plan(), "after naming the function by ARN");
}
