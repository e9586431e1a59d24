//! `lambda_function_version`: a published version of a function and, on Lambda Managed
//! Instances, the execution environments it keeps running.
//!
//! Create publishes once (AWS returns the latest version instead of a new one when
//! nothing changed, so retries publish nothing more, and neither does the next apply
//! after one killed mid-create: unlike the other resources' creates, it needs no
//! journal of [`crate::resources::common::interrupted`]) and waits until the version is
//! `Active` — on managed instances, until its execution environments run — then applies
//! `function_scaling_config` and waits until AWS has applied it. Update changes only the
//! scaling; everything that decides what is published replaces the version. Destroy
//! respects durable executions pinned to the version (`running_executions_on_destroy`),
//! keeps it with `skip_destroy`, and never deletes a version another instance created in
//! the same run holds (`create_before_destroy` with unchanged code gets the same version
//! back from AWS).
//!
//! The files: [`schema`], [`rules`] (pure), [`model`], [`api`] (the calls); this file is
//! the lifecycle.

pub mod api;
pub mod interrupted_publish;
pub mod model;
pub mod rules;
pub mod schema;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::identity::{IdentityRequest, IdentitySchema, ImportByIdentityRequest};
use tfplug::provider::Context;
use tfplug::resource::{
    CreateRequest, DeleteRequest, DestroyPlanContext, Error as TfError, GenerateConfigRequest,
    ImportRequest, NewState, PlanContext, ReadRequest, Resource, Result, UpdateRequest, ValueType,
};
use tfplug::schema::{Block, Schema};
use tfplug::value::{AttributePath, Maybe, Value};

use crate::aws::error::GONE_SINCE_PLAN_HINT;
use crate::aws::{AwsClients, Budget, Error, Operation, SharedClients, timeouts};
use crate::resources::common::executions::api as executions;
use crate::resources::common::executions::{
    OnDestroy, PlannedChange, RUNNING_EXECUTIONS_ON_DESTROY,
};
use crate::resources::common::functions::{
    self, PublishRequest, RETRY_AFTER_LOST_ANSWER, get, publish, wait_version_active,
};
use crate::resources::common::identity;
use crate::resources::common::import_id::ImportId;
use crate::resources::common::interrupted::{self, CreateInProgress};
use crate::resources::common::journal::Journal;
use crate::resources::common::remote_state;
use crate::resources::common::state::{self, reconcile, same_meaning};
use crate::resources::common::tainted;
use crate::resources::common::{
    READ_TIMEOUT, REGION, STATE, clients_for, label, looked_up_at_plan, plan_region_implied,
    set_attr, text,
};
use api::Scaling;
use model::{PrivateModel, VersionModel};
use schema::TIMEOUTS;
use schema::names::*;

/// The identity's own attributes (then `region` and `account_id`).
const IDENTITY: &[(&str, &str)] = &[
    (
        FUNCTION_NAME,
        "Name (or ARN) of the function, as in the configuration.",
    ),
    (VERSION, "The version number."),
];

/// The resource type name.
pub const TYPE_NAME: &str = "lambda_function_version";

/// The `lambda_function_version` resource.
#[derive(Clone, Debug)]
pub struct FunctionVersionResource {
    clients: SharedClients,
    schema: Arc<Block>,
    /// `FUNCTION_ARN:VERSION` of the versions created by this provider process: a destroy
    /// in the same run (the deposed instance of a `create_before_destroy` replacement)
    /// must not delete a version a new instance holds.
    created_here: Arc<Mutex<BTreeSet<String>>>,
}

/// `lambda_function_version "orders:3"`.
fn version_label(function: &str, version: &str) -> String {
    label(TYPE_NAME, &format!("{function}:{version}"))
}

/// The version's function and number from a stored state.
fn stored_identity(value: &Value) -> std::result::Result<(String, String), Diagnostic> {
    match (text(value, FUNCTION_NAME), text(value, VERSION)) {
        (Some(f), Some(v)) => Ok((f.to_string(), v.to_string())),
        _ => Err(Diagnostic::error(
            "Invalid state",
            format!("The stored {TYPE_NAME} has no function_name or version."),
        )),
    }
}

