//! The [`Resource`] trait: a managed resource type's lifecycle.
//!
//! tfplug runs the common plan pipeline ([`crate::plan`]) before
//! [`Resource::modify_plan`], checks plans and apply results against Terraform's rules,
//! and converts values; a resource writes only its own logic. Values arrive as
//! [`Value`]s conforming to [`Resource::schema`]; each request reads them into model
//! types (`req.config::<M>()`) and builds states from models (`req.state_of(&m)`) with
//! the value type computed once per resource type.
//!
//! Newer protocol features are opt-in methods with defaults, so a resource written for
//! Terraform 1.11 needs no change: an identity ([`Resource::identity_schema`],
//! Terraform 1.12+), import by identity, and the configuration `terraform query
//! -generate-config-out` writes ([`Resource::generate_config`], Terraform 1.14+).

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Diagnostics};
use crate::identity::{IdentityRequest, IdentitySchema, ImportByIdentityRequest};
use crate::provider::Context;
use crate::schema::Schema;
use crate::value::{AttributePath, Type, Value, ValueError, from_value, to_value};

/// Why an operation failed, and for an apply, what to keep in state.
///
/// Every fallible resource and data source method returns [`Result`]`<T>`, so `?` works on
/// anything that converts into diagnostics. A create or update that fails after the
/// remote object changed returns the object's state with [`Error::keep_state`]:
/// Terraform then keeps it (tainted after a create) instead of losing track of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Error {
    /// What went wrong (at least one error).
    pub diagnostics: Diagnostics,
    /// State of an object that exists despite the failure.
    pub partial_state: Option<Value>,
}

impl Error {
    /// A failure with these diagnostics.
    pub fn new(diagnostics: impl Into<Diagnostics>) -> Self {
        Self {
            diagnostics: diagnostics.into(),
            partial_state: None,
        }
    }

    /// Keeps `state` in Terraform's state despite the failure.
    pub fn keep_state(mut self, state: Value) -> Self {
        self.partial_state = Some(state);
        self
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Self::new(d)
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Self::new(d)
    }
}

impl From<ValueError> for Error {
    fn from(e: ValueError) -> Self {
        Self::new(Diagnostic::from(e))
    }
}

/// The result of a resource or data source operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A new state to store, with the private bytes and warnings that go with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewState {
    /// The new state; null when the object no longer exists (read).
    pub state: Value,
    /// New private state; `None` carries the previous bytes over.
    pub private: Option<Vec<u8>>,
    /// Warnings to show.
    pub warnings: Diagnostics,
}

impl NewState {
    /// The state, with no warnings.
    pub fn new(state: Value) -> Self {
        Self {
            state,
            ..Self::default()
        }
    }

    /// The object no longer exists (read): Terraform plans to create it again.
    pub fn gone(warning: Diagnostic) -> Self {
        Self {
            state: Value::Null,
            private: None,
            warnings: warning.into(),
        }
    }

    /// Adds a warning.
    pub fn with_warning(mut self, warning: Diagnostic) -> Self {
        self.warnings.push(warning);
        self
    }

    /// Sets new private bytes.
    pub fn with_private(mut self, private: Vec<u8>) -> Self {
        self.private = Some(private);
        self
    }
}

impl From<Value> for NewState {
    fn from(state: Value) -> Self {
        Self::new(state)
    }
}

/// Reads a value into a model type (see [`crate::value::from_value`]).
pub fn decode_model<M: DeserializeOwned>(value: &Value) -> Result<M> {
    Ok(from_value(value)?)
}

/// The object type of a resource or data source, computed once from its schema and
/// shared by every request, to build values from models.
#[derive(Clone, Debug)]
pub struct ValueType(Arc<Type>);

impl ValueType {
    /// The type of values of `schema`.
    pub fn of(schema: &Schema) -> Self {
        Self(Arc::new(schema.value_type()))
    }

    /// Wraps a type (e.g. an identity's, [`IdentitySchema::value_type`]).
    pub fn from_type(ty: Type) -> Self {
        Self(Arc::new(ty))
    }

