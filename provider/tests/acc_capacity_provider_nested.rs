//! Acceptance tests of `lambda_capacity_provider` for what a new user ran into: nested
//! configuration (`dynamic` blocks in a module, errors inside nested blocks pointing at
//! the nested attribute, unset nested values following AWS), the name's length, the
//! data source's arguments, null tag values, import verification and duplicate list
//! entries. Same setup as `acc_capacity_provider.rs` (real terraform against the
//! emulator, or real AWS when opted in).

mod support;

use acceptance_tests::EmulatorOptions;
use acceptance_tests::ec2::ACCOUNT_ID;
use aws_sdk_lambda::types::{
    CapacityProviderLoggingConfig, CapacityProviderScalingConfig, CapacityProviderScalingMode,
    CapacityProviderTelemetryConfig, SystemLogLevel,
};
use serde_json::Value;
use support::capacity_provider::{ADDRESS, ARM_REQUIREMENTS, MANUAL_SCALING, REQUIRED_PROVIDERS};
use support::compare::differences;
use support::{Acc, Expect, Hcl, setup};

const CPU: &str = "LambdaCapacityProviderAverageCPUUtilization";
const GPU: &str = "LambdaCapacityProviderAverageGPUUtilization";

/// `(predefined_metric_type, target_value)` of each scaling policy in a state value.
fn state_policies(resource: &Value) -> Vec<(String, f64)> {
    resource["capacity_provider_scaling_config"][0]["scaling_policies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["predefined_metric_type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                p["target_value"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// `(PredefinedMetricType, TargetValue)` of each scaling policy the emulator holds.
fn emulated_policies(cp: &Value) -> Vec<(String, f64)> {
    cp["config"]["CapacityProviderScalingConfig"]["ScalingPolicies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["PredefinedMetricType"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                p["TargetValue"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// A module wrapping the capacity provider, every optional block driven by a variable
/// through `dynamic` blocks (scaling policies nested in the scaling block).
fn capacity_provider_module() -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
variable "name" {{ type = string }}
variable "subnet_ids" {{ type = list(string) }}
variable "security_group_ids" {{ type = list(string) }}
variable "operator_role_arn" {{ type = string }}

variable "instance_requirements" {{
  type = object({{
    architectures          = list(string)
    allowed_instance_types = list(string)
  }})
  default = null
}}

variable "scaling_mode" {{
  type    = string
  default = null
}}

variable "max_vcpu_count" {{
  type    = number
  default = null
}}

variable "scaling_policies" {{
  type = list(object({{
    metric = string
    target = number
  }}))
  default = []
}}

resource "lambda_capacity_provider" "this" {{
  name = var.name

  vpc_config {{
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }}

  permissions_config {{
    capacity_provider_operator_role_arn = var.operator_role_arn
  }}

  dynamic "instance_requirements" {{
    for_each = var.instance_requirements == null ? [] : [var.instance_requirements]
    content {{
      architectures          = instance_requirements.value.architectures
      allowed_instance_types = instance_requirements.value.allowed_instance_types
    }}
  }}

  dynamic "capacity_provider_scaling_config" {{
    for_each = var.scaling_mode == null ? [] : [var.scaling_mode]
    content {{
      scaling_mode   = capacity_provider_scaling_config.value
      max_vcpu_count = var.max_vcpu_count

      dynamic "scaling_policies" {{
        for_each = var.scaling_policies
        content {{
          predefined_metric_type = scaling_policies.value.metric
          target_value           = scaling_policies.value.target
        }}
      }}
    }}
  }}
}}

output "arn" {{
  value = lambda_capacity_provider.this.arn
}}
"#
    )
}

#[test]
fn dynamic_blocks_in_a_module_create_what_the_variables_say() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("dynamic");
    acc.write_file("modules/cp/main.tf", &capacity_provider_module());
    acc.write(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "lambda" {{}}

module "cp" {{
  source             = "./modules/cp"
  name               = "{name}"
  subnet_ids         = {subnets}
  security_group_ids = ["{sg}"]
  operator_role_arn  = "{role}"

  instance_requirements = {{
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.large", "m7g.xlarge"]
  }}

  scaling_mode   = "Manual"
  max_vcpu_count = 48
  scaling_policies = [
    {{ metric = "{CPU}", target = 55 }},
    {{ metric = "{GPU}", target = 75 }},
  ]
}}
"#,
        subnets = acc.subnet_list(),
        sg = acc.net.security_group_id,
        role = acc.net.operator_role_arn,
    ));
    acc.get_modules();
    acc.validate();
    acc.apply();

    let wanted = vec![(CPU.to_string(), 55.0), (GPU.to_string(), 75.0)];
    let r = acc.resource("module.cp.lambda_capacity_provider.this");
    assert_eq!(
        state_policies(&r),
        wanted,
        "the state's scaling policies are not the variable's: {r:#}"
    );
    let scaling = &r["capacity_provider_scaling_config"][0];
    assert_eq!(scaling["max_vcpu_count"], 48, "{r:#}");
    assert_eq!(scaling["scaling_mode"], "Manual", "{r:#}");
    assert_eq!(
        r["instance_requirements"][0]["allowed_instance_types"],
        serde_json::json!(["m7g.large", "m7g.xlarge"]),
        "{r:#}"
    );
    if acc.env.emulator().is_some() {
        let cp = acc
            .emulated_capacity_provider(&name)
            .unwrap_or_else(|| panic!("{name} is not in the emulator"));
        assert_eq!(
            emulated_policies(&cp),
            wanted,
            "AWS did not get the variable's policies: {cp:#}"
        );
        assert_eq!(
            cp["config"]["CapacityProviderScalingConfig"]["MaxVCpuCount"], 48,
            "{cp:#}"
        );
    }
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "a second plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
    acc.destroy();
}

/// Manual scaling capped at `max` vCPUs with two policies, the second targeting
/// `second_target` percent.
fn two_policies(max: u32, second_target: u32) -> String {
    format!(
        r#"
  capacity_provider_scaling_config {{
    max_vcpu_count = {max}
    scaling_mode   = "Manual"
    scaling_policies {{
      predefined_metric_type = "{CPU}"
      target_value           = 60
    }}
    scaling_policies {{
      predefined_metric_type = "{GPU}"
      target_value           = {second_target}
    }}
  }}
"#
    )
}

#[test]
fn errors_in_nested_blocks_point_at_the_nested_attribute() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let hcl = acc.config(&acc.name("nested-errors"), "", &two_policies(1, 150));
    acc.write(&hcl);
    let main = Hcl::new("main.tf", &hcl);
    let target = main.at(
        ADDRESS,
        "capacity_provider_scaling_config[0].scaling_policies[1].target_value",
    );
    assert!(target.code.contains("= 150"), "{target}");
    let max = main.at(
        ADDRESS,
        "capacity_provider_scaling_config[0].max_vcpu_count",
    );
    assert!(max.code.contains("max_vcpu_count = 1"), "{max}");

    for (when, errors) in [
        ("terraform validate", acc.validate_errors()),
        ("terraform plan", acc.plan_errors()),
    ] {
        Expect::error()
            .says(&["between 0 and 100", "150"])
            .address(ADDRESS)
            .at(target.clone())
            .find_in(&errors, when);
        Expect::error()
            .says(&["between 2 and 15000"])
            .address(ADDRESS)
            .at(max.clone())
            .find_in(&errors, when);
    }
}

