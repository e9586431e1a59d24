//! The `VpcConfig` check shared by functions and capacity providers: its
//! subnets and security groups must exist in the emulator's fixed network.

use std::collections::BTreeMap;

use serde_json::Value;

use super::LambdaError;
use crate::ec2;

/// Whether a `VpcConfig`'s subnets and security groups must all belong to
/// one VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SameVpc {
    /// Refused unless they do (capacity providers).
    Required,
    /// Not looked at (functions).
    NotChecked,
}

/// Checks that every subnet, then every security group, of `vpc` exists,
/// answering with EC2's `NotFound` error as Lambda relays it; with
/// [`SameVpc::Required`], also that they all belong to one VPC.
pub(super) fn check_vpc(vpc: &Value, same_vpc: SameVpc) -> Result<(), LambdaError> {
    let ids = |member: &str| ec2::strings(vpc, member);
    // VPC ID → one of the IDs found in it, for the error message.
    let mut vpcs = BTreeMap::new();
    for id in ids("SubnetIds") {
        let subnet = ec2::subnet(&id).ok_or_else(|| {
            LambdaError::InvalidParameterValue(format!(
                "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '{id}' does not exist"
            ))
        })?;
        vpcs.insert(subnet.vpc_id, id);
    }
    for id in ids("SecurityGroupIds") {
        let group = ec2::security_group(&id).ok_or_else(|| {
            LambdaError::InvalidParameterValue(format!(
                "Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group '{id}' does not exist"
            ))
        })?;
        vpcs.insert(group.vpc_id, id);
    }
    if same_vpc == SameVpc::Required && vpcs.len() > 1 {
        let detail = vpcs
            .iter()
            .map(|(vpc, id)| format!("{id} is in {vpc}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(LambdaError::InvalidParameterValue(format!(
            "Subnets and security groups must belong to the same VPC: {detail}"
        )));
    }
    Ok(())
}
