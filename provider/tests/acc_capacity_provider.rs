//! Acceptance tests of `lambda_capacity_provider`: the real `terraform` binary drives the
//! provider binary (through a `dev_overrides` CLI configuration) against the local AWS
//! emulator of the `acceptance-tests` crate.
//!
//! With `LAMBDA_ACC_REAL_AWS=1` and AWS credentials in the environment the same tests run
//! against real AWS instead, using `LAMBDA_ACC_SUBNET_IDS` (comma-separated, three
//! subnets of one VPC), `LAMBDA_ACC_SECURITY_GROUP_ID`, `LAMBDA_ACC_OTHER_VPC_SECURITY_GROUP_ID`
//! and `LAMBDA_ACC_OPERATOR_ROLE_ARN`; tests that need the emulator's fault injection
//! are skipped there. Without terraform on PATH (or `TF_BIN`) every test is skipped.

mod support;

use std::time::{Duration, Instant};

use acceptance_tests::{Emulator, EmulatorOptions, FaultKind, FaultSpec};
use serde_json::Value;
use support::capacity_provider::{ADDRESS, ARM_REQUIREMENTS, MANUAL_SCALING};
use support::{Diagnostics, Expect, change_of, setup};

/// Asserts that one error says `summary`, mentions every `words` in its detail, points
/// at a configuration line containing `line`, and is about the capacity provider.
fn assert_error(errors: &Diagnostics, summary: &str, words: &[&str], line: &str) {
    Expect::error()
        .summary(summary)
        .detail(words)
        .code(line)
        .address(ADDRESS)
        .find_in(errors, "plan");
}

#[test]
fn basic_create_read_destroy() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("basic");
    let extra = format!(
        r#"{ARM_REQUIREMENTS}{MANUAL_SCALING}
  propagate_tags {{
    mode          = "Explicit"
    explicit_tags = {{ team = "web" }}
  }}
  telemetry_config {{
    logging_config {{
      system_log_level = "INFO"
    }}
  }}
  tags = {{ env = "test" }}
  timeouts {{ create = "20m" }}
"#
    );
    let after = r#"
data "lambda_capacity_provider" "by_name" {
  name = lambda_capacity_provider.test.name
}

data "lambda_capacity_provider" "by_arn" {
  arn = lambda_capacity_provider.test.arn
}

output "ds_state" { value = data.lambda_capacity_provider.by_name.state }
output "ds_max" { value = data.lambda_capacity_provider.by_arn.capacity_provider_scaling_config[0].max_vcpu_count }
output "ds_tags" { value = data.lambda_capacity_provider.by_arn.tags }
"#;
    let hcl = acc.config_with(&name, "", &extra, after);
    acc.write(&hcl);
    acc.apply();

    let r = acc.resource(ADDRESS);
    assert_eq!(r["name"], name.as_str());
    assert_eq!(r["state"], "Active");
    assert!(
        r["arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":capacity-provider:{name}"))),
        "{r:#}"
    );
    assert!(r["last_modified"].is_string(), "{r:#}");
    assert_eq!(r["tags_all"]["env"], "test");
    assert_eq!(
        r["capacity_provider_scaling_config"][0]["max_vcpu_count"],
        64
    );
    assert_eq!(r["propagate_tags"][0]["explicit_tags"]["team"], "web");
    assert_eq!(
        r["telemetry_config"][0]["logging_config"][0]["system_log_level"],
        "INFO"
    );

    let outputs = acc.outputs();
    assert_eq!(outputs["ds_state"]["value"], "Active", "{outputs:#}");
    assert_eq!(outputs["ds_max"]["value"], 64, "{outputs:#}");
    assert_eq!(outputs["ds_tags"]["value"]["env"], "test", "{outputs:#}");

    if acc.env.emulator().is_some() {
        let cp = acc
            .emulated_capacity_provider(&name)
            .unwrap_or_else(|| panic!("not in the emulator"));
        assert_eq!(cp["state"], "Active");
        assert_eq!(cp["tags"]["env"], "test");
        // PropagateTags and TelemetryConfig reached AWS (not only the Terraform state).
        assert_eq!(
            cp["config"]["PropagateTags"],
            serde_json::json!({"Mode": "Explicit", "ExplicitTags": {"team": "web"}}),
            "{cp:#}"
        );
        assert_eq!(
            cp["config"]["TelemetryConfig"],
            serde_json::json!({"LoggingConfig": {"SystemLogLevel": "INFO"}}),
            "{cp:#}"
        );
    }
    assert!(acc.plan().is_empty(), "a second plan must be empty");

    acc.destroy();
    if acc.env.emulator().is_some() {
        assert!(
            acc.emulated_capacity_provider(&name).is_none(),
            "destroy must wait until it is gone"
        );
    }
}

#[test]
fn import_then_plan_is_empty() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("import");
    let hcl = acc.config(
        &name,
        "",
        &format!("{ARM_REQUIREMENTS}{MANUAL_SCALING}  tags = {{ env = \"test\" }}\n"),
    );
    acc.write(&hcl);
    acc.apply();

    // A second working directory with the same configuration imports it.
    let wd2 = acc.another_workdir();
    wd2.write(&hcl);
    wd2.import(ADDRESS, &name);
    let plan = wd2.plan();
    assert!(
        plan.is_empty(),
        "plan after import must be empty: {:#}",
        plan.json()["resource_changes"]
    );

    // The same with an import block, by ARN.
    let arn = acc.resource(ADDRESS)["arn"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let wd3 = acc.another_workdir();
    wd3.write(&format!(
        "{hcl}\nimport {{\n  to = lambda_capacity_provider.test\n  id = \"{arn}\"\n}}\n"
    ));
    let plan = wd3.plan();
    assert_eq!(
        plan.actions_for("lambda_capacity_provider.test"),
        vec!["no-op".to_string()]
    );
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);

    acc.destroy();
}

