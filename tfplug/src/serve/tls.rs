//! AutoMTLS: the server certificate, the pinned client-certificate verifier and
//! the rustls configuration.
//!
//! Terraform (through go-plugin) generates a fresh self-signed client certificate
//! (ECDSA P-521) for every plugin it starts and passes it as PEM in
//! `PLUGIN_CLIENT_CERT`. The plugin answers with its own self-signed certificate in
//! the handshake line. Neither side uses a CA: each pins the other's certificate.
//! rustls' stock verifiers would reject such certificates, so the client side is
//! verified here by exact DER comparison plus a check of the handshake signature.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};

use super::ServeError;

/// ALPN protocol offered by the server: gRPC runs over HTTP/2.
const ALPN_H2: &[u8] = b"h2";

/// TLS material for one plugin server: its certificate and the rustls
/// configuration that only admits the pinned client certificate.
#[derive(Clone)]
pub struct ServerTls {
    cert_der: CertificateDer<'static>,
    config: Arc<ServerConfig>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls")
            .field("cert_der_len", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Generates a server certificate and builds a configuration that accepts
    /// exactly the client certificate given as PEM (the value of
    /// `PLUGIN_CLIENT_CERT`).
    pub fn for_client_pem(client_cert_pem: &str) -> Result<Self, ServeError> {
        let client_cert = parse_client_cert(client_cert_pem)?;
        Self::for_client_der(client_cert)
    }

    /// Like [`ServerTls::for_client_pem`], with the client certificate as DER.
    pub fn for_client_der(client_cert: CertificateDer<'static>) -> Result<Self, ServeError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let (cert_der, key_der) = generate_server_cert()?;
        let verifier = Arc::new(PinnedClientCert::new(
            client_cert,
            provider.signature_verification_algorithms,
        ));
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(ServeError::Tls)?
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![cert_der.clone()], key_der)
            .map_err(ServeError::Tls)?;
        config.alpn_protocols = vec![ALPN_H2.to_vec()];
        tracing::debug!(
            cert_len = cert_der.len(),
            "generated AutoMTLS server certificate"
        );
        Ok(Self {
            cert_der,
            config: Arc::new(config),
        })
    }

    /// The server certificate (DER), as announced in the handshake line.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The rustls server configuration.
    pub fn config(&self) -> Arc<ServerConfig> {
        Arc::clone(&self.config)
    }
}

/// Parses the first certificate of a PEM document.
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, ServeError> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .ok_or_else(|| ServeError::InvalidClientCert("no certificate in PEM".into()))?
        .map_err(|e| ServeError::InvalidClientCert(e.to_string()))
}

/// Generates a self-signed ECDSA P-256 certificate for `localhost`.
fn generate_server_cert() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), ServeError> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(ServeError::CertGen)?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .map_err(ServeError::CertGen)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "tfplug");
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.self_signed(&key).map_err(ServeError::CertGen)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key_der))
}

/// A client-certificate verifier that accepts one exact certificate.
///
/// Chain building is skipped on purpose (the peer's certificate is self-signed and
/// marked as a CA, which webpki refuses as an end entity); identity comes from the
/// byte-for-byte match, and possession of the key from the verified handshake
/// signature.
#[derive(Debug)]
pub struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    /// Pins `expected`, checking signatures with `algorithms`.
    pub fn new(expected: CertificateDer<'static>, algorithms: WebPkiSupportedAlgorithms) -> Self {
        Self {
            expected,
            algorithms,
        }
    }

    /// Pins `expected` with the signature algorithms of the aws-lc-rs provider
    /// (which include ECDSA P-521, the curve Terraform uses).
    pub fn with_aws_lc_rs(expected: CertificateDer<'static>) -> Self {
        let provider: CryptoProvider = rustls::crypto::aws_lc_rs::default_provider();
        Self::new(expected, provider.signature_verification_algorithms)
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: Go clients then offer their only certificate.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            tracing::debug!("client certificate matches the pinned certificate");
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!("refused a client certificate that is not the pinned one");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