/// A number finer than AWS's 64-bit double (`100 / 3` is 33.33… to 512 bits in
/// Terraform) is refused at plan, with the nearest value AWS keeps. It used to plan,
/// then fail after apply ("inconsistent result": AWS gave back 33.333333333333336) and
/// leave the capacity provider tainted, to be replaced at every apply.
#[test]
fn a_number_finer_than_a_double_is_refused_at_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let hcl = acc
        .config(&acc.name("third"), "", &two_policies(4, 50))
        .replace(
            "target_value           = 50",
            "target_value           = 100 / 3",
        );
    acc.write(&hcl);
    let main = Hcl::new("main.tf", &hcl);
    let target = main.at(
        ADDRESS,
        "capacity_provider_scaling_config[0].scaling_policies[1].target_value",
    );
    assert!(target.code.contains("100 / 3"), "{target}");
    for (when, errors) in [
        ("terraform validate", acc.validate_errors()),
        ("terraform plan", acc.plan_errors()),
    ] {
        Expect::error()
            .says(&[
                "would come back as 33.333333333333336",
                "Write 33.333333333333336",
            ])
            .address(ADDRESS)
            .at(target.clone())
            .find_in(&errors, when);
    }
    // The value it names applies, and the next plan is empty.
    acc.write(&hcl.replace("100 / 3", "33.333333333333336"));
    acc.apply();
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// Creates `lambda_capacity_provider.test` with Auto scaling and INFO system logs,
/// leaving `max_vcpu_count` and `log_group` to AWS; returns its name.
fn create_with_aws_defaults(acc: &Acc, base: &str) -> String {
    let name = acc.name(base);
    let body = r#"
  capacity_provider_scaling_config {
    scaling_mode = "Auto"
  }

  telemetry_config {
    logging_config {
      system_log_level = "INFO"
    }
  }
"#;
    acc.write(&acc.config(&name, "", body));
    acc.apply();
    name
}

