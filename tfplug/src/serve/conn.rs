//! Accepting connections on the unix socket (or loopback TCP), with or without TLS.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
#[cfg(unix)]
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tonic::transport::server::Connected;

use super::shutdown::Shutdown;

/// The byte stream of one connection from Terraform.
#[cfg(unix)]
pub type Stream = tokio_util::either::Either<UnixStream, TcpStream>;
/// The byte stream of one connection from Terraform.
#[cfg(not(unix))]
pub type Stream = TcpStream;

/// A bound listener: a unix socket, or TCP on the loopback interface.
#[derive(Debug)]
pub enum Listener {
    /// A unix socket.
    #[cfg(unix)]
    Unix(UnixListener),
    /// Loopback TCP.
    Tcp(TcpListener),
}

impl Listener {
    async fn accept(&self) -> io::Result<Stream> {
        match self {
            #[cfg(unix)]
            Listener::Unix(l) => Ok(Stream::Left(l.accept().await?.0)),
            Listener::Tcp(l) => {
                let (stream, _addr) = l.accept().await?;
                // Small request/answer messages: do not hold them back for more.
                stream.set_nodelay(true)?;
                #[cfg(unix)]
                return Ok(Stream::Right(stream));
                #[cfg(not(unix))]
                return Ok(stream);
            }
        }
    }
}

/// An accepted connection handed to tonic: plain or TLS.
#[derive(Debug)]
pub enum Conn {
    /// No transport security (`TF_DISABLE_PLUGIN_TLS`, debug/reattach mode).
    Plain(Stream),
    /// Mutual TLS with the pinned client certificate.
    Tls(Box<TlsStream<Stream>>),
}

impl Connected for Conn {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Plain(s) => s.is_write_vectored(),
            Conn::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Accepts connections until shutdown, performing the TLS handshake (when
/// configured) off the accept loop, and feeds the established ones to `tx`.
///
/// Connections whose TLS handshake fails (wrong or missing client certificate)
/// are dropped and never reach gRPC.
pub async fn accept_loop(
    listener: Listener,
    tls: Option<Arc<rustls::ServerConfig>>,
    tx: mpsc::Sender<io::Result<Conn>>,
    shutdown: Shutdown,
) {
    let acceptor = tls.map(TlsAcceptor::from);
    loop {
        let stream = tokio::select! {
            () = shutdown.requested() => break,
            accepted = listener.accept() => match accepted {
                Ok(stream) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "accepting a connection failed");
                    continue;
                }
            },
        };
        tracing::debug!("accepted a connection");
        match &acceptor {
            None => {
                if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                    break;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls) => {
                            tracing::debug!("TLS handshake complete");
                            let _ = tx.send(Ok(Conn::Tls(Box::new(tls)))).await;
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "refused a connection: TLS handshake failed");
                        }
                    }
                });
            }
        }
    }
    tracing::debug!("stopped accepting connections");
}
