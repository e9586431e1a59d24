//! Unit tests for the msgpack codec: one per wire rule, with known byte sequences.

use std::collections::BTreeMap;

use tfplug::value::{MAX_DEPTH, Number, Type, Value, ValueErrorKind, msgpack};

fn enc(v: &Value, ty: &Type) -> Vec<u8> {
    msgpack::encode(v, ty).unwrap()
}

fn dec(b: &[u8], ty: &Type) -> Value {
    msgpack::decode(b, ty).unwrap()
}

fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).unwrap())
}

#[test]
fn null_is_nil_and_empty_input_is_null() {
    assert_eq!(enc(&Value::Null, &Type::String), [0xc0]);
    assert_eq!(dec(&[0xc0], &Type::String), Value::Null);
    assert_eq!(dec(&[], &Type::list(Type::String)), Value::Null);
    assert_eq!(dec(&[0xc0], &Type::Dynamic), Value::Null);
}

#[test]
fn unknown_encodes_as_fixext1_code_0() {
    assert_eq!(enc(&Value::Unknown, &Type::String), [0xd4, 0x00, 0x00]);
    assert_eq!(enc(&Value::Unknown, &Type::Dynamic), [0xd4, 0x00, 0x00]);
    let ty = Type::object([("a", Type::Number)]);
    let v = Value::object([("a", Value::Unknown)]);
    assert_eq!(enc(&v, &ty), [0x81, 0xa1, b'a', 0xd4, 0x00, 0x00]);
}

#[test]
fn every_extension_decodes_as_unknown() {
    let samples: &[&[u8]] = &[
        &[0xd4, 0x00, 0x00],
        &[0xd4, 0x0c, 0x01],
        &[0xd5, 0x0c, 0x01, 0x02],
        &[0xd6, 0x05, 1, 2, 3, 4],
        &[0xd7, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8],
        &[
            0xd8, 0xff, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        ],
        // ext8 code 12 (refinements): {1: false} = "definitely not null"
        &[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2],
        &[0xc7, 0x00, 0x0c],
        &[0xc8, 0x00, 0x02, 0x0c, 0x81, 0x01],
        &[0xc9, 0x00, 0x00, 0x00, 0x01, 0x0c, 0xc0],
    ];
    let types = [
        Type::String,
        Type::Number,
        Type::Bool,
        Type::Dynamic,
        Type::list(Type::String),
        Type::object([("a", Type::String)]),
        Type::Tuple(vec![]),
    ];
    for bytes in samples {
        for ty in &types {
            assert_eq!(dec(bytes, ty), Value::Unknown, "{bytes:02x?} as {ty}");
        }
    }
}

#[test]
fn refinement_ext_inside_an_object() {
    // {"id": <unknown refined as not-null>, "name": "x"}
    let ty = Type::object([("id", Type::String), ("name", Type::String)]);
    let bytes = [
        0x82, 0xa2, b'i', b'd', 0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2, 0xa4, b'n', b'a', b'm', b'e',
        0xa1, b'x',
    ];
    let v = dec(&bytes, &ty);
    assert_eq!(
        v,
        Value::object([("id", Value::Unknown), ("name", Value::string("x"))])
    );
    assert!(!v.is_fully_known());
}

