//! Typed view of `lambda_function_version` values (through tfplug's serde bridge).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tfplug::value::Maybe;

use crate::aws::timeouts::TimeoutsModel;

/// The whole resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionModel {
    /// `function_name`.
    pub function_name: Maybe<String>,
    /// `region`.
    pub region: Maybe<String>,
    /// `description`.
    pub description: Maybe<String>,
    /// `publish_to`.
    pub publish_to: Maybe<String>,
    /// `code_sha256`.
    pub code_sha256: Maybe<String>,
    /// `revision_id`.
    pub revision_id: Maybe<String>,
    /// `triggers`.
    pub triggers: Maybe<BTreeMap<String, String>>,
    /// `skip_destroy`.
    pub skip_destroy: Maybe<bool>,
    /// `running_executions_on_destroy`.
    pub running_executions_on_destroy: Maybe<String>,
    /// `version`.
    pub version: Maybe<String>,
    /// `arn`.
    pub arn: Maybe<String>,
    /// `function_arn`.
    pub function_arn: Maybe<String>,
    /// `state`.
    pub state: Maybe<String>,
    /// `last_modified`.
    pub last_modified: Maybe<String>,
    /// `capacity_provider_arn`.
    pub capacity_provider_arn: Maybe<String>,
    /// `applied_min_execution_environments`.
    pub applied_min_execution_environments: Maybe<i64>,
    /// `applied_max_execution_environments`.
    pub applied_max_execution_environments: Maybe<i64>,
    /// `function_scaling_config` block.
    pub function_scaling_config: Vec<ScalingModel>,
    /// `timeouts` block.
    pub timeouts: Maybe<TimeoutsModel>,
}

/// `function_scaling_config`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScalingModel {
    /// `min_execution_environments`.
    pub min_execution_environments: Option<i64>,
    /// `max_execution_environments`.
    pub max_execution_environments: Option<i64>,
}

impl VersionModel {
    /// The function name or ARN, or an empty string.
    pub fn function(&self) -> &str {
        self.function_name
            .known()
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// What the provider keeps in the resource's private state (JSON; empty when it keeps
/// nothing). Terraform stores it with the state and hands it back on every call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivateModel {
    /// The state came from an import (set by the read that adopts it, cleared by the first
    /// update): arguments that only say how a version was published (`publish_to`, the
    /// `revision_id` guard) are then recorded in place, as `triggers` are.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub imported: bool,
    /// The `function_name` the resource identity keeps when the configuration switched
    /// between the function's name and its ARN in place (the identity may not change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_function_name: Option<String>,
}

impl PrivateModel {
    /// The private state in `bytes`; nothing kept for empty or unreadable bytes.
    pub fn decode(bytes: &[u8]) -> Self {
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    /// The bytes to store: empty when nothing is kept.
    pub fn encode(&self) -> Vec<u8> {
        if *self == Self::default() {
            return Vec::new();
        }
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_state_round_trips_and_is_empty_when_it_keeps_nothing() {
        assert!(PrivateModel::default().encode().is_empty());
        assert_eq!(PrivateModel::decode(b""), PrivateModel::default());
        assert_eq!(
            PrivateModel::decode(b"\x00garbage"),
            PrivateModel::default()
        );
        let kept = PrivateModel {
            imported: true,
            identity_function_name: Some("orders".into()),
        };
        assert_eq!(PrivateModel::decode(&kept.encode()), kept);
    }
}
