//! `lambda_durable_function`: a Lambda function with durable execution, on Lambda or on
//! a capacity provider (Lambda Managed Instances).
//!
//! Create waits until the function is ready (`Active`, or `ActiveNonInvocable` on a
//! capacity provider) and keeps a function that failed after AWS accepted it in state
//! (tainted). Update sends configuration and code as separate calls, only what changed,
//! waiting for `LastUpdateStatus` between them, then tags, then publishes when asked.
//! Removing an optional block restores AWS's default for it. A refresh warns of a
//! function AWS reports `Failed` or `Deleting`; a failed one is planned for replacement.
//! Destroy respects running durable executions (`running_executions_on_destroy`), and
//! plans that destroy or replace the function warn when some are active; a plan that
//! replaces it also names the published versions DeleteFunction deletes with it, and an
//! update that deletes every environment variable warns. Import takes a
//! name or ARN and refuses functions that are not durable; a `moved` block takes over an
//! `aws_lambda_function` of the HashiCorp AWS provider.
//!
//! The files: [`schema`] (every attribute once), [`rules`] (value-dependent rules, pure),
//! [`model`] and [`expand_flatten`] (values ↔ SDK types), [`api`] (the calls and
//! waiters), [`plan`] (what a plan changes: code, versions, replacement), [`moved`];
//! this file is the lifecycle.

pub mod api;
pub mod environment_size;
pub mod expand_flatten;
pub mod model;
pub mod moved;
pub mod plan;
pub mod reserved;
pub mod rules;
pub mod schema;
pub mod unmanaged;

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::identity::{IdentityRequest, IdentitySchema, ImportByIdentityRequest};
use tfplug::provider::Context;
use tfplug::resource::{
    CreateRequest, DeleteRequest, DestroyPlanContext, Error as TfError, GenerateConfigRequest,
    ImportRequest, MoveStateRequest, NewState, PlanContext, ReadRequest, Resource, Result,
    UpdateRequest, ValueType,
};
use tfplug::schema::{Block, Schema};
use tfplug::value::{Maybe, Value};

use crate::aws::ec2::check_at_plan;
use crate::aws::{AwsClients, Budget, Error, Operation, SharedClients, timeouts};
use crate::resources::common::executions::api as executions;
use crate::resources::common::executions::policy::{
    OnDestroy, PlannedChange, RUNNING_EXECUTIONS_ON_DESTROY,
};
use crate::resources::common::functions::{self, PublishRequest};
use crate::resources::common::identity;
use crate::resources::common::import_id::ImportId;
use crate::resources::common::interrupted::{self, ObjectKind, Target};
use crate::resources::common::remote_state;
use crate::resources::common::state::{self, reconcile, without_empty_strings};
use crate::resources::common::tainted;
use crate::resources::common::vpc_checks::{VpcIds, vpc_rules};
use crate::resources::common::{
    READ_TIMEOUT, clients_for, label, looked_up_at_plan, partial_state, plan_region, set_attr, text,
};
use crate::tags::{self, Tags};
use api::CodeSource;
use expand_flatten::flatten;
use model::FunctionModel;
use schema::TIMEOUTS;
use schema::names::*;

/// The identity's own attributes (then `region` and `account_id`).
const IDENTITY: &[(&str, &str)] = &[(FUNCTION_NAME, "Name of the function.")];

/// An import command for error messages.
const IMPORT_EXAMPLE: &str = "terraform import lambda_durable_function.orders orders";

/// The resource type name.
pub const TYPE_NAME: &str = "lambda_durable_function";

/// What creates make, for the messages about interrupted ones.
const OBJECT: ObjectKind = ObjectKind {
    resource_type: TYPE_NAME,
    noun: "function",
    name_attribute: FUNCTION_NAME,
};

/// The `lambda_durable_function` resource.
#[derive(Clone, Debug)]
pub struct DurableFunctionResource {
    clients: SharedClients,
    schema: Arc<Block>,
}

/// The stored function name.
fn stored_function_name(value: &Value) -> std::result::Result<String, Diagnostic> {
    text(value, FUNCTION_NAME)
        .map(str::to_string)
        .ok_or_else(|| {
            Diagnostic::error(
                "Invalid state",
                format!("The stored {TYPE_NAME} has no function_name."),
            )
        })
}

