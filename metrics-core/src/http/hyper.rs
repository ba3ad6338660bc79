//! The `/metrics` endpoint as a hyper 1 [`Service`](hyper::service::Service) (feature
//! `hyper`), for services built on hyper directly.
//!
//! ```no_run
//! use metrics_core::http::{MetricsEndpoint, hyper::MetricsService};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = tokio::net::TcpListener::bind("0.0.0.0:9100").await?;
//!     // One per program: clones share the cap on concurrent scrapes.
//!     let service = MetricsService::new(MetricsEndpoint::new());
//!     loop {
//!         let (stream, _) = listener.accept().await?;
//!         let service = service.clone();
//!         tokio::spawn(async move {
//!             let io = hyper_util::rt::TokioIo::new(stream);
//!             let _ = hyper::server::conn::http1::Builder::new()
//!                 .serve_connection(io, service)
//!                 .await;
//!         });
//!     }
//! }
//! ```
//!
//! It answers `/metrics` (or the endpoint's path) and 404 everywhere else; `HEAD` gets the
//! headers of a `GET`, its `content-length` included, and no body. Called directly, as a
//! service of your own would for its `/metrics` path:
//!
//! ```
//! use hyper::service::Service;
//! use hyper::{Request, StatusCode};
//! use metrics_core::http::{MetricsEndpoint, hyper::MetricsService};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let service = MetricsService::new(MetricsEndpoint::new());
//! let response = service.call(Request::get("/metrics").body(()).unwrap()).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert_eq!(response.headers()["content-type"], metrics_core::TEXT_CONTENT_TYPE);
//! let missing = service.call(Request::get("/other").body(()).unwrap()).await.unwrap();
//! assert_eq!(missing.status(), StatusCode::NOT_FOUND);
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};

use super::{MetricsEndpoint, ScrapeRequest, ScrapeResponse};

/// A hyper service serving the registry with an endpoint's policy. Clone it per connection.
#[derive(Clone, Debug, Default)]
pub struct MetricsService {
    endpoint: MetricsEndpoint,
}

impl MetricsService {
    /// A service with `endpoint`'s path and limits.
    pub fn new(endpoint: MetricsEndpoint) -> MetricsService {
        MetricsService { endpoint }
    }
}

impl<B> hyper::service::Service<Request<B>> for MetricsService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, request: Request<B>) -> Self::Future {
        let endpoint = self.endpoint.clone();
        let headers = request.headers();
        let text = |name| {
            headers
                .get(name)
                .and_then(|value: &HeaderValue| value.to_str().ok())
                .map(str::to_owned)
        };
        let method = request.method().as_str().to_owned();
        let path = request.uri().path().to_owned();
        let query = request.uri().query().map(str::to_owned);
        let accept = text(header::ACCEPT);
        let accept_encoding = text(header::ACCEPT_ENCODING);
        let authorization = text(header::AUTHORIZATION);
        Box::pin(async move {
            let scrape = ScrapeRequest {
                method: &method,
                path: Some(&path),
                query: query.as_deref(),
                accept: accept.as_deref(),
                accept_encoding: accept_encoding.as_deref(),
                authorization: authorization.as_deref(),
            };
            Ok(into_response(
                super::respond_async(&endpoint, &scrape).await,
            ))
        })
    }
}

fn into_response(scrape: ScrapeResponse) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(scrape.body)));
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
