//! A plugin gRPC server listening on a unix socket in a private temp dir.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Server;

use super::ServeError;
use super::conn::accept_loop;
use super::controller::{Controller, IdleSideServices};
use super::handshake;
use super::shutdown::Shutdown;
use super::tls::ServerTls;
use crate::proto::plugin::grpc_broker_server::GrpcBrokerServer;
use crate::proto::plugin::grpc_controller_server::GrpcControllerServer;
use crate::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use crate::proto::tfplugin6::provider_server::{Provider, ProviderServer};

/// Largest gRPC message accepted or sent (Terraform's limit too): 256 MiB.
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;
/// The service name go-plugin's health check asks about.
pub const HEALTH_SERVICE_NAME: &str = "plugin";
/// File name of the socket inside the private directory.
const SOCKET_NAME: &str = "plugin.sock";

/// Transport security of a plugin server.
#[derive(Debug, Clone)]
pub enum Security {
    /// No TLS (debug/reattach mode, or `TF_DISABLE_PLUGIN_TLS`).
    Plaintext,
    /// AutoMTLS: the server certificate plus the pinned client certificate.
    MutualTls(ServerTls),
}

/// Settings for [`start`].
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Transport security.
    pub security: Security,
    /// Whether `GRPCController.Shutdown` stops the server (true when Terraform
    /// started the process; false for reattached servers).
    pub honor_controller_shutdown: bool,
}

/// A running plugin server. Dropping it without [`RunningServer::shutdown`]
/// forces the server down and removes its directory.
#[derive(Debug)]
pub struct RunningServer {
    socket_path: PathBuf,
    server_cert_der: Option<Vec<u8>>,
    shutdown: Shutdown,
    task: Option<JoinHandle<Result<(), ServeError>>>,
    // Removed (with the socket) when the server is dropped.
    dir: Option<tempfile::TempDir>,
}

/// Starts serving `service` (plus health and go-plugin's side services) on a fresh
/// unix socket. Returns once the socket is listening.
pub async fn start<S: Provider>(
    service: S,
    options: StartOptions,
) -> Result<RunningServer, ServeError> {
    let dir = private_dir()?;
    let socket_path = dir.path().join(SOCKET_NAME);
    let listener = UnixListener::bind(&socket_path).map_err(|source| ServeError::Io {
        context: "binding the unix socket",
        source,
    })?;
    tracing::debug!(socket = %socket_path.display(), "listening");

    let shutdown = Shutdown::new();
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status(HEALTH_SERVICE_NAME, tonic_health::ServingStatus::Serving)
        .await;

    let provider = ProviderServer::new(service)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let controller = Controller::new(shutdown.clone(), options.honor_controller_shutdown);
    let idle = IdleSideServices::new(shutdown.clone());
    let router = Server::builder()
        .add_service(health_service)
        .add_service(GrpcControllerServer::new(controller))
        .add_service(GrpcStdioServer::new(idle.clone()))
        .add_service(GrpcBrokerServer::new(idle))
        .add_service(provider);

    let (tls_config, server_cert_der) = match &options.security {
        Security::Plaintext => (None, None),
        Security::MutualTls(tls) => (Some(tls.config()), Some(tls.cert_der().to_vec())),
    };
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(accept_loop(listener, tls_config, tx, shutdown.clone()));

    let task_shutdown = shutdown.clone();
    let task = tokio::spawn(async move {
        let graceful = {
            let s = task_shutdown.clone();
            async move { s.requested().await }
        };
        let served = router.serve_with_incoming_shutdown(ReceiverStream::new(rx), graceful);
        let result = tokio::select! {
            r = served => r.map_err(ServeError::Transport),
            () = task_shutdown.forced() => {
                tracing::debug!("forced shutdown: dropping open connections");
                Ok(())
            }
        };
        // Make sure the accept loop ends too, however serving ended.
        task_shutdown.begin();
        drop(health_reporter);
        tracing::debug!("server stopped");
        result
    });

    Ok(RunningServer {
        socket_path,
        server_cert_der,
        shutdown,
        task: Some(task),
        dir: Some(dir),
    })
}

/// Creates a fresh temp directory only the current user can enter.
fn private_dir() -> Result<tempfile::TempDir, ServeError> {
    let dir = tempfile::Builder::new()
        .prefix("tfplug-")
        .tempdir()
        .map_err(|source| ServeError::Io {
            context: "creating the socket directory",
            source,
        })?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).map_err(
        |source| ServeError::Io {
            context: "restricting the socket directory",
            source,
        },
    )?;
    Ok(dir)
}

impl RunningServer {
    /// Path of the unix socket.
    pub fn socket_path(&self) -> &Path {
        &self.socket_path
    }

    /// The server certificate (DER) when serving with AutoMTLS.
    pub fn server_cert_der(&self) -> Option<&[u8]> {
        self.server_cert_der.as_deref()
    }

    /// The go-plugin handshake line (without newline).
    pub fn handshake_line(&self) -> String {
        handshake::handshake_line(&self.socket_path, self.server_cert_der())
    }

    /// The `TF_REATTACH_PROVIDERS` value for this server under `provider_address`.
    pub fn reattach_json(&self, provider_address: &str) -> String {
        handshake::reattach_json(provider_address, std::process::id(), &self.socket_path)
    }

    /// A handle that can stop the server from elsewhere (signal handlers, tests).
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Waits until the server stops (controller shutdown, a shutdown handle, or an
    /// error), then removes the socket directory.
    pub async fn wait(mut self) -> Result<(), ServeError> {
        let result = match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => result,
                Err(err) => Err(ServeError::Task(err.to_string())),
            },
            None => Ok(()),
        };
        self.remove_dir();
        result
    }

    /// Stops gracefully (in-flight RPCs get up to 2 s), then cleans up.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        self.shutdown
            .begin_with_deadline(std::time::Duration::from_secs(2));
        self.wait().await
    }

    fn remove_dir(&mut self) {
        if let Some(dir) = self.dir.take() {
            let path = dir.path().to_path_buf();
            match dir.close() {
                Ok(()) => tracing::debug!(dir = %path.display(), "removed socket directory"),
                Err(err) => {
                    tracing::warn!(dir = %path.display(), error = %err, "could not remove socket directory")
                }
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if self.task.is_some() {
            self.shutdown.force();
        }
        self.remove_dir();
    }
}
