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

impl Validator for FlowsInto {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let Value::String(text) = value else {
            return;
        };
        let sent = (self.into)(text);
        let mut found = Diagnostics::new();
        for check in &self.checks {
            check.validate(path, &Value::string(sent.clone()), &mut found);
        }
        if found.has_errors() {
            diags.error_at(
                path.clone(),
                "Invalid attribute value",
                format!(
                    "{text:?} cannot be used: AWS later receives it as {sent:?} in `{}`, which \
                     must be {}.",
                    member_name(self.member),
                    constraint_text(self.member.shape)
                ),
            );
        }
    }

    fn describe(&self) -> String {
        format!(
            "short enough to fit `{}` (it becomes part of that value)",
            member_name(self.member)
        )
    }

    fn problem(&self) -> Option<String> {
        self.checks.iter().find_map(|c| c.problem())
    }

    fn follows_own_checks(&self) -> bool {
        true
    }
}
