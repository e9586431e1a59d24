//! Interrupted applies: Terraform, or the provider, killed with SIGKILL while a create of
//! the quickstart waits for AWS (the capacity provider to become Active, the durable
//! function to become ready, the published version to become Active). AWS then has an
//! object Terraform's state does not. The next `terraform apply` must converge, and
//! leave the emulator holding exactly what the state holds:
//!
//! - the capacity provider and the function are adopted, with a warning saying so,
//!   because the working directory's journal of creates in progress shows this
//!   configuration started creating them;
//! - the version converges because AWS's PublishVersion returns the version already
//!   published when nothing changed (no second version).
//!
//! Without the journal (a rerun in a fresh checkout), the apply must fail naming the
//! object with the exact `terraform import` command, and that command must work.
//!
//! An update of a function with `publish = true` killed before its publish finished must
//! be published by the next apply (the refresh reads the new configuration, so only the
//! published version shows that the update never reached it).
//!
//! The emulator's transitions take [`TRANSITION`], the window in which a create waits;
//! the test kills as soon as the emulator has seen the create call.

mod support;

use std::fs::File;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use acceptance_tests::EmulatorOptions;
use support::{Acc, Diagnostics, setup};

/// How long each emulated transition (Pending → Active, …) takes.
const TRANSITION: Duration = Duration::from_millis(2000);

/// The provider binary's process name as the kernel keeps it (15 characters).
const PROVIDER_COMM: &str = "terraform-provi";

/// The quickstart's resources.
const CAPACITY_PROVIDER: &str = "lambda_capacity_provider.web";
const FUNCTION: &str = "lambda_durable_function.orders";
const VERSION: &str = "lambda_function_version.live";

/// Which process is killed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Victim {
    Terraform,
    Provider,
}

/// A running `terraform apply`, its output going to a file of the working directory.
struct RunningApply {
    child: Child,
    log: std::path::PathBuf,
}

fn start_apply(acc: &Acc) -> RunningApply {
    let log = acc.dir().join("interrupted-apply.log");
    let out = File::create(&log).unwrap_or_else(|e| panic!("creating {}: {e}", log.display()));
    let err = out
        .try_clone()
        .unwrap_or_else(|e| panic!("sharing {}: {e}", log.display()));
    let mut cmd = acc
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .unwrap_or_else(|e| panic!("terraform: {e}"));
    cmd.stdout(out).stderr(err);
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting terraform apply: {e}"));
    RunningApply { child, log }
}

impl RunningApply {
    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the emulator has seen `operation`; fails if terraform ends first.
    fn wait_for_call(&mut self, acc: &Acc, operation: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while acc.emu().call_count(operation) == 0 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "terraform ended ({status}) before calling {operation}:\n{}",
                    self.output()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {operation} call within 2 minutes:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills `victim` with SIGKILL and waits until terraform and its providers are gone.
    fn kill(mut self, victim: Victim) -> ExitStatus {
        let terraform = self.child.id();
        let providers = children_named(terraform, PROVIDER_COMM);
        assert!(
            !providers.is_empty(),
            "terraform runs no provider process:\n{}",
            self.output()
        );
        match victim {
            Victim::Terraform => {
                if let Err(e) = self.child.kill() {
                    panic!("killing terraform: {e}");
                }
            }
            Victim::Provider => {
                for pid in &providers {
                    sigkill(*pid);
                }
            }
        }
        let status = self
            .child
            .wait()
            .unwrap_or_else(|e| panic!("waiting for terraform: {e}"));
        // A provider whose Terraform was killed exits by itself within seconds.
        let deadline = Instant::now() + Duration::from_secs(15);
        while providers.iter().any(|p| is_running(*p)) {
            assert!(
                Instant::now() < deadline,
                "the provider processes {providers:?} still run 15 s after terraform was killed"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        status
    }
}

/// `(pid, parent pid, name)` of a process, from `/proc/PID/stat`.
fn stat(pid: u32) -> Option<(u32, String)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text[open + 1..close].to_string();
    let mut rest = text[close + 1..].split_whitespace();
    let state = rest.next()?;
    if state == "Z" {
        return None; // exited, not yet reaped
    }
    let ppid = rest.next()?.parse().ok()?;
    Some((ppid, comm))
}

fn is_running(pid: u32) -> bool {
    stat(pid).is_some()
}

/// The child processes of `parent` whose name starts with `name`.
fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            stat(*pid).is_some_and(|(ppid, comm)| ppid == parent && comm.starts_with(name))
        })
        .collect()
}

