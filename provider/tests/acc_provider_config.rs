//! Acceptance tests of the provider block: the real `terraform` binary drives the
//! provider binary (through a `dev_overrides` CLI configuration) and the errors a user
//! sees when the configuration is wrong are checked word for word.
//!
//! Most tests need no AWS at all (a closed loopback port, missing credentials, a missing
//! profile, `terraform validate`) and run even with `LAMBDA_ACC_REAL_AWS=1`; the one that
//! injects throttling needs the local emulator. Without terraform on PATH (or `TF_BIN`)
//! every test is skipped.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use acceptance_tests::harness::PROVIDER_SOURCE;
use acceptance_tests::{EmulatorOptions, FaultKind, FaultSpec};
use serde_json::Value;
use support::{Diagnostics, Tf, offline_workdir as workdir, setup};

/// A generous bound for "fails fast": the old behaviour took about 109 s.
const FAST: Duration = Duration::from_secs(20);

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

/// Runs `terraform plan -json`, expected to fail; returns its error diagnostics and how
/// long it took.
fn plan_errors(tf: &Tf) -> (Vec<Value>, Duration) {
    let started = Instant::now();
    let out = tf.fail(&["plan", "-json", "-input=false", "-no-color"]);
    let errors = Diagnostics::from_json_lines(&out.stdout).errors();
    (errors.all().to_vec(), started.elapsed())
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
    wd.write(&config(""));
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

/// An STS endpoint of the provider block that refuses connections: the error points at
/// its line, and the cause reads as part of it (it used to begin "Error:", which the
/// terminal showed as a second error with no context).
#[test]
fn unreachable_sts_endpoint_of_the_block_points_at_it() {
    let url = closed_port_url();
    let Some(wd) = workdir(&[
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ]) else {
        return;
    };
    wd.write(&config(&format!(
        "  endpoints {{\n    sts = \"{url}\"\n  }}\n"
    )));
    let (errors, _) = plan_errors(&wd);
    let error = find_error(
        &errors,
        "AWS endpoint unreachable",
        &["(from the provider's `endpoints.sts`)", "Cause: "],
        &["\n\nError:"],
    );
    let code = error["snippet"]["code"].as_str().unwrap_or_default();
    assert!(code.contains("sts = "), "points at {code:?}: {error:#}");
}

/// An endpoint whose host name does not resolve (a region that does not exist makes
/// one) fails fast, saying so and naming `region`: it used to be retried as a transient
/// error for about two minutes, then advise skipping the credential check.
#[test]
fn an_endpoint_host_that_does_not_resolve_fails_fast_and_names_region() {
    let Some(wd) = workdir(&[
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ]) else {
        return;
    };
    // `.invalid` never resolves (RFC 6761): no lookup leaves this machine's resolver.
    wd.write(&config(
        "  endpoints {\n    sts = \"https://sts.us-nowhere-9.invalid\"\n  }\n",
    ));
    let (errors, took) = plan_errors(&wd);
    find_error(
        &errors,
        "AWS endpoint unreachable",
        &["host name does not resolve (DNS)", "`region`"],
        &["skip_credentials_validation"],
    );
    assert!(
        took < FAST,
        "configure took {took:?} to report a host name that does not resolve"
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
    wd.write(&config(&format!(
        "  skip_credentials_validation = true\n  endpoints {{\n    lambda = \"{url}\"\n  }}\n"
    )));
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
    wd.write(&config(""));
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

    wd.write(&config("  profile = \"nosuch\"\n"));
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
    wd.write(&config(""));
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
    wd.write(&config(
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
  default_tags {
    tags = { "" = "team", owner = "✓" }
  }
"#,
    ));
    let out = wd.fail(&["validate", "-json", "-no-color"]);
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
        // The default tags are checked as the resources' own tags are.
        ("Invalid map key", "The key \"\": must be between 1", "tags"),
        ("Invalid attribute value", "The value of \"owner\"", "tags"),
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
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let (emu, wd) = (acc.emu(), &acc.tf);
    let net = &acc.net;
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
  name = "{suffix}"

  vpc_config {{
    subnet_ids         = [{subnets}]
    security_group_ids = ["{sg}"]
  }}

  permissions_config {{
    capacity_provider_operator_role_arn = "{role}"
  }}
}}
"#,
        suffix = acc.name("retries"),
        subnets = subnets.join(", "),
        sg = net.security_group_id,
        role = net.operator_role_arn,
    );
    wd.write(&hcl);
    // More throttles than the 3 retries the plan-time checks used to allow.
    emu.inject_fault(FaultSpec::times("DescribeSubnets", FaultKind::Throttle, 5));
    let warnings = wd.plan_diagnostics().warnings();
    let warnings = warnings.all();
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
