//! The acceptance-test harness: where a test's Terraform runs point.
//!
//! By default every test gets its own emulator on a free loopback port, and the
//! Terraform working directory is set up so the provider (started by Terraform through
//! `dev_overrides`) talks only to it. With `LAMBDA_ACC_REAL_AWS=1` and AWS credentials
//! in the environment, the same tests run against real AWS instead; with the variable
//! set but no credentials, they are skipped. Nothing here ever reaches AWS unless that
//! variable says so.

use std::path::Path;

use tfplug::testing::{TestingError, Workdir};

use crate::ec2;
use crate::options::EmulatorOptions;
use crate::server::{Emulator, EmulatorHandle};

/// Environment variable that opts in to running acceptance tests against real AWS.
pub const REAL_AWS_VAR: &str = "LAMBDA_ACC_REAL_AWS";

/// The provider's source address in test configurations.
pub const PROVIDER_SOURCE: &str = "lambdakit/lambda";

/// Where the tests run.
pub enum Target {
    /// A private emulator for this test.
    Emulator(EmulatorHandle),
    /// Real AWS, with the caller's credentials and region.
    RealAws,
}

/// One test's acceptance environment.
pub struct AccEnv {
    target: Target,
    network: Network,
}

/// The network and role a test's capacity providers use: the emulator's fixed default
/// VPC, or the caller's own resources against real AWS.
#[derive(Clone, Debug)]
pub struct Network {
    /// Three subnets of one VPC, in three Availability Zones.
    pub subnet_ids: Vec<String>,
    /// A security group of that VPC.
    pub security_group_id: String,
    /// A security group of another VPC (for the mismatched-VPC check).
    pub other_vpc_security_group_id: String,
    /// The capacity provider operator role.
    pub operator_role_arn: String,
}

/// Environment variables naming the real-AWS network (with `LAMBDA_ACC_REAL_AWS=1`).
pub const NETWORK_VARS: [&str; 4] = [
    "LAMBDA_ACC_SUBNET_IDS",
    "LAMBDA_ACC_SECURITY_GROUP_ID",
    "LAMBDA_ACC_OTHER_VPC_SECURITY_GROUP_ID",
    "LAMBDA_ACC_OPERATOR_ROLE_ARN",
];

impl Network {
    fn emulator() -> Self {
        Self {
            subnet_ids: ec2::DEFAULT_SUBNET_IDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            security_group_id: ec2::DEFAULT_SECURITY_GROUP_ID.to_string(),
            other_vpc_security_group_id: ec2::SECOND_SECURITY_GROUP_ID.to_string(),
            operator_role_arn: format!("arn:aws:iam::{}:role/lambda-operator", ec2::ACCOUNT_ID),
        }
    }

    fn from_env() -> Result<Self, Skip> {
        let var = |k: &str| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or(Skip::MissingVariable(k.to_string()))
        };
        Ok(Self {
            subnet_ids: var(NETWORK_VARS[0])?
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
            security_group_id: var(NETWORK_VARS[1])?,
            other_vpc_security_group_id: var(NETWORK_VARS[2])?,
            operator_role_arn: var(NETWORK_VARS[3])?,
        })
    }
}

/// Why a test is not run.
#[derive(Debug, thiserror::Error)]
pub enum Skip {
    /// Real AWS was requested but no credentials are present.
    #[error("{REAL_AWS_VAR}=1 but no AWS credentials in the environment: skipping")]
    NoCredentials,
    /// The test needs the emulator (e.g. fault injection) and runs against real AWS.
    #[error("this test needs the local emulator: skipped against real AWS")]
    NeedsEmulator,
    /// No terraform binary.
    #[error("terraform not found: skipping")]
    NoTerraform,
    /// A variable the real-AWS run needs is not set.
    #[error("{REAL_AWS_VAR}=1 needs {0} to be set: skipping")]
    MissingVariable(String),
}

/// True when the user asked for real AWS.
pub fn real_aws_requested() -> bool {
    std::env::var(REAL_AWS_VAR).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// True when some AWS credential source is configured in the environment.
fn credentials_present() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    (set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY"))
        || set("AWS_PROFILE")
        || set("AWS_WEB_IDENTITY_TOKEN_FILE")
        || set("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        || set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
}

impl AccEnv {
    /// Starts the environment for one test: a fresh emulator unless real AWS is requested.
    pub fn start() -> Result<Self, Skip> {
        Self::start_with(EmulatorOptions::default())
    }

    /// Like [`AccEnv::start`], with emulator options (delays).
    pub fn start_with(opts: EmulatorOptions) -> Result<Self, Skip> {
        if !tfplug::testing::terraform_available() {
            return Err(Skip::NoTerraform);
        }
        if real_aws_requested() {
            if !credentials_present() {
                return Err(Skip::NoCredentials);
            }
            return Ok(Self {
                target: Target::RealAws,
                network: Network::from_env()?,
            });
        }
        let handle = Emulator::start_blocking(opts)
            .unwrap_or_else(|e| panic!("the local emulator could not start: {e}"));
        Ok(Self {
            target: Target::Emulator(handle),
            network: Network::emulator(),
        })
    }

    /// The emulator, when the test runs against it.
    pub fn emulator(&self) -> Option<&Emulator> {
        match &self.target {
            Target::Emulator(handle) => Some(handle),
            Target::RealAws => None,
        }
    }

    /// The emulator, or [`Skip::NeedsEmulator`] against real AWS.
    pub fn require_emulator(&self) -> Result<&Emulator, Skip> {
        self.emulator().ok_or(Skip::NeedsEmulator)
    }

    /// The network and role to use.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// A suffix that keeps resource names of concurrent runs apart on real AWS.
    pub fn unique_suffix() -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{:x}", (nanos ^ u128::from(std::process::id())) & 0xff_ffff)
    }

    /// True against real AWS.
    pub fn is_real_aws(&self) -> bool {
        matches!(self.target, Target::RealAws)
    }

    /// A Terraform working directory in which Terraform starts the provider binary found
    /// in `provider_dir` (dev_overrides) and the provider talks to this environment.
    pub fn workdir(&self, provider_dir: &Path) -> Result<Workdir, TestingError> {
        let mut wd = Workdir::dev_override(PROVIDER_SOURCE, provider_dir)?;
        for (k, v) in self.provider_env() {
            wd.set_env(k, v);
        }
        Ok(wd)
    }

    /// Environment for the provider process: the emulator's endpoint and static test
    /// credentials, with every other AWS setting of the test process neutralised so an
    /// emulator run can never reach AWS.
    pub fn provider_env(&self) -> Vec<(String, String)> {
        match &self.target {
            Target::RealAws => Vec::new(),
            Target::Emulator(handle) => {
                let url = handle.url();
                [
                    ("AWS_ENDPOINT_URL", url.as_str()),
                    ("AWS_ACCESS_KEY_ID", "test"),
                    ("AWS_SECRET_ACCESS_KEY", "test"),
                    ("AWS_REGION", "us-east-1"),
                    ("AWS_DEFAULT_REGION", "us-east-1"),
                    ("AWS_CONFIG_FILE", "/dev/null"),
                    ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
                    ("AWS_EC2_METADATA_DISABLED", "true"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
            }
        }
    }
}
