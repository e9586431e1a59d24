//! Acceptance tests of what destroying or replacing a `lambda_durable_function` does
//! while durable executions are active (`running_executions_on_destroy`: `fail`, `wait`,
//! `stop`), of create, update and destroy under throttling, server errors and conflicts,
//! and of a create whose function fails.
//!
//! The real `terraform` binary drives the provider binary against the local AWS emulator
//! of the `acceptance-tests` crate. Executions are seeded, faults injected and functions
//! failed through the emulator's control API, so every test here needs the emulator:
//! they are skipped against real AWS (`LAMBDA_ACC_REAL_AWS=1`), and when terraform is
//! missing.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use acceptance_tests::{EmulatorOptions, FailFunction, FaultKind, FaultSpec, SeedExecution};
use serde_json::Value;
use support::durable_function::ADDRESS;
use support::{Acc, Diagnostics, Expect, setup};

/// The zip package every test deploys (written by [`Acc::zip`]).
const ZIP: &str = "fn.zip";

/// A delete timeout that bounds every destroy here: a provider that deleted the function
/// while executions are active would wait for them to drain (up to the default hour)
/// instead of failing the test.
const DELETE_TIMEOUT: &str = "  timeouts {\n    delete = \"30s\"\n  }\n";

/// How diagnostics name the function called `name`.
fn label(name: &str) -> String {
    format!("lambda_durable_function \"{name}\"")
}

/// A test against the emulator, or `None` (skipped).
fn emulated(opts: EmulatorOptions) -> Option<Acc> {
    setup(opts, true)
}

/// A configuration of `lambda_durable_function.test` called `name` with `body` and
/// [`DELETE_TIMEOUT`].
fn config(acc: &Acc, name: &str, body: &str) -> String {
    acc.function_config(name, ZIP, &format!("{body}{DELETE_TIMEOUT}"), "")
}

/// Writes the package and [`config`], and applies it.
fn create(acc: &Acc, name: &str, body: &str) {
    acc.zip(ZIP, "v1");
    acc.write(&config(acc, name, body));
    acc.apply();
}

/// Seeds an execution of `function`'s `$LATEST` called `name` with `status`; its ARN.
fn seed(acc: &Acc, function: &str, name: &str, status: &str) -> String {
    acc.seed_execution(SeedExecution::new(function, status).name(name))
        .durable_execution_arn
}

/// The emulator's `State` of the function called `name` (`$LATEST`); `None` when gone.
fn function_state(acc: &Acc, name: &str) -> Option<String> {
    acc.emulated_function(name)
        .and_then(|f| f["latest"]["state"].as_str().map(str::to_string))
}

/// The emulator's status of the execution `arn`.
fn status(acc: &Acc, arn: &str) -> String {
    acc.emulated_execution(arn)["status"]
        .as_str()
        .unwrap_or("<gone>")
        .to_string()
}

/// The calls of `operation` the emulator received and how many of them got a fault.
fn calls(acc: &Acc, operation: &str) -> (u64, u64) {
    acc.emu()
        .calls()
        .get(operation)
        .map_or((0, 0), |c| (c.calls, c.faulted))
}

/// Asserts that nothing in `diags` mentions `text`.
fn assert_not_mentioned(diags: &Diagnostics, text: &str) {
    for d in diags.all() {
        let all = format!("{}\n{}", d["summary"], d["detail"]);
        assert!(
            !all.contains(text),
            "{text} is mentioned: {}",
            diags.describe()
        );
    }
}

/// Sets the flag when dropped, also when the test panics, so the watcher ends.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs `during` while another thread hands each emulator state dump (every 20 ms) to
/// `observe`: what the emulator held while a terraform command ran.
fn watching<T>(acc: &Acc, mut observe: impl FnMut(&Value) + Send, during: impl FnOnce() -> T) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                observe(&acc.emu().state());
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let out = {
            let _stop_watching = SetOnDrop(&done);
            during()
        };
        if watcher.join().is_err() {
            panic!("the watcher panicked");
        }
        out
    })
}

/// Whether a plan's `after_unknown` marks anything unknown in `v`.
fn has_unknown(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(has_unknown),
        Value::Object(fields) => fields.values().any(has_unknown),
        _ => false,
    }
}

/// The record of the function called `name` in an emulator state dump.
fn function_in<'a>(state: &'a Value, name: &str) -> Option<&'a Value> {
    state["functions"]
        .as_object()?
        .values()
        .find(|f| f["name"] == name)
}