/// The configuration to send to AWS: `config` with the values the plan set for the
/// arguments it leaves unset that AWS would otherwise keep (`memory_size`, `timeout`:
/// AWS's defaults), so that an update restores them. Arguments set to `""` are sent as
/// unset, which is what they mean (as in the AWS provider): a create leaves them out,
/// an update clears them.
fn to_send(block: &Block, config: &Value, planned: &Value) -> Result<FunctionModel> {
    // At the planned values: `ignore_changes` keeps the state's in the plan only.
    let settings = state::settings_as_planned(block, config, planned);
    let mut m: FunctionModel = tfplug::resource::decode_model(&without_empty_strings(settings))?;
    let planned_number = |name: &str| {
        planned
            .get_attr(name)
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
    };
    if m.memory_size.is_null()
        && let Some(memory) = planned_number(MEMORY_SIZE)
    {
        m.memory_size = Maybe::Known(memory);
    }
    if m.timeout.is_null()
        && let Some(timeout) = planned_number(TIMEOUT)
    {
        m.timeout = Maybe::Known(timeout);
    }
    Ok(m)
}

/// What the state keeps that AWS does not return: the user's settings, read from the
/// plan or the previous state (values, not a model: a plan may hold unknowns).
struct Kept {
    source_code_hash: Maybe<String>,
    publish: Maybe<bool>,
    publish_to: Maybe<String>,
    on_destroy: Maybe<String>,
    timeouts: Value,
    /// The latest version this resource published while `publish` is on, else
    /// `$LATEST`.
    version: String,
}

impl Kept {
    fn from(base: &Value, adopting: bool, version: Option<String>) -> Self {
        let known_text = |name: &str| -> Maybe<String> {
            match base.get_attr(name) {
                Some(Value::String(s)) => Maybe::Known(s.clone()),
                Some(Value::Unknown) => Maybe::Unknown,
                _ => Maybe::Null,
            }
        };
        // An import knows nothing of publishing; a move from the AWS provider says it.
        let publish = match base.get_attr(PUBLISH) {
            Some(Value::Bool(b)) if !adopting || *b => *b,
            _ => false,
        };
        // With `publish` off, `$LATEST` holds what was applied: a version published
        // before no longer names the function's configuration (as the plan says, see
        // `plan::plan_unpublished_version`).
        let version = version
            .or_else(|| text(base, VERSION).map(str::to_string))
            .filter(|_| publish)
            .unwrap_or_else(|| plan::LATEST.to_string());
        Self {
            source_code_hash: known_text(SOURCE_CODE_HASH),
            publish: Maybe::Known(publish),
            publish_to: known_text(PUBLISH_TO),
            on_destroy: match known_text(RUNNING_EXECUTIONS_ON_DESTROY) {
                Maybe::Known(s) if !adopting => Maybe::Known(s),
                _ => Maybe::Known(OnDestroy::default().as_str().to_string()),
            },
            timeouts: base
                .get_attr(timeouts::BLOCK_NAME)
                .cloned()
                .unwrap_or(Value::Null),
            version,
        }
    }
}

