//! The CPU one AWS call costs this process, against the local emulator: the AWS SDK's
//! client with the provider's SDK settings ([`sdk_loader`]: app name, no SDK retries, the
//! timeouts) next to a bare HTTP/1.1 request on a kept-alive socket, for the same
//! GetCapacityProvider. The provider's own layers (rate limits, retries) are left out. It bounds what a refresh can cost: every
//! refresh makes at least one such call per resource (docs/performance.md).
//!
//! ```sh
//! cargo build --release --workspace --bins
//! target/release/lambda-emulator --listen 127.0.0.1:4599 &
//! AWS_ENDPOINT_URL=http://127.0.0.1:4599 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test \
//!   AWS_SECRET_ACCESS_KEY=test cargo run --release -p terraform-provider-lambda \
//!   --example sdk_call_cpu -- [CALLS]
//! ```
//!
//! CPU time is the sum over the process's threads of `/proc/self/task/*/schedstat`
//! (nanoseconds on the CPU), so the SDK's helper threads count too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use terraform_provider_lambda::config::sdk_loader;

/// The capacity provider both clients read; created first if missing.
const NAME: &str = "sdk-call-cpu";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls: u32 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(2000);
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .map_err(|_| "set AWS_ENDPOINT_URL to the emulator (http://127.0.0.1:PORT)")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sdk = runtime.block_on(sdk_loader().load());
    let client = aws_sdk_lambda::Client::new(&sdk);
    runtime.block_on(ensure_capacity_provider(&sdk, &client, &endpoint))?;

    // Warm both paths (connections, lazy statics) before measuring.
    runtime.block_on(sdk_calls(&client, 50))?;
    let mut raw = RawClient::connect(&endpoint)?;
    raw.calls(50)?;

    let before = cpu_ns()?;
    runtime.block_on(sdk_calls(&client, calls))?;
    let sdk = cpu_ns()?.saturating_sub(before);
    let before = cpu_ns()?;
    raw.calls(calls)?;
    let bare = cpu_ns()?.saturating_sub(before);

    let per = |ns: u64| ns as f64 / f64::from(calls) / 1000.0;
    println!(
        "{calls} GetCapacityProvider calls: AWS SDK {:.1} µs of CPU per call, bare HTTP/1.1 {:.1} µs per call",
        per(sdk),
        per(bare)
    );
    Ok(())
}

async fn sdk_calls(
    client: &aws_sdk_lambda::Client,
    calls: u32,
) -> Result<(), aws_sdk_lambda::Error> {
    for _ in 0..calls {
        client
            .get_capacity_provider()
            .capacity_provider_name(NAME)
            .send()
            .await?;
    }
    Ok(())
}

/// Creates the capacity provider with the emulator's first subnet and security group.
async fn ensure_capacity_provider(
    sdk: &aws_config::SdkConfig,
    client: &aws_sdk_lambda::Client,
    endpoint: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    if client
        .get_capacity_provider()
        .capacity_provider_name(NAME)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    let ec2 = aws_sdk_ec2::Client::new(sdk);
    let subnet = ec2
        .describe_subnets()
        .send()
        .await?
        .subnets()
        .first()
        .and_then(|s| s.subnet_id().map(str::to_string))
        .ok_or_else(|| format!("the emulator at {endpoint} has no subnet"))?;
    let group = ec2
        .describe_security_groups()
        .send()
        .await?
        .security_groups()
        .first()
        .and_then(|g| g.group_id().map(str::to_string))
        .ok_or_else(|| format!("the emulator at {endpoint} has no security group"))?;
    client
        .create_capacity_provider()
        .capacity_provider_name(NAME)
        .vpc_config(
            aws_sdk_lambda::types::CapacityProviderVpcConfig::builder()
                .subnet_ids(subnet)
                .security_group_ids(group)
                .build()?,
        )
        .permissions_config(
            aws_sdk_lambda::types::CapacityProviderPermissionsConfig::builder()
                .capacity_provider_operator_role_arn(
                    "arn:aws:iam::123456789012:role/lambda-operator",
                )
                .build()?,
        )
        .send()
        .await?;
    Ok(())
}

/// One kept-alive HTTP/1.1 connection sending the same GET by hand: what the call costs
/// without the SDK (no signing; the emulator reads only the scope of `Authorization`).
struct RawClient {
    reader: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl RawClient {
    fn connect(endpoint: &str) -> std::io::Result<Self> {
        let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
        let stream = TcpStream::connect(host)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let request = format!(
            "GET /2025-11-30/capacity-providers/{NAME} HTTP/1.1\r\nHost: {host}\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/lambda/aws4_request, \
             SignedHeaders=host, Signature=0\r\nX-Amz-Date: 20261202T000000Z\r\n\r\n"
        )
        .into_bytes();
        Ok(Self {
            reader: BufReader::new(stream),
            request,
        })
    }

    fn calls(&mut self, calls: u32) -> std::io::Result<()> {
        let mut line = String::new();
        let mut body = Vec::new();
        for _ in 0..calls {
            self.reader.get_mut().write_all(&self.request)?;
            line.clear();
            self.reader.read_line(&mut line)?;
            if !line.starts_with("HTTP/1.1 200") {
                return Err(std::io::Error::other(format!(
                    "the emulator answered {}",
                    line.trim_end()
                )));
            }
            let mut length = 0usize;
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().map_err(std::io::Error::other)?;
                }
            }
            body.resize(length, 0);
            self.reader.read_exact(&mut body)?;
        }
        Ok(())
    }
}

/// Nanoseconds this process's threads have spent on a CPU.
fn cpu_ns() -> std::io::Result<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task")? {
        let stat = std::fs::read_to_string(task?.path().join("schedstat"))?;
        total += stat
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Ok(total)
}
