//! The AWS clients built at configure time and shared by every resource and data source.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};

use aws_sdk_lambda::config::Region;
use aws_sdk_lambda::config::http::HttpResponse;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use tfplug::diag::Diagnostic;

use super::endpoint::{RecordEndpoint, traced};
use super::error::{AwsError, Error, ErrorClass};
use super::rate_limit::{RateLimiter, RateLimits, Turn};
use super::retry::{Budget, RetryPolicy, retry_paced};

/// How long IAM-propagation errors are retried by the `*_with_iam_retry` calls.
const IAM_PROPAGATION_WINDOW: std::time::Duration = std::time::Duration::from_secs(120);

/// Endpoint overrides from the provider block (`endpoints { lambda, ec2, sts }`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// Lambda endpoint URL.
    pub lambda: Option<String>,
    /// EC2 endpoint URL.
    pub ec2: Option<String>,
    /// STS endpoint URL.
    pub sts: Option<String>,
}

/// The configured provider: clients plus the settings every resource needs.
#[derive(Clone, Debug)]
pub struct AwsClients {
    /// The SDK configuration the clients were built from (for other regions).
    sdk: aws_config::SdkConfig,
    /// Endpoint overrides of the provider block.
    endpoints: Endpoints,
    /// Clients for other regions (a resource's `region` argument), built on first use.
    regional: Arc<Mutex<BTreeMap<String, Arc<AwsClients>>>>,
    /// Lambda.
    pub lambda: aws_sdk_lambda::Client,
    /// EC2 (plan-time checks of subnets, security groups, instance types).
    pub ec2: aws_sdk_ec2::Client,
    /// STS (credential check).
    pub sts: aws_sdk_sts::Client,
    /// The region in use.
    pub region: String,
    /// The account, when known (from GetCallerIdentity).
    pub account_id: Option<String>,
    /// Retry limits for every call.
    pub retry: RetryPolicy,
    /// The rate limits every call waits on, shared with the clients of other regions.
    limiter: Arc<RateLimiter>,
    /// `default_tags { tags }` of the provider block.
    pub default_tags: crate::tags::DefaultTags,
    /// `review { … }` of the provider block: the review in every plan.
    pub review: crate::review::at_plan::PlanReview,
}

impl AwsClients {
    /// Clients for `region` from an SDK configuration and the provider block's settings.
    pub fn new(
        sdk: aws_config::SdkConfig,
        endpoints: Endpoints,
        region: String,
        retry: RetryPolicy,
        default_tags: crate::tags::DefaultTags,
    ) -> Self {
        let region_conf = Region::new(region.clone());
        let lambda = {
            let mut b = aws_sdk_lambda::config::Builder::from(&sdk)
                .region(region_conf.clone())
                .interceptor(RecordEndpoint);
            if let Some(url) = &endpoints.lambda {
                b = b.endpoint_url(url.clone());
            }
            aws_sdk_lambda::Client::from_conf(b.build())
        };
        let ec2 = {
            let mut b = aws_sdk_ec2::config::Builder::from(&sdk)
                .region(region_conf.clone())
                .interceptor(RecordEndpoint);
            if let Some(url) = &endpoints.ec2 {
                b = b.endpoint_url(url.clone());
            }
            aws_sdk_ec2::Client::from_conf(b.build())
        };
        let sts = {
            let mut b = aws_sdk_sts::config::Builder::from(&sdk)
                .region(region_conf)
                .interceptor(RecordEndpoint);
            if let Some(url) = &endpoints.sts {
                b = b.endpoint_url(url.clone());
            }
            aws_sdk_sts::Client::from_conf(b.build())
        };
        Self {
            sdk,
            endpoints,
            regional: Arc::default(),
            lambda,
            ec2,
            sts,
            region,
            account_id: None,
            retry,
            limiter: Arc::default(),
            default_tags,
            review: crate::review::at_plan::PlanReview::default(),
        }
    }

