//! Capacity providers: lifecycle, validation against the EC2 network,
//! deletion guarded by function versions.

use acceptance_tests::ec2::{
    DEFAULT_SECURITY_GROUP_ID, DEFAULT_SUBNET_IDS, SECOND_SECURITY_GROUP_ID, SECOND_SUBNET_ID,
};
use aws_sdk_lambda::types::{
    Architecture, CapacityProviderPermissionsConfig, CapacityProviderPredefinedMetricType,
    CapacityProviderScalingConfig, CapacityProviderScalingMode, CapacityProviderState,
    CapacityProviderVpcConfig, InstanceRequirements, TargetTrackingScalingPolicy,
};

use crate::*;

#[tokio::test]
async fn lifecycle_pending_active_update_delete() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let created = client
        .create_capacity_provider()
        .capacity_provider_name("cp-life")
        .vpc_config(
            CapacityProviderVpcConfig::builder()
                .subnet_ids(DEFAULT_SUBNET_IDS[0])
                .subnet_ids(DEFAULT_SUBNET_IDS[1])
                .security_group_ids(DEFAULT_SECURITY_GROUP_ID)
                .build()
                .unwrap(),
        )
        .permissions_config(
            CapacityProviderPermissionsConfig::builder()
                .capacity_provider_operator_role_arn(OPERATOR_ROLE)
                .build()
                .unwrap(),
        )
        .instance_requirements(
            InstanceRequirements::builder()
                .architectures(Architecture::Arm64)
                .allowed_instance_types("m7g.large")
                .allowed_instance_types("c7g.*")
                .build(),
        )
        .capacity_provider_scaling_config(
            CapacityProviderScalingConfig::builder()
                .max_v_cpu_count(64)
                .scaling_mode(CapacityProviderScalingMode::Manual)
                .scaling_policies(
                    TargetTrackingScalingPolicy::builder()
                        .predefined_metric_type(CapacityProviderPredefinedMetricType::LambdaCapacityProviderAverageCpuUtilization)
                        .target_value(60.0)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .tags("team", "platform")
        .send()
        .await
        .expect("create");
    let cp = created.capacity_provider().unwrap();
    assert_eq!(cp.state(), &CapacityProviderState::Pending);
    assert_eq!(
        cp.capacity_provider_arn(),
        "arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp-life"
    );
    assert_eq!(cp.vpc_config().unwrap().subnet_ids().len(), 2);
    assert!(cp.last_modified().is_some());

    // Updates are refused while Pending.
    let err = client
        .update_capacity_provider()
        .capacity_provider_name("cp-life")
        .capacity_provider_scaling_config(
            CapacityProviderScalingConfig::builder()
                .max_v_cpu_count(128)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceConflictException");

    wait_capacity_provider_active(&client, "cp-life").await;
    let updated = client
        .update_capacity_provider()
        .capacity_provider_name("cp-life")
        .capacity_provider_scaling_config(
            CapacityProviderScalingConfig::builder()
                .max_v_cpu_count(128)
                .build(),
        )
        .send()
        .await
        .expect("update");
    let scaling = updated
        .capacity_provider()
        .unwrap()
        .capacity_provider_scaling_config()
        .unwrap();
    assert_eq!(scaling.max_v_cpu_count(), Some(128));
    assert_eq!(
        scaling.scaling_mode(),
        Some(&CapacityProviderScalingMode::Manual)
    );
    assert_eq!(scaling.scaling_policies().len(), 1);

    let got = client
        .get_capacity_provider()
        .capacity_provider_name("cp-life")
        .send()
        .await
        .unwrap();
    let reqs = got
        .capacity_provider()
        .unwrap()
        .instance_requirements()
        .unwrap();
    assert_eq!(reqs.architectures(), &[Architecture::Arm64]);
    assert_eq!(
        reqs.allowed_instance_types(),
        &["m7g.large".to_string(), "c7g.*".to_string()]
    );

    // Duplicate names conflict.
    let err = client
        .create_capacity_provider()
        .capacity_provider_name("cp-life")
        .vpc_config(
            CapacityProviderVpcConfig::builder()
                .subnet_ids(DEFAULT_SUBNET_IDS[0])
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
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceConflictException");

    let listed = client
        .list_capacity_providers()
        .state(CapacityProviderState::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.capacity_providers().len(), 1);
    let listed = client
        .list_capacity_providers()
        .state(CapacityProviderState::Pending)
        .send()
        .await
        .unwrap();
    assert!(listed.capacity_providers().is_empty());

    let deleted = client
        .delete_capacity_provider()
        .capacity_provider_name("cp-life")
        .send()
        .await
        .unwrap();
    assert_eq!(
        deleted.capacity_provider().unwrap().state(),
        &CapacityProviderState::Deleting
    );
    eventually("capacity provider gone", || async {
        let err = client.get_capacity_provider().capacity_provider_name("cp-life").send().await.err()?;
        let (code, message) = error_of(&err);
        assert_eq!(code, "ResourceNotFoundException");
        assert_eq!(
            message,
            "Capacity provider not found: arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp-life"
        );
        Some(())
    })
    .await;
    assert!(
        emu.state()["capacity_providers"]
            .as_object()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn network_and_instance_type_checks() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let permissions = CapacityProviderPermissionsConfig::builder()
        .capacity_provider_operator_role_arn(OPERATOR_ROLE)
        .build()
        .unwrap();
    let attempt = |subnets: Vec<&str>, groups: Vec<&str>, reqs: Option<InstanceRequirements>| {
        client
            .create_capacity_provider()
            .capacity_provider_name("cp-bad")
            .vpc_config(
                CapacityProviderVpcConfig::builder()
                    .set_subnet_ids(Some(subnets.into_iter().map(String::from).collect()))
                    .set_security_group_ids(Some(groups.into_iter().map(String::from).collect()))
                    .build()
                    .unwrap(),
            )
            .permissions_config(permissions.clone())
            .set_instance_requirements(reqs)
            .send()
    };
    let err = attempt(
        vec![DEFAULT_SUBNET_IDS[0]],
        vec![SECOND_SECURITY_GROUP_ID],
        None,
    )
    .await
    .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("same VPC"), "{message}");

    let err = attempt(vec![DEFAULT_SUBNET_IDS[0], SECOND_SUBNET_ID], vec![], None)
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    let err = attempt(vec!["subnet-0000000000000dead"], vec![], None)
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("InvalidSubnetID.NotFound"), "{message}");

    let both = InstanceRequirements::builder()
        .allowed_instance_types("m5.large")
        .excluded_instance_types("m5.xlarge")
        .build();
    let err = attempt(vec![DEFAULT_SUBNET_IDS[0]], vec![], Some(both))
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    let wrong_arch = InstanceRequirements::builder()
        .architectures(Architecture::Arm64)
        .allowed_instance_types("m5.large")
        .build();
    let err = attempt(vec![DEFAULT_SUBNET_IDS[0]], vec![], Some(wrong_arch))
        .await
        .unwrap_err();
    let (_, message) = error_of(&err);
    assert!(
        message.contains("does not support architecture arm64"),
        "{message}"
    );

    let unknown = InstanceRequirements::builder()
        .allowed_instance_types("zz9.huge")
        .build();
    let err = attempt(vec![DEFAULT_SUBNET_IDS[0]], vec![], Some(unknown))
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");

    // Nothing was created by the failed attempts.
    assert!(
        emu.state()["capacity_providers"]
            .as_object()
            .unwrap()
            .is_empty()
    );
    // A second VPC's subnet with its own group is fine.
    attempt(vec![SECOND_SUBNET_ID], vec![SECOND_SECURITY_GROUP_ID], None)
        .await
        .expect("same VPC");
}

#[tokio::test]
async fn delete_refused_while_versions_use_it() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let cp_arn = active_capacity_provider(&client, "cp-used").await;
    create_function(&client, "fn-on-cp")
        .capacity_provider_config(cp_config(&cp_arn))
        .send()
        .await
        .expect("create function");
    wait_function_state(&client, "fn-on-cp", None, "ActiveNonInvocable").await;
    client
        .publish_version()
        .function_name("fn-on-cp")
        .send()
        .await
        .expect("publish");

    let listed = client
        .list_function_versions_by_capacity_provider()
        .capacity_provider_name("cp-used")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.capacity_provider_arn(), cp_arn);
    let arns: Vec<&str> = listed
        .function_versions()
        .iter()
        .map(|v| v.function_arn())
        .collect();
    assert_eq!(
        arns,
        vec![
            "arn:aws:lambda:us-east-1:123456789012:function:fn-on-cp:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:fn-on-cp:1"
        ]
    );

    let err = client
        .delete_capacity_provider()
        .capacity_provider_name("cp-used")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "ResourceConflictException");
    assert!(message.contains("fn-on-cp:1"), "{message}");

    let deleted = client
        .delete_function()
        .function_name("fn-on-cp")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), 202);
    // Deletion of functions on capacity providers is asynchronous.
    eventually("capacity provider deletable", || async {
        client
            .delete_capacity_provider()
            .capacity_provider_name("cp-used")
            .send()
            .await
            .ok()
    })
    .await;
    eventually("everything gone", || async {
        let state = emu.state();
        (state["capacity_providers"].as_object()?.is_empty()
            && state["functions"].as_object()?.is_empty())
        .then_some(())
    })
    .await;

    let err = client
        .list_function_versions_by_capacity_provider()
        .capacity_provider_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "ResourceNotFoundException");
}
