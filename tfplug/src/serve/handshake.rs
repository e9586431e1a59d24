//! The go-plugin start-up contract: magic cookie, protocol negotiation, the
//! handshake line and the reattach configuration.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine as _;
use serde::Serialize;

use super::ServeError;

/// Environment variable carrying Terraform's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform sets for [`MAGIC_COOKIE_KEY`].
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Protocol versions offered by Terraform, comma separated.
pub const PROTOCOL_VERSIONS_KEY: &str = "PLUGIN_PROTOCOL_VERSIONS";
/// The client certificate (PEM) for AutoMTLS.
pub const CLIENT_CERT_KEY: &str = "PLUGIN_CLIENT_CERT";
/// When set (non-empty), the plugin serves without TLS.
pub const DISABLE_TLS_KEY: &str = "TF_DISABLE_PLUGIN_TLS";

/// go-plugin's core protocol version (first handshake field).
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The application protocol version served: tfplugin6.
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// Shown on stderr when the binary is started by hand.
pub const NOT_A_PROGRAM_MESSAGE: &str = "This program is a Terraform provider plugin: it is not \
meant to be run directly. Run Terraform (or OpenTofu) instead, which starts its providers \
automatically. To debug the provider, start it with --debug and follow the instructions.";

/// Not go-plugin's: `tcp` makes the server listen on loopback TCP, as it does on
/// Windows, where it would use a unix socket (to test that transport on Linux).
pub const NETWORK_KEY: &str = "TFPLUG_NETWORK";

/// Variables go-plugin sets to the range of ports a plugin listening on TCP may use.
pub const MIN_PORT_KEY: &str = "PLUGIN_MIN_PORT";
/// See [`MIN_PORT_KEY`].
pub const MAX_PORT_KEY: &str = "PLUGIN_MAX_PORT";

/// Where a plugin server listens, as go-plugin names it in the handshake line and in
/// `TF_REATTACH_PROVIDERS`: a network and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    /// A unix socket (go-plugin's choice wherever there are unix sockets).
    Unix(PathBuf),
    /// TCP on the loopback interface (go-plugin's choice on Windows).
    Tcp(SocketAddr),
}

impl ListenAddr {
    /// go-plugin's network name: `unix` or `tcp`.
    pub fn network(&self) -> &'static str {
        match self {
            ListenAddr::Unix(_) => "unix",
            ListenAddr::Tcp(_) => "tcp",
        }
    }

    /// The address from the network and address fields of a handshake line (what
    /// [`handshake_line`] writes), or `None` for an unknown network or a bad address.
    pub fn from_handshake(network: &str, address: &str) -> Option<Self> {
        match network {
            "unix" => Some(ListenAddr::Unix(address.into())),
            "tcp" => address.parse().ok().map(ListenAddr::Tcp),
            _ => None,
        }
    }
}

/// The address as go-plugin writes it: the socket's path, or `127.0.0.1:PORT`.
impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Unix(path) => write!(f, "{}", path.display()),
            ListenAddr::Tcp(addr) => write!(f, "{addr}"),
        }
    }
}

/// Checks the magic cookie Terraform sets when it starts a plugin.
pub fn check_magic_cookie(value: Option<&str>) -> Result<(), ServeError> {
    match value {
        Some(v) if v == MAGIC_COOKIE_VALUE => Ok(()),
        _ => Err(ServeError::NotLaunchedByTerraform),
    }
}

/// Picks the protocol version to serve from `PLUGIN_PROTOCOL_VERSIONS`.
///
/// A missing variable means a client that predates negotiation; go-plugin then
/// assumes the plugin's own version, and so do we. A present list must offer 6.
pub fn negotiate_protocol(offered: Option<&str>) -> Result<u32, ServeError> {
    let Some(list) = offered.filter(|s| !s.trim().is_empty()) else {
        tracing::debug!("no protocol versions offered; assuming 6");
        return Ok(APP_PROTOCOL_VERSION);
    };
    let wanted = APP_PROTOCOL_VERSION.to_string();
    if list.split(',').map(str::trim).any(|v| v == wanted) {
        tracing::debug!(offered = list, "negotiated protocol version 6");
        Ok(APP_PROTOCOL_VERSION)
    } else {
        Err(ServeError::UnsupportedProtocol {
            offered: list.to_string(),
        })
    }
}

