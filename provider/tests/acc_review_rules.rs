//! Every review rule through real Terraform against the emulator: a minimal bad
//! configuration draws the rule's finding in `terraform plan` (rules about one resource)
//! and in `terraform-provider-lambda review` of the saved plan (every rule), and the good
//! configuration draws none.

mod support;

use std::process::Command;

use acceptance_tests::EmulatorOptions;
use support::durable_function::ROLE;
use support::{Acc, setup};
use terraform_provider_lambda::review::rules::CATALOGUE;

/// A change to the good configuration.
type Change<'a> = Box<dyn Fn(&str) -> String + 'a>;

const KMS: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// A capacity provider, a Python durable function on it and a version, within every
/// rule.
fn good(acc: &Acc, zip: &str) -> String {
    let name = acc.name("rules");
    format!(
        r#"
{providers}
provider "lambda" {{
  review {{
    require_kms = true
  }}
}}

resource "lambda_capacity_provider" "cp" {{
  name = "{name}-cp"
{network}
  instance_requirements {{
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.*"]
  }}
  capacity_provider_scaling_config {{
    max_vcpu_count = 64
    scaling_mode   = "Manual"
    scaling_policies {{
      predefined_metric_type = "LambdaCapacityProviderAverageCPUUtilization"
      target_value           = 50
    }}
  }}
}}

resource "lambda_durable_function" "f" {{
  function_name    = "{name}"
  role             = "{ROLE}"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "{zip}"
  source_code_hash = filebase64sha256("{zip}")
  architectures    = ["arm64"]
  memory_size      = 4096
  tags             = {{ env = "prod", trust = "high" }}
  durable_config {{
    execution_timeout = 172800
    retention_period  = 14
    kms_key_arn       = "{KMS}"
  }}
  capacity_provider_config {{
    lambda_managed_instances_capacity_provider_config {{
      capacity_provider_arn                     = lambda_capacity_provider.cp.arn
      per_execution_environment_max_concurrency = 16
      execution_environment_memory_gib_per_vcpu = 2
    }}
  }}
}}

resource "lambda_function_version" "v" {{
  function_name = lambda_durable_function.f.function_name
  function_scaling_config {{
    min_execution_environments = 3
    max_execution_environments = 10
  }}
}}
"#,
        providers = support::capacity_provider::REQUIRED_PROVIDERS,
        network = acc.network_blocks(),
    )
}

/// A second function on the same capacity provider, trusted `low`.
fn low_trust_function(acc: &Acc, zip: &str) -> String {
    format!(
        r#"
resource "lambda_durable_function" "g" {{
  function_name    = "{}"
  role             = "{ROLE}"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "{zip}"
  architectures    = ["arm64"]
  memory_size      = 4096
  tags             = {{ trust = "low" }}
  durable_config {{
    execution_timeout = 3600
    kms_key_arn       = "{KMS}"
  }}
  capacity_provider_config {{
    lambda_managed_instances_capacity_provider_config {{
      capacity_provider_arn = lambda_capacity_provider.cp.arn
    }}
  }}
}}
"#,
        acc.name("rules-g")
    )
}

/// Runs `terraform-provider-lambda review` with `args` and the test's AWS environment;
/// returns the parsed JSON output.
fn review_json(acc: &Acc, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-lambda"))
        .arg("review")
        .args(args)
        .args(["--format", "json", "--fail-on", "never"])
        .envs(acc.env.provider_env())
        .output();
    match out {
        Ok(o) => serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "review {args:?}: {e}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        }),
        Err(e) => panic!("running the review: {e}"),
    }
}

/// The findings of rule `id` in a review's JSON output.
fn of_rule<'a>(review: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    review["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == id)
        .collect()
}

