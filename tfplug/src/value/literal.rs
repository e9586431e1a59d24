//! Values written as HCL literals, as a user writes them in a configuration: for
//! messages and generated documentation.

use super::Value;

/// The value as an HCL literal: `"text"`, `42`, `true`, `["a", "b"]`, `{ k = "v" }`.
pub fn hcl_literal(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Unknown => "(known after apply)".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(text) => string_literal(text),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            let items: Vec<String> = items.iter().map(hcl_literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(entries) | Value::Object(entries) => {
            if entries.is_empty() {
                return "{}".to_string();
            }
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{} = {}", key_literal(k), hcl_literal(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        Value::Dynamic(inner) => hcl_literal(&inner.1),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_hcl_literals() {
        assert_eq!(hcl_literal(&Value::string("a\"${x}")), r#""a\"$${x}""#);
        assert_eq!(hcl_literal(&Value::number(42)), "42");
        assert_eq!(
            hcl_literal(&Value::List(vec![Value::bool(true), Value::Null])),
            "[true, null]"
        );
        assert_eq!(
            hcl_literal(&Value::map([
                ("env", Value::string("prod")),
                ("a b", Value::number(1))
            ])),
            r#"{ "a b" = 1, env = "prod" }"#
        );
    }
}
