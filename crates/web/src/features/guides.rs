//! Public information that national staff write: country guides `/negara/{iso2}` (wages, legal
//! costs, rights, hotlines, missions, common scams — each with sources and a "last checked" date)
//! and dated scam alerts with the red-flag checklist `/waspada`. Markdown, rendered with raw HTML
//! shown as text and no images or outside links that could load or lead anywhere unexpected.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Ctx, Staff};
use crate::error::AppError;
use crate::page::{Page, render, render_form, render_public};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use desmigratif_core::access::{Action, Place};
use desmigratif_core::catalog;
use desmigratif_core::letters::indonesian_date;
use desmigratif_core::registry::parse_date;
use desmigratif_db::DbError;
use desmigratif_db::guides::{self, AlertRow, AlertText, GuideText, RedFlag};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Markdown to HTML that cannot carry markup of its own: raw HTML becomes text, images become
/// their description (nothing is fetched), and only links to this site or to `https://`
/// addresses stay links.
pub fn markdown(src: &str) -> String {
    let mut in_dropped_link = Vec::new();
    let events = Parser::new_ext(src, Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            dest_url,
            title,
            link_type,
            id,
        }) => {
            let safe = (dest_url.starts_with('/') && !dest_url.starts_with("//"))
                || dest_url.starts_with("https://");
            in_dropped_link.push(!safe);
            safe.then_some(Event::Start(Tag::Link {
                dest_url,
                title,
                link_type,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            if in_dropped_link.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(src.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Largest guide or alert body: a guide is read on a phone, not a manual.
const BODY_MAX: usize = 20_000;
const SUMMARY_MAX: usize = 300;

// --- country guides ----------------------------------------------------------------------------

struct GuideCard {
    iso2: String,
    name: String,
    summary: String,
    last_checked: String,
}

#[derive(Template)]
#[template(path = "guides.html")]
struct GuidesPage {
    page: Page,
    guides: Vec<GuideCard>,
}

fn country_name(iso2: &str, lang: crate::Lang) -> String {
    catalog::country(iso2)
        .map(|c| if lang == crate::Lang::En { c.en } else { c.id })
        .unwrap_or(iso2)
        .to_owned()
}

pub(crate) async fn guides_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let en = ctx.lang == crate::Lang::En;
    let guides = guides::guides(&state.db)
        .await?
        .into_iter()
        .map(|g| GuideCard {
            name: country_name(&g.iso2, ctx.lang),
            summary: if en { g.summary_en } else { g.summary_id },
            last_checked: indonesian_date(g.last_checked),
            iso2: g.iso2.to_lowercase(),
        })
        .collect();
    render_public(
        GuidesPage {
            page: Page::new(&ctx, "guides.title"),
            guides,
        },
        &ctx,
    )
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    page: Page,
    iso2: String,
    name: String,
    body: String,
    last_checked: String,
    can_edit: bool,
}

pub(crate) async fn guide_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(iso2): Path<String>,
) -> Result<Response, AppError> {
    let g = guides::guide(&state.db, &iso2.to_uppercase())
        .await?
        .ok_or(AppError::NotFound)?;
    let body = if ctx.lang == crate::Lang::En && !g.body_en.trim().is_empty() {
        &g.body_en
    } else {
        &g.body_id
    };
    let mut page = Page::new(&ctx, "guides.title");
    page.title = country_name(&g.iso2, ctx.lang);
    let can_edit = ctx
        .auth
        .as_ref()
        .is_some_and(|a| a.principal.may(Action::EditReference, &Place::National));
    render_public(
        GuidePage {
            page,
            name: country_name(&g.iso2, ctx.lang),
            body: markdown(body),
            last_checked: indonesian_date(g.last_checked),
            iso2: g.iso2.to_lowercase(),
            can_edit,
        },
        &ctx,
    )
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct GuideForm {
    ringkasan: String,
    ringkasan_en: String,
    isi: String,
    isi_en: String,
    diperiksa: String,
}

#[derive(Template)]
#[template(path = "guide_form.html")]
struct GuideFormPage {
    page: Page,
    iso2: String,
    name: String,
    form: GuideForm,
    errors: FieldErrors,
    preview: String,
}

fn check_text(errors: &mut FieldErrors, field: &str, s: &str, max: usize, required: bool) {
    let n = s.trim().chars().count();
    if required && n == 0 {
        errors.add(field, "wajib diisi");
    } else if n > max {
        errors.add(field, format!("paling banyak {max} huruf (sekarang {n})"));
    }
}

pub(crate) async fn guide_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(iso2): Path<String>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "country_guide.update")
        .await?;
    let country = catalog::country(&iso2).ok_or(AppError::NotFound)?;
    let form = match guides::guide(&state.db, country.iso2).await? {
        Some(g) => GuideForm {
            ringkasan: g.summary_id,
            ringkasan_en: g.summary_en,
            isi: g.body_id,
            isi_en: g.body_en,
            diperiksa: g.last_checked.to_string(),
        },
        None => GuideForm {
            diperiksa: super::persons::today().to_string(),
            ..GuideForm::default()
        },
    };
    render(GuideFormPage {
        page: Page::new(&staff.ctx, "guides.edit"),
        iso2: country.iso2.to_lowercase(),
        name: country_name(country.iso2, staff.ctx.lang),
        preview: markdown(&form.isi),
        form,
        errors: FieldErrors::default(),
    })
}

pub(crate) async fn guide_save(
    State(state): State<AppState>,
    staff: Staff,
    Path(iso2): Path<String>,
    Form(f): Form<GuideForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "country_guide.update")
        .await?;
    let country = catalog::country(&iso2).ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    check_text(&mut errors, "ringkasan", &f.ringkasan, SUMMARY_MAX, true);
    check_text(
        &mut errors,
        "ringkasan_en",
        &f.ringkasan_en,
        SUMMARY_MAX,
        false,
    );
    check_text(&mut errors, "isi", &f.isi, BODY_MAX, true);
    check_text(&mut errors, "isi_en", &f.isi_en, BODY_MAX, false);
    let checked = parse_date("diperiksa", &f.diperiksa)
        .map_err(|e| errors.push(e))
        .ok();
    if checked.is_some_and(|d| d > super::persons::today()) {
        errors.add("diperiksa", "tanggal pemeriksaan tidak boleh di masa depan");
    }
    let (Some(last_checked), true) = (checked, errors.is_empty()) else {
        return render_form(
            GuideFormPage {
                page: Page::new(&staff.ctx, "guides.edit"),
                iso2: country.iso2.to_lowercase(),
                name: country_name(country.iso2, staff.ctx.lang),
                preview: markdown(&f.isi),
                form: f,
                errors,
            },
            true,
        );
    };
    let body_id = f.isi.replace("\r\n", "\n");
    let body_en = f.isi_en.replace("\r\n", "\n");
    let mut tx = state.db.begin().await?;
    guides::save_guide(
        &mut tx,
        &staff.actor(),
        country.iso2,
        &GuideText {
            summary_id: f.ringkasan.trim(),
            summary_en: f.ringkasan_en.trim(),
            body_id: body_id.trim(),
            body_en: body_en.trim(),
            last_checked,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/negara/{}", country.iso2.to_lowercase())).into_response())
}

// --- scam alerts and the red-flag checklist ----------------------------------------------------

/// An alert as shown.
pub struct AlertView {
    pub code: String,
    pub date: String,
    pub title: String,
    pub body: String,
    pub source: String,
    pub active: bool,
}

pub fn alert_view(a: AlertRow, lang: crate::Lang) -> AlertView {
    let en = lang == crate::Lang::En;
    AlertView {
        date: indonesian_date(a.published_on),
        title: if en && !a.title_en.is_empty() {
            a.title_en
        } else {
            a.title_id
        },
        body: markdown(if en && !a.body_en.is_empty() {
            &a.body_en
        } else {
            &a.body_id
        }),
        source: a.source,
        active: a.active,
        code: a.code,
    }
}

/// The red flags in the reader's language.
pub fn flags(lang: crate::Lang) -> Vec<String> {
    guides::red_flags()
        .into_iter()
        .map(|RedFlag { id, en }| if lang == crate::Lang::En { en } else { id })
        .collect()
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    page: Page,
    alerts: Vec<AlertView>,
    flags: Vec<String>,
}

pub(crate) async fn alerts_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let alerts = guides::alerts(&state.db, true)
        .await?
        .into_iter()
        .map(|a| alert_view(a, ctx.lang))
        .collect();
    render_public(
        AlertsPage {
            page: Page::new(&ctx, "alerts.title"),
            alerts,
            flags: flags(ctx.lang),
        },
        &ctx,
    )
}

#[derive(Template)]
#[template(path = "alerts_staff.html")]
struct AlertsStaffPage {
    page: Page,
    alerts: Vec<AlertView>,
    guides: Vec<(String, String, String)>,
}

/// Staff's desk for public information: alerts to write or switch off, guides to update.
pub(crate) async fn staff_page(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "scam_alert.list")
        .await?;
    let lang = staff.ctx.lang;
    let alerts = guides::alerts(&state.db, false)
        .await?
        .into_iter()
        .map(|a| alert_view(a, lang))
        .collect();
    let have = guides::guides(&state.db).await?;
    let guides = catalog::COUNTRIES
        .iter()
        .map(|c| {
            let checked = have
                .iter()
                .find(|g| g.iso2 == c.iso2)
                .map(|g| indonesian_date(g.last_checked))
                .unwrap_or_default();
            (c.iso2.to_lowercase(), country_name(c.iso2, lang), checked)
        })
        .collect();
    render(AlertsStaffPage {
        page: Page::new(&staff.ctx, "alerts.staff_title"),
        alerts,
        guides,
    })
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct AlertForm {
    kode: String,
    tanggal: String,
    judul: String,
    judul_en: String,
    isi: String,
    isi_en: String,
    sumber: String,
    aktif: String,
}

#[derive(Template)]
#[template(path = "alert_form.html")]
struct AlertFormPage {
    page: Page,
    editing: Option<String>,
    form: AlertForm,
    errors: FieldErrors,
}

fn alert_text(f: &AlertForm, errors: &mut FieldErrors) -> Option<AlertText> {
    let code = f.kode.trim().to_lowercase();
    if !(3..=60).contains(&code.len())
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.add(
            "kode",
            "kode 3–60 karakter: huruf kecil, angka, tanda hubung (mis. bansos-palsu-2026)",
        );
    }
    let published_on: Option<NaiveDate> = parse_date("tanggal", &f.tanggal)
        .map_err(|e| errors.push(e))
        .ok();
    check_text(errors, "judul", &f.judul, 200, true);
    check_text(errors, "judul_en", &f.judul_en, 200, false);
    check_text(errors, "isi", &f.isi, 4000, true);
    check_text(errors, "isi_en", &f.isi_en, 4000, false);
    check_text(errors, "sumber", &f.sumber, 300, true);
    let published_on = published_on.filter(|_| errors.is_empty())?;
    Some(AlertText {
        code,
        published_on,
        title_id: f.judul.trim().to_owned(),
        title_en: f.judul_en.trim().to_owned(),
        body_id: f.isi.trim().replace("\r\n", "\n"),
        body_en: f.isi_en.trim().replace("\r\n", "\n"),
        source: f.sumber.trim().to_owned(),
    })
}

pub(crate) async fn new_alert(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "scam_alert.create")
        .await?;
    render(AlertFormPage {
        page: Page::new(&staff.ctx, "alerts.new"),
        editing: None,
        form: AlertForm {
            tanggal: super::persons::today().to_string(),
            aktif: "ya".into(),
            ..AlertForm::default()
        },
        errors: FieldErrors::default(),
    })
}

