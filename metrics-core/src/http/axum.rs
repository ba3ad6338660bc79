//! The `/metrics` endpoint as an axum route (feature `axum`).
//!
//! ```no_run
//! use metrics_core::http::{MetricsEndpoint, axum::route};
//!
//! async fn start_call() -> &'static str {
//!     "started\n"
//! }
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let app = axum::Router::new()
//!         .route("/metrics", route(MetricsEndpoint::new()))
//!         .route("/calls", axum::routing::post(start_call));
//!     let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await?;
//!     axum::serve(listener, app).await
//! }
//! ```
//!
//! The route answers every method (405 with `Allow: GET,HEAD` for the others), so it sits in
//! the router like any other and the router's fallback keeps answering 404 elsewhere. `HEAD`
//! gets the headers of a `GET`, its `content-length` included, and no body. [`respond`] is
//! the same answer for a handler of your own:
//!
//! ```
//! use axum::http::{Request, StatusCode};
//! use metrics_core::http::{MetricsEndpoint, axum::respond};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let endpoint = MetricsEndpoint::new();
//! let get = respond(&endpoint, Request::get("/metrics").body(()).unwrap()).await;
//! assert_eq!(get.status(), StatusCode::OK);
//! assert_eq!(get.headers()["content-type"], metrics_core::TEXT_CONTENT_TYPE);
//! let head = respond(&endpoint, Request::head("/metrics").body(()).unwrap()).await;
//! assert_eq!(head.status(), StatusCode::OK);
//! assert!(head.headers().contains_key("content-length"));
//! # }
//! ```

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{MethodRouter, any};

use super::{MetricsEndpoint, ScrapeRequest, ScrapeResponse};

/// A route serving the registry with `endpoint`'s policy, for `Router::route`.
pub fn route<S>(endpoint: MetricsEndpoint) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    any(move |request: Request| {
        let endpoint = endpoint.clone();
        async move { respond(&endpoint, request).await }
    })
}

/// Answers one request (any path: the router already chose this handler).
pub async fn respond<B>(endpoint: &MetricsEndpoint, request: axum::http::Request<B>) -> Response {
    // Owned copies: the request body need not be `Sync`, so it must not be held across the
    // await.
    let headers = request.headers();
    let text = |name| header_str(headers, name).map(str::to_owned);
    let accept = text(header::ACCEPT);
    let accept_encoding = text(header::ACCEPT_ENCODING);
    let authorization = text(header::AUTHORIZATION);
    let method = request.method().as_str().to_owned();
    let query = request.uri().query().map(str::to_owned);
    drop(request);
    let scrape = ScrapeRequest {
        method: &method,
        path: None,
        query: query.as_deref(),
        accept: accept.as_deref(),
        accept_encoding: accept_encoding.as_deref(),
        authorization: authorization.as_deref(),
    };
    into_response(super::respond_async(endpoint, &scrape).await)
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn into_response(scrape: ScrapeResponse) -> Response {
    let mut response = Response::new(Body::from(scrape.body));
    *response.status_mut() =
        StatusCode::from_u16(scrape.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in scrape.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            // `append`: a 401 may carry several `WWW-Authenticate` challenges.
            response.headers_mut().append(name, value);
        }
    }
    response
}
