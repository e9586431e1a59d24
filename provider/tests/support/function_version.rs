//! Configurations with a `lambda_function_version`, what the emulator holds of function
//! versions, and the SDK calls a test makes outside Terraform (functions managed
//! elsewhere, code changes, deletes of one version, scaling reads).

use std::time::{Duration, Instant};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Architecture, CapacityProviderConfig, DurableConfig, FunctionCode,
    LambdaManagedInstancesCapacityProviderConfig, LastUpdateStatus, Runtime, State,
};
use serde_json::Value;

use super::capacity_provider::ARM_REQUIREMENTS;
use super::diagnostics::Diagnostics;
use super::durable_function::ROLE;
use super::{Acc, sdk};

/// The address of the version [`version_block`] writes with label `test`.
pub const ADDRESS: &str = "lambda_function_version.test";

/// A `lambda_function_version.LABEL` with exactly `body`, as a top-level block.
pub fn version_block(label: &str, body: &str) -> String {
    format!("\nresource \"lambda_function_version\" \"{label}\" {{\n{body}}}\n")
}

/// The unqualified ARN of function `name` in the emulator's account and region.
pub fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

/// The body of a `lambda_durable_function` that runs on `lambda_capacity_provider.LABEL`
/// (arm64, 4096 MB).
pub fn managed_function_body(cp_label: &str) -> String {
    format!(
        r#"
  architectures = ["arm64"]
  memory_size   = 4096

  capacity_provider_config {{
    lambda_managed_instances_capacity_provider_config {{
      capacity_provider_arn = lambda_capacity_provider.{cp_label}.arn
    }}
  }}
"#
    )
}

/// Scaling of a published version as GetFunctionScalingConfig answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalingSeen {
    /// `RequestedFunctionScalingConfig` (min, max), when AWS has not applied it yet.
    pub requested: Option<(Option<i32>, Option<i32>)>,
    /// `AppliedFunctionScalingConfig` (min, max).
    pub applied: Option<(Option<i32>, Option<i32>)>,
}

impl Acc {
    /// A capacity provider `lambda_capacity_provider.LABEL` called `name` of arm64
    /// instances in the test's network, as a top-level block.
    pub fn arm_capacity_provider(&self, label: &str, name: &str) -> String {
        format!(
            "\nresource \"lambda_capacity_provider\" \"{label}\" {{\n  name = \"{name}\"\n{}{ARM_REQUIREMENTS}}}\n",
            self.network_blocks()
        )
    }

