//! Acceptance tests of the provider block: the real `terraform` binary drives the
//! provider binary (through a `dev_overrides` CLI configuration) and the errors a user
//! sees when the configuration is wrong are checked word for word.
//!
//! Most tests need no AWS at all (a closed loopback port, missing credentials, a missing
//! profile, `terraform validate`) and run even with `LAMBDA_ACC_REAL_AWS=1`; the one that
//! injects throttling needs the local emulator. Without terraform on PATH (or `TF_BIN`)
//! every test is skipped.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acceptance_tests::harness::{AccEnv, PROVIDER_SOURCE};
use acceptance_tests::{EmulatorOptions, FaultKind, FaultSpec};
use serde_json::Value;
use tfplug::testing::{CmdOutput, Workdir};

/// A generous bound for "fails fast": the old behaviour took about 109 s.
const FAST: Duration = Duration::from_secs(20);

fn provider_dir() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-lambda"));
    bin.parent().map(PathBuf::from).unwrap_or_default()
}

/// A working directory whose provider process sees only `env` of the AWS settings (the
/// test process's own credentials and shared files are blanked), or `None` when
/// terraform is missing.
fn workdir(env: &[(&str, &str)]) -> Option<Workdir> {
    if !tfplug::testing::terraform_available() {
        eprintln!("terraform not found: skipping");
        return None;
    }
    let mut wd = match Workdir::dev_override(PROVIDER_SOURCE, &provider_dir()) {
        Ok(wd) => wd,
        Err(e) => panic!("creating the working directory: {e}"),
    };
    // Blank is "not set" for the SDK's environment credentials.
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", ""),
        ("AWS_SECRET_ACCESS_KEY", ""),
        ("AWS_SESSION_TOKEN", ""),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ]
    .iter()
    .chain(env)
    {
        wd.set_env(*k, *v);
    }
    Some(wd)
}

/// A configuration with `provider_body` inside the provider block and a data source
/// that makes Terraform configure the provider and call Lambda.
fn config(provider_body: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    lambda = {{ source = "{PROVIDER_SOURCE}" }}
  }}
}}

provider "lambda" {{
{provider_body}
}}

data "lambda_capacity_provider" "test" {{
  name = "web"
}}
"#
    )
}

fn write(wd: &Workdir, hcl: &str) {
    if let Err(e) = wd.write_config(hcl) {
        panic!("writing the configuration: {e}");
    }
}

fn expect_failure(wd: &Workdir, args: &[&str]) -> CmdOutput {
    match wd.expect_failure(args) {
        Ok(out) => out,
        Err(e) => panic!("terraform {args:?} was expected to fail: {e}"),
    }
}

/// Runs `terraform plan -json`, expected to fail; returns its error diagnostics and how
/// long it took.
fn plan_errors(wd: &Workdir) -> (Vec<Value>, Duration) {
    let started = Instant::now();
    let out = expect_failure(wd, &["plan", "-json", "-input=false", "-no-color"]);
    (diagnostics(&out.stdout, "error"), started.elapsed())
}

fn diagnostics(json_lines: &str, severity: &str) -> Vec<Value> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "diagnostic" && v["diagnostic"]["severity"] == severity)
        .map(|v| v["diagnostic"].clone())
        .collect()
}

/// The error whose summary is `summary`, after checking that its detail has every one
/// of `words` and none of `absent`.
fn find_error<'a>(
    errors: &'a [Value],
    summary: &str,
    words: &[&str],
    absent: &[&str],
) -> &'a Value {
    let Some(d) = errors.iter().find(|d| d["summary"] == summary) else {
        panic!("no error {summary:?} among {errors:#?}");
    };
    let detail = d["detail"].as_str().unwrap_or_default();
    for w in words {
        assert!(
            detail.contains(w),
            "detail of {summary:?} lacks {w:?}: {detail}"
        );
    }
    for w in absent {
        assert!(
            !detail.contains(w),
            "detail of {summary:?} has {w:?}: {detail}"
        );
    }
    d
}

