//! The emulator's mutable state: capacity providers, functions with their
//! versions and scaling configs, and durable executions. Serializable so it
//! can be dumped (`GET /_emulator/state`) and persisted (`--state-file`).
//!
//! State transitions (Pending → Active, InProgress → Successful, durable
//! executions pausing or finishing, ...) are stored as deadlines and applied
//! lazily by [`State::settle`], which every request calls first under the
//! state lock: reading at or after a deadline always observes the new state,
//! so tests are deterministic. Versions deleted while durable executions are
//! active wait for them to drain; their removal deadline is set, from the
//! end of the last execution, when none is left.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// All emulated Lambda resources, keyed by ARN.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// Capacity providers by ARN.
    #[serde(default)]
    pub capacity_providers: BTreeMap<String, CapacityProvider>,
    /// Functions by unqualified ARN.
    #[serde(default)]
    pub functions: BTreeMap<String, Function>,
    /// Durable executions by ARN.
    #[serde(default)]
    pub durable_executions: BTreeMap<String, DurableExecution>,
}

/// A Lambda capacity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapacityProvider {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Region.
    pub region: String,
    /// `Pending`, `Active`, `Failed` or `Deleting`.
    pub state: String,
    /// Why it failed (emulator-only: the API shape has no such member).
    #[serde(default)]
    pub state_reason: Option<String>,
    /// The configuration members, as in the API (`VpcConfig`, ...).
    pub config: Map<String, Value>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Last change, epoch ms.
    pub last_modified_ms: u64,
    /// When the current transition (Pending → Active, Deleting → gone)
    /// completes, epoch ms.
    #[serde(default)]
    pub transition_at_ms: Option<u64>,
}

/// A function, with `$LATEST` and its published versions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Function {
    /// Unqualified ARN.
    pub arn: String,
    /// Name.
    pub name: String,
    /// Region.
    pub region: String,
    /// `$LATEST`.
    pub latest: FunctionVersion,
    /// Published versions by number.
    #[serde(default)]
    pub versions: BTreeMap<u64, FunctionVersion>,
    /// Highest version number ever published (numbers are never reused).
    #[serde(default)]
    pub last_version: u64,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// One version of a function (`$LATEST` or a number).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionVersion {
    /// `$LATEST` or the version number.
    pub version: String,
    /// Configuration members as in the API (`Runtime`, `MemorySize`, ...).
    pub config: Map<String, Value>,
    /// Base64 SHA-256 of the deployment package.
    pub code_sha256: String,
    /// Deployment package size in bytes.
    pub code_size: u64,
    /// Where the code came from (`ZipFile`, S3 location or image URI).
    #[serde(default)]
    pub code_source: Map<String, Value>,
    /// Changes on every modification.
    pub revision_id: String,
    /// Last change, epoch ms.
    pub last_modified_ms: u64,
    /// `State`.
    pub state: String,
    /// `StateReason`.
    #[serde(default)]
    pub state_reason: Option<String>,
    /// `StateReasonCode`.
    #[serde(default)]
    pub state_reason_code: Option<String>,
    /// The state reached when the pending transition completes.
    pub target_state: String,
    /// When `state` becomes `target_state` (or the version disappears when
    /// `Deleting`), epoch ms.
    #[serde(default)]
    pub state_at_ms: Option<u64>,
    /// `LastUpdateStatus`.
    #[serde(default)]
    pub last_update_status: Option<String>,
    /// `LastUpdateStatusReason`.
    #[serde(default)]
    pub last_update_status_reason: Option<String>,
    /// `LastUpdateStatusReasonCode`.
    #[serde(default)]
    pub last_update_status_reason_code: Option<String>,
    /// When an in-progress update completes, epoch ms.
    #[serde(default)]
    pub update_at_ms: Option<u64>,
    /// Function scaling config (versions on capacity providers only).
    #[serde(default)]
    pub scaling: Option<ScalingState>,
    /// Set while the version is `Deleting` and waits for its durable
    /// executions to drain: once none is active, it disappears this many ms
    /// after the last one ended.
    #[serde(default)]
    pub drain_delay_ms: Option<u64>,
}

