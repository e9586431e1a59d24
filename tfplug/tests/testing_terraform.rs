//! `tfplug::testing` against the real terraform binary, with a minimal
//! hand-written provider: reattach (in-process) and dev_overrides (Terraform
//! starts the provider itself: full handshake and AutoMTLS with its P-521 cert).
//!
//! Skipped (with a notice) only when no terraform binary is found.

#[path = "serve_support.rs"]
mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::time::Duration;

use support::{ADDRESS, MinimalProvider};
use tfplug::serve::{ServeOptions, serve};
use tfplug::testing::{ProviderUnderTest, TestingError, Workdir, terraform_binary};

const CHILD_ENV: &str = "TFPLUG_TESTING_PROVIDER_CHILD";

const CONFIG: &str = r#"
terraform {
  required_providers {
    minimal = {
      source = "tfplug/minimal"
    }
  }
}

provider "minimal" {}

resource "minimal_thing" "a" {
  name = "first"
}
"#;

fn terraform_missing() -> bool {
    if terraform_binary().is_none() {
        eprintln!("NOTICE: terraform not found (TF_BIN / PATH); skipping");
        return true;
    }
    false
}

#[test]
fn reattached_provider_lifecycle() {
    if terraform_missing() {
        return;
    }
    let provider = ProviderUnderTest::start(ADDRESS, || MinimalProvider).unwrap();
    let wd = Workdir::reattached(&provider).unwrap();
    wd.write_config(CONFIG).unwrap();
    wd.init().unwrap();
    wd.run(&["validate", "-no-color"]).unwrap();

    let plan = wd.plan().unwrap();
    assert_eq!(plan.actions_for("minimal_thing.a"), vec!["create"]);
    assert!(!plan.is_empty());

    wd.apply().unwrap();
    let state = wd.state().unwrap();
    let values = state.resource("minimal_thing.a").expect("in state");
    assert_eq!(values["name"], "first");
    assert!(!state.resource_tainted("minimal_thing.a"));

    // Same config again: nothing to do.
    let again = wd.plan().unwrap();
    assert!(again.is_empty(), "{:?}", again.resource_changes());
    assert_eq!(again.actions_for("minimal_thing.a"), vec!["no-op"]);

    wd.write_config(&CONFIG.replace("\"first\"", "\"second\""))
        .unwrap();
    let update = wd.plan().unwrap();
    assert_eq!(update.actions_for("minimal_thing.a"), vec!["update"]);

    wd.destroy().unwrap();
    assert!(wd.state().unwrap().resource("minimal_thing.a").is_none());
}

#[test]
fn validation_errors_are_reported() {
    if terraform_missing() {
        return;
    }
    let provider = ProviderUnderTest::start(ADDRESS, || MinimalProvider).unwrap();
    let wd = Workdir::reattached(&provider).unwrap();
    wd.write_config(&CONFIG.replace("name = \"first\"", "nope = 1"))
        .unwrap();
    wd.init().unwrap();
    let out = wd.expect_failure(&["validate", "-no-color"]).unwrap();
    assert!(
        out.stderr.contains("Unsupported argument"),
        "{}",
        out.stderr
    );

    // And a success where a failure was expected is an error.
    wd.write_config(CONFIG).unwrap();
    let err = wd.expect_failure(&["validate", "-no-color"]).unwrap_err();
    assert!(matches!(err, TestingError::UnexpectedSuccess { .. }));
    let err = wd.run(&["not-a-command"]).unwrap_err();
    assert!(matches!(err, TestingError::TerraformFailed { .. }));
}

/// Entry point when Terraform starts this executable as the provider (through
/// the wrapper script written by `dev_override_full_handshake`).
#[test]
fn provider_child_entry() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    // hclog JSON on stderr, which Terraform parses (visible with TF_LOG).
    tfplug::logging::init();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let outcome = runtime.block_on(async {
        // A safety net: never outlive a test run.
        tokio::time::timeout(
            Duration::from_secs(120),
            serve(MinimalProvider, ServeOptions::new(ADDRESS)),
        )
        .await
    });
    std::process::exit(match outcome {
        Ok(Ok(())) => 0,
        _ => 1,
    });
}

#[test]
fn dev_override_full_handshake() {
    if terraform_missing() {
        return;
    }
    // Terraform wants `terraform-provider-minimal` in the override directory and
    // reads the handshake from the first stdout line; libtest prints its own
    // lines first, so a tiny wrapper keeps only the handshake line.
    let bin_dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "#!/bin/sh\n{CHILD_ENV}=1 '{}' --exact provider_child_entry --nocapture --test-threads=1 \
         | sed -u -n 's/^.*\\(1|6|unix|\\)/\\1/p'\n",
        exe.display()
    );
    let wrapper = bin_dir.path().join("terraform-provider-minimal");
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();

    let wd = Workdir::dev_override("tfplug/minimal", bin_dir.path()).unwrap();
    wd.write_config(CONFIG).unwrap();
    wd.init().unwrap();
    let validate = wd.run(&["validate", "-no-color"]).unwrap();
    assert!(
        validate.stderr.contains("overrides") || validate.stdout.contains("overrides"),
        "Terraform warns about dev overrides:\n{}\n{}",
        validate.stdout,
        validate.stderr
    );
    let plan = wd.plan().unwrap();
    assert_eq!(plan.actions_for("minimal_thing.a"), vec!["create"]);
    wd.apply().unwrap();
    assert_eq!(
        wd.state().unwrap().resource("minimal_thing.a").unwrap()["name"],
        "first"
    );
    wd.destroy().unwrap();
}