#[test]
fn destroy_is_refused_by_default_while_executions_are_active() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let name = acc.name("refused");
    create(&acc, &name, "  publish = true\n");
    let r = acc.resource(ADDRESS);
    assert_eq!(r["running_executions_on_destroy"], "fail");
    assert_eq!(r["version"], "1");
    // Executions of a published version count as much as those of $LATEST.
    let running = acc
        .seed_execution(
            SeedExecution::new(&name, "RUNNING")
                .qualifier("1")
                .name("order-1001"),
        )
        .durable_execution_arn;
    assert!(
        running.contains(":1/durable-execution/order-1001/"),
        "{running}"
    );
    let paused = seed(&acc, &name, "order-1002", "PAUSED");
    let ended = seed(&acc, &name, "order-0999", "SUCCEEDED");
    let label = label(&name);

    // The plan of the destroy says what is active and what the destroy will do.
    let warnings = acc.plan_destroy_diagnostics().warnings();
    Expect::error()
        .summary(&format!("{label}: 2 durable executions are active"))
        .detail(&[
            &format!(
                "This plan destroys {label} while 2 durable executions are active \
                 (1 RUNNING, 1 PAUSED)"
            ),
            "  - order-1001 (RUNNING since ",
            "  - order-1002 (PAUSED since ",
            &running,
            &paused,
            "will refuse to destroy it",
            "running_executions_on_destroy = \"wait\"",
        ])
        .find_in(&warnings, "plan -destroy");
    assert_not_mentioned(&warnings, "order-0999");

    acc.emu().reset_calls();
    let errors = acc.destroy_failing().errors();
    Expect::error()
        .summary(&format!(
            "Cannot destroy {label}: 2 durable executions are active"
        ))
        .detail(&[
            "has 2 active durable executions (1 RUNNING, 1 PAUSED)",
            "nothing was deleted",
            "  - order-1001 (RUNNING since ",
            "  - order-1002 (PAUSED since ",
            &running,
            &paused,
            "set running_executions_on_destroy = \"wait\"",
            "set running_executions_on_destroy = \"stop\"",
            "terraform apply",
            "then destroy again",
        ])
        .find_in(&errors, "destroy");
    assert_not_mentioned(&errors, "order-0999");
    assert_not_mentioned(&errors, &ended);

    // Nothing was deleted or stopped: the function is not even draining.
    assert_eq!(function_state(&acc, &name).as_deref(), Some("Active"));
    assert_eq!(calls(&acc, "DeleteFunction").0, 0);
    assert_eq!(calls(&acc, "StopDurableExecution").0, 0);
    assert_eq!(status(&acc, &running), "RUNNING");
    assert_eq!(status(&acc, &paused), "PAUSED");
    let state = acc.state();
    assert_eq!(state.addresses(), vec![ADDRESS.to_string()]);
    assert!(!state.resource_tainted(ADDRESS));
}

#[test]
fn removing_the_resource_block_warns_and_is_refused_too() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let name = acc.name("removed");
    create(&acc, &name, "");
    let running = seed(&acc, &name, "invoice-7", "RUNNING");
    let label = label(&name);

    // The configuration no longer has the function: plan and apply destroy it.
    acc.write(&format!(
        "{}\nprovider \"lambda\" {{}}\n",
        support::capacity_provider::REQUIRED_PROVIDERS
    ));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["delete".to_string()]);
    Expect::error()
        .summary(&format!("{label}: 1 durable execution is active"))
        .detail(&[
            &format!("This plan destroys {label} while 1 durable execution is active (1 RUNNING)"),
            "  - invoice-7 (RUNNING since ",
            "will refuse to destroy it",
        ])
        .find_in(&acc.plan_diagnostics().warnings(), "plan");
    acc.emu().reset_calls();
    Expect::error()
        .summary(&format!(
            "Cannot destroy {label}: 1 durable execution is active"
        ))
        .detail(&["has 1 active durable execution (1 RUNNING)", &running])
        .find_in(&acc.apply_failing().errors(), "apply");
    assert_eq!(function_state(&acc, &name).as_deref(), Some("Active"));
    assert_eq!(calls(&acc, "DeleteFunction").0, 0);
    assert_eq!(acc.state().addresses(), vec![ADDRESS.to_string()]);
}

