//! The examples under `examples/` work as shipped: each directory with a `main.tf` is
//! formatted (`terraform fmt -check`), valid (`terraform validate`), applies against the
//! local emulator, its state's configuration validates against the JSON Schemas of
//! `schemas/` (every value known, unlike in the plan `json_schemas.rs` checks), it plans
//! nothing more afterwards, and destroys everything it created.
//!
//! The example's files (including packages such as `build/workflow.zip`, which the
//! configuration names through `${path.module}`) are copied into a working directory of
//! the acceptance harness, which points the provider at a private emulator. The
//! examples' defaults are the emulator's account and network, so this needs the
//! emulator and is skipped against real AWS.
//!
//! `examples/adopt-existing` has no top-level `main.tf` and is not run here: it adopts
//! objects created by its `setup/` configuration with `terraform query`, which needs
//! Terraform 1.14 or later; `acc_terraform_1_15.rs`
//! (`the_adopt_existing_example_imports_to_an_empty_plan`) runs its steps.

mod support;

use acceptance_tests::EmulatorOptions;
use serde_json::Value;
use support::examples::{copy_example, examples_dir};
use support::{Acc, setup};

/// The examples: the directories of `examples/` with a `main.tf`, by name.
fn examples() -> Vec<String> {
    let dir = examples_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("main.tf").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The names of the objects of one collection of the emulator's state dump.
fn emulated_names(acc: &Acc, collection: &str) -> Vec<String> {
    acc.emu().state()[collection]
        .as_object()
        .map(|m| {
            m.values()
                .map(|o| o["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// What each example's outputs must say after the apply.
fn check_outputs(example: &str, outputs: &Value) {
    match example {
        "quickstart" => {
            assert_eq!(outputs["capacity_provider_state"]["value"], "Active");
            assert_eq!(
                outputs["tags_all"]["value"]["managed-by"], "terraform",
                "{outputs:#}"
            );
            assert!(
                outputs["live_arn"]["value"]
                    .as_str()
                    .is_some_and(|a| a.ends_with(":function:quickstart-orders:1")),
                "{outputs:#}"
            );
        }
        "managed-instances-scaling" => {
            assert_eq!(outputs["capacity_provider_state"]["value"], "Active");
            assert_eq!(
                outputs["applied_scaling"]["value"],
                serde_json::json!({"min": 3, "max": 20}),
                "{outputs:#}"
            );
        }
        "durable-function" => {
            assert_eq!(outputs["live_version"]["value"], "1", "{outputs:#}");
        }
        "durable-rollout" => {
            assert_eq!(outputs["live_version"]["value"], "1", "{outputs:#}");
            assert_eq!(
                outputs["applied_scaling"]["value"],
                serde_json::json!({"min": 3, "max": 12}),
                "{outputs:#}"
            );
            assert!(
                outputs["live_arn"]["value"]
                    .as_str()
                    .is_some_and(|a| a.ends_with(":function:orders-workflow:1")),
                "{outputs:#}"
            );
        }
        _ => {}
    }
}

/// One example, from `fmt -check` to an empty emulator after destroy.
fn run_example(example: &str) {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    copy_example(&examples_dir().join(example), acc.dir());

    let fmt = acc.run(&["fmt", "-check", "-recursive", "-diff", "-no-color"]);
    if let Err(e) = fmt {
        panic!("{example}: terraform fmt -check: {e}");
    }
    let warnings = acc.validate();
    assert!(
        warnings.errors().all().is_empty(),
        "{example}: {}",
        warnings.describe()
    );

    acc.apply();
    assert!(
        !acc.state().addresses().is_empty(),
        "{example}: the apply created nothing"
    );
    check_outputs(example, &acc.outputs());
    let shown = acc.succeed(&["show", "-json", "-no-color"]);
    let state: Value = serde_json::from_str(&shown.stdout)
        .unwrap_or_else(|e| panic!("{example}: terraform show -json printed no JSON ({e})"));
    support::json_schemas::assert_show_validates(&format!("examples/{example} state"), &state);
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "{example}: a second plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
    // What users copy passes the provider's own review: no finding in its plans.
    let planned = acc.succeed(&["plan", "-json", "-input=false", "-no-color"]);
    let warnings = support::Diagnostics::from_json_lines(&planned.stdout).warnings();
    let findings: Vec<&str> = warnings
        .all()
        .iter()
        .filter_map(|d| d["summary"].as_str())
        .filter(|summary| summary.starts_with("LMI-"))
        .collect();
    assert!(
        findings.is_empty(),
        "{example}: the review finds {findings:?}"
    );

    acc.destroy();
    assert!(acc.state().addresses().is_empty(), "{example}: state left");
    for collection in ["functions", "capacity_providers"] {
        assert_eq!(
            emulated_names(&acc, collection),
            Vec::<String>::new(),
            "{example}: the emulator still holds {collection} after destroy"
        );
    }
}

#[test]
fn every_example_applies_plans_nothing_more_and_destroys() {
    let found = examples();
    assert!(
        examples_dir()
            .join("adopt-existing/adopt/main.tf")
            .is_file()
            && !found.iter().any(|e| e == "adopt-existing"),
        "adopt-existing is tested by acc_terraform_1_15.rs (it needs Terraform 1.14+), not \
         here: {found:?}"
    );
    for known in [
        "ci-pipeline",
        "durable-function",
        "durable-rollout",
        "managed-instances-scaling",
        "quickstart",
    ] {
        assert!(
            found.iter().any(|e| e == known),
            "examples/{known} is missing: found {found:?}"
        );
    }
    for example in &found {
        eprintln!("example {example}");
        run_example(example);
    }
}
