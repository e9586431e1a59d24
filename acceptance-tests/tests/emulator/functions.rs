//! Functions and versions: state machines, conflicts, code hashes,
//! revision IDs, capacity provider, durable and VPC config rules, tags.

use acceptance_tests::ec2::{DEFAULT_SECURITY_GROUP_ID, DEFAULT_SUBNET_IDS, DEFAULT_VPC_ID};
use aws_sdk_lambda::types::{
    DurableConfig, Environment, EphemeralStorage, FunctionCode, State, VpcConfig,
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::*;

#[tokio::test]
async fn create_update_conflict_and_code_hash() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let created = create_function(&client, "plain")
        .tags("env", "test")
        .send()
        .await
        .expect("create");
    assert_eq!(created.state(), Some(&State::Pending));
    assert_eq!(
        created.state_reason_code().map(|c| c.as_str()),
        Some("Creating")
    );
    assert_eq!(
        created.function_arn(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:plain")
    );
    let expected_sha =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(zip("plain")));
    assert_eq!(created.code_sha256(), Some(expected_sha.as_str()));
    assert_eq!(created.code_size(), zip("plain").len() as i64);
    assert_eq!(created.memory_size(), Some(128));
    assert_eq!(created.timeout(), Some(3));

    // Updates are refused while the function is being created.
    let err = client
        .update_function_configuration()
        .function_name("plain")
        .memory_size(256)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceConflictException");
    assert!(
        message.contains("currently in the following state: Pending"),
        "{message}"
    );

    wait_function_state(&client, "plain", None, "Active").await;
    let before = client
        .get_function()
        .function_name("plain")
        .send()
        .await
        .unwrap();
    let rev1 = before
        .configuration()
        .unwrap()
        .revision_id()
        .unwrap()
        .to_string();
    assert_eq!(
        before.tags().unwrap().get("env").map(String::as_str),
        Some("test")
    );
    assert_eq!(before.code().unwrap().repository_type(), Some("S3"));

    let updated = client
        .update_function_configuration()
        .function_name("plain")
        .memory_size(512)
        .environment(Environment::builder().variables("AB", "1").build())
        .send()
        .await
        .expect("update");
    assert_eq!(
        updated.last_update_status().map(|s| s.as_str()),
        Some("InProgress")
    );
    assert_eq!(updated.memory_size(), Some(512));
    let rev2 = updated.revision_id().unwrap().to_string();
    assert_ne!(rev1, rev2);

    let err = client
        .update_function_configuration()
        .function_name("plain")
        .timeout(10)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceConflictException");
    assert_eq!(
        message,
        "The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:plain"
    );
    wait_function_state(&client, "plain", None, "Active").await;
    let after = client
        .get_function_configuration()
        .function_name("plain")
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.last_update_status().map(|s| s.as_str()),
        Some("Successful")
    );
    assert_eq!(after.environment().unwrap().variables().unwrap()["AB"], "1");

    // RevisionId guard.
    let err = client
        .update_function_configuration()
        .function_name("plain")
        .revision_id(rev1)
        .timeout(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "PreconditionFailedException");

    // New code, new hash.
    let code = client
        .update_function_code()
        .function_name("plain")
        .zip_file(aws_smithy_types::Blob::new(zip("v2")))
        .send()
        .await
        .expect("update code");
    let sha2 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(zip("v2")));
    assert_eq!(code.code_sha256(), Some(sha2.as_str()));
    wait_function_state(&client, "plain", None, "Active").await;

    let err = client
        .update_function_code()
        .function_name("plain")
        .zip_file(aws_smithy_types::Blob::new(b"not a zip".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    // Memory above 10240 MB needs a capacity provider.
    let err = client
        .update_function_configuration()
        .function_name("plain")
        .memory_size(20480)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    let err = create_function(&client, "plain").send().await.unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceConflictException");
    assert_eq!(message, "Function already exist: plain");

    let err = client
        .get_function()
        .function_name("nope")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(
        message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"
    );

    let deleted = client
        .delete_function()
        .function_name("plain")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), 204);
    assert!(emu.state()["functions"].as_object().unwrap().is_empty());
}

