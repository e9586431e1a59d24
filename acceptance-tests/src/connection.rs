//! [`ConnectionKiller`]: lets a request's handler drop its TCP connection.

use std::sync::Arc;

use tokio::sync::Notify;

/// Marker put into each request's extensions: lets a handler close the
/// request's TCP connection without answering.
#[derive(Debug, Clone, Default)]
pub struct ConnectionKiller(Arc<Notify>);

impl ConnectionKiller {
    /// Closes the connection (the handler should then never return).
    pub fn kill(&self) {
        self.0.notify_one();
    }

    /// Completes once [`kill`](Self::kill) has been called.
    pub async fn killed(&self) {
        self.0.notified().await;
    }
}
