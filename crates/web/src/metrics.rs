//! Request counts and latencies in the Prometheus text format, for `/metrics`.

use crate::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use desmigratif_core::id::constant_time_eq;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;
use tracing::Instrument;

const BUCKETS: [f64; 9] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

pub struct Metrics {
    started: Instant,
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    /// Refused anonymous requests by reason (CSRF, limits): counted here, not audited.
    refusals: Mutex<BTreeMap<&'static str, u64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            requests: Mutex::default(),
            latency: Mutex::default(),
            refusals: Mutex::default(),
        }
    }
}

impl Metrics {
    pub fn refused(&self, reason: &'static str) {
        *self
            .refusals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(reason)
            .or_default() += 1;
    }

    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((method.into(), route.into(), status))
            .or_default() += 1;
        let mut latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        let h = latency.entry(route.to_owned()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.total += 1;
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP desmigratif_uptime_seconds Seconds since the server started."
        );
        let _ = writeln!(out, "# TYPE desmigratif_uptime_seconds gauge");
        let _ = writeln!(
            out,
            "desmigratif_uptime_seconds {}",
            self.started.elapsed().as_secs()
        );
        let _ = writeln!(
            out,
            "# HELP desmigratif_build_info Version of the running binary."
        );
        let _ = writeln!(out, "# TYPE desmigratif_build_info gauge");
        let _ = writeln!(
            out,
            "desmigratif_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP desmigratif_http_requests_total HTTP requests by method, route and status."
        );
        let _ = writeln!(out, "# TYPE desmigratif_http_requests_total counter");
        for ((method, route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "desmigratif_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP desmigratif_refusals_total Refused anonymous requests (CSRF, limits) by reason."
        );
        let _ = writeln!(out, "# TYPE desmigratif_refusals_total counter");
        for (reason, n) in self
            .refusals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(out, "desmigratif_refusals_total{{reason=\"{reason}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP desmigratif_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(
            out,
            "# TYPE desmigratif_http_request_duration_seconds histogram"
        );
        for (route, h) in self
            .latency
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "desmigratif_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "desmigratif_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.total
            );
            let _ = writeln!(
                out,
                "desmigratif_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "desmigratif_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.total
            );
        }
        out
    }
}

/// Counts every request under its route pattern (never the concrete path: that could hold ids)
/// and writes one log line for it in a span of its own: a request id (also sent back as
/// `X-Request-Id`, so a person can quote it), method, route, status, latency and the account's id.
/// Nothing personal: no path, no query, no name.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Any token is a valid HTTP method; unknown ones share a label so they cannot grow the table.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "OTHER",
    }
    .to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    // Short enough to read out over the phone; random, so it says nothing about traffic.
    let request_id = desmigratif_core::id::Secret::generate().expose()[..12].to_owned();
    let span = tracing::info_span!(
        "request",
        id = %request_id,
        method = %method,
        route = %route,
        user = tracing::field::Empty,
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "answered"
        );
    });
    state
        .metrics
        .record(&method, &route, status, elapsed.as_secs_f64());
    if let Ok(v) = axum::http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

const METRICS_TOKEN_HEADER: &str = "x-metrics-token";

/// Only for the machine itself (a loopback peer that no proxy forwarded) or a scraper holding
/// the metrics token: route names and error rates are a map for an attacker. Others get 404.
pub async fn endpoint(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers();
    let local = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback())
        && !headers.contains_key("x-forwarded-for");
    let by_token = state.config.metrics_token.as_deref().is_some_and(|want| {
        // Not `Authorization`: that header is an API login, answered before this handler.
        headers
            .get(METRICS_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|given| constant_time_eq(given.trim(), want))
    });
    if !(local || by_token) {
        return crate::error::AppError::NotFound.into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
