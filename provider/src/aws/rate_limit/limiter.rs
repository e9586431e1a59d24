//! [`RateLimiter`]: every AWS call of the provider process waits here for its turn in
//! the bucket of its (account, region, operation class) before it is sent.
//!
//! Calls of one bucket are paced evenly, one every `1 / rate` seconds plus a margin of
//! [`PACING_MARGIN`] (a token bucket that holds one token; GCRA with no burst): a bucket
//! that was idle lets its next call go at once, and calls that come together leave one
//! by one. AWS counts calls when they arrive, and network and scheduling delays shift
//! arrivals by milliseconds either way: at exactly `1 / rate` apart, a call delayed less
//! than the one before it arrives early and is throttled by a bucket that holds one call
//! (measured against the emulator at 1 write per second: 29 of 79 creates of 50 capacity
//! providers throttled without the margin). Pacing evenly, a little under the rate,
//! keeps the calls AWS sees within its bucket.
//!
//! Capacity provider writes are paced from the first call: their quota is one per second
//! and any burst of creates exceeds it, and a throttled create storm is what costs
//! minutes. The other classes are paced once AWS has throttled one of their calls
//! ([`RateLimiter::throttled`]; per bucket, for the rest of the process), as the AWS
//! SDKs' adaptive retry mode does: most plans read a few dozen objects, which AWS
//! answers at once, and pacing them from the first call would make a refresh of 100
//! capacity providers take at least 100 ÷ 15 ≈ 7 s even where AWS never throttles (an
//! account whose buckets absorb the burst, or the emulator). Once AWS has said the quota
//! is reached, every later call of that bucket waits for its turn, so a long plan or many
//! waiters throttle once rather than all the time.
//!
//! The wait is part of the call: it ends with [`Error::Stopped`] as soon as Terraform
//! asks the provider to stop, and a turn that would come after the operation's deadline
//! fails at once with [`Error::Timeout`] instead of being waited for. A turn given up
//! (stop, timeout, or the call's future dropped) is handed back when no later call has
//! queued behind it.
//!
//! Hand-written rather than taken from a crate (`governor` is the well-kept one): the
//! whole job is a map of "next free instant" per bucket behind a mutex, and on tokio's
//! clock it runs under `tokio::time::pause` in tests, and stops with the budget.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::quotas::{OperationClass, RateLimits};
use crate::aws::error::Error;
use crate::aws::retry::Budget;

/// How much further apart than `1 / rate` calls of one bucket are sent: 5 %, so an
/// arrival may be 50 ms early at 1 call per second without being throttled.
pub const PACING_MARGIN: f64 = 0.05;

/// Whose quota a call counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Turn<'a> {
    /// The AWS account (empty when it is not known: `skip_credentials_validation`).
    pub account: &'a str,
    /// The region the call goes to.
    pub region: &'a str,
    /// The AWS operation, e.g. `GetCapacityProvider` (see [`OperationClass::of`]).
    pub operation: &'a str,
}

/// A bucket: one (account, region, operation class).
type Key = (String, String, OperationClass);

/// The rate limits of one provider process, shared by every resource, data source and
/// region through [`crate::aws::AwsClients`].
#[derive(Debug)]
pub struct RateLimiter {
    limits: RateLimits,
    /// The earliest instant the next call of each bucket may leave.
    next: Mutex<HashMap<Key, Instant>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(RateLimits::AWS)
    }
}

