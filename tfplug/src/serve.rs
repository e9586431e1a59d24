//! Serving a provider the way Terraform expects a go-plugin plugin to behave.
//!
//! [`serve`] is what a provider's `main` calls. It checks that Terraform started
//! the process (magic cookie), negotiates protocol 6, listens on a unix socket in
//! a private temp dir, secures it with AutoMTLS (pinning Terraform's client
//! certificate), prints the handshake line and serves until Terraform asks the
//! plugin to stop (`GRPCController.Shutdown`) or a SIGINT/SIGTERM arrives.
//!
//! On Windows, as go-plugin does there, it listens on loopback TCP in
//! `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` instead, and stops on Ctrl-C. On every
//! platform it stops by itself within seconds of the process that started it (Terraform)
//! being killed.
//!
//! With `--debug` ([`ServeOptions::from_args`]) it instead serves without TLS
//! and prints a `TF_REATTACH_PROVIDERS` value for running Terraform against the
//! already-running process; [`serve_reattach`] does the same in-process for tests.

mod conn;
mod controller;
pub mod handshake;
mod parent;
mod running;
mod shutdown;
mod signals;
pub mod tls;

use std::collections::HashMap;
use std::io::Write as _;

pub use controller::CONTROLLER_GRACE;
pub use handshake::ListenAddr;
pub use running::{
    HEALTH_SERVICE_NAME, MAX_MESSAGE_SIZE, RunningServer, Security, StartOptions, Transport, start,
};
pub use shutdown::Shutdown;
pub use tls::{PinnedClientCert, ServerTls};

use crate::proto::tfplugin6::provider_server::Provider;

