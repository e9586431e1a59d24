//! The running server: binds the port, runs the accept loop (hyper, so a
//! fault can drop a TCP connection without answering), and provides the
//! [`Emulator`] / [`EmulatorHandle`] types tests use.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt as _;

use crate::app::App;
use crate::connection::ConnectionKiller;
use crate::control::{
    self, ControlError, FailCapacityProvider, FailFunction, SeedExecution, SeededExecution,
};
use crate::faults::{CallStats, Concurrency, FaultRule, FaultSpec};
use crate::options::EmulatorOptions;
use crate::router;
use crate::sessions::AssumedRoleSession;
use crate::state::State;
use crate::throttling::RateLimits;

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    app: Arc<App>,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` with an ephemeral port.
    pub async fn start(opts: EmulatorOptions) -> io::Result<Emulator> {
        Self::start_on(opts, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts an emulator on `addr`, loading `opts.state_file` if set.
    pub async fn start_on(opts: EmulatorOptions, addr: SocketAddr) -> io::Result<Emulator> {
        if let Some(problem) = opts.rate_limits.as_ref().and_then(RateLimits::problem) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, problem));
        }
        let state = match &opts.state_file {
            Some(path) => State::load(path)?,
            None => State::default(),
        };
        // Parse the embedded models now rather than on the first request.
        let _ = (
            crate::model::lambda(),
            crate::model::ec2(),
            crate::model::sts(),
        );
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(App::new(opts, state));
        let (shutdown, rx) = watch::channel(false);
        let routes = router::build(app.clone());
        let task = tokio::spawn(accept_loop(listener, routes, rx));
        tracing::info!(%addr, "lambda emulator started");
        Ok(Emulator {
            addr,
            app,
            shutdown,
            task: Some(task),
        })
    }

    /// Starts an emulator on its own thread with its own tokio runtime, for
    /// synchronous tests. The server stops when the handle is dropped.
    pub fn start_blocking(opts: EmulatorOptions) -> io::Result<EmulatorHandle> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("lambda-emulator".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(err) => {
                        let _ = ready_tx.send(Err(err));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Emulator::start(opts).await {
                        Ok(emulator) => {
                            let _ = ready_tx.send(Ok(emulator));
                            let _ = stop_rx.await;
                        }
                        Err(err) => {
                            let _ = ready_tx.send(Err(err));
                        }
                    }
                });
            })?;
        let emulator = ready_rx
            .recv()
            .map_err(|_| io::Error::other("emulator thread exited before starting"))??;
        Ok(EmulatorHandle {
            emulator: Some(emulator),
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:4566`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The options the emulator runs with.
    pub fn options(&self) -> &EmulatorOptions {
        &self.app.opts
    }

    /// All state as JSON (same as `GET /_emulator/state`).
    pub fn state(&self) -> Value {
        self.app.state_json()
    }

    /// Clears all resources, fault rules and call counters, the peak of calls
    /// in flight among them (`POST /_emulator/reset`).
    pub fn reset(&self) {
        control::reset(&self.app);
    }

    /// Installs a fault rule (`POST /_emulator/faults`); returns its ID.
    pub fn inject_fault(&self, spec: FaultSpec) -> u64 {
        self.app.faults().add(spec)
    }

    /// The installed fault rules (`GET /_emulator/faults`).
    pub fn faults(&self) -> Vec<FaultRule> {
        self.app.faults().rules()
    }

    /// Removes every fault rule (`DELETE /_emulator/faults`).
    pub fn clear_faults(&self) {
        self.app.faults().clear();
    }

    /// Per-operation call counters (`GET /_emulator/calls`).
    pub fn calls(&self) -> BTreeMap<String, CallStats> {
        self.app.faults().calls()
    }

    /// Calls received for one operation.
    pub fn call_count(&self, operation: &str) -> u64 {
        self.calls().get(operation).map(|c| c.calls).unwrap_or(0)
    }

    /// Resets the call counters and the peak of calls in flight
    /// (`DELETE /_emulator/calls`).
    pub fn reset_calls(&self) {
        control::clear_calls(&self.app);
    }

    /// The AWS calls being handled now and the most handled at once since
    /// the call counters were last reset (`GET /_emulator/concurrency`).
    pub fn concurrency(&self) -> Concurrency {
        self.app.in_flight().get()
    }

    /// The most AWS calls handled at once since the call counters were last
    /// reset.
    pub fn peak_in_flight(&self) -> u64 {
        self.concurrency().peak_in_flight
    }

    /// The rate limits enforced, if any (`GET /_emulator/rate-limits`).
    pub fn rate_limits(&self) -> Option<RateLimits> {
        self.app.throttler().limits()
    }

    /// Enforces `limits` from now on, with full buckets; `None` stops
    /// enforcing (`PUT /_emulator/rate-limits`).
    pub fn set_rate_limits(&self, limits: Option<RateLimits>) -> Result<(), ControlError> {
        control::set_rate_limits(&self.app, limits)
    }

    /// Calls throttled by the enforced rate limits, over every operation.
    pub fn throttled_calls(&self) -> u64 {
        self.calls().values().map(|c| c.throttled).sum()
    }

    /// The sessions STS `AssumeRole` issued (`GET /_emulator/sts/sessions`).
    pub fn sts_sessions(&self) -> Vec<AssumedRoleSession> {
        self.app.sessions().list()
    }

    /// Seeds a durable execution (`POST /_emulator/durable-executions`).
    pub fn seed_durable_execution(
        &self,
        req: SeedExecution,
    ) -> Result<SeededExecution, ControlError> {
        control::seed_durable_execution(&self.app, &req)
    }

    /// Makes a capacity provider `Failed` (`POST /_emulator/capacity-providers/fail`).
    pub fn fail_capacity_provider(&self, name: &str, reason: &str) -> Result<(), ControlError> {
        control::fail_capacity_provider(
            &self.app,
            &FailCapacityProvider {
                name: name.into(),
                region: None,
                state_reason: Some(reason.into()),
            },
        )
    }

    /// Makes a function version `Failed` (`POST /_emulator/functions/fail`).
    pub fn fail_function(&self, req: FailFunction) -> Result<(), ControlError> {
        control::fail_function(&self.app, &req)
    }

    /// Stops the server and waits for the accept loop to finish.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// An emulator running on its own thread (see [`Emulator::start_blocking`]).
/// Dereferences to [`Emulator`]; dropping it stops the server and joins the
/// thread.
#[derive(Debug)]
pub struct EmulatorHandle {
    emulator: Option<Emulator>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::ops::Deref for EmulatorHandle {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        match &self.emulator {
            Some(e) => e,
            // Only `drop` takes the emulator out.
            None => unreachable!("emulator handle used after drop"),
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        drop(self.emulator.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    routes: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, routes.clone(), shutdown.clone()));
                }
                Err(err) => {
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    routes: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let killer = ConnectionKiller::default();
    let for_requests = killer.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(for_requests.clone());
        routes.clone().oneshot(req.map(axum::body::Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(err) = result {
                tracing::debug!(%err, "connection error");
            }
        }
        _ = killer.killed() => tracing::debug!("connection dropped by fault injection"),
        _ = shutdown.changed() => {}
    }
}
