//! A Pushgateway client for batch jobs (feature `push`): push (PUT), push-add
//! (POST) and delete on `/metrics/job/<job>{/<label>/<value>}`, once or periodically, over
//! `http://` or `https://` (feature `tls`), with basic or bearer authentication. Requests are
//! made by ureq, a blocking client: no async runtime is needed.

use std::fmt;
use std::io::Read as _;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};

use crate::{TEXT_CONTENT_TYPE, registry};

/// The longest error explanation read from a Pushgateway answer.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Pushes the registry (or some of its families) to a Pushgateway under a grouping key.
///
/// ```no_run
/// use metrics_core::push::Pusher;
///
/// let pusher = Pusher::new("http://127.0.0.1:9091", "nightly_import")?
///     .grouping("instance", "db-1")
///     .basic_auth("pusher", "s3cret");
/// pusher.push()?; // replaces the group's metrics
/// # Ok::<(), metrics_core::push::PushError>(())
/// ```
#[derive(Clone)]
pub struct Pusher {
    /// `scheme://authority[/prefix]`, without a trailing slash.
    base: String,
    job: String,
    grouping: Vec<(String, String)>,
    names: Option<Vec<String>>,
    timeout: Duration,
    /// The `Authorization` header value.
    authorization: Option<String>,
    #[cfg(feature = "tls")]
    roots: Option<Arc<Vec<ureq::tls::Certificate<'static>>>>,
    /// Built on first use from the settings above, then reused (it pools connections).
    agent: OnceLock<ureq::Agent>,
}

impl fmt::Debug for Pusher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pusher")
            .field("base", &self.base)
            .field("job", &self.job)
            .field("grouping", &self.grouping)
            .field("names", &self.names)
            .field("timeout", &self.timeout)
            // Never print the credentials.
            .field(
                "authorization",
                &self
                    .authorization
                    .as_ref()
                    .map(|value| value.split(' ').next().unwrap_or("").to_owned() + " <redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// Why a push failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum PushError {
    /// The URL is not `http[s]://host[:port][/prefix]`.
    InvalidUrl(String),
    /// An `https://` URL, or a TLS setting, without the `tls` feature.
    TlsDisabled,
    /// The certificates given to trust could not be read.
    InvalidCertificate(String),
    /// A grouping label name is not a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not `__`
    /// reserved), or repeats `job` or another label.
    InvalidGrouping(String),
    /// The connection failed or timed out, or TLS failed (an untrusted certificate, say).
    Io(std::io::Error),
    /// The Pushgateway answered with an error status; `body` is its explanation.
    Status {
        /// The HTTP status code.
        code: u16,
        /// The response body.
        body: String,
    },
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::InvalidUrl(url) => write!(
                f,
                "invalid Pushgateway URL {url:?}: expected http[s]://host[:port][/path]"
            ),
            PushError::TlsDisabled => {
                f.write_str("HTTPS to the Pushgateway needs the `tls` feature of metrics-core")
            }
            PushError::InvalidCertificate(message) => {
                write!(f, "invalid certificate to trust: {message}")
            }
            PushError::InvalidGrouping(message) => write!(f, "invalid grouping key: {message}"),
            PushError::Io(error) => write!(f, "cannot reach the Pushgateway: {error}"),
            PushError::Status { code, body } => {
                write!(f, "the Pushgateway answered {code}: {}", body.trim_end())
            }
        }
    }
}

