//! HTTP entry point: routes each request to the control API, Lambda, EC2 or
//! STS, as AWS endpoints do, by the SigV4 credential scope
//! (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`), which also gives
//! the region. Signatures are not verified. Faults are injected here, after
//! the operation is known and before it runs (a conflict names the resource
//! the request addresses, as AWS's message does), and then the enforced rate
//! limits, when the emulator has any (see `throttling`); a dropped response,
//! after. Every AWS call counts as in flight (see `faults::InFlight`) from
//! when it is received until its response is made.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::connection::ConnectionKiller;
use crate::control;
use crate::ec2;
use crate::faults::{Api, Injection};
use crate::ids;
use crate::lambda::names::{
    capacity_provider_arn, function_arn, parse_capacity_provider_name, parse_function_name,
};
use crate::lambda::{self, Ctx, LambdaError};
use crate::model::output::OutputBody;
use crate::model::rest::HttpInput;
use crate::sts;

/// Largest accepted body (a 50 MB zip is about 67 MB in base64).
const MAX_BODY: usize = 100 * 1024 * 1024;

/// Builds the axum router serving everything on one port.
pub fn build(app: Arc<App>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

/// The services the emulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Lambda,
    Ec2,
    Sts,
}

/// What the SigV4 credential scope says about a request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Access key ID.
    pub access_key: String,
    /// Region (absent for SigV4a).
    pub region: Option<String>,
    /// Signing service name (`lambda`, `ec2`, `sts`).
    pub service: Option<String>,
}

impl Scope {
    /// Reads the scope from the `Authorization` header, or from a presigned
    /// URL's `X-Amz-Credential`.
    pub fn from_request(headers: &HeaderMap, query: &[(String, String)]) -> Self {
        let credential = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|auth| auth.split("Credential=").nth(1))
            .and_then(|c| c.split([',', ' ']).next())
            .map(str::to_string)
            .or_else(|| {
                query
                    .iter()
                    .find(|(k, _)| k == "X-Amz-Credential")
                    .map(|(_, v)| v.clone())
            });
        let Some(credential) = credential else {
            return Self::default();
        };
        let parts: Vec<&str> = credential.split('/').collect();
        match parts.as_slice() {
            [key, _date, region, service, _terminator] => Self {
                access_key: key.to_string(),
                region: Some(region.to_string()),
                service: Some(service.to_string()),
            },
            // SigV4a: no region in the scope; it is in X-Amz-Region-Set.
            [key, _date, service, _terminator] => Self {
                access_key: key.to_string(),
                region: headers
                    .get("x-amz-region-set")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| r.split(',').next())
                    .filter(|r| !r.contains('*'))
                    .map(str::to_string),
                service: Some(service.to_string()),
            },
            _ => Self::default(),
        }
    }
}

fn parse_pairs(raw: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(raw).into_owned().collect()
}

/// Without SigV4: a form body with `Action` is EC2 or STS by `Version`.
fn guess_service(body: &[u8], query: &[(String, String)]) -> Service {
    let pairs: Vec<(String, String)> = parse_pairs(body)
        .into_iter()
        .chain(query.iter().cloned())
        .collect();
    let has_action = pairs.iter().any(|(k, _)| k == "Action");
    let version = pairs
        .iter()
        .find(|(k, _)| k == "Version")
        .map(|(_, v)| v.as_str());
    match (has_action, version) {
        (true, Some("2011-06-15")) => Service::Sts,
        (true, _) => Service::Ec2,
        _ => Service::Lambda,
    }
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let control = path == "/_emulator" || path.starts_with("/_emulator/");
    // An AWS call is in flight from here until its response is made (or this
    // future is dropped with its connection).
    let _in_flight = (!control).then(|| app.in_flight().enter());
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return lambda_error(
                &LambdaError::Serialization("Request body too large or unreadable".into()),
                &ids::uuid(),
            );
        }
    };
    if control {
        return control::handle(&app, parts.method.as_str(), &path, &bytes);
    }
    let query = parse_pairs(parts.uri.query().unwrap_or("").as_bytes());
    let scope = Scope::from_request(&parts.headers, &query);
    let request_id = ids::uuid();
    let region = scope
        .region
        .clone()
        .unwrap_or_else(|| app.opts.default_region.clone());
    let service = match scope.service.as_deref() {
        Some("lambda") => Service::Lambda,
        Some("ec2") => Service::Ec2,
        Some("sts") => Service::Sts,
        Some(other) => {
            return lambda_error(
                &LambdaError::UnknownOperation(format!(
                    "The emulator does not serve the service '{other}'"
                )),
                &request_id,
            );
        }
        None => guess_service(&bytes, &query),
    };
    let killer = parts.extensions.get::<ConnectionKiller>().cloned();
    let method = parts.method.as_str().to_string();
    let response = match service {
        Service::Lambda => {
            let headers = parts
                .headers
                .iter()
                .filter_map(|(k, v)| {
                    v.to_str()
                        .ok()
                        .map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
                })
                .collect();
            lambda_request(
                &app,
                &method,
                &path,
                query,
                headers,
                &bytes,
                &region,
                &scope.access_key,
                &request_id,
                killer,
            )
            .await
        }
        Service::Ec2 | Service::Sts => {
            query_request(
                &app,
                service,
                query,
                &bytes,
                &region,
                &scope,
                &request_id,
                killer,
            )
            .await
        }
    };
    tracing::debug!(%method, %path, status = response.status().as_u16(), "request");
    response
}

