//! End to end with Terraform 1.15 (through `tools/tf115`): the protocol 6.9/6.10
//! features of the example provider — identity in state, import by identity, `terraform
//! query` with a list block, `-generate-config-out`, and an action streaming progress.
//!
//! These tests fail (they never skip) when Terraform 1.15 is missing: run
//! `tools/install-tf115` (see `tfplug::testing::require_terraform_1_15`).

mod common;

use common::example_provider::ExampleProvider;
use tfplug::server::ProviderService;
use tfplug::testing::{ProviderUnderTest, Workdir, require_terraform_1_15};

const ADDRESS: &str = "registry.terraform.io/tfplug/example";

fn header(store: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    example = {{ source = "tfplug/example" }}
  }}
}}

provider "example" {{
  store_dir = "{store}"
}}
"#
    )
}

fn thing(label: &str, name: &str) -> String {
    format!(
        r#"
resource "example_thing" "{label}" {{
  name   = "{name}"
  size   = 4
  labels = {{ team = "core" }}
  endpoint = {{
    host = "example.com"
    port = 443
  }}
  settings {{
    mode = "fast"
  }}
}}
"#
    )
}

/// A provider served in-process and a working directory using Terraform 1.15 with it.
fn setup() -> (ProviderUnderTest, Workdir) {
    let tf = require_terraform_1_15();
    let provider =
        ProviderUnderTest::start(ADDRESS, || ProviderService::new(ExampleProvider::default()))
            .expect("provider starts");
    let wd = Workdir::reattached(&provider)
        .expect("workdir")
        .with_terraform(tf);
    (provider, wd)
}

fn second_workdir(provider: &ProviderUnderTest) -> Workdir {
    Workdir::reattached(provider)
        .expect("workdir")
        .with_terraform(require_terraform_1_15())
}

fn state_entry(wd: &Workdir, address: &str) -> serde_json::Value {
    let state = wd.state().expect("state");
    let root = &state.json()["values"]["root_module"]["resources"];
    root.as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .cloned()
        .unwrap_or_else(|| panic!("{address} not in state: {:#}", state.json()))
}

/// Apply stores the identity (`terraform show -json` shows it), and another working
/// directory imports the object by identity with an `import` block and plans clean.
#[test]
fn identity_in_state_and_import_by_identity() {
    let (provider, wd) = setup();
    let store = tempfile::tempdir().expect("tempdir");
    let store_s = store.path().display().to_string();
    wd.write_config(&(header(&store_s) + &thing("x", "ident")))
        .expect("config");
    wd.init().expect("init");
    wd.apply().expect("apply");
    let entry = state_entry(&wd, "example_thing.x");
    let id = entry["values"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        entry["identity"],
        serde_json::json!({ "id": id }),
        "state entry: {entry:#}"
    );
    assert_eq!(entry["identity_schema_version"], 0, "{entry:#}");

    // A refresh and a second plan keep the identity and have nothing to do.
    let plan = wd.plan().expect("plan");
    assert!(plan.is_empty(), "{:#}", plan.json());

    // Import by identity into a fresh working directory.
    let wd2 = second_workdir(&provider);
    let import = format!(
        r#"
import {{
  to       = example_thing.y
  identity = {{ id = "{id}" }}
}}
"#
    );
    wd2.write_config(&(header(&store_s) + &thing("y", "ident") + &import))
        .expect("config");
    wd2.init().expect("init");
    let plan = wd2.plan().expect("plan with import");
    assert_eq!(
        plan.actions_for("example_thing.y"),
        ["no-op"],
        "{:#}",
        plan.json()
    );
    let change = plan
        .resource_changes()
        .iter()
        .find(|rc| rc["address"] == "example_thing.y")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        change["change"]["importing"]["identity"],
        serde_json::json!({ "id": id }),
        "{change:#}"
    );
    wd2.apply().expect("apply import");
    let entry = state_entry(&wd2, "example_thing.y");
    assert_eq!(entry["identity"], serde_json::json!({ "id": id }));
    assert!(wd2.plan().expect("plan").is_empty());

    // A missing required identity attribute is an error naming it.
    let bad = r#"
import {
  to       = example_thing.z
  identity = { id = null }
}
"#;
    let wd3 = second_workdir(&provider);
    wd3.write_config(&(header(&store_s) + &thing("z", "ident") + bad))
        .expect("config");
    wd3.init().expect("init");
    let out = wd3
        .expect_failure(&["plan", "-input=false", "-no-color"])
        .expect("plan fails");
    assert!(
        out.stderr.contains("Missing identity attribute"),
        "{}",
        out.stderr
    );
}