/// A loopback URL where nothing listens.
fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("binding a loopback port: {e}"));
    format!("http://127.0.0.1:{port}")
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn unreachable_endpoint_fails_fast_and_names_it() {
    let url = closed_port_url();
    let Some(wd) = workdir(&[
        ("AWS_ENDPOINT_URL", &url),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ]) else {
        return;
    };
    write(&wd, &config(""));
    let (errors, took) = plan_errors(&wd);
    find_error(
        &errors,
        "AWS endpoint unreachable",
        &[
            &format!("STS endpoint {url} (from AWS_ENDPOINT_URL)"),
            "connection refused",
        ],
        &["credentials were rejected"],
    );
    assert!(
        took < FAST,
        "configure took {took:?} to report a refused connection"
    );
}

#[test]
fn unreachable_lambda_endpoint_fails_the_read_fast() {
    let url = closed_port_url();
    let Some(wd) = workdir(&[
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ]) else {
        return;
    };
    write(
        &wd,
        &config(&format!(
            "  skip_credentials_validation = true\n  endpoints {{\n    lambda = \"{url}\"\n  }}\n"
        )),
    );
    let (errors, took) = plan_errors(&wd);
    find_error(
        &errors,
        "Error reading data.lambda_capacity_provider \"web\"",
        &[
            "GetCapacityProvider",
            "endpoint unreachable",
            &format!("connection to {url} refused"),
            "Check the endpoint URL",
        ],
        &[],
    );
    assert!(
        took < FAST,
        "the read took {took:?} to report a refused connection"
    );
}

#[test]
fn no_credentials_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config_file = dir.path().join("config");
    let credentials_file = dir.path().join("credentials");
    if let Err(e) = std::fs::write(&config_file, "[default]\nregion = us-east-1\n") {
        panic!("writing {}: {e}", config_file.display());
    }
    let (config_path, credentials_path) = (path_str(&config_file), path_str(&credentials_file));
    let Some(wd) = workdir(&[
        ("AWS_CONFIG_FILE", &config_path),
        ("AWS_SHARED_CREDENTIALS_FILE", &credentials_path),
        ("AWS_ENDPOINT_URL", &closed_port_url()),
    ]) else {
        return;
    };
    write(&wd, &config(""));
    let (errors, took) = plan_errors(&wd);
    find_error(
        &errors,
        "No valid AWS credentials found",
        &[
            "No AWS credentials found",
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set",
            &format!("{config_path} (AWS_CONFIG_FILE)"),
            &format!("{credentials_path} (AWS_SHARED_CREDENTIALS_FILE, not found)"),
            "SSO",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "IMDS",
        ],
        &[
            "CredentialsNotLoaded",
            "ProviderChainError",
            "was not enabled",
        ],
    );
    assert!(took < FAST, "{took:?}");
}

#[test]
fn missing_profile_names_it_and_the_files_searched() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config_file = dir.path().join("aws-config");
    let credentials_file = dir.path().join("aws-credentials");
    for (path, text) in [
        (&config_file, "[profile acc]\nregion = us-east-1\n"),
        (
            &credentials_file,
            "[acc]\naws_access_key_id = AKID\naws_secret_access_key = secret\n",
        ),
    ] {
        if let Err(e) = std::fs::write(path, text) {
            panic!("writing {}: {e}", path.display());
        }
    }
    let (config_path, credentials_path) = (path_str(&config_file), path_str(&credentials_file));
    let Some(mut wd) = workdir(&[
        ("AWS_CONFIG_FILE", &config_path),
        ("AWS_SHARED_CREDENTIALS_FILE", &credentials_path),
        ("AWS_ENDPOINT_URL", &closed_port_url()),
    ]) else {
        return;
    };
    let words = |chosen_by: &'static str| {
        [
            format!("AWS profile \"nosuch\" (from {chosen_by}) not found"),
            format!("{config_path} (AWS_CONFIG_FILE)"),
            format!("{credentials_path} (AWS_SHARED_CREDENTIALS_FILE)"),
            "They define: acc.".to_string(),
        ]
    };

    write(&wd, &config("  profile = \"nosuch\"\n"));
    let (errors, _) = plan_errors(&wd);
    let expected = words("the provider's `profile`");
    let d = find_error(
        &errors,
        "No valid AWS credentials found",
        &expected.iter().map(String::as_str).collect::<Vec<_>>(),
        &["was not enabled"],
    );
    let code = d["snippet"]["code"].as_str().unwrap_or_default();
    assert!(code.contains("profile"), "the error points at {code:?}");

    // The same through AWS_PROFILE, with no region anywhere: the missing profile is the
    // problem to report, not the region it would have given.
    wd.set_env("AWS_PROFILE", "nosuch");
    wd.set_env("AWS_REGION", "");
    wd.set_env("AWS_DEFAULT_REGION", "");
    write(&wd, &config(""));
    let (errors, _) = plan_errors(&wd);
    let expected = words("AWS_PROFILE");
    find_error(
        &errors,
        "No valid AWS credentials found",
        &expected.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
}

