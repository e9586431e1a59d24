//! Version calls: scaling (put, read, wait until applied) and delete of one version.
//! Publishing, reading a version and waiting for `Active` are in
//! [`crate::resources::common::functions`].

use std::time::Duration;

use aws_sdk_lambda::types::FunctionScalingConfig;

use super::interrupted_publish::{Listed, last_modified_unix};
use super::model::ScalingModel;
use crate::aws::{AwsClients, Budget, Error, Status, WaitOptions, wait_for};
use crate::resources::common::functions::published_versions;

/// The requested and applied scaling of a version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scaling {
    /// What was asked for and is not applied yet.
    pub requested: Option<ScalingModel>,
    /// What AWS applies.
    pub applied: Option<ScalingModel>,
}

fn model_of(c: &FunctionScalingConfig) -> ScalingModel {
    ScalingModel {
        min_execution_environments: c.min_execution_environments().map(i64::from),
        max_execution_environments: c.max_execution_environments().map(i64::from),
    }
}

/// GetFunctionScalingConfig of `function` at `version`.
pub async fn get_scaling(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    version: &str,
) -> Result<Scaling, Error> {
    let req = clients
        .lambda
        .get_function_scaling_config()
        .function_name(function)
        .qualifier(version);
    let out = clients
        .send(budget, "GetFunctionScalingConfig", || req.clone().send())
        .await?;
    Ok(Scaling {
        requested: out.requested_function_scaling_config().map(model_of),
        applied: out.applied_function_scaling_config().map(model_of),
    })
}

/// PutFunctionScalingConfig of `function` at `version`.
pub async fn put_scaling(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    version: &str,
    scaling: &ScalingModel,
) -> Result<(), Error> {
    let config = FunctionScalingConfig::builder()
        .set_min_execution_environments(scaling.min_execution_environments.map(|v| v as i32))
        .set_max_execution_environments(scaling.max_execution_environments.map(|v| v as i32))
        .build();
    let req = clients
        .lambda
        .put_function_scaling_config()
        .function_name(function)
        .qualifier(version)
        .function_scaling_config(config);
    clients
        .send(budget, "PutFunctionScalingConfig", || req.clone().send())
        .await
        .map(|_| ())
}

/// Whether AWS has applied `wanted`: nothing requested any more, and the applied
/// values equal the wanted ones (unset wanted values take whatever AWS applies). An
/// empty `wanted` (AWS's defaults) is applied once nothing is requested, whatever AWS
/// then reports as applied.
pub fn settled(scaling: &Scaling, wanted: &ScalingModel) -> bool {
    if *wanted == ScalingModel::default() {
        return scaling.requested.is_none();
    }
    let Some(applied) = &scaling.applied else {
        return false;
    };
    let same = |want: Option<i64>, got: Option<i64>| want.is_none() || want == got;
    scaling.requested.is_none()
        && same(
            wanted.min_execution_environments,
            applied.min_execution_environments,
        )
        && same(
            wanted.max_execution_environments,
            applied.max_execution_environments,
        )
}

/// Waits until AWS has applied `wanted` ([`settled`]); returns what it applies.
pub async fn wait_scaling_applied(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    version: &str,
    wanted: &ScalingModel,
) -> Result<Scaling, Error> {
    let what = format!("the scaling of {function:?} version {version} to be applied");
    wait_for(&what, &WaitOptions::default(), budget, || async move {
        let scaling = get_scaling(clients, budget, function, version).await?;
        Ok(if settled(&scaling, wanted) {
            Status::Ready(scaling)
        } else {
            Status::Pending(match &scaling.requested {
                Some(r) => format!("requested {r:?}"),
                None => "not applied yet".into(),
            })
        })
    })
    .await
}

/// DeleteFunction of one version. `Ok(false)` when it was already gone.
pub async fn delete(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    version: &str,
) -> Result<bool, Error> {
    let req = clients
        .lambda
        .delete_function()
        .function_name(function)
        .qualifier(version);
    match clients
        .send(budget, "DeleteFunction", || req.clone().send())
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Waits until the version is gone (on managed instances AWS deletes asynchronously, and
/// drains durable executions first).
pub async fn wait_deleted(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    version: &str,
) -> Result<(), Error> {
    let qualified = format!("{function}:{version}");
    let what = format!("version {version} of {function:?} to be deleted");
    let opts = WaitOptions {
        first_delay: Duration::from_millis(100),
        ..WaitOptions::default()
    };
    wait_for(&what, &opts, budget, || {
        let qualified = qualified.clone();
        async move {
            Ok(
                match crate::resources::common::functions::get(clients, budget, &qualified).await? {
                    None => Status::Ready(()),
                    Some(out) => Status::Pending(
                        out.configuration()
                            .and_then(|c| c.state())
                            .map(|s| s.as_str().to_string())
                            .unwrap_or_default(),
                    ),
                },
            )
        }
    })
    .await
}

/// The published versions of `function` with when AWS last modified each.
pub async fn listed_versions(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
) -> Result<Vec<Listed>, Error> {
    Ok(published_versions(clients, budget, function)
        .await?
        .iter()
        .filter_map(|v| {
            Some(Listed {
                version: v.version()?.to_string(),
                modified_unix: v.last_modified().and_then(last_modified_unix),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scaling(min: Option<i64>, max: Option<i64>) -> ScalingModel {
        ScalingModel {
            min_execution_environments: min,
            max_execution_environments: max,
        }
    }

    #[test]
    fn settled_needs_nothing_requested_and_the_wanted_values_applied() {
        let wanted = scaling(Some(3), Some(9));
        let applied = Scaling {
            requested: None,
            applied: Some(scaling(Some(3), Some(9))),
        };
        assert!(settled(&applied, &wanted));
        let pending = Scaling {
            requested: Some(scaling(Some(3), Some(9))),
            applied: Some(scaling(Some(3), Some(6))),
        };
        assert!(!settled(&pending, &wanted));
        let old = Scaling {
            requested: None,
            applied: Some(scaling(Some(3), Some(6))),
        };
        assert!(!settled(&old, &wanted));
        assert!(settled(&old, &scaling(Some(3), None)));
        assert!(!settled(&Scaling::default(), &wanted));
    }

    #[test]
    fn aws_defaults_are_settled_once_nothing_is_requested() {
        let defaults = ScalingModel::default();
        let pending = Scaling {
            requested: Some(defaults.clone()),
            applied: Some(scaling(Some(3), Some(9))),
        };
        assert!(!settled(&pending, &defaults));
        let done = Scaling {
            requested: None,
            applied: Some(defaults.clone()),
        };
        assert!(settled(&done, &defaults));
        // AWS may report no applied configuration at all for its defaults.
        assert!(settled(&Scaling::default(), &defaults));
    }
}
