//! Tests for the serde bridge: `from_value`, `to_value` and `Maybe`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tfplug::value::{
    AttributePath, Maybe, Number, Type, Value, ValueErrorKind, from_value, msgpack, to_value,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VpcConfig {
    subnet_ids: Vec<String>,
    security_group_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Mode {
    Auto,
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Resource {
    name: String,
    arn: Maybe<String>,
    memory: i64,
    ratio: f64,
    enabled: bool,
    description: Option<String>,
    tags: BTreeMap<String, String>,
    vpc_config: Vec<VpcConfig>,
    mode: Mode,
    max_count: Maybe<u32>,
}

fn resource_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("arn", Type::String),
        ("memory", Type::Number),
        ("ratio", Type::Number),
        ("enabled", Type::Bool),
        ("description", Type::String),
        ("tags", Type::map(Type::String)),
        (
            "vpc_config",
            Type::list(Type::object([
                ("subnet_ids", Type::list(Type::String)),
                ("security_group_ids", Type::set(Type::String)),
            ])),
        ),
        ("mode", Type::String),
        ("max_count", Type::Number),
        ("timeouts", Type::object([("create", Type::String)])),
    ])
}

fn resource() -> Resource {
    Resource {
        name: "cp".into(),
        arn: Maybe::Unknown,
        memory: 1024,
        ratio: 0.25,
        enabled: true,
        description: None,
        tags: BTreeMap::from([("env".to_string(), "prod".to_string())]),
        vpc_config: vec![VpcConfig {
            subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
            security_group_ids: Some(vec!["sg-1".into()]),
        }],
        mode: Mode::Manual,
        max_count: Maybe::Known(3),
    }
}

#[test]
fn to_value_builds_typed_values() {
    let v = to_value(&resource(), &resource_type()).unwrap();
    v.conforms_to(&resource_type()).unwrap();
    assert_eq!(v.get_attr("arn"), Some(&Value::Unknown));
    assert_eq!(v.get_attr("description"), Some(&Value::Null));
    assert_eq!(
        v.get_attr("timeouts"),
        Some(&Value::Null),
        "attribute missing from the struct"
    );
    assert_eq!(v.get_attr("mode"), Some(&Value::string("manual")));
    assert_eq!(
        v.get_attr("ratio"),
        Some(&Value::Number(Number::parse("0.25").unwrap()))
    );
    let sg = v.get_path(
        &AttributePath::attr("vpc_config")
            .child_index(0)
            .child_attr("security_group_ids"),
    );
    assert_eq!(sg, Some(&Value::Set(vec![Value::string("sg-1")])));
    // and it encodes
    let bytes = msgpack::encode(&v, &resource_type()).unwrap();
    assert_eq!(msgpack::decode(&bytes, &resource_type()).unwrap(), v);
}

#[test]
fn from_value_round_trips() {
    let v = to_value(&resource(), &resource_type()).unwrap();
    let back: Resource = from_value(&v).unwrap();
    assert_eq!(back, resource());
}

#[test]
fn maybe_maps_null_unknown_known() {
    assert_eq!(
        from_value::<Maybe<String>>(&Value::Null).unwrap(),
        Maybe::Null
    );
    assert_eq!(
        from_value::<Maybe<String>>(&Value::Unknown).unwrap(),
        Maybe::Unknown
    );
    assert_eq!(
        from_value::<Maybe<String>>(&Value::string("x")).unwrap(),
        Maybe::Known("x".to_string())
    );
    assert_eq!(
        to_value(&Maybe::<String>::Unknown, &Type::String).unwrap(),
        Value::Unknown
    );
    assert_eq!(
        to_value(&Maybe::<String>::Null, &Type::String).unwrap(),
        Value::Null
    );
    assert_eq!(
        to_value(&Maybe::Known(5u8), &Type::Number).unwrap(),
        Value::number(5)
    );

    let m: Maybe<i32> = Maybe::default();
    assert!(m.is_null());
    let m = Maybe::Known(3);
    assert_eq!(m.known(), Some(&3));
    assert_eq!(m.clone().into_option(), Some(3));
    assert!(Maybe::<i32>::Unknown.is_unknown());
    assert_eq!(Maybe::Known(2).map(|x| x * 2), Maybe::Known(4));
    assert_eq!(Maybe::from(Some(1)), Maybe::Known(1));

    // With other formats Maybe behaves like Option.
    assert_eq!(
        serde_json::to_string(&Maybe::<i32>::Unknown).unwrap(),
        "null"
    );
    assert_eq!(serde_json::to_string(&Maybe::Known(1)).unwrap(), "1");
    assert_eq!(
        serde_json::from_str::<Maybe<i32>>("null").unwrap(),
        Maybe::Null
    );
    assert_eq!(
        serde_json::from_str::<Maybe<i32>>("7").unwrap(),
        Maybe::Known(7)
    );
}

#[test]
fn maybe_field_missing_from_object_is_null() {
    #[derive(Deserialize, Debug)]
    struct S {
        a: Maybe<String>,
        b: Option<String>,
    }
    let s: S = from_value(&Value::object(Vec::<(String, Value)>::new())).unwrap();
    assert!(s.a.is_null());
    assert!(s.b.is_none());
}

