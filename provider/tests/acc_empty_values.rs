//! Acceptance tests of empty values that mean "unset": `kms_key_arn = ""`,
//! `description = ""` and `vpc_config { subnet_ids = [] security_group_ids = [] }`, as
//! users migrating from the HashiCorp AWS provider write them (often through module
//! variables that default to `""` or `[]`). AWS answers for them as for unset ones (no
//! `KMSKeyArn`, `Description: ""`, no VPC): the apply must succeed, the state keep what
//! the configuration says, and the next plan be empty.

mod support;

use acceptance_tests::EmulatorOptions;
use serde_json::{Value, json};
use support::durable_function::ADDRESS;
use support::function_version::{ADDRESS as VERSION, version_block};
use support::{Acc, setup};

/// The path of a zip package as the configuration names it.
fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The configuration of `$LATEST` of function `name` as the emulator holds it.
fn latest_config(acc: &Acc, name: &str) -> Value {
    acc.emulated("functions", name)
        .unwrap_or_else(|| panic!("function {name} is not in the emulator"))["latest"]["config"]
        .clone()
}

/// Asserts that the next plan is empty, saying `when`.
fn assert_clean(acc: &Acc, when: &str) {
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "{when}: the next plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
}

/// The configuration of a container-image function `name`: the test's function without
/// the `.zip` package's arguments, with `body` (its image) and `after`.
fn image_function_config(acc: &Acc, name: &str, body: &str, after: &str) -> String {
    acc.function_config(name, "unused.zip", body, after)
        .replace("  runtime          = \"python3.13\"\n", "")
        .replace("  handler          = \"index.handler\"\n", "")
        .replace("  filename         = \"unused.zip\"\n", "")
        .replace(
            "  source_code_hash = filebase64sha256(\"unused.zip\")\n",
            "",
        )
}

/// The function's body with every optional string of the issue set to `value` (an HCL
/// expression: `""` or `null`).
fn strings_body(value: &str) -> String {
    format!(
        r#"
  description        = {value}
  kms_key_arn        = {value}
  source_kms_key_arn = {value}

  durable_config {{
    execution_timeout = 3600
    kms_key_arn       = {value}
  }}
"#
    )
}

/// `""` for the function's optional strings (and `durable_config.kms_key_arn`) means
/// unset: the apply succeeds, the state says `""` as the configuration does, AWS holds
/// no key, and going between `""` and `null` either way never fails an apply.
#[test]
fn empty_strings_of_a_durable_function_mean_unset() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("empty-strings");
    let zip = path_text(&acc.zip("code.zip", "v1"));

    acc.write(&acc.function_config(&name, &zip, &strings_body("\"\""), ""));
    acc.apply();
    let r = acc.resource(ADDRESS);
    for attr in ["description", "kms_key_arn", "source_kms_key_arn"] {
        assert_eq!(
            r[attr], "",
            "{attr}: the state says what the configuration does"
        );
    }
    assert_eq!(r["durable_config"][0]["kms_key_arn"], "", "{r:#}");
    assert!(r["arn"].is_string(), "{r:#}");
    // What AWS answers for a function with AWS's keys and no description.
    let config = latest_config(&acc, &name);
    assert_eq!(config["Description"], "", "{config:#}");
    assert!(config.get("KMSKeyArn").is_none(), "{config:#}");
    assert!(
        config["DurableConfig"].get("KMSKeyArn").is_none(),
        "{config:#}"
    );
    assert_clean(&acc, "created with empty strings");

    // `""` → unset, and back: the applies succeed and leave nothing to do.
    acc.write(&acc.function_config(&name, &zip, &strings_body("null"), ""));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert!(r["kms_key_arn"].is_null(), "{r:#}");
    assert!(r["durable_config"][0]["kms_key_arn"].is_null(), "{r:#}");
    assert_clean(&acc, "empty strings removed");

    acc.write(&acc.function_config(&name, &zip, &strings_body("\"\""), ""));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["kms_key_arn"], "", "{r:#}");
    assert_eq!(r["description"], "", "{r:#}");
    assert_clean(&acc, "empty strings set again");

    // Refreshing changes nothing either.
    acc.apply_refresh_only();
    assert_eq!(acc.resource(ADDRESS)["kms_key_arn"], "");
    acc.destroy();
}

/// `description = ""` on a version: published, stored as `""`, and planned clean; going
/// between `""` and unset neither republishes nor fails.
#[test]
fn an_empty_version_description_is_applied_and_planned_clean() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let zip = path_text(&acc.zip("code.zip", "v1"));
    let version = |description: &str| {
        version_block(
            "test",
            &format!("  function_name = lambda_durable_function.test.function_name\n{description}"),
        )
    };
    let empty = "  description   = \"\"\n";

    let name = acc.name("empty-version-description");
    acc.write(&acc.function_config(&name, &zip, "", &version(empty)));
    acc.apply();
    let v = acc.resource(VERSION);
    assert_eq!(v["description"], "", "{v:#}");
    assert_eq!(v["version"], "1", "{v:#}");
    assert_clean(&acc, "a version described \"\"");
    acc.write(&acc.function_config(&name, &zip, "", &version("")));
    assert_clean(&acc, "its description removed");
    acc.destroy();

    // Published without one, then `""`: the same version, nothing published.
    let name = acc.name("version-description-later");
    acc.write(&acc.function_config(&name, &zip, "", &version("")));
    acc.apply();
    acc.write(&acc.function_config(&name, &zip, "", &version(empty)));
    acc.apply();
    let v = acc.resource(VERSION);
    assert_eq!(v["description"], "", "{v:#}");
    assert_eq!(v["version"], "1", "the version stays: {v:#}");
    assert_eq!(acc.emulated_versions(&name), ["1"]);
    assert_clean(&acc, "\"\" after unset");
    acc.destroy();
}

