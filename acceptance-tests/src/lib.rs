//! A local AWS emulator for Lambda managed instances (capacity providers),
//! durable functions, function scaling, and the EC2/STS calls a Lambda
//! provider makes, driven by AWS's own service models.
//!
//! One port serves Lambda (REST-JSON), EC2 (query/XML) and STS (query/XML);
//! requests are routed by their SigV4 credential scope, so any AWS SDK
//! pointed at it with `AWS_ENDPOINT_URL` works unchanged. A control API
//! under `/_emulator/` dumps and resets state, seeds durable executions,
//! fails resources and injects faults (see `README.md`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use acceptance_tests::{Emulator, EmulatorOptions};
//! let emulator = Emulator::start(EmulatorOptions::default()).await?;
//! println!("AWS_ENDPOINT_URL={}", emulator.url());
//! # Ok(())
//! # }
//! ```
//!
//! Modules import one way, downwards: `harness` → `server` (binds the port,
//! runs the [`Emulator`]) → `router` (hands each request to its service) →
//! `control` (the `/_emulator/` API) → `lambda` → `ec2`, with `sts` (→ `ec2`)
//! beside `lambda`. Below them are the shared modules: `app` (what every
//! request shares) and `connection` for the three request-facing ones; then
//! `options` (→ `throttling`), `sessions`, `state`, `faults` and `model`,
//! which import only `clock` and `ids`, which import nothing; `throttling`
//! imports nothing. The test in `layering.rs` holds
//! the table of which module may import which, and fails on any cycle.

pub mod app;
pub mod clock;
pub mod connection;
pub mod control;
pub mod ec2;
pub mod faults;
pub mod fixtures;
pub mod harness;
pub mod ids;
pub mod lambda;
pub mod model;
pub mod options;
pub mod router;
pub mod server;
pub mod sessions;
pub mod state;
pub mod sts;
pub mod throttling;

#[cfg(test)]
mod layering;

pub use control::{
    ControlError, FailCapacityProvider, FailFunction, SeedExecution, SeededExecution,
};
pub use faults::{CallStats, Concurrency, FaultKind, FaultRule, FaultSpec};
pub use options::EmulatorOptions;
pub use server::{Emulator, EmulatorHandle};
pub use throttling::{QuotaClass, RateLimits};