#[test]
fn option_on_unknown_is_an_error_with_path() {
    let mut v = to_value(&resource(), &resource_type()).unwrap();
    *v.get_path_mut(&AttributePath::attr("description")).unwrap() = Value::Unknown;
    let err = from_value::<Resource>(&v).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::Unknown);
    assert_eq!(err.path, AttributePath::attr("description"));
    assert_eq!(err.to_string(), "at description: value is unknown");

    // Unknown where a plain value is needed.
    let err = from_value::<String>(&Value::Unknown).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::Unknown);
}

#[test]
fn type_errors_have_paths() {
    let mut v = to_value(&resource(), &resource_type()).unwrap();
    *v.get_path_mut(
        &AttributePath::attr("vpc_config")
            .child_index(0)
            .child_attr("subnet_ids"),
    )
    .unwrap() = Value::List(vec![Value::string("ok"), Value::number(5)]);
    let err = from_value::<Resource>(&v).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at vpc_config[0].subnet_ids[1]: expected string, got number"
    );

    // Null for a non-optional field.
    let mut v = to_value(&resource(), &resource_type()).unwrap();
    *v.get_attr_mut("memory").unwrap() = Value::Null;
    let err = from_value::<Resource>(&v).unwrap_err();
    assert_eq!(err.to_string(), "at memory: expected integer, got null");

    // Integers must be integral and in range.
    assert!(from_value::<i64>(&Value::Number(Number::parse("1.5").unwrap())).is_err());
    assert!(from_value::<u8>(&Value::number(300)).is_err());
    assert!(from_value::<u64>(&Value::number(-1)).is_err());
    assert_eq!(
        from_value::<u64>(&Value::number(u64::MAX)).unwrap(),
        u64::MAX
    );
    assert_eq!(
        from_value::<i128>(&Value::Number(Number::parse("1e30").unwrap())).unwrap(),
        10i128.pow(30)
    );
    assert_eq!(from_value::<f64>(&Value::number(2)).unwrap(), 2.0);
}

#[test]
fn to_value_checks_the_type() {
    #[derive(Serialize)]
    struct Extra {
        name: String,
        not_in_schema: bool,
    }
    let ty = Type::object([("name", Type::String)]);
    let err = to_value(
        &Extra {
            name: "x".into(),
            not_in_schema: true,
        },
        &ty,
    )
    .unwrap_err();
    assert_eq!(
        err.kind,
        ValueErrorKind::UnknownAttribute("not_in_schema".into())
    );

    #[derive(Serialize)]
    struct Wrong {
        name: i64,
    }
    let err = to_value(&Wrong { name: 1 }, &ty).unwrap_err();
    assert_eq!(err.to_string(), "at name: expected string, got number");
    assert!(to_value(&f64::NAN, &Type::Number).is_err());
    assert!(to_value(&vec![1, 2], &Type::tuple([Type::Number])).is_err());
    assert_eq!(
        to_value(&(1, "a"), &Type::tuple([Type::Number, Type::String])).unwrap(),
        Value::Tuple(vec![Value::number(1), Value::string("a")])
    );
}

#[test]
fn to_value_infers_types_at_dynamic_positions() {
    let j = serde_json::json!({"a": [1, "x"], "b": null, "c": {"d": true}});
    let v = to_value(&j, &Type::Dynamic).unwrap();
    let expected_ty = Type::object([
        ("a", Type::tuple([Type::Number, Type::String])),
        ("b", Type::Dynamic),
        ("c", Type::object([("d", Type::Bool)])),
    ]);
    let Value::Dynamic(inner) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(inner.0, expected_ty);
    v.conforms_to(&Type::Dynamic).unwrap();
    let bytes = msgpack::encode(&v, &Type::Dynamic).unwrap();
    assert_eq!(msgpack::decode(&bytes, &Type::Dynamic).unwrap(), v);
    // and back to JSON through from_value
    let back: serde_json::Value = from_value(&v).unwrap();
    assert_eq!(back, j);
    assert_eq!(
        to_value(&"s", &Type::Dynamic).unwrap(),
        Value::dynamic(Type::String, Value::string("s"))
    );
}

#[test]
fn maps_and_structs_fill_maps_and_objects() {
    let m = BTreeMap::from([("a".to_string(), 1), ("b".to_string(), 2)]);
    assert_eq!(
        to_value(&m, &Type::map(Type::Number)).unwrap(),
        Value::map([("a", Value::number(1)), ("b", Value::number(2))])
    );
    let obj = to_value(
        &m,
        &Type::object([
            ("a", Type::Number),
            ("b", Type::Number),
            ("c", Type::String),
        ]),
    )
    .unwrap();
    assert_eq!(obj.get_attr("c"), Some(&Value::Null));
    let back: BTreeMap<String, i32> = from_value(&Value::map([("x", Value::number(9))])).unwrap();
    assert_eq!(back, BTreeMap::from([("x".to_string(), 9)]));
    let dynamic_list = Value::dynamic(
        Type::list(Type::String),
        Value::List(vec![Value::string("z")]),
    );
    assert_eq!(
        from_value::<Vec<String>>(&dynamic_list).unwrap(),
        vec!["z".to_string()]
    );
}
