//! Invoke: standard functions answer `null`; durable functions start
//! durable executions, idempotent by name; capacity providers' versions.

use std::time::Duration;

use acceptance_tests::{Emulator, EmulatorOptions};
use aws_sdk_lambda::types::{DurableConfig, InvocationType};
use aws_smithy_types::Blob;

use crate::*;

/// An emulator whose invoked executions run for `duration` (zero: until
/// stopped).
async fn emulator_with_duration(duration: Duration) -> Emulator {
    Emulator::start(EmulatorOptions {
        execution_duration: duration,
        ..EmulatorOptions::with_delays(DELAY)
    })
    .await
    .expect("emulator starts")
}

async fn durable_function(client: &aws_sdk_lambda::Client, name: &str) {
    create_function(client, name)
        .durable_config(DurableConfig::builder().execution_timeout(3600).build())
        .send()
        .await
        .unwrap();
    wait_function_state(client, name, None, "Active").await;
}

#[tokio::test]
async fn standard_functions_answer_null() {
    let emu = emulator().await;
    let client = lambda(&emu);
    create_function(&client, "plain").send().await.unwrap();
    // Not yet: the function is Pending.
    let err = client
        .invoke()
        .function_name("plain")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceConflictException");
    assert!(
        message.ends_with("in the following state: Pending"),
        "{message}"
    );
    wait_function_state(&client, "plain", None, "Active").await;

    let out = client
        .invoke()
        .function_name("plain")
        .payload(Blob::new(r#"{"hello":"world"}"#))
        .send()
        .await
        .expect("invoke");
    assert_eq!(out.status_code(), 200);
    assert_eq!(out.payload().map(|p| p.as_ref()), Some(&b"null"[..]));
    assert_eq!(out.executed_version(), Some("$LATEST"));
    assert!(out.durable_execution_arn().is_none());
    assert!(out.function_error().is_none());

    let event = client
        .invoke()
        .function_name("plain")
        .invocation_type(InvocationType::Event)
        .send()
        .await
        .unwrap();
    assert_eq!(event.status_code(), 202);
    assert!(event.payload().is_none_or(|p| p.as_ref().is_empty()));
    let dry = client
        .invoke()
        .function_name("plain")
        .invocation_type(InvocationType::DryRun)
        .send()
        .await
        .unwrap();
    assert_eq!(dry.status_code(), 204);

    let err = client
        .invoke()
        .function_name("plain")
        .qualifier("7")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");
    let err = client
        .invoke()
        .function_name("missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");
    assert!(
        emu.state()["durable_executions"]
            .as_object()
            .unwrap()
            .is_empty()
    );

    // The wire format: raw body, version header.
    let resp = raw(
        &emu,
        "POST",
        "/2015-03-31/functions/plain/invocations",
        Some("lambda"),
        "not even json",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body, "null");
    assert_eq!(resp.headers["x-amz-executed-version"], "$LATEST");
}

#[tokio::test]
async fn durable_invocations_start_executions_idempotently() {
    let emu = emulator_with_duration(Duration::ZERO).await;
    let client = lambda(&emu);
    durable_function(&client, "wf").await;

    let err = client
        .invoke()
        .function_name("wf")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(
        message.starts_with("You cannot invoke a durable function using an unqualified ARN"),
        "{message}"
    );

    let first = client
        .invoke()
        .function_name("wf")
        .qualifier("$LATEST")
        .durable_execution_name("order-1")
        .payload(Blob::new(r#"{"order":1}"#))
        .send()
        .await
        .expect("durable invoke");
    assert_eq!(first.status_code(), 200);
    assert_eq!(first.payload().map(|p| p.as_ref()), Some(&b"null"[..]));
    assert_eq!(first.executed_version(), Some("$LATEST"));
    let arn = first.durable_execution_arn().unwrap().to_string();
    assert!(
        arn.starts_with(
            "arn:aws:lambda:us-east-1:123456789012:function:wf:$LATEST/durable-execution/order-1/"
        ),
        "{arn}"
    );
    let got = client
        .get_durable_execution()
        .durable_execution_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_str(), "RUNNING");
    assert_eq!(got.input_payload(), Some(r#"{"order":1}"#));
    assert_eq!(got.durable_execution_name(), "order-1");

    // Same name and payload: the same execution, nothing new.
    let again = client
        .invoke()
        .function_name("wf:$LATEST")
        .invocation_type(InvocationType::Event)
        .durable_execution_name("order-1")
        .payload(Blob::new(r#"{"order":1}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status_code(), 202);
    assert_eq!(again.durable_execution_arn(), Some(arn.as_str()));
    // Same name, other payload: refused.
    let err = client
        .invoke()
        .function_name("wf")
        .qualifier("$LATEST")
        .durable_execution_name("order-1")
        .payload(Blob::new(r#"{"order":2}"#))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "DurableExecutionAlreadyStartedException");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(409));
    assert_eq!(
        emu.state()["durable_executions"].as_object().unwrap().len(),
        1
    );

    // A published version, without a name: a generated one, pinned to it.
    client
        .publish_version()
        .function_name("wf")
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "wf", Some("1"), "Active").await;
    let pinned = client
        .invoke()
        .function_name("arn:aws:lambda:us-east-1:123456789012:function:wf:1")
        .send()
        .await
        .unwrap();
    assert_eq!(pinned.executed_version(), Some("1"));
    let pinned_arn = pinned.durable_execution_arn().unwrap();
    assert!(
        pinned_arn
            .starts_with("arn:aws:lambda:us-east-1:123456789012:function:wf:1/durable-execution/"),
        "{pinned_arn}"
    );
    let on_v1 = client
        .list_durable_executions_by_function()
        .function_name("wf")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    assert_eq!(on_v1.durable_executions().len(), 1);
    let listed = &on_v1.durable_executions()[0];
    assert!(
        listed.durable_execution_name().starts_with("execution-"),
        "{listed:?}"
    );
    assert_eq!(listed.durable_execution_arn(), pinned_arn);

    // With a zero execution duration, executions run until stopped.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = client
        .get_durable_execution()
        .durable_execution_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_str(), "RUNNING");
}

#[tokio::test]
async fn invoked_executions_succeed_after_the_execution_duration() {
    let emu = emulator_with_duration(Duration::from_millis(600)).await;
    let client = lambda(&emu);
    durable_function(&client, "quick").await;
    let out = client
        .invoke()
        .function_name("quick:$LATEST")
        .send()
        .await
        .unwrap();
    let arn = out.durable_execution_arn().unwrap().to_string();
    let got = client
        .get_durable_execution()
        .durable_execution_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_str(), "RUNNING");
    let ended = eventually("execution SUCCEEDED", || async {
        let got = client
            .get_durable_execution()
            .durable_execution_arn(&arn)
            .send()
            .await
            .ok()?;
        (got.status().as_str() == "SUCCEEDED").then_some(got)
    })
    .await;
    let ran = ended.end_timestamp().unwrap().to_millis().unwrap()
        - ended.start_timestamp().to_millis().unwrap();
    // Exactly at its deadline (give or take the rounding of epoch seconds).
    assert!((599..=601).contains(&ran), "{ran}");
}

#[tokio::test]
async fn capacity_provider_functions_invoke_published_versions() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = active_capacity_provider(&client, "cp-invoke").await;
    create_function(&client, "mi")
        .capacity_provider_config(cp_config(&cp_arn))
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "mi", None, "ActiveNonInvocable").await;

    let err = client
        .invoke()
        .function_name("mi")
        .qualifier("$LATEST")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("ActiveNonInvocable"), "{message}");
    // Unqualified means the latest published version; there is none yet.
    let err = client
        .invoke()
        .function_name("mi")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "NoPublishedVersionException");

    client
        .publish_version()
        .function_name("mi")
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "mi", Some("1"), "Active").await;
    let out = client.invoke().function_name("mi").send().await.unwrap();
    assert_eq!(out.status_code(), 200);
    assert_eq!(out.executed_version(), Some("1"));
    let out = client
        .invoke()
        .function_name("mi")
        .qualifier("$LATEST.PUBLISHED")
        .send()
        .await
        .unwrap();
    assert_eq!(out.executed_version(), Some("1"));
}