pub(crate) async fn edit_alert(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "scam_alert.update")
        .await?;
    let a = guides::alert(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    render(AlertFormPage {
        page: Page::new(&staff.ctx, "alerts.edit"),
        editing: Some(code),
        form: AlertForm {
            kode: a.code,
            tanggal: a.published_on.to_string(),
            judul: a.title_id,
            judul_en: a.title_en,
            isi: a.body_id,
            isi_en: a.body_en,
            sumber: a.source,
            aktif: if a.active { "ya".into() } else { String::new() },
        },
        errors: FieldErrors::default(),
    })
}

async fn save_alert(
    state: AppState,
    staff: Staff,
    editing: Option<String>,
    mut f: AlertForm,
) -> Result<Response, AppError> {
    if let Some(code) = &editing {
        f.kode = code.clone();
    }
    let mut errors = FieldErrors::default();
    if let Some(a) = alert_text(&f, &mut errors) {
        let mut tx = state.db.begin().await?;
        match guides::save_alert(
            &mut tx,
            &staff.actor(),
            &a,
            f.aktif == "ya",
            editing.is_none(),
        )
        .await
        {
            Ok(()) => {
                tx.commit().await?;
                return Ok(Redirect::to("/app/informasi").into_response());
            }
            Err(DbError::Conflict(m)) => errors.add("kode", m),
            Err(e) => return Err(e.into()),
        }
    }
    render_form(
        AlertFormPage {
            page: Page::new(
                &staff.ctx,
                if editing.is_some() {
                    "alerts.edit"
                } else {
                    "alerts.new"
                },
            ),
            editing,
            form: f,
            errors,
        },
        true,
    )
}

