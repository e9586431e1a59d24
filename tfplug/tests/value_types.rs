//! Unit tests for types, numbers, paths, errors and value helpers.

use std::collections::HashSet;

use serde_json::json;
use tfplug::value::{AttributePath, Number, PathStep, Type, Value, ValueError, ValueErrorKind};

#[test]
fn type_json_round_trips() {
    let cases = [
        (Type::String, json!("string")),
        (Type::Number, json!("number")),
        (Type::Bool, json!("bool")),
        (Type::Dynamic, json!("dynamic")),
        (Type::list(Type::String), json!(["list", "string"])),
        (Type::set(Type::Number), json!(["set", "number"])),
        (Type::map(Type::Bool), json!(["map", "bool"])),
        (
            Type::object([("a", Type::Number), ("b", Type::list(Type::Dynamic))]),
            json!(["object", {"a": "number", "b": ["list", "dynamic"]}]),
        ),
        (
            Type::tuple([Type::String, Type::Bool]),
            json!(["tuple", ["string", "bool"]]),
        ),
        (Type::Object(Default::default()), json!(["object", {}])),
    ];
    for (ty, j) in cases {
        assert_eq!(ty.to_json(), j);
        assert_eq!(Type::from_json(&j).unwrap(), ty);
        let bytes = ty.to_json_bytes();
        assert_eq!(bytes, serde_json::to_vec(&j).unwrap());
        assert_eq!(Type::from_json_bytes(&bytes).unwrap(), ty);
    }
}

#[test]
fn type_json_accepts_optional_attributes_and_rejects_garbage() {
    let j = json!(["object", {"a": "string", "b": "number"}, ["b"]]);
    assert_eq!(
        Type::from_json(&j).unwrap(),
        Type::object([("a", Type::String), ("b", Type::Number)])
    );
    for bad in [
        json!("strin"),
        json!(["list"]),
        json!(["list", "string", "x"]),
        json!(["object", ["a"]]),
        json!(["object", {}, "x"]),
        json!(["tuple", "string"]),
        json!(["capsule", "x"]),
        json!(42),
        json!([]),
    ] {
        let err = Type::from_json(&bad).unwrap_err();
        assert!(
            matches!(err.kind, ValueErrorKind::InvalidType(_)),
            "{bad}: {err}"
        );
    }
    let err = Type::from_json(&json!(["object", {"x": ["list", "nope"]}])).unwrap_err();
    assert_eq!(err.path, AttributePath::attr("x"));
    assert!(Type::from_json_bytes(b"not json").is_err());
    assert_eq!(Type::list(Type::String).to_string(), "list of string");
}