#[test]
fn wait_deletes_once_the_executions_have_ended_without_stopping_them() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let name = acc.name("wait");
    create(&acc, &name, "  running_executions_on_destroy = \"wait\"\n");
    // Active for a few seconds after seeding: the destroy finds them active.
    let first = acc
        .seed_execution(
            SeedExecution::new(&name, "RUNNING")
                .name("import-batch-1")
                .finishes_after(3000, "SUCCEEDED"),
        )
        .durable_execution_arn;
    let second = acc
        .seed_execution(
            SeedExecution::new(&name, "PAUSED")
                .name("import-batch-2")
                .finishes_after(3500, "FAILED"),
        )
        .durable_execution_arn;
    let seeded = Instant::now();
    let label = label(&name);

    // DeleteFunction is answered late, so the watcher sees how the executions ended
    // while the function still exists.
    let mut slow_delete = FaultSpec::times("DeleteFunction", FaultKind::Latency, 1);
    slow_delete.latency_ms = Some(500);
    acc.emu().inject_fault(slow_delete);
    acc.emu().reset_calls();
    let mut drained = false;
    let mut last_seen: BTreeMap<String, String> = BTreeMap::new();
    let diags = watching(
        &acc,
        |st| {
            if let Some(f) = function_in(st, &name) {
                drained |= f["latest"]["state"] == "Deleting";
                for arn in [&first, &second] {
                    if let Some(s) = st["durable_executions"][arn.as_str()]["status"].as_str() {
                        last_seen.insert(arn.clone(), s.to_string());
                    }
                }
            }
        },
        || acc.destroy_diagnostics(),
    );
    let took = seeded.elapsed();

    Expect::error()
        .summary(&format!("{label}: 2 durable executions are active"))
        .detail(&[
            "(1 RUNNING, 1 PAUSED)",
            "the apply will wait, up to the delete timeout (30s), until they have all ended",
        ])
        .find_in(&diags.warnings(), "the destroy's plan");
    assert!(
        took >= Duration::from_millis(3500),
        "the destroy ended {took:?} after seeding, before the executions did"
    );
    assert!(
        !drained,
        "DeleteFunction was sent while executions were active: the function drained"
    );
    assert!(
        acc.emulated_function(&name).is_none(),
        "the function is left"
    );
    // They ended by themselves, as they would have without Terraform.
    assert_eq!(last_seen.get(&first).map(String::as_str), Some("SUCCEEDED"));
    assert_eq!(last_seen.get(&second).map(String::as_str), Some("FAILED"));
    assert_eq!(calls(&acc, "StopDurableExecution").0, 0, "wait never stops");
    assert!(
        calls(&acc, "ListDurableExecutionsByFunction").0 >= 3,
        "the plan's listing, then the destroy's listing and polls: {:?}",
        acc.emu().calls()
    );
    assert_eq!(calls(&acc, "DeleteFunction").0, 1);
    assert!(acc.state().addresses().is_empty());
}

#[test]
fn wait_gives_up_at_the_delete_timeout_saying_what_is_left() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let name = acc.name("waitout");
    let body =
        "  running_executions_on_destroy = \"wait\"\n  timeouts {\n    delete = \"3s\"\n  }\n";
    acc.zip(ZIP, "v1");
    acc.write(&acc.function_config(&name, ZIP, body, ""));
    acc.apply();
    let running = seed(&acc, &name, "nightly-report", "RUNNING");
    let paused = acc
        .seed_execution(
            SeedExecution::new(&name, "PAUSED")
                .name("approval-42")
                .finishes_after(600_000, "SUCCEEDED"),
        )
        .durable_execution_arn;
    let label = label(&name);

    acc.emu().reset_calls();
    let started = Instant::now();
    let errors = acc.destroy_failing().errors();
    let took = started.elapsed();

    Expect::error()
        .summary(&format!(
            "Error destroying {label}: 2 durable executions are still active"
        ))
        .detail(&[
            "The delete timeout of 3s ran out while waiting for the active durable \
             executions to end. Nothing was deleted.",
            "Still active: 2 (1 RUNNING, 1 PAUSED)",
            "  - nightly-report (RUNNING since ",
            "  - approval-42 (PAUSED since ",
            &running,
            &paused,
            "raise the delete timeout",
            "running_executions_on_destroy = \"stop\"",
        ])
        .find_in(&errors, "destroy");
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(30),
        "the destroy took {took:?} with a delete timeout of 3s"
    );
    assert_eq!(function_state(&acc, &name).as_deref(), Some("Active"));
    assert_eq!(calls(&acc, "DeleteFunction").0, 0);
    assert_eq!(calls(&acc, "StopDurableExecution").0, 0);
    assert_eq!(status(&acc, &running), "RUNNING");
    assert_eq!(status(&acc, &paused), "PAUSED");
    assert_eq!(acc.state().addresses(), vec![ADDRESS.to_string()]);
}

/// The processes whose parent is `parent` (Terraform's provider processes).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid …`; comm may hold spaces, so read after its ')'.
            let ppid: u32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

/// The terraform process running in `dir` (not its providers), if any.
fn terraform_in(dir: &std::path::Path) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            let cwd = std::fs::read_link(entry.path().join("cwd")).ok()?;
            (comm.trim() == "terraform" && cwd == dir).then_some(pid)
        })
}

