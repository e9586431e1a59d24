//! Attributes declared by the AWS member they are sent as.
//!
//! `Attribute::number("max_vcpu_count").aws(&lambda::CapacityProviderScalingConfig::MaxVCpuCount)`
//! attaches the validators of the member's shape in AWS's model (range, length, item
//! count, enum, pattern; see [`super::model`]) and names the member in the description and
//! the generated docs, so a constraint is never copied by hand. A value that AWS later
//! receives in another form (a name that becomes part of an ARN) also carries the
//! constraints of that member through [`AwsAttribute::flows_into`].

use std::sync::Arc;

use tfplug::diag::Diagnostics;
use tfplug::schema::{Attribute, NestedBlock};
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Value};

use super::model::{Member, constraint_text, lambda, validators};

/// `Structure.Member`, without the `Request` suffix of operation inputs
/// (`CreateCapacityProvider.CapacityProviderName`).
pub fn member_name(member: &Member) -> String {
    let structure = member
        .structure
        .strip_suffix("Request")
        .unwrap_or(member.structure);
    format!("{structure}.{}", member.name)
}

/// The member of AWS's Lambda model named `sent_as` (as [`member_name`] writes it), among
/// the members operations take: how tools reading a schema (the JSON Schemas of
/// `schemas/`) get back from an attribute's `sent_as` to the shape whose constraints its
/// validators enforce.
pub fn model_member(sent_as: &str) -> Option<&'static Member> {
    lambda::OPERATIONS
        .iter()
        .flat_map(|op| op.input_members.iter().copied())
        .find(|m| member_name(m) == sent_as)
}

