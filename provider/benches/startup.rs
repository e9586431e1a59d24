//! Start-up of the real provider binary, measured the way Terraform experiences it:
//! from exec (with Terraform's environment and a P-521 AutoMTLS client certificate) to a
//! served `GetProviderSchema`, and the process's peak resident set size by then.
//!
//! `cargo bench -p terraform-provider-lambda --bench startup` (release build). Prints
//! min / median / p90 / max over the runs; `STARTUP_RUNS` sets the count (default 30),
//! `STARTUP_BIN` another binary to start instead of this build's (another build, or a
//! script that runs the Windows build under Wine).

use std::time::{Duration, Instant};

use tfplug::proto::tfplugin6::get_provider_schema;
use tfplug::testing::launch::LaunchedProvider;

struct Sample {
    to_handshake: Duration,
    to_schema: Duration,
    peak_rss_kib: u64,
    schema_bytes: usize,
}

async fn one(binary: &std::path::Path) -> Result<Sample, String> {
    let start = Instant::now();
    let launched = LaunchedProvider::launch(binary)
        .await
        .map_err(|e| e.to_string())?;
    let schema = launched
        .provider()
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .map_err(|e| e.to_string())?
        .into_inner();
    let to_schema = start.elapsed();
    let peak_rss_kib = launched.peak_rss_kib().unwrap_or(0);
    let sample = Sample {
        to_handshake: launched.time_to_handshake,
        to_schema,
        peak_rss_kib,
        schema_bytes: prost::Message::encoded_len(&schema),
    };
    launched.shutdown().await;
    Ok(sample)
}

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!(
        "min {:.2}  median {:.2}  p90 {:.2}  max {:.2}",
        at(0.0),
        at(0.5),
        at(0.9),
        at(1.0)
    )
}

fn main() {
    // `cargo bench` passes `--bench`; when run as a test (`cargo test --benches`) do one run.
    let as_test = !std::env::args().any(|a| a == "--bench");
    let runs: usize = if as_test {
        1
    } else {
        std::env::var("STARTUP_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(30)
    };
    let binary = std::env::var_os("STARTUP_BIN").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-lambda")),
        std::path::PathBuf::from,
    );
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            std::process::exit(1);
        }
    };
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        match rt.block_on(one(&binary)) {
            Ok(s) => samples.push(s),
            Err(e) => {
                eprintln!("launch failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let ms = |f: fn(&Sample) -> Duration| {
        samples
            .iter()
            .map(|s| f(s).as_secs_f64() * 1000.0)
            .collect::<Vec<_>>()
    };
    println!("binary: {}", binary.display());
    println!("runs: {runs}, schema: {} bytes", samples[0].schema_bytes);
    println!(
        "exec -> handshake line (ms):      {}",
        stats(ms(|s| s.to_handshake))
    );
    println!(
        "exec -> GetProviderSchema (ms):   {}",
        stats(ms(|s| s.to_schema))
    );
    println!(
        "peak RSS (MiB):                   {}",
        stats(
            samples
                .iter()
                .map(|s| s.peak_rss_kib as f64 / 1024.0)
                .collect()
        )
    );
}