/// An AWS call, as fault rules see it.
#[derive(Debug, Clone, Copy)]
struct Call<'a> {
    operation: &'a str,
    access_key: &'a str,
    /// What a conflict names ("… in progress for resource: RESOURCE").
    resource: &'a str,
}

/// The resource a Lambda request addresses, as a conflict names it: the
/// unqualified function ARN or the capacity provider ARN (from the URI or,
/// for creations, the body), another ARN label as given, else the operation.
fn conflict_resource(
    operation: &str,
    labels: &BTreeMap<String, String>,
    body: &[u8],
    region: &str,
) -> String {
    let body: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let named = |member: &str| {
        labels.get(member).cloned().or_else(|| {
            body.get(member)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
    };
    if let Some(name) = named("FunctionName") {
        return function_arn(region, &parse_function_name(&name).0);
    }
    if let Some(name) = named("CapacityProviderName") {
        return capacity_provider_arn(region, &parse_capacity_provider_name(&name));
    }
    ["DurableExecutionArn", "Resource", "ResourceArn"]
        .iter()
        .find_map(|label| labels.get(*label).cloned())
        .unwrap_or_else(|| operation.to_string())
}

/// What the faults of a call leave to do.
enum Faulted {
    /// Send this response instead of running the call.
    Respond(Response),
    /// Run the call; then, with a killer, drop its response (and connection).
    Run(Option<ConnectionKiller>),
}

/// Applies the faults for a call that come before it runs (latency, errors,
/// a dropped request), and says whether its response is to be dropped.
async fn apply_faults(
    app: &App,
    service: Service,
    call: Call<'_>,
    request_id: &str,
    killer: Option<ConnectionKiller>,
) -> Faulted {
    let api = match service {
        Service::Lambda => Api::Lambda,
        Service::Ec2 | Service::Sts => Api::Query,
    };
    let injections = app.faults().on_call(api, call.operation, call.access_key);
    let operation = call.operation;
    let latency: u64 = injections
        .iter()
        .map(|i| {
            if let Injection::Latency(ms) = i {
                *ms
            } else {
                0
            }
        })
        .sum();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    for injection in injections {
        match injection {
            Injection::Latency(_) => {}
            Injection::Throttle {
                retry_after_seconds,
            } => {
                tracing::info!(operation, "injecting throttling");
                return Faulted::Respond(throttle(service, retry_after_seconds, request_id));
            }
            Injection::ServerError => {
                tracing::info!(operation, "injecting server error");
                return Faulted::Respond(server_error(service, request_id));
            }
            Injection::Conflict => {
                tracing::info!(operation, "injecting conflict");
                return Faulted::Respond(lambda_error(
                    &LambdaError::ResourceConflict(format!(
                        "The operation cannot be performed at this time. An update is in progress for resource: {}",
                        call.resource
                    )),
                    request_id,
                ));
            }
            Injection::Drop => {
                tracing::info!(operation, "injecting dropped connection");
                return Faulted::Respond(match killer {
                    Some(k) => drop_connection(k).await,
                    None => server_error(service, request_id),
                });
            }
            Injection::DropResponse => {
                tracing::info!(operation, "injecting a dropped response");
                return Faulted::Run(killer);
            }
        }
    }
    Faulted::Run(None)
}

/// Closes the request's connection; never returns.
async fn drop_connection(killer: ConnectionKiller) -> Response {
    killer.kill();
    std::future::pending::<Response>().await
}

/// `response`, or nothing at all (the connection closed) when the faults
/// said to drop it.
async fn respond(response: Response, drop_it: Option<ConnectionKiller>) -> Response {
    match drop_it {
        Some(killer) => drop_connection(killer).await,
        None => response,
    }
}

/// The throttling response for a Lambda call beyond the enforced rate limit
/// of its quota class in its account and region, if it is; counted in the
/// call's `throttled`.
fn enforce_rate_limits(
    app: &App,
    operation: &str,
    region: &str,
    request_id: &str,
) -> Option<Response> {
    let verdict = app
        .throttler()
        .admit(ec2::ACCOUNT_ID, region, operation, Instant::now());
    let retry_after_seconds = verdict?;
    app.faults().record_throttled(operation);
    tracing::info!(operation, region, "rate limit exceeded: throttling");
    Some(throttle(Service::Lambda, retry_after_seconds, request_id))
}

fn throttle(service: Service, retry_after_seconds: u64, request_id: &str) -> Response {
    match service {
        Service::Lambda => lambda_error(
            &LambdaError::TooManyRequests {
                message: "Rate exceeded".into(),
                retry_after_seconds,
            },
            request_id,
        ),
        Service::Ec2 => xml(
            StatusCode::SERVICE_UNAVAILABLE,
            ec2::error_xml(
                "RequestLimitExceeded",
                "Request limit exceeded.",
                request_id,
            ),
            request_id,
        ),
        Service::Sts => xml(
            StatusCode::BAD_REQUEST,
            sts::error_xml("Throttling", "Rate exceeded", request_id, true),
            request_id,
        ),
    }
}

fn server_error(service: Service, request_id: &str) -> Response {
    match service {
        Service::Lambda => lambda_error(
            &LambdaError::Service("An internal error occurred (injected by the emulator).".into()),
            request_id,
        ),
        Service::Ec2 => xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            ec2::error_xml(
                "InternalError",
                "An internal error has occurred",
                request_id,
            ),
            request_id,
        ),
        Service::Sts => xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            sts::error_xml(
                "InternalFailure",
                "An internal error has occurred",
                request_id,
                false,
            ),
            request_id,
        ),
    }
}

