//! Durable executions against the local AWS emulator: the calls a destroy makes
//! (`resources::common::executions::api`: list, stop, wait, `clear_for_destroy`) through
//! the provider's own `AwsClients`, and the `lambda_durable_executions` data source
//! through the real `terraform` binary.
//!
//! Executions are seeded through the emulator's control API, so every test here needs
//! the emulator: they are skipped against real AWS (`LAMBDA_ACC_REAL_AWS=1`), and the
//! Terraform ones also when terraform is missing.

mod support;

use std::time::{Duration, SystemTime};

use acceptance_tests::{Emulator, EmulatorOptions, FaultKind, FaultSpec, SeedExecution};
use aws_sdk_lambda::primitives::{Blob, DateTime, DateTimeFormat};
use aws_sdk_lambda::types::{DurableConfig, FunctionCode, Runtime, State};
use serde_json::Value;
use terraform_provider_lambda::aws::{AwsClients, Budget, Endpoints, Error, RetryPolicy};
use terraform_provider_lambda::resources::common::executions::api::{
    self, ExecutionFilter, StopOutcome,
};
use terraform_provider_lambda::resources::common::executions::{DurableExecution, OnDestroy};
use tokio_util::sync::CancellationToken;

use support::capacity_provider::REQUIRED_PROVIDERS;
use support::{Expect, setup};

const LABEL: &str = "lambda_durable_function \"orders\"";

/// The provider's clients, pointed at `emulator` (what the resources use at run time).
fn clients(emulator: &Emulator) -> AwsClients {
    use aws_config::{BehaviorVersion, Region, retry::RetryConfig};
    use aws_sdk_lambda::config::{Credentials, SharedCredentialsProvider};
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "test", "test", None, None, "test",
        )))
        .retry_config(RetryConfig::disabled())
        .build();
    AwsClients::new(
        sdk,
        Endpoints {
            lambda: Some(emulator.url()),
            ec2: None,
            sts: None,
        },
        "us-east-1".into(),
        RetryPolicy::default(),
        terraform_provider_lambda::tags::DefaultTags::default(),
    )
}

fn budget(secs: u64) -> Budget {
    Budget::new(Duration::from_secs(secs), CancellationToken::new())
}

