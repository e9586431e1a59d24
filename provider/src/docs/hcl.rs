//! HCL spelling of types and values, and Markdown code spans, for the generated docs.

use std::collections::BTreeMap;

use tfplug::value::Type;

/// The value as an HCL literal (tfplug's, shared with its apply check).
pub use tfplug::value::hcl_literal as value_literal;

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
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("x"), "`x`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
    }
}
