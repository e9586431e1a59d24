//! Resource identities (Terraform 1.12+): what names an object for `import { identity =
//! … }`, `terraform query` and the state, the same way for every resource — its own
//! name attributes, plus the `region` and `account_id` AWS places it in (optional for
//! import: the provider's when left out).

use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::identity::{IdentityAttribute, IdentityRequest, IdentitySchema};
use tfplug::resource::Result;
use tfplug::schema::Attribute;
use tfplug::validate::{Validator, matches};
use tfplug::value::{AttributePath, Value};

use super::{REGION, REGION_PATTERN, text};

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

/// Checks an identity given for import, then returns the stub state Terraform reads
/// next. `names` are the resource's attributes of the identity's required names (their
/// validators apply): each must be the object's plain name, since region and account are
/// identity attributes of their own. A state holding an ARN or a qualified name there
/// would not be the identity AWS's answer gives (Terraform then reports a changed
/// identity). Refuses an `account_id` other than the one the provider works in: the
/// object cannot be reached with these credentials.
pub fn import_stub(
    req: &tfplug::identity::ImportByIdentityRequest,
    names: &[Attribute],
    provider_account: Option<&str>,
) -> Result<Value> {
    check_names(&req.identity, names)?;
    check_location(&req.identity)?;
    refuse_other_account(text(&req.identity, ACCOUNT_ID), provider_account)?;
    Ok(req.stub_from_identity())
}

/// Refuses to import from account `wanted` with credentials of account `ours`.
pub fn refuse_other_account(wanted: Option<&str>, ours: Option<&str>) -> Result<()> {
    match (wanted, ours) {
        (Some(wanted), Some(ours)) if wanted != ours => Err(Diagnostic::error(
            "Import from another account",
            format!(
                "The import names account {wanted}, but the provider's credentials are for \
                 account {ours}. Configure a provider (an alias with assume_role) for account \
                 {wanted} and import through it."
            ),
        )
        .into()),
        _ => Ok(()),
    }
}

/// An error naming the identity attribute `name` and what it must be.
pub fn invalid(name: &str, value: &str, must: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid identity",
        format!("The identity's {name} = {value:?} is not valid: {must}"),
    )
}

fn check_names(identity: &Value, names: &[Attribute]) -> Result<()> {
    for attribute in names {
        let name = attribute.name.as_str();
        let value = text(identity, name).unwrap_or_default();
        if value.is_empty() || value.contains(':') {
            return Err(invalid(
                name,
                value,
                "it must be the object's plain name, e.g. \"orders\": not empty, and not an ARN \
                 or a qualified name (region and account_id are identity attributes of their \
                 own).",
            )
            .into());
        }
        let mut found = Diagnostics::new();
        for validator in &attribute.validators {
            validator.validate(&AttributePath::root(), &Value::string(value), &mut found);
        }
        if let Some(d) = found.iter().find(|d| d.is_error()) {
            return Err(invalid(name, value, &d.detail).into());
        }
    }
    Ok(())
}

fn check_location(identity: &Value) -> Result<()> {
    if let Some(region) = identity.get_attr(REGION).and_then(Value::as_str) {
        let mut found = Diagnostics::new();
        matches(REGION_PATTERN, "an AWS region name").validate(
            &AttributePath::root(),
            &Value::string(region),
            &mut found,
        );
        if found.has_errors() {
            return Err(invalid(
                REGION,
                region,
                "it must be an AWS region name such as \"us-east-1\", or left out for the \
                 provider's region.",
            )
            .into());
        }
    }
    if let Some(account) = identity.get_attr(ACCOUNT_ID).and_then(Value::as_str)
        && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(
            ACCOUNT_ID,
            account,
            "it must be a 12-digit AWS account ID, or left out for the provider's account.",
        )
        .into());
    }
    Ok(())
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
