//! How many round trips a refresh takes, through real Terraform: a capacity provider's
//! GetCapacityProvider and ListTags, and a published version's GetFunction and
//! GetFunctionScalingConfig, go out together, so each of these resources is refreshed in
//! one round trip to AWS instead of two.
//!
//! No timing is measured (that is for the benchmarks): every call is held 300 ms by the
//! emulator, Terraform refreshes one resource at a time (`-parallelism=1`), and the
//! emulator's peak of calls in flight says whether a resource's calls overlapped. Each
//! resource is refreshed alone (`-target`, with a configuration whose resources name each
//! other by value, so a target brings in nothing it depends on), then all together.

mod support;

use std::collections::BTreeMap;

use acceptance_tests::{EmulatorOptions, FaultKind, FaultSpec};
use support::capacity_provider::{ADDRESS as CAPACITY_PROVIDER, ARM_REQUIREMENTS};
use support::durable_function::ADDRESS as FUNCTION;
use support::function_version::{ADDRESS as VERSION, managed_function_body, version_block};
use support::{Acc, setup};

/// How long the emulator holds every call: long enough that calls sent together are
/// always in flight at once.
const LATENCY_MS: u64 = 300;

/// Where `terraform plan -refresh-only` saves its plan.
const PLAN_FILE: &str = "refresh.tfplan";

/// STS's identity call, which the provider makes once per process whatever it refreshes.
const GET_CALLER_IDENTITY: &str = "GetCallerIdentity";

/// The names of the test's objects.
struct Names {
    capacity_provider: String,
    function: String,
}

/// The capacity provider (with tags), a durable function on it, and a published version
/// of the function with scaling. With `capacity_provider_arn`, the function and the
/// version name what they run on by value instead of by reference, so a `-target` on one
/// resource refreshes that resource only.
fn config(acc: &Acc, names: &Names, zip: &str, capacity_provider_arn: Option<&str>) -> String {
    let capacity_provider = format!(
        "\nresource \"lambda_capacity_provider\" \"test\" {{\n  name = \"{}\"\n{}{ARM_REQUIREMENTS}  tags = {{ team = \"refresh\" }}\n}}\n",
        names.capacity_provider,
        acc.network_blocks(),
    );
    let reference = format!("{CAPACITY_PROVIDER}.arn");
    let mut function_body = managed_function_body("test");
    assert!(function_body.contains(&reference), "{function_body}");
    let function_name = match capacity_provider_arn {
        Some(arn) => {
            function_body = function_body.replace(&reference, &format!("{arn:?}"));
            format!("{:?}", names.function)
        }
        None => format!("{FUNCTION}.function_name"),
    };
    let version = version_block(
        "test",
        &format!(
            "  function_name = {function_name}\n\n  function_scaling_config {{\n    min_execution_environments = 1\n    max_execution_environments = 2\n  }}\n"
        ),
    );
    acc.function_config(
        &names.function,
        zip,
        &function_body,
        &format!("{capacity_provider}{version}"),
    )
}

/// What one refresh asked of AWS.
#[derive(Debug)]
struct Refresh {
    /// The most calls in flight at once.
    peak_in_flight: u64,
    /// Calls per operation, STS's identity call left out.
    calls: BTreeMap<String, u64>,
}

/// `terraform plan -refresh-only -parallelism=1` of `target` (everything when `None`),
/// which must find nothing changed; returns what it asked of AWS.
fn refresh(acc: &Acc, target: Option<&str>) -> Refresh {
    let emu = acc.emu();
    emu.reset_calls();
    let target_arg = target.map(|t| format!("-target={t}"));
    let out_arg = format!("-out={PLAN_FILE}");
    let mut args = vec![
        "plan",
        "-refresh-only",
        "-parallelism=1",
        &out_arg,
        "-input=false",
        "-no-color",
    ];
    args.extend(target_arg.as_deref());
    acc.succeed(&args);
    let refreshed = Refresh {
        peak_in_flight: emu.peak_in_flight(),
        calls: emu
            .calls()
            .into_iter()
            .filter(|(op, _)| op != GET_CALLER_IDENTITY)
            .map(|(op, stats)| (op, stats.calls))
            .collect(),
    };
    let what = target.unwrap_or("everything");
    let shown = acc.succeed(&["show", "-json", "-no-color", PLAN_FILE]);
    let plan: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap_or_else(|e| {
        panic!(
            "terraform show -json printed no JSON ({e}): {}",
            shown.stdout
        )
    });
    let plan = tfplug::testing::Plan::from_json(plan);
    assert!(
        plan.is_empty() && plan.json()["resource_drift"].is_null(),
        "refreshing {what} must find nothing changed: {:#}",
        plan.json()
    );
    refreshed
}

/// Asserts what refreshing `target` asked of AWS: exactly `calls` (operation, count),
/// and `peak` of them, no more and no fewer, in flight at once at the most.
fn assert_refresh(acc: &Acc, target: Option<&str>, calls: &[(&str, u64)], peak: u64) {
    let what = target.unwrap_or("everything");
    let refreshed = refresh(acc, target);
    let expected: BTreeMap<String, u64> =
        calls.iter().map(|(op, n)| (op.to_string(), *n)).collect();
    assert_eq!(refreshed.calls, expected, "the calls refreshing {what}");
    assert_eq!(
        refreshed.peak_in_flight, peak,
        "the most calls in flight at once while refreshing {what} ({refreshed:?})"
    );
}

#[test]
fn each_resource_refreshes_in_one_round_trip() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let names = Names {
        capacity_provider: acc.name("rt-cp"),
        function: acc.name("rt-fn"),
    };
    let zip = acc.zip("code.zip", "v1").to_string_lossy().into_owned();
    acc.write(&config(&acc, &names, &zip, None));
    acc.apply();
    let cp_arn = acc.resource(CAPACITY_PROVIDER)["arn"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no ARN in the state"));
    // Publishing the version gave the function's $LATEST a new revision ID, which the
    // function's state has yet to take: the state takes it now, so every refresh below
    // must find nothing changed.
    acc.apply_refresh_only();
    // The same objects, named by value.
    acc.write(&config(&acc, &names, &zip, Some(&cp_arn)));

    acc.emu().inject_fault(FaultSpec {
        latency_ms: Some(LATENCY_MS),
        ..FaultSpec::rate("*", FaultKind::Latency, 1.0)
    });
    assert_refresh(
        &acc,
        Some(CAPACITY_PROVIDER),
        &[("GetCapacityProvider", 1), ("ListTags", 1)],
        2,
    );
    assert_refresh(&acc, Some(FUNCTION), &[("GetFunction", 1)], 1);
    assert_refresh(
        &acc,
        Some(VERSION),
        &[("GetFunction", 1), ("GetFunctionScalingConfig", 1)],
        2,
    );
    assert_refresh(
        &acc,
        None,
        &[
            ("GetCapacityProvider", 1),
            ("GetFunction", 2),
            ("GetFunctionScalingConfig", 1),
            ("ListTags", 1),
        ],
        2,
    );

    acc.emu().clear_faults();
    // The references again, so the destroy deletes the version and the function before
    // the capacity provider they run on.
    acc.write(&config(&acc, &names, &zip, None));
    acc.destroy();
}
