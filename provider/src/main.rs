//! The `terraform-provider-lambda` binary: serves the provider to Terraform.
//!
//! `terraform-provider-lambda --version` prints the version; `--debug` serves in
//! reattach mode (prints `TF_REATTACH_PROVIDERS`); `terraform-provider-lambda docs
//! [--dir PATH]` writes the reference of the pages under `docs/` from the schemas
//! (resources, data sources and actions); `terraform-provider-lambda review PLAN.json`
//! reviews a saved plan (see [`terraform_provider_lambda::review`]);
//! `terraform-provider-lambda schemas [--dir PATH]` writes the JSON Schemas of `schemas/`
//! (see [`terraform_provider_lambda::json_schema`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use terraform_provider_lambda::{
    LambdaProvider, PROVIDER_ADDRESS, VERSION, docs, json_schema, review,
};
use tfplug::serve::{ServeError, ServeOptions, serve};
use tfplug::server::ProviderService;

/// mimalloc instead of musl's allocator in the static release binaries (see
/// provider/Cargo.toml for why).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|a| a == "--version" || a == "-version" || a == "version")
    {
        println!("terraform-provider-lambda {VERSION}");
        return ExitCode::SUCCESS;
    }
    // A CLI subcommand: it runs without Terraform's magic cookie.
    if args.first().is_some_and(|a| a == "docs") {
        return docs_command(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "schemas") {
        return schemas_command(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "review") {
        let outcome = review::cli::run_review(
            &args[1..],
            |p| std::fs::read_to_string(p),
            &review::online::ec2_facts_blocking,
        );
        print!("{}", outcome.stdout);
        eprint!("{}", outcome.stderr);
        return ExitCode::from(outcome.status);
    }
    tfplug::logging::init_quieting(terraform_provider_lambda::aws::SDK_LOG_TARGETS);
    // Only when Terraform (or a debugger) runs it: someone who starts the binary by hand
    // gets serve's explanation without a log line before it.
    let by_terraform = std::env::var_os(tfplug::serve::handshake::MAGIC_COOKIE_KEY).is_some();
    if by_terraform
        || args
            .iter()
            .any(|a| a.starts_with("--debug") || a == "-debug")
    {
        tracing::info!(
            version = VERSION,
            address = PROVIDER_ADDRESS,
            "starting terraform-provider-lambda {VERSION}"
        );
    }
    // One thread: the provider waits on AWS far more than it computes, and Terraform runs
    // beside it on the same cores. A work-stealing pool spent a fifth of the provider's
    // CPU in a plan on waking and parking threads (docs/performance.md).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-lambda: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let opts = ServeOptions::from_args(PROVIDER_ADDRESS, args.into_iter());
    let result = runtime.block_on(serve(ProviderService::new(LambdaProvider::new()), opts));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // serve already printed the explanation for people who run the binary directly.
        Err(ServeError::NotLaunchedByTerraform) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("terraform-provider-lambda: {e}");
            ExitCode::FAILURE
        }
    }
}

const DOCS_USAGE: &str = "usage: terraform-provider-lambda docs [--dir PATH]\n\n\
Writes the argument and attribute reference of docs/resources/*.md,\n\
docs/data-sources/*.md and docs/actions/*.md from the provider's schemas (run from the\n\
repository root; --dir defaults to `docs`). Only the text between the generated-schema\n\
markers changes.";

const SCHEMAS_USAGE: &str = "usage: terraform-provider-lambda schemas [--dir PATH]\n\n\
Writes the JSON Schemas of each resource's configuration (<type>.schema.json) and of the\n\
review's JSON findings (review-findings.schema.json) from the provider's own types (run\n\
from the repository root; --dir defaults to `schemas`). See schemas/README.md.";

/// `schemas [--dir PATH]`: prints the files it wrote; errors go to stderr with exit 1.
fn schemas_command(args: &[String]) -> ExitCode {
    generate_command("schemas", SCHEMAS_USAGE, args, |dir| {
        json_schema::write_files(dir).map_err(|e| e.to_string())
    })
}

/// `docs [--dir PATH]`: prints the files it wrote; errors go to stderr with exit 1.
fn docs_command(args: &[String]) -> ExitCode {
    generate_command("docs", DOCS_USAGE, args, |dir| {
        docs::write_docs(dir, &docs::provider_pages()).map_err(|e| e.to_string())
    })
}

/// A subcommand that writes generated files under `--dir` (default: its own name) with
/// `write`, then lists what it wrote.
fn generate_command(
    name: &str,
    usage: &str,
    args: &[String],
    write: impl FnOnce(&Path) -> Result<docs::Report, String>,
) -> ExitCode {
    let dir = match dir_argument(args, name) {
        Ok(Some(dir)) => dir,
        Ok(None) => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("terraform-provider-lambda {name}: {message}\n\n{usage}");
            return ExitCode::FAILURE;
        }
    };
    match write(&dir) {
        Ok(report) => {
            for path in &report.written {
                println!("wrote {}", path.display());
            }
            println!(
                "{} written, {} already up to date",
                report.written.len(),
                report.unchanged.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("terraform-provider-lambda {name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The directory from a subcommand's `--dir` argument (`default` without one); `None`
/// when help was asked for.
fn dir_argument(args: &[String], default: &str) -> Result<Option<PathBuf>, String> {
    let mut dir = PathBuf::from(default);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--dir" => match rest.next() {
                Some(path) => dir = PathBuf::from(path),
                None => return Err("--dir needs a path".to_string()),
            },
            other => match other.strip_prefix("--dir=") {
                Some(path) => dir = PathBuf::from(path),
                None => return Err(format!("unexpected argument {other:?}")),
            },
        }
    }
    Ok(Some(dir))
}
