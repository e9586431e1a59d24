//! Faults on every AWS call, through real Terraform: the examples `quickstart` and
//! `durable-rollout` apply, change and destroy while the emulator throttles 30 % of the
//! calls, answers 10 % with a server error, drops 5 % of the connections (half of them
//! after the call took effect, so the answer is lost: a create's retry then meets its own
//! object, a publish's retry the version it published) and delays every call. Each step
//! must converge (terraform succeeds), and after each one the emulator must hold exactly
//! what Terraform's state holds: no orphan, no duplicate version, nothing missing.
//!
//! Throttles ask for no wait (`Retry-After: 0`) and the latency is short, so the runs stay
//! quick; how long waits take is for the benchmarks, not these tests.

mod support;

use acceptance_tests::{Emulator, EmulatorOptions, FaultKind, FaultSpec};
use support::{Acc, setup};

/// Installs the faults on every operation.
fn inject_faults(emu: &Emulator) {
    emu.inject_fault(FaultSpec {
        latency_ms: Some(15),
        ..FaultSpec::rate("*", FaultKind::Latency, 1.0)
    });
    emu.inject_fault(FaultSpec {
        retry_after_seconds: Some(0),
        ..FaultSpec::rate("*", FaultKind::Throttle, 0.3)
    });
    emu.inject_fault(FaultSpec::rate("*", FaultKind::ServerError, 0.1));
    emu.inject_fault(FaultSpec::rate("*", FaultKind::Drop, 0.025));
    emu.inject_fault(FaultSpec::rate("*", FaultKind::DropResponse, 0.025));
}

/// Prints how often each fault fired, and fails unless throttling and server errors did
/// (at their rates, a run without either is practically impossible; the rarer drops are
/// forced in `acc_interrupted.rs` and `acc_function_version.rs` instead).
fn assert_faults_fired(emu: &Emulator) {
    let rules = emu.faults();
    let fired = |kind: FaultKind| {
        rules
            .iter()
            .filter(|r| r.spec.kind == kind)
            .map(|r| r.fired)
            .sum::<u64>()
    };
    eprintln!(
        "faults fired: throttle {}, server error {}, drop {}, drop after the call {}, latency {}",
        fired(FaultKind::Throttle),
        fired(FaultKind::ServerError),
        fired(FaultKind::Drop),
        fired(FaultKind::DropResponse),
        fired(FaultKind::Latency),
    );
    assert!(
        fired(FaultKind::Throttle) > 0 && fired(FaultKind::ServerError) > 0,
        "{rules:?}"
    );
}

/// A fresh test on a copy of `example`, with the faults installed.
fn example_under_faults(example: &str) -> Option<Acc> {
    let acc = setup(EmulatorOptions::default(), true)?;
    acc.use_example(example);
    inject_faults(acc.emu());
    Some(acc)
}

/// `terraform apply` with `args` (e.g. `-var`), which must succeed.
fn apply_with(acc: &Acc, args: &[&str]) {
    let mut all = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    all.extend_from_slice(args);
    acc.succeed(&all);
}

/// A plan of nothing: the state Terraform recorded under faults is what AWS has.
fn assert_plans_nothing(acc: &Acc, step: &str) {
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "{step}: the next plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
}

/// Destroys under faults; the emulator must be empty afterwards.
fn destroy_to_nothing(acc: &Acc, example: &str) {
    acc.destroy();
    let left = acc.assert_aws_matches_state(&format!("{example}: destroy"));
    assert!(
        left.capacity_providers.is_empty() && left.functions.is_empty(),
        "{example}: the destroy left {left:?}"
    );
}

#[test]
fn quickstart_applies_and_destroys_under_faults() {
    let Some(acc) = example_under_faults("quickstart") else {
        return;
    };
    acc.apply();
    let held = acc.assert_aws_matches_state("quickstart: apply");
    assert_eq!(
        (
            held.capacity_providers.len(),
            held.functions.len(),
            held.versions.len()
        ),
        (1, 1, 1),
        "{held:?}"
    );
    assert_plans_nothing(&acc, "quickstart: after the apply");
    destroy_to_nothing(&acc, "quickstart");

    assert_faults_fired(acc.emu());
}

/// The steps of `examples/durable-rollout`, each checked against the emulator: apply, a
/// changed variable (the version's scaling, in place), new code (version 2 replaces
/// version 1), the variable back (in place), an empty plan, destroy.
fn rollout_steps(acc: &Acc) {
    let function = "arn:aws:lambda:us-east-1:123456789012:function:orders-workflow";
    acc.apply();
    let held = acc.assert_aws_matches_state("durable-rollout: apply");
    assert_eq!(
        held.versions.keys().collect::<Vec<_>>(),
        vec![&format!("{function}:1")],
        "one version"
    );

    apply_with(acc, &["-var", "max_execution_environments=20"]);
    let held = acc.assert_aws_matches_state("durable-rollout: max_execution_environments = 20");
    assert_eq!(
        held.versions[&format!("{function}:1")]["scaling"],
        serde_json::json!({"min": 3, "max": 20})
    );

    let zip = acc.dir().join("build/workflow.zip");
    std::fs::write(&zip, acceptance_tests::fixtures::zip_package("rollout v2"))
        .unwrap_or_else(|e| panic!("writing {}: {e}", zip.display()));
    apply_with(acc, &["-var", "max_execution_environments=20"]);
    let held = acc.assert_aws_matches_state("durable-rollout: new code");
    assert_eq!(
        held.versions.keys().collect::<Vec<_>>(),
        vec![&format!("{function}:2")],
        "version 2 replaced version 1, and no other was published"
    );

    acc.apply();
    let held =
        acc.assert_aws_matches_state("durable-rollout: max_execution_environments back to 12");
    assert_eq!(
        held.versions[&format!("{function}:2")]["scaling"],
        serde_json::json!({"min": 3, "max": 12})
    );
    assert_plans_nothing(acc, "durable-rollout: after the last change");

    destroy_to_nothing(acc, "durable-rollout");
}

#[test]
fn durable_rollout_steps_converge_under_faults() {
    let Some(acc) = example_under_faults("durable-rollout") else {
        return;
    };
    rollout_steps(&acc);
    assert_faults_fired(acc.emu());
}

/// The writes of the rollout's steps, each of which loses its answer once.
const WRITES: [&str; 7] = [
    "CreateCapacityProvider",
    "CreateFunction",
    "PublishVersion",
    "PutFunctionScalingConfig",
    "UpdateFunctionCode",
    "DeleteFunction",
    "DeleteCapacityProvider",
];

/// Every write of the rollout takes effect once with its answer lost (the connection
/// drops after the call): each retry must see that the write happened (the object it
/// created, the version it published, the function it deleted) instead of failing or
/// doing it twice.
#[test]
fn every_write_of_the_rollout_survives_a_lost_answer() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    acc.use_example("durable-rollout");
    for operation in WRITES {
        acc.emu()
            .inject_fault(FaultSpec::times(operation, FaultKind::DropResponse, 1));
    }
    rollout_steps(&acc);
    let left: Vec<String> = acc
        .emu()
        .faults()
        .iter()
        .map(|r| r.spec.operation.clone())
        .collect();
    assert!(left.is_empty(), "never called, so never faulted: {left:?}");
    for operation in WRITES {
        let stats = &acc.emu().calls()[operation];
        assert!(
            stats.calls > stats.faulted,
            "{operation} was retried after its lost answer: {stats:?}"
        );
    }
}
