//! The gRPC side of a provider: implements tfplugin6's `Provider` service on top of a
//! [`Provider`] implementation (pass a [`ProviderService`] to [`crate::serve::serve`]), decoding and encoding values with each schema, running
//! the plan pipeline and checking what resources return against Terraform's rules.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::RwLock;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::{debug, warn};

use crate::data_source::DataReadRequest;
use crate::data_source::DataSource;
use crate::diag::{Diagnostic, Diagnostics};
use crate::function::Function;
use crate::plan;
use crate::proto::tfplugin6 as pb;
use crate::provider::{ConfigureRequest, Context, Provider};
use crate::resource::{
    CreateRequest, DeleteRequest, DestroyPlanContext, ImportRequest, MoveStateRequest, NewState,
    PlanContext, ReadRequest, Resource, UpdateRequest, ValueType,
};
use crate::schema::Schema;
use crate::validate::validate_block;
use crate::value::{AttributePath, Type, Value, msgpack};

/// A resource type with its schema and value type computed once.
struct ResourceEntry {
    resource: Arc<dyn Resource>,
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
                (
                    r.type_name().to_string(),
                    ResourceEntry {
                        resource: r,
                        schema,
                        ty,
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
        let provider_schema = provider.schema();
        Self {
            provider_ty: provider_schema.value_type(),
            provider_schema,
            provider,
            resources,
            data_sources,
            functions,
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
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // Destroys are planned too, so a resource can warn about what a destroy loses.
        plan_destroy: true,
        get_provider_schema_optional: false,
        move_resource_state: true,
        generate_resource_config: false,
    }
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
        let mut resp = pb::read_resource::Response::default();
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let current = decode(req.current_state.as_ref(), entry.ty.get(), "current state")?;
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
            let change = plan::plan_change(&entry.schema.block, &prior, &proposed, &config);
            if change.planned.is_null() {
                resp.planned_state = Some(encode(&Value::Null, entry.ty.get(), "planned state")?);
                resp.planned_private = req.prior_private.clone();
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
                    Ok(()) => {
                        resp.new_state = Some(encode(&Value::Null, entry.ty.get(), "state")?);
                        Ok(Diagnostics::new())
                    }
                    Err(e) => {
                        // The object still exists: keep it in state.
                        resp.new_state = req.prior_state.clone();
                        resp.private = req.planned_private.clone();
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
                    return Ok(e.diagnostics);
                }
            };
            diags.extend(plan::check_apply(&planned, &state));
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
            let import = ImportRequest {
                id: req.id.clone(),
                ty: entry.ty.clone(),
            };
            let state = entry
                .resource
                .import(&ctx, import)
                .await
                .map_err(|e| e.diagnostics)?;
            resp.imported_resources
                .push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(encode(&state, entry.ty.get(), "imported state")?),
                    private: Vec::new(),
                    identity: None,
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
