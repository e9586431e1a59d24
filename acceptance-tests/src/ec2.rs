//! EC2 (query protocol, XML): the read-only describes a Lambda provider
//! needs to check its inputs: VPCs, subnets, security groups, availability
//! zones and instance types.
//!
//! The network is fixed and the same in every region (only names derived
//! from the region change): a default VPC with three subnets in three
//! availability zones (`REGIONa/b/c`) and a `default` security group, plus a
//! second, non-default VPC with one subnet and one security group, so
//! callers can test "subnets and security groups in different VPCs".
//! Instance types come from the embedded catalogue
//! (`schemas/aws/instance-types.json`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::query::{self, Dialect};
use crate::model::validate::{self, Invalid};
use crate::model::{self};

/// The account that owns every emulated resource.
pub const ACCOUNT_ID: &str = "123456789012";
/// The default VPC.
pub const DEFAULT_VPC_ID: &str = "vpc-0de1a0f0000000001";
/// The second, non-default VPC.
pub const SECOND_VPC_ID: &str = "vpc-0de1a0f0000000002";
/// The default VPC's subnets, in availability zones `a`, `b` and `c`.
pub const DEFAULT_SUBNET_IDS: [&str; 3] = [
    "subnet-0de1a0f000000000a",
    "subnet-0de1a0f000000000b",
    "subnet-0de1a0f000000000c",
];
/// The second VPC's only subnet (availability zone `a`).
pub const SECOND_SUBNET_ID: &str = "subnet-0de1a0f000000000d";
/// The default VPC's `default` security group.
pub const DEFAULT_SECURITY_GROUP_ID: &str = "sg-0de1a0f0000000001";
/// The second VPC's security group.
pub const SECOND_SECURITY_GROUP_ID: &str = "sg-0de1a0f0000000002";

const CATALOGUE_JSON: &str = include_str!("../../schemas/aws/instance-types.json");

/// A VPC.
#[derive(Debug, Clone)]
pub struct Vpc {
    /// ID.
    pub id: &'static str,
    /// IPv4 CIDR.
    pub cidr: &'static str,
    /// Whether this is the region's default VPC.
    pub is_default: bool,
    /// `Name` tag.
    pub name: &'static str,
}

/// A subnet.
#[derive(Debug, Clone)]
pub struct Subnet {
    /// ID.
    pub id: &'static str,
    /// VPC.
    pub vpc_id: &'static str,
    /// AZ letter (`a`, `b`, `c`).
    pub az_letter: char,
    /// IPv4 CIDR.
    pub cidr: &'static str,
    /// Default subnet of its AZ.
    pub default_for_az: bool,
}

/// A security group.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    /// ID.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
    /// VPC.
    pub vpc_id: &'static str,
}

/// The fixed VPCs.
pub const VPCS: [Vpc; 2] = [
    Vpc {
        id: DEFAULT_VPC_ID,
        cidr: "172.31.0.0/16",
        is_default: true,
        name: "default",
    },
    Vpc {
        id: SECOND_VPC_ID,
        cidr: "10.1.0.0/16",
        is_default: false,
        name: "emulator-secondary",
    },
];

/// The fixed subnets.
pub const SUBNETS: [Subnet; 4] = [
    Subnet {
        id: DEFAULT_SUBNET_IDS[0],
        vpc_id: DEFAULT_VPC_ID,
        az_letter: 'a',
        cidr: "172.31.0.0/20",
        default_for_az: true,
    },
    Subnet {
        id: DEFAULT_SUBNET_IDS[1],
        vpc_id: DEFAULT_VPC_ID,
        az_letter: 'b',
        cidr: "172.31.16.0/20",
        default_for_az: true,
    },
    Subnet {
        id: DEFAULT_SUBNET_IDS[2],
        vpc_id: DEFAULT_VPC_ID,
        az_letter: 'c',
        cidr: "172.31.32.0/20",
        default_for_az: true,
    },
    Subnet {
        id: SECOND_SUBNET_ID,
        vpc_id: SECOND_VPC_ID,
        az_letter: 'a',
        cidr: "10.1.0.0/24",
        default_for_az: false,
    },
];

