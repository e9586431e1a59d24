//! The provider block: schema, typed configuration, and building the AWS clients from it
//! (region, profile, assume role, endpoint overrides, retries, rate limits, default tags)
//! on top of the
//! standard AWS configuration chain of `aws-config`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig as AwsProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion};
use aws_sdk_lambda::config::{ProvideCredentials, Region, SharedCredentialsProvider};
use serde::Deserialize;
use tfplug::diag::{Diagnostic, Diagnostics};
use tfplug::schema::{Attribute, Block, NestedBlock, Schema};
use tfplug::validate::{WholeNumber, length_between, matches, number_between};
use tfplug::value::{AttributePath, Maybe, Type, Value, from_value};
use tokio_util::sync::CancellationToken;

use crate::aws::attribute::{AwsAttribute, member_name};
use crate::aws::ca_bundle;
use crate::aws::credentials::{
    Env, ProfileChoice, SelectedProfile, SharedFiles, nothing_found, profile_not_found,
};
use crate::aws::endpoint::EndpointUrl;
use crate::aws::error::{
    HOST_NOT_FOUND, UNREACHABLE_HINT, assume_role_refusal, error_chain, is_connection_refused,
    is_host_not_found,
};
use crate::aws::model::{lambda, sts, validators};
use crate::aws::rate_limit::block::{self as rate_limits_block, RateLimitsConfig};
use crate::aws::timeouts::DurationBetween;
use crate::aws::{AwsClients, Budget, Endpoints, Error, ErrorClass, RetryPolicy};
use crate::resources::common::REGION_PATTERN;
use crate::tags::DefaultTags;

/// Default for `max_retries` (the same as the AWS provider's).
pub const DEFAULT_MAX_RETRIES: u32 = 25;

/// The session lengths STS allows for `assume_role.duration` (`AssumeRole.DurationSeconds`
/// in STS's model).
pub fn assume_role_duration() -> DurationBetween {
    let shape = sts::AssumeRoleRequest::DurationSeconds.shape;
    let seconds = |bound: Option<f64>, default: u64| bound.map_or(default, |b| b as u64);
    DurationBetween {
        min: Duration::from_secs(seconds(shape.min, 0)),
        max: Duration::from_secs(seconds(shape.max, u64::MAX)),
    }
}

/// The provider block's schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .description(
                "Configures access to AWS Lambda. Everything the provider block leaves unset \
                 comes from the standard AWS configuration chain (`AWS_REGION`, `AWS_PROFILE`, \
                 `AWS_ENDPOINT_URL[_SERVICE]`, shared config and credentials files, SSO, web \
                 identity, container and instance metadata credentials).",
            )
            .attribute(
                Attribute::string("region")
                    .optional()
                    .validator(matches(REGION_PATTERN, "an AWS region name"))
                    .description("AWS region, e.g. `us-east-1`. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the profile's region."),
            )
            .attribute(
                Attribute::string("profile")
                    .optional()
                    .validator(length_between(1, 256))
                    .description("Named profile of the shared config and credentials files. Defaults to `AWS_PROFILE` or `default`. When set, credentials come from this profile even if `AWS_ACCESS_KEY_ID` is also set."),
            )
            .attribute(
                Attribute::number("max_retries")
                    .optional()
                    .validator(WholeNumber)
                    .validator(number_between(0.0, 100.0))
                    .description("How many times a throttled or failed (5xx, broken or timed-out connection) AWS call is retried with exponential backoff and jitter before giving up. Default `25`. Conflicts with an update in progress are retried until the resource's timeout; a refused connection only twice, and an untrusted TLS certificate not at all."),
            )
            .attribute(
                Attribute::string(CUSTOM_CA_BUNDLE)
                    .optional()
                    .validator(length_between(1, 4096))
                    .description("Path of a PEM file of certificate authorities that AWS's endpoints are verified against instead of the system's trust store, e.g. for a proxy that inspects TLS. Defaults to `AWS_CA_BUNDLE`. The proxy itself comes from `HTTPS_PROXY` and `NO_PROXY`."),
            )
            .attribute(
                Attribute::bool("skip_credentials_validation")
                    .optional()
                    .description("Skip checking the credentials with STS GetCallerIdentity when the provider is configured. Default `false`."),
            )
            .block(
                NestedBlock::list_max_one(
                    "assume_role",
                    Block::new()
                        .description("Assume an IAM role (STS AssumeRole) with the credentials of the chain.")
                        .attribute(
                            Attribute::string("role_arn")
                                .required()
                                .aws(&sts::AssumeRoleRequest::RoleArn)
                                // STS takes any ARN; Lambda's model says what a role ARN is.
                                .validators(validators(&lambda::shapes::RoleArn))
                                .description("ARN of the role to assume."),
                        )
                        .attribute(
                            Attribute::string("session_name")
                                .optional()
                                .aws(&sts::AssumeRoleRequest::RoleSessionName)
                                .description("Session name. Default: generated by the SDK."),
                        )
                        .attribute(
                            Attribute::string("external_id")
                                .optional()
                                .aws(&sts::AssumeRoleRequest::ExternalId)
                                .description("External ID the role's trust policy requires."),
                        )
                        .attribute(
                            Attribute::string("duration")
                                .optional()
                                .validator(assume_role_duration())
                                .sent_as(member_name(&sts::AssumeRoleRequest::DurationSeconds))
                                .description("Session duration (e.g. `\"1h\"`), sent in seconds."),
                        ),
                ),
            )
            .block(
                NestedBlock::list_max_one(
                    "endpoints",
                    Block::new()
                        .description("Custom endpoint URLs (e.g. a local emulator). They take precedence over `AWS_ENDPOINT_URL[_SERVICE]`.")
                        .attribute(Attribute::string("lambda").optional().validator(EndpointUrl).description("Lambda endpoint URL."))
                        .attribute(Attribute::string("ec2").optional().validator(EndpointUrl).description("EC2 endpoint URL (plan-time checks of subnets, security groups and instance types)."))
                        .attribute(Attribute::string("sts").optional().validator(EndpointUrl).description("STS endpoint URL (credential check, assume role).")),
                ),
            )
            .block(review_block())
            .block(rate_limits_block::schema())
            .block(
                NestedBlock::list_max_one(
                    "default_tags",
                    Block::new()
                        .description("Tags added to every taggable resource of this provider. A resource's own `tags` win on conflicting keys; `tags_all` shows the merged result.")
                        .attribute(
                            Attribute::new("tags", Type::map(Type::String))
                                .optional()
                                .validator(tfplug::validate::NoNullElements)
                                .validator(crate::tags::not_aws_prefixed())
                                .aws(&lambda::TagResourceRequest::Tags)
                                .description("Tags for every resource."),
                        ),
                ),
            ),
    )
}

