//! `moved` blocks from the HashiCorp AWS provider's `aws_lambda_capacity_provider`:
//! which capacity provider its stored state names. The rest of the state is not
//! translated: Terraform reads the moved object as after an import, so every
//! attribute comes from AWS, whatever the source provider's version wrote.

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::resource::MoveStateRequest;
use tfplug::value::Type;
use tfplug::value::json::{JsonDecodeOptions, decode_with};

/// The source resource type accepted.
pub const AWS_PROVIDER_TYPE: &str = "aws_lambda_capacity_provider";

/// Source provider addresses accepted (Terraform's and OpenTofu's registries).
const AWS_PROVIDER_ADDRESSES: &[&str] = &[
    "registry.terraform.io/hashicorp/aws",
    "registry.opentofu.org/hashicorp/aws",
];

/// The capacity provider a move from the AWS provider names: its ARN when the state
/// has one, else its name, and the state's `region` (AWS provider v6), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedCapacityProvider {
    /// ARN or name, as `import` accepts it.
    pub id: String,
    /// Region recorded in the source state.
    pub region: Option<String>,
}

/// Whether a move comes from a source this resource accepts.
pub fn is_supported(req: &MoveStateRequest<'_>) -> bool {
    req.source_type_name == AWS_PROVIDER_TYPE
        && AWS_PROVIDER_ADDRESSES.contains(&req.source_provider_address)
}

/// Reads the source state of an `aws_lambda_capacity_provider`.
pub fn from_aws_provider_state(json: &[u8]) -> Result<MovedCapacityProvider, Diagnostics> {
    let fail = |detail: String| -> Diagnostics {
        Diagnostic::error("Cannot move aws_lambda_capacity_provider", detail).into()
    };
    // Only the identity is read; every other attribute of the source is dropped.
    let identity = Type::object([
        ("arn", Type::String),
        ("name", Type::String),
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
    let id = text("arn").or_else(|| text("name")).ok_or_else(|| {
        fail(
            "Its stored state has neither `arn` nor `name`, so the capacity provider it \
             managed is unknown. Import it instead: `terraform import \
             lambda_capacity_provider.NAME NAME`."
                .to_string(),
        )
    })?;
    Ok(MovedCapacityProvider {
        id,
        region: text("region"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn accepts_only_the_aws_providers_capacity_provider() {
        assert!(is_supported(&request(
            "registry.terraform.io/hashicorp/aws",
            "aws_lambda_capacity_provider"
        )));
        assert!(is_supported(&request(
            "registry.opentofu.org/hashicorp/aws",
            "aws_lambda_capacity_provider"
        )));
        assert!(!is_supported(&request(
            "registry.terraform.io/hashicorp/aws",
            "aws_lambda_function"
        )));
        assert!(!is_supported(&request(
            "registry.terraform.io/example/aws",
            "aws_lambda_capacity_provider"
        )));
    }

    #[test]
    fn prefers_the_arn_and_keeps_the_region() {
        let moved = from_aws_provider_state(
            br#"{"arn":"arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web","name":"web","region":"eu-west-1","tags":{"a":"b"}}"#,
        );
        assert_eq!(
            moved.ok(),
            Some(MovedCapacityProvider {
                id: "arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web".into(),
                region: Some("eu-west-1".into()),
            })
        );
        let by_name = from_aws_provider_state(br#"{"arn":"","name":"web"}"#);
        assert_eq!(by_name.ok().map(|m| m.id), Some("web".to_string()));
    }

    #[test]
    fn states_without_an_identity_are_refused() {
        for bad in [&b"{}"[..], b"not json", b"[]"] {
            let Err(diags) = from_aws_provider_state(bad) else {
                panic!("{:?} must be refused", String::from_utf8_lossy(bad));
            };
            assert!(diags.has_errors());
        }
    }
}
