//! Waiters: poll a status function until the object reaches a target state.
//!
//! AWS's transitions (a capacity provider becoming Active, a version being published) take
//! from a second to minutes, and Terraform waits on the critical path of an apply. So the
//! schedule is bounded by what it costs the user, not fixed: the interval between polls is
//! a tenth of the time already waited ([`WaitOptions::overshoot`]), so a transition that
//! takes `T` is seen at most `0.1 × T` late (plus one poll's latency); and never less than
//! [`WaitOptions::min_interval`], so one waiter reads at most four times a second, well
//! under Lambda's control-plane read limit (15 per second per account; all waiters of a
//! provider process together are held to it by the clients' rate limiter once AWS has
//! throttled one of their reads, see `aws::rate_limit`). A fixed factor such
//! as ×1.5 could overshoot by half the time already waited.
//!
//! A failed state ends the wait at once with AWS's reason; the wait ends at the
//! operation's deadline (its `timeouts` value) or when Terraform asks the provider to stop.

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

/// When to poll.
///
/// The first poll comes after `first_delay`; each later one comes
/// `clamp(overshoot × time waited so far, min_interval, max_delay)` after the previous
/// poll started. A transition at time `T` into the wait is therefore seen by a poll
/// starting at most `max(min_interval, overshoot × T)` after it.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitOptions {
    /// Delay before the first poll.
    pub first_delay: Duration,
    /// The shortest interval between two polls (keeps one waiter's reads under AWS's
    /// read rate limits).
    pub min_interval: Duration,
    /// The interval as a fraction of the time already waited: the most a wait can
    /// overshoot a transition, relative to how long the transition took.
    pub overshoot: f64,
    /// The longest interval between two polls.
    pub max_delay: Duration,
}

impl WaitOptions {
    /// The default shortest interval between polls: at most four reads a second per
    /// waiter, where AWS Lambda's control plane allows 15 per second per account
    /// (GetFunction, GetCapacityProvider...).
    pub const DEFAULT_MIN_INTERVAL: Duration = Duration::from_millis(250);

    /// The interval after a poll that started `waited` into the wait.
    pub fn interval(&self, waited: Duration) -> Duration {
        let max = self.max_delay.max(self.min_interval);
        waited
            .mul_f64(self.overshoot.max(0.0))
            .clamp(self.min_interval, max)
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(250),
            min_interval: Self::DEFAULT_MIN_INTERVAL,
            overshoot: 0.1,
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
    let start = Instant::now();
    let mut next_poll = start + opts.first_delay;
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
        let delay = next_poll.saturating_duration_since(Instant::now());
        budget.sleep(delay.min(remaining), &operation).await?;
        let poll_started = Instant::now();
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
        next_poll = poll_started + opts.interval(poll_started - start);
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

    /// One poll of [`ready_after_with_latency`].
    type Poll = std::pin::Pin<Box<dyn Future<Output = Result<Status<()>, Error>>>>;

    /// A status function whose poll takes `latency` and sees the target state once
    /// `ready_after` has passed (at the end of the call); records when each poll started.
    fn ready_after_with_latency(
        ready_after: Duration,
        latency: Duration,
        starts: Arc<Mutex<Vec<Duration>>>,
    ) -> impl FnMut() -> Poll {
        let start = Instant::now();
        move || {
            let starts = starts.clone();
            Box::pin(async move {
                if let Ok(mut v) = starts.lock() {
                    v.push(start.elapsed());
                }
                tokio::time::sleep(latency).await;
                Ok(if start.elapsed() >= ready_after {
                    Status::Ready(())
                } else {
                    Status::Pending("Pending".into())
                })
            })
        }
    }

    /// The schedule's promise: a transition `t` into the wait is seen at most
    /// `max(min_interval, 10 % of t)` late (plus the poll's own latency; the first poll
    /// comes after `first_delay`), from transitions of a fraction of a second to ten
    /// minutes; and no two polls of one waiter start closer than `min_interval`.
    #[tokio::test(start_paused = true)]
    async fn overshoot_is_at_most_a_tenth_of_the_time_waited() {
        let opts = WaitOptions::default();
        let latency = Duration::from_millis(20);
        let mut t = Duration::from_millis(100);
        while t <= Duration::from_secs(600) {
            let starts = Arc::new(Mutex::new(Vec::new()));
            let begin = Instant::now();
            let r = wait_for(
                "thing",
                &opts,
                &budget(3600),
                ready_after_with_latency(t, latency, starts.clone()),
            )
            .await;
            assert_eq!(r, Ok(()));
            let overshoot = begin.elapsed().saturating_sub(t);
            let allowed = opts.min_interval.max(opts.first_delay).max(t.mul_f64(0.1)) + latency;
            assert!(
                overshoot <= allowed,
                "transition at {t:?} seen {overshoot:?} late (allowed {allowed:?})"
            );
            if t >= Duration::from_secs(3) {
                assert!(
                    overshoot <= t.mul_f64(0.1) + latency,
                    "transition at {t:?} seen {overshoot:?} late"
                );
            }
            let starts = starts.lock().map(|v| v.clone()).unwrap_or_default();
            let min_gap = starts.windows(2).map(|w| w[1] - w[0]).min();
            assert!(
                min_gap.is_none_or(|g| g >= opts.min_interval),
                "polls {min_gap:?} apart for a transition at {t:?}"
            );
            t = t.mul_f64(1.37);
        }
    }

    /// Ten minutes of waiting cost tens of polls, not thousands, and at most four reads
    /// in any second.
    #[tokio::test(start_paused = true)]
    async fn a_long_wait_polls_sparingly() {
        let starts = Arc::new(Mutex::new(Vec::new()));
        let r = wait_for(
            "thing",
            &WaitOptions::default(),
            &budget(3600),
            ready_after_with_latency(
                Duration::from_secs(600),
                Duration::from_millis(20),
                starts.clone(),
            ),
        )
        .await;
        assert_eq!(r, Ok(()));
        let starts = starts.lock().map(|v| v.clone()).unwrap_or_default();
        assert!(starts.len() <= 100, "{} polls", starts.len());
        let busiest = starts
            .iter()
            .map(|&s| {
                starts
                    .iter()
                    .filter(|&&o| o >= s && o < s + Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or_default();
        assert!(busiest <= 4, "{busiest} polls in one second");
    }

    #[test]
    fn interval_grows_with_the_time_waited_between_its_bounds() {
        let opts = WaitOptions::default();
        assert_eq!(opts.interval(Duration::ZERO), Duration::from_millis(250));
        assert_eq!(
            opts.interval(Duration::from_secs(2)),
            Duration::from_millis(250)
        );
        assert_eq!(
            opts.interval(Duration::from_secs(30)),
            Duration::from_secs(3)
        );
        assert_eq!(
            opts.interval(Duration::from_secs(3600)),
            Duration::from_secs(10)
        );
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
