//! AWS errors: classification for the retry layer, and conversion into Terraform
//! diagnostics that name the resource, the operation and AWS's message.

use std::fmt;
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_lambda::config::http::HttpResponse;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use tfplug::diag::Diagnostic;

/// How the retry layer treats an error.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorClass {
    /// The request was throttled (HTTP 429 or a throttling code); retry after the delay
    /// AWS asked for (`Retry-After`), or with backoff.
    Throttling {
        /// The delay from the `Retry-After` header, when AWS sent one.
        retry_after: Option<Duration>,
    },
    /// A server-side (5xx) error, a connection failure or a timeout: retry with backoff.
    Transient,
    /// Nothing accepted the connection at the endpoint (connection refused): a wrong
    /// endpoint URL or a service that is not running, which waiting rarely fixes; retried
    /// only a couple of times, quickly.
    Unreachable,
    /// `ResourceConflictException` because another update is in progress: retry until the
    /// operation's deadline.
    Conflict,
    /// An error AWS documents as a symptom of a freshly created IAM role that has not
    /// propagated yet: retried only by callers that opt in.
    IamPropagation,
    /// The object does not exist.
    NotFound,
    /// Anything else: fails at once.
    Permanent,
}

impl ErrorClass {
    /// True for errors that are retried by default.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ErrorClass::Throttling { .. }
                | ErrorClass::Transient
                | ErrorClass::Unreachable
                | ErrorClass::Conflict
        )
    }
}

/// One failed AWS call.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsError {
    /// The API operation, e.g. `CreateCapacityProvider`.
    pub operation: String,
    /// AWS's error code, e.g. `ResourceConflictException`; `None` for transport errors.
    pub code: Option<String>,
    /// AWS's message (or a description of the transport failure).
    pub message: String,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// AWS's request ID, when a response arrived.
    pub request_id: Option<String>,
    /// How the retry layer treats it.
    pub class: ErrorClass,
    /// How many times the retry layer sent the call: more than 1 when an earlier attempt
    /// failed, perhaps after AWS had acted on it (its answer lost).
    pub attempts: u32,
}

impl AwsError {
    /// An error built by hand (tests, or problems found in a response).
    pub fn new(
        operation: impl Into<String>,
        code: Option<&str>,
        message: impl Into<String>,
        class: ErrorClass,
    ) -> Self {
        Self {
            operation: operation.into(),
            code: code.map(str::to_string),
            message: message.into(),
            status: None,
            request_id: None,
            class,
            attempts: 1,
        }
    }

