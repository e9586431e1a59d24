//! `tools/release` end to end: it packages the provider binary built for these tests
//! (`--binary`, so no release build is needed) into a temporary filesystem mirror and
//! dist directory; a plain `terraform init` with a CLI configuration that only knows
//! that mirror (no registry, no network, no dev_overrides) installs
//! `lambdakit/lambda` at the Cargo version and locks the checksum of exactly that
//! binary; `terraform validate` then runs against the provider's schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use sha2::{Digest, Sha256};
use terraform_provider_lambda::VERSION;

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-lambda");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn show(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Terraform's `h1:` hash of an unpacked provider directory holding one file: the
/// SHA-256 of the line `SHA256HEX  NAME\n`, in base64.
fn h1_of_single_file(name: &str, bytes: &[u8]) -> String {
    let summary = format!("{}  {name}\n", sha256_hex(bytes));
    let digest = Sha256::digest(summary.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

/// The names of the entries of a zip file, from its central directory.
fn zip_entries(bytes: &[u8]) -> Vec<(String, u32)> {
    let eocd = bytes
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .expect("end of central directory");
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
    let count = u16_at(eocd + 10);
    let mut at = u32_at(eocd + 16) as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(&bytes[at..at + 4], b"PK\x01\x02", "central directory entry");
        let name_len = u16_at(at + 28);
        let extra_len = u16_at(at + 30);
        let comment_len = u16_at(at + 32);
        let external = u32_at(at + 38);
        let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
        entries.push((name, external >> 16));
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

#[test]
fn release_installs_into_a_mirror_that_terraform_init_uses_and_locks() {
    let tmp = tempfile::tempdir().unwrap();
    let mirror = tmp.path().join("mirror");
    let dist = tmp.path().join("dist");
    let out = Command::new("bash")
        .arg(root().join("tools/release"))
        .args(["--binary", BINARY])
        .arg("--mirror")
        .arg(&mirror)
        .arg("--dist")
        .arg(&dist)
        .output()
        .expect("runs tools/release");
    assert!(out.status.success(), "{}", show(&out));

    // The release files, named as the Registry names them.
    let zip_name = format!("terraform-provider-lambda_{VERSION}_{}.zip", platform());
    let manifest_name = format!("terraform-provider-lambda_{VERSION}_manifest.json");
    let sums_name = format!("terraform-provider-lambda_{VERSION}_SHA256SUMS");
    let bin_name = format!("terraform-provider-lambda_v{VERSION}");
    let zip = std::fs::read(dist.join(&zip_name)).expect("the zip");
    assert_eq!(zip_entries(&zip), [(bin_name.clone(), 0o100755)]);
    let manifest = std::fs::read(dist.join(&manifest_name)).expect("the manifest");
    assert_eq!(
        manifest,
        std::fs::read(root().join("terraform-registry-manifest.json")).unwrap()
    );
    let sums = std::fs::read_to_string(dist.join(&sums_name)).expect("SHA256SUMS");
    assert_eq!(
        sums,
        format!(
            "{}  {zip_name}\n{}  {manifest_name}\n",
            sha256_hex(&zip),
            sha256_hex(&manifest)
        )
    );

    // The mirror's unpacked layout.
    let installed = mirror
        .join("registry.terraform.io/lambdakit/lambda")
        .join(VERSION)
        .join(platform())
        .join(&bin_name);
    let binary = std::fs::read(BINARY).unwrap();
    assert_eq!(std::fs::read(&installed).expect("installed binary"), binary);

    // terraform init with only that mirror: no registry, no dev_overrides.
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let cli_config = tmp.path().join("terraformrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n  }}\n}}\n",
            mirror.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        work.join("main.tf"),
        format!(
            r#"terraform {{
  required_providers {{
    lambda = {{
      source  = "lambdakit/lambda"
      version = "{VERSION}"
    }}
  }}
}}

provider "lambda" {{
  region                      = "us-east-1"
  skip_credentials_validation = true
}}

data "lambda_capacity_provider" "existing" {{
  name = "example"
}}
"#
        ),
    )
    .unwrap();
    let terraform = |args: &[&str]| {
        Command::new("terraform")
            .args(args)
            .current_dir(&work)
            .env("TF_CLI_CONFIG_FILE", &cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .env_remove("TF_CLI_ARGS")
            .env_remove("TF_CLI_ARGS_init")
            .env_remove("TF_REATTACH_PROVIDERS")
            .output()
            .expect("terraform runs")
    };
    let init = terraform(&["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", show(&init));
    let lock = std::fs::read_to_string(work.join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains("provider \"registry.terraform.io/lambdakit/lambda\""),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    let h1 = h1_of_single_file(&bin_name, &binary);
    assert!(
        lock.contains(&format!("\"{h1}\"")),
        "the lock records {h1} (the installed binary):\n{lock}"
    );

    let validate = terraform(&["validate", "-no-color"]);
    assert!(validate.status.success(), "{}", show(&validate));
    assert!(
        String::from_utf8_lossy(&validate.stdout).contains("The configuration is valid"),
        "{}",
        show(&validate)
    );

    // The schema is the provider's: an argument it does not have is refused.
    std::fs::write(
        work.join("bad.tf"),
        "data \"lambda_capacity_provider\" \"bad\" {\n  name          = \"x\"\n  no_such_thing = 1\n}\n",
    )
    .unwrap();
    let invalid = terraform(&["validate", "-no-color"]);
    assert!(!invalid.status.success(), "{}", show(&invalid));
    assert!(
        String::from_utf8_lossy(&invalid.stderr).contains("no_such_thing"),
        "{}",
        show(&invalid)
    );
}