impl std::error::Error for PushError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PushError::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl Pusher {
    /// A pusher for `job` at the Pushgateway at `url` (`http://host:port`, optionally with a
    /// path prefix; `https://` with the `tls` feature, checked against the webpki roots unless
    /// [`tls_root_certificates_pem`](Self::tls_root_certificates_pem) says otherwise).
    pub fn new(url: &str, job: &str) -> Result<Pusher, PushError> {
        let invalid = || PushError::InvalidUrl(url.to_owned());
        let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
        match scheme {
            "http" => {}
            "https" if cfg!(feature = "tls") => {}
            "https" => return Err(PushError::TlsDisabled),
            _ => return Err(invalid()),
        }
        let (authority, prefix) = match rest.find('/') {
            Some(slash) => (&rest[..slash], rest[slash..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let authority_ok = !authority.is_empty()
            && !authority
                .bytes()
                .any(|b| b.is_ascii_whitespace() || matches!(b, b'?' | b'#' | b'@'));
        if !authority_ok || prefix.contains(['?', '#']) {
            return Err(invalid());
        }
        Ok(Pusher {
            base: format!("{scheme}://{authority}{prefix}"),
            job: job.to_owned(),
            grouping: Vec::new(),
            names: None,
            timeout: Duration::from_secs(10),
            authorization: None,
            #[cfg(feature = "tls")]
            roots: None,
            agent: OnceLock::new(),
        })
    }

    /// Adds a label to the grouping key (e.g. `instance`). Values may contain any character,
    /// `/` included: they are sent base64-encoded when needed.
    pub fn grouping(mut self, name: &str, value: &str) -> Pusher {
        self.grouping.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Pushes only these families (by name) instead of the whole registry.
    pub fn only(mut self, names: &[&str]) -> Pusher {
        self.names = Some(names.iter().map(|name| (*name).to_owned()).collect());
        self
    }

    /// The time each request may take, connecting included (10 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Pusher {
        self.timeout = timeout;
        self.agent = OnceLock::new();
        self
    }

    /// Authenticates with HTTP basic authentication (the Pushgateway's `basic_auth_users`
    /// web configuration). Use it over `https://` only: basic auth is not encrypted.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Pusher {
        let credentials = STANDARD.encode(format!("{user}:{password}"));
        self.authorization = Some(format!("Basic {credentials}"));
        self
    }

    /// Authenticates with `Authorization: Bearer <token>` (for a gateway behind a proxy that
    /// checks tokens).
    pub fn bearer_token(mut self, token: &str) -> Pusher {
        self.authorization = Some(format!("Bearer {token}"));
        self
    }

    /// Trusts these certificates (PEM: one or more `CERTIFICATE` blocks) instead of the
    /// webpki roots for `https://`: a private CA, or the gateway's self-signed certificate.
    #[cfg(feature = "tls")]
    pub fn tls_root_certificates_pem(mut self, pem: &[u8]) -> Result<Pusher, PushError> {
        use ureq::tls::PemItem;
        let mut roots = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            let item = item.map_err(|error| PushError::InvalidCertificate(error.to_string()))?;
            if let PemItem::Certificate(certificate) = item {
                roots.push(certificate);
            }
        }
        if roots.is_empty() {
            return Err(PushError::InvalidCertificate(
                "no CERTIFICATE found in the PEM".to_owned(),
            ));
        }
        self.roots = Some(Arc::new(roots));
        self.agent = OnceLock::new();
        Ok(self)
    }

    /// `PUT`: replaces every metric of the group with the registry's.
    pub fn push(&self) -> Result<(), PushError> {
        self.send(Method::Put)
    }

    /// `POST`: replaces only the metrics of the group that have the same names as the pushed
    /// ones.
    pub fn push_add(&self) -> Result<(), PushError> {
        self.send(Method::Post)
    }

    /// `DELETE`: removes the group.
    pub fn delete(&self) -> Result<(), PushError> {
        self.send(Method::Delete)
    }

    /// Pushes (`PUT`) every `interval` on a background thread, and once more when the returned
    /// [`PeriodicPush`] is shut down or dropped, so that the gateway holds the final values.
    /// The first push happens after one interval. The grouping key is checked now.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use metrics_core::push::Pusher;
    ///
    /// let pushing = Pusher::new("http://127.0.0.1:9091", "long_import")?
    ///     .every(Duration::from_secs(15))?;
    /// // ... the job runs ...
    /// pushing.shutdown()?; // the final push; its error, if any
    /// # Ok::<(), metrics_core::push::PushError>(())
    /// ```
    pub fn every(self, interval: Duration) -> Result<PeriodicPush, PushError> {
        self.path()?;
        let status = Arc::new(Mutex::new(PushStatus::default()));
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("metrics-push".to_owned())
            .spawn({
                let status = Arc::clone(&status);
                move || {
                    loop {
                        let last = match stopped.recv_timeout(interval) {
                            Err(RecvTimeoutError::Timeout) => false,
                            Ok(()) | Err(RecvTimeoutError::Disconnected) => true,
                        };
                        let result = self.push();
                        if last {
                            return result;
                        }
                        record(&status, result);
                    }
                }
            })
            .map_err(PushError::Io)?;
        Ok(PeriodicPush {
            stop: Some(stop),
            thread: Some(thread),
            status,
        })
    }

    /// The request path for the grouping key, e.g. `/metrics/job/nightly/instance/db-1`.
    pub fn path(&self) -> Result<String, PushError> {
        let mut path = String::from("/metrics");
        push_segment(&mut path, "job", &self.job);
        for (i, (name, value)) in self.grouping.iter().enumerate() {
            if !metrics_naming::is_valid_label_name(name) {
                return Err(PushError::InvalidGrouping(format!(
                    "{name:?} is not a valid label name: use [a-zA-Z_][a-zA-Z0-9_]*, \
                     not starting with __"
                )));
            }
            if name == "job" || self.grouping[..i].iter().any(|(other, _)| other == name) {
                return Err(PushError::InvalidGrouping(format!(
                    "label {name:?} is given twice"
                )));
            }
            push_segment(&mut path, name, value);
        }
        Ok(path)
    }

    /// The full URL of the grouping key.
    pub fn url(&self) -> Result<String, PushError> {
        Ok(format!("{}{}", self.base, self.path()?))
    }

    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            let config = ureq::Agent::config_builder()
                .timeout_global(Some(self.timeout))
                // Error statuses are answers to report with the gateway's message.
                .http_status_as_error(false);
            #[cfg(feature = "tls")]
            let config = match &self.roots {
                Some(roots) => config.tls_config(
                    ureq::tls::TlsConfig::builder()
                        .root_certs(ureq::tls::RootCerts::Specific(Arc::clone(roots)))
                        .build(),
                ),
                None => config,
            };
            config.build().into()
        })
    }

    fn send(&self, method: Method) -> Result<(), PushError> {
        let url = self.url()?;
        let agent = self.agent();
        let authorization = self.authorization.as_deref();
        let result = match method {
            Method::Delete => {
                let request = agent.delete(&url);
                match authorization {
                    Some(value) => request.header("Authorization", value).call(),
                    None => request.call(),
                }
            }
            Method::Put | Method::Post => {
                let body = match &self.names {
                    Some(names) => {
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        registry().render_only(&names)
                    }
                    None => registry().render(),
                };
                let request = match method {
                    Method::Put => agent.put(&url),
                    _ => agent.post(&url),
                }
                .header("Content-Type", TEXT_CONTENT_TYPE);
                match authorization {
                    Some(value) => request.header("Authorization", value).send(body),
                    None => request.send(body),
                }
            }
        };
        let mut response = result.map_err(|error| PushError::Io(error.into_io()))?;
        let code = response.status().as_u16();
        if response.status().is_success() {
            return Ok(());
        }
        let mut body = String::new();
        // The status is the error; the explanation is best effort.
        let _ = response
            .body_mut()
            .as_reader()
            .take(MAX_ERROR_BODY)
            .read_to_string(&mut body);
        Err(PushError::Status { code, body })
    }
}