#[test]
fn interrupting_a_waiting_destroy_deletes_nothing() {
    if !std::path::Path::new("/proc/self/cwd").exists() {
        eprintln!("no /proc: skipping");
        return;
    }
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let name = acc.name("interrupt");
    create(&acc, &name, "  running_executions_on_destroy = \"wait\"\n");
    let running = seed(&acc, &name, "long-haul", "RUNNING");
    let label = label(&name);
    let dir = acc.dir().canonicalize().unwrap_or_else(|e| panic!("{e}"));

    acc.emu().reset_calls();
    let mut interrupted = None;
    let started = Instant::now();
    let errors = watching(
        &acc,
        |_| {
            // Once the destroy waits (the plan's listing and the destroy's own are done),
            // press Ctrl-C as a terminal does: to the provider and to Terraform, the
            // provider first (the provider used to start shutting down on its own, refuse
            // Terraform's StopProvider, and wait on until the timeout).
            if interrupted.is_none()
                && acc.emu().call_count("ListDurableExecutionsByFunction") >= 2
                && let Some(pid) = terraform_in(&dir)
            {
                std::thread::sleep(Duration::from_millis(500));
                let interrupt = |pids: &[String]| {
                    std::process::Command::new("kill")
                        .arg("-INT")
                        .args(pids)
                        .status()
                        .is_ok_and(|s| s.success())
                };
                let providers: Vec<String> = children_of(pid).iter().map(u32::to_string).collect();
                let providers_done = !providers.is_empty() && interrupt(&providers);
                // The provider's own handler has run by the time Terraform forwards it.
                std::thread::sleep(Duration::from_millis(300));
                interrupted = Some(providers_done && interrupt(&[pid.to_string()]));
            }
        },
        || acc.destroy_failing().errors(),
    );
    let took = started.elapsed();
    assert_eq!(interrupted, Some(true), "terraform was not interrupted");
    Expect::error()
        .summary(&format!(
            "Error destroying {label}: 1 durable execution is still active"
        ))
        .detail(&[
            "Terraform asked the provider to stop (interrupt) while waiting for the active \
             durable executions to end. Nothing was deleted.",
            "  - long-haul (RUNNING since ",
            &running,
            "Destroy again when you are ready.",
        ])
        .find_in(&errors, "interrupted destroy");
    assert!(
        took < Duration::from_secs(20),
        "the interrupted destroy took {took:?} (delete timeout 30s)"
    );
    assert_eq!(function_state(&acc, &name).as_deref(), Some("Active"));
    assert_eq!(calls(&acc, "DeleteFunction").0, 0);
    assert_eq!(status(&acc, &running), "RUNNING");
    assert_eq!(acc.state().addresses(), vec![ADDRESS.to_string()]);
}

