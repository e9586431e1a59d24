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
