//! List resources (protocol 6.10, Terraform 1.14+ `terraform query`).
//!
//! A `list` block in a `*.tfquery.hcl` file asks the provider for the existing objects
//! of a managed resource type that match a filter (the block's `config`), by identity:
//!
//! ```hcl
//! list "example_thing" "all" {
//!   provider = example
//!   config { prefix = "web-" }
//!   limit = 10                # optional, Terraform's default is 100
//!   include_resource = true   # also return each object's full state
//! }
//! ```
//!
//! A [`ListResource`] answers with a stream: it hands each object to a [`ListSink`] as
//! soon as it has found it (page by page from a remote API, say), and stops when
//! [`ListSink::send`] returns `false` — the `limit` is reached or Terraform stopped
//! reading. Nothing is collected first, so a listing of thousands of objects starts
//! showing results at once and costs no more memory than one page.
//!
//! The type name is the managed resource type's, and that resource must declare an
//! identity ([`crate::resource::Resource::identity_schema`]): Terraform decodes each
//! result's identity and object with the managed resource's schemas.
//! [`ListSink::send_state`] computes the identity with the managed resource's own
//! [`crate::resource::Resource::identity`], so the two can never disagree.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tonic::Status;

use crate::diag::{Diagnostic, Diagnostics};
use crate::identity::IdentityRequest;
use crate::proto::tfplugin6 as pb;
use crate::provider::Context;
use crate::resource::{Resource, Result, ValueType, decode_model};
use crate::schema::Schema;
use crate::value::{Value, msgpack};

/// Input of [`ListResource::list`].
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The `config` block of the `list` block, conforming to [`ListResource::schema`].
    pub config: Value,
    /// Whether Terraform wants each object's full state (`include_resource = true`, and
    /// always for `-generate-config-out`). [`ListSink`] drops the state otherwise, so a
    /// list may always attach it; skip fetching it when it is expensive.
    pub include_resource: bool,
    /// The most results Terraform reads (`limit`, 100 unless the list block says
    /// otherwise); `None` when the request sets none (0). [`ListSink`] enforces it.
    pub limit: Option<u64>,
    /// The managed resource's value type.
    pub ty: ValueType,
    /// The managed resource's identity type.
    pub identity_ty: ValueType,
}

impl ListRequest {
    /// The `config` block as a model.
    pub fn config<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.config)
    }

    /// Builds a state of the managed resource from a model.
    pub fn state_of<M: Serialize>(&self, model: &M) -> Result<Value> {
        self.ty.encode(model)
    }

    /// Builds an identity of the managed resource from a model.
    pub fn identity_of<M: Serialize>(&self, model: &M) -> Result<Value> {
        self.identity_ty.encode(model)
    }
}

/// One listed object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListResult {
    /// Its identity (wholly known), in the managed resource's identity schema.
    pub identity: Value,
    /// A name for people, shown by `terraform query`.
    pub display_name: String,
    /// Its full state, sent when Terraform asked for it.
    pub resource: Option<Value>,
    /// Warnings about this object.
    pub diagnostics: Diagnostics,
}

impl ListResult {
    /// A result with an identity and a display name.
    pub fn new(identity: Value, display_name: impl Into<String>) -> Self {
        Self {
            identity,
            display_name: display_name.into(),
            ..Self::default()
        }
    }

    /// Attaches the object's full state.
    pub fn with_resource(mut self, state: Value) -> Self {
        self.resource = Some(state);
        self
    }

    /// Adds a warning.
    pub fn with_warning(mut self, warning: Diagnostic) -> Self {
        self.diagnostics.push(warning);
        self
    }
}

type EventSender = mpsc::Sender<std::result::Result<pb::list_resource::Event, Status>>;

/// Where a [`ListResource`] sends its results: each becomes one event of the
/// ListResource stream, sent at once.
pub struct ListSink {
    tx: EventSender,
    ctx: Context,
    type_name: String,
    resource: Arc<dyn Resource>,
    ty: ValueType,
    identity_ty: ValueType,
    include_resource: bool,
    remaining: Option<u64>,
    closed: bool,
    sent: u64,
}

impl ListSink {
    pub(crate) fn new(
        tx: EventSender,
        ctx: Context,
        type_name: String,
        resource: Arc<dyn Resource>,
        req: &ListRequest,
    ) -> Self {
        Self {
            tx,
            ctx,
            type_name,
            resource,
            ty: req.ty.clone(),
            identity_ty: req.identity_ty.clone(),
            include_resource: req.include_resource,
            remaining: req.limit,
            closed: false,
            sent: 0,
        }
    }

    /// True once no more results are wanted: the limit is reached or Terraform stopped
    /// reading. Later sends are dropped.
    pub fn is_done(&self) -> bool {
        self.closed || self.remaining == Some(0)
    }

