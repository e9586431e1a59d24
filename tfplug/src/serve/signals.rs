//! SIGINT/SIGTERM handling (Ctrl-C on Windows): the first signal stops gracefully
//! (in-flight RPCs finish), a second one forces the exit.

#[cfg(unix)]
use tokio::signal::unix::{SignalKind, signal};

use super::shutdown::Shutdown;

/// Registers for SIGINT and SIGTERM at once (so a signal sent right after the caller
/// announced itself is caught, not fatal) and returns the future that watches for them
/// until the process ends or the task is aborted.
#[cfg(unix)]
pub fn watch(shutdown: Shutdown) -> impl Future<Output = ()> + Send + 'static {
    let streams = match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(int), Ok(term)) => Some((int, term)),
        (Err(err), _) | (_, Err(err)) => {
            tracing::warn!(error = %err, "cannot listen for signals");
            None
        }
    };
    async move {
        if let Some((int, term)) = streams {
            watch_streams(shutdown, int, term).await;
        }
    }
}

/// Watches for Ctrl-C until the process ends or the task is aborted.
#[cfg(not(unix))]
pub async fn watch(shutdown: Shutdown) {
    let mut seen = 0u32;
    while tokio::signal::ctrl_c().await.is_ok() {
        seen += 1;
        if seen == 1 {
            tracing::debug!("Ctrl-C received; stopping gracefully");
            shutdown.begin();
        } else {
            tracing::debug!("second Ctrl-C received; stopping now");
            shutdown.force();
            return;
        }
    }
}

#[cfg(unix)]
async fn watch_streams(
    shutdown: Shutdown,
    mut int: tokio::signal::unix::Signal,
    mut term: tokio::signal::unix::Signal,
) {
    let mut seen = 0u32;
    loop {
        let name = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        seen += 1;
        if seen == 1 {
            tracing::debug!(signal = name, "signal received; stopping gracefully");
            shutdown.begin();
        } else {
            tracing::debug!(signal = name, "second signal received; stopping now");
            shutdown.force();
            return;
        }
    }
}
