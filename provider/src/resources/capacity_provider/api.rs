//! Capacity provider calls: finder, create, update and delete, and status waiters. (Tags
//! are in [`crate::aws::tagging`]; the function versions that use a capacity provider in
//! [`crate::resources::common::functions::on_capacity_provider`].)

use std::time::Duration;

use aws_sdk_lambda::types::{CapacityProvider, CapacityProviderState};
use tokio::time::Instant;

use super::expand_flatten::{
    expand_instance_requirements, expand_permissions, expand_propagate_tags, expand_scaling,
    expand_telemetry, expand_vpc,
};
use super::model::CapacityProviderModel;
use crate::aws::{AwsClients, AwsError, Budget, Error, ErrorClass, Status, WaitOptions, wait_for};
use crate::resources::common::create_call::{Created, send_create};
use crate::resources::common::functions;
use crate::tags::Tags;

/// The capacity provider called `name` (a name or ARN), or `None` when it does not exist.
pub async fn get(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Option<CapacityProvider>, Error> {
    let req = clients
        .lambda
        .get_capacity_provider()
        .capacity_provider_name(name);
    let result = clients
        .send(budget, "GetCapacityProvider", || req.clone().send())
        .await;
    match result {
        Ok(out) => match out.capacity_provider {
            Some(cp) => Ok(Some(cp)),
            None => Err(Error::Unexpected(format!(
                "GetCapacityProvider returned no capacity provider for {name:?}"
            ))),
        },
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// How long a just-created capacity provider may be invisible to GetCapacityProvider
/// (eventual consistency) before that counts as an error.
const VISIBILITY_GRACE: Duration = Duration::from_secs(30);

/// Waits until the capacity provider is Active; fails fast when it goes Failed. (The
/// Lambda API gives no reason for a failed capacity provider, so the error has none.)
pub async fn wait_active(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<CapacityProvider, Error> {
    let started = Instant::now();
    let what = format!("capacity provider {name:?} to become Active");
    wait_for(&what, &WaitOptions::default(), budget, || async move {
        let Some(found) = get(clients, budget, name).await? else {
            if started.elapsed() < VISIBILITY_GRACE {
                return Ok(Status::Pending("not yet visible".into()));
            }
            return Err(Error::Unexpected(format!(
                "capacity provider {name:?} disappeared while waiting for it to become Active"
            )));
        };
        Ok(match found.state() {
            CapacityProviderState::Active => Status::Ready(found),
            CapacityProviderState::Failed | CapacityProviderState::Deleting => Status::Failed {
                state: found.state().as_str().to_string(),
                reason: None,
            },
            other => Status::Pending(other.as_str().to_string()),
        })
    })
    .await
}

/// Waits until the capacity provider is gone; fails when deletion fails.
pub async fn wait_deleted(clients: &AwsClients, budget: &Budget, name: &str) -> Result<(), Error> {
    let what = format!("capacity provider {name:?} to be deleted");
    wait_for(&what, &WaitOptions::default(), budget, || async move {
        Ok(match get(clients, budget, name).await? {
            None => Status::Ready(()),
            Some(cp) => match cp.state() {
                CapacityProviderState::Failed => Status::Failed {
                    state: "Failed".into(),
                    reason: None,
                },
                other => Status::Pending(other.as_str().to_string()),
            },
        })
    })
    .await
}

/// CreateCapacityProvider; returns the new ARN when AWS gave one. A retry that finds the
/// capacity provider already there after an attempt whose answer was lost counts as
/// success (see [`send_create`]).
pub async fn create(
    clients: &AwsClients,
    budget: &Budget,
    m: &CapacityProviderModel,
    tags_all: &Tags,
) -> Result<Created<Option<String>>, Error> {
    let missing = |what: &str| Error::Unexpected(format!("the configuration has no {what}"));
    let vpc = expand_vpc(m.vpc_config.first().ok_or_else(|| missing("vpc_config"))?)?;
    let perms = expand_permissions(
        m.permissions_config
            .first()
            .ok_or_else(|| missing("permissions_config"))?,
    )?;
    let req = clients
        .lambda
        .create_capacity_provider()
        .capacity_provider_name(m.name())
        .vpc_config(vpc)
        .permissions_config(perms)
        .set_instance_requirements(
            m.instance_requirements
                .first()
                .map(expand_instance_requirements),
        )
        .set_capacity_provider_scaling_config(
            m.capacity_provider_scaling_config
                .first()
                .map(expand_scaling)
                .transpose()?,
        )
        .set_kms_key_arn(m.kms_key_arn.known().cloned())
        .set_propagate_tags(m.propagate_tags.first().map(expand_propagate_tags))
        .set_telemetry_config(m.telemetry_config.first().map(expand_telemetry))
        .set_tags((!tags_all.is_empty()).then(|| tags_all.clone().into_iter().collect()));
    send_create(clients, budget, "CreateCapacityProvider", || {
        let req = req.clone();
        async move {
            req.send()
                .await
                .map(|out| out.capacity_provider.map(|cp| cp.capacity_provider_arn))
                .map_err(|e| AwsError::from_sdk("CreateCapacityProvider", e))
        }
    })
    .await
}

/// UpdateCapacityProvider with the in-place settings of the configuration.
pub async fn update(
    clients: &AwsClients,
    budget: &Budget,
    m: &CapacityProviderModel,
) -> Result<(), Error> {
    let req = clients
        .lambda
        .update_capacity_provider()
        .capacity_provider_name(m.name())
        .set_capacity_provider_scaling_config(
            m.capacity_provider_scaling_config
                .first()
                .map(expand_scaling)
                .transpose()?,
        )
        .set_propagate_tags(m.propagate_tags.first().map(expand_propagate_tags))
        .set_telemetry_config(m.telemetry_config.first().map(expand_telemetry));
    clients
        .send(budget, "UpdateCapacityProvider", || req.clone().send())
        .await
        .map(|_| ())
}

/// Why a delete did not happen.
#[derive(Debug)]
pub enum DeleteRefused {
    /// AWS refused because these function versions (ARN, state) use the capacity provider.
    InUse(Error, Vec<(String, String)>),
    /// Any other failure.
    Failed(Error),
}

/// DeleteCapacityProvider. `Ok(false)` when it was already gone. While function versions
/// still use the capacity provider AWS refuses: the error lists them. (When the only
/// versions left are being deleted, or none are listed yet, the delete is retried until
/// the timeout.)
pub async fn delete(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<bool, DeleteRefused> {
    let mut attempt = 0u32;
    loop {
        let req = clients
            .lambda
            .delete_capacity_provider()
            .capacity_provider_name(name);
        let err = match clients
            .send(budget, "DeleteCapacityProvider", || req.clone().send())
            .await
        {
            Ok(_) => return Ok(true),
            Err(e) if e.is_not_found() => return Ok(false),
            Err(e) => e,
        };
        let in_use = matches!(&err, Error::Aws(a) if a.has_code("ResourceConflictException") && a.class == ErrorClass::Permanent);
        if !in_use {
            return Err(DeleteRefused::Failed(err));
        }
        let versions = functions::on_capacity_provider(clients, budget, name)
            .await
            .map_err(DeleteRefused::Failed)?;
        let blocking: Vec<(String, String)> = versions
            .into_iter()
            .filter(|(_, state)| state != "Deleting")
            .collect();
        if !blocking.is_empty() {
            return Err(DeleteRefused::InUse(err, blocking));
        }
        let delay = clients.retry.backoff(attempt.min(6));
        if budget.remaining() <= delay {
            return Err(DeleteRefused::Failed(err));
        }
        tracing::info!(
            name,
            "capacity provider still referenced by versions being deleted; retrying"
        );
        budget
            .sleep(delay, "DeleteCapacityProvider")
            .await
            .map_err(DeleteRefused::Failed)?;
        attempt += 1;
    }
}
