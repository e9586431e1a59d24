//! The version a release says it is: `CHANGELOG.md`'s top entry, what the binary prints
//! and what it logs when Terraform starts it are all the workspace version of Cargo.toml
//! (the AWS user agent is checked by a unit test in `config.rs`).

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};

use terraform_provider_lambda::VERSION;
use tfplug::serve::handshake::{
    CLIENT_CERT_KEY, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTOCOL_VERSIONS_KEY,
};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-lambda");

#[test]
fn changelog_top_entry_is_the_cargo_version() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../CHANGELOG.md");
    let text = std::fs::read_to_string(&path).expect("CHANGELOG.md at the repository root");
    let top = text
        .lines()
        .find(|l| l.starts_with("## "))
        .expect("a `## VERSION (DATE)` heading");
    let version = top[3..].split_whitespace().next().unwrap_or_default();
    assert_eq!(version, VERSION, "top entry {top:?}");
    // The sections of the usual Terraform provider changelog, in order.
    let entry = text.split("\n## ").next().unwrap();
    let sections: Vec<&str> = entry
        .lines()
        .filter(|l| {
            l.ends_with(':')
                && l.chars()
                    .all(|c| c.is_ascii_uppercase() || c == ' ' || c == ':')
        })
        .collect();
    assert_eq!(
        sections,
        ["NOTES:", "FEATURES:", "ENHANCEMENTS:", "BUG FIXES:"]
    );
}

#[test]
fn version_flag_prints_the_cargo_version() {
    let out = Command::new(BINARY)
        .arg("--version")
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("terraform-provider-lambda {VERSION}")
    );
}

/// Started as Terraform starts it, the first log line (hclog JSON on stderr) names the
/// version.
#[test]
fn logs_its_version_when_terraform_starts_it() {
    let mut child = Command::new(BINARY)
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env(PROTOCOL_VERSIONS_KEY, "6")
        .env("TF_LOG_PROVIDER", "info")
        .env_remove(CLIENT_CERT_KEY)
        .env_remove("TF_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    // The handshake line means startup is over; the log line came before it.
    let mut handshake = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut handshake)
        .expect("handshake line");
    child.kill().expect("kill");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let _ = child.wait();
    assert!(handshake.starts_with("1|6|"), "{handshake:?}");
    let line = stderr
        .lines()
        .find(|l| l.contains("starting terraform-provider-lambda"))
        .unwrap_or_else(|| panic!("no startup line in {stderr}"));
    let json: serde_json::Value = serde_json::from_str(line).expect("hclog JSON");
    assert_eq!(json["@level"], "info", "{line}");
    assert_eq!(json["version"], VERSION, "{line}");
    assert_eq!(
        json["address"], "registry.terraform.io/lambdakit/lambda",
        "{line}"
    );
    assert_eq!(
        json["@message"],
        format!("starting terraform-provider-lambda {VERSION}"),
        "{line}"
    );
}

#[test]
fn started_by_hand_it_logs_nothing_before_its_explanation() {
    let out = Command::new(BINARY)
        .env_remove(MAGIC_COOKIE_KEY)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("starting terraform-provider-lambda"),
        "{stderr}"
    );
}
