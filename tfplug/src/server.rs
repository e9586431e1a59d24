//! The gRPC side of a provider: implements tfplugin6's `Provider` service on top of a
//! [`Provider`] implementation (pass a [`ProviderService`] to [`crate::serve::serve`]), decoding and encoding values with each schema, running
//! the plan pipeline and checking what resources return against Terraform's rules.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{RwLock, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};
use tracing::{debug, warn};

use crate::action::{Action, ActionRequest, Progress, STOP_GRACE};
use crate::data_source::DataReadRequest;
use crate::data_source::DataSource;
use crate::diag::{Diagnostic, Diagnostics};
use crate::function::Function;
use crate::identity::{
    IdentityRequest, IdentitySchema, ImportByIdentityRequest, ImportUse, changed_attributes,
    changed_error, show,
};
use crate::list::{ListRequest, ListResource, ListSink};
use crate::plan;
use crate::proto::tfplugin6 as pb;
use crate::provider::{ConfigureRequest, Context, Provider};
use crate::resource::{
    CreateRequest, DeleteRequest, DestroyPlanContext, GenerateConfigRequest, ImportRequest,
    MoveStateRequest, NewState, PlanContext, ReadRequest, Resource, UpdateRequest, ValueType,
};
use crate::schema::Schema;
use crate::validate::{check_required, validate_block};
use crate::value::{AttributePath, Type, Value, msgpack};

/// A resource type with its schema and value type computed once.
struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: ValueType,
    identity: Option<IdentityEntry>,
}

/// A resource type's identity schema and identity value type.
struct IdentityEntry {
    schema: IdentitySchema,
    ty: ValueType,
}

/// A list resource type with its `config` schema and value type.
struct ListEntry {
    list: Arc<dyn ListResource>,
    schema: Schema,
    ty: ValueType,
}

/// An action type with its schema and value type.
struct ActionEntry {
    action: Arc<dyn Action>,
    schema: Schema,
    ty: ValueType,
}

/// A data source type with its schema and value type computed once.
struct DataSourceEntry {
    data_source: Arc<dyn DataSource>,
    schema: Schema,
    ty: ValueType,
}

/// The tfplugin6 `Provider` gRPC service for a [`Provider`].
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_ty: Type,
    resources: BTreeMap<String, ResourceEntry>,
    data_sources: BTreeMap<String, DataSourceEntry>,
    functions: BTreeMap<String, Arc<dyn Function>>,
    list_resources: BTreeMap<String, ListEntry>,
    actions: BTreeMap<String, ActionEntry>,
    /// Replaced by a fresh token after each StopProvider, so later calls still work.
    stop: RwLock<CancellationToken>,
}

