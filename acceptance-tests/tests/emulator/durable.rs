//! Durable executions seeded through the control API, read, stopped,
//! paused and resumed, and ending by themselves.

use std::time::Duration;

use acceptance_tests::{Emulator, EmulatorOptions, SeedExecution};
use aws_sdk_lambda::types::{DurableConfig, ErrorObject, ExecutionStatus};

use crate::*;

#[tokio::test]
async fn seed_list_get_stop() {
    let emu = emulator().await;
    let client = lambda(&emu);
    create_function(&client, "wf")
        .durable_config(DurableConfig::builder().execution_timeout(3600).build())
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "wf", None, "Active").await;
    client
        .publish_version()
        .function_name("wf")
        .send()
        .await
        .unwrap();

    let mut running = None;
    for status in ["RUNNING", "SUCCEEDED", "FAILED", "STOPPED", "TIMED_OUT"] {
        let seeded = emu
            .seed_durable_execution(
                SeedExecution::new("wf", status)
                    .qualifier("1")
                    .name(&format!("run-{}", status.to_lowercase().replace('_', "-"))),
            )
            .expect("seed");
        assert!(
            seeded.durable_execution_arn.starts_with(
                "arn:aws:lambda:us-east-1:123456789012:function:wf:1/durable-execution/"
            )
        );
        if status == "RUNNING" {
            running = Some(seeded.durable_execution_arn);
        }
    }
    // The control API over HTTP does the same.
    let seeded = raw(
        &emu,
        "POST",
        "/_emulator/durable-executions",
        None,
        r#"{"function_name":"wf","status":"RUNNING","name":"on-latest","input_payload":"{\"order\":1}"}"#,
    )
    .await
    .unwrap();
    assert_eq!(seeded.status, 200, "{}", seeded.body);
    let latest_arn = seeded.json()["durable_execution_arn"]
        .as_str()
        .unwrap()
        .to_string();

    let all = client
        .list_durable_executions_by_function()
        .function_name("wf")
        .send()
        .await
        .unwrap();
    assert_eq!(all.durable_executions().len(), 6);
    let running_only = client
        .list_durable_executions_by_function()
        .function_name("wf")
        .statuses(ExecutionStatus::Running)
        .send()
        .await
        .unwrap();
    assert_eq!(running_only.durable_executions().len(), 2);
    let on_v1 = client
        .list_durable_executions_by_function()
        .function_name("wf")
        .qualifier("1")
        .statuses(ExecutionStatus::Running)
        .send()
        .await
        .unwrap();
    assert_eq!(on_v1.durable_executions().len(), 1);
    assert_eq!(
        on_v1.durable_executions()[0].function_arn(),
        "arn:aws:lambda:us-east-1:123456789012:function:wf:1"
    );
    let paged = client
        .list_durable_executions_by_function()
        .function_name("wf")
        .max_items(4)
        .send()
        .await
        .unwrap();
    assert_eq!(paged.durable_executions().len(), 4);
    assert_eq!(paged.next_marker(), Some("4"));

    let got = client
        .get_durable_execution()
        .durable_execution_arn(&latest_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), &ExecutionStatus::Running);
    assert_eq!(got.input_payload(), Some("{\"order\":1}"));
    assert_eq!(got.version(), Some("$LATEST"));

    let running = running.unwrap();
    let stopped = client
        .stop_durable_execution()
        .durable_execution_arn(&running)
        .error(
            ErrorObject::builder()
                .error_type("Cancelled")
                .error_message("by test")
                .build(),
        )
        .send()
        .await
        .expect("stop");
    assert!(stopped.stop_timestamp().secs() > 0);
    let got = client
        .get_durable_execution()
        .durable_execution_arn(&running)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), &ExecutionStatus::Stopped);
    assert!(got.end_timestamp().is_some());
    assert_eq!(got.error().unwrap().error_type(), Some("Cancelled"));
    let err = client
        .stop_durable_execution()
        .durable_execution_arn(&running)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    let missing = format!("{}x", &running[..running.len() - 1]);
    let err = client
        .get_durable_execution()
        .durable_execution_arn(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");

    // Deleting the version removes its executions: nothing is orphaned.
    client
        .delete_function()
        .function_name("wf")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    let state = emu.state();
    let left: Vec<&str> = state["durable_executions"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(left, vec![latest_arn.as_str()]);

    // Functions without DurableConfig cannot have executions.
    create_function(&client, "plain-wf").send().await.unwrap();
    assert!(
        emu.seed_durable_execution(SeedExecution::new("plain-wf", "RUNNING"))
            .is_err()
    );
}

const PAUSE_DELAY: Duration = Duration::from_millis(600);

/// Time for an execution to end by itself: long enough to act on it first
/// on a loaded machine.
const FINISH_MS: u64 = 1000;

/// `/2025-12-01/durable-executions/ARN/ACTION`, the ARN percent-encoded.
fn execution_path(arn: &str, action: &str) -> String {
    let encoded: String = arn
        .chars()
        .map(|c| match c {
            ':' => "%3A".to_string(),
            '/' => "%2F".to_string(),
            '$' => "%24".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("/2025-12-01/durable-executions/{encoded}{action}")
}

/// Pause or resume (the SDK this crate uses predates them) over raw HTTP.
async fn pause_or_resume(emu: &Emulator, arn: &str, action: &str, body: &str) -> Raw {
    raw(
        emu,
        "POST",
        &execution_path(arn, action),
        Some("lambda"),
        body,
    )
    .await
    .expect("response")
}

async fn status_of(client: &aws_sdk_lambda::Client, arn: &str) -> String {
    client
        .get_durable_execution()
        .durable_execution_arn(arn)
        .send()
        .await
        .expect("get execution")
        .status()
        .as_str()
        .to_string()
}

async fn durable_wf(emu: &Emulator) -> aws_sdk_lambda::Client {
    let client = lambda(emu);
    create_function(&client, "wf")
        .durable_config(DurableConfig::builder().execution_timeout(3600).build())
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "wf", None, "Active").await;
    client
}

#[tokio::test]
async fn pause_resume_and_stop() {
    // A pause delay long enough to observe PAUSING on a loaded machine.
    let emu = Emulator::start(EmulatorOptions {
        execution_pause_delay: PAUSE_DELAY,
        ..EmulatorOptions::with_delays(DELAY)
    })
    .await
    .unwrap();
    let client = durable_wf(&emu).await;
    let arn = emu
        .seed_durable_execution(SeedExecution::new("wf", "RUNNING"))
        .unwrap()
        .durable_execution_arn;

    let paused = pause_or_resume(
        &emu,
        &arn,
        "/pause",
        r#"{"Reason":"dependency down","ClientToken":"p-1"}"#,
    )
    .await;
    assert_eq!(paused.status, 202, "{}", paused.body);
    assert_eq!(status_of(&client, &arn).await, "PAUSING");
    eventually("PAUSED", || async {
        (status_of(&client, &arn).await == "PAUSED").then_some(())
    })
    .await;
    let details = raw(&emu, "GET", &execution_path(&arn, ""), Some("lambda"), "")
        .await
        .unwrap()
        .json();
    assert_eq!(details["Status"], "PAUSED");
    assert_eq!(details["PauseDetails"]["Reason"], "dependency down");
    assert_eq!(details["PauseDetails"]["ExecutionTimeoutPaused"], true);
    assert!(details["EndTimestamp"].is_null());

    // A retry with the same client token succeeds; a new pause is refused.
    let retried = pause_or_resume(&emu, &arn, "/pause", r#"{"ClientToken":"p-1"}"#).await;
    assert_eq!(retried.status, 202, "{}", retried.body);
    let again = pause_or_resume(&emu, &arn, "/pause", r#"{"ClientToken":"p-2"}"#).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(
        again.headers["x-amzn-errortype"],
        "ResourceConflictException"
    );
    assert!(
        again.json()["message"]
            .as_str()
            .unwrap()
            .ends_with("cannot be paused because its status is PAUSED."),
        "{}",
        again.body
    );

    let resumed = pause_or_resume(&emu, &arn, "/resume", r#"{"ClientToken":"r-1"}"#).await;
    assert_eq!(resumed.status, 202, "{}", resumed.body);
    assert_eq!(status_of(&client, &arn).await, "RUNNING");
    let details = raw(&emu, "GET", &execution_path(&arn, ""), Some("lambda"), "")
        .await
        .unwrap()
        .json();
    assert!(details["PauseDetails"].is_null(), "{details}");
    let again = pause_or_resume(&emu, &arn, "/resume", r#"{"ClientToken":"r-2"}"#).await;
    assert_eq!(again.status, 409, "{}", again.body);

    // Resuming while PAUSING cancels the pause.
    pause_or_resume(&emu, &arn, "/pause", "{}").await;
    assert_eq!(status_of(&client, &arn).await, "PAUSING");
    pause_or_resume(&emu, &arn, "/resume", "{}").await;
    assert_eq!(status_of(&client, &arn).await, "RUNNING");
    tokio::time::sleep(PAUSE_DELAY + DELAY).await;
    assert_eq!(status_of(&client, &arn).await, "RUNNING");

    // Stop takes every active status.
    for status in ["PAUSING", "PAUSED"] {
        let seeded = emu
            .seed_durable_execution(SeedExecution::new("wf", status))
            .unwrap();
        assert_eq!(seeded.status, status);
        client
            .stop_durable_execution()
            .durable_execution_arn(&seeded.durable_execution_arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("stop {status}: {e:?}"));
        assert_eq!(
            status_of(&client, &seeded.durable_execution_arn).await,
            "STOPPED"
        );
    }
    pause_or_resume(&emu, &arn, "/pause", "{}").await;
    client
        .stop_durable_execution()
        .durable_execution_arn(&arn)
        .send()
        .await
        .expect("stop PAUSING");
    let stopped = client
        .get_durable_execution()
        .durable_execution_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status().as_str(), "STOPPED");
    assert!(stopped.end_timestamp().is_some());
    // Ended executions can be neither paused, resumed nor stopped.
    for action in ["/pause", "/resume"] {
        let refused = pause_or_resume(&emu, &arn, action, "{}").await;
        assert_eq!(refused.status, 409, "{action}: {}", refused.body);
    }
    let err = client
        .stop_durable_execution()
        .durable_execution_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
}

#[tokio::test]
async fn seeded_executions_finish_by_themselves() {
    let emu = emulator().await;
    let client = durable_wf(&emu).await;
    let failing = emu
        .seed_durable_execution(
            SeedExecution::new("wf", "RUNNING").finishes_after(FINISH_MS, "FAILED"),
        )
        .unwrap()
        .durable_execution_arn;
    // Over HTTP, a paused one; the default final status is SUCCEEDED.
    let resp = raw(
        &emu,
        "POST",
        "/_emulator/durable-executions",
        None,
        r#"{"function_name":"wf","status":"PAUSED","finishes_after_ms":1000}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    let paused = resp.json()["durable_execution_arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(status_of(&client, &failing).await, "RUNNING");
    assert_eq!(status_of(&client, &paused).await, "PAUSED");
    eventually("both ended", || async {
        let a = status_of(&client, &failing).await;
        let b = status_of(&client, &paused).await;
        (a == "FAILED" && b == "SUCCEEDED").then_some(())
    })
    .await;
    let ended = client
        .get_durable_execution()
        .durable_execution_arn(&failing)
        .send()
        .await
        .unwrap();
    assert!(ended.end_timestamp().is_some());

    // Pausing freezes the time left; resuming restarts it.
    let frozen = emu
        .seed_durable_execution(
            SeedExecution::new("wf", "RUNNING").finishes_after(FINISH_MS, "SUCCEEDED"),
        )
        .unwrap()
        .durable_execution_arn;
    pause_or_resume(&emu, &frozen, "/pause", "{}").await;
    tokio::time::sleep(Duration::from_millis(FINISH_MS + 200)).await;
    assert_eq!(status_of(&client, &frozen).await, "PAUSED");
    pause_or_resume(&emu, &frozen, "/resume", "{}").await;
    eventually("resumed execution ends", || async {
        (status_of(&client, &frozen).await == "SUCCEEDED").then_some(())
    })
    .await;
    // ... unless it is timing out and the pause leaves the timeout running.
    let timing_out = emu
        .seed_durable_execution(
            SeedExecution::new("wf", "RUNNING").finishes_after(300, "TIMED_OUT"),
        )
        .unwrap()
        .durable_execution_arn;
    pause_or_resume(
        &emu,
        &timing_out,
        "/pause",
        r#"{"ExecutionTimeoutPaused":false}"#,
    )
    .await;
    eventually("times out while paused", || async {
        (status_of(&client, &timing_out).await == "TIMED_OUT").then_some(())
    })
    .await;

    // Bad seeds.
    for body in [
        r#"{"function_name":"wf","status":"SUCCEEDED","finishes_after_ms":10}"#,
        r#"{"function_name":"wf","status":"RUNNING","finishes_after_ms":10,"final_status":"STOPPED"}"#,
        r#"{"function_name":"wf","status":"WALKING"}"#,
        r#"{"function_name":"wf","status":"RUNNING","name":"bad name!"}"#,
    ] {
        let resp = raw(&emu, "POST", "/_emulator/durable-executions", None, body)
            .await
            .unwrap();
        assert_eq!(resp.status, 400, "{body}: {}", resp.body);
    }
    let resp = raw(
        &emu,
        "POST",
        "/_emulator/durable-executions",
        None,
        r#"{"function_name":"wf","status":"WALKING"}"#,
    )
    .await
    .unwrap();
    let message = resp.json()["error"].as_str().unwrap().to_string();
    assert!(
        message.starts_with("status: 1 validation error detected: Value 'WALKING' failed to satisfy constraint: Member must satisfy enum value set: ["),
        "{message}"
    );
}