/// Requested and applied function scaling configs of a version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScalingState {
    /// Requested config not yet applied.
    #[serde(default)]
    pub requested: Option<Value>,
    /// Applied config.
    #[serde(default)]
    pub applied: Option<Value>,
    /// When `requested` becomes `applied`, epoch ms.
    #[serde(default)]
    pub apply_at_ms: Option<u64>,
}

/// A durable execution of a function version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DurableExecution {
    /// ARN (`…:function:NAME:VERSION/durable-execution/NAME/ID`).
    pub arn: String,
    /// Execution name.
    pub name: String,
    /// Execution ID.
    pub id: String,
    /// Unqualified function ARN.
    pub function_arn: String,
    /// Version the execution is pinned to.
    pub version: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `STOPPED`...
    pub status: String,
    /// Start, epoch ms.
    pub start_ms: u64,
    /// End, epoch ms.
    #[serde(default)]
    pub end_ms: Option<u64>,
    /// Input payload.
    #[serde(default)]
    pub input_payload: Option<String>,
    /// Result payload.
    #[serde(default)]
    pub result: Option<String>,
    /// Error object (`ErrorMessage`, `ErrorType`, ...).
    #[serde(default)]
    pub error: Option<Value>,
    /// When the execution ends by itself with `final_status`, epoch ms.
    #[serde(default)]
    pub finish_at_ms: Option<u64>,
    /// The status it ends with (`SUCCEEDED`, `FAILED`, `TIMED_OUT`).
    #[serde(default)]
    pub final_status: Option<String>,
    /// Time left before `finish_at_ms` when a pause froze it (restarted by
    /// a resume), ms.
    #[serde(default)]
    pub finish_remaining_ms: Option<u64>,
    /// When `PAUSING` becomes `PAUSED`, epoch ms.
    #[serde(default)]
    pub pause_at_ms: Option<u64>,
    /// The pause request, while `PAUSING` or `PAUSED`.
    #[serde(default)]
    pub pause: Option<PauseRequest>,
    /// Client token of the last PauseDurableExecution, so a retry succeeds.
    #[serde(default)]
    pub pause_token: Option<String>,
    /// Client token of the last ResumeDurableExecution, so a retry succeeds.
    #[serde(default)]
    pub resume_token: Option<String>,
}

/// What PauseDurableExecution asked for (`PauseDetails` in the API).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PauseRequest {
    /// When the pause was requested, epoch ms.
    pub requested_ms: u64,
    /// The reason given.
    #[serde(default)]
    pub reason: Option<String>,
    /// Whether the execution timeout is paused too.
    pub timeout_paused: bool,
}

/// Execution statuses in which an execution still runs (or can run again).
pub const ACTIVE_EXECUTION_STATUSES: [&str; 3] = ["RUNNING", "PAUSING", "PAUSED"];

impl DurableExecution {
    /// Whether the execution has not ended.
    pub fn is_active(&self) -> bool {
        ACTIVE_EXECUTION_STATUSES.contains(&self.status.as_str())
    }

    /// Applies due transitions: `PAUSING → PAUSED`, then the end at
    /// `finish_at_ms`.
    fn settle(&mut self, now: u64) {
        if self.status == "PAUSING"
            && let Some(at) = self.pause_at_ms
            && at <= now
        {
            self.status = "PAUSED".into();
            self.pause_at_ms = None;
        }
        if let Some(at) = self.finish_at_ms
            && at <= now
            && self.is_active()
        {
            self.status = self
                .final_status
                .clone()
                .unwrap_or_else(|| "SUCCEEDED".into());
            self.end_ms = Some(at);
            self.finish_at_ms = None;
            self.pause_at_ms = None;
        }
    }
}

