//! What the provider's acceptance tests share: an environment per test (a private
//! emulator, or real AWS when opted in), terraform commands in a working directory,
//! diagnostics and where they point in the HCL, state comparison, and AWS SDK access
//! to the emulator for changes made outside Terraform.
//!
//! Nothing here is specific to one resource type: resources are named by their
//! Terraform address (`lambda_capacity_provider.test`, `data.lambda_capacity_provider.x`,
//! `module.cp.lambda_capacity_provider.this`).
//!
//! With `LAMBDA_ACC_REAL_AWS=1` and AWS credentials in the environment the tests run
//! against real AWS (see `acceptance_tests::harness`); tests that need the emulator are
//! skipped there. Without terraform on PATH (or `TF_BIN`) every test is skipped.
//!
//! [`setup_1_15`] makes the same environment with Terraform 1.15 (`tools/tf115`) running
//! the working directory's commands, for identity, `terraform query` and actions; it
//! fails the test with install instructions when Terraform 1.15 is missing.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code, unused_imports)]

pub mod capacity_provider;
pub mod compare;
pub mod diagnostics;
pub mod durable_function;
pub mod examples;
pub mod function_version;
pub mod hcl;
pub mod inventory;
pub mod json_schemas;
pub mod sdk;
pub mod terraform;
pub mod terraform_1_15;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use acceptance_tests::harness::{AccEnv, Network};
use acceptance_tests::{Emulator, EmulatorOptions};
use serde_json::Value;

pub use diagnostics::{Diagnostics, Expect};
pub use hcl::Hcl;
pub use terraform::Tf;

/// One test's environment (a private emulator, or real AWS when opted in), its
/// Terraform working directory and the network its resources use.
///
/// Derefs to [`Tf`], so `acc.apply()`, `acc.resource(address)` and the like run in the
/// test's working directory.
pub struct Acc {
    /// Where the test runs.
    pub env: AccEnv,
    /// The test's Terraform working directory.
    pub tf: Tf,
    /// Subnets, security groups and the operator role (changeable per test).
    pub net: Network,
    suffix: String,
    /// The terraform binary of the test's working directories, when not the default
    /// (`terraform` on PATH or `TF_BIN`, Terraform 1.11 here).
    terraform: Option<PathBuf>,
}

/// The directory holding the provider binary Terraform starts (`dev_overrides`).
pub fn provider_dir() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-lambda"));
    bin.parent().map(PathBuf::from).unwrap_or_default()
}

/// Sets up a test, or returns `None` (the test is skipped, saying why) when terraform is
/// missing, a real-AWS run lacks credentials or variables, or `needs_emulator` and the
/// run targets real AWS.
pub fn setup(opts: EmulatorOptions, needs_emulator: bool) -> Option<Acc> {
    setup_with(opts, needs_emulator, None)
}

/// Like [`setup`], with Terraform 1.15 running every command of the test's working
/// directories (see `tfplug::testing::require_terraform_1_15`: the test fails, never
/// skips, when it is missing). Still skipped, like every acceptance test, without the
/// default terraform, against real AWS without credentials, or when `needs_emulator` and
/// the run targets real AWS.
pub fn setup_1_15(opts: EmulatorOptions, needs_emulator: bool) -> Option<Acc> {
    let terraform = tfplug::testing::require_terraform_1_15();
    setup_with(opts, needs_emulator, Some(terraform))
}

/// [`setup`] with the working directory's terraform binary given (`None`: the default).
pub fn setup_with(
    opts: EmulatorOptions,
    needs_emulator: bool,
    terraform: Option<PathBuf>,
) -> Option<Acc> {
    let env = match AccEnv::start_with(opts) {
        Ok(env) => env,
        Err(skip) => {
            eprintln!("{skip}");
            return None;
        }
    };
    if needs_emulator && let Err(skip) = env.require_emulator() {
        eprintln!("{skip}");
        return None;
    }
    let tf = workdir_in(&env, terraform.as_deref(), "the working directory");
    Some(Acc {
        net: env.network().clone(),
        env,
        tf,
        suffix: AccEnv::unique_suffix(),
        terraform,
    })
}

