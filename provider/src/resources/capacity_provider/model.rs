//! Typed views of `lambda_capacity_provider` values (through tfplug's serde bridge).
//!
//! Used where values are fully known (apply, read, import); plan-time code works on
//! [`Value`]s because anything may still be unknown there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tfplug::diag::Diagnostics;
use tfplug::value::{Maybe, Value, from_value, to_value};

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
    pub vpc_config: Maybe<Vec<VpcConfigModel>>,
    /// `permissions_config` block (exactly one).
    pub permissions_config: Maybe<Vec<PermissionsConfigModel>>,
    /// `instance_requirements` (at most one).
    pub instance_requirements: Maybe<Vec<InstanceRequirementsModel>>,
    /// `capacity_provider_scaling_config` (at most one).
    pub capacity_provider_scaling_config: Maybe<Vec<ScalingConfigModel>>,
    /// `propagate_tags` (at most one).
    pub propagate_tags: Maybe<Vec<PropagateTagsModel>>,
    /// `telemetry_config` (at most one).
    pub telemetry_config: Maybe<Vec<TelemetryConfigModel>>,
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
    pub architectures: Option<Vec<String>>,
    /// `allowed_instance_types`.
    pub allowed_instance_types: Option<Vec<String>>,
    /// `excluded_instance_types`.
    pub excluded_instance_types: Option<Vec<String>>,
}

/// `capacity_provider_scaling_config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScalingConfigModel {
    /// `max_vcpu_count`.
    pub max_vcpu_count: Option<i64>,
    /// `scaling_mode`.
    pub scaling_mode: Option<String>,
    /// `scaling_policies`.
    pub scaling_policies: Option<Vec<ScalingPolicyModel>>,
}

/// One of `scaling_policies`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScalingPolicyModel {
    /// `predefined_metric_type`.
    pub predefined_metric_type: Option<String>,
    /// `target_value`.
    pub target_value: Option<f64>,
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
    /// `logging_config`.
    pub logging_config: Option<Vec<LoggingConfigModel>>,
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

/// `timeouts`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeoutsModel {
    /// `create`.
    pub create: Option<String>,
    /// `update`.
    pub update: Option<String>,
    /// `delete`.
    pub delete: Option<String>,
}

impl CapacityProviderModel {
    /// Reads a resource value.
    pub fn from_value(v: &Value) -> Result<Self, Diagnostics> {
        from_value(v).map_err(Diagnostics::from)
    }

    /// Builds a resource value of the resource schema's type.
    pub fn to_value(&self) -> Result<Value, Diagnostics> {
        to_value(self, &super::schema::resource_schema().value_type()).map_err(Diagnostics::from)
    }

    /// The name, or an empty string.
    pub fn name(&self) -> &str {
        self.name.known().map(String::as_str).unwrap_or_default()
    }

    /// The first `vpc_config` block.
    pub fn vpc(&self) -> Option<&VpcConfigModel> {
        self.vpc_config.known().and_then(|v| v.first())
    }

    /// The first `permissions_config` block.
    pub fn permissions(&self) -> Option<&PermissionsConfigModel> {
        self.permissions_config.known().and_then(|v| v.first())
    }

    /// The first `instance_requirements` element.
    pub fn instance_requirements(&self) -> Option<&InstanceRequirementsModel> {
        self.instance_requirements.known().and_then(|v| v.first())
    }

    /// The first `capacity_provider_scaling_config` element.
    pub fn scaling(&self) -> Option<&ScalingConfigModel> {
        self.capacity_provider_scaling_config
            .known()
            .and_then(|v| v.first())
    }

    /// The first `propagate_tags` element.
    pub fn propagate(&self) -> Option<&PropagateTagsModel> {
        self.propagate_tags.known().and_then(|v| v.first())
    }

    /// The first `telemetry_config` element.
    pub fn telemetry(&self) -> Option<&TelemetryConfigModel> {
        self.telemetry_config.known().and_then(|v| v.first())
    }
}
