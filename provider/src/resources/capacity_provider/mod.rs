//! `lambda_capacity_provider`: a Lambda capacity provider (Lambda Managed Instances).
//!
//! Create waits for `Active` and keeps a capacity provider that failed after AWS accepted
//! it in state (tainted); update changes scaling, tag propagation, logging and tags in
//! place; delete waits until it is gone and names the function versions that still use
//! it; import takes a name or ARN, and a `moved` block takes over an
//! `aws_lambda_capacity_provider` of the HashiCorp AWS provider.
//!
//! The files: [`schema`] (every attribute once, constraints from AWS's model), [`rules`]
//! (value-dependent rules), [`ec2_rules`] (pure rules on EC2 facts; the look-ups are in
//! [`crate::aws::ec2`]), [`model`] and [`expand_flatten`] (values ↔ SDK types), [`api`]
//! (the calls and waiters), [`moved`]; this file is the lifecycle.

pub mod api;
pub mod ec2_rules;
pub mod expand_flatten;
pub mod in_use;
pub mod model;
pub mod moved;
pub mod rules;
pub mod schema;

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_lambda::types::{CapacityProvider, CapacityProviderState};
use tfplug::diag::Diagnostics;
use tfplug::identity::{IdentityRequest, IdentitySchema, ImportByIdentityRequest};
use tfplug::provider::Context;
use tfplug::resource::{
    CreateRequest, DeleteRequest, Error as TfError, ImportRequest, MoveStateRequest, NewState,
    PlanContext, ReadRequest, Resource, Result, UpdateRequest, ValueType,
};
use tfplug::schema::{Block, Schema};
use tfplug::value::{Maybe, Value};

use crate::aws::ec2::check_at_plan;
use crate::aws::{AwsClients, Budget, Error, Operation, SharedClients, tagging};
use crate::resources::common::create_call::{Created, is_already_exists};
use crate::resources::common::functions;
use crate::resources::common::import_id::ImportId;
use crate::resources::common::interrupted::{self, ObjectKind, Target};
use crate::resources::common::state::{self, reconcile};
use crate::resources::common::{
    READ_TIMEOUT, clients_for, identity, label, looked_up_at_plan, partial_state, plan_region,
    remote_state, set_attr, stored_name, tainted, text, unknown_on_change,
};
use crate::tags::{self, Tags};
use api::DeleteRefused;
use ec2_rules::{Ec2CheckInput, ec2_rules};
use expand_flatten::flatten;
use model::CapacityProviderModel;
use schema::TIMEOUTS;
use schema::names::{
    ARN, INSTANCE_REQUIREMENTS, LAST_MODIFIED, PROPAGATE_TAGS, SCALING_CONFIG, STATE,
    TELEMETRY_CONFIG,
};

/// An import command for error messages.
const IMPORT_EXAMPLE: &str = "terraform import lambda_capacity_provider.web web";

/// The resource type name.
pub const TYPE_NAME: &str = "lambda_capacity_provider";

/// What creates make, for the messages about interrupted ones.
const OBJECT: ObjectKind = ObjectKind {
    resource_type: TYPE_NAME,
    noun: "capacity provider",
    name_attribute: schema::names::NAME,
};

/// The identity's own attributes (then `region` and `account_id`).
const IDENTITY: &[(&str, &str)] = &[(schema::names::NAME, "Name of the capacity provider.")];

/// The blocks whose change UpdateCapacityProvider applies.
const UPDATABLE: [&str; 3] = [SCALING_CONFIG, PROPAGATE_TAGS, TELEMETRY_CONFIG];

/// The `lambda_capacity_provider` resource.
#[derive(Clone, Debug)]
pub struct CapacityProviderResource {
    clients: SharedClients,
    schema: Arc<Block>,
}

impl CapacityProviderResource {
    /// The resource, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self {
            clients,
            schema: Arc::new(schema::resource_schema().block),
        }
    }

    /// The state to store after AWS returned `found`: AWS's values, in the form of `base`
    /// (the plan, or the previous state), with the `tags` and `tags_all` given.
    fn state_of(
        &self,
        ty: &ValueType,
        found: &CapacityProvider,
        region: &str,
        base: &Value,
        own_tags: Value,
        tags_all: &Tags,
    ) -> Result<Value> {
        let adopting = base.get_attr(ARN).is_none_or(Value::is_null);
        let mut model = flatten(found);
        if adopting {
            model = model.without_create_defaults();
        }
        model.region = Maybe::Known(region.to_string());
        model.tags_all = Maybe::Known(tags_all.clone());
        let mut remote = ty.encode(&model)?;
        set_attr(&mut remote, tags::TAGS, own_tags);
        let mut state = reconcile(&self.schema, base, remote, adopting);
        // Always a map, as planned: reconcile keeps a null `tags_all` (an import's stub)
        // for AWS's empty tags, and the next plan would then change null to `{}`.
        set_attr(&mut state, tags::TAGS_ALL, tags::to_map_value(tags_all));
        Ok(state)
    }
}

