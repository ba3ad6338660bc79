//! A Pushgateway client for batch jobs: push (PUT), push-add (POST) and delete on
//! `/metrics/job/<job>{/<label>/<value>}`, over a small blocking HTTP/1.1 client.

use std::fmt;
use std::time::Duration;

mod client;
use crate::{TEXT_CONTENT_TYPE, registry};

/// Pushes the registry (or some of its families) to a Pushgateway under a grouping key.
///
/// ```no_run
/// use metrics_core::push::Pusher;
///
/// let pusher = Pusher::new("http://127.0.0.1:9091", "nightly_import")?
///     .grouping("instance", "db-1");
/// pusher.push()?; // replaces the group's metrics
/// # Ok::<(), metrics_core::push::PushError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Pusher {
    authority: String,
    prefix: String,
    job: String,
    grouping: Vec<(String, String)>,
    names: Option<Vec<String>>,
    timeout: Duration,
}

/// Why a push failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum PushError {
    /// The URL is not `http://host[:port][/prefix]`.
    InvalidUrl(String),
    /// A grouping label name is not a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not `__`
    /// reserved), or repeats `job` or another label.
    InvalidGrouping(String),
    /// The connection failed or timed out.
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
                "invalid Pushgateway URL {url:?}: expected http://host[:port][/path]"
            ),
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
    /// path prefix). HTTPS is not supported by this client.
    pub fn new(url: &str, job: &str) -> Result<Pusher, PushError> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| PushError::InvalidUrl(url.to_owned()))?;
        let (authority, prefix) = match rest.find('/') {
            Some(slash) => (&rest[..slash], rest[slash..].trim_end_matches('/')),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(PushError::InvalidUrl(url.to_owned()));
        }
        let authority = if authority.contains(':') && !authority.ends_with(']') {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Pusher {
            authority,
            prefix: prefix.to_owned(),
            job: job.to_owned(),
            grouping: Vec::new(),
            names: None,
            timeout: Duration::from_secs(10),
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

    /// The connect, read and write timeout of each request (10 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Pusher {
        self.timeout = timeout;
        self
    }

    /// `PUT`: replaces every metric of the group with the registry's.
    pub fn push(&self) -> Result<(), PushError> {
        self.send("PUT", true)
    }

    /// `POST`: replaces only the metrics of the group that have the same names as the pushed
    /// ones.
    pub fn push_add(&self) -> Result<(), PushError> {
        self.send("POST", true)
    }

    /// `DELETE`: removes the group.
    pub fn delete(&self) -> Result<(), PushError> {
        self.send("DELETE", false)
    }

    /// The request path for the grouping key, e.g. `/metrics/job/nightly/instance/db-1`.
    pub fn path(&self) -> Result<String, PushError> {
        let mut path = format!("{}/metrics", self.prefix);
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

    fn send(&self, method: &str, with_body: bool) -> Result<(), PushError> {
        let path = self.path()?;
        let body = if with_body {
            match &self.names {
                Some(names) => {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    registry().render_only(&names)
                }
                None => registry().render(),
            }
        } else {
            String::new()
        };
        let content_type = with_body.then_some(TEXT_CONTENT_TYPE);
        let response = client::request(
            &self.authority,
            method,
            &path,
            content_type,
            body.as_bytes(),
            self.timeout,
        )
        .map_err(PushError::Io)?;
        if (200..300).contains(&response.status) {
            Ok(())
        } else {
            Err(PushError::Status {
                code: response.status,
                body: String::from_utf8_lossy(&response.body).into_owned(),
            })
        }
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
    } else {
        path.push_str("@base64/");
        base64_url(path, value.as_bytes());
        if value.is_empty() {
            // The Pushgateway's spelling of an empty value: a lone padding character.
            path.push('=');
        }
    }
}

/// RFC 4648 base64 with the URL-safe alphabet and padding.
fn base64_url(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        let mut out = String::new();
        base64_url(&mut out, text.as_bytes());
        out
    }

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(b64(""), "");
        assert_eq!(b64("f"), "Zg==");
        assert_eq!(b64("fo"), "Zm8=");
        assert_eq!(b64("foo"), "Zm9v");
        assert_eq!(b64("foob"), "Zm9vYg==");
        assert_eq!(b64("/a?>"), "L2E_Pg==");
    }

    #[test]
    fn grouping_key_paths() {
        let pusher = Pusher::new("http://127.0.0.1:9091/gw/", "batch")
            .unwrap()
            .grouping("instance", "db-1")
            .grouping("path", "/var/tmp")
            .grouping("empty", "");
        assert_eq!(
            pusher.path().unwrap(),
            "/gw/metrics/job/batch/instance/db-1/path@base64/L3Zhci90bXA=/empty@base64/="
        );
        assert_eq!(pusher.authority, "127.0.0.1:9091");
        assert_eq!(
            Pusher::new("http://gateway", "j").unwrap().authority,
            "gateway:80"
        );
        assert!(matches!(
            Pusher::new("https://gateway", "j"),
            Err(PushError::InvalidUrl(_))
        ));
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
    }
}
