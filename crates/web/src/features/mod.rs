//! One module per feature, each holding its pages and its API endpoints, so a reader finds a
//! feature in one place in every layer (`core::X`, `db::X`, `web::features::X`).

pub(crate) mod account;
pub mod agencies;
pub(crate) mod audit_log;
pub(crate) mod business;
pub(crate) mod cases;
pub(crate) mod children;
pub(crate) mod coop;
pub(crate) mod dashboard;
pub(crate) mod episodes;
pub(crate) mod fees;
pub(crate) mod guides;
pub(crate) mod home;
pub(crate) mod households;
pub(crate) mod jobs;
pub mod letters;
pub(crate) mod monitoring;
pub(crate) mod persons;
pub(crate) mod products;
pub(crate) mod regions;
pub(crate) mod reports;
pub(crate) mod requirements;
pub(crate) mod session;
pub(crate) mod system;
pub(crate) mod trainings;
pub(crate) mod transfer;
pub(crate) mod users;
pub(crate) mod verify;
pub(crate) mod villages;

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Desmigratif API",
        description = "JSON API of the Desa Migran Produktif platform. Authenticate with `Authorization: Bearer <personal API token>` \
                       (minted with `desmigratif user token` or on the account page). Errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`."
    ),
    modifiers(&BearerAuth)
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Reference data a deployment starts with and then keeps as its own: letter kinds, fee rules,
/// country guides and scam alerts. Adds only what is missing; never overwrites staff's edits.
pub async fn seed(db: &desmigratif_db::Db) -> Result<(), desmigratif_db::DbError> {
    letters::seed(db).await?;
    desmigratif_db::fees::seed(db, &desmigratif_core::fees::seed_rules()).await?;
    desmigratif_db::guides::seed(db).await
}

/// A list of problems with a form, shown beside the fields they concern.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    pub fn push(&mut self, e: desmigratif_core::Invalid) {
        self.add(e.field, e.message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for one field, for templates.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn all(&self) -> &[(String, String)] {
        &self.0
    }
}

impl From<Vec<desmigratif_core::Invalid>> for FieldErrors {
    fn from(list: Vec<desmigratif_core::Invalid>) -> FieldErrors {
        FieldErrors(
            list.into_iter()
                .map(|e| (e.field.to_owned(), e.message))
                .collect(),
        )
    }
}

impl From<FieldErrors> for crate::error::AppError {
    /// The API's answer to a form that breaks the rules: every field and its message.
    fn from(e: FieldErrors) -> Self {
        crate::error::AppError::Invalid(e.0)
    }
}

/// Rupiah with the sign before the symbol, so a loss reads "-Rp200.000".
pub fn rupiah(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", desmigratif_core::fees::RUPIAH.format(n.abs()))
}

/// Only local paths are followed after login or a language switch (no open redirect).
/// Browsers drop tabs and newlines from a `Location` (`/\t/evil` becomes `//evil`), so any
/// control character, backslash or second leading slash makes the path untrusted.
pub fn local_path(candidate: &str, fallback: &'static str) -> String {
    let ok = candidate.starts_with('/')
        && !candidate[1..].starts_with(['/', '\\'])
        && !candidate.chars().any(|c| c.is_control() || c == '\\')
        && !candidate.contains("://");
    if ok {
        candidate.to_owned()
    } else {
        fallback.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn redirects_stay_local() {
        assert_eq!(local_path("/app/akun", "/app"), "/app/akun");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "app",
            "",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}x",
            "/app\u{7f}",
        ] {
            assert_eq!(local_path(bad, "/app"), "/app", "{bad}");
        }
    }
}
