//! Client-side rate limits (`rate_limits { … }` in the provider block) against an
//! emulator that enforces Lambda's quotas the way AWS does (`429
//! TooManyRequestsException` with `Retry-After` beyond them): an apply and a destroy of
//! fifty capacity providers see few or no throttling responses, where the same work
//! without client-side limiting is throttled again and again.
//!
//! To keep the wall time reasonable, both sides run capacity provider writes at 10 per
//! second instead of AWS's 1 (the reads stay at AWS's 15): the mechanism is the same,
//! and the defaults being AWS's numbers is checked apart (unit tests of
//! `aws::rate_limit`, and [`provider_and_emulator_agree_on_aws_quotas`]).

mod support;

use std::time::{Duration, Instant};

use acceptance_tests::{EmulatorOptions, RateLimits};
use serde_json::Value;
use support::{Acc, Expect, offline_workdir, setup};
use terraform_provider_lambda::aws::rate_limit::block::NAME as RATE_LIMITS;
use terraform_provider_lambda::aws::rate_limit::{OperationClass, RateLimits as ProviderLimits};

/// Capacity providers in the configuration.
const COUNT: usize = 50;

/// Capacity provider writes per second, on both sides.
const WRITES_PER_SECOND: f64 = 10.0;

/// The emulator's limits: AWS's, with writes at [`WRITES_PER_SECOND`].
fn enforced() -> EmulatorOptions {
    let mut limits = RateLimits::AWS;
    limits.set("capacity_provider_writes", WRITES_PER_SECOND);
    EmulatorOptions {
        rate_limits: Some(limits),
        ..EmulatorOptions::default()
    }
}

/// `COUNT` capacity providers, with `provider` inside the provider block.
fn fleet(acc: &Acc, provider: &str) -> String {
    let name = format!("{}-${{count.index}}", acc.name("rl"));
    acc.config(&name, provider, &format!("  count = {COUNT}\n"))
}

/// What the emulator counted.
struct Counted {
    /// Every call.
    calls: u64,
    /// Calls throttled by the enforced rate limits.
    throttled: u64,
    /// `CreateCapacityProvider` calls, and how many of them were throttled.
    creates: (u64, u64),
    /// `DeleteCapacityProvider` calls.
    deletes: u64,
}

impl Counted {
    fn of(acc: &Acc) -> Self {
        let calls = acc.emu().calls();
        let of = |op: &str| calls.get(op).map(|c| c.calls).unwrap_or(0);
        let throttled = |op: &str| calls.get(op).map(|c| c.throttled).unwrap_or(0);
        Self {
            calls: calls.values().map(|c| c.calls).sum(),
            throttled: calls.values().map(|c| c.throttled).sum(),
            creates: (
                of("CreateCapacityProvider"),
                throttled("CreateCapacityProvider"),
            ),
            deletes: of("DeleteCapacityProvider"),
        }
    }

    fn share_throttled(&self) -> f64 {
        self.throttled as f64 / self.calls.max(1) as f64
    }
}

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} calls ({} creates of which {} throttled, {} deletes), {} throttled ({:.1} %)",
            self.calls,
            self.creates.0,
            self.creates.1,
            self.deletes,
            self.throttled,
            100.0 * self.share_throttled()
        )
    }
}

/// The provider block's `rate_limits` far above any emulator limit: client-side
/// limiting practically off.
const UNLIMITED: &str = "capacity_provider_writes = 100000\n    capacity_provider_reads = 100000";

/// What one apply (and, if asked, the destroy after it) cost.
struct Run {
    apply: Counted,
    apply_time: Duration,
    /// The refresh of a `terraform plan` after the apply, when the fleet was destroyed.
    refresh: Option<(Counted, Duration)>,
    destroy: Option<(Counted, Duration)>,
}

