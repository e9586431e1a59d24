//! `serve` end to end in a child process, as Terraform runs it: environment,
//! handshake line on stdout, AutoMTLS, controller shutdown, signals, debug mode.
//!
//! The child is this very test executable, re-run with `--exact child_entry` and
//! `TFPLUG_SERVE_TEST_CHILD` set; libtest's own output lines on stdout are skipped
//! by the parent while it looks for the handshake.

#[path = "serve_support.rs"]
mod support;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use support::{ADDRESS, MinimalProvider, handshake_fields, p521_client_cert, tls_channel};
use tfplug::proto::plugin::{Empty, grpc_controller_client::GrpcControllerClient};
use tfplug::proto::tfplugin6::{get_provider_schema, provider_client::ProviderClient};
use tfplug::serve::handshake::MAGIC_COOKIE_VALUE;
use tfplug::serve::{ListenAddr, ServeError, ServeOptions, serve};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

const CHILD_ENV: &str = "TFPLUG_SERVE_TEST_CHILD";

/// Entry point of the child process; a no-op in a normal test run.
#[test]
fn child_entry() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let opts = ServeOptions::from_args(
        ADDRESS,
        [mode.clone()].into_iter().filter(|m| m == "--debug"),
    );
    let outcome = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), serve(MinimalProvider, opts)).await
    });
    let code = match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(err)) => {
            eprintln!("serve failed: {err}");
            1
        }
        Err(_) => 2,
    };
    std::process::exit(code);
}

fn child(mode: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, mode)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Reads stdout lines until one satisfies `pick` (libtest's own lines are skipped).
async fn read_until(stdout: &mut BufReader<ChildStdout>, pick: impl Fn(&str) -> bool) -> String {
    let fut = async {
        let mut line = String::new();
        loop {
            line.clear();
            let n = stdout.read_line(&mut line).await.unwrap();
            assert!(n > 0, "child closed stdout before the expected line");
            if pick(&line) {
                return line.trim_end().to_string();
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .expect("child printed the expected line in time")
}

async fn wait_exit(child: &mut Child, within: Duration) -> i32 {
    let status = tokio::time::timeout(within, child.wait())
        .await
        .expect("child exited in time")
        .unwrap();
    status.code().expect("exited normally")
}

fn send_signal(child: &Child, signal: &str) {
    let pid = child.id().unwrap().to_string();
    let ok = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {signal} {pid}");
}

struct Started {
    child: Child,
    addr: ListenAddr,
    channel: tonic::transport::Channel,
}

/// Starts the child like Terraform does and connects with the pinned P-521 cert.
async fn start_managed_child() -> Started {
    let started = start_managed_child_with(&[]).await;
    assert!(
        matches!(started.addr, ListenAddr::Unix(_)),
        "{}",
        started.addr
    );
    started
}

/// The path of a unix socket address.
fn unix_socket(addr: ListenAddr) -> PathBuf {
    match addr {
        ListenAddr::Unix(path) => path,
        other => panic!("expected a unix socket, got {other}"),
    }
}

/// [`start_managed_child`] with more environment variables.
async fn start_managed_child_with(env: &[(&str, &str)]) -> Started {
    let (cert, key, pem) = p521_client_cert();
    let mut child = child("normal")
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", &pem)
        .envs(env.iter().copied())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // libtest may print "test child_entry ... " on the same line first.
    let line = read_until(&mut stdout, |l| l.contains("1|6|")).await;
    let line = &line[line.find("1|6|").unwrap()..];
    let fields = handshake_fields(line);
    assert_eq!(fields.len(), 6, "{line}");
    assert_eq!(fields[4], "grpc");
    let addr = ListenAddr::from_handshake(&fields[2], &fields[3])
        .unwrap_or_else(|| panic!("no address in {line}"));
    use base64::Engine as _;
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&fields[5])
        .unwrap();
    let channel = tls_channel(&addr, &server_cert, Some((cert, key)))
        .await
        .expect("mTLS connection");
    Started {
        child,
        addr,
        channel,
    }
}

#[tokio::test]
async fn controller_shutdown_ends_serve() {
    let Started {
        mut child,
        addr,
        channel,
    } = start_managed_child().await;
    let socket = unix_socket(addr);

    let health = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap();
    assert_eq!(health.into_inner().status, ServingStatus::Serving as i32);
    ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();

    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("Shutdown answered");
    // Terraform kills the plugin 2 s after asking; we must be gone well before.
    assert_eq!(wait_exit(&mut child, Duration::from_secs(2)).await, 0);
    assert!(!socket.exists(), "socket removed");
    assert!(
        !socket.parent().unwrap().exists(),
        "socket directory removed"
    );
}

/// What Terraform on Windows gets (there go-plugin's servers listen on loopback TCP in
/// `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`), tried here with `TFPLUG_NETWORK=tcp`.
#[tokio::test]
async fn serves_on_loopback_tcp_in_go_plugins_port_range() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let min = probe.local_addr().unwrap().port();
    drop(probe);
    let Some(max) = min.checked_add(50) else {
        return; // the system handed out a port at the very top; no range to give
    };
    let (min_s, max_s) = (min.to_string(), max.to_string());
    let Started {
        mut child,
        addr,
        channel,
    } = start_managed_child_with(&[
        ("TFPLUG_NETWORK", "tcp"),
        ("PLUGIN_MIN_PORT", &min_s),
        ("PLUGIN_MAX_PORT", &max_s),
    ])
    .await;
    let ListenAddr::Tcp(tcp) = addr else {
        panic!("expected loopback TCP, got {addr}");
    };
    assert!(tcp.ip().is_loopback(), "{tcp}");
    assert!(
        (min..=max).contains(&tcp.port()),
        "{tcp} not in {min}..={max}"
    );
    ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema over TCP with mutual TLS");
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("Shutdown answered");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(2)).await, 0);
}