#[async_trait]
impl Resource for CapacityProviderResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new((*self.schema).clone())
    }

    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        rules::check(config)
    }

    async fn modify_plan(&self, ctx: &Context, plan: &mut PlanContext) {
        if plan.is_destroy() {
            return;
        }
        let Some(base) = self.clients.try_get() else {
            return;
        };
        let clients = plan_region(plan, &base);
        let planned_all = tags::planned_tags_all(
            &clients.default_tags,
            plan.config.get_attr(tags::TAGS).unwrap_or(&Value::Null),
        );
        set_attr(&mut plan.planned, tags::TAGS_ALL, planned_all);
        unknown_on_change(plan, &[STATE, LAST_MODIFIED]);
        remote_state::replace_if_failed(plan);
        let dropped = state::no_longer_managed(&UPDATABLE, &plan.prior, &plan.config);
        plan.diagnostics.extend(dropped);
        // Neither of these changes what AWS has: no replacement for them.
        if !plan.is_create()
            && (model::default_requirements_written_out(&plan.prior, &plan.config)
                || model::requirements_reordered_only(&plan.prior, &plan.planned))
        {
            let block = tfplug::value::AttributePath::attr(INSTANCE_REQUIREMENTS);
            plan.requires_replace.retain(|p| !p.starts_with(&block));
        }
        if !plan.is_create()
            && !plan.requires_replace.is_empty()
            && let Some(name) = text(&plan.prior, schema::names::NAME)
            && let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone())
            && let Ok(versions) = functions::on_capacity_provider(&clients, &budget, name).await
            && let Some(w) = in_use::replacement_warning(&label(TYPE_NAME, name), &versions)
        {
            plan.diagnostics.push(w);
        }
        // EC2 is asked once, for a new capacity provider: its checks and the review's
        // Availability Zone rule share the answer.
        let mut ec2 = None;
        if plan.is_create() {
            let input = Ec2CheckInput::from_plan(&plan.planned);
            let diags = check_at_plan(
                &clients,
                &input.query(),
                &ctx.stop,
                "capacity provider",
                |facts| {
                    ec2 = Some(facts.clone());
                    ec2_rules(&input, facts)
                },
            )
            .await;
            plan.diagnostics.extend(looked_up_at_plan(diags));
        }
        plan.diagnostics.extend(crate::review::at_plan::diagnostics(
            TYPE_NAME,
            plan,
            &clients.review,
            ec2.as_ref(),
        ));
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity::schema(IDENTITY))
    }

    async fn identity(&self, _ctx: &Context, req: IdentityRequest) -> Result<Value> {
        identity::of_state(&req, ARN)
    }

    async fn import_by_identity(
        &self,
        _ctx: &Context,
        req: ImportByIdentityRequest,
    ) -> Result<Value> {
        let account = self.clients.try_get().and_then(|c| c.account_id.clone());
        identity::import_stub(&req, &[schema::name_attribute()], account.as_deref())
    }

    async fn create(&self, ctx: &Context, req: CreateRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.planned)?;
        let config: CapacityProviderModel = req.config()?;
        let name = config.name().to_string();
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Create),
            ctx.stop.clone(),
        );
        let own_tags = config.tags.known().cloned().unwrap_or_default();
        let tags_all = tags::merge(&clients.default_tags, &own_tags);

        tracing::info!(name = %name, "creating capacity provider");
        let provider_region = self.clients.get()?.region.clone();
        let guarded = interrupted::create_guarded(
            OBJECT,
            Target {
                name: &name,
                region: &clients.region,
                provider_region: &provider_region,
                account_id: clients.account_id.as_deref(),
            },
            interrupted::planned_bytes(&req),
            &label,
            create_once_the_name_is_free(&clients, &budget, &config, &tags_all),
            || async {
                api::get(&clients, &budget, &name)
                    .await
                    .ok()
                    .flatten()
                    .map(|cp| cp.capacity_provider_arn)
            },
        )
        .await?;
        let created = guarded.answer.flatten();
        // From here on AWS has the capacity provider: every failure keeps it in state.
        let found = match api::wait_active(&clients, &budget, &name).await {
            Ok(found) => found,
            Err(e) => {
                let state = match &e {
                    Error::FailedState { state, .. } => state.clone(),
                    _ => "Pending".to_string(),
                };
                let mut d = e.to_diagnostic(&label, "creating");
                d.detail.push_str(&tainted::kept_as_tainted(
                    "capacity provider",
                    tainted::timed_out(&e),
                ));
                return Err(TfError::new(d).keep_state(partial_state(
                    &req.planned,
                    ARN,
                    created.as_deref(),
                    &state,
                )));
            }
        };
        // An object an interrupted apply created may have changed since (tags, scaling):
        // make it what this plan says before recording it, as a create would have.
        let found = if guarded.adopted.is_some() {
            converge_adopted(&clients, &budget, &config, &found, &tags_all)
                .await
                .map_err(|e| {
                    TfError::new(e.to_diagnostic(&label, "adopting")).keep_state(partial_state(
                        &req.planned,
                        ARN,
                        Some(found.capacity_provider_arn()),
                        found.state().as_str(),
                    ))
                })?
        } else {
            found
        };
        let own = tags::configured(&req.config);
        let state = self
            .state_of(
                &req.ty,
                &found,
                &clients.region,
                &req.planned,
                own,
                &tags_all,
            )
            .map_err(|e| {
                e.keep_state(partial_state(
                    &req.planned,
                    ARN,
                    Some(found.capacity_provider_arn()),
                    found.state().as_str(),
                ))
            })?;
        guarded.progress.finished();
        let mut new = NewState::new(state);
        if let Some(warning) = guarded.adopted {
            new = new.with_warning(warning);
        }
        Ok(new)
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.current)?;
        let name = stored_name(&req.current, TYPE_NAME)?;
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let stored_arn = text(&req.current, ARN).filter(|arn| !arn.is_empty());
        // GetCapacityProvider carries no tags. With the ARN in state both calls go out at
        // once, so a refresh waits for one round trip instead of two; the early tags are
        // used only if AWS names the same ARN.
        let (found, early_tags) = match stored_arn {
            Some(arn) => {
                let (found, tags) = tokio::join!(
                    api::get(&clients, &budget, &name),
                    tagging::list_tags(&clients, &budget, arn)
                );
                (found, Some((arn, tags)))
            }
            None => (api::get(&clients, &budget, &name).await, None),
        };
        let Some(found) = found.map_err(|e| e.to_diagnostic(&label, "reading"))? else {
            tracing::warn!(name = %name, "capacity provider not found; removing it from state");
            return Ok(NewState::gone(remote_state::removed_as_gone(&label)));
        };
        if found.state() == &CapacityProviderState::Deleting {
            tracing::warn!(name = %name, "capacity provider is being deleted; removing it from state");
            return Ok(NewState::gone(remote_state::removed_while_deleting(&label)));
        }
        let remote = match early_tags {
            Some((arn, tags)) if arn == found.capacity_provider_arn() => tags,
            _ => tagging::list_tags(&clients, &budget, found.capacity_provider_arn()).await,
        }
        .map_err(|e| e.to_diagnostic(&label, "reading the tags of"))?;
        let own = tags::tags_from_remote(&remote, &clients.default_tags, &req.current);
        let state = self.state_of(&req.ty, &found, &clients.region, &req.current, own, &remote)?;
        let mut new = NewState::new(state);
        if let Some(warning) = remote_state::refresh_warning(&label, found.state().as_str(), None) {
            new.warnings.push(warning);
        }
        Ok(new)
    }

    async fn update(&self, ctx: &Context, req: UpdateRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.prior)?;
        let sent = state::update_to_send(&self.schema, &req, &UPDATABLE);
        let config: CapacityProviderModel = tfplug::resource::decode_model(&sent)?;
        let name = config.name().to_string();
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Update),
            ctx.stop.clone(),
        );

        let changed = |a: &str| req.planned.get_attr(a) != req.prior.get_attr(a);
        // A block only removed from the configuration sends nothing: AWS keeps it.
        if UPDATABLE
            .iter()
            .any(|a| changed(a) && state::has_block(&req.planned, a))
        {
            tracing::info!(name = %name, "updating capacity provider");
            api::update(&clients, &budget, &config)
                .await
                .map_err(|e| e.to_diagnostic(&label, "updating"))?;
        }

        let tags_all = tags::merge(&clients.default_tags, &tags::own_tags(&req.planned));
        let old_all =
            tags::value_to_tags(req.prior.get_attr(tags::TAGS_ALL).unwrap_or(&Value::Null));
        let arn = text(&req.prior, ARN).unwrap_or_default();
        if old_all != tags_all {
            tagging::update_tags(&clients, &budget, arn, &old_all, &tags_all)
                .await
                .map_err(|e| e.to_diagnostic(&label, "tagging"))?;
        }
        // Done once AWS has it Active, whatever changed: an imported capacity provider may
        // still be Pending, and functions created on it next need it Active.
        let found = api::wait_active(&clients, &budget, &name)
            .await
            .map_err(|e| e.to_diagnostic(&label, "updating"))?;
        let own = tags::configured(&req.planned);
        let state = self.state_of(
            &req.ty,
            &found,
            &clients.region,
            &req.planned,
            own,
            &tags_all,
        )?;
        Ok(NewState::new(state))
    }

    async fn delete(&self, ctx: &Context, req: DeleteRequest) -> Result<Diagnostics> {
        let clients = clients_for(&self.clients, &req.prior)?;
        let name = stored_name(&req.prior, TYPE_NAME)?;
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.prior, Operation::Delete),
            ctx.stop.clone(),
        );
        tracing::info!(name = %name, "deleting capacity provider");
        match api::delete(&clients, &budget, &name).await {
            Ok(false) => return Ok(Diagnostics::new()),
            Ok(true) => {}
            Err(DeleteRefused::Failed(e)) => {
                return Err(e.to_diagnostic(&label, "deleting").into());
            }
            Err(DeleteRefused::InUse(e, versions)) => {
                let mut d = e.to_diagnostic(&label, "deleting");
                let aws_said = e.aws().map(|a| a.message.clone()).unwrap_or_default();
                d.detail = in_use::refused_detail(&versions, &aws_said);
                return Err(d.into());
            }
        }
        let waited = api::wait_deleted(&clients, &budget, &name).await;
        waited.map(|()| Diagnostics::new()).map_err(|e| {
            let error = e.to_diagnostic(&label, "deleting");
            remote_state::after_accepted_delete(error, "capacity provider").into()
        })
    }

    async fn import(&self, _ctx: &Context, req: ImportRequest) -> Result<Value> {
        let id = ImportId::parse(
            &req.id,
            "capacity-provider",
            &schema::name_attribute(),
            IMPORT_EXAMPLE,
        )?;
        let account = self.clients.try_get().and_then(|c| c.account_id.clone());
        identity::refuse_other_account(id.account.as_deref(), account.as_deref())?;
        import_stub(&req.ty, id)
    }

    async fn move_state(
        &self,
        _ctx: &Context,
        req: &MoveStateRequest<'_>,
    ) -> Option<Result<Value>> {
        let id = moved::SOURCE.import_id(
            req,
            "capacity-provider",
            &schema::name_attribute(),
            IMPORT_EXAMPLE,
        )?;
        Some(id.and_then(|id| import_stub(&req.ty, id)))
    }
}