    /// The same clients with `limits` instead of AWS's quotas (the provider block's
    /// `rate_limits`).
    pub fn with_rate_limits(mut self, limits: RateLimits) -> Self {
        self.limiter = Arc::new(RateLimiter::new(limits));
        self
    }

    /// The rate limiter every call of these clients (and of their other regions) waits on.
    pub fn rate_limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

    /// The clients for `region` (a resource's `region` argument); these clients when it
    /// is `None`, empty or the provider's region.
    pub fn for_region(self: &Arc<Self>, region: Option<&str>) -> Arc<AwsClients> {
        let Some(region) = region.filter(|r| !r.is_empty() && *r != self.region) else {
            return self.clone();
        };
        let Ok(mut cache) = self.regional.lock() else {
            return self.clone();
        };
        cache
            .entry(region.to_string())
            .or_insert_with(|| {
                let mut c = AwsClients::new(
                    self.sdk.clone(),
                    self.endpoints.clone(),
                    region.to_string(),
                    self.retry.clone(),
                    self.default_tags.clone(),
                );
                c.account_id = self.account_id.clone();
                c.review = self.review.clone();
                c.limiter = self.limiter.clone();
                Arc::new(c)
            })
            .clone()
    }

    /// Sends one SDK request with the provider's retry policy within `budget`;
    /// `request` builds and sends it anew for each attempt, e.g.
    /// `clients.send(budget, "GetCapacityProvider", || req.clone().send())`. SDK errors
    /// become [`AwsError`]s naming `operation`.
    pub async fn send<T, E, F, Fut>(
        &self,
        budget: &Budget,
        operation: &str,
        request: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.send_with(&self.retry, budget, operation, request)
            .await
    }

    /// Like [`AwsClients::send`], also retrying the errors AWS documents for IAM roles
    /// that are still propagating (for creates that pass a role).
    pub async fn send_with_iam_retry<T, E, F, Fut>(
        &self,
        budget: &Budget,
        operation: &str,
        request: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.send_with(&self.iam_policy(), budget, operation, request)
            .await
    }

    /// Runs one AWS call with the provider's retry policy within `budget`, for callers
    /// that look at an error before it is retried (otherwise use [`AwsClients::send`]).
    pub async fn call<T, F, Fut>(&self, budget: &Budget, operation: &str, f: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        self.call_with(&self.retry, budget, operation, f).await
    }

    /// Like [`AwsClients::call`], also retrying the errors AWS documents for IAM roles that
    /// are still propagating (for creates that pass a role).
    pub async fn call_with_iam_retry<T, F, Fut>(
        &self,
        budget: &Budget,
        operation: &str,
        f: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        self.call_with(&self.iam_policy(), budget, operation, f)
            .await
    }

    fn iam_policy(&self) -> RetryPolicy {
        self.retry
            .clone()
            .with_iam_propagation(IAM_PROPAGATION_WINDOW)
    }

    /// [`retry_paced`]: each attempt waits for its turn under the rate limits of this
    /// account and region, then runs [`traced`] so transport errors name their endpoint.
    /// (The attempt is boxed: the SDK's futures are deep, and nesting them in a
    /// resource's futures otherwise exceeds the compiler's layout depth limit.)
    async fn call_with<T, F, Fut>(
        &self,
        policy: &RetryPolicy,
        budget: &Budget,
        operation: &str,
        mut f: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let turn = Turn {
            account: self.account_id.as_deref().unwrap_or_default(),
            region: &self.region,
            operation,
        };
        retry_paced(
            policy,
            budget,
            operation,
            || self.limiter.wait_turn(turn, budget),
            || {
                let attempt = traced(f());
                Box::pin(async move {
                    let result = attempt.await;
                    if let Err(e) = &result
                        && matches!(e.class, ErrorClass::Throttling { .. })
                    {
                        self.limiter.throttled(turn);
                    }
                    result
                })
            },
        )
        .await
    }