    /// The published version numbers the emulator holds of function `name`, in order
    /// (empty when the function does not exist).
    pub fn emulated_versions(&self, name: &str) -> Vec<String> {
        self.emulated("functions", name)
            .and_then(|f| f["versions"].as_object().cloned())
            .map(|v| v.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The emulator's record of version `version` of function `name`.
    pub fn emulated_version(&self, name: &str, version: &str) -> Option<Value> {
        self.emulated("functions", name)
            .map(|f| f["versions"][version].clone())
            .filter(|v| !v.is_null())
    }

    /// The durable executions the emulator holds of function `name` (any version).
    pub fn emulated_executions(&self, name: &str) -> Vec<Value> {
        let arn = function_arn(name);
        self.emu().state()["durable_executions"]
            .as_object()
            .map(|m| {
                m.values()
                    .filter(|e| e["function_arn"] == arn.as_str())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `terraform apply -json`, which must fail; returns its errors.
    pub fn apply_errors(&self) -> Diagnostics {
        let out = self.fail(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-json",
        ]);
        Diagnostics::from_json_lines(&out.stdout).errors()
    }

    /// `terraform plan -no-color`, which must succeed: the text a user reads.
    pub fn plan_text(&self) -> String {
        self.succeed(&["plan", "-no-color", "-input=false"]).stdout
    }
}

/// Outside Terraform: functions created, changed and versions deleted with the SDK.
impl sdk::Lambda {
    /// Creates a durable function `name` with code `tag` (on capacity provider
    /// `capacity_provider` when given: arm64, 2048 MB) and waits until it is no longer
    /// `Pending`.
    pub fn create_durable_function(&self, name: &str, tag: &str, capacity_provider: Option<&str>) {
        self.block_on(async {
            let mut req = self
                .client()
                .create_function()
                .function_name(name)
                .role(ROLE)
                .runtime(Runtime::from("python3.13"))
                .handler("index.handler")
                .code(
                    FunctionCode::builder()
                        .zip_file(Blob::new(acceptance_tests::fixtures::zip_package(tag)))
                        .build(),
                )
                .durable_config(DurableConfig::builder().execution_timeout(3600).build());
            if let Some(cp) = capacity_provider {
                req = req
                    .architectures(Architecture::Arm64)
                    .memory_size(2048)
                    .capacity_provider_config(
                        CapacityProviderConfig::builder()
                            .lambda_managed_instances_capacity_provider_config(
                                LambdaManagedInstancesCapacityProviderConfig::builder()
                                    .capacity_provider_arn(cp)
                                    .build()
                                    .unwrap_or_else(|e| panic!("{e}")),
                            )
                            .build(),
                    );
            }
            if let Err(e) = req.send().await {
                panic!("creating {name} with the SDK: {e:?}");
            }
        });
        self.wait_settled(name);
    }

    /// Waits (up to 30 s) until `$LATEST` of `name` is neither `Pending` nor being
    /// updated.
    pub fn wait_settled(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let c = self.latest(name);
            let pending = c.state() == Some(&State::Pending)
                || c.last_update_status() == Some(&LastUpdateStatus::InProgress);
            if !pending {
                return;
            }
            assert!(Instant::now() < deadline, "{name} never settled: {c:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The configuration of `$LATEST` of `name`.
    pub fn latest(
        &self,
        name: &str,
    ) -> aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput {
        self.block_on(async {
            match self
                .client()
                .get_function_configuration()
                .function_name(name)
                .send()
                .await
            {
                Ok(c) => c,
                Err(e) => panic!("reading {name} with the SDK: {e:?}"),
            }
        })
    }

    /// Uploads new code (`tag`) to `name` and waits until the update is done.
    pub fn update_code(&self, name: &str, tag: &str) {
        self.block_on(async {
            let updated = self
                .client()
                .update_function_code()
                .function_name(name)
                .zip_file(Blob::new(acceptance_tests::fixtures::zip_package(tag)))
                .send()
                .await;
            if let Err(e) = updated {
                panic!("changing the code of {name} with the SDK: {e:?}");
            }
        });
        self.wait_settled(name);
    }

    /// PublishVersion of `name`; returns the version number.
    pub fn publish(&self, name: &str) -> String {
        self.block_on(async {
            match self
                .client()
                .publish_version()
                .function_name(name)
                .send()
                .await
            {
                Ok(out) => out.version().unwrap_or_default().to_string(),
                Err(e) => panic!("publishing {name} with the SDK: {e:?}"),
            }
        })
    }

    /// DeleteFunction of version `version` of `name`.
    pub fn delete_version(&self, name: &str, version: &str) {
        self.block_on(async {
            let deleted = self
                .client()
                .delete_function()
                .function_name(name)
                .qualifier(version)
                .send()
                .await;
            if let Err(e) = deleted {
                panic!("deleting {name}:{version} with the SDK: {e:?}");
            }
        });
    }

    /// GetFunctionScalingConfig of version `version` of `name`.
    pub fn scaling(&self, name: &str, version: &str) -> ScalingSeen {
        let pair = |c: &aws_sdk_lambda::types::FunctionScalingConfig| {
            (
                c.min_execution_environments(),
                c.max_execution_environments(),
            )
        };
        self.block_on(async {
            match self
                .client()
                .get_function_scaling_config()
                .function_name(name)
                .qualifier(version)
                .send()
                .await
            {
                Ok(out) => ScalingSeen {
                    requested: out.requested_function_scaling_config().map(pair),
                    applied: out.applied_function_scaling_config().map(pair),
                },
                Err(e) => panic!("reading the scaling of {name}:{version}: {e:?}"),
            }
        })
    }
}