/// Imported, a capacity provider whose requirements are AWS's default (one x86_64
/// architecture) has no `instance_requirements` in state, so that a configuration
/// without the block plans clean. A configuration that writes the default out records it
/// in place: no replacement of the imported capacity provider.
#[test]
fn import_with_the_default_requirements_written_out_replaces_nothing() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("import-default");
    acc.write(&acc.config(&name, "", ""));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"].clone();

    let written_out = "  instance_requirements {\n    architectures = [\"x86_64\"]\n  }\n";
    let wd = acc.another_workdir();
    wd.write(&acc.config(&name, "", written_out));
    wd.import(ADDRESS, &name);
    let plan = wd.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["update".to_string()],
        "{:#}",
        plan.json()["resource_changes"]
    );
    assert!(plan.replace_paths(ADDRESS).is_empty());
    acc.emu().reset_calls();
    wd.apply();
    assert_eq!(acc.emu().call_count("DeleteCapacityProvider"), 0);
    assert_eq!(acc.emu().call_count("CreateCapacityProvider"), 0);
    assert_eq!(wd.resource(ADDRESS)["arn"], arn);
    let plan = wd.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);

    // arm64 is not what AWS has: that still replaces.
    wd.write(&acc.config(&name, "", &written_out.replace("x86_64", "arm64")));
    assert!(!wd.plan().replace_paths(ADDRESS).is_empty());
    acc.destroy();
}

/// Two resources giving one name: one is created, the other fails saying the name is
/// used twice in the apply. Neither takes over the other's capacity provider as an
/// interrupted create's (both would then hold one object, and destroying either would
/// delete it from under the other). Whether the two are instances of one resource
/// (`count = 2`), created one after the other (`-parallelism=1`, when the first one's
/// journal entry is gone), or resources of two provider configurations (two provider
/// processes of one Terraform command).
#[test]
fn two_instances_with_one_name_fail_instead_of_sharing_the_object() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("twice");
    let second_provider = format!(
        r#"
provider "lambda" {{
  alias = "two"
}}

resource "lambda_capacity_provider" "other" {{
  provider = lambda.two
  name     = "{name}"
{network}}}
"#,
        network = acc.network_blocks()
    );
    let cases = [
        ("count = 2", acc.config(&name, "", "  count = 2\n"), "10"),
        (
            "-parallelism=1",
            acc.config(&name, "", "  count = 2\n"),
            "1",
        ),
        (
            "two provider configurations",
            acc.config_with(&name, "", "", &second_provider),
            "10",
        ),
    ];
    for (case, hcl, parallelism) in cases {
        acc.write(&hcl);
        let out = acc.fail(&[
            "apply",
            "-auto-approve",
            "-json",
            "-input=false",
            &format!("-parallelism={parallelism}"),
        ]);
        let diags = Diagnostics::from_json_lines(&out.stdout);
        let errors = diags.errors();
        assert_eq!(errors.all().len(), 1, "{case}: {}", diags.describe());
        assert_eq!(
            errors.all()[0]["summary"],
            format!("lambda_capacity_provider \"{name}\" is created twice in this apply"),
            "{case}: {}",
            diags.describe()
        );
        assert!(
            !diags.has_summary("adopted"),
            "{case}: {}",
            diags.describe()
        );
        let held = acc.assert_aws_matches_state(case);
        assert_eq!(held.capacity_providers.len(), 1, "{case}: {held:?}");
        acc.destroy();
    }
}

#[test]
fn scaling_change_updates_in_place() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("scaling");
    acc.write(&acc.config(&name, "", &format!("{ARM_REQUIREMENTS}{MANUAL_SCALING}")));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"].clone();

    let changed = MANUAL_SCALING
        .replace("max_vcpu_count = 64", "max_vcpu_count = 128")
        .replace("target_value           = 60", "target_value           = 70");
    let propagation_and_logging = r#"  propagate_tags {
    mode = "None"
  }
  telemetry_config {
    logging_config {
      system_log_level = "WARN"
    }
  }
"#;
    acc.write(&acc.config(
        &name,
        "",
        &format!(
            "{ARM_REQUIREMENTS}{changed}{propagation_and_logging}  tags = {{ added = \"yes\" }}\n"
        ),
    ));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for("lambda_capacity_provider.test"),
        vec!["update".to_string()]
    );
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["arn"], arn, "an in-place update keeps the ARN");
    assert_eq!(
        r["capacity_provider_scaling_config"][0]["max_vcpu_count"],
        128
    );
    assert_eq!(
        r["capacity_provider_scaling_config"][0]["scaling_policies"][0]["target_value"],
        70
    );
    assert_eq!(r["tags_all"]["added"], "yes");
    assert_eq!(r["propagate_tags"][0]["mode"], "None");
    assert_eq!(
        r["telemetry_config"][0]["logging_config"][0]["system_log_level"],
        "WARN"
    );
    if acc.env.emulator().is_some() {
        let cp = acc
            .emulated_capacity_provider(&name)
            .unwrap_or_else(|| panic!("not in the emulator"));
        assert_eq!(cp["config"]["PropagateTags"]["Mode"], "None", "{cp:#}");
        assert_eq!(
            cp["config"]["TelemetryConfig"]["LoggingConfig"]["SystemLogLevel"], "WARN",
            "{cp:#}"
        );
    }
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn instance_requirements_change_replaces() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("replace");
    acc.write(&acc.config(&name, "", ARM_REQUIREMENTS));
    acc.apply();
    let x86 = ARM_REQUIREMENTS
        .replace("arm64", "x86_64")
        .replace("\"m7g.large\", \"m7g.xlarge\"", "\"m7i.large\"");
    acc.write(&acc.config(&name, "", &x86));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for("lambda_capacity_provider.test"),
        vec!["delete".to_string(), "create".to_string()]
    );
    let paths = plan.replace_paths("lambda_capacity_provider.test");
    assert!(
        paths.iter().any(|p| p[0] == "instance_requirements"),
        "the plan must say instance_requirements forces the replacement: {paths:?}"
    );
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["instance_requirements"][0]["architectures"][0],
        "x86_64"
    );
    acc.destroy();
}

