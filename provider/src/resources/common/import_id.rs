//! Import IDs: an object's name, or its ARN (whose region then applies).

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::schema::Attribute;
use tfplug::value::{AttributePath, Value};

/// The region of an ARN (`None` for anything else).
pub fn arn_region(id: &str) -> Option<&str> {
    if !id.starts_with("arn:") {
        return None;
    }
    id.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The name in an ARN of the given resource kind (`capacity-provider`, `function`), or the
/// ID itself when it is not an ARN; `None` for an ARN of another kind.
pub fn name_in_id<'a>(id: &'a str, kind: &str) -> Option<&'a str> {
    if !id.starts_with("arn:") {
        return Some(id);
    }
    id.split_once(&format!(":{kind}:")).map(|(_, name)| name)
}

/// A parsed import ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportId {
    /// The object's name.
    pub name: String,
    /// The region of an ARN; `None` for a name.
    pub region: Option<String>,
    /// The account of an ARN; `None` for a name.
    pub account: Option<String>,
}

impl ImportId {
    /// Parses `id` as a name, or an ARN of the given resource kind (`capacity-provider`,
    /// `function`), and checks the name with the validators of the `name` attribute.
    /// `example` shows a valid import command in the error.
    pub fn parse(
        id: &str,
        kind: &str,
        name: &Attribute,
        example: &str,
    ) -> Result<Self, Diagnostics> {
        let id = id.trim();
        if id.is_empty() {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "The import ID is empty (or only spaces). Import with the {kind}'s name or \
                     ARN, e.g. `{example}`."
                ),
            )
            .into());
        }
        let name_part = name_in_id(id, kind).unwrap_or_default();
        let region = arn_region(id).map(str::to_string);
        let mut found = Diagnostics::new();
        let value = Value::string(name_part);
        for v in &name.validators {
            v.validate(&AttributePath::root(), &value, &mut found);
        }
        if name_part.is_empty() || found.has_errors() {
            let why = found
                .iter()
                .map(|d| d.detail.clone())
                .collect::<Vec<_>>()
                .join(" ");
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "{id:?} is not a {kind} name or ARN. {why} Import with the name or ARN, \
                     e.g. `{example}`."
                ),
            )
            .into());
        }
        Ok(Self {
            name: name_part.to_string(),
            region,
            account: id
                .starts_with("arn:")
                .then(|| super::identity::arn_account(id))
                .flatten()
                .map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_regions_of_ids() {
        let arn = "arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web";
        assert_eq!(name_in_id(arn, "capacity-provider"), Some("web"));
        assert_eq!(name_in_id(arn, "function"), None);
        assert_eq!(name_in_id("web", "capacity-provider"), Some("web"));
        assert_eq!(arn_region(arn), Some("eu-west-1"));
        assert_eq!(arn_region("web"), None);
    }

    #[test]
    fn an_empty_id_is_called_empty() {
        let name = crate::resources::capacity_provider::schema::name_attribute();
        let example = "terraform import lambda_capacity_provider.web web";
        let err = ImportId::parse("  ", "capacity-provider", &name, example)
            .err()
            .unwrap_or_default();
        let detail = err.iter().map(|d| d.detail.clone()).collect::<String>();
        assert!(
            detail.starts_with("The import ID is empty (or only spaces).")
                && detail.contains(example)
                && !detail.contains("got 0"),
            "{detail}"
        );
    }
}
