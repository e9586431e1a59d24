//! Enforced rate limits: off by default; when on, calls beyond a quota class's
//! rate in one account and region get Lambda's real throttling response, and
//! are counted as `throttled`.

use std::time::Duration;

use acceptance_tests::{Emulator, EmulatorOptions, RateLimits};

use crate::*;

/// A capacity provider write the emulator answers quickly without changing
/// anything: deleting one that does not exist (404 when admitted).
async fn delete_missing(emu: &Emulator) -> Raw {
    raw(
        emu,
        "DELETE",
        "/2025-11-30/capacity-providers/missing",
        Some("lambda"),
        "",
    )
    .await
    .expect("a response")
}

async fn enforcing(limits: RateLimits) -> Emulator {
    Emulator::start(EmulatorOptions {
        rate_limits: Some(limits),
        ..EmulatorOptions::with_delays(DELAY)
    })
    .await
    .expect("emulator starts")
}

#[tokio::test]
async fn nothing_is_throttled_by_default() {
    let emu = emulator().await;
    assert_eq!(emu.rate_limits(), None);
    for _ in 0..10 {
        assert_eq!(delete_missing(&emu).await.status, 404);
    }
    assert_eq!(emu.calls()["DeleteCapacityProvider"].throttled, 0);
    assert_eq!(emu.throttled_calls(), 0);
}

#[tokio::test]
async fn calls_beyond_the_quota_get_429_with_retry_after_and_are_counted() {
    let emu = enforcing(RateLimits::AWS).await;
    // One capacity provider write per second: the second one now is throttled.
    assert_eq!(delete_missing(&emu).await.status, 404);
    let resp = delete_missing(&emu).await;
    assert_eq!(resp.status, 429, "{}", resp.body);
    assert_eq!(resp.headers["retry-after"], "1");
    assert_eq!(resp.headers["x-amzn-errortype"], "TooManyRequestsException");
    assert_eq!(resp.json()["Reason"], "CallerRateLimitExceeded");
    let stats = &emu.calls()["DeleteCapacityProvider"];
    assert_eq!((stats.calls, stats.faulted, stats.throttled), (2, 0, 1));

    // Reads have their own bucket of 15 per second.
    let mut ok = 0;
    for _ in 0..20 {
        let resp = raw(
            &emu,
            "GET",
            "/2025-11-30/capacity-providers",
            Some("lambda"),
            "",
        )
        .await
        .expect("a response");
        if resp.status == 200 {
            ok += 1;
        } else {
            assert_eq!(resp.status, 429, "{}", resp.body);
        }
    }
    assert!((15..=17).contains(&ok), "{ok} of 20 reads admitted");
    assert_eq!(emu.calls()["ListCapacityProviders"].throttled, 20 - ok);

    // Another region has buckets of its own (the SDK client signs for eu-west-1).
    let west = lambda_in(&emu, "eu-west-1");
    create_capacity_provider(&west, "cp-west").await;
    assert_eq!(emu.calls()["CreateCapacityProvider"].throttled, 0);

    // The bucket refills: a second later the write goes through.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(delete_missing(&emu).await.status, 404);
    assert_eq!(emu.throttled_calls(), 1 + (20 - ok));
}

#[tokio::test]
async fn the_control_api_sets_and_clears_the_limits() {
    let emu = emulator().await;
    let resp = raw(
        &emu,
        "PUT",
        "/_emulator/rate-limits",
        None,
        r#"{"capacity_provider_writes": 2}"#,
    )
    .await
    .expect("a response");
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.json()["capacity_provider_writes"], 2.0);
    assert_eq!(resp.json()["capacity_provider_reads"], 15.0);
    let got = raw(&emu, "GET", "/_emulator/rate-limits", None, "")
        .await
        .expect("a response");
    assert_eq!(got.json(), resp.json());
    let limits = emu.rate_limits().expect("enforced");
    assert_eq!(limits.capacity_provider_writes, 2.0);
    assert_eq!(limits.get_function, RateLimits::AWS.get_function);

    // Two writes per second: the third at once is throttled.
    let statuses = [
        delete_missing(&emu).await.status,
        delete_missing(&emu).await.status,
        delete_missing(&emu).await.status,
    ];
    assert_eq!(statuses, [404, 404, 429]);

    // A rate that is not positive, or an unknown class, is refused.
    for body in [r#"{"control_plane": 0}"#, r#"{"writes": 3}"#] {
        let bad = raw(&emu, "PUT", "/_emulator/rate-limits", None, body)
            .await
            .expect("a response");
        assert_eq!(bad.status, 400, "{body}: {}", bad.body);
    }
    assert_eq!(emu.rate_limits(), Some(limits));

    // DELETE stops enforcing.
    let cleared = raw(&emu, "DELETE", "/_emulator/rate-limits", None, "")
        .await
        .expect("a response");
    assert_eq!(cleared.status, 200);
    assert_eq!(emu.rate_limits(), None);
    for _ in 0..5 {
        assert_eq!(delete_missing(&emu).await.status, 404);
    }
    assert_eq!(emu.calls()["DeleteCapacityProvider"].throttled, 1);
}

#[tokio::test]
async fn options_with_a_rate_that_is_not_positive_are_refused() {
    let mut limits = RateLimits::AWS;
    limits.set("capacity_provider_reads", -1.0);
    let err = Emulator::start(EmulatorOptions {
        rate_limits: Some(limits),
        ..EmulatorOptions::default()
    })
    .await
    .expect_err("refused");
    assert!(err.to_string().contains("capacity_provider_reads"), "{err}");
}