/// AWS keeps instance types as a set: listing the same ones in another order records
/// the order in place and replaces nothing.
#[test]
fn reordered_instance_types_replace_nothing() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("reorder");
    assert!(ARM_REQUIREMENTS.contains("\"m7g.large\", \"m7g.xlarge\""));
    acc.write(&acc.config(&name, "", ARM_REQUIREMENTS));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"].clone();
    let reordered = ARM_REQUIREMENTS.replace(
        "\"m7g.large\", \"m7g.xlarge\"",
        "\"m7g.xlarge\", \"m7g.large\"",
    );
    acc.write(&acc.config(&name, "", &reordered));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    assert!(plan.replace_paths(ADDRESS).is_empty());
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emu().call_count("DeleteCapacityProvider"), 0);
    assert_eq!(acc.resource(ADDRESS)["arn"], arn);
    assert_eq!(
        acc.resource(ADDRESS)["instance_requirements"][0]["allowed_instance_types"],
        serde_json::json!(["m7g.xlarge", "m7g.large"])
    );
    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);

    // Another type is a real change: it still replaces.
    acc.write(&acc.config(
        &name,
        "",
        &ARM_REQUIREMENTS.replace("\"m7g.xlarge\"", "\"m7g.2xlarge\""),
    ));
    assert!(!acc.plan().replace_paths(ADDRESS).is_empty());
    acc.destroy();
}

#[test]
fn disappears_and_is_recreated() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("disappears");
    acc.write(&acc.config(&name, "", ""));
    acc.apply();

    // Delete it behind Terraform's back with the SDK, and wait until it is gone.
    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        if let Err(e) = sdk
            .client()
            .delete_capacity_provider()
            .capacity_provider_name(&name)
            .send()
            .await
        {
            panic!("deleting outside Terraform: {e:?}");
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while acc.emulated_capacity_provider(&name).is_some() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for("lambda_capacity_provider.test"),
        vec!["create".to_string()]
    );
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    acc.destroy();
}

#[test]
fn validation_error_wrong_range() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = MANUAL_SCALING.replace("max_vcpu_count = 64", "max_vcpu_count = 1");
    acc.write(&acc.config(&acc.name("range"), "", &body));
    assert_error(
        &acc.plan_errors(),
        "Invalid attribute value",
        &["between 2 and 15000"],
        "max_vcpu_count",
    );
}

#[test]
fn validation_error_bad_enum() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = r#"
  capacity_provider_scaling_config {
    scaling_mode = "Sometimes"
  }
"#;
    acc.write(&acc.config(&acc.name("enum"), "", body));
    assert_error(
        &acc.plan_errors(),
        "Invalid attribute value",
        &["Auto, Manual"],
        "scaling_mode",
    );
}

#[test]
fn validation_error_both_instance_type_lists() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = r#"
  instance_requirements {
    architectures           = ["arm64"]
    allowed_instance_types  = ["m7g.large"]
    excluded_instance_types = ["m7g.xlarge"]
  }
"#;
    acc.write(&acc.config(&acc.name("both"), "", body));
    assert_error(
        &acc.plan_errors(),
        "Conflicting attributes",
        &["allowed_instance_types", "excluded_instance_types"],
        "excluded_instance_types",
    );
}

#[test]
fn validation_error_unknown_subnet() {
    let Some(mut acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    acc.net.subnet_ids[2] = "subnet-0000000000000dead".into();
    acc.write(&acc.config(&acc.name("subnet"), "", ""));
    assert_error(
        &acc.plan_errors(),
        "Subnet not found",
        &["subnet-0000000000000dead"],
        "subnet_ids",
    );
}

#[test]
fn validation_error_mismatched_vpc() {
    let Some(mut acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    acc.net.security_group_id = acc.net.other_vpc_security_group_id.clone();
    acc.write(&acc.config(&acc.name("vpc"), "", ""));
    let sg = acc.net.security_group_id.clone();
    assert_error(
        &acc.plan_errors(),
        "Security groups in another VPC",
        &[sg.as_str()],
        "security_group_ids",
    );
}

#[test]
fn validation_error_arm64_with_x86_instance_type() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = r#"
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.large", "m7i.large"]
  }
"#;
    acc.write(&acc.config(&acc.name("arch"), "", body));
    assert_error(
        &acc.plan_errors(),
        "Instance type does not support the architecture",
        &["m7i.large", "x86_64", "arm64"],
        "allowed_instance_types",
    );
}

#[test]
fn validation_error_arm64_with_a_pattern_of_x86_types() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = r#"
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["c5.*"]
  }
"#;
    acc.write(&acc.config(&acc.name("arch-pattern"), "", body));
    assert_error(
        &acc.plan_errors(),
        "No matching instance type supports the architecture",
        &["c5.*", "x86_64", "arm64"],
        "allowed_instance_types",
    );
    let body = r#"
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["zz9.*"]
  }
"#;
    acc.write(&acc.config(&acc.name("no-match"), "", body));
    assert_error(
        &acc.plan_errors(),
        "No instance type matches",
        &["zz9.*"],
        "allowed_instance_types",
    );
}