/// Splits an import ID `FUNCTION:VERSION` (function name or ARN).
fn split_import_id(id: &str) -> Option<(&str, &str)> {
    let (function, version) = id.trim().rsplit_once(':')?;
    (!function.is_empty() && !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .then_some((function, version))
}

impl FunctionVersionResource {
    /// The resource, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self {
            clients,
            schema: Arc::new(schema::resource_schema().block),
            created_here: Arc::default(),
        }
    }

    fn remember(&self, key: String) {
        if let Ok(mut set) = self.created_here.lock() {
            set.insert(key);
        }
    }

    fn created_in_this_run(&self, key: &str) -> bool {
        self.created_here
            .lock()
            .map(|set| set.contains(key))
            .unwrap_or(false)
    }

    /// The state to store for the version AWS returned, in the form of `base`.
    fn state_of(
        &self,
        ty: &ValueType,
        found: &GetFunctionOutput,
        scaling: Option<&Scaling>,
        region: &str,
        base: &Value,
    ) -> Result<Value> {
        let adopting = base.get_attr(ARN).is_none_or(Value::is_null);
        let c = found.configuration();
        let text_of = |v: Option<&str>| -> Maybe<String> {
            v.filter(|s| !s.is_empty()).map(str::to_string).into()
        };
        let arn = c.and_then(|c| c.function_arn()).unwrap_or_default();
        let function_arn = arn.rsplit_once(':').map_or(arn, |(f, _)| f);
        let applied = scaling.and_then(|s| s.applied.clone());
        let wanted = scaling.and_then(|s| s.requested.clone().or_else(|| s.applied.clone()));
        let kept = |name: &str| base.get_attr(name).cloned().unwrap_or(Value::Null);
        let guard = |name: &str, remote: Maybe<String>| match base.get_attr(name) {
            Some(Value::String(s)) if !adopting => Maybe::Known(s.clone()),
            _ => remote,
        };
        let m = VersionModel {
            function_name: match text(base, FUNCTION_NAME) {
                Some(f) => Maybe::Known(f.to_string()),
                None => text_of(c.and_then(|c| c.function_name())),
            },
            region: Maybe::Known(region.to_string()),
            description: text_of(c.and_then(|c| c.description())),
            code_sha256: guard(CODE_SHA256, text_of(c.and_then(|c| c.code_sha256()))),
            revision_id: guard(REVISION_ID, text_of(c.and_then(|c| c.revision_id()))),
            version: text_of(c.and_then(|c| c.version())),
            arn: text_of(Some(arn)),
            function_arn: text_of(Some(function_arn)),
            state: c
                .and_then(|c| c.state())
                .map(|s| s.as_str().to_string())
                .into(),
            last_modified: text_of(c.and_then(|c| c.last_modified())),
            capacity_provider_arn: text_of(
                c.and_then(|c| c.capacity_provider_config())
                    .and_then(|cp| cp.lambda_managed_instances_capacity_provider_config())
                    .map(|m| m.capacity_provider_arn()),
            ),
            applied_min_execution_environments: applied
                .as_ref()
                .and_then(|a| a.min_execution_environments)
                .into(),
            applied_max_execution_environments: applied
                .as_ref()
                .and_then(|a| a.max_execution_environments)
                .into(),
            function_scaling_config: wanted.into_iter().collect(),
            ..VersionModel::default()
        };
        let mut remote = ty.encode(&m)?;
        for name in [PUBLISH_TO, TRIGGERS, timeouts::BLOCK_NAME] {
            set_attr(&mut remote, name, kept(name));
        }
        let default = |name: &str, value: Value| match base.get_attr(name) {
            Some(v) if !adopting && !v.is_null() && !v.is_unknown() => v.clone(),
            _ => value,
        };
        set_attr(
            &mut remote,
            SKIP_DESTROY,
            default(SKIP_DESTROY, Value::Bool(false)),
        );
        set_attr(
            &mut remote,
            RUNNING_EXECUTIONS_ON_DESTROY,
            default(
                RUNNING_EXECUTIONS_ON_DESTROY,
                Value::string(OnDestroy::default().as_str()),
            ),
        );
        Ok(reconcile(&self.schema, base, remote, adopting))
    }

    /// The version and, on a capacity provider, its scaling. `expect_capacity_provider`
    /// (what the state says) lets the two calls go out together.
    async fn fetch(
        &self,
        clients: &AwsClients,
        budget: &Budget,
        function: &str,
        version: &str,
        expect_capacity_provider: bool,
    ) -> std::result::Result<Option<(GetFunctionOutput, Option<Scaling>)>, Error> {
        let qualified = format!("{function}:{version}");
        // A published version never moves between capacity providers, so a state that
        // says it runs on one lets both calls go out at once: one round trip, not two.
        let (found, early_scaling) = if expect_capacity_provider {
            let (found, scaling) = tokio::join!(
                get(clients, budget, &qualified),
                api::get_scaling(clients, budget, function, version)
            );
            (found?, Some(scaling))
        } else {
            (get(clients, budget, &qualified).await?, None)
        };
        let Some(found) = found else {
            return Ok(None);
        };
        let on_cp = found
            .configuration()
            .and_then(|c| c.capacity_provider_config())
            .is_some();
        let scaling = match (on_cp, early_scaling) {
            (false, _) => None,
            (true, Some(scaling)) => Some(scaling?),
            (true, None) => Some(api::get_scaling(clients, budget, function, version).await?),
        };
        Ok(Some((found, scaling)))
    }

    /// Warns when the plan destroys or replaces the version while durable executions
    /// pinned to it are active.
    async fn warn_about_executions(
        &self,
        clients: &AwsClients,
        ctx: &Context,
        prior: &Value,
        change: PlannedChange,
    ) -> Option<Diagnostic> {
        let (function, version) = stored_identity(prior).ok()?;
        if prior.get_attr(SKIP_DESTROY) == Some(&Value::Bool(true)) {
            return None;
        }
        let label = version_label(&function, &version);
        let mut warning = executions::plan_warning_for(
            clients,
            ctx.stop.clone(),
            (&function, Some(&version)),
            &label,
            prior,
            change,
            TIMEOUTS.get(prior, Operation::Delete),
        )
        .await
        .ok()??;
        if change == PlannedChange::Replace {
            warning.detail.push_str(&format!(
                "\n\nThis holds only if the replacement publishes a new version. If nothing \
                 in the function changes before it publishes (a new trigger alone, with \
                 create_before_destroy), AWS answers with version {version} again, and the \
                 apply keeps it and its executions: nothing is stopped or deleted."
            ));
        }
        Some(warning)
    }

    /// Plan-time look-ups: scaling on a function without a capacity provider, and the
    /// capacity provider's version limit. Skipped when the function does not exist yet
    /// or AWS cannot be reached (the apply reports AWS's answer).
    async fn plan_checks(&self, clients: &AwsClients, ctx: &Context, p: &mut PlanContext) {
        let Some(function) = text(&p.planned, FUNCTION_NAME).map(str::to_string) else {
            return;
        };
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let Ok(Some(found)) = get(clients, &budget, &function).await else {
            return;
        };
        let state = found.configuration().and_then(|c| c.state());
        if state.map(|s| s.as_str()) == Some(remote_state::DELETING) {
            let error = rules::function_deleting_error(&function);
            p.diagnostics.extend(looked_up_at_plan(error.into()));
            return;
        }
        if let Some(latest) = found.configuration().and_then(|c| c.code_sha256())
            && let Some(w) = rules::code_guard_warning(&function, &p.config, latest)
        {
            p.diagnostics.push(w);
        }
        let cp = found
            .configuration()
            .and_then(|c| c.capacity_provider_config())
            .and_then(|c| c.lambda_managed_instances_capacity_provider_config())
            .map(|m| m.capacity_provider_arn().to_string());
        let has_scaling = p
            .config
            .get_attr(SCALING)
            .and_then(Value::as_elements)
            .is_some_and(|e| !e.is_empty());
        match cp {
            // Values known only at apply (a trigger on the function's hashes) mean the
            // function changes in this apply, perhaps onto a capacity provider: the
            // function as it is now decides nothing then.
            None if has_scaling && !p.config.is_fully_known() => {
                p.diagnostics
                    .push(rules::scaling_may_need_capacity_provider(
                        &function, &p.config,
                    ))
            }
            None if has_scaling => p.diagnostics.extend(looked_up_at_plan(
                rules::scaling_needs_capacity_provider(&function, &p.config).into(),
            )),
            Some(cp) if p.is_create() || !p.requires_replace.is_empty() => {
                if let Ok(versions) = functions::on_capacity_provider(clients, &budget, &cp).await
                    && let Some(w) = rules::versions_limit_warning(
                        &cp,
                        rules::published_versions(versions.iter().map(|(arn, _)| arn.as_str())),
                    )
                {
                    p.diagnostics.push(w);
                }
            }
            _ => {}
        }
    }

    /// What a failed publish means, in the user's terms.
    fn publish_error(e: &Error, label: &str, config: &VersionModel) -> Diagnostic {
        let mut d = e.to_diagnostic(label, "publishing");
        let Some(aws) = e.aws() else {
            return d;
        };
        if aws.is_not_found() {
            // A create: the function may never have existed, so the hint that it was
            // deleted after the plan would mislead.
            d.detail = d.detail.replace(&format!("\n\n{GONE_SINCE_PLAN_HINT}"), "");
            d.detail.push_str(
                "\n\nThe function does not exist (or not in this region and account). If this \
                 configuration creates it, refer to it, e.g. function_name = \
                 lambda_durable_function.NAME.function_name, so that Terraform creates it \
                 before publishing; otherwise check function_name.",
            );
            return d.at(AttributePath::attr(FUNCTION_NAME));
        } else if aws.has_code("FunctionVersionsPerCapacityProviderLimitExceededException") {
            d.detail.push_str(&format!(
                "\n\nThe function's capacity provider holds the most function versions AWS \
                 allows ({}). {}",
                rules::VERSIONS_PER_CAPACITY_PROVIDER,
                rules::prune_hint()
            ));
        } else if aws.has_code("PreconditionFailedException")
            && aws.message.contains(RETRY_AFTER_LOST_ANSWER)
        {
            d.detail.push_str(
                "\n\nAWS most likely published the version on the first attempt: publishing \
                 changes $LATEST's revision, which the retry's revision_id guard then no longer \
                 matched. Give revision_id the function's current revision (e.g. revision_id = \
                 lambda_durable_function.NAME.revision_id, which the next refresh reads) and \
                 apply again: AWS then returns the version it published instead of publishing \
                 another.",
            );
        } else if aws.has_code("PreconditionFailedException") {
            d.detail.push_str(&format!(
                "\n\nrevision_id = {:?} no longer matches the function's $LATEST: it changed \
                 after the plan. Plan again to publish what it holds now.",
                config.revision_id.known().cloned().unwrap_or_default()
            ));
        } else if aws.message.contains("CodeSHA256") {
            d.detail.push_str(&format!(
                "\n\ncode_sha256 = {:?} is not the code of the function's $LATEST: either the \
                 code changed after the plan (plan again to publish what it holds now), or \
                 code_sha256 names other code (take it from the function: \
                 lambda_durable_function.NAME.code_sha256, or remove it).",
                config.code_sha256.known().cloned().unwrap_or_default()
            ));
        } else if aws.message.contains("capacity provider configuration") {
            d.detail.push_str(
                "\n\nfunction_scaling_config applies only to functions on a capacity provider: \
                 remove it, or run the function on Lambda Managed Instances.",
            );
        }
        d
    }
}