impl RateLimiter {
    /// A limiter with `limits` (each rate must be positive: the provider block checks it).
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// The time between two calls of `class`: `1 / rate`, plus [`PACING_MARGIN`].
    pub fn interval(&self, class: OperationClass) -> Duration {
        let per_second = self.limits.per_second(class);
        if per_second.is_finite() && per_second > 0.0 {
            Duration::from_secs_f64(((1.0 + PACING_MARGIN) / per_second).min(3600.0))
        } else {
            Duration::ZERO
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Instant>> {
        // The map holds plain instants: a panic while holding the lock cannot leave it
        // inconsistent.
        self.next.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until `turn`'s call may be sent. Calls of operations without a quota (see
    /// [`OperationClass::of`]) go at once.
    pub async fn wait_turn(&self, turn: Turn<'_>, budget: &Budget) -> Result<(), Error> {
        let Some(class) = OperationClass::of(turn.operation) else {
            return Ok(());
        };
        let interval = self.interval(class);
        if interval.is_zero() {
            return Ok(());
        }
        let key: Key = (turn.account.to_string(), turn.region.to_string(), class);
        let now = Instant::now();
        let at = {
            let mut next = self.lock();
            let entry = if class.paced_from_the_first_call() {
                next.entry(key.clone()).or_insert(now)
            } else {
                match next.get_mut(&key) {
                    Some(entry) => entry,
                    // Not throttled yet: no pacing.
                    None => return Ok(()),
                }
            };
            let at = (*entry).max(now);
            if at > budget.deadline {
                return Err(Error::Timeout {
                    operation: format!(
                        "{} (its turn under the rate limit of {} requests per second in {} \
                         comes after the deadline)",
                        turn.operation,
                        self.limits.per_second(class),
                        turn.region
                    ),
                    timeout: budget.timeout,
                    last: None,
                });
            }
            *entry = at + interval;
            at
        };
        if at <= now {
            return Ok(());
        }
        let reservation = Reservation {
            limiter: self,
            key,
            at,
            interval,
            used: false,
        };
        tracing::trace!(
            operation = turn.operation,
            region = turn.region,
            wait_ms = (at - now).as_millis() as u64,
            "waiting for the rate limit"
        );
        tokio::select! {
            biased;
            _ = budget.stop.cancelled() => {
                Err(Error::Stopped { operation: turn.operation.to_string() })
            }
            _ = tokio::time::sleep_until(at) => {
                reservation.used();
                Ok(())
            }
        }
    }
}

impl RateLimiter {
    /// AWS throttled a call of `turn`'s bucket: from now on its calls are paced (a no-op
    /// for buckets paced from the first call, and for operations without a quota).
    pub fn throttled(&self, turn: Turn<'_>) {
        let Some(class) = OperationClass::of(turn.operation) else {
            return;
        };
        if class.paced_from_the_first_call() || self.interval(class).is_zero() {
            return;
        }
        let key: Key = (turn.account.to_string(), turn.region.to_string(), class);
        if let std::collections::hash_map::Entry::Vacant(bucket) = self.lock().entry(key) {
            tracing::debug!(
                operation = turn.operation,
                region = turn.region,
                per_second = self.limits.per_second(class),
                "AWS throttled a call: pacing this quota's calls from now on"
            );
            bucket.insert(Instant::now());
        }
    }
}

/// A turn taken but not used yet: dropped unused (stop, or the caller's future
/// dropped), it is handed back if it is still the last one of its bucket.
struct Reservation<'a> {
    limiter: &'a RateLimiter,
    key: Key,
    at: Instant,
    interval: Duration,
    used: bool,
}

impl Reservation<'_> {
    fn used(mut self) {
        self.used = true;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.used {
            return;
        }
        let mut next = self.limiter.lock();
        if let Some(entry) = next.get_mut(&self.key)
            && *entry == self.at + self.interval
        {
            *entry = self.at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio_util::sync::CancellationToken;

    fn budget(secs: u64) -> Budget {
        Budget::new(Duration::from_secs(secs), CancellationToken::new())
    }

    /// The time between two capacity provider writes at AWS's quota: 1.05 s.
    fn write_step() -> Duration {
        RateLimiter::default().interval(OperationClass::CapacityProviderWrite)
    }

    fn turn<'a>(region: &'a str, operation: &'a str) -> Turn<'a> {
        Turn {
            account: "123456789012",
            region,
            operation,
        }
    }

    /// Starts `n` tasks that each make `calls` calls of `operation` in `region` through
    /// `limiter`; returns the instants (since `start`) at which the calls were let go.
    async fn run(
        limiter: &Arc<RateLimiter>,
        tasks: usize,
        calls: usize,
        region: &'static str,
        operation: &'static str,
    ) -> Vec<Duration> {
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..tasks {
            let limiter = limiter.clone();
            handles.push(tokio::spawn(async move {
                let b = budget(3600);
                let mut at = Vec::new();
                for _ in 0..calls {
                    limiter
                        .wait_turn(turn(region, operation), &b)
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    at.push(start.elapsed());
                }
                at
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap_or_else(|e| panic!("{e}")));
        }
        all.sort();
        all
    }

    /// At most `rate × window + 1` of `times` in any window of `window`.
    fn max_in_window(times: &[Duration], window: Duration) -> usize {
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < times[i] + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn capacity_provider_writes_go_one_per_second() {
        let limiter = Arc::new(RateLimiter::default());
        let times = run(&limiter, 10, 3, "us-east-1", "CreateCapacityProvider").await;
        assert_eq!(times.len(), 30);
        // Evenly paced: the first at once, then one per second (and the margin).
        assert_eq!(write_step(), Duration::from_millis(1050));
        for (i, t) in times.iter().enumerate() {
            assert_eq!(*t, write_step() * i as u32, "call {i}");
        }
        assert_eq!(max_in_window(&times, Duration::from_secs(1)), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn reads_go_fifteen_per_second_and_writes_do_not_slow_them() {
        let limiter = Arc::new(RateLimiter::default());
        let writes = {
            let limiter = limiter.clone();
            tokio::spawn(
                async move { run(&limiter, 5, 2, "us-east-1", "DeleteCapacityProvider").await },
            )
        };
        limiter.throttled(turn("us-east-1", "GetCapacityProvider"));
        let reads = run(&limiter, 10, 15, "us-east-1", "GetCapacityProvider").await;
        assert_eq!(reads.len(), 150);
        // 150 reads at 15/s: the last leaves after 149/15 s, not before.
        let last = reads[149];
        let expected = Duration::from_secs_f64(149.0 / 15.0 * (1.0 + PACING_MARGIN));
        assert!(
            last >= expected - Duration::from_millis(2)
                && last <= expected + Duration::from_millis(50),
            "{last:?}"
        );
        assert!(max_in_window(&reads, Duration::from_secs(1)) <= 15);
        // The writes had their own bucket: 10 of them in 9 s, while the reads went on.
        let writes = writes.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(writes.last().copied(), Some(write_step() * 9));
    }

    /// Two resources of one provider (two tasks holding the same clients) share the
    /// account's bucket: together they go no faster than one of them alone.
    #[tokio::test(start_paused = true)]
    async fn resources_share_one_bucket_per_account_and_region() {
        let limiter = Arc::new(RateLimiter::default());
        let a = {
            let l = limiter.clone();
            tokio::spawn(async move { run(&l, 1, 5, "us-east-1", "CreateCapacityProvider").await })
        };
        let b = {
            let l = limiter.clone();
            tokio::spawn(async move { run(&l, 1, 5, "us-east-1", "UpdateCapacityProvider").await })
        };
        let mut all = a.await.unwrap_or_else(|e| panic!("{e}"));
        all.extend(b.await.unwrap_or_else(|e| panic!("{e}")));
        all.sort();
        assert_eq!(all.len(), 10);
        assert_eq!(all[9], write_step() * 9);
        assert_eq!(max_in_window(&all, Duration::from_secs(1)), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn regions_and_accounts_have_separate_buckets() {
        let limiter = Arc::new(RateLimiter::default());
        let east = {
            let l = limiter.clone();
            tokio::spawn(async move { run(&l, 4, 1, "us-east-1", "CreateCapacityProvider").await })
        };
        let west = run(&limiter, 4, 1, "eu-west-1", "CreateCapacityProvider").await;
        let east = east.await.unwrap_or_else(|e| panic!("{e}"));
        let steps: Vec<Duration> = (0..4).map(|i| write_step() * i).collect();
        assert_eq!(east, steps);
        assert_eq!(west, steps);

        // Another account in the same region has its own bucket too.
        let b = budget(60);
        let start = Instant::now();
        for account in ["111111111111", "222222222222"] {
            let t = Turn {
                account,
                ..turn("us-east-1", "DeleteCapacityProvider")
            };
            limiter
                .wait_turn(t, &b)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn operations_without_a_quota_are_not_held() {
        let limiter = RateLimiter::default();
        let b = budget(60);
        let start = Instant::now();
        for op in ["Invoke", "GetCallerIdentity", "DescribeSubnets"] {
            for _ in 0..100 {
                limiter
                    .wait_turn(turn("us-east-1", op), &b)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn configured_limits_replace_aws_quotas() {
        let limiter =
            RateLimiter::new(RateLimits::AWS.with(OperationClass::CapacityProviderWrite, 10.0));
        let step = limiter.interval(OperationClass::CapacityProviderWrite);
        assert_eq!(step, Duration::from_millis(105));
        let times = run(
            &Arc::new(limiter),
            5,
            4,
            "us-east-1",
            "CreateCapacityProvider",
        )
        .await;
        assert_eq!(times[19], step * 19);
        assert_eq!(max_in_window(&times, Duration::from_secs(1)), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_ends_the_wait_and_hands_the_turn_back() {
        let limiter = Arc::new(RateLimiter::default());
        let b = budget(3600);
        let t = turn("us-east-1", "CreateCapacityProvider");
        limiter
            .wait_turn(t, &b)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // The next turn is in one second; Terraform stops after 100 ms.
        let stop = CancellationToken::new();
        let stopped = Budget::new(Duration::from_secs(3600), stop.clone());
        let s = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            s.cancel();
        });
        let start = Instant::now();
        let r = limiter.wait_turn(t, &stopped).await;
        assert!(matches!(r, Err(Error::Stopped { .. })), "{r:?}");
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        // The turn given up is free again: the next call leaves after one step, not two.
        limiter
            .wait_turn(t, &b)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.elapsed(), write_step());
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_call_hands_its_turn_back() {
        let limiter = RateLimiter::default();
        let b = budget(3600);
        let t = turn("us-east-1", "CreateCapacityProvider");
        limiter
            .wait_turn(t, &b)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let start = Instant::now();
        // The caller gives up (e.g. Terraform's own cancellation drops the future).
        let r = tokio::time::timeout(Duration::from_millis(300), limiter.wait_turn(t, &b)).await;
        assert!(r.is_err());
        limiter
            .wait_turn(t, &b)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.elapsed(), write_step());
    }

    #[tokio::test(start_paused = true)]
    async fn a_turn_after_the_deadline_fails_at_once() {
        let limiter = Arc::new(RateLimiter::default());
        let t = turn("us-east-1", "CreateCapacityProvider");
        // Five calls queue up: they leave at 0, 1, 2, 3 and 4 steps of 1.05 s.
        let mut queued = Vec::new();
        for _ in 0..5 {
            let l = limiter.clone();
            queued.push(tokio::spawn(
                async move { l.wait_turn(t, &budget(3600)).await },
            ));
        }
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        // The next turn is at 5.25 s: an operation with 2 s left fails now.
        let short = Budget::new(Duration::from_secs(2), CancellationToken::new());
        let start = Instant::now();
        let r = limiter.wait_turn(t, &short).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        match r {
            Err(Error::Timeout { operation, .. }) => {
                assert!(operation.contains("CreateCapacityProvider"), "{operation}");
                assert!(
                    operation.contains("rate limit of 1 requests per second in us-east-1"),
                    "{operation}"
                );
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        for q in queued {
            assert!(matches!(q.await, Ok(Ok(()))));
        }
        assert_eq!(start.elapsed(), write_step() * 4);
        // Having taken no turn, it delays nobody: the next call leaves at 5 steps.
        limiter
            .wait_turn(t, &budget(60))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.elapsed(), write_step() * 5);
    }

    /// Fifty waiters polling their capacity providers at once (as fifty creates do)
    /// poll no faster together than AWS's read quota: their polls go through the
    /// shared bucket like every other read.
    #[tokio::test(start_paused = true)]
    async fn waiters_never_poll_faster_than_the_read_quota() {
        use crate::aws::waiter::{Status, WaitOptions, wait_for};
        let limiter = Arc::new(RateLimiter::default());
        limiter.throttled(turn("us-east-1", "GetCapacityProvider"));
        let start = Instant::now();
        let polls = Arc::new(Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for i in 0..50 {
            let limiter = limiter.clone();
            let polls = polls.clone();
            waiters.push(tokio::spawn(async move {
                let b = budget(600);
                let mut seen = 0;
                wait_for(
                    &format!("capacity provider {i} to become Active"),
                    &WaitOptions::default(),
                    &b,
                    || {
                        seen += 1;
                        let ready = seen >= 4;
                        let limiter = limiter.clone();
                        let polls = polls.clone();
                        let b = b.clone();
                        async move {
                            limiter
                                .wait_turn(turn("us-east-1", "GetCapacityProvider"), &b)
                                .await?;
                            polls.lock().map(|mut p| p.push(start.elapsed())).ok();
                            Ok(if ready {
                                Status::Ready(())
                            } else {
                                Status::Pending("Pending".into())
                            })
                        }
                    },
                )
                .await
            }));
        }
        for w in waiters {
            assert!(matches!(w.await, Ok(Ok(()))));
        }
        let mut polls = polls.lock().map(|p| p.clone()).unwrap_or_default();
        polls.sort();
        assert_eq!(polls.len(), 200);
        assert!(max_in_window(&polls, Duration::from_secs(1)) <= 15);
        // 200 polls at 15 per second take at least 199/15 s (and the margin).
        assert!(
            polls[199]
                >= Duration::from_secs_f64(199.0 / 15.0 * (1.0 + PACING_MARGIN))
                    - Duration::from_millis(2),
            "{:?}",
            polls[199]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn reads_go_at_once_until_aws_throttles_one() {
        let limiter = Arc::new(RateLimiter::default());
        let burst = run(&limiter, 10, 10, "us-east-1", "GetCapacityProvider").await;
        assert_eq!(
            burst.last().copied(),
            Some(Duration::ZERO),
            "100 reads at once"
        );
        // AWS throttles one: the bucket is paced from then on, for every caller.
        limiter.throttled(turn("us-east-1", "GetCapacityProvider"));
        let paced = run(&limiter, 10, 3, "us-east-1", "GetCapacityProvider").await;
        assert!(
            max_in_window(&paced, Duration::from_secs(1)) <= 15,
            "{paced:?}"
        );
        let expected = Duration::from_secs_f64(29.0 / 15.0 * (1.0 + PACING_MARGIN));
        assert!(
            paced[29] >= expected - Duration::from_millis(2),
            "{paced:?}"
        );
        // Other buckets (another region, another class) are not paced by it.
        let other = run(&limiter, 5, 5, "eu-west-1", "GetCapacityProvider").await;
        assert_eq!(other.last().copied(), Some(Duration::ZERO));
        let functions = run(&limiter, 5, 5, "us-east-1", "GetFunction").await;
        assert_eq!(functions.last().copied(), Some(Duration::ZERO));
    }
}
