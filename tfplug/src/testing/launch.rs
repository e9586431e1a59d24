//! Starts a provider binary the way Terraform does (magic cookie, protocol versions, a
//! P-521 client certificate for AutoMTLS), reads its handshake line and connects a gRPC
//! client over the unix socket (or loopback TCP) with mutual TLS — without Terraform, so
//! a provider's start-up can be measured and its RPCs called directly.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::{TcpStream, UnixStream};
use tokio::process::{Child, Command};
use tokio_util::either::Either;
use tonic::transport::{Channel, Endpoint};

use crate::proto::plugin::grpc_controller_client::GrpcControllerClient;
use crate::proto::tfplugin6::provider_client::ProviderClient;
use crate::serve::handshake::{
    CLIENT_CERT_KEY, ListenAddr, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTOCOL_VERSIONS_KEY,
};

/// Why a launch failed.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The process could not be started or read.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The process printed no valid handshake line.
    #[error("bad handshake line {0:?}")]
    Handshake(String),
    /// Certificate generation or TLS set-up failed.
    #[error("tls: {0}")]
    Tls(String),
    /// The gRPC connection failed.
    #[error("connect: {0}")]
    Connect(#[from] tonic::transport::Error),
}

/// A provider process started like Terraform starts it, with a connected client.
pub struct LaunchedProvider {
    child: Child,
    channel: Channel,
    /// Time from spawning the process to reading its handshake line.
    pub time_to_handshake: Duration,
    /// Where the provider serves, from its handshake line.
    pub addr: ListenAddr,
}

impl LaunchedProvider {
    /// Spawns `binary` with Terraform's environment and AutoMTLS, waits for the
    /// handshake and connects.
    pub async fn launch(binary: &Path) -> Result<Self, LaunchError> {
        let client_cert = ClientCert::generate()?;
        let start = Instant::now();
        let mut child = Command::new(binary)
            .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env(PROTOCOL_VERSIONS_KEY, "5,6")
            .env(CLIENT_CERT_KEY, &client_cert.pem)
            .env_remove("TF_DISABLE_PLUGIN_TLS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| LaunchError::Io {
                context: "spawning the provider",
                source,
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| LaunchError::Handshake(String::new()))?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .await
            .map_err(|source| LaunchError::Io {
                context: "reading the handshake",
                source,
            })?;
        let time_to_handshake = start.elapsed();
        let fields: Vec<&str> = line.trim_end().split('|').collect();
        let [_, "6", network, address, "grpc", cert] = fields.as_slice() else {
            return Err(LaunchError::Handshake(line));
        };
        let Some(addr) = ListenAddr::from_handshake(network, address) else {
            return Err(LaunchError::Handshake(line));
        };
        let server_der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(cert)
            .map_err(|_| LaunchError::Handshake(line.clone()))?;
        let channel = tls_channel(&addr, &server_der, Some(client_cert.into_parts())).await?;
        Ok(Self {
            child,
            channel,
            time_to_handshake,
            addr,
        })
    }

    /// A client of the provider service.
    pub fn provider(&self) -> ProviderClient<Channel> {
        ProviderClient::new(self.channel.clone())
            .max_decoding_message_size(crate::serve::MAX_MESSAGE_SIZE)
            .max_encoding_message_size(crate::serve::MAX_MESSAGE_SIZE)
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Peak resident set size of the process so far, in KiB (Linux `VmHWM`).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Asks the provider to shut down (go-plugin's controller) and waits for it to exit.
    pub async fn shutdown(mut self) -> Option<std::process::ExitStatus> {
        let mut controller = GrpcControllerClient::new(self.channel.clone());
        let _ = controller.shutdown(crate::proto::plugin::Empty {}).await;
        match tokio::time::timeout(Duration::from_secs(2), self.child.wait()).await {
            Ok(Ok(status)) => Some(status),
            _ => {
                let _ = self.child.kill().await;
                None
            }
        }
    }
}

/// A self-signed ECDSA P-521/SHA-512 certificate marked as a CA: the kind of client
/// certificate Terraform generates for AutoMTLS.
pub struct ClientCert {
    /// DER of the certificate.
    pub der: CertificateDer<'static>,
    /// Its private key.
    pub key: PrivateKeyDer<'static>,
    /// PEM of the certificate, as Terraform passes it in `PLUGIN_CLIENT_CERT`.
    pub pem: String,
}

impl ClientCert {
    /// Generates a fresh certificate.
    pub fn generate() -> Result<Self, LaunchError> {
        let tls = |e: rcgen::Error| LaunchError::Tls(e.to_string());
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).map_err(tls)?;
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(tls)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key).map_err(tls)?;
        Ok(Self {
            pem: cert.pem(),
            der: cert.der().clone(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }

    /// Certificate and key, for [`tls_channel`].
    pub fn into_parts(self) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        (self.der, self.key)
    }
}

/// Trusts exactly one server certificate, as go-plugin's client does.
#[derive(Debug)]
struct PinnedServer {
    expected: Vec<u8>,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Opens a connection to `addr`.
async fn connect(addr: &ListenAddr) -> std::io::Result<Either<UnixStream, TcpStream>> {
    Ok(match addr {
        ListenAddr::Unix(path) => Either::Left(UnixStream::connect(path).await?),
        ListenAddr::Tcp(addr) => Either::Right(TcpStream::connect(addr).await?),
    })
}

/// Connects a gRPC channel to `addr` with TLS, pinning the server certificate and
/// presenting `client` (certificate and key) when given.
pub async fn tls_channel(
    addr: &ListenAddr,
    server_cert_der: &[u8],
    client: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<Channel, LaunchError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer {
        expected: server_cert_der.to_vec(),
        algs: provider.signature_verification_algorithms,
    });
    let tls = |e: rustls::Error| LaunchError::Tls(e.to_string());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client {
        Some((cert, key)) => builder
            .with_client_auth_cert(vec![cert], key)
            .map_err(tls)?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let addr = addr.clone();
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_uri| {
            let connector = connector.clone();
            let addr = addr.clone();
            async move {
                let stream = connect(&addr).await?;
                let name = ServerName::try_from("localhost")
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
                let tls = connector.connect(name, stream).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await?;
    Ok(channel)
}

/// Connects a plaintext gRPC channel to `addr`.
pub async fn plain_channel(addr: &ListenAddr) -> Result<Channel, LaunchError> {
    let addr = addr.clone();
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_uri| {
            let addr = addr.clone();
            async move {
                let stream = connect(&addr).await?;
                Ok::<_, std::io::Error>(TokioIo::new(stream))
            }
        }))
        .await?;
    Ok(channel)
}
