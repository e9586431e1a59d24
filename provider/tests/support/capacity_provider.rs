//! Configurations with a `lambda_capacity_provider`: the resource in the test's
//! network, for the capacity provider's tests and for those of resources that run on one.

use serde_json::Value;

use super::Acc;

/// The address of the capacity provider [`Acc::config`] writes.
pub const ADDRESS: &str = "lambda_capacity_provider.test";

/// Manual scaling with one CPU policy, as a block of the resource.
pub const MANUAL_SCALING: &str = r#"
  capacity_provider_scaling_config {
    max_vcpu_count = 64
    scaling_mode   = "Manual"
    scaling_policies {
      predefined_metric_type = "LambdaCapacityProviderAverageCPUUtilization"
      target_value           = 60
    }
  }
"#;

/// Graviton instances, as a block of the resource.
pub const ARM_REQUIREMENTS: &str = r#"
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.large", "m7g.xlarge"]
  }
"#;

/// The `terraform` block requiring this provider.
pub const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}
"#;

impl Acc {
    /// A configuration with one capacity provider `lambda_capacity_provider.test` in the
    /// test's network; `body` goes inside the resource block, `provider` inside the
    /// provider block.
    pub fn config(&self, name: &str, provider: &str, body: &str) -> String {
        self.config_with(name, provider, body, "")
    }

    /// Like [`Acc::config`], with more top-level HCL after the resource.
    pub fn config_with(&self, name: &str, provider: &str, body: &str, after: &str) -> String {
        format!(
            r#"
{REQUIRED_PROVIDERS}
provider "lambda" {{
{provider}
}}

resource "lambda_capacity_provider" "test" {{
  name = "{name}"
{network}{body}
}}
{after}
"#,
            network = self.network_blocks(),
        )
    }

    /// The `vpc_config` and `permissions_config` blocks of the test's network.
    pub fn network_blocks(&self) -> String {
        format!(
            r#"
  vpc_config {{
    subnet_ids         = {subnets}
    security_group_ids = ["{sg}"]
  }}

  permissions_config {{
    capacity_provider_operator_role_arn = "{role}"
  }}
"#,
            subnets = self.subnet_list(),
            sg = self.net.security_group_id,
            role = self.net.operator_role_arn,
        )
    }

    /// The test's subnets as an HCL list.
    pub fn subnet_list(&self) -> String {
        let subnets: Vec<String> = self
            .net
            .subnet_ids
            .iter()
            .map(|s| format!("{s:?}"))
            .collect();
        format!("[{}]", subnets.join(", "))
    }

    /// The emulator's record of the capacity provider called `name`.
    pub fn emulated_capacity_provider(&self, name: &str) -> Option<Value> {
        self.emulated("capacity_providers", name)
    }
}
