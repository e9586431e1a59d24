//! End to end: the example provider driven by the real `terraform` binary in reattach
//! mode through the whole lifecycle: plan, apply, a no-op plan, update in place,
//! replace, import, a validation error shown at its attribute path, and destroy.

mod common;

use common::example_provider::ExampleProvider;
use tfplug::server::ProviderService;
use tfplug::testing::{ProviderUnderTest, Workdir};

const ADDRESS: &str = "registry.terraform.io/tfplug/example";

fn config(store: &str, name: &str, size: i64, mode: &str) -> String {
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

resource "example_thing" "x" {{
  name   = "{name}"
  size   = {size}
  secret = "hunter2"
  labels = {{ team = "core" }}
  endpoint = {{
    host = "example.com"
    port = 443
  }}
  settings {{
    mode = "{mode}"
  }}
}}
"#
    )
}

fn objects_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn full_lifecycle_through_real_terraform() {
    if !tfplug::testing::terraform_available() {
        eprintln!("terraform not found: skipping");
        return;
    }
    let store = tempfile::tempdir().expect("tempdir");
    let store_s = store.path().display().to_string();
    let provider =
        ProviderUnderTest::start(ADDRESS, || ProviderService::new(ExampleProvider::default()))
            .expect("provider starts");
    let wd = Workdir::reattached(&provider).expect("workdir");

    // Create.
    wd.write_config(&config(&store_s, "alpha", 2, "fast"))
        .expect("config");
    wd.init().expect("init");
    let plan = wd.plan().expect("plan");
    assert_eq!(plan.actions_for("example_thing.x"), ["create"]);
    wd.apply().expect("apply");
    let state = wd.state().expect("state");
    let thing = state.resource("example_thing.x").expect("in state");
    let id = thing["id"].as_str().expect("id known").to_string();
    assert_eq!(thing["revision"], 1);
    assert_eq!(thing["size"], 2);
    assert_eq!(thing["endpoint"]["port"], 443);
    assert_eq!(objects_in(store.path()), 1);

    // A second plan has nothing to do.
    let plan = wd.plan().expect("plan");
    assert!(
        plan.is_empty(),
        "second plan must be empty: {:?}",
        plan.actions_for("example_thing.x")
    );

    // Update in place: same id, next revision.
    wd.write_config(&config(&store_s, "alpha", 3, "slow"))
        .expect("config");
    let plan = wd.plan().expect("plan");
    assert_eq!(plan.actions_for("example_thing.x"), ["update"]);
    wd.apply().expect("apply update");
    let state = wd.state().expect("state");
    let thing = state.resource("example_thing.x").expect("in state");
    assert_eq!(thing["id"].as_str(), Some(id.as_str()));
    assert_eq!(thing["revision"], 2);
    assert_eq!(thing["settings"][0]["mode"], "slow");

    // Replace: name forces a new object.
    wd.write_config(&config(&store_s, "beta", 3, "slow"))
        .expect("config");
    let plan = wd.plan().expect("plan");
    let actions = plan.actions_for("example_thing.x");
    assert!(
        actions == ["delete", "create"] || actions == ["create", "delete"],
        "expected replace, got {actions:?}"
    );
    assert!(
        plan.replace_paths("example_thing.x")
            .iter()
            .any(|p| p == &serde_json::json!(["name"])),
        "name must be named as forcing replacement"
    );
    wd.apply().expect("apply replace");
    let state = wd.state().expect("state");
    let new_id = state.resource("example_thing.x").expect("in state")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(new_id, format!("thing-beta-{}", std::process::id()));
    assert_eq!(objects_in(store.path()), 1, "the old object is deleted");

    // Import: forget the object, import it by id, and the plan is empty again.
    wd.run(&["state", "rm", "example_thing.x"])
        .expect("state rm");
    wd.import("example_thing.x", &new_id).expect("import");
    let plan = wd.plan().expect("plan after import");
    assert!(
        plan.is_empty(),
        "plan after import must be empty: {:?}",
        plan.actions_for("example_thing.x")
    );

    // Validation error, shown at its attribute path.
    wd.write_config(&config(&store_s, "beta", 3, "turbo"))
        .expect("config");
    let out = wd
        .expect_failure(&["plan", "-input=false", "-no-color"])
        .expect("plan fails");
    assert!(
        out.stderr.contains("allowed values are: fast, slow"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(r#"mode = "turbo""#),
        "error must point at the line: {}",
        out.stderr
    );
    wd.write_config(&config(&store_s, "beta", 300, "slow"))
        .expect("config");
    let out = wd
        .expect_failure(&["plan", "-input=false", "-no-color"])
        .expect("plan fails");
    assert!(
        out.stderr.contains("size must be at most 100"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("size   = 300"),
        "error must point at the line: {}",
        out.stderr
    );

    // Destroy.
    wd.write_config(&config(&store_s, "beta", 3, "slow"))
        .expect("config");
    wd.destroy().expect("destroy");
    assert!(
        wd.state()
            .expect("state")
            .resource("example_thing.x")
            .is_none()
    );
    assert_eq!(objects_in(store.path()), 0);
}

#[test]
fn disappeared_object_is_planned_for_creation() {
    if !tfplug::testing::terraform_available() {
        return;
    }
    let store = tempfile::tempdir().expect("tempdir");
    let store_s = store.path().display().to_string();
    let provider =
        ProviderUnderTest::start(ADDRESS, || ProviderService::new(ExampleProvider::default()))
            .expect("provider starts");
    let wd = Workdir::reattached(&provider).expect("workdir");
    wd.write_config(&config(&store_s, "gone", 1, "fast"))
        .expect("config");
    wd.init().expect("init");
    wd.apply().expect("apply");
    for entry in std::fs::read_dir(store.path()).expect("dir").flatten() {
        std::fs::remove_file(entry.path()).expect("remove");
    }
    let plan = wd.plan().expect("plan");
    assert_eq!(plan.actions_for("example_thing.x"), ["create"]);
}

#[test]
fn data_source_and_provider_function() {
    if !tfplug::testing::terraform_available() {
        return;
    }
    let store = tempfile::tempdir().expect("tempdir");
    let store_s = store.path().display().to_string();
    let provider =
        ProviderUnderTest::start(ADDRESS, || ProviderService::new(ExampleProvider::default()))
            .expect("provider starts");
    let wd = Workdir::reattached(&provider).expect("workdir");
    wd.write_config(&config(&store_s, "looked", 1, "fast"))
        .expect("config");
    wd.init().expect("init");
    wd.apply().expect("apply");
    let id = wd
        .state()
        .expect("state")
        .resource("example_thing.x")
        .expect("thing")["id"]
        .as_str()
        .expect("id")
        .to_string();

    let extra = format!(
        r#"
data "example_lookup" "y" {{
  id = "{id}"
}}
output "found_name" {{
  value = data.example_lookup.y.name
}}
output "shout" {{
  value = provider::example::upper(data.example_lookup.y.name)
}}
"#
    );
    wd.write_config(&(config(&store_s, "looked", 1, "fast") + &extra))
        .expect("config");
    wd.apply().expect("apply with data source");
    let name = wd.run(&["output", "-raw", "found_name"]).expect("output");
    assert_eq!(name.stdout, "looked");
    let shout = wd.run(&["output", "-raw", "shout"]).expect("output");
    assert_eq!(shout.stdout, "LOOKED");

    // A function error names the function's argument.
    let bad = r#"
output "bad" {
  value = provider::example::upper("")
}
"#;
    wd.write_config(&(config(&store_s, "looked", 1, "fast") + bad))
        .expect("config");
    let out = wd
        .expect_failure(&["plan", "-input=false", "-no-color"])
        .expect("plan fails");
    assert!(out.stderr.contains("s must not be empty"), "{}", out.stderr);
}
