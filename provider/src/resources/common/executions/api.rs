//! The durable-execution calls: listing (paginated, bounded), stopping (a few at a
//! time, through the provider's retries) and waiting until none is active, and
//! [`clear_for_destroy`], which applies a resource's `running_executions_on_destroy`.
//!
//! Every call runs inside the caller's [`Budget`] (for a destroy, its delete timeout)
//! and ends when Terraform asks the provider to stop. The loop that stops and waits is
//! written against a small trait so its unit tests can play executions that stay
//! RUNNING after a stop, or resume after a pause, which no emulator does on cue.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use aws_sdk_lambda::primitives::DateTime;
use aws_sdk_lambda::types::{ErrorObject, Execution, ExecutionStatus};
use futures::stream::{self, StreamExt, TryStreamExt};
use tfplug::diag::Diagnostic;

use super::policy::{self, OnDestroy, RUNNING_EXECUTIONS_ON_DESTROY, Unfinished};
use super::{ACTIVE_STATUSES, DurableExecution, is_active};
use crate::aws::model::lambda;
use crate::aws::{AwsClients, AwsError, Budget, Error, ErrorClass, Status, WaitOptions, wait_for};

/// Most executions one listing returns; a listing that finds more says so
/// ([`Listing::truncated`]).
pub const MAX_LISTED: usize = 10_000;

/// How many StopDurableExecution calls run at once: enough to stop dozens quickly,
/// few enough not to provoke throttling (which is retried anyway).
pub const STOP_CONCURRENCY: usize = 4;

/// How often the executions are listed while waiting: soon after a stop (the emulator
/// and short invocations end at once), then less often, since executions can run for
/// hours and each poll is a ListDurableExecutionsByFunction call.
pub const POLL: WaitOptions = WaitOptions {
    first_delay: Duration::from_secs(1),
    min_interval: Duration::from_secs(1),
    overshoot: 0.1,
    max_delay: Duration::from_secs(15),
};

/// The `ErrorType` of the error object a stop records on the execution.
pub const STOP_ERROR_TYPE: &str = "TerraformDestroy";

/// Which executions to list (ListDurableExecutionsByFunction's filters).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecutionFilter {
    /// Only those of this version or alias (`$LATEST`, `3`, `live`); all versions when
    /// `None`.
    pub qualifier: Option<String>,
    /// Only those in these statuses; any status when empty.
    pub statuses: Vec<String>,
    /// Only those with this name.
    pub name: Option<String>,
    /// Only those started after this time.
    pub started_after: Option<DateTime>,
    /// Only those started before this time.
    pub started_before: Option<DateTime>,
}

impl ExecutionFilter {
    /// The active executions ([`ACTIVE_STATUSES`]) of `qualifier` (all versions when
    /// `None`).
    pub fn active(qualifier: Option<&str>) -> Self {
        Self {
            qualifier: qualifier.map(str::to_string),
            statuses: ACTIVE_STATUSES.iter().map(|s| s.to_string()).collect(),
            ..Self::default()
        }
    }
}

/// The executions a listing found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listing {
    /// In the order AWS returned them.
    pub executions: Vec<DurableExecution>,
    /// True when there were more than the listing's maximum.
    pub truncated: bool,
}

/// ListDurableExecutionsByFunction's page size: the most the model allows.
fn page_size() -> usize {
    lambda::ListDurableExecutionsByFunctionRequest::MaxItems
        .shape
        .max
        .map_or(100, |max| max as usize)
        .max(1)
}

fn from_sdk(e: &Execution) -> DurableExecution {
    DurableExecution {
        arn: e.durable_execution_arn().to_string(),
        name: e.durable_execution_name().to_string(),
        function_arn: e.function_arn().to_string(),
        status: e.status().as_str().to_string(),
        started: *e.start_timestamp(),
        ended: e.end_timestamp().copied(),
    }
}

