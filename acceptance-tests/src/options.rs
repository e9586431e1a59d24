//! [`EmulatorOptions`]: the delays and settings an emulator runs with.

use std::path::PathBuf;
use std::time::Duration;

use crate::throttling::RateLimits;

/// Emulator settings. [`Default`] gives short delays suited to tests.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// Capacity provider Pending → Active, and Deleting → gone.
    pub capacity_provider_delay: Duration,
    /// Function Pending → Active/ActiveNonInvocable, and asynchronous
    /// deletion (functions on capacity providers).
    pub function_delay: Duration,
    /// LastUpdateStatus InProgress → Successful.
    pub update_delay: Duration,
    /// Published version Pending → Active.
    pub version_delay: Duration,
    /// Function scaling config Requested → Applied.
    pub scaling_delay: Duration,
    /// Durable execution PAUSING → PAUSED (after PauseDurableExecution).
    pub execution_pause_delay: Duration,
    /// How long a durable execution started by Invoke runs before it
    /// SUCCEEDS; zero means it runs until stopped. Not a control-plane delay:
    /// [`EmulatorOptions::with_delays`] leaves it alone.
    pub execution_duration: Duration,
    /// Region for requests without a SigV4 credential scope and for the
    /// control API.
    pub default_region: String,
    /// Load state from, and save it to, this file.
    pub state_file: Option<PathBuf>,
    /// Request-rate quotas to enforce per account, region and quota class
    /// (`429 TooManyRequestsException` beyond them); `None`, the default,
    /// enforces none. [`RateLimits::AWS`] are AWS's.
    pub rate_limits: Option<RateLimits>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            capacity_provider_delay: Duration::from_millis(300),
            function_delay: Duration::from_millis(200),
            update_delay: Duration::from_millis(200),
            version_delay: Duration::from_millis(300),
            scaling_delay: Duration::from_millis(200),
            execution_pause_delay: Duration::from_millis(200),
            execution_duration: Duration::from_millis(1000),
            default_region: "us-east-1".into(),
            state_file: None,
            rate_limits: None,
        }
    }
}

impl EmulatorOptions {
    /// Options with every delay set to `delay` (the execution duration
    /// keeps its default).
    pub fn with_delays(delay: Duration) -> Self {
        Self {
            capacity_provider_delay: delay,
            function_delay: delay,
            update_delay: delay,
            version_delay: delay,
            scaling_delay: delay,
            execution_pause_delay: delay,
            ..Self::default()
        }
    }
}