/// Declares attributes by the AWS member they are sent as.
pub trait AwsAttribute: Sized {
    /// The value is sent as `member`: its model constraints become validators, and the
    /// member is named in the description and docs.
    fn aws(self, member: &'static Member) -> Self;

    /// The value is also sent, after `into` rewrites it, as `member` (e.g. a name inside
    /// the ARN that tag calls take): its constraints apply to the rewritten value.
    fn flows_into(self, member: &'static Member, into: fn(&str) -> String) -> Self;
}

impl AwsAttribute for Attribute {
    fn aws(self, member: &'static Member) -> Self {
        self.validators(validators(member.shape))
            .sent_as(member_name(member))
    }

    fn flows_into(self, member: &'static Member, into: fn(&str) -> String) -> Self {
        self.validator(FlowsInto {
            member,
            into,
            checks: validators(member.shape),
        })
    }
}

/// A list block sent as `member`: named in docs, with the model's maximum number of
/// items (its minimum applies only when the block is sent at all, so it is not enforced
/// here; a value rule says when it must be).
pub fn block_items(block: NestedBlock, member: &'static Member) -> NestedBlock {
    let block = block.sent_as(member_name(member));
    match member.shape.max {
        Some(max) => block.max_items(max as i64),
        None => block,
    }
}

/// Checks a string after rewriting it into what another member receives.
struct FlowsInto {
    member: &'static Member,
    into: fn(&str) -> String,
    checks: Vec<Arc<dyn Validator>>,
}

impl FlowsInto {
    /// Whether `sent` passes the member's checks.
    fn fits(&self, sent: &str) -> bool {
        let mut found = Diagnostics::new();
        let value = Value::string(sent);
        for check in &self.checks {
            check.validate(&AttributePath::root(), &value, &mut found);
        }
        !found.has_errors()
    }
}

impl Validator for FlowsInto {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::String(text) = value else {
            return;
        };
        let sent = (self.into)(text);
        if self.fits(&sent) {
            return;
        }
        let member = member_name(self.member);
        // When a shorter start of the value would fit, and so would its end of the same
        // length and each of its characters alone (its characters are all fine), length
        // is the problem: say the length, not the pattern it was found from. (`d2:1` fits
        // as `d2`, but `:1` does not; `a/b` fits as `a` and as `b`, but `/` does not.)
        let length = text.chars().count();
        let fits_as = |chars: Vec<char>| self.fits(&(self.into)(&String::from_iter(chars)));
        let distinct: std::collections::BTreeSet<char> = text.chars().collect();
        let longest = (1..length)
            .rev()
            .find(|&n| fits_as(text.chars().take(n).collect()))
            .filter(|&n| fits_as(text.chars().skip(length - n).collect()))
            .filter(|_| distinct.iter().all(|&c| fits_as(vec![c])));
        let detail = match longest {
            Some(longest) => format!(
                "{text:?} is {length} characters long, but AWS later receives it inside \
                 `{member}` ({sent:?}), which takes at most {longest}. Shorten it to \
                 {longest} characters or fewer."
            ),
            None => format!(
                "{text:?} cannot be used: AWS later receives it as {sent:?} in `{member}`, \
                 which must be {}.",
                constraint_text(self.member.shape)
            ),
        };
        diags.error_at(path.clone(), "Invalid attribute value", detail);
    }

    fn describe(&self) -> String {
        // The longest plain value that fits: the limit a reader needs, where the model
        // states a longer one for the attribute itself (140 for a name that fits in an
        // ARN only up to 64).
        const PROBE: usize = 1024;
        let fits_with = |n: usize| self.fits(&(self.into)(&"a".repeat(n)));
        let longest = (1..=PROBE).take_while(|&n| fits_with(n)).last();
        match longest {
            Some(n) if n < PROBE => format!(
                "at most {n} characters long, to fit `{}` (it becomes part of that value)",
                member_name(self.member)
            ),
            _ => format!(
                "short enough to fit `{}` (it becomes part of that value)",
                member_name(self.member)
            ),
        }
    }

    fn problem(&self) -> Option<String> {
        self.checks.iter().find_map(|c| c.problem())
    }

    fn follows_own_checks(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use tfplug::value::{AttributePath, Value};

    /// The errors at `name` of a capacity provider called `name`.
    fn name_errors(name: &str) -> Vec<String> {
        let schema = crate::resources::capacity_provider::schema::resource_schema();
        let config = Value::object([("name", Value::string(name))]);
        let diags = tfplug::validate::validate_config(&schema.block, &config);
        diags
            .iter()
            .filter(|d| d.path == Some(AttributePath::attr("name")))
            .map(|d| d.detail.clone())
            .collect()
    }

    #[test]
    fn a_name_too_long_for_the_arn_it_becomes_says_the_length() {
        assert!(name_errors(&"a".repeat(64)).is_empty());
        let errors = name_errors(&"a".repeat(65));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("65 characters long")
                && errors[0].contains("TagResource.Resource")
                && errors[0].contains("at most 64"),
            "{errors:?}"
        );
    }

    #[test]
    fn the_docs_give_the_length_a_name_really_has() {
        // The model says 140 for the name; inside the ARN it becomes, 64 fit.
        let schema = crate::resources::capacity_provider::schema::resource_schema();
        let constraints = schema.block.attributes["name"].constraints();
        assert!(
            constraints
                .iter()
                .any(|c| c.starts_with("at most 64 characters long, to fit `TagResource.Resource`")),
            "{constraints:?}"
        );
    }

    #[test]
    fn a_character_the_arn_refuses_is_not_reported_as_a_length() {
        // An import ID `d2:1:2` names function `d2:1`: the colon is what the scaling
        // call's pattern refuses, not the length ("takes at most 2", it used to say).
        // An import runs every check of the attribute.
        let attribute = crate::resources::function_version::schema::function_name_attribute();
        let mut found = tfplug::diag::Diagnostics::new();
        for check in &attribute.validators {
            check.validate(&AttributePath::root(), &Value::string("d2:1"), &mut found);
        }
        let errors: Vec<String> = found.iter().map(|d| d.detail.clone()).collect();
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| !e.contains("at most")), "{errors:?}");

        // A capacity provider imported as `a/b`: `a` and `b` fit, the slash does not.
        let attribute = crate::resources::capacity_provider::schema::resource_schema()
            .block
            .attributes["name"]
            .clone();
        let mut found = tfplug::diag::Diagnostics::new();
        for check in &attribute.validators {
            check.validate(&AttributePath::root(), &Value::string("a/b"), &mut found);
        }
        let errors: Vec<String> = found.iter().map(|d| d.detail.clone()).collect();
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| !e.contains("at most")), "{errors:?}");
    }
}
