//! `custom_ca_bundle` and `AWS_CA_BUNDLE`: AWS's endpoints behind a proxy that presents
//! certificates of its own certificate authority, as TLS-inspecting proxies do. The test
//! puts such a proxy in front of the emulator (TLS from a throw-away CA, then plain TCP
//! to the emulator) and points every endpoint at it.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use acceptance_tests::EmulatorOptions;
use acceptance_tests::harness::PROVIDER_SOURCE;
use support::{Acc, Diagnostics, setup};
use tokio::net::{TcpListener, TcpStream};

/// A CA certificate (PEM) and the proxy's certificate and key it signed, for `localhost`.
struct Authority {
    ca_pem: String,
    server_chain: Vec<rustls_pki_types::CertificateDer<'static>>,
    server_key: rustls_pki_types::PrivateKeyDer<'static>,
}

fn authority() -> Authority {
    let fail = |e: rcgen::Error| -> ! { panic!("making test certificates: {e}") };
    let ca_key = rcgen::KeyPair::generate().unwrap_or_else(|e| fail(e));
    let mut ca_params =
        rcgen::CertificateParams::new(Vec::<String>::new()).unwrap_or_else(|e| fail(e));
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "inspecting proxy CA");
    let ca = ca_params.self_signed(&ca_key).unwrap_or_else(|e| fail(e));
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_key = rcgen::KeyPair::generate().unwrap_or_else(|e| fail(e));
    let server_params =
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap_or_else(|e| fail(e));
    let server = server_params
        .signed_by(&server_key, &issuer)
        .unwrap_or_else(|e| fail(e));
    Authority {
        ca_pem: ca.pem(),
        server_chain: vec![server.der().clone()],
        server_key: rustls_pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
    }
}

/// Starts the proxy on a thread of its own: TLS with the authority's certificate on a
/// free loopback port, each connection piped to `upstream`. Returns its address.
fn start_proxy(authority: &Authority, upstream: SocketAddr) -> SocketAddr {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .and_then(|b| {
        b.with_no_client_auth().with_single_cert(
            authority.server_chain.clone(),
            authority.server_key.clone_key(),
        )
    })
    .unwrap_or_else(|e| panic!("proxy TLS configuration: {e}"));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("proxy runtime: {e}"));
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .unwrap_or_else(|e| panic!("proxy listener: {e}"));
            let addr = listener
                .local_addr()
                .unwrap_or_else(|e| panic!("proxy address: {e}"));
            let _ = ready_tx.send(addr);
            while let Ok((client, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends here; that is the point.
                    let Ok(mut tls) = acceptor.accept(client).await else {
                        return;
                    };
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
                    }
                });
            }
        });
    });
    ready_rx
        .recv()
        .unwrap_or_else(|e| panic!("the proxy did not start: {e}"))
}

/// A capacity provider whose plan asks STS (credentials) and EC2 (subnets), through
/// `provider_body`'s endpoints.
fn config(acc: &Acc, provider_body: &str) -> String {
    let net = &acc.net;
    let subnets: Vec<String> = net.subnet_ids.iter().map(|s| format!("{s:?}")).collect();
    format!(
        r#"
terraform {{
  required_providers {{
    lambda = {{ source = "{PROVIDER_SOURCE}" }}
  }}
}}

provider "lambda" {{
{provider_body}
}}

resource "lambda_capacity_provider" "test" {{
  name = "{name}"

  vpc_config {{
    subnet_ids         = [{subnets}]
    security_group_ids = ["{sg}"]
  }}

  permissions_config {{
    capacity_provider_operator_role_arn = "{role}"
  }}
}}
"#,
        name = acc.name("ca"),
        subnets = subnets.join(", "),
        sg = net.security_group_id,
        role = net.operator_role_arn,
    )
}

fn endpoints(url: &str) -> String {
    format!(
        "  endpoints {{\n    lambda = \"{url}\"\n    sts    = \"{url}\"\n    ec2    = \"{url}\"\n  }}\n"
    )
}

#[test]
fn endpoints_behind_a_tls_inspecting_proxy_need_its_ca_bundle() {
    let Some(mut acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let authority = authority();
    let proxy = start_proxy(&authority, acc.emu().addr());
    let url = format!("https://localhost:{}", proxy.port());
    let bundle = acc.tf.dir().join("proxy-ca.pem");
    if let Err(e) = std::fs::write(&bundle, &authority.ca_pem) {
        panic!("writing {}: {e}", bundle.display());
    }
    // Whatever the machine's own setting, the system's trust store is the start.
    acc.tf.set_env("AWS_CA_BUNDLE", "");

    // Without the bundle the proxy's certificate is refused, by the credential check, at
    // once (not after the retries of a transient failure) and saying what to set.
    acc.write(&config(&acc, &endpoints(&url)));
    let started = std::time::Instant::now();
    let out = acc.fail(&["plan", "-json", "-input=false", "-no-color"]);
    let took = started.elapsed();
    let errors = Diagnostics::from_json_lines(&out.stdout).errors();
    assert!(
        errors
            .all()
            .iter()
            .any(|e| e["detail"].as_str().is_some_and(|d| {
                d.contains("TLS certificate was refused") && d.contains("custom_ca_bundle")
            })),
        "{}",
        errors.describe()
    );
    assert!(
        took < std::time::Duration::from_secs(20),
        "a refused certificate is not retried: {took:?}"
    );

    // With it, through the provider block: every call goes through the proxy.
    let with_bundle = format!(
        "  custom_ca_bundle = \"{}\"\n{}",
        bundle.display(),
        endpoints(&url)
    );
    acc.write(&config(&acc, &with_bundle));
    acc.apply();
    assert_eq!(
        acc.resource("lambda_capacity_provider.test")["state"],
        "Active"
    );

    // And through AWS_CA_BUNDLE.
    acc.tf
        .set_env("AWS_CA_BUNDLE", bundle.display().to_string());
    acc.write(&config(&acc, &endpoints(&url)));
    assert!(acc.plan().is_empty());
    acc.destroy();
}

#[test]
fn an_unusable_bundle_is_an_error_at_the_attribute() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let not_pem = acc.tf.dir().join("not-a-bundle.pem");
    if let Err(e) = std::fs::write(&not_pem, "no certificates here\n") {
        panic!("writing {}: {e}", not_pem.display());
    }
    for (path, words) in [
        (
            acc.tf.dir().join("missing.pem").display().to_string(),
            vec!["missing.pem", "cannot read"],
        ),
        (
            not_pem.display().to_string(),
            vec!["not-a-bundle.pem", "no PEM certificate"],
        ),
    ] {
        acc.write(&config(&acc, &format!("  custom_ca_bundle = \"{path}\"\n")));
        let out = acc.fail(&["plan", "-json", "-input=false", "-no-color"]);
        let errors = Diagnostics::from_json_lines(&out.stdout).errors();
        support::Expect::error()
            .summary("Unusable custom_ca_bundle")
            .says(&words)
            .code("custom_ca_bundle")
            .find_in(&errors, "plan with an unusable bundle");
    }
}
