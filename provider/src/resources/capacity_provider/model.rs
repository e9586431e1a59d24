//! Typed views of `lambda_capacity_provider` values (through tfplug's serde bridge).
//!
//! Used where values are fully known (apply, read, import); plan-time code works on
//! values because anything may still be unknown there. Blocks are lists (absent = empty).

use std::collections::BTreeMap;

use aws_sdk_lambda::types::{Architecture, CapacityProviderScalingMode};
use serde::{Deserialize, Serialize};
use tfplug::value::{Maybe, Value, from_value};

use super::schema::names::INSTANCE_REQUIREMENTS;
use crate::aws::timeouts::TimeoutsModel;

/// The whole resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapacityProviderModel {
    /// `name`.
    pub name: Maybe<String>,
    /// `region`.
    pub region: Maybe<String>,
    /// `arn` (computed).
    pub arn: Maybe<String>,
    /// `state` (computed).
    pub state: Maybe<String>,
    /// `last_modified` (computed).
    pub last_modified: Maybe<String>,
    /// `kms_key_arn`.
    pub kms_key_arn: Maybe<String>,
    /// `vpc_config` block (exactly one).
    pub vpc_config: Vec<VpcConfigModel>,
    /// `permissions_config` block (exactly one).
    pub permissions_config: Vec<PermissionsConfigModel>,
    /// `instance_requirements` (at most one).
    pub instance_requirements: Vec<InstanceRequirementsModel>,
    /// `capacity_provider_scaling_config` (at most one).
    pub capacity_provider_scaling_config: Vec<ScalingConfigModel>,
    /// `propagate_tags` (at most one).
    pub propagate_tags: Vec<PropagateTagsModel>,
    /// `telemetry_config` (at most one).
    pub telemetry_config: Vec<TelemetryConfigModel>,
    /// `tags`.
    pub tags: Maybe<BTreeMap<String, String>>,
    /// `tags_all` (computed).
    pub tags_all: Maybe<BTreeMap<String, String>>,
    /// `timeouts` block.
    pub timeouts: Maybe<TimeoutsModel>,
}

/// `vpc_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcConfigModel {
    /// `subnet_ids`.
    pub subnet_ids: Vec<String>,
    /// `security_group_ids`.
    pub security_group_ids: Vec<String>,
}

/// `permissions_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PermissionsConfigModel {
    /// `capacity_provider_operator_role_arn`.
    pub capacity_provider_operator_role_arn: String,
}

/// `instance_requirements`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceRequirementsModel {
    /// `architectures`.
    pub architectures: Vec<String>,
    /// `allowed_instance_types`.
    pub allowed_instance_types: Option<Vec<String>>,
    /// `excluded_instance_types`.
    pub excluded_instance_types: Option<Vec<String>>,
}

impl InstanceRequirementsModel {
    /// What AWS sets when CreateCapacityProvider leaves the requirements out.
    pub fn aws_default() -> Self {
        Self {
            architectures: vec![Architecture::X8664.as_str().to_string()],
            allowed_instance_types: None,
            excluded_instance_types: None,
        }
    }
}

/// True when the planned `instance_requirements` differ from the prior ones only in the
/// order of instance types: AWS keeps them as a set, so the change replaces nothing.
pub fn requirements_reordered_only(prior: &Value, planned: &Value) -> bool {
    let (Some(before), Some(after)) = (
        requirement_blocks(prior).first(),
        requirement_blocks(planned).first(),
    ) else {
        return false;
    };
    before != after && in_order(before.clone()) == in_order(after.clone())
}

/// The `instance_requirements` blocks of a resource value (none when absent or unknown).
fn requirement_blocks(v: &Value) -> &[Value] {
    v.get_attr(INSTANCE_REQUIREMENTS)
        .and_then(Value::as_elements)
        .unwrap_or(&[])
}

/// `v` with every list of strings sorted.
fn in_order(v: Value) -> Value {
    v.transform(&mut |_, x| match x {
        Value::List(mut items) if items.iter().all(|i| i.as_str().is_some()) => {
            items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            Value::List(items)
        }
        other => other,
    })
}

/// True when `config` writes out as `instance_requirements` exactly AWS's default while
/// `prior` (an imported capacity provider, whose state leaves defaults out) has none: the
/// block then records what AWS already has, and must not replace the capacity provider.
pub fn default_requirements_written_out(prior: &Value, config: &Value) -> bool {
    if !requirement_blocks(prior).is_empty() {
        return false;
    }
    match requirement_blocks(config) {
        [only] => from_value::<InstanceRequirementsModel>(only)
            .is_ok_and(|r| r == InstanceRequirementsModel::aws_default()),
        _ => false,
    }
}

/// `capacity_provider_scaling_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScalingConfigModel {
    /// `max_vcpu_count`.
    pub max_vcpu_count: Option<i64>,
    /// `scaling_mode`.
    pub scaling_mode: Option<String>,
    /// `scaling_policies` blocks.
    pub scaling_policies: Vec<ScalingPolicyModel>,
}

/// One of `scaling_policies`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScalingPolicyModel {
    /// `predefined_metric_type`.
    pub predefined_metric_type: String,
    /// `target_value`.
    pub target_value: f64,
}

/// `propagate_tags`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropagateTagsModel {
    /// `mode`.
    pub mode: Option<String>,
    /// `explicit_tags`.
    pub explicit_tags: Option<BTreeMap<String, String>>,
}

/// `telemetry_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TelemetryConfigModel {
    /// `logging_config` block.
    pub logging_config: Vec<LoggingConfigModel>,
}

/// `telemetry_config.logging_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoggingConfigModel {
    /// `system_log_level`.
    pub system_log_level: Option<String>,
    /// `log_group`.
    pub log_group: Option<String>,
}

/// MaxVCpuCount when CreateCapacityProvider leaves it out (AWS's documented default,
/// which the service model does not state).
pub const DEFAULT_MAX_VCPU_COUNT: i64 = 400;

impl CapacityProviderModel {
    /// The name, or an empty string.
    pub fn name(&self) -> &str {
        self.name.known().map(String::as_str).unwrap_or_default()
    }

    /// Drops the blocks that hold exactly what AWS sets when they are left out at create
    /// (one `x86_64` architecture; `Auto` scaling with the default vCPU limit): an adopted
    /// capacity provider then matches a configuration that leaves them out, instead of
    /// planning to remove (and for `instance_requirements`, replace) them.
    pub fn without_create_defaults(mut self) -> Self {
        if self.instance_requirements == [InstanceRequirementsModel::aws_default()] {
            self.instance_requirements.clear();
        }
        let default_scaling = ScalingConfigModel {
            max_vcpu_count: Some(DEFAULT_MAX_VCPU_COUNT),
            scaling_mode: Some(CapacityProviderScalingMode::Auto.as_str().to_string()),
            scaling_policies: Vec::new(),
        };
        if self.capacity_provider_scaling_config == [default_scaling] {
            self.capacity_provider_scaling_config.clear();
        }
        self
    }
}