/// CreateCapacityProvider; when AWS answers that the name is taken by a capacity provider
/// it is deleting (one a refresh dropped from the state), waits until it is gone and
/// creates again. Any other answer is returned as it is.
async fn create_once_the_name_is_free(
    clients: &AwsClients,
    budget: &Budget,
    config: &CapacityProviderModel,
    tags_all: &Tags,
) -> std::result::Result<Created<Option<String>>, Error> {
    let first = api::create(clients, budget, config, tags_all).await;
    let Err(Error::Aws(e)) = &first else {
        return first;
    };
    if !is_already_exists(e) {
        return first;
    }
    let name = config.name();
    match api::get(clients, budget, name).await {
        Ok(Some(cp)) if cp.state() == &CapacityProviderState::Deleting => {
            tracing::info!(name = %name, "waiting until AWS has deleted the capacity provider of this name");
            api::wait_deleted(clients, budget, name).await?;
            api::create(clients, budget, config, tags_all).await
        }
        _ => first,
    }
}

/// Makes an adopted capacity provider what the configuration says: its tags, and the
/// in-place settings the configuration writes (UpdateCapacityProvider, then the wait).
/// Returns AWS's answer afterwards.
async fn converge_adopted(
    clients: &AwsClients,
    budget: &Budget,
    config: &CapacityProviderModel,
    found: &CapacityProvider,
    tags_all: &Tags,
) -> std::result::Result<CapacityProvider, Error> {
    let arn = found.capacity_provider_arn();
    let remote = tagging::list_tags(clients, budget, arn).await?;
    if &remote != tags_all {
        tagging::update_tags(clients, budget, arn, &remote, tags_all).await?;
    }
    api::update(clients, budget, config).await?;
    api::wait_active(clients, budget, config.name()).await
}

/// The state Terraform reads to adopt an existing capacity provider: its name and region,
/// nothing else (the read fills in everything AWS has).
pub fn import_stub(ty: &ValueType, id: ImportId) -> Result<Value> {
    ty.encode(&CapacityProviderModel {
        name: Maybe::Known(id.name),
        region: id.region.into(),
        ..Default::default()
    })
}
