//! `lambda_capacity_provider`: a Lambda capacity provider (Lambda Managed Instances).
//!
//! Create waits for `Active` and keeps a capacity provider that failed after AWS accepted
//! it in state (tainted); update changes scaling, tag propagation, logging and tags in
//! place; delete waits until it is gone and names the function versions that still use
//! it; import takes a name or ARN, and a `moved` block takes over an
//! `aws_lambda_capacity_provider` of the HashiCorp AWS provider.

pub mod api;
pub mod ec2_rules;
pub mod expand_flatten;
pub mod model;
pub mod moved;
pub mod schema;
pub mod validate;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_lambda::types::CapacityProvider;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::provider::Context;
use tfplug::resource::{
    CreateRequest, DeleteRequest, ImportRequest, MoveStateRequest, NewState, PlanContext,
    ReadRequest, Resource, Result as TfResult, UpdateRequest,
};
use tfplug::schema::Schema;
use tfplug::value::{Maybe, Value};

use crate::aws::{
    AwsClients, AwsError, Budget, Error, ErrorClass, Operation, SharedClients, tagging,
};
use crate::tags::{self, Tags};
use expand_flatten::{
    expand_instance_requirements, expand_permissions, expand_propagate_tags, expand_scaling,
    expand_telemetry, expand_vpc, flatten, reconcile, unknowns_to_null,
};
use model::CapacityProviderModel;
use schema::TIMEOUTS;

/// The resource type name.
pub const TYPE_NAME: &str = "lambda_capacity_provider";

/// How long a refresh may take.
const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// The `lambda_capacity_provider` resource.
#[derive(Clone, Debug)]
pub struct CapacityProviderResource {
    clients: SharedClients,
}

impl CapacityProviderResource {
    /// The resource, using the provider's clients once configured.
    pub fn new(clients: SharedClients) -> Self {
        Self { clients }
    }
}

/// `lambda_capacity_provider "name"`, for diagnostics.
fn label(name: &str) -> String {
    format!("{TYPE_NAME} {name:?}")
}

fn set_attr(v: &mut Value, name: &str, value: Value) {
    if let Some(slot) = v.get_attr_mut(name) {
        *slot = value;
    }
}

fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get_attr(name).unwrap_or(&Value::Null)
}

/// The clients for the resource's `region` argument (the provider's when unset).
fn regional(shared: &SharedClients, resource: &Value) -> Result<Arc<AwsClients>, Diagnostic> {
    Ok(shared.get()?.for_region(attr(resource, "region").as_str()))
}

/// The state to store after AWS returned `found`: AWS's values, in the form of `base`
/// (the plan, or the previous state), with `tags`, `tags_all` and `timeouts` given.
fn state_value(
    found: &CapacityProvider,
    region: &str,
    base: &Value,
    tags_value: Value,
    tags_all: &Tags,
) -> Result<Value, Diagnostics> {
    let mut v = flatten(found).to_value()?;
    set_attr(&mut v, "region", Value::string(region));
    set_attr(&mut v, "tags", tags_value);
    set_attr(&mut v, "tags_all", tags::to_map_value(tags_all));
    set_attr(&mut v, "timeouts", attr(base, "timeouts").clone());
    Ok(reconcile(base, v))
}

/// What is known about a capacity provider AWS accepted but that did not become ready:
/// the plan, with what AWS said filled in and the rest null (Terraform then keeps it in
/// state, tainted, instead of losing track of it).
fn partial_state(planned: &Value, arn: Option<&str>, state: &str) -> Value {
    let mut v = planned.clone();
    if let Some(arn) = arn {
        set_attr(&mut v, "arn", Value::string(arn));
    }
    set_attr(&mut v, "state", Value::string(state));
    unknowns_to_null(v)
}

