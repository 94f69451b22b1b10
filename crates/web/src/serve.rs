//! The HTTP server: the router behind hyper, with the time limits `axum::serve` does not set.
//! Without them one client that opens a connection and sends a header a byte a minute (or a body
//! that never ends) holds a connection and its memory for as long as it likes; a few thousand
//! such clients are all it takes.

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::time::Duration;
use tower::ServiceExt;

/// How long a client may take over each part of a request.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To send the whole request head (line and headers), from the connection's start or the
    /// previous answer; the connection is closed after it.
    pub header_read: Duration,
    /// Between two pieces of a request body; the request is answered 408.
    pub body_idle: Duration,
    /// For the whole request, body and answer: a 10 MB upload on a slow village line fits.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            header_read: Duration::from_secs(10),
            body_idle: Duration::from_secs(20),
            request: Duration::from_secs(300),
        }
    }
}

/// Answers 408 when a request (reading its body included) takes longer than
/// [`Timeouts::request`]. The handler's future is dropped there, so an open transaction rolls back.
pub async fn limit_time(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.config.timeouts.request, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::TimedOut.into_response(),
    }
}

/// How long the last requests get to finish once shutdown is asked for.
const DRAIN: Duration = Duration::from_secs(20);

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish (for at
/// most [`DRAIN`]). Each request carries its peer's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(timeouts.header_read)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that went away or broke the protocol: nothing to answer.
            let _ = connection.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still open after {DRAIN:?}; stopping anyway");
    }
}
