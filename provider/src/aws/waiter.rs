//! Waiters: poll a status function until the object reaches a target state.
//!
//! The first poll comes quickly and the interval then grows (an object that is ready in
//! two seconds costs about two seconds, not a fixed ten); a failed state ends the wait at
//! once with AWS's reason; the wait ends at the operation's deadline (its `timeouts`
//! value) or when Terraform asks the provider to stop.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::error::Error;
use super::retry::Budget;

/// What one poll saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Status<T> {
    /// The target state: the wait is over.
    Ready(T),
    /// Not there yet; the string is the current state, for logs and timeout messages.
    Pending(String),
    /// A state the object will not leave on its own: the wait fails.
    Failed {
        /// The state, e.g. `Failed`.
        state: String,
        /// AWS's reason, when it gave one.
        reason: Option<String>,
    },
}

/// Poll intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitOptions {
    /// Delay before the first poll.
    pub first_delay: Duration,
    /// Each interval is the previous one times this factor...
    pub factor: f64,
    /// ...up to this.
    pub max_delay: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(250),
            factor: 1.5,
            max_delay: Duration::from_secs(10),
        }
    }
}

/// Polls `poll` until it reports [`Status::Ready`] (returning its value), a failed state,
/// an error, the budget's deadline, or a stop request.
///
/// `what` describes the object and the target for messages, e.g.
/// `capacity provider "web" to become Active`.
pub async fn wait_for<T, F, Fut>(
    what: &str,
    opts: &WaitOptions,
    budget: &Budget,
    mut poll: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Status<T>, Error>>,
{
    let operation = format!("waiting for {what}");
    let mut delay = opts.first_delay;
    let mut last_state = String::from("unknown");
    let mut polls: u32 = 0;
    loop {
        let remaining = budget.remaining();
        if remaining.is_zero() {
            return Err(Error::Timeout {
                operation: format!("{operation} (last state: {last_state})"),
                timeout: budget.timeout,
                last: None,
            });
        }
        budget.sleep(delay.min(remaining), &operation).await?;
        polls += 1;
        match poll().await {
            Ok(Status::Ready(value)) => {
                tracing::debug!(what, polls, "wait finished");
                return Ok(value);
            }
            Ok(Status::Failed { state, reason }) => {
                return Err(Error::FailedState {
                    what: what.to_string(),
                    state,
                    reason,
                });
            }
            Ok(Status::Pending(state)) => {
                tracing::debug!(what, state = %state, polls, "still waiting");
                last_state = state;
            }
            Err(Error::Timeout { last, timeout, .. }) => {
                return Err(Error::Timeout {
                    operation: format!("{operation} (last state: {last_state})"),
                    timeout,
                    last,
                });
            }
            Err(e) => return Err(e),
        }
        if Instant::now() >= budget.deadline {
            return Err(Error::Timeout {
                operation: format!("{operation} (last state: {last_state})"),
                timeout: budget.timeout,
                last: None,
            });
        }
        delay = delay.mul_f64(opts.factor).min(opts.max_delay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::Mutex;
    use tokio_util::sync::CancellationToken;

    fn budget(secs: u64) -> Budget {
        Budget::new(Duration::from_secs(secs), CancellationToken::new())
    }

    /// A status function that is Pending until `ready_after` has passed.
    fn ready_after(
        ready_after: Duration,
        times: Arc<Mutex<Vec<Duration>>>,
    ) -> impl FnMut() -> std::future::Ready<Result<Status<&'static str>, Error>> {
        let start = Instant::now();
        move || {
            let t = start.elapsed();
            if let Ok(mut v) = times.lock() {
                v.push(t);
            }
            std::future::ready(Ok(if t >= ready_after {
                Status::Ready("done")
            } else {
                Status::Pending("Pending".into())
            }))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn short_first_poll_then_backoff() {
        let times = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let r = wait_for(
            "thing",
            &WaitOptions::default(),
            &budget(600),
            ready_after(Duration::from_secs(2), times.clone()),
        )
        .await;
        assert_eq!(r, Ok("done"));
        // Ready at 2 s must not cost 10 s.
        assert!(
            start.elapsed() < Duration::from_secs(4),
            "{:?}",
            start.elapsed()
        );
        let times = times.lock().map(|v| v.clone()).unwrap_or_default();
        assert_eq!(times.first().copied(), Some(Duration::from_millis(250)));
        let gaps: Vec<_> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "{gaps:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn interval_is_capped() {
        let times = Arc::new(Mutex::new(Vec::new()));
        let r = wait_for(
            "thing",
            &WaitOptions::default(),
            &budget(600),
            ready_after(Duration::from_secs(120), times.clone()),
        )
        .await;
        assert_eq!(r, Ok("done"));
        let times = times.lock().map(|v| v.clone()).unwrap_or_default();
        let max_gap = times
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or_default();
        assert!(max_gap <= Duration::from_secs(10), "{max_gap:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn failed_state_fails_fast_with_reason() {
        let start = Instant::now();
        let r: Result<(), Error> = wait_for(
            "capacity provider \"web\" to become Active",
            &WaitOptions::default(),
            &budget(600),
            || {
                std::future::ready(Ok(Status::Failed {
                    state: "Failed".into(),
                    reason: Some("Subnet subnet-1 has no free addresses".into()),
                }))
            },
        )
        .await;
        assert!(start.elapsed() < Duration::from_secs(1));
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("Failed"), "{e}");
        assert!(e.contains("Subnet subnet-1 has no free addresses"), "{e}");
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_at_deadline_with_last_state() {
        let start = Instant::now();
        let r: Result<(), Error> = wait_for("thing", &WaitOptions::default(), &budget(30), || {
            std::future::ready(Ok(Status::Pending("Pending".into())))
        })
        .await;
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_secs(30) && elapsed <= Duration::from_secs(31),
            "{elapsed:?}"
        );
        match r {
            Err(Error::Timeout {
                operation, timeout, ..
            }) => {
                assert!(operation.contains("last state: Pending"), "{operation}");
                assert_eq!(timeout, Duration::from_secs(30));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stop_ends_the_wait() {
        let stop = CancellationToken::new();
        let b = Budget::new(Duration::from_secs(3600), stop.clone());
        let s = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(7)).await;
            s.cancel();
        });
        let start = Instant::now();
        let r: Result<(), Error> = wait_for("thing", &WaitOptions::default(), &b, || {
            std::future::ready(Ok(Status::Pending("Pending".into())))
        })
        .await;
        assert!(matches!(r, Err(Error::Stopped { .. })), "{r:?}");
        assert!(start.elapsed() <= Duration::from_secs(8));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_errors_end_the_wait() {
        let r: Result<(), Error> = wait_for("thing", &WaitOptions::default(), &budget(60), || {
            std::future::ready(Err(Error::Unexpected("boom".into())))
        })
        .await;
        assert_eq!(r, Err(Error::Unexpected("boom".into())));
    }
}