    /// How many results were sent.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Sends one result. Returns `false` when the listing should stop (the limit is
    /// reached, Terraform stopped reading, or the provider is stopping): stop fetching
    /// then. A result without a wholly known identity becomes an error event instead
    /// (a provider bug: Terraform cannot use it).
    #[must_use = "stop listing when send returns false"]
    pub async fn send(&mut self, result: ListResult) -> bool {
        if self.is_done() {
            return false;
        }
        let (event, counts) = self.encode(result);
        if self.tx.send(Ok(event)).await.is_err() {
            self.closed = true;
            return false;
        }
        if counts {
            self.sent += 1;
            if let Some(r) = &mut self.remaining {
                *r = r.saturating_sub(1);
            }
        }
        !self.is_done() && !self.ctx.is_stopped()
    }

    /// Sends an object by its state: the identity is computed with the managed
    /// resource's [`Resource::identity`] (given no private state), and the state is
    /// attached when Terraform asked for it. An identity that cannot be computed becomes
    /// an error event. Returns like [`ListSink::send`].
    #[must_use = "stop listing when send_state returns false"]
    pub async fn send_state(&mut self, display_name: impl Into<String>, state: Value) -> bool {
        let req = IdentityRequest {
            state: state.clone(),
            private: Vec::new(),
            ty: self.identity_ty.clone(),
        };
        match self.resource.identity(&self.ctx, req).await {
            Ok(identity) => {
                self.send(ListResult::new(identity, display_name).with_resource(state))
                    .await
            }
            Err(e) => self.send_diagnostics(e.diagnostics).await,
        }
    }

    /// Sends diagnostics on their own (a warning about the listing, or an error, after
    /// which Terraform stops reading). Returns like [`ListSink::send`].
    #[must_use = "stop listing when this returns false"]
    pub async fn send_diagnostics(&mut self, diagnostics: Diagnostics) -> bool {
        if self.is_done() {
            return false;
        }
        let has_errors = diagnostics.has_errors();
        let event = pb::list_resource::Event {
            diagnostic: diagnostics.to_proto(),
            ..Default::default()
        };
        if self.tx.send(Ok(event)).await.is_err() || has_errors {
            self.closed = true;
            return false;
        }
        !self.ctx.is_stopped()
    }

    fn encode(&self, result: ListResult) -> (pb::list_resource::Event, bool) {
        let mut diags = result.diagnostics;
        let mut event = pb::list_resource::Event {
            display_name: result.display_name,
            ..Default::default()
        };
        if result.identity.is_null() || !result.identity.is_fully_known() {
            diags.push(Diagnostic::error(
                "List result without an identity",
                format!(
                    "The listing of {} returned {:?} without a wholly known identity. This is \
                     a bug in the provider.",
                    self.type_name, event.display_name
                ),
            ));
        } else {
            match msgpack::encode(&result.identity, self.identity_ty.get()) {
                Ok(msgpack) => {
                    event.identity = Some(pb::ResourceIdentityData {
                        identity_data: Some(pb::DynamicValue {
                            msgpack,
                            json: Vec::new(),
                        }),
                    })
                }
                Err(e) => diags.push(Diagnostic::error(
                    "Invalid list result identity",
                    format!(
                        "The identity of {:?} listed by {} does not match the identity schema: \
                         {e}. This is a bug in the provider.",
                        event.display_name, self.type_name
                    ),
                )),
            }
        }
        if self.include_resource
            && let Some(state) = result.resource
        {
            match msgpack::encode(&state, self.ty.get()) {
                Ok(msgpack) => {
                    event.resource_object = Some(pb::DynamicValue {
                        msgpack,
                        json: Vec::new(),
                    })
                }
                Err(e) => diags.push(Diagnostic::error(
                    "Invalid list result object",
                    format!(
                        "The state of {:?} listed by {} does not match the resource schema: \
                         {e}. This is a bug in the provider.",
                        event.display_name, self.type_name
                    ),
                )),
            }
        }
        let counts = !diags.has_errors();
        event.diagnostic = diags.to_proto();
        (event, counts)
    }
}

/// A list resource type (`list` blocks of `terraform query`).
#[async_trait]
pub trait ListResource: Send + Sync {
    /// The type name: the managed resource type it lists, e.g. `lambda_function`.
    fn type_name(&self) -> &str;

    /// The schema of the `list` block's `config` block (the filter).
    fn schema(&self) -> Schema;

    /// Checks the `config` block beyond its attributes' own validators.
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Lists the objects matching `req.config`, sending each to `out` as it is found
    /// and stopping when a send returns `false`. An error ends the stream with its
    /// diagnostics (results already sent stay sent).
    async fn list(&self, ctx: &Context, req: ListRequest, out: &mut ListSink) -> Result<()>;
}