    /// Converts an SDK error of any AWS service client.
    pub fn from_sdk<E>(operation: &str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &err {
            SdkError::ServiceError(ctx) => {
                let raw = ctx.raw();
                let status = raw.status().as_u16();
                let code = ctx.err().code().map(str::to_string);
                let message = ctx
                    .err()
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("HTTP {status} without an error message"));
                let retry_after = raw.headers().get("retry-after").and_then(parse_retry_after);
                let request_id = raw
                    .headers()
                    .get("x-amzn-requestid")
                    .or_else(|| raw.headers().get("x-amz-request-id"))
                    .map(str::to_string)
                    .or_else(|| ctx.err().meta().extra("aws_request_id").map(str::to_string));
                let class = classify(code.as_deref(), Some(status), &message, retry_after);
                Self {
                    operation: operation.to_string(),
                    code,
                    message,
                    status: Some(status),
                    request_id,
                    class,
                    attempts: 1,
                }
            }
            SdkError::TimeoutError(_) => Self::new(
                operation,
                None,
                format!("the request{} timed out before AWS answered", to_endpoint()),
                ErrorClass::Transient,
            ),
            SdkError::DispatchFailure(df) => {
                let (message, class) = if is_connection_refused(&err) {
                    (
                        format!("endpoint unreachable: connection{} refused", to_endpoint()),
                        ErrorClass::Unreachable,
                    )
                } else if is_host_not_found(&err) {
                    (
                        format!(
                            "endpoint unreachable: {HOST_NOT_FOUND}{}: {}",
                            to_endpoint(),
                            error_chain(&err)
                        ),
                        ErrorClass::Unreachable,
                    )
                } else if let Some(why) = certificate_refused(&err) {
                    (
                        format!(
                            "the endpoint's TLS certificate was refused{}: {why}. Behind a \
                             proxy that inspects TLS, set custom_ca_bundle in the provider \
                             block (or AWS_CA_BUNDLE) to its certificate authority",
                            to_endpoint()
                        ),
                        ErrorClass::Permanent,
                    )
                } else if let Some(creds) = credentials_error(&err) {
                    // The credential provider already retried its own calls (STS's
                    // AssumeRole, SSO, IMDS): a refusal is not worth minutes of retries.
                    let class = match creds {
                        CredentialsError::ProviderTimedOut(_) => ErrorClass::Transient,
                        _ => ErrorClass::Permanent,
                    };
                    let why = match assume_role_refusal(&err) {
                        Some((code, message)) => {
                            format!("STS refused to assume the role ({code}): {message}")
                        }
                        None => error_chain(creds),
                    };
                    (format!("could not get AWS credentials: {why}"), class)
                } else if df.is_user() {
                    (error_chain(&err), ErrorClass::Permanent)
                } else {
                    (
                        format!("the request{} failed: {}", to_endpoint(), error_chain(&err)),
                        ErrorClass::Transient,
                    )
                };
                Self::new(operation, None, message, class)
            }
            SdkError::ResponseError(_) => Self::new(
                operation,
                None,
                format!("the response could not be read: {}", error_chain(&err)),
                ErrorClass::Transient,
            ),
            _ => Self::new(operation, None, error_chain(&err), ErrorClass::Permanent),
        }
    }

    /// True when the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.class == ErrorClass::NotFound
    }

    /// True when this is the answer to a retry: an earlier attempt failed, and AWS may
    /// have acted on it.
    pub fn was_retried(&self) -> bool {
        self.attempts > 1
    }

    /// True when AWS answered with this error code.
    pub fn has_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match (&self.code, self.status) {
            (Some(code), Some(status)) => write!(f, "{code} (HTTP {status}): ")?,
            (Some(code), None) => write!(f, "{code}: ")?,
            (None, Some(status)) => write!(f, "HTTP {status}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

/// Everything an AWS operation of the provider can end with, besides success.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// AWS (or the connection to it) returned an error that was not retried, or retries
    /// ran out.
    #[error("{0}")]
    Aws(AwsError),
    /// Terraform asked the provider to stop (StopProvider, e.g. Ctrl-C).
    #[error("{operation} was interrupted because Terraform asked the provider to stop")]
    Stopped {
        /// What was going on.
        operation: String,
    },
    /// The resource's timeout passed.
    #[error("{operation} did not finish within the timeout of {}{}", format_duration(*.timeout), last_suffix(.last))]
    Timeout {
        /// What was going on.
        operation: String,
        /// The timeout that passed.
        timeout: Duration,
        /// The last retryable error, if the time went by retrying.
        last: Option<Box<AwsError>>,
    },
    /// A waiter saw a failed state.
    #[error("stopped waiting for {what}: it reached state {state}{}", reason_suffix(.reason))]
    FailedState {
        /// What was waited for, e.g. `capacity provider "web" to become Active`.
        what: String,
        /// The failed state, e.g. `Failed`.
        state: String,
        /// AWS's reason for the failure, when it gave one.
        reason: Option<String>,
    },
    /// A response lacked something the provider needs.
    #[error("{0}")]
    Unexpected(String),
}

fn last_suffix(last: &Option<Box<AwsError>>) -> String {
    match last {
        Some(e) => format!("; last error: {e}"),
        None => String::new(),
    }
}

fn reason_suffix(reason: &Option<String>) -> String {
    match reason {
        Some(r) if !r.is_empty() => format!(": {r}"),
        _ => String::new(),
    }
}

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Self {
        Error::Aws(e)
    }
}

impl Error {
    /// The AWS error behind this one, if any.
    pub fn aws(&self) -> Option<&AwsError> {
        match self {
            Error::Aws(e) => Some(e),
            Error::Timeout { last, .. } => last.as_deref(),
            _ => None,
        }
    }