/// A working directory without AWS: the provider process sees only `env` of the AWS
/// settings (the test process's own credentials and shared files are blanked), for tests
/// of what the provider says when AWS cannot be reached or credentials are missing.
/// `None` (the test is skipped) when terraform is missing.
pub fn offline_workdir(env: &[(&str, &str)]) -> Option<Tf> {
    if !tfplug::testing::terraform_available() {
        eprintln!("terraform not found: skipping");
        return None;
    }
    let mut wd = match tfplug::testing::Workdir::dev_override(
        acceptance_tests::harness::PROVIDER_SOURCE,
        &provider_dir(),
    ) {
        Ok(wd) => wd,
        Err(e) => panic!("creating the working directory: {e}"),
    };
    // Blank is "not set" for the SDK's environment credentials.
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", ""),
        ("AWS_SECRET_ACCESS_KEY", ""),
        ("AWS_SESSION_TOKEN", ""),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ]
    .iter()
    .chain(env)
    {
        wd.set_env(*k, *v);
    }
    Some(Tf::new(wd))
}

/// A working directory of `env` run by `terraform` (the default when `None`).
fn workdir_in(env: &AccEnv, terraform: Option<&Path>, what: &str) -> Tf {
    match env.workdir(&provider_dir()) {
        Ok(wd) => Tf::new(match terraform {
            Some(t) => wd.with_terraform(t),
            None => wd,
        }),
        Err(e) => panic!("creating {what}: {e}"),
    }
}

impl Acc {
    /// The emulator; panics against real AWS (set `needs_emulator` in [`setup`]).
    pub fn emu(&self) -> &Emulator {
        match self.env.emulator() {
            Some(e) => e,
            None => panic!("this test needs the emulator"),
        }
    }

    /// A resource name unique to this run: `tfacc-BASE-SUFFIX`.
    pub fn name(&self, base: &str) -> String {
        format!("tfacc-{base}-{}", self.suffix)
    }

    /// Another working directory (with its own, empty state) pointed at the same
    /// environment: for imports into a fresh state.
    pub fn another_workdir(&self) -> Tf {
        workdir_in(
            &self.env,
            self.terraform.as_deref(),
            "a second working directory",
        )
    }

    /// Another working directory pointed at the same environment, whose commands run
    /// with `terraform` (e.g. the default Terraform 1.11 in a Terraform 1.15 test).
    pub fn workdir_with(&self, terraform: &Path) -> Tf {
        workdir_in(&self.env, Some(terraform), "a working directory")
    }

    /// The terraform binary of this test's working directories.
    pub fn terraform(&self) -> PathBuf {
        match self.tf.terraform() {
            Some(t) => t.to_path_buf(),
            None => panic!("no terraform binary"),
        }
    }

    /// The emulator's record of the object called `name` in one collection of its state
    /// dump (`capacity_providers`, `functions`, `durable_executions`), if any.
    pub fn emulated(&self, collection: &str, name: &str) -> Option<Value> {
        let state = self.emu().state();
        state[collection]
            .as_object()?
            .values()
            .find(|o| o["name"] == name)
            .cloned()
    }

    /// An AWS SDK Lambda client talking to this test's emulator.
    pub fn lambda_sdk(&self) -> sdk::Lambda {
        sdk::Lambda::for_emulator(self.emu())
    }
}

impl Deref for Acc {
    type Target = Tf;

    fn deref(&self) -> &Tf {
        &self.tf
    }
}

impl DerefMut for Acc {
    fn deref_mut(&mut self) -> &mut Tf {
        &mut self.tf
    }
}

/// The `resource_changes` entry of `address` in a plan, which must have one.
pub fn change_of(plan: &tfplug::testing::Plan, address: &str) -> serde_json::Value {
    plan.resource_changes()
        .iter()
        .find(|rc| rc["address"] == address)
        .cloned()
        .unwrap_or_else(|| panic!("no change for {address}: {:#}", plan.json()))
}
