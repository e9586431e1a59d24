//! Function scaling configs: Requested → Applied, only on capacity
//! providers.

use aws_sdk_lambda::types::FunctionScalingConfig;

use crate::*;

#[tokio::test]
async fn requested_then_applied() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = active_capacity_provider(&client, "cp-scale").await;
    create_function(&client, "scaled")
        .capacity_provider_config(cp_config(&cp_arn))
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "scaled", None, "ActiveNonInvocable").await;
    client
        .publish_version()
        .function_name("scaled")
        .send()
        .await
        .unwrap();

    let config = FunctionScalingConfig::builder()
        .min_execution_environments(3)
        .max_execution_environments(10)
        .build();
    let put = client
        .put_function_scaling_config()
        .function_name("scaled")
        .qualifier("1")
        .function_scaling_config(config.clone())
        .send()
        .await
        .expect("put");
    assert!(put.function_state().is_some());
    let got = client
        .get_function_scaling_config()
        .function_name("scaled")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.function_arn(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:scaled:1")
    );
    assert_eq!(got.requested_function_scaling_config(), Some(&config));
    eventually("scaling applied", || async {
        let got = client
            .get_function_scaling_config()
            .function_name("scaled")
            .qualifier("1")
            .send()
            .await
            .ok()?;
        (got.requested_function_scaling_config().is_none()
            && got.applied_function_scaling_config() == Some(&config))
        .then_some(())
    })
    .await;

    // $LATEST.PUBLISHED addresses the newest version.
    let latest = client
        .get_function_scaling_config()
        .function_name("scaled")
        .qualifier("$LATEST.PUBLISHED")
        .send()
        .await
        .unwrap();
    assert_eq!(latest.applied_function_scaling_config(), Some(&config));

    let err = client
        .put_function_scaling_config()
        .function_name("scaled")
        .qualifier("1")
        .function_scaling_config(
            FunctionScalingConfig::builder()
                .min_execution_environments(5)
                .max_execution_environments(2)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    let err = client
        .put_function_scaling_config()
        .function_name("scaled")
        .qualifier("9")
        .function_scaling_config(config.clone())
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(
        message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:scaled:9"
    );

    create_function(&client, "no-cp").send().await.unwrap();
    wait_function_state(&client, "no-cp", None, "Active").await;
    client
        .publish_version()
        .function_name("no-cp")
        .send()
        .await
        .unwrap();
    let err = client
        .put_function_scaling_config()
        .function_name("no-cp")
        .qualifier("1")
        .function_scaling_config(config)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(
        message.contains("does not contain a capacity provider configuration"),
        "{message}"
    );
}