/// `review { … }`: the policy review in every plan (see `docs/review-rules.md`).
fn review_block() -> NestedBlock {
    let ids: Vec<&str> = crate::review::rules::CATALOGUE
        .iter()
        .map(|r| r.id)
        .collect();
    NestedBlock::list_max_one(
        REVIEW,
        Block::new()
            .description("The policy review of scaling, concurrency and durable settings in every plan: findings are warnings on the attribute at fault unless `fail_on` makes them errors.")
            .attribute(
                Attribute::string("fail_on")
                    .optional()
                    .validator(tfplug::validate::one_of(&["error", "warning", "never"]))
                    .description("Findings that fail the plan: `error`, `warning`, or `never` (default: all are warnings). Only for resources the plan creates or changes: those it leaves as they are have shipped, and their findings stay warnings (so that they block neither other changes nor `terraform destroy`)."),
            )
            .attribute(
                Attribute::new("disable", Type::set(Type::String))
                    .optional()
                    .validator(tfplug::validate::each(tfplug::validate::one_of(&ids)))
                    .description("Rule IDs not to run."),
            )
            .attribute(
                Attribute::bool("require_kms")
                    .optional()
                    .description("Require a customer-managed KMS key for durable execution data (rule DUR-002)."),
            ),
    )
}

/// The `review` block's name.
const REVIEW: &str = "review";

/// The provider block, typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    /// `region`.
    pub region: Maybe<String>,
    /// `profile`.
    pub profile: Maybe<String>,
    /// `max_retries`.
    pub max_retries: Maybe<u32>,
    /// `custom_ca_bundle`.
    pub custom_ca_bundle: Maybe<String>,
    /// `skip_credentials_validation`.
    pub skip_credentials_validation: Maybe<bool>,
    /// `assume_role` (at most one).
    pub assume_role: Maybe<Vec<AssumeRoleConfig>>,
    /// `endpoints` (at most one).
    pub endpoints: Maybe<Vec<EndpointsConfig>>,
    /// `default_tags` (at most one).
    pub default_tags: Maybe<Vec<DefaultTagsConfig>>,
    /// `review` (at most one).
    pub review: Maybe<Vec<ReviewConfig>>,
    /// `rate_limits` (at most one).
    pub rate_limits: Maybe<Vec<RateLimitsConfig>>,
}

/// `review { … }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewConfig {
    /// `fail_on`.
    pub fail_on: Maybe<String>,
    /// `disable`.
    pub disable: Maybe<Vec<String>>,
    /// `require_kms`.
    pub require_kms: Maybe<bool>,
}

/// `assume_role { ... }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssumeRoleConfig {
    /// `role_arn`.
    pub role_arn: Maybe<String>,
    /// `session_name`.
    pub session_name: Maybe<String>,
    /// `external_id`.
    pub external_id: Maybe<String>,
    /// `duration`.
    pub duration: Maybe<String>,
}