    /// True when AWS said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Aws(e) if e.is_not_found())
    }

    /// A diagnostic naming the resource (e.g. `lambda_capacity_provider "web"`) and what
    /// was being done (e.g. `creating`).
    pub fn to_diagnostic(&self, resource: &str, action: &str) -> Diagnostic {
        let summary = format!("Error {action} {resource}");
        let detail = match self {
            Error::Aws(e) => {
                let mut d = format!("AWS {} failed: ", e.operation);
                if let Some(code) = &e.code {
                    d.push_str(code);
                    if let Some(s) = e.status {
                        d.push_str(&format!(" (HTTP {s})"));
                    }
                    d.push_str(": ");
                }
                d.push_str(&e.message);
                if let Some(id) = &e.request_id {
                    d.push_str(&format!("\n\nRequest ID: {id}"));
                }
                match e.class {
                    ErrorClass::Unreachable => d.push_str(&format!("\n\n{UNREACHABLE_HINT}")),
                    ErrorClass::Throttling { .. } | ErrorClass::Transient => {
                        d.push_str(&format!("\n\n{TRANSIENT_HINT}"));
                    }
                    ErrorClass::NotFound
                        if CHANGING_ACTIONS.iter().any(|a| action.starts_with(a)) =>
                    {
                        d.push_str(&format!("\n\n{GONE_SINCE_PLAN_HINT}"));
                    }
                    _ => {}
                }
                d
            }
            other => other.to_string(),
        };
        Diagnostic::error(summary, detail)
    }
}

/// What to do after throttling or a server or connection error that retries did not
/// get past.
pub const TRANSIENT_HINT: &str = "This error is transient (throttling, or a server or \
     connection error): running the command again usually succeeds. The provider block's \
     `max_retries` sets how often one call is retried, and `rate_limits` how \
     fast calls are sent.";

/// The actions on an object the plan found, which fail "not found" only when it was
/// deleted after the plan (a saved plan applied later, or another run meanwhile).
const CHANGING_ACTIONS: [&str; 4] = ["updating", "tagging", "scaling", "publishing"];

/// What to do when an object the plan changes no longer exists.
pub const GONE_SINCE_PLAN_HINT: &str = "It no longer exists: it was deleted after the plan \
     was made (outside Terraform, or by another run). Plan again: the refresh finds it \
     gone, and the plan creates it again if the configuration still has it.";

/// What to check when nothing accepts connections at an endpoint.
pub const UNREACHABLE_HINT: &str = "Nothing accepted the connection at that address. Check the \
     endpoint URL (the provider's `endpoints` block, AWS_ENDPOINT_URL or \
     AWS_ENDPOINT_URL_<SERVICE>, or `endpoint_url` in the shared config file) and that the \
     service there is running, and the provider's `region`: an endpoint's host name is made \
     from it, so it must be a region AWS has, e.g. us-east-1.";

/// Formats a duration the way Terraform users write them (`20m`, `1h30m`, `45s`).
pub fn format_duration(d: Duration) -> String {
    let total = d.as_secs();
    if total == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// Error codes AWS services use for throttling.
const THROTTLING_CODES: &[&str] = &[
    "TooManyRequestsException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "BandwidthLimitExceeded",
    "ProvisionedThroughputExceededException",
];

/// Error codes for server-side problems that are worth retrying.
const TRANSIENT_CODES: &[&str] = &[
    "ServiceException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "InternalServiceError",
    "RequestTimeout",
    "RequestTimeoutException",
    "Unavailable",
    "IDPCommunicationError",
];

/// Error codes meaning "no such object".
const NOT_FOUND_CODES: &[&str] = &[
    "ResourceNotFoundException",
    "NotFoundException",
    "InvalidSubnetID.NotFound",
    "InvalidGroup.NotFound",
    "InvalidVpcID.NotFound",
];

/// Classifies an AWS error for the retry layer.
pub fn classify(
    code: Option<&str>,
    status: Option<u16>,
    message: &str,
    retry_after: Option<Duration>,
) -> ErrorClass {
    let code = code.unwrap_or_default();
    if THROTTLING_CODES.contains(&code) || status == Some(429) {
        return ErrorClass::Throttling { retry_after };
    }
    if NOT_FOUND_CODES.contains(&code) {
        return ErrorClass::NotFound;
    }
    if code == "ResourceConflictException" && is_in_progress_message(message) {
        return ErrorClass::Conflict;
    }
    if code == "InvalidParameterValueException" && is_iam_propagation_message(message) {
        return ErrorClass::IamPropagation;
    }
    if TRANSIENT_CODES.contains(&code) || status.is_some_and(|s| s >= 500) {
        return ErrorClass::Transient;
    }
    if code.is_empty() && status.is_none() {
        return ErrorClass::Transient;
    }
    ErrorClass::Permanent
}

/// True for the "another update is in progress" flavour of ResourceConflictException.
fn is_in_progress_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("in progress")
        || m.contains("inprogress")
        || m.contains("cannot be performed at this time")
}