/// The executions of `function` (a name or ARN, possibly qualified) that match
/// `filter`, at most `max` of them, following ListDurableExecutionsByFunction's
/// `NextMarker` page by page. A function that does not exist is an error
/// ([`Error::is_not_found`]).
pub async fn list(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    filter: &ExecutionFilter,
    max: usize,
) -> Result<Listing, Error> {
    let statuses: Vec<ExecutionStatus> = filter
        .statuses
        .iter()
        .map(|s| ExecutionStatus::from(s.as_str()))
        .collect();
    let base = clients
        .lambda
        .list_durable_executions_by_function()
        .function_name(function)
        .set_qualifier(filter.qualifier.clone())
        .set_statuses((!statuses.is_empty()).then_some(statuses))
        .set_durable_execution_name(filter.name.clone())
        .set_started_after(filter.started_after)
        .set_started_before(filter.started_before);
    let mut listing = Listing::default();
    let mut marker: Option<String> = None;
    let mut markers_seen = BTreeSet::new();
    let mut pages = 0u32;
    while listing.executions.len() < max {
        let wanted = page_size().min(max - listing.executions.len());
        let req = base
            .clone()
            .set_marker(marker.clone())
            .max_items(i32::try_from(wanted).unwrap_or(i32::MAX));
        let page = clients
            .send(budget, "ListDurableExecutionsByFunction", || {
                req.clone().send()
            })
            .await?;
        pages += 1;
        listing
            .executions
            .extend(page.durable_executions().iter().map(from_sdk));
        let Some(next) = page.next_marker().filter(|m| !m.is_empty()) else {
            listing.executions.truncate(max);
            tracing::debug!(
                function,
                pages,
                found = listing.executions.len(),
                "listed durable executions"
            );
            return Ok(listing);
        };
        if !markers_seen.insert(next.to_string()) {
            return Err(Error::Unexpected(format!(
                "ListDurableExecutionsByFunction returned the same NextMarker twice for \
                 {function:?}; stopped listing after {pages} pages"
            )));
        }
        marker = Some(next.to_string());
    }
    listing.truncated = true;
    listing.executions.truncate(max);
    tracing::warn!(function, max, "more durable executions than listed");
    Ok(listing)
}

