//! A small example provider built on tfplug, used by the end-to-end tests.
//!
//! Resource `example_thing` keeps its objects as JSON files in the directory named by
//! the provider block's `store_dir`, so objects survive between Terraform commands even
//! when Terraform starts a fresh provider process for each (dev_overrides).
//!
//! For Terraform 1.12+ features: `example_thing` has an identity (`id`), a list
//! resource of the same name lists stored objects (`terraform query`), and action
//! `example_ping` streams progress messages and appends to `pings.log` in the store.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplug::action::{Action, ActionRequest, Progress};
use tfplug::data_source::{DataReadRequest, DataSource};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::identity::{IdentityAttribute, IdentitySchema};
use tfplug::list::{ListRequest, ListResource, ListSink};
use tfplug::provider::{ConfigureRequest, Context, Provider};
use tfplug::resource::{
    CreateRequest, DeleteRequest, ImportRequest, NewState, PlanContext, ReadRequest, Resource,
    Result, UpdateRequest,
};
use tfplug::schema::{Attribute, Block, NestedAttributes, NestedBlock, ObjectNesting, Schema};
use tfplug::validate::{length_between, one_of};
use tfplug::value::{Maybe, Type, Value, from_value, to_value};

/// The example provider.
#[derive(Default)]
pub struct ExampleProvider {
    store: Arc<OnceLock<PathBuf>>,
}

#[derive(Deserialize)]
struct ProviderConfig {
    store_dir: String,
}

#[async_trait]
impl Provider for ExampleProvider {
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new().attribute(
                Attribute::string("store_dir")
                    .required()
                    .description("Directory where objects are kept."),
            ),
        )
    }

    async fn configure(&self, _ctx: &Context, req: ConfigureRequest) -> Diagnostics {
        let cfg: ProviderConfig = match from_value(&req.config) {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        let _ = self.store.set(PathBuf::from(cfg.store_dir));
        Diagnostics::new()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing {
            store: self.store.clone(),
        })]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Lookup(Thing {
            store: self.store.clone(),
        }))]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Upper)]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(ThingList(Thing {
            store: self.store.clone(),
        }))]
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(Ping {
            store: self.store.clone(),
        })]
    }
}

/// List resource `example_thing`: the stored objects whose name starts with `prefix`.
struct ThingList(Thing);

#[derive(Deserialize)]
struct ListConfig {
    prefix: Option<String>,
}

#[async_trait]
impl ListResource for ThingList {
    fn type_name(&self) -> &str {
        "example_thing"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new().attribute(
                Attribute::string("prefix")
                    .optional()
                    .description("Only objects whose name starts with this."),
            ),
        )
    }

    async fn list(&self, _ctx: &Context, req: ListRequest, out: &mut ListSink) -> Result<()> {
        let cfg: ListConfig = req.config()?;
        let prefix = cfg.prefix.unwrap_or_default();
        let mut ids: Vec<String> = std::fs::read_dir(self.0.dir()?)
            .map_err(|e| Diagnostic::error("list failed", e.to_string()))?
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".json").map(str::to_string)
            })
            .collect();
        ids.sort();
        for id in ids {
            let Some(state) = self.0.load(&id)? else {
                continue;
            };
            if !state.name.starts_with(&prefix) {
                continue;
            }
            let name = state.name.clone();
            if !out.send_state(name, self.0.to_state(&state)?).await {
                break;
            }
        }
        Ok(())
    }
}

/// Action `example_ping`: reports `count` progress messages, then appends `message` to
/// `pings.log` in the store.
struct Ping {
    store: Arc<OnceLock<PathBuf>>,
}

#[derive(Deserialize)]
struct PingConfig {
    message: String,
    count: Option<i64>,
}

