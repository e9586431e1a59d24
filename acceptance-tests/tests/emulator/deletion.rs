//! Deleting durable functions and versions: active executions drain first.

use acceptance_tests::SeedExecution;
use aws_sdk_lambda::types::{DurableConfig, State};

use crate::*;

async fn durable_with_version(client: &aws_sdk_lambda::Client, name: &str) {
    create_function(client, name)
        .durable_config(DurableConfig::builder().execution_timeout(3600).build())
        .send()
        .await
        .unwrap();
    wait_function_state(client, name, None, "Active").await;
    client
        .publish_version()
        .function_name(name)
        .send()
        .await
        .unwrap();
    wait_function_state(client, name, Some("1"), "Active").await;
}

async fn state_of(
    client: &aws_sdk_lambda::Client,
    name: &str,
    qualifier: Option<&str>,
) -> Option<(State, Option<String>, Option<String>)> {
    let c = client
        .get_function()
        .function_name(name)
        .set_qualifier(qualifier.map(str::to_string))
        .send()
        .await
        .ok()?
        .configuration
        .unwrap();
    Some((
        c.state.unwrap(),
        c.state_reason_code.map(|r| r.as_str().to_string()),
        c.state_reason,
    ))
}

#[tokio::test]
async fn deleting_a_function_drains_its_executions() {
    let emu = emulator().await;
    let client = lambda(&emu);
    durable_with_version(&client, "wf").await;
    let on_v1 = emu
        .seed_durable_execution(SeedExecution::new("wf", "PAUSED").qualifier("1"))
        .unwrap()
        .durable_execution_arn;
    emu.seed_durable_execution(
        SeedExecution::new("wf", "RUNNING").finishes_after(300, "SUCCEEDED"),
    )
    .unwrap();
    emu.seed_durable_execution(SeedExecution::new("wf", "SUCCEEDED"))
        .unwrap();

    let deleted = client
        .delete_function()
        .function_name("wf")
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status_code(), 202);
    for qualifier in [None, Some("1")] {
        let (state, code, reason) = state_of(&client, "wf", qualifier).await.unwrap();
        assert_eq!(state, State::Deleting, "{qualifier:?}");
        assert_eq!(code.as_deref(), Some("DrainingDurableExecutions"));
        assert!(reason.unwrap().contains("durable executions"));
    }

    // Nothing can change meanwhile; deleting again is accepted.
    let err = client
        .update_function_configuration()
        .function_name("wf")
        .timeout(30)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceConflictException");
    assert!(message.ends_with("state: Deleting"), "{message}");
    let err = client
        .publish_version()
        .function_name("wf")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceConflictException");
    let err = client
        .update_function_code()
        .function_name("wf")
        .zip_file(aws_smithy_types::Blob::new(zip("v2")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceConflictException");
    let err = client
        .invoke()
        .function_name("wf:1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceConflictException");
    let again = client
        .delete_function()
        .function_name("wf")
        .send()
        .await
        .expect("second delete");
    assert_eq!(again.status_code(), 202);

    // The $LATEST execution finishes by itself; the one on version 1 waits.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        state_of(&client, "wf", None).await.map(|s| s.0),
        Some(State::Deleting)
    );
    assert_eq!(
        emu.state()["durable_executions"].as_object().unwrap().len(),
        3
    );
    client
        .stop_durable_execution()
        .durable_execution_arn(&on_v1)
        .send()
        .await
        .unwrap();
    eventually("function gone", || async {
        state_of(&client, "wf", None).await.is_none().then_some(())
    })
    .await;
    let err = client
        .get_function()
        .function_name("wf")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");
    let state = emu.state();
    assert!(state["functions"].as_object().unwrap().is_empty());
    assert!(state["durable_executions"].as_object().unwrap().is_empty());
}

#[tokio::test]
async fn deleting_a_version_drains_its_own_executions() {
    let emu = emulator().await;
    let client = lambda(&emu);
    durable_with_version(&client, "wf").await;
    let v1_run = emu
        .seed_durable_execution(
            SeedExecution::new("wf:1", "RUNNING").finishes_after(1000, "FAILED"),
        )
        .unwrap()
        .durable_execution_arn;
    let latest_run = emu
        .seed_durable_execution(SeedExecution::new("wf", "RUNNING"))
        .unwrap()
        .durable_execution_arn;

    let deleted = client
        .delete_function()
        .function_name("wf")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), 202);
    let (state, code, _) = state_of(&client, "wf", Some("1")).await.unwrap();
    assert_eq!(state, State::Deleting);
    assert_eq!(code.as_deref(), Some("DrainingDurableExecutions"));
    // The function itself is untouched and still changes.
    assert_eq!(
        state_of(&client, "wf", None).await.map(|s| s.0),
        Some(State::Active)
    );
    client
        .update_function_configuration()
        .function_name("wf")
        .timeout(30)
        .send()
        .await
        .expect("update while a version drains");
    let again = client
        .delete_function()
        .function_name("wf:1")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status_code(), 202);

    eventually("version 1 gone", || async {
        state_of(&client, "wf", Some("1"))
            .await
            .is_none()
            .then_some(())
    })
    .await;
    let left = emu.state()["durable_executions"].clone();
    let left: Vec<&String> = left.as_object().unwrap().keys().collect();
    assert_eq!(left, vec![&latest_run]);
    assert!(!left.contains(&&v1_run));

    // Without active executions, deleting is immediate, as before.
    wait_function_state(&client, "wf", None, "Active").await;
    client
        .stop_durable_execution()
        .durable_execution_arn(&latest_run)
        .send()
        .await
        .unwrap();
    let deleted = client
        .delete_function()
        .function_name("wf")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), 204);
    assert!(emu.state()["functions"].as_object().unwrap().is_empty());
}
