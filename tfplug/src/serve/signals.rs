//! Signal handling. Launched by Terraform, the provider shares the terminal's process
//! group, so a Ctrl-C reaches it as well as Terraform. It leaves that interrupt to
//! Terraform, as go-plugin's plugins do: Terraform forwards it as `StopProvider`, which
//! cancels the waits in progress, and then ends the provider itself. A provider that
//! began a shutdown of its own on SIGINT refused that `StopProvider` (no new RPCs), and
//! its waits ran on until their timeouts. SIGTERM stops gracefully (in-flight RPCs
//! finish) and a second one forces the exit. In debug mode, where the user started the
//! provider, Ctrl-C (SIGINT) stops it the same way.

#[cfg(unix)]
use tokio::signal::unix::{SignalKind, signal};

use super::shutdown::Shutdown;

/// Who the provider's interrupt (SIGINT, Ctrl-C) belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interrupt {
    /// Launched by Terraform: the interrupt is Terraform's to forward; it is ignored.
    LeftToTerraform,
    /// Started by the user (debug mode): the interrupt stops the provider.
    Stops,
}

/// Registers for SIGINT and SIGTERM at once (so a signal sent right after the caller
/// announced itself is caught, not fatal) and returns the future that watches for them
/// until the process ends or the task is aborted.
#[cfg(unix)]
pub fn watch(
    shutdown: Shutdown,
    interrupt: Interrupt,
) -> impl Future<Output = ()> + Send + 'static {
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
            watch_streams(shutdown, interrupt, int, term).await;
        }
    }
}

/// Watches for Ctrl-C until the process ends or the task is aborted.
#[cfg(not(unix))]
pub async fn watch(shutdown: Shutdown, interrupt: Interrupt) {
    let mut seen = 0u32;
    while tokio::signal::ctrl_c().await.is_ok() {
        if interrupt == Interrupt::LeftToTerraform {
            tracing::debug!("Ctrl-C received; left to Terraform, which stops the provider");
            continue;
        }
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
    interrupt: Interrupt,
    mut int: tokio::signal::unix::Signal,
    mut term: tokio::signal::unix::Signal,
) {
    let mut seen = 0u32;
    loop {
        let name = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        if name == "SIGINT" && interrupt == Interrupt::LeftToTerraform {
            tracing::debug!("SIGINT received; left to Terraform, which stops the provider");
            continue;
        }
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