#[tokio::test]
async fn sigterm_stops_gracefully_with_open_connection() {
    let Started {
        mut child,
        addr,
        channel,
    } = start_managed_child().await;
    let socket = unix_socket(addr);
    // An idle client connection (with go-plugin's stdio stream open) must not
    // hold the shutdown up.
    let mut stdio = tfplug::proto::plugin::grpc_stdio_client::GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();
    send_signal(&child, "-TERM");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(5)).await, 0);
    assert!(stdio.message().await.map(|m| m.is_none()).unwrap_or(true));
    assert!(
        !socket.parent().unwrap().exists(),
        "socket directory removed"
    );
}

/// A terminal's Ctrl-C reaches the provider as well as Terraform. The provider leaves it
/// to Terraform, which forwards it as StopProvider: a provider that began shutting down
/// on it refused that call, and the waits StopProvider cancels ran on.
#[tokio::test]
async fn sigint_is_left_to_terraform_which_stops_the_provider() {
    let Started {
        mut child,
        addr,
        channel,
    } = start_managed_child().await;
    let socket = unix_socket(addr);
    send_signal(&child, "-INT");
    // Signals arrive asynchronously: give the handler time to act, were it to.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the provider exited on SIGINT"
    );
    // New calls are still taken (a shutdown refuses them): Terraform's StopProvider is.
    ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("still serving after SIGINT");
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("Shutdown answered");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(2)).await, 0);
    assert!(!socket.exists(), "socket removed");
}

#[tokio::test]
async fn started_by_hand_explains_and_exits_1() {
    let out = child("normal").output().await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not meant to be run directly"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.lines().any(|l| l.starts_with("1|")), "no handshake");
}

#[tokio::test]
async fn missing_magic_cookie_is_an_error() {
    let opts = ServeOptions::new(ADDRESS).with_env([("PLUGIN_PROTOCOL_VERSIONS", "6")]);
    let err = serve(MinimalProvider, opts).await.unwrap_err();
    assert!(matches!(err, ServeError::NotLaunchedByTerraform), "{err}");

    let wrong = ServeOptions::new(ADDRESS).with_env([("TF_PLUGIN_MAGIC_COOKIE", "wrong")]);
    assert!(matches!(
        serve(MinimalProvider, wrong).await,
        Err(ServeError::NotLaunchedByTerraform)
    ));
}

#[tokio::test]
async fn protocol_without_6_is_an_error() {
    let opts = ServeOptions::new(ADDRESS).with_env([
        ("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE),
        ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
    ]);
    let err = serve(MinimalProvider, opts).await.unwrap_err();
    assert!(
        matches!(err, ServeError::UnsupportedProtocol { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn debug_mode_prints_reattach_and_stops_on_ctrl_c() {
    let mut child = child("--debug").spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let line = read_until(&mut stdout, |l| l.contains("TF_REATTACH_PROVIDERS=")).await;
    let json = line
        .trim()
        .strip_prefix("TF_REATTACH_PROVIDERS='")
        .and_then(|s| s.strip_suffix('\''))
        .expect("quoted value");
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let entry = &value[ADDRESS];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id().unwrap());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().unwrap());

    let channel = support::plain_channel(&ListenAddr::Unix(socket.clone()))
        .await
        .unwrap();
    ProviderClient::new(channel)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();

    send_signal(&child, "-INT");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(5)).await, 0);
    assert!(!socket.exists());
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped yet).
fn ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

#[tokio::test]
async fn exits_by_itself_when_terraform_is_killed() {
    // A shell stands in for Terraform: it starts the provider, then is killed with -9.
    let exe = std::env::current_exe().unwrap();
    let mut terraform = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" --exact child_entry --nocapture --test-threads=1 & echo \"child=$!\"; wait")
        .arg(&exe)
        .env(CHILD_ENV, "normal")
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("TF_DISABLE_PLUGIN_TLS", "1")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(terraform.stdout.take().unwrap());
    let line = read_until(&mut stdout, |l| l.starts_with("child=")).await;
    let pid = line.trim_start_matches("child=").to_string();
    read_until(&mut stdout, |l| l.contains("1|6|")).await;
    assert!(!ended(&pid), "the provider runs");

    send_signal(&terraform, "-KILL");
    let _ = terraform.wait().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !ended(&pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "the provider {pid} still runs 10 s after Terraform was killed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
