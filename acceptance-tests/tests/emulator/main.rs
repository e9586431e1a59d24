//! Tests of the emulator through the official AWS SDK clients (so the wire
//! format is the SDKs', not ours) and raw HTTP where the SDK cannot express
//! the request (missing required members, malformed JSON...).

mod capacity_providers;
mod code;
mod concurrency;
mod control;
mod deletion;
mod durable;
mod ec2_sts;
mod faults;
mod functions;
mod invoke;
mod rate_limits;
mod scaling;
mod validation;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use acceptance_tests::{Emulator, EmulatorOptions};
use aws_sdk_lambda::config::retry::RetryConfig;
use aws_sdk_lambda::config::timeout::TimeoutConfig;
use aws_sdk_lambda::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_lambda::types::{
    CapacityProviderConfig, CapacityProviderPermissionsConfig, CapacityProviderVpcConfig,
    LambdaManagedInstancesCapacityProviderConfig, Runtime,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Delay for every state transition in these tests.
pub const DELAY: Duration = Duration::from_millis(100);
pub const ROLE: &str = "arn:aws:iam::123456789012:role/lambda-role";
pub const OPERATOR_ROLE: &str = "arn:aws:iam::123456789012:role/operator";

pub async fn emulator() -> Emulator {
    Emulator::start(EmulatorOptions::with_delays(DELAY))
        .await
        .expect("emulator starts")
}

/// The access key ID every SDK client of these tests signs with.
const ACCESS_KEY: &str = "AKIDEMULATORTEST";

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, "secret", None, None, "static")
}

fn retry() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(10))
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .operation_attempt_timeout(Duration::from_secs(5))
        .build()
}

pub fn lambda_in(emu: &Emulator, region: &str) -> aws_sdk_lambda::Client {
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials())
        .endpoint_url(emu.url())
        .retry_config(retry())
        .timeout_config(timeouts())
        .build();
    aws_sdk_lambda::Client::from_conf(config)
}

pub fn lambda(emu: &Emulator) -> aws_sdk_lambda::Client {
    lambda_in(emu, "us-east-1")
}

pub fn ec2_in(emu: &Emulator, region: &str) -> aws_sdk_ec2::Client {
    let config = aws_sdk_ec2::Config::builder()
        .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
        .region(aws_sdk_ec2::config::Region::new(region.to_string()))
        .credentials_provider(credentials())
        .endpoint_url(emu.url())
        .retry_config(retry())
        .timeout_config(timeouts())
        .build();
    aws_sdk_ec2::Client::from_conf(config)
}

pub fn ec2(emu: &Emulator) -> aws_sdk_ec2::Client {
    ec2_in(emu, "us-east-1")
}

pub fn sts(emu: &Emulator) -> aws_sdk_sts::Client {
    sts_with(emu, credentials())
}

/// An STS client signing with `credentials`.
pub fn sts_with(emu: &Emulator, credentials: Credentials) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .endpoint_url(emu.url())
        .retry_config(retry())
        .timeout_config(timeouts())
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// A zip package whose code hash depends on `tag`.
pub fn zip(tag: &str) -> Vec<u8> {
    acceptance_tests::fixtures::zip_package(tag)
}

/// Polls `check` until it returns `Some`, for at most 5 s.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub async fn create_capacity_provider(client: &aws_sdk_lambda::Client, name: &str) -> String {
    let out = client
        .create_capacity_provider()
        .capacity_provider_name(name)
        .vpc_config(
            CapacityProviderVpcConfig::builder()
                .subnet_ids(acceptance_tests::ec2::DEFAULT_SUBNET_IDS[0])
                .subnet_ids(acceptance_tests::ec2::DEFAULT_SUBNET_IDS[1])
                .subnet_ids(acceptance_tests::ec2::DEFAULT_SUBNET_IDS[2])
                .security_group_ids(acceptance_tests::ec2::DEFAULT_SECURITY_GROUP_ID)
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
        .expect("create capacity provider");
    out.capacity_provider()
        .unwrap()
        .capacity_provider_arn()
        .to_string()
}

pub async fn wait_capacity_provider_active(client: &aws_sdk_lambda::Client, name: &str) {
    eventually("capacity provider Active", || async {
        let out = client
            .get_capacity_provider()
            .capacity_provider_name(name)
            .send()
            .await
            .ok()?;
        (out.capacity_provider()?.state().as_str() == "Active").then_some(())
    })
    .await;
}

pub async fn active_capacity_provider(client: &aws_sdk_lambda::Client, name: &str) -> String {
    let arn = create_capacity_provider(client, name).await;
    wait_capacity_provider_active(client, name).await;
    arn
}

pub fn cp_config(arn: &str) -> CapacityProviderConfig {
    CapacityProviderConfig::builder()
        .lambda_managed_instances_capacity_provider_config(
            LambdaManagedInstancesCapacityProviderConfig::builder()
                .capacity_provider_arn(arn)
                .per_execution_environment_max_concurrency(16)
                .build()
                .unwrap(),
        )
        .build()
}

pub fn create_function(
    client: &aws_sdk_lambda::Client,
    name: &str,
) -> aws_sdk_lambda::operation::create_function::builders::CreateFunctionFluentBuilder {
    client
        .create_function()
        .function_name(name)
        .role(ROLE)
        .runtime(Runtime::Python313)
        .handler("app.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(zip(name)))
                .build(),
        )
}

/// Waits until `$LATEST` (or `qualifier`) is in `state` with no update in
/// progress.
pub async fn wait_function_state(
    client: &aws_sdk_lambda::Client,
    name: &str,
    qualifier: Option<&str>,
    state: &str,
) {
    eventually(&format!("{name} {state}"), || async {
        let out = client
            .get_function_configuration()
            .function_name(name)
            .set_qualifier(qualifier.map(str::to_string))
            .send()
            .await
            .ok()?;
        let settled = out.last_update_status().map(|s| s.as_str()) != Some("InProgress");
        (out.state()?.as_str() == state && settled).then_some(())
    })
    .await;
}

/// Error code and message of an SDK error.
pub fn error_of<E, R>(err: &aws_sdk_lambda::error::SdkError<E, R>) -> (String, String)
where
    E: aws_sdk_lambda::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match err.as_service_error() {
        Some(e) => (
            e.code().unwrap_or("").to_string(),
            e.message().unwrap_or("").to_string(),
        ),
        None => ("<not a service error>".into(), format!("{err:?}")),
    }
}

/// A raw HTTP response.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Raw {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends one HTTP/1.1 request (signed-looking for `service` if given) and
/// reads the whole response. `None` if the connection closed without one.
pub async fn raw(
    emu: &Emulator,
    method: &str,
    path: &str,
    service: Option<&str>,
    body: &str,
) -> Option<Raw> {
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connect");
    let auth = service
        .map(|s| format!("Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/us-east-1/{s}/aws4_request, SignedHeaders=host, Signature=0\r\n"))
        .unwrap_or_default();
    let content_type = if service == Some("ec2") || service == Some("sts") {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        emu.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf).await;
    if buf.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Raw {
        status,
        headers,
        body: body.to_string(),
    })
}
