//! Capacity provider calls shared by the resource and the data source: finder, status
//! waiters and the function versions that use a capacity provider. (Tags are in
//! [`crate::aws::tagging`].)

use std::time::Duration;

use aws_sdk_lambda::types::{CapacityProvider, CapacityProviderState};
use tokio::time::Instant;

use crate::aws::{AwsClients, AwsError, Budget, Error, Status, WaitOptions, wait_for};

/// The capacity provider called `name` (a name or ARN), or `None` when it does not exist.
pub async fn get(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Option<CapacityProvider>, Error> {
    let result = clients
        .call(budget, "GetCapacityProvider", || {
            let req = clients
                .lambda
                .get_capacity_provider()
                .capacity_provider_name(name);
            async move {
                req.send()
                    .await
                    .map_err(|e| AwsError::from_sdk("GetCapacityProvider", e))
            }
        })
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

/// The function versions that use the capacity provider: (function ARN, state).
pub async fn function_versions(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = clients
            .call(budget, "ListFunctionVersionsByCapacityProvider", || {
                let req = clients
                    .lambda
                    .list_function_versions_by_capacity_provider()
                    .capacity_provider_name(name)
                    .set_marker(marker.clone());
                async move {
                    req.send().await.map_err(|e| {
                        AwsError::from_sdk("ListFunctionVersionsByCapacityProvider", e)
                    })
                }
            })
            .await?;
        out.extend(
            page.function_versions
                .iter()
                .map(|v| (v.function_arn().to_string(), v.state().as_str().to_string())),
        );
        match page.next_marker {
            Some(m) if !m.is_empty() && out.len() < 10_000 => marker = Some(m),
            _ => break,
        }
    }
    Ok(out)
}

/// The region in a capacity provider ARN (`None` for a plain name).
pub fn region_from_id(id: &str) -> Option<&str> {
    if !id.starts_with("arn:") {
        return None;
    }
    id.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The name in a capacity provider ARN, or the input itself when it is a name.
pub fn name_from_id(id: &str) -> &str {
    id.rsplit_once(":capacity-provider:")
        .map(|(_, n)| n)
        .unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_ids() {
        assert_eq!(
            name_from_id("arn:aws:lambda:us-east-1:123456789012:capacity-provider:web"),
            "web"
        );
        assert_eq!(name_from_id("web"), "web");
        assert_eq!(
            region_from_id("arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web"),
            Some("eu-west-1")
        );
        assert_eq!(region_from_id("web"), None);
    }
}
