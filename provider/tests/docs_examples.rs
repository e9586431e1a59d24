//! Every ```terraform block of every page under `docs/` (provider page, guides,
//! resources, data sources, actions) is valid configuration: the real `terraform
//! validate` (Terraform 1.15, which knows `action` and `list` blocks) accepts each page's
//! blocks together, as one module, with this provider served through `dev_overrides`.
//!
//! How a page becomes a module:
//! - each block is a file of its own; a block with a `list` block is a `*.tfquery.hcl`
//!   file (where Terraform reads list blocks), the others are `*.tf` files;
//! - the `required_providers` entry and a `provider "lambda"` block are added when the
//!   page has none;
//! - zip packages the page names through `filebase64sha256("…")` are created (an empty
//!   zip), since `validate` evaluates that function;
//! - blocks holding only an `import` block are alternatives for the same resource (by
//!   ID, by identity): each is validated with the page's other blocks, one at a time.
//!
//! References to resources must be declared on the same page: the examples are
//! self-contained. Snippets that are not configuration use ```console or ```shell.

mod support;

use std::path::{Path, PathBuf};

use support::provider_dir;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

/// Every Markdown page under `dir`, recursively, sorted.
fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(pages(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The contents of the page's ```terraform blocks, in order.
fn terraform_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match &mut current {
            None if line.trim_end() == "```terraform" => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```terraform block");
    blocks
}

/// Whether a block is an `import` block alone.
fn is_import_alone(block: &str) -> bool {
    block.trim_start().starts_with("import {") && !block.contains("resource \"")
}

/// Whether a block holds a `list` block (a query file's content).
fn is_query(block: &str) -> bool {
    block.lines().any(|l| l.starts_with("list \""))
}

/// The packages a block names through `filebase64sha256("…")`, relative to the module.
fn packages(block: &str) -> Vec<String> {
    block
        .split("filebase64sha256(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|p| p.trim_start_matches("${path.module}/").to_string())
        .collect()
}

/// An empty zip archive (end of central directory record only).
const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// Validates one module made of `blocks` (indices into the page's blocks); the error,
/// naming the page, when terraform refuses it.
fn validate(page: &str, terraform: &Path, blocks: &[(usize, &String)]) -> Result<(), String> {
    let wd = tfplug::testing::Workdir::dev_override(
        acceptance_tests::harness::PROVIDER_SOURCE,
        &provider_dir(),
    )
    .map_err(|e| format!("{page}: creating the working directory: {e}"))?
    .with_terraform(terraform);
    let dir = wd.path().to_path_buf();
    let write = |name: &str, text: &[u8]| {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };
    let all: String = blocks.iter().map(|(_, b)| b.as_str()).collect();
    for (index, block) in blocks {
        let name = if is_query(block) {
            format!("block{index}.tfquery.hcl")
        } else {
            format!("block{index}.tf")
        };
        write(&name, block.as_bytes());
        for package in packages(block) {
            write(&package, EMPTY_ZIP);
        }
    }
    if !all.contains("required_providers") {
        write(
            "zz_required_providers.tf",
            b"terraform {\n  required_providers {\n    lambda = {\n      source = \"lambdakit/lambda\"\n    }\n  }\n}\n",
        );
    }
    if !all.lines().any(|l| l.starts_with("provider \"lambda\"")) {
        write(
            "zz_provider.tf",
            b"provider \"lambda\" {\n  region = \"us-east-1\"\n}\n",
        );
    }
    let indices: Vec<usize> = blocks.iter().map(|(i, _)| *i).collect();
    wd.run(&["validate", "-no-color"])
        .map(|_| ())
        .map_err(|e| format!("{page} (terraform blocks {indices:?}): {e}"))
}

#[test]
fn every_terraform_block_of_the_docs_validates() {
    if !tfplug::testing::terraform_available() {
        eprintln!("terraform not found: skipping");
        return;
    }
    let terraform = tfplug::testing::require_terraform_1_15();
    let root = docs_dir();
    let mut failures = Vec::new();
    let mut validated = Vec::new();
    for path in pages(&root) {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let blocks = terraform_blocks(&text);
        if blocks.is_empty() {
            continue;
        }
        let imports: Vec<usize> = (0..blocks.len())
            .filter(|&i| is_import_alone(&blocks[i]))
            .collect();
        let variants: Vec<Option<usize>> = if imports.is_empty() {
            vec![None]
        } else {
            imports.iter().copied().map(Some).collect()
        };
        for keep in variants {
            let chosen: Vec<(usize, &String)> = blocks
                .iter()
                .enumerate()
                .filter(|(i, _)| !imports.contains(i) || Some(*i) == keep)
                .collect();
            if let Err(e) = validate(&name, &terraform, &chosen) {
                failures.push(e);
            }
        }
        validated.push(name);
    }
    for expected in [
        "index.md",
        "guides/getting-started.md",
        "guides/durable-workflows.md",
        "guides/importing.md",
        "guides/migrating-from-aws-provider.md",
        "resources/durable_function.md",
        "actions/start_durable_execution.md",
    ] {
        assert!(
            validated.iter().any(|v| v == expected),
            "{expected} has no ```terraform block to validate: {validated:?}"
        );
    }
    assert!(
        failures.is_empty(),
        "terraform validate refused examples of the docs:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn the_block_extraction_sees_fences_as_written() {
    let page = "x\n```terraform\na = 1\n```\n```console\n% terraform import x y\n```\n```terraform\nlist \"t\" \"n\" {}\n```\n";
    let blocks = terraform_blocks(page);
    assert_eq!(blocks, vec!["a = 1\n", "list \"t\" \"n\" {}\n"]);
    assert!(is_query(&blocks[1]) && !is_query(&blocks[0]));
    assert!(is_import_alone("import {\n  to = a.b\n  id = \"x\"\n}\n"));
    assert_eq!(
        packages(
            "x = filebase64sha256(\"${path.module}/build/a.zip\")\ny = filebase64sha256(\"b.zip\")"
        ),
        vec!["build/a.zip", "b.zip"]
    );
}