    /// [`AwsClients::call_with`] for a closure that sends an SDK request.
    async fn send_with<T, E, F, Fut>(
        &self,
        policy: &RetryPolicy,
        budget: &Budget,
        operation: &str,
        mut request: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.call_with(policy, budget, operation, || {
            let sent = request();
            async move { sent.await.map_err(|e| AwsError::from_sdk(operation, e)) }
        })
        .await
    }
}

/// Where resources find the clients once the provider is configured.
#[derive(Clone, Debug, Default)]
pub struct SharedClients(Arc<RwLock<Option<Arc<AwsClients>>>>);

impl SharedClients {
    /// An unconfigured slot.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores the configured clients.
    pub fn set(&self, clients: AwsClients) {
        if let Ok(mut slot) = self.0.write() {
            *slot = Some(Arc::new(clients));
        }
    }

    /// The clients, or an error diagnostic when the provider is not configured yet.
    pub fn get(&self) -> Result<Arc<AwsClients>, Diagnostic> {
        self.try_get().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "The lambda provider was used before it was configured. This is a bug in the \
                 provider or in Terraform.",
            )
        })
    }

    /// The clients, if the provider is configured.
    pub fn try_get(&self) -> Option<Arc<AwsClients>> {
        self.0.read().ok().and_then(|slot| slot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorClass;
    use aws_config::BehaviorVersion;
    use aws_config::retry::RetryConfig;
    use aws_sdk_lambda::config::{Credentials, SharedCredentialsProvider};
    use std::time::{Duration, Instant};
    use tokio_util::sync::CancellationToken;

    /// A loopback URL where nothing listens.
    fn closed_port_url() -> String {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1);
        format!("http://127.0.0.1:{port}")
    }

    fn clients(endpoints: Endpoints) -> AwsClients {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKID", "secret", None, None, "test",
            )))
            .retry_config(RetryConfig::disabled())
            .build();
        AwsClients::new(
            sdk,
            endpoints,
            "us-east-1".into(),
            RetryPolicy::default(),
            crate::tags::DefaultTags::default(),
        )
    }

    #[tokio::test]
    async fn refused_connection_fails_fast_and_names_the_endpoint() {
        let url = closed_port_url();
        let clients = clients(Endpoints {
            sts: Some(url.clone()),
            lambda: Some(url.clone()),
            ec2: None,
        });
        let budget = Budget::new(Duration::from_secs(600), CancellationToken::new());
        let started = Instant::now();
        let req = clients.sts.get_caller_identity();
        let r = clients
            .send(&budget, "GetCallerIdentity", || req.clone().send())
            .await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let e = match r {
            Err(Error::Aws(e)) => e,
            other => panic!("expected an AWS error, got {other:?}"),
        };
        assert_eq!(e.class, ErrorClass::Unreachable, "{e}");
        assert_eq!(e.operation, "GetCallerIdentity");
        assert!(e.message.contains(&url), "{e}");
        assert!(e.message.contains("connection"), "{e}");
        assert!(e.message.contains("refused"), "{e}");

        // Same for another service, through a custom closure.
        let r = clients
            .call(&budget, "GetCapacityProvider", || {
                let req = clients
                    .lambda
                    .get_capacity_provider()
                    .capacity_provider_name("web");
                async move {
                    req.send()
                        .await
                        .map_err(|e| AwsError::from_sdk("GetCapacityProvider", e))
                }
            })
            .await;
        let d = match r {
            Err(e) => e.to_diagnostic("lambda_capacity_provider \"web\"", "reading"),
            Ok(_) => panic!("nothing listens at {url}"),
        };
        assert!(d.detail.contains(&url), "{}", d.detail);
        assert!(d.detail.contains("endpoint unreachable"), "{}", d.detail);
        assert!(d.detail.contains("AWS_ENDPOINT_URL"), "{}", d.detail);
    }
}
