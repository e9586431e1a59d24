//! Property tests: msgpack/JSON round trips over arbitrary types and values, and
//! fuzz-style checks that decoding arbitrary or damaged bytes never panics.

use proptest::prelude::*;
use proptest::strategy::Union;
use tfplug::value::{Number, Type, Value, json, msgpack};

fn arb_type_with(depth: u32) -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic),
    ];
    leaf.prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,6}|\\PC{1,3}", inner.clone(), 0..4)
                .prop_map(Type::Object),
            prop::collection::vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

/// Mostly objects at the top, like resource schemas, so values are not trivially small.
fn arb_type() -> BoxedStrategy<Type> {
    prop_oneof![
        1 => arb_type_with(3),
        3 => prop::collection::btree_map("[a-z_]{1,8}", arb_type_with(3), 1..8).prop_map(Type::Object),
    ]
    .boxed()
}

fn arb_number() -> BoxedStrategy<Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from_i64),
        any::<u64>().prop_map(Number::from_u64),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        "-?[0-9]{1,40}(\\.[0-9]{1,40})?([eE][-+]?[0-9]{1,3})?"
            .prop_filter_map("in range", |s| Number::parse(&s).ok()),
    ]
    .boxed()
}

/// A value conforming to `ty`; `unknowns` allows `Value::Unknown` anywhere.
fn arb_value(ty: &Type, unknowns: bool, dyn_budget: u32) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number().prop_map(Value::Number).boxed(),
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::List(elem) => prop::collection::vec(arb_value(elem, unknowns, dyn_budget), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(elem) => prop::collection::vec(arb_value(elem, unknowns, dyn_budget), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(elem) => {
            prop::collection::btree_map("\\PC{0,6}", arb_value(elem, unknowns, dyn_budget), 0..4)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Object(attrs) => attrs
            .iter()
            .map(|(k, t)| {
                let k = k.clone();
                arb_value(t, unknowns, dyn_budget).prop_map(move |v| (k.clone(), v))
            })
            .collect::<Vec<_>>()
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
            .boxed(),
        Type::Tuple(elems) => elems
            .iter()
            .map(|t| arb_value(t, unknowns, dyn_budget))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Dynamic if dyn_budget == 0 => Just(Value::Null).boxed(),
        Type::Dynamic => arb_type_with(2)
            .prop_flat_map(move |t| {
                arb_value(&t, unknowns, dyn_budget - 1)
                    .prop_map(move |v| Value::dynamic(t.clone(), v))
            })
            .boxed(),
    };
    let mut options = vec![(1, Just(Value::Null).boxed()), (8, known)];
    if unknowns {
        options.push((1, Just(Value::Unknown).boxed()));
    }
    Union::new_weighted(options).boxed()
}

fn arb_typed_value(unknowns: bool) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |ty| {
        let v = arb_value(&ty, unknowns, 2);
        (Just(ty), v)
    })
}

/// Types used to throw random bytes at the decoders.
fn fuzz_types() -> Vec<Type> {
    vec![
        Type::String,
        Type::Number,
        Type::Bool,
        Type::Dynamic,
        Type::list(Type::Dynamic),
        Type::set(Type::Number),
        Type::map(Type::list(Type::String)),
        Type::tuple([Type::String, Type::Number, Type::Dynamic]),
        Type::object([
            ("a", Type::String),
            (
                "b",
                Type::list(Type::object([("c", Type::Number), ("d", Type::Dynamic)])),
            ),
            ("e", Type::map(Type::Bool)),
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn msgpack_round_trips((ty, v) in arb_typed_value(true)) {
        v.conforms_to(&ty).unwrap();
        let bytes = msgpack::encode(&v, &ty).unwrap();
        let back = msgpack::decode(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &v);
        // Encoding is deterministic.
        prop_assert_eq!(msgpack::encode(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn json_round_trips((ty, v) in arb_typed_value(false)) {
        prop_assert!(v.is_fully_known());
        let bytes = json::encode(&v, &ty).unwrap();
        // It is valid JSON for any parser.
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        let back = json::decode(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &v);
    }

    #[test]
    fn numbers_round_trip(n in arb_number()) {
        let v = Value::Number(n.clone());
        let m = msgpack::decode(&msgpack::encode(&v, &Type::Number).unwrap(), &Type::Number).unwrap();
        prop_assert_eq!(&m, &v);
        let j = json::decode(&json::encode(&v, &Type::Number).unwrap(), &Type::Number).unwrap();
        prop_assert_eq!(&j, &v);
        prop_assert_eq!(Number::parse(&n.to_string()).unwrap(), n);
    }

    #[test]
    fn f64_survives_msgpack_bit_for_bit(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let mut bytes = vec![0xcb];
        bytes.extend_from_slice(&f.to_be_bytes());
        let v = msgpack::decode(&bytes, &Type::Number).unwrap();
        prop_assert_eq!(v.as_number().unwrap().as_f64(), f);
        let again = msgpack::encode(&v, &Type::Number).unwrap();
        let back = msgpack::decode(&again, &Type::Number).unwrap();
        prop_assert_eq!(back.as_number().unwrap().as_f64().to_bits(), (f + 0.0).to_bits());
    }

    #[test]
    fn number_ordering_matches_f64(a in -1e6f64..1e6, b in -1e6f64..1e6) {
        let (na, nb) = (Number::from_f64(a).unwrap(), Number::from_f64(b).unwrap());
        prop_assert_eq!(na.cmp(&nb), a.partial_cmp(&b).unwrap());
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for ty in fuzz_types() {
            let _ = msgpack::decode(&bytes, &ty);
            let _ = json::decode(&bytes, &ty);
        }
        let _ = Type::from_json_bytes(&bytes);
        if let Ok(s) = std::str::from_utf8(&bytes) {
            let _ = Number::parse(s);
        }
    }

    #[test]
    fn json_like_text_never_panics(text in "[\\[\\]{}\":,0-9a-z.eE+\\- ]{0,80}") {
        for ty in fuzz_types() {
            let _ = json::decode(text.as_bytes(), &ty);
        }
        let _ = Number::parse(&text);
        let _ = Type::from_json_bytes(text.as_bytes());
    }

    #[test]
    fn damaged_msgpack_never_panics(
        (ty, v) in arb_typed_value(true),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = msgpack::encode(&v, &ty).unwrap();
        let truncated = &bytes[..cut.index(bytes.len() + 1)];
        let _ = msgpack::decode(truncated, &ty);
        let mut mutated = bytes.clone();
        if !mutated.is_empty() {
            let i = flip.index(mutated.len());
            mutated[i] = byte;
        }
        if let Ok(d) = msgpack::decode(&mutated, &ty) {
            // Whatever decodes must conform and re-encode.
            d.conforms_to(&ty).unwrap();
            msgpack::encode(&d, &ty).unwrap();
        }
        let mut inserted = bytes;
        inserted.insert(flip.index(inserted.len() + 1), byte);
        let _ = msgpack::decode(&inserted, &ty);
    }

    #[test]
    fn damaged_json_never_panics(
        (ty, v) in arb_typed_value(false),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = json::encode(&v, &ty).unwrap();
        let _ = json::decode(&bytes[..cut.index(bytes.len() + 1)], &ty);
        let mut mutated = bytes;
        if !mutated.is_empty() {
            let i = flip.index(mutated.len());
            mutated[i] = byte;
        }
        if let Ok(d) = json::decode(&mutated, &ty) {
            d.conforms_to(&ty).unwrap();
        }
    }
}
