//! Shutdown coordination: a graceful phase (stop accepting, let in-flight RPCs
//! finish) and a forced phase (drop everything).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// A cloneable handle that asks a running plugin server to stop.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    graceful: CancellationToken,
    forced: CancellationToken,
}

impl Shutdown {
    /// A handle with no shutdown requested yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a graceful shutdown: no new connections or RPCs; in-flight RPCs finish.
    pub fn begin(&self) {
        if !self.graceful.is_cancelled() {
            tracing::debug!("graceful shutdown requested");
        }
        self.graceful.cancel();
    }

    /// Starts a graceful shutdown and forces it after `grace`.
    ///
    /// Must be called within a tokio runtime.
    pub fn begin_with_deadline(&self, grace: Duration) {
        self.begin();
        let forced = self.forced.clone();
        tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            if !forced.is_cancelled() {
                tracing::debug!(?grace, "grace period over; forcing shutdown");
            }
            forced.cancel();
        });
    }

    /// Stops at once, dropping in-flight RPCs.
    pub fn force(&self) {
        self.graceful.cancel();
        self.forced.cancel();
    }

    /// Whether a shutdown (graceful or forced) was requested.
    pub fn is_requested(&self) -> bool {
        self.graceful.is_cancelled()
    }

    /// Completes once a graceful shutdown was requested.
    pub async fn requested(&self) {
        self.graceful.cancelled().await;
    }

    /// Completes once a forced shutdown was requested.
    pub async fn forced(&self) {
        self.forced.cancelled().await;
    }
}
