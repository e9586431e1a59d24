//! `.goreleaser.yml` and `terraform-registry-manifest.json` against the Terraform
//! Registry's rules for a provider release (GoReleaser cannot run offline, so its
//! configuration is read and its name templates rendered here):
//!
//! - one zip per platform, `terraform-provider-lambda_VERSION_OS_ARCH.zip`, for
//!   linux, darwin and windows on amd64 and arm64;
//! - the binary in the zip named `terraform-provider-lambda_vVERSION` (`.exe` on
//!   windows);
//! - `terraform-provider-lambda_VERSION_manifest.json` (protocol 6.0) released and
//!   listed in `terraform-provider-lambda_VERSION_SHA256SUMS`;
//! - a detached GPG signature of the SHA256SUMS file, with the key from
//!   `GPG_FINGERPRINT`.
//!
//! The YAML is read by a small parser of the subset the file uses (block mappings and
//! sequences, plain and quoted scalars, one-line flow sequences): the workspace has no
//! YAML crate, and anything outside the subset fails the test rather than being
//! misread.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use terraform_provider_lambda::VERSION;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn config() -> Yaml {
    let text = std::fs::read_to_string(root().join(".goreleaser.yml")).expect(".goreleaser.yml");
    Yaml::parse(&text)
}

/// Renders a GoReleaser name template for one platform; fails on anything else.
fn render(template: &str, os: &str, arch: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed template action") + start;
        let value = match rest[start + 2..end].trim() {
            ".ProjectName" => "terraform-provider-lambda",
            ".Version" => VERSION,
            ".Os" => os,
            ".Arch" => arch,
            other => panic!("unexpected template action {other:?} in {template:?}"),
        };
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// GoReleaser's Rust builder's reading of a target triple: (os, arch).
fn platform_of(target: &str) -> (String, String) {
    let parts: Vec<&str> = target.split('-').collect();
    assert!(parts.len() >= 3, "{target} is not ARCH-VENDOR-OS[-ENV]");
    let arch = match parts[0] {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    (parts[2].to_string(), arch.to_string())
}

fn platforms() -> Vec<(String, String)> {
    let cfg = config();
    let build = &cfg.get("builds").seq()[0];
    build
        .get("targets")
        .seq()
        .iter()
        .map(|t| platform_of(t.str()))
        .collect()
}

#[test]
fn builds_every_platform_the_registry_expects_with_the_rust_builder() {
    let cfg = config();
    assert_eq!(cfg.get("version").str(), "2", "GoReleaser v2 configuration");
    assert_eq!(cfg.get("project_name").str(), "terraform-provider-lambda");
    let builds = cfg.get("builds").seq();
    assert_eq!(builds.len(), 1, "one build");
    let build = &builds[0];
    assert_eq!(build.get("builder").str(), "rust");
    assert_eq!(build.get("command").str(), "zigbuild");
    let flags: Vec<&str> = build.get("flags").seq().iter().map(Yaml::str).collect();
    for flag in [
        "--release",
        "--locked",
        "--package=terraform-provider-lambda",
    ] {
        assert!(flags.contains(&flag), "{flag} in {flags:?}");
    }

    let got: BTreeSet<(String, String)> = platforms().into_iter().collect();
    let want: BTreeSet<(String, String)> = ["linux", "darwin", "windows"]
        .iter()
        .flat_map(|os| ["amd64", "arm64"].map(|arch| (os.to_string(), arch.to_string())))
        .collect();
    assert_eq!(got, want);
    assert_eq!(platforms().len(), 6, "no platform built twice");
}

#[test]
fn the_binary_is_named_terraform_provider_lambda_v_version() {
    let cfg = config();
    let build = &cfg.get("builds").seq()[0];
    let binary = render(build.get("binary").str(), "linux", "amd64");
    assert_eq!(binary, format!("terraform-provider-lambda_v{VERSION}"));

    // The Rust builder copies target/TARGET/release/BINARY: the wrapper tool must put
    // Cargo's binary there under that name, which it reads from RELEASE_BINARY.
    let env: Vec<&str> = build.get("env").seq().iter().map(Yaml::str).collect();
    let release_binary = env
        .iter()
        .find_map(|e| e.strip_prefix("RELEASE_BINARY="))
        .expect("RELEASE_BINARY in the build's env");
    assert_eq!(release_binary, build.get("binary").str());
    let tool = build.get("tool").str();
    let tool_path = root().join(tool.trim_start_matches("./"));
    let script = std::fs::read_to_string(&tool_path).expect("the build tool exists");
    assert!(script.contains("cargo \"$@\""), "{script}");
    assert!(
        script.contains(r#"cp "$dir/terraform-provider-lambda$ext" "$dir/$RELEASE_BINARY$ext""#),
        "{script}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&tool_path).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{} is executable", tool_path.display());
    }
}

#[test]
fn archives_are_zips_named_for_the_registry() {
    let cfg = config();
    let archives = cfg.get("archives").seq();
    assert_eq!(archives.len(), 1);
    let archive = &archives[0];
    let formats: Vec<&str> = archive.get("formats").seq().iter().map(Yaml::str).collect();
    assert_eq!(formats, ["zip"]);
    // Only the binary goes in: `files` matches nothing.
    let files: Vec<&str> = archive.get("files").seq().iter().map(Yaml::str).collect();
    assert_eq!(files, ["none*"]);
    let template = archive.get("name_template").str();
    for (os, arch) in platforms() {
        let name = format!("{}.zip", render(template, &os, &arch));
        assert_eq!(
            name,
            format!("terraform-provider-lambda_{VERSION}_{os}_{arch}.zip")
        );
    }
}

#[test]
fn sha256sums_cover_the_manifest_and_are_signed_detached_with_gpg_fingerprint() {
    let cfg = config();
    let checksum = cfg.get("checksum");
    assert_eq!(checksum.get("algorithm").str(), "sha256");
    assert_eq!(
        render(checksum.get("name_template").str(), "", ""),
        format!("terraform-provider-lambda_{VERSION}_SHA256SUMS")
    );
    // The manifest is both a release asset and a line of SHA256SUMS, under the same name.
    for section in [checksum, cfg.get("release")] {
        let extra = section.get("extra_files").seq();
        assert_eq!(extra.len(), 1);
        assert_eq!(
            extra[0].get("glob").str(),
            "terraform-registry-manifest.json"
        );
        assert_eq!(
            render(extra[0].get("name_template").str(), "", ""),
            format!("terraform-provider-lambda_{VERSION}_manifest.json")
        );
    }

    let signs = cfg.get("signs").seq();
    assert_eq!(signs.len(), 1);
    let sign = &signs[0];
    assert_eq!(sign.get("artifacts").str(), "checksum");
    // Default command: gpg. Default signature: ${artifact}.sig, i.e.
    // terraform-provider-lambda_VERSION_SHA256SUMS.sig as the Registry expects.
    assert!(sign.opt("cmd").is_none_or(|c| c.str() == "gpg"));
    assert!(sign.opt("signature").is_none());
    let args: Vec<&str> = sign.get("args").seq().iter().map(Yaml::str).collect();
    let after = |flag: &str| {
        let i = args
            .iter()
            .position(|a| *a == flag)
            .unwrap_or_else(|| panic!("{flag} in {args:?}"));
        args.get(i + 1).copied().unwrap_or_default()
    };
    assert_eq!(after("--local-user"), "{{ .Env.GPG_FINGERPRINT }}");
    assert_eq!(after("--output"), "${signature}");
    assert_eq!(after("--detach-sign"), "${artifact}");
    assert!(args.contains(&"--batch"), "{args:?}");
}

#[test]
fn the_registry_manifest_declares_protocol_6() {
    let text = std::fs::read_to_string(root().join("terraform-registry-manifest.json"))
        .expect("terraform-registry-manifest.json at the repository root");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(manifest["version"], serde_json::json!(1));
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );
}

#[test]
fn the_parser_reads_the_subset_and_refuses_the_rest() {
    let y = Yaml::parse(
        "a: 1 # comment\nb:\n  - x\n  - k: 'it''s'\n    l: \"q\"\nc: [zip, 'tar.gz']\nd:\n- y\n",
    );
    assert_eq!(y.get("a").str(), "1");
    assert_eq!(y.get("b").seq()[0].str(), "x");
    assert_eq!(y.get("b").seq()[1].get("k").str(), "it's");
    assert_eq!(y.get("b").seq()[1].get("l").str(), "q");
    let c: Vec<&str> = y.get("c").seq().iter().map(Yaml::str).collect();
    assert_eq!(c, ["zip", "tar.gz"]);
    assert_eq!(y.get("d").seq()[0].str(), "y");
    for unsupported in [
        "a: &x 1\n",
        "a: |\n  text\n",
        "a: b\n    c: d\n",
        "a: 1\na: 2\n",
    ] {
        assert!(
            std::panic::catch_unwind(|| Yaml::parse(unsupported)).is_err(),
            "{unsupported:?} must be refused"
        );
    }
}

/// A YAML node of the subset `.goreleaser.yml` uses.
#[derive(Debug, Clone, PartialEq)]
enum Yaml {
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    fn parse(text: &str) -> Yaml {
        let mut lines: Vec<(usize, String)> = Vec::new();
        for raw in text.lines() {
            assert!(!raw.contains('\t'), "tab in {raw:?}");
            let content = strip_comment(raw).trim_end();
            if content.trim().is_empty() || content.trim() == "---" {
                continue;
            }
            let indent = content.len() - content.trim_start().len();
            lines.push((indent, content.trim_start().to_string()));
        }
        let mut i = 0;
        let doc = if lines.is_empty() {
            Yaml::Map(Vec::new())
        } else {
            parse_block(&mut lines, &mut i, 0)
        };
        assert_eq!(i, lines.len(), "unparsed line {:?}", lines.get(i));
        doc
    }

    fn opt(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            other => panic!("{key:?} looked up in a non-mapping {other:?}"),
        }
    }

    fn get(&self, key: &str) -> &Yaml {
        self.opt(key)
            .unwrap_or_else(|| panic!("no key {key:?} in {self:?}"))
    }

    fn str(&self) -> &str {
        match self {
            Yaml::Str(s) => s,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    fn seq(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(items) => items,
            other => panic!("not a sequence: {other:?}"),
        }
    }
}

/// The line without its comment (`#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev == ' ' => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

fn parse_block(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Yaml {
    if is_item(&lines[*i].1) {
        parse_seq(lines, i, indent)
    } else {
        parse_map(lines, i, indent)
    }
}

fn parse_seq(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Yaml {
    let mut items = Vec::new();
    while *i < lines.len() && lines[*i].0 == indent && is_item(&lines[*i].1) {
        let rest = lines[*i].1[1..].trim_start().to_string();
        if rest.is_empty() {
            *i += 1;
            assert!(*i < lines.len() && lines[*i].0 > indent, "empty item");
            let inner = lines[*i].0;
            items.push(parse_block(lines, i, inner));
        } else if split_key(&rest).is_some() {
            // `- key: value`: a mapping whose keys line up with `key`.
            let inner = indent + (lines[*i].1.len() - rest.len());
            lines[*i] = (inner, rest);
            items.push(parse_map(lines, i, inner));
        } else {
            items.push(scalar(&rest));
            *i += 1;
        }
    }
    if *i < lines.len() {
        assert!(lines[*i].0 < indent, "bad indentation at {:?}", lines[*i]);
    }
    Yaml::Seq(items)
}

fn parse_map(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Yaml {
    let mut entries: Vec<(String, Yaml)> = Vec::new();
    while *i < lines.len() && lines[*i].0 == indent && !is_item(&lines[*i].1) {
        let line = lines[*i].1.clone();
        let (key, value) = split_key(&line).unwrap_or_else(|| panic!("not `key: value`: {line:?}"));
        assert!(
            entries.iter().all(|(k, _)| k != key),
            "duplicate key {key:?}"
        );
        *i += 1;
        let node = if !value.is_empty() {
            scalar(value)
        } else if *i < lines.len()
            && (lines[*i].0 > indent || (lines[*i].0 == indent && is_item(&lines[*i].1)))
        {
            let inner = lines[*i].0;
            parse_block(lines, i, inner)
        } else {
            Yaml::Str(String::new())
        };
        entries.push((key.to_string(), node));
    }
    if *i < lines.len() {
        assert!(lines[*i].0 < indent, "bad indentation at {:?}", lines[*i]);
    }
    Yaml::Map(entries)
}

/// `key: value` or `key:` with a plain key.
fn split_key(content: &str) -> Option<(&str, &str)> {
    if content.starts_with(['\'', '"', '[', '{']) {
        return None;
    }
    let colon = content
        .char_indices()
        .find(|&(i, c)| c == ':' && content[i + 1..].chars().next().is_none_or(|n| n == ' '))?
        .0;
    let key = &content[..colon];
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return None;
    }
    Some((key.trim(), content[colon + 1..].trim()))
}

fn scalar(text: &str) -> Yaml {
    let text = text.trim();
    assert!(
        !text.starts_with(['&', '*', '|', '>', '{', '!', '%', '@', '`']),
        "unsupported YAML: {text:?}"
    );
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']').expect("one-line flow sequence");
        let items = inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(scalar)
            .collect();
        return Yaml::Seq(items);
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').expect("closed single quote");
        return Yaml::Str(inner.replace("''", "'"));
    }
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"').expect("closed double quote");
        assert!(!inner.contains('\\'), "escapes are not supported: {text:?}");
        return Yaml::Str(inner.to_string());
    }
    Yaml::Str(text.to_string())
}