#[async_trait]
impl Action for Ping {
    fn type_name(&self) -> &str {
        "example_ping"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("message").required())
                .attribute(Attribute::number("count").optional()),
        )
    }

    async fn invoke(
        &self,
        ctx: &Context,
        req: ActionRequest,
        progress: &Progress,
    ) -> Result<Diagnostics> {
        let cfg: PingConfig = req.config()?;
        let count = cfg.count.unwrap_or(3);
        for i in 1..=count {
            if ctx.is_stopped() {
                return Err(Diagnostic::error("Interrupted", "stopped by Terraform").into());
            }
            let _ = progress
                .send(format!("ping {i}/{count}: {}", cfg.message))
                .await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let dir = self
            .store
            .get()
            .ok_or_else(|| Diagnostic::error("Provider not configured", "store_dir is not set"))?;
        use std::io::Write as _;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("pings.log"))
            .and_then(|mut f| writeln!(f, "{}", cfg.message))
            .map_err(|e| Diagnostic::error("write failed", e.to_string()))?;
        Ok(Diagnostics::new())
    }
}

/// `provider::example::upper(s)`: upper-cases a non-empty string.
struct Upper;

#[async_trait]
impl Function for Upper {
    fn name(&self) -> &str {
        "upper"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![Parameter::new("s", Type::String)],
            variadic: None,
            return_type: Type::String,
            summary: "Upper-cases a string".into(),
            description: "Returns `s` in upper case; `s` must not be empty.".into(),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        match args.first() {
            Some(Value::String(s)) if !s.is_empty() => Ok(Value::string(s.to_uppercase())),
            _ => Err(FunctionError {
                text: "s must not be empty".into(),
                argument: Some(0),
            }),
        }
    }
}

/// Data source `example_lookup`: reads a stored object by id.
struct Lookup(Thing);

#[async_trait]
impl DataSource for Lookup {
    fn type_name(&self) -> &str {
        "example_lookup"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("id").required())
                .attribute(Attribute::string("name").computed())
                .attribute(Attribute::number("revision").computed()),
        )
    }

    async fn read(&self, _ctx: &Context, req: DataReadRequest) -> Result<NewState> {
        let Some(Value::String(id)) = req.config.get_attr("id") else {
            return Err(Diagnostic::error("no id", "id is required").into());
        };
        match self.0.load(id)? {
            Some(s) => Ok(Value::object([
                ("id", Value::string(s.id)),
                ("name", Value::string(s.name)),
                ("revision", Value::number(s.revision)),
            ])
            .into()),
            None => Err(
                Diagnostic::error("Not found", format!("no example_thing with id {id:?}")).into(),
            ),
        }
    }
}

struct Thing {
    store: Arc<OnceLock<PathBuf>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Endpoint {
    host: String,
    port: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Settings {
    mode: Option<String>,
}

/// The stored object, which is also the state.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct ThingState {
    id: String,
    name: String,
    size: i64,
    revision: i64,
    secret: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    endpoint: Option<Endpoint>,
    settings: Vec<Settings>,
}

/// The configuration/plan view, where computed values may be unknown.
#[derive(Deserialize)]
struct ThingPlan {
    name: String,
    size: Maybe<i64>,
    secret: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    endpoint: Option<Endpoint>,
    settings: Vec<Settings>,
}

impl Thing {
    fn dir(&self) -> Result<&PathBuf, Diagnostics> {
        self.store.get().ok_or_else(|| {
            Diagnostic::error("Provider not configured", "store_dir is not set").into()
        })
    }

    fn path(&self, id: &str) -> Result<PathBuf, Diagnostics> {
        Ok(self.dir()?.join(format!("{id}.json")))
    }

    fn save(&self, state: &ThingState) -> Result<(), Diagnostics> {
        let bytes = serde_json::to_vec(state)
            .map_err(|e| Diagnostics::from(Diagnostic::error("encode", e.to_string())))?;
        std::fs::write(self.path(&state.id)?, bytes)
            .map_err(|e| Diagnostic::error("write failed", e.to_string()).into())
    }