fn with_request_id(mut response: Response, request_id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-requestid", v);
    }
    response
}

fn xml(status: StatusCode, body: String, request_id: &str) -> Response {
    with_request_id(
        (
            status,
            [(header::CONTENT_TYPE, "text/xml;charset=UTF-8")],
            body,
        )
            .into_response(),
        request_id,
    )
}

/// A Lambda error response.
pub fn lambda_error(err: &LambdaError, request_id: &str) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        err.body().to_string(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(err.code()) {
        response.headers_mut().insert("x-amzn-errortype", v);
    }
    if let LambdaError::TooManyRequests {
        retry_after_seconds,
        ..
    } = err
        && let Ok(v) = HeaderValue::from_str(&retry_after_seconds.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    with_request_id(response, request_id)
}

#[allow(clippy::too_many_arguments)]
async fn lambda_request(
    app: &App,
    method: &str,
    path: &str,
    query: Vec<(String, String)>,
    headers: BTreeMap<String, String>,
    body: &Bytes,
    region: &str,
    access_key: &str,
    request_id: &str,
    killer: Option<ConnectionKiller>,
) -> Response {
    let keys: Vec<String> = query.iter().map(|(k, _)| k.clone()).collect();
    let Some(matched) = lambda::route(method, path, &keys) else {
        return lambda_error(
            &LambdaError::UnknownOperation(format!("Unknown operation: {method} {path}")),
            request_id,
        );
    };
    let operation = matched.operation;
    let resource = conflict_resource(&operation, &matched.labels, body, region);
    let call = Call {
        operation: &operation,
        access_key,
        resource: &resource,
    };
    let drop_response = match apply_faults(app, Service::Lambda, call, request_id, killer).await {
        Faulted::Respond(response) => return response,
        Faulted::Run(drop_response) => drop_response,
    };
    if let Some(response) = enforce_rate_limits(app, &operation, region, request_id) {
        return response;
    }
    let http = HttpInput {
        labels: matched.labels,
        query,
        headers,
        body,
    };
    let input = match lambda::decode_input(&operation, &http) {
        Ok(input) => input,
        Err(err) => return lambda_error(&err, request_id),
    };
    let persist = lambda::is_mutating(&operation);
    let result = app.transact(persist, |st, now| {
        let cx = Ctx {
            region,
            now,
            opts: &app.opts,
        };
        lambda::execute(&operation, &input, st, &cx)
    });
    let response = match result {
        Ok(out) => with_request_id(lambda_response(out), request_id),
        Err(err) => {
            tracing::debug!(%operation, code = err.code(), message = %err, "lambda error");
            lambda_error(&err, request_id)
        }
    };
    respond(response, drop_response).await
}

/// A successful Lambda response: status, bound headers, and a JSON or raw
/// body (none for 204).
fn lambda_response(out: lambda::Response) -> Response {
    let status = StatusCode::from_u16(out.status).unwrap_or(StatusCode::OK);
    let mut response = match out.body {
        OutputBody::Json(body) if status != StatusCode::NO_CONTENT => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response(),
        OutputBody::Bytes(bytes) if status != StatusCode::NO_CONTENT => (
            status,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            bytes,
        )
            .into_response(),
        _ => (status, Body::empty()).into_response(),
    };
    for (name, value) in out.headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

#[allow(clippy::too_many_arguments)]
async fn query_request(
    app: &App,
    service: Service,
    query: Vec<(String, String)>,
    body: &Bytes,
    region: &str,
    scope: &Scope,
    request_id: &str,
    killer: Option<ConnectionKiller>,
) -> Response {
    let mut params: BTreeMap<String, String> = parse_pairs(body).into_iter().collect();
    for (k, v) in query {
        params.entry(k).or_insert(v);
    }
    let action = params.get("Action").cloned().unwrap_or_default();
    if action.is_empty() {
        let message = "The request must contain the parameter Action";
        return match service {
            Service::Sts => xml(
                StatusCode::BAD_REQUEST,
                sts::error_xml("MissingAction", message, request_id, true),
                request_id,
            ),
            _ => xml(
                StatusCode::BAD_REQUEST,
                ec2::error_xml("MissingAction", message, request_id),
                request_id,
            ),
        };
    }
    let call = Call {
        operation: &action,
        access_key: &scope.access_key,
        resource: &action,
    };
    let drop_response = match apply_faults(app, service, call, request_id, killer).await {
        Faulted::Respond(response) => return response,
        Faulted::Run(drop_response) => drop_response,
    };
    let response = match service {
        Service::Sts => match sts::handle(
            &action,
            &params,
            &scope.access_key,
            &mut app.sessions(),
            request_id,
        ) {
            Ok(body) => xml(StatusCode::OK, body, request_id),
            Err(err) => xml(
                StatusCode::from_u16(err.status).unwrap_or(StatusCode::BAD_REQUEST),
                sts::error_xml(&err.code, &err.message, request_id, err.status < 500),
                request_id,
            ),
        },
        _ => match ec2::handle(&action, &params, region, request_id) {
            Ok(body) => xml(StatusCode::OK, body, request_id),
            Err(err) => xml(
                StatusCode::from_u16(err.status).unwrap_or(StatusCode::BAD_REQUEST),
                ec2::error_xml(&err.code, &err.message, request_id),
                request_id,
            ),
        },
    };
    respond(response, drop_response).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sigv4_scope() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=abc",
            ),
        );
        let scope = Scope::from_request(&headers, &[]);
        assert_eq!(scope.access_key, "AKID");
        assert_eq!(scope.region.as_deref(), Some("eu-west-1"));
        assert_eq!(scope.service.as_deref(), Some("lambda"));
    }

    #[test]
    fn guesses_query_services() {
        assert_eq!(
            guess_service(b"Action=GetCallerIdentity&Version=2011-06-15", &[]),
            Service::Sts
        );
        assert_eq!(
            guess_service(b"Action=DescribeVpcs&Version=2016-11-15", &[]),
            Service::Ec2
        );
        assert_eq!(guess_service(b"{}", &[]), Service::Lambda);
    }
}
