//! The HTTP face of Desmigratif: server-rendered pages (Indonesian first, English second), the
//! JSON API under `/api/v1` with its OpenAPI document, and the guards every request passes:
//! authentication, CSRF, the one authorisation check, security headers and metrics.

mod assets;
mod auth;
mod chart;
mod error;
mod features;
mod heavy;
mod i18n;
mod limits;
mod metrics;
mod page;
pub mod password_pool;
pub mod router;
pub mod serve;
mod text_guard;

pub use auth::SESSION_COOKIE;
pub use error::AppError;
pub use features::seed;
pub use i18n::Lang;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use desmigratif_core::crypto::Keys;
use desmigratif_core::password::Cost;
use desmigratif_core::region::RegionTree;
use desmigratif_db::Db;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// Settings of the running server that are not in the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The reverse proxies whose `X-Forwarded-For` hops are believed; none by default.
    pub trusted_proxies: desmigratif_core::net::TrustedProxies,
    /// Cost of new password hashes; always `Standard` outside test suites.
    pub password_cost: Cost,
    /// Shown on the login page of a demo deployment.
    pub demo_password: Option<String>,
    /// The deployment's public address (`https://desa.example`), printed on letters and in their
    /// QR codes. The command line makes it the listening address when none is given.
    pub public_url: String,
    /// Public lookups (letter verification, tracking, resident requests) allowed per client
    /// address per minute.
    pub public_lookups_per_minute: usize,
    /// Public reports (`/lapor`) accepted per client address per hour.
    pub public_reports_per_hour: usize,
    /// Letters residents may request from the public page per client address per hour.
    pub public_letter_requests_per_hour: usize,
    /// Password checks allowed at once: each holds the hash's memory, so a login flood queues
    /// here (and is answered 503) instead of exhausting the machine.
    pub password_checks: usize,
    /// Lets a scraper off this machine read `/metrics` (header `X-Metrics-Token`).
    pub metrics_token: Option<String>,
    /// How long a client may take to send a request and the server to answer it.
    pub timeouts: serve::Timeouts,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trusted_proxies: desmigratif_core::net::TrustedProxies::none(),
            password_cost: Cost::Standard,
            demo_password: None,
            public_url: "http://localhost".into(),
            public_lookups_per_minute: 60,
            public_reports_per_hour: 5,
            public_letter_requests_per_hour: 3,
            password_checks: 4,
            metrics_token: None,
            timeouts: serve::Timeouts::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub regions: Arc<RegionTree>,
    /// Encryption and blind-index keys for personal numbers and scans.
    pub keys: Arc<Keys>,
    pub config: Arc<WebConfig>,
    metrics: Arc<metrics::Metrics>,
    /// Password checks and hashes ([`WebConfig::password_checks`] threads).
    pub passwords: Arc<password_pool::PasswordPool>,
    /// This server's agency search index.
    agency_cache: Arc<features::agencies::Cache>,
    /// Turns for spreadsheet reading, photo decoding and typesetting ([`heavy`]).
    heavy: Arc<heavy::HeavyWork>,
}

impl AppState {
    pub fn new(db: Db, regions: Arc<RegionTree>, keys: Keys, config: WebConfig) -> AppState {
        desmigratif_db::audit::install_key(&keys);
        AppState {
            db,
            regions,
            keys: Arc::new(keys),
            metrics: Arc::default(),
            passwords: Arc::new(password_pool::PasswordPool::new(config.password_checks)),
            agency_cache: Arc::default(),
            heavy: Arc::default(),
            config: Arc::new(config),
        }
    }
}

/// Largest document scan accepted (PDF, JPEG, PNG).
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// Content-Security-Policy: nothing from other hosts, no inline script or style at all.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: AppState) -> Router {
    let (api, openapi) = router::api().split_for_parts();
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(router::pages())
        .merge(api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(assets::router())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(text_guard::refuse_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            serve::limit_time,
        ))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT + 64 * 1024))
        .layer(RequestBodyTimeoutLayer::new(
            state.config.timeouts.body_idle,
        ))
        .layer(CompressionLayer::new().gzip(true))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
        .with_state(state)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Removes expired sessions now and then; runs for the life of the server.
pub async fn housekeeping(db: Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = desmigratif_db::sessions::purge_expired(&db).await {
            tracing::warn!(error = %e, "membersihkan sesi kedaluwarsa gagal");
        }
    }
}
