//! `lambda-emulator`: serves the emulator on one port until interrupted.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use acceptance_tests::{Emulator, EmulatorOptions, RateLimits};

const USAGE: &str = "\
Usage: lambda-emulator [OPTIONS]

Local AWS emulator: Lambda (capacity providers, functions, versions, scaling,
invocations, durable executions, tags), EC2 describes and STS on one port.

Options:
  --listen ADDR                   address to listen on [default: 127.0.0.1:4566]
  --state-file PATH               load state from PATH and save it after each change
  --region REGION                 region for unsigned requests and the control API [default: us-east-1]
  --capacity-provider-delay-ms N  capacity provider Pending -> Active and deletion [default: 300]
  --function-delay-ms N           function Pending -> Active and asynchronous deletion [default: 200]
  --update-delay-ms N             LastUpdateStatus InProgress -> Successful [default: 200]
  --version-delay-ms N            published version Pending -> Active [default: 300]
  --scaling-delay-ms N            scaling config Requested -> Applied [default: 200]
  --execution-pause-delay-ms N    durable execution PAUSING -> PAUSED [default: 200]
  --execution-duration-ms N       invoked durable executions SUCCEED after N ms; 0 = run until stopped [default: 1000]
  --rate-limits aws               enforce AWS's Lambda request-rate quotas per account and region
                                  (429 TooManyRequestsException with Retry-After beyond them) [default: off]
  --rate-limit CLASS=N            enforce them with CLASS at N requests/second (repeatable); CLASS is
                                  capacity_provider_writes, capacity_provider_reads, get_function,
                                  get_policy or control_plane
  -h, --help                      print this help

The first line printed on stdout is `lambda-emulator listening on URL`.
Logs go to stderr (RUST_LOG controls the level, default info).";

struct Args {
    listen: SocketAddr,
    opts: EmulatorOptions,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 4566));
    let mut opts = EmulatorOptions::default();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let millis = |v: String| -> Result<Duration, String> {
            v.parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| format!("{name}: '{v}' is not a number of milliseconds"))
        };
        match name.as_str() {
            "--listen" => {
                let v = value()?;
                listen = v.parse().map_err(|_| {
                    format!("--listen: '{v}' is not an address like 127.0.0.1:4566")
                })?;
            }
            "--state-file" => opts.state_file = Some(PathBuf::from(value()?)),
            "--region" => opts.default_region = value()?,
            "--capacity-provider-delay-ms" => opts.capacity_provider_delay = millis(value()?)?,
            "--function-delay-ms" => opts.function_delay = millis(value()?)?,
            "--update-delay-ms" => opts.update_delay = millis(value()?)?,
            "--version-delay-ms" => opts.version_delay = millis(value()?)?,
            "--scaling-delay-ms" => opts.scaling_delay = millis(value()?)?,
            "--execution-pause-delay-ms" => opts.execution_pause_delay = millis(value()?)?,
            "--execution-duration-ms" => opts.execution_duration = millis(value()?)?,
            "--rate-limits" => match value()?.as_str() {
                "aws" => opts.rate_limits = Some(opts.rate_limits.unwrap_or(RateLimits::AWS)),
                "off" => opts.rate_limits = None,
                v => return Err(format!("--rate-limits: '{v}' is not `aws` or `off`")),
            },
            "--rate-limit" => {
                let v = value()?;
                let (class, rate) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--rate-limit: '{v}' is not CLASS=N"))?;
                let rate: f64 = rate
                    .parse()
                    .map_err(|_| format!("--rate-limit: '{rate}' is not a number"))?;
                let mut limits = opts.rate_limits.unwrap_or(RateLimits::AWS);
                if !limits.set(class, rate) {
                    return Err(format!("--rate-limit: unknown class '{class}'"));
                }
                if let Some(problem) = limits.problem() {
                    return Err(format!("--rate-limit: {problem}"));
                }
                opts.rate_limits = Some(limits);
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Some(Args { listen, opts }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("lambda-emulator: {err}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let emulator = match Emulator::start_on(args.opts, args.listen).await {
        Ok(e) => e,
        Err(err) => {
            eprintln!("lambda-emulator: cannot start on {}: {err}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "lambda-emulator listening on {}", emulator.url());
    let _ = stdout.flush();
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("lambda-emulator: cannot wait for Ctrl-C: {err}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let args = parse(&[
            "--listen",
            "127.0.0.1:0",
            "--function-delay-ms=5",
            "--execution-duration-ms",
            "0",
            "--execution-pause-delay-ms=7",
            "--state-file",
            "/tmp/x.json",
        ])
        .expect("parses")
        .expect("not help");
        assert_eq!(args.listen.port(), 0);
        assert_eq!(args.opts.function_delay, Duration::from_millis(5));
        assert_eq!(args.opts.execution_duration, Duration::ZERO);
        assert_eq!(args.opts.execution_pause_delay, Duration::from_millis(7));
        assert_eq!(args.opts.state_file, Some(PathBuf::from("/tmp/x.json")));
        assert_eq!(args.opts.rate_limits, None);
        assert!(parse(&["--bogus"]).is_err());
        let aws = parse(&["--rate-limits", "aws"])
            .expect("parses")
            .expect("not help");
        assert_eq!(aws.opts.rate_limits, Some(RateLimits::AWS));
        let fast = parse(&["--rate-limit", "capacity_provider_writes=10"])
            .expect("parses")
            .expect("not help");
        let limits = fast.opts.rate_limits.expect("enforced");
        assert_eq!(limits.capacity_provider_writes, 10.0);
        assert_eq!(limits.capacity_provider_reads, 15.0);
        assert!(parse(&["--rate-limit", "writes=10"]).is_err());
        assert!(parse(&["--rate-limit", "control_plane=0"]).is_err());
        assert!(parse(&["--rate-limits", "maybe"]).is_err());
        assert!(parse(&["--update-delay-ms", "x"]).is_err());
        assert!(parse(&["--help"]).expect("parses").is_none());
    }
}
