//! Model-driven validation and protocol errors.

use aws_sdk_lambda::types::{
    CapacityProviderPermissionsConfig, CapacityProviderScalingConfig, CapacityProviderVpcConfig,
};

use crate::*;

#[tokio::test]
async fn constraint_violations_through_the_sdk() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let err = client
        .create_capacity_provider()
        .capacity_provider_name("bad name!")
        .vpc_config(
            CapacityProviderVpcConfig::builder()
                .subnet_ids(acceptance_tests::ec2::DEFAULT_SUBNET_IDS[0])
                .set_security_group_ids(Some(vec![]))
                .build()
                .unwrap(),
        )
        .permissions_config(
            CapacityProviderPermissionsConfig::builder()
                .capacity_provider_operator_role_arn(OPERATOR_ROLE)
                .build()
                .unwrap(),
        )
        .capacity_provider_scaling_config(
            CapacityProviderScalingConfig::builder()
                .max_v_cpu_count(1)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "2 validation errors detected: Value 'bad name!' at 'capacityProviderName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[a-zA-Z-]*:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:capacity-provider:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+; Value '1' at 'capacityProviderScalingConfig.maxVCpuCount' failed to satisfy constraint: Member must have value greater than or equal to 2"
    );
    let err = create_function(&client, "f")
        .memory_size(64)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"
    );
    assert!(emu.state()["functions"].as_object().unwrap().is_empty());
}

#[tokio::test]
async fn raw_protocol_errors() {
    let emu = emulator().await;
    // Missing required members (the SDK would refuse to send this).
    let resp = raw(
        &emu,
        "POST",
        "/2015-03-31/functions",
        Some("lambda"),
        r#"{"FunctionName":"f","Code":{},"Runtime":"cobol"}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(resp.headers["x-amzn-errortype"], "ValidationException");
    let body = resp.json();
    assert_eq!(body["Type"], "User");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("2 validation errors detected: "),
        "{message}"
    );
    assert!(
        message
            .contains("Value null at 'role' failed to satisfy constraint: Member must not be null"),
        "{message}"
    );
    assert!(message.contains("Value 'cobol' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, "), "{message}");

    // Malformed JSON.
    let resp = raw(
        &emu,
        "POST",
        "/2015-03-31/functions",
        Some("lambda"),
        "{not json",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(resp.headers["x-amzn-errortype"], "SerializationException");

    // Wrong types.
    let resp = raw(
        &emu,
        "POST",
        "/2015-03-31/functions",
        Some("lambda"),
        r#"{"FunctionName":"f","Role":"arn:aws:iam::123456789012:role/r","Code":{},"MemorySize":"lots"}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.headers["x-amzn-errortype"], "SerializationException");

    // Bad query-string values.
    let resp = raw(
        &emu,
        "GET",
        "/2025-11-30/capacity-providers?MaxItems=abc",
        Some("lambda"),
        "",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 400);
    let resp = raw(
        &emu,
        "GET",
        "/2025-11-30/capacity-providers?MaxItems=51",
        Some("lambda"),
        "",
    )
    .await
    .unwrap();
    assert_eq!(resp.headers["x-amzn-errortype"], "ValidationException");
    assert!(
        resp.json()["message"]
            .as_str()
            .unwrap()
            .contains("at 'maxItems'")
    );

    // Unknown routes.
    let resp = raw(&emu, "GET", "/2015-03-31/nothing-here", Some("lambda"), "")
        .await
        .unwrap();
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.headers["x-amzn-errortype"],
        "UnknownOperationException"
    );

    // Not-found errors carry AWS's message member.
    let resp = raw(
        &emu,
        "GET",
        "/2015-03-31/functions/ghost",
        Some("lambda"),
        "",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.json(),
        serde_json::json!({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:ghost"})
    );

    // EC2 and STS reject unknown actions in their own formats.
    let resp = raw(
        &emu,
        "POST",
        "/",
        Some("ec2"),
        "Action=RunInstances&Version=2016-11-15",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 400);
    assert!(
        resp.body
            .contains("<Response><Errors><Error><Code>InvalidAction</Code>"),
        "{}",
        resp.body
    );
    let resp = raw(
        &emu,
        "POST",
        "/",
        Some("sts"),
        "Action=AssumeRole&Version=2011-06-15",
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("<ErrorResponse"), "{}", resp.body);

    // Nothing crashed: the server still answers.
    sts(&emu)
        .get_caller_identity()
        .send()
        .await
        .expect("still alive");
}

#[test]
fn only_lookaround_patterns_are_skipped() {
    let model = acceptance_tests::model::lambda();
    let skipped = model.skipped_patterns();
    for (shape, pattern) in &skipped {
        assert!(
            pattern.contains("(?=") || pattern.contains("(?!") || pattern.contains("(?<"),
            "{shape}: {pattern} was skipped without look-around"
        );
    }
    // Of the 86 shapes with a pattern in the embedded model, 5 use
    // look-around, which the regex crate cannot express: those are skipped.
    assert_eq!(model.pattern_count(), 86);
    assert_eq!(skipped.len(), 5, "{skipped:?}");
    for m in [
        acceptance_tests::model::ec2(),
        acceptance_tests::model::sts(),
    ] {
        for (shape, pattern) in m.skipped_patterns() {
            assert!(pattern.contains("(?"), "{shape}: {pattern}");
        }
    }
}
