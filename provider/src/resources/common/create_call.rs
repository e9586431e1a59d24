//! The one AWS call that creates an object (CreateCapacityProvider, CreateFunction), sent
//! through the retry layer with one extra rule: when a retry meets "already exists" after
//! an earlier attempt of the same call whose outcome is unknown, the object is this
//! call's own and the create has succeeded.
//!
//! Why only then: create calls are not idempotent. An attempt that ended with a 5xx, a
//! dropped connection or a timeout may have been carried out by AWS even though its answer
//! was lost, and its retry then meets the object that attempt made. An attempt refused
//! with a definite answer (throttling, a validation error) made nothing, so "already
//! exists" after only such attempts means someone else created the name meanwhile: that
//! is reported (see [`super::interrupted`]), never taken over.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::aws::{AwsClients, AwsError, Budget, Error, ErrorClass};

/// What a create call ended with.
#[derive(Clone, Debug, PartialEq)]
pub enum Created<T> {
    /// AWS answered the call: the object is new.
    New(T),
    /// An attempt whose answer was lost created the object; a retry found it there.
    ByLostAttempt,
}

impl<T> Created<T> {
    /// The answer of a [`Created::New`].
    pub fn into_new(self) -> Option<T> {
        match self {
            Self::New(t) => Some(t),
            Self::ByLostAttempt => None,
        }
    }
}

/// True for AWS's answer to a create whose name is taken (`ResourceConflictException`,
/// "… already exists").
pub fn is_already_exists(e: &AwsError) -> bool {
    e.has_code("ResourceConflictException") && e.message.to_ascii_lowercase().contains("exist")
}

/// True when `e` is AWS's "already exists" answer to a create.
pub fn failed_as_already_exists(e: &Error) -> bool {
    matches!(e, Error::Aws(a) if is_already_exists(a))
}

/// True when the create may have been carried out although the call failed: it was
/// interrupted or timed out while an attempt was in flight, or its last attempt's outcome
/// is unknown. A create that failed otherwise made nothing.
pub fn outcome_unknown(e: &Error) -> bool {
    match e {
        Error::Stopped { .. } | Error::Timeout { .. } => true,
        Error::Aws(a) => a.class == ErrorClass::Transient,
        Error::FailedState { .. } | Error::Unexpected(_) => false,
    }
}

/// Sends the create call `call` (with the IAM-propagation retries creates that pass a role
/// need); see the module documentation for "already exists" on a retry.
pub async fn send_create<T, F, Fut>(
    clients: &AwsClients,
    budget: &Budget,
    operation: &str,
    mut call: F,
) -> Result<Created<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let lost_attempt = AtomicBool::new(false);
    clients
        .call_with_iam_retry(budget, operation, || {
            let sent = call();
            let lost_attempt = &lost_attempt;
            async move {
                match sent.await {
                    Ok(out) => Ok(Created::New(out)),
                    Err(e) if is_already_exists(&e) && lost_attempt.load(Ordering::SeqCst) => {
                        tracing::info!(
                            operation = %e.operation,
                            "the object exists after a retry of a create whose answer was lost: \
                             it is this create's own"
                        );
                        Ok(Created::ByLostAttempt)
                    }
                    Err(e) => {
                        if e.class == ErrorClass::Transient {
                            lost_attempt.store(true, Ordering::SeqCst);
                        }
                        Err(e)
                    }
                }
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::aws::RetryPolicy;

    /// Clients that are never used to send anything (the calls are scripted), with a
    /// quick backoff.
    fn clients() -> AwsClients {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        AwsClients::new(
            sdk,
            crate::aws::Endpoints::default(),
            "us-east-1".into(),
            RetryPolicy {
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(2),
                ..RetryPolicy::default()
            },
            crate::tags::DefaultTags::default(),
        )
    }

    fn exists() -> AwsError {
        AwsError::new(
            "CreateFunction",
            Some("ResourceConflictException"),
            "Function already exist: orders",
            ErrorClass::Permanent,
        )
    }

    fn answered(class: ErrorClass) -> AwsError {
        AwsError::new("CreateFunction", Some("X"), "refused", class)
    }

    /// Runs `send_create` over a script of answers, one per attempt.
    async fn run(
        script: Vec<Result<&'static str, AwsError>>,
    ) -> Result<Created<&'static str>, Error> {
        let script = Mutex::new(script.into_iter());
        let budget = Budget::new(Duration::from_secs(10), CancellationToken::new());
        send_create(&clients(), &budget, "CreateFunction", || {
            let next = script
                .lock()
                .ok()
                .and_then(|mut s| s.next())
                .unwrap_or(Err(answered(ErrorClass::Permanent)));
            async move { next }
        })
        .await
    }

    #[tokio::test]
    async fn a_lost_answer_then_already_exists_is_this_creates_own() {
        let got = run(vec![Err(answered(ErrorClass::Transient)), Err(exists())]).await;
        assert_eq!(got, Ok(Created::ByLostAttempt));
    }

    #[tokio::test]
    async fn already_exists_after_definite_refusals_is_someone_elses() {
        let throttled = answered(ErrorClass::Throttling { retry_after: None });
        let got = run(vec![Err(throttled), Err(exists())]).await;
        assert!(
            matches!(&got, Err(e) if failed_as_already_exists(e)),
            "{got:?}"
        );
        let got = run(vec![Err(exists())]).await;
        assert!(
            matches!(&got, Err(e) if failed_as_already_exists(e)),
            "{got:?}"
        );
    }

    #[tokio::test]
    async fn an_answer_is_new() {
        let got = run(vec![Err(answered(ErrorClass::Transient)), Ok("arn")]).await;
        assert_eq!(got, Ok(Created::New("arn")));
    }
}
