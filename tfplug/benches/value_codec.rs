//! Benchmarks of the value codecs on a typical resource state: a Lambda capacity
//! provider (about 25 attributes with nested blocks, lists, maps and numbers).

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use tfplug::value::{Maybe, Number, Type, Value, from_value, json, msgpack, to_value};

fn list_of_strings() -> Type {
    Type::list(Type::String)
}

fn state_type() -> Type {
    Type::object([
        ("arn", Type::String),
        ("id", Type::String),
        ("name", Type::String),
        ("region", Type::String),
        ("state", Type::String),
        ("description", Type::String),
        ("kms_key_arn", Type::String),
        ("operator_role_arn", Type::String),
        ("architectures", list_of_strings()),
        ("allowed_instance_types", list_of_strings()),
        ("excluded_instance_types", list_of_strings()),
        ("max_vcpu_count", Type::Number),
        ("min_vcpu_count", Type::Number),
        ("target_utilization", Type::Number),
        ("scaling_mode", Type::String),
        ("created_at", Type::String),
        ("last_modified", Type::String),
        ("version", Type::Number),
        ("enabled", Type::Bool),
        (
            "vpc_config",
            Type::list(Type::object([
                ("subnet_ids", list_of_strings()),
                ("security_group_ids", list_of_strings()),
                ("vpc_id", Type::String),
            ])),
        ),
        (
            "scaling_policies",
            Type::list(Type::object([
                ("predefined_metric_type", Type::String),
                ("target_value", Type::Number),
                ("cooldown_seconds", Type::Number),
            ])),
        ),
        ("tags", Type::map(Type::String)),
        ("tags_all", Type::map(Type::String)),
        (
            "timeouts",
            Type::object([
                ("create", Type::String),
                ("update", Type::String),
                ("delete", Type::String),
            ]),
        ),
        ("subnet_ids", list_of_strings()),
    ])
}

fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

fn tags(n: usize) -> Value {
    Value::map((0..n).map(|i| {
        (
            format!("tag-key-{i}"),
            Value::string(format!("tag value {i}")),
        )
    }))
}

