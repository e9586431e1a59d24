//! The control API, the blocking start helper, persistence and the binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use acceptance_tests::{Emulator, EmulatorOptions, FailFunction};
use aws_sdk_lambda::types::CapacityProviderState;

use crate::*;

#[tokio::test]
async fn state_dump_reset_and_failures() {
    let emu = emulator().await;
    let client = lambda(&emu);
    create_capacity_provider(&client, "cp-fail").await;
    emu.fail_capacity_provider("cp-fail", "Insufficient capacity in subnets")
        .unwrap();
    let got = client
        .get_capacity_provider()
        .capacity_provider_name("cp-fail")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.capacity_provider().unwrap().state(),
        &CapacityProviderState::Failed
    );
    let state = raw(&emu, "GET", "/_emulator/state", None, "")
        .await
        .unwrap()
        .json();
    let cp = &state["capacity_providers"]["arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp-fail"];
    assert_eq!(cp["state"], "Failed");
    assert_eq!(cp["state_reason"], "Insufficient capacity in subnets");

    create_function(&client, "fails").send().await.unwrap();
    emu.fail_function(FailFunction::new(
        "fails",
        "InvalidSubnet",
        "Subnet has no free IPs",
    ))
    .unwrap();
    let conf = client
        .get_function_configuration()
        .function_name("fails")
        .send()
        .await
        .unwrap();
    assert_eq!(conf.state().map(|s| s.as_str()), Some("Failed"));
    assert_eq!(
        conf.state_reason_code().map(|s| s.as_str()),
        Some("InvalidSubnet")
    );
    assert_eq!(conf.state_reason(), Some("Subnet has no free IPs"));

    // Over HTTP too.
    let resp = raw(
        &emu,
        "POST",
        "/_emulator/functions/fail",
        None,
        r#"{"function_name":"ghost"}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 404);
    let resp = raw(
        &emu,
        "POST",
        "/_emulator/capacity-providers/fail",
        None,
        r#"{"name":"cp-fail","state_reason":"again"}"#,
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(
        raw(&emu, "GET", "/_emulator/unknown", None, "")
            .await
            .unwrap()
            .status,
        404
    );

    let reset = raw(&emu, "POST", "/_emulator/reset", None, "")
        .await
        .unwrap();
    assert_eq!(reset.status, 200);
    let state = emu.state();
    assert!(state["capacity_providers"].as_object().unwrap().is_empty());
    assert!(state["functions"].as_object().unwrap().is_empty());
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn state_file_survives_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let opts = EmulatorOptions {
        state_file: Some(path.clone()),
        ..EmulatorOptions::with_delays(DELAY)
    };
    let first = Emulator::start(opts.clone()).await.unwrap();
    create_capacity_provider(&lambda(&first), "persisted").await;
    first.shutdown().await;
    assert!(path.exists());

    let second = Emulator::start(opts).await.unwrap();
    // The Pending → Active deadline was persisted too.
    wait_capacity_provider_active(&lambda(&second), "persisted").await;
}

fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn blocking_start_for_synchronous_tests() {
    let handle = Emulator::start_blocking(EmulatorOptions::default()).unwrap();
    let addr = handle.addr();
    assert!(handle.url().starts_with("http://127.0.0.1:"));
    let response = http_get(addr, "/_emulator/health");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(handle.state()["functions"].as_object().unwrap().is_empty());
    drop(handle);
    // The server is gone once the handle is dropped.
    let refused = TcpStream::connect(addr).map(|mut s| {
        let _ = write!(
            s,
            "GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        );
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    });
    assert!(refused.map(|out| out.is_empty()).unwrap_or(true));
}

#[test]
fn binary_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambda-emulator"))
        .args(["--listen", "127.0.0.1:0", "--function-delay-ms", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.split_whitespace().last().unwrap().to_string();
    assert!(
        line.starts_with("lambda-emulator listening on http://127.0.0.1:"),
        "{line}"
    );
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let response = http_get(addr, "/_emulator/health");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(response.contains("\"status\":\"ok\""), "{response}");

    let help = Command::new(env!("CARGO_BIN_EXE_lambda-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--capacity-provider-delay-ms"));
    let bad = Command::new(env!("CARGO_BIN_EXE_lambda-emulator"))
        .arg("--nope")
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