/// The active executions (RUNNING, PAUSING, PAUSED) of `function`, of the version or
/// alias `qualifier` (all versions when `None`); none when the function does not exist.
/// At most [`MAX_LISTED`].
pub async fn active(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Vec<DurableExecution>, Error> {
    match list(
        clients,
        budget,
        function,
        &ExecutionFilter::active(qualifier),
        MAX_LISTED,
    )
    .await
    {
        Ok(listing) => Ok(listing
            .executions
            .into_iter()
            .filter(DurableExecution::is_active)
            .collect()),
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The plan-time warning when a plan destroys or replaces the object whose executions
/// these are (`function`, at `qualifier`) while some are active, under the policy stored
/// in `prior` and within `delete_timeout` ([`policy::plan_warning`]); `Ok(None)` when none
/// is active.
pub async fn plan_warning_for(
    clients: &AwsClients,
    stop: tokio_util::sync::CancellationToken,
    target: (&str, Option<&str>),
    label: &str,
    prior: &tfplug::value::Value,
    change: policy::PlannedChange,
    delete_timeout: Duration,
) -> Result<Option<Diagnostic>, Error> {
    let (function, qualifier) = target;
    let budget = Budget::new(crate::resources::common::READ_TIMEOUT, stop);
    let found = active(clients, &budget, function, qualifier).await?;
    let policy = OnDestroy::of(prior).unwrap_or_default();
    Ok(policy::plan_warning(
        label,
        policy,
        &found,
        change,
        delete_timeout,
    ))
}

/// What became of one StopDurableExecution.
#[derive(Clone, Debug, PartialEq)]
pub enum StopOutcome {
    /// AWS accepted the stop (the status may stay RUNNING until the invocation in
    /// progress reaches its next checkpoint).
    Requested,
    /// The execution no longer exists or is no longer active: nothing to stop.
    AlreadyEnded,
    /// AWS refused to stop it and it is still active (e.g. it is PAUSING): worth trying
    /// again once its status changes.
    Refused(AwsError),
}

/// One execution a stop was sent for, and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct StopResult {
    /// The execution, as listed before the stop.
    pub execution: DurableExecution,
    /// What AWS said.
    pub outcome: StopOutcome,
}

/// The status of one execution (GetDurableExecution, without its payloads); `None`
/// when it does not exist.
pub async fn status_of(
    clients: &AwsClients,
    budget: &Budget,
    arn: &str,
) -> Result<Option<String>, Error> {
    let req = clients
        .lambda
        .get_durable_execution()
        .durable_execution_arn(arn)
        .include_execution_data(false);
    match clients
        .send(budget, "GetDurableExecution", || req.clone().send())
        .await
    {
        Ok(out) => Ok(Some(out.status().as_str().to_string())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// AWS error codes with which a stop can be refused because of the execution's state
/// (rather than permissions or keys).
const STATE_REFUSALS: &[&str] = &[
    "InvalidParameterValueException",
    "ResourceConflictException",
    "ValidationException",
];

async fn stop_one(
    clients: &AwsClients,
    budget: &Budget,
    execution: &DurableExecution,
    reason: &ErrorObject,
) -> Result<StopOutcome, Error> {
    let req = clients
        .lambda
        .stop_durable_execution()
        .durable_execution_arn(&execution.arn)
        .error(reason.clone());
    let err = match clients
        .send(budget, "StopDurableExecution", || req.clone().send())
        .await
    {
        Ok(_) => {
            tracing::debug!(arn = %execution.arn, status = %execution.status, "stop requested");
            return Ok(StopOutcome::Requested);
        }
        Err(e) if e.is_not_found() => return Ok(StopOutcome::AlreadyEnded),
        Err(Error::Aws(e)) if e.class == ErrorClass::Permanent => e,
        Err(e) => return Err(e),
    };
    // Refused: an execution that ended meanwhile is done; one still active was refused
    // because of its state, or for a reason a retry will not fix (permissions, keys).
    match status_of(clients, budget, &execution.arn).await? {
        None => Ok(StopOutcome::AlreadyEnded),
        Some(status) if !is_active(&status) => {
            tracing::debug!(arn = %execution.arn, %status, "ended before its stop");
            Ok(StopOutcome::AlreadyEnded)
        }
        Some(status) => {
            if STATE_REFUSALS.iter().any(|c| err.has_code(c)) {
                tracing::info!(arn = %execution.arn, %status, error = %err, "stop refused; will retry");
                Ok(StopOutcome::Refused(err))
            } else {
                Err(Error::Aws(err))
            }
        }
    }
}

/// Sends StopDurableExecution for each execution, [`STOP_CONCURRENCY`] at a time,
/// through the provider's retries (throttling waits as AWS asks). `reason` is recorded
/// on each execution as its error message. Executions that are gone or already ended
/// count as done ([`StopOutcome::AlreadyEnded`]); a refusal of an execution that is
/// still active is [`StopOutcome::Refused`]; other errors end the batch.
pub async fn stop_all(
    clients: &AwsClients,
    budget: &Budget,
    executions: &[DurableExecution],
    reason: &str,
) -> Result<Vec<StopResult>, Error> {
    let error = ErrorObject::builder()
        .error_type(STOP_ERROR_TYPE)
        .error_message(reason)
        .build();
    let error = &error;
    // Owned items: a closure over borrowed ones is not general enough for a Send future.
    stream::iter(executions.to_vec())
        .map(|execution| async move {
            stop_one(clients, budget, &execution, error)
                .await
                .map(|outcome| StopResult { execution, outcome })
        })
        .buffer_unordered(STOP_CONCURRENCY)
        .try_collect()
        .await
}

/// Waits, within `budget`, until `function` (of version or alias `qualifier`, all
/// versions when `None`) has no active execution, logging how many are left by status.
/// Times out with the last counts in the error.
pub async fn wait_until_none_active(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    qualifier: Option<&str>,
) -> Result<(), Error> {
    let live = Live {
        clients,
        budget,
        function,
        qualifier,
        reason: String::new(),
    };
    settle(
        &live,
        budget,
        &POLL,
        &scope(function, qualifier),
        false,
        Vec::new(),
    )
    .await
    .map(|_| ())
    .map_err(|u| u.cause)
}

/// Applies `policy` before `function` (or its version or alias `qualifier`) is
/// deleted: returns once no execution is active, or the error to report, having
/// deleted nothing. `label` names the resource in messages, e.g.
/// `lambda_durable_function "orders"`; `budget` is the delete timeout.
///
/// - [`OnDestroy::Fail`]: refuses when any is active ([`policy::destroy_refusal`]).
/// - [`OnDestroy::Wait`]: waits until none is active.
/// - [`OnDestroy::Stop`]: stops every active one, then waits until none is active;
///   while waiting, stops again those that a stop did not end (refused while PAUSING,
///   or RUNNING again after being stopped while PAUSED).
///
/// Returns the warning that names what it stopped or waited for, if anything was
/// active: the plan may not have shown it (`-replace`, or a saved plan applied after
/// executions started), and a stop cannot be undone.
pub async fn clear_for_destroy(
    clients: &AwsClients,
    budget: &Budget,
    function: &str,
    qualifier: Option<&str>,
    policy: OnDestroy,
    label: &str,
) -> Result<Option<Diagnostic>, Diagnostic> {
    let live = Live {
        clients,
        budget,
        function,
        qualifier,
        reason: format!(
            "Stopped by Terraform: {label} is being destroyed with \
             {RUNNING_EXECUTIONS_ON_DESTROY} = \"stop\"."
        ),
    };
    clear(
        &live,
        budget,
        &POLL,
        policy,
        label,
        &scope(function, qualifier),
    )
    .await
}

/// `durable executions of "orders"`, `durable executions of "orders:3"`.
fn scope(function: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) => format!("durable executions of {function:?} version {q:?}"),
        None => format!("durable executions of {function:?}"),
    }
}

/// What the destroy loop needs from Lambda: the live API, or a fake in the unit tests.
trait Executions: Sync {
    /// The active executions.
    fn active(&self) -> impl Future<Output = Result<Vec<DurableExecution>, Error>> + Send;
    /// Stops these executions.
    fn stop(
        &self,
        executions: &[DurableExecution],
    ) -> impl Future<Output = Result<Vec<StopResult>, Error>> + Send;
}

/// The executions of one function (or version) through the AWS clients.
struct Live<'a> {
    clients: &'a AwsClients,
    budget: &'a Budget,
    function: &'a str,
    qualifier: Option<&'a str>,
    /// The message recorded on stopped executions.
    reason: String,
}

impl Executions for Live<'_> {
    async fn active(&self) -> Result<Vec<DurableExecution>, Error> {
        active(self.clients, self.budget, self.function, self.qualifier).await
    }

    async fn stop(&self, executions: &[DurableExecution]) -> Result<Vec<StopResult>, Error> {
        stop_all(self.clients, self.budget, executions, &self.reason).await
    }
}

async fn clear<E: Executions>(
    api: &E,
    budget: &Budget,
    opts: &WaitOptions,
    policy: OnDestroy,
    label: &str,
    scope: &str,
) -> Result<Option<Diagnostic>, Diagnostic> {
    let found = api.active().await.map_err(|e| {
        let mut d = e.to_diagnostic(label, "destroying");
        d.detail.push_str(&format!(
            "\n\nThe {scope} could not be listed, so nothing was deleted: \
             {RUNNING_EXECUTIONS_ON_DESTROY} needs to know whether any is active."
        ));
        d
    })?;
    if found.is_empty() {
        return Ok(None);
    }
    if let Some(refusal) = policy::destroy_refusal(label, policy, &found) {
        tracing::info!(
            scope,
            active = found.len(),
            "destroy refused: durable executions are active"
        );
        return Err(refusal);
    }
    tracing::info!(
        scope,
        active = found.len(),
        by_status = %policy::count_by_status(&found),
        policy = %policy,
        "durable executions are active; clearing them before the destroy"
    );
    let counts = policy::count_by_status(&found);
    settle(api, budget, opts, scope, policy == OnDestroy::Stop, found)
        .await
        .map(|stopped| Some(policy::cleared(label, policy, &counts, &stopped)))
        .map_err(|u| {
            let notes = u.progress.notes();
            policy::unfinished(&Unfinished {
                label,
                policy,
                left: &u.progress.left,
                notes: &notes,
                stops_accepted: u.progress.accepted,
                cause: &u.cause,
            })
        })
}

/// What the stop loop knows about one execution.
#[derive(Clone, Debug, PartialEq)]
enum StopState {
    /// AWS accepted a stop while the execution had this status.
    Requested { status: String },
    /// AWS refused the last stop with this error.
    Refused { error: String },
}

/// What the loop saw so far.
#[derive(Debug, Default)]
struct Progress {
    /// The active executions of the last listing.
    left: Vec<DurableExecution>,
    /// Stops sent, by ARN.
    stops: BTreeMap<String, StopState>,
    /// Stops AWS accepted.
    accepted: usize,
}

impl Progress {
    /// Of `active`, those to stop (again): never stopped, refused last time, or in
    /// another status than when AWS accepted the stop (e.g. stopped while PAUSED,
    /// RUNNING again now). One accepted while RUNNING that is still RUNNING is left
    /// alone: its invocation ends at its next checkpoint.
    fn to_stop(&self, active: &[DurableExecution]) -> Vec<DurableExecution> {
        active
            .iter()
            .filter(|e| match self.stops.get(&e.arn) {
                None | Some(StopState::Refused { .. }) => true,
                Some(StopState::Requested { status }) => *status != e.status,
            })
            .cloned()
            .collect()
    }

    fn record(&mut self, results: Vec<StopResult>) {
        for r in results {
            let state = match r.outcome {
                StopOutcome::Requested => {
                    self.accepted += 1;
                    StopState::Requested {
                        status: r.execution.status,
                    }
                }
                StopOutcome::AlreadyEnded => continue,
                StopOutcome::Refused(e) => StopState::Refused {
                    error: e.to_string(),
                },
            };
            self.stops.insert(r.execution.arn, state);
        }
    }

    /// The executions AWS accepted a stop of, by ARN.
    fn stopped(&self) -> Vec<String> {
        self.stops
            .iter()
            .filter(|(_, s)| matches!(s, StopState::Requested { .. }))
            .map(|(arn, _)| arn.clone())
            .collect()
    }

    /// Notes on the executions left, by ARN, for the error.
    fn notes(&self) -> BTreeMap<String, String> {
        self.left
            .iter()
            .filter_map(|e| {
                let note = match self.stops.get(&e.arn)? {
                    StopState::Requested { status } if *status == e.status => {
                        "stop requested".to_string()
                    }
                    StopState::Requested { status } => {
                        format!("stop requested while {status}")
                    }
                    StopState::Refused { error } => format!("AWS refused to stop it: {error}"),
                };
                Some((e.arn.clone(), note))
            })
            .collect()
    }
}

/// Why [`settle`] ended without clearing.
struct Unsettled {
    cause: Error,
    progress: Progress,
}

fn lock(progress: &Mutex<Progress>) -> MutexGuard<'_, Progress> {
    progress
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn stop_round<E: Executions>(
    api: &E,
    progress: &Mutex<Progress>,
    batch: Vec<DurableExecution>,
) -> Result<(), Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let results = api.stop(&batch).await?;
    let mut p = lock(progress);
    p.record(results);
    tracing::info!(
        sent = batch.len(),
        accepted = p.accepted,
        "stopped durable executions"
    );
    Ok(())
}

