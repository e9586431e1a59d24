//! Fault injection and call accounting.
//!
//! A fault rule matches an operation name (`CreateCapacityProvider`, or `*`
//! for every AWS operation) and fires either for the next `count` matching
//! calls or with a `probability` on each call. Every AWS call is counted per
//! operation, with the number of calls that received a fault, so tests can
//! prove a client retried; [`InFlight`] counts the calls being handled at
//! once, so tests can prove a client sent two calls together.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::ids;

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Throttling: Lambda `429 TooManyRequestsException` with `Retry-After`,
    /// EC2 `503 RequestLimitExceeded`, STS `400 Throttling`.
    Throttle,
    /// Server error: Lambda `500 ServiceException`, EC2 `500 InternalError`,
    /// STS `500 InternalFailure`.
    ServerError,
    /// Delay the call by `latency_ms`, then handle it normally.
    Latency,
    /// Close the TCP connection without sending a response, before the call
    /// is handled (it changes nothing).
    Drop,
    /// Handle the call (it takes effect), then close the TCP connection
    /// without sending the response: the client cannot tell this from
    /// [`FaultKind::Drop`], and its retry of a create then meets the object
    /// the lost call made.
    DropResponse,
    /// Lambda `409 ResourceConflictException` ("… An update is in progress
    /// for resource: …"), as while another change is applied. Lambda only:
    /// the EC2 and STS calls the emulator serves have no conflicting state,
    /// so conflict rules never match them (nor spend their `count` on them).
    Conflict,
}

/// A fault rule as submitted to `POST /_emulator/faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Operation name, or `*` for all.
    #[serde(default = "any_operation")]
    pub operation: String,
    /// What to do.
    pub kind: FaultKind,
    /// Fire for the next `count` matching calls, then disappear.
    #[serde(default)]
    pub count: Option<u64>,
    /// Fire with this probability (0.0–1.0) on each matching call; defaults
    /// to 1.0. Combined with `count`, the rule still expires after `count`
    /// firings.
    #[serde(default)]
    pub probability: Option<f64>,
    /// Delay for [`FaultKind::Latency`] (default 1000 ms).
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// `Retry-After` seconds for [`FaultKind::Throttle`] (default 1).
    #[serde(default)]
    pub retry_after_seconds: Option<u64>,
}

fn any_operation() -> String {
    "*".into()
}

impl FaultSpec {
    /// A rule firing `count` times on `operation`.
    pub fn times(operation: &str, kind: FaultKind, count: u64) -> Self {
        Self {
            operation: operation.into(),
            kind,
            count: Some(count),
            probability: None,
            latency_ms: None,
            retry_after_seconds: None,
        }
    }

    /// A rule firing with `probability` on every call to `operation`.
    pub fn rate(operation: &str, kind: FaultKind, probability: f64) -> Self {
        Self {
            operation: operation.into(),
            kind,
            count: None,
            probability: Some(probability),
            latency_ms: None,
            retry_after_seconds: None,
        }
    }
}

/// An installed rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultRule {
    /// Rule ID.
    pub id: u64,
    /// The rule.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Firings left, if limited.
    pub remaining: Option<u64>,
    /// How many times the rule fired.
    #[serde(default)]
    pub fired: u64,
}

/// Per-operation call counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallStats {
    /// Calls received.
    pub calls: u64,
    /// Calls that received a fault (any kind, latency included).
    pub faulted: u64,
    /// Calls answered `429 TooManyRequestsException` because they exceeded
    /// an enforced rate limit (see `throttling`); injected throttles count
    /// as `faulted` instead.
    #[serde(default)]
    pub throttled: u64,
    /// Access key IDs the calls were signed with (empty for unsigned calls), so
    /// tests can tell which credentials a client used.
    #[serde(default)]
    pub access_keys: BTreeSet<String>,
}