impl DurableFunctionResource {
    /// The resource, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self {
            clients,
            schema: Arc::new(schema::resource_schema().block),
        }
    }

    /// The state to store after AWS returned `found`, in the form of `base` (the plan,
    /// or the previous state), with the user's own settings kept.
    #[allow(clippy::too_many_arguments)]
    fn state_of(
        &self,
        ty: &ValueType,
        found: &GetFunctionOutput,
        region: &str,
        base: &Value,
        own_tags: Value,
        tags_all: &Tags,
        version: Option<String>,
    ) -> Result<Value> {
        let adopting = base.get_attr(ARN).is_none_or(Value::is_null);
        let kept = Kept::from(base, adopting, version);
        let mut m = flatten(found);
        // `vpc_config` with empty lists, where AWS says nothing of a VPC: the function
        // has no VPC, as configured (AWS may also answer with empty lists).
        if m.vpc_config.is_empty() && !adopting && plan::empty_vpc_config(base) {
            m.vpc_config.push(model::VpcConfigModel::default());
        }
        if adopting {
            m = m.without_create_defaults();
            m.source_code_hash = m.code_sha256.clone();
        } else if let Maybe::Known(hash) = kept.source_code_hash {
            m.source_code_hash = Maybe::Known(hash);
        } else {
            // Not configured: it follows AWS's hash of the code.
            m.source_code_hash = m.code_sha256.clone();
        }
        let arn = m.arn.known().cloned().unwrap_or_default();
        m.region = Maybe::Known(region.to_string());
        m.tags_all = Maybe::Known(tags_all.clone());
        m.publish = kept.publish;
        m.publish_to = kept.publish_to;
        m.running_executions_on_destroy = kept.on_destroy;
        m.invoke_arn = Maybe::Known(plan::invoke_arn(&arn, region));
        let qualified = format!("{arn}:{}", kept.version);
        m.qualified_invoke_arn = Maybe::Known(plan::invoke_arn(&qualified, region));
        m.qualified_arn = Maybe::Known(qualified);
        m.version = Maybe::Known(kept.version);
        let mut remote = ty.encode(&m)?;
        set_attr(&mut remote, tags::TAGS, own_tags);
        set_attr(&mut remote, timeouts::BLOCK_NAME, kept.timeouts);
        let mut state = reconcile(&self.schema, base, remote, adopting);
        // Always a map, as planned (an empty one is not null).
        set_attr(&mut state, tags::TAGS_ALL, tags::to_map_value(tags_all));
        Ok(state)
    }

    /// The tags AWS returned with the function.
    fn remote_tags(found: &GetFunctionOutput) -> Tags {
        found
            .tags()
            .map(|t| t.clone().into_iter().collect())
            .unwrap_or_default()
    }

    /// Warns when the plan destroys or replaces the function while durable executions
    /// are active (what the apply will do under the stored policy).
    async fn warn_about_executions(
        &self,
        clients: &AwsClients,
        ctx: &Context,
        prior: &Value,
        change: PlannedChange,
    ) -> Option<Diagnostic> {
        let name = text(prior, FUNCTION_NAME)?;
        let label = label(TYPE_NAME, name);
        match executions::plan_warning_for(
            clients,
            ctx.stop.clone(),
            (name, None),
            &label,
            prior,
            change,
            TIMEOUTS.get(prior, Operation::Delete),
        )
        .await
        {
            Ok(warning) => warning,
            Err(e) => Some(Diagnostic::warning(
                format!("{label}: could not list its durable executions"),
                format!(
                    "The plan {} the function, but its running durable executions could not \
                     be listed ({e}); the apply checks again before deleting anything.",
                    match change {
                        PlannedChange::Destroy => "destroys",
                        PlannedChange::Replace => "replaces",
                    }
                ),
            )),
        }
    }

    /// Warns that a plan replacing the function deletes its published versions (listed
    /// now), which `lambda_function_version` resources may hold.
    async fn warn_about_versions(
        &self,
        clients: &AwsClients,
        ctx: &Context,
        prior: &Value,
    ) -> Option<Diagnostic> {
        let name = text(prior, FUNCTION_NAME)?;
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let versions = api::published_versions(clients, &budget, name).await;
        plan::replacement_deletes_versions(&label(TYPE_NAME, name), name, versions)
    }

    /// Applies a change of code, configuration and tags to an existing function, then
    /// publishes when asked; returns the version published, if any.
    async fn apply_changes(
        &self,
        clients: &AwsClients,
        budget: &Budget,
        req: &UpdateRequest,
        config: &FunctionModel,
        label: &str,
    ) -> std::result::Result<Option<String>, Diagnostic> {
        let name = config.name();
        let mut changes = plan::config_changes(&req.prior, &req.planned);
        let code_changed = plan::code_changes(&req.planned);
        if !changes.changed.is_empty() {
            // A saved plan applied after the function changed in AWS: also send what AWS
            // no longer holds as the plan says, so the result is what the plan showed
            // (one more read, only when the configuration is updated anyway).
            if let Ok(Some(found)) = functions::get(clients, budget, name).await
                && let Ok(remote) = self.state_of(
                    &req.ty,
                    &found,
                    &clients.region,
                    &req.prior,
                    Value::Null,
                    &Tags::new(),
                    None,
                )
            {
                changes = changes.merged(plan::config_changes(&remote, &req.planned));
            }
            tracing::info!(name, changed = ?changes.changed, "updating function configuration");
            api::update_configuration(clients, budget, config, &changes)
                .await
                .map_err(|e| e.to_diagnostic(label, "updating the configuration of"))?;
            functions::wait_ready(clients, budget, name)
                .await
                .map_err(|e| e.to_diagnostic(label, "updating the configuration of"))?;
        }
        if code_changed {
            tracing::info!(name, "updating function code");
            let code = CodeSource::of(config)
                .map_err(|e| e.to_diagnostic(label, "updating the code of"))?;
            api::update_code(clients, budget, config, &code)
                .await
                .map_err(|e| e.to_diagnostic(label, "updating the code of"))?;
            functions::wait_ready(clients, budget, name)
                .await
                .map_err(|e| e.to_diagnostic(label, "updating the code of"))?;
        }
        let tags_all = tags::merge(&clients.default_tags, &tags::own_tags(&req.planned));
        let old_all =
            tags::value_to_tags(req.prior.get_attr(tags::TAGS_ALL).unwrap_or(&Value::Null));
        if old_all != tags_all {
            let arn = text(&req.prior, ARN).unwrap_or_default();
            crate::aws::tagging::update_tags(clients, budget, arn, &old_all, &tags_all)
                .await
                .map_err(|e| e.to_diagnostic(label, "tagging"))?;
        }
        let publishes = config.publish.known() == Some(&true)
            && (code_changed
                || !changes.changed.is_empty()
                || plan::publish_turned_on(&req.prior, &req.planned)
                || plan::published_version_missing(&req.prior, &req.planned));
        if !publishes {
            return Ok(None);
        }
        self.publish(clients, budget, config, label).await.map(Some)
    }

    /// Makes an adopted function (an interrupted create's, see [`interrupted`]) what the
    /// plan says: the interrupted create sent these values, but the function may have
    /// been changed since (by hand, or by another run). Sends the configuration AWS no
    /// longer holds as planned, a zip whose hash AWS does not have (code from S3 or an
    /// image cannot be compared) and the tags; returns AWS's answer afterwards.
    #[allow(clippy::too_many_arguments)]
    async fn converge_adopted(
        &self,
        clients: &AwsClients,
        budget: &Budget,
        req: &CreateRequest,
        config: &FunctionModel,
        code: &CodeSource,
        found: GetFunctionOutput,
        tags_all: &Tags,
    ) -> std::result::Result<GetFunctionOutput, Error> {
        let name = config.name();
        let mut changed = false;
        // What cannot be turned into a state here fails the create's own read below.
        let changes = self
            .state_of(
                &req.ty,
                &found,
                &clients.region,
                &req.planned,
                Value::Null,
                &Tags::new(),
                None,
            )
            .map(|remote| plan::differences_from_create_plan(&remote, &req.planned));
        if let Ok(changes) = changes
            && !changes.changed.is_empty()
        {
            tracing::info!(name, changed = ?changes.changed, "adopted function differs from the plan");
            api::update_configuration(clients, budget, config, &changes).await?;
            functions::wait_ready(clients, budget, name).await?;
            changed = true;
        }
        let remote_code = found.configuration().and_then(|c| c.code_sha256());
        if let CodeSource::Zip(bytes) = code
            && remote_code != Some(plan::zip_sha256(bytes).as_str())
        {
            tracing::info!(name, "adopted function's code differs from the plan");
            api::update_code(clients, budget, config, code).await?;
            functions::wait_ready(clients, budget, name).await?;
            changed = true;
        }
        let remote_tags = Self::remote_tags(&found);
        if &remote_tags != tags_all {
            let arn = found
                .configuration()
                .and_then(|c| c.function_arn())
                .unwrap_or_default();
            crate::aws::tagging::update_tags(clients, budget, arn, &remote_tags, tags_all).await?;
            changed = true;
        }
        if !changed {
            return Ok(found);
        }
        Ok(functions::get(clients, budget, name)
            .await?
            .unwrap_or(found))
    }

    /// Publishes the code AWS holds now and waits until the version is Active.
    async fn publish(
        &self,
        clients: &AwsClients,
        budget: &Budget,
        config: &FunctionModel,
        label: &str,
    ) -> std::result::Result<String, Diagnostic> {
        let name = config.name();
        let current = functions::wait_ready(clients, budget, name)
            .await
            .map_err(|e| e.to_diagnostic(label, "publishing"))?;
        let sha = current.configuration().and_then(|c| c.code_sha256());
        let published = functions::publish(
            clients,
            budget,
            &PublishRequest {
                function: name,
                code_sha256: sha,
                publish_to: config.publish_to.known().map(String::as_str),
                ..PublishRequest::default()
            },
        )
        .await
        .map_err(|e| e.to_diagnostic(label, "publishing a version of"))?;
        let version = published.version().unwrap_or_default().to_string();
        tracing::info!(name, version = %version, "published");
        functions::wait_version_active(clients, budget, name, &version)
            .await
            .map_err(|e| e.to_diagnostic(label, "publishing a version of"))?;
        Ok(version)
    }
}

