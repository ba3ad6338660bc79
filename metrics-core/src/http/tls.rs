//! HTTPS for the standalone server (features `server` and `tls`): rustls with the ring crypto
//! provider, through tokio-rustls. The handshake must end within the header timeout.
//!
//! ```no_run
//! use metrics_core::http::{MetricsEndpoint, standalone::{ServerOptions, serve_with}};
//!
//! fn main() -> std::io::Result<()> {
//!     let options = ServerOptions::new().tls_pem(
//!         &std::fs::read("/etc/metrics/cert.pem")?,
//!         &std::fs::read("/etc/metrics/key.pem")?,
//!     )?;
//!     let endpoint = MetricsEndpoint::new().bearer_token("a long random token");
//!     let _server = serve_with("0.0.0.0:9100", endpoint, options)?;
//!     Ok(())
//! }
//! ```

use std::io;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::standalone::ServerOptions;

#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
impl ServerOptions {
    /// Serves HTTPS with a rustls configuration of your own (client certificates, ALPN,
    /// another crypto provider, ...).
    pub fn tls(mut self, config: Arc<ServerConfig>) -> ServerOptions {
        self.tls = Some(config);
        self
    }

    /// Serves HTTPS with this certificate chain (leaf first) and private key, in DER, with
    /// rustls' safe defaults (TLS 1.2 and 1.3) and the ring provider.
    pub fn tls_certificate(
        self,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> io::Result<ServerOptions> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
            .map_err(|error| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("TLS setup: {error}"))
            })?;
        Ok(self.tls(Arc::new(config)))
    }

    /// [`tls_certificate`](Self::tls_certificate) from PEM files' contents: the certificate
    /// chain (leaf first) and the private key (PKCS#8, PKCS#1 or SEC1).
    pub fn tls_pem(self, certificates: &[u8], key: &[u8]) -> io::Result<ServerOptions> {
        let invalid = |what: &str, error: rustls::pki_types::pem::Error| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {error}"))
        };
        let chain = CertificateDer::pem_slice_iter(certificates)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("TLS certificate PEM", e))?;
        if chain.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "TLS certificate PEM: no certificate found",
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| invalid("TLS key PEM", e))?;
        self.tls_certificate(chain, key)
    }
}
