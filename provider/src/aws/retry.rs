//! Retries of single AWS calls: exponential backoff with jitter on throttling (honouring
//! `Retry-After`), 5xx and connection errors, and "update in progress" conflicts; IAM
//! propagation errors for callers that opt in. Every retry loop is bounded by the
//! operation's [`Budget`] (its Terraform timeout) and ends when Terraform asks the
//! provider to stop.
//!
//! The SDK's own retries are disabled (see [`crate::config`]), so this is the only place
//! where calls are repeated, and the same bounds apply to every resource.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::error::{AwsError, Error, ErrorClass};

/// How often and how fast calls are retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries of throttling and transient errors per call (conflicts and IAM
    /// propagation are bounded by time instead).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// Longest backoff between two attempts.
    pub max_delay: Duration,
    /// How long IAM-propagation errors are retried; zero disables it.
    pub iam_propagation: Duration,
    /// Retries of a refused connection (at most `max_retries`): a couple, so a server
    /// that is just restarting is given a moment, but a wrong endpoint fails in about a
    /// second instead of after minutes of backoff.
    pub max_unreachable_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 25,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            iam_propagation: Duration::ZERO,
            max_unreachable_retries: 2,
        }
    }
}

impl RetryPolicy {
    /// The same policy with IAM-propagation retries for `window` (AWS documents a few
    /// minutes for a new role to be usable everywhere).
    pub fn with_iam_propagation(mut self, window: Duration) -> Self {
        self.iam_propagation = window;
        self
    }