#[async_trait]
impl Resource for CapacityProviderResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::resource_schema()
    }

    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        validate::validate_config(config)
    }

    async fn modify_plan(&self, ctx: &Context, plan: &mut PlanContext) {
        if plan.is_destroy() {
            return;
        }
        let Some(base) = self.clients.try_get() else {
            return;
        };
        if attr(&plan.planned, "region").is_unknown() {
            let region = match attr(&plan.prior, "region") {
                Value::String(r) => r.clone(),
                _ => base.region.clone(),
            };
            set_attr(&mut plan.planned, "region", Value::string(region));
        }
        let clients = base.for_region(attr(&plan.planned, "region").as_str());
        if !plan.is_create() {
            // Unset settings that update in place keep their prior value, even when it is
            // null: AWS never fills them in later. (Settings that force replacement keep
            // theirs through tfplug's plan pipeline.)
            for name in [
                "capacity_provider_scaling_config",
                "propagate_tags",
                "telemetry_config",
            ] {
                if attr(&plan.config, name).is_null() && attr(&plan.planned, name).is_unknown() {
                    let prior = attr(&plan.prior, name).clone();
                    set_attr(&mut plan.planned, name, prior);
                }
            }
        }
        let planned_all = tags::planned_tags_all(&clients.default_tags, attr(&plan.config, "tags"));
        set_attr(&mut plan.planned, "tags_all", planned_all);
        if !plan.is_create() && plan.planned != plan.prior {
            // Something changes (possibly only the merged tags): AWS sets these anew.
            set_attr(&mut plan.planned, "state", Value::Unknown);
            set_attr(&mut plan.planned, "last_modified", Value::Unknown);
        }
        if plan.is_create() {
            let input = ec2_rules::Ec2CheckInput::from_plan(&plan.planned);
            let diags = ec2_rules::check_with_ec2(&clients, &input, &ctx.stop).await;
            plan.diagnostics.extend(diags);
        }
    }

    async fn create(&self, ctx: &Context, req: CreateRequest) -> TfResult<NewState> {
        let clients = match regional(&self.clients, &req.planned) {
            Ok(c) => c,
            Err(d) => return Err(d.into()),
        };
        let config = match CapacityProviderModel::from_value(&req.config) {
            Ok(m) => m,
            Err(d) => return Err(d.into()),
        };
        let name = config.name().to_string();
        let label = label(&name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Create),
            ctx.stop.clone(),
        );
        let own_tags = config.tags.known().cloned().unwrap_or_default();
        let tags_all = tags::merge(&clients.default_tags, &own_tags);

        tracing::info!(name = %name, "creating capacity provider");
        let created = match create_call(&clients, &budget, &config, &tags_all).await {
            Ok(arn) => arn,
            Err(e) => return Err(e.to_diagnostic(&label, "creating").into()),
        };
        // From here on AWS has the capacity provider: every failure keeps it in state.
        match api::wait_active(&clients, &budget, &name).await {
            Ok(found) => match state_value(
                &found,
                &clients.region,
                &req.planned,
                attr(&req.config, "tags").clone(),
                &tags_all,
            ) {
                Ok(state) => Ok(state.into()),
                Err(d) => failed_with_state(
                    partial_state(
                        &req.planned,
                        Some(found.capacity_provider_arn()),
                        found.state().as_str(),
                    ),
                    d,
                ),
            },
            Err(e) => {
                let (arn, state) = match &e {
                    Error::FailedState { state, .. } => (created.clone(), state.clone()),
                    _ => (created.clone(), "Pending".to_string()),
                };
                let mut d = e.to_diagnostic(&label, "creating");
                d.detail.push_str(
                    "\n\nThe capacity provider exists in AWS and is kept in the Terraform state as \
                     tainted: the next apply replaces it.",
                );
                failed_with_state(partial_state(&req.planned, arn.as_deref(), &state), d)
            }
        }
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> TfResult<NewState> {
        let clients = match regional(&self.clients, &req.current) {
            Ok(c) => c,
            Err(d) => return Err(d.into()),
        };
        let Some(name) = attr(&req.current, "name").as_str().map(str::to_string) else {
            return Err(Diagnostic::error(
                "Invalid state",
                "The stored lambda_capacity_provider has no name.",
            )
            .into());
        };
        let label = label(&name);
        let budget = Budget::new(READ_TIMEOUT, ctx.stop.clone());
        let found = match api::get(&clients, &budget, &name).await {
            Ok(Some(f)) => f,
            Ok(None) => {
                tracing::warn!(name = %name, "capacity provider not found; removing it from state");
                return Ok(NewState::gone(Diagnostic::warning(
                    format!("{label} no longer exists"),
                    "It was deleted outside Terraform and is removed from the state; the next \
                     plan creates it again.",
                )));
            }
            Err(e) => return Err(e.to_diagnostic(&label, "reading").into()),
        };
        let remote = match tagging::list_tags(&clients, &budget, found.capacity_provider_arn())
            .await
        {
            Ok(t) => t,
            Err(e) => return Err(e.to_diagnostic(&label, "reading the tags of").into()),
        };
        let own =
            tags::tags_from_remote(&remote, &clients.default_tags, attr(&req.current, "tags"));
        match state_value(&found, &clients.region, &req.current, own, &remote) {
            Ok(state) => Ok(state.into()),
            Err(d) => Err(d.into()),
        }
    }

    async fn update(&self, ctx: &Context, req: UpdateRequest) -> TfResult<NewState> {
        let clients = match regional(&self.clients, &req.prior) {
            Ok(c) => c,
            Err(d) => return Err(d.into()),
        };
        let config = match CapacityProviderModel::from_value(&req.config) {
            Ok(m) => m,
            Err(d) => return Err(d.into()),
        };
        let name = config.name().to_string();
        let label = label(&name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.config, Operation::Update),
            ctx.stop.clone(),
        );

        let changed = |a: &str| attr(&req.planned, a) != attr(&req.prior, a);
        if changed("capacity_provider_scaling_config")
            || changed("propagate_tags")
            || changed("telemetry_config")
        {
            tracing::info!(name = %name, "updating capacity provider");
            if let Err(e) = update_call(&clients, &budget, &config).await {
                return Err(e.to_diagnostic(&label, "updating").into());
            }
            if let Err(e) = api::wait_active(&clients, &budget, &name).await {
                return Err(e.to_diagnostic(&label, "updating").into());
            }
        }

        let own_tags = config.tags.known().cloned().unwrap_or_default();
        let tags_all = tags::merge(&clients.default_tags, &own_tags);
        let old_all = tags::value_to_tags(attr(&req.prior, "tags_all"));
        let arn = attr(&req.prior, "arn")
            .as_str()
            .unwrap_or_default()
            .to_string();
        if old_all != tags_all
            && let Err(e) = tagging::update_tags(&clients, &budget, &arn, &old_all, &tags_all).await
        {
            return Err(e.to_diagnostic(&label, "tagging").into());
        }

        match api::get(&clients, &budget, &name).await {
            Ok(Some(found)) => {
                match state_value(
                    &found,
                    &clients.region,
                    &req.planned,
                    attr(&req.config, "tags").clone(),
                    &tags_all,
                ) {
                    Ok(state) => Ok(state.into()),
                    Err(d) => Err(d.into()),
                }
            }
            Ok(None) => Err(Diagnostic::error(
                format!("Error updating {label}"),
                "The capacity provider disappeared during the update.",
            )
            .into()),
            Err(e) => Err(e.to_diagnostic(&label, "reading").into()),
        }
    }

    async fn delete(&self, ctx: &Context, req: DeleteRequest) -> TfResult<()> {
        let clients = regional(&self.clients, &req.prior)?;
        let Some(name) = attr(&req.prior, "name").as_str().map(str::to_string) else {
            return Ok(());
        };
        let label = label(&name);
        let budget = Budget::new(
            TIMEOUTS.get(&req.prior, Operation::Delete),
            ctx.stop.clone(),
        );
        tracing::info!(name = %name, "deleting capacity provider");
        if !delete_call(&clients, &budget, &name).await? {
            return Ok(());
        }
        api::wait_deleted(&clients, &budget, &name)
            .await
            .map_err(|e| e.to_diagnostic(&label, "deleting").into())
    }

    async fn import(&self, _ctx: &Context, req: ImportRequest) -> TfResult<Value> {
        Ok(import_state(&req.id, None)?)
    }

    async fn move_state(
        &self,
        _ctx: &Context,
        req: &MoveStateRequest<'_>,
    ) -> Option<TfResult<Value>> {
        if !moved::is_supported(req) {
            return None;
        }
        tracing::info!(
            source = req.source_type_name,
            "taking over a moved capacity provider"
        );
        Some(
            moved::from_aws_provider_state(req.source_state_json)
                .and_then(|m| import_state(&m.id, m.region))
                .map_err(Into::into),
        )
    }
}

