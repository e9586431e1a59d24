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
