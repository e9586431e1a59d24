//! Client-side rate limiting of AWS calls, so that a plan or apply of many resources
//! stays within AWS's Lambda control-plane quotas instead of throttling itself.
//!
//! Terraform runs up to ten resource operations at once, and each polls while it waits:
//! without a limit, fifty capacity providers being created send their
//! `CreateCapacityProvider` calls within milliseconds against a quota of one per second,
//! and most of them come back `429 TooManyRequestsException` to be retried. With it,
//! every call of the provider process waits for its turn in the bucket of its
//! (account, region, operation class), so the calls AWS sees stay within the quota:
//! capacity provider writes from the first call, the others once AWS has throttled one
//! (see [`limiter`]).
//!
//! - [`quotas`]: AWS's published numbers and which operation counts against which.
//! - [`limiter`]: the shared, cancellable pacing of calls.
//! - [`block`]: the provider block's `rate_limits { … }`.

pub mod block;
pub mod limiter;
pub mod quotas;

pub use limiter::{RateLimiter, Turn};
pub use quotas::{OperationClass, RateLimits};
