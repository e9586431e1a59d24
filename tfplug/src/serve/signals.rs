//! SIGINT/SIGTERM handling: the first signal stops gracefully (in-flight RPCs
//! finish), a second one forces the exit.

use tokio::signal::unix::{SignalKind, signal};

use super::shutdown::Shutdown;

/// Watches for SIGINT and SIGTERM until the process ends or the task is aborted.
pub async fn watch(shutdown: Shutdown) {
    let (mut int, mut term) = match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(int), Ok(term)) => (int, term),
        (Err(err), _) | (_, Err(err)) => {
            tracing::warn!(error = %err, "cannot listen for signals");
            return;
        }
    };
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
