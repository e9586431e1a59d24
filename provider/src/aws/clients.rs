//! The AWS clients built at configure time and shared by every resource and data source.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};

use aws_sdk_lambda::config::Region;

use tfplug::diag::Diagnostic;

use super::error::{AwsError, Error};
use super::retry::{Budget, RetryPolicy, retry};

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
    /// `default_tags { tags }` of the provider block.
    pub default_tags: BTreeMap<String, String>,
}

impl AwsClients {
    /// Clients for `region` from an SDK configuration and the provider block's settings.
    pub fn new(
        sdk: aws_config::SdkConfig,
        endpoints: Endpoints,
        region: String,
        retry: RetryPolicy,
        default_tags: BTreeMap<String, String>,
    ) -> Self {
        let region_conf = Region::new(region.clone());
        let lambda = {
            let mut b = aws_sdk_lambda::config::Builder::from(&sdk).region(region_conf.clone());
            if let Some(url) = &endpoints.lambda {
                b = b.endpoint_url(url.clone());
            }
            aws_sdk_lambda::Client::from_conf(b.build())
        };
        let ec2 = {
            let mut b = aws_sdk_ec2::config::Builder::from(&sdk).region(region_conf.clone());
            if let Some(url) = &endpoints.ec2 {
                b = b.endpoint_url(url.clone());
            }
            aws_sdk_ec2::Client::from_conf(b.build())
        };
        let sts = {
            let mut b = aws_sdk_sts::config::Builder::from(&sdk).region(region_conf);
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
            default_tags,
        }
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
                Arc::new(c)
            })
            .clone()
    }

    /// Runs one AWS call with the provider's retry policy within `budget`.
    pub async fn call<T, F, Fut>(&self, budget: &Budget, operation: &str, f: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        retry(&self.retry, budget, operation, f).await
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
        let policy = self
            .retry
            .clone()
            .with_iam_propagation(std::time::Duration::from_secs(120));
        retry(&policy, budget, operation, f).await
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