/// Creates a function with DurableConfig, waits until it is Active and publishes
/// version 1.
async fn durable_function(lambda: &aws_sdk_lambda::Client, name: &str) {
    let zip = acceptance_tests::fixtures::zip_package("");
    let created = lambda
        .create_function()
        .function_name(name)
        .role("arn:aws:iam::123456789012:role/durable")
        .runtime(Runtime::from("python3.13"))
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
        .durable_config(DurableConfig::builder().execution_timeout(3600).build())
        .send()
        .await;
    if let Err(e) = created {
        panic!("creating {name}: {e:?}");
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = lambda
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .ok()
            .and_then(|c| c.state().cloned());
        if state == Some(State::Active) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name} never became Active: {state:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if let Err(e) = lambda.publish_version().function_name(name).send().await {
        panic!("publishing {name}: {e:?}");
    }
}

/// Seeds an execution of `function` (version `qualifier`) with `status`, started
/// `ago` seconds ago; returns its ARN.
fn seed(
    emu: &Emulator,
    function: &str,
    qualifier: &str,
    name: &str,
    status: &str,
    ago: u64,
) -> String {
    let mut s = SeedExecution::new(function, status)
        .qualifier(qualifier)
        .name(name);
    s.started_seconds_ago = Some(ago);
    match emu.seed_durable_execution(s) {
        Ok(seeded) => seeded.durable_execution_arn,
        Err(e) => panic!("seeding {name}: {e:?}"),
    }
}

/// The emulator's status of the execution `arn`.
fn status(emu: &Emulator, arn: &str) -> String {
    emu.state()["durable_executions"][arn]["status"]
        .as_str()
        .unwrap_or("<missing>")
        .to_string()
}

fn names(executions: &[DurableExecution]) -> Vec<&str> {
    let mut names: Vec<&str> = executions.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    names
}

async fn emulator() -> Emulator {
    match Emulator::start(EmulatorOptions::default()).await {
        Ok(emu) => emu,
        Err(e) => panic!("starting the emulator: {e}"),
    }
}

#[tokio::test]
async fn list_filters_pages_and_bounds() {
    let emu = emulator().await;
    let c = clients(&emu);
    durable_function(&c.lambda, "orders").await;
    seed(&emu, "orders", "1", "run-a", "RUNNING", 300);
    seed(&emu, "orders", "1", "paused-b", "PAUSED", 200);
    seed(&emu, "orders", "1", "pausing-c", "PAUSING", 150);
    seed(&emu, "orders", "1", "done-d", "SUCCEEDED", 3600);
    seed(&emu, "orders", "$LATEST", "run-latest", "RUNNING", 10);
    seed(&emu, "orders", "$LATEST", "stopped-e", "STOPPED", 100);
    let b = budget(60);

    let all = api::list(&c, &b, "orders", &ExecutionFilter::default(), 100).await;
    let all = all.unwrap_or_else(|e| panic!("{e}"));
    assert!(!all.truncated);
    assert_eq!(all.executions.len(), 6);
    let done = all.executions.iter().find(|e| e.name == "done-d");
    let done = done.unwrap_or_else(|| panic!("done-d not listed"));
    assert_eq!(done.status, "SUCCEEDED");
    assert!(
        done.function_arn.ends_with(":function:orders:1"),
        "{done:?}"
    );
    assert!(done.arn.contains("/durable-execution/done-d/"), "{done:?}");
    assert!(done.ended.is_some() && done.end_time().is_some_and(|t| t.ends_with('Z')));
    let running = all.executions.iter().find(|e| e.name == "run-a");
    assert!(running.is_some_and(|e| e.ended.is_none() && e.is_active()));

    let active = api::active(&c, &b, "orders", None).await;
    let active = active.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names(&active),
        ["paused-b", "pausing-c", "run-a", "run-latest"]
    );
    let on_v1 = api::active(&c, &b, "orders", Some("1")).await;
    assert_eq!(
        names(&on_v1.unwrap_or_else(|e| panic!("{e}"))),
        ["paused-b", "pausing-c", "run-a"]
    );
    let none = api::active(&c, &b, "no-such-function", None).await;
    assert_eq!(
        none,
        Ok(Vec::new()),
        "a missing function has nothing active"
    );
    let missing = api::list(&c, &b, "no-such-function", &ExecutionFilter::default(), 10).await;
    assert!(
        missing.as_ref().is_err_and(Error::is_not_found),
        "{missing:?}"
    );

    let window = ExecutionFilter {
        started_after: Some(DateTime::from(SystemTime::now() - Duration::from_secs(250))),
        started_before: Some(DateTime::from(SystemTime::now() - Duration::from_secs(50))),
        ..ExecutionFilter::default()
    };
    let windowed = api::list(&c, &b, "orders", &window, 100).await;
    assert_eq!(
        names(&windowed.unwrap_or_else(|e| panic!("{e}")).executions),
        ["paused-b", "pausing-c", "stopped-e"]
    );
    let named = ExecutionFilter {
        name: Some("done-d".into()),
        ..ExecutionFilter::default()
    };
    let named = api::list(&c, &b, "orders", &named, 100).await;
    assert_eq!(
        names(&named.unwrap_or_else(|e| panic!("{e}")).executions),
        ["done-d"]
    );

    // The bound: three asked, three returned, and the listing says there were more.
    let bounded = api::list(&c, &b, "orders", &ExecutionFilter::default(), 3).await;
    let bounded = bounded.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bounded.executions.len(), 3);
    assert!(bounded.truncated);

    // Pages: more executions than one page (the model's MaxItems) holds.
    for i in 0..1005 {
        seed(
            &emu,
            "orders",
            "$LATEST",
            &format!("bulk-{i}"),
            "SUCCEEDED",
            5000,
        );
    }
    emu.reset_calls();
    let many = api::list(&c, &b, "orders", &ExecutionFilter::default(), 100_000).await;
    let many = many.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(many.executions.len(), 1011);
    assert!(!many.truncated);
    assert_eq!(emu.call_count("ListDurableExecutionsByFunction"), 2);
    let mut arns: Vec<&str> = many.executions.iter().map(|e| e.arn.as_str()).collect();
    arns.sort_unstable();
    arns.dedup();
    assert_eq!(arns.len(), 1011, "no execution twice across pages");
}