#[async_trait]
impl Resource for FunctionVersionResource {
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
        record_in_place(p);
        remote_state::replace_if_failed(p);
        if !p.is_create()
            && p.planned.get_attr(SCALING) != p.prior.get_attr(SCALING)
            && p.requires_replace.is_empty()
        {
            for name in [APPLIED_MIN, APPLIED_MAX, STATE] {
                set_attr(&mut p.planned, name, Value::Unknown);
            }
        }
        let Some(base) = self.clients.try_get() else {
            return;
        };
        // A function named by ARN is in the ARN's region, whatever the provider's is; an
        // ARN known only at apply (`lambda_durable_function.x.arn` on create) gives it then.
        let region_to_come = p.config.get_attr(REGION).is_none_or(Value::is_null)
            && p.config
                .get_attr(FUNCTION_NAME)
                .is_some_and(Value::is_unknown);
        let clients = if region_to_come {
            base.clone()
        } else {
            let in_arn = rules::function_region(&p.config).map(str::to_string);
            plan_region_implied(p, &base, in_arn.as_deref())
        };
        if p.is_create() || !p.requires_replace.is_empty() {
            self.plan_checks(&clients, ctx, p).await;
        } else if let Some(d) = scaling_added_off_capacity_providers(p) {
            p.diagnostics.push(d);
        }
        // A plan that fails (say, scaling on a function without a capacity provider)
        // needs a changed configuration: the review's advice on this one is moot.
        if !p.diagnostics.has_errors() {
            p.diagnostics.extend(crate::review::at_plan::diagnostics(
                TYPE_NAME,
                p,
                &clients.review,
                None,
            ));
        }
        if !p.is_create()
            && !p.requires_replace.is_empty()
            && let Some(w) = self
                .warn_about_executions(&clients, ctx, &p.prior, PlannedChange::Replace)
                .await
        {
            p.diagnostics.push(w);
        }
    }

    async fn plan_destroy(&self, ctx: &Context, p: &DestroyPlanContext) -> Diagnostics {
        let Some(base) = self.clients.try_get() else {
            return Diagnostics::new();
        };
        let clients = base.for_region(text(&p.prior, REGION));
        self.warn_about_executions(&clients, ctx, &p.prior, PlannedChange::Destroy)
            .await
            .map(Diagnostics::from)
            .unwrap_or_default()
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity::schema(IDENTITY))
    }

    /// The identity of the state; its `function_name` stays the form it was first
    /// recorded in when the configuration switched between name and ARN in place.
    async fn identity(&self, _ctx: &Context, req: IdentityRequest) -> Result<Value> {
        let mut id = identity::of_state(&req, ARN)?;
        if let Some(name) = PrivateModel::decode(&req.private).identity_function_name
            && !id.is_null()
        {
            set_attr(&mut id, FUNCTION_NAME, Value::string(name));
        }
        Ok(id)
    }

    async fn import_by_identity(
        &self,
        _ctx: &Context,
        req: ImportByIdentityRequest,
    ) -> Result<Value> {
        let account = self.clients.try_get().and_then(|c| c.account_id.clone());
        let version = text(&req.identity, VERSION).unwrap_or_default();
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(identity::invalid(
                VERSION,
                version,
                "it must be a published version's number, e.g. \"3\" ($LATEST is the \
                 function, not a version this resource manages).",
            )
            .into());
        }
        identity::import_stub(
            &req,
            &[schema::function_name_attribute()],
            account.as_deref(),
        )
    }

    /// The generic configuration without the publish guards `code_sha256` and
    /// `revision_id`: AWS fills them in (the version's own hash and revision), and written
    /// into a configuration they would read as guards for the next publish.
    async fn generate_config(&self, _ctx: &Context, req: GenerateConfigRequest) -> Result<Value> {
        let mut config = req.default_config();
        for guard in [CODE_SHA256, REVISION_ID] {
            set_attr(&mut config, guard, Value::Null);
        }
        Ok(config)
    }

    /// Publishes, journaled (see [`interrupted_publish`]): the journal entry stays unless
    /// the create answers Terraform with the version, and a create that finds an
    /// interrupted publish's entry warns about the versions published since.
    async fn create(&self, ctx: &Context, req: CreateRequest) -> Result<NewState> {
        let config: VersionModel = req.config()?;
        let clients = self.create_clients(&req)?;
        let function = config.function().to_string();
        let mut progress = Some(CreateInProgress::begin(
            Journal::of_working_directory(),
            interrupted::key(
                interrupted_publish::KIND,
                clients.account_id.as_deref(),
                &clients.region,
                &function,
            ),
            interrupted::planned_bytes(&req),
        ));
        let since = progress
            .as_ref()
            .and_then(CreateInProgress::interrupted_since);
        let created = self.publish_version(ctx, req, &mut progress).await?;
        if let Some(progress) = progress {
            progress.finished();
        }
        let Some(since) = since else {
            return Ok(created);
        };
        let published = text(&created.state, VERSION)
            .unwrap_or_default()
            .to_string();
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        match api::listed_versions(&clients, &budget, &function).await {
            Ok(listed) => {
                let left = interrupted_publish::published_since(&listed, since, &published);
                if left.is_empty() {
                    Ok(created)
                } else {
                    Ok(created
                        .with_warning(interrupted_publish::warning(&function, &left, &published)))
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot list the versions an interrupted publish may have left");
                Ok(created)
            }
        }
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.current)?;
        let (function, version) = stored_identity(&req.current)?;
        let label = version_label(&function, &version);
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let on_cp = runs_on_capacity_provider(&req.current);
        let Some((found, scaling)) = self
            .fetch(&clients, &budget, &function, &version, on_cp)
            .await
            .map_err(|e| e.to_diagnostic(&label, "reading"))?
        else {
            tracing::warn!(function = %function, version = %version, "version not found; removing it from state");
            return Ok(NewState::gone(Diagnostic::warning(
                format!("{label} no longer exists"),
                format!(
                    "AWS has no version {version} of {function:?} any more. It was deleted with \
                     its function (replacing or deleting a function deletes every version of \
                     it, in this configuration or another), or deleted outside Terraform (or by \
                     a destroy stopped before Terraform recorded it). It is removed from the \
                     state; if the configuration still has it, the next apply publishes a new \
                     version."
                ),
            )));
        };
        let c = found.configuration();
        let remote = rules::Published {
            last_modified: c.and_then(|c| c.last_modified()),
            code_sha256: c.and_then(|c| c.code_sha256()),
            capacity_provider_arn: c
                .and_then(|c| c.capacity_provider_config())
                .and_then(|cp| cp.lambda_managed_instances_capacity_provider_config())
                .map(|m| m.capacity_provider_arn()),
            state: c.and_then(|c| c.state()).map(|s| s.as_str()),
        };
        if let Some(differs) = rules::another_version(&req.current, &remote) {
            tracing::warn!(function = %function, version = %version, differs, "another version under the same number; removing it from state");
            return Ok(NewState::gone(rules::another_version_warning(
                &label, &function, &version, differs,
            )));
        }
        let state = self.state_of(
            &req.ty,
            &found,
            scaling.as_ref(),
            &clients.region,
            &req.current,
        )?;
        let mut new = NewState::new(state);
        if req.current.get_attr(ARN).is_none_or(Value::is_null) {
            // Adopting (an import): the next plan records how it says it was published.
            let mut private = PrivateModel::decode(&req.private);
            private.imported = true;
            new = new.with_private(private.encode());
        }
        if let Some(state) = remote.state {
            let reason = c.and_then(crate::resources::common::functions::state_reason);
            if let Some(w) = remote_state::refresh_warning(&label, state, reason.as_deref()) {
                new.warnings.push(w);
            }
        }
        Ok(new)
    }

    async fn update(&self, ctx: &Context, req: UpdateRequest) -> Result<NewState> {
        let clients = clients_for(&self.clients, &req.prior)?;
        // At the planned values: `ignore_changes` keeps the state's in the plan only.
        let config: VersionModel = tfplug::resource::decode_model(&state::settings_as_planned(
            &self.schema,
            &req.config,
            &req.planned,
        ))?;
        let (function, version) = stored_identity(&req.prior)?;
        let label = version_label(&function, &version);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Update),
            ctx.stop.clone(),
        );
        if req.planned.get_attr(SCALING) != req.prior.get_attr(SCALING) {
            // AWS refuses changes to a version it is deleting with a conflict, which is
            // retried until the timeout: say so at once instead.
            let qualified = format!("{function}:{version}");
            if let Some(found) = get(&clients, &budget, &qualified)
                .await
                .map_err(|e| e.to_diagnostic(&label, "reading"))?
                && let Some(c) = found.configuration()
                && c.state().map(|s| s.as_str()) == Some(remote_state::DELETING)
            {
                return Err(rules::deleting_error(&label, c.state_reason()).into());
            }
            // Removing the block puts an empty configuration: AWS's defaults.
            let wanted = config
                .function_scaling_config
                .first()
                .cloned()
                .unwrap_or_default();
            tracing::info!(function = %function, version = %version, "updating scaling");
            api::put_scaling(&clients, &budget, &function, &version, &wanted)
                .await
                .map_err(|e| e.to_diagnostic(&label, "scaling"))?;
            // Removing it too: until AWS has applied its defaults, it reports the old
            // values as applied, and the state would keep them.
            api::wait_scaling_applied(&clients, &budget, &function, &version, &wanted)
                .await
                .map_err(|e| e.to_diagnostic(&label, "scaling"))?;
        }
        let (found, scaling) = self
            .fetch(
                &clients,
                &budget,
                &function,
                &version,
                runs_on_capacity_provider(&req.prior),
            )
            .await
            .map_err(|e| e.to_diagnostic(&label, "reading"))?
            .ok_or_else(|| {
                Diagnostic::error(
                    format!("Error updating {label}"),
                    "The version disappeared during the update.",
                )
            })?;
        let state = self.state_of(
            &req.ty,
            &found,
            scaling.as_ref(),
            &clients.region,
            &req.planned,
        )?;
        // Once applied, the state is the provider's own, no longer an import's.
        let private = PrivateModel {
            imported: false,
            ..PrivateModel::decode(&req.planned_private)
        };
        Ok(NewState::new(state).with_private(private.encode()))
    }

    async fn delete(&self, ctx: &Context, req: DeleteRequest) -> Result<Diagnostics> {
        let clients = clients_for(&self.clients, &req.prior)?;
        let (function, version) = stored_identity(&req.prior)?;
        let label = version_label(&function, &version);
        if req.prior.get_attr(SKIP_DESTROY) == Some(&Value::Bool(true)) {
            tracing::info!(function = %function, version = %version, "skip_destroy: forgetting the version, keeping it in AWS");
            return Ok(Diagnostics::new());
        }
        if let Some(arn) = text(&req.prior, ARN)
            && self.created_in_this_run(arn)
        {
            tracing::warn!(
                arn,
                "another instance published this same version in this run (nothing changed since): forgetting it, not deleting it"
            );
            return Ok(Diagnostics::new());
        }
        let budget = Budget::new(
            TIMEOUTS.get(&req.prior, Operation::Delete),
            ctx.stop.clone(),
        );
        let policy = OnDestroy::of(&req.prior).unwrap_or_default();
        let warnings: Diagnostics = executions::clear_for_destroy(
            &clients,
            &budget,
            &function,
            Some(&version),
            policy,
            &label,
        )
        .await?
        .into_iter()
        .collect();
        tracing::info!(function = %function, version = %version, "deleting version");
        if !api::delete(&clients, &budget, &function, &version)
            .await
            .map_err(|e| e.to_diagnostic(&label, "deleting"))?
        {
            return Ok(warnings);
        }
        let waited = api::wait_deleted(&clients, &budget, &function, &version).await;
        waited.map(|()| warnings).map_err(|e| {
            let error = e.to_diagnostic(&label, "deleting");
            remote_state::after_accepted_delete(error, "version").into()
        })
    }

    async fn import(&self, _ctx: &Context, req: ImportRequest) -> Result<Value> {
        let example = "terraform import lambda_function_version.live orders:3";
        let Some((function, version)) = split_import_id(&req.id) else {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "{:?} is not FUNCTION:VERSION (a function name or ARN, a colon, a version \
                     number). Example: `{example}`.",
                    req.id
                ),
            )
            .into());
        };
        let id = ImportId::parse(
            function,
            "function",
            &schema::function_name_attribute(),
            example,
        )?;
        let account = self.clients.try_get().and_then(|c| c.account_id.clone());
        identity::refuse_other_account(id.account.as_deref(), account.as_deref())?;
        // As written in the ID: the configuration names the function the same way.
        import_stub(&req.ty, function, version, id.region)
    }
}

