//! Actions (protocol 6.10, Terraform 1.14+): operations that are not resources.
//!
//! An `action` block names something to do — invoke a function, flush a cache, roll
//! a deployment — that Terraform runs on demand (`terraform apply
//! -invoke=action.TYPE.NAME`) or from a resource's lifecycle `action_trigger`:
//!
//! ```hcl
//! action "example_ping" "hello" {
//!   config { message = "hi" }
//! }
//! ```
//!
//! Actions keep no state, so the trait is small: a schema for the `config` block,
//! validation, an optional check at plan time, and [`Action::invoke`], which reports
//! progress through [`Progress`] while it runs. Terraform shows each progress message as
//! it arrives; the stream then ends with one completed event carrying the diagnostics.
//! Long actions watch [`Context::stop`] (Ctrl-C); tfplug also gives up on an action that
//! ignores it, [`STOP_GRACE`] after the stop.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tonic::Status;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::provider::Context;
use crate::resource::{Result, ValueType, decode_model};
use crate::schema::Schema;
use crate::value::Value;

/// How long tfplug waits, after Terraform asked the provider to stop, for an action to
/// return by itself before it drops the action's future and reports it interrupted.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Input of [`Action::plan`] and [`Action::invoke`].
#[derive(Clone, Debug)]
pub struct ActionRequest {
    /// The `config` block, conforming to [`Action::schema`]. At plan time it may hold
    /// unknowns; at invoke time it is wholly known.
    pub config: Value,
    /// The action's value type.
    pub ty: ValueType,
}

impl ActionRequest {
    /// The configuration as a model.
    pub fn config<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.config)
    }
}

type EventSender = mpsc::Sender<std::result::Result<pb::invoke_action::Event, Status>>;

/// Streams progress messages of a running action to Terraform.
#[derive(Clone, Debug)]
pub struct Progress {
    tx: EventSender,
}

impl Progress {
    pub(crate) fn new(tx: EventSender) -> Self {
        Self { tx }
    }

    /// Sends one progress message, shown by Terraform as it arrives. Returns `false`
    /// when Terraform no longer listens (then there is no one to report to; finish or
    /// stop as the action sees fit).
    pub async fn send(&self, message: impl Into<String>) -> bool {
        let event = pb::invoke_action::Event {
            r#type: Some(pb::invoke_action::event::Type::Progress(
                pb::invoke_action::event::Progress {
                    message: message.into(),
                },
            )),
        };
        self.tx.send(Ok(event)).await.is_ok()
    }
}

/// An action type.
#[async_trait]
pub trait Action: Send + Sync {
    /// The action type name, e.g. `lambda_invoke`.
    fn type_name(&self) -> &str;

    /// The schema of the action's `config` block.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond its attributes' own validators.
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Checks a planned invocation (PlanAction): warnings tell the user what the action
    /// will do, errors stop the plan. Nothing by default.
    async fn plan(&self, _ctx: &Context, _req: &ActionRequest) -> Diagnostics {
        Diagnostics::new()
    }

    /// Runs the action, reporting progress through `progress`. `Ok` may carry warnings;
    /// an error fails the apply. Either way Terraform gets a final completed event.
    async fn invoke(
        &self,
        ctx: &Context,
        req: ActionRequest,
        progress: &Progress,
    ) -> Result<Diagnostics>;
}