/// True for the messages Lambda returns while a new IAM role propagates (AWS documents
/// retrying these after creating a role).
fn is_iam_propagation_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    (m.contains("role") && (m.contains("cannot be assumed") || m.contains("assume")))
        || m.contains("not authorized to perform")
        || m.contains("does not have permission")
        || m.contains("insufficient permissions")
}

/// Parses a `Retry-After` header: delay seconds (integer or decimal). HTTP dates are
/// ignored (backoff is used instead).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// ` to URL` for the endpoint of the current attempt (see [`super::endpoint`]), or
/// nothing when it is not known.
fn to_endpoint() -> String {
    super::endpoint::current()
        .map(|url| format!(" to {url}"))
        .unwrap_or_default()
}

/// True when the error (or one of its sources) is a refused TCP connection.
pub fn is_connection_refused(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// How an error message says that an endpoint's host name does not resolve.
pub const HOST_NOT_FOUND: &str = "its host name does not resolve (DNS)";

/// True when `err`'s chain is a failed DNS lookup of the endpoint's host name: a region
/// that does not exist, or a mistyped endpoint URL, which retries do not fix. (The HTTP
/// client reports it as a connect error whose text starts with "dns error"; it has no
/// kind of its own.)
pub fn is_host_not_found(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.to_string().starts_with("dns error") {
            return true;
        }
        current = e.source();
    }
    false
}

/// The TLS certificate error in `err`'s chain, if the endpoint's certificate was refused
/// (an unknown issuer, an expired or mismatched certificate): waiting does not fix it.
pub fn certificate_refused(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let refused = |e: &(dyn std::error::Error + 'static)| match e.downcast_ref::<rustls::Error>() {
        Some(tls @ rustls::Error::InvalidCertificate(_)) => Some(tls.to_string()),
        _ => None,
    };
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(why) = refused(e) {
            return Some(why);
        }
        // hyper-rustls puts rustls's error two I/O errors deep, and an I/O error's
        // `source` skips its payload: step into the payload instead.
        current = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(payload) => Some(payload as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// STS's answer when it refused `assume_role` (code and message), found in `e`'s chain.
pub fn assume_role_refusal(e: &(dyn std::error::Error + 'static)) -> Option<(String, String)> {
    use aws_sdk_sts::error::{ProvideErrorMetadata as _, SdkError};
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(SdkError::ServiceError(ctx)) =
            err.downcast_ref::<SdkError<AssumeRoleError, aws_sdk_sts::config::http::HttpResponse>>()
        {
            let code = ctx.err().code().unwrap_or("an error").to_string();
            let message = ctx.err().message().unwrap_or_default().to_string();
            return Some((code, message));
        }
        current = err.source();
    }
    None
}

/// The credential provider's error in `err`'s chain: getting credentials is what failed.
pub fn credentials_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a CredentialsError> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        current = e.source();
    }
    None
}

