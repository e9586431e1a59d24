//! Conversions between the typed model and the Lambda SDK's types, and the reconciliation
//! that keeps a state consistent with what the user wrote when AWS only differs in form
//! (an empty list for an unset one, a server-side default for an unset field).

use std::collections::BTreeMap;

use aws_sdk_lambda::types::{
    Architecture, CapacityProvider, CapacityProviderLoggingConfig,
    CapacityProviderPermissionsConfig, CapacityProviderPredefinedMetricType,
    CapacityProviderScalingConfig, CapacityProviderScalingMode, CapacityProviderTelemetryConfig,
    CapacityProviderVpcConfig, InstanceRequirements, PropagateTags, PropagateTagsMode,
    SystemLogLevel, TargetTrackingScalingPolicy,
};
use tfplug::value::Maybe;

use super::model::*;
use crate::aws::Error;

fn build_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Unexpected(format!("could not build the {what} request field: {e}"))
}

/// `vpc_config` → `VpcConfig`.
pub fn expand_vpc(m: &VpcConfigModel) -> Result<CapacityProviderVpcConfig, Error> {
    CapacityProviderVpcConfig::builder()
        .set_subnet_ids(Some(m.subnet_ids.clone()))
        .set_security_group_ids(Some(m.security_group_ids.clone()))
        .build()
        .map_err(|e| build_err("VpcConfig", e))
}

/// `permissions_config` → `PermissionsConfig`.
pub fn expand_permissions(
    m: &PermissionsConfigModel,
) -> Result<CapacityProviderPermissionsConfig, Error> {
    CapacityProviderPermissionsConfig::builder()
        .capacity_provider_operator_role_arn(m.capacity_provider_operator_role_arn.clone())
        .build()
        .map_err(|e| build_err("PermissionsConfig", e))
}

/// `instance_requirements` → `InstanceRequirements`.
pub fn expand_instance_requirements(m: &InstanceRequirementsModel) -> InstanceRequirements {
    InstanceRequirements::builder()
        .set_architectures(Some(
            m.architectures
                .iter()
                .map(|a| Architecture::from(a.as_str()))
                .collect(),
        ))
        .set_allowed_instance_types(m.allowed_instance_types.clone().filter(|v| !v.is_empty()))
        .set_excluded_instance_types(m.excluded_instance_types.clone().filter(|v| !v.is_empty()))
        .build()
}

/// `capacity_provider_scaling_config` → `CapacityProviderScalingConfig`.
pub fn expand_scaling(m: &ScalingConfigModel) -> Result<CapacityProviderScalingConfig, Error> {
    let policies = if m.scaling_policies.is_empty() {
        None
    } else {
        Some(
            m.scaling_policies
                .iter()
                .map(|p| {
                    TargetTrackingScalingPolicy::builder()
                        .predefined_metric_type(CapacityProviderPredefinedMetricType::from(
                            p.predefined_metric_type.as_str(),
                        ))
                        .target_value(p.target_value)
                        .build()
                        .map_err(|e| build_err("ScalingPolicies", e))
                })
                .collect::<Result<Vec<_>, _>>()?,
        )
    };
    let max = match m.max_vcpu_count {
        Some(n) => Some(i32::try_from(n).map_err(|_| build_err("MaxVCpuCount", "out of range"))?),
        None => None,
    };
    Ok(CapacityProviderScalingConfig::builder()
        .set_max_v_cpu_count(max)
        .set_scaling_mode(
            m.scaling_mode
                .as_deref()
                .map(CapacityProviderScalingMode::from),
        )
        .set_scaling_policies(policies)
        .build())
}

/// `propagate_tags` → `PropagateTags`.
pub fn expand_propagate_tags(m: &PropagateTagsModel) -> PropagateTags {
    PropagateTags::builder()
        .set_mode(m.mode.as_deref().map(PropagateTagsMode::from))
        .set_explicit_tags(
            m.explicit_tags
                .as_ref()
                .map(|t| t.clone().into_iter().collect()),
        )
        .build()
}

/// `telemetry_config` → `TelemetryConfig`.
pub fn expand_telemetry(m: &TelemetryConfigModel) -> CapacityProviderTelemetryConfig {
    CapacityProviderTelemetryConfig::builder()
        .set_logging_config(m.logging_config.first().map(|l| {
            CapacityProviderLoggingConfig::builder()
                .set_system_log_level(l.system_log_level.as_deref().map(SystemLogLevel::from))
                .set_log_group(l.log_group.clone())
                .build()
        }))
        .build()
}

/// `PropagateTags` → `propagate_tags`.
fn flatten_propagate_tags(p: &PropagateTags) -> PropagateTagsModel {
    PropagateTagsModel {
        mode: p.mode().map(|m| m.as_str().to_string()),
        explicit_tags: p
            .explicit_tags()
            .map(|t| t.clone().into_iter().collect::<BTreeMap<_, _>>()),
    }
}

