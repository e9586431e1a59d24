//! The shared AWS layer every resource uses: clients, retries, waiters, timeouts,
//! error-to-diagnostic mapping, and the EC2 look-ups and tag calls resources share.

pub mod clients;
pub mod credentials;
pub mod ec2;
pub mod endpoint;
pub mod error;
pub mod retry;
pub mod tagging;
pub mod timeouts;
pub mod waiter;

pub use clients::{AwsClients, Endpoints, SharedClients};
pub use error::{AwsError, Error, ErrorClass};
pub use retry::{Budget, RetryPolicy, retry};
pub use timeouts::{Operation, TimeoutDefaults};
pub use waiter::{Status, WaitOptions, wait_for};