/// `endpoints { ... }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndpointsConfig {
    /// `lambda`.
    pub lambda: Maybe<String>,
    /// `ec2`.
    pub ec2: Maybe<String>,
    /// `sts`.
    pub sts: Maybe<String>,
}

/// `default_tags { tags = {...} }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DefaultTagsConfig {
    /// `tags` (a value may be unknown during a plan).
    pub tags: Maybe<BTreeMap<String, Maybe<String>>>,
}

impl ProviderConfig {
    /// The `review` block as settings (defaults when it is absent).
    pub fn review_settings(&self) -> crate::review::at_plan::PlanReview {
        let Some(block) = self.review.known().and_then(|b| b.first()) else {
            return crate::review::at_plan::PlanReview::default();
        };
        crate::review::at_plan::PlanReview {
            settings: crate::review::Settings {
                disable: block.disable.known().cloned().unwrap_or_default(),
                require_kms: block.require_kms.known() == Some(&true),
                ..crate::review::Settings::default()
            },
            fail_on: block
                .fail_on
                .known()
                .and_then(|f| crate::review::FailOn::parse(f))
                .unwrap_or(crate::review::FailOn::Never),
        }
    }

    /// Reads the provider block.
    pub fn from_value(v: &Value) -> Result<Self, Diagnostics> {
        if v.is_null() {
            return Ok(Self::default());
        }
        from_value(v).map_err(Diagnostics::from)
    }

    /// Errors for values that must be known when the provider is configured.
    pub fn unknown_values(&self) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let mut check = |unknown: bool, path: AttributePath| {
            if unknown {
                diags.error_at(
                    path,
                    "Provider configuration value not known",
                    "This value must be known when the provider is configured: it cannot depend \
                     on a resource that is not created yet.",
                );
            }
        };
        check(self.region.is_unknown(), AttributePath::attr("region"));
        check(self.profile.is_unknown(), AttributePath::attr("profile"));
        check(
            self.max_retries.is_unknown(),
            AttributePath::attr("max_retries"),
        );
        check(
            self.assume_role.is_unknown(),
            AttributePath::attr("assume_role"),
        );
        check(
            self.endpoints.is_unknown(),
            AttributePath::attr("endpoints"),
        );
        for path in rate_limits_block::unknown_paths(&self.rate_limits) {
            check(true, path);
        }
        if let Some(ar) = self.assume_role.known().and_then(|v| v.first()) {
            let p = AttributePath::attr("assume_role").child_index(0);
            check(ar.role_arn.is_unknown(), p.child_attr("role_arn"));
            check(ar.session_name.is_unknown(), p.child_attr("session_name"));
            check(ar.external_id.is_unknown(), p.child_attr("external_id"));
            check(ar.duration.is_unknown(), p.child_attr("duration"));
        }
        if let Some(ep) = self.endpoints.known().and_then(|v| v.first()) {
            let p = AttributePath::attr("endpoints").child_index(0);
            check(ep.lambda.is_unknown(), p.child_attr("lambda"));
            check(ep.ec2.is_unknown(), p.child_attr("ec2"));
            check(ep.sts.is_unknown(), p.child_attr("sts"));
        }
        diags
    }

    /// Endpoint overrides.
    pub fn endpoints(&self) -> Endpoints {
        let ep = self.endpoints.known().and_then(|v| v.first());
        let get = |f: fn(&EndpointsConfig) -> &Maybe<String>| {
            ep.and_then(|e| f(e).known().cloned())
                .filter(|s| !s.trim().is_empty())
        };
        Endpoints {
            lambda: get(|e| &e.lambda),
            ec2: get(|e| &e.ec2),
            sts: get(|e| &e.sts),
        }
    }

    /// The provider's default tags: unknown while a plan does not know the block or its
    /// `tags` yet.
    pub fn default_tags(&self) -> DefaultTags {
        match &self.default_tags {
            Maybe::Unknown => DefaultTags::Unknown,
            Maybe::Null => DefaultTags::default(),
            Maybe::Known(blocks) => match blocks.first().map(|d| &d.tags) {
                Some(Maybe::Unknown) => DefaultTags::Unknown,
                Some(Maybe::Known(tags)) => tags
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.known()?.clone())))
                    .collect::<Option<_>>()
                    .map_or(DefaultTags::Unknown, DefaultTags::Known),
                Some(Maybe::Null) | None => DefaultTags::default(),
            },
        }
    }

    /// The retry policy (`max_retries`).
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: self
                .max_retries
                .known()
                .copied()
                .unwrap_or(DEFAULT_MAX_RETRIES),
            ..RetryPolicy::default()
        }
    }

    /// The STS endpoint when one is configured, and where: the provider block, then
    /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, then the shared config file's
    /// `endpoint_url` (`from_config`, as the SDK loaded it).
    pub fn sts_endpoint(
        &self,
        from_config: Option<&str>,
        env: Env<'_>,
    ) -> Option<(String, &'static str)> {
        if let Some(url) = self.endpoints().sts {
            return Some((url, STS_FROM_BLOCK));
        }
        if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return None;
        }
        for var in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] {
            if let Some(url) = env(var) {
                return Some((url, var));
            }
        }
        from_config.map(|url| (url.to_string(), "`endpoint_url` of the shared config file"))
    }

    fn assume_role(&self) -> Option<&AssumeRoleConfig> {
        self.assume_role.known().and_then(|v| v.first())
    }

    /// Where credentials are looked for, for error messages.
    pub fn credential_source(&self, env: &dyn Fn(&str) -> Option<String>) -> String {
        let base = if let Some(p) = self.profile.known() {
            format!("profile {p:?} (provider `profile`) of the shared config and credentials files")
        } else if env("AWS_ACCESS_KEY_ID").is_some() {
            "the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_string()
        } else if let Some(p) = env("AWS_PROFILE") {
            format!("profile {p:?} (AWS_PROFILE) of the shared config and credentials files")
        } else if env("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)".to_string()
        } else if env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
            || env("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
        {
            "container credentials (AWS_CONTAINER_CREDENTIALS_*)".to_string()
        } else {
            "the default chain: environment variables, the default profile of the shared config \
             and credentials files (including SSO and credential_process), web identity, \
             container credentials and EC2 instance metadata"
                .to_string()
        };
        match self.assume_role().and_then(|a| a.role_arn.known()) {
            Some(arn) => format!("assume role {arn} with base credentials from {base}"),
            None => base,
        }
    }
}