pub(crate) async fn create_alert(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<AlertForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "scam_alert.create")
        .await?;
    save_alert(state, staff, None, f).await
}

pub(crate) async fn update_alert(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<AlertForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "scam_alert.update")
        .await?;
    guides::alert(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    save_alert(state, staff, Some(code), f).await
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn markdown_cannot_carry_markup_images_or_odd_links() {
        let html = markdown(
            "## Nomor\n\n<script>alert(1)</script>\n\nTeks <b>tebal</b> ![logo](https://x.example/a.png) \
             [aman](https://kp2mi.go.id) [lokal](/biaya) [jahat](javascript:alert(1)) [luar](//x.example)",
        );
        assert!(html.contains("<h2>Nomor</h2>"));
        assert!(!html.contains("<script") && html.contains("&lt;script&gt;"));
        assert!(!html.contains("<b>") && html.contains("&lt;b&gt;"));
        assert!(!html.contains("<img") && html.contains("logo"));
        assert!(html.contains(r#"<a href="https://kp2mi.go.id">aman</a>"#));
        assert!(html.contains(r#"<a href="/biaya">lokal</a>"#));
        assert!(!html.contains("javascript:") && html.contains("jahat"));
        assert!(!html.contains("//x.example") && html.contains("luar"));
    }
}