/// The rule IDs `review --format json` finds in the saved plan of `config`, and those
/// `terraform plan` shows.
fn findings(acc: &Acc, config: &str) -> (Vec<String>, Vec<String>) {
    acc.write(config);
    let out = acc.succeed(&["plan", "-out=tf.plan", "-input=false", "-no-color", "-json"]);
    let in_plan: Vec<String> = support::Diagnostics::from_json_lines(&out.stdout)
        .all()
        .iter()
        .filter_map(|d| d["summary"].as_str())
        .filter_map(|s| s.split(':').next())
        .filter(|id| CATALOGUE.iter().any(|r| r.id == *id))
        .map(str::to_string)
        .collect();
    let shown = acc.succeed(&["show", "-json", "tf.plan"]);
    let path = acc.dir().join("plan.json");
    if let Err(e) = std::fs::write(&path, shown.stdout) {
        panic!("writing plan.json: {e}");
    }
    let review = Command::new(env!("CARGO_BIN_EXE_terraform-provider-lambda"))
        .args([
            "review",
            "--format",
            "json",
            "--require-kms",
            "--fail-on",
            "never",
        ])
        .arg(&path)
        .output();
    let review = match review {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Err(e) => panic!("running the review: {e}"),
    };
    let parsed: serde_json::Value = serde_json::from_str(&review).unwrap_or_default();
    // Info findings (the cost estimate, COST-001) are in every review: see
    // `the_review_estimates_cost_and_asks_ec2_when_online`.
    let in_review = parsed["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] != "info")
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect();
    (in_review, in_plan)
}

#[test]
fn each_rule_fires_on_its_minimal_bad_configuration_in_plan_and_review() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = acc.zip("code.zip", "v1");
    let zip = zip.to_string_lossy().into_owned();
    let base = good(&acc, &zip);
    let (review, plan) = findings(&acc, &base);
    assert!(
        review.is_empty() && plan.is_empty(),
        "the good configuration: {review:?} {plan:?}"
    );

    let subnets = acc.subnet_list();
    let two_subnets = {
        let ids: Vec<&str> = subnets
            .trim_matches(['[', ']'])
            .split(", ")
            .take(2)
            .collect();
        format!("[{}]", ids.join(", "))
    };
    // (rule, change to the good configuration, whether the plan shows it too)
    let cases: Vec<(&str, Change<'_>, bool)> = vec![
        (
            "LMI-RES-001",
            Box::new(move |c: &str| c.replace(&subnets, &two_subnets)),
            true,
        ),
        (
            "LMI-RES-002",
            Box::new(|c: &str| {
                c.replace(
                    "min_execution_environments = 3",
                    "min_execution_environments = 1",
                )
            }),
            true,
        ),
        (
            "LMI-RES-003",
            Box::new(|c: &str| c.replace("max_vcpu_count = 64", "max_vcpu_count = 2")),
            true,
        ),
        (
            "LMI-SCALE-001",
            Box::new(|c: &str| {
                c.replace(
                    "max_execution_environments = 10",
                    "max_execution_environments = 40",
                )
            }),
            false,
        ),
        (
            "LMI-SCALE-002",
            Box::new(|c: &str| {
                c.replace("target_value           = 50", "target_value           = 80")
            }),
            true,
        ),
        (
            "LMI-SCALE-004",
            Box::new(|c: &str| c.replace("max_vcpu_count = 64", "max_vcpu_count = 6")),
            false,
        ),
        (
            "LMI-SCALE-005",
            Box::new(|c: &str| {
                c.replace(
                    "allowed_instance_types = [\"m7g.*\"]",
                    "allowed_instance_types = [\"m7g.medium\"]",
                )
            }),
            false,
        ),
        (
            "LMI-CONC-001",
            Box::new(|c: &str| {
                c.replace(
                    "per_execution_environment_max_concurrency = 16",
                    "per_execution_environment_max_concurrency = 64",
                )
            }),
            true,
        ),
        (
            "LMI-CONC-002",
            Box::new(|c: &str| {
                c.replace(
                    "execution_environment_memory_gib_per_vcpu = 2",
                    "execution_environment_memory_gib_per_vcpu = 3",
                )
            }),
            true,
        ),
        (
            "DUR-001",
            Box::new(|c: &str| c.replace("retention_period  = 14", "retention_period  = 1")),
            true,
        ),
        (
            "DUR-002",
            Box::new(|c: &str| {
                c.replace(
                    &format!("    kms_key_arn       = \"{KMS}\"\n  }}\n  capacity"),
                    "  }\n  capacity",
                )
            }),
            true,
        ),
        (
            "DUR-003",
            Box::new(|c: &str| {
                c.replace(
                    "  memory_size      = 4096\n  tags",
                    "  memory_size      = 4096\n  running_executions_on_destroy = \"stop\"\n  tags",
                )
            }),
            true,
        ),
        (
            "SEC-001",
            Box::new(|c: &str| format!("{c}{}", low_trust_function(&acc, &zip))),
            false,
        ),
    ];
    let covered: Vec<&str> = cases.iter().map(|(id, _, _)| *id).collect();
    for r in CATALOGUE {
        assert!(
            covered.contains(&r.id) || ["LMI-SCALE-003", "COST-001", "REVIEW-001"].contains(&r.id),
            "{} has no real-Terraform case (LMI-SCALE-003 needs 90 versions: unit-tested; \
             COST-001 has a test of its own; REVIEW-001, an info finding, is tested on a \
             real plan's JSON in review::inputs)",
            r.id
        );
    }
    for (id, change, in_plan) in cases {
        let config = change(&base);
        assert_ne!(config, base, "{id}: the change did not apply");
        let (review, plan) = findings(&acc, &config);
        assert!(
            review.iter().any(|r| r == id),
            "{id} not in the review: {review:?}"
        );
        assert_eq!(
            plan.iter().any(|r| r == id),
            in_plan,
            "{id} in the plan: {plan:?}"
        );
    }
}