/// The application name in the user agent of every AWS call:
/// `terraform-provider-lambda_VERSION` (the name of the release binary without its `v`).
/// An [`AppName`] is an HTTP token, which has no `/`, so the usual `NAME/VERSION` form
/// is not allowed.
pub fn app_name() -> AppName {
    AppName::new(format!("terraform-provider-lambda_{}", crate::VERSION))
        .expect("the crate name and a Cargo version are valid app name characters")
}

/// The start of every AWS SDK configuration the provider builds: the user agent's
/// [`app_name`], no SDK retries (the provider retries itself) and the timeouts.
pub fn sdk_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .app_name(app_name())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(120))
                .build(),
        )
}

/// Builds the AWS SDK configuration and clients from the provider block, and checks the
/// credentials unless `skip_credentials_validation` is set.
pub async fn build_clients(
    cfg: &ProviderConfig,
    stop: &CancellationToken,
) -> Result<AwsClients, Diagnostics> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let block_profile = cfg.profile.known().map(String::as_str);
    let profile = SelectedProfile::resolve(block_profile, &env);
    if block_profile.is_some() {
        // Credentials (and perhaps the region) can only come from this profile.
        require_profile(&profile, &env)?;
    }
    let mut loader = sdk_loader();
    if let Some(client) = ca_bundle_client(cfg, &env)? {
        loader = loader.http_client(client);
    }
    if let Some(region) = cfg.region.known() {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = block_profile {
        loader = loader.profile_name(profile);
    }
    let mut sdk = loader.load().await;
    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        if profile.is_explicit() {
            require_profile(&profile, &env)?;
        }
        return Err(Diagnostic::error(
            "No AWS region",
            "Set `region` in the provider block, or AWS_REGION in the environment, or a region in \
             the profile of the shared config file.",
        )
        .at(AttributePath::attr("region"))
        .into());
    };
    let endpoints = cfg.endpoints();

    // A profile named in the provider block is where credentials come from, even when
    // AWS_ACCESS_KEY_ID is also set: the default chain would read the environment first,
    // which is not what a user who wrote `profile = "..."` (or who knows the AWS
    // provider) expects.
    if let Some(profile) = block_profile {
        let from_profile = ProfileFileCredentialsProvider::builder()
            .configure(&AwsProviderConfig::default().with_region(Some(Region::new(region.clone()))))
            .profile_name(profile)
            .build();
        sdk = sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(from_profile))
            .build();
    }

    if let Some(ar) = cfg.assume_role() {
        let Some(role_arn) = ar.role_arn.known() else {
            return Err(
                Diagnostic::error("Missing role_arn", "assume_role needs role_arn.")
                    .at(AttributePath::attr("assume_role")
                        .child_index(0)
                        .child_attr("role_arn"))
                    .into(),
            );
        };
        let mut sts_conf = sdk.clone();
        if let Some(url) = &endpoints.sts {
            sts_conf = sts_conf.into_builder().endpoint_url(url.clone()).build();
        }
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
            .configure(&sts_conf)
            .region(Region::new(region.clone()));
        if let Some(s) = ar.session_name.known() {
            builder = builder.session_name(s.clone());
        }
        if let Some(e) = ar.external_id.known() {
            builder = builder.external_id(e.clone());
        }
        if let Some(d) = ar.duration.known() {
            let dur = assume_role_duration().check(d).map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error("Invalid duration", format!("{e}.")).at(AttributePath::attr(
                        "assume_role",
                    )
                    .child_index(0)
                    .child_attr("duration")),
                )
            })?;
            builder = builder.session_length(dur);
        }
        let provider = builder.build().await;
        sdk = sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }

    let mut clients = AwsClients::new(
        sdk.clone(),
        endpoints,
        region,
        cfg.retry_policy(),
        cfg.default_tags(),
    )
    .with_rate_limits(rate_limits_block::limits_of(&cfg.rate_limits)?);
    clients.review = cfg.review_settings();

    if cfg.skip_credentials_validation.known() != Some(&true) {
        let check = CredentialCheck {
            source: cfg.credential_source(&env),
            profile,
            sts_endpoint: cfg.sts_endpoint(sdk.endpoint_url(), &env),
            role_arn: cfg.assume_role().and_then(|a| a.role_arn.known().cloned()),
            env: &env,
        };
        clients.account_id = Some(check_credentials(&sdk, &clients, &check, stop).await?);
    }
    Ok(clients)
}