#[test]
fn stop_stops_every_active_execution_then_deletes() {
    // PAUSING stays PAUSING for the whole test.
    let opts = EmulatorOptions {
        execution_pause_delay: Duration::from_secs(600),
        ..EmulatorOptions::default()
    };
    let Some(acc) = emulated(opts) else { return };
    let name = acc.name("stop");
    create(&acc, &name, "");
    let mut active = vec![
        seed(&acc, &name, "checkout-1", "RUNNING"),
        seed(&acc, &name, "checkout-2", "PAUSED"),
        seed(&acc, &name, "checkout-3", "PAUSING"),
    ];
    // More than a message lists and than are stopped at once.
    for i in 0..5 {
        active.push(seed(&acc, &name, &format!("batch-{i}"), "RUNNING"));
    }
    let ended = seed(&acc, &name, "checkout-0", "SUCCEEDED");
    let label = label(&name);

    // As the refusal advises: set "stop" and apply first. Only the state changes.
    acc.write(&config(
        &acc,
        &name,
        "  running_executions_on_destroy = \"stop\"\n",
    ));
    let plan = acc.plan();
    assert_eq!(plan.actions_for(ADDRESS), vec!["update".to_string()]);
    let change = &plan.resource_changes()[0]["change"];
    for attr in [
        "architectures",
        "memory_size",
        "timeout",
        "code_sha256",
        "source_code_size",
        "version",
    ] {
        assert!(
            !has_unknown(&change["after_unknown"][attr])
                && change["after"][attr] == change["before"][attr],
            "changing the policy plans a change of {attr}: {change:#}"
        );
    }
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(
        acc.resource(ADDRESS)["running_executions_on_destroy"],
        "stop"
    );
    for op in [
        "CreateFunction",
        "UpdateFunctionConfiguration",
        "UpdateFunctionCode",
        "DeleteFunction",
        "StopDurableExecution",
        "TagResource",
    ] {
        assert_eq!(calls(&acc, op).0, 0, "{op} while changing the policy");
    }
    assert_eq!(status(&acc, &active[0]), "RUNNING");

    // DeleteFunction is answered late, so the watcher sees what the stops left behind
    // while the function still exists.
    let mut slow_delete = FaultSpec::times("DeleteFunction", FaultKind::Latency, 1);
    slow_delete.latency_ms = Some(800);
    acc.emu().inject_fault(slow_delete);
    // Stops are retried like every call.
    acc.emu().inject_fault(FaultSpec::times(
        "StopDurableExecution",
        FaultKind::Throttle,
        1,
    ));
    acc.emu().inject_fault(FaultSpec::times(
        "StopDurableExecution",
        FaultKind::ServerError,
        1,
    ));
    acc.emu().reset_calls();
    let mut drained = false;
    let mut last_seen: BTreeMap<String, Value> = BTreeMap::new();
    let diags = watching(
        &acc,
        |st| {
            if let Some(f) = function_in(st, &name) {
                drained |= f["latest"]["state"] == "Deleting";
                for arn in active.iter().chain([&ended]) {
                    let e = &st["durable_executions"][arn.as_str()];
                    if !e.is_null() {
                        last_seen.insert(arn.clone(), e.clone());
                    }
                }
            }
        },
        || acc.destroy_diagnostics(),
    );

    Expect::error()
        .summary(&format!("{label}: 8 durable executions are active"))
        .detail(&[
            "(6 RUNNING, 1 PAUSING, 1 PAUSED)",
            "  - and 3 more",
            "the apply will stop them with StopDurableExecution",
            "up to the delete timeout (30s)",
        ])
        .find_in(&diags.warnings(), "the destroy's plan");
    // The apply names what it stopped: a plan may not have shown it (`-replace`, or a
    // saved plan applied after the executions started).
    Expect::error()
        .summary(&format!(
            "{label}: stopped 8 durable executions before deleting"
        ))
        .detail(&[
            "(6 RUNNING, 1 PAUSING, 1 PAUSED)",
            "do not resume",
            &active[0],
        ])
        .find_in(&diags.warnings(), "the destroy's apply");
    let reason = format!(
        "Stopped by Terraform: {label} is being destroyed with \
         running_executions_on_destroy = \"stop\"."
    );
    for arn in &active {
        let e = last_seen.get(arn).cloned().unwrap_or(Value::Null);
        assert_eq!(e["status"], "STOPPED", "{arn}: {e:#}");
        assert_eq!(e["error"]["ErrorType"], "TerraformDestroy", "{e:#}");
        assert_eq!(e["error"]["ErrorMessage"], reason.as_str(), "{e:#}");
    }
    let untouched = last_seen.get(&ended).cloned().unwrap_or(Value::Null);
    assert_eq!(untouched["status"], "SUCCEEDED", "{untouched:#}");
    assert!(untouched["error"].is_null(), "{untouched:#}");
    assert!(!drained, "deleted before the executions were stopped");
    assert_eq!(
        calls(&acc, "StopDurableExecution"),
        (10, 2),
        "one stop each, and the two faulted ones again"
    );
    assert_eq!(calls(&acc, "DeleteFunction"), (1, 1));
    assert!(
        acc.emulated_function(&name).is_none(),
        "the function is left"
    );
    assert!(acc.state().addresses().is_empty());
}

#[test]
fn replace_is_refused_under_fail_whatever_the_new_configuration_says() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let old = acc.name("old");
    let new = acc.name("new");
    create(&acc, &old, "");
    let arn = acc.resource(ADDRESS)["arn"].clone();
    let running = seed(&acc, &old, "sub-1", "RUNNING");
    let paused = seed(&acc, &old, "sub-2", "PAUSED");
    let label = label(&old);

    acc.write(&config(&acc, &new, ""));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()]
    );
    assert!(
        plan.replace_paths(ADDRESS)
            .iter()
            .any(|p| p[0] == "function_name"),
        "{:?}",
        plan.replace_paths(ADDRESS)
    );
    let warning = Expect::error()
        .summary(&format!("{label}: 2 durable executions are active"))
        .detail(&[
            &format!(
                "This plan replaces (destroys the current object of) {label} while 2 durable \
                 executions are active (1 RUNNING, 1 PAUSED)"
            ),
            "  - sub-1 (RUNNING since ",
            "  - sub-2 (PAUSED since ",
            "will refuse to destroy it",
        ]);
    warning.find_in(&acc.plan_diagnostics().warnings(), "plan");

    acc.emu().reset_calls();
    let refusal = Expect::error()
        .summary(&format!(
            "Cannot destroy {label}: 2 durable executions are active"
        ))
        .detail(&["nothing was deleted", &running, &paused]);
    refusal.find_in(&acc.apply_failing().errors(), "apply");
    assert_eq!(acc.emulated_function_names(), vec![old.clone()]);
    assert_eq!(function_state(&acc, &old).as_deref(), Some("Active"));
    for op in ["DeleteFunction", "CreateFunction", "StopDurableExecution"] {
        assert_eq!(calls(&acc, op).0, 0, "{op}");
    }
    let r = acc.resource(ADDRESS);
    assert_eq!(r["arn"], arn);
    assert_eq!(r["function_name"], old.as_str());

    // Asking for "stop" in the same change does not help: the replacement destroys the
    // stored object, with the stored policy, and the plan says so.
    acc.write(&config(
        &acc,
        &new,
        "  running_executions_on_destroy = \"stop\"\n",
    ));
    warning.find_in(&acc.plan_diagnostics().warnings(), "plan with \"stop\"");
    refusal.find_in(&acc.apply_failing().errors(), "apply with \"stop\"");
    assert_eq!(acc.emulated_function_names(), vec![old.clone()]);
    assert_eq!(calls(&acc, "StopDurableExecution").0, 0);
    assert_eq!(status(&acc, &running), "RUNNING");
    assert_eq!(status(&acc, &paused), "PAUSED");
    assert_eq!(acc.resource(ADDRESS)["arn"], arn);
}

