//! The `terraform-provider-lambda` binary: serves the provider to Terraform.
//!
//! `terraform-provider-lambda --version` prints the version; `--debug` serves in
//! reattach mode (prints `TF_REATTACH_PROVIDERS`).

use std::process::ExitCode;

use terraform_provider_lambda::{LambdaProvider, PROVIDER_ADDRESS, VERSION};
use tfplug::serve::{ServeError, ServeOptions, serve};
use tfplug::server::ProviderService;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|a| a == "--version" || a == "-version" || a == "version")
    {
        println!("terraform-provider-lambda {VERSION}");
        return ExitCode::SUCCESS;
    }
    tfplug::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
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
