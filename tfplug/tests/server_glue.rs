//! The gRPC glue (`ProviderService`) called directly: bad input becomes diagnostics,
//! never a panic; StopProvider cancels in-flight work; stored state is upgraded; a
//! resource that breaks Terraform's rules is reported, naming the attribute.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tfplug::data_source::{DataReadRequest, DataSource};
use tfplug::diag::Diagnostics;
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_server::Provider as _;
use tfplug::provider::{ConfigureRequest, Context, Provider};
use tfplug::resource::{
    CreateRequest, DeleteRequest, DestroyPlanContext, NewState, ReadRequest, Resource, Result,
    UpdateRequest,
};
use tfplug::schema::{Attribute, Block, Schema};
use tfplug::server::ProviderService;
use tfplug::value::{Type, Value, msgpack};
use tonic::Request;

struct P;

#[async_trait]
impl Provider for P {
    fn schema(&self) -> Schema {
        Schema::default()
    }
    async fn configure(&self, _: &Context, _: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Slow)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Lookup)]
    }
}

/// A data source of `name` (required) and `id` (computed), read as `id = "found"`.
struct Lookup;

#[async_trait]
impl DataSource for Lookup {
    fn type_name(&self) -> &str {
        "t_lookup"
    }
    fn schema(&self) -> Schema {
        Slow.schema().with_version(0)
    }
    async fn read(&self, _: &Context, req: DataReadRequest) -> Result<NewState> {
        let mut state = req.config;
        if let Some(id) = state.get_attr_mut("id") {
            *id = Value::string("found");
        }
        Ok(state.into())
    }
}

/// `name` required, `id` computed; create waits until stopped; update breaks the plan.
struct Slow;

#[async_trait]
impl Resource for Slow {
    fn type_name(&self) -> &str {
        "t_slow"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::string("id").computed()),
        )
        .with_version(2)
    }
    async fn create(&self, ctx: &Context, _req: CreateRequest) -> Result<NewState> {
        tokio::select! {
            _ = ctx.stop.cancelled() => Err(
                tfplug::diag::Diagnostic::error("Interrupted", "stopped by Terraform").into()),
            _ = tokio::time::sleep(Duration::from_secs(60)) => Ok(Value::Null.into()),
        }
    }
    async fn read(&self, _: &Context, req: ReadRequest) -> Result<NewState> {
        Ok(req.current.into())
    }
    async fn update(&self, _: &Context, _req: UpdateRequest) -> Result<NewState> {
        // Returns a value different from the plan: a provider bug tfplug must catch.
        Ok(Value::object([
            ("name", Value::string("not-what-was-planned")),
            ("id", Value::string("i-1")),
        ])
        .into())
    }
    async fn delete(&self, _: &Context, _req: DeleteRequest) -> Result<Diagnostics> {
        Ok(Diagnostics::new())
    }
    async fn plan_destroy(&self, _: &Context, plan: &DestroyPlanContext) -> Diagnostics {
        let name = plan
            .prior
            .get_attr("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        tfplug::diag::Diagnostic::warning("Destroying", format!("{name:?} goes away")).into()
    }
}

fn ty() -> Type {
    Slow.schema().value_type()
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, &ty()).expect("encode"),
        json: Vec::new(),
    })
}

fn raw(bytes: &[u8]) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: bytes.to_vec(),
        json: Vec::new(),
    })
}

fn obj(name: &str, id: Value) -> Value {
    Value::object([("name", Value::string(name)), ("id", id)])
}

