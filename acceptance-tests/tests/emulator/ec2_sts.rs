//! EC2 describes and STS through their SDKs.

use acceptance_tests::ec2::{
    DEFAULT_SECURITY_GROUP_ID, DEFAULT_SUBNET_IDS, DEFAULT_VPC_ID, SECOND_SECURITY_GROUP_ID,
    SECOND_SUBNET_ID, SECOND_VPC_ID,
};
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{ArchitectureType, Filter, InstanceType};

use crate::*;

fn code<E: ProvideErrorMetadata, R>(err: &aws_sdk_ec2::error::SdkError<E, R>) -> String {
    err.as_service_error()
        .and_then(|e| e.code())
        .unwrap_or("<none>")
        .to_string()
}

#[tokio::test]
async fn vpcs_subnets_security_groups() {
    let emu = emulator().await;
    let client = ec2(&emu);
    let vpcs = client.describe_vpcs().send().await.unwrap();
    assert_eq!(vpcs.vpcs().len(), 2);
    let default: Vec<_> = vpcs
        .vpcs()
        .iter()
        .filter(|v| v.is_default() == Some(true))
        .collect();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0].vpc_id(), Some(DEFAULT_VPC_ID));
    let filtered = client
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("false").build())
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.vpcs()[0].vpc_id(), Some(SECOND_VPC_ID));
    let err = client
        .describe_vpcs()
        .vpc_ids("vpc-0000000000000dead")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidVpcID.NotFound");

    let subnets = client
        .describe_subnets()
        .filters(
            Filter::builder()
                .name("vpc-id")
                .values(DEFAULT_VPC_ID)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut azs: Vec<&str> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.availability_zone())
        .collect();
    azs.sort();
    assert_eq!(azs, vec!["us-east-1a", "us-east-1b", "us-east-1c"]);
    let by_id = client
        .describe_subnets()
        .subnet_ids(SECOND_SUBNET_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.subnets()[0].vpc_id(), Some(SECOND_VPC_ID));
    let by_filter = client
        .describe_subnets()
        .filters(
            Filter::builder()
                .name("subnet-id")
                .values(DEFAULT_SUBNET_IDS[1])
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(by_filter.subnets().len(), 1);
    let err = client
        .describe_subnets()
        .subnet_ids("subnet-0000000000000dead")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidSubnetID.NotFound");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    let err = client
        .describe_subnets()
        .filters(Filter::builder().name("no-such-filter").values("x").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");

    let groups = client
        .describe_security_groups()
        .group_ids(SECOND_SECURITY_GROUP_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.security_groups()[0].vpc_id(), Some(SECOND_VPC_ID));
    let groups = client
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        groups.security_groups()[0].group_id(),
        Some(DEFAULT_SECURITY_GROUP_ID)
    );
    let err = client
        .describe_security_groups()
        .group_ids("sg-0000000000000dead")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidGroup.NotFound");

    let zones = client.describe_availability_zones().send().await.unwrap();
    assert_eq!(zones.availability_zones().len(), 3);
    assert_eq!(zones.availability_zones()[0].zone_id(), Some("use1-az1"));
}

