//! Fault injection: throttling, server errors, latency, dropped
//! connections and conflicts, seen through the SDKs' own retries.

use std::time::{Duration, Instant};

use acceptance_tests::{Emulator, FaultKind, FaultSpec};

use crate::*;

/// (calls, faulted) of `operation`, asserting every call was signed with the
/// test clients' access key.
fn calls(emu: &Emulator, operation: &str) -> (u64, u64) {
    let stats = emu.calls()[operation].clone();
    assert_eq!(
        stats
            .access_keys
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        vec![ACCESS_KEY],
        "{operation}"
    );
    (stats.calls, stats.faulted)
}

#[tokio::test]
async fn throttle_then_success_is_retried_by_the_sdk() {
    let emu = emulator().await;
    let client = lambda(&emu);
    emu.inject_fault(FaultSpec::times(
        "CreateCapacityProvider",
        FaultKind::Throttle,
        2,
    ));
    create_capacity_provider(&client, "cp-throttled").await;
    assert_eq!(calls(&emu, "CreateCapacityProvider"), (3, 2));
    assert!(emu.faults().is_empty());

    // More throttles than attempts: the SDK gives up with the 429 error.
    emu.inject_fault(FaultSpec::times(
        "ListCapacityProviders",
        FaultKind::Throttle,
        5,
    ));
    let err = client.list_capacity_providers().send().await.unwrap_err();
    assert_eq!(error_of(&err).0, "TooManyRequestsException");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(429));
    assert_eq!(emu.call_count("ListCapacityProviders"), 3);

    // The wire format: 429, Retry-After, TooManyRequestsException.
    let resp = raw(
        &emu,
        "GET",
        "/2025-11-30/capacity-providers",
        Some("lambda"),
        "",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 429);
    assert_eq!(resp.headers["retry-after"], "1");
    assert_eq!(resp.headers["x-amzn-errortype"], "TooManyRequestsException");
    assert_eq!(resp.json()["Reason"], "CallerRateLimitExceeded");
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried() {
    let emu = emulator().await;
    emu.inject_fault(FaultSpec::times(
        "GetCallerIdentity",
        FaultKind::ServerError,
        1,
    ));
    sts(&emu)
        .get_caller_identity()
        .send()
        .await
        .expect("retried after 500");
    emu.inject_fault(FaultSpec::times("GetCallerIdentity", FaultKind::Drop, 1));
    sts(&emu)
        .get_caller_identity()
        .send()
        .await
        .expect("retried after dropped connection");
    assert_eq!(calls(&emu, "GetCallerIdentity"), (4, 2));

    emu.inject_fault(FaultSpec::times("DescribeVpcs", FaultKind::Throttle, 1));
    ec2(&emu)
        .describe_vpcs()
        .send()
        .await
        .expect("EC2 throttling retried");
    assert_eq!(emu.calls()["DescribeVpcs"].faulted, 1);

    // A dropped connection gets no response at all.
    emu.inject_fault(FaultSpec::times(
        "ListCapacityProviders",
        FaultKind::Drop,
        1,
    ));
    assert!(
        raw(
            &emu,
            "GET",
            "/2025-11-30/capacity-providers",
            Some("lambda"),
            ""
        )
        .await
        .is_none()
    );
    emu.inject_fault(FaultSpec::times("*", FaultKind::ServerError, 1));
    let resp = raw(
        &emu,
        "GET",
        "/2025-11-30/capacity-providers",
        Some("lambda"),
        "",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(resp.headers["x-amzn-errortype"], "ServiceException");
    assert_eq!(resp.json()["Type"], "Service");
}

#[tokio::test]
async fn latency_and_rates() {
    let emu = emulator().await;
    emu.inject_fault(FaultSpec {
        latency_ms: Some(300),
        ..FaultSpec::times("ListCapacityProviders", FaultKind::Latency, 1)
    });
    let client = lambda(&emu);
    let start = Instant::now();
    client.list_capacity_providers().send().await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));

    emu.inject_fault(FaultSpec::rate("*", FaultKind::Throttle, 0.0));
    for _ in 0..5 {
        client.list_capacity_providers().send().await.unwrap();
    }
    emu.clear_faults();
    emu.inject_fault(FaultSpec::rate(
        "ListCapacityProviders",
        FaultKind::ServerError,
        1.0,
    ));
    assert!(client.list_capacity_providers().send().await.is_err());
    emu.clear_faults();
    client.list_capacity_providers().send().await.unwrap();
}

