//! Unit tests for the JSON codec (cty's JSON, as in Terraform state).

use tfplug::value::json::{self, JsonDecodeOptions};
use tfplug::value::{Number, Type, Value, ValueErrorKind};

fn enc(v: &Value, ty: &Type) -> String {
    String::from_utf8(json::encode(v, ty).unwrap()).unwrap()
}

fn dec(s: &str, ty: &Type) -> Value {
    json::decode(s.as_bytes(), ty).unwrap()
}

fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).unwrap())
}

fn state_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("count", Type::Number),
        ("enabled", Type::Bool),
        ("tags", Type::map(Type::String)),
        ("subnets", Type::list(Type::String)),
        ("ports", Type::set(Type::Number)),
        ("pair", Type::tuple([Type::String, Type::Number])),
        ("extra", Type::Dynamic),
    ])
}

#[test]
fn encodes_state_like_terraform() {
    let v = Value::object([
        ("id", Value::string("abc")),
        ("count", Value::number(3)),
        ("enabled", Value::Bool(true)),
        ("tags", Value::map([("Name", Value::string("x"))])),
        (
            "subnets",
            Value::List(vec![Value::string("s-1"), Value::string("s-2")]),
        ),
        ("ports", Value::Set(vec![Value::number(80)])),
        ("pair", Value::Tuple(vec![Value::string("a"), num("1.5")])),
        (
            "extra",
            Value::dynamic(
                Type::list(Type::Bool),
                Value::List(vec![Value::Bool(false)]),
            ),
        ),
    ]);
    let s = enc(&v, &state_type());
    assert_eq!(
        s,
        r#"{"count":3,"enabled":true,"extra":{"value":[false],"type":["list","bool"]},"id":"abc","pair":["a",1.5],"ports":[80],"subnets":["s-1","s-2"],"tags":{"Name":"x"}}"#
    );
    assert_eq!(dec(&s, &state_type()), v);
}

#[test]
fn null_and_unknown() {
    assert_eq!(enc(&Value::Null, &Type::String), "null");
    assert_eq!(dec("null", &Type::Dynamic), Value::Null);
    assert_eq!(dec("", &Type::String), Value::Null);
    let err = json::encode(&Value::Unknown, &Type::String).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::Unknown);
    let ty = Type::object([("a", Type::list(Type::String))]);
    let err = json::encode(
        &Value::object([("a", Value::List(vec![Value::Unknown]))]),
        &ty,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "at a[0]: value is unknown");
}

#[test]
fn numbers_keep_full_precision() {
    let big = "123456789012345678901234567890.5";
    assert_eq!(dec(big, &Type::Number), num(big));
    assert_eq!(enc(&num(big), &Type::Number), big);
    assert_eq!(
        dec("18446744073709551615", &Type::Number),
        Value::number(u64::MAX)
    );
    assert_eq!(
        dec("-9223372036854775808", &Type::Number),
        Value::number(i64::MIN)
    );
    assert_eq!(dec("0.1", &Type::Number), num("0.1"));
    assert_eq!(dec("1e3", &Type::Number), Value::number(1000));
    assert_eq!(dec("1.000", &Type::Number), Value::number(1));
    assert_eq!(enc(&num("1e-7"), &Type::Number), "0.0000001");
    assert_eq!(enc(&num("1e21"), &Type::Number), "1000000000000000000000");
}

#[test]
fn primitives_are_converted_leniently_like_cty() {
    assert_eq!(dec("\"12.5\"", &Type::Number), num("12.5"));
    assert_eq!(dec("12.50", &Type::String), Value::string("12.50"));
    assert_eq!(dec("true", &Type::String), Value::string("true"));
    assert_eq!(dec("\"false\"", &Type::Bool), Value::Bool(false));
    assert!(json::decode(b"\"yes\"", &Type::Bool).is_err());
    assert!(json::decode(b"\"abc\"", &Type::Number).is_err());
}

#[test]
fn objects_missing_and_undefined_attributes() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    assert_eq!(
        dec(r#"{"a":"x"}"#, &ty),
        Value::object([("a", Value::string("x")), ("b", Value::Null)])
    );
    let err = json::decode(br#"{"a":"x","zzz":1}"#, &ty).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::UnknownAttribute("zzz".into()));
    let opts = JsonDecodeOptions {
        ignore_undefined_attributes: true,
    };
    assert_eq!(
        json::decode_with(br#"{"a":"x","zzz":1}"#, &ty, opts).unwrap(),
        Value::object([("a", Value::string("x")), ("b", Value::Null)])
    );
    assert!(!JsonDecodeOptions::default().ignore_undefined_attributes);
}

#[test]
fn errors_have_paths() {
    let ty = Type::object([(
        "vpc_config",
        Type::list(Type::object([("name", Type::String)])),
    )]);
    let err = json::decode(br#"{"vpc_config":[{"name":[1]}]}"#, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at vpc_config[0].name: expected string, got JSON array"
    );
    let err = json::decode(
        br#"{"m":{"k":"v"}}"#,
        &Type::object([("m", Type::map(Type::Bool))]),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "at m[\"k\"]: expected bool, got JSON string"
    );
}

#[test]
fn dynamic_values() {
    let v = Value::dynamic(
        Type::object([("n", Type::Number)]),
        Value::object([("n", Value::number(1))]),
    );
    let s = enc(&v, &Type::Dynamic);
    assert_eq!(s, r#"{"value":{"n":1},"type":["object",{"n":"number"}]}"#);
    assert_eq!(dec(&s, &Type::Dynamic), v);
    // Either key order.
    assert_eq!(
        dec(r#"{"type":"string","value":"x"}"#, &Type::Dynamic),
        Value::dynamic(Type::String, Value::string("x"))
    );
    assert!(json::decode(br#"{"value":"x"}"#, &Type::Dynamic).is_err());
    assert!(json::decode(br#""x""#, &Type::Dynamic).is_err());
    assert!(
        json::decode(
            br#"{"value":"x","type":"string","other":1}"#,
            &Type::Dynamic
        )
        .is_err()
    );
}

#[test]
fn strings_are_escaped() {
    let s = "quote\" backslash\\ newline\n tab\t ctrl\u{1} unicode é 🦀";
    let out = enc(&Value::string(s), &Type::String);
    assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
    assert_eq!(dec(&out, &Type::String), Value::string(s));
}

#[test]
fn malformed_and_deep_input_are_errors() {
    let err = json::decode(b"{", &Type::String).unwrap_err();
    assert!(matches!(err.kind, ValueErrorKind::MalformedJson(_)));
    let deep = "[".repeat(100_000);
    assert!(json::decode(deep.as_bytes(), &Type::Dynamic).is_err());
    let tuple = Type::tuple([Type::String]);
    let err = json::decode(b"[\"a\",\"b\"]", &tuple).unwrap_err();
    assert!(matches!(
        err.kind,
        ValueErrorKind::TupleLength {
            expected: 1,
            got: 2
        }
    ));
}
