//! AutoMTLS: the server admits exactly the pinned P-521 client certificate, and the
//! handshake line announces its own certificate correctly.

#[path = "serve_support.rs"]
mod support;

use base64::Engine as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use support::{MinimalProvider, handshake_fields, p521_client_cert, tls_channel};
use tfplug::proto::tfplugin6::{
    get_provider_schema, get_resource_identity_schemas, provider_client::ProviderClient,
};
use tfplug::serve::{
    ListenAddr, RunningServer, Security, ServerTls, StartOptions, Transport, start,
};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

async fn mtls_server(client_pem: &str) -> RunningServer {
    mtls_server_on(client_pem, Transport::default()).await
}

async fn mtls_server_on(client_pem: &str, transport: Transport) -> RunningServer {
    let tls = ServerTls::for_client_pem(client_pem).unwrap();
    start(
        MinimalProvider,
        StartOptions {
            security: Security::MutualTls(tls),
            honor_controller_shutdown: true,
            transport,
        },
    )
    .await
    .unwrap()
}

/// Whether a client presenting `client` gets the provider schema from `server`. With
/// TLS 1.3 the client may finish its side of the handshake before the server's
/// rejection arrives, so a refusal can surface at connect or at the first call.
async fn schema_served(
    server: &RunningServer,
    server_cert: &[u8],
    client: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> bool {
    match tls_channel(server.addr(), server_cert, client).await {
        Err(_) => false,
        Ok(channel) => ProviderClient::new(channel)
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .is_ok(),
    }
}

#[tokio::test]
async fn pinned_client_cert_is_admitted() {
    let (cert, key, pem) = p521_client_cert();
    let server = mtls_server(&pem).await;
    let server_cert = server.server_cert_der().unwrap().to_vec();

    let channel = tls_channel(server.addr(), &server_cert, Some((cert, key)))
        .await
        .expect("connect with the pinned certificate");

    let health = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .expect("health check");
    assert_eq!(health.into_inner().status, ServingStatus::Serving as i32);

    let mut provider = ProviderClient::new(channel);
    let schema = provider
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert!(schema.resource_schemas.contains_key(support::RESOURCE));

    // RPCs the provider does not override answer Unimplemented, which Terraform
    // treats as "feature not offered".
    let status = provider
        .get_resource_identity_schemas(get_resource_identity_schemas::Request {})
        .await
        .expect_err("GetResourceIdentitySchemas is not implemented");
    assert_eq!(status.code(), tonic::Code::Unimplemented);

    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn other_client_cert_is_refused() {
    let (_cert, _key, pem) = p521_client_cert();
    let (other_cert, other_key, _) = p521_client_cert();
    let server = mtls_server(&pem).await;
    let server_cert = server.server_cert_der().unwrap().to_vec();

    assert!(
        !schema_served(&server, &server_cert, Some((other_cert, other_key))).await,
        "a foreign certificate must be refused"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_client_cert_is_refused() {
    let (_cert, _key, pem) = p521_client_cert();
    let server = mtls_server(&pem).await;
    let server_cert = server.server_cert_der().unwrap().to_vec();

    let result = match tls_channel(server.addr(), &server_cert, None).await {
        Err(_) => None,
        Ok(channel) => Some(
            HealthClient::new(channel)
                .check(HealthCheckRequest {
                    service: "plugin".into(),
                })
                .await,
        ),
    };
    assert!(
        matches!(result, None | Some(Err(_))),
        "a connection without a client certificate must be refused"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn handshake_line_announces_the_server_cert() {
    let (_cert, _key, pem) = p521_client_cert();
    let server = mtls_server(&pem).await;
    let line = server.handshake_line();
    let fields = handshake_fields(&line);
    assert_eq!(fields.len(), 6, "{line}");
    assert_eq!(fields[0], "1");
    assert_eq!(fields[1], "6");
    assert_eq!(fields[2], "unix");
    assert_eq!(fields[3], server.addr().to_string());
    assert_eq!(fields[4], "grpc");
    assert!(!fields[5].ends_with('='), "no base64 padding");

    let der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&fields[5])
        .expect("standard base64 without padding");
    assert_eq!(der, server.server_cert_der().unwrap());
    let (_, cert) = x509_parser::parse_x509_certificate(&der).expect("DER certificate");
    let san = cert
        .subject_alternative_name()
        .unwrap()
        .expect("has a SAN extension");
    assert!(san.value.general_names.iter().any(|n| matches!(
        n,
        x509_parser::extensions::GeneralName::DNSName("localhost")
    )));
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok());
    assert_eq!(cn, Some("localhost"));

    // The socket lives in a private directory.
    use std::os::unix::fs::PermissionsExt as _;
    let ListenAddr::Unix(socket) = server.addr() else {
        panic!("the default transport here is a unix socket");
    };
    let dir = socket.parent().unwrap().to_path_buf();
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    server.shutdown().await.unwrap();
    assert!(!dir.exists(), "socket directory removed on shutdown");
}

#[tokio::test]
async fn plaintext_handshake_line_has_empty_cert() {
    let server = start(
        MinimalProvider,
        StartOptions {
            security: Security::Plaintext,
            honor_controller_shutdown: true,
            transport: Transport::default(),
        },
    )
    .await
    .unwrap();
    let fields = handshake_fields(&server.handshake_line());
    assert_eq!(fields.len(), 6);
    assert_eq!(fields[5], "");
    server.shutdown().await.unwrap();
}

/// The transport go-plugin uses on Windows, tried here on loopback TCP: the handshake
/// announces `tcp` and `127.0.0.1:PORT`, and only the pinned certificate gets through.
#[tokio::test]
async fn loopback_tcp_serves_with_mutual_tls() {
    let (cert, key, pem) = p521_client_cert();
    let server = mtls_server_on(&pem, Transport::Loopback { ports: 0..=0 }).await;
    let ListenAddr::Tcp(addr) = server.addr() else {
        panic!("expected a TCP address, got {}", server.addr());
    };
    assert!(addr.ip().is_loopback(), "{addr}");
    let fields = handshake_fields(&server.handshake_line());
    assert_eq!(fields[2], "tcp");
    assert_eq!(fields[3], format!("127.0.0.1:{}", addr.port()));

    let server_cert = server.server_cert_der().unwrap().to_vec();
    let channel = tls_channel(server.addr(), &server_cert, Some((cert, key)))
        .await
        .expect("connect with the pinned certificate over TCP");
    let schema = ProviderClient::new(channel)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema over TCP")
        .into_inner();
    assert!(schema.resource_schemas.contains_key(support::RESOURCE));

    let (other_cert, other_key, _) = p521_client_cert();
    assert!(
        !schema_served(&server, &server_cert, Some((other_cert, other_key))).await,
        "a foreign certificate must be refused over TCP too"
    );
    server.shutdown().await.unwrap();
}

/// go-plugin's PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT: a taken port is skipped.
#[tokio::test]
async fn loopback_tcp_takes_the_first_free_port_of_the_range() {
    let (_cert, _key, pem) = p521_client_cert();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let first = taken.local_addr().unwrap().port();
    let Some(last) = first.checked_add(20) else {
        return; // the system handed out a port at the top of the range; nothing to try
    };
    let server = mtls_server_on(
        &pem,
        Transport::Loopback {
            ports: first..=last,
        },
    )
    .await;
    let ListenAddr::Tcp(addr) = server.addr() else {
        panic!("expected a TCP address, got {}", server.addr());
    };
    assert!(
        addr.port() > first && addr.port() <= last,
        "port {} should be in {}..={} and not the taken {first}",
        addr.port(),
        first + 1,
        last
    );
    server.shutdown().await.unwrap();
    drop(taken);
}