/// What to do with one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injection {
    /// Delay by this many milliseconds, then continue.
    Latency(u64),
    /// Answer with a throttling error.
    Throttle {
        /// Seconds for `Retry-After`.
        retry_after_seconds: u64,
    },
    /// Answer with a server error.
    ServerError,
    /// Close the connection.
    Drop,
    /// Handle the call, then close the connection instead of answering.
    DropResponse,
    /// Answer with a conflict (Lambda only).
    Conflict,
}

/// Which API a call belongs to, for the faults that apply to one only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Lambda: every fault kind.
    Lambda,
    /// EC2 or STS: every kind but [`FaultKind::Conflict`].
    Query,
}

/// The fault rules and call counters.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<FaultRule>,
    calls: BTreeMap<String, CallStats>,
    next_id: u64,
}

impl Faults {
    /// Installs a rule and returns its ID.
    pub fn add(&mut self, spec: FaultSpec) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.rules.push(FaultRule {
            id,
            remaining: spec.count,
            spec,
            fired: 0,
        });
        id
    }

    /// The installed rules.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.clone()
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The call counters.
    pub fn calls(&self) -> BTreeMap<String, CallStats> {
        self.calls.clone()
    }

    /// Resets the call counters.
    pub fn clear_calls(&mut self) {
        self.calls.clear();
    }

    /// Counts a call of `operation` (already recorded by
    /// [`Faults::on_call`]) that was throttled by an enforced rate limit.
    pub fn record_throttled(&mut self, operation: &str) {
        self.calls
            .entry(operation.to_string())
            .or_default()
            .throttled += 1;
    }

    /// Records a call of `operation` of `api` signed with `access_key` and
    /// decides which faults it receives: every matching latency rule, then at
    /// most one of throttle, server error, drop (before or after handling)
    /// or conflict (the first matching rule that fires).
    pub fn on_call(&mut self, api: Api, operation: &str, access_key: &str) -> Vec<Injection> {
        let mut out = Vec::new();
        let mut terminal = false;
        for rule in &mut self.rules {
            if rule.spec.operation != "*" && rule.spec.operation != operation {
                continue;
            }
            if rule.remaining == Some(0) {
                continue;
            }
            if rule.spec.kind == FaultKind::Conflict && api != Api::Lambda {
                continue;
            }
            let is_latency = rule.spec.kind == FaultKind::Latency;
            if !is_latency && terminal {
                continue;
            }
            let p = rule.spec.probability.unwrap_or(1.0);
            if p < 1.0 && ids::next_f64() >= p {
                continue;
            }
            if let Some(n) = &mut rule.remaining {
                *n -= 1;
            }
            rule.fired += 1;
            out.push(match rule.spec.kind {
                FaultKind::Latency => Injection::Latency(rule.spec.latency_ms.unwrap_or(1000)),
                FaultKind::Throttle => {
                    terminal = true;
                    Injection::Throttle {
                        retry_after_seconds: rule.spec.retry_after_seconds.unwrap_or(1),
                    }
                }
                FaultKind::ServerError => {
                    terminal = true;
                    Injection::ServerError
                }
                FaultKind::Drop => {
                    terminal = true;
                    Injection::Drop
                }
                FaultKind::DropResponse => {
                    terminal = true;
                    Injection::DropResponse
                }
                FaultKind::Conflict => {
                    terminal = true;
                    Injection::Conflict
                }
            });
        }
        self.rules.retain(|r| r.remaining != Some(0));
        let stats = self.calls.entry(operation.to_string()).or_default();
        stats.calls += 1;
        if !access_key.is_empty() {
            stats.access_keys.insert(access_key.to_string());
        }
        if !out.is_empty() {
            stats.faulted += 1;
        }
        out
    }
}

/// How many AWS calls are being handled at once (`GET /_emulator/concurrency`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concurrency {
    /// The most calls handled at once since the call counters were last
    /// cleared (never less than `in_flight`).
    pub peak_in_flight: u64,
    /// Calls being handled now.
    pub in_flight: u64,
}

/// The AWS calls being handled at once, and their peak. A call counts from
/// [`InFlight::enter`] until its [`InFlightCall`] is dropped, so a call whose
/// connection is dropped, or that fails, stops counting too.
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Mutex<Concurrency>,
}