#[test]
fn replace_under_stop_stops_the_executions_and_creates_the_new_function() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let old = acc.name("old");
    let new = acc.name("new");
    let stop = "  running_executions_on_destroy = \"stop\"\n";
    create(&acc, &old, stop);
    seed(&acc, &old, "sub-1", "RUNNING");
    seed(&acc, &old, "sub-2", "PAUSED");
    let label = label(&old);

    acc.write(&config(&acc, &new, stop));
    Expect::error()
        .summary(&format!("{label}: 2 durable executions are active"))
        .detail(&[
            "This plan replaces (destroys the current object of)",
            "the apply will stop them with StopDurableExecution",
        ])
        .find_in(&acc.plan_diagnostics().warnings(), "plan");

    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(acc.emulated_function_names(), vec![new.clone()]);
    assert_eq!(function_state(&acc, &new).as_deref(), Some("Active"));
    assert_eq!(calls(&acc, "StopDurableExecution").0, 2);
    assert_eq!(calls(&acc, "DeleteFunction").0, 1);
    assert_eq!(calls(&acc, "CreateFunction").0, 1);
    let r = acc.resource(ADDRESS);
    assert_eq!(r["function_name"], new.as_str());
    assert!(
        r["arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":function:{new}"))),
        "{r:#}"
    );
    assert!(acc.plan().is_empty());
}

#[test]
fn create_before_destroy_keeps_the_refused_old_function_deposed_until_it_can_go() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let old = acc.name("cbd-old");
    let new = acc.name("cbd-new");
    let cbd = "  lifecycle {\n    create_before_destroy = true\n  }\n";
    create(&acc, &old, cbd);
    let old_arn = acc.resource(ADDRESS)["arn"].clone();
    let running = seed(&acc, &old, "sync-1", "RUNNING");
    let label = label(&old);

    acc.write(&config(&acc, &new, cbd));
    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["create".to_string(), "delete".to_string()]
    );
    acc.emu().reset_calls();
    Expect::error()
        .summary(&format!(
            "Cannot destroy {label}: 1 durable execution is active"
        ))
        .detail(&[&running])
        .find_in(&acc.apply_failing().errors(), "apply");
    // The new function exists and is the resource now; the old one is kept in the
    // state (deposed), not forgotten.
    let mut names = vec![new.clone(), old.clone()];
    names.sort();
    assert_eq!(acc.emulated_function_names(), names);
    assert_eq!(calls(&acc, "DeleteFunction").0, 0);
    let state = acc.state();
    let r = state
        .resource(ADDRESS)
        .unwrap_or_else(|| panic!("{:#}", state.json()));
    assert_eq!(r["function_name"], new.as_str());
    let deposed: Vec<Value> = state.json()["values"]["root_module"]["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["address"] == ADDRESS && r["deposed_key"].is_string())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(deposed.len(), 1, "{:#}", state.json());
    assert_eq!(deposed[0]["values"]["arn"], old_arn);

    // Stopped outside Terraform (as the refusal suggests), the old function goes with
    // the next apply.
    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        if let Err(e) = sdk
            .client()
            .stop_durable_execution()
            .durable_execution_arn(&running)
            .send()
            .await
        {
            panic!("stopping {running}: {e:?}");
        }
    });
    acc.apply();
    assert_eq!(acc.emulated_function_names(), vec![new.clone()]);
    assert_eq!(acc.state().addresses(), vec![ADDRESS.to_string()]);
    assert!(acc.plan().is_empty());
}

