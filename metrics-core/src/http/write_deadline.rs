//! A write deadline for the standalone server's connections: hyper has none, and a client that
//! stops reading must not hold a connection (and the response's memory) forever.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream whose writes fail once a response has waited `limit` for the client to take it:
/// the deadline starts when a write first has to wait, and ends when the response is flushed.
pub(crate) struct WriteDeadline<I> {
    pub(crate) io: I,
    limit: Duration,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Whether a write failed for the deadline: the connection is then given up.
    pub(crate) timed_out: bool,
}

impl<I> WriteDeadline<I> {
    pub(crate) fn new(io: I, limit: Duration) -> WriteDeadline<I> {
        WriteDeadline {
            io,
            limit,
            deadline: None,
            timed_out: false,
        }
    }

    /// Called when a write or flush must wait: arms the deadline, or fails once it passed.
    fn wait<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let limit = self.limit;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(deadline.as_mut().poll(cx));
        self.timed_out = true;
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client did not take the response in time",
        )))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for WriteDeadline<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write(cx, buf) {
            Poll::Pending => self.wait(cx),
            ready => ready,
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.wait(cx),
            ready => ready,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.io).poll_flush(cx) {
            Poll::Pending => self.wait(cx),
            Poll::Ready(Ok(())) => {
                // The response is out: the next one gets a deadline of its own.
                self.deadline = None;
                Poll::Ready(Ok(()))
            }
            error => error,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[test]
    fn a_response_nobody_takes_times_out() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let response = vec![b'x'; 64 * 1024];
            // The client's side holds 1 KiB and never reads.
            let (server, _client) = tokio::io::duplex(1024);
            let mut stuck = WriteDeadline::new(server, Duration::from_millis(50));
            let error = stuck.write_all(&response).await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::TimedOut);
            assert!(stuck.timed_out);

            // A client that reads keeps the connection, however many responses it takes.
            let (server, mut client) = tokio::io::duplex(1024);
            let reader = tokio::spawn(async move {
                let mut all = Vec::new();
                client.read_to_end(&mut all).await.map(|_| all.len())
            });
            let mut taken = WriteDeadline::new(server, Duration::from_secs(60));
            for _ in 0..3 {
                taken.write_all(&response).await.unwrap();
                taken.flush().await.unwrap();
                assert!(taken.deadline.is_none());
            }
            drop(taken);
            assert_eq!(reader.await.unwrap().unwrap(), 3 * response.len());
        });
    }
}