#[derive(Clone, Copy)]
enum Method {
    Put,
    Post,
    Delete,
}

/// Pushes running on a background thread ([`Pusher::every`]). Dropping it stops them after a
/// final push, as [`shutdown`](Self::shutdown) does, but without telling how that went.
#[derive(Debug)]
pub struct PeriodicPush {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<Result<(), PushError>>>,
    status: Arc<Mutex<PushStatus>>,
}

/// How the periodic pushes went so far.
#[derive(Debug, Default)]
struct PushStatus {
    succeeded: u64,
    failed: u64,
    last_error: Option<String>,
}

fn record(status: &Mutex<PushStatus>, result: Result<(), PushError>) {
    let mut status = status
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match result {
        Ok(()) => status.succeeded += 1,
        Err(error) => {
            status.failed += 1;
            status.last_error = Some(error.to_string());
        }
    }
}

impl PeriodicPush {
    /// Stops the periodic pushes, pushes once more and returns how that final push went.
    pub fn shutdown(mut self) -> Result<(), PushError> {
        self.finish()
    }

    /// How many periodic pushes succeeded so far (the final push not included).
    pub fn succeeded(&self) -> u64 {
        self.status().succeeded
    }

    /// How many periodic pushes failed so far (the final push not included).
    pub fn failed(&self) -> u64 {
        self.status().failed
    }

