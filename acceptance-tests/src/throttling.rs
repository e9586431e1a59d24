//! Enforced request-rate quotas (opt-in): Lambda's control-plane quotas per
//! account, region and quota class, answered as AWS does when a bucket is
//! empty — `429 TooManyRequestsException` with `Retry-After` — so a client's
//! own rate limiting can be tested against something that pushes back.
//!
//! Each (account, region, class) has a token bucket that holds one second of
//! requests (at least one) and refills at the class's rate. AWS does not
//! publish its buckets' burst sizes; one second's worth is the reading of
//! "N requests per second" that allows no more than N in any second after an
//! idle one.
//!
//! The numbers are AWS's published quotas (see the provider's
//! `aws::rate_limit::quotas`, which cites them; a provider test checks that
//! the two tables agree).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A group of Lambda operations that share one quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaClass {
    /// Create/Update/DeleteCapacityProvider, combined.
    CapacityProviderWrites,
    /// GetCapacityProvider, ListCapacityProviders,
    /// ListFunctionVersionsByCapacityProvider, combined.
    CapacityProviderReads,
    /// GetFunction.
    GetFunction,
    /// GetPolicy.
    GetPolicy,
    /// Every other control-plane operation, combined.
    ControlPlane,
}

impl QuotaClass {
    /// The quota class of the Lambda operation `operation`; `None` for
    /// invocations, whose quota follows concurrency, not a request rate.
    pub fn of_lambda(operation: &str) -> Option<QuotaClass> {
        Some(match operation {
            "CreateCapacityProvider" | "UpdateCapacityProvider" | "DeleteCapacityProvider" => {
                QuotaClass::CapacityProviderWrites
            }
            "GetCapacityProvider"
            | "ListCapacityProviders"
            | "ListFunctionVersionsByCapacityProvider" => QuotaClass::CapacityProviderReads,
            "GetFunction" => QuotaClass::GetFunction,
            "GetPolicy" => QuotaClass::GetPolicy,
            "Invoke" | "InvokeAsync" | "InvokeWithResponseStream" => return None,
            _ => QuotaClass::ControlPlane,
        })
    }
}

/// Requests per second per quota class, per account and region. Fields left
/// out of a JSON body keep AWS's quota.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Capacity provider writes.
    pub capacity_provider_writes: f64,
    /// Capacity provider reads.
    pub capacity_provider_reads: f64,
    /// GetFunction.
    pub get_function: f64,
    /// GetPolicy.
    pub get_policy: f64,
    /// The rest of the control plane.
    pub control_plane: f64,
}

impl RateLimits {
    /// AWS's published quotas: capacity provider writes 1/s and reads 15/s
    /// (Lambda Managed Instances quotas); GetFunction 100/s, GetPolicy 15/s
    /// and the rest of the control plane 15/s (Lambda quotas, "Lambda API
    /// requests"). None can be increased.
    pub const AWS: RateLimits = RateLimits {
        capacity_provider_writes: 1.0,
        capacity_provider_reads: 15.0,
        get_function: 100.0,
        get_policy: 15.0,
        control_plane: 15.0,
    };

    /// Requests per second of `class`.
    pub fn per_second(&self, class: QuotaClass) -> f64 {
        match class {
            QuotaClass::CapacityProviderWrites => self.capacity_provider_writes,
            QuotaClass::CapacityProviderReads => self.capacity_provider_reads,
            QuotaClass::GetFunction => self.get_function,
            QuotaClass::GetPolicy => self.get_policy,
            QuotaClass::ControlPlane => self.control_plane,
        }
    }

    /// Sets `name` (a field name, as in JSON) to `per_second`; `false` if
    /// there is no such field.
    pub fn set(&mut self, name: &str, per_second: f64) -> bool {
        let field = match name {
            "capacity_provider_writes" => &mut self.capacity_provider_writes,
            "capacity_provider_reads" => &mut self.capacity_provider_reads,
            "get_function" => &mut self.get_function,
            "get_policy" => &mut self.get_policy,
            "control_plane" => &mut self.control_plane,
            _ => return false,
        };
        *field = per_second;
        true
    }

