//! The protocol 6.9/6.10 RPCs through `ProviderService` called directly: identity
//! schemas and identities in read/plan/apply/import (a changed identity fails loudly),
//! identity upgrades, GenerateResourceConfig, ListResource streaming with `limit`, and
//! actions with progress, errors and StopProvider.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use tfplug::action::{Action, ActionRequest, Progress};
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::identity::{IdentityAttribute, IdentityRequest, IdentitySchema};
use tfplug::list::{ListRequest, ListResource, ListSink};
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_server::Provider as _;
use tfplug::provider::{ConfigureRequest, Context, Provider};
use tfplug::resource::{
    CreateRequest, DeleteRequest, ImportRequest, NewState, ReadRequest, Resource, Result,
    UpdateRequest,
};
use tfplug::schema::{Attribute, Block, Schema};
use tfplug::server::ProviderService;
use tfplug::value::{Type, Value, msgpack};
use tokio::sync::Notify;
use tonic::Request;

const ACCOUNT: &str = "123456789012";

/// Shared between the test and the provider's list resource.
#[derive(Default)]
struct Probe {
    /// How many results the list resource produced.
    produced: AtomicU64,
    /// Released by the test to let the list go past its first result.
    go_on: Notify,
}

struct P {
    probe: Arc<Probe>,
    /// Whether the list resource waits for `go_on` after its first result.
    hold_after_first: bool,
}

#[async_trait]
impl Provider for P {
    fn schema(&self) -> Schema {
        Schema::default()
    }
    async fn configure(&self, _: &Context, _: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Obj), Arc::new(Plain)]
    }
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(ObjList {
            probe: self.probe.clone(),
            hold_after_first: self.hold_after_first,
        })]
    }
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(Act)]
    }
}

fn svc() -> ProviderService {
    ProviderService::new(P {
        probe: Arc::default(),
        hold_after_first: false,
    })
}

/// `t_obj`: `id` set by the user (so a test can change it), `name`, computed `arn`.
/// Its identity is `{id, account}`, the account coming from the provider, not state.
struct Obj;

#[async_trait]
impl Resource for Obj {
    fn type_name(&self) -> &str {
        "t_obj"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("id").required())
                .attribute(Attribute::string("name").optional())
                .attribute(Attribute::string("arn").computed())
                .attribute(Attribute::number("size").default_value(Value::number(1))),
        )
    }
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new()
                .with_version(1)
                .attribute(IdentityAttribute::string("id"))
                .attribute(IdentityAttribute::string("account").optional_for_import()),
        )
    }
    async fn identity(&self, _: &Context, req: IdentityRequest) -> Result<Value> {
        let id = req.state.get_attr("id").cloned().unwrap_or(Value::Null);
        Ok(Value::object([
            ("id", id),
            ("account", Value::string(ACCOUNT)),
        ]))
    }
    async fn create(&self, _: &Context, req: CreateRequest) -> Result<NewState> {
        Ok(fill_arn(req.planned).into())
    }
    async fn read(&self, _: &Context, req: ReadRequest) -> Result<NewState> {
        Ok(req.current.into())
    }
    async fn update(&self, _: &Context, req: UpdateRequest) -> Result<NewState> {
        Ok(fill_arn(req.planned).into())
    }
    async fn delete(&self, _: &Context, _: DeleteRequest) -> Result<Diagnostics> {
        Ok(Diagnostics::new())
    }
    async fn import(&self, _: &Context, req: ImportRequest) -> Result<Value> {
        Ok(obj(&req.id, "imported"))
    }
}

/// `t_plain`: no identity at all.
struct Plain;

#[async_trait]
impl Resource for Plain {
    fn type_name(&self) -> &str {
        "t_plain"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new().attribute(Attribute::string("id").required()))
    }
    async fn create(&self, _: &Context, req: CreateRequest) -> Result<NewState> {
        Ok(req.planned.into())
    }
    async fn read(&self, _: &Context, req: ReadRequest) -> Result<NewState> {
        Ok(req.current.into())
    }
    async fn update(&self, _: &Context, req: UpdateRequest) -> Result<NewState> {
        Ok(req.planned.into())
    }
    async fn delete(&self, _: &Context, _: DeleteRequest) -> Result<Diagnostics> {
        Ok(Diagnostics::new())
    }
}