#[tokio::test]
async fn versions_on_a_capacity_provider() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = create_capacity_provider(&client, "cp-v").await;
    // The capacity provider must be Active.
    let err = create_function(&client, "mi")
        .capacity_provider_config(cp_config(&cp_arn))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
    wait_capacity_provider_active(&client, "cp-v").await;

    let created = create_function(&client, "mi")
        .capacity_provider_config(cp_config(&cp_arn))
        .memory_size(20480)
        .send()
        .await
        .expect("create on capacity provider");
    assert_eq!(created.memory_size(), Some(20480));
    let conf = created
        .capacity_provider_config()
        .unwrap()
        .lambda_managed_instances_capacity_provider_config()
        .unwrap();
    assert_eq!(conf.capacity_provider_arn(), cp_arn);
    wait_function_state(&client, "mi", None, "ActiveNonInvocable").await;

    let v1 = client
        .publish_version()
        .function_name("mi")
        .description("first")
        .send()
        .await
        .expect("publish");
    assert_eq!(v1.version(), Some("1"));
    assert_eq!(v1.state(), Some(&State::Pending));
    assert_eq!(
        v1.function_arn(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:mi:1")
    );
    assert_eq!(v1.description(), Some("first"));
    // Nothing changed: publishing again returns the same version.
    let again = client
        .publish_version()
        .function_name("mi")
        .send()
        .await
        .unwrap();
    assert_eq!(again.version(), Some("1"));
    wait_function_state(&client, "mi", Some("1"), "Active").await;

    let err = client
        .publish_version()
        .function_name("mi")
        .code_sha256("bogus")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    client
        .update_function_configuration()
        .function_name("mi")
        .timeout(60)
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "mi", None, "ActiveNonInvocable").await;
    let v2 = client
        .publish_version()
        .function_name("mi")
        .send()
        .await
        .unwrap();
    assert_eq!(v2.version(), Some("2"));
    let versions = client
        .list_versions_by_function()
        .function_name("mi")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = versions
        .versions()
        .iter()
        .filter_map(|v| v.version())
        .collect();
    assert_eq!(names, vec!["$LATEST", "1", "2"]);
    assert_eq!(
        versions.versions()[0].function_arn(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:mi:$LATEST")
    );

    // The capacity provider cannot be removed or changed.
    let other = active_capacity_provider(&client, "cp-other").await;
    let err = client
        .update_function_configuration()
        .function_name("mi")
        .capacity_provider_config(cp_config(&other))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    // Deleting a version on a capacity provider is asynchronous.
    let deleted = client
        .delete_function()
        .function_name("mi")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), 202);
    let v = client
        .get_function_configuration()
        .function_name("mi")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    assert_eq!(v.state(), Some(&State::Deleting));
    eventually("version 1 gone", || async {
        client
            .get_function_configuration()
            .function_name("mi")
            .qualifier("1")
            .send()
            .await
            .err()
            .map(|_| ())
    })
    .await;
    let err = client
        .delete_function()
        .function_name("mi")
        .qualifier("$LATEST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
}

#[tokio::test]
async fn capacity_provider_cannot_be_added_later() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = active_capacity_provider(&client, "cp-add").await;
    create_function(&client, "later").send().await.unwrap();
    wait_function_state(&client, "later", None, "Active").await;
    let err = client
        .update_function_configuration()
        .function_name("later")
        .capacity_provider_config(cp_config(&cp_arn))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("cannot be added"), "{message}");
}