    /// Why these limits cannot be enforced (a rate that is not positive).
    pub fn problem(&self) -> Option<String> {
        [
            ("capacity_provider_writes", self.capacity_provider_writes),
            ("capacity_provider_reads", self.capacity_provider_reads),
            ("get_function", self.get_function),
            ("get_policy", self.get_policy),
            ("control_plane", self.control_plane),
        ]
        .into_iter()
        .find(|(_, v)| !(v.is_finite() && *v > 0.0))
        .map(|(name, v)| {
            format!("{name} must be a positive number of requests per second, got {v}")
        })
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::AWS
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of the enforced quotas; enforces nothing without limits.
#[derive(Debug, Default)]
pub struct Throttler {
    limits: Option<RateLimits>,
    buckets: HashMap<(String, String, QuotaClass), Bucket>,
}

impl Throttler {
    /// A throttler enforcing `limits`, if any.
    pub fn new(limits: Option<RateLimits>) -> Self {
        Self {
            limits,
            buckets: HashMap::new(),
        }
    }

    /// The limits enforced, if any.
    pub fn limits(&self) -> Option<RateLimits> {
        self.limits
    }

    /// Replaces the limits (`None` stops enforcing) and refills every bucket.
    pub fn set_limits(&mut self, limits: Option<RateLimits>) {
        self.limits = limits;
        self.buckets.clear();
    }

    /// Takes a token for a call of the Lambda `operation` in `account` and
    /// `region` at `now`: `None` when the call may run, or the `Retry-After`
    /// seconds to answer a throttled one with.
    pub fn admit(
        &mut self,
        account: &str,
        region: &str,
        operation: &str,
        now: Instant,
    ) -> Option<u64> {
        let limits = self.limits?;
        let class = QuotaClass::of_lambda(operation)?;
        let rate = limits.per_second(class);
        if !(rate.is_finite() && rate > 0.0) {
            // Refused by `problem`; never divide by it.
            return None;
        }
        let capacity = rate.max(1.0);
        let bucket = self
            .buckets
            .entry((account.to_string(), region.to_string(), class))
            .or_insert(Bucket {
                tokens: capacity,
                at: now,
            });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return None;
        }
        let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / rate);
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";

    /// How many of `n` calls spread evenly over `secs` seconds are admitted.
    fn admitted(t: &mut Throttler, operation: &str, n: u32, secs: f64, start: Instant) -> u32 {
        (0..n)
            .filter(|i| {
                let at = start + Duration::from_secs_f64(secs * f64::from(*i) / f64::from(n));
                t.admit(ACCOUNT, "us-east-1", operation, at).is_none()
            })
            .count() as u32
    }

    #[test]
    fn nothing_is_enforced_without_limits() {
        let mut t = Throttler::default();
        let now = Instant::now();
        assert_eq!(
            admitted(&mut t, "CreateCapacityProvider", 100, 0.0, now),
            100
        );
    }

    #[test]
    fn capacity_provider_writes_are_one_per_second() {
        let mut t = Throttler::new(Some(RateLimits::AWS));
        let start = Instant::now();
        assert_eq!(
            t.admit(ACCOUNT, "us-east-1", "CreateCapacityProvider", start),
            None
        );
        // A second write in the same second is throttled, whatever its kind.
        let soon = start + Duration::from_millis(500);
        assert_eq!(
            t.admit(ACCOUNT, "us-east-1", "DeleteCapacityProvider", soon),
            Some(1)
        );
        // Reads and other operations have buckets of their own.
        assert_eq!(
            t.admit(ACCOUNT, "us-east-1", "GetCapacityProvider", soon),
            None
        );
        assert_eq!(t.admit(ACCOUNT, "us-east-1", "CreateFunction", soon), None);
        // One second after the first, there is a token again.
        let later = start + Duration::from_millis(1000);
        assert_eq!(
            t.admit(ACCOUNT, "us-east-1", "UpdateCapacityProvider", later),
            None
        );
        // 100 writes over 10 s: the first and one per second after it.
        let mut t = Throttler::new(Some(RateLimits::AWS));
        assert_eq!(
            admitted(&mut t, "CreateCapacityProvider", 100, 10.0, start),
            10
        );
    }

    #[test]
    fn reads_allow_a_second_of_burst_then_fifteen_per_second() {
        let mut t = Throttler::new(Some(RateLimits::AWS));
        let start = Instant::now();
        assert_eq!(admitted(&mut t, "GetCapacityProvider", 100, 0.0, start), 15);
        let start = start + Duration::from_secs(10);
        let mut t = Throttler::new(Some(RateLimits::AWS));
        // 300 reads over 10 s: 15 at first, then 15 per second.
        let n = admitted(&mut t, "ListCapacityProviders", 300, 10.0, start);
        assert!((160..=166).contains(&n), "{n}");
    }

    #[test]
    fn accounts_and_regions_have_separate_buckets() {
        let mut t = Throttler::new(Some(RateLimits::AWS));
        let now = Instant::now();
        for (account, region) in [
            (ACCOUNT, "us-east-1"),
            (ACCOUNT, "eu-west-1"),
            ("210987654321", "us-east-1"),
        ] {
            assert_eq!(
                t.admit(account, region, "CreateCapacityProvider", now),
                None
            );
        }
        assert!(
            t.admit(ACCOUNT, "eu-west-1", "CreateCapacityProvider", now)
                .is_some()
        );
    }

    #[test]
    fn invocations_are_not_rate_limited_and_retry_after_is_whole_seconds() {
        let mut t = Throttler::new(Some(RateLimits::AWS));
        let now = Instant::now();
        assert_eq!(admitted(&mut t, "Invoke", 1000, 0.0, now), 1000);
        let mut slow = RateLimits::AWS;
        assert!(slow.set("capacity_provider_writes", 0.2));
        assert!(!slow.set("bogus", 1.0));
        t.set_limits(Some(slow));
        assert_eq!(
            t.admit(ACCOUNT, "us-east-1", "CreateCapacityProvider", now),
            None
        );
        assert_eq!(
            t.admit(ACCOUNT, "us-east-1", "CreateCapacityProvider", now),
            Some(5)
        );
        let mut fast = RateLimits::AWS;
        fast.set("get_function", 1000.0);
        t.set_limits(Some(fast));
        assert_eq!(admitted(&mut t, "GetFunction", 1001, 0.0, now), 1000);
        assert_eq!(t.admit(ACCOUNT, "us-east-1", "GetFunction", now), Some(1));
    }

    #[test]
    fn limits_must_be_positive() {
        assert_eq!(RateLimits::AWS.problem(), None);
        let mut bad = RateLimits::AWS;
        bad.set("control_plane", 0.0);
        assert!(bad.problem().is_some_and(|p| p.contains("control_plane")));
        let partial: RateLimits =
            serde_json::from_str(r#"{"capacity_provider_writes": 10}"#).unwrap_or_default();
        assert_eq!(partial.capacity_provider_writes, 10.0);
        assert_eq!(partial.capacity_provider_reads, 15.0);
        assert!(serde_json::from_str::<RateLimits>(r#"{"writes": 10}"#).is_err());
    }
}