/// The state Terraform reads to adopt an existing version: its function (named as the
/// configuration names it), number and region.
pub fn import_stub(
    ty: &ValueType,
    function: &str,
    version: &str,
    region: Option<String>,
) -> Result<Value> {
    ty.encode(&VersionModel {
        function_name: Maybe::Known(function.to_string()),
        region: region.into(),
        version: Maybe::Known(version.to_string()),
        ..Default::default()
    })
}

/// Drops the replacements of changes that publish nothing, so the state takes the
/// configured form in place (no AWS call):
/// - `triggers` where the state has none (an imported version);
/// - `description` going between `""` and null;
/// - `function_name` going between forms of the same function (name, ARN, partial ARN):
///   the resource identity keeps its first form (in the private state);
/// - after an import, `publish_to` and the `revision_id` guard: they say how a version
///   is published, which the import cannot know (a version's own revision is never the
///   `$LATEST` revision it was published from). A `code_sha256` that differs from the
///   imported version's code still replaces it: that version has other code.
fn record_in_place(p: &mut PlanContext) {
    if p.is_create() || p.is_destroy() {
        return;
    }
    let mut in_place = Vec::new();
    if p.prior.get_attr(TRIGGERS).is_none_or(Value::is_null) {
        in_place.push(TRIGGERS);
    }
    if description_means_the_same(&p.prior, &p.planned) {
        in_place.push(DESCRIPTION);
    }
    let mut private = PrivateModel::decode(&p.private);
    if private.imported {
        in_place.extend([PUBLISH_TO, REVISION_ID]);
    }
    if let (Some(before), Some(after), Some(function_arn)) = (
        text(&p.prior, FUNCTION_NAME),
        text(&p.planned, FUNCTION_NAME),
        text(&p.prior, FUNCTION_ARN),
    ) && before != after
        && rules::same_function(before, after, function_arn)
    {
        in_place.push(FUNCTION_NAME);
        let first = private
            .identity_function_name
            .take()
            .unwrap_or_else(|| before.to_string());
        private.identity_function_name = (first != after).then_some(first);
        p.private = private.encode();
    }
    for name in in_place {
        let path = AttributePath::attr(name);
        p.requires_replace.retain(|r| *r != path);
    }
}

