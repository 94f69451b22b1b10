//! Slow clients on a real socket: a header that never ends, a body that stops, a body that
//! trickles past the request's limit. Each is cut off in its time while others are served.

use crate::support::*;
use desmigratif_web::serve::{Timeouts, serve};
use desmigratif_web::{AppState, WebConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the server sent on `stream` until it closed it, it finished a page, or `limit` passed.
async fn answer(stream: &mut TcpStream, limit: Duration) -> String {
    let mut got = Vec::new();
    let until = Instant::now() + limit;
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout_at(until.into(), stream.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if got.windows(7).any(|w| w == b"</html>") {
            break;
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// A report post whose head says 1,000 bytes follow.
const REPORT_HEAD: &str = "POST /lapor HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: dm_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\nContent-Length: 1000\r\n\r\n";

both! {
    async fn slow_clients_are_cut_off_in_time_while_others_are_served(app) {
        let timeouts = Timeouts {
            header_read: Duration::from_secs(1),
            body_idle: Duration::from_secs(1),
            request: Duration::from_secs(3),
        };
        let config = WebConfig { password_cost: desmigratif_core::password::Cost::TestOnly, timeouts, ..WebConfig::default() };
        let router = desmigratif_web::router(AppState::new(app.db.clone(), REGIONS.clone(), KEYS.clone(), config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(serve(listener, router, timeouts, std::future::pending()));
        let reports = app.rows("public_reports").await;

        // A request head that never ends: the connection is closed after the header limit.
        let mut head_only = TcpStream::connect(addr).await.unwrap();
        head_only.write_all(b"GET /masuk HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
        let started = Instant::now();
        let got = answer(&mut head_only, Duration::from_secs(8)).await;
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "closed after {took:?}");
        assert!(got.is_empty() || got.starts_with("HTTP/1.1 408"), "{got}");

        // A body that stops: refused once it has been idle for the body limit.
        let mut stalled = TcpStream::connect(addr).await.unwrap();
        stalled.write_all(format!("{REPORT_HEAD}_csrf=AAAA").as_bytes()).await.unwrap();
        let started = Instant::now();
        let got = answer(&mut stalled, Duration::from_secs(8)).await;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(4), "answered after {took:?}");
        assert!(got.starts_with("HTTP/1.1 4"), "{got}");

        // A body that trickles, never idle but never done: 408 and a page that says what to do.
        let mut trickle = TcpStream::connect(addr).await.unwrap();
        trickle.write_all(REPORT_HEAD.as_bytes()).await.unwrap();
        let (mut reader, mut writer) = trickle.into_split();
        let dripping = tokio::spawn(async move {
            for _ in 0..40 {
                if writer.write_all(b"a").await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        });
        let started = Instant::now();
        let mut got = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(8), async {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf).await {
                if n == 0 { break }
                got.extend_from_slice(&buf[..n]);
                if got.windows(7).any(|w| w == b"</html>") { break }
            }
        }).await;
        let got = String::from_utf8_lossy(&got).into_owned();
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(2900) && took < Duration::from_secs(6), "answered after {took:?}");
        assert!(got.starts_with("HTTP/1.1 408"), "{got}");
        assert!(got.contains("Waktu habis"), "{got}");
        dripping.abort();

        // Meanwhile, and after, everyone else is served; nothing of the cut-off posts was stored.
        let mut healthy = TcpStream::connect(addr).await.unwrap();
        healthy.write_all(b"GET /masuk HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
        let got = answer(&mut healthy, Duration::from_secs(5)).await;
        assert!(got.starts_with("HTTP/1.1 200") && got.to_ascii_lowercase().contains("x-request-id: "), "{got}");
        assert_eq!(app.rows("public_reports").await, reports);
        server.abort();
    }
}
