//! Durable executions seeded through the control API, read and stopped
//! through the SDK.

use acceptance_tests::SeedExecution;
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