/// Formats the handshake line (without newline):
/// `1|6|<network>|<address>|grpc|<base64 of the server certificate, no padding>`.
///
/// The certificate part is empty when TLS is off.
pub fn handshake_line(addr: &ListenAddr, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|{}|{addr}|grpc|{cert}",
        addr.network()
    )
}

#[derive(Serialize)]
struct ReattachConfig<'a> {
    #[serde(rename = "Protocol")]
    protocol: &'static str,
    #[serde(rename = "ProtocolVersion")]
    protocol_version: u32,
    #[serde(rename = "Pid")]
    pid: u32,
    #[serde(rename = "Test")]
    test: bool,
    #[serde(rename = "Addr")]
    addr: ReattachAddr<'a>,
}

#[derive(Serialize)]
struct ReattachAddr<'a> {
    #[serde(rename = "Network")]
    network: &'static str,
    #[serde(rename = "String")]
    string: &'a str,
}

/// The JSON value for `TF_REATTACH_PROVIDERS` describing one provider.
///
/// `"Test": true` tells Terraform the process is not its to manage and that it
/// speaks the negotiated protocol (6) rather than the legacy default.
pub fn reattach_json(provider_address: &str, pid: u32, addr: &ListenAddr) -> String {
    let address = addr.to_string();
    let config = ReattachConfig {
        protocol: "grpc",
        protocol_version: APP_PROTOCOL_VERSION,
        pid,
        test: true,
        addr: ReattachAddr {
            network: addr.network(),
            string: &address,
        },
    };
    let providers = std::collections::BTreeMap::from([(provider_address, config)]);
    // Serializing plain structs with string keys cannot fail.
    serde_json::to_string(&providers).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie() {
        assert!(check_magic_cookie(Some(MAGIC_COOKIE_VALUE)).is_ok());
        assert!(matches!(
            check_magic_cookie(None),
            Err(ServeError::NotLaunchedByTerraform)
        ));
        assert!(check_magic_cookie(Some("nope")).is_err());
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate_protocol(Some("5,6")).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some("6, 5")).ok(), Some(6));
        assert_eq!(negotiate_protocol(None).ok(), Some(6));
        assert!(matches!(
            negotiate_protocol(Some("4,5")),
            Err(ServeError::UnsupportedProtocol { .. })
        ));
        assert!(negotiate_protocol(Some("60")).is_err());
    }

    #[test]
    fn line_format() {
        let socket = ListenAddr::Unix("/tmp/x/plugin.sock".into());
        let line = handshake_line(&socket, Some(&[1, 2, 3, 4]));
        assert_eq!(line, "1|6|unix|/tmp/x/plugin.sock|grpc|AQIDBA");
        let plain = handshake_line(&socket, None);
        assert_eq!(plain, "1|6|unix|/tmp/x/plugin.sock|grpc|");
        assert_eq!(
            ListenAddr::from_handshake("unix", "/tmp/x/plugin.sock"),
            Some(socket.clone())
        );
        let tcp = ListenAddr::Tcp(([127, 0, 0, 1], 10_123).into());
        assert_eq!(
            handshake_line(&tcp, Some(&[1, 2, 3, 4])),
            "1|6|tcp|127.0.0.1:10123|grpc|AQIDBA"
        );
        assert_eq!(
            ListenAddr::from_handshake("tcp", "127.0.0.1:10123"),
            Some(tcp)
        );
        assert_eq!(ListenAddr::from_handshake("tcp", "localhost"), None);
        assert_eq!(ListenAddr::from_handshake("udp", "127.0.0.1:1"), None);
    }

    #[test]
    fn reattach_format() {
        let json = reattach_json(
            "registry.terraform.io/a/b",
            42,
            &ListenAddr::Unix("/tmp/s".into()),
        );
        assert_eq!(
            json,
            r#"{"registry.terraform.io/a/b":{"Protocol":"grpc","ProtocolVersion":6,"Pid":42,"Test":true,"Addr":{"Network":"unix","String":"/tmp/s"}}}"#
        );
        let tcp = reattach_json(
            "registry.terraform.io/a/b",
            42,
            &ListenAddr::Tcp(([127, 0, 0, 1], 10_000).into()),
        );
        assert!(
            tcp.contains(r#""Addr":{"Network":"tcp","String":"127.0.0.1:10000"}"#),
            "{tcp}"
        );
    }
}