/// Waits until no execution is active, stopping them first when `stop`; `first` is
/// the listing that found them (empty: none known yet).
async fn settle<E: Executions>(
    api: &E,
    budget: &Budget,
    opts: &WaitOptions,
    scope: &str,
    stop: bool,
    first: Vec<DurableExecution>,
) -> Result<Vec<String>, Unsettled> {
    let progress = Mutex::new(Progress {
        left: first,
        ..Progress::default()
    });
    let unsettled = |cause: Error, progress: Mutex<Progress>| Unsettled {
        cause,
        progress: progress.into_inner().unwrap_or_else(|p| p.into_inner()),
    };
    if stop {
        let batch = {
            let p = lock(&progress);
            p.to_stop(&p.left)
        };
        if let Err(e) = stop_round(api, &progress, batch).await {
            return Err(unsettled(e, progress));
        }
    }
    let what = format!("{scope} to end");
    let progress_ref = &progress;
    let result = wait_for(&what, opts, budget, move || async move {
        let active = api.active().await?;
        let batch = {
            let mut p = lock(progress_ref);
            p.left = active.clone();
            if stop { p.to_stop(&active) } else { Vec::new() }
        };
        if active.is_empty() {
            tracing::info!(scope, "no durable execution is active");
            return Ok(Status::Ready(()));
        }
        stop_round(api, progress_ref, batch).await?;
        let counts = policy::count_by_status(&active);
        tracing::info!(
            scope,
            active = active.len(),
            by_status = %counts,
            "waiting for durable executions to end"
        );
        Ok(Status::Pending(format!(
            "{} active: {counts}",
            active.len()
        )))
    })
    .await;
    match result {
        Ok(()) => Ok(lock(&progress).stopped()),
        Err(cause) => Err(unsettled(cause, progress)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::time::Instant;
    use tokio_util::sync::CancellationToken;

    const LABEL: &str = "lambda_durable_function \"orders\"";

    fn execution(name: &str, status: &str) -> DurableExecution {
        DurableExecution {
            arn: format!(
                "arn:aws:lambda:us-east-1:123456789012:function:orders:1/durable-execution/{name}/id"
            ),
            name: name.to_string(),
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:orders:1".into(),
            status: status.to_string(),
            started: DateTime::from_secs(1_700_000_000),
            ended: None,
        }
    }

    /// How a fake execution reacts to a stop.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Reaction {
        /// Accepted; STOPPED after this many more listings (an invocation reaching its
        /// checkpoint).
        StopsAfter(u32),
        /// Refused while PAUSING; PAUSED after this many listings, then stoppable.
        PausingThenPaused(u32),
        /// Accepted while PAUSED, but RUNNING at the next listing (resumed meanwhile),
        /// then stoppable normally.
        ResumesOnce,
        /// Refused with AccessDeniedException.
        Denied,
        /// Accepted, never ends.
        Never,
    }

    struct FakeExecution {
        e: DurableExecution,
        reaction: Reaction,
        /// Listings left before the pending transition.
        countdown: Option<u32>,
        stops: u32,
    }

    /// Executions that react to stops as scripted; counts calls.
    #[derive(Clone)]
    struct Fake(Arc<Mutex<Vec<FakeExecution>>>, Arc<Mutex<(u32, u32)>>);

    impl Fake {
        fn new(items: Vec<(DurableExecution, Reaction)>) -> Self {
            Self(
                Arc::new(Mutex::new(
                    items
                        .into_iter()
                        .map(|(e, reaction)| FakeExecution {
                            countdown: match reaction {
                                Reaction::PausingThenPaused(n) => Some(n),
                                _ => None,
                            },
                            e,
                            reaction,
                            stops: 0,
                        })
                        .collect(),
                )),
                Arc::default(),
            )
        }

        fn calls(&self) -> (u32, u32) {
            *self.1.lock().unwrap_or_else(|p| p.into_inner())
        }

        fn stops_of(&self, name: &str) -> u32 {
            let items = self.0.lock().unwrap_or_else(|p| p.into_inner());
            items
                .iter()
                .find(|f| f.e.name == name)
                .map_or(0, |f| f.stops)
        }
    }

    impl Executions for Fake {
        async fn active(&self) -> Result<Vec<DurableExecution>, Error> {
            self.1.lock().unwrap_or_else(|p| p.into_inner()).0 += 1;
            let mut items = self.0.lock().unwrap_or_else(|p| p.into_inner());
            for f in items.iter_mut() {
                if let Some(n) = f.countdown {
                    if n == 0 {
                        f.countdown = None;
                        f.e.status = match (f.reaction, f.e.status.as_str()) {
                            (Reaction::PausingThenPaused(_), "PAUSING") => "PAUSED".into(),
                            (Reaction::ResumesOnce, "PAUSED") => "RUNNING".into(),
                            _ => "STOPPED".into(),
                        };
                    } else {
                        f.countdown = Some(n - 1);
                    }
                }
            }
            Ok(items
                .iter()
                .map(|f| f.e.clone())
                .filter(|e| e.is_active())
                .collect())
        }

        async fn stop(&self, executions: &[DurableExecution]) -> Result<Vec<StopResult>, Error> {
            self.1.lock().unwrap_or_else(|p| p.into_inner()).1 += 1;
            let mut items = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let mut out = Vec::new();
            for wanted in executions {
                let Some(f) = items.iter_mut().find(|f| f.e.arn == wanted.arn) else {
                    continue;
                };
                f.stops += 1;
                let refused = |code: &str| {
                    StopOutcome::Refused(AwsError::new(
                        "StopDurableExecution",
                        Some(code),
                        format!("cannot be stopped because its status is {}", f.e.status),
                        ErrorClass::Permanent,
                    ))
                };
                let outcome = if !f.e.is_active() {
                    StopOutcome::AlreadyEnded
                } else {
                    match f.reaction {
                        Reaction::Denied => {
                            return Err(Error::Aws(AwsError::new(
                                "StopDurableExecution",
                                Some("AccessDeniedException"),
                                "not authorized to perform lambda:StopDurableExecution",
                                ErrorClass::Permanent,
                            )));
                        }
                        Reaction::PausingThenPaused(_) if f.e.status == "PAUSING" => {
                            refused("InvalidParameterValueException")
                        }
                        Reaction::ResumesOnce if f.e.status == "PAUSED" => {
                            f.countdown = Some(0);
                            StopOutcome::Requested
                        }
                        Reaction::StopsAfter(n) => {
                            f.countdown = Some(n);
                            StopOutcome::Requested
                        }
                        Reaction::Never => StopOutcome::Requested,
                        _ => {
                            f.countdown = Some(0);
                            StopOutcome::Requested
                        }
                    }
                };
                out.push(StopResult {
                    execution: wanted.clone(),
                    outcome,
                });
            }
            Ok(out)
        }
    }

    fn budget(secs: u64) -> Budget {
        Budget::new(Duration::from_secs(secs), CancellationToken::new())
    }

    async fn run(fake: &Fake, policy: OnDestroy, secs: u64) -> Result<(), Diagnostic> {
        cleared(fake, policy, secs).await.map(|_| ())
    }

    async fn cleared(
        fake: &Fake,
        policy: OnDestroy,
        secs: u64,
    ) -> Result<Option<Diagnostic>, Diagnostic> {
        clear(
            fake,
            &budget(secs),
            &POLL,
            policy,
            LABEL,
            "durable executions of \"orders\"",
        )
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_destroy_that_stopped_executions_names_them() {
        let fake = Fake::new(vec![
            (execution("a", "RUNNING"), Reaction::StopsAfter(0)),
            (execution("b", "PAUSED"), Reaction::StopsAfter(0)),
            (execution("done", "SUCCEEDED"), Reaction::Never),
        ]);
        let warning = cleared(&fake, OnDestroy::Stop, 60)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .unwrap_or_else(|| panic!("no warning"));
        assert!(!warning.is_error());
        assert!(
            warning.summary.contains("stopped 2 durable executions"),
            "{}",
            warning.summary
        );
        for needed in [
            "1 RUNNING, 1 PAUSED",
            "/durable-execution/a/id",
            "/durable-execution/b/id",
        ] {
            assert!(
                warning.detail.contains(needed),
                "{needed:?} in {}",
                warning.detail
            );
        }
        assert!(!warning.detail.contains("/done/"), "{}", warning.detail);

        let nothing = Fake::new(vec![(execution("done", "SUCCEEDED"), Reaction::Never)]);
        assert_eq!(cleared(&nothing, OnDestroy::Stop, 60).await, Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_active_clears_at_once_under_every_policy() {
        for policy in OnDestroy::ALL {
            let fake = Fake::new(vec![(execution("done", "SUCCEEDED"), Reaction::Never)]);
            let start = Instant::now();
            assert_eq!(run(&fake, policy, 60).await, Ok(()));
            assert_eq!(start.elapsed(), Duration::ZERO);
            assert_eq!(fake.calls(), (1, 0), "{policy}: one listing, no stop");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn fail_refuses_without_stopping() {
        let fake = Fake::new(vec![
            (execution("a", "RUNNING"), Reaction::StopsAfter(0)),
            (execution("b", "PAUSED"), Reaction::StopsAfter(0)),
        ]);
        let d = run(&fake, OnDestroy::Fail, 60)
            .await
            .err()
            .unwrap_or_else(|| panic!("no refusal"));
        assert!(
            d.summary.contains("2 durable executions are active"),
            "{}",
            d.summary
        );
        assert!(d.detail.contains("1 RUNNING, 1 PAUSED"), "{}", d.detail);
        assert_eq!(fake.calls(), (1, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn wait_waits_until_they_end_on_their_own() {
        // Nothing stops them: they end when their countdown runs out.
        let fake = Fake::new(vec![(execution("a", "RUNNING"), Reaction::StopsAfter(0))]);
        if let Ok(mut items) = fake.0.lock() {
            items[0].countdown = Some(3);
        }
        let start = Instant::now();
        assert_eq!(run(&fake, OnDestroy::Wait, 600).await, Ok(()));
        let (listings, stops) = fake.calls();
        assert_eq!(stops, 0, "wait never stops");
        assert_eq!(
            listings, 4,
            "the first listing, two pending polls, the last"
        );
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn wait_times_out_listing_what_is_left() {
        let fake = Fake::new(vec![
            (execution("a", "RUNNING"), Reaction::Never),
            (execution("b", "PAUSED"), Reaction::Never),
        ]);
        let start = Instant::now();
        let d = run(&fake, OnDestroy::Wait, 120)
            .await
            .err()
            .unwrap_or_else(|| panic!("no error"));
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_secs(120) && elapsed <= Duration::from_secs(121),
            "{elapsed:?}"
        );
        assert!(
            d.summary.contains("2 durable executions are still active"),
            "{}",
            d.summary
        );
        assert!(
            d.detail
                .contains("The delete timeout of 2m ran out while waiting"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("  - a (RUNNING since"), "{}", d.detail);
        assert!(d.detail.contains("  - b (PAUSED since"), "{}", d.detail);
        assert_eq!(fake.calls().1, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_stops_each_once_and_waits_for_checkpoints() {
        let fake = Fake::new(vec![
            (execution("quick", "RUNNING"), Reaction::StopsAfter(0)),
            // Its invocation reaches a checkpoint only after 4 more listings.
            (execution("slow", "RUNNING"), Reaction::StopsAfter(4)),
            (execution("paused", "PAUSED"), Reaction::StopsAfter(0)),
        ]);
        assert_eq!(run(&fake, OnDestroy::Stop, 600).await, Ok(()));
        for name in ["quick", "slow", "paused"] {
            assert_eq!(
                fake.stops_of(name),
                1,
                "{name}: a stop that was accepted is not repeated"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stop_retries_refused_and_resumed_executions() {
        let fake = Fake::new(vec![
            // Refused while PAUSING; stoppable once PAUSED.
            (
                execution("pausing", "PAUSING"),
                Reaction::PausingThenPaused(2),
            ),
            // Stopped while PAUSED but resumed: RUNNING again, so stopped again.
            (execution("resumed", "PAUSED"), Reaction::ResumesOnce),
        ]);
        assert_eq!(run(&fake, OnDestroy::Stop, 600).await, Ok(()));
        assert!(
            fake.stops_of("pausing") >= 2,
            "{}",
            fake.stops_of("pausing")
        );
        assert_eq!(fake.stops_of("resumed"), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_times_out_saying_what_was_requested_and_refused() {
        let fake = Fake::new(vec![
            (execution("stuck", "RUNNING"), Reaction::Never),
            (
                execution("pausing", "PAUSING"),
                Reaction::PausingThenPaused(u32::MAX),
            ),
        ]);
        let d = run(&fake, OnDestroy::Stop, 60)
            .await
            .err()
            .unwrap_or_else(|| panic!("no error"));
        for word in [
            "The delete timeout of 1m ran out while stopping",
            "AWS accepted 1 StopDurableExecution request.",
            "Still active: 2 (1 RUNNING, 1 PAUSING)",
            "stuck (RUNNING since 2023-11-14T22:13:20Z; stop requested)",
            "pausing (PAUSING since 2023-11-14T22:13:20Z; AWS refused to stop it: StopDurableExecution: InvalidParameterValueException: cannot be stopped because its status is PAUSING)",
        ] {
            assert!(d.detail.contains(word), "{word}: {}", d.detail);
        }
        assert_eq!(fake.stops_of("stuck"), 1);
        assert!(
            fake.stops_of("pausing") > 2,
            "refused stops are retried while waiting"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn stop_fails_at_once_on_errors_a_retry_will_not_fix() {
        let fake = Fake::new(vec![(execution("a", "RUNNING"), Reaction::Denied)]);
        let start = Instant::now();
        let d = run(&fake, OnDestroy::Stop, 600)
            .await
            .err()
            .unwrap_or_else(|| panic!("no error"));
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert!(d.detail.contains("AccessDeniedException"), "{}", d.detail);
        assert!(d.detail.contains("Nothing was deleted."), "{}", d.detail);
        assert!(d.detail.contains("  - a (RUNNING since"), "{}", d.detail);
    }

    #[tokio::test(start_paused = true)]
    async fn terraform_stopping_the_provider_ends_the_wait() {
        let fake = Fake::new(vec![(execution("a", "RUNNING"), Reaction::Never)]);
        let stop = CancellationToken::new();
        let b = Budget::new(Duration::from_secs(3600), stop.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            stop.cancel();
        });
        let start = Instant::now();
        let r = clear(&fake, &b, &POLL, OnDestroy::Wait, LABEL, "x").await;
        assert!(
            start.elapsed() <= Duration::from_secs(31),
            "{:?}",
            start.elapsed()
        );
        let d = r.err().unwrap_or_else(|| panic!("no error"));
        assert!(
            d.detail.starts_with("Terraform asked the provider to stop"),
            "{}",
            d.detail
        );
    }

    #[test]
    fn the_page_size_is_the_models_maximum() {
        assert_eq!(
            Some(page_size() as f64),
            lambda::ListDurableExecutionsByFunctionRequest::MaxItems
                .shape
                .max
        );
    }

    #[tokio::test]
    async fn futures_are_send() {
        fn send<T: Send>(_: T) {}
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let clients = AwsClients::new(
            sdk,
            crate::aws::Endpoints::default(),
            "us-east-1".into(),
            crate::aws::RetryPolicy::default(),
            crate::tags::DefaultTags::default(),
        );
        let b = budget(1);
        send(clear_for_destroy(
            &clients,
            &b,
            "f",
            None,
            OnDestroy::Stop,
            LABEL,
        ));
        send(wait_until_none_active(&clients, &b, "f", Some("1")));
        send(list(&clients, &b, "f", &ExecutionFilter::default(), 10));
    }
}