    /// The type itself.
    pub fn get(&self) -> &Type {
        &self.0
    }

    /// Builds a value of this type from a model (see [`crate::value::to_value`]).
    pub fn encode<M: Serialize>(&self, model: &M) -> Result<Value> {
        Ok(to_value(model, &self.0)?)
    }
}

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
    /// The resource's value type.
    pub ty: ValueType,
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

    /// The configuration as a model (use [`crate::value::Maybe`] for values that may be
    /// unknown at plan time).
    pub fn config<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.config)
    }

    /// The plan so far as a model.
    pub fn planned<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.planned)
    }

    /// The prior state as a model.
    pub fn prior<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.prior)
    }
}

/// A plan that destroys one resource instance, open to [`Resource::plan_destroy`].
#[derive(Clone, Debug)]
pub struct DestroyPlanContext {
    /// State of the object the plan destroys.
    pub prior: Value,
    /// Private state.
    pub private: Vec<u8>,
    /// The resource's value type.
    pub ty: ValueType,
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
    /// The resource's value type.
    pub ty: ValueType,
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
    /// The resource's value type.
    pub ty: ValueType,
}

/// Input of [`Resource::delete`].
#[derive(Clone, Debug)]
pub struct DeleteRequest {
    /// State of the object to delete.
    pub prior: Value,
    /// Private state.
    pub private: Vec<u8>,
    /// The resource's value type.
    pub ty: ValueType,
}

/// Input of [`Resource::read`].
#[derive(Clone, Debug)]
pub struct ReadRequest {
    /// The stored state.
    pub current: Value,
    /// Private state.
    pub private: Vec<u8>,
    /// The resource's value type.
    pub ty: ValueType,
}

/// Input of [`Resource::import`].
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// The import ID the user gave.
    pub id: String,
    /// The resource's value type.
    pub ty: ValueType,
}

/// Typed access shared by the requests: the values as models, and models as values of
/// the resource's type.
macro_rules! typed_access {
    ($req:ty { $($field:ident),* }) => {
        impl $req {
            $(
                #[doc = concat!("`", stringify!($field), "` as a model.")]
                pub fn $field<M: DeserializeOwned>(&self) -> Result<M> {
                    decode_model(&self.$field)
                }
            )*

            /// Builds a value of the resource's type from a model.
            pub fn state_of<M: Serialize>(&self, model: &M) -> Result<Value> {
                self.ty.encode(model)
            }
        }
    };
}

typed_access!(CreateRequest { config, planned });
typed_access!(UpdateRequest {
    prior,
    config,
    planned
});
typed_access!(DeleteRequest { prior });
typed_access!(ReadRequest { current });
typed_access!(DestroyPlanContext { prior });
typed_access!(ImportRequest {});

/// Input of [`Resource::generate_config`].
#[derive(Clone, Debug)]
pub struct GenerateConfigRequest {
    /// The object's state (as read, or as a list resource returned it).
    pub state: Value,
    /// The resource's schema.
    pub schema: Schema,
    /// The resource's value type.
    pub ty: ValueType,
}

impl GenerateConfigRequest {
    /// The state as a model.
    pub fn state<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.state)
    }

    /// The generic configuration for the state (see [`crate::generate::config_from_state`]),
    /// for an override to start from.
    pub fn default_config(&self) -> Value {
        crate::generate::config_from_state(&self.schema, &self.state)
    }
}