/// Whether `description` only goes between `""` and null (AWS describes a version
/// without a description as `""`): the version stays, the state takes the new form.
fn description_means_the_same(prior: &Value, planned: &Value) -> bool {
    let (before, after) = (
        prior.get_attr(DESCRIPTION).unwrap_or(&Value::Null),
        planned.get_attr(DESCRIPTION).unwrap_or(&Value::Null),
    );
    before != after && same_meaning(before, after)
}

/// The error of an update that gives scaling to a version the state records as not on a
/// capacity provider (a published version's capacity provider never changes, so no
/// look-up is needed): AWS would refuse it at apply.
fn scaling_added_off_capacity_providers(p: &PlanContext) -> Option<Diagnostic> {
    let has_scaling = p
        .config
        .get_attr(SCALING)
        .and_then(Value::as_elements)
        .is_some_and(|e| !e.is_empty());
    let function = text(&p.prior, FUNCTION_NAME)?;
    (has_scaling && !runs_on_capacity_provider(&p.prior))
        .then(|| rules::scaling_needs_capacity_provider(function, &p.config))
}

/// Whether the state says the version runs on a capacity provider.
fn runs_on_capacity_provider(state: &Value) -> bool {
    matches!(state.get_attr(CAPACITY_PROVIDER_ARN), Some(Value::String(arn)) if !arn.is_empty())
}

