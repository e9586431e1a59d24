//! A plugin gRPC server listening on a unix socket in a private temp dir, or, where
//! there are no unix sockets (Windows), on a loopback TCP port as go-plugin does there.

use std::net::{Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Server;

use super::ServeError;
use super::conn::{Listener, accept_loop};
use super::controller::{Controller, IdleSideServices};
use super::handshake::{self, ListenAddr};
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
#[cfg(unix)]
const SOCKET_NAME: &str = "plugin.sock";

/// What a plugin server listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A unix socket in a fresh directory only the current user can enter.
    #[cfg(unix)]
    UnixSocket,
    /// TCP on 127.0.0.1, on the first free port of `ports` (go-plugin's
    /// `PLUGIN_MIN_PORT`..=`PLUGIN_MAX_PORT`; `0..=0` lets the system pick).
    Loopback {
        /// The ports to try, in order.
        ports: RangeInclusive<u16>,
    },
}

impl Default for Transport {
    /// A unix socket where there are unix sockets, else loopback TCP on a port the
    /// system picks: what go-plugin does.
    fn default() -> Self {
        #[cfg(unix)]
        return Transport::UnixSocket;
        #[cfg(not(unix))]
        return Transport::Loopback { ports: 0..=0 };
    }
}

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
    /// What to listen on.
    pub transport: Transport,
}

/// A running plugin server. Dropping it without [`RunningServer::shutdown`]
/// forces the server down and removes its directory.
#[derive(Debug)]
pub struct RunningServer {
    addr: ListenAddr,
    server_cert_der: Option<Vec<u8>>,
    shutdown: Shutdown,
    task: Option<JoinHandle<Result<(), ServeError>>>,
    // Removed (with the socket) when the server is dropped.
    dir: Option<tempfile::TempDir>,
}

/// Starts serving `service` (plus health and go-plugin's side services) on a fresh
/// unix socket or loopback port ([`StartOptions::transport`]). Returns once it is
/// listening.
pub async fn start<S: Provider>(
    service: S,
    options: StartOptions,
) -> Result<RunningServer, ServeError> {
    let (listener, addr, dir) = listen(&options.transport).await?;
    tracing::debug!(network = addr.network(), address = %addr, "listening");

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
        addr,
        server_cert_der,
        shutdown,
        task: Some(task),
        dir,
    })
}

/// Binds what `transport` names; the directory of a unix socket comes back with it.
async fn listen(
    transport: &Transport,
) -> Result<(Listener, ListenAddr, Option<tempfile::TempDir>), ServeError> {
    match transport {
        #[cfg(unix)]
        Transport::UnixSocket => {
            let dir = private_dir()?;
            let path = dir.path().join(SOCKET_NAME);
            let listener =
                tokio::net::UnixListener::bind(&path).map_err(|source| ServeError::Io {
                    context: "binding the unix socket",
                    source,
                })?;
            Ok((Listener::Unix(listener), ListenAddr::Unix(path), Some(dir)))
        }
        Transport::Loopback { ports } => {
            let listener = bind_loopback(ports.clone()).await?;
            let addr = listener.local_addr().map_err(|source| ServeError::Io {
                context: "reading the bound TCP address",
                source,
            })?;
            Ok((Listener::Tcp(listener), ListenAddr::Tcp(addr), None))
        }
    }
}

/// Binds 127.0.0.1 on the first port of `ports` that is free, as go-plugin's servers do.
async fn bind_loopback(ports: RangeInclusive<u16>) -> Result<TcpListener, ServeError> {
    let mut last_error = None;
    for port in ports {
        match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            Ok(listener) => return Ok(listener),
            Err(err) => last_error = Some(err),
        }
    }
    Err(ServeError::Io {
        context: "binding a loopback TCP port in PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT",
        source: last_error.unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "the port range is empty")
        }),
    })
}

/// Creates a fresh temp directory only the current user can enter.
#[cfg(unix)]
fn private_dir() -> Result<tempfile::TempDir, ServeError> {
    use std::os::unix::fs::PermissionsExt as _;

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
    /// Where the server listens.
    pub fn addr(&self) -> &ListenAddr {
        &self.addr
    }

    /// The server certificate (DER) when serving with AutoMTLS.
    pub fn server_cert_der(&self) -> Option<&[u8]> {
        self.server_cert_der.as_deref()
    }

    /// The go-plugin handshake line (without newline).
    pub fn handshake_line(&self) -> String {
        handshake::handshake_line(&self.addr, self.server_cert_der())
    }

    /// The `TF_REATTACH_PROVIDERS` value for this server under `provider_address`.
    pub fn reattach_json(&self, provider_address: &str) -> String {
        handshake::reattach_json(provider_address, std::process::id(), &self.addr)
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