/// The provider block's `custom_ca_bundle` attribute.
pub const CUSTOM_CA_BUNDLE: &str = "custom_ca_bundle";

/// The environment variable naming a CA bundle when the block does not (as for the AWS
/// CLI and the AWS provider).
const CA_BUNDLE_ENV: &str = "AWS_CA_BUNDLE";

/// An HTTPS client trusting the CA bundle of `custom_ca_bundle` or `AWS_CA_BUNDLE`, if one
/// is named; an error at the attribute (or naming the variable) when it cannot be used.
fn ca_bundle_client(
    cfg: &ProviderConfig,
    env: Env<'_>,
) -> Result<Option<aws_sdk_lambda::config::SharedHttpClient>, Diagnostics> {
    let (path, from_block) = match cfg.custom_ca_bundle.known() {
        Some(path) => (path.clone(), true),
        None => match env(CA_BUNDLE_ENV) {
            Some(path) => (path, false),
            None => return Ok(None),
        },
    };
    let refused = |e: ca_bundle::CaBundleError| {
        let (summary, fix) = if from_block {
            (
                "Unusable custom_ca_bundle",
                "Point custom_ca_bundle at a PEM file of CA certificates, or remove it to use \
                 the system's trust store.",
            )
        } else {
            (
                "Unusable AWS_CA_BUNDLE",
                "Point AWS_CA_BUNDLE at a PEM file of CA certificates, or unset it to use the \
                 system's trust store.",
            )
        };
        let d = Diagnostic::error(summary, format!("{e}. {fix}"));
        if from_block {
            d.at(AttributePath::attr(CUSTOM_CA_BUNDLE)).into()
        } else {
            Diagnostics::from(d)
        }
    };
    let pem = ca_bundle::load(Path::new(&path)).map_err(refused)?;
    ca_bundle::https_client(pem).map(Some).map_err(refused)
}

/// Summary of every error about finding credentials.
const NO_CREDENTIALS: &str = "No valid AWS credentials found";

/// Where an STS endpoint set in the provider block comes from, as errors say it.
const STS_FROM_BLOCK: &str = "the provider's `endpoints.sts`";

/// What to do when the credentials cannot be found.
const CREDENTIALS_HINT: &str = "Set credentials in one of these places, or set \
     `skip_credentials_validation = true` to defer the check to the first AWS call.";

/// An error when `profile` is in neither shared file.
fn require_profile(profile: &SelectedProfile, env: Env<'_>) -> Result<(), Diagnostics> {
    let files = SharedFiles::locate(env);
    if files.has_profile(&profile.name) {
        return Ok(());
    }
    let mut d = Diagnostic::error(NO_CREDENTIALS, profile_not_found(profile, &files));
    if profile.chosen_by == ProfileChoice::ProviderBlock {
        d = d.at(AttributePath::attr("profile"));
    }
    Err(d.into())
}

/// What the credential check needs to explain a failure.
struct CredentialCheck<'a> {
    /// Where credentials are looked for ([`ProviderConfig::credential_source`]).
    source: String,
    /// The profile the credentials come from.
    profile: SelectedProfile,
    /// The STS endpoint, when one is configured, and where it was set.
    sts_endpoint: Option<(String, &'static str)>,
    /// The role of `assume_role`, if any.
    role_arn: Option<String>,
    env: Env<'a>,
}

