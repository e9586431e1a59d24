//! Import IDs: an object's name, or its ARN (whose region then applies).

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::schema::Attribute;
use tfplug::value::{AttributePath, Value};

/// A parsed import ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportId {
    /// The object's name.
    pub name: String,
    /// The region of an ARN; `None` for a name.
    pub region: Option<String>,
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
        let marker = format!(":{kind}:");
        let (name_part, region) = if id.starts_with("arn:") {
            let region = id.split(':').nth(3).filter(|r| !r.is_empty());
            match id.split_once(&marker) {
                Some((_, tail)) => (tail, region.map(str::to_string)),
                None => ("", None),
            }
        } else {
            (id, None)
        };
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
        })
    }
}