/// `(MaxVCpuCount, LogGroup)` as GetCapacityProvider returns them.
fn aws_scaling_and_log_group(acc: &Acc, name: &str) -> (Option<i32>, Option<String>) {
    let sdk = acc.lambda_sdk();
    let out = sdk.block_on(
        sdk.client()
            .get_capacity_provider()
            .capacity_provider_name(name)
            .send(),
    );
    let out = out.unwrap_or_else(|e| panic!("GetCapacityProvider {name}: {e:?}"));
    let Some(cp) = out.capacity_provider() else {
        panic!("GetCapacityProvider {name} returned no capacity provider");
    };
    (
        cp.capacity_provider_scaling_config()
            .and_then(|s| s.max_v_cpu_count()),
        cp.telemetry_config()
            .and_then(|t| t.logging_config())
            .and_then(|l| l.log_group())
            .map(str::to_string),
    )
}

#[test]
fn unset_nested_values_show_what_aws_chose() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = create_with_aws_defaults(&acc, "aws-defaults");
    let (max, log_group) = aws_scaling_and_log_group(&acc, &name);
    let r = acc.resource(ADDRESS);
    let state_max = &r["capacity_provider_scaling_config"][0]["max_vcpu_count"];
    let state_log_group = &r["telemetry_config"][0]["logging_config"][0]["log_group"];
    assert!(
        max.is_some() && log_group.is_some(),
        "AWS chooses MaxVCpuCount and LogGroup when they are not sent; the emulator \
         returned MaxVCpuCount {max:?}, LogGroup {log_group:?} (state: max_vcpu_count \
         {state_max}, log_group {state_log_group})"
    );
    assert_eq!(
        state_max.as_i64(),
        max.map(i64::from),
        "the state's max_vcpu_count is not AWS's: {r:#}"
    );
    assert_eq!(
        state_log_group.as_str(),
        log_group.as_deref(),
        "the state's log_group is not AWS's: {r:#}"
    );
    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    acc.destroy();
}

/// Removing an in-place block stops managing it: the plan says so, the apply sends
/// nothing for it, AWS keeps the setting and the next plan is empty.
#[test]
fn a_removed_block_is_no_longer_managed_and_aws_keeps_it() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = create_with_aws_defaults(&acc, "unmanaged");
    let (max_before, log_group_before) = aws_scaling_and_log_group(&acc, &name);
    acc.write(&acc.config(&name, "", ""));
    let warnings = acc.plan_diagnostics().warnings();
    for block in ["capacity_provider_scaling_config", "telemetry_config"] {
        assert!(
            warnings.has_summary(&format!("{block} is no longer managed")),
            "{}",
            warnings.describe()
        );
    }
    let updates = acc.emu().call_count("UpdateCapacityProvider");
    acc.apply();
    assert_eq!(
        acc.emu().call_count("UpdateCapacityProvider"),
        updates,
        "nothing to send for removed blocks"
    );
    assert_eq!(
        aws_scaling_and_log_group(&acc, &name),
        (max_before, log_group_before)
    );
    let r = acc.resource(ADDRESS);
    assert_eq!(
        r["capacity_provider_scaling_config"],
        serde_json::json!([]),
        "{r:#}"
    );
    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    acc.destroy();
}