/// A capacity provider that fails in AWS after it was created: the plan says so and
/// replaces it (no change to it could succeed), and the apply leaves an active one.
#[test]
fn failed_outside_terraform_is_planned_for_replacement() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("failed-later");
    acc.write(&acc.config(&name, "", ""));
    acc.apply();
    if let Err(e) = acc
        .emu()
        .fail_capacity_provider(&name, "the subnet was deleted")
    {
        panic!("failing {name}: {e}");
    }
    let warnings = acc.plan_diagnostics().warnings();
    assert!(
        warnings.has_summary("has failed in AWS"),
        "{}",
        warnings.describe()
    );
    let plan = acc.plan();
    let change = change_of(&plan, ADDRESS);
    assert_eq!(
        change["change"]["actions"],
        serde_json::json!(["delete", "create"]),
        "{change:#}"
    );
    assert_eq!(
        change["change"]["replace_paths"],
        serde_json::json!([["state"]]),
        "{change:#}"
    );
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// A capacity provider imported while AWS is still creating it: the apply of a change
/// to it (a tag) waits until it is Active, as the update timeout promises, so whatever
/// is created on it next finds it Active.
#[test]
fn an_update_waits_until_an_imported_capacity_provider_is_active() {
    use aws_sdk_lambda::types::{CapacityProviderPermissionsConfig, CapacityProviderVpcConfig};
    let opts = EmulatorOptions {
        capacity_provider_delay: Duration::from_secs(4),
        ..EmulatorOptions::default()
    };
    let Some(acc) = setup(opts, true) else { return };
    let name = acc.name("pending");
    let sdk = acc.lambda_sdk();
    let vpc = CapacityProviderVpcConfig::builder()
        .set_subnet_ids(Some(acc.net.subnet_ids.clone()))
        .security_group_ids(&acc.net.security_group_id)
        .build();
    let permissions = CapacityProviderPermissionsConfig::builder()
        .capacity_provider_operator_role_arn(&acc.net.operator_role_arn)
        .build();
    let (Ok(vpc), Ok(permissions)) = (vpc, permissions) else {
        panic!("building the capacity provider's settings");
    };
    let created = sdk.block_on(
        sdk.client()
            .create_capacity_provider()
            .capacity_provider_name(&name)
            .vpc_config(vpc)
            .permissions_config(permissions)
            .send(),
    );
    if let Err(e) = created {
        panic!("creating {name}: {e:?}");
    }
    acc.write(&acc.config(&name, "", ""));
    acc.import(ADDRESS, &name);
    assert_eq!(acc.resource(ADDRESS)["state"], "Pending");
    acc.write(&acc.config(&name, "", "  tags = { team = \"web\" }\n"));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    assert_eq!(
        acc.emulated_capacity_provider(&name)
            .map(|cp| cp["state"].clone()),
        Some(Value::from("Active"))
    );
    acc.destroy();
}

/// A capacity provider AWS is deleting (a destroy that was interrupted or timed out, or
/// a delete outside Terraform): the plan says so and creates it again, and the create
/// waits until AWS has finished deleting the old one.
#[test]
fn one_being_deleted_is_created_again_once_gone() {
    let opts = EmulatorOptions {
        capacity_provider_delay: Duration::from_secs(3),
        ..EmulatorOptions::default()
    };
    let Some(acc) = setup(opts, true) else { return };
    let name = acc.name("deleting");
    acc.write(&acc.config(&name, "", ""));
    acc.apply();
    let sdk = acc.lambda_sdk();
    let deleted = sdk.block_on(
        sdk.client()
            .delete_capacity_provider()
            .capacity_provider_name(&name)
            .send(),
    );
    if let Err(e) = deleted {
        panic!("deleting {name}: {e:?}");
    }
    let warnings = acc.plan_diagnostics().warnings();
    assert!(
        warnings.has_summary("is being deleted in AWS"),
        "{}",
        warnings.describe()
    );
    let plan = acc.plan();
    assert_eq!(
        change_of(&plan, ADDRESS)["change"]["actions"],
        serde_json::json!(["create"])
    );
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn ec2_unreachable_skips_checks_with_a_warning() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let provider = "  endpoints {\n    ec2 = \"http://127.0.0.1:9\"\n  }\n";
    acc.write(&acc.config(&acc.name("noec2"), provider, ""));
    // plan must not fail when EC2 is unreachable
    let warnings = acc.plan_diagnostics().warnings();
    assert!(
        warnings.has_summary("Skipped EC2 checks"),
        "{}",
        warnings.describe()
    );
}

#[test]
fn throttling_and_server_errors_still_converge() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let emu = acc.emu();
    for (op, kind, n) in [
        ("CreateCapacityProvider", FaultKind::Throttle, 2),
        ("CreateCapacityProvider", FaultKind::ServerError, 1),
        ("GetCapacityProvider", FaultKind::ServerError, 3),
        ("GetCapacityProvider", FaultKind::Throttle, 1),
        ("ListTags", FaultKind::Throttle, 1),
        ("DescribeSubnets", FaultKind::Throttle, 1),
        ("GetCallerIdentity", FaultKind::ServerError, 1),
        ("DeleteCapacityProvider", FaultKind::ServerError, 2),
    ] {
        emu.inject_fault(FaultSpec::times(op, kind, n));
    }
    let name = acc.name("faults");
    acc.write(&acc.config(&name, "", MANUAL_SCALING));
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    acc.destroy();
    assert!(acc.emulated_capacity_provider(&name).is_none());
    let calls = emu.calls();
    let create = calls
        .get("CreateCapacityProvider")
        .cloned()
        .unwrap_or_default();
    assert!(
        create.calls >= 4,
        "create must have been retried: {calls:?}"
    );
    let delete = calls
        .get("DeleteCapacityProvider")
        .cloned()
        .unwrap_or_default();
    assert!(
        delete.calls >= 3,
        "delete must have been retried: {calls:?}"
    );
}