#[test]
fn throttling_server_errors_and_conflicts_still_converge() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let emu = acc.emu();
    // By count: each fires on the next calls of its operation, in this order.
    let counted: [(&str, FaultKind, u64); 14] = [
        ("CreateFunction", FaultKind::Throttle, 1),
        ("CreateFunction", FaultKind::ServerError, 1),
        ("CreateFunction", FaultKind::Conflict, 1),
        ("GetFunction", FaultKind::ServerError, 1),
        ("GetFunction", FaultKind::Throttle, 1),
        ("GetFunction", FaultKind::Conflict, 1),
        ("UpdateFunctionConfiguration", FaultKind::Conflict, 1),
        ("UpdateFunctionConfiguration", FaultKind::Throttle, 1),
        ("UpdateFunctionCode", FaultKind::ServerError, 1),
        ("UpdateFunctionCode", FaultKind::Conflict, 1),
        ("DeleteFunction", FaultKind::ServerError, 1),
        ("DeleteFunction", FaultKind::Conflict, 1),
        ("DeleteFunction", FaultKind::Throttle, 1),
        ("ListDurableExecutionsByFunction", FaultKind::ServerError, 1),
    ];
    for (op, kind, n) in counted {
        emu.inject_fault(FaultSpec::times(op, kind, n));
    }
    // By probability, on any call of these operations (after the counted ones).
    for (op, kind) in [
        ("CreateFunction", FaultKind::ServerError),
        ("GetFunction", FaultKind::ServerError),
        ("UpdateFunctionConfiguration", FaultKind::Conflict),
        ("UpdateFunctionCode", FaultKind::ServerError),
        ("DeleteFunction", FaultKind::Conflict),
    ] {
        emu.inject_fault(FaultSpec::rate(op, kind, 0.2));
    }

    let name = acc.name("faults");
    create(&acc, &name, "");
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    assert_eq!(acc.emulated_function_names(), vec![name.clone()]);

    // Configuration and code both change: two update calls.
    acc.zip(ZIP, "v2");
    acc.write(&config(
        &acc,
        &name,
        "  description = \"after the faults\"\n  memory_size = 256\n",
    ));
    assert_eq!(acc.plan().actions_for(ADDRESS), vec!["update".to_string()]);
    acc.apply();
    let f = acc
        .emulated_function(&name)
        .unwrap_or_else(|| panic!("{name} is not in the emulator"));
    assert_eq!(f["latest"]["config"]["Description"], "after the faults");
    assert_eq!(f["latest"]["config"]["MemorySize"], 256);
    let r = acc.resource(ADDRESS);
    assert_eq!(f["latest"]["code_sha256"], r["code_sha256"], "{r:#}");
    assert_eq!(acc.emulated_function_names(), vec![name.clone()]);
    assert!(acc.plan().is_empty());

    acc.destroy();
    assert!(
        acc.emulated_function_names().is_empty(),
        "{:?}",
        acc.emulated_function_names()
    );
    assert!(acc.state().addresses().is_empty());

    // Every counted fault was hit, and each faulted operation was retried until it went
    // through.
    let all = emu.calls();
    for rule in emu.faults() {
        if rule.spec.count.is_some() {
            assert_eq!(rule.remaining, Some(0), "not all hit: {rule:?}; {all:?}");
        }
    }
    let mut expected: BTreeMap<&str, u64> = BTreeMap::new();
    for (op, _, n) in counted {
        *expected.entry(op).or_default() += n;
    }
    for (op, n) in expected {
        let (made, faulted) = calls(&acc, op);
        assert!(
            faulted >= n && made > faulted,
            "{op}: {faulted} of {made} calls faulted, {n} expected at least: {all:?}"
        );
    }
    assert_eq!(
        calls(&acc, "UpdateFunctionConfiguration").0 - calls(&acc, "UpdateFunctionConfiguration").1,
        1,
        "one configuration update went through: {all:?}"
    );
    assert_eq!(
        calls(&acc, "UpdateFunctionCode").0 - calls(&acc, "UpdateFunctionCode").1,
        1,
        "one code update went through: {all:?}"
    );
}