    /// The backoff before retry number `attempt` (0-based): exponential, capped, with
    /// "equal jitter" (between half and all of the exponential delay).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.min(20)))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// The time an operation may take and the signal to give up early.
#[derive(Clone, Debug)]
pub struct Budget {
    /// The operation's timeout (for messages).
    pub timeout: Duration,
    /// When the operation must be over.
    pub deadline: Instant,
    /// Cancelled when Terraform asks the provider to stop.
    pub stop: CancellationToken,
}

impl Budget {
    /// A budget of `timeout` from now.
    pub fn new(timeout: Duration, stop: CancellationToken) -> Self {
        Self {
            timeout,
            deadline: Instant::now() + timeout,
            stop,
        }
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Sleeps for `d`, or returns `Err(Stopped)` as soon as Terraform asks to stop.
    pub async fn sleep(&self, d: Duration, operation: &str) -> Result<(), Error> {
        tokio::select! {
            biased;
            _ = self.stop.cancelled() => Err(Error::Stopped { operation: operation.to_string() }),
            _ = tokio::time::sleep(d) => Ok(()),
        }
    }

    fn timeout_error(&self, operation: &str, last: Option<AwsError>) -> Error {
        Error::Timeout {
            operation: operation.to_string(),
            timeout: self.timeout,
            last: last.map(Box::new),
        }
    }
}

/// Calls `call` until it succeeds, fails with an error that is not retried, runs out of
/// retries or budget, or Terraform asks to stop.
///
/// `operation` names the AWS operation for logs and errors (e.g. `GetCapacityProvider`).
pub async fn retry<T, F, Fut>(
    policy: &RetryPolicy,
    budget: &Budget,
    operation: &str,
    call: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    retry_paced(
        policy,
        budget,
        operation,
        || std::future::ready(Ok(())),
        call,
    )
    .await
}

/// [`retry`], waiting for `pace` before every attempt (the rate limiter's turn, see
/// [`super::rate_limit`]), so retries count against the rate limit like first attempts.
/// An error of `pace` (stop, or a turn after the deadline) ends the loop.
pub async fn retry_paced<T, P, PFut, F, Fut>(
    policy: &RetryPolicy,
    budget: &Budget,
    operation: &str,
    mut pace: P,
    mut call: F,
) -> Result<T, Error>
where
    P: FnMut() -> PFut,
    PFut: Future<Output = Result<(), Error>>,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let started = Instant::now();
    let mut attempt: u32 = 0;
    let mut counted: u32 = 0;
    let mut refused: u32 = 0;
    let mut last: Option<AwsError> = None;
    loop {
        if budget.stop.is_cancelled() {
            return Err(Error::Stopped {
                operation: operation.to_string(),
            });
        }
        if let Err(e) = pace().await {
            return Err(match e {
                Error::Timeout {
                    operation, timeout, ..
                } => Error::Timeout {
                    operation,
                    timeout,
                    last: last.map(Box::new),
                },
                other => other,
            });
        }
        let result = tokio::select! {
            biased;
            _ = budget.stop.cancelled() => {
                return Err(Error::Stopped { operation: operation.to_string() });
            }
            r = tokio::time::timeout_at(budget.deadline, call()) => r,
        };
        let err = match result {
            Err(_elapsed) => return Err(budget.timeout_error(operation, last)),
            Ok(Ok(value)) => {
                if attempt > 0 {
                    tracing::debug!(
                        operation,
                        attempts = attempt + 1,
                        "AWS call succeeded after retries"
                    );
                }
                return Ok(value);
            }
            Ok(Err(err)) => err,
        };
        let retryable = match err.class {
            ErrorClass::Throttling { .. } | ErrorClass::Transient => counted < policy.max_retries,
            ErrorClass::Unreachable => {
                refused < policy.max_unreachable_retries.min(policy.max_retries)
            }
            ErrorClass::Conflict => true,
            ErrorClass::IamPropagation => started.elapsed() < policy.iam_propagation,
            ErrorClass::NotFound | ErrorClass::Permanent => false,
        };
        if !retryable {
            let mut err = err;
            err.attempts = attempt + 1;
            if attempt > 0 && err.class.is_retryable() {
                let retries = if attempt == 1 { "retry" } else { "retries" };
                err.message = format!("{} (gave up after {attempt} {retries})", err.message);
                return Err(Error::Aws(err));
            }
            return Err(Error::Aws(err));
        }
        let delay = match err.class {
            // Never sooner than AWS asked, nor than the backoff: a `Retry-After: 0` must
            // not turn repeated throttling into a tight loop.
            ErrorClass::Throttling {
                retry_after: Some(after),
            } => (after + after.mul_f64(0.1 * fastrand::f64())).max(policy.backoff(attempt)),
            ErrorClass::Unreachable => policy.backoff(refused),
            _ => policy.backoff(attempt),
        };
        if Instant::now() + delay >= budget.deadline {
            return Err(budget.timeout_error(operation, Some(err)));
        }
        tracing::warn!(
            operation,
            attempt = attempt + 1,
            delay_ms = delay.as_millis() as u64,
            error = %err,
            "retrying AWS call"
        );
        if matches!(
            err.class,
            ErrorClass::Throttling { .. } | ErrorClass::Transient
        ) {
            counted += 1;
        }
        if err.class == ErrorClass::Unreachable {
            refused += 1;
        }
        attempt += 1;
        last = Some(err);
        budget.sleep(delay, operation).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn err(class: ErrorClass) -> AwsError {
        AwsError::new("GetThing", Some("Code"), "message", class)
    }

    /// A fake operation that fails `n` times with `class`, then succeeds.
    fn flaky(
        n: u32,
        class: ErrorClass,
    ) -> (
        Arc<AtomicU32>,
        impl FnMut() -> std::future::Ready<Result<u32, AwsError>>,
    ) {
        let calls = Arc::new(AtomicU32::new(0));
        let c = calls.clone();
        let f = move || {
            let i = c.fetch_add(1, Ordering::SeqCst);
            std::future::ready(if i < n {
                Err(err(class.clone()))
            } else {
                Ok(i)
            })
        };
        (calls, f)
    }

    fn budget(secs: u64) -> Budget {
        Budget::new(Duration::from_secs(secs), CancellationToken::new())
    }

    #[tokio::test(start_paused = true)]
    async fn retries_throttling_then_succeeds() {
        let (calls, f) = flaky(3, ErrorClass::Throttling { retry_after: None });
        let r = retry(&RetryPolicy::default(), &budget(60), "GetThing", f).await;
        assert_eq!(r, Ok(3));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_and_conflict() {
        let (_, f) = flaky(2, ErrorClass::Transient);
        assert_eq!(
            retry(&RetryPolicy::default(), &budget(60), "Op", f).await,
            Ok(2)
        );
        let (_, f) = flaky(40, ErrorClass::Conflict);
        // Conflicts are bounded by time, not by max_retries.
        assert_eq!(
            retry(&RetryPolicy::default(), &budget(3600), "Op", f).await,
            Ok(40)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn honours_retry_after() {
        let (calls, f) = flaky(
            1,
            ErrorClass::Throttling {
                retry_after: Some(Duration::from_secs(5)),
            },
        );
        let start = Instant::now();
        let r = retry(&RetryPolicy::default(), &budget(60), "Op", f).await;
        assert_eq!(r, Ok(1));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        let waited = start.elapsed();
        assert!(waited >= Duration::from_secs(5), "{waited:?}");
        assert!(waited <= Duration::from_millis(5600), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn non_retryable_errors_fail_at_once() {
        for class in [
            ErrorClass::Permanent,
            ErrorClass::NotFound,
            ErrorClass::IamPropagation,
        ] {
            let (calls, f) = flaky(1, class.clone());
            let start = Instant::now();
            let r = retry(&RetryPolicy::default(), &budget(60), "Op", f).await;
            assert_eq!(r, Err(Error::Aws(err(class))));
            assert_eq!(calls.load(Ordering::SeqCst), 1);
            assert_eq!(start.elapsed(), Duration::ZERO);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn iam_propagation_retried_within_window() {
        let policy = RetryPolicy::default().with_iam_propagation(Duration::from_secs(120));
        let (calls, f) = flaky(3, ErrorClass::IamPropagation);
        assert_eq!(retry(&policy, &budget(600), "Op", f).await, Ok(3));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_retries() {
        let policy = RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        };
        let (calls, f) = flaky(10, ErrorClass::Transient);
        let r = retry(&policy, &budget(600), "Op", f).await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        match r {
            Err(Error::Aws(e)) => assert!(e.message.contains("gave up after 2 retries"), "{e}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn one_retry_is_counted_in_the_singular() {
        let policy = RetryPolicy {
            max_retries: 1,
            ..RetryPolicy::default()
        };
        let (_, f) = flaky(10, ErrorClass::Throttling { retry_after: None });
        match retry(&policy, &budget(600), "Op", f).await {
            Err(Error::Aws(e)) => assert!(e.message.ends_with("(gave up after 1 retry)"), "{e}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn refused_connections_fail_fast() {
        let (calls, f) = flaky(u32::MAX, ErrorClass::Unreachable);
        let start = Instant::now();
        let r = retry(
            &RetryPolicy::default(),
            &budget(600),
            "GetCallerIdentity",
            f,
        )
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        match r {
            Err(Error::Aws(e)) => {
                assert_eq!(e.class, ErrorClass::Unreachable);
                assert!(e.message.contains("gave up after 2 retries"), "{e}");
            }
            other => panic!("unexpected {other:?}"),
        }
        // A server that comes back within the retries is used.
        let (_, f) = flaky(2, ErrorClass::Unreachable);
        assert_eq!(
            retry(&RetryPolicy::default(), &budget(600), "Op", f).await,
            Ok(2)
        );
        // max_retries = 0 means no retries of any kind.
        let none = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        let (calls, f) = flaky(1, ErrorClass::Unreachable);
        assert!(retry(&none, &budget(600), "Op", f).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn bounded_by_deadline() {
        let (_, f) = flaky(u32::MAX, ErrorClass::Conflict);
        let start = Instant::now();
        let r = retry(&RetryPolicy::default(), &budget(30), "UpdateThing", f).await;
        assert!(start.elapsed() <= Duration::from_secs(30));
        match r {
            Err(Error::Timeout {
                operation, last, ..
            }) => {
                assert_eq!(operation, "UpdateThing");
                assert!(last.is_some());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn deadline_ends_a_hanging_call() {
        let b = budget(10);
        let r: Result<(), Error> = retry(&RetryPolicy::default(), &b, "Hang", || {
            std::future::pending::<Result<(), AwsError>>()
        })
        .await;
        assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn stop_token_cancels_backoff_and_calls() {
        let stop = CancellationToken::new();
        let b = Budget::new(Duration::from_secs(3600), stop.clone());
        let (_, f) = flaky(u32::MAX, ErrorClass::Conflict);
        let s = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            s.cancel();
        });
        let start = Instant::now();
        let r = retry(&RetryPolicy::default(), &b, "Op", f).await;
        assert!(matches!(r, Err(Error::Stopped { .. })), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(30));

        let r: Result<(), Error> = retry(&RetryPolicy::default(), &b, "Hang", || {
            std::future::pending::<Result<(), AwsError>>()
        })
        .await;
        assert!(matches!(r, Err(Error::Stopped { .. })), "{r:?}");
    }

    /// `Retry-After: 0` (or a tiny value) does not make repeated throttling a tight loop:
    /// the exponential backoff is the floor.
    #[tokio::test(start_paused = true)]
    async fn a_zero_retry_after_still_backs_off() {
        let (calls, f) = flaky(
            5,
            ErrorClass::Throttling {
                retry_after: Some(Duration::ZERO),
            },
        );
        let start = Instant::now();
        assert_eq!(
            retry(&RetryPolicy::default(), &budget(600), "Op", f).await,
            Ok(5)
        );
        assert_eq!(calls.load(Ordering::SeqCst), 6);
        // At least half of 200 + 400 + 800 + 1600 + 3200 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(3100),
            "{:?}",
            start.elapsed()
        );
    }

    /// Calls throttled together do not come back together: each retry has its own
    /// jitter, with or without `Retry-After` (which is never undercut).
    #[tokio::test(start_paused = true)]
    async fn throttled_calls_retry_at_jittered_times() {
        for retry_after in [None, Some(Duration::from_secs(1))] {
            let start = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..20 {
                tasks.push(tokio::spawn(async move {
                    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
                    let s = seen.clone();
                    let mut first = true;
                    let r = retry(&RetryPolicy::default(), &budget(60), "Op", || {
                        s.lock().map(|mut v| v.push(start.elapsed())).ok();
                        let fail = std::mem::replace(&mut first, false);
                        std::future::ready(if fail {
                            Err(err(ErrorClass::Throttling { retry_after }))
                        } else {
                            Ok(())
                        })
                    })
                    .await;
                    assert_eq!(r, Ok(()));
                    seen.lock().map(|v| v[1]).unwrap_or_default()
                }));
            }
            let mut retried_at = Vec::new();
            for t in tasks {
                retried_at.push(t.await.unwrap_or_default());
            }
            let (lo, hi) = match retry_after {
                None => (Duration::from_millis(100), Duration::from_millis(200)),
                Some(after) => (after, after + after / 10),
            };
            for at in &retried_at {
                assert!(*at >= lo && *at <= hi, "{retry_after:?}: {at:?}");
            }
            retried_at.sort();
            retried_at.dedup();
            assert!(retried_at.len() >= 15, "{retry_after:?}: {retried_at:?}");
        }
    }

    /// Every attempt, retries included, waits for `pace` (the rate limiter); an error
    /// of `pace` ends the loop and a timeout keeps the last AWS error.
    #[tokio::test(start_paused = true)]
    async fn every_attempt_is_paced() {
        let paced = Arc::new(AtomicU32::new(0));
        let p = paced.clone();
        let (calls, f) = flaky(3, ErrorClass::Transient);
        let r = retry_paced(
            &RetryPolicy::default(),
            &budget(60),
            "Op",
            || {
                p.fetch_add(1, Ordering::SeqCst);
                std::future::ready(Ok(()))
            },
            f,
        )
        .await;
        assert_eq!(r, Ok(3));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(paced.load(Ordering::SeqCst), 4);

        let paced = Arc::new(AtomicU32::new(0));
        let p = paced.clone();
        let (calls, f) = flaky(u32::MAX, ErrorClass::Transient);
        let r = retry_paced(
            &RetryPolicy::default(),
            &budget(60),
            "Op",
            || {
                let n = p.fetch_add(1, Ordering::SeqCst);
                std::future::ready(if n < 2 {
                    Ok(())
                } else {
                    Err(Error::Timeout {
                        operation: "Op (its turn)".into(),
                        timeout: Duration::from_secs(60),
                        last: None,
                    })
                })
            },
            f,
        )
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        match r {
            Err(Error::Timeout {
                operation, last, ..
            }) => {
                assert_eq!(operation, "Op (its turn)");
                assert_eq!(last.map(|e| e.class), Some(ErrorClass::Transient));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 0..30 {
            let d = p.backoff(attempt);
            let exp = p
                .base_delay
                .saturating_mul(2u32.saturating_pow(attempt.min(20)))
                .min(p.max_delay);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
    }
}