#[test]
fn failed_capacity_provider_fails_apply_and_is_tainted() {
    let opts = EmulatorOptions {
        capacity_provider_delay: Duration::from_secs(8),
        ..EmulatorOptions::default()
    };
    let Some(acc) = setup(opts, true) else { return };
    let name = acc.name("failed");
    acc.write(&acc.config(&name, "", ""));

    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if acc.emulated_capacity_provider(&name).is_some() {
                    return acc
                        .emu()
                        .fail_capacity_provider(
                            &name,
                            "Subnet subnet-0de1a0f000000000a has no free IP addresses",
                        )
                        .is_ok();
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            false
        });
        // apply must fail
        let out = acc.fail(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        assert!(
            watcher.join().unwrap_or(false),
            "the capacity provider was never failed"
        );
        let text = format!("{}{}", out.stdout, out.stderr);
        eprintln!("{text}");
        assert!(text.contains("reached state Failed"), "{text}");
        assert!(text.contains(&name), "{text}");
    });
    let state = acc.state();
    assert!(
        state.resource_tainted("lambda_capacity_provider.test"),
        "{:#}",
        state.json()
    );
    let r = acc.resource(ADDRESS);
    assert_eq!(r["state"], "Failed");
    assert!(r["arn"].is_string());
    // The tainted object is replaced by the next apply, and destroy cleans up.
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for("lambda_capacity_provider.test"),
        vec!["delete".to_string(), "create".to_string()]
    );
    acc.destroy();
    assert!(acc.emulated_capacity_provider(&name).is_none());
}