#[async_trait]
impl Resource for DurableFunctionResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new((*self.schema).clone())
    }

    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        rules::check(config)
    }

    async fn modify_plan(&self, ctx: &Context, p: &mut PlanContext) {
        if p.is_destroy() {
            return;
        }
        // First: it compares the plan with the prior state as the pipeline left it.
        plan::plan_memory_default(p, &self.schema);
        plan::plan_unpublished_version(p);
        plan::plan_vpc_id(p);
        remote_state::replace_if_failed(p);
        if let Some(w) = plan::removed_environment_warning(p) {
            p.diagnostics.push(w);
        }
        let Some(base) = self.clients.try_get() else {
            return;
        };
        let clients = plan_region(p, &base);
        let planned_all = tags::planned_tags_all(
            &clients.default_tags,
            p.config.get_attr(tags::TAGS).unwrap_or(&Value::Null),
        );
        set_attr(&mut p.planned, tags::TAGS_ALL, planned_all);
        plan::plan_code_and_versions(p);
        // Only when the apply uploads it: a configuration generated for an adopted
        // function names a package it may never need.
        if (p.is_create() || plan::code_changes(&p.planned))
            && let Some(d) = plan::unreadable_package(&p.config)
        {
            p.diagnostics.push(d);
        }
        plan::replace_on_capacity_provider_presence(p);
        p.diagnostics.extend(crate::review::at_plan::diagnostics(
            TYPE_NAME,
            p,
            &clients.review,
            None,
        ));
        if let Some((arn, diags)) = plan::capacity_provider_check(p) {
            let found = crate::resources::capacity_provider::api::get(
                &clients,
                &Budget::new(READ_TIMEOUT, ctx.stop.clone()),
                &arn,
            )
            .await;
            p.diagnostics.extend(looked_up_at_plan(diags(found)));
        }
        // The subnets and security groups of a new or changed vpc_config, as for a
        // capacity provider: a wrong ID fails the plan, not the apply.
        let vpc = VpcIds::from_plan(&p.planned);
        if (p.is_create() || VpcIds::from_plan(&p.prior) != vpc) && !vpc.query().is_empty() {
            let diags = check_at_plan(&clients, &vpc.query(), &ctx.stop, "function", |facts| {
                vpc_rules(&vpc, facts)
            })
            .await;
            p.diagnostics.extend(looked_up_at_plan(diags));
        }
        if !p.is_create() && !p.requires_replace.is_empty() {
            let (executions, versions) = tokio::join!(
                self.warn_about_executions(&clients, ctx, &p.prior, PlannedChange::Replace),
                self.warn_about_versions(&clients, ctx, &p.prior),
            );
            for w in executions.into_iter().chain(versions) {
                p.diagnostics.push(w);
            }
        }
    }

    async fn plan_destroy(&self, ctx: &Context, p: &DestroyPlanContext) -> Diagnostics {
        let Some(base) = self.clients.try_get() else {
            return Diagnostics::new();
        };
        let clients = base.for_region(text(&p.prior, crate::resources::common::REGION));
        self.warn_about_executions(&clients, ctx, &p.prior, PlannedChange::Destroy)
            .await
            .map(Diagnostics::from)
            .unwrap_or_default()
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
        identity::import_stub(
            &req,
            &[schema::function_name_attribute()],
            account.as_deref(),
        )
    }

    /// The generic configuration, plus a `filename` for a zip package: AWS cannot say
    /// where the code came from, and a configuration needs a code source. The file only
    /// has to exist once the code changes (the hash in `source_code_hash` matches AWS's).
    /// AWS's default memory is left out where the plan sets it for an unset
    /// `memory_size` (like `timeout`'s, a schema default the generic configuration
    /// leaves out). Terraform 1.14+ asks for it for `terraform query
    /// -generate-config-out` and `terraform plan -generate-config-out`; earlier versions
    /// write the configuration from the state themselves (`filename = null`).
    async fn generate_config(&self, _ctx: &Context, req: GenerateConfigRequest) -> Result<Value> {
        let mut config = req.default_config();
        if text(&req.state, IMAGE_URI).is_none() {
            let name = text(&req.state, FUNCTION_NAME).unwrap_or("function");
            set_attr(&mut config, FILENAME, Value::string(format!("{name}.zip")));
        }
        if rules::on_capacity_provider(&req.state) == Some(false)
            && req.state.get_attr(MEMORY_SIZE) == Some(&Value::number(schema::DEFAULT_MEMORY_SIZE))
        {
            set_attr(&mut config, MEMORY_SIZE, Value::Null);
        }
        Ok(config)
    }

    async fn create(&self, ctx: &Context, req: CreateRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.planned)?;
        let config = to_send(&self.schema, &req.config, &req.planned)?;
        let name = config.name().to_string();
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Create),
            ctx.stop.clone(),
        );
        let own_tags = config.tags.known().cloned().unwrap_or_default();
        let tags_all = tags::merge(&clients.default_tags, &own_tags);
        let code = CodeSource::of(&config).map_err(|e| e.to_diagnostic(&label, "creating"))?;

        tracing::info!(name = %name, "creating durable function");
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
            api::create(&clients, &budget, &config, &code, &tags_all),
            || async {
                functions::get(&clients, &budget, &name)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|f| f.configuration()?.function_arn().map(str::to_string))
            },
        )
        .await?;
        let arn = guarded.answer.flatten();
        // From here on AWS has the function: every failure keeps it in state (tainted).
        let keep = |d: Diagnostic, state: &str, timed_out: bool| {
            let mut d = d;
            d.detail
                .push_str(&tainted::kept_as_tainted("function", timed_out));
            TfError::new(d).keep_state(partial_state(&req.planned, ARN, arn.as_deref(), state))
        };
        let mut found = match functions::wait_ready(&clients, &budget, &name).await {
            Ok(found) => found,
            Err(e) => {
                let state = match &e {
                    Error::FailedState { state, .. } => state.clone(),
                    _ => "Pending".to_string(),
                };
                return Err(keep(
                    e.to_diagnostic(&label, "creating"),
                    &state,
                    tainted::timed_out(&e),
                ));
            }
        };
        if guarded.adopted.is_some() {
            found = self
                .converge_adopted(&clients, &budget, &req, &config, &code, found, &tags_all)
                .await
                .map_err(|e| {
                    keep(
                        e.to_diagnostic(&label, "adopting"),
                        "Active",
                        tainted::timed_out(&e),
                    )
                })?;
        }
        let mut version = None;
        if config.publish.known() == Some(&true) {
            match self.publish(&clients, &budget, &config, &label).await {
                Ok(v) => version = Some(v),
                Err(d) => return Err(keep(d, "Active", false)),
            }
            found = functions::get(&clients, &budget, &name)
                .await
                .map_err(|e| {
                    keep(
                        e.to_diagnostic(&label, "reading"),
                        "Active",
                        tainted::timed_out(&e),
                    )
                })?
                .unwrap_or(found);
        }
        let own = tags::configured(&req.config);
        let state = self
            .state_of(
                &req.ty,
                &found,
                &clients.region,
                &req.planned,
                own,
                &tags_all,
                version,
            )
            .map_err(|e| {
                e.keep_state(partial_state(&req.planned, ARN, arn.as_deref(), "Active"))
            })?;
        guarded.progress.finished();
        let mut new = NewState::new(state).with_private(plan::code_fingerprint(&config));
        if let Some(warning) = guarded.adopted {
            new = new.with_warning(warning);
        }
        Ok(new)
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.current)?;
        let name = stored_function_name(&req.current)?;
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        // The version this resource published, asked for beside the function (one round
        // trip): another resource or someone outside Terraform may have deleted it.
        // Only numbered versions: `$LATEST` is no publish, and an alias-like qualifier
        // (`$LATEST.PUBLISHED`) is not a version that can be deleted.
        let published = text(&req.current, VERSION)
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .filter(|_| req.current.get_attr(PUBLISH) == Some(&Value::Bool(true)))
            .map(|v| format!("{name}:{v}"));
        let (found, version_found) =
            tokio::join!(functions::get(&clients, &budget, &name), async {
                match &published {
                    Some(qualified) => functions::get(&clients, &budget, qualified).await.map(Some),
                    None => Ok(None),
                }
            });
        let Some(found) = found.map_err(|e| e.to_diagnostic(&label, "reading"))? else {
            tracing::warn!(name = %name, "function not found; removing it from state");
            return Ok(NewState::gone(remote_state::removed_as_gone(&label)));
        };
        let adopting = req.current.get_attr(ARN).is_none_or(Value::is_null);
        if adopting
            && found
                .configuration()
                .and_then(|c| c.durable_config())
                .is_none()
        {
            return Err(Diagnostic::error(
                format!("{label} is not a durable function"),
                format!(
                    "Function {name:?} has no durable configuration, and AWS cannot add one \
                     to an existing function, so {TYPE_NAME} cannot manage it. Manage it with \
                     the AWS provider's aws_lambda_function instead, or create a new durable \
                     function."
                ),
            )
            .into());
        }
        let aws_code = found.configuration().and_then(|c| c.code_sha256());
        let code_changed_outside = !adopting && plan::code_changed_outside(&req.current, aws_code);
        let remote = Self::remote_tags(&found);
        let own = tags::tags_from_remote(&remote, &clients.default_tags, &req.current);
        let mut base = req.current.clone();
        let mut warnings = Diagnostics::new();
        if adopting
            && let Some(c) = found.configuration()
            && let settings = unmanaged::unmanaged_settings(c)
            && !settings.is_empty()
        {
            warnings.push(unmanaged::warning(&label, &settings));
        }
        if let (Some(qualified), Ok(Some(None))) = (&published, &version_found) {
            set_attr(&mut base, VERSION, Value::Null);
            warnings.push(Diagnostic::warning(
                format!("{label}: its published version is gone"),
                format!(
                    "{qualified} no longer exists: it was deleted outside this resource (by a \
                     lambda_function_version of the same code, or outside Terraform). The \
                     next apply publishes a new version, and version and qualified_arn follow \
                     it."
                ),
            ));
        }
        if let (Some(qualified), Ok(Some(Some(version)))) = (&published, &version_found) {
            let changed = plan::unpublished_changes(
                &req.ty.encode(&flatten(&found))?,
                &req.ty.encode(&flatten(version))?,
            );
            if !changed.is_empty() {
                // The next apply publishes (`plan::published_version_missing`); AWS
                // answers with an existing version that already holds `$LATEST`.
                set_attr(&mut base, VERSION, Value::Null);
                warnings.push(Diagnostic::warning(
                    format!("{label}: its published version is out of date"),
                    format!(
                        "{qualified} does not hold the function's {}: an apply that changed \
                         the function was interrupted before it published, or the function \
                         was changed outside Terraform. The next apply publishes a version \
                         of what the function holds now, and version and qualified_arn \
                         follow it.",
                        changed.join(", ")
                    ),
                ));
            }
        }
        if let Some(c) = found.configuration()
            && let Some(state) = c.state()
        {
            let reason = functions::state_reason(c);
            if let Some(w) =
                remote_state::refresh_warning(&label, state.as_str(), reason.as_deref())
            {
                warnings.push(w);
            }
        }
        if code_changed_outside {
            warnings.push(Diagnostic::warning(
                format!("{label}: its code was changed outside Terraform"),
                format!(
                    "AWS's code_sha256 is {:?}, where the state recorded {:?}: other code \
                     was deployed to the function outside Terraform (or by an apply that was \
                     interrupted before it recorded it). The next apply deploys the \
                     configured code again (filename, s3_bucket/s3_key or image_uri).",
                    aws_code.unwrap_or_default(),
                    text(&req.current, CODE_SHA256).unwrap_or_default(),
                ),
            ));
        }
        let state = self.state_of(&req.ty, &found, &clients.region, &base, own, &remote, None)?;
        let mut new_state = NewState::new(state);
        if code_changed_outside {
            new_state.private = Some(plan::CODE_CHANGED_OUTSIDE.to_vec());
        }
        new_state.warnings.extend(warnings);
        Ok(new_state)
    }

    async fn update(&self, ctx: &Context, req: UpdateRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.prior)?;
        let config = to_send(&self.schema, &req.config, &req.planned)?;
        let name = config.name().to_string();
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Update),
            ctx.stop.clone(),
        );
        let version = self
            .apply_changes(&clients, &budget, &req, &config, &label)
            .await?;
        let found = functions::get(&clients, &budget, &name)
            .await
            .map_err(|e| e.to_diagnostic(&label, "reading"))?
            .ok_or_else(|| {
                Diagnostic::error(
                    format!("Error updating {label}"),
                    "The function disappeared during the update.",
                )
            })?;
        let tags_all = tags::merge(&clients.default_tags, &tags::own_tags(&req.planned));
        let own = tags::configured(&req.planned);
        let state = self.state_of(
            &req.ty,
            &found,
            &clients.region,
            &req.planned,
            own,
            &tags_all,
            version,
        )?;
        Ok(NewState::new(state).with_private(plan::code_fingerprint(&config)))
    }

    async fn delete(&self, ctx: &Context, req: DeleteRequest) -> Result<Diagnostics> {
        let clients = clients_for(&self.clients, &req.prior)?;
        let name = stored_function_name(&req.prior)?;
        let label = label(TYPE_NAME, &name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.prior, Operation::Delete),
            ctx.stop.clone(),
        );
        let policy = OnDestroy::of(&req.prior).unwrap_or_default();
        let warnings: Diagnostics =
            executions::clear_for_destroy(&clients, &budget, &name, None, policy, &label)
                .await?
                .into_iter()
                .collect();
        tracing::info!(name = %name, "deleting durable function");
        if !api::delete(&clients, &budget, &name)
            .await
            .map_err(|e| e.to_diagnostic(&label, "deleting"))?
        {
            return Ok(warnings);
        }
        let waited = api::wait_deleted(&clients, &budget, &name).await;
        waited.map(|()| warnings).map_err(|e| {
            let error = e.to_diagnostic(&label, "deleting");
            remote_state::after_accepted_delete(error, "function").into()
        })
    }

    async fn import(&self, _ctx: &Context, req: ImportRequest) -> Result<Value> {
        let id = ImportId::parse(
            &req.id,
            "function",
            &schema::function_name_attribute(),
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
            "function",
            &schema::function_name_attribute(),
            IMPORT_EXAMPLE,
        )?;
        let published = moved::published_version(req.source_state_json);
        Some(id.and_then(|id| {
            let mut stub = import_stub(&req.ty, id)?;
            // The source's `publish` and last version, which AWS cannot tell: without them
            // `publish = true` would plan a change, and a publish, after the move.
            if let Some(version) = published {
                set_attr(&mut stub, PUBLISH, Value::Bool(true));
                if let Some(version) = version {
                    set_attr(&mut stub, VERSION, Value::string(version));
                }
            }
            Ok(stub)
        }))
    }
}

/// The state Terraform reads to adopt an existing function: its name and region.
pub fn import_stub(ty: &ValueType, id: ImportId) -> Result<Value> {
    ty.encode(&FunctionModel {
        function_name: Maybe::Known(id.name),
        region: id.region.into(),
        ..Default::default()
    })
}