/// Applies [`COUNT`] capacity providers with `rate_limits { limits }` (none when
/// empty) and Terraform's `-parallelism` (its default, 10, when `None`), checks that
/// they all exist, then destroys them if `destroy`.
fn run(acc: &Acc, limits: &str, parallelism: Option<u32>, destroy: bool) -> Run {
    let provider = if limits.is_empty() {
        String::new()
    } else {
        format!("  {RATE_LIMITS} {{\n    {limits}\n  }}")
    };
    acc.write(&fleet(acc, &provider));
    let parallelism = parallelism.map(|p| format!("-parallelism={p}"));
    let mut apply = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    apply.extend(parallelism.as_deref());
    let started = Instant::now();
    acc.succeed(&apply);
    let apply_time = started.elapsed();
    let state: Vec<Value> = acc
        .emu()
        .state()
        .get("capacity_providers")
        .and_then(Value::as_object)
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default();
    assert_eq!(state.len(), COUNT);
    assert!(state.iter().all(|cp| cp["state"] == "Active"), "{state:#?}");
    let applied = Counted::of(acc);
    eprintln!(
        "apply of {COUNT} (rate_limits {{ {} }}, {}): {applied}, {apply_time:?}",
        limits.replace("\n    ", "; "),
        parallelism.as_deref().unwrap_or("default parallelism")
    );
    // Each capacity provider created once: every other create call was throttled.
    assert_eq!(applied.creates.0 - applied.creates.1, COUNT as u64);
    if !destroy {
        return Run {
            apply: applied,
            apply_time,
            refresh: None,
            destroy: None,
        };
    }
    // Reads are paced once AWS throttles one (the limiter's adaptive half): a refresh
    // of the fleet reads faster than 15 per second at first, is throttled once per
    // quota, then keeps within it.
    acc.emu().reset_calls();
    let started = Instant::now();
    acc.succeed(&["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
    let refresh_time = started.elapsed();
    let refreshed = Counted::of(acc);
    eprintln!("refresh of {COUNT}: {refreshed}, {refresh_time:?}");
    acc.emu().reset_calls();
    let started = Instant::now();
    acc.destroy();
    let destroy_time = started.elapsed();
    assert_eq!(
        acc.emu().state()["capacity_providers"]
            .as_object()
            .map(|m| m.len()),
        Some(0)
    );
    let destroyed = Counted::of(acc);
    eprintln!("destroy of {COUNT}: {destroyed}, {destroy_time:?}");
    assert!(destroyed.deletes as usize >= COUNT);
    Run {
        apply: applied,
        apply_time,
        refresh: Some((refreshed, refresh_time)),
        destroy: Some((destroyed, destroy_time)),
    }
}

/// Terraform's default parallelism: the most resources it refreshes at once.
const TERRAFORM_PARALLELISM: u64 = 10;

/// The quotas a refresh of capacity providers reads under: capacity provider reads
/// (GetCapacityProvider) and the rest of the control plane (ListTags), sent together.
const REFRESH_QUOTAS: u64 = 2;

/// Asserts that at most 5 % of the calls of the apply and the destroy were throttled.
/// A refresh's reads are paced only once AWS throttles one of them, so the calls in
/// flight at that moment are throttled too: at most Terraform's parallelism per quota.
fn assert_few_throttled(run: &Run) {
    for (what, counted) in [
        ("apply", Some(&run.apply)),
        ("destroy", run.destroy.as_ref().map(|(c, _)| c)),
    ] {
        if let Some(counted) = counted {
            assert!(
                counted.share_throttled() <= 0.05,
                "{what}: {counted}: more than 5 % of the calls were throttled"
            );
        }
    }
    if let Some((refreshed, _)) = &run.refresh {
        let most = TERRAFORM_PARALLELISM * REFRESH_QUOTAS;
        assert!(
            refreshed.throttled <= most,
            "refresh: {refreshed}: more than {most} calls were throttled (Terraform's \
             parallelism per quota)"
        );
    }
}

#[test]
fn fifty_capacity_providers_stay_within_enforced_rate_limits() {
    let Some(acc) = setup(enforced(), true) else {
        return;
    };
    let run = run(
        &acc,
        &format!("capacity_provider_writes = {WRITES_PER_SECOND}"),
        None,
        true,
    );
    assert_few_throttled(&run);
    // 50 writes at 10 per second cannot take less than 4.9 s.
    assert!(
        run.apply_time >= Duration::from_millis(4900),
        "{:?}",
        run.apply_time
    );
}

/// The contrast, with Terraform's parallelism raised to the fleet's size (as a CI job
/// in a hurry does): without client-side limits the emulator throttles again and again
/// (the apply still converges, through retries that honour `Retry-After`); with them,
/// the same apply is not throttled.
#[test]
fn raised_parallelism_is_throttled_only_without_client_side_limits() {
    let Some(unlimited) = setup(enforced(), true) else {
        return;
    };
    let storm = run(&unlimited, UNLIMITED, Some(COUNT as u32), false);
    assert!(
        storm.apply.share_throttled() > 0.10,
        "{}: expected throttling without client-side limits",
        storm.apply
    );
    let Some(limited) = setup(enforced(), true) else {
        return;
    };
    let calm = run(
        &limited,
        &format!("capacity_provider_writes = {WRITES_PER_SECOND}"),
        Some(COUNT as u32),
        false,
    );
    assert_few_throttled(&calm);
}

/// A measurement at AWS's real quotas (1 capacity provider write per second), for
/// `docs/performance.md`: `cargo test -p terraform-provider-lambda --test acc_rate_limits
/// -- --ignored --nocapture`. About five minutes.
#[test]
#[ignore = "a measurement of about five minutes"]
fn measure_fifty_capacity_providers_at_aws_quotas() {
    let aws = || EmulatorOptions {
        rate_limits: Some(RateLimits::AWS),
        ..EmulatorOptions::default()
    };
    let Some(unlimited) = setup(aws(), true) else {
        return;
    };
    run(&unlimited, UNLIMITED, None, true);
    let Some(limited) = setup(aws(), true) else {
        return;
    };
    let defaults = run(&limited, "", None, true);
    assert_few_throttled(&defaults);
}

#[test]
fn rate_limits_are_checked_at_validate() {
    let Some(wd) = offline_workdir(&[]) else {
        return;
    };
    wd.write(&format!(
        r#"
terraform {{
  required_providers {{
    lambda = {{ source = "lambdakit/lambda" }}
  }}
}}

provider "lambda" {{
  {RATE_LIMITS} {{
    capacity_provider_writes = 0
    get_function             = -5
    control_plane            = 2.5
  }}
}}

data "lambda_capacity_provider" "test" {{
  name = "web"
}}
"#
    ));
    let errors = wd.validate_errors();
    for (attribute, got) in [
        ("capacity_provider_writes", "got 0"),
        ("get_function", "got -5"),
    ] {
        Expect::error()
            .summary("Invalid rate limit")
            .detail(&[
                &format!("`{RATE_LIMITS}.{attribute}`"),
                got,
                "between 0.01 and 100000",
            ])
            .code(attribute)
            .find_in(&errors, "validate");
    }
    assert_eq!(errors.all().len(), 2, "{}", errors.describe());
}

/// The emulator's table of quotas (for enforcing them) and the provider's (for keeping
/// within them) are written apart, in two crates: they must say the same.
#[test]
fn provider_and_emulator_agree_on_aws_quotas() {
    let provider = ProviderLimits::AWS;
    let emulator = RateLimits::AWS;
    for (class, enforced) in [
        (
            OperationClass::CapacityProviderWrite,
            emulator.capacity_provider_writes,
        ),
        (
            OperationClass::CapacityProviderRead,
            emulator.capacity_provider_reads,
        ),
        (OperationClass::GetFunction, emulator.get_function),
        (OperationClass::ControlPlane, emulator.control_plane),
    ] {
        assert_eq!(provider.per_second(class), enforced, "{class:?}");
    }
    for op in [
        "CreateCapacityProvider",
        "GetCapacityProvider",
        "ListFunctionVersionsByCapacityProvider",
        "GetFunction",
        "PublishVersion",
        "Invoke",
    ] {
        let provider = OperationClass::of(op).map(|c| format!("{c:?}"));
        let emulator = acceptance_tests::QuotaClass::of_lambda(op).map(|c| format!("{c:?}"));
        let same = match (provider.as_deref(), emulator.as_deref()) {
            (None, None) => true,
            (Some("CapacityProviderWrite"), Some("CapacityProviderWrites")) => true,
            (Some("CapacityProviderRead"), Some("CapacityProviderReads")) => true,
            (Some(p), Some(e)) => p == e,
            _ => false,
        };
        assert!(same, "{op}: provider {provider:?}, emulator {emulator:?}");
    }
}
