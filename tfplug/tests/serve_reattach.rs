//! In-process reattach servers (what `tfplug::testing` builds on).

#[path = "serve_support.rs"]
mod support;

use support::{ADDRESS, MinimalProvider, plain_channel};
use tfplug::proto::plugin::{Empty, grpc_controller_client::GrpcControllerClient};
use tfplug::proto::tfplugin6::{
    get_provider_schema, provider_client::ProviderClient, upgrade_resource_identity,
};
use tfplug::serve::{ListenAddr, serve_reattach};

#[tokio::test]
async fn reattach_json_format() {
    let server = serve_reattach(MinimalProvider, ADDRESS).await.unwrap();
    let json = server.reattach_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let map = value.as_object().unwrap();
    assert_eq!(map.len(), 1);
    let entry = &map[ADDRESS];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], std::process::id());
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let ListenAddr::Unix(socket) = server.addr().clone() else {
        panic!("a reattach server listens on a unix socket here");
    };
    assert_eq!(entry["Addr"]["String"], socket.to_str().unwrap());
    let dir = socket.parent().unwrap().to_path_buf();
    server.shutdown().await;
    assert!(!dir.exists());
}

#[tokio::test]
async fn reattach_server_ignores_controller_shutdown() {
    let server = serve_reattach(MinimalProvider, ADDRESS).await.unwrap();
    let channel = plain_channel(server.addr()).await.unwrap();
    GrpcControllerClient::new(channel.clone())
        .shutdown(Empty {})
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Terraform does not own a reattached provider: it keeps serving.
    let fresh = plain_channel(server.addr()).await.unwrap();
    let mut client = ProviderClient::new(fresh);
    client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();
    let status = client
        .upgrade_resource_identity(upgrade_resource_identity::Request::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unimplemented);
    server.shutdown().await;
}
