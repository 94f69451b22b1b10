//! Static assets, embedded in the binary (villages are often offline; nothing comes from a CDN).
//! The stylesheet's URL carries a hash of its content, so it can be cached for a year.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const CSS: &str = include_str!("../assets/app.css");
const FAVICON: &str = include_str!("../assets/favicon.svg");

static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "/static/app.{}.css",
        &hex::encode(Sha256::digest(CSS.as_bytes()))[..12]
    )
});

pub fn css_path() -> &'static str {
    &CSS_PATH
}

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/static/{file}", axum::routing::get(serve))
}

async fn serve(Path(file): Path<String>) -> Response {
    let immutable = "public, max-age=31536000, immutable";
    if format!("/static/{file}") == *CSS_PATH {
        (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, immutable),
            ],
            CSS,
        )
            .into_response()
    } else if file == "favicon.svg" {
        (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            FAVICON,
        )
            .into_response()
    } else {
        crate::AppError::NotFound.into_response()
    }
}
