//! The shared AWS layer every resource uses: clients, retries, client-side rate limits,
//! waiters, timeouts, error-to-diagnostic mapping, credentials, AWS's model constraints
//! ([`model`], declared on attributes through [`attribute`]), tag calls and EC2 look-ups.

pub mod attribute;
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