impl InFlight {
    fn counts(&self) -> MutexGuard<'_, Concurrency> {
        // Each update is one field at a time: a poisoned lock holds
        // consistent counts.
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts a call in flight until the returned guard is dropped.
    pub fn enter(&self) -> InFlightCall<'_> {
        let mut counts = self.counts();
        counts.in_flight += 1;
        counts.peak_in_flight = counts.peak_in_flight.max(counts.in_flight);
        InFlightCall { of: self }
    }

    /// The calls in flight now and their peak.
    pub fn get(&self) -> Concurrency {
        *self.counts()
    }

    /// Starts a new peak from the calls in flight now.
    pub fn clear_peak(&self) {
        let mut counts = self.counts();
        counts.peak_in_flight = counts.in_flight;
    }
}

/// One call in flight (see [`InFlight::enter`]); dropping it ends the call.
#[derive(Debug)]
pub struct InFlightCall<'a> {
    of: &'a InFlight,
}

impl Drop for InFlightCall<'_> {
    fn drop(&mut self) {
        let mut counts = self.of.counts();
        counts.in_flight = counts.in_flight.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_limited_rules_expire() {
        let mut f = Faults::default();
        f.add(FaultSpec::times("GetFunction", FaultKind::Throttle, 2));
        assert_eq!(f.on_call(Api::Lambda, "GetFunction", "AKID").len(), 1);
        assert_eq!(f.on_call(Api::Lambda, "ListTags", ""), vec![]);
        assert_eq!(f.on_call(Api::Lambda, "GetFunction", "AKID").len(), 1);
        assert_eq!(f.on_call(Api::Lambda, "GetFunction", "AKID"), vec![]);
        assert!(f.rules().is_empty());
        assert_eq!(
            f.calls()["GetFunction"],
            CallStats {
                calls: 3,
                faulted: 2,
                throttled: 0,
                access_keys: ["AKID".to_string()].into(),
            }
        );
    }

    #[test]
    fn wildcard_and_latency_combine() {
        let mut f = Faults::default();
        f.add(FaultSpec {
            latency_ms: Some(5),
            ..FaultSpec::rate("*", FaultKind::Latency, 1.0)
        });
        f.add(FaultSpec::times("*", FaultKind::ServerError, 1));
        assert_eq!(
            f.on_call(Api::Lambda, "X", "AKID"),
            vec![Injection::Latency(5), Injection::ServerError]
        );
        assert_eq!(
            f.on_call(Api::Lambda, "Y", "AKID"),
            vec![Injection::Latency(5)]
        );
        assert_eq!(f.rules()[0].fired, 2, "the latency rule fired twice");
    }

    #[test]
    fn conflicts_are_for_lambda_only() {
        let mut f = Faults::default();
        f.add(FaultSpec::times("*", FaultKind::Conflict, 1));
        assert_eq!(f.on_call(Api::Query, "DescribeVpcs", "AKID"), vec![]);
        assert_eq!(f.rules()[0].remaining, Some(1));
        assert_eq!(
            f.on_call(Api::Lambda, "UpdateFunctionConfiguration", "AKID"),
            vec![Injection::Conflict]
        );
        assert!(f.rules().is_empty());
        assert_eq!(f.calls()["DescribeVpcs"].faulted, 0);
    }

    #[test]
    fn in_flight_calls_and_their_peak() {
        let in_flight = InFlight::default();
        let first = in_flight.enter();
        let second = in_flight.enter();
        drop(first);
        assert_eq!(
            in_flight.get(),
            Concurrency {
                peak_in_flight: 2,
                in_flight: 1
            }
        );
        in_flight.clear_peak();
        assert_eq!(
            in_flight.get().peak_in_flight,
            1,
            "the call still in flight"
        );
        drop(second);
        let _third = in_flight.enter();
        assert_eq!(
            in_flight.get(),
            Concurrency {
                peak_in_flight: 1,
                in_flight: 1
            }
        );
    }
}