    fn load(&self, id: &str) -> Result<Option<ThingState>, Diagnostics> {
        match std::fs::read(self.path(id)?) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Diagnostic::error("corrupt object", e.to_string()).into()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Diagnostic::error("read failed", e.to_string()).into()),
        }
    }

    fn to_state(&self, s: &ThingState) -> Result<Value, Diagnostics> {
        Ok(to_value(s, &self.schema().value_type())?)
    }

    fn write(&self, id: String, revision: i64, plan: ThingPlan) -> Result<Value, Diagnostics> {
        let state = ThingState {
            id,
            name: plan.name,
            size: plan.size.known().copied().unwrap_or(1),
            revision,
            secret: plan.secret,
            labels: plan.labels,
            endpoint: plan.endpoint,
            settings: plan.settings,
        };
        self.save(&state)?;
        self.to_state(&state)
    }
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &str {
        "example_thing"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("id").computed().use_state_for_unknown())
                .attribute(
                    Attribute::string("name")
                        .required()
                        .requires_replace()
                        .validator(length_between(1, 20)),
                )
                .attribute(Attribute::number("size").default_value(Value::number(1)))
                .attribute(Attribute::number("revision").computed())
                .attribute(Attribute::string("secret").optional().sensitive())
                .attribute(Attribute::new("labels", Type::map(Type::String)).optional())
                .attribute(Attribute::nested(
                    "endpoint",
                    NestedAttributes::new(ObjectNesting::Single)
                        .attribute(Attribute::string("host").required())
                        .attribute(Attribute::number("port").optional()),
                ))
                .block(NestedBlock::list_max_one(
                    "settings",
                    Block::new().attribute(
                        Attribute::string("mode")
                            .optional()
                            .validator(one_of(&["fast", "slow"])),
                    ),
                )),
        )
        .with_version(1)
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new()
                .attribute(IdentityAttribute::string("id").description("The object's ID.")),
        )
    }

    async fn validate(&self, _ctx: &Context, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(Value::Number(n)) = config.get_attr("size")
            && n.as_f64() > 100.0
        {
            diags.error_at(
                tfplug::value::AttributePath::attr("size"),
                "Size too large",
                "size must be at most 100.",
            );
        }
        diags
    }

    async fn modify_plan(&self, _ctx: &Context, plan: &mut PlanContext) {
        // The revision only moves when something changes.
        if !plan.is_create()
            && plan
                .planned
                .get_attr("revision")
                .is_some_and(Value::is_unknown)
            && let Some(Value::Number(prev)) = plan.prior.get_attr("revision")
            && let Some(prev) = prev.as_i64()
            && let Value::Object(attrs) = &mut plan.planned
        {
            attrs.insert("revision".into(), Value::number(prev + 1));
        }
    }

    async fn create(&self, _ctx: &Context, req: CreateRequest) -> Result<NewState> {
        let plan: ThingPlan = req.planned()?;
        let id = format!("thing-{}-{}", plan.name, std::process::id());
        Ok(self.write(id, 1, plan)?.into())
    }

    async fn read(&self, _ctx: &Context, req: ReadRequest) -> Result<NewState> {
        let Some(Value::String(id)) = req.current.get_attr("id") else {
            return Err(Diagnostic::error("no id", "state has no id").into());
        };
        // For `provider/benches/provider_floor.sh`: a refresh that waits one round trip
        // to a remote API, and spends nothing else.
        if let Some(ms) = std::env::var("EXAMPLE_READ_DELAY_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        match self.load(id)? {
            Some(state) => Ok(req.state_of(&state)?.into()),
            None => Ok(Value::Null.into()),
        }
    }

    async fn update(&self, _ctx: &Context, req: UpdateRequest) -> Result<NewState> {
        let prior: ThingState = req.prior()?;
        let plan: ThingPlan = req.planned()?;
        Ok(self.write(prior.id, prior.revision + 1, plan)?.into())
    }

    async fn delete(&self, _ctx: &Context, req: DeleteRequest) -> Result<Diagnostics> {
        let Some(Value::String(id)) = req.prior.get_attr("id") else {
            return Err(Diagnostic::error("no id", "state has no id").into());
        };
        match std::fs::remove_file(self.path(id)?) {
            Ok(()) => Ok(Diagnostics::new()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Diagnostics::new()),
            Err(e) => Err(Diagnostic::error("delete failed", e.to_string()).into()),
        }
    }

    async fn import(&self, _ctx: &Context, req: ImportRequest) -> Result<Value> {
        let Some(state) = self.load(&req.id)? else {
            return Err(Diagnostic::error(
                "Cannot import non-existent object",
                format!("No example_thing with id {:?} exists.", req.id),
            )
            .into());
        };
        req.state_of(&state)
    }
}