fn fill_arn(mut v: Value) -> Value {
    let id = v
        .get_attr("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(arn) = v.get_attr_mut("arn") {
        *arn = Value::string(format!("arn:{id}"));
    }
    v
}

fn obj(id: &str, name: &str) -> Value {
    Value::object([
        ("id", Value::string(id)),
        ("name", Value::string(name)),
        ("arn", Value::string(format!("arn:{id}"))),
        ("size", Value::number(1)),
    ])
}

fn obj_ty() -> Type {
    Obj.schema().value_type()
}

fn id_ty() -> Type {
    Obj.identity_schema().expect("identity").value_type()
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).expect("encode"),
        json: Vec::new(),
    })
}

fn identity(id: &str, account: Option<&str>) -> Value {
    Value::object([
        ("id", Value::string(id)),
        ("account", account.map_or(Value::Null, Value::string)),
    ])
}

fn id_data(v: &Value) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: dv(v, &id_ty()),
    })
}

fn decode_id(data: Option<&pb::ResourceIdentityData>) -> Option<Value> {
    let dv = data?.identity_data.as_ref()?;
    Some(msgpack::decode(&dv.msgpack, &id_ty()).expect("identity decodes"))
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn schemas_metadata_and_capabilities() {
    let svc = svc();
    let ids = svc
        .get_resource_identity_schemas(Request::new(Default::default()))
        .await
        .expect("ok")
        .into_inner();
    assert_eq!(ids.identity_schemas.keys().collect::<Vec<_>>(), ["t_obj"]);
    let s = &ids.identity_schemas["t_obj"];
    assert_eq!(s.version, 1);
    let attrs: Vec<_> = s
        .identity_attributes
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.required_for_import,
                a.optional_for_import,
            )
        })
        .collect();
    assert_eq!(attrs, [("account", false, true), ("id", true, false)]);

    let schema = svc
        .get_provider_schema(Request::new(Default::default()))
        .await
        .expect("ok")
        .into_inner();
    assert!(schema.diagnostics.is_empty(), "{:?}", schema.diagnostics);
    assert!(schema.list_resource_schemas.contains_key("t_obj"));
    assert!(schema.action_schemas["t_act"].schema.is_some());
    let caps = schema.server_capabilities.expect("capabilities");
    assert!(caps.generate_resource_config);

    let meta = svc
        .get_metadata(Request::new(Default::default()))
        .await
        .expect("ok")
        .into_inner();
    assert_eq!(meta.list_resources[0].type_name, "t_obj");
    assert_eq!(meta.actions[0].type_name, "t_act");
    assert!(svc.problems().is_empty());
}

/// A list resource without an identity-bearing managed resource is a provider bug that
/// GetProviderSchema reports.
#[tokio::test]
async fn list_resource_without_identity_is_reported() {
    struct Bad;
    #[async_trait]
    impl Provider for Bad {
        fn schema(&self) -> Schema {
            Schema::default()
        }
        async fn configure(&self, _: &Context, _: ConfigureRequest) -> Diagnostics {
            Diagnostics::new()
        }
        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            vec![Arc::new(Plain)]
        }
        fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
            vec![Arc::new(PlainList)]
        }
    }
    struct PlainList;
    #[async_trait]
    impl ListResource for PlainList {
        fn type_name(&self) -> &str {
            "t_plain"
        }
        fn schema(&self) -> Schema {
            Schema::default()
        }
        async fn list(&self, _: &Context, _: ListRequest, _: &mut ListSink) -> Result<()> {
            Ok(())
        }
    }
    let svc = ProviderService::new(Bad);
    assert_eq!(svc.problems().len(), 1, "{:?}", svc.problems());
    let schema = svc
        .get_provider_schema(Request::new(Default::default()))
        .await
        .expect("ok")
        .into_inner();
    assert!(errors(&schema.diagnostics)[0].contains("t_plain"));
}

