//! The [`Resource`] trait: a managed resource type's lifecycle.
//!
//! tfplug runs the common plan pipeline ([`crate::plan`]) before
//! [`Resource::modify_plan`], checks plans and apply results against Terraform's rules,
//! and converts values; a resource writes only its own logic. Values arrive as
//! [`Value`]s conforming to [`Resource::schema`]; use [`crate::value::from_value`] and
//! [`crate::value::to_value`] for typed access.

use async_trait::async_trait;

use crate::diag::{Diagnostic, Diagnostics};
use crate::provider::Context;
use crate::schema::Schema;
use crate::value::{AttributePath, Value};

/// The plan for one resource instance, open to [`Resource::modify_plan`].
#[derive(Clone, Debug)]
pub struct PlanContext {
    /// State before the change; null on create.
    pub prior: Value,
    /// Configuration (may contain unknowns).
    pub config: Value,
    /// The plan so far (defaults applied, computed values marked unknown); edit it.
    pub planned: Value,
    /// Attributes whose change replaces the resource; add to it.
    pub requires_replace: Vec<AttributePath>,
    /// Private state carried from the prior state into the plan.
    pub private: Vec<u8>,
    /// Errors and warnings to show at plan time.
    pub diagnostics: Diagnostics,
}

impl PlanContext {
    /// True when the plan creates the resource.
    pub fn is_create(&self) -> bool {
        self.prior.is_null()
    }

    /// True when the plan destroys the resource.
    pub fn is_destroy(&self) -> bool {
        self.planned.is_null()
    }
}

/// Input of [`Resource::create`].
#[derive(Clone, Debug)]
pub struct CreateRequest {
    /// Configuration, fully known.
    pub config: Value,
    /// The planned state; unknown values are what create must fill in.
    pub planned: Value,
    /// Private state from the plan.
    pub planned_private: Vec<u8>,
}

/// Input of [`Resource::update`].
#[derive(Clone, Debug)]
pub struct UpdateRequest {
    /// State before the update.
    pub prior: Value,
    /// Configuration, fully known.
    pub config: Value,
    /// The planned state.
    pub planned: Value,
    /// Private state from the plan.
    pub planned_private: Vec<u8>,
}

/// Input of [`Resource::delete`].
#[derive(Clone, Debug)]
pub struct DeleteRequest {
    /// State of the object to delete.
    pub prior: Value,
    /// Private state.
    pub private: Vec<u8>,
}

/// Input of [`Resource::read`].
#[derive(Clone, Debug)]
pub struct ReadRequest {
    /// The stored state.
    pub current: Value,
    /// Private state.
    pub private: Vec<u8>,
}

/// What create, update and read return.
#[derive(Clone, Debug, Default)]
pub struct StateResponse {
    /// The new state; null when the object does not exist (read) or was not created.
    /// On a failed create that left an object behind, return its state with an error:
    /// Terraform then keeps it, tainted, instead of orphaning it.
    pub state: Value,
    /// New private state.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl StateResponse {
    /// A successful response with the given state.
    pub fn ok(state: Value) -> Self {
        Self {
            state,
            ..Self::default()
        }
    }

    /// A failure that leaves no object behind.
    pub fn failed(diagnostics: impl Into<Diagnostics>) -> Self {
        Self {
            state: Value::Null,
            private: Vec::new(),
            diagnostics: diagnostics.into(),
        }
    }

    /// A failure after the object was created: the object stays in state.
    pub fn failed_with_state(state: Value, diagnostics: impl Into<Diagnostics>) -> Self {
        Self {
            state,
            private: Vec::new(),
            diagnostics: diagnostics.into(),
        }
    }
}

/// A `moved` block whose source is another resource type, possibly of another
/// provider (MoveResourceState).
#[derive(Debug, Clone, Copy)]
pub struct MoveStateRequest<'a> {
    /// Source provider address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub source_provider_address: &'a str,
    /// Source resource type, e.g. `aws_lambda_capacity_provider`.
    pub source_type_name: &'a str,
    /// Schema version the source state was written with.
    pub source_schema_version: i64,
    /// The source state as stored (JSON, in the source type's schema).
    pub source_state_json: &'a [u8],
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync {
    /// The resource type name, e.g. `lambda_capacity_provider`.
    fn type_name(&self) -> &str;

    /// The schema, with plan behaviour and validators attached to attributes.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond attribute validators (cross-attribute rules).
    async fn validate(&self, _ctx: &Context, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Adjusts the plan after the common pipeline (not called for destroy).
    async fn modify_plan(&self, _ctx: &Context, _plan: &mut PlanContext) {}

    /// Creates the object.
    async fn create(&self, ctx: &Context, req: CreateRequest) -> StateResponse;

    /// Reads the object; a null state means it no longer exists.
    async fn read(&self, ctx: &Context, req: ReadRequest) -> StateResponse;

    /// Updates the object in place.
    async fn update(&self, ctx: &Context, req: UpdateRequest) -> StateResponse;

    /// Deletes the object and waits until it is gone.
    async fn delete(&self, ctx: &Context, req: DeleteRequest) -> Diagnostics;

    /// Turns an import ID into a state for Terraform to read; unsupported by default.
    async fn import(&self, _ctx: &Context, _id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Import not supported",
            format!("{} cannot be imported.", self.type_name()),
        )
        .into())
    }

    /// Turns the state of another resource type (a `moved` block across types or
    /// providers) into this type's state; Terraform then reads it as after an import.
    /// `None` (the default) means this type accepts no state from that source.
    async fn move_state(
        &self,
        _ctx: &Context,
        _req: &MoveStateRequest<'_>,
    ) -> Option<Result<Value, Diagnostics>> {
        None
    }

    /// Upgrades stored JSON state written with schema `version` to the current schema.
    /// By default the JSON is read with the current schema, ignoring attributes it no
    /// longer has.
    async fn upgrade_state(
        &self,
        _ctx: &Context,
        _version: i64,
        json: &[u8],
    ) -> Result<Value, Diagnostics> {
        let ty = self.schema().value_type();
        let opts = crate::value::json::JsonDecodeOptions {
            ignore_undefined_attributes: true,
        };
        crate::value::json::decode_with(json, &ty, opts).map_err(Diagnostics::from)
    }
}
