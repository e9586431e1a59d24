//! Configurations with a `lambda_durable_function`: a zip package in the working
//! directory and the resource around a test's own arguments and blocks.

use std::path::PathBuf;

use super::Acc;
use super::capacity_provider::REQUIRED_PROVIDERS;

/// The address of the function [`Acc::function_config`] writes.
pub const ADDRESS: &str = "lambda_durable_function.test";

/// An execution role ARN of the emulator's account.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/durable";

impl Acc {
    /// Writes a zip package named `file` into the working directory (its code hash
    /// depends on `tag`) and returns its path.
    pub fn zip(&self, file: &str, tag: &str) -> PathBuf {
        let path = self.tf.dir().join(file);
        if let Err(e) = std::fs::write(&path, acceptance_tests::fixtures::zip_package(tag)) {
            panic!("writing {}: {e}", path.display());
        }
        path
    }

    /// A configuration with one durable function `lambda_durable_function.test` called
    /// `name`, its code from `zip` (with `source_code_hash`), a Python runtime and
    /// `durable_config { execution_timeout = 3600 }` unless `body` has its own;
    /// `body` goes inside the resource block, `after` is more top-level HCL.
    pub fn function_config(&self, name: &str, zip: &str, body: &str, after: &str) -> String {
        let durable = if body.contains("durable_config") {
            ""
        } else {
            "\n  durable_config {\n    execution_timeout = 3600\n  }\n"
        };
        format!(
            r#"
{REQUIRED_PROVIDERS}
provider "lambda" {{}}

resource "lambda_durable_function" "test" {{
  function_name    = "{name}"
  role             = "{ROLE}"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "{zip}"
  source_code_hash = filebase64sha256("{zip}")
{body}{durable}
}}
{after}
"#
        )
    }
}

// What the destroy tests of the durable function share: the emulator's records of
// functions and durable executions, seeding executions, and the diagnostics of
// terraform commands that must fail (or warn), as `-json` prints them.

impl Acc {
    /// The emulator's record of the function called `name` (`latest.state`,
    /// `latest.state_reason_code`, `versions`…), if it holds one.
    pub fn emulated_function(&self, name: &str) -> Option<serde_json::Value> {
        self.emulated("functions", name)
    }

    /// The names of every function the emulator holds (in any state), sorted.
    pub fn emulated_function_names(&self) -> Vec<String> {
        let state = self.emu().state();
        let mut names: Vec<String> = state["functions"]
            .as_object()
            .map(|fs| {
                fs.values()
                    .filter_map(|f| f["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Seeds a durable execution through the emulator's control API; panics when the
    /// emulator refuses.
    pub fn seed_execution(
        &self,
        seed: acceptance_tests::SeedExecution,
    ) -> acceptance_tests::SeededExecution {
        let what = format!("{seed:?}");
        match self.emu().seed_durable_execution(seed) {
            Ok(seeded) => seeded,
            Err(e) => panic!("seeding {what}: {e}"),
        }
    }

    /// The emulator's record of the durable execution `arn` (`status`, `error`…);
    /// null when it does not hold it (executions disappear with their function).
    pub fn emulated_execution(&self, arn: &str) -> serde_json::Value {
        self.emu().state()["durable_executions"][arn].clone()
    }

    /// `terraform destroy -auto-approve -json`, which must succeed: its diagnostics
    /// (the warnings of the destroy's plan among them).
    pub fn destroy_diagnostics(&self) -> super::Diagnostics {
        let out = self.succeed(&[
            "destroy",
            "-auto-approve",
            "-json",
            "-input=false",
            "-no-color",
        ]);
        super::Diagnostics::from_json_lines(&out.stdout)
    }

    /// `terraform apply -auto-approve -json`, which must fail: its diagnostics.
    pub fn apply_failing(&self) -> super::Diagnostics {
        let out = self.fail(&[
            "apply",
            "-auto-approve",
            "-json",
            "-input=false",
            "-no-color",
        ]);
        super::Diagnostics::from_json_lines(&out.stdout)
    }

    /// `terraform destroy -auto-approve -json`, which must fail: its diagnostics.
    pub fn destroy_failing(&self) -> super::Diagnostics {
        let out = self.fail(&[
            "destroy",
            "-auto-approve",
            "-json",
            "-input=false",
            "-no-color",
        ]);
        super::Diagnostics::from_json_lines(&out.stdout)
    }
}