/// Errors from starting or running the plugin server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The magic cookie is missing or wrong: a person ran the binary directly.
    #[error(
        "not started by Terraform ({} is missing or wrong)",
        handshake::MAGIC_COOKIE_KEY
    )]
    NotLaunchedByTerraform,
    /// Terraform did not offer protocol version 6.
    #[error(
        "Terraform offered plugin protocol versions {offered:?}, but this provider speaks only 6"
    )]
    UnsupportedProtocol {
        /// The value of `PLUGIN_PROTOCOL_VERSIONS`.
        offered: String,
    },
    /// `PLUGIN_CLIENT_CERT` is not a PEM certificate.
    #[error("invalid client certificate in PLUGIN_CLIENT_CERT: {0}")]
    InvalidClientCert(String),
    /// Generating the server certificate failed.
    #[error("generating the server certificate: {0}")]
    CertGen(#[source] rcgen::Error),
    /// Building the TLS configuration failed.
    #[error("TLS configuration: {0}")]
    Tls(#[source] rustls::Error),
    /// An I/O operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The gRPC server failed.
    #[error("gRPC server: {0}")]
    Transport(#[source] tonic::transport::Error),
    /// The server task panicked or was cancelled.
    #[error("server task failed: {0}")]
    Task(String),
}

/// How [`serve`] runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The provider's source address, e.g. `registry.terraform.io/lambdakit/lambda`
    /// (used for the reattach configuration in debug mode).
    pub provider_address: String,
    /// Debug (reattach) mode: no magic cookie, no TLS; prints `TF_REATTACH_PROVIDERS`.
    pub debug: bool,
    /// Environment override; `None` reads the process environment.
    env: Option<HashMap<String, String>>,
}

impl ServeOptions {
    /// Options for normal (Terraform-started) serving.
    pub fn new(provider_address: impl Into<String>) -> Self {
        Self {
            provider_address: provider_address.into(),
            debug: false,
            env: None,
        }
    }

    /// Options from command-line arguments (without the program name): `--debug`
    /// (or `-debug`) selects debug mode.
    pub fn from_args(
        provider_address: impl Into<String>,
        args: impl Iterator<Item = String>,
    ) -> Self {
        let mut opts = Self::new(provider_address);
        opts.debug = args
            .into_iter()
            .any(|a| a == "--debug" || a == "-debug" || a == "--debug=true");
        opts
    }

    /// Reads the go-plugin variables from `vars` instead of the process
    /// environment (for tests and embedding).
    pub fn with_env<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.env = Some(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    fn var(&self, key: &str) -> Option<String> {
        match &self.env {
            Some(env) => env.get(key).cloned(),
            None => std::env::var(key).ok(),
        }
    }

    fn flag(&self, key: &str) -> bool {
        self.var(key).is_some_and(|v| !v.is_empty())
    }
}

/// Serves a tfplugin6 `Provider` until Terraform shuts it down.
///
/// Handles everything go-plugin needs: magic cookie, protocol negotiation, unix
/// socket, AutoMTLS, handshake line, health, controller shutdown and signals. In
/// debug mode it serves until Ctrl-C. Returns `Ok(())` after a clean shutdown;
/// when the binary was not started by Terraform it prints a short explanation to
/// stderr and returns [`ServeError::NotLaunchedByTerraform`] (exit with 1).
pub async fn serve<S: Provider>(service: S, opts: ServeOptions) -> Result<(), ServeError> {
    if opts.debug {
        return serve_debug(service, &opts).await;
    }
    if let Err(err) =
        handshake::check_magic_cookie(opts.var(handshake::MAGIC_COOKIE_KEY).as_deref())
    {
        let _ = writeln!(std::io::stderr(), "{}", handshake::NOT_A_PROGRAM_MESSAGE);
        return Err(err);
    }
    tracing::debug!("magic cookie present");
    handshake::negotiate_protocol(opts.var(handshake::PROTOCOL_VERSIONS_KEY).as_deref())?;

    let security = security_from_env(&opts)?;
    let server = start(
        service,
        StartOptions {
            security,
            honor_controller_shutdown: true,
            transport: transport_from_env(&opts),
        },
    )
    .await?;
    // Listen for signals before the handshake line tells Terraform the process is up.
    let signals = tokio::spawn(signals::watch(
        server.shutdown_handle(),
        signals::Interrupt::LeftToTerraform,
    ));
    // Terraform killed outright never stops the provider: notice its parent is gone.
    let orphaned = tokio::spawn(parent::watch(server.shutdown_handle()));
    write_stdout(&[&server.handshake_line()])?;
    tracing::debug!("handshake line written");

    let result = server.wait().await;
    signals.abort();
    orphaned.abort();
    tracing::debug!(ok = result.is_ok(), "serve finished");
    result
}

/// The platform's transport ([`Transport::default`]), unless [`handshake::NETWORK_KEY`] is `tcp`;
/// loopback TCP takes its ports from go-plugin's `PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT`.
fn transport_from_env(opts: &ServeOptions) -> Transport {
    let tcp_asked = match opts.var(handshake::NETWORK_KEY).as_deref().map(str::trim) {
        Some("tcp") => true,
        Some(other) if !other.is_empty() && other != "unix" => {
            tracing::warn!(
                value = other,
                "{} is neither unix nor tcp; using the platform's default",
                handshake::NETWORK_KEY
            );
            false
        }
        _ => false,
    };
    if tcp_asked || !cfg!(unix) {
        Transport::Loopback {
            ports: port_range(
                opts.var(handshake::MIN_PORT_KEY).as_deref(),
                opts.var(handshake::MAX_PORT_KEY).as_deref(),
            ),
        }
    } else {
        Transport::default()
    }
}

/// go-plugin's port range; a system-chosen port when either end is missing or the
/// range is not one.
fn port_range(min: Option<&str>, max: Option<&str>) -> std::ops::RangeInclusive<u16> {
    let parse = |v: Option<&str>| v.and_then(|v| v.trim().parse::<u16>().ok());
    match (parse(min), parse(max)) {
        (Some(min), Some(max)) if min <= max => min..=max,
        _ => 0..=0,
    }
}

/// Chooses TLS settings the way go-plugin does: AutoMTLS when Terraform passes a
/// client certificate, plaintext when TLS is disabled or no certificate is given.
fn security_from_env(opts: &ServeOptions) -> Result<Security, ServeError> {
    if opts.flag(handshake::DISABLE_TLS_KEY) {
        tracing::debug!("TLS disabled by {}", handshake::DISABLE_TLS_KEY);
        return Ok(Security::Plaintext);
    }
    match opts
        .var(handshake::CLIENT_CERT_KEY)
        .filter(|v| !v.trim().is_empty())
    {
        Some(pem) => {
            let tls = ServerTls::for_client_pem(&pem)?;
            tracing::debug!("AutoMTLS enabled with the pinned client certificate");
            Ok(Security::MutualTls(tls))
        }
        None => {
            tracing::debug!("no client certificate offered; serving without TLS");
            Ok(Security::Plaintext)
        }
    }
}

async fn serve_debug<S: Provider>(service: S, opts: &ServeOptions) -> Result<(), ServeError> {
    let server = start(
        service,
        StartOptions {
            security: Security::Plaintext,
            honor_controller_shutdown: false,
            transport: Transport::default(),
        },
    )
    .await?;
    let json = server.reattach_json(&opts.provider_address);
    // Listen for Ctrl-C before telling anyone the process is there.
    let signals = tokio::spawn(signals::watch(
        server.shutdown_handle(),
        signals::Interrupt::Stops,
    ));
    write_stdout(&[
        "Provider is running in debug mode. To make Terraform use this process,",
        "set this environment variable in the shell where you run Terraform:",
        "",
        &format!("\tTF_REATTACH_PROVIDERS='{json}'"),
        "",
        "Press Ctrl-C to stop the provider.",
    ])?;
    let result = server.wait().await;
    signals.abort();
    result
}

fn write_stdout(lines: &[&str]) -> Result<(), ServeError> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}").map_err(|source| ServeError::Io {
            context: "writing to stdout",
            source,
        })?;
    }
    out.flush().map_err(|source| ServeError::Io {
        context: "flushing stdout",
        source,
    })
}

/// An in-process provider server for tests, in reattach mode (no TLS, not owned
/// by Terraform: `GRPCController.Shutdown` is ignored).
#[derive(Debug)]
pub struct ReattachServer {
    server: RunningServer,
    provider_address: String,
}

/// Starts `service` in reattach mode; returns once it is listening.
pub async fn serve_reattach<S: Provider>(
    service: S,
    provider_address: &str,
) -> Result<ReattachServer, ServeError> {
    let server = start(
        service,
        StartOptions {
            security: Security::Plaintext,
            honor_controller_shutdown: false,
            transport: Transport::default(),
        },
    )
    .await?;
    tracing::debug!(provider = provider_address, address = %server.addr(), "reattach server ready");
    Ok(ReattachServer {
        server,
        provider_address: provider_address.to_string(),
    })
}

impl ReattachServer {
    /// The value for `TF_REATTACH_PROVIDERS`.
    pub fn reattach_json(&self) -> String {
        self.server.reattach_json(&self.provider_address)
    }

    /// The provider address this server is registered under.
    pub fn provider_address(&self) -> &str {
        &self.provider_address
    }

    /// Where the server listens.
    pub fn addr(&self) -> &ListenAddr {
        self.server.addr()
    }

    /// Stops the server (in-flight RPCs get a short grace period) and removes its
    /// socket directory.
    pub async fn shutdown(self) {
        if let Err(err) = self.server.shutdown().await {
            tracing::warn!(error = %err, "reattach server ended with an error");
        }
    }
}