fn sigkill(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap_or_else(|e| panic!("running kill: {e}"));
    assert!(status.success(), "kill -9 {pid} failed");
}

/// The quickstart in a fresh working directory, with slow transitions.
fn quickstart() -> Option<Acc> {
    let acc = setup(EmulatorOptions::with_delays(TRANSITION), true)?;
    acc.use_example("quickstart");
    Some(acc)
}

/// `terraform apply -json`, which must succeed: its diagnostics.
fn apply_json(acc: &Acc) -> Diagnostics {
    let out = acc.succeed(&[
        "apply",
        "-auto-approve",
        "-json",
        "-input=false",
        "-no-color",
    ]);
    Diagnostics::from_json_lines(&out.stdout)
}

/// The apply after an interruption converged: the emulator holds what the state holds,
/// one of each object, and the next plan is empty.
fn assert_converged(acc: &Acc, when: &str) {
    let held = acc.assert_aws_matches_state(when);
    assert_eq!(
        (
            held.capacity_providers.len(),
            held.functions.len(),
            held.versions.len()
        ),
        (1, 1, 1),
        "{when}: {held:?}"
    );
    assert_eq!(
        acc.resource(VERSION)["version"],
        "1",
        "{when}: the first version, never a second one (numbers are not reused)"
    );
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "{when}: the next plan must be empty: {:#}",
        plan.json()["resource_changes"]
    );
}

/// AWS's tags of `arn` are the `tags_all` the state holds for `address`.
fn assert_tags_as_in_state(acc: &Acc, arn: &str, address: &str) {
    let sdk = acc.lambda_sdk();
    let remote = match sdk.block_on(sdk.client().list_tags().resource(arn).send()) {
        Ok(out) => out.tags.unwrap_or_default(),
        Err(e) => panic!("listing the tags of {arn}: {e:?}"),
    };
    let state = acc.resource(address);
    let in_state: std::collections::HashMap<String, String> =
        serde_json::from_value(state["tags_all"].clone()).unwrap_or_default();
    assert_eq!(remote, in_state, "AWS's tags are the state's: {state:#}");
}