#[test]
fn default_tags_merge() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("tags");
    let provider = "  default_tags {\n    tags = { team = \"core\", env = \"dev\" }\n  }\n";
    acc.write(&acc.config(
        &name,
        provider,
        "  tags = { env = \"prod\", app = \"web\" }\n",
    ));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["tags"], serde_json::json!({"env": "prod", "app": "web"}));
    assert_eq!(
        r["tags_all"],
        serde_json::json!({"env": "prod", "app": "web", "team": "core"})
    );
    if acc.env.emulator().is_some() {
        let cp = acc.emulated_capacity_provider(&name).unwrap_or(Value::Null);
        assert_eq!(
            cp["tags"],
            serde_json::json!({"env": "prod", "app": "web", "team": "core"})
        );
    }
    assert!(
        acc.plan().is_empty(),
        "no diff after apply with default tags"
    );

    // Changing only the provider's default tags updates tags_all in place.
    let provider2 = "  default_tags {\n    tags = { team = \"platform\" }\n  }\n";
    acc.write(&acc.config(
        &name,
        provider2,
        "  tags = { env = \"prod\", app = \"web\" }\n",
    ));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for("lambda_capacity_provider.test"),
        vec!["update".to_string()]
    );
    // Only tags_all changes: the old default (team = "core") is not shown as one of the
    // resource's own tags being removed.
    let change = plan
        .resource_changes()
        .iter()
        .find(|c| c["address"] == ADDRESS)
        .map(|c| c["change"].clone())
        .unwrap_or_default();
    let own = serde_json::json!({"env": "prod", "app": "web"});
    assert_eq!(
        (&change["before"]["tags"], &change["after"]["tags"]),
        (&own, &own),
        "{change:#}"
    );
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(
        r["tags_all"],
        serde_json::json!({"env": "prod", "app": "web", "team": "platform"})
    );
    if acc.env.emulator().is_some() {
        let cp = acc.emulated_capacity_provider(&name).unwrap_or(Value::Null);
        assert_eq!(
            cp["tags"],
            serde_json::json!({"env": "prod", "app": "web", "team": "platform"})
        );
    }
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// Default tags from a value known only at apply: the plan leaves `tags_all` unknown
/// (it used to plan `{}`, and the apply failed with "inconsistent final plan"), and a
/// refresh while they are unknown does not take them for the resource's own tags.
/// An attribute under `ignore_changes` inside a block that changes keeps its value: the
/// update sent the configuration's new `max_vcpu_count` with the new target value, where
/// the plan kept the old one, and failed with "inconsistent result after apply".
#[test]
fn an_ignored_attribute_in_an_updated_block_is_not_sent() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("ignmax");
    let ignore = "  lifecycle {\n    ignore_changes = [capacity_provider_scaling_config[0].max_vcpu_count]\n  }\n";
    acc.write(&acc.config(&name, "", &format!("{MANUAL_SCALING}{ignore}")));
    acc.apply();
    let changed = MANUAL_SCALING
        .replace("max_vcpu_count = 64", "max_vcpu_count = 128")
        .replace("target_value           = 60", "target_value           = 70");
    acc.write(&acc.config(&name, "", &format!("{changed}{ignore}")));
    assert_eq!(acc.plan().actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    let scaling = &acc.resource(ADDRESS)["capacity_provider_scaling_config"][0];
    assert_eq!(scaling["max_vcpu_count"], 64, "{scaling:#}");
    assert_eq!(
        scaling["scaling_policies"][0]["target_value"], 70,
        "{scaling:#}"
    );
    if acc.env.emulator().is_some() {
        let cp = acc.emulated_capacity_provider(&name).unwrap_or(Value::Null);
        let sent = &cp["config"]["CapacityProviderScalingConfig"];
        assert_eq!(sent["MaxVCpuCount"], 64, "{cp:#}");
    }
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// With `ignore_changes = [tags]`, tags added outside Terraform are kept by the plan; an
/// update of something else used to follow the configuration's tags at apply, remove
/// them in AWS without the plan saying so, and fail with "inconsistent result".
#[test]
fn ignored_tags_stay_as_aws_has_them_when_something_else_is_updated() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("igntags");
    let body = |level: &str| {
        format!(
            "  tags = {{ team = \"a\" }}\n  telemetry_config {{\n    logging_config {{\n      \
             system_log_level = \"{level}\"\n    }}\n  }}\n  lifecycle {{\n    \
             ignore_changes = [tags]\n  }}\n"
        )
    };
    acc.write(&acc.config(&name, "", &body("WARN")));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"]
        .as_str()
        .unwrap_or_else(|| panic!("no arn in the state"))
        .to_string();
    acc.lambda_sdk().tag(&arn, &[("cost-center", "42")]);
    assert!(acc.plan().is_empty(), "ignored tags plan nothing");

    acc.write(&acc.config(&name, "", &body("DEBUG")));
    assert_eq!(acc.plan().actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    let expected = serde_json::json!({"team": "a", "cost-center": "42"});
    assert_eq!(acc.resource(ADDRESS)["tags_all"], expected);
    if acc.env.emulator().is_some() {
        let cp = acc.emulated_capacity_provider(&name).unwrap_or(Value::Null);
        assert_eq!(cp["tags"], expected, "AWS's tags after the update");
    }
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn default_tags_known_only_at_apply() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("tagsu");
    let provider = "  default_tags {\n    tags = terraform_data.tags.output\n  }\n";
    let write = |team: &str| {
        acc.write(&acc.config_with(
            &name,
            provider,
            "  tags = { app = \"web\" }\n",
            &format!(
                "resource \"terraform_data\" \"tags\" {{\n  input = {{ team = \"{team}\" }}\n}}\n"
            ),
        ));
    };
    write("core");
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["tags"], serde_json::json!({"app": "web"}));
    assert_eq!(
        r["tags_all"],
        serde_json::json!({"app": "web", "team": "core"})
    );
    assert!(
        acc.plan().is_empty(),
        "no diff once the default tags are known"
    );

    // A new value for the default tags: unknown again at plan, then applied.
    write("platform");
    let change = change_of(&acc.plan(), ADDRESS)["change"].clone();
    let own = serde_json::json!({"app": "web"});
    assert_eq!(
        (&change["before"]["tags"], &change["after"]["tags"]),
        (&own, &own),
        "the refresh kept the default tag out of the resource's own: {change:#}"
    );
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["tags_all"],
        serde_json::json!({"app": "web", "team": "platform"})
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn provider_schema_is_served() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    acc.write(&acc.config(&acc.name("schema"), "", ""));
    let out = match acc.run(&["providers", "schema", "-json"]) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    let schema: Value = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    let p = &schema["provider_schemas"]["registry.terraform.io/lambdakit/lambda"];
    let r = &p["resource_schemas"]["lambda_capacity_provider"]["block"];
    for a in [
        "name",
        "arn",
        "state",
        "last_modified",
        "kms_key_arn",
        "tags",
        "tags_all",
    ] {
        assert!(
            r["attributes"][a].is_object(),
            "missing attribute {a}: {r:#}"
        );
    }
    // Nested settings are real blocks, so modules can build them with `dynamic`.
    for b in [
        "vpc_config",
        "permissions_config",
        "instance_requirements",
        "capacity_provider_scaling_config",
        "propagate_tags",
        "telemetry_config",
        "timeouts",
    ] {
        assert!(r["block_types"][b].is_object(), "missing block {b}: {r:#}");
    }
    assert!(p["data_source_schemas"]["lambda_capacity_provider"].is_object());
    for a in [
        "region",
        "profile",
        "max_retries",
        "skip_credentials_validation",
    ] {
        assert!(
            p["provider"]["block"]["attributes"][a].is_object(),
            "provider lacks {a}"
        );
    }
    for b in ["assume_role", "endpoints", "default_tags"] {
        assert!(
            p["provider"]["block"]["block_types"][b].is_object(),
            "provider lacks {b}"
        );
    }
}