/// A create that runs out of time (the function is still Pending) is kept tainted, and
/// the error says how to keep it instead of replacing it: `terraform untaint`, which
/// works once the function is ready (the next plan is empty), or a longer timeout.
#[test]
fn a_create_that_times_out_says_untaint_keeps_the_function() {
    let opts = EmulatorOptions {
        function_delay: Duration::from_secs(4),
        ..EmulatorOptions::default()
    };
    let Some(acc) = emulated(opts) else { return };
    let name = acc.name("slow");
    acc.zip(ZIP, "v1");
    acc.write(&acc.function_config(
        &name,
        ZIP,
        "  timeouts {\n    create = \"1s\"\n    delete = \"30s\"\n  }\n",
        "",
    ));
    let errors = acc.apply_failing().errors();
    Expect::error()
        .summary(&format!("Error creating {}", label(&name)))
        .detail(&[
            "kept in the Terraform state as tainted",
            "terraform untaint ADDRESS",
            "`timeouts` block",
        ])
        .find_in(&errors, "apply");
    assert!(acc.state().resource_tainted(ADDRESS));

    let deadline = Instant::now() + Duration::from_secs(30);
    while function_state(&acc, &name).as_deref() != Some("Active") {
        assert!(
            Instant::now() < deadline,
            "the function never became Active"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    acc.succeed(&["untaint", ADDRESS]);
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "the untainted function is kept as it is: {:#}",
        plan.json()["resource_changes"]
    );
    acc.emu().reset_calls();
    acc.apply();
    assert_eq!(calls(&acc, "CreateFunction").0, 0, "kept, not replaced");
    assert_eq!(calls(&acc, "DeleteFunction").0, 0, "kept, not replaced");
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    acc.destroy();
}

/// A destroy whose wait fails after AWS accepted DeleteFunction (its reads throttled,
/// no retries) says the function is going anyway and that the state catches up, which
/// the next destroy shows: nothing left to delete, nothing left in the state.
#[test]
fn a_destroy_that_fails_after_the_delete_says_the_function_is_going() {
    let Some(acc) = emulated(EmulatorOptions::default()) else {
        return;
    };
    let name = acc.name("going");
    acc.zip(ZIP, "v1");
    acc.write(&config(&acc, &name, "").replace(
        "provider \"lambda\" {}",
        "provider \"lambda\" {\n  max_retries = 0\n}",
    ));
    acc.apply();
    // Without a refresh, the destroy's only reads of the function are its wait.
    acc.emu()
        .inject_fault(FaultSpec::times("GetFunction", FaultKind::Throttle, 1000));
    let out = acc.fail(&[
        "destroy",
        "-auto-approve",
        "-refresh=false",
        "-json",
        "-input=false",
        "-no-color",
    ]);
    let errors = Diagnostics::from_json_lines(&out.stdout).errors();
    Expect::error()
        .summary(&format!("Error deleting {}", label(&name)))
        .detail(&[
            "AWS had accepted the delete",
            "until a refresh finds it gone",
        ])
        .find_in(&errors, "destroy");
    assert!(acc.emulated_function(&name).is_none(), "AWS deleted it");

    acc.emu().clear_faults();
    acc.destroy();
    assert!(acc.state().addresses().is_empty());
}

#[test]
fn a_function_that_fails_while_created_is_kept_tainted_and_replaced() {
    // Pending long enough for the watcher to fail it.
    let opts = EmulatorOptions {
        function_delay: Duration::from_secs(2),
        ..EmulatorOptions::default()
    };
    let Some(acc) = emulated(opts) else { return };
    let name = acc.name("failed");
    acc.zip(ZIP, "v1");
    acc.write(&config(&acc, &name, ""));
    let reason = "Lambda could not create a network interface: subnet \
                  subnet-0de1a0f000000000a has no free IP addresses.";

    let mut failed = false;
    let diags = watching(
        &acc,
        |st| {
            if !failed && function_in(st, &name).is_some() {
                let r = acc.emu().fail_function(FailFunction::new(
                    &name,
                    "SubnetOutOfIPAddresses",
                    reason,
                ));
                failed = r.is_ok();
            }
        },
        || acc.apply_failing(),
    );
    assert!(failed, "the function was never failed");
    let errors = diags.errors();
    Expect::error()
        .summary(&format!("Error creating {}", label(&name)))
        .detail(&[
            "reached state Failed",
            "SubnetOutOfIPAddresses",
            reason,
            "kept in the Terraform state as tainted: the next apply replaces it",
        ])
        .find_in(&errors, "apply");

    let state = acc.state();
    assert!(state.resource_tainted(ADDRESS), "{:#}", state.json());
    let r = acc.resource(ADDRESS);
    assert_eq!(r["function_name"], name.as_str());
    assert_eq!(r["state"], "Failed");
    assert!(
        r["arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":function:{name}"))),
        "the tainted function's ARN: {r:#}"
    );
    assert_eq!(acc.emulated_function_names(), vec![name.clone()]);

    let plan = acc.plan();
    assert_eq!(
        plan.actions_for(ADDRESS),
        vec!["delete".to_string(), "create".to_string()]
    );
    acc.emu().reset_calls();
    acc.apply();
    let state = acc.state();
    assert!(!state.resource_tainted(ADDRESS));
    assert_eq!(acc.resource(ADDRESS)["state"], "Active");
    assert_eq!(acc.emulated_function_names(), vec![name.clone()]);
    assert_eq!(function_state(&acc, &name).as_deref(), Some("Active"));
    assert_eq!(calls(&acc, "DeleteFunction").0, 1);
    assert_eq!(calls(&acc, "CreateFunction").0, 1);
    assert!(acc.plan().is_empty());
    acc.destroy();
    assert!(acc.emulated_function_names().is_empty());
}