/// Where `""` cannot mean "unset" and nothing real matches it (an image's URI, the
/// guards of a publish), it is refused at validate with the line. It used to pass the
/// plan, then fail at apply ("no code", or a revision that "changed after the plan").
#[test]
fn empty_strings_that_cannot_mean_unset_are_refused_at_validate() {
    let Some(acc) = setup(EmulatorOptions::default(), false) else {
        return;
    };
    let image = "  package_type = \"Image\"\n  image_uri    = \"\"\n";
    let guards = version_block(
        "test",
        "  function_name = \"orders\"\n  revision_id   = \"\"\n  code_sha256   = \"\"\n",
    );
    let hcl = image_function_config(&acc, &acc.name("empty-guards"), image, &guards);
    acc.write(&hcl);
    let errors = acc.validate_errors();
    let main = support::Hcl::new("main.tf", &hcl);
    for (address, attribute) in [
        (ADDRESS, "image_uri"),
        (VERSION, "revision_id"),
        (VERSION, "code_sha256"),
    ] {
        support::Expect::error()
            .says(&["must not be empty"])
            .address(address)
            .at(main.at(address, attribute))
            .find_in(&errors, "terraform validate");
    }
    assert_eq!(errors.all().len(), 3, "{}", errors.describe());
}

/// `layers = []` (a module's default) on a container image means no layers: it passed
/// the plan, then CreateFunction refused `Layers` for an image.
#[test]
fn empty_layers_on_a_container_image_mean_none() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("image-layers");
    let image = format!(
        "  package_type = \"Image\"\n  image_uri    = \"{}.dkr.ecr.us-east-1.amazonaws.com/app:v1\"\n  \
         layers       = []\n",
        acceptance_tests::ec2::ACCOUNT_ID
    );
    let hcl = image_function_config(&acc, &name, &image, "");
    acc.write(&hcl);
    acc.apply();
    assert_eq!(latest_config(&acc, &name)["PackageType"], "Image");
    assert_eq!(acc.resource(ADDRESS)["layers"], json!([]));
    assert_clean(&acc, "created with layers = []");
    acc.destroy();
}

/// `vpc_config` with empty lists, the AWS provider's way of saying "no VPC": created
/// without a VPC and planned clean; a function in a VPC is detached by it.
#[test]
fn a_vpc_config_of_empty_lists_means_no_vpc() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let no_vpc =
        "\n  vpc_config {\n    subnet_ids         = []\n    security_group_ids = []\n  }\n";

    // Created so.
    let name = acc.name("no-vpc");
    let zip = path_text(&acc.zip("code.zip", "v1"));
    acc.write(&acc.function_config(&name, &zip, no_vpc, ""));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert_eq!(r["vpc_config"][0]["subnet_ids"], json!([]), "{r:#}");
    assert_eq!(r["vpc_config"][0]["security_group_ids"], json!([]), "{r:#}");
    assert_clean(&acc, "created with an empty vpc_config");
    acc.apply_refresh_only();
    assert_clean(&acc, "refreshed");
    acc.destroy();

    // Detached from a VPC.
    let name = acc.name("leaves-vpc");
    let in_vpc = format!(
        "\n  vpc_config {{\n    subnet_ids         = {}\n    security_group_ids = [\"{}\"]\n  }}\n",
        acc.subnet_list(),
        acc.net.security_group_id
    );
    acc.write(&acc.function_config(&name, &zip, &in_vpc, ""));
    acc.apply();
    let vpc = latest_config(&acc, &name)["VpcConfig"].clone();
    assert_eq!(
        vpc["SecurityGroupIds"],
        json!([acc.net.security_group_id]),
        "{vpc:#}"
    );
    acc.write(&acc.function_config(&name, &zip, no_vpc, ""));
    acc.apply();
    let vpc = latest_config(&acc, &name)["VpcConfig"].clone();
    assert_eq!(vpc["SubnetIds"], json!([]), "AWS detached it: {vpc:#}");
    assert_eq!(vpc["SecurityGroupIds"], json!([]), "{vpc:#}");
    let r = acc.resource(ADDRESS);
    assert_eq!(r["vpc_config"][0]["subnet_ids"], json!([]), "{r:#}");
    assert_clean(&acc, "detached by an empty vpc_config");

    // And back into the VPC.
    acc.write(&acc.function_config(&name, &zip, &in_vpc, ""));
    acc.apply();
    let r = acc.resource(ADDRESS);
    assert!(r["vpc_config"][0]["vpc_id"].is_string(), "{r:#}");
    assert_ne!(r["vpc_config"][0]["vpc_id"], "", "{r:#}");
    assert_clean(&acc, "back in the VPC");
    acc.destroy();
}
