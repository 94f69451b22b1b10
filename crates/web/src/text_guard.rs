//! No NUL byte reaches a handler: PostgreSQL refuses it in text (a 500 after the work began)
//! while SQLite stores it silently, so the two engines would disagree about the same request.
//! Paths, query strings, form bodies and JSON bodies are checked here, once, for every route;
//! multipart uploads are binary files and are left to their handlers.

use crate::UPLOAD_LIMIT;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if has_encoded_nul(uri.path().as_bytes())
        || uri.query().is_some_and(|q| has_encoded_nul(q.as_bytes()))
    {
        return AppError::ControlCharacter.into_response();
    }
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let check: Option<fn(&[u8]) -> bool> = if kind.starts_with("application/x-www-form-urlencoded")
    {
        Some(has_encoded_nul)
    } else if kind.starts_with("application/json") {
        Some(json_has_nul)
    } else {
        None
    };
    let Some(check) = check else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, UPLOAD_LIMIT + 64 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return AppError::BadRequest("isian terlalu besar atau terputus".into())
                .into_response();
        }
    };
    if check(&bytes) {
        return AppError::ControlCharacter.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A raw NUL or its percent-encoding `%00`.
fn has_encoded_nul(raw: &[u8]) -> bool {
    raw.contains(&0)
        || raw
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// A raw NUL or the escape `\u0000` — unless its backslash is itself escaped (`\\u0000` is the
/// six characters, not a NUL).
fn json_has_nul(raw: &[u8]) -> bool {
    if raw.contains(&0) {
        return true;
    }
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' {
            let escape = raw.get(i + 1..i + 6);
            if escape.is_some_and(|e| e.eq_ignore_ascii_case(b"u0000")) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_and_raw_nul_are_found() {
        assert!(has_encoded_nul(b"username=adm%00in"));
        assert!(has_encoded_nul(b"/v/%00AAAA"));
        assert!(has_encoded_nul(b"a=\0"));
        assert!(!has_encoded_nul(b"jumlah=100%25&x=%0A"));
    }

    #[test]
    fn json_escapes_are_read_as_json_reads_them() {
        assert!(json_has_nul(br#"{"name":"Uji\u0000Nol"}"#));
        assert!(json_has_nul(br#"{"name":"Uji\U0000Nol"}"#));
        assert!(!json_has_nul(br#"{"name":"Uji\\u0000Nol"}"#));
        assert!(json_has_nul(br#"{"name":"a\\\u0000"}"#));
        assert!(!json_has_nul(br#"{"name":"a\u00e9"}"#));
    }
}