#[tokio::test]
async fn tmp_beyond_10240_mb_is_for_accelerators() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let tmp = |mb| EphemeralStorage::builder().size(mb).build().unwrap();
    let err = create_function(&client, "big-tmp")
        .ephemeral_storage(tmp(20480))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("10240"), "{message}");
    create_function(&client, "tmp")
        .ephemeral_storage(tmp(10240))
        .send()
        .await
        .expect("10240 MB of /tmp");
    wait_function_state(&client, "tmp", None, "Active").await;
    let err = client
        .update_function_configuration()
        .function_name("tmp")
        .ephemeral_storage(tmp(10241))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
}

/// Environment variables take at most 4 KB altogether, measured as their JSON object,
/// at create and at update.
#[tokio::test]
async fn environment_variables_take_at_most_4_kb() {
    use aws_sdk_lambda::types::Environment;
    let emu = emulator().await;
    let client = lambda(&emu);
    // {"AB":"…"} is 9 bytes around the value.
    let env = |len: usize| {
        Environment::builder()
            .variables("AB", "x".repeat(len))
            .build()
    };
    let err = create_function(&client, "big-env")
        .environment(env(4096 - 8))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("exceeded the 4KB limit"), "{message}");
    create_function(&client, "env")
        .environment(env(4096 - 9))
        .send()
        .await
        .expect("4096 bytes of variables");
    wait_function_state(&client, "env", None, "Active").await;
    let err = client
        .update_function_configuration()
        .function_name("env")
        .environment(env(4096 - 8))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
}

/// A `LoggingConfig` without `LogGroup` logs to `/aws/lambda/NAME`, which AWS names in
/// its answers, at create and at update.
#[tokio::test]
async fn logging_without_a_log_group_names_the_default_group() {
    use aws_sdk_lambda::types::{LogFormat, LoggingConfig};
    let emu = emulator().await;
    let client = lambda(&emu);
    let json = LoggingConfig::builder().log_format(LogFormat::Json).build();
    create_function(&client, "logs")
        .logging_config(json)
        .send()
        .await
        .expect("create");
    wait_function_state(&client, "logs", None, "Active").await;
    let group = |c: &aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput| {
        c.logging_config()
            .and_then(|l| l.log_group())
            .map(str::to_string)
    };
    let got = client
        .get_function_configuration()
        .function_name("logs")
        .send()
        .await
        .unwrap();
    assert_eq!(group(&got).as_deref(), Some("/aws/lambda/logs"));
    client
        .update_function_configuration()
        .function_name("logs")
        .logging_config(LoggingConfig::builder().log_group("/custom/logs").build())
        .send()
        .await
        .expect("a custom group");
    wait_function_state(&client, "logs", None, "Active").await;
    client
        .update_function_configuration()
        .function_name("logs")
        .logging_config(LoggingConfig::builder().log_format(LogFormat::Text).build())
        .send()
        .await
        .expect("back to the default group");
    let got = client
        .get_function_configuration()
        .function_name("logs")
        .send()
        .await
        .unwrap();
    assert_eq!(group(&got).as_deref(), Some("/aws/lambda/logs"));
}