#[tokio::test]
async fn stop_all_stops_running_ones_and_treats_ended_or_gone_as_done() {
    let emu = emulator().await;
    let c = clients(&emu);
    durable_function(&c.lambda, "orders").await;
    let running = seed(&emu, "orders", "1", "run-a", "RUNNING", 60);
    let running_2 = seed(&emu, "orders", "$LATEST", "run-b", "RUNNING", 30);
    let stopped = seed(&emu, "orders", "1", "stopped-c", "STOPPED", 90);
    let paused = seed(&emu, "orders", "1", "paused-d", "PAUSED", 90);
    let b = budget(60);
    let listed = api::list(&c, &b, "orders", &ExecutionFilter::default(), 100).await;
    let mut executions = listed.unwrap_or_else(|e| panic!("{e}")).executions;
    // One that does not exist (deleted meanwhile): done, not an error.
    let mut gone = executions[0].clone();
    gone.arn = running.replace("/run-a/", "/gone/");
    gone.name = "gone".into();
    executions.push(gone.clone());
    // Throttling is retried as AWS asks (Retry-After), not reported.
    let mut throttle = FaultSpec::times("StopDurableExecution", FaultKind::Throttle, 2);
    throttle.retry_after_seconds = Some(0);
    emu.inject_fault(throttle);

    let results = api::stop_all(&c, &b, &executions, "Stopped by a test.").await;
    let results = results.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(results.len(), 5);
    let outcome = |arn: &str| {
        results
            .iter()
            .find(|r| r.execution.arn == arn)
            .map(|r| r.outcome.clone())
            .unwrap_or_else(|| panic!("no result for {arn}"))
    };
    assert_eq!(outcome(&running), StopOutcome::Requested);
    assert_eq!(outcome(&running_2), StopOutcome::Requested);
    assert_eq!(outcome(&stopped), StopOutcome::AlreadyEnded);
    assert_eq!(outcome(&gone.arn), StopOutcome::AlreadyEnded);
    // AWS stops PAUSED executions; an emulator that refuses leaves it PAUSED, which the
    // destroy loop then retries (see the unit tests of `api`).
    match outcome(&paused) {
        StopOutcome::Requested => assert_eq!(status(&emu, &paused), "STOPPED"),
        StopOutcome::Refused(e) => {
            assert!(e.has_code("InvalidParameterValueException"), "{e}");
            assert_eq!(status(&emu, &paused), "PAUSED");
        }
        other => panic!("paused-d: {other:?}"),
    }
    assert_eq!(status(&emu, &running), "STOPPED");
    assert_eq!(status(&emu, &running_2), "STOPPED");
    let error = &emu.state()["durable_executions"][&running]["error"];
    assert_eq!(error["ErrorType"], "TerraformDestroy", "{error}");
    assert_eq!(error["ErrorMessage"], "Stopped by a test.", "{error}");
    assert!(
        emu.call_count("StopDurableExecution") >= 7,
        "5 stops and 2 throttled"
    );
}