#[tokio::test]
async fn instance_types_from_the_catalogue() {
    let emu = emulator().await;
    let client = ec2(&emu);
    let one = client
        .describe_instance_types()
        .instance_types(InstanceType::M7gLarge)
        .send()
        .await
        .unwrap();
    let info = &one.instance_types()[0];
    assert_eq!(info.instance_type(), Some(&InstanceType::M7gLarge));
    assert_eq!(
        info.processor_info().unwrap().supported_architectures(),
        &[ArchitectureType::Arm64]
    );
    assert_eq!(info.v_cpu_info().unwrap().default_v_cpus(), Some(2));
    assert_eq!(info.memory_info().unwrap().size_in_mib(), Some(8192));

    let arm = client
        .describe_instance_types()
        .filters(
            Filter::builder()
                .name("processor-info.supported-architecture")
                .values("arm64")
                .build(),
        )
        .filters(
            Filter::builder()
                .name("instance-type")
                .values("c7g.*")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(!arm.instance_types().is_empty());
    for t in arm.instance_types() {
        assert!(t.instance_type().unwrap().as_str().starts_with("c7g."));
    }

    let err = client
        .describe_instance_types()
        .instance_types(InstanceType::from("zz9.huge"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInstanceType");

    let mut pages = client
        .describe_instance_types()
        .into_paginator()
        .items()
        .send();
    let mut count = 0;
    while let Some(item) = pages.next().await {
        item.unwrap();
        count += 1;
    }
    assert_eq!(count, acceptance_tests::ec2::catalogue().len());
}

#[tokio::test]
async fn ec2_inputs_are_validated_against_the_model() {
    let emu = emulator().await;
    // DescribeSubnets' MaxResults is 5..=1000 in the model.
    let err = ec2(&emu)
        .describe_subnets()
        .max_results(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert!(
        err.as_service_error()
            .and_then(|e| e.message())
            .is_some_and(|m| m.contains("maxResults")),
        "{err:?}"
    );
    let page = ec2(&emu)
        .describe_subnets()
        .max_results(5)
        .send()
        .await
        .unwrap();
    assert!(!page.subnets().is_empty());
}

#[tokio::test]
async fn region_from_scope_and_sts_identity() {
    let emu = emulator().await;
    let zones = ec2_in(&emu, "eu-west-2")
        .describe_availability_zones()
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = zones
        .availability_zones()
        .iter()
        .filter_map(|z| z.zone_name())
        .collect();
    assert_eq!(names, vec!["eu-west-2a", "eu-west-2b", "eu-west-2c"]);

    let identity = sts(&emu).get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("123456789012"));
    assert_eq!(
        identity.arn(),
        Some("arn:aws:iam::123456789012:user/AKIDEMULATORTEST")
    );
}

#[tokio::test]
async fn assume_role_issues_credentials_that_act_as_the_role() {
    let emu = emulator().await;
    let role_arn = "arn:aws:iam::123456789012:role/deployer";
    let out = sts(&emu)
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("pipeline")
        .external_id("ext-42")
        .duration_seconds(1800)
        .send()
        .await
        .unwrap();
    let creds = out.credentials().expect("credentials");
    assert!(creds.access_key_id().starts_with("ASIA"));
    assert_eq!(
        out.assumed_role_user().map(|u| u.arn()),
        Some("arn:aws:sts::123456789012:assumed-role/deployer/pipeline")
    );

    let sessions = emu.sts_sessions();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].access_key_id, creds.access_key_id());
    assert_eq!(sessions[0].external_id.as_deref(), Some("ext-42"));
    assert_eq!(sessions[0].duration_seconds, 1800);
    assert_eq!(sessions[0].source_access_key_id, ACCESS_KEY);

    // Calls signed with the session's credentials are the assumed role's.
    let as_role = sts_with(
        &emu,
        Credentials::new(
            creds.access_key_id(),
            creds.secret_access_key(),
            Some(creds.session_token().to_string()),
            None,
            "assumed",
        ),
    );
    let identity = as_role.get_caller_identity().send().await.unwrap();
    assert_eq!(
        identity.arn(),
        Some("arn:aws:sts::123456789012:assumed-role/deployer/pipeline")
    );
    assert!(
        emu.calls()["GetCallerIdentity"]
            .access_keys
            .contains(creds.access_key_id())
    );
}

#[tokio::test]
async fn assume_role_refusals() {
    let emu = emulator().await;
    let err = sts(&emu)
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/deployer")
        .role_session_name("pipeline")
        .duration_seconds(60)
        .send()
        .await
        .unwrap_err();
    let service = err.as_service_error().expect("service error");
    assert_eq!(service.code(), Some("ValidationError"));
    assert!(
        service
            .message()
            .is_some_and(|m| m.contains("'durationSeconds' failed to satisfy constraint")),
        "{service:?}"
    );

    let err = sts(&emu)
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:user/bob")
        .role_session_name("pipeline")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("AccessDenied")
    );
    assert!(emu.sts_sessions().is_empty());
}