impl FunctionVersion {
    /// The capacity provider ARN of this version, if it runs on one.
    pub fn capacity_provider_arn(&self) -> Option<&str> {
        self.config
            .get("CapacityProviderConfig")
            .and_then(|c| c.get("LambdaManagedInstancesCapacityProviderConfig"))
            .and_then(|c| c.get("CapacityProviderArn"))
            .and_then(Value::as_str)
    }

    /// Applies every transition whose deadline has passed. Returns `false`
    /// if the version has finished deleting and must be removed.
    fn settle(&mut self, now: u64) -> bool {
        if let Some(at) = self.state_at_ms
            && at <= now
        {
            if self.state == "Deleting" {
                return false;
            }
            self.state = self.target_state.clone();
            self.state_reason = None;
            self.state_reason_code = None;
            self.state_at_ms = None;
        }
        if let Some(at) = self.update_at_ms
            && at <= now
        {
            self.last_update_status = Some("Successful".into());
            self.last_update_status_reason = None;
            self.last_update_status_reason_code = None;
            self.update_at_ms = None;
        }
        if let Some(scaling) = &mut self.scaling
            && scaling.apply_at_ms.is_some_and(|at| at <= now)
        {
            scaling.applied = scaling.requested.take();
            scaling.apply_at_ms = None;
        }
        true
    }
}

/// Gives draining versions of `f` their removal deadline once no execution
/// they wait for is active: all of the function's when `$LATEST` drains (the
/// whole function is being deleted), else each version's own. The deadline
/// counts from the end of the last execution, so it does not depend on when
/// this runs.
fn settle_drains(f: &mut Function, executions: &BTreeMap<String, DurableExecution>, now: u64) {
    let drained_at = |version: Option<&str>| -> Option<u64> {
        let waited_for = executions
            .values()
            .filter(|e| e.function_arn == f.arn)
            .filter(|e| version.is_none_or(|v| e.version == v));
        let mut last_end = None;
        for e in waited_for {
            if e.is_active() {
                return None;
            }
            last_end = last_end.max(e.end_ms);
        }
        Some(last_end.unwrap_or(now))
    };
    let release = |v: &mut FunctionVersion, at: u64| {
        if let Some(delay) = v.drain_delay_ms.take() {
            v.state_at_ms = Some(at + delay);
        }
    };
    if f.latest.drain_delay_ms.is_some() {
        if let Some(at) = drained_at(None) {
            release(&mut f.latest, at);
            for v in f.versions.values_mut() {
                release(v, at);
            }
        }
        return;
    }
    for (n, v) in &mut f.versions {
        if v.drain_delay_ms.is_some()
            && let Some(at) = drained_at(Some(&n.to_string()))
        {
            release(v, at);
        }
    }
}

impl State {
    /// Applies every due transition. Called under the state lock before
    /// each request is handled.
    pub fn settle(&mut self, now: u64) {
        self.capacity_providers.retain(|_, cp| {
            match cp.transition_at_ms {
                Some(at) if at <= now => {
                    if cp.state == "Deleting" {
                        return false;
                    }
                    if cp.state == "Pending" {
                        cp.state = "Active".into();
                    }
                    cp.transition_at_ms = None;
                }
                _ => {}
            }
            true
        });
        for e in self.durable_executions.values_mut() {
            e.settle(now);
        }
        for f in self.functions.values_mut() {
            settle_drains(f, &self.durable_executions, now);
        }
        self.functions.retain(|_, f| {
            if !f.latest.settle(now) {
                return false;
            }
            f.versions.retain(|_, v| v.settle(now));
            true
        });
        let functions = &self.functions;
        self.durable_executions.retain(|_, e| {
            functions.get(&e.function_arn).is_some_and(|f| {
                e.version == "$LATEST"
                    || e.version
                        .parse::<u64>()
                        .is_ok_and(|n| f.versions.contains_key(&n))
            })
        });
    }

    /// Loads a state file; a missing file gives an empty state.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes the state atomically (temporary file + rename).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(tmp, path)
    }
}