/// Kills `victim` while the create called by `operation` waits, applies again and checks
/// the outcome: converged, with an adoption warning for `adopted` (if any).
fn interrupt_and_apply_again(victim: Victim, operation: &str, adopted: Option<&str>) {
    let Some(acc) = quickstart() else {
        return;
    };
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, operation);
    let log = apply.log.clone();
    let status = apply.kill(victim);
    assert!(
        !status.success(),
        "the interrupted apply must not succeed: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let diags = apply_json(&acc);
    let adoptions: Vec<serde_json::Value> = diags
        .warnings()
        .all()
        .iter()
        .filter(|d| d["summary"].as_str().is_some_and(|s| s.contains("adopted")))
        .cloned()
        .collect();
    match adopted {
        Some(address) => {
            assert_eq!(
                adoptions.len(),
                1,
                "one adoption warning: {}",
                diags.describe()
            );
            assert_eq!(adoptions[0]["address"], address, "{}", diags.describe());
            assert!(
                adoptions[0]["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("interrupted") || d.contains("never finished")),
                "{}",
                diags.describe()
            );
        }
        None => assert!(adoptions.is_empty(), "{}", diags.describe()),
    }
    assert_converged(
        &acc,
        &format!("after {victim:?} was killed during {operation}"),
    );
}

#[test]
fn terraform_killed_while_the_capacity_provider_is_created() {
    interrupt_and_apply_again(
        Victim::Terraform,
        "CreateCapacityProvider",
        Some(CAPACITY_PROVIDER),
    );
}

/// The capacity provider an interrupted apply created is changed before the next apply
/// (a tag added, one changed): adopting it makes it what the plan says, so the apply
/// that reports it created leaves AWS as the state says and an empty plan.
#[test]
fn an_adopted_capacity_provider_changed_meanwhile_is_made_what_the_plan_says() {
    let Some(acc) = quickstart() else {
        return;
    };
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, "CreateCapacityProvider");
    let _ = apply.kill(Victim::Terraform);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let arn = loop {
        if let Some(arn) = acc
            .emulated("capacity_providers", "quickstart-web")
            .and_then(|cp| cp["arn"].as_str().map(str::to_string))
        {
            break arn;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the capacity provider was never created"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    acc.lambda_sdk()
        .tag(&arn, &[("team", "someone-else"), ("added-by-hand", "1")]);
    let diags = apply_json(&acc);
    assert!(
        diags.warnings().has_summary("adopted"),
        "{}",
        diags.describe()
    );
    assert_tags_as_in_state(&acc, &arn, CAPACITY_PROVIDER);
    assert_converged(&acc, "after adopting a capacity provider changed meanwhile");
}

#[test]
fn terraform_killed_while_the_function_is_created() {
    interrupt_and_apply_again(Victim::Terraform, "CreateFunction", Some(FUNCTION));
}

/// The function an interrupted apply created is changed before the next apply (its
/// memory, a tag): adopting it makes it what the plan says, so the apply that reports it
/// created leaves AWS as the state says and an empty plan.
#[test]
fn an_adopted_function_changed_meanwhile_is_made_what_the_plan_says() {
    let Some(acc) = quickstart() else {
        return;
    };
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, "CreateFunction");
    let _ = apply.kill(Victim::Terraform);
    let sdk = acc.lambda_sdk();
    let name = "quickstart-orders";
    // On a capacity provider a ready function is `ActiveNonInvocable`, not `Active`.
    let deadline = Instant::now() + Duration::from_secs(30);
    let arn = loop {
        let found = sdk.block_on(sdk.client().get_function().function_name(name).send());
        if let Ok(out) = found
            && let Some(c) = out.configuration
            && c.state
                .as_ref()
                .is_some_and(|s| *s != aws_sdk_lambda::types::State::Pending)
        {
            break c.function_arn.unwrap_or_default();
        }
        assert!(Instant::now() < deadline, "the function stayed Pending");
        std::thread::sleep(Duration::from_millis(100));
    };
    let changed = sdk.block_on(
        sdk.client()
            .update_function_configuration()
            .function_name(name)
            .memory_size(4096)
            .send(),
    );
    if let Err(e) = changed {
        panic!("changing {name}'s memory: {e:?}");
    }
    acc.lambda_sdk().tag(&arn, &[("added-by-hand", "1")]);
    let diags = apply_json(&acc);
    assert!(
        diags.warnings().has_summary("adopted"),
        "{}",
        diags.describe()
    );
    let found = match sdk.block_on(sdk.client().get_function().function_name(name).send()) {
        Ok(out) => out,
        Err(e) => panic!("reading {name}: {e:?}"),
    };
    let memory = found.configuration.and_then(|c| c.memory_size);
    assert_eq!(
        memory,
        Some(2048),
        "the configured memory, as the state says"
    );
    assert_tags_as_in_state(&acc, &arn, FUNCTION);
    assert_converged(&acc, "after adopting a function changed meanwhile");
}

#[test]
fn terraform_killed_while_the_version_is_published() {
    interrupt_and_apply_again(Victim::Terraform, "PublishVersion", None);
}

/// Terraform killed while the version is published, then the code changes: the next
/// apply publishes version 2, and AWS's version 1, which no state holds, is named in a
/// warning with how to delete or import it (it used to be left without a word).
#[test]
fn a_version_left_by_an_interrupted_publish_is_named_when_the_code_changed() {
    let Some(acc) = quickstart() else {
        return;
    };
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, "PublishVersion");
    let _ = apply.kill(Victim::Terraform);
    acc.zip("build/workflow.zip", "changed after the interrupted apply");
    let diags = apply_json(&acc);
    let name = "quickstart-orders";
    let left = diags
        .warnings()
        .all()
        .iter()
        .find(|d| {
            d["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("Versions of"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no warning about version 1: {}", diags.describe()));
    let detail = left["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("published version 2")
            && detail.contains(&format!("--function-name {name} --qualifier 1"))
            && detail.contains(&format!("{name}:1")),
        "{detail}"
    );
    assert_eq!(left["address"], VERSION, "{left:#}");
    assert_eq!(acc.resource(VERSION)["version"], "2");
}

/// Terraform killed while the function is created, then `terraform destroy`: the state
/// does not have the function, and the destroy used to say nothing of it (with nothing
/// else in the state, it ended "0 destroyed"). It now warns, naming it and what to do.
#[test]
fn a_destroy_after_an_interrupted_create_names_what_aws_holds() {
    let Some(acc) = quickstart() else {
        return;
    };
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, "CreateFunction");
    let _ = apply.kill(Victim::Terraform);
    // The destroy of the capacity provider fails: AWS refuses while the function uses it.
    let out = acc.fail(&["destroy", "-auto-approve", "-json", "-no-color"]);
    let diags = Diagnostics::from_json_lines(&out.stdout);
    let left = diags
        .warnings()
        .all()
        .iter()
        .find(|d| d["summary"] == "Objects an interrupted apply may have left")
        .cloned()
        .unwrap_or_else(|| panic!("no warning: {}", diags.describe()));
    let detail = left["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("lambda_durable_function \"quickstart-orders\"")
            && detail.contains("terraform import"),
        "{detail}"
    );
}