#[tokio::test]
async fn read_returns_identity_and_fails_loudly_when_it_changes() {
    let svc = svc();
    let state = obj("a", "n");
    // No stored identity (state written before Terraform 1.12): one is computed.
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_obj".into(),
            current_state: dv(&state, &obj_ty()),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(
        decode_id(resp.new_identity.as_ref()),
        Some(identity("a", Some(ACCOUNT)))
    );

    // A stored identity without the optional account: filling it in is no change.
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_obj".into(),
            current_state: dv(&state, &obj_ty()),
            current_identity: id_data(&identity("a", None)),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );

    // The stored identity names another object: an error naming the resource and both
    // identities; state and identity are kept as they were.
    let stored = identity("other", Some(ACCOUNT));
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_obj".into(),
            current_state: dv(&state, &obj_ty()),
            current_identity: id_data(&stored),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("Resource identity changed"), "{}", errs[0]);
    assert!(errs[0].contains("t_obj"), "{}", errs[0]);
    assert!(errs[0].contains(r#""id":"other""#), "{}", errs[0]);
    assert!(errs[0].contains(r#""id":"a""#), "{}", errs[0]);
    assert_eq!(resp.new_state, dv(&state, &obj_ty()));
    assert_eq!(decode_id(resp.new_identity.as_ref()), Some(stored));

    // A resource without identity never sends one.
    let plain_ty = Plain.schema().value_type();
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_plain".into(),
            current_state: dv(&Value::object([("id", Value::string("p"))]), &plain_ty),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    assert!(resp.new_identity.is_none());
}

#[tokio::test]
async fn plan_carries_the_identity_and_rejects_a_change() {
    let svc = svc();
    let ty = obj_ty();
    let config = Value::object([
        ("id", Value::string("a")),
        ("name", Value::string("n")),
        ("arn", Value::Null),
        ("size", Value::Null),
    ]);
    // Create: the identity depends only on known values here, so it is planned.
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_obj".into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&config, &ty),
            config: dv(&config, &ty),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(
        decode_id(resp.planned_identity.as_ref()),
        Some(identity("a", Some(ACCOUNT)))
    );

    // Update of `name`: same identity.
    let prior = obj("a", "n");
    let mut proposed = prior.clone();
    if let Some(v) = proposed.get_attr_mut("name") {
        *v = Value::string("m");
    }
    let mut config2 = config.clone();
    if let Some(v) = config2.get_attr_mut("name") {
        *v = Value::string("m");
    }
    let prior_identity = identity("a", Some(ACCOUNT));
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_obj".into(),
            prior_state: dv(&prior, &ty),
            proposed_new_state: dv(&proposed, &ty),
            config: dv(&config2, &ty),
            prior_identity: id_data(&prior_identity),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(
        decode_id(resp.planned_identity.as_ref()),
        Some(prior_identity.clone())
    );

    // Changing `id` in place would change the identity: the plan fails, naming both.
    let mut proposed = prior.clone();
    if let Some(v) = proposed.get_attr_mut("id") {
        *v = Value::string("b");
    }
    let mut config3 = config.clone();
    if let Some(v) = config3.get_attr_mut("id") {
        *v = Value::string("b");
    }
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_obj".into(),
            prior_state: dv(&prior, &ty),
            proposed_new_state: dv(&proposed, &ty),
            config: dv(&config3, &ty),
            prior_identity: id_data(&prior_identity),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("Resource identity changed") && errs[0].contains("t_obj"));
    assert!(errs[0].contains(r#""id":"b""#) && errs[0].contains(r#""id":"a""#));

    // Destroy: the prior identity goes with the plan.
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_obj".into(),
            prior_state: dv(&prior, &ty),
            proposed_new_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            prior_identity: id_data(&prior_identity),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert_eq!(
        decode_id(resp.planned_identity.as_ref()),
        Some(prior_identity)
    );
}

#[tokio::test]
async fn apply_returns_the_identity_and_fails_loudly_when_it_changes() {
    let svc = svc();
    let ty = obj_ty();
    let mut planned = obj("a", "n");
    if let Some(v) = planned.get_attr_mut("arn") {
        *v = Value::Unknown;
    }
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "t_obj".into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(&planned, &ty),
            config: dv(&planned, &ty),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(
        decode_id(resp.new_identity.as_ref()),
        Some(identity("a", Some(ACCOUNT)))
    );

    // An update whose result has another identity than planned: error, the new state
    // is kept (the object exists) and the identity stays what it was.
    let prior = obj("a", "n");
    let changed = obj("b", "n");
    let planned_identity = identity("a", Some(ACCOUNT));
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "t_obj".into(),
            prior_state: dv(&prior, &ty),
            planned_state: dv(&changed, &ty),
            config: dv(&changed, &ty),
            planned_identity: id_data(&planned_identity),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("Resource identity changed") && errs[0].contains("t_obj"));
    assert!(errs[0].contains("during apply") || errs[0].contains("During apply"));
    assert_eq!(resp.new_state, dv(&changed, &ty));
    assert_eq!(
        decode_id(resp.new_identity.as_ref()),
        Some(planned_identity)
    );
}

#[tokio::test]
async fn import_by_identity_and_by_id() {
    let svc = svc();
    let ty = obj_ty();
    let given = identity("x", None);
    let resp = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "t_obj".into(),
            identity: id_data(&given),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let imported = &resp.imported_resources[0];
    let stub = msgpack::decode(&imported.state.as_ref().expect("state").msgpack, &ty)
        .expect("stub decodes");
    assert_eq!(stub.get_attr("id"), Some(&Value::string("x")));
    assert_eq!(stub.get_attr("name"), Some(&Value::Null));
    assert_eq!(decode_id(imported.identity.as_ref()), Some(given));

    // The required `id` is missing: an error at that attribute.
    let resp = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "t_obj".into(),
            identity: id_data(&Value::object([
                ("id", Value::Null),
                ("account", Value::string(ACCOUNT)),
            ])),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert!(errs[0].contains("Missing identity attribute") && errs[0].contains("`id`"));
    assert!(resp.imported_resources.is_empty());

    // By ID: the stub's identity is complete, so it comes with it.
    let resp = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "t_obj".into(),
            id: "y".into(),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode_id(resp.imported_resources[0].identity.as_ref()),
        Some(identity("y", Some(ACCOUNT)))
    );

    // A resource without identity refuses an import by identity.
    let resp = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "t_plain".into(),
            identity: id_data(&given_plain()),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("Import by identity not supported"));
}

fn given_plain() -> Value {
    identity("p", None)
}

#[tokio::test]
async fn upgrade_identity_decodes_with_the_current_schema() {
    let svc = svc();
    let resp = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: "t_obj".into(),
            version: 0,
            raw_identity: Some(pb::RawState {
                json: br#"{"id":"a","account":"1","retired":"x"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode_id(resp.upgraded_identity.as_ref()),
        Some(identity("a", Some("1")))
    );

    let resp = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: "t_obj".into(),
            version: 7,
            raw_identity: Some(pb::RawState {
                json: br#"{"id":"a"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("newer"));
    assert!(resp.upgraded_identity.is_none());

    let resp = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: "t_plain".into(),
            version: 0,
            raw_identity: None,
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("no identity"));
}

#[tokio::test]
async fn generate_resource_config_drops_computed_and_defaults() {
    let svc = svc();
    let ty = obj_ty();
    let resp = svc
        .generate_resource_config(Request::new(pb::generate_resource_config::Request {
            type_name: "t_obj".into(),
            state: dv(&obj("a", "n"), &ty),
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let config = msgpack::decode(&resp.config.expect("config").msgpack, &ty).expect("decodes");
    assert_eq!(
        config,
        Value::object([
            ("id", Value::string("a")),
            ("name", Value::string("n")),
            ("arn", Value::Null),
            ("size", Value::Null),
        ])
    );
}

// ---------------------------------------------------------------------------
// List resources
// ---------------------------------------------------------------------------

/// Lists `t_obj` objects `obj-0`, `obj-1`, … up to `count` (config), counting what it
/// produced; optionally holds after the first result until the test releases it.
struct ObjList {
    probe: Arc<Probe>,
    hold_after_first: bool,
}

#[async_trait]
impl ListResource for ObjList {
    fn type_name(&self) -> &str {
        "t_obj"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new().attribute(Attribute::number("count").required()))
    }
    async fn validate(&self, _: &Context, config: &Value) -> Diagnostics {
        match config.get_attr("count").and_then(Value::as_number) {
            Some(n) if n.as_f64() < 0.0 => {
                Diagnostic::error("Bad count", "count must not be negative").into()
            }
            _ => Diagnostics::new(),
        }
    }
    async fn list(&self, _: &Context, req: ListRequest, out: &mut ListSink) -> Result<()> {
        let count = req
            .config
            .get_attr("count")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .unwrap_or(0);
        for i in 0..count {
            self.probe.produced.fetch_add(1, Ordering::SeqCst);
            let id = format!("obj-{i}");
            if !out.send_state(format!("Object {i}"), obj(&id, "n")).await {
                break;
            }
            if i == 0 && self.hold_after_first {
                self.probe.go_on.notified().await;
            }
        }
        Ok(())
    }
}

fn list_config(count: i64) -> Option<pb::DynamicValue> {
    let ty = Type::object([("count", Type::Number)]);
    dv(&Value::object([("count", Value::number(count))]), &ty)
}

async fn list_events(
    svc: &ProviderService,
    count: i64,
    limit: i64,
    include: bool,
) -> Vec<pb::list_resource::Event> {
    let stream = svc
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: "t_obj".into(),
            config: list_config(count),
            include_resource_object: include,
            limit,
        }))
        .await
        .expect("ok")
        .into_inner();
    stream.map(|e| e.expect("event")).collect::<Vec<_>>().await
}

#[tokio::test]
async fn list_streams_identities_and_objects() {
    let svc = svc();
    let events = list_events(&svc, 3, 100, true).await;
    assert_eq!(events.len(), 3);
    for (i, e) in events.iter().enumerate() {
        assert!(e.diagnostic.is_empty(), "{:?}", e.diagnostic);
        assert_eq!(e.display_name, format!("Object {i}"));
        assert_eq!(
            decode_id(e.identity.as_ref()),
            Some(identity(&format!("obj-{i}"), Some(ACCOUNT)))
        );
        let state = msgpack::decode(
            &e.resource_object.as_ref().expect("object").msgpack,
            &obj_ty(),
        )
        .expect("decodes");
        assert_eq!(state, obj(&format!("obj-{i}"), "n"));
    }
    // Without include_resource_object no object is sent.
    let events = list_events(&svc, 2, 100, false).await;
    assert!(events.iter().all(|e| e.resource_object.is_none()));
}

#[tokio::test]
async fn list_honours_limit_and_stops_producing() {
    let probe = Arc::new(Probe::default());
    let svc = ProviderService::new(P {
        probe: probe.clone(),
        hold_after_first: false,
    });
    let events = list_events(&svc, 1000, 3, false).await;
    assert_eq!(events.len(), 3);
    assert_eq!(
        probe.produced.load(Ordering::SeqCst),
        3,
        "the list stops as soon as the limit is reached"
    );
}

/// The first result reaches the client while the list is still running.
#[tokio::test]
async fn list_results_stream_before_the_list_ends() {
    let probe = Arc::new(Probe::default());
    let svc = ProviderService::new(P {
        probe: probe.clone(),
        hold_after_first: true,
    });
    let mut stream = svc
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: "t_obj".into(),
            config: list_config(3),
            include_resource_object: false,
            limit: 100,
        }))
        .await
        .expect("ok")
        .into_inner();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the first result comes while the list holds")
        .expect("an event")
        .expect("ok");
    assert_eq!(first.display_name, "Object 0");
    assert_eq!(probe.produced.load(Ordering::SeqCst), 1);
    probe.go_on.notify_one();
    let rest: Vec<_> = stream.collect().await;
    assert_eq!(rest.len(), 2);
}

