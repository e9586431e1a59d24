//! The real `terraform-provider-lambda` binary, started the way Terraform starts it
//! (magic cookie, protocol negotiation, P-521 AutoMTLS client certificate): it serves
//! its schema and exits cleanly on go-plugin's Shutdown. Started by hand, it explains
//! itself and exits 1.

use tfplug::proto::tfplugin6::get_provider_schema;
use tfplug::testing::launch::LaunchedProvider;

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-lambda");

#[tokio::test]
async fn serves_its_schema_over_mtls_and_shuts_down_cleanly() {
    let launched = LaunchedProvider::launch(std::path::Path::new(BINARY))
        .await
        .expect("provider starts and completes the handshake");
    let schema = launched
        .provider()
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert!(schema.diagnostics.is_empty(), "{:?}", schema.diagnostics);
    let provider_block = schema
        .provider
        .and_then(|p| p.block)
        .expect("provider block");
    let names: Vec<_> = provider_block
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert!(names.contains(&"region"), "{names:?}");
    assert!(
        schema
            .resource_schemas
            .contains_key("lambda_capacity_provider"),
        "{:?}",
        schema.resource_schemas.keys()
    );
    assert!(
        schema
            .data_source_schemas
            .contains_key("lambda_capacity_provider")
    );
    let status = launched.shutdown().await.expect("exits after Shutdown");
    assert!(status.success(), "{status:?}");
}

#[test]
fn started_by_hand_it_explains_and_exits_1() {
    let out = std::process::Command::new(BINARY)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Terraform"), "{stderr}");
    assert!(out.stdout.is_empty(), "no handshake line may be printed");
}