#[test]
fn the_review_estimates_cost_and_asks_ec2_when_online() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = acc.zip("code.zip", "v1");
    let config = good(&acc, &zip.to_string_lossy());
    findings(&acc, &config);
    let plan_path = acc.dir().join("plan.json");
    let plan = plan_path.to_string_lossy().into_owned();

    // One estimate per capacity provider and durable function, with what it assumed.
    let review = review_json(&acc, &[&plan]);
    let costs = of_rule(&review, "COST-001");
    let addresses: Vec<&str> = costs.iter().filter_map(|f| f["address"].as_str()).collect();
    assert_eq!(
        addresses,
        ["lambda_capacity_provider.cp", "lambda_durable_function.f"],
        "{review}"
    );
    // An environment takes 2 vCPUs (4096 MB at 2 GiB per vCPU), which the smallest m7g
    // (m7g.medium, 1 vCPU) cannot hold: three environments at minimum need 3 m7g.large,
    // 3 × $0.0816 × 730 h × 1.15 = $205.51; the ceiling is 64 vCPUs of them.
    assert_eq!(costs[0]["estimate"]["monthly_usd"], 205.51, "{}", costs[0]);
    assert_eq!(costs[0]["estimate"]["ceiling_monthly_usd"], 2192.1);
    let assumed = costs[0]["estimate"]["assumptions"].to_string();
    assert!(
        assumed.contains("instance type m7g.large (2 vCPU(s))")
            && assumed.contains("at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f")
            && assumed.contains("us-east-1")
            && !assumed.contains("m7g.medium"),
        "{assumed}"
    );
    // The function at the default traffic (1 M executions of 10 operations, 1 KB each,
    // kept 14 days): $0.20 + $80 + $2.50 + $0.70 = $83.40; ten times the traffic costs
    // ten times as much.
    assert_eq!(costs[1]["estimate"]["monthly_usd"], 83.4, "{}", costs[1]);
    let busier = review_json(&acc, &[&plan, "--requests-per-month", "10000000"]);
    assert_eq!(
        of_rule(&busier, "COST-001")[1]["estimate"]["monthly_usd"],
        834.0
    );

    // Three subnets, two of them in one zone (the emulator's second VPC has a subnet in
    // zone a, like the default VPC's first): offline the review sees three subnets and
    // says nothing; online EC2 names the two zones.
    let saved = std::fs::read_to_string(&plan_path).unwrap_or_default();
    let first = &acc.net.subnet_ids[2];
    let same_zone = acceptance_tests::ec2::SECOND_SUBNET_ID;
    let edited = saved.replace(&format!("\"{first}\""), &format!("\"{same_zone}\""));
    assert_ne!(edited, saved, "the plan names {first}");
    let two_zones = acc.dir().join("two-zones.json");
    if let Err(e) = std::fs::write(&two_zones, edited) {
        panic!("writing the plan: {e}");
    }
    let two_zones = two_zones.to_string_lossy().into_owned();
    assert!(of_rule(&review_json(&acc, &[&two_zones]), "LMI-RES-001").is_empty());
    let online = review_json(&acc, &[&two_zones, "--online", "--region", "us-east-1"]);
    let zones = of_rule(&online, "LMI-RES-001");
    assert_eq!(zones.len(), 1, "{online}");
    let message = zones[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("2 Availability Zone(s)") && message.contains("us-east-1a, us-east-1b"),
        "{message}"
    );

    // `terraform plan` asks EC2 about a new capacity provider's subnets anyway: its
    // LMI-RES-001 warning names the zones, once (not also as a separate EC2 warning).
    let subnets = acc.subnet_list();
    let first_two = format!(
        "[\"{}\", \"{}\"]",
        acc.net.subnet_ids[0], acc.net.subnet_ids[1]
    );
    acc.write(&config.replace(&subnets, &first_two));
    let out = acc.succeed(&["plan", "-input=false", "-no-color", "-json"]);
    let diags = support::Diagnostics::from_json_lines(&out.stdout);
    let zones: Vec<String> = diags
        .warnings()
        .all()
        .iter()
        .map(|d| format!("{}: {}", d["summary"], d["detail"]))
        .filter(|d| d.contains("Availability Zone"))
        .collect();
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert!(
        zones[0].contains("LMI-RES-001") && zones[0].contains("(us-east-1a, us-east-1b)"),
        "{zones:?}"
    );
}