impl CredentialCheck<'_> {
    /// "the STS endpoint URL (from WHERE)", or just "the STS endpoint".
    fn sts(&self) -> String {
        match &self.sts_endpoint {
            Some((url, from)) => format!("the STS endpoint {url} (from {from})"),
            None => "the STS endpoint".to_string(),
        }
    }

    /// A refused connection to STS (or to another endpoint of the credential source).
    fn unreachable(&self, purpose: &str, error: &str) -> Diagnostic {
        let target = if purpose.contains("STS") || self.role_arn.is_some() {
            self.sts()
        } else {
            "an endpoint of the credential source".to_string()
        };
        let why = if error.contains(HOST_NOT_FOUND) || error.contains("dns error") {
            HOST_NOT_FOUND
        } else {
            "connection refused"
        };
        let error = Diagnostic::error(
            "AWS endpoint unreachable",
            format!(
                "Could not connect to {target} {purpose}: {why}.\n\n\
                 {UNREACHABLE_HINT}\n\nCause: {error}"
            ),
        );
        match &self.sts_endpoint {
            Some((_, STS_FROM_BLOCK)) if target.starts_with("the STS endpoint") => {
                error.at(AttributePath::attr("endpoints")
                    .child_index(0)
                    .child_attr("sts"))
            }
            _ => error,
        }
    }

    /// Why the credential provider returned no credentials.
    fn credentials_error(&self, e: &(dyn std::error::Error + 'static)) -> Diagnostic {
        if is_connection_refused(e) || is_host_not_found(e) {
            return self.unreachable("to get credentials", &error_chain(e));
        }
        if let (Some(arn), Some((code, message))) = (&self.role_arn, assume_role_refusal(e)) {
            // The base credentials work; the role is what AWS refused.
            return Diagnostic::error(
                "Cannot assume the role",
                format!(
                    "AWS STS refused to assume the role {arn} ({code}): {message}\n\nThe \
                     credentials were found; the role is what failed ({}). Check that the \
                     role exists, that its trust policy allows these credentials, and that \
                     they may call sts:AssumeRole on it.",
                    self.source
                ),
            )
            .at(AttributePath::attr("assume_role")
                .child_index(0)
                .child_attr("role_arn"));
        }
        let files = SharedFiles::locate(self.env);
        if self.profile.is_explicit() && !files.has_profile(&self.profile.name) {
            return Diagnostic::error(NO_CREDENTIALS, profile_not_found(&self.profile, &files));
        }
        let not_loaded = is_not_loaded(e);
        let detail = match (not_loaded, self.profile.chosen_by) {
            (true, ProfileChoice::ProviderBlock) => format!(
                "AWS profile {:?} (from {}) in {} has no usable credentials (keys, SSO, \
                 credential_process or a role).",
                self.profile.name,
                self.profile.chosen_by,
                files.describe()
            ),
            (true, _) => {
                let found = nothing_found(&self.profile, &files, self.env);
                match &self.role_arn {
                    Some(arn) => format!(
                        "{found}\n\nThese are the base credentials used to assume the role {arn}."
                    ),
                    None => found,
                }
            }
            (false, _) => format!(
                "Could not load AWS credentials from {}: {}",
                self.source,
                error_chain(e)
            ),
        };
        Diagnostic::error(NO_CREDENTIALS, format!("{detail}\n\n{CREDENTIALS_HINT}"))
    }

    /// Why STS GetCallerIdentity failed.
    fn caller_identity_error(&self, e: &Error) -> Diagnostic {
        let answered = e.aws().filter(|a| {
            a.status.is_some_and(|s| (400..500).contains(&s))
                && !matches!(a.class, ErrorClass::Throttling { .. })
        });
        if e.aws().is_some_and(|a| a.class == ErrorClass::Unreachable) {
            return self.unreachable(
                "to check the credentials (STS GetCallerIdentity)",
                &e.to_string(),
            );
        }
        let skip = "Set `skip_credentials_validation = true` to skip this check.";
        match answered {
            Some(_) => Diagnostic::error(
                "AWS credentials were rejected",
                format!(
                    "STS GetCallerIdentity failed with the credentials from {}: {e}\n\n{skip}",
                    self.source
                ),
            ),
            None => Diagnostic::error(
                "Could not check the AWS credentials",
                format!(
                    "STS GetCallerIdentity at {} failed with the credentials from {}: {e}\n\n{skip}",
                    self.sts(),
                    self.source
                ),
            ),
        }
    }
}

/// True when the credential chain (possibly as the base of assume role) found no
/// credentials at all, as opposed to finding some that failed to load. The SDK's
/// `CredentialsError` is not re-exported by the crates this provider depends on, so its
/// variant is read from its Debug form.
fn is_not_loaded(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(err) = current {
        if format!("{err:?}").starts_with("CredentialsNotLoaded") {
            return true;
        }
        current = err.source();
    }
    false
}

