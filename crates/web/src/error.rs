//! The one error type of the web layer. A handler returns it; [`render_errors`] turns it into a
//! friendly Indonesian (or English) page, or into JSON under `/api`.

use crate::i18n::Lang;
use crate::page::ErrorPage;
use askama::Template;
use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use desmigratif_db::DbError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    Unauthenticated,
    #[error("csrf")]
    Csrf,
    #[error("too many requests")]
    TooManyRequests,
    /// Every password slot is busy: try again in a moment.
    #[error("busy")]
    Busy,
    /// The request took longer than the server allows ([`crate::serve::Timeouts::request`]).
    #[error("timed out")]
    TimedOut,
    /// A NUL byte in a path, query, form or JSON text.
    #[error("control character")]
    ControlCharacter,
    /// A request the server cannot use; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// Field-by-field validation failures (API); pages show them beside the fields instead.
    #[error("invalid")]
    Invalid(Vec<(String, String)>),
    #[error("{0}")]
    Conflict(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TimedOut => StatusCode::REQUEST_TIMEOUT,
            AppError::BadRequest(_) | AppError::ControlCharacter => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Csrf => "csrf",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Busy => "busy",
            AppError::TimedOut => "timed_out",
            AppError::BadRequest(_) => "bad_request",
            AppError::ControlCharacter => "control_character",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message for people, in their language; internal details never leave the server.
    fn message(&self, lang: Lang) -> String {
        match self {
            AppError::BadRequest(m) | AppError::Conflict(m) => m.clone(),
            AppError::Invalid(_) => lang.t("error.invalid").to_owned(),
            other => lang.t(&format!("error.{}", other.code())).to_owned(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "kesalahan internal");
        }
        let mut response = self.status().into_response();
        // When to come back: a busy password check clears in seconds, a limit's window in minutes.
        let retry = match self {
            AppError::Busy => Some("5"),
            AppError::TooManyRequests => Some("60"),
            _ => None,
        };
        if let Some(secs) = retry {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(secs),
            );
        }
        response.extensions_mut().insert(self);
        response
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> AppError {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::Internal(format!("template: {e}"))
    }
}

impl From<desmigratif_core::Invalid> for AppError {
    fn from(e: desmigratif_core::Invalid) -> AppError {
        AppError::Invalid(vec![(e.field.to_owned(), e.message)])
    }
}

/// Renders an `AppError` left in a response: JSON under `/api`, a page everywhere else.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let lang = Lang::from_headers(request.headers());
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<AppError>().cloned() else {
        return response;
    };
    let status = response.status();

    if is_api {
        let mut body = serde_json::json!({ "error": { "code": error.code(), "message": error.message(lang) } });
        if let AppError::Invalid(fields) = &error {
            body["error"]["fields"] = fields
                .iter()
                .map(|(f, m)| serde_json::json!({ "field": f, "message": m }))
                .collect();
        }
        let mut r = (status, Json(body)).into_response();
        if matches!(error, AppError::Unauthenticated) {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                "Bearer".parse().expect("static header"),
            );
        }
        return r;
    }
    if matches!(error, AppError::Unauthenticated) {
        let next = urlencode(&path_and_query);
        return Redirect::to(&format!("/masuk?kembali={next}")).into_response();
    }
    let page = ErrorPage {
        page: crate::page::Page::bare(lang, lang.t(&format!("error.{}.title", error.code()))),
        status: status.as_u16(),
        message: error.message(lang),
    };
    match page.render() {
        Ok(html) => (
            status,
            [(header::CACHE_CONTROL, "no-store")],
            axum::response::Html(html),
        )
            .into_response(),
        Err(_) => status.into_response(),
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q[1..].to_owned())
        .unwrap_or_default()
}