/// The COST-001 finding of `lambda_capacity_provider.cp` in the review of the saved plan
/// of `config`.
fn capacity_provider_cost(acc: &Acc, config: &str) -> serde_json::Value {
    findings(acc, config);
    let plan = acc.dir().join("plan.json");
    let review = review_json(acc, &[&plan.to_string_lossy()]);
    let cost = of_rule(&review, "COST-001")
        .into_iter()
        .find(|f| f["address"] == "lambda_capacity_provider.cp")
        .cloned();
    cost.unwrap_or_else(|| panic!("no COST-001 finding of the capacity provider: {review}"))
}

#[test]
fn the_cost_estimate_says_what_it_assumed_for_values_known_after_apply() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = acc.zip("code.zip", "v1");
    let base = good(&acc, &zip.to_string_lossy());

    // max_vcpu_count and the allowed instance types from another resource: known only
    // after apply. The estimate assumes AWS's default and any type, and says so.
    let later = base
        .replace(
            "max_vcpu_count = 64",
            "max_vcpu_count = terraform_data.later.output.vcpus",
        )
        .replace(
            r#"allowed_instance_types = ["m7g.*"]"#,
            "allowed_instance_types = terraform_data.later.output.types",
        );
    let later = format!(
        "{later}\nresource \"terraform_data\" \"later\" {{\n  input = {{ vcpus = 64, types = [\"m7g.*\"] }}\n}}\n"
    );
    assert_ne!(later, base);
    let cost = capacity_provider_cost(&acc, &later);
    let message = cost["message"].as_str().unwrap_or_default();
    for said in [
        "max_vcpu_count is unknown until apply: 400 (AWS's default) assumed",
        "instance_requirements.allowed_instance_types is unknown until apply: any arm64 instance type assumed",
        "ceiling: 400 vCPUs",
    ] {
        assert!(message.contains(said), "{said} not in {message}");
    }

    // Left out, max_vcpu_count is AWS's default: nothing is unknown.
    let unset = base.replace("    max_vcpu_count = 64\n", "");
    assert_ne!(unset, base);
    let cost = capacity_provider_cost(&acc, &unset);
    let message = cost["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("ceiling: 400 vCPUs") && !message.contains("unknown until apply"),
        "{message}"
    );

    // Only m7g.medium allowed: one vCPU cannot hold a 2-vCPU environment, so no price.
    let too_small = base.replace(
        r#"allowed_instance_types = ["m7g.*"]"#,
        r#"allowed_instance_types = ["m7g.medium"]"#,
    );
    assert_ne!(too_small, base);
    let cost = capacity_provider_cost(&acc, &too_small);
    assert_eq!(cost["severity"], "info", "{cost}");
    assert!(cost.get("estimate").is_none(), "{cost}");
    assert_eq!(
        cost["message"],
        "no estimate: no instance type the instance requirements allow (arm64 m7g.medium) can hold one execution environment of each function on it: at least 2 vCPUs and 4096 MiB, for lambda_durable_function.f",
        "{cost}"
    );
}
