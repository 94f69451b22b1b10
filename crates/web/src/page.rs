//! The frame every page shares: language, navigation, CSRF token, title.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::Lang;
use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use desmigratif_core::access::{Action, Compartment};

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct NavUser {
    pub display_name: String,
    pub role: &'static str,
}

pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub csrf: String,
    pub path: String,
    pub user: Option<NavUser>,
    pub nav: Vec<NavItem>,
    /// Keep the page out of search engines (pages reached by a secret code).
    pub noindex: bool,
}

impl Page {
    pub fn new(ctx: &Ctx, title_key: &str) -> Page {
        let lang = ctx.lang;
        let mut nav = Vec::new();
        let user = ctx.auth.as_ref().map(|a| {
            let p = &a.principal;
            let can = |action| p.may_here(action);
            let mut item = |href: &'static str, key: &str| {
                let active = if href == "/app" {
                    ctx.path == "/app"
                } else {
                    ctx.path.starts_with(href)
                };
                nav.push(NavItem {
                    href,
                    label: lang.t(key),
                    active,
                });
            };
            item("/app", "nav.dashboard");
            if can(Action::Read(Compartment::Registry)) {
                item("/app/penduduk", "nav.persons");
                item("/app/keluarga", "nav.households");
                item("/app/pemantauan", "nav.monitoring");
                item("/app/persyaratan", "nav.requirements");
            }
            if can(Action::Read(Compartment::Letters)) {
                item("/app/surat", "nav.letters");
                item("/app/desa", "nav.villages");
            }
            if can(Action::HandleReports) {
                item("/app/laporan", "nav.reports");
            }
            if can(Action::Read(Compartment::Cases)) {
                item("/app/kasus", "nav.cases");
            } else if can(Action::Read(Compartment::Reports)) {
                item("/app/kasus/angka", "nav.case_counts");
            }
            if can(Action::Read(Compartment::Children)) {
                item("/app/anak", "nav.children");
            }
            if can(Action::Read(Compartment::Business)) {
                item("/app/usaha", "nav.business");
                item("/app/pelatihan", "nav.trainings");
                item("/app/produk", "nav.products");
            }
            if can(Action::Read(Compartment::Cooperative)) {
                item("/app/koperasi", "nav.coop");
            }
            if can(Action::PublishJobs) {
                item("/app/lowongan", "nav.jobs");
            }
            if can(Action::EditReference) {
                item("/app/informasi", "nav.public_info");
            }
            if can(Action::ManageUsers) {
                item("/app/pengguna", "nav.users");
            }
            if can(Action::ReadAudit) {
                item("/app/audit", "nav.audit");
            }
            item("/app/akun", "nav.account");
            NavUser {
                display_name: p.display_name.clone(),
                role: lang.t(&format!("role.{}", p.role)),
            }
        });
        Page {
            lang,
            title: lang.t(title_key).to_owned(),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            user,
            nav,
            noindex: false,
        }
    }

    /// A page for a request that never reached a handler (errors).
    pub fn bare(lang: Lang, title: &str) -> Page {
        Page {
            lang,
            title: title.to_owned(),
            csrf: String::new(),
            path: "/".into(),
            user: None,
            nav: Vec::new(),
            noindex: false,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The logged-in person's name, to prefill "who did this" fields.
    pub fn user_name(&self) -> &str {
        self.user
            .as_ref()
            .map(|u| u.display_name.as_str())
            .unwrap_or_default()
    }

    pub fn css(&self) -> &'static str {
        crate::assets::css_path()
    }

    /// Where the language switch posts; the page's own path travels as the form's `kembali`.
    pub fn switch_action(&self) -> String {
        format!("/bahasa/{}", self.lang.other().code())
    }

    pub fn switch_label(&self) -> &'static str {
        match self.lang {
            Lang::Id => "English",
            Lang::En => "Bahasa Indonesia",
        }
    }
}

/// Renders a page. Pages are never stored by caches: most show someone's data, and a shared
/// village computer must not show the last user's pages from its cache.
pub fn render(template: impl Template) -> Result<Response, AppError> {
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Html(template.render()?),
    )
        .into_response())
}

/// Renders a page of public information (agencies, fees, jobs, country guides) that shared caches
/// and phones may keep for a few minutes: the same for every visitor in a language, so the page
/// is public only to visitors without a login (whose header shows their name).
pub fn render_public(template: impl Template, ctx: &Ctx) -> Result<Response, AppError> {
    let cache = if ctx.auth.is_some() {
        "private, no-store"
    } else {
        PUBLIC_CACHE
    };
    Ok((
        [(header::CACHE_CONTROL, cache), (header::VARY, "Cookie")],
        Html(template.render()?),
    )
        .into_response())
}

/// How long public information may be reused without asking again.
pub const PUBLIC_CACHE: &str = "public, max-age=300";

/// Renders a form page; 422 when it is shown again because something must be corrected, so
/// API-like clients and tests can tell a re-shown form from a fresh one.
pub fn render_form(template: impl Template, needs_correction: bool) -> Result<Response, AppError> {
    let mut r = render(template)?;
    if needs_correction {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub status: u16,
    pub message: String,
}

/// Formats a time for people, in the deployment's zone (WIB, UTC+7, where both pilot villages are).
pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    (*t + chrono::Duration::hours(7))
        .format("%d-%m-%Y %H:%M WIB")
        .to_string()
}
