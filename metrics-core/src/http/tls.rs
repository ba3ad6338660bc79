//! HTTPS for the standalone server (feature `tls`): rustls with the ring crypto provider.
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
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::standalone::{Connection, ServerOptions};

/// A TLS connection of the standalone server.
pub(crate) type TlsStream = StreamOwned<ServerConnection, TcpStream>;

impl Connection for TlsStream {
    fn socket(&self) -> &TcpStream {
        &self.sock
    }
}

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

/// Completes the handshake within `timeout`; `None` when the client fails it or is too slow.
pub(crate) fn accept(
    socket: TcpStream,
    config: &Arc<ServerConfig>,
    timeout: Duration,
) -> Option<TlsStream> {
    let mut connection = ServerConnection::new(Arc::clone(config)).ok()?;
    socket.set_read_timeout(Some(timeout)).ok()?;
    socket.set_write_timeout(Some(timeout)).ok()?;
    let deadline = std::time::Instant::now() + timeout;
    let mut socket = socket;
    while connection.is_handshaking() {
        if std::time::Instant::now() >= deadline {
            return None;
        }
        match connection.complete_io(&mut socket) {
            Ok((0, 0)) => return None,
            Ok(_) => {}
            Err(_) => {
                // Tell the client why, where possible, then give up.
                let _ = connection.write_tls(&mut socket);
                return None;
            }
        }
    }
    Some(StreamOwned::new(connection, socket))
}