/// `terraform query` lists the stored objects through the list block (with the
/// `prefix` filter and `limit`), and `-generate-config-out` writes configuration and
/// import blocks that import cleanly: after applying them the plan is empty.
#[test]
fn query_lists_and_generates_config() {
    let (provider, wd) = setup();
    let store = tempfile::tempdir().expect("tempdir");
    let store_s = store.path().display().to_string();
    let things = ["web-a", "web-b", "web-c", "db-a"]
        .iter()
        .enumerate()
        .map(|(i, n)| thing(&format!("t{i}"), n))
        .collect::<String>();
    wd.write_config(&(header(&store_s) + &things))
        .expect("config");
    wd.init().expect("init");
    wd.apply().expect("apply");

    // Query from another working directory (no resources of its own).
    let q = second_workdir(&provider);
    q.write_config(&header(&store_s)).expect("config");
    q.write_file(
        "main.tfquery.hcl",
        r#"
list "example_thing" "web" {
  provider = example
  config {
    prefix = "web-"
  }
}

list "example_thing" "two" {
  provider = example
  limit    = 2
}
"#,
    )
    .expect("query file");
    q.init().expect("init");
    let lines = q.query(&[]).expect("query");
    let results: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["type"] == "list_resource_found")
        .collect();
    let names_of = |addr: &str| -> Vec<String> {
        let mut names: Vec<String> = results
            .iter()
            .filter(|l| l["list_resource_found"]["address"] == addr)
            .filter_map(|l| l["list_resource_found"]["display_name"].as_str())
            .map(str::to_string)
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names_of("list.example_thing.web"),
        ["web-a", "web-b", "web-c"],
        "{lines:#?}"
    );
    assert_eq!(names_of("list.example_thing.two").len(), 2, "{lines:#?}");
    let identity = &results
        .iter()
        .find(|l| l["list_resource_found"]["display_name"] == "db-a")
        .expect("db-a listed")["list_resource_found"]["identity"];
    assert_eq!(
        identity["id"],
        format!("thing-db-a-{}", std::process::id()),
        "{lines:#?}"
    );

    // Generate configuration for the `web` list, then import it.
    q.write_file(
        "main.tfquery.hcl",
        r#"
list "example_thing" "web" {
  provider = example
  include_resource = true
  config {
    prefix = "web-"
  }
}
"#,
    )
    .expect("query file");
    q.run(&["query", "-no-color", "-generate-config-out=gen.tf"])
        .expect("query -generate-config-out");
    let generated = std::fs::read_to_string(q.path().join("gen.tf")).expect("gen.tf");
    assert_eq!(
        generated.matches("resource \"example_thing\"").count(),
        3,
        "{generated}"
    );
    assert_eq!(generated.matches("import {").count(), 3, "{generated}");
    assert!(generated.contains("identity"), "{generated}");
    assert!(
        !generated.contains("revision"),
        "computed values are not config: {generated}"
    );
    assert!(generated.contains("mode = \"fast\""), "{generated}");
    let plan = q.plan().expect("plan of the generated configuration");
    for rc in plan.resource_changes() {
        assert_eq!(
            rc["change"]["actions"],
            serde_json::json!(["no-op"]),
            "{rc:#}"
        );
        assert!(rc["change"]["importing"].is_object(), "{rc:#}");
    }
    assert_eq!(plan.resource_changes().len(), 3);
    q.apply().expect("apply the imports");
    let plan = q.plan().expect("plan after import");
    assert!(plan.is_empty(), "{:#}", plan.json());
}

/// `terraform apply -invoke=action.example_ping.hello` runs the action, whose progress
/// messages Terraform shows as they stream in.
#[test]
fn action_invoke_streams_progress() {
    let (_provider, wd) = setup();
    let store = tempfile::tempdir().expect("tempdir");
    let store_s = store.path().display().to_string();
    let action = r#"
action "example_ping" "hello" {
  config {
    message = "hi there"
    count   = 3
  }
}
"#;
    wd.write_config(&(header(&store_s) + action))
        .expect("config");
    wd.init().expect("init");
    let out = wd
        .run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-invoke=action.example_ping.hello",
        ])
        .expect("apply -invoke");
    for i in 1..=3 {
        let line = format!("ping {i}/3: hi there");
        assert!(
            out.stdout.contains(&line),
            "missing {line:?}:\n{}",
            out.stdout
        );
    }
    let log = std::fs::read_to_string(store.path().join("pings.log")).expect("pings.log");
    assert_eq!(log, "hi there\n");

    // A bad configuration is rejected by validation before anything runs.
    let bad = action.replace("count   = 3", "count   = \"many\"");
    wd.write_config(&(header(&store_s) + &bad)).expect("config");
    wd.expect_failure(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.example_ping.hello",
    ])
    .expect("apply fails");
}