/// The state Terraform reads to adopt an existing capacity provider, from its name or
/// ARN; `region` applies when the ID is a name.
fn import_state(id: &str, region: Option<String>) -> Result<Value, Diagnostics> {
    let id = id.trim();
    let name = api::name_from_id(id);
    let re = regex::Regex::new(&format!("^(?:{})$", schema::NAME_PATTERN));
    let ok = !name.is_empty() && name.len() <= 140 && re.is_ok_and(|r| r.is_match(name));
    if !ok {
        return Err(Diagnostic::error(
            "Invalid import ID",
            format!(
                "{id:?} is not a capacity provider name or ARN. Import with the name, e.g. \
                 `terraform import lambda_capacity_provider.web web`."
            ),
        )
        .into());
    }
    CapacityProviderModel {
        name: Maybe::Known(name.to_string()),
        region: api::region_from_id(id)
            .map(str::to_string)
            .or(region)
            .into(),
        vpc_config: Maybe::Known(vec![]),
        permissions_config: Maybe::Known(vec![]),
        ..Default::default()
    }
    .to_value()
}

/// CreateCapacityProvider; returns the new ARN when AWS gave one. A retry that finds the
/// capacity provider already there (an earlier attempt reached AWS but its answer was
/// lost) counts as success.
async fn create_call(
    clients: &AwsClients,
    budget: &Budget,
    m: &CapacityProviderModel,
    tags_all: &Tags,
) -> Result<Option<String>, Error> {
    let missing = |what: &str| Error::Unexpected(format!("the configuration has no {what}"));
    let vpc = expand_vpc(m.vpc().ok_or_else(|| missing("vpc_config"))?)?;
    let perms = expand_permissions(
        m.permissions()
            .ok_or_else(|| missing("permissions_config"))?,
    )?;
    let scaling = m.scaling().map(expand_scaling).transpose()?;
    let propagate_tags = m.propagate().map(expand_propagate_tags);
    let telemetry = m.telemetry().map(expand_telemetry);
    let attempts = AtomicU32::new(0);
    clients
        .call_with_iam_retry(budget, "CreateCapacityProvider", || {
            let attempt = attempts.fetch_add(1, Ordering::SeqCst);
            let req = clients
                .lambda
                .create_capacity_provider()
                .capacity_provider_name(m.name())
                .vpc_config(vpc.clone())
                .permissions_config(perms.clone())
                .set_instance_requirements(
                    m.instance_requirements().map(expand_instance_requirements),
                )
                .set_capacity_provider_scaling_config(scaling.clone())
                .set_kms_key_arn(m.kms_key_arn.known().cloned())
                .set_propagate_tags(propagate_tags.clone())
                .set_telemetry_config(telemetry.clone())
                .set_tags((!tags_all.is_empty()).then(|| tags_all.clone().into_iter().collect()));
            async move {
                match req.send().await {
                    Ok(out) => Ok(out.capacity_provider.map(|cp| cp.capacity_provider_arn)),
                    Err(e) => {
                        let e = AwsError::from_sdk("CreateCapacityProvider", e);
                        if attempt > 0
                            && e.has_code("ResourceConflictException")
                            && e.message.to_ascii_lowercase().contains("exist")
                        {
                            tracing::info!(
                                "capacity provider exists after a retried create; continuing"
                            );
                            return Ok(None);
                        }
                        Err(e)
                    }
                }
            }
        })
        .await
}

