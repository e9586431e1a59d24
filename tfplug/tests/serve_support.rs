//! Shared helpers for the serve/testing integration tests: a minimal hand-written
//! provider, P-521 client certificates like Terraform's, and a mTLS gRPC client.
//! Included by the other test files with `#[path]`; it has no tests of its own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use tfplug::proto::tfplugin6::{
    self, Schema, provider_server::Provider, schema::Attribute, schema::Block,
};
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Response, Status};

/// Provider address used by the tests.
pub const ADDRESS: &str = "registry.terraform.io/tfplug/minimal";
/// Resource type the minimal provider offers.
pub const RESOURCE: &str = "minimal_thing";

/// A provider written directly against the generated trait: one resource with one
/// optional string attribute `name`. Values are passed through untouched, so no
/// msgpack handling is needed; everything else answers `Unimplemented`.
#[derive(Debug, Default, Clone)]
pub struct MinimalProvider;

fn empty_schema() -> Schema {
    Schema {
        version: 0,
        block: Some(Block::default()),
    }
}

#[tonic::async_trait]
impl Provider for MinimalProvider {
    async fn get_provider_schema(
        &self,
        _req: Request<tfplugin6::get_provider_schema::Request>,
    ) -> Result<Response<tfplugin6::get_provider_schema::Response>, Status> {
        let thing = Schema {
            version: 0,
            block: Some(Block {
                attributes: vec![Attribute {
                    name: "name".into(),
                    r#type: br#""string""#.to_vec(),
                    optional: true,
                    description: "A name.".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
        };
        Ok(Response::new(tfplugin6::get_provider_schema::Response {
            provider: Some(empty_schema()),
            resource_schemas: [(RESOURCE.to_string(), thing)].into(),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        _req: Request<tfplugin6::validate_provider_config::Request>,
    ) -> Result<Response<tfplugin6::validate_provider_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn validate_resource_config(
        &self,
        _req: Request<tfplugin6::validate_resource_config::Request>,
    ) -> Result<Response<tfplugin6::validate_resource_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn configure_provider(
        &self,
        _req: Request<tfplugin6::configure_provider::Request>,
    ) -> Result<Response<tfplugin6::configure_provider::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<tfplugin6::upgrade_resource_state::Request>,
    ) -> Result<Response<tfplugin6::upgrade_resource_state::Response>, Status> {
        let json = req
            .into_inner()
            .raw_state
            .map(|r| r.json)
            .unwrap_or_default();
        Ok(Response::new(tfplugin6::upgrade_resource_state::Response {
            upgraded_state: Some(tfplugin6::DynamicValue {
                msgpack: vec![],
                json,
            }),
            diagnostics: vec![],
        }))
    }

    async fn read_resource(
        &self,
        req: Request<tfplugin6::read_resource::Request>,
    ) -> Result<Response<tfplugin6::read_resource::Response>, Status> {
        let req = req.into_inner();
        Ok(Response::new(tfplugin6::read_resource::Response {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<tfplugin6::plan_resource_change::Request>,
    ) -> Result<Response<tfplugin6::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        Ok(Response::new(tfplugin6::plan_resource_change::Response {
            planned_state: req.proposed_new_state,
            planned_private: req.prior_private,
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<tfplugin6::apply_resource_change::Request>,
    ) -> Result<Response<tfplugin6::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        Ok(Response::new(tfplugin6::apply_resource_change::Response {
            new_state: req.planned_state,
            private: req.planned_private,
            ..Default::default()
        }))
    }
}

/// A self-signed ECDSA P-521/SHA-512 certificate marked as a CA, like the client
/// certificate Terraform generates for AutoMTLS. Returns (cert DER, key, PEM).
pub fn p521_client_cert() -> (CertificateDer<'static>, PrivateKeyDer<'static>, String) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
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
    let cert = params.self_signed(&key).unwrap();
    let pem = cert.pem();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.der().clone(), key_der, pem)
}

/// Trusts exactly one server certificate (as go-plugin's client does).
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

/// Connects a gRPC channel over the unix socket with TLS, pinning the server
/// certificate and presenting `client` (cert + key) if given.
pub async fn tls_channel(
    socket: &Path,
    server_cert_der: &[u8],
    client: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer {
        expected: server_cert_der.to_vec(),
        algs: provider.signature_verification_algorithms,
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client {
        Some((cert, key)) => builder.with_client_auth_cert(vec![cert], key).unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let socket: PathBuf = socket.to_path_buf();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_uri| {
            let connector = connector.clone();
            let socket = socket.clone();
            async move {
                let stream = UnixStream::connect(&socket).await?;
                let name = ServerName::try_from("localhost").unwrap();
                let tls = connector.connect(name, stream).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

/// Connects a plaintext gRPC channel over the unix socket.
pub async fn plain_channel(socket: &Path) -> Result<Channel, tonic::transport::Error> {
    let socket: PathBuf = socket.to_path_buf();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_uri| {
            let socket = socket.clone();
            async move {
                let stream = UnixStream::connect(&socket).await?;
                Ok::<_, std::io::Error>(TokioIo::new(stream))
            }
        }))
        .await
}

/// Parses a handshake line into its six fields.
pub fn handshake_fields(line: &str) -> Vec<String> {
    line.trim_end().split('|').map(str::to_string).collect()
}