/// Resolves the credentials and calls STS GetCallerIdentity with them; returns the
/// account ID. Errors say what went wrong in words: no credentials (and where the
/// provider looked), a missing profile, an unreachable endpoint, rejected credentials.
async fn check_credentials(
    sdk: &aws_config::SdkConfig,
    clients: &AwsClients,
    check: &CredentialCheck<'_>,
    stop: &CancellationToken,
) -> Result<String, Diagnostics> {
    let Some(provider) = sdk.credentials_provider() else {
        return Err(Diagnostic::error(
            NO_CREDENTIALS,
            format!(
                "No credential provider is configured; tried {}.",
                check.source
            ),
        )
        .into());
    };
    if let Err(e) = provider.provide_credentials().await {
        return Err(check.credentials_error(&e).into());
    }
    let budget = Budget::new(Duration::from_secs(120), stop.clone());
    let req = clients.sts.get_caller_identity();
    let out = clients
        .send(&budget, "GetCallerIdentity", || req.clone().send())
        .await
        .map_err(|e| Diagnostics::from(check.caller_identity_error(&e)))?;
    let account = out.account().unwrap_or_default().to_string();
    tracing::info!(account = %account, region = %clients.region, "AWS credentials validated");
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_name_carries_the_cargo_version() {
        assert_eq!(
            app_name().as_ref(),
            format!("terraform-provider-lambda_{}", env!("CARGO_PKG_VERSION"))
        );
    }

    /// What an AWS service receives: the request head of a Lambda call made with a
    /// client built from [`sdk_loader`], read by a TCP listener standing in for the
    /// endpoint.
    #[tokio::test]
    async fn aws_calls_send_the_provider_and_version_in_the_user_agent() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut conn, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = conn.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&buf[..n]);
            }
            let _ = conn
                .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
            String::from_utf8_lossy(&head).to_lowercase()
        });
        let sdk = sdk_loader()
            .region(Region::new("us-east-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .endpoint_url(url)
            .load()
            .await;
        assert_eq!(sdk.app_name(), Some(&app_name()));
        let _ = aws_sdk_lambda::Client::new(&sdk)
            .list_functions()
            .send()
            .await;
        let head = server.await.unwrap();
        let user_agent = head
            .lines()
            .find(|l| l.starts_with("x-amz-user-agent:"))
            .unwrap_or_else(|| panic!("no x-amz-user-agent in {head}"));
        let expected = format!(
            "app/terraform-provider-lambda_{}",
            env!("CARGO_PKG_VERSION")
        );
        assert!(user_agent.contains(&expected), "{user_agent}");
    }

    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let mut base: BTreeMap<String, Value> = [
            "region",
            "profile",
            "max_retries",
            CUSTOM_CA_BUNDLE,
            "skip_credentials_validation",
        ]
        .iter()
        .map(|k| (k.to_string(), Value::Null))
        .collect();
        for k in [
            "assume_role",
            "endpoints",
            "default_tags",
            rate_limits_block::NAME,
        ] {
            base.insert(k.to_string(), Value::List(vec![]));
        }
        for (k, v) in pairs {
            base.insert(k.to_string(), v);
        }
        Value::Object(base)
    }

    #[test]
    fn reads_typed_config() {
        let v = config(vec![
            ("region", Value::string("eu-west-1")),
            ("max_retries", Value::number(3)),
            (
                "endpoints",
                Value::List(vec![Value::object([
                    ("lambda", Value::string("http://127.0.0.1:1")),
                    ("ec2", Value::Null),
                    ("sts", Value::string("")),
                ])]),
            ),
            (
                "default_tags",
                Value::List(vec![Value::object([(
                    "tags",
                    Value::map([("team", Value::string("web"))]),
                )])]),
            ),
        ]);
        let cfg = ProviderConfig::from_value(&v).unwrap_or_default();
        assert_eq!(cfg.region.known().map(String::as_str), Some("eu-west-1"));
        assert_eq!(cfg.retry_policy().max_retries, 3);
        assert_eq!(
            cfg.endpoints(),
            Endpoints {
                lambda: Some("http://127.0.0.1:1".into()),
                ec2: None,
                sts: None
            }
        );
        assert_eq!(
            cfg.default_tags().get("team").map(String::as_str),
            Some("web")
        );
        assert!(cfg.unknown_values().is_empty());
    }

    #[test]
    fn default_tags_not_known_at_plan_are_unknown_not_empty() {
        let block = |tags: Value| {
            config(vec![(
                "default_tags",
                Value::List(vec![Value::object([("tags", tags)])]),
            )])
        };
        for v in [
            block(Value::Unknown),
            block(Value::map([("team", Value::Unknown)])),
            config(vec![("default_tags", Value::Unknown)]),
        ] {
            let cfg = ProviderConfig::from_value(&v).unwrap_or_default();
            assert_eq!(cfg.default_tags(), DefaultTags::Unknown);
            assert!(cfg.unknown_values().is_empty());
        }
        let none = ProviderConfig::from_value(&config(vec![])).unwrap_or_default();
        assert_eq!(none.default_tags(), DefaultTags::default());
    }

    #[test]
    fn unknown_values_are_reported_with_paths() {
        let v = config(vec![("region", Value::Unknown)]);
        let cfg = ProviderConfig::from_value(&v).unwrap_or_default();
        let d = cfg.unknown_values();
        assert!(d.has_errors());
        assert_eq!(
            d.iter().next().and_then(|d| d.path.clone()),
            Some(AttributePath::attr("region"))
        );
    }

    #[test]
    fn credential_source_names_what_was_tried() {
        let cfg = ProviderConfig::default();
        let none = |_: &str| None;
        assert!(cfg.credential_source(&none).contains("default chain"));
        let keys = |k: &str| (k == "AWS_ACCESS_KEY_ID").then(|| "x".to_string());
        assert!(cfg.credential_source(&keys).contains("AWS_ACCESS_KEY_ID"));
        let cfg = ProviderConfig {
            profile: Maybe::Known("dev".into()),
            assume_role: Maybe::Known(vec![AssumeRoleConfig {
                role_arn: Maybe::Known("arn:aws:iam::123456789012:role/x".into()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let s = cfg.credential_source(&none);
        assert!(
            s.contains("assume role arn:aws:iam::123456789012:role/x"),
            "{s}"
        );
        assert!(s.contains("profile \"dev\""), "{s}");
    }

    #[test]
    fn provider_block_values_are_checked_without_aws() {
        let v = config(vec![
            ("max_retries", Value::number(101)),
            (
                "assume_role",
                Value::List(vec![Value::object([
                    (
                        "role_arn",
                        Value::string("arn:aws:iam::123456789012:role/x"),
                    ),
                    ("session_name", Value::Null),
                    ("external_id", Value::Null),
                    ("duration", Value::string("10m")),
                ])]),
            ),
            (
                "endpoints",
                Value::List(vec![Value::object([
                    ("lambda", Value::string("localhost:4566")),
                    ("ec2", Value::string("http://127.0.0.1:4566")),
                    ("sts", Value::string("http://127.0.0.1:port")),
                ])]),
            ),
        ]);
        let mut diags = Diagnostics::new();
        tfplug::validate::validate_block(&schema().block, &AttributePath::root(), &v, &mut diags);
        let at = |path: AttributePath| {
            diags
                .iter()
                .find(|d| d.is_error() && d.path.as_ref() == Some(&path))
                .map(|d| d.detail.clone())
                .unwrap_or_else(|| panic!("no error at {path:?} in {diags}"))
        };
        let ar = AttributePath::attr("assume_role").child_index(0);
        let ep = AttributePath::attr("endpoints").child_index(0);
        assert!(at(AttributePath::attr("max_retries")).contains("between 0 and 100"));
        assert!(at(ar.child_attr("duration")).contains("between 15m and 12h"));
        assert!(at(ep.child_attr("lambda")).contains("http://"));
        assert!(at(ep.child_attr("sts")).contains("invalid port"));
        assert_eq!(diags.iter().filter(|d| d.is_error()).count(), 4, "{diags}");
    }

    #[test]
    fn sts_endpoint_names_where_it_was_set() {
        let none = |_: &str| None;
        let cfg = ProviderConfig::default();
        assert_eq!(cfg.sts_endpoint(None, &none), None);
        let global = |k: &str| (k == "AWS_ENDPOINT_URL").then(|| "http://g".to_string());
        assert_eq!(
            cfg.sts_endpoint(Some("http://profile"), &global),
            Some(("http://g".into(), "AWS_ENDPOINT_URL"))
        );
        assert_eq!(
            cfg.sts_endpoint(Some("http://profile"), &none)
                .map(|(u, _)| u),
            Some("http://profile".into())
        );
        let both = |k: &str| match k {
            "AWS_ENDPOINT_URL" => Some("http://g".to_string()),
            "AWS_ENDPOINT_URL_STS" => Some("http://sts".to_string()),
            _ => None,
        };
        assert_eq!(
            cfg.sts_endpoint(None, &both),
            Some(("http://sts".into(), "AWS_ENDPOINT_URL_STS"))
        );
        let block = ProviderConfig {
            endpoints: Maybe::Known(vec![EndpointsConfig {
                sts: Maybe::Known("http://block".into()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert_eq!(
            block.sts_endpoint(None, &both),
            Some(("http://block".into(), "the provider's `endpoints.sts`"))
        );
    }

    #[test]
    fn schema_has_the_documented_attributes() {
        let s = schema();
        for a in [
            "region",
            "profile",
            "max_retries",
            "skip_credentials_validation",
        ] {
            assert!(s.block.attributes.contains_key(a), "{a}");
        }
        for b in [
            "assume_role",
            "endpoints",
            "default_tags",
            rate_limits_block::NAME,
        ] {
            assert!(s.block.blocks.contains_key(b), "{b}");
        }
    }
}