/// `TelemetryConfig` → `telemetry_config`.
fn flatten_telemetry(t: &CapacityProviderTelemetryConfig) -> TelemetryConfigModel {
    TelemetryConfigModel {
        logging_config: t
            .logging_config()
            .map(|l| LoggingConfigModel {
                system_log_level: l.system_log_level().map(|x| x.as_str().to_string()),
                log_group: l.log_group().map(str::to_string),
            })
            .into_iter()
            .collect(),
    }
}

/// The SDK's view of a capacity provider → the model (without tags and timeouts).
pub fn flatten(cp: &CapacityProvider) -> CapacityProviderModel {
    let name = cp
        .capacity_provider_arn()
        .rsplit_once(":capacity-provider:")
        .map(|(_, n)| n.to_string())
        .unwrap_or_default();
    CapacityProviderModel {
        name: Maybe::Known(name),
        region: Maybe::Null,
        arn: Maybe::Known(cp.capacity_provider_arn().to_string()),
        state: Maybe::Known(cp.state().as_str().to_string()),
        last_modified: cp.last_modified().map(str::to_string).into(),
        kms_key_arn: cp
            .kms_key_arn()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .into(),
        vpc_config: cp
            .vpc_config()
            .map(|v| VpcConfigModel {
                subnet_ids: v.subnet_ids().to_vec(),
                security_group_ids: v.security_group_ids().to_vec(),
            })
            .into_iter()
            .collect(),
        permissions_config: cp
            .permissions_config()
            .map(|p| PermissionsConfigModel {
                capacity_provider_operator_role_arn: p
                    .capacity_provider_operator_role_arn()
                    .to_string(),
            })
            .into_iter()
            .collect(),
        instance_requirements: cp
            .instance_requirements()
            .map(|ir| InstanceRequirementsModel {
                architectures: ir
                    .architectures()
                    .iter()
                    .map(|x| x.as_str().to_string())
                    .collect(),
                allowed_instance_types: ir.allowed_instance_types.clone(),
                excluded_instance_types: ir.excluded_instance_types.clone(),
            })
            .into_iter()
            .collect(),
        capacity_provider_scaling_config: cp
            .capacity_provider_scaling_config()
            .map(|s| ScalingConfigModel {
                max_vcpu_count: s.max_v_cpu_count().map(i64::from),
                scaling_mode: s.scaling_mode().map(|m| m.as_str().to_string()),
                scaling_policies: s
                    .scaling_policies()
                    .iter()
                    .map(|p| ScalingPolicyModel {
                        predefined_metric_type: p.predefined_metric_type().as_str().to_string(),
                        target_value: p.target_value(),
                    })
                    .collect(),
            })
            .into_iter()
            .collect(),
        propagate_tags: cp
            .propagate_tags()
            .map(flatten_propagate_tags)
            .into_iter()
            .collect(),
        telemetry_config: cp
            .telemetry_config()
            .map(flatten_telemetry)
            .into_iter()
            .collect(),
        tags: Maybe::Null,
        tags_all: Maybe::Null,
        timeouts: Maybe::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn propagate_tags_and_telemetry_round_trip() {
        let p = PropagateTagsModel {
            mode: Some("Explicit".into()),
            explicit_tags: Some([("team".to_string(), "web".to_string())].into()),
        };
        let t = TelemetryConfigModel {
            logging_config: vec![LoggingConfigModel {
                system_log_level: Some("INFO".into()),
                log_group: None,
            }],
        };
        let sdk_p = expand_propagate_tags(&p);
        assert_eq!(sdk_p.mode(), Some(&PropagateTagsMode::Explicit));
        assert_eq!(
            sdk_p
                .explicit_tags()
                .and_then(|m| m.get("team"))
                .map(String::as_str),
            Some("web")
        );
        let sdk_t = expand_telemetry(&t);
        assert_eq!(
            sdk_t.logging_config().and_then(|l| l.system_log_level()),
            Some(&SystemLogLevel::Info)
        );
        assert_eq!(flatten_propagate_tags(&sdk_p), p);
        assert_eq!(flatten_telemetry(&sdk_t), t);
    }

    #[test]
    fn flatten_without_propagate_tags_or_telemetry_is_empty() {
        let cp = CapacityProvider::builder()
            .capacity_provider_arn("arn:aws:lambda:us-east-1:123456789012:capacity-provider:web")
            .state(aws_sdk_lambda::types::CapacityProviderState::Active)
            .build();
        let m = cp.map(|cp| flatten(&cp));
        assert!(m.is_ok());
        let m = m.unwrap_or_default();
        assert_eq!(m.name, Maybe::Known("web".to_string()));
        assert!(m.propagate_tags.is_empty());
        assert!(m.telemetry_config.is_empty());
    }
}
