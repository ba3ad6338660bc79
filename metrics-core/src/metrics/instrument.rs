//! What `#[timed]` and `#[count_errors]` rely on: error kinds and the helpers that run a
//! function's body so its result can be inspected.

use std::future::Future;

/// The label value an error is counted under by [`count_errors`](crate::count_errors): a
/// short, bounded name such as `timeout` or `invalid_token`, never a message with ids in it.
///
/// `#[derive(ErrorKind)]` implements it for an enum with each variant's name in snake_case;
/// implement it by hand to group variants or for a struct.
///
/// ```
/// use metrics_core::ErrorKind;
///
/// #[derive(Debug, ErrorKind)]
/// enum LookupError {
///     NotFound,
///     InvalidToken(String),
///     Backend { code: u16 },
/// }
///
/// assert_eq!(LookupError::NotFound.error_kind(), "not_found");
/// assert_eq!(LookupError::InvalidToken("x".into()).error_kind(), "invalid_token");
/// assert_eq!(LookupError::Backend { code: 503 }.error_kind(), "backend");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no error kind for #[count_errors] to count it under",
    label = "the errors of this function are `{Self}`",
    note = "add `#[derive(metrics_core::ErrorKind)]` to the error enum, or implement \
            `metrics_core::ErrorKind` for it"
)]
pub trait ErrorKind {
    /// The kind of this error, used as a label value.
    fn error_kind(&self) -> &'static str;
}

/// By [`std::io::ErrorKind`], in snake_case (`not_found`, `timed_out`, ...; `other` for kinds
/// added after this crate).
impl ErrorKind for std::io::Error {
    fn error_kind(&self) -> &'static str {
        use std::io::ErrorKind as Kind;
        match self.kind() {
            Kind::NotFound => "not_found",
            Kind::PermissionDenied => "permission_denied",
            Kind::ConnectionRefused => "connection_refused",
            Kind::ConnectionReset => "connection_reset",
            Kind::ConnectionAborted => "connection_aborted",
            Kind::NotConnected => "not_connected",
            Kind::AddrInUse => "addr_in_use",
            Kind::AddrNotAvailable => "addr_not_available",
            Kind::BrokenPipe => "broken_pipe",
            Kind::AlreadyExists => "already_exists",
            Kind::WouldBlock => "would_block",
            Kind::InvalidInput => "invalid_input",
            Kind::InvalidData => "invalid_data",
            Kind::TimedOut => "timed_out",
            Kind::WriteZero => "write_zero",
            Kind::Interrupted => "interrupted",
            Kind::Unsupported => "unsupported",
            Kind::UnexpectedEof => "unexpected_eof",
            Kind::OutOfMemory => "out_of_memory",
            _ => "other",
        }
    }
}

impl<E: ErrorKind + ?Sized> ErrorKind for &E {
    fn error_kind(&self) -> &'static str {
        (**self).error_kind()
    }
}

impl<E: ErrorKind + ?Sized> ErrorKind for Box<E> {
    fn error_kind(&self) -> &'static str {
        (**self).error_kind()
    }
}

/// Runs a sync function's body, given as a closure so that `return` and `?` end here. The
/// `FnOnce` bound lets the body return borrows of what it captured.
#[doc(hidden)]
#[inline(always)]
pub fn call_once<R, F: FnOnce() -> R>(body: F) -> R {
    body()
}

/// Names the output of an async function's body, given as an async block, so that `?` in it
/// knows the error type to convert into.
#[doc(hidden)]
#[inline(always)]
pub fn future_of<R, F: Future<Output = R>>(body: F) -> F {
    body
}