/// A `moved` block whose source is another resource type, possibly of another
/// provider (MoveResourceState).
#[derive(Debug, Clone)]
pub struct MoveStateRequest<'a> {
    /// Source provider address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub source_provider_address: &'a str,
    /// Source resource type, e.g. `aws_lambda_capacity_provider`.
    pub source_type_name: &'a str,
    /// Schema version the source state was written with.
    pub source_schema_version: i64,
    /// The source state as stored (JSON, in the source type's schema).
    pub source_state_json: &'a [u8],
    /// The target resource's value type.
    pub ty: ValueType,
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

    /// Checks a plan that destroys the object (Terraform 1.3+, which plans destroys
    /// through the `plan_destroy` capability): warnings tell the user what the destroy
    /// will do, errors stop the plan. Nothing by default.
    async fn plan_destroy(&self, _ctx: &Context, _plan: &DestroyPlanContext) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object. On failure after the object came to exist, return its state
    /// with [`Error::keep_state`].
    async fn create(&self, ctx: &Context, req: CreateRequest) -> Result<NewState>;

    /// Reads the object; a null state ([`NewState::gone`]) means it no longer exists. A
    /// failed read keeps the stored state.
    async fn read(&self, ctx: &Context, req: ReadRequest) -> Result<NewState>;

    /// Updates the object in place. A failure keeps the prior state unless the error
    /// carries another.
    async fn update(&self, ctx: &Context, req: UpdateRequest) -> Result<NewState>;

    /// Deletes the object and waits until it is gone; returns the warnings to show (what
    /// the delete did that the plan could not say). A failure keeps it in state.
    async fn delete(&self, ctx: &Context, req: DeleteRequest) -> Result<Diagnostics>;

    /// Turns an import ID into a state for Terraform to read; unsupported by default.
    async fn import(&self, _ctx: &Context, _req: ImportRequest) -> Result<Value> {
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
    ) -> Option<Result<Value>> {
        None
    }

    /// The identity schema (Terraform 1.12+). `None` (the default): the resource has no
    /// identity, cannot be imported by identity nor listed.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// Computes the identity of the object whose state is given; called only when
    /// [`Resource::identity_schema`] is set, after every read and apply and at plan
    /// time. The default takes the state attributes named like the identity attributes
    /// ([`IdentityRequest::from_state`]). Override it when the identity holds values
    /// the state lacks (an account ID or region the resource learned at configure
    /// time). At plan time the state may hold unknowns: return unknown attributes (or
    /// an error) then; tfplug leaves an identity that is not wholly known out of the
    /// plan. Whatever is returned, tfplug fails the operation if it changes an
    /// identity the object already has.
    async fn identity(&self, _ctx: &Context, req: IdentityRequest) -> Result<Value> {
        Ok(req.from_state())
    }

    /// Turns an identity (`import { identity = { … } }`, Terraform 1.12+) into a state
    /// for Terraform to read, like [`Resource::import`] does for an ID. The default is
    /// [`ImportByIdentityRequest::stub_from_identity`]: the identity's values in the
    /// state attributes of the same names, which suits a resource whose read needs only
    /// those. tfplug has already checked the attributes required for import are set.
    async fn import_by_identity(
        &self,
        _ctx: &Context,
        req: ImportByIdentityRequest,
    ) -> Result<Value> {
        Ok(req.stub_from_identity())
    }

    /// Upgrades a stored identity written with identity schema `version` to the current
    /// identity schema. By default the JSON is read with the current identity schema,
    /// ignoring attributes it no longer has.
    async fn upgrade_identity(
        &self,
        _ctx: &Context,
        _version: i64,
        json: &[u8],
        identity_ty: &ValueType,
    ) -> Result<Value> {
        let opts = crate::value::json::JsonDecodeOptions {
            ignore_undefined_attributes: true,
        };
        Ok(crate::value::json::decode_with(
            json,
            identity_ty.get(),
            opts,
        )?)
    }

    /// The configuration a user would write for an existing object, for `terraform
    /// query -generate-config-out` (Terraform 1.14+). The default,
    /// [`crate::generate::config_from_state`], keeps what a user sets and drops what the
    /// provider computes or defaults.
    async fn generate_config(&self, _ctx: &Context, req: GenerateConfigRequest) -> Result<Value> {
        Ok(req.default_config())
    }

    /// Upgrades stored JSON state written with schema `version` to the current schema.
    /// By default the JSON is read with the current schema, ignoring attributes it no
    /// longer has.
    async fn upgrade_state(
        &self,
        _ctx: &Context,
        _version: i64,
        json: &[u8],
        ty: &ValueType,
    ) -> Result<Value> {
        let opts = crate::value::json::JsonDecodeOptions {
            ignore_undefined_attributes: true,
        };
        Ok(crate::value::json::decode_with(json, ty.get(), opts)?)
    }
}