#[tokio::test]
async fn durable_config_only_at_creation() {
    let emu = emulator().await;
    let client = lambda(&emu);
    // ExecutionTimeout bounds the whole execution; Timeout still bounds each
    // invocation, at most 900 s without a capacity provider.
    let err = create_function(&client, "too-long")
        .durable_config(DurableConfig::builder().execution_timeout(86400).build())
        .timeout(1800)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
    let created = create_function(&client, "durable")
        .durable_config(DurableConfig::builder().execution_timeout(86400).build())
        .timeout(900)
        .send()
        .await
        .expect("a durable function with a 900 s invocation timeout");
    let durable = created.durable_config().unwrap();
    assert_eq!(durable.execution_timeout(), Some(86400));
    assert_eq!(durable.retention_period_in_days(), Some(14));
    wait_function_state(&client, "durable", None, "Active").await;

    let updated = client
        .update_function_configuration()
        .function_name("durable")
        .durable_config(
            DurableConfig::builder()
                .execution_timeout(3600)
                .retention_period_in_days(30)
                .build(),
        )
        .send()
        .await
        .expect("values can change");
    assert_eq!(
        updated.durable_config().unwrap().retention_period_in_days(),
        Some(30)
    );

    create_function(&client, "not-durable")
        .send()
        .await
        .unwrap();
    wait_function_state(&client, "not-durable", None, "Active").await;
    let err = client
        .update_function_configuration()
        .function_name("not-durable")
        .durable_config(DurableConfig::builder().execution_timeout(60).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
    let err = client
        .update_function_configuration()
        .function_name("not-durable")
        .timeout(1800)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
}

#[tokio::test]
async fn vpc_subnets_and_security_groups_must_exist() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let vpc = |subnet: &str, group: &str| {
        VpcConfig::builder()
            .subnet_ids(subnet)
            .security_group_ids(group)
            .build()
    };
    let missing_subnet = "subnet-0000000000000dead";
    let missing_group = "sg-0000000000000dead";

    let err = create_function(&client, "in-vpc")
        .vpc_config(vpc(missing_subnet, DEFAULT_SECURITY_GROUP_ID))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("InvalidSubnetID.NotFound"), "{message}");
    assert!(message.contains(missing_subnet), "{message}");

    let err = create_function(&client, "in-vpc")
        .vpc_config(vpc(DEFAULT_SUBNET_IDS[0], missing_group))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("InvalidGroup.NotFound"), "{message}");
    assert!(message.contains(missing_group), "{message}");
    assert!(emu.state()["functions"].as_object().unwrap().is_empty());

    let created = create_function(&client, "in-vpc")
        .vpc_config(vpc(DEFAULT_SUBNET_IDS[0], DEFAULT_SECURITY_GROUP_ID))
        .send()
        .await
        .expect("existing subnet and group");
    assert_eq!(created.vpc_config().unwrap().vpc_id(), Some(DEFAULT_VPC_ID));
    wait_function_state(&client, "in-vpc", None, "Active").await;

    // Updates are checked too, and a refused one changes nothing.
    for (subnet, group, ec2_code) in [
        (
            missing_subnet,
            DEFAULT_SECURITY_GROUP_ID,
            "InvalidSubnetID.NotFound",
        ),
        (
            DEFAULT_SUBNET_IDS[1],
            missing_group,
            "InvalidGroup.NotFound",
        ),
    ] {
        let err = client
            .update_function_configuration()
            .function_name("in-vpc")
            .vpc_config(vpc(subnet, group))
            .send()
            .await
            .unwrap_err();
        let (code, message) = error_of(&err);
        assert_eq!(code, "InvalidParameterValueException");
        assert!(message.contains(ec2_code), "{message}");
    }
    let config = client
        .get_function_configuration()
        .function_name("in-vpc")
        .send()
        .await
        .unwrap();
    let vpc_config = config.vpc_config().unwrap();
    assert_eq!(vpc_config.subnet_ids(), [DEFAULT_SUBNET_IDS[0]]);
    assert_eq!(vpc_config.security_group_ids(), [DEFAULT_SECURITY_GROUP_ID]);
}

