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

pub mod clock;
pub mod control;
pub mod ec2;
pub mod faults;
pub mod harness;
pub mod ids;
pub mod lambda;
pub mod model;
pub mod router;
pub mod server;
pub mod state;
pub mod sts;

pub use control::{
    ControlError, FailCapacityProvider, FailFunction, SeedExecution, SeededExecution,
};
pub use faults::{CallStats, FaultKind, FaultRule, FaultSpec};
pub use server::{Emulator, EmulatorHandle, EmulatorOptions};