/// The fixed security groups.
pub const SECURITY_GROUPS: [SecurityGroup; 2] = [
    SecurityGroup {
        id: DEFAULT_SECURITY_GROUP_ID,
        name: "default",
        description: "default VPC security group",
        vpc_id: DEFAULT_VPC_ID,
    },
    SecurityGroup {
        id: SECOND_SECURITY_GROUP_ID,
        name: "emulator-secondary",
        description: "security group of the second VPC",
        vpc_id: SECOND_VPC_ID,
    },
];

/// Looks a subnet up.
pub fn subnet(id: &str) -> Option<&'static Subnet> {
    SUBNETS.iter().find(|s| s.id == id)
}

/// Looks a security group up.
pub fn security_group(id: &str) -> Option<&'static SecurityGroup> {
    SECURITY_GROUPS.iter().find(|s| s.id == id)
}

/// One instance type of the catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct InstanceTypeInfo {
    /// Supported architectures (`x86_64`, `arm64`, `i386`...).
    pub architectures: Vec<String>,
    /// Current generation.
    pub current_generation: bool,
    /// Memory.
    pub memory_mib: u64,
    /// Default vCPUs.
    pub vcpus: u64,
}

/// The instance-type catalogue, by name.
pub fn catalogue() -> &'static BTreeMap<String, InstanceTypeInfo> {
    static CELL: OnceLock<BTreeMap<String, InstanceTypeInfo>> = OnceLock::new();
    CELL.get_or_init(|| serde_json::from_str(CATALOGUE_JSON).unwrap_or_default())
}

/// `us-east-1` → `use1` (the prefix of AZ IDs).
fn zone_id_prefix(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    match parts.as_slice() {
        [geo, direction, number] => {
            format!("{geo}{}{number}", direction.chars().next().unwrap_or('x'))
        }
        _ => region.replace('-', ""),
    }
}

fn az_name(region: &str, letter: char) -> String {
    format!("{region}{letter}")
}

fn az_id(region: &str, letter: char) -> String {
    let n = (letter as u32).saturating_sub('a' as u32) + 1;
    format!("{}-az{n}", zone_id_prefix(region))
}

/// An EC2 error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Ec2Error {
    /// HTTP status.
    pub status: u16,
    /// Error code, e.g. `InvalidSubnetID.NotFound`.
    pub code: String,
    /// Message.
    pub message: String,
}

impl Ec2Error {
    fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Renders an error in EC2's XML layout.
pub fn error_xml(code: &str, message: &str, request_id: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>",
        query::escape(code),
        query::escape(message),
        query::escape(request_id)
    )
}

/// Handles one EC2 action; returns the XML body of a successful response.
pub fn handle(
    action: &str,
    params: &BTreeMap<String, String>,
    region: &str,
    request_id: &str,
) -> Result<String, Ec2Error> {
    let model = model::ec2();
    let Some(op) = model.operations.get(action) else {
        return Err(Ec2Error::new(
            "InvalidAction",
            format!("The action {action} is not valid for this web service."),
        ));
    };
    let input_shape = op.input.as_ref().map(|s| s.shape.as_str()).unwrap_or("");
    let input = query::decode_params(model, Dialect::Ec2, input_shape, params);
    // EC2 answers constraint violations (e.g. MaxResults out of range) with
    // InvalidParameterValue.
    validate::validate(model, input_shape, &input).map_err(|e| match e {
        Invalid::Validation(m) | Invalid::Serialization(m) => {
            Ec2Error::new("InvalidParameterValue", m)
        }
    })?;
    let output = match action {
        "DescribeVpcs" => describe_vpcs(&input, region)?,
        "DescribeSubnets" => describe_subnets(&input, region)?,
        "DescribeSecurityGroups" => describe_security_groups(&input, region)?,
        "DescribeAvailabilityZones" => describe_availability_zones(&input, region)?,
        "DescribeInstanceTypes" => describe_instance_types(&input)?,
        "DescribeInstanceTypeOfferings" => describe_instance_type_offerings(&input, region)?,
        other => {
            return Err(Ec2Error::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service."),
            ));
        }
    };
    let namespace = model.metadata.xml_namespace.clone().unwrap_or_default();
    let namespace = if namespace.ends_with('/') {
        namespace
    } else {
        format!("{namespace}/")
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{namespace}\"><requestId>{}</requestId>",
        query::escape(request_id)
    );
    if let Some(out) = &op.output {
        query::write_members(model, Dialect::Ec2, &out.shape, &output, &mut xml);
    }
    xml.push_str(&format!("</{action}Response>"));
    Ok(xml)
}

