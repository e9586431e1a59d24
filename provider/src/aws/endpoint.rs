//! Endpoint URLs: checking the ones a user configures ([`EndpointUrl`]), and knowing
//! which endpoint an AWS call went to, for the errors that happen before any response
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
use tfplug::diag::Diagnostics;
use tfplug::validate::Validator;
use tfplug::value::{AttributePath, Value};

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

/// Checks an endpoint URL the way the SDK needs it: `http://` or `https://`, a host,
/// and a port number if there is a port. Blank means "not set" and passes.
pub fn check_endpoint_url(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Ok(());
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!("{url:?} contains whitespace"));
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme).map(|_| &url[scheme.len()..]))
    else {
        return Err(format!(
            "{url:?} is not an http:// or https:// URL (e.g. \"http://localhost:4566\")"
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return Err(format!("{url:?} has an unclosed IPv6 address")),
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(format!("{url:?} has an invalid port {port:?}"));
    }
    Ok(())
}

/// Validates endpoint URLs at plan time (`terraform validate`).
pub struct EndpointUrl;

impl Validator for EndpointUrl {
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Value::String(url) = value
            && let Err(e) = check_endpoint_url(url)
        {
            diags.error_at(path.clone(), "Invalid endpoint URL", format!("{e}."));
        }
    }

    fn describe(&self) -> String {
        "an `http://` or `https://` URL with a host, or empty for the default endpoint".to_string()
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

    #[test]
    fn endpoint_urls() {
        for ok in [
            "http://127.0.0.1:4566",
            "https://lambda.us-east-1.amazonaws.com",
            "HTTP://localhost:4566/",
            "http://[::1]:4566",
            "http://localhost",
            "",
        ] {
            assert_eq!(check_endpoint_url(ok), Ok(()), "{ok}");
        }
        for (bad, words) in [
            ("localhost:4566", "not an http:// or https:// URL"),
            ("ftp://host", "not an http:// or https:// URL"),
            ("http://", "no host"),
            ("http://:4566", "no host"),
            ("http://localhost:45x6", "invalid port"),
            ("http://localhost:70000", "invalid port"),
            ("http://local host", "whitespace"),
            ("http://[::1:4566", "IPv6"),
        ] {
            let e = check_endpoint_url(bad).err().unwrap_or_default();
            assert!(e.contains(words), "{bad}: {e}");
        }
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
