//! Which endpoint an AWS call went to, for the errors that happen before any response
//! arrives (a refused connection, a DNS failure): the SDK's transport errors do not say
//! where they tried to connect.
//!
//! An interceptor on every client notes each request's endpoint in a task-local slot
//! that [`traced`] opens around one attempt; [`AwsError::from_sdk`](super::AwsError::from_sdk)
//! reads it from there.

use std::cell::Cell;
use std::future::Future;

use aws_sdk_lambda::config::endpoint::Endpoint;
use aws_sdk_lambda::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_lambda::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_lambda::error::BoxError;

tokio::task_local! {
    static LAST_ENDPOINT: Cell<Option<String>>;
}

/// Runs one attempt of an AWS call, remembering the endpoint its requests go to.
pub async fn traced<F: Future>(attempt: F) -> F::Output {
    LAST_ENDPOINT.scope(Cell::new(None), attempt).await
}

/// The endpoint of the latest request of the current [`traced`] attempt, if any.
pub fn current() -> Option<String> {
    LAST_ENDPOINT
        .try_with(|slot| {
            let url = slot.take();
            slot.set(url.clone());
            url
        })
        .ok()
        .flatten()
}

/// The interceptor that records endpoints; added to every client of the provider.
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordEndpoint;

impl Intercept for RecordEndpoint {
    fn name(&self) -> &'static str {
        "RecordEndpoint"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let url = match cfg.load::<Endpoint>() {
            Some(endpoint) => endpoint.url().to_string(),
            None => origin(context.request().uri()).to_string(),
        };
        // Outside a traced attempt there is nowhere to put it, which is fine.
        let _ = LAST_ENDPOINT.try_with(|slot| slot.set(Some(url)));
        Ok(())
    }
}

/// `scheme://host:port` of a URL (without path and query).
fn origin(uri: &str) -> &str {
    let after_scheme = uri.find("://").map(|i| i + 3).unwrap_or(0);
    match uri[after_scheme..].find(['/', '?']) {
        Some(i) => &uri[..after_scheme + i],
        None => uri,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_drops_path_and_query() {
        assert_eq!(
            origin("http://127.0.0.1:1/2025-11-30/capacity-providers/x"),
            "http://127.0.0.1:1"
        );
        assert_eq!(
            origin("https://ec2.us-east-1.amazonaws.com?Action=DescribeSubnets"),
            "https://ec2.us-east-1.amazonaws.com"
        );
        assert_eq!(origin("http://localhost:4566"), "http://localhost:4566");
    }

    #[tokio::test]
    async fn current_is_scoped_to_the_attempt() {
        assert_eq!(current(), None);
        let seen = traced(async {
            let _ = LAST_ENDPOINT.try_with(|s| s.set(Some("http://a".into())));
            current()
        })
        .await;
        assert_eq!(seen.as_deref(), Some("http://a"));
        assert_eq!(traced(async { current() }).await, None);
    }
}