/// UpdateCapacityProvider with the in-place settings of the configuration.
async fn update_call(
    clients: &AwsClients,
    budget: &Budget,
    m: &CapacityProviderModel,
) -> Result<(), Error> {
    let scaling = m.scaling().map(expand_scaling).transpose()?;
    let propagate_tags = m.propagate().map(expand_propagate_tags);
    let telemetry = m.telemetry().map(expand_telemetry);
    clients
        .call(budget, "UpdateCapacityProvider", || {
            let req = clients
                .lambda
                .update_capacity_provider()
                .capacity_provider_name(m.name())
                .set_capacity_provider_scaling_config(scaling.clone())
                .set_propagate_tags(propagate_tags.clone())
                .set_telemetry_config(telemetry.clone());
            async move {
                req.send()
                    .await
                    .map(|_| ())
                    .map_err(|e| AwsError::from_sdk("UpdateCapacityProvider", e))
            }
        })
        .await
}

/// DeleteCapacityProvider. `Ok(false)` when it was already gone. While function versions
/// still use the capacity provider AWS refuses: the error lists them. (When the only
/// versions left are being deleted, or none are listed yet, the delete is retried until
/// the timeout.)
async fn delete_call(
    clients: &AwsClients,
    budget: &Budget,
    name: &str,
) -> Result<bool, Diagnostic> {
    let label = label(name);
    let mut attempt = 0u32;
    loop {
        let result = clients
            .call(budget, "DeleteCapacityProvider", || {
                let req = clients
                    .lambda
                    .delete_capacity_provider()
                    .capacity_provider_name(name);
                async move {
                    req.send()
                        .await
                        .map(|_| ())
                        .map_err(|e| AwsError::from_sdk("DeleteCapacityProvider", e))
                }
            })
            .await;
        let err = match result {
            Ok(()) => return Ok(true),
            Err(e) if e.is_not_found() => return Ok(false),
            Err(e) => e,
        };
        let in_use = matches!(&err, Error::Aws(a) if a.has_code("ResourceConflictException") && a.class == ErrorClass::Permanent);
        if !in_use {
            return Err(err.to_diagnostic(&label, "deleting"));
        }
        let versions = api::function_versions(clients, budget, name)
            .await
            .map_err(|e| e.to_diagnostic(&label, "listing the function versions of"))?;
        let blocking: Vec<&(String, String)> =
            versions.iter().filter(|(_, s)| s != "Deleting").collect();
        if !blocking.is_empty() {
            let list: Vec<String> = blocking
                .iter()
                .map(|(arn, state)| format!("  - {arn} ({state})"))
                .collect();
            let mut d = err.to_diagnostic(&label, "deleting");
            d.detail = format!(
                "AWS refused to delete the capacity provider because these function versions \
                 still use it:\n{}\n\nDelete those versions (or their functions) first. AWS said: {}",
                list.join("\n"),
                err.aws().map(|a| a.message.clone()).unwrap_or_default()
            );
            return Err(d);
        }
        let delay = clients.retry.backoff(attempt.min(6));
        if budget.remaining() <= delay {
            return Err(err.to_diagnostic(&label, "deleting"));
        }
        tracing::info!(
            name,
            "capacity provider still referenced by versions being deleted; retrying"
        );
        budget
            .sleep(delay, "DeleteCapacityProvider")
            .await
            .map_err(|e| e.to_diagnostic(&label, "deleting"))?;
        attempt += 1;
    }
}

/// A failure after AWS accepted the capacity provider: the error, keeping `state`.
fn failed_with_state(state: Value, diags: impl Into<Diagnostics>) -> TfResult<NewState> {
    Err(tfplug::resource::Error::new(diags).keep_state(state))
}