#[test]
fn provider_block_values_are_checked_at_validate() {
    let Some(wd) = workdir(&[]) else { return };
    write(
        &wd,
        &config(
            r#"
  max_retries = 101
  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/deployer"
    duration = "10m"
  }
  endpoints {
    lambda = "localhost:4566"
    sts    = "http://127.0.0.1:45x6"
  }
"#,
        ),
    );
    let out = expect_failure(&wd, &["validate", "-json", "-no-color"]);
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("terraform validate -json printed no JSON ({e}): {out:?}"));
    let errors: Vec<&Value> = report["diagnostics"]
        .as_array()
        .map(|ds| ds.iter().filter(|d| d["severity"] == "error").collect())
        .unwrap_or_default();
    for (summary, words, line) in [
        ("Invalid duration", "between 15m and 12h", "duration"),
        ("Invalid endpoint URL", "\"localhost:4566\"", "lambda"),
        ("Invalid endpoint URL", "invalid port", "sts"),
        (
            "Invalid attribute value",
            "between 0 and 100",
            "max_retries",
        ),
    ] {
        let found = errors.iter().any(|d| {
            d["summary"].as_str().is_some_and(|s| s.contains(summary))
                && d["detail"].as_str().is_some_and(|t| t.contains(words))
                && d["snippet"]["code"]
                    .as_str()
                    .is_some_and(|c| c.contains(line))
        });
        assert!(
            found,
            "no error {summary:?} mentioning {words:?} at the `{line}` line among {errors:#?}"
        );
    }
}

#[test]
fn ec2_checks_use_the_providers_retry_policy() {
    let env = match AccEnv::start_with(EmulatorOptions::default()) {
        Ok(env) => env,
        Err(skip) => {
            eprintln!("{skip}");
            return;
        }
    };
    let emu = match env.require_emulator() {
        Ok(emu) => emu,
        Err(skip) => {
            eprintln!("{skip}");
            return;
        }
    };
    let wd = match env.workdir(&provider_dir()) {
        Ok(wd) => wd,
        Err(e) => panic!("creating the working directory: {e}"),
    };
    let net = env.network();
    let subnets: Vec<String> = net.subnet_ids.iter().map(|s| format!("{s:?}")).collect();
    let hcl = format!(
        r#"
terraform {{
  required_providers {{
    lambda = {{ source = "{PROVIDER_SOURCE}" }}
  }}
}}

provider "lambda" {{
  max_retries = 10
}}

resource "lambda_capacity_provider" "test" {{
  name = "tfacc-retries-{suffix}"

  vpc_config {{
    subnet_ids         = [{subnets}]
    security_group_ids = ["{sg}"]
  }}

  permissions_config {{
    capacity_provider_operator_role_arn = "{role}"
  }}
}}
"#,
        suffix = AccEnv::unique_suffix(),
        subnets = subnets.join(", "),
        sg = net.security_group_id,
        role = net.operator_role_arn,
    );
    write(&wd, &hcl);
    // More throttles than the 3 retries the plan-time checks used to allow.
    emu.inject_fault(FaultSpec::times("DescribeSubnets", FaultKind::Throttle, 5));
    let out = match wd.run(&["plan", "-json", "-input=false", "-no-color"]) {
        Ok(out) => out,
        Err(e) => panic!("plan failed: {e}"),
    };
    let warnings = diagnostics(&out.stdout, "warning");
    assert!(
        !warnings.iter().any(|w| w["summary"]
            .as_str()
            .is_some_and(|s| s.contains("Skipped EC2 checks"))),
        "the EC2 checks gave up before max_retries: {warnings:#?}"
    );
    let calls = emu.calls();
    let describe = calls.get("DescribeSubnets").cloned().unwrap_or_default();
    assert!(
        describe.calls >= 6,
        "DescribeSubnets must have been retried past the throttling: {calls:?}"
    );
}
