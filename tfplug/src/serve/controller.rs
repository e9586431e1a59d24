//! go-plugin's side services: `GRPCController` (shutdown), `GRPCStdio` and
//! `GRPCBroker`.
//!
//! Stdio and broker streams are accepted and kept idle until shutdown: go-plugin
//! opens both on connect, and an idle stream is quieter in Terraform's logs than an
//! `Unimplemented` answer. tfplug never forwards stdio (logs go to stderr, which
//! Terraform reads directly) and never brokers extra connections.

use std::time::Duration;

use futures::StreamExt as _;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

use super::shutdown::Shutdown;
use crate::proto::plugin::{
    ConnInfo, Empty, StdioData, grpc_broker_server::GrpcBroker,
    grpc_controller_server::GrpcController, grpc_stdio_server::GrpcStdio,
};

/// How long in-flight RPCs may run after a controller shutdown (Terraform kills
/// the process 2 s after asking).
pub const CONTROLLER_GRACE: Duration = Duration::from_millis(1500);

/// Implements `plugin.GRPCController`.
#[derive(Debug, Clone)]
pub struct Controller {
    shutdown: Shutdown,
    honor_shutdown: bool,
}

impl Controller {
    /// A controller that stops the server on `Shutdown` when `honor_shutdown`
    /// (reattached servers, which Terraform does not own, ignore it).
    pub fn new(shutdown: Shutdown, honor_shutdown: bool) -> Self {
        Self {
            shutdown,
            honor_shutdown,
        }
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        if self.honor_shutdown {
            tracing::debug!("GRPCController.Shutdown received; stopping");
            self.shutdown.begin_with_deadline(CONTROLLER_GRACE);
        } else {
            tracing::debug!("GRPCController.Shutdown ignored for a reattached server");
        }
        Ok(Response::new(Empty {}))
    }
}

/// Implements `plugin.GRPCStdio` and `plugin.GRPCBroker` as idle streams.
#[derive(Debug, Clone)]
pub struct IdleSideServices {
    shutdown: Shutdown,
}

impl IdleSideServices {
    /// Streams end when `shutdown` is requested.
    pub fn new(shutdown: Shutdown) -> Self {
        Self { shutdown }
    }

    fn idle_stream<T: Send + 'static>(&self) -> BoxStream<T> {
        let shutdown = self.shutdown.clone();
        let ends = futures::stream::once(async move { shutdown.requested().await });
        Box::pin(ends.filter_map(|()| async { None }))
    }
}

#[tonic::async_trait]
impl GrpcStdio for IdleSideServices {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<StdioData>>, Status> {
        tracing::debug!("GRPCStdio.StreamStdio opened (no data is forwarded)");
        Ok(Response::new(self.idle_stream()))
    }
}

#[tonic::async_trait]
impl GrpcBroker for IdleSideServices {
    async fn start_stream(
        &self,
        _request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<BoxStream<ConnInfo>>, Status> {
        tracing::debug!("GRPCBroker.StartStream opened (brokering is not supported)");
        Ok(Response::new(self.idle_stream()))
    }
}
