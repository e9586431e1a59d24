//! Calls on a function or one of its versions that more than one resource makes:
//! reading (`GetFunction`), listing its published versions or the versions on a capacity
//! provider, waiting until it is ready or a version is `Active`, and publishing a version
//! with AWS's guards.

use std::time::Duration;

use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::operation::publish_version::PublishVersionOutput;
use aws_sdk_lambda::types::{
    FunctionConfiguration, FunctionVersionLatestPublished, LastUpdateStatus, State,
};
use tokio::time::Instant;

use crate::aws::{AwsClients, Budget, Error, Status, WaitOptions, wait_for};

/// The function called `name` (a name or ARN), or `None` when it does not exist.
pub async fn get(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Option<GetFunctionOutput>, Error> {
    let req = clients.lambda.get_function().function_name(name);
    match clients
        .send(budget, "GetFunction", || req.clone().send())
        .await
    {
        Ok(out) if out.configuration().is_some() => Ok(Some(out)),
        Ok(_) => Err(Error::Unexpected(format!(
            "GetFunction returned no configuration for {name:?}"
        ))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// What to publish, and the guards AWS checks first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublishRequest<'a> {
    /// Function name or ARN.
    pub function: &'a str,
    /// Publish only if `$LATEST`'s code has this hash.
    pub code_sha256: Option<&'a str>,
    /// Publish only if `$LATEST` is at this revision.
    pub revision_id: Option<&'a str>,
    /// The version's description.
    pub description: Option<&'a str>,
    /// `LATEST_PUBLISHED`.
    pub publish_to: Option<&'a str>,
}

/// PublishVersion. AWS returns the latest version instead of a new one when nothing
/// changed since it was published, so a retry after a lost answer publishes nothing more.
pub async fn publish(
    clients: &AwsClients,
    budget: &Budget,
    req: &PublishRequest<'_>,
) -> Result<PublishVersionOutput, Error> {
    let call = clients
        .lambda
        .publish_version()
        .function_name(req.function)
        .set_code_sha256(req.code_sha256.map(str::to_string))
        .set_revision_id(req.revision_id.map(str::to_string))
        .set_description(req.description.map(str::to_string))
        .set_publish_to(req.publish_to.map(FunctionVersionLatestPublished::from));
    let out = clients
        .send(budget, "PublishVersion", || call.clone().send())
        .await
        .map_err(|e| match e {
            // The first attempt's answer was lost and AWS may have published then:
            // publishing changes `$LATEST`'s revision, so the retry's guard no longer held.
            Error::Aws(mut aws)
                if aws.was_retried() && aws.has_code("PreconditionFailedException") =>
            {
                aws.message.push_str(RETRY_AFTER_LOST_ANSWER);
                Error::Aws(aws)
            }
            other => other,
        })?;
    if out.version().is_none() {
        return Err(Error::Unexpected(
            "PublishVersion returned no version".into(),
        ));
    }
    Ok(out)
}

/// The published versions of function `name` (ListVersionsByFunction, every page;
/// `$LATEST` left out), in AWS's order.
pub async fn published_versions(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Vec<FunctionConfiguration>, Error> {
    let mut versions = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let call = clients
            .lambda
            .list_versions_by_function()
            .function_name(name)
            .set_marker(marker.clone());
        let page = clients
            .send(budget, "ListVersionsByFunction", || call.clone().send())
            .await?;
        versions.extend(
            page.versions()
                .iter()
                .filter(|v| v.version().is_some_and(|n| n != LATEST))
                .cloned(),
        );
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(versions),
        }
    }
}

/// A function version on a capacity provider: its ARN and its state.
pub type VersionOnCapacityProvider = (String, String);

/// The function versions on capacity provider `name`
/// (ListFunctionVersionsByCapacityProvider): the version resource counts them against
/// AWS's limit per capacity provider, and the capacity provider names them when they keep
/// it from being deleted or replaced.
pub async fn on_capacity_provider(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<Vec<VersionOnCapacityProvider>, Error> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let req = clients
            .lambda
            .list_function_versions_by_capacity_provider()
            .capacity_provider_name(name)
            .set_marker(marker.clone());
        let page = clients
            .send(budget, "ListFunctionVersionsByCapacityProvider", || {
                req.clone().send()
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

/// The qualifier of a function's unpublished code and configuration.
pub const LATEST: &str = "$LATEST";

/// Appended to AWS's refusal of a retried PublishVersion whose first attempt's answer
/// was lost.
pub const RETRY_AFTER_LOST_ANSWER: &str =
    " (on a retry: the answer to the first attempt was lost, and AWS may have published then)";

/// How long a just-created function may be invisible to GetFunction (eventual
/// consistency) before that counts as an error.
const VISIBILITY_GRACE: Duration = Duration::from_secs(30);

/// Why AWS put a function or version in its state, as `CODE: reason` (either part may be
/// missing); `None` when AWS gave neither.
pub fn state_reason(c: &aws_sdk_lambda::types::FunctionConfiguration) -> Option<String> {
    code_and_reason(c.state_reason_code().map(|r| r.as_str()), c.state_reason())
}

/// `CODE: reason`, or whichever of the two AWS gave.
fn code_and_reason(code: Option<&str>, text: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [code, text].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(": "))
}

/// `State` and `LastUpdateStatus` say the function is ready for the next call: `Active`
/// (or `ActiveNonInvocable`, which `$LATEST` of a function on a capacity provider stays
/// until a version is published) and no update in progress.
fn readiness(out: &GetFunctionOutput) -> Status<GetFunctionOutput> {
    let Some(c) = out.configuration() else {
        return Status::Pending("no configuration yet".into());
    };
    match c.state() {
        Some(State::Failed) => {
            return Status::Failed {
                state: "Failed".into(),
                reason: state_reason(c),
            };
        }
        Some(State::Active | State::ActiveNonInvocable) => {}
        Some(State::Deleting) => {
            return Status::Failed {
                state: "Deleting".into(),
                reason: c.state_reason().map(str::to_string),
            };
        }
        other => {
            return Status::Pending(other.map(|s| s.as_str().to_string()).unwrap_or_default());
        }
    }
    match c.last_update_status() {
        Some(LastUpdateStatus::Failed) => Status::Failed {
            state: "LastUpdateStatus Failed".into(),
            reason: code_and_reason(
                c.last_update_status_reason_code().map(|r| r.as_str()),
                c.last_update_status_reason(),
            ),
        },
        Some(LastUpdateStatus::InProgress) => Status::Pending("update InProgress".into()),
        _ => Status::Ready(out.clone()),
    }
}

/// Waits until the function is ready (see [`readiness`]); fails fast, with AWS's reason
/// code and message, when it fails.
pub async fn wait_ready(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<GetFunctionOutput, Error> {
    let started = Instant::now();
    let what = format!("function {name:?} to become ready");
    wait_for(&what, &WaitOptions::default(), budget, || async move {
        match get(clients, budget, name).await? {
            Some(out) => Ok(readiness(&out)),
            None if started.elapsed() < VISIBILITY_GRACE => {
                Ok(Status::Pending("not yet visible".into()))
            }
            None => Err(Error::Unexpected(format!(
                "function {name:?} disappeared while waiting for it to become ready"
            ))),
        }
    })
    .await
}

/// Waits until the version is `Active` (on managed instances: its execution environments
/// run).
pub async fn wait_version_active(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
    version: &str,
) -> Result<(), Error> {
    let qualified = format!("{name}:{version}");
    let what = format!("version {version} of function {name:?} to become Active");
    wait_for(&what, &WaitOptions::default(), budget, || {
        let qualified = qualified.clone();
        async move {
            Ok(match get(clients, budget, &qualified).await? {
                Some(out) => match readiness(&out) {
                    Status::Ready(_) => Status::Ready(()),
                    Status::Pending(s) => Status::Pending(s),
                    Status::Failed { state, reason } => Status::Failed { state, reason },
                },
                None => Status::Pending("not yet visible".into()),
            })
        }
    })
    .await
}