#[test]
fn delete_refused_while_versions_use_it_names_them() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("inuse");
    acc.write(&acc.config(&name, "", ""));
    acc.apply();
    let cp_arn = acc.resource(ADDRESS)["arn"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // A function on the capacity provider, created behind Terraform's back.
    let fn_name = format!("fn-{name}");
    let sdk = acc.lambda_sdk();
    let client = sdk.client();
    sdk.block_on(async {
        use aws_sdk_lambda::types::{
            CapacityProviderConfig, FunctionCode, LambdaManagedInstancesCapacityProviderConfig,
            Runtime,
        };
        let mut zip = b"PK\x05\x06".to_vec();
        zip.extend([0u8; 18]);
        let cp_config = LambdaManagedInstancesCapacityProviderConfig::builder()
            .capacity_provider_arn(&cp_arn)
            .build()
            .map(|c| {
                CapacityProviderConfig::builder()
                    .lambda_managed_instances_capacity_provider_config(c)
                    .build()
            });
        let Ok(cp_config) = cp_config else {
            panic!("building the capacity provider config")
        };
        let r = client
            .create_function()
            .function_name(&fn_name)
            .role(&acc.net.operator_role_arn)
            .runtime(Runtime::from("python3.13"))
            .handler("app.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(zip))
                    .build(),
            )
            .capacity_provider_config(cp_config)
            .send()
            .await;
        if let Err(e) = r {
            panic!("creating a function on the capacity provider: {e:?}");
        }
    });

    // A plan that replaces the capacity provider names the version that will stop the
    // delete (Terraform only destroys the resources that refer to it).
    let role = &acc.net.operator_role_arn;
    acc.write(
        &acc.config(&name, "", "")
            .replace(role.as_str(), &format!("{role}-2")),
    );
    let diags = acc.plan_diagnostics();
    Expect::error()
        .summary(&format!(
            "lambda_capacity_provider \"{name}\" is replaced while function versions use it"
        ))
        .detail(&[
            &format!(":function:{fn_name}:"),
            "Move such functions first",
        ])
        .address(ADDRESS)
        .find_in(&diags.warnings(), "a plan replacing the capacity provider");
    acc.write(&acc.config(&name, "", ""));

    // destroy must fail while a function uses the capacity provider
    let out = acc.fail(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    let text = format!("{}{}", out.stdout, out.stderr);
    eprintln!("{text}");
    assert!(
        text.contains(&fn_name),
        "the error must name the function version: {text}"
    );
    assert!(
        acc.emulated_capacity_provider(&name).is_some(),
        "the capacity provider must still exist"
    );

    // Without the function the destroy goes through.
    sdk.block_on(async {
        let _ = client
            .delete_function()
            .function_name(&fn_name)
            .send()
            .await;
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match acc.try_destroy() {
            Ok(_) => break,
            Err(e) if Instant::now() > deadline => {
                panic!("destroy after deleting the function: {e}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    }
    assert!(acc.emulated_capacity_provider(&name).is_none());
}

#[test]
fn resource_region_argument() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("region");
    acc.write(&acc.config(&name, "", "  region = \"eu-west-1\"\n"));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["region"], "eu-west-1");
    assert!(
        r["arn"].as_str().is_some_and(|a| a.contains(":eu-west-1:")),
        "{r:#}"
    );
    assert!(acc.plan().is_empty());

    // Without the argument the object belongs in the provider's region (us-east-1): the
    // plan says it moves (a replacement), and the apply leaves nothing behind in eu-west-1.
    acc.write(&acc.config(&name, "", ""));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), ["delete", "create"]);
    assert_eq!(plan.replace_paths(ADDRESS), [serde_json::json!(["region"])]);
    acc.apply();
    assert_eq!(acc.resource(ADDRESS)["region"], "us-east-1");
    let regions: Vec<String> = acc.emu().state()["capacity_providers"]
        .as_object()
        .into_iter()
        .flat_map(|all| all.values())
        .filter(|o| o["name"] == name.as_str())
        .map(|o| o["arn"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        regions.len() == 1 && regions[0].contains(":us-east-1:"),
        "{regions:?}"
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
    assert!(acc.emulated_capacity_provider(&name).is_none());
}

/// The access key IDs that signed calls of `operation`.
fn signed_by(emu: &Emulator, operation: &str) -> Vec<String> {
    emu.calls()
        .get(operation)
        .map(|c| c.access_keys.iter().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn profile_credentials_take_precedence_over_the_environment() {
    let Some(mut acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    // AWS_ACCESS_KEY_ID=test stays set (the harness sets it): `profile` must win.
    let config = acc.path().join("aws-config");
    let credentials = acc.path().join("aws-credentials");
    let files = [
        (&config, "[profile acc]\nregion = us-east-1\n"),
        (
            &credentials,
            "[acc]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = secret\n",
        ),
    ];
    for (path, text) in files {
        if let Err(e) = std::fs::write(path, text) {
            panic!("writing {}: {e}", path.display());
        }
    }
    acc.set_env("AWS_CONFIG_FILE", config.to_string_lossy().to_string());
    acc.set_env(
        "AWS_SHARED_CREDENTIALS_FILE",
        credentials.to_string_lossy().to_string(),
    );
    let name = acc.name("profile");
    acc.write(&acc.config(&name, "  profile = \"acc\"\n", ""));
    acc.apply();
    for op in ["GetCallerIdentity", "CreateCapacityProvider"] {
        assert_eq!(signed_by(acc.emu(), op), vec!["AKIDFROMPROFILE"], "{op}");
    }
    acc.destroy();

    // A profile that does not exist: the error names it as the source tried.
    acc.write(&acc.config(&name, "  profile = \"nope\"\n", ""));
    let errors = acc.plan_errors();
    let found = errors.all().iter().any(|d| {
        d["summary"] == "No valid AWS credentials found"
            && d["detail"]
                .as_str()
                .is_some_and(|t| t.contains("profile \"nope\""))
    });
    assert!(found, "{errors:#?}");
}

#[test]
fn assume_role_signs_every_call_with_the_role_session() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let role = "arn:aws:iam::123456789012:role/tf-deployer";
    let provider = format!(
        "  assume_role {{\n    role_arn     = \"{role}\"\n    session_name = \"tfacc\"\n    \
         external_id  = \"ext-7\"\n    duration     = \"30m\"\n  }}\n"
    );
    let name = acc.name("assume");
    acc.write(&acc.config(&name, &provider, ""));
    acc.apply();

    let sessions = acc.emu().sts_sessions();
    assert!(!sessions.is_empty(), "AssumeRole was never called");
    for s in &sessions {
        assert_eq!(s.role_arn, role);
        assert_eq!(s.role_session_name, "tfacc");
        assert_eq!(s.external_id.as_deref(), Some("ext-7"));
        assert_eq!(s.duration_seconds, 1800);
        assert_eq!(s.source_access_key_id, "test");
    }
    let session_keys: Vec<String> = sessions.iter().map(|s| s.access_key_id.clone()).collect();
    for op in [
        "GetCallerIdentity",
        "CreateCapacityProvider",
        "GetCapacityProvider",
    ] {
        let keys = signed_by(acc.emu(), op);
        assert!(
            !keys.is_empty() && keys.iter().all(|k| session_keys.contains(k)),
            "{op} signed by {keys:?}, sessions {session_keys:?}"
        );
    }
    assert_eq!(signed_by(acc.emu(), "AssumeRole"), vec!["test"]);
    acc.destroy();

    // A role STS refuses (the emulator knows no roles of other accounts): the error
    // says which role and which base credentials.
    let refused = "arn:aws:iam::210987654321:role/elsewhere";
    acc.write(&acc.config(
        &name,
        &format!("  assume_role {{\n    role_arn = \"{refused}\"\n  }}\n"),
        "",
    ));
    let errors = acc.plan_errors();
    let found = errors.all().iter().any(|d| {
        d["summary"] == "Cannot assume the role"
            && d["detail"].as_str().is_some_and(|t| {
                t.contains(&format!("assume role {refused}"))
                    && t.contains("AWS_ACCESS_KEY_ID")
                    && t.contains("(AccessDenied): User:")
                    && t.contains("not authorized to perform: sts:AssumeRole")
                    && !t.contains("aws_request_id")
            })
    });
    assert!(found, "{errors:#?}");

    // Without the credential check at configure, the first call meets the refusal: the
    // plan warns that it could not check EC2, and the apply fails at once instead of
    // retrying a refusal for minutes.
    acc.write(&acc.config(
        &name,
        &format!(
            "  skip_credentials_validation = true\n  assume_role {{\n    role_arn = \"{refused}\"\n  }}\n"
        ),
        "",
    ));
    acc.emu().reset_calls();
    let started = std::time::Instant::now();
    let errors = acc.apply_errors();
    let took = started.elapsed();
    let found = errors.all().iter().any(|d| {
        d["detail"].as_str().is_some_and(|t| {
            t.contains(
                "could not get AWS credentials: STS refused to assume the role (AccessDenied)",
            )
        })
    });
    assert!(found, "{errors:#?}");
    let attempts = acc.emu().call_count("AssumeRole");
    assert!(
        attempts <= 10 && took < std::time::Duration::from_secs(30),
        "{attempts} AssumeRole calls in {took:?}"
    );
}

/// Rewrites the state so `lambda_capacity_provider.test` looks as the HashiCorp AWS
/// provider stores `aws_lambda_capacity_provider.test`: its type and provider, and a
/// subset of its attributes plus one this provider does not have.
fn restate_as_aws_provider(state_file: &std::path::Path) {
    let text = std::fs::read_to_string(state_file)
        .unwrap_or_else(|e| panic!("reading {}: {e}", state_file.display()));
    let mut state: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let Some(resource) = state["resources"]
        .as_array_mut()
        .and_then(|r| r.first_mut())
    else {
        panic!("no resource in {text}");
    };
    resource["type"] = "aws_lambda_capacity_provider".into();
    resource["provider"] = r#"provider["registry.terraform.io/hashicorp/aws"]"#.into();
    let attrs = resource["instances"][0]["attributes"].clone();
    resource["instances"][0]["attributes"] = serde_json::json!({
        "arn": attrs["arn"],
        "name": attrs["name"],
        "region": attrs["region"],
        "tags": attrs["tags"],
        "tags_all": attrs["tags_all"],
        "vpc_config": attrs["vpc_config"],
        "id": attrs["name"],
    });
    resource["instances"][0]["private"] = Value::Null;
    state["serial"] = (state["serial"].as_u64().unwrap_or(1) + 1).into();
    let out = serde_json::to_string_pretty(&state).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(state_file, out).unwrap_or_else(|e| panic!("writing the state: {e}"));
}

#[test]
fn moved_block_takes_over_the_aws_providers_capacity_provider() {
    let Some(mut acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("moved");
    let tags = "  tags = { env = \"dev\" }\n";
    acc.write(&acc.config(&name, "", tags));
    acc.apply();
    let arn = acc.resource(ADDRESS)["arn"].clone();
    restate_as_aws_provider(&acc.path().join("terraform.tfstate"));

    // Terraform needs the source provider present to read the state; our own binary
    // stands in for hashicorp/aws (it is only asked for its schema).
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
    if let Some(emu) = acc.env.emulator() {
        emu.reset_calls();
    }

    let moved = "moved {\n  from = aws_lambda_capacity_provider.test\n  to   = lambda_capacity_provider.test\n}\n";
    acc.write(&acc.config_with(&name, "", tags, moved));
    let plan = acc.plan();
    let change = plan
        .resource_changes()
        .iter()
        .find(|rc| rc["address"] == "lambda_capacity_provider.test")
        .cloned()
        .unwrap_or_else(|| panic!("no change for the moved resource: {:#}", plan.json()));
    assert_eq!(
        change["previous_address"],
        "aws_lambda_capacity_provider.test"
    );
    assert!(plan.is_empty(), "a move must plan no change: {change:#}");

    acc.apply();
    let state = acc.state();
    assert_eq!(state.addresses(), vec!["lambda_capacity_provider.test"]);
    let r = acc.resource(ADDRESS);
    assert_eq!(r["arn"], arn);
    assert_eq!(r["tags"], serde_json::json!({"env": "dev"}));
    assert_eq!(
        r["vpc_config"][0]["security_group_ids"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    if let Some(emu) = acc.env.emulator() {
        for op in [
            "CreateCapacityProvider",
            "DeleteCapacityProvider",
            "UpdateCapacityProvider",
        ] {
            assert_eq!(emu.call_count(op), 0, "{op} during the move");
        }
    }
    assert!(acc.plan().is_empty());
    acc.destroy();
}