#[tokio::test]
async fn tags_on_functions_and_capacity_providers() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = create_capacity_provider(&client, "cp-tags").await;
    let fn_arn = create_function(&client, "tagged")
        .send()
        .await
        .unwrap()
        .function_arn()
        .unwrap()
        .to_string();
    for arn in [&cp_arn, &fn_arn] {
        client
            .tag_resource()
            .resource(arn)
            .tags("a", "1")
            .tags("b", "2")
            .send()
            .await
            .expect("tag");
        client
            .untag_resource()
            .resource(arn)
            .tag_keys("a")
            .send()
            .await
            .expect("untag");
        let tags = client.list_tags().resource(arn).send().await.unwrap();
        let tags = tags.tags().unwrap();
        assert_eq!(tags.len(), 1, "{arn}");
        assert_eq!(tags["b"], "2");
    }
    let err = client
        .tag_resource()
        .resource(format!("{fn_arn}:1"))
        .tags("x", "y")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
    let err = client
        .list_tags()
        .resource("arn:aws:lambda:us-east-1:123456789012:function:missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn regions_come_from_the_credential_scope() {
    let emu = emulator().await;
    let west = lambda_in(&emu, "eu-west-1");
    let created = create_function(&west, "regional").send().await.unwrap();
    assert_eq!(
        created.function_arn(),
        Some("arn:aws:lambda:eu-west-1:123456789012:function:regional")
    );
    let err = lambda(&emu)
        .get_function()
        .function_name("regional")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");
    let code = FunctionCode::builder()
        .s3_bucket("bucket")
        .s3_key("key.zip")
        .build();
    let s3 = west
        .create_function()
        .function_name("from-s3")
        .role(ROLE)
        .runtime(aws_sdk_lambda::types::Runtime::Nodejs22x)
        .handler("index.handler")
        .code(code)
        .send()
        .await
        .expect("S3 code");
    assert!(s3.code_sha256().is_some());
}

#[tokio::test]
async fn versions_per_capacity_provider_are_limited() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = active_capacity_provider(&client, "cp-limit").await;
    let limit = acceptance_tests::lambda::VERSIONS_PER_CAPACITY_PROVIDER;
    // One version per function: each function's first publish is a new version.
    for i in 0..=limit {
        create_function(&client, &format!("f{i}"))
            .capacity_provider_config(cp_config(&cp_arn))
            .send()
            .await
            .expect("create on capacity provider");
    }
    for i in 0..=limit {
        wait_function_state(&client, &format!("f{i}"), None, "ActiveNonInvocable").await;
    }
    for i in 0..limit {
        client
            .publish_version()
            .function_name(format!("f{i}"))
            .send()
            .await
            .expect("publish under the limit");
    }
    let err = client
        .publish_version()
        .function_name(format!("f{limit}"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_of(&err).0,
        "FunctionVersionsPerCapacityProviderLimitExceededException"
    );
    // Publishing what is already published is not a new version: still allowed.
    let again = client
        .publish_version()
        .function_name("f0")
        .send()
        .await
        .expect("unchanged publish at the limit");
    assert_eq!(again.version(), Some("1"));
}

#[tokio::test]
async fn list_functions_pages_through_the_region() {
    let emu = emulator().await;
    let client = lambda(&emu);
    for name in ["b-fn", "a-fn", "c-fn"] {
        create_function(&client, name).send().await.expect("create");
    }
    wait_function_state(&client, "a-fn", None, "Active").await;
    client
        .publish_version()
        .function_name("a-fn")
        .send()
        .await
        .expect("publish");
    let first = client
        .list_functions()
        .max_items(2)
        .send()
        .await
        .expect("list");
    let names: Vec<&str> = first
        .functions()
        .iter()
        .filter_map(|f| f.function_name())
        .collect();
    assert_eq!(names, ["a-fn", "b-fn"]);
    let rest = client
        .list_functions()
        .marker(first.next_marker().expect("a second page"))
        .send()
        .await
        .expect("second page");
    assert_eq!(rest.functions().len(), 1);
    assert!(rest.next_marker().is_none());
    let all = client
        .list_functions()
        .function_version(aws_sdk_lambda::types::FunctionVersion::All)
        .send()
        .await
        .expect("all versions");
    let arns: Vec<&str> = all
        .functions()
        .iter()
        .filter_map(|f| f.function_arn())
        .filter(|a| a.contains(":a-fn:"))
        .collect();
    assert_eq!(arns.len(), 2, "$LATEST and version 1: {arns:?}");
    let other = lambda_in(&emu, "eu-west-1")
        .list_functions()
        .send()
        .await
        .expect("other region");
    assert!(other.functions().is_empty());
}
