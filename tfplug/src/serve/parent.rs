//! Exit when Terraform is gone. go-plugin providers are stopped by Terraform; when
//! Terraform itself is killed (`kill -9`, a CI runner tearing down) nothing stops them,
//! and they linger for minutes holding sockets and CI jobs open. The process that
//! started the provider is its parent: when the provider is re-parented (its parent
//! died), it stops — gracefully first, then for good.

use std::time::Duration;

use super::shutdown::Shutdown;

/// How often the parent is checked.
const POLL: Duration = Duration::from_millis(500);

/// How long in-flight calls get to finish once the parent is gone (no one will read
/// their answers, but they may be mid-way through a cloud call).
const GRACE: Duration = Duration::from_secs(3);

/// Watches the parent process until it changes, then stops the server.
pub async fn watch(shutdown: Shutdown) {
    let parent = std::os::unix::process::parent_id();
    loop {
        tokio::time::sleep(POLL).await;
        let now = std::os::unix::process::parent_id();
        if now != parent {
            tracing::warn!(
                parent,
                now,
                "the process that started the provider is gone; stopping"
            );
            shutdown.begin_with_deadline(GRACE);
            return;
        }
    }
}
