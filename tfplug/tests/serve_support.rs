//! Shared helpers for the serve/testing integration tests: a minimal hand-written
//! provider, P-521 client certificates like Terraform's, and a mTLS gRPC client.
//! Included by the other test files with `#[path]`; it has no tests of its own.
#![allow(dead_code)]

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tfplug::proto::tfplugin6::{
    self, Schema, provider_server::Provider, schema::Attribute, schema::Block,
};
use tonic::{Request, Response, Status};

/// Provider address used by the tests.
pub const ADDRESS: &str = "registry.terraform.io/tfplug/minimal";
/// Resource type the minimal provider offers.
pub const RESOURCE: &str = "minimal_thing";

/// A provider written directly against the generated trait: one resource with one
/// optional string attribute `name`. Values are passed through untouched, so no
/// msgpack handling is needed; everything else answers `Unimplemented`.
#[derive(Debug, Default, Clone)]
pub struct MinimalProvider;

fn empty_schema() -> Schema {
    Schema {
        version: 0,
        block: Some(Block::default()),
    }
}

#[tonic::async_trait]
impl Provider for MinimalProvider {
    async fn get_provider_schema(
        &self,
        _req: Request<tfplugin6::get_provider_schema::Request>,
    ) -> Result<Response<tfplugin6::get_provider_schema::Response>, Status> {
        let thing = Schema {
            version: 0,
            block: Some(Block {
                attributes: vec![Attribute {
                    name: "name".into(),
                    r#type: br#""string""#.to_vec(),
                    optional: true,
                    description: "A name.".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
        };
        Ok(Response::new(tfplugin6::get_provider_schema::Response {
            provider: Some(empty_schema()),
            resource_schemas: [(RESOURCE.to_string(), thing)].into(),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        _req: Request<tfplugin6::validate_provider_config::Request>,
    ) -> Result<Response<tfplugin6::validate_provider_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn validate_resource_config(
        &self,
        _req: Request<tfplugin6::validate_resource_config::Request>,
    ) -> Result<Response<tfplugin6::validate_resource_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn configure_provider(
        &self,
        _req: Request<tfplugin6::configure_provider::Request>,
    ) -> Result<Response<tfplugin6::configure_provider::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<tfplugin6::upgrade_resource_state::Request>,
    ) -> Result<Response<tfplugin6::upgrade_resource_state::Response>, Status> {
        let json = req
            .into_inner()
            .raw_state
            .map(|r| r.json)
            .unwrap_or_default();
        Ok(Response::new(tfplugin6::upgrade_resource_state::Response {
            upgraded_state: Some(tfplugin6::DynamicValue {
                msgpack: vec![],
                json,
            }),
            diagnostics: vec![],
        }))
    }

    async fn read_resource(
        &self,
        req: Request<tfplugin6::read_resource::Request>,
    ) -> Result<Response<tfplugin6::read_resource::Response>, Status> {
        let req = req.into_inner();
        Ok(Response::new(tfplugin6::read_resource::Response {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<tfplugin6::plan_resource_change::Request>,
    ) -> Result<Response<tfplugin6::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        Ok(Response::new(tfplugin6::plan_resource_change::Response {
            planned_state: req.proposed_new_state,
            planned_private: req.prior_private,
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<tfplugin6::apply_resource_change::Request>,
    ) -> Result<Response<tfplugin6::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        Ok(Response::new(tfplugin6::apply_resource_change::Response {
            new_state: req.planned_state,
            private: req.planned_private,
            ..Default::default()
        }))
    }
}

#[allow(unused_imports)]
pub use tfplug::testing::launch::{plain_channel, tls_channel};

/// A fresh Terraform-style P-521 client certificate: (cert DER, key, PEM).
pub fn p521_client_cert() -> (CertificateDer<'static>, PrivateKeyDer<'static>, String) {
    let cert = tfplug::testing::launch::ClientCert::generate().unwrap();
    let pem = cert.pem.clone();
    let (der, key) = cert.into_parts();
    (der, key, pem)
}

/// Parses a handshake line into its six fields.
pub fn handshake_fields(line: &str) -> Vec<String> {
    line.trim_end().split('|').map(str::to_string).collect()
}