    /// The message of the last periodic push that failed, if any did.
    pub fn last_error(&self) -> Option<String> {
        self.status().last_error.clone()
    }

    fn status(&self) -> std::sync::MutexGuard<'_, PushStatus> {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn finish(&mut self) -> Result<(), PushError> {
        if let Some(stop) = self.stop.take() {
            // The thread may have ended already; it pushes on a disconnect too.
            let _ = stop.send(());
        }
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(PushError::Io(std::io::Error::other(
                "the push thread panicked",
            ))),
            None => Ok(()),
        }
    }
}

impl Drop for PeriodicPush {
    fn drop(&mut self) {
        // Dropping cannot return the final push's error; `shutdown` does.
        let _ = self.finish();
    }
}

/// `/<name>/<value>`, or `/<name>@base64/<value in URL-safe base64>` when the value is empty
/// or has characters that a path segment would need escaped.
fn push_segment(path: &mut String, name: &str, value: &str) {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    path.push('/');
    path.push_str(name);
    if plain {
        path.push('/');
        path.push_str(value);
    } else if value.is_empty() {
        // The Pushgateway's spelling of an empty value: a lone padding character.
        path.push_str("@base64/=");
    } else {
        path.push_str("@base64/");
        URL_SAFE.encode_string(value, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_key_paths() {
        let pusher = Pusher::new("http://127.0.0.1:9091/gw/", "batch")
            .unwrap()
            .grouping("instance", "db-1")
            .grouping("path", "/var/tmp")
            .grouping("odd", "/a?>")
            .grouping("empty", "");
        assert_eq!(
            pusher.url().unwrap(),
            "http://127.0.0.1:9091/gw/metrics/job/batch/instance/db-1\
             /path@base64/L3Zhci90bXA=/odd@base64/L2E_Pg==/empty@base64/="
        );
        assert_eq!(
            Pusher::new("http://gateway", "j").unwrap().url().unwrap(),
            "http://gateway/metrics/job/j"
        );
        for url in [
            "ftp://gateway",
            "gateway:9091",
            "http://",
            "http://a b",
            "http://h/?x",
        ] {
            assert_eq!(
                Pusher::new(url, "j").unwrap_err().to_string(),
                format!("invalid Pushgateway URL {url:?}: expected http[s]://host[:port][/path]")
            );
        }
        let bad = Pusher::new("http://h:1", "j").unwrap().grouping("2x", "v");
        assert_eq!(
            bad.path().unwrap_err().to_string(),
            "invalid grouping key: \"2x\" is not a valid label name: use \
             [a-zA-Z_][a-zA-Z0-9_]*, not starting with __"
        );
        let twice = Pusher::new("http://h:1", "j").unwrap().grouping("job", "v");
        assert_eq!(
            twice.path().unwrap_err().to_string(),
            "invalid grouping key: label \"job\" is given twice"
        );
        assert!(matches!(
            twice.every(Duration::from_secs(1)),
            Err(PushError::InvalidGrouping(_))
        ));
    }

    #[test]
    fn pushers_can_be_shared_between_threads() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Pusher>();
        send_and_sync::<PeriodicPush>();
        send_and_sync::<PushError>();
    }

    #[test]
    fn https_needs_the_tls_feature() {
        let https = Pusher::new("https://gateway:9091", "j");
        if cfg!(feature = "tls") {
            assert_eq!(
                https.unwrap().url().unwrap(),
                "https://gateway:9091/metrics/job/j"
            );
        } else {
            assert_eq!(
                https.unwrap_err().to_string(),
                "HTTPS to the Pushgateway needs the `tls` feature of metrics-core"
            );
        }
    }

    #[test]
    fn credentials_are_sent_and_never_printed() {
        let basic = Pusher::new("http://h:1", "j")
            .unwrap()
            .basic_auth("Aladdin", "open sesame");
        // RFC 7617's example.
        assert_eq!(
            basic.authorization.as_deref(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        let bearer = basic.bearer_token("t0k3n");
        assert_eq!(bearer.authorization.as_deref(), Some("Bearer t0k3n"));
        let printed = format!("{bearer:?}");
        assert!(
            printed.contains("authorization: Some(\"Bearer <redacted>\")"),
            "{printed}"
        );
        assert!(!printed.contains("t0k3n"), "{printed}");
    }
}
