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
use tfplug::value::{Maybe, Value};

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
        .set_architectures(
            m.architectures
                .as_ref()
                .map(|a| a.iter().map(|s| Architecture::from(s.as_str())).collect()),
        )
        .set_allowed_instance_types(m.allowed_instance_types.clone().filter(|v| !v.is_empty()))
        .set_excluded_instance_types(m.excluded_instance_types.clone().filter(|v| !v.is_empty()))
        .build()
}

/// `capacity_provider_scaling_config` → `CapacityProviderScalingConfig`.
pub fn expand_scaling(m: &ScalingConfigModel) -> Result<CapacityProviderScalingConfig, Error> {
    let policies = match &m.scaling_policies {
        Some(list) if !list.is_empty() => Some(
            list.iter()
                .map(|p| {
                    TargetTrackingScalingPolicy::builder()
                        .set_predefined_metric_type(
                            p.predefined_metric_type
                                .as_deref()
                                .map(CapacityProviderPredefinedMetricType::from),
                        )
                        .set_target_value(p.target_value)
                        .build()
                        .map_err(|e| build_err("ScalingPolicies", e))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        _ => None,
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
        .set_logging_config(m.logging_config.as_ref().and_then(|l| l.first()).map(|l| {
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
        logging_config: t.logging_config().map(|l| {
            vec![LoggingConfigModel {
                system_log_level: l.system_log_level().map(|x| x.as_str().to_string()),
                log_group: l.log_group().map(str::to_string),
            }]
        }),
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
        vpc_config: Maybe::Known(
            cp.vpc_config()
                .map(|v| VpcConfigModel {
                    subnet_ids: v.subnet_ids().to_vec(),
                    security_group_ids: v.security_group_ids().to_vec(),
                })
                .into_iter()
                .collect(),
        ),
        permissions_config: Maybe::Known(
            cp.permissions_config()
                .map(|p| PermissionsConfigModel {
                    capacity_provider_operator_role_arn: p
                        .capacity_provider_operator_role_arn()
                        .to_string(),
                })
                .into_iter()
                .collect(),
        ),
        instance_requirements: Maybe::Known(
            cp.instance_requirements()
                .map(|ir| InstanceRequirementsModel {
                    architectures: ir
                        .architectures
                        .as_ref()
                        .map(|a| a.iter().map(|x| x.as_str().to_string()).collect()),
                    allowed_instance_types: ir.allowed_instance_types.clone(),
                    excluded_instance_types: ir.excluded_instance_types.clone(),
                })
                .into_iter()
                .collect(),
        ),
        capacity_provider_scaling_config: Maybe::Known(
            cp.capacity_provider_scaling_config()
                .map(|s| ScalingConfigModel {
                    max_vcpu_count: s.max_v_cpu_count().map(i64::from),
                    scaling_mode: s.scaling_mode().map(|m| m.as_str().to_string()),
                    scaling_policies: s.scaling_policies.as_ref().map(|ps| {
                        ps.iter()
                            .map(|p| ScalingPolicyModel {
                                predefined_metric_type: Some(
                                    p.predefined_metric_type().as_str().to_string(),
                                ),
                                target_value: Some(p.target_value()),
                            })
                            .collect()
                    }),
                })
                .into_iter()
                .collect(),
        ),
        propagate_tags: Maybe::Known(
            cp.propagate_tags()
                .map(flatten_propagate_tags)
                .into_iter()
                .collect(),
        ),
        telemetry_config: Maybe::Known(
            cp.telemetry_config()
                .map(flatten_telemetry)
                .into_iter()
                .collect(),
        ),
        tags: Maybe::Null,
        tags_all: Maybe::Null,
        timeouts: Maybe::Null,
    }
}

/// Makes `new` (built from AWS's answer) keep the form of `prior` (the plan, or the
/// previous state) where the two mean the same thing:
///
/// - an empty list, set or map where `prior` has null (and the reverse) keeps `prior`;
/// - inside nested objects, a value AWS filled in where `prior` has null (a server-side
///   default the user did not set) stays null;
/// - a list of strings with the same elements in another order keeps `prior`'s order.
///
/// Unknown parts of `prior` take `new`'s values. Top-level attributes other than
/// collections always take `new`'s value, so drift of configured values shows.
pub fn reconcile(prior: &Value, new: Value) -> Value {
    reconcile_at(prior, new, 0)
}

fn is_empty_collection(v: &Value) -> bool {
    match v {
        Value::List(x) | Value::Set(x) | Value::Tuple(x) => x.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

fn reconcile_at(prior: &Value, new: Value, depth: usize) -> Value {
    match (prior, new) {
        (Value::Unknown, n) => n,
        (Value::Null, n) if is_empty_collection(&n) => Value::Null,
        (p, Value::Null) if is_empty_collection(p) => p.clone(),
        (Value::Null, n) if depth >= 2 && !n.is_null() => Value::Null,
        (Value::Object(p), Value::Object(n)) => Value::Object(
            n.into_iter()
                .map(|(k, v)| {
                    let pv = p.get(&k).unwrap_or(&Value::Unknown);
                    let r = reconcile_at(pv, v, depth + 1);
                    (k, r)
                })
                .collect(),
        ),
        (Value::List(p), Value::List(n)) => {
            if p.len() == n.len() {
                if p.iter().all(|x| matches!(x, Value::String(_)))
                    && n.iter().all(|x| matches!(x, Value::String(_)))
                    && Value::Set(p.clone()) == Value::Set(n.clone())
                {
                    return Value::List(p.clone());
                }
                Value::List(
                    p.iter()
                        .zip(n)
                        .map(|(pv, nv)| reconcile_at(pv, nv, depth + 1))
                        .collect(),
                )
            } else {
                Value::List(n)
            }
        }
        (_, n) => n,
    }
}

/// Replaces every unknown inside `v` with null (for states returned after a failure).
pub fn unknowns_to_null(v: Value) -> Value {
    v.transform(&mut |_, x| if x.is_unknown() { Value::Null } else { x })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconcile_keeps_null_for_empty_and_server_defaults() {
        let prior = Value::object([(
            "capacity_provider_scaling_config",
            Value::List(vec![Value::object([
                ("max_vcpu_count", Value::Null),
                ("scaling_mode", Value::string("Auto")),
                ("scaling_policies", Value::Null),
            ])]),
        )]);
        let new = Value::object([(
            "capacity_provider_scaling_config",
            Value::List(vec![Value::object([
                ("max_vcpu_count", Value::number(400)),
                ("scaling_mode", Value::string("Auto")),
                ("scaling_policies", Value::List(vec![])),
            ])]),
        )]);
        assert_eq!(reconcile(&prior, new), prior);
    }

    #[test]
    fn reconcile_keeps_drift_of_configured_values() {
        let prior = Value::object([
            ("kms_key_arn", Value::Null),
            (
                "capacity_provider_scaling_config",
                Value::List(vec![Value::object([("max_vcpu_count", Value::number(64))])]),
            ),
        ]);
        let new = Value::object([
            ("kms_key_arn", Value::string("arn:aws:kms:x")),
            (
                "capacity_provider_scaling_config",
                Value::List(vec![Value::object([(
                    "max_vcpu_count",
                    Value::number(128),
                )])]),
            ),
        ]);
        assert_eq!(reconcile(&prior, new.clone()), new);
    }

    #[test]
    fn reconcile_keeps_list_order_when_only_order_differs() {
        let prior = Value::object([(
            "x",
            Value::List(vec![Value::string("b"), Value::string("a")]),
        )]);
        let new = Value::object([(
            "x",
            Value::List(vec![Value::string("a"), Value::string("b")]),
        )]);
        assert_eq!(reconcile(&prior, new), prior);
    }

    #[test]
    fn propagate_tags_and_telemetry_round_trip() {
        let p = PropagateTagsModel {
            mode: Some("Explicit".into()),
            explicit_tags: Some([("team".to_string(), "web".to_string())].into()),
        };
        let t = TelemetryConfigModel {
            logging_config: Some(vec![LoggingConfigModel {
                system_log_level: Some("INFO".into()),
                log_group: None,
            }]),
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
        assert_eq!(m.propagate_tags, Maybe::Known(vec![]));
        assert_eq!(m.telemetry_config, Maybe::Known(vec![]));
    }

    #[test]
    fn unknown_prior_takes_new_values() {
        let new = Value::object([("arn", Value::string("arn"))]);
        assert_eq!(
            reconcile(&Value::object([("arn", Value::Unknown)]), new.clone()),
            new
        );
    }

    #[test]
    fn unknowns_become_null() {
        let v = Value::object([
            ("a", Value::Unknown),
            ("b", Value::List(vec![Value::Unknown])),
        ]);
        assert_eq!(
            unknowns_to_null(v),
            Value::object([("a", Value::Null), ("b", Value::List(vec![Value::Null]))])
        );
    }
}
