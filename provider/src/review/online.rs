//! `review --online`: asks EC2, with the caller's AWS credentials, what the plan's
//! capacity providers' subnets and named instance types are, so the Availability Zone
//! rule counts zones rather than subnets and instance sizes come from EC2 rather than
//! the vendored catalogue. The review stays offline unless asked: pipelines that review
//! a plan often have no credentials.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::inputs::View;
use crate::aws::ec2::{Ec2Facts, lookup};
use crate::aws::retry::Budget;
use crate::config::{ProviderConfig, build_clients};
use tfplug::value::Maybe;

/// How long the look-ups may take in all.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What EC2 says of `view`'s subnets and instance types, in `region` (the SDK's default
/// chain when `None`), with the SDK's default credential chain.
pub async fn ec2_facts(view: &View, region: Option<&str>) -> Result<Ec2Facts, String> {
    let query = view.ec2_query();
    if query.is_empty() {
        return Ok(Ec2Facts::default());
    }
    let config = ProviderConfig {
        region: region.map_or(Maybe::Null, |r| Maybe::Known(r.to_string())),
        ..ProviderConfig::default()
    };
    let stop = CancellationToken::new();
    let clients = build_clients(&config, &stop).await.map_err(|diags| {
        diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    lookup(&clients, &Budget::new(TIMEOUT, stop), &query)
        .await
        .map_err(|e| e.to_string())
}

/// [`ec2_facts`] on a runtime of its own, for the command line.
pub fn ec2_facts_blocking(view: &View, region: Option<&str>) -> Result<Ec2Facts, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(ec2_facts(view, region))
}