#[test]
fn integers_of_every_width_decode() {
    let cases: &[(&[u8], i128)] = &[
        (&[0x05], 5),
        (&[0x7f], 127),
        (&[0xff], -1),
        (&[0xe0], -32),
        (&[0xcc, 0xff], 255),
        (&[0xcd, 0x01, 0x00], 256),
        (&[0xce, 0x00, 0x01, 0x00, 0x00], 65536),
        (
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            u64::MAX as i128,
        ),
        (&[0xd0, 0x80], -128),
        (&[0xd1, 0x80, 0x00], -32768),
        (&[0xd2, 0x80, 0x00, 0x00, 0x00], i32::MIN as i128),
        (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], i64::MIN as i128),
    ];
    for (bytes, expected) in cases {
        assert_eq!(
            dec(bytes, &Type::Number),
            num(&expected.to_string()),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn integers_encode_minimally() {
    let cases: &[(Value, &[u8])] = &[
        (Value::number(0), &[0x00]),
        (Value::number(127), &[0x7f]),
        (Value::number(128), &[0xcc, 0x80]),
        (Value::number(-1), &[0xff]),
        (Value::number(-32), &[0xe0]),
        (Value::number(-33), &[0xd0, 0xdf]),
        (Value::number(70000), &[0xce, 0x00, 0x01, 0x11, 0x70]),
        (
            Value::number(u64::MAX),
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
        (Value::number(i64::MIN), &[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        (
            Value::number(i64::MAX),
            &[0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
    ];
    for (v, bytes) in cases {
        assert_eq!(enc(v, &Type::Number), *bytes, "{v:?}");
        assert_eq!(dec(bytes, &Type::Number), *v);
    }
}

#[test]
fn floats_decode_and_encode() {
    let point_one = [0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a];
    assert_eq!(dec(&point_one, &Type::Number), num("0.1"));
    assert_eq!(enc(&num("0.1"), &Type::Number), point_one);
    // float32 1.5
    assert_eq!(
        dec(&[0xca, 0x3f, 0xc0, 0x00, 0x00], &Type::Number),
        num("1.5")
    );
    // an integral float decodes as the integer and re-encodes as an int
    let three = 3.0f64.to_be_bytes();
    let mut bytes = vec![0xcb];
    bytes.extend_from_slice(&three);
    assert_eq!(dec(&bytes, &Type::Number), Value::number(3));
    // 2^64 is not an i64/u64 but is exact as f64
    let two_64 = num("18446744073709551616");
    let mut expected = vec![0xcb];
    expected.extend_from_slice(&18446744073709551616f64.to_be_bytes());
    assert_eq!(enc(&two_64, &Type::Number), expected);
    assert_eq!(dec(&expected, &Type::Number), two_64);
    // NaN and infinity are rejected, not panicked on
    let mut nan = vec![0xcb];
    nan.extend_from_slice(&f64::NAN.to_be_bytes());
    let err = msgpack::decode(&nan, &Type::Number).unwrap_err();
    assert!(matches!(err.kind, ValueErrorKind::BadNumber(_)), "{err}");
}

#[test]
fn precise_numbers_travel_as_decimal_strings() {
    let s = "123456789012345678901234567890.5";
    let v = num(s);
    let mut expected = vec![0xd9, s.len() as u8];
    expected.extend_from_slice(s.as_bytes());
    assert_eq!(enc(&v, &Type::Number), expected);
    assert_eq!(dec(&expected, &Type::Number), v);
    // A decimal string with an exponent and a fixstr both parse.
    assert_eq!(
        dec(&[0xa4, b'1', b'e', b'2', b'0'], &Type::Number),
        num("100000000000000000000")
    );
    let tiny = num("0.1000000000000000000001");
    assert_eq!(dec(&enc(&tiny, &Type::Number), &Type::Number), tiny);
    // A number whose nearest f64 is subnormal travels as its decimal: Terraform reads a
    // float64 into 53 bits without subnormals, where it would be another number (the
    // plan of `1e-313` was refused as not matching the configuration).
    let subnormal = num("1e-313");
    assert_eq!(
        subnormal,
        Value::Number(Number::from_f64(1e-313).unwrap_or_else(|| Number::from_i64(0)))
    );
    assert_ne!(enc(&subnormal, &Type::Number)[0], 0xcb, "not a float64");
    assert_eq!(
        dec(&enc(&subnormal, &Type::Number), &Type::Number),
        subnormal
    );
    assert!(msgpack::decode(&[0xa3, b'a', b'b', b'c'], &Type::Number).is_err());
}

#[test]
fn strings_bools_accept_str_and_bin() {
    assert_eq!(enc(&Value::string("hi"), &Type::String), [0xa2, b'h', b'i']);
    assert_eq!(dec(&[0xa2, b'h', b'i'], &Type::String), Value::string("hi"));
    assert_eq!(
        dec(&[0xc4, 0x02, b'h', b'i'], &Type::String),
        Value::string("hi")
    );
    assert_eq!(
        dec(&[0xd9, 0x02, b'h', b'i'], &Type::String),
        Value::string("hi")
    );
    let long = "x".repeat(300);
    let bytes = enc(&Value::string(long.clone()), &Type::String);
    assert_eq!(&bytes[..3], &[0xda, 0x01, 0x2c]);
    assert_eq!(dec(&bytes, &Type::String), Value::string(long));
    assert_eq!(enc(&Value::Bool(true), &Type::Bool), [0xc3]);
    assert_eq!(dec(&[0xc2], &Type::Bool), Value::Bool(false));
    assert!(
        msgpack::decode(&[0xa1, 0xff], &Type::String).is_err(),
        "invalid UTF-8"
    );
}

#[test]
fn collections() {
    let list = Value::List(vec![Value::string("a"), Value::Null]);
    let bytes = enc(&list, &Type::list(Type::String));
    assert_eq!(bytes, [0x92, 0xa1, b'a', 0xc0]);
    assert_eq!(dec(&bytes, &Type::list(Type::String)), list);

    let set = Value::Set(vec![Value::number(1), Value::number(1)]);
    assert_eq!(
        dec(
            &enc(&set, &Type::set(Type::Number)),
            &Type::set(Type::Number)
        ),
        set,
        "duplicates are kept"
    );

    let map = Value::map([("b", Value::Bool(true)), ("a", Value::Bool(false))]);
    let bytes = enc(&map, &Type::map(Type::Bool));
    assert_eq!(bytes, [0x82, 0xa1, b'a', 0xc2, 0xa1, b'b', 0xc3]);
    assert_eq!(dec(&bytes, &Type::map(Type::Bool)), map);

    let tuple_ty = Type::tuple([Type::String, Type::Number]);
    let tuple = Value::Tuple(vec![Value::string("x"), Value::number(2)]);
    assert_eq!(enc(&tuple, &tuple_ty), [0x92, 0xa1, b'x', 0x02]);
    assert_eq!(dec(&[0x92, 0xa1, b'x', 0x02], &tuple_ty), tuple);
    let err = msgpack::decode(&[0x91, 0xa1, b'x'], &tuple_ty).unwrap_err();
    assert!(matches!(
        err.kind,
        ValueErrorKind::TupleLength {
            expected: 2,
            got: 1
        }
    ));

    let big: Vec<Value> = (0..20).map(Value::number).collect();
    let bytes = enc(&Value::List(big.clone()), &Type::list(Type::Number));
    assert_eq!(&bytes[..3], &[0xdc, 0x00, 0x14]);
    assert_eq!(dec(&bytes, &Type::list(Type::Number)), Value::List(big));
}

#[test]
fn objects_encode_in_attribute_name_order() {
    let ty = Type::object([
        ("zeta", Type::Bool),
        ("alpha", Type::Number),
        ("mid", Type::String),
    ]);
    let v = Value::object([
        ("mid", Value::string("m")),
        ("zeta", Value::Bool(true)),
        ("alpha", Value::number(1)),
    ]);
    let bytes = enc(&v, &ty);
    let expected = [
        &[0x83][..],
        &[0xa5],
        b"alpha",
        &[0x01, 0xa3],
        b"mid",
        &[0xa1, b'm', 0xa4],
        b"zeta",
        &[0xc3],
    ]
    .concat();
    assert_eq!(bytes, expected);
    assert_eq!(dec(&bytes, &ty), v);
    // Keys in any order decode.
    let shuffled = [
        &[0x83, 0xa4][..],
        b"zeta",
        &[0xc3, 0xa5],
        b"alpha",
        &[0x01, 0xa3],
        b"mid",
        &[0xa1, b'm'],
    ]
    .concat();
    assert_eq!(dec(&shuffled, &ty), v);
}

#[test]
fn object_attribute_errors_have_paths() {
    let ty = Type::object([(
        "vpc_config",
        Type::list(Type::object([("name", Type::String), ("id", Type::String)])),
    )]);
    // {"vpc_config": [{"name": 5, "id": "x"}]}
    let mut bytes = vec![0x81, 0xaa];
    bytes.extend_from_slice(b"vpc_config");
    bytes.extend_from_slice(&[0x91, 0x82, 0xa4]);
    bytes.extend_from_slice(b"name");
    bytes.extend_from_slice(&[0x05, 0xa2, b'i', b'd', 0xa1, b'x']);
    let err = msgpack::decode(&bytes, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at vpc_config[0].name: expected string, got msgpack integer"
    );

    // missing attribute
    let obj = Type::object([("a", Type::String), ("b", Type::String)]);
    let err = msgpack::decode(&[0x81, 0xa1, b'a', 0xc0], &obj).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::MissingAttribute("b".into()));
    // extra key
    let err = msgpack::decode(
        &[0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc0, 0xa1, b'c', 0xc0],
        &obj,
    )
    .unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::UnknownAttribute("c".into()));
    // duplicate key
    let err = msgpack::decode(&[0x82, 0xa1, b'a', 0xc0, 0xa1, b'a', 0xc0], &obj).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::DuplicateKey("a".into()));
    // objects only from maps
    assert!(msgpack::decode(&[0x92, 0xc0, 0xc0], &obj).is_err());
    // encode checks attributes too
    let err = msgpack::encode(&Value::object([("a", Value::Null)]), &obj).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::MissingAttribute("b".into()));
    let err = msgpack::encode(
        &Value::object([("a", Value::Null), ("b", Value::Null), ("x", Value::Null)]),
        &obj,
    )
    .unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::UnknownAttribute("x".into()));
}

#[test]
fn dynamic_values_carry_their_type() {
    let v = Value::dynamic(Type::String, Value::string("hi"));
    let bytes = enc(&v, &Type::Dynamic);
    let expected = [&[0x92, 0xc4, 0x08][..], b"\"string\"", &[0xa2, b'h', b'i']].concat();
    assert_eq!(bytes, expected);
    assert_eq!(dec(&bytes, &Type::Dynamic), v);
    // The type may also arrive as a str.
    let as_str = [&[0x92, 0xa8][..], b"\"string\"", &[0xa2, b'h', b'i']].concat();
    assert_eq!(dec(&as_str, &Type::Dynamic), v);

    // Nested: an object with a dynamic attribute holding a list(object).
    let inner_ty = Type::list(Type::object([("n", Type::Number)]));
    let ty = Type::object([("d", Type::Dynamic)]);
    let v = Value::object([(
        "d",
        Value::dynamic(
            inner_ty.clone(),
            Value::List(vec![Value::object([("n", Value::number(1))])]),
        ),
    )]);
    let bytes = enc(&v, &ty);
    assert_eq!(dec(&bytes, &ty), v);

    // Typed null and unknown inside a dynamic.
    for inner in [Value::Null, Value::Unknown] {
        let v = Value::dynamic(Type::Number, inner);
        assert_eq!(dec(&enc(&v, &Type::Dynamic), &Type::Dynamic), v);
    }

    // A plain value at a dynamic position is a type error, not a guess.
    assert!(msgpack::encode(&Value::string("x"), &Type::Dynamic).is_err());
    assert!(msgpack::decode(&[0xa1, b'x'], &Type::Dynamic).is_err());
    assert!(msgpack::decode(&[0x93, 0xc0, 0xc0, 0xc0], &Type::Dynamic).is_err());
}

#[test]
fn malformed_input_is_an_error() {
    let err = msgpack::decode(&[0xa5, b'a'], &Type::String).unwrap_err();
    assert!(
        matches!(err.kind, ValueErrorKind::MalformedMsgpack(_)),
        "{err}"
    );
    let err = msgpack::decode(&[0xc0, 0xc0], &Type::String).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::TrailingBytes(1));
    assert!(msgpack::decode(&[0xc1], &Type::String).is_err());
    assert!(msgpack::decode(&[0xdd, 0xff, 0xff, 0xff, 0xff], &Type::list(Type::Bool)).is_err());
    assert!(msgpack::decode(&[0x81, 0x01, 0xc0], &Type::map(Type::Bool)).is_err());
    assert!(msgpack::decode(&[0xc3], &Type::String).is_err());
}

#[test]
fn hostile_nesting_hits_the_depth_limit() {
    // [ "[\"list\",\"dynamic\"]", [ [ ... ] ] ] nested far beyond the limit.
    let ty_json = br#"["list","dynamic"]"#;
    let mut bytes = Vec::new();
    for _ in 0..100_000 {
        bytes.extend_from_slice(&[0x92, 0xc4, ty_json.len() as u8]);
        bytes.extend_from_slice(ty_json);
        bytes.push(0x91);
    }
    bytes.push(0xc0);
    let err = msgpack::decode(&bytes, &Type::Dynamic).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::DepthLimit(MAX_DEPTH));

    // Exactly at the limit works (on a normal test thread stack, even in debug builds).
    let mut ty = Type::Bool;
    for _ in 0..MAX_DEPTH {
        ty = Type::list(ty);
    }
    let mut bytes = vec![0x91; MAX_DEPTH];
    bytes.push(0xc3);
    let v = dec(&bytes, &ty);
    assert_eq!(enc(&v, &ty), bytes);
    v.conforms_to(&ty).unwrap();
    let mut too_deep = vec![0x91; MAX_DEPTH + 1];
    too_deep.push(0xc3);
    let err = msgpack::decode(&too_deep, &Type::list(ty)).unwrap_err();
    assert_eq!(err.kind, ValueErrorKind::DepthLimit(MAX_DEPTH));
}

#[test]
fn encode_rejects_mismatched_values() {
    let err = msgpack::encode(&Value::number(1), &Type::String).unwrap_err();
    assert_eq!(err.to_string(), "expected string, got number");
    let ty = Type::map(Type::String);
    let v = Value::Map(BTreeMap::from([("k".to_string(), Value::Bool(true))]));
    let err = msgpack::encode(&v, &ty).unwrap_err();
    assert_eq!(err.to_string(), "at [\"k\"]: expected string, got bool");
}
