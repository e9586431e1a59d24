//! Resource identities (Terraform 1.12+): what names an object for `import { identity =
//! … }`, `terraform query` and the state, the same way for every resource — its own
//! name attributes, plus the `region` and `account_id` AWS places it in (optional for
//! import: the provider's when left out).

use tfplug::identity::{IdentityAttribute, IdentityRequest, IdentitySchema};
use tfplug::resource::Result;
use tfplug::value::Value;

use super::{REGION, text};

/// The `account_id` identity attribute.
pub const ACCOUNT_ID: &str = "account_id";

/// An identity schema: `names` (each required for import, with its description), then
/// optional `region` and `account_id`.
pub fn schema(names: &[(&str, &str)]) -> IdentitySchema {
    let mut schema = IdentitySchema::new();
    for (name, description) in names {
        schema = schema.attribute(
            IdentityAttribute::string(*name)
                .required_for_import()
                .description(*description),
        );
    }
    schema
        .attribute(
            IdentityAttribute::string(REGION)
                .optional_for_import()
                .description("Region of the object; the provider's when left out."),
        )
        .attribute(
            IdentityAttribute::string(ACCOUNT_ID)
                .optional_for_import()
                .description("AWS account of the object; the provider's when left out."),
        )
}

/// The account in an ARN (`arn:aws:lambda:REGION:ACCOUNT:…`).
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The identity of a state: the same-named state attributes, and `account_id` from the
/// state's ARN attribute `arn_attr` (unknown while the ARN is, e.g. in a create plan).
pub fn of_state(req: &IdentityRequest, arn_attr: &str) -> Result<Value> {
    let mut identity = req.from_state();
    let account = match req.state.get_attr(arn_attr) {
        Some(Value::Unknown) => Value::Unknown,
        _ => text(&req.state, arn_attr)
            .and_then(arn_account)
            .map_or(Value::Null, Value::string),
    };
    if let Some(slot) = identity.get_attr_mut(ACCOUNT_ID) {
        *slot = account;
    }
    Ok(identity)
}

/// Refuses an identity whose `account_id` is not the account the provider works in
/// (the object cannot be reached with these credentials), then returns the stub state
/// Terraform reads next.
pub fn import_stub(
    req: &tfplug::identity::ImportByIdentityRequest,
    provider_account: Option<&str>,
) -> Result<Value> {
    let wanted = text(&req.identity, ACCOUNT_ID);
    if let (Some(wanted), Some(ours)) = (wanted, provider_account)
        && wanted != ours
    {
        return Err(tfplug::diag::Diagnostic::error(
            "Import from another account",
            format!(
                "The identity names account {wanted}, but the provider's credentials are for \
                 account {ours}. Configure a provider (an alias with assume_role) for account \
                 {wanted} and import through it."
            ),
        )
        .into());
    }
    Ok(req.stub_from_identity())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_comes_from_the_arn() {
        assert_eq!(
            arn_account("arn:aws:lambda:us-east-1:123456789012:function:f"),
            Some("123456789012")
        );
        assert_eq!(arn_account("f"), None);
    }
}