#[test]
fn number_parsing_and_display() {
    let cases = [
        ("0", "0"),
        ("-0", "0"),
        ("+7", "7"),
        ("1.000", "1"),
        ("1e3", "1000"),
        ("1.5E+2", "150"),
        ("-0.50", "-0.5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("12e-5", "0.00012"),
        (
            "123456789012345678901234567890.5",
            "123456789012345678901234567890.5",
        ),
        ("18446744073709551616", "18446744073709551616"),
        ("0e999999999999999999999", "0"),
    ];
    for (input, display) in cases {
        assert_eq!(
            Number::parse(input).unwrap().to_string(),
            display,
            "{input}"
        );
    }
    for bad in [
        "", "-", "abc", "1.2.3", "1e", "1e+", "NaN", "inf", "0x10", " 1", "1 ", "1e99999",
        "1e-99999",
    ] {
        assert!(Number::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn number_conversions() {
    assert_eq!(Number::from_u64(u64::MAX).as_u64(), Some(u64::MAX));
    assert_eq!(Number::from_u64(u64::MAX).as_i64(), None);
    assert_eq!(Number::from_i64(i64::MIN).as_i64(), Some(i64::MIN));
    assert_eq!(Number::from_i64(-1).as_u64(), None);
    assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
    assert_eq!(Number::from_f64(0.1).unwrap().as_f64(), 0.1);
    assert_eq!(Number::from_f64(-2.0).unwrap().as_i64(), Some(-2));
    assert_eq!(
        Number::from_f64(1e20).unwrap().to_string(),
        "100000000000000000000"
    );
    assert_eq!(
        Number::from_f64(2f64.powi(63)).unwrap().as_u64(),
        Some(1 << 63)
    );
    assert!(Number::from_f64(f64::NAN).is_none());
    assert!(Number::from_f64(f64::INFINITY).is_none());
    assert!(Number::from_f64(1.5).is_some_and(|n| !n.is_integer()));
    assert!(Number::parse("1e30").unwrap().is_integer());
    assert_eq!(Number::parse("1e400").unwrap().as_f64(), f64::INFINITY);
    assert_eq!(Number::from(5i32), Number::from(5u32));
    assert_eq!(Number::from(5i64), Number::from(5u64));
    assert_eq!(Number::parse("1.0").unwrap(), Number::from(1));
}

#[test]
fn number_equality_order_and_hash_are_numeric() {
    let a = Number::parse("1").unwrap();
    let b = Number::parse("1.000").unwrap();
    let c = Number::from_f64(1.0).unwrap();
    assert_eq!(a, b);
    assert_eq!(b, c);
    let set: HashSet<Number> = [a, b, c].into_iter().collect();
    assert_eq!(set.len(), 1);

    let ordered = [
        "-1e30",
        "-18446744073709551616",
        "-9223372036854775808",
        "-1.5",
        "-1",
        "-0.001",
        "0",
        "0.0001",
        "0.001",
        "0.1",
        "1",
        "1.0000000000000000001",
        "2",
        "10",
        "9223372036854775807",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890.5",
        "1e30",
    ];
    let nums: Vec<Number> = ordered.iter().map(|s| Number::parse(s).unwrap()).collect();
    for (i, x) in nums.iter().enumerate() {
        for (j, y) in nums.iter().enumerate() {
            assert_eq!(x.cmp(y), i.cmp(&j), "{x} vs {y}");
        }
    }
}

#[test]
fn path_display_and_builders() {
    let p = AttributePath::attr("vpc_config")
        .child_index(0)
        .child_attr("subnet_ids")
        .child_key("x");
    assert_eq!(p.to_string(), r#"vpc_config[0].subnet_ids["x"]"#);
    assert_eq!(
        p.steps,
        vec![
            PathStep::Attribute("vpc_config".into()),
            PathStep::ElementKeyInt(0),
            PathStep::Attribute("subnet_ids".into()),
            PathStep::ElementKeyString("x".into()),
        ]
    );
    assert!(AttributePath::root().is_empty());
    assert_eq!(AttributePath::root().to_string(), "");
    assert!(p.starts_with(&AttributePath::attr("vpc_config")));
    assert!(AttributePath::attr("a") < AttributePath::attr("b"));
}

#[test]
fn error_display() {
    let err = ValueError::at(
        AttributePath::attr("vpc_config")
            .child_index(0)
            .child_attr("name"),
        ValueErrorKind::TypeMismatch {
            expected: "string".into(),
            got: "number".into(),
        },
    );
    assert_eq!(
        err.to_string(),
        "at vpc_config[0].name: expected string, got number"
    );
    assert_eq!(
        ValueError::new(ValueErrorKind::UnknownAttribute("x".into())).to_string(),
        "unknown attribute \"x\""
    );
    let _: &dyn std::error::Error = &err;
}

fn sample_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("tags", Type::map(Type::String)),
        ("blocks", Type::list(Type::object([("id", Type::Number)]))),
        ("any", Type::Dynamic),
    ])
}

fn sample() -> Value {
    Value::object([
        ("name", Value::string("n")),
        ("tags", Value::map([("k", Value::string("v"))])),
        (
            "blocks",
            Value::List(vec![
                Value::object([("id", Value::number(1))]),
                Value::object([("id", Value::Unknown)]),
            ]),
        ),
        (
            "any",
            Value::dynamic(
                Type::object([("x", Type::Bool)]),
                Value::object([("x", Value::Bool(true))]),
            ),
        ),
    ])
}

#[test]
fn conforms_to_checks_with_paths() {
    sample().conforms_to(&sample_type()).unwrap();
    Value::Null.conforms_to(&sample_type()).unwrap();
    Value::Unknown.conforms_to(&Type::Dynamic).unwrap();

    let mut bad = sample();
    *bad.get_path_mut(
        &AttributePath::attr("blocks")
            .child_index(1)
            .child_attr("id"),
    )
    .unwrap() = Value::string("x");
    let err = bad.conforms_to(&sample_type()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at blocks[1].id: expected number, got string"
    );

    let missing = Value::object([("name", Value::Null)]);
    let err = missing.conforms_to(&sample_type()).unwrap_err();
    assert!(matches!(err.kind, ValueErrorKind::MissingAttribute(_)));

    assert!(Value::string("x").conforms_to(&Type::Dynamic).is_err());
    assert!(
        Value::Tuple(vec![])
            .conforms_to(&Type::tuple([Type::String]))
            .is_err()
    );
    assert!(
        Value::List(vec![])
            .conforms_to(&Type::set(Type::String))
            .is_err()
    );
}

#[test]
fn value_helpers() {
    let v = sample();
    assert!(!v.is_fully_known());
    assert!(!v.is_null() && !v.is_unknown());
    assert!(Value::null_of(&Type::String).is_null());
    assert!(Value::unknown_of(&Type::String).is_unknown());
    assert_eq!(v.get_attr("name"), Some(&Value::string("n")));
    assert_eq!(v.get_attr("nope"), None);
    let p = AttributePath::attr("tags").child_key("k");
    assert_eq!(v.get_path(&p), Some(&Value::string("v")));
    let p = AttributePath::attr("any").child_attr("x");
    assert_eq!(
        v.get_path(&p),
        Some(&Value::Bool(true)),
        "looks through dynamic"
    );
    assert_eq!(
        v.get_path(&AttributePath::attr("blocks").child_index(5)),
        None
    );
    assert_eq!(v.get_path(&AttributePath::root()), Some(&v));
}

#[test]
fn set_equality_ignores_order_but_not_multiplicity() {
    let a = Value::Set(vec![Value::number(1), Value::number(2), Value::number(2)]);
    let b = Value::Set(vec![Value::number(2), Value::number(1), Value::number(2)]);
    let c = Value::Set(vec![Value::number(1), Value::number(1), Value::number(2)]);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_ne!(
        Value::List(vec![Value::number(1), Value::number(2)]),
        Value::List(vec![Value::number(2), Value::number(1)])
    );
    assert_eq!(
        Value::number(Number::parse("1.0").unwrap()),
        Value::number(1)
    );
    assert_ne!(Value::Null, Value::Unknown);
    assert_ne!(Value::List(vec![]), Value::Set(vec![]));
}

#[test]
fn walk_and_transform() {
    let mut unknown_paths = Vec::new();
    sample().walk(&mut |path, v| {
        if v.is_unknown() {
            unknown_paths.push(path.to_string());
        }
    });
    assert_eq!(unknown_paths, ["blocks[1].id"]);

    // Replace every unknown with null.
    let t = sample().transform(&mut |_, v| if v.is_unknown() { Value::Null } else { v });
    assert!(t.is_fully_known());
    assert_eq!(
        t.get_path(
            &AttributePath::attr("blocks")
                .child_index(1)
                .child_attr("id")
        ),
        Some(&Value::Null)
    );
    // Paths are given to the callback.
    let t = sample().transform(&mut |path, v| {
        if path == &AttributePath::attr("name") {
            Value::string("renamed")
        } else {
            v
        }
    });
    assert_eq!(t.get_attr("name"), Some(&Value::string("renamed")));
}
