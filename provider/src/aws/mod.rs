//! The shared AWS layer every resource uses: clients, retries, client-side rate limits,
//! waiters, timeouts, error-to-diagnostic mapping, credentials, AWS's model constraints
//! ([`model`], declared on attributes through [`attribute`]), tag calls and EC2 look-ups.

pub mod attribute;
pub mod ca_bundle;
pub mod clients;
pub mod credentials;
pub mod ec2;
pub mod endpoint;
pub mod error;
pub mod model;
pub mod rate_limit;
pub mod retry;
pub mod tagging;
pub mod timeouts;
pub mod waiter;

pub use clients::{AwsClients, Endpoints, SharedClients};
pub use error::{AwsError, Error, ErrorClass};
pub use rate_limit::{RateLimiter, RateLimits};
pub use retry::{Budget, RetryPolicy, retry, retry_paced};
pub use timeouts::{Operation, TimeoutDefaults};
pub use waiter::{Status, WaitOptions, wait_for};

/// Tracing targets (crate name prefixes) of the AWS SDK, kept at `info` in the provider's
/// logs whatever `TF_LOG` says: at debug and trace level the SDK dumps whole requests and
/// responses, such as STS's answer with the temporary credentials of `assume_role` (it
/// redacts those bodies unless `LOG_SENSITIVE_BODIES=true` is set, which a user debugging
/// AWS calls may leave on), and values Terraform marks sensitive must never reach the
/// logs. The provider's own lines (every retry, every wait) stay at every level.
pub const SDK_LOG_TARGETS: &[&str] = &["aws_"];
