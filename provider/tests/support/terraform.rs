//! Terraform commands in a test's working directory. Each helper panics with
//! terraform's own output when the command does not end as the test expects, so a
//! failing test says what Terraform said.

use std::ops::{Deref, DerefMut};

use serde_json::Value;
use tfplug::testing::{CmdOutput, Plan, State, TestingError, Workdir};

use super::diagnostics::Diagnostics;

const REFRESH_PLAN_FILE: &str = "acc-refresh-only.tfplan";

/// A Terraform working directory with panicking helpers. Derefs to [`Workdir`] for
/// anything not covered here (`run`, `expect_failure`, `path`, `set_env`…).
pub struct Tf {
    wd: Workdir,
}

impl Tf {
    /// Wraps a working directory.
    pub fn new(wd: Workdir) -> Self {
        Self { wd }
    }

    /// The working directory.
    pub fn dir(&self) -> &std::path::Path {
        self.wd.path()
    }

    /// Writes `main.tf`.
    pub fn write(&self, hcl: &str) {
        if let Err(e) = self.wd.write_config(hcl) {
            panic!("writing the configuration: {e}");
        }
    }

    /// Writes another file of the configuration, e.g. `modules/cp/main.tf`, creating
    /// its directories.
    pub fn write_file(&self, relative: &str, text: &str) {
        let path = self.wd.path().join(relative);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            panic!("writing {}: {e}", path.display());
        }
    }

    /// Runs terraform with `args`, which must succeed.
    pub fn succeed(&self, args: &[&str]) -> CmdOutput {
        match self.wd.run(args) {
            Ok(out) => out,
            Err(e) => panic!("terraform {} failed: {e}", args.join(" ")),
        }
    }

    /// Runs terraform with `args`, which must fail.
    pub fn fail(&self, args: &[&str]) -> CmdOutput {
        match self.wd.expect_failure(args) {
            Ok(out) => out,
            Err(e) => panic!("terraform {} was expected to fail: {e}", args.join(" ")),
        }
    }

    /// `terraform get`: installs the configuration's (local) modules. `init` would
    /// also look for the provider, which `dev_overrides` serves without installing.
    pub fn get_modules(&self) {
        self.succeed(&["get", "-no-color"]);
    }

    /// `terraform validate -json`, which must pass; returns its warnings.
    pub fn validate(&self) -> Diagnostics {
        let out = match self.wd.run(&["validate", "-json", "-no-color"]) {
            Ok(out) => out,
            Err(e) => panic!("terraform validate must pass: {e}"),
        };
        Diagnostics::from_validate_json(&out.stdout)
    }

    /// `terraform validate -json`, which must fail; returns its errors.
    pub fn validate_errors(&self) -> Diagnostics {
        let out = self.fail(&["validate", "-json", "-no-color"]);
        Diagnostics::from_validate_json(&out.stdout).errors()
    }

    /// `terraform plan` (saved and shown as JSON).
    pub fn plan(&self) -> Plan {
        match self.wd.plan() {
            Ok(p) => p,
            Err(e) => panic!("plan failed: {e}"),
        }
    }

    /// `terraform plan -json`, which must fail; returns its errors.
    pub fn plan_errors(&self) -> Diagnostics {
        self.failed_plan_diagnostics().errors()
    }

    /// `terraform plan -json`, which must fail; returns its errors and warnings.
    pub fn failed_plan_diagnostics(&self) -> Diagnostics {
        let out = self.fail(&["plan", "-json", "-input=false", "-no-color"]);
        Diagnostics::from_json_lines(&out.stdout)
    }

    /// `terraform plan -json`, which must succeed; returns its diagnostics (warnings).
    pub fn plan_diagnostics(&self) -> Diagnostics {
        let out = self.succeed(&["plan", "-json", "-input=false", "-no-color"]);
        Diagnostics::from_json_lines(&out.stdout)
    }

    /// `terraform plan -destroy -json`, which must succeed: its diagnostics.
    pub fn plan_destroy_diagnostics(&self) -> Diagnostics {
        let out = self.succeed(&["plan", "-destroy", "-json", "-input=false", "-no-color"]);
        Diagnostics::from_json_lines(&out.stdout)
    }

    /// `terraform plan -refresh-only` (saved and shown as JSON): what changed outside
    /// Terraform is in `resource_drift`.
    pub fn plan_refresh_only(&self) -> Plan {
        let out_arg = format!("-out={REFRESH_PLAN_FILE}");
        self.succeed(&[
            "plan",
            "-refresh-only",
            &out_arg,
            "-input=false",
            "-no-color",
        ]);
        let shown = self.succeed(&["show", "-json", "-no-color", REFRESH_PLAN_FILE]);
        match serde_json::from_str(&shown.stdout) {
            Ok(json) => Plan::from_json(json),
            Err(e) => panic!(
                "terraform show -json printed no JSON ({e}): {}",
                shown.stdout
            ),
        }
    }

    /// `terraform apply -auto-approve`.
    pub fn apply(&self) {
        if let Err(e) = self.wd.apply() {
            panic!("apply failed: {e}");
        }
    }

    /// `terraform apply -refresh-only -auto-approve`: the state takes what AWS has.
    pub fn apply_refresh_only(&self) {
        self.succeed(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ]);
    }

    /// `terraform destroy -auto-approve`.
    pub fn destroy(&self) {
        if let Err(e) = self.wd.destroy() {
            panic!("destroy failed: {e}");
        }
    }

    /// `terraform destroy -auto-approve`, for tests that expect it may fail.
    pub fn try_destroy(&self) -> Result<CmdOutput, TestingError> {
        self.wd.destroy()
    }

    /// `terraform import ADDRESS ID`.
    pub fn import(&self, address: &str, id: &str) {
        if let Err(e) = self.wd.import(address, id) {
            panic!("terraform import {address} {id} failed: {e}");
        }
    }

    /// The current state (`terraform show -json`).
    pub fn state(&self) -> State {
        match self.wd.state() {
            Ok(s) => s,
            Err(e) => panic!("terraform show failed: {e}"),
        }
    }

    /// The attribute values of the resource or data source at `address` (e.g.
    /// `lambda_capacity_provider.test`, `data.lambda_capacity_provider.x`,
    /// `module.cp.lambda_capacity_provider.this`), which must be in the state.
    pub fn resource(&self, address: &str) -> Value {
        let state = self.state();
        match state.resource(address) {
            Some(values) => values,
            None => panic!(
                "{address} is not in the state; it holds {:?}",
                state.addresses()
            ),
        }
    }

    /// `terraform output -json`: `{NAME: {"value": …, …}}`.
    pub fn outputs(&self) -> Value {
        let out = self.succeed(&["output", "-json"]);
        match serde_json::from_str(&out.stdout) {
            Ok(v) => v,
            Err(e) => panic!(
                "terraform output -json printed no JSON ({e}): {}",
                out.stdout
            ),
        }
    }
}

impl Deref for Tf {
    type Target = Workdir;

    fn deref(&self) -> &Workdir {
        &self.wd
    }
}

impl DerefMut for Tf {
    fn deref_mut(&mut self) -> &mut Workdir {
        &mut self.wd
    }
}
