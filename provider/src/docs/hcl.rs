//! HCL spelling of types and values, and Markdown code spans, for the generated docs.

use std::collections::BTreeMap;

use tfplug::value::{Type, Value};

/// The type as written in an HCL type constraint: `string`, `list(string)`,
/// `object({a = number})`, `any` for dynamic.
pub fn type_expr(ty: &Type) -> String {
    spell(ty, false)
}

/// Like [`type_expr`], but each object's attributes are left out (`list(object)`): for
/// types whose objects are described in their own subsection.
pub fn type_summary(ty: &Type) -> String {
    spell(ty, true)
}

fn spell(ty: &Type, short_objects: bool) -> String {
    match ty {
        Type::Bool => "bool".to_string(),
        Type::Number => "number".to_string(),
        Type::String => "string".to_string(),
        Type::Dynamic => "any".to_string(),
        Type::List(t) => format!("list({})", spell(t, short_objects)),
        Type::Set(t) => format!("set({})", spell(t, short_objects)),
        Type::Map(t) => format!("map({})", spell(t, short_objects)),
        Type::Object(_) if short_objects => "object".to_string(),
        Type::Object(attrs) => {
            let fields: Vec<String> = attrs
                .iter()
                .map(|(name, t)| format!("{name} = {}", spell(t, false)))
                .collect();
            format!("object({{{}}})", fields.join(", "))
        }
        Type::Tuple(elems) => {
            let elems: Vec<String> = elems.iter().map(|t| spell(t, short_objects)).collect();
            format!("tuple([{}])", elems.join(", "))
        }
    }
}

/// The attributes of the objects a type holds, looking through lists, sets and maps
/// (`list(object({...}))` → the object's attributes); `None` for types without objects.
pub fn object_attributes(ty: &Type) -> Option<&BTreeMap<String, Type>> {
    match ty {
        Type::Object(attrs) => Some(attrs),
        Type::List(t) | Type::Set(t) | Type::Map(t) => object_attributes(t),
        _ => None,
    }
}

/// The value as an HCL literal: `"text"`, `42`, `true`, `["a", "b"]`, `{ k = "v" }`.
pub fn value_literal(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Unknown => "(known after apply)".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(text) => string_literal(text),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            let items: Vec<String> = items.iter().map(value_literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(entries) | Value::Object(entries) => {
            if entries.is_empty() {
                return "{}".to_string();
            }
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{} = {}", key_literal(k), value_literal(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        Value::Dynamic(inner) => value_literal(&inner.1),
    }
}

fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `${` and `%{` start templates in HCL strings; doubling the sigil escapes them.
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_literal(key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if identifier {
        key.to_string()
    } else {
        string_literal(key)
    }
}

/// `text` as a Markdown code span, with a fence longer than any run of backticks inside.
pub fn code_span(text: &str) -> String {
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_spelled_as_in_hcl() {
        let ty = Type::list(Type::object([
            ("a", Type::set(Type::String)),
            ("b", Type::map(Type::Number)),
        ]));
        assert_eq!(
            type_expr(&ty),
            "list(object({a = set(string), b = map(number)}))"
        );
        assert_eq!(type_summary(&ty), "list(object)");
        assert_eq!(type_expr(&Type::Dynamic), "any");
        assert_eq!(
            type_expr(&Type::Tuple(vec![Type::Bool, Type::String])),
            "tuple([bool, string])"
        );
        assert!(object_attributes(&ty).is_some_and(|a| a.contains_key("b")));
        assert!(object_attributes(&Type::list(Type::String)).is_none());
    }

    #[test]
    fn values_are_hcl_literals() {
        assert_eq!(value_literal(&Value::string("a\"${x}")), r#""a\"$${x}""#);
        assert_eq!(value_literal(&Value::number(42)), "42");
        assert_eq!(
            value_literal(&Value::List(vec![Value::bool(true), Value::Null])),
            "[true, null]"
        );
        assert_eq!(
            value_literal(&Value::map([
                ("env", Value::string("prod")),
                ("a b", Value::number(1))
            ])),
            r#"{ "a b" = 1, env = "prod" }"#
        );
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("x"), "`x`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
    }
}