/// A log group that was set, then left out of the configuration (the plan keeps it),
/// stays when another block is updated: the update sends it with the telemetry block it
/// sends unchanged. It used to send `TelemetryConfig` without it, AWS went back to its
/// default log group, and the apply failed with "inconsistent result after apply".
#[test]
fn a_log_group_left_out_stays_when_another_block_is_updated() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("kept-log-group");
    let telemetry = |log_group: &str| {
        format!(
            "\n  telemetry_config {{\n    logging_config {{\n      system_log_level = \"INFO\"\n{log_group}    }}\n  }}\n"
        )
    };
    acc.write(&acc.config(&name, "", &telemetry("      log_group = \"/x/y\"\n")));
    acc.apply();
    acc.write(&acc.config(&name, "", &telemetry("")));
    assert!(
        acc.plan().is_empty(),
        "leaving log_group out changes nothing"
    );
    let scaling = "\n  capacity_provider_scaling_config {\n    scaling_mode = \"Auto\"\n  }\n";
    acc.write(&acc.config(&name, "", &format!("{}{scaling}", telemetry(""))));
    acc.apply();
    assert_eq!(
        aws_scaling_and_log_group(&acc, &name).1.as_deref(),
        Some("/x/y")
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

/// An update sends only the blocks that change. A configured `telemetry_config {}`
/// leaves the logging configuration unmanaged; sent again with a change to the scaling,
/// it wiped a logging configuration set outside Terraform.
#[test]
fn an_update_leaves_unchanged_blocks_as_aws_has_them() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("unchanged-blocks");
    let body = |max: u32| {
        format!(
            "\n  capacity_provider_scaling_config {{\n    scaling_mode   = \"Auto\"\n    max_vcpu_count = {max}\n  }}\n  telemetry_config {{}}\n"
        )
    };
    acc.write(&acc.config(&name, "", &body(32)));
    acc.apply();
    let sdk = acc.lambda_sdk();
    let outside = sdk.block_on(
        sdk.client()
            .update_capacity_provider()
            .capacity_provider_name(&name)
            .telemetry_config(
                CapacityProviderTelemetryConfig::builder()
                    .logging_config(
                        CapacityProviderLoggingConfig::builder()
                            .system_log_level(SystemLogLevel::Info)
                            .log_group("/outside")
                            .build(),
                    )
                    .build(),
            )
            .send(),
    );
    if let Err(e) = outside {
        panic!("UpdateCapacityProvider outside Terraform: {e:?}");
    }
    acc.write(&acc.config(&name, "", &body(48)));
    acc.apply();
    assert_eq!(
        aws_scaling_and_log_group(&acc, &name),
        (Some(48), Some("/outside".to_string()))
    );
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn nested_values_changed_outside_terraform_are_refreshed_and_plan_stays_empty() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = create_with_aws_defaults(&acc, "outside");
    let log_group = format!("/custom/capacity-provider/{name}");

    // Someone raises the vCPU limit and moves the logs, outside Terraform.
    let sdk = acc.lambda_sdk();
    let updated = sdk.block_on(
        sdk.client()
            .update_capacity_provider()
            .capacity_provider_name(&name)
            .capacity_provider_scaling_config(
                CapacityProviderScalingConfig::builder()
                    .scaling_mode(CapacityProviderScalingMode::Auto)
                    .max_v_cpu_count(96)
                    .build(),
            )
            .telemetry_config(
                CapacityProviderTelemetryConfig::builder()
                    .logging_config(
                        CapacityProviderLoggingConfig::builder()
                            .system_log_level(SystemLogLevel::Info)
                            .log_group(&log_group)
                            .build(),
                    )
                    .build(),
            )
            .send(),
    );
    if let Err(e) = updated {
        panic!("UpdateCapacityProvider outside Terraform: {e:?}");
    }
    assert_eq!(
        aws_scaling_and_log_group(&acc, &name),
        (Some(96), Some(log_group.clone())),
        "the change outside Terraform did not reach the emulator"
    );

    let refresh = acc.plan_refresh_only();
    let drift = refresh.json()["resource_drift"]
        .as_array()
        .and_then(|d| d.iter().find(|rc| rc["address"] == ADDRESS))
        .map(|rc| rc["change"]["after"].clone())
        .unwrap_or_else(|| {
            panic!(
                "plan -refresh-only shows no change of {ADDRESS}: {:#}",
                refresh.json()["resource_drift"]
            )
        });
    assert_eq!(
        drift["capacity_provider_scaling_config"][0]["max_vcpu_count"], 96,
        "plan -refresh-only must show AWS's new MaxVCpuCount; refreshed: {drift:#}"
    );
    assert_eq!(
        drift["telemetry_config"][0]["logging_config"][0]["log_group"],
        log_group.as_str(),
        "plan -refresh-only must show AWS's new LogGroup; refreshed: {drift:#}"
    );

    acc.apply_refresh_only();
    let r = acc.resource(ADDRESS);
    assert_eq!(
        r["capacity_provider_scaling_config"][0]["max_vcpu_count"], 96,
        "{r:#}"
    );
    assert_eq!(
        r["telemetry_config"][0]["logging_config"][0]["log_group"],
        log_group.as_str(),
        "{r:#}"
    );
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "max_vcpu_count and log_group are not in the configuration: the plan must \
         accept AWS's values, not change them back: {:#}",
        plan.json()["resource_changes"]
    );
    acc.destroy();
}

