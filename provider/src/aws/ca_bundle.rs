//! A custom certificate authority bundle (`custom_ca_bundle`, `AWS_CA_BUNDLE`): the PEM
//! certificates AWS's endpoints are verified against instead of the system's trust store,
//! for networks whose proxy inspects TLS with its own certificate authority (as in the AWS
//! CLI and the HashiCorp AWS provider).
//!
//! The bundle is checked here, before the SDK sees it: the SDK parses it only when it
//! builds a connection, and panics on a certificate it cannot parse. The HTTPS client built
//! with it keeps what the SDK's default client does: rustls with AWS-LC, and the proxy of
//! `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`.

use std::path::Path;

use aws_sdk_lambda::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// Why a bundle cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaBundleError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The bundle's path.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A PEM section is not well formed.
    #[error("{path} is not a PEM file of certificates: {reason}")]
    NotPem {
        /// The bundle's path.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// No `CERTIFICATE` section.
    #[error("{path} holds no PEM certificate (no -----BEGIN CERTIFICATE----- section)")]
    Empty {
        /// The bundle's path.
        path: String,
    },
    /// A certificate that cannot be a trust anchor.
    #[error("certificate {index} of {path} cannot be used as a certificate authority: {reason}")]
    BadCertificate {
        /// The bundle's path.
        path: String,
        /// Its position in the file, from 1.
        index: usize,
        /// What was wrong.
        reason: String,
    },
}

/// Reads the bundle at `path` and checks it (see [`check`]); returns its bytes.
pub fn load(path: &Path) -> Result<Vec<u8>, CaBundleError> {
    let shown = path.display().to_string();
    let pem = std::fs::read(path).map_err(|source| CaBundleError::Unreadable {
        path: shown.clone(),
        source,
    })?;
    check(&shown, &pem)?;
    Ok(pem)
}

/// Checks that `pem` holds at least one certificate and that each one can be a trust
/// anchor; returns how many it holds. `path` is for the messages.
pub fn check(path: &str, pem: &[u8]) -> Result<usize, CaBundleError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CaBundleError::NotPem {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
    if certificates.is_empty() {
        return Err(CaBundleError::Empty {
            path: path.to_string(),
        });
    }
    let mut roots = rustls::RootCertStore::empty();
    for (i, certificate) in certificates.into_iter().enumerate() {
        roots
            .add(certificate)
            .map_err(|e| CaBundleError::BadCertificate {
                path: path.to_string(),
                index: i + 1,
                reason: e.to_string(),
            })?;
    }
    Ok(roots.len())
}

/// An HTTPS client that trusts only the certificates of `pem` (checked with [`check`]),
/// with the SDK's connection settings and the environment's proxy.
pub fn https_client(pem: Vec<u8>) -> Result<SharedHttpClient, CaBundleError> {
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(pem))
        .build()
        .map_err(|e| CaBundleError::NotPem {
            path: "the bundle".to_string(),
            reason: e.to_string(),
        })?;
    Ok(
        Builder::new().build_with_connector_fn(move |settings, components| {
            let mut connector = ConnectorBuilder::default()
                .tls_provider(tls::Provider::Rustls(
                    tls::rustls_provider::CryptoMode::AwsLc,
                ))
                .tls_context(context.clone());
            connector.set_connector_settings(settings.cloned());
            if let Some(components) = components {
                connector.set_sleep_impl(components.sleep_impl());
            }
            connector.set_proxy_config(Some(ProxyConfig::from_env()));
            connector.build()
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate authority, as PEM.
    fn authority() -> String {
        let key = rcgen::KeyPair::generate().map_err(|e| e.to_string());
        let params = rcgen::CertificateParams::new(Vec::<String>::new());
        match (key, params) {
            (Ok(key), Ok(mut params)) => {
                params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
                match params.self_signed(&key) {
                    Ok(cert) => cert.pem(),
                    Err(e) => panic!("self-signing: {e}"),
                }
            }
            (key, params) => panic!("certificate parameters: {:?} {:?}", key.err(), params.err()),
        }
    }

    #[test]
    fn a_bundle_of_certificates_is_counted() {
        let two = format!("{}\n{}", authority(), authority());
        assert_eq!(check("ca.pem", two.as_bytes()).ok(), Some(2));
    }

    #[test]
    fn what_is_not_a_bundle_says_why() {
        let empty = check("ca.pem", b"just text\n");
        assert!(
            matches!(empty, Err(CaBundleError::Empty { .. })),
            "{empty:?}"
        );
        let broken = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            "not base64!"
        );
        let not_pem = check("ca.pem", broken.as_bytes());
        assert!(
            matches!(
                not_pem,
                Err(CaBundleError::NotPem { .. }) | Err(CaBundleError::BadCertificate { .. })
            ),
            "{not_pem:?}"
        );
        let garbage = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            "AAAA"
        );
        let bad = check("ca.pem", garbage.as_bytes());
        assert!(
            matches!(bad, Err(CaBundleError::BadCertificate { index: 1, .. })),
            "{bad:?}"
        );
        let missing = load(Path::new("/nonexistent/ca.pem"));
        assert!(
            matches!(missing, Err(CaBundleError::Unreadable { .. })),
            "{missing:?}"
        );
    }
}