/// The error and its sources, joined (the SDK's top-level messages are terse).
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_certificate_is_found_inside_nested_io_errors() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let nested =
            std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
        let found = certificate_refused(&nested);
        assert!(
            found
                .as_deref()
                .is_some_and(|w| w.contains("UnknownIssuer")),
            "{found:?}"
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(certificate_refused(&refused), None);
    }

    /// What a call returns when the credential provider failed before sending it.
    fn no_credentials(why: CredentialsError) -> AwsError {
        use aws_sdk_lambda::error::ConnectorError;
        let err: SdkError<aws_sdk_lambda::operation::get_function::GetFunctionError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(Box::new(why), None));
        AwsError::from_sdk("GetFunction", err)
    }

    #[test]
    fn a_credential_provider_that_failed_is_not_retried_unless_it_timed_out() {
        let refused = no_credentials(CredentialsError::provider_error("AccessDenied: no"));
        assert_eq!(refused.class, ErrorClass::Permanent);
        assert!(
            refused
                .message
                .starts_with("could not get AWS credentials:"),
            "{}",
            refused.message
        );
        let slow = no_credentials(CredentialsError::provider_timed_out(Duration::from_secs(5)));
        assert_eq!(slow.class, ErrorClass::Transient);
    }

    #[test]
    fn classifies_throttling_with_retry_after() {
        let c = classify(
            Some("TooManyRequestsException"),
            Some(429),
            "Rate exceeded",
            Some(Duration::from_secs(3)),
        );
        assert_eq!(
            c,
            ErrorClass::Throttling {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert!(matches!(
            classify(None, Some(429), "", None),
            ErrorClass::Throttling { .. }
        ));
        assert!(matches!(
            classify(Some("RequestLimitExceeded"), Some(503), "", None),
            ErrorClass::Throttling { .. }
        ));
    }

    #[test]
    fn classifies_server_errors_as_transient() {
        assert_eq!(
            classify(Some("ServiceException"), Some(500), "boom", None),
            ErrorClass::Transient
        );
        assert_eq!(
            classify(Some("Whatever"), Some(502), "", None),
            ErrorClass::Transient
        );
    }

    #[test]
    fn classifies_conflicts_only_when_in_progress() {
        assert_eq!(
            classify(
                Some("ResourceConflictException"),
                Some(409),
                "An update is in progress for resource: arn:aws:lambda:...",
                None
            ),
            ErrorClass::Conflict
        );
        assert_eq!(
            classify(
                Some("ResourceConflictException"),
                Some(409),
                "Capacity provider is used by function versions",
                None
            ),
            ErrorClass::Permanent
        );
        assert_eq!(
            classify(
                Some("ResourceConflictException"),
                Some(409),
                "The operation cannot be performed at this time. The capacity provider is \
                 currently in the following state: Pending",
                None
            ),
            ErrorClass::Conflict
        );
    }

    #[test]
    fn classifies_not_found_and_validation() {
        assert_eq!(
            classify(Some("ResourceNotFoundException"), Some(404), "", None),
            ErrorClass::NotFound
        );
        assert_eq!(
            classify(
                Some("InvalidParameterValueException"),
                Some(400),
                "bad",
                None
            ),
            ErrorClass::Permanent
        );
        assert_eq!(
            classify(
                Some("InvalidParameterValueException"),
                Some(400),
                "The role defined for the capacity provider cannot be assumed by Lambda.",
                None
            ),
            ErrorClass::IamPropagation
        );
    }

    #[test]
    fn parses_retry_after_seconds() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn diagnostic_names_resource_operation_and_message() {
        let e = Error::Aws(AwsError {
            operation: "CreateCapacityProvider".into(),
            code: Some("InvalidParameterValueException".into()),
            message: "Subnet subnet-1 does not exist".into(),
            status: Some(400),
            request_id: Some("req-1".into()),
            class: ErrorClass::Permanent,
            attempts: 1,
        });
        let d = e.to_diagnostic("lambda_capacity_provider \"web\"", "creating");
        assert_eq!(d.summary, "Error creating lambda_capacity_provider \"web\"");
        assert!(d.detail.contains("CreateCapacityProvider"), "{}", d.detail);
        assert!(
            d.detail.contains("Subnet subnet-1 does not exist"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("req-1"), "{}", d.detail);
        assert!(!d.detail.contains(TRANSIENT_HINT), "{}", d.detail);
    }

    #[test]
    fn throttling_that_retries_did_not_get_past_says_what_to_do() {
        for class in [
            ErrorClass::Throttling { retry_after: None },
            ErrorClass::Transient,
        ] {
            let e = Error::Aws(AwsError {
                operation: "GetFunction".into(),
                code: Some("TooManyRequestsException".into()),
                message: "Rate exceeded (gave up after 1 retry)".into(),
                status: Some(429),
                request_id: None,
                class,
                attempts: 1,
            });
            let d = e.to_diagnostic("lambda_durable_function \"orders\"", "reading");
            assert!(d.detail.ends_with(TRANSIENT_HINT), "{}", d.detail);
            assert!(d.detail.contains("max_retries"), "{}", d.detail);
        }
    }

    #[test]
    fn an_object_gone_since_the_plan_says_to_plan_again() {
        let gone = Error::Aws(AwsError {
            operation: "UpdateFunctionConfiguration".into(),
            code: Some("ResourceNotFoundException".into()),
            message: "Function not found".into(),
            status: Some(404),
            request_id: None,
            class: ErrorClass::NotFound,
            attempts: 1,
        });
        let label = "lambda_durable_function \"orders\"";
        let d = gone.to_diagnostic(label, "updating the configuration of");
        assert!(d.detail.ends_with(GONE_SINCE_PLAN_HINT), "{}", d.detail);
        // Not found while creating is about something else the request names.
        let d = gone.to_diagnostic(label, "creating");
        assert!(!d.detail.contains(GONE_SINCE_PLAN_HINT), "{}", d.detail);
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_duration(Duration::from_secs(1200)), "20m");
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_secs(45)), "45s");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
    }
}