impl FunctionVersionResource {
    /// The clients of a version's create:    /// The clients of a version's create: the planned region's, or, while that is
    /// unknown, the region of the function's ARN (known at apply).
    fn create_clients(&self, req: &CreateRequest) -> Result<Arc<AwsClients>> {
        Ok(match text(&req.planned, REGION) {
            Some(_) => clients_for(&self.clients, &req.planned)?,
            None => self
                .clients
                .get()?
                .for_region(rules::function_region(&req.config)),
        })
    }

    /// Publishes the version, waits until it is Active and its scaling applied, and
    /// reads it.
    /// Publishes the version and waits until it is ready. `progress` is the publish's
    /// journal entry: settled here when AWS answered with a version that exists already,
    /// since nothing was published then; otherwise the caller settles it.
    async fn publish_version(
        &self,
        ctx: &Context,
        req: CreateRequest,
        progress: &mut Option<CreateInProgress>,
    ) -> Result<NewState> {
        let config: VersionModel = req.config()?;
        let clients = self.create_clients(&req)?;
        let function = config.function().to_string();
        let fn_label = label(TYPE_NAME, &function);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Create),
            ctx.stop.clone(),
        );
        let published = publish(
            &clients,
            &budget,
            &PublishRequest {
                function: &function,
                code_sha256: config.code_sha256.known().map(String::as_str),
                revision_id: config.revision_id.known().map(String::as_str),
                description: config.description.known().map(String::as_str),
                publish_to: config.publish_to.known().map(String::as_str),
            },
        )
        .await
        .map_err(|e| Self::publish_error(&e, &fn_label, &config))?;
        let version = published.version().unwrap_or_default().to_string();
        let label = version_label(&function, &version);
        let got = published.description().unwrap_or("");
        // Unset, the version takes the function's description: any is the one asked for.
        if let Some(wanted) = config.description.known()
            && wanted != got
        {
            // Nothing changed since that version: AWS returned it, with the description
            // it was published with, and publishes nothing new.
            if let Some(progress) = progress.take() {
                progress.finished();
            }
            return Err(Diagnostic::error(
                format!("Error publishing {label}"),
                format!(
                    "Nothing changed in the function since version {version}, so AWS returned \
                     that version (described {got:?}) instead of publishing one described \
                     {wanted:?}. A description cannot be changed after publishing: change the \
                     function's code or configuration first, or keep the description of \
                     version {version}."
                ),
            )
            .into());
        }
        if let Some(arn) = published.function_arn() {
            if self.created_in_this_run(arn) {
                if let Some(progress) = progress.take() {
                    progress.finished();
                }
                return Err(rules::one_version_twice(&label, &version).into());
            }
            self.remember(arn.to_string());
        }
        tracing::info!(function = %function, version = %version, "published");
        // From here on the version exists: every failure keeps it in state (tainted).
        let keep = |d: Diagnostic, state: &str, timed_out: bool| {
            let mut v = req.planned.clone();
            set_attr(&mut v, VERSION, Value::string(&version));
            if let Some(arn) = published.function_arn() {
                set_attr(&mut v, ARN, Value::string(arn));
            }
            set_attr(&mut v, STATE, Value::string(state));
            let v = v.transform(&mut |_, x| if x.is_unknown() { Value::Null } else { x });
            let mut d = d;
            d.detail
                .push_str(&tainted::kept_as_tainted("version", timed_out));
            TfError::new(d).keep_state(v)
        };
        if let Err(e) = wait_version_active(&clients, &budget, &function, &version).await {
            let state = match &e {
                Error::FailedState { state, .. } => state.clone(),
                _ => "Pending".to_string(),
            };
            return Err(keep(
                e.to_diagnostic(&label, "publishing"),
                &state,
                tainted::timed_out(&e),
            ));
        }
        if let Some(wanted) = config.function_scaling_config.first() {
            let scaled = async {
                api::put_scaling(&clients, &budget, &function, &version, wanted).await?;
                api::wait_scaling_applied(&clients, &budget, &function, &version, wanted).await
            }
            .await;
            if let Err(e) = scaled {
                let mut d = e.to_diagnostic(&label, "scaling");
                if e.aws()
                    .is_some_and(|a| a.message.contains("capacity provider configuration"))
                {
                    d.detail.push_str(
                        "\n\nfunction_scaling_config applies only to functions on a capacity \
                         provider: remove it, or run the function on Lambda Managed Instances.",
                    );
                }
                return Err(keep(d, "Active", tainted::timed_out(&e)));
            }
        }
        let (found, scaling) = self
            .fetch(&clients, &budget, &function, &version, false)
            .await
            .map_err(|e| {
                keep(
                    e.to_diagnostic(&label, "reading"),
                    "Active",
                    tainted::timed_out(&e),
                )
            })?
            .ok_or_else(|| {
                keep(
                    Diagnostic::error(
                        format!("Error publishing {label}"),
                        "The version disappeared right after it was published.",
                    ),
                    "Active",
                    false,
                )
            })?;
        let state = self.state_of(
            &req.ty,
            &found,
            scaling.as_ref(),
            &clients.region,
            &req.planned,
        )?;
        Ok(NewState::new(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_description_is_no_new_description() {
        let described = |d: Value| Value::object([(DESCRIPTION, d)]);
        let (empty, null) = (described(Value::string("")), described(Value::Null));
        assert!(description_means_the_same(&null, &empty));
        assert!(description_means_the_same(&empty, &null));
        assert!(!description_means_the_same(&empty, &empty));
        assert!(!description_means_the_same(
            &described(Value::string("orders")),
            &empty
        ));
    }

    fn plan(
        prior_name: &str,
        planned_name: &str,
        publish_to: Value,
        private: Vec<u8>,
    ) -> PlanContext {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        let state = |name: &str, publish_to: Value| {
            Value::object([
                (FUNCTION_NAME, Value::string(name)),
                (FUNCTION_ARN, Value::string(arn)),
                (PUBLISH_TO, publish_to),
                (TRIGGERS, Value::Null),
                (DESCRIPTION, Value::string("")),
            ])
        };
        let planned = state(planned_name, publish_to);
        let mut requires_replace = vec![AttributePath::attr(PUBLISH_TO)];
        if prior_name != planned_name {
            requires_replace.push(AttributePath::attr(FUNCTION_NAME));
        }
        PlanContext {
            prior: state(prior_name, Value::Null),
            config: planned.clone(),
            planned,
            requires_replace,
            private,
            diagnostics: Diagnostics::new(),
            ty: ValueType::from_type(tfplug::value::Type::object([
                (FUNCTION_NAME, tfplug::value::Type::String),
                (FUNCTION_ARN, tfplug::value::Type::String),
                (PUBLISH_TO, tfplug::value::Type::String),
                (
                    TRIGGERS,
                    tfplug::value::Type::map(tfplug::value::Type::String),
                ),
                (DESCRIPTION, tfplug::value::Type::String),
            ])),
        }
    }

    #[test]
    fn the_same_function_by_name_or_arn_is_changed_in_place_and_keeps_its_identity() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        let published = Value::string("LATEST_PUBLISHED");
        let mut p = plan("orders", arn, published.clone(), Vec::new());
        record_in_place(&mut p);
        assert_eq!(p.requires_replace, [AttributePath::attr(PUBLISH_TO)]);
        let kept = PrivateModel::decode(&p.private);
        assert_eq!(kept.identity_function_name.as_deref(), Some("orders"));
        // And back: the identity's form is the configured one again.
        let mut back = plan(arn, "orders", Value::Null, p.private.clone());
        record_in_place(&mut back);
        assert_eq!(back.requires_replace, [AttributePath::attr(PUBLISH_TO)]);
        assert!(
            back.private.is_empty(),
            "{:?}",
            PrivateModel::decode(&back.private)
        );
        // Another function is another version.
        let mut other = plan("orders", "payments", Value::Null, Vec::new());
        record_in_place(&mut other);
        assert!(
            other
                .requires_replace
                .contains(&AttributePath::attr(FUNCTION_NAME))
        );
        let west = "arn:aws:lambda:us-west-2:123456789012:function:orders";
        let mut other = plan("orders", west, Value::Null, Vec::new());
        record_in_place(&mut other);
        assert!(
            other
                .requires_replace
                .contains(&AttributePath::attr(FUNCTION_NAME))
        );
    }

    #[test]
    fn publish_to_is_recorded_in_place_only_after_an_import() {
        let published = Value::string("LATEST_PUBLISHED");
        let mut managed = plan("orders", "orders", published.clone(), Vec::new());
        record_in_place(&mut managed);
        assert_eq!(managed.requires_replace, [AttributePath::attr(PUBLISH_TO)]);
        let imported = PrivateModel {
            imported: true,
            ..PrivateModel::default()
        };
        let mut after_import = plan("orders", "orders", published, imported.encode());
        record_in_place(&mut after_import);
        assert!(after_import.requires_replace.is_empty());
    }

    #[tokio::test]
    async fn the_identity_keeps_the_function_name_it_was_first_recorded_with() {
        let resource = FunctionVersionResource::new(SharedClients::default());
        let ty = ValueType::from_type(identity::schema(IDENTITY).value_type());
        let state = Value::object([
            (
                FUNCTION_NAME,
                Value::string("arn:aws:lambda:us-east-1:123456789012:function:orders"),
            ),
            (VERSION, Value::string("1")),
            (REGION, Value::string("us-east-1")),
            (
                ARN,
                Value::string("arn:aws:lambda:us-east-1:123456789012:function:orders:1"),
            ),
        ]);
        let private = PrivateModel {
            identity_function_name: Some("orders".into()),
            ..PrivateModel::default()
        };
        let id = resource
            .identity(
                &Context::default(),
                IdentityRequest {
                    state,
                    private: private.encode(),
                    ty,
                },
            )
            .await;
        let id = id.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(id.get_attr(FUNCTION_NAME), Some(&Value::string("orders")));
        assert_eq!(
            id.get_attr(identity::ACCOUNT_ID),
            Some(&Value::string("123456789012"))
        );
    }

    #[test]
    fn import_ids_are_function_colon_number() {
        assert_eq!(split_import_id("orders:3"), Some(("orders", "3")));
        assert_eq!(
            split_import_id("arn:aws:lambda:us-east-1:123456789012:function:orders:12"),
            Some((
                "arn:aws:lambda:us-east-1:123456789012:function:orders",
                "12"
            ))
        );
        assert_eq!(split_import_id("orders"), None);
        assert_eq!(split_import_id("orders:$LATEST"), None);
        assert_eq!(split_import_id(":3"), None);
    }
}
