//! Acceptance tests of required arguments set to `null`: Terraform only checks that a
//! required argument is written, so `name = null` (or a variable or another resource's
//! attribute that is null) reaches the provider, which must refuse it before anything is
//! created: at `terraform validate` when the null is known then, at plan when it becomes
//! known at plan, at apply (before creating anything) when it is known only then. The
//! error names the argument and points at its line, at every depth.

mod support;

use acceptance_tests::EmulatorOptions;
use support::capacity_provider::{ADDRESS, ARM_REQUIREMENTS, REQUIRED_PROVIDERS};
use support::{Acc, Diagnostics, Expect, Hcl, setup};

/// The summary of the provider's error.
const SUMMARY: &str = "Missing required argument";

/// A configuration of `lambda_capacity_provider.test` whose `name` is `name` (HCL
/// expression) and whose `vpc_config` has `security_group_ids = sgs` (HCL expression),
/// with `after` as more top-level HCL.
fn capacity_provider(acc: &Acc, name: &str, sgs: &str, after: &str) -> String {
    format!(
        r#"
{REQUIRED_PROVIDERS}
provider "lambda" {{}}

resource "lambda_capacity_provider" "test" {{
  name = {name}

  vpc_config {{
    subnet_ids         = {subnets}
    security_group_ids = {sgs}
  }}

  permissions_config {{
    capacity_provider_operator_role_arn = "{role}"
  }}
{ARM_REQUIREMENTS}}}
{after}
"#,
        subnets = acc.subnet_list(),
        role = acc.net.operator_role_arn,
    )
}

/// Asserts that `errors` (of `when`) refuse the null at `path` of `address` in `hcl`,
/// naming the argument `name`.
fn assert_refused(errors: &Diagnostics, hcl: &str, address: &str, path: &str, name: &str) {
    let at = Hcl::new("main.tf", hcl).at(address, path);
    Expect::error()
        .summary(SUMMARY)
        .detail(&[&format!("\"{name}\""), "null"])
        .address(address)
        .at(at)
        .find_in(errors, &format!("{address} {path}"));
    assert!(
        !errors.has_summary("Could not decode"),
        "a null required value must not reach the decoding of the configuration:\n{}",
        errors.describe()
    );
}

/// The names of the capacity providers the emulator holds.
fn emulated_capacity_providers(acc: &Acc) -> Vec<String> {
    let state = acc.emu().state();
    state["capacity_providers"]
        .as_object()
        .map(|cps| {
            cps.values()
                .filter_map(|cp| cp["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn null_required_arguments_are_refused_by_validate_at_their_line() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let sgs = format!("[\"{}\"]", acc.net.security_group_id);

    // A top-level argument: refused by validate and by plan, which validates first.
    let hcl = capacity_provider(&acc, "null", &sgs, "");
    acc.write(&hcl);
    assert_refused(&acc.validate_errors(), &hcl, ADDRESS, "name", "name");
    assert_refused(&acc.plan_errors(), &hcl, ADDRESS, "name", "name");

    // An argument of a nested block.
    let name = format!("\"{}\"", acc.name("null-sgs"));
    let hcl = capacity_provider(&acc, &name, "null", "");
    acc.write(&hcl);
    assert_refused(
        &acc.validate_errors(),
        &hcl,
        ADDRESS,
        "vpc_config[0].security_group_ids",
        "security_group_ids",
    );

    // An argument of a nested block of another resource type.
    let zip = acc.zip("code.zip", "v1");
    let hcl = acc.function_config(
        &acc.name("null-timeout"),
        &zip.to_string_lossy(),
        "  durable_config {\n    execution_timeout = null\n  }\n",
        "",
    );
    acc.write(&hcl);
    assert_refused(
        &acc.validate_errors(),
        &hcl,
        support::durable_function::ADDRESS,
        "durable_config[0].execution_timeout",
        "execution_timeout",
    );
}

#[test]
fn a_required_argument_from_a_null_variable_is_refused_by_plan() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let sgs = format!("[\"{}\"]", acc.net.security_group_id);
    let variable = "variable \"u\" {\n  type    = string\n  default = null\n}\n";
    let hcl = capacity_provider(&acc, "var.u", &sgs, variable);
    acc.write(&hcl);
    // Variables are unknown to `terraform validate`: the null shows only at plan.
    let warnings = acc.validate();
    assert!(!warnings.has_summary(SUMMARY), "{}", warnings.describe());
    assert_refused(&acc.plan_errors(), &hcl, ADDRESS, "name", "name");
    assert!(acc.apply_failing().has_summary(SUMMARY));
    assert_eq!(emulated_capacity_providers(&acc), Vec::<String>::new());
}

#[test]
fn a_required_argument_known_null_only_at_apply_is_refused_before_creating() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let sgs = format!("[\"{}\"]", acc.net.security_group_id);
    // `terraform_data.maybe.output` is unknown at plan and null once applied.
    let later = r#"
resource "terraform_data" "seed" {}

resource "terraform_data" "maybe" {
  input = terraform_data.seed.id == "" ? "never" : null
}
"#;
    let hcl = capacity_provider(&acc, "terraform_data.maybe.output", &sgs, later);
    acc.write(&hcl);
    acc.validate();
    let plan = acc.plan();
    let change = support::change_of(&plan, ADDRESS);
    assert_eq!(
        change["change"]["after_unknown"]["name"], true,
        "{change:#}"
    );
    assert_refused(&acc.apply_failing(), &hcl, ADDRESS, "name", "name");
    assert_eq!(emulated_capacity_providers(&acc), Vec::<String>::new());
    // No destroy: its refresh validates the configuration again, with the null known
    // (the terraform_data objects go with the test's working directory).
}