#[tokio::test]
async fn faults_through_the_control_api() {
    let emu = emulator().await;
    let resp = raw(
        &emu,
        "POST",
        "/_emulator/faults",
        None,
        r#"{"operation":"GetCallerIdentity","kind":"throttle","count":1,"retry_after_seconds":2}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    let listed = raw(&emu, "GET", "/_emulator/faults", None, "")
        .await
        .unwrap()
        .json();
    assert_eq!(listed[0]["operation"], "GetCallerIdentity");
    assert_eq!(listed[0]["remaining"], 1);
    sts(&emu)
        .get_caller_identity()
        .send()
        .await
        .expect("retried");
    let calls = raw(&emu, "GET", "/_emulator/calls", None, "")
        .await
        .unwrap()
        .json();
    assert_eq!(
        calls["GetCallerIdentity"],
        serde_json::json!({"calls": 2, "faulted": 1, "throttled": 0, "access_keys": [ACCESS_KEY]})
    );
    let bad = raw(
        &emu,
        "POST",
        "/_emulator/faults",
        None,
        r#"{"kind":"explode"}"#,
    )
    .await
    .unwrap();
    assert_eq!(bad.status, 400);
    raw(&emu, "DELETE", "/_emulator/calls", None, "")
        .await
        .unwrap();
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn conflicts_name_the_resource_and_skip_ec2_and_sts() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let conflict = |resource: &str| {
        (
            "ResourceConflictException".to_string(),
            format!(
                "The operation cannot be performed at this time. An update is in progress for resource: {resource}"
            ),
        )
    };
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:busy";
    emu.inject_fault(FaultSpec::times("CreateFunction", FaultKind::Conflict, 1));
    let err = create_function(&client, "busy").send().await.unwrap_err();
    assert_eq!(error_of(&err), conflict(arn));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(409));
    assert!(emu.state()["functions"].as_object().unwrap().is_empty());
    create_function(&client, "busy")
        .send()
        .await
        .expect("created");
    wait_function_state(&client, "busy", None, "Active").await;

    // `*`: EC2 and STS calls pass untouched and leave the rule to Lambda.
    emu.inject_fault(FaultSpec::times("*", FaultKind::Conflict, 1));
    sts(&emu).get_caller_identity().send().await.expect("STS");
    ec2(&emu).describe_vpcs().send().await.expect("EC2");
    assert_eq!(emu.faults().len(), 1);
    let err = client
        .update_function_configuration()
        .function_name(format!("{arn}:$LATEST"))
        .timeout(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err), conflict(arn));
    assert!(emu.faults().is_empty());

    // Over the control API, on a capacity provider.
    let resp = raw(
        &emu,
        "POST",
        "/_emulator/faults",
        None,
        r#"{"operation":"DeleteCapacityProvider","kind":"conflict","count":1}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    let err = client
        .delete_capacity_provider()
        .capacity_provider_name("cp-x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_of(&err),
        conflict("arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp-x")
    );
    assert_eq!(emu.calls()["DeleteCapacityProvider"].faulted, 1);
}

#[tokio::test]
async fn a_dropped_response_follows_a_call_that_took_effect() {
    let emu = emulator().await;
    emu.inject_fault(FaultSpec::rate(
        "CreateCapacityProvider",
        FaultKind::DropResponse,
        1.0,
    ));
    let body = serde_json::json!({
        "CapacityProviderName": "cp-lost-answer",
        "VpcConfig": {
            "SubnetIds": acceptance_tests::ec2::DEFAULT_SUBNET_IDS,
            "SecurityGroupIds": [acceptance_tests::ec2::DEFAULT_SECURITY_GROUP_ID],
        },
        "PermissionsConfig": {"CapacityProviderOperatorRoleArn": OPERATOR_ROLE},
    });
    let answer = raw(
        &emu,
        "POST",
        "/2025-11-30/capacity-providers",
        Some("lambda"),
        &body.to_string(),
    )
    .await;
    assert!(answer.is_none(), "the response was dropped: {answer:?}");
    let stats = &emu.calls()["CreateCapacityProvider"];
    assert_eq!((stats.calls, stats.faulted), (1, 1));
    assert_eq!(emu.faults()[0].fired, 1, "the rule counts its firings");
    emu.clear_faults();
    let created = emu.state()["capacity_providers"]
        .as_object()
        .map(|m| m.values().map(|cp| cp["name"].clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(created, vec!["cp-lost-answer"], "the call took effect");

    // A retry of the same create meets the object the lost call made.
    let retry = raw(
        &emu,
        "POST",
        "/2025-11-30/capacity-providers",
        Some("lambda"),
        &body.to_string(),
    )
    .await
    .expect("answered");
    assert_eq!(retry.status, 409, "{}", retry.body);
    assert_eq!(
        retry.headers["x-amzn-errortype"],
        "ResourceConflictException"
    );
}
