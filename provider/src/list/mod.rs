//! List resources (`list` blocks of `terraform query`, Terraform 1.14+): what exists in
//! AWS, one result per object, streamed as AWS's pages arrive, with each object's
//! identity and, when Terraform asks (`include_resource`, `-generate-config-out`), its
//! full state — read by the managed resource itself, so a listed object's state is what
//! an import of it would give.

pub mod capacity_provider;
pub mod durable_function;
pub mod function_version;

use tfplug::diag::Diagnostic;
use tfplug::list::{ListRequest, ListSink};
use tfplug::provider::Context;
use tfplug::resource::{ReadRequest, Resource, Result};
use tfplug::value::Value;

use crate::resources::common::set_attr;

/// How many results a listing sends at most when Terraform sets no limit: a guard
/// against listing an account without end.
pub const MAX_RESULTS: usize = 10_000;

/// One object found by a listing.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    /// How `terraform query` shows it.
    pub display_name: String,
    /// Its import stub (what an import by ID sets).
    pub stub: Value,
    /// The state attribute holding its ARN, and the ARN (for the identity's account).
    pub arn: (&'a str, &'a str),
}

/// Sends one object: its stub state with its ARN, or with `include_resource` the state
/// the managed resource's read gives for the stub. Returns `false` when the listing
/// should stop.
pub async fn send_object(
    ctx: &Context,
    resource: &dyn Resource,
    req: &ListRequest,
    out: &mut ListSink,
    found: Found<'_>,
) -> Result<bool> {
    let Found {
        display_name,
        stub,
        arn: (arn_attr, arn),
    } = found;
    if !req.include_resource {
        let mut identified = stub;
        set_attr(&mut identified, arn_attr, Value::string(arn));
        return Ok(out.send_state(display_name, identified).await);
    }
    let read = resource
        .read(
            ctx,
            ReadRequest {
                current: stub,
                private: Vec::new(),
                ty: req.ty.clone(),
            },
        )
        .await;
    match read {
        Ok(found) if !found.state.is_null() => Ok(out.send_state(display_name, found.state).await),
        // Deleted between the listing and the read: nothing to show.
        Ok(_) => Ok(true),
        Err(e) => Ok(out
            .send_diagnostics(
                e.diagnostics
                    .into_iter()
                    .map(|d| {
                        Diagnostic::warning(format!("{display_name}: {}", d.summary), d.detail)
                    })
                    .collect(),
            )
            .await),
    }
}