#[tokio::test]
async fn clear_for_destroy_applies_each_policy() {
    let emu = emulator().await;
    let c = clients(&emu);
    durable_function(&c.lambda, "orders").await;
    durable_function(&c.lambda, "idle").await;
    seed(&emu, "idle", "1", "finished", "SUCCEEDED", 60);
    for policy in OnDestroy::ALL {
        let r = api::clear_for_destroy(&c, &budget(30), "idle", None, policy, LABEL).await;
        assert_eq!(r, Ok(None), "{policy}: nothing active, nothing to do");
    }
    let a = seed(&emu, "orders", "1", "run-a", "RUNNING", 60);
    let b = seed(&emu, "orders", "$LATEST", "run-b", "RUNNING", 30);

    // fail: refused, naming them, nothing stopped.
    let refused =
        api::clear_for_destroy(&c, &budget(30), "orders", None, OnDestroy::Fail, LABEL).await;
    let d = refused.err().unwrap_or_else(|| panic!("fail must refuse"));
    assert!(
        d.summary.contains("2 durable executions are active"),
        "{}",
        d.summary
    );
    assert!(
        d.detail.contains(&a) && d.detail.contains(&b),
        "{}",
        d.detail
    );
    assert_eq!(emu.call_count("StopDurableExecution"), 0);

    // fail, for one version: only its executions count.
    let refused =
        api::clear_for_destroy(&c, &budget(30), "orders", Some("1"), OnDestroy::Fail, LABEL).await;
    let d = refused.err().unwrap_or_else(|| panic!("fail must refuse"));
    assert!(
        d.summary.contains("1 durable execution is active"),
        "{}",
        d.summary
    );
    assert!(
        d.detail.contains(&a) && !d.detail.contains(&b),
        "{}",
        d.detail
    );

    // wait: nobody stops them, so the delete timeout runs out, saying what is left.
    let started = std::time::Instant::now();
    let waited =
        api::clear_for_destroy(&c, &budget(3), "orders", None, OnDestroy::Wait, LABEL).await;
    let d = waited.err().unwrap_or_else(|| panic!("wait must time out"));
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert!(
        d.summary.contains("2 durable executions are still active"),
        "{}",
        d.summary
    );
    assert!(
        d.detail.contains("The delete timeout of 3s ran out"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("run-a (RUNNING since"), "{}", d.detail);
    assert_eq!(emu.call_count("StopDurableExecution"), 0);

    // stop: both stopped, then none active.
    let cleared =
        api::clear_for_destroy(&c, &budget(60), "orders", None, OnDestroy::Stop, LABEL).await;
    let warning = cleared
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("no warning naming the stopped executions"));
    assert!(
        warning.summary.contains("stopped 2 durable executions"),
        "{}",
        warning.summary
    );
    assert!(
        warning.detail.contains(&a) && warning.detail.contains(&b),
        "{}",
        warning.detail
    );
    assert_eq!(status(&emu, &a), "STOPPED");
    assert_eq!(status(&emu, &b), "STOPPED");
    let reason = emu.state()["durable_executions"][&a]["error"]["ErrorMessage"].clone();
    assert_eq!(
        reason,
        "Stopped by Terraform: lambda_durable_function \"orders\" is being destroyed with \
         running_executions_on_destroy = \"stop\"."
    );
    assert_eq!(emu.call_count("StopDurableExecution"), 2);
}