#[tokio::test]
async fn malformed_and_mistyped_values_become_diagnostics() {
    let svc = ProviderService::new(P);
    let inputs: Vec<Vec<u8>> = vec![
        vec![0xc1],                                                 // never-used msgpack byte
        vec![0x81, 0xa4, b'n', b'a'],                               // truncated map
        vec![0x92, 0x01, 0x02],                                     // array where an object belongs
        msgpack_map(&[("name", "x"), ("id", "y"), ("extra", "z")]), // unknown attribute
        msgpack_map(&[("name", "x")]),                              // missing attribute
    ];
    for bytes in inputs {
        let resp = svc
            .validate_resource_config(Request::new(pb::validate_resource_config::Request {
                type_name: "t_slow".into(),
                config: raw(&bytes),
                client_capabilities: None,
            }))
            .await
            .expect("a response, not a gRPC error")
            .into_inner();
        assert!(
            resp.diagnostics
                .iter()
                .any(|d| d.severity == pb::diagnostic::Severity::Error as i32),
            "no error diagnostic for {bytes:02x?}"
        );
    }
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_missing".into(),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    assert!(resp.diagnostics[0].detail.contains("t_missing"));
}

fn msgpack_map(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![0x80 | pairs.len() as u8];
    for (k, v) in pairs {
        for s in [k, v] {
            out.push(0xa0 | s.len() as u8);
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_apply_and_later_calls_still_work() {
    let svc = Arc::new(ProviderService::new(P));
    let apply = {
        let svc = svc.clone();
        tokio::spawn(async move {
            svc.apply_resource_change(Request::new(pb::apply_resource_change::Request {
                type_name: "t_slow".into(),
                prior_state: dv(&Value::Null),
                planned_state: dv(&obj("a", Value::Unknown)),
                config: dv(&obj("a", Value::Null)),
                ..Default::default()
            }))
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    svc.stop_provider(Request::new(pb::stop_provider::Request {}))
        .await
        .expect("stop");
    let resp = tokio::time::timeout(Duration::from_secs(5), apply)
        .await
        .expect("apply ends promptly after StopProvider")
        .expect("join")
        .expect("response")
        .into_inner();
    assert!(resp.diagnostics.iter().any(|d| d.summary == "Interrupted"));
    // A fresh token: the next call is not cancelled from the start.
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_slow".into(),
            current_state: dv(&obj("a", Value::string("i-1"))),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
}

#[tokio::test]
async fn inconsistent_apply_result_is_reported_at_the_attribute() {
    let svc = ProviderService::new(P);
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "t_slow".into(),
            prior_state: dv(&obj("a", Value::string("i-1"))),
            planned_state: dv(&obj("b", Value::string("i-1"))),
            config: dv(&obj("b", Value::Null)),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    let d = &resp.diagnostics[0];
    assert!(d.summary.contains("inconsistent result"), "{}", d.summary);
    let step = d.attribute.as_ref().map(|p| p.steps[0].clone());
    assert_eq!(
        step.and_then(|s| s.selector),
        Some(pb::attribute_path::step::Selector::AttributeName(
            "name".into()
        ))
    );
}

#[tokio::test]
async fn stored_json_state_is_upgraded_dropping_removed_attributes() {
    let svc = ProviderService::new(P);
    let resp = svc
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "t_slow".into(),
            version: 1,
            raw_state: Some(pb::RawState {
                json: br#"{"name":"a","id":"i-1","removed_long_ago":true}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .expect("response")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let v = msgpack::decode(&resp.upgraded_state.expect("state").msgpack, &ty()).expect("decode");
    assert_eq!(v, obj("a", Value::string("i-1")));

    // State written by a newer provider is refused with an explanation.
    let resp = svc
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "t_slow".into(),
            version: 7,
            raw_state: Some(pb::RawState {
                json: br#"{"name":"a","id":"i-1"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .expect("response")
        .into_inner();
    assert!(resp.diagnostics[0].detail.contains("newer"));
}

#[tokio::test]
async fn moves_from_sources_a_resource_does_not_accept_are_refused_by_name() {
    let svc = ProviderService::new(P);
    let schema = svc.provider_schema_response();
    assert!(
        schema
            .server_capabilities
            .is_some_and(|c| c.move_resource_state)
    );
    let move_from = |target: &str| pb::move_resource_state::Request {
        source_provider_address: "registry.terraform.io/hashicorp/other".into(),
        source_type_name: "other_thing".into(),
        source_schema_version: 0,
        source_state: Some(pb::RawState {
            json: br#"{"name":"a"}"#.to_vec(),
            flatmap: Default::default(),
        }),
        target_type_name: target.into(),
        source_private: b"theirs".to_vec(),
        ..Default::default()
    };
    let resp = svc
        .move_resource_state(Request::new(move_from("t_slow")))
        .await
        .expect("response")
        .into_inner();
    assert!(resp.target_state.is_none());
    assert!(resp.target_private.is_empty());
    let d = &resp.diagnostics[0];
    assert_eq!(d.summary, "Unsupported move");
    for word in [
        "t_slow",
        "other_thing",
        "registry.terraform.io/hashicorp/other",
    ] {
        assert!(d.detail.contains(word), "{word}: {}", d.detail);
    }

    let resp = svc
        .move_resource_state(Request::new(move_from("t_nope")))
        .await
        .expect("response")
        .into_inner();
    assert!(resp.diagnostics[0].detail.contains("t_nope"));
}

#[tokio::test]
async fn random_bytes_never_panic_the_service() {
    let svc = ProviderService::new(P);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2000 {
        let len = (seed % 40) as usize;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(seed as u8);
        }
        let resp = svc
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: "t_slow".into(),
                prior_state: raw(&bytes),
                proposed_new_state: raw(&bytes),
                config: raw(&bytes),
                ..Default::default()
            }))
            .await;
        assert!(resp.is_ok());
    }
}

#[tokio::test]
async fn private_state_is_carried_through_plan_and_read() {
    let svc = ProviderService::new(P);
    let state = obj("a", Value::string("i-1"));
    let plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_slow".into(),
            prior_state: dv(&state),
            proposed_new_state: dv(&state),
            config: dv(&obj("a", Value::Null)),
            prior_private: b"opaque".to_vec(),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    assert_eq!(plan.planned_private, b"opaque");
    let read = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_slow".into(),
            current_state: dv(&state),
            private: b"kept".to_vec(),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    assert_eq!(read.private, b"kept");
}

/// Terraform starts a provider three times per plan; with `get_provider_schema_optional`
/// it asks only the first for the schema. A later process must serve its resources
/// without ever having served GetProviderSchema, and GetMetadata must name them all.
#[tokio::test]
async fn a_process_never_asked_for_its_schema_still_serves_its_resources() {
    let first = ProviderService::new(P);
    let schema = first
        .get_provider_schema(Request::new(Default::default()))
        .await
        .expect("response")
        .into_inner();
    let caps = schema.server_capabilities.expect("capabilities");
    assert!(caps.get_provider_schema_optional);
    let meta = first
        .get_metadata(Request::new(Default::default()))
        .await
        .expect("response")
        .into_inner();
    let named: Vec<_> = meta
        .resources
        .iter()
        .map(|r| r.type_name.as_str())
        .collect();
    let mut served: Vec<_> = schema.resource_schemas.keys().map(String::as_str).collect();
    served.sort_unstable();
    assert_eq!(named, served);
    assert_eq!(
        meta.server_capabilities.expect("capabilities"),
        caps,
        "GetMetadata and GetProviderSchema must agree on the capabilities"
    );

    let later = ProviderService::new(P);
    let state = obj("a", Value::string("i-1"));
    let read = later
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "t_slow".into(),
            current_state: dv(&state),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    assert!(read.new_state.is_some());
}

#[tokio::test]
async fn destroys_are_planned_by_the_resource_when_terraform_asks() {
    let svc = ProviderService::new(P);
    let schema = svc
        .get_provider_schema(Request::new(Default::default()))
        .await
        .expect("response")
        .into_inner();
    let caps = schema.server_capabilities.expect("capabilities");
    assert!(caps.plan_destroy, "plan_destroy must be advertised");
    let plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_slow".into(),
            prior_state: dv(&obj("a", Value::string("i-1"))),
            proposed_new_state: dv(&Value::Null),
            config: dv(&Value::Null),
            prior_private: b"kept".to_vec(),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    let planned =
        msgpack::decode(&plan.planned_state.expect("planned").msgpack, &ty()).expect("decode");
    assert!(planned.is_null(), "a destroy plans a null state");
    assert_eq!(plan.planned_private, b"kept");
    assert_eq!(plan.diagnostics.len(), 1, "{:?}", plan.diagnostics);
    assert_eq!(plan.diagnostics[0].summary, "Destroying");
    assert!(plan.diagnostics[0].detail.contains("\"a\" goes away"));
}

/// The attribute names of a diagnostic's path, step by step.
fn attribute_steps(d: &pb::Diagnostic) -> Vec<String> {
    d.attribute
        .iter()
        .flat_map(|p| &p.steps)
        .filter_map(|s| match &s.selector {
            Some(pb::attribute_path::step::Selector::AttributeName(n)) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// Terraform only checks that a required argument is written: `name = null` (or a
/// variable or attribute that turns out null) reaches the provider, which must refuse it
/// at validation and, when the value was unknown then, at plan, naming the attribute.
#[tokio::test]
async fn a_null_required_attribute_is_refused_at_validate_and_plan() {
    let svc = ProviderService::new(P);
    let validate = |config: Value| {
        let svc = &svc;
        async move {
            svc.validate_resource_config(Request::new(pb::validate_resource_config::Request {
                type_name: "t_slow".into(),
                config: dv(&config),
                client_capabilities: None,
            }))
            .await
            .expect("response")
            .into_inner()
            .diagnostics
        }
    };
    let diags = validate(obj("a", Value::Null)).await;
    assert!(diags.is_empty(), "{diags:?}");
    // Unknown at validation: checked again once known.
    let diags = validate(Value::object([
        ("name", Value::Unknown),
        ("id", Value::Null),
    ]))
    .await;
    assert!(diags.is_empty(), "{diags:?}");
    let diags = validate(Value::object([("name", Value::Null), ("id", Value::Null)])).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].severity, pb::diagnostic::Severity::Error as i32);
    assert_eq!(diags[0].summary, "Missing required argument");
    assert!(diags[0].detail.contains("\"name\""), "{}", diags[0].detail);
    assert_eq!(attribute_steps(&diags[0]), ["name"]);

    // Known only at plan (say `name = other.attr`, unknown when validated).
    let config = Value::object([("name", Value::Null), ("id", Value::Null)]);
    let plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "t_slow".into(),
            prior_state: dv(&Value::Null),
            proposed_new_state: dv(&config),
            config: dv(&config),
            ..Default::default()
        }))
        .await
        .expect("response")
        .into_inner();
    assert_eq!(plan.diagnostics.len(), 1, "{:?}", plan.diagnostics);
    assert_eq!(plan.diagnostics[0].summary, "Missing required argument");
    assert_eq!(attribute_steps(&plan.diagnostics[0]), ["name"]);
    assert!(
        plan.planned_state.is_none(),
        "no plan of an object without its name"
    );
}

/// A data source is read at plan: a required value that was unknown at validation and
/// turned out null is refused there, before the read.
#[tokio::test]
async fn a_data_source_read_refuses_a_null_required_attribute() {
    let svc = ProviderService::new(P);
    let read = |name: Value| {
        let svc = &svc;
        async move {
            svc.read_data_source(Request::new(pb::read_data_source::Request {
                type_name: "t_lookup".into(),
                config: dv(&Value::object([("name", name), ("id", Value::Null)])),
                ..Default::default()
            }))
            .await
            .expect("response")
            .into_inner()
        }
    };
    let found = read(Value::string("a")).await;
    assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
    assert!(found.state.is_some());
    let refused = read(Value::Null).await;
    assert_eq!(refused.diagnostics.len(), 1, "{:?}", refused.diagnostics);
    assert_eq!(refused.diagnostics[0].summary, "Missing required argument");
    assert_eq!(attribute_steps(&refused.diagnostics[0]), ["name"]);
    assert!(refused.state.is_none());
}
