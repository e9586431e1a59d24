//! Tags of Lambda resources (functions, capacity providers, event source mappings, code
//! signing configurations...): the same three calls for every taggable ARN.

use std::collections::BTreeMap;

use super::clients::AwsClients;
use super::error::Error;
use super::retry::Budget;
use crate::tags::Tags;

/// The tags of the Lambda resource with this ARN.
pub async fn list_tags(clients: &AwsClients, budget: &Budget, arn: &str) -> Result<Tags, Error> {
    let req = clients.lambda.list_tags().resource(arn);
    let out = clients
        .send(budget, "ListTags", || req.clone().send())
        .await?;
    Ok(out
        .tags
        .unwrap_or_default()
        .into_iter()
        .collect::<BTreeMap<_, _>>())
}

/// Removes and sets tags so that the Lambda resource with this ARN goes from `old` to
/// `new`.
pub async fn update_tags(
    clients: &AwsClients,
    budget: &Budget,
    arn: &str,
    old: &Tags,
    new: &Tags,
) -> Result<(), Error> {
    let (removed, changed) = crate::tags::diff(old, new);
    if !removed.is_empty() {
        let req = clients
            .lambda
            .untag_resource()
            .resource(arn)
            .set_tag_keys(Some(removed));
        clients
            .send(budget, "UntagResource", || req.clone().send())
            .await?;
    }
    if !changed.is_empty() {
        let req = clients
            .lambda
            .tag_resource()
            .resource(arn)
            .set_tags(Some(changed.into_iter().collect()));
        clients
            .send(budget, "TagResource", || req.clone().send())
            .await?;
    }
    Ok(())
}