#[test]
fn provider_killed_while_the_capacity_provider_is_created() {
    interrupt_and_apply_again(
        Victim::Provider,
        "CreateCapacityProvider",
        Some(CAPACITY_PROVIDER),
    );
}

#[test]
fn provider_killed_while_the_function_is_created() {
    interrupt_and_apply_again(Victim::Provider, "CreateFunction", Some(FUNCTION));
}

#[test]
fn provider_killed_while_the_version_is_published() {
    interrupt_and_apply_again(Victim::Provider, "PublishVersion", None);
}

/// Without the journal (the rerun happens in a fresh checkout), the function is not
/// adopted: the apply fails naming it, with the exact import command, and running that
/// command (with the address of the diagnostic) makes the next apply converge.
#[test]
fn without_the_journal_the_error_gives_the_import_command_that_works() {
    let Some(acc) = quickstart() else {
        return;
    };
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, "CreateFunction");
    apply.kill(Victim::Terraform);
    let journal = acc.dir().join(".terraform/lambda-provider-creates");
    assert!(
        journal.is_dir(),
        "the interrupted create left its journal entry"
    );
    std::fs::remove_dir_all(&journal)
        .unwrap_or_else(|e| panic!("removing {}: {e}", journal.display()));

    let out = acc.fail(&[
        "apply",
        "-auto-approve",
        "-json",
        "-input=false",
        "-no-color",
    ]);
    let errors = Diagnostics::from_json_lines(&out.stdout).errors();
    let [error] = errors.all() else {
        panic!("one error: {}", errors.describe());
    };
    assert_eq!(
        error["summary"],
        "lambda_durable_function \"quickstart-orders\" already exists",
        "{}",
        errors.describe()
    );
    assert_eq!(error["address"], FUNCTION);
    let detail = error["detail"].as_str().unwrap_or_default();
    for needed in [
        "terraform import ADDRESS quickstart-orders\n",
        "to = ADDRESS",
        "id = \"quickstart-orders\"",
        "arn:aws:lambda:us-east-1:123456789012:function:quickstart-orders",
        "\"with\" line",
    ] {
        assert!(detail.contains(needed), "{needed:?} in:\n{detail}");
    }
    // The command exactly as printed, ADDRESS being the diagnostic's resource.
    let command = detail
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("terraform import "))
        .unwrap_or_else(|| panic!("no import command in:\n{detail}"));
    let args: Vec<String> = command
        .replace("ADDRESS", FUNCTION)
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    acc.succeed(&args);
    acc.apply();
    assert_converged(&acc, "after the import");
}