fn state_value() -> Value {
    let arn = "arn:aws:lambda:eu-west-1:123456789012:capacity-provider:my-capacity-provider";
    let subnets = [
        "subnet-0a1b2c3d4e5f60001",
        "subnet-0a1b2c3d4e5f60002",
        "subnet-0a1b2c3d4e5f60003",
    ];
    Value::object([
        ("arn", Value::string(arn)),
        ("id", Value::string("my-capacity-provider")),
        ("name", Value::string("my-capacity-provider")),
        ("region", Value::string("eu-west-1")),
        ("state", Value::string("ACTIVE")),
        ("description", Value::Null),
        (
            "kms_key_arn",
            Value::string(
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        ),
        (
            "operator_role_arn",
            Value::string("arn:aws:iam::123456789012:role/lambda-capacity-operator"),
        ),
        ("architectures", strings(&["x86_64"])),
        (
            "allowed_instance_types",
            strings(&["m7i.large", "m7i.xlarge", "c7i.large"]),
        ),
        ("excluded_instance_types", Value::List(vec![])),
        ("max_vcpu_count", Value::number(400)),
        ("min_vcpu_count", Value::number(0)),
        (
            "target_utilization",
            Value::Number(Number::from_f64(0.75).unwrap_or(Number::from(0))),
        ),
        ("scaling_mode", Value::string("Auto")),
        ("created_at", Value::string("2025-11-30T12:00:00Z")),
        ("last_modified", Value::string("2025-12-01T08:30:00Z")),
        ("version", Value::number(3)),
        ("enabled", Value::Bool(true)),
        (
            "vpc_config",
            Value::List(vec![Value::object([
                ("subnet_ids", strings(&subnets)),
                ("security_group_ids", strings(&["sg-0123456789abcdef0"])),
                ("vpc_id", Value::string("vpc-0123456789abcdef0")),
            ])]),
        ),
        (
            "scaling_policies",
            Value::List(
                [
                    ("LambdaCapacityProviderAverageCPUUtilization", 60),
                    ("LambdaCapacityProviderAverageMemoryUtilization", 70),
                ]
                .iter()
                .map(|(metric, target)| {
                    Value::object([
                        ("predefined_metric_type", Value::string(*metric)),
                        ("target_value", Value::number(*target)),
                        ("cooldown_seconds", Value::number(300)),
                    ])
                })
                .collect(),
            ),
        ),
        ("tags", tags(10)),
        ("tags_all", tags(12)),
        (
            "timeouts",
            Value::object([
                ("create", Value::string("30m")),
                ("update", Value::Null),
                ("delete", Value::string("20m")),
            ]),
        ),
        ("subnet_ids", strings(&subnets)),
    ])
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct VpcConfig {
    subnet_ids: Vec<String>,
    security_group_ids: Vec<String>,
    vpc_id: String,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct ScalingPolicy {
    predefined_metric_type: String,
    target_value: f64,
    cooldown_seconds: i64,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct Timeouts {
    create: Option<String>,
    update: Option<String>,
    delete: Option<String>,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct CapacityProvider {
    arn: Maybe<String>,
    id: Maybe<String>,
    name: String,
    region: Maybe<String>,
    state: Maybe<String>,
    description: Option<String>,
    kms_key_arn: Option<String>,
    operator_role_arn: String,
    architectures: Vec<String>,
    allowed_instance_types: Vec<String>,
    excluded_instance_types: Vec<String>,
    max_vcpu_count: i64,
    min_vcpu_count: i64,
    target_utilization: f64,
    scaling_mode: String,
    created_at: Maybe<String>,
    last_modified: Maybe<String>,
    version: i64,
    enabled: bool,
    vpc_config: Vec<VpcConfig>,
    scaling_policies: Vec<ScalingPolicy>,
    tags: BTreeMap<String, String>,
    tags_all: Maybe<BTreeMap<String, String>>,
    timeouts: Option<Timeouts>,
    subnet_ids: Vec<String>,
}

fn benches(c: &mut Criterion) {
    let ty = state_type();
    let value = state_value();
    value.conforms_to(&ty).expect("benchmark value conforms");
    let bytes = msgpack::encode(&value, &ty).expect("encodes");
    let json_bytes = json::encode(&value, &ty).expect("encodes as JSON");
    let typed: CapacityProvider = from_value(&value).expect("reads into the struct");
    println!(
        "state: {} attributes, {} msgpack bytes, {} JSON bytes",
        value.as_entries().map_or(0, BTreeMap::len),
        bytes.len(),
        json_bytes.len()
    );

    c.bench_function("msgpack_decode_state", |b| {
        b.iter(|| msgpack::decode(black_box(&bytes), black_box(&ty)).expect("decodes"))
    });
    c.bench_function("msgpack_encode_state", |b| {
        b.iter(|| msgpack::encode(black_box(&value), black_box(&ty)).expect("encodes"))
    });
    c.bench_function("from_value_state", |b| {
        b.iter(|| from_value::<CapacityProvider>(black_box(&value)).expect("reads"))
    });
    c.bench_function("msgpack_decode_then_from_value", |b| {
        b.iter(|| {
            let v = msgpack::decode(black_box(&bytes), black_box(&ty)).expect("decodes");
            from_value::<CapacityProvider>(&v).expect("reads")
        })
    });
    c.bench_function("to_value_state", |b| {
        b.iter(|| to_value(black_box(&typed), black_box(&ty)).expect("writes"))
    });
    c.bench_function("json_decode_state", |b| {
        b.iter(|| json::decode(black_box(&json_bytes), black_box(&ty)).expect("decodes"))
    });
    c.bench_function("json_encode_state", |b| {
        b.iter(|| json::encode(black_box(&value), black_box(&ty)).expect("encodes"))
    });
}

criterion_group!(value_codec, benches);
criterion_main!(value_codec);