impl ProviderService {
    /// Wraps a provider; schemas are computed once here.
    pub fn new(provider: impl Provider) -> Self {
        let provider: Arc<dyn Provider> = Arc::new(provider);
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = ValueType::of(&schema);
                let identity = r.identity_schema().map(|schema| IdentityEntry {
                    ty: ValueType::from_type(schema.value_type()),
                    schema,
                });
                (
                    r.type_name().to_string(),
                    ResourceEntry {
                        resource: r,
                        schema,
                        ty,
                        identity,
                    },
                )
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                let ty = ValueType::of(&schema);
                (
                    d.type_name().to_string(),
                    DataSourceEntry {
                        data_source: d,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let functions = provider
            .functions()
            .into_iter()
            .map(|f| (f.name().to_string(), f))
            .collect();
        let list_resources = provider
            .list_resources()
            .into_iter()
            .map(|l| {
                let schema = l.schema();
                let ty = ValueType::of(&schema);
                (
                    l.type_name().to_string(),
                    ListEntry {
                        list: l,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let actions = provider
            .actions()
            .into_iter()
            .map(|a| {
                let schema = a.schema();
                let ty = ValueType::of(&schema);
                (
                    a.type_name().to_string(),
                    ActionEntry {
                        action: a,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let provider_schema = provider.schema();
        Self {
            provider_ty: provider_schema.value_type(),
            provider_schema,
            provider,
            resources,
            data_sources,
            functions,
            list_resources,
            actions,
            stop: RwLock::new(CancellationToken::new()),
        }
    }

    async fn context(&self) -> Context {
        Context {
            stop: self.stop.read().await.clone(),
        }
    }

    fn resource(&self, type_name: &str) -> Result<&ResourceEntry, Diagnostics> {
        self.resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource", type_name))
    }

    fn data_source(&self, type_name: &str) -> Result<&DataSourceEntry, Diagnostics> {
        self.data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name))
    }

    fn list_entry(&self, type_name: &str) -> Result<&ListEntry, Diagnostics> {
        self.list_resources
            .get(type_name)
            .ok_or_else(|| unknown_type("list resource", type_name))
    }

    fn action(&self, type_name: &str) -> Result<&ActionEntry, Diagnostics> {
        self.actions
            .get(type_name)
            .ok_or_else(|| unknown_type("action", type_name))
    }

    /// Mistakes in what the provider declares that Terraform would trip over, one line
    /// each (empty when fine): a list resource without a managed resource of the same
    /// name that has an identity, an identity schema Terraform rejects. GetProviderSchema
    /// reports them as errors, so they surface on the first Terraform run; a provider's
    /// tests should assert this is empty.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, entry) in &self.resources {
            if let Some(id) = &entry.identity {
                out.extend(
                    id.schema
                        .problems()
                        .into_iter()
                        .map(|p| format!("resource {name} identity: {p}")),
                );
            }
        }
        for name in self.list_resources.keys() {
            match self.resources.get(name) {
                None => out.push(format!(
                    "list resource {name}: there is no managed resource type {name} to list"
                )),
                Some(e) if e.identity.is_none() => out.push(format!(
                    "list resource {name}: resource {name} declares no identity, which listing needs"
                )),
                Some(_) => {}
            }
        }
        out
    }

    /// Schema of the provider block, every resource and data source, and functions.
    pub fn provider_schema_response(&self) -> pb::get_provider_schema::Response {
        pb::get_provider_schema::Response {
            provider: Some(self.provider_schema.to_proto()),
            resource_schemas: self
                .resources
                .iter()
                .map(|(n, e)| (n.clone(), e.schema.to_proto()))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(n, e)| (n.clone(), e.schema.to_proto()))
                .collect(),
            functions: self
                .functions
                .iter()
                .map(|(n, f)| (n.clone(), f.signature().to_proto()))
                .collect(),
            list_resource_schemas: self
                .list_resources
                .iter()
                .map(|(n, e)| (n.clone(), e.schema.to_proto()))
                .collect(),
            action_schemas: self
                .actions
                .iter()
                .map(|(n, e)| {
                    (
                        n.clone(),
                        pb::ActionSchema {
                            schema: Some(e.schema.to_proto()),
                        },
                    )
                })
                .collect(),
            diagnostics: self
                .problems()
                .into_iter()
                .map(|p| {
                    Diagnostic::error(
                        "Invalid provider definition",
                        format!("{p}. This is a bug in the provider."),
                    )
                    .to_proto()
                })
                .collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // Destroys are planned too, so a resource can warn about what a destroy loses.
        plan_destroy: true,
        // Terraform may reuse the schema of the first process it started instead of
        // asking every later one (each plan starts the provider three times).
        get_provider_schema_optional: true,
        move_resource_state: true,
        // Terraform 1.14+ calls GenerateResourceConfig only when this is set (otherwise it
        // derives configuration from state itself); every resource has it, by default
        // through `generate::config_from_state`.
        generate_resource_config: true,
    }
}

/// Decodes an identity Terraform sent; `None` when absent or null, or when the
/// resource declares no identity.
fn decode_identity(
    entry: &ResourceEntry,
    data: Option<&pb::ResourceIdentityData>,
    what: &str,
) -> Result<Option<Value>, Diagnostics> {
    let (Some(id), Some(dv)) = (
        entry.identity.as_ref(),
        data.and_then(|d| d.identity_data.as_ref()),
    ) else {
        return Ok(None);
    };
    if dv.msgpack.is_empty() && dv.json.is_empty() {
        return Ok(None);
    }
    let value = decode(Some(dv), id.ty.get(), what)?;
    Ok((!value.is_null()).then_some(value))
}

fn encode_identity(
    id: &IdentityEntry,
    value: &Value,
) -> Result<pb::ResourceIdentityData, Diagnostics> {
    Ok(pb::ResourceIdentityData {
        identity_data: Some(encode(value, id.ty.get(), "identity")?),
    })
}

/// Computes the identity of `state` with the resource's [`Resource::identity`].
async fn compute_identity(
    ctx: &Context,
    entry: &ResourceEntry,
    id: &IdentityEntry,
    state: &Value,
    private: &[u8],
) -> Result<Value, Diagnostics> {
    let req = IdentityRequest {
        state: state.clone(),
        private: private.to_vec(),
        ty: id.ty.clone(),
    };
    entry
        .resource
        .identity(ctx, req)
        .await
        .map_err(|e| e.diagnostics)
}

/// An identity that must be complete (after a read or an apply): not null, no unknowns.
fn require_known_identity(
    type_name: &str,
    operation: &str,
    id: &IdentityEntry,
    value: &Value,
) -> Result<(), Diagnostics> {
    if value.is_null() || !value.is_fully_known() {
        return Err(Diagnostic::error(
            "Invalid resource identity",
            format!(
                "During {operation}, {type_name} returned the identity {}, which is null or                  not wholly known. This is a bug in the provider.",
                show(value, id.ty.get())
            ),
        )
        .into());
    }
    Ok(())
}

/// True when every attribute of an identity is known and not null.
fn complete(identity: &Value) -> bool {
    match identity {
        Value::Object(attrs) => attrs.values().all(|v| !v.is_null() && v.is_fully_known()),
        _ => false,
    }
}

/// Fails when `new` changes an attribute `prior` already has.
fn check_unchanged(
    type_name: &str,
    operation: &str,
    id: &IdentityEntry,
    prior: Option<&Value>,
    new: &Value,
) -> Result<(), Diagnostics> {
    let Some(prior) = prior else {
        return Ok(());
    };
    let changed = changed_attributes(prior, new);
    if changed.is_empty() {
        return Ok(());
    }
    warn!(type_name, operation, "resource identity changed");
    Err(changed_error(type_name, operation, id.ty.get(), prior, new, &changed).into())
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type named {name:?}."),
    )
    .into()
}

/// Decodes a DynamicValue (msgpack, or JSON when only that is set) with a type.
fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let Some(dv) = dv else {
        return Ok(Value::Null);
    };
    let result = if dv.msgpack.is_empty() && !dv.json.is_empty() {
        crate::value::json::decode(&dv.json, ty)
    } else {
        msgpack::decode(&dv.msgpack, ty)
    };
    result.map_err(|e| {
        Diagnostic::error(
            format!("Could not decode the {what}"),
            format!("Terraform sent a value that does not match the schema: {e}"),
        )
        .at(e.path.clone())
        .into()
    })
}

/// Encodes a value as a msgpack DynamicValue.
fn encode(value: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    msgpack::encode(value, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                format!("Could not encode the {what}"),
                format!("The provider produced a value that does not match its schema: {e}. This is a bug in the provider."),
            )
            .at(e.path.clone())
            .into()
        })
}

fn diags_of(r: Result<Diagnostics, Diagnostics>) -> Vec<pb::Diagnostic> {
    match r {
        Ok(d) | Err(d) => d.to_proto(),
    }
}

/// Decodes a configuration and runs its attributes' validators.
fn decode_validated(
    schema: &Schema,
    ty: &Type,
    dv: Option<&pb::DynamicValue>,
    what: &str,
) -> Result<(Value, Diagnostics), Diagnostics> {
    let config = decode(dv, ty, what)?;
    let mut diags = Diagnostics::new();
    validate_block(&schema.block, &AttributePath::root(), &config, &mut diags);
    Ok((config, diags))
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        use pb::get_metadata as m;
        Ok(Response::new(m::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .resources
                .keys()
                .map(|n| m::ResourceMetadata {
                    type_name: n.clone(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|n| m::DataSourceMetadata {
                    type_name: n.clone(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|n| m::FunctionMetadata { name: n.clone() })
                .collect(),
            list_resources: self
                .list_resources
                .keys()
                .map(|n| m::ListResourceMetadata {
                    type_name: n.clone(),
                })
                .collect(),
            actions: self
                .actions
                .keys()
                .map(|n| m::ActionMetadata {
                    type_name: n.clone(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(self.provider_schema_response()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let (config, mut diags) = decode_validated(
                &self.provider_schema,
                &self.provider_ty,
                req.config.as_ref(),
                "provider configuration",
            )?;
            diags.extend(self.provider.validate(&ctx, &config).await);
            Ok(diags)
        }
        .await;
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags_of(result),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let (config, mut diags) = decode_validated(
                &entry.schema,
                entry.ty.get(),
                req.config.as_ref(),
                "resource configuration",
            )?;
            diags.extend(entry.resource.validate(&ctx, &config).await);
            Ok(diags)
        }
        .await;
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags_of(result),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let entry = self.data_source(&req.type_name)?;
            let (config, mut diags) = decode_validated(
                &entry.schema,
                entry.ty.get(),
                req.config.as_ref(),
                "data source configuration",
            )?;
            diags.extend(entry.data_source.validate(&ctx, &config).await);
            Ok(diags)
        }
        .await;
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags_of(result),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result: Result<(pb::DynamicValue, Diagnostics), Diagnostics> = async {
            let entry = self.resource(&req.type_name)?;
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() {
                if !raw.flatmap.is_empty() {
                    return Err(Diagnostic::error(
                        "Unsupported state format",
                        "The stored state uses the legacy flatmap format, which this provider cannot read.",
                    )
                    .into());
                }
                return Ok((encode(&Value::Null, entry.ty.get(), "state")?, Diagnostics::new()));
            }
            if req.version > entry.schema.version {
                return Err(Diagnostic::error(
                    "State from a newer provider",
                    format!(
                        "The stored state of {} has schema version {}, newer than this provider's {}. Use the provider version that wrote it.",
                        req.type_name, req.version, entry.schema.version
                    ),
                )
                .into());
            }
            let value = entry
                .resource
                .upgrade_state(&ctx, req.version, &raw.json, &entry.ty)
                .await
                .map_err(|e| e.diagnostics)?;
            Ok((encode(&value, entry.ty.get(), "upgraded state")?, Diagnostics::new()))
        }
        .await;
        let (upgraded_state, diagnostics) = match result {
            Ok((v, d)) => (Some(v), d),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diagnostics.to_proto(),
        }))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result: Result<pb::DynamicValue, Diagnostics> = async {
            let entry = self.resource(&req.target_type_name)?;
            let json = req.source_state.map(|raw| raw.json).unwrap_or_default();
            let move_req = MoveStateRequest {
                source_provider_address: &req.source_provider_address,
                source_type_name: &req.source_type_name,
                source_schema_version: req.source_schema_version,
                source_state_json: &json,
                ty: entry.ty.clone(),
            };
            match entry.resource.move_state(&ctx, &move_req).await {
                Some(Ok(value)) => encode(&value, entry.ty.get(), "moved state"),
                Some(Err(e)) => Err(e.diagnostics),
                None => Err(Diagnostic::error(
                    "Unsupported move",
                    format!(
                        "{} cannot take over the state of {} from {}. Remove the `moved` block \
                         and import the object instead.",
                        req.target_type_name, req.source_type_name, req.source_provider_address
                    ),
                )
                .into()),
            }
        }
        .await;
        let (target_state, diagnostics) = match result {
            Ok(v) => (Some(v), Diagnostics::new()),
            Err(d) => (None, d),
        };
        // The source's private state belongs to the source provider: it is not carried.
        Ok(Response::new(pb::move_resource_state::Response {
            target_state,
            diagnostics: diagnostics.to_proto(),
            target_private: Vec::new(),
            target_identity: None,
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let config = decode(
                req.config.as_ref(),
                &self.provider_ty,
                "provider configuration",
            )?;
            Ok(self
                .provider
                .configure(
                    &ctx,
                    ConfigureRequest {
                        terraform_version: req.terraform_version,
                        config,
                    },
                )
                .await)
        }
        .await;
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags_of(result),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let mut resp = pb::read_resource::Response {
            // Whatever goes wrong, the stored identity stays.
            new_identity: req.current_identity.clone(),
            ..Default::default()
        };
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let current = decode(req.current_state.as_ref(), entry.ty.get(), "current state")?;
            let current_identity =
                decode_identity(entry, req.current_identity.as_ref(), "current identity")?;
            let out = entry
                .resource
                .read(
                    &ctx,
                    ReadRequest {
                        current: current.clone(),
                        private: req.private.clone(),
                        ty: entry.ty.clone(),
                    },
                )
                .await;
            let NewState {
                state,
                private,
                warnings: mut diags,
            } = match out {
                Ok(new) => new,
                Err(e) => {
                    // Keep what Terraform had: a failed read must not lose state.
                    resp.new_state = req.current_state.clone();
                    resp.private = req.private.clone();
                    return Ok(e.diagnostics);
                }
            };
            let read_check = plan::check_read(&state);
            if read_check.has_errors() {
                diags.extend(read_check);
                resp.new_state = req.current_state.clone();
                resp.private = req.private.clone();
                return Ok(diags);
            }
            if let Some(id) = &entry.identity {
                if state.is_null() {
                    resp.new_identity = None;
                } else {
                    let private = private.as_deref().unwrap_or(&req.private);
                    let checked = async {
                        let new = compute_identity(&ctx, entry, id, &state, private).await?;
                        require_known_identity(&req.type_name, "refresh", id, &new)?;
                        check_unchanged(
                            &req.type_name,
                            "refresh",
                            id,
                            current_identity.as_ref(),
                            &new,
                        )?;
                        encode_identity(id, &new)
                    }
                    .await;
                    match checked {
                        Ok(data) => resp.new_identity = Some(data),
                        Err(d) => {
                            diags.extend(d);
                            resp.new_state = req.current_state.clone();
                            resp.private = req.private.clone();
                            return Ok(diags);
                        }
                    }
                }
            }
            resp.new_state = Some(encode(&state, entry.ty.get(), "refreshed state")?);
            resp.private = private.unwrap_or_else(|| req.private.clone());
            Ok(diags)
        }
        .await;
        if result.is_err() && resp.new_state.is_none() {
            resp.new_state = req.current_state.clone();
        }
        resp.diagnostics = diags_of(result);
        Ok(Response::new(resp))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let mut resp = pb::plan_resource_change::Response::default();
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let prior = decode(req.prior_state.as_ref(), entry.ty.get(), "prior state")?;
            let proposed = decode(
                req.proposed_new_state.as_ref(),
                entry.ty.get(),
                "proposed new state",
            )?;
            let config = decode(req.config.as_ref(), entry.ty.get(), "configuration")?;
            let prior_identity =
                decode_identity(entry, req.prior_identity.as_ref(), "prior identity")?;
            if !proposed.is_null() {
                // A required value unknown at validation may have turned out null.
                let missing = check_required(&entry.schema.block, &config);
                if missing.has_errors() {
                    return Ok(missing);
                }
            }
            let change = plan::plan_change(&entry.schema.block, &prior, &proposed, &config);
            if change.planned.is_null() {
                resp.planned_state = Some(encode(&Value::Null, entry.ty.get(), "planned state")?);
                resp.planned_private = req.prior_private.clone();
                resp.planned_identity = req.prior_identity.clone();
                if prior.is_null() {
                    return Ok(Diagnostics::new());
                }
                let destroy = DestroyPlanContext {
                    prior,
                    private: req.prior_private.clone(),
                    ty: entry.ty.clone(),
                };
                let diags = entry.resource.plan_destroy(&ctx, &destroy).await;
                return Ok(diags);
            }
            let mut pc = PlanContext {
                prior,
                config,
                planned: change.planned,
                requires_replace: change.requires_replace,
                private: req.prior_private.clone(),
                diagnostics: Diagnostics::new(),
                ty: entry.ty.clone(),
            };
            entry.resource.modify_plan(&ctx, &mut pc).await;
            let mut diags = pc.diagnostics;
            if diags.has_errors() {
                return Ok(diags);
            }
            diags.extend(plan::check_plan(
                &entry.schema.block,
                &pc.config,
                &pc.planned,
            ));
            if diags.has_errors() {
                return Ok(diags);
            }
            if let Some(id) = &entry.identity {
                // A replacement is a new object with an identity of its own.
                let replacing = !pc.requires_replace.is_empty();
                let prior_identity = prior_identity.filter(|_| !replacing);
                let known = match compute_identity(&ctx, entry, id, &pc.planned, &pc.private).await
                {
                    Ok(v) if !v.is_null() && v.is_fully_known() => Some(v),
                    Ok(_) => None,
                    // With unknowns in the plan an identity may not be computable yet.
                    Err(d) if pc.planned.is_fully_known() => return Ok(d),
                    Err(d) => {
                        debug!(type_name = %req.type_name, diagnostics = %d, "identity not computable at plan time");
                        None
                    }
                };
                if let Some(new) = &known {
                    check_unchanged(&req.type_name, "plan", id, prior_identity.as_ref(), new)?;
                }
                resp.planned_identity = match known.or(prior_identity) {
                    Some(v) => Some(encode_identity(id, &v)?),
                    None => None,
                };
            }
            resp.planned_state = Some(encode(&pc.planned, entry.ty.get(), "planned state")?);
            pc.requires_replace.sort();
            pc.requires_replace.dedup();
            resp.requires_replace = pc
                .requires_replace
                .iter()
                .map(crate::diag::path_to_proto)
                .collect();
            resp.planned_private = pc.private;
            Ok(diags)
        }
        .await;
        resp.diagnostics = diags_of(result);
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let mut resp = pb::apply_resource_change::Response::default();
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let prior = decode(req.prior_state.as_ref(), entry.ty.get(), "prior state")?;
            let planned = decode(req.planned_state.as_ref(), entry.ty.get(), "planned state")?;
            let config = decode(req.config.as_ref(), entry.ty.get(), "configuration")?;
            let planned_identity =
                decode_identity(entry, req.planned_identity.as_ref(), "planned identity")?;
            if planned.is_null() {
                debug!(type_name = %req.type_name, "deleting");
                let deleted = entry
                    .resource
                    .delete(
                        &ctx,
                        DeleteRequest {
                            prior: prior.clone(),
                            private: req.planned_private.clone(),
                            ty: entry.ty.clone(),
                        },
                    )
                    .await;
                return match deleted {
                    Ok(warnings) => {
                        resp.new_state = Some(encode(&Value::Null, entry.ty.get(), "state")?);
                        Ok(warnings)
                    }
                    Err(e) => {
                        // The object still exists: keep it in state.
                        resp.new_state = req.prior_state.clone();
                        resp.private = req.planned_private.clone();
                        resp.new_identity = req.planned_identity.clone();
                        Ok(e.diagnostics)
                    }
                };
            }
            let out = if prior.is_null() {
                debug!(type_name = %req.type_name, "creating");
                entry
                    .resource
                    .create(
                        &ctx,
                        CreateRequest {
                            config,
                            planned: planned.clone(),
                            planned_private: req.planned_private.clone(),
                            ty: entry.ty.clone(),
                        },
                    )
                    .await
            } else {
                debug!(type_name = %req.type_name, "updating");
                entry
                    .resource
                    .update(
                        &ctx,
                        UpdateRequest {
                            prior: prior.clone(),
                            config,
                            planned: planned.clone(),
                            planned_private: req.planned_private.clone(),
                            ty: entry.ty.clone(),
                        },
                    )
                    .await
            };
            let NewState {
                state,
                private,
                warnings: mut diags,
            } = match out {
                Ok(new) => new,
                Err(e) => {
                    // Whatever exists goes into state (Terraform taints a failed create);
                    // a failed update keeps the prior state unless the resource says
                    // otherwise.
                    let state = e.partial_state.unwrap_or(prior);
                    if state.is_fully_known() {
                        resp.new_state = Some(encode(&state, entry.ty.get(), "state")?);
                    } else {
                        warn!(type_name = %req.type_name, "failed apply returned unknown values; keeping prior state");
                        resp.new_state = req.prior_state.clone();
                    }
                    resp.private = req.planned_private.clone();
                    resp.new_identity = req.planned_identity.clone();
                    return Ok(e.diagnostics);
                }
            };
            diags.extend(plan::check_apply(&entry.schema.block, &planned, &state));
            if diags.has_errors() {
                resp.new_state = if state.is_fully_known() {
                    Some(encode(&state, entry.ty.get(), "state")?)
                } else {
                    req.prior_state.clone()
                };
                return Ok(diags);
            }
            resp.new_state = Some(encode(&state, entry.ty.get(), "new state")?);
            resp.private = private.unwrap_or_else(|| req.planned_private.clone());
            if let Some(id) = &entry.identity {
                let checked = async {
                    let new = compute_identity(&ctx, entry, id, &state, &resp.private).await?;
                    require_known_identity(&req.type_name, "apply", id, &new)?;
                    check_unchanged(&req.type_name, "apply", id, planned_identity.as_ref(), &new)?;
                    encode_identity(id, &new)
                }
                .await;
                match checked {
                    Ok(data) => resp.new_identity = Some(data),
                    // The object exists whatever its identity: its state is kept, the
                    // apply fails, and the identity stays what it was.
                    Err(d) => {
                        diags.extend(d);
                        resp.new_identity = req.planned_identity.clone();
                    }
                }
            }
            Ok(diags)
        }
        .await;
        resp.diagnostics = diags_of(result);
        Ok(Response::new(resp))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let mut resp = pb::import_resource_state::Response::default();
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let given = req
                .identity
                .as_ref()
                .and_then(|d| d.identity_data.as_ref())
                .is_some_and(|dv| !dv.msgpack.is_empty() || !dv.json.is_empty());
            if given && entry.identity.is_none() {
                return Err(Diagnostic::error(
                    "Import by identity not supported",
                    format!("{} has no identity: import it by ID.", req.type_name),
                )
                .into());
            }
            let by_identity = decode_identity(entry, req.identity.as_ref(), "identity")?;
            let (state, identity) = match (by_identity, &entry.identity) {
                (Some(identity), Some(id)) => {
                    let mut diags = Diagnostics::new();
                    for (name, attr) in &id.schema.attributes {
                        let v = identity.get_attr(name).unwrap_or(&Value::Null);
                        if attr.import == ImportUse::Required
                            && (v.is_null() || !v.is_fully_known())
                        {
                            diags.error_at(
                                AttributePath::attr(name),
                                "Missing identity attribute",
                                format!("Importing {} by identity needs `{name}`.", req.type_name),
                            );
                        }
                    }
                    if diags.has_errors() {
                        return Err(diags);
                    }
                    let import = ImportByIdentityRequest {
                        identity: identity.clone(),
                        identity_ty: id.ty.clone(),
                        ty: entry.ty.clone(),
                    };
                    let state = entry
                        .resource
                        .import_by_identity(&ctx, import)
                        .await
                        .map_err(|e| e.diagnostics)?;
                    (state, Some(encode_identity(id, &identity)?))
                }
                _ => {
                    let import = ImportRequest {
                        id: req.id.clone(),
                        ty: entry.ty.clone(),
                    };
                    let state = entry
                        .resource
                        .import(&ctx, import)
                        .await
                        .map_err(|e| e.diagnostics)?;
                    // The identity of the stub when it is already complete; otherwise
                    // the read that follows the import computes it.
                    let identity = match &entry.identity {
                        Some(id) => match compute_identity(&ctx, entry, id, &state, &[]).await {
                            Ok(v) if complete(&v) => Some(encode_identity(id, &v)?),
                            _ => None,
                        },
                        None => None,
                    };
                    (state, identity)
                }
            };
            resp.imported_resources
                .push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(encode(&state, entry.ty.get(), "imported state")?),
                    private: Vec::new(),
                    identity,
                });
            Ok(Diagnostics::new())
        }
        .await;
        resp.diagnostics = diags_of(result);
        Ok(Response::new(resp))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let mut resp = pb::read_data_source::Response::default();
        let result = async {
            let entry = self.data_source(&req.type_name)?;
            let config = decode(req.config.as_ref(), entry.ty.get(), "configuration")?;
            // A required value unknown at validation may have turned out null.
            let missing = check_required(&entry.schema.block, &config);
            if missing.has_errors() {
                return Ok(missing);
            }
            let read = DataReadRequest {
                config,
                ty: entry.ty.clone(),
            };
            let NewState {
                state,
                warnings: mut diags,
                ..
            } = entry
                .data_source
                .read(&ctx, read)
                .await
                .map_err(|e| e.diagnostics)?;
            diags.extend(plan::check_read(&state));
            if !diags.has_errors() {
                resp.state = Some(encode(&state, entry.ty.get(), "data source state")?);
            }
            Ok(diags)
        }
        .await;
        resp.diagnostics = diags_of(result);
        Ok(Response::new(resp))
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self
                .functions
                .iter()
                .map(|(n, f)| (n.clone(), f.signature().to_proto()))
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = req.into_inner();
        let fail = |text: String, argument: Option<i64>| {
            Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text,
                    function_argument: argument,
                }),
            }))
        };
        let Some(func) = self.functions.get(&req.name) else {
            return fail(
                format!("This provider has no function named {:?}.", req.name),
                None,
            );
        };
        let sig = func.signature();
        let mut args = Vec::with_capacity(req.arguments.len());
        for (i, dv) in req.arguments.iter().enumerate() {
            let param = sig.parameters.get(i).or(sig.variadic.as_ref());
            let Some(param) = param else {
                return fail(
                    format!(
                        "Too many arguments: the function takes {}.",
                        sig.parameters.len()
                    ),
                    Some(i as i64),
                );
            };
            match decode(Some(dv), &param.ty, "function argument") {
                Ok(v) => args.push(v),
                Err(d) => return fail(d.to_string(), Some(i as i64)),
            }
        }
        match func.call(args).await {
            Ok(value) => match encode(&value, &sig.return_type, "function result") {
                Ok(result) => Ok(Response::new(pb::call_function::Response {
                    result: Some(result),
                    error: None,
                })),
                Err(d) => fail(d.to_string(), None),
            },
            Err(e) => fail(e.text, e.argument),
        }
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .resources
                .iter()
                .filter_map(|(n, e)| {
                    e.identity
                        .as_ref()
                        .map(|id| (n.clone(), id.schema.to_proto()))
                })
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result: Result<pb::ResourceIdentityData, Diagnostics> = async {
            let entry = self.resource(&req.type_name)?;
            let Some(id) = &entry.identity else {
                return Err(Diagnostic::error(
                    "Resource has no identity",
                    format!(
                        "{} declares no identity, so it cannot upgrade one.",
                        req.type_name
                    ),
                )
                .into());
            };
            if req.version > id.schema.version {
                return Err(Diagnostic::error(
                    "Identity from a newer provider",
                    format!(
                        "The stored identity of {} has identity schema version {}, newer than \
                         this provider's {}. Use the provider version that wrote it.",
                        req.type_name, req.version, id.schema.version
                    ),
                )
                .into());
            }
            let json = req.raw_identity.map(|raw| raw.json).unwrap_or_default();
            let value = if json.is_empty() {
                Value::Null
            } else {
                entry
                    .resource
                    .upgrade_identity(&ctx, req.version, &json, &id.ty)
                    .await
                    .map_err(|e| e.diagnostics)?
            };
            encode_identity(id, &value)
        }
        .await;
        let (upgraded_identity, diagnostics) = match result {
            Ok(v) => (Some(v), Diagnostics::new()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity,
            diagnostics: diagnostics.to_proto(),
        }))
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result: Result<pb::DynamicValue, Diagnostics> = async {
            let entry = self.resource(&req.type_name)?;
            let state = decode(req.state.as_ref(), entry.ty.get(), "state")?;
            let generate = GenerateConfigRequest {
                state,
                schema: entry.schema.clone(),
                ty: entry.ty.clone(),
            };
            let config = entry
                .resource
                .generate_config(&ctx, generate)
                .await
                .map_err(|e| e.diagnostics)?;
            encode(&config, entry.ty.get(), "generated configuration")
        }
        .await;
        let (config, diagnostics) = match result {
            Ok(v) => (Some(v), Diagnostics::new()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::generate_resource_config::Response {
            config,
            diagnostics: diagnostics.to_proto(),
        }))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let entry = self.list_entry(&req.type_name)?;
            let (config, mut diags) = decode_validated(
                &entry.schema,
                entry.ty.get(),
                req.config.as_ref(),
                "list configuration",
            )?;
            diags.extend(entry.list.validate(&ctx, &config).await);
            Ok(diags)
        }
        .await;
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: diags_of(result),
        }))
    }

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<BoxStream<pb::list_resource::Event>>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        // Small buffer: results go out as they are found, and a slow reader slows the
        // listing down instead of piling results up in memory.
        let (tx, rx) = mpsc::channel(4);
        let prepared: Result<_, Diagnostics> = (|| {
            let entry = self.list_entry(&req.type_name)?;
            let resource = self.resource(&req.type_name)?;
            let Some(id) = &resource.identity else {
                return Err(Diagnostic::error(
                    "List resource without identity",
                    format!(
                        "Resource {} declares no identity, which listing needs. This is a bug \
                         in the provider.",
                        req.type_name
                    ),
                )
                .into());
            };
            let config = decode(req.config.as_ref(), entry.ty.get(), "list configuration")?;
            let list_req = ListRequest {
                config,
                include_resource: req.include_resource_object,
                limit: u64::try_from(req.limit).ok().filter(|l| *l > 0),
                ty: resource.ty.clone(),
                identity_ty: id.ty.clone(),
            };
            Ok((entry.list.clone(), resource.resource.clone(), list_req))
        })();
        match prepared {
            Err(d) => {
                let event = pb::list_resource::Event {
                    diagnostic: d.to_proto(),
                    ..Default::default()
                };
                // The receiver is alive (it is returned below); a full buffer cannot be.
                let _ = tx.try_send(Ok(event));
            }
            Ok((list, resource, list_req)) => {
                let type_name = req.type_name.clone();
                tokio::spawn(async move {
                    let watch = tx.clone();
                    let mut sink =
                        ListSink::new(tx, ctx.clone(), type_name.clone(), resource, &list_req);
                    let outcome = tokio::select! {
                        r = list.list(&ctx, list_req, &mut sink) => Some(r),
                        // Terraform stopped reading (limit reached on its side, Ctrl-C).
                        _ = watch.closed() => None,
                        _ = ctx.stop.cancelled() => Some(Err(Diagnostic::error(
                            "Listing interrupted",
                            format!("Listing {type_name} stopped: Terraform asked the provider to stop."),
                        ).into())),
                    };
                    if let Some(Err(e)) = outcome {
                        let _ = sink.send_diagnostics(e.diagnostics).await;
                    }
                    debug!(type_name = %type_name, sent = sink.sent(), "listing done");
                });
            }
        }
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let entry = self.action(&req.type_name)?;
            let (config, mut diags) = decode_validated(
                &entry.schema,
                entry.ty.get(),
                req.config.as_ref(),
                "action configuration",
            )?;
            diags.extend(entry.action.validate(&ctx, &config).await);
            Ok(diags)
        }
        .await;
        Ok(Response::new(pb::validate_action_config::Response {
            diagnostics: diags_of(result),
        }))
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> Result<Response<pb::plan_action::Response>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let result = async {
            let entry = self.action(&req.action_type)?;
            let config = decode(req.config.as_ref(), entry.ty.get(), "action configuration")?;
            let plan = ActionRequest {
                config,
                ty: entry.ty.clone(),
            };
            Ok(entry.action.plan(&ctx, &plan).await)
        }
        .await;
        Ok(Response::new(pb::plan_action::Response {
            diagnostics: diags_of(result),
            deferred: None,
        }))
    }

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> Result<Response<BoxStream<pb::invoke_action::Event>>, Status> {
        let req = req.into_inner();
        let ctx = self.context().await;
        let (tx, rx) = mpsc::channel(16);
        let prepared: Result<_, Diagnostics> = (|| {
            let entry = self.action(&req.action_type)?;
            let config = decode(req.config.as_ref(), entry.ty.get(), "action configuration")?;
            if !config.is_fully_known() {
                return Err(Diagnostic::error(
                    "Action configuration not known",
                    format!(
                        "{} was invoked with values not known yet. This is a bug in Terraform.",
                        req.action_type
                    ),
                )
                .into());
            }
            Ok((
                entry.action.clone(),
                ActionRequest {
                    config,
                    ty: entry.ty.clone(),
                },
            ))
        })();
        let completed = |d: Diagnostics| pb::invoke_action::Event {
            r#type: Some(pb::invoke_action::event::Type::Completed(
                pb::invoke_action::event::Completed {
                    diagnostics: d.to_proto(),
                },
            )),
        };
        match prepared {
            Err(d) => {
                let _ = tx.try_send(Ok(completed(d)));
            }
            Ok((action, action_req)) => {
                let action_type = req.action_type.clone();
                tokio::spawn(async move {
                    let progress = Progress::new(tx.clone());
                    let run = action.invoke(&ctx, action_req, &progress);
                    tokio::pin!(run);
                    let interrupted = || -> Diagnostics {
                        Diagnostic::error(
                            "Action interrupted",
                            format!("{action_type} did not finish: Terraform asked the provider to stop."),
                        )
                        .into()
                    };
                    let outcome = tokio::select! {
                        r = &mut run => r,
                        _ = tx.closed() => return,
                        _ = ctx.stop.cancelled() => {
                            match tokio::time::timeout(STOP_GRACE, &mut run).await {
                                Ok(r) => r,
                                Err(_) => Err(interrupted().into()),
                            }
                        }
                    };
                    let diags = match outcome {
                        Ok(d) => d,
                        Err(e) => e.diagnostics,
                    };
                    debug!(action_type = %action_type, errors = diags.has_errors(), "action done");
                    let _ = tx.send(Ok(completed(diags))).await;
                });
            }
        }
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        let mut token = self.stop.write().await;
        token.cancel();
        *token = CancellationToken::new();
        debug!("StopProvider: cancelled in-flight operations");
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
