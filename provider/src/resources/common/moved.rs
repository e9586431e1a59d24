//! `moved` blocks from the HashiCorp AWS provider's resource types: which object the
//! stored state names. The rest of the state is not translated: Terraform reads the moved
//! object as after an import, so every attribute comes from AWS, whatever the source
//! provider's version wrote.

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::{Error as TfError, MoveStateRequest, Result as TfResult};
use tfplug::schema::Attribute;
use tfplug::value::Type;
use tfplug::value::json::{JsonDecodeOptions, decode_with};

use super::import_id::ImportId;

/// Source provider addresses accepted (Terraform's and OpenTofu's registries).
const AWS_PROVIDER_ADDRESSES: &[&str] = &[
    "registry.terraform.io/hashicorp/aws",
    "registry.opentofu.org/hashicorp/aws",
];

/// A resource type of the AWS provider that one of ours takes over.
#[derive(Clone, Copy, Debug)]
pub struct MoveSource {
    /// The AWS provider's type, e.g. `aws_lambda_capacity_provider`.
    pub type_name: &'static str,
    /// The attribute holding the object's name in its state (`name`, `function_name`).
    pub name_attr: &'static str,
    /// An import command for the error when the state names nothing.
    pub import_hint: &'static str,
}

/// The object a move names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedObject {
    /// ARN or name, as `import` accepts it.
    pub id: String,
    /// Region recorded in the source state (AWS provider v6), if any.
    pub region: Option<String>,
}

impl MoveSource {
    /// Whether a move comes from this source.
    pub fn accepts(&self, req: &MoveStateRequest<'_>) -> bool {
        req.source_type_name == self.type_name
            && AWS_PROVIDER_ADDRESSES.contains(&req.source_provider_address)
    }

    /// The object a move from this source names, as an import of `kind` with the
    /// `name` attribute's checks would take it (the source state's region kept); `None`
    /// when the move comes from elsewhere.
    pub fn import_id(
        &self,
        req: &MoveStateRequest<'_>,
        kind: &str,
        name: &Attribute,
        example: &str,
    ) -> Option<TfResult<ImportId>> {
        if !self.accepts(req) {
            return None;
        }
        tracing::info!(source = req.source_type_name, "taking over a moved object");
        Some(
            self.read(req.source_state_json)
                .map_err(TfError::from)
                .and_then(|m| {
                    let mut id = ImportId::parse(&m.id, kind, name, example)?;
                    id.region = id.region.or(m.region);
                    Ok(id)
                }),
        )
    }

    /// Reads the identity from the source state: its `arn` when it has one, else its
    /// name, and its `region`.
    pub fn read(&self, json: &[u8]) -> Result<MovedObject, Diagnostics> {
        let fail = |detail: String| -> Diagnostics {
            Diagnostic::error(format!("Cannot move {}", self.type_name), detail).into()
        };
        // Only the identity is read; every other attribute of the source is dropped.
        let identity = Type::object([
            ("arn", Type::String),
            (self.name_attr, Type::String),
            ("region", Type::String),
        ]);
        let opts = JsonDecodeOptions {
            ignore_undefined_attributes: true,
        };
        let state = decode_with(json, &identity, opts)
            .map_err(|e| fail(format!("Its stored state could not be read: {e}.")))?;
        let text = |key: &str| {
            state
                .get_attr(key)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let id = text("arn")
            .or_else(|| text(self.name_attr))
            .ok_or_else(|| {
                fail(format!(
                    "Its stored state has neither `arn` nor `{}`, so the object it managed is \
                 unknown. Import it instead: `{}`.",
                    self.name_attr, self.import_hint
                ))
            })?;
        Ok(MovedObject {
            id,
            region: text("region"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: MoveSource = MoveSource {
        type_name: "aws_lambda_capacity_provider",
        name_attr: "name",
        import_hint: "terraform import lambda_capacity_provider.web web",
    };

    fn request<'a>(address: &'a str, type_name: &'a str) -> MoveStateRequest<'a> {
        MoveStateRequest {
            source_provider_address: address,
            source_type_name: type_name,
            source_schema_version: 0,
            source_state_json: b"{}",
            ty: tfplug::resource::ValueType::of(&tfplug::schema::Schema::default()),
        }
    }

    #[test]
    fn accepts_only_the_aws_providers_type() {
        assert!(SOURCE.accepts(&request(
            "registry.terraform.io/hashicorp/aws",
            "aws_lambda_capacity_provider"
        )));
        assert!(SOURCE.accepts(&request(
            "registry.opentofu.org/hashicorp/aws",
            "aws_lambda_capacity_provider"
        )));
        assert!(!SOURCE.accepts(&request(
            "registry.terraform.io/hashicorp/aws",
            "aws_lambda_function"
        )));
        assert!(!SOURCE.accepts(&request(
            "registry.terraform.io/example/aws",
            "aws_lambda_capacity_provider"
        )));
    }

    #[test]
    fn prefers_the_arn_and_keeps_the_region() {
        let moved = SOURCE.read(
            br#"{"arn":"arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web","name":"web","region":"eu-west-1","tags":{"a":"b"}}"#,
        );
        assert_eq!(
            moved.ok(),
            Some(MovedObject {
                id: "arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web".into(),
                region: Some("eu-west-1".into()),
            })
        );
        let by_name = SOURCE.read(br#"{"arn":"","name":"web"}"#);
        assert_eq!(by_name.ok().map(|m| m.id), Some("web".to_string()));
    }

    #[test]
    fn states_without_an_identity_are_refused() {
        for bad in [&b"{}"[..], b"not json", b"[]"] {
            let Err(diags) = SOURCE.read(bad) else {
                panic!("{:?} must be refused", String::from_utf8_lossy(bad));
            };
            assert!(diags.has_errors());
        }
    }
}