/// The strings of a list member of an input (empty if absent; non-strings skipped).
pub(crate) fn strings(input: &Value, member: &str) -> Vec<String> {
    input
        .get(member)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A request filter: name and accepted values (with `*`/`?` wildcards).
struct Filter {
    name: String,
    values: Vec<String>,
}

fn filters(input: &Value) -> Vec<Filter> {
    input
        .get("Filters")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|f| Filter {
                    name: f
                        .get("Name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    values: f
                        .get("Values")
                        .and_then(Value::as_array)
                        .map(|v| {
                            v.iter()
                                .filter_map(|s| s.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Glob match with `*` and `?`, as EC2 filters allow.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Keeps the items whose attributes match every filter; `attrs` gives an
/// item's values for a filter name, or `None` for an unsupported filter.
fn apply_filters<T>(
    items: Vec<T>,
    filters: &[Filter],
    attrs: impl Fn(&T, &str) -> Option<Vec<String>>,
) -> Result<Vec<T>, Ec2Error> {
    let mut out = Vec::new();
    'items: for item in items {
        for f in filters {
            let Some(values) = attrs(&item, &f.name) else {
                return Err(Ec2Error::new(
                    "InvalidParameterValue",
                    format!("The filter '{}' is invalid", f.name),
                ));
            };
            if !f
                .values
                .iter()
                .any(|want| values.iter().any(|have| glob(want, have)))
            {
                continue 'items;
            }
        }
        out.push(item);
    }
    Ok(out)
}

fn tag_attr(tags: &[(&str, &str)], name: &str) -> Option<Vec<String>> {
    if name == "tag-key" {
        return Some(tags.iter().map(|(k, _)| k.to_string()).collect());
    }
    if name == "tag-value" {
        return Some(tags.iter().map(|(_, v)| v.to_string()).collect());
    }
    name.strip_prefix("tag:").map(|key| {
        tags.iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            .collect()
    })
}

fn max_results(input: &Value, min: i64, max: i64, default: usize) -> Result<usize, Ec2Error> {
    match input.get("MaxResults") {
        None => Ok(default),
        Some(v) => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(n as usize),
            _ => Err(Ec2Error::new(
                "InvalidParameterValue",
                format!(
                    "Value ( {} ) for parameter maxResults is invalid. Parameter must be between {min} and {max}.",
                    crate::model::validate::render(v)
                ),
            )),
        },
    }
}

/// Applies `MaxResults`/`NextToken` (an offset); `paged` is false when the
/// caller gave no `MaxResults` and everything fits.
fn paginate<T>(
    items: Vec<T>,
    input: &Value,
    page: usize,
) -> Result<(Vec<T>, Option<String>), Ec2Error> {
    let start = match input.get("NextToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(token) => token.parse::<usize>().map_err(|_| {
            Ec2Error::new(
                "InvalidPaginationToken",
                format!("Invalid pagination token: {token}"),
            )
        })?,
    };
    let total = items.len();
    let page_items: Vec<T> = items.into_iter().skip(start).take(page).collect();
    let next = (start + page < total).then(|| (start + page).to_string());
    Ok((page_items, next))
}

fn describe_vpcs(input: &Value, region: &str) -> Result<Value, Ec2Error> {
    let ids = strings(input, "VpcIds");
    for id in &ids {
        if !VPCS.iter().any(|v| v.id == id) {
            return Err(Ec2Error::new(
                "InvalidVpcID.NotFound",
                format!("The vpc ID '{id}' does not exist"),
            ));
        }
    }
    let selected: Vec<&Vpc> = VPCS
        .iter()
        .filter(|v| ids.is_empty() || ids.iter().any(|id| id == v.id))
        .collect();
    let selected = apply_filters(selected, &filters(input), |v, name| {
        Some(match name {
            "vpc-id" => vec![v.id.to_string()],
            "is-default" | "isDefault" => vec![v.is_default.to_string()],
            "cidr" | "cidr-block-association.cidr-block" | "cidrBlock" => vec![v.cidr.to_string()],
            "state" => vec!["available".into()],
            "owner-id" => vec![ACCOUNT_ID.into()],
            "dhcp-options-id" => vec!["dopt-0de1a0f0000000001".into()],
            _ => return tag_attr(&[("Name", v.name)], name),
        })
    })?;
    let page = max_results(input, 5, 1000, 1000)?;
    let (selected, next) = paginate(selected, input, page)?;
    let vpcs: Vec<Value> = selected
        .iter()
        .map(|v| {
            json!({
                "VpcId": v.id,
                "OwnerId": ACCOUNT_ID,
                "InstanceTenancy": "default",
                "CidrBlock": v.cidr,
                "CidrBlockAssociationSet": [{
                    "AssociationId": format!("vpc-cidr-assoc-{}", &v.id[4..]),
                    "CidrBlock": v.cidr,
                    "CidrBlockState": {"State": "associated"}
                }],
                "IsDefault": v.is_default,
                "State": "available",
                "DhcpOptionsId": "dopt-0de1a0f0000000001",
                "Tags": [{"Key": "Name", "Value": v.name}],
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
                "Region": region,
            })
        })
        .collect();
    Ok(json!({"Vpcs": vpcs, "NextToken": next}))
}

fn describe_subnets(input: &Value, region: &str) -> Result<Value, Ec2Error> {
    let ids = strings(input, "SubnetIds");
    for id in &ids {
        if subnet(id).is_none() {
            return Err(Ec2Error::new(
                "InvalidSubnetID.NotFound",
                format!("The subnet ID '{id}' does not exist"),
            ));
        }
    }
    let selected: Vec<&Subnet> = SUBNETS
        .iter()
        .filter(|s| ids.is_empty() || ids.iter().any(|id| id == s.id))
        .collect();
    let selected = apply_filters(selected, &filters(input), |s, name| {
        Some(match name {
            "subnet-id" => vec![s.id.to_string()],
            "vpc-id" => vec![s.vpc_id.to_string()],
            "availability-zone" | "availabilityZone" => vec![az_name(region, s.az_letter)],
            "availability-zone-id" | "availabilityZoneId" => vec![az_id(region, s.az_letter)],
            "cidr-block" | "cidr" | "cidrBlock" => vec![s.cidr.to_string()],
            "default-for-az" | "defaultForAz" => vec![s.default_for_az.to_string()],
            "state" => vec!["available".into()],
            "owner-id" => vec![ACCOUNT_ID.into()],
            "subnet-arn" => vec![subnet_arn(region, s.id)],
            "map-public-ip-on-launch" => vec![s.default_for_az.to_string()],
            _ => return tag_attr(&[], name),
        })
    })?;
    let page = max_results(input, 5, 1000, 1000)?;
    let (selected, next) = paginate(selected, input, page)?;
    let subnets: Vec<Value> = selected
        .iter()
        .map(|s| {
            json!({
                "SubnetId": s.id,
                "SubnetArn": subnet_arn(region, s.id),
                "VpcId": s.vpc_id,
                "State": "available",
                "CidrBlock": s.cidr,
                "AvailableIpAddressCount": 4091,
                "AvailabilityZone": az_name(region, s.az_letter),
                "AvailabilityZoneId": az_id(region, s.az_letter),
                "DefaultForAz": s.default_for_az,
                "MapPublicIpOnLaunch": s.default_for_az,
                "OwnerId": ACCOUNT_ID,
                "AssignIpv6AddressOnCreation": false,
                "Ipv6CidrBlockAssociationSet": [],
                "Ipv6Native": false,
                "EnableDns64": false,
                "PrivateDnsNameOptionsOnLaunch": {
                    "HostnameType": "ip-name",
                    "EnableResourceNameDnsARecord": false,
                    "EnableResourceNameDnsAAAARecord": false
                },
            })
        })
        .collect();
    Ok(json!({"Subnets": subnets, "NextToken": next}))
}

fn subnet_arn(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:subnet/{id}")
}

fn describe_security_groups(input: &Value, region: &str) -> Result<Value, Ec2Error> {
    let ids = strings(input, "GroupIds");
    for id in &ids {
        if security_group(id).is_none() {
            return Err(Ec2Error::new(
                "InvalidGroup.NotFound",
                format!("The security group '{id}' does not exist"),
            ));
        }
    }
    let names = strings(input, "GroupNames");
    for name in &names {
        // Like EC2, names are looked up in the default VPC.
        if !SECURITY_GROUPS
            .iter()
            .any(|g| g.name == name && g.vpc_id == DEFAULT_VPC_ID)
        {
            return Err(Ec2Error::new(
                "InvalidGroup.NotFound",
                format!(
                    "The security group '{name}' does not exist in default VPC '{DEFAULT_VPC_ID}'"
                ),
            ));
        }
    }
    let selected: Vec<&SecurityGroup> = SECURITY_GROUPS
        .iter()
        .filter(|g| ids.is_empty() || ids.iter().any(|id| id == g.id))
        .filter(|g| {
            names.is_empty() || (g.vpc_id == DEFAULT_VPC_ID && names.iter().any(|n| n == g.name))
        })
        .collect();
    let selected = apply_filters(selected, &filters(input), |g, name| {
        Some(match name {
            "group-id" => vec![g.id.to_string()],
            "group-name" => vec![g.name.to_string()],
            "vpc-id" => vec![g.vpc_id.to_string()],
            "description" => vec![g.description.to_string()],
            "owner-id" => vec![ACCOUNT_ID.into()],
            _ => return tag_attr(&[], name),
        })
    })?;
    let page = max_results(input, 5, 1000, 1000)?;
    let (selected, next) = paginate(selected, input, page)?;
    let groups: Vec<Value> = selected
        .iter()
        .map(|g| {
            json!({
                "GroupId": g.id,
                "GroupName": g.name,
                "Description": g.description,
                "VpcId": g.vpc_id,
                "OwnerId": ACCOUNT_ID,
                "SecurityGroupArn": format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group/{}", g.id),
                "IpPermissions": [{
                    "IpProtocol": "-1",
                    "UserIdGroupPairs": [{"GroupId": g.id, "UserId": ACCOUNT_ID}],
                    "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []
                }],
                "IpPermissionsEgress": [{
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "UserIdGroupPairs": [], "Ipv6Ranges": [], "PrefixListIds": []
                }],
            })
        })
        .collect();
    Ok(json!({"SecurityGroups": groups, "NextToken": next}))
}

fn describe_availability_zones(input: &Value, region: &str) -> Result<Value, Ec2Error> {
    let zones: Vec<char> = vec!['a', 'b', 'c'];
    let names = strings(input, "ZoneNames");
    let ids = strings(input, "ZoneIds");
    for name in &names {
        if !zones.iter().any(|l| az_name(region, *l) == *name) {
            return Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("Invalid availability zone: [{name}]"),
            ));
        }
    }
    for id in &ids {
        if !zones.iter().any(|l| az_id(region, *l) == *id) {
            return Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("Invalid availability zone ID: [{id}]"),
            ));
        }
    }
    let selected: Vec<char> = zones
        .into_iter()
        .filter(|l| names.is_empty() || names.contains(&az_name(region, *l)))
        .filter(|l| ids.is_empty() || ids.contains(&az_id(region, *l)))
        .collect();
    let selected = apply_filters(selected, &filters(input), |l, name| {
        Some(match name {
            "zone-name" => vec![az_name(region, *l)],
            "zone-id" => vec![az_id(region, *l)],
            "region-name" => vec![region.to_string()],
            "state" => vec!["available".into()],
            "zone-type" => vec!["availability-zone".into()],
            "group-name" | "network-border-group" => vec![region.to_string()],
            "opt-in-status" => vec!["opt-in-not-required".into()],
            _ => return None,
        })
    })?;
    let zones: Vec<Value> = selected
        .iter()
        .map(|l| {
            json!({
                "ZoneName": az_name(region, *l),
                "ZoneId": az_id(region, *l),
                "RegionName": region,
                "State": "available",
                "OptInStatus": "opt-in-not-required",
                "Messages": [],
                "GroupName": region,
                "NetworkBorderGroup": region,
                "ZoneType": "availability-zone",
            })
        })
        .collect();
    Ok(json!({"AvailabilityZones": zones}))
}