#[tokio::test]
async fn list_errors_and_validation() {
    let svc = svc();
    // Unknown list type: one error event.
    let events: Vec<_> = svc
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: "t_nope".into(),
            config: list_config(1),
            include_resource_object: false,
            limit: 10,
        }))
        .await
        .expect("ok")
        .into_inner()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    let e = events[0].as_ref().expect("event");
    assert!(errors(&e.diagnostic)[0].contains("Unknown list resource type"));

    let resp = svc
        .validate_list_resource_config(Request::new(pb::validate_list_resource_config::Request {
            type_name: "t_obj".into(),
            config: list_config(-1),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("count must not be negative"));
    let resp = svc
        .validate_list_resource_config(Request::new(pb::validate_list_resource_config::Request {
            type_name: "t_obj".into(),
            config: list_config(2),
            ..Default::default()
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

/// `t_act`: `mode` = "ok" (two progress messages), "fail" (an error after one) or
/// "wait" (waits for StopProvider).
struct Act;

#[async_trait]
impl Action for Act {
    fn type_name(&self) -> &str {
        "t_act"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new().attribute(Attribute::string("mode").required()))
    }
    async fn validate(&self, _: &Context, config: &Value) -> Diagnostics {
        match config.get_attr("mode").and_then(Value::as_str) {
            Some("ok" | "fail" | "wait") | None => Diagnostics::new(),
            Some(other) => Diagnostic::error("Bad mode", format!("unknown mode {other}")).into(),
        }
    }
    async fn plan(&self, _: &Context, req: &ActionRequest) -> Diagnostics {
        if req.config.get_attr("mode").is_some_and(Value::is_unknown) {
            return Diagnostics::new();
        }
        Diagnostic::warning("Will act", "the action will run").into()
    }
    async fn invoke(
        &self,
        ctx: &Context,
        req: ActionRequest,
        progress: &Progress,
    ) -> Result<Diagnostics> {
        match req.config.get_attr("mode").and_then(Value::as_str) {
            Some("fail") => {
                let _ = progress.send("starting").await;
                Err(Diagnostic::error("Action failed", "it broke").into())
            }
            Some("wait") => {
                let _ = progress.send("waiting").await;
                ctx.stop.cancelled().await;
                Err(Diagnostic::error("Interrupted", "stopped by Terraform").into())
            }
            _ => {
                let _ = progress.send("step 1").await;
                let _ = progress.send("step 2").await;
                Ok(Diagnostic::warning("Done", "with a warning").into())
            }
        }
    }
}

fn act_config(mode: &str) -> Option<pb::DynamicValue> {
    let ty = Type::object([("mode", Type::String)]);
    dv(&Value::object([("mode", Value::string(mode))]), &ty)
}

enum Ev {
    Progress(String),
    Completed(Vec<pb::Diagnostic>),
}

fn ev(e: pb::invoke_action::Event) -> Ev {
    use pb::invoke_action::event::Type as T;
    match e.r#type {
        Some(T::Progress(p)) => Ev::Progress(p.message),
        Some(T::Completed(c)) => Ev::Completed(c.diagnostics),
        None => panic!("event without a type"),
    }
}

#[tokio::test]
async fn action_validate_plan_and_invoke() {
    let svc = svc();
    let resp = svc
        .validate_action_config(Request::new(pb::validate_action_config::Request {
            type_name: "t_act".into(),
            config: act_config("dance"),
        }))
        .await
        .expect("ok")
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("unknown mode dance"));

    let resp = svc
        .plan_action(Request::new(pb::plan_action::Request {
            action_type: "t_act".into(),
            config: act_config("ok"),
            client_capabilities: None,
        }))
        .await
        .expect("ok")
        .into_inner();
    assert_eq!(resp.diagnostics.len(), 1);
    assert_eq!(resp.diagnostics[0].summary, "Will act");

    let events: Vec<Ev> = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "t_act".into(),
            config: act_config("ok"),
            client_capabilities: None,
        }))
        .await
        .expect("ok")
        .into_inner()
        .map(|e| ev(e.expect("event")))
        .collect()
        .await;
    assert_eq!(events.len(), 3);
    assert!(matches!(&events[0], Ev::Progress(m) if m == "step 1"));
    assert!(matches!(&events[1], Ev::Progress(m) if m == "step 2"));
    assert!(matches!(&events[2], Ev::Completed(d) if d.len() == 1 && errors(d).is_empty()));

    let events: Vec<Ev> = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "t_act".into(),
            config: act_config("fail"),
            client_capabilities: None,
        }))
        .await
        .expect("ok")
        .into_inner()
        .map(|e| ev(e.expect("event")))
        .collect()
        .await;
    assert_eq!(events.len(), 2);
    assert!(matches!(&events[1], Ev::Completed(d) if errors(d)[0].contains("it broke")));

    // Unknown action: a completed event with the error.
    let events: Vec<Ev> = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "t_nope".into(),
            config: act_config("ok"),
            client_capabilities: None,
        }))
        .await
        .expect("ok")
        .into_inner()
        .map(|e| ev(e.expect("event")))
        .collect()
        .await;
    assert!(
        matches!(&events[..], [Ev::Completed(d)] if errors(d)[0].contains("Unknown action type"))
    );
}

#[tokio::test]
async fn stop_provider_cancels_a_running_action() {
    let svc = Arc::new(svc());
    let mut stream = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "t_act".into(),
            config: act_config("wait"),
            client_capabilities: None,
        }))
        .await
        .expect("ok")
        .into_inner();
    let first = stream.next().await.expect("event").expect("ok");
    assert!(matches!(ev(first), Ev::Progress(m) if m == "waiting"));
    svc.stop_provider(Request::new(pb::stop_provider::Request {}))
        .await
        .expect("ok");
    let last = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the action ends promptly after StopProvider")
        .expect("event")
        .expect("ok");
    assert!(matches!(ev(last), Ev::Completed(d) if errors(&d)[0].contains("Interrupted")));
    assert!(stream.next().await.is_none());
}