#[test]
fn name_longer_than_the_arn_allows_is_refused_at_validate() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let named = |len: usize| {
        let name = format!("tfacc-long-{}", "n".repeat(len - 11));
        assert_eq!(name.len(), len);
        let hcl = acc.config(&name, "", "");
        acc.write(&hcl);
        hcl
    };
    for len in [65, 140] {
        let hcl = named(len);
        Expect::error()
            .says(&["64", "ARN"])
            .address(ADDRESS)
            .at(Hcl::new("main.tf", &hcl).at(ADDRESS, "name"))
            .find_in(
                &acc.validate_errors(),
                &format!("terraform validate, name of {len} characters"),
            );
    }
    named(64);
    acc.validate();
}

/// A configuration with only `data.lambda_capacity_provider.x`, `body` inside it.
fn data_source_config(body: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "lambda" {{}}

data "lambda_capacity_provider" "x" {{
{body}
}}
"#
    )
}

const DATA_ADDRESS: &str = "data.lambda_capacity_provider.x";

#[test]
fn data_source_refuses_name_and_arn_together() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("ds-both");
    let hcl = data_source_config(&format!(
        "  name = \"{name}\"\n  arn  = \"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:capacity-provider:{name}\"\n"
    ));
    acc.write(&hcl);
    let main = Hcl::new("main.tf", &hcl);
    Expect::error()
        .says(&["name", "arn"])
        .address(DATA_ADDRESS)
        .at_any(vec![
            main.at(DATA_ADDRESS, "name"),
            main.at(DATA_ADDRESS, "arn"),
        ])
        .find_in(&acc.plan_errors(), "terraform plan with name and arn");
    assert_eq!(
        acc.plan_errors().all().len(),
        1,
        "one error, not one per rule"
    );

    // A name given as `arn`.
    let hcl = data_source_config(&format!("  arn = \"{name}\"\n"));
    acc.write(&hcl);
    Expect::error()
        .says(&["a capacity provider ARN"])
        .address(DATA_ADDRESS)
        .at(Hcl::new("main.tf", &hcl).at(DATA_ADDRESS, "arn"))
        .find_in(&acc.plan_errors(), "terraform plan with a name as arn");
}

#[test]
fn data_source_refuses_an_arn_of_another_region() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("ds-region");
    let hcl = data_source_config(&format!(
        "  arn    = \"arn:aws:lambda:eu-west-1:{ACCOUNT_ID}:capacity-provider:{name}\"\n  region = \"us-east-1\"\n"
    ));
    acc.write(&hcl);
    let main = Hcl::new("main.tf", &hcl);
    Expect::error()
        .says(&["eu-west-1", "us-east-1"])
        .address(DATA_ADDRESS)
        .at_any(vec![
            main.at(DATA_ADDRESS, "region"),
            main.at(DATA_ADDRESS, "arn"),
        ])
        .find_in(&acc.plan_errors(), "terraform plan with region and arn");
}