/// Kills Terraform while an update of a function with `publish = true` waits on
/// `operation`, then applies again: the refresh reads the new configuration, so without
/// a look at the published version the plan would be empty and the change would never
/// be published. The next apply must publish it (once: AWS answers a publish of
/// unchanged code and configuration with the version that holds it).
fn interrupt_an_update_that_publishes(operation: &str) {
    let Some(acc) = setup(EmulatorOptions::with_delays(TRANSITION), true) else {
        return;
    };
    let name = acc.name("republish");
    let zip = acc.zip("code.zip", "v1");
    let config = |memory: u32| {
        acc.function_config(
            &name,
            &zip.to_string_lossy(),
            &format!("  publish = true\n  memory_size = {memory}\n"),
            "",
        )
    };
    acc.write(&config(256));
    acc.apply();
    assert_eq!(acc.resource(FUNCTION_TEST)["version"], "1");

    acc.write(&config(512));
    acc.emu().reset_calls();
    let mut apply = start_apply(&acc);
    apply.wait_for_call(&acc, operation);
    let log = apply.log.clone();
    let status = apply.kill(Victim::Terraform);
    assert!(
        !status.success(),
        "the interrupted apply must not succeed: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let plan = acc.plan();
    assert!(
        !plan.is_empty(),
        "after {operation} was interrupted, the plan must publish memory_size = 512"
    );
    let diags = apply_json(&acc);
    assert!(
        diags.warnings().all().iter().any(|d| {
            d["summary"]
                .as_str()
                .is_some_and(|s| s.contains("published version is out of date"))
                && d["detail"]
                    .as_str()
                    .is_some_and(|t| t.contains("memory_size"))
        }),
        "a warning names what the published version lacks: {}",
        diags.describe()
    );
    let state = acc.resource(FUNCTION_TEST);
    assert_eq!(state["version"], "2", "{state:#}");
    let versions = acc
        .emulated("functions", &name)
        .map(|f| f["versions"].clone())
        .unwrap_or_default();
    let numbers: Vec<&String> = versions
        .as_object()
        .map(|v| v.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        numbers,
        ["1", "2"],
        "one new version, no duplicate: {versions:#}"
    );
    assert_eq!(versions["2"]["config"]["MemorySize"], 512, "{versions:#}");
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "converged: {:#}",
        plan.json()["resource_changes"]
    );
    acc.destroy();
}

/// The durable function of [`interrupt_an_update_that_publishes`].
const FUNCTION_TEST: &str = "lambda_durable_function.test";

#[test]
fn terraform_killed_while_an_update_waits_before_publishing() {
    interrupt_an_update_that_publishes("UpdateFunctionConfiguration");
}

#[test]
fn terraform_killed_while_an_update_publishes() {
    interrupt_an_update_that_publishes("PublishVersion");
}

/// With `max_retries = 0`, CreateFunction takes effect but its answer is lost: the error
/// says the function may exist and that the next apply takes it over, which it does.
#[test]
fn a_create_whose_answer_is_lost_says_the_next_apply_takes_it_over() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let name = acc.name("lost-answer");
    let zip = acc.zip("code.zip", "v1");
    let config = acc
        .function_config(&name, &zip.to_string_lossy(), "", "")
        .replace(
            "provider \"lambda\" {}",
            "provider \"lambda\" {\n  max_retries = 0\n}",
        );
    acc.write(&config);
    acc.emu().inject_fault(acceptance_tests::FaultSpec::times(
        "CreateFunction",
        acceptance_tests::FaultKind::DropResponse,
        1,
    ));
    let errors = acc.apply_errors();
    assert!(
        errors.all().iter().any(|d| d["detail"]
            .as_str()
            .is_some_and(|t| t.contains("AWS may have created the function although")
                && t.contains("the next apply from this working directory takes it over"))),
        "{}",
        errors.describe()
    );
    assert!(
        acc.emulated("functions", &name).is_some(),
        "the lost call took effect"
    );

    let diags = apply_json(&acc);
    assert!(
        diags
            .warnings()
            .all()
            .iter()
            .any(|d| d["summary"].as_str().is_some_and(|s| s.contains("adopted"))),
        "{}",
        diags.describe()
    );
    let held = acc.assert_aws_matches_state("after the lost answer");
    assert_eq!(held.functions.len(), 1, "{held:?}");
    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    acc.destroy();
}