#[tokio::test]
async fn waiting_ends_when_the_last_execution_ends() {
    let emu = emulator().await;
    let c = clients(&emu);
    durable_function(&c.lambda, "orders").await;
    let a = seed(&emu, "orders", "1", "run-a", "RUNNING", 60);
    // Someone else stops it a little later.
    let other = c.lambda.clone();
    let arn = a.clone();
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        other
            .stop_durable_execution()
            .durable_execution_arn(arn)
            .send()
            .await
    });
    let started = std::time::Instant::now();
    let waited = api::wait_until_none_active(&c, &budget(60), "orders", Some("1")).await;
    assert_eq!(waited, Ok(()));
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(1500) && elapsed < Duration::from_secs(20),
        "{elapsed:?}"
    );
    assert!(matches!(stopper.await, Ok(Ok(_))));
    assert_eq!(status(&emu, &a), "STOPPED");

    // A timeout says how many were still active, by status.
    seed(&emu, "orders", "1", "paused-b", "PAUSED", 10);
    let timed_out = api::wait_until_none_active(&c, &budget(2), "orders", None).await;
    match timed_out {
        Err(Error::Timeout { operation, .. }) => {
            assert!(operation.contains("1 active: 1 PAUSED"), "{operation}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

// ---- the data source, through terraform ----

const STATE_ADDRESS: &str = "data.lambda_durable_executions";

fn data_config(blocks: &str) -> String {
    format!("{REQUIRED_PROVIDERS}\nprovider \"lambda\" {{}}\n\n{blocks}")
}

fn rfc3339_ago(secs: u64) -> String {
    DateTime::from(SystemTime::now() - Duration::from_secs(secs))
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn execution_names(data: &Value) -> Vec<String> {
    data["executions"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|e| {
                    e["durable_execution_name"]
                        .as_str()
                        .unwrap_or("?")
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn data_source_lists_and_filters() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let function = acc.name("orders");
    let sdk = acc.lambda_sdk();
    sdk.block_on(durable_function(sdk.client(), &function));
    let emu = acc.emu();
    seed(emu, &function, "1", "run-a", "RUNNING", 300);
    seed(emu, &function, "1", "paused-b", "PAUSED", 200);
    seed(emu, &function, "1", "done-c", "SUCCEEDED", 3600);
    seed(emu, &function, "1", "failed-d", "FAILED", 7200);
    seed(emu, &function, "$LATEST", "run-latest", "RUNNING", 10);
    seed(emu, &function, "$LATEST", "stopped-e", "STOPPED", 100);
    let function_arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{function}");
    let after = rfc3339_ago(250);

    acc.write(&data_config(&format!(
        r#"
data "lambda_durable_executions" "all" {{
  function_name = "{function}"
}}

data "lambda_durable_executions" "active" {{
  function_name = "{function}"
  statuses      = ["RUNNING", "PAUSING", "PAUSED"]
}}

data "lambda_durable_executions" "v1_active" {{
  function_name = "{function}"
  qualifier     = "1"
  statuses      = ["RUNNING", "PAUSING", "PAUSED"]
}}

data "lambda_durable_executions" "by_arn" {{
  function_name = "{function_arn}:1"
}}

data "lambda_durable_executions" "named" {{
  function_name          = "{function}"
  durable_execution_name = "done-c"
}}

data "lambda_durable_executions" "recent" {{
  function_name = "{function}"
  started_after = "{after}"
}}

output "active_count" {{
  value = length(data.lambda_durable_executions.active.executions)
}}
"#
    )));
    acc.apply();

    let all = acc.resource(&format!("{STATE_ADDRESS}.all"));
    assert_eq!(
        execution_names(&all),
        [
            "run-latest",
            "stopped-e",
            "paused-b",
            "run-a",
            "done-c",
            "failed-d"
        ],
        "newest first: {all:#}"
    );
    assert_eq!(all["region"], "us-east-1");
    let rfc3339 = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        .unwrap_or_else(|e| panic!("{e}"));
    for e in all["executions"].as_array().into_iter().flatten() {
        let start = e["start_time"].as_str().unwrap_or_default();
        assert!(rfc3339.is_match(start), "{e:#}");
        let active =
            ["RUNNING", "PAUSING", "PAUSED"].contains(&e["status"].as_str().unwrap_or_default());
        if active {
            assert!(e["end_time"].is_null(), "{e:#}");
        } else {
            assert!(
                rfc3339.is_match(e["end_time"].as_str().unwrap_or_default()),
                "{e:#}"
            );
        }
        let arn = e["durable_execution_arn"].as_str().unwrap_or_default();
        let version_arn = e["function_arn"].as_str().unwrap_or_default();
        assert!(
            version_arn.starts_with(&format!("{function_arn}:")),
            "{e:#}"
        );
        assert!(
            arn.starts_with(&format!("{version_arn}/durable-execution/")),
            "{e:#}"
        );
    }
    // Times are the emulator's to the millisecond (AWS sends epoch seconds as a float:
    // `.020` must not come out as `.019999`).
    let state = emu.state();
    let emulated = |arn: &str, key: &str| -> Option<String> {
        let ms = state["durable_executions"][arn][key].as_i64()?;
        DateTime::from_millis(ms).fmt(DateTimeFormat::DateTime).ok()
    };
    for e in all["executions"].as_array().into_iter().flatten() {
        let arn = e["durable_execution_arn"].as_str().unwrap_or_default();
        assert_eq!(
            e["start_time"].as_str().map(str::to_string),
            emulated(arn, "start_ms"),
            "{e:#}"
        );
        assert_eq!(
            e["end_time"].as_str().map(str::to_string),
            emulated(arn, "end_ms"),
            "{e:#}"
        );
    }
    let done = &all["executions"][4];
    assert_eq!(done["durable_execution_name"], "done-c");
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(done["function_arn"], format!("{function_arn}:1"));

    let active = acc.resource(&format!("{STATE_ADDRESS}.active"));
    assert_eq!(
        execution_names(&active),
        ["run-latest", "paused-b", "run-a"]
    );
    let v1 = acc.resource(&format!("{STATE_ADDRESS}.v1_active"));
    assert_eq!(execution_names(&v1), ["paused-b", "run-a"]);
    let by_arn = acc.resource(&format!("{STATE_ADDRESS}.by_arn"));
    assert_eq!(
        execution_names(&by_arn),
        ["paused-b", "run-a", "done-c", "failed-d"]
    );
    let named = acc.resource(&format!("{STATE_ADDRESS}.named"));
    assert_eq!(execution_names(&named), ["done-c"]);
    let recent = acc.resource(&format!("{STATE_ADDRESS}.recent"));
    assert_eq!(
        execution_names(&recent),
        ["run-latest", "stopped-e", "paused-b"]
    );
    assert_eq!(acc.outputs()["active_count"]["value"], 3);

    // An execution stopped outside Terraform shows at the next refresh.
    let running = all["executions"][0]["durable_execution_arn"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    sdk.block_on(async {
        let stopped = sdk
            .client()
            .stop_durable_execution()
            .durable_execution_arn(&running)
            .send()
            .await;
        assert!(stopped.is_ok(), "{stopped:?}");
    });
    acc.apply();
    assert_eq!(acc.outputs()["active_count"]["value"], 2);
}

#[test]
fn data_source_rejects_bad_arguments_before_calling_aws() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let hcl = data_config(
        r#"
data "lambda_durable_executions" "bad" {
  function_name = "orders"
  statuses      = ["RUNNING", "ACTIVE"]
  started_after = "yesterday"
}
"#,
    );
    acc.write(&hcl);
    let errors = acc.validate_errors();
    Expect::error()
        .summary("Invalid attribute value")
        .detail(&[
            "\"ACTIVE\"",
            "RUNNING, SUCCEEDED, FAILED, TIMED_OUT, STOPPED, DELETING, PAUSING, PAUSED",
        ])
        .code("statuses")
        .address(&format!("{STATE_ADDRESS}.bad"))
        .find_in(&errors, "validate");
    Expect::error()
        .summary("Invalid timestamp")
        .detail(&["\"yesterday\"", "RFC 3339"])
        .code("started_after")
        .find_in(&errors, "validate");
    assert_eq!(acc.emu().call_count("ListDurableExecutionsByFunction"), 0);

    // A qualifier that contradicts the qualified function name.
    acc.write(&data_config(
        r#"
data "lambda_durable_executions" "bad" {
  function_name = "orders:1"
  qualifier     = "2"
}
"#,
    ));
    Expect::error()
        .summary("qualifier contradicts function_name")
        .code("qualifier")
        .find_in(&acc.validate_errors(), "validate");
}

#[test]
fn data_source_for_a_missing_function_is_an_error() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    acc.write(&data_config(
        r#"
data "lambda_durable_executions" "missing" {
  function_name = "no-such-function"
}
"#,
    ));
    Expect::error()
        .summary("function not found")
        .detail(&["\"no-such-function\"", "us-east-1"])
        .code("function_name")
        .find_in(&acc.plan_errors(), "plan");
}