#[test]
fn null_tag_values_are_refused_at_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("null-tags");
    let propagate = r#"
  propagate_tags {
    mode          = "Explicit"
    explicit_tags = { team = "web", a = null }
  }
"#;
    for (body, path) in [
        ("  tags = { env = \"test\", a = null }\n", "tags[\"a\"]"),
        (propagate, "propagate_tags[0].explicit_tags[\"a\"]"),
    ] {
        let hcl = acc.config(&name, "", body);
        acc.write(&hcl);
        Expect::error()
            .says(&["null"])
            .address(ADDRESS)
            .at(Hcl::new("main.tf", &hcl).at(ADDRESS, path))
            .find_in(&acc.plan_errors(), &format!("terraform plan, null {path}"));
    }
}

#[test]
fn import_verify_attribute_by_attribute() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let name = acc.name("import-verify");
    // The emulator does not check KMS keys; against real AWS the key would have to exist.
    let kms = if acc.env.emulator().is_some() {
        format!(
            "  kms_key_arn = \"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n"
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{kms}{ARM_REQUIREMENTS}{MANUAL_SCALING}
  propagate_tags {{
    mode          = "Explicit"
    explicit_tags = {{ team = "web" }}
  }}

  telemetry_config {{
    logging_config {{
      system_log_level = "WARN"
      log_group        = "/aws/lambda/capacity-provider/{name}"
    }}
  }}

  tags = {{ env = "test", owner = "acc" }}
"#
    );
    let hcl = acc.config(&name, "", &body);
    acc.write(&hcl);
    acc.apply();
    let created = acc.resource(ADDRESS);

    let fresh = acc.another_workdir();
    fresh.write(&hcl);
    fresh.import(ADDRESS, &name);
    let imported = fresh.resource(ADDRESS);
    let diffs = differences(&created, &imported, &["timeouts"]);
    assert!(
        diffs.is_empty(),
        "the imported state differs from the created one (created vs imported):\n{}",
        diffs
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let plan = fresh.plan();
    assert!(
        plan.is_empty(),
        "plan after import must be empty: {:#}",
        plan.json()["resource_changes"]
    );
    acc.destroy();
}

#[test]
fn duplicate_instance_types_are_refused_at_validate() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = r#"
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.large", "m7g.xlarge", "m7g.large"]
  }
"#;
    let hcl = acc.config(&acc.name("duplicates"), "", body);
    acc.write(&hcl);
    Expect::error()
        .says(&["m7g.large"])
        .address(ADDRESS)
        .at(Hcl::new("main.tf", &hcl).at(
            ADDRESS,
            "instance_requirements[0].allowed_instance_types[2]",
        ))
        .find_in(&acc.validate_errors(), "terraform validate");
}

/// A null in a list AWS's model describes is refused at validate (it used to plan, with
/// the review counting it as a subnet, and fail at apply).
#[test]
fn null_list_elements_are_refused_at_validate() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let body = r#"
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.large", null]
  }
"#;
    let hcl = acc.config(&acc.name("nulls"), "", body);
    acc.write(&hcl);
    let errors = acc.validate_errors();
    Expect::error()
        .summary("Null element")
        .address(ADDRESS)
        .at(Hcl::new("main.tf", &hcl).at(
            ADDRESS,
            "instance_requirements[0].allowed_instance_types[1]",
        ))
        .find_in(&errors, "terraform validate");
}

#[test]
fn invalid_timeout_is_refused_at_validate() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let hcl = acc.config(
        &acc.name("timeouts"),
        "",
        "  timeouts {\n    create = \"abc\"\n  }\n",
    );
    acc.write(&hcl);
    Expect::error()
        .says(&["abc"])
        .address(ADDRESS)
        .at(Hcl::new("main.tf", &hcl).at(ADDRESS, "timeouts.create"))
        .find_in(&acc.validate_errors(), "terraform validate");
}