fn instance_type_attr(name: &str, info: &InstanceTypeInfo, filter: &str) -> Option<Vec<String>> {
    Some(match filter {
        "instance-type" => vec![name.to_string()],
        "processor-info.supported-architecture" => info.architectures.clone(),
        "current-generation" => vec![info.current_generation.to_string()],
        "vcpu-info.default-vcpus" => vec![info.vcpus.to_string()],
        "memory-info.size-in-mib" => vec![info.memory_mib.to_string()],
        "bare-metal" => vec![name.contains("metal").to_string()],
        "supported-usage-class" => vec!["on-demand".into()],
        "hypervisor" => vec![if name.contains("metal") { "" } else { "nitro" }.to_string()],
        _ => return None,
    })
}

fn describe_instance_types(input: &Value) -> Result<Value, Ec2Error> {
    let catalogue = catalogue();
    let wanted = strings(input, "InstanceTypes");
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|t| !catalogue.contains_key(*t))
        .collect();
    if !missing.is_empty() {
        return Err(Ec2Error::new(
            "InvalidInstanceType",
            format!(
                "The following supplied instance types do not exist: [{}]",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let selected: Vec<(&String, &InstanceTypeInfo)> = catalogue
        .iter()
        .filter(|(name, _)| wanted.is_empty() || wanted.contains(name))
        .collect();
    let selected = apply_filters(selected, &filters(input), |(name, info), f| {
        instance_type_attr(name, info, f)
    })?;
    let page = max_results(input, 5, 100, 100)?;
    let (selected, next) = paginate(selected, input, page)?;
    let types: Vec<Value> = selected
        .iter()
        .map(|(name, info)| {
            let metal = name.contains("metal");
            json!({
                "InstanceType": name,
                "CurrentGeneration": info.current_generation,
                "FreeTierEligible": false,
                "SupportedUsageClasses": ["on-demand", "spot"],
                "SupportedRootDeviceTypes": ["ebs"],
                "SupportedVirtualizationTypes": ["hvm"],
                "BareMetal": metal,
                "ProcessorInfo": {"SupportedArchitectures": info.architectures},
                "VCpuInfo": {"DefaultVCpus": info.vcpus},
                "MemoryInfo": {"SizeInMiB": info.memory_mib},
                "InstanceStorageSupported": false,
                "HibernationSupported": false,
                "BurstablePerformanceSupported": name.starts_with('t'),
                "DedicatedHostsSupported": true,
                "AutoRecoverySupported": !metal,
            })
        })
        .collect();
    Ok(json!({"InstanceTypes": types, "NextToken": next}))
}

fn describe_instance_type_offerings(input: &Value, region: &str) -> Result<Value, Ec2Error> {
    let location_type = input
        .get("LocationType")
        .and_then(Value::as_str)
        .unwrap_or("region")
        .to_string();
    let locations: Vec<String> = match location_type.as_str() {
        "region" => vec![region.to_string()],
        "availability-zone" => ['a', 'b', 'c']
            .iter()
            .map(|l| az_name(region, *l))
            .collect(),
        "availability-zone-id" => ['a', 'b', 'c'].iter().map(|l| az_id(region, *l)).collect(),
        other => {
            return Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("Invalid location type: {other}"),
            ));
        }
    };
    let items: Vec<(String, String)> = catalogue()
        .keys()
        .flat_map(|name| locations.iter().map(move |loc| (name.clone(), loc.clone())))
        .collect();
    let items = apply_filters(items, &filters(input), |(name, loc), f| {
        Some(match f {
            "instance-type" => vec![name.clone()],
            "location" => vec![loc.clone()],
            _ => return None,
        })
    })?;
    let page = max_results(input, 5, 1000, 1000)?;
    let (items, next) = paginate(items, input, page)?;
    let offerings: Vec<Value> = items
        .iter()
        .map(|(name, loc)| json!({"InstanceType": name, "LocationType": location_type, "Location": loc}))
        .collect();
    Ok(json!({"InstanceTypeOfferings": offerings, "NextToken": next}))
}

/// Architectures an instance type supports (`None` if unknown).
pub fn instance_architectures(name: &str) -> Option<BTreeSet<String>> {
    catalogue()
        .get(name)
        .map(|i| i.architectures.iter().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_loads() {
        assert!(catalogue().len() > 1000);
        assert!(catalogue().contains_key("m7g.large"));
    }

    #[test]
    fn globbing() {
        assert!(glob("m5.*", "m5.large"));
        assert!(!glob("m5.*", "m6.large"));
        assert!(glob("?5.large", "m5.large"));
        assert!(glob("*", ""));
    }

    #[test]
    fn zone_ids() {
        assert_eq!(az_id("us-east-1", 'a'), "use1-az1");
        assert_eq!(az_id("eu-west-2", 'c'), "euw2-az3");
    }
}
