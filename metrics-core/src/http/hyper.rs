//! The `/metrics` endpoint as a hyper 1 [`Service`](hyper::service::Service) (feature
//! `hyper`), for services built on hyper directly.
//!
//! ```ignore
//! let service = metrics_core::http::hyper::MetricsService::new(MetricsEndpoint::new());
//! hyper::server::conn::http1::Builder::new()
//!     .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
//!     .await?;
//! ```
//!
//! It answers `/metrics` (or the endpoint's path) and 404 everywhere else.

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
