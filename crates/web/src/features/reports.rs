//! `/lapor`: anyone reports a scam, a broker or a problem abroad, with or without a name, and
//! gets a tracking code. The report lands in the queue of the village (or the kabupaten) the
//! reporter picked, where case workers take it up; what was written is read only by them, and
//! every read is audited.
//!
//! Abuse is held off without outside services: a per-address limit, a field people never see
//! (bots fill it), a signed timestamp that refuses forms sent within seconds of loading, size
//! limits on every field and on the request, and markup refused outright.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Ctx, Staff, guarded};
use crate::error::AppError;
use crate::limits::Limited;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::catalog::{self, COUNTRIES};
use desmigratif_core::id::constant_time_eq;
use desmigratif_core::letters::{new_tracking_code, normalise_tracking_code};
use desmigratif_core::region::Scope;
use desmigratif_core::reports::{
    RawReport, ReportCategory, ReportInput, ReportStatus, fill_time_ok,
};
use desmigratif_db::audit::Actor;
use desmigratif_db::reports::{self, ReportRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest report request accepted: every field at its limit fits many times over.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
const STAMP_CONTEXT: &str = "report.form";

/// A timestamp the server signed when it served the form.
pub(super) fn stamp(state: &AppState, secs: i64) -> String {
    format!(
        "{secs}.{}",
        state.keys.blind_index(STAMP_CONTEXT, &secs.to_string())
    )
}

/// Whether the form's stamp is the server's and the form was filled in a person's time; the
/// message says what to do when not.
fn stamp_ok(state: &AppState, s: &str) -> Result<(), String> {
    let bad = || "formulir tidak lengkap; muat ulang halaman lalu kirim lagi".to_owned();
    let (secs, mac) = s.split_once('.').ok_or_else(bad)?;
    let t: i64 = secs.parse().map_err(|_| bad())?;
    if !constant_time_eq(mac, &state.keys.blind_index(STAMP_CONTEXT, secs)) {
        return Err(bad());
    }
    fill_time_ok(t, desmigratif_core::now().timestamp()).map_err(|e| e.message)
}

/// Whether an anonymous form was sent by a person: the field people never see is empty and the
/// stamp is the server's, signed a person's time ago. The refusal carries the message to show
/// and its status; the caller counts it against the address and stores nothing.
pub(super) fn sent_by_a_person(
    state: &AppState,
    hidden_field: &str,
    stamp: &str,
) -> Result<(), (String, StatusCode)> {
    if !hidden_field.is_empty() {
        return Err((
            "formulir tidak dapat diterima; muat ulang halaman lalu isi lagi".to_owned(),
            StatusCode::BAD_REQUEST,
        ));
    }
    stamp_ok(state, stamp).map_err(|m| (m, StatusCode::UNPROCESSABLE_ENTITY))
}

/// Where a report may be sent: each village of the deployment, and each of their kabupaten
/// for reporters who do not know or do not want to name the village.
async fn destinations(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    let villages = desmigratif_db::villages::list(&state.db).await?;
    let mut out: Vec<(String, String)> = Vec::new();
    for v in &villages {
        out.push((
            v.code.clone(),
            format!(
                "Desa {} — {}",
                v.name,
                super::dashboard::place_of(&v.code, &state.regions)
            ),
        ));
    }
    let mut kabupaten: Vec<String> = villages
        .iter()
        .filter_map(|v| v.code.get(..5).map(str::to_owned))
        .collect();
    kabupaten.sort();
    kabupaten.dedup();
    for k in kabupaten {
        let name = k
            .parse()
            .ok()
            .and_then(|c| state.regions.get(&c))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| k.clone());
        out.push((k, format!("{name} (desa tidak disebutkan)")));
    }
    Ok(out)
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ReportForm {
    wilayah: String,
    kategori: String,
    negara: String,
    isi: String,
    pihak: String,
    waktu_tempat: String,
    kontak: String,
    /// The field people never see.
    situs: String,
    mulai: String,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    page: Page,
    form: ReportForm,
    errors: FieldErrors,
    stamp: String,
    places: Vec<(String, String)>,
    countries: &'static [catalog::Country],
    categories: [ReportCategory; 3],
    tracking_code: Option<String>,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: ReportForm,
    errors: FieldErrors,
    tracking_code: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut page = Page::new(ctx, "report.title");
    page.noindex = tracking_code.is_some();
    let mut r = render(FormPage {
        page,
        form,
        errors,
        stamp: stamp(state, desmigratif_core::now().timestamp()),
        places: destinations(state).await?,
        countries: COUNTRIES,
        categories: ReportCategory::ALL,
        tracking_code,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub(crate) async fn show_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    form_page(
        &state,
        &ctx,
        ReportForm::default(),
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

fn raw_of(f: &ReportForm) -> RawReport {
    RawReport {
        category: f.kategori.clone(),
        country: f.negara.clone(),
        details: f.isi.clone(),
        accused: f.pihak.clone(),
        when_where: f.waktu_tempat.clone(),
        contact: f.kontak.clone(),
    }
}

/// Checks the report against the places this deployment serves.
async fn checked(
    state: &AppState,
    region: &str,
    raw: &RawReport,
) -> Result<Result<ReportInput, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let known = destinations(state)
        .await?
        .iter()
        .any(|(c, _)| c == region.trim());
    if !known {
        errors.add(
            "wilayah",
            "pilih desa atau kabupaten tempat kejadian atau tempat Anda tinggal",
        );
    }
    match raw.check(region.trim()) {
        Ok(input) if known => Ok(Ok(input)),
        Ok(_) => Ok(Err(errors)),
        Err(list) => {
            list.into_iter().for_each(|e| errors.push(e));
            Ok(Err(errors))
        }
    }
}

async fn store(
    state: &AppState,
    actor: &Actor,
    input: &ReportInput,
) -> Result<(String, desmigratif_core::id::Id), AppError> {
    let code = new_tracking_code();
    let mut tx = state.db.begin().await?;
    let id = reports::create(&mut tx, actor, &state.keys, input, &code).await?;
    tx.commit().await?;
    Ok((code, id))
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    let key = format!("lapor:{}", ctx.client_key);
    state.check(Limited::PublicReport, &key).await?;
    let mut errors = FieldErrors::default();
    if let Err((message, status)) = sent_by_a_person(&state, &f.situs, &f.mulai) {
        state.count(Limited::PublicReport, &key).await?;
        errors.add("formulir", message);
        return form_page(&state, &ctx, f, errors, None, status).await;
    }
    let input = match checked(&state, &f.wilayah, &raw_of(&f)).await? {
        Ok(i) => i,
        Err(errors) => {
            return form_page(
                &state,
                &ctx,
                f,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    state.count(Limited::PublicReport, &key).await?;
    let (code, _) = store(&state, &Actor::anonymous(&ctx.ip), &input).await?;
    form_page(
        &state,
        &ctx,
        ReportForm::default(),
        FieldErrors::default(),
        Some(code),
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct CodeQuery {
    kode: String,
}

#[derive(Template)]
#[template(path = "report_track.html")]
struct TrackPage {
    page: Page,
    code: String,
    searched: bool,
    status: Option<&'static str>,
}

/// The status of a report by its tracking code, and nothing else.
pub(crate) async fn track(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let searched = !q.kode.trim().is_empty();
    let mut status = None;
    if searched {
        super::verify::throttled(&state, &ctx).await?;
        if let Some(code) = normalise_tracking_code(&q.kode)
            && let Some(r) = reports::by_tracking_code(&state.db, &code).await?
        {
            let s = r.status();
            status = Some(ctx.lang.pick(s.label_id(), s.label_en()));
        }
    }
    let mut page = Page::new(&ctx, "report.track");
    page.noindex = true;
    render(TrackPage {
        page,
        code: q.kode.chars().take(40).collect(),
        searched,
        status,
    })
}

// --- case workers' queue -----------------------------------------------------------------------

const PAGE_SIZE: i64 = 30;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct QueueQuery {
    status: String,
    halaman: Option<i64>,
}

struct QueueLine {
    id: String,
    at: String,
    place: String,
    category: String,
    country: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct QueuePage {
    page: Page,
    lines: Vec<QueueLine>,
    status: String,
    statuses: [ReportStatus; 3],
    page_no: i64,
    more: bool,
}

fn scope_prefix(staff: &Staff) -> Option<String> {
    match &staff.principal().scope {
        Scope::National => None,
        Scope::Region(r) => Some(r.as_str().to_owned()),
    }
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::HandleReports, "public_report.list")
        .await?;
    let status = q
        .status
        .parse::<ReportStatus>()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = reports::queue(
        &state.db,
        scope_prefix(&staff).as_deref(),
        &status,
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let lines = rows
        .into_iter()
        .map(|r| QueueLine {
            id: r.id.to_string(),
            at: crate::page::when(&r.created_at),
            place: super::dashboard::place_of(&r.region_code, &state.regions),
            category: format!("report.category.{}", r.category),
            country: catalog::country(&r.country)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            status: r.status().label_id(),
        })
        .collect();
    render(QueuePage {
        page: Page::new(&staff.ctx, "report.queue"),
        lines,
        status,
        statuses: ReportStatus::ALL,
        page_no,
        more,
    })
}

guarded!(
    ReportRow,
    "public_report",
    reports::get,
    region_code,
    read = "public_report.read"
);

/// Loads a report the caller may handle, and audits the read of its contents.
async fn open_report(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<(ReportRow, reports::Details, Option<String>), AppError> {
    let r = staff
        .load::<ReportRow>(state, id, Action::HandleReports)
        .await?;
    let (details, contact) = reports::open(&state.keys, &r)?;
    Ok((r, details, contact))
}

#[derive(Template)]
#[template(path = "report.html")]
struct OnePage {
    page: Page,
    at: String,
    r: ReportRow,
    place: String,
    category: String,
    country: String,
    status: &'static str,
    details: reports::Details,
    contact: Option<String>,
    next: Vec<ReportStatus>,
    error: Option<String>,
    /// A case worker of the report's village may open a case from it.
    can_open_case: bool,
}

async fn one(
    state: &AppState,
    staff: &Staff,
    id: &str,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (r, details, contact) = open_report(state, staff, id).await?;
    let status = r.status();
    let bad = error.is_some();
    render_form(
        OnePage {
            page: Page::new(&staff.ctx, "report.one"),
            at: crate::page::when(&r.created_at),
            place: super::dashboard::place_of(&r.region_code, &state.regions),
            category: format!("report.category.{}", r.category),
            country: catalog::country(&r.country)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            status: status.label_id(),
            next: ReportStatus::ALL
                .into_iter()
                .filter(|s| status.can_move_to(*s))
                .collect(),
            can_open_case: staff
                .principal()
                .may_in_village(Action::Write(Compartment::Cases), &r.region_code),
            details,
            contact,
            r,
            error,
        },
        bad,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    one(&state, &staff, &id, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct StatusForm {
    status: String,
    catatan: String,
}

pub(crate) async fn move_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, AppError> {
    let r = staff
        .load::<ReportRow>(&state, &id, Action::HandleReports)
        .await?;
    let note = desmigratif_core::text::clean_spaces(&f.catatan);
    let to = match f.status.parse::<ReportStatus>() {
        Ok(to) if note.chars().count() <= 1000 => to,
        Ok(_) => {
            return one(
                &state,
                &staff,
                &id,
                Some("catatan paling banyak 1.000 huruf".into()),
            )
            .await;
        }
        Err(e) => return one(&state, &staff, &id, Some(e.message)).await,
    };
    let moved = {
        let mut tx = state.db.begin().await?;
        match reports::set_status(&mut tx, &staff.actor(), &r, to, &note).await {
            Ok(()) => tx.commit().await.map(|_| None),
            Err(desmigratif_db::DbError::Conflict(m)) => Ok(Some(m)),
            Err(e) => Err(e),
        }
        // The transaction ends here: showing the page again writes an audit entry, which on
        // SQLite must not wait for this transaction's write lock.
    }?;
    match moved {
        None => Ok(Redirect::to(&format!("/app/laporan/{}", r.id)).into_response()),
        Some(m) => one(&state, &staff, &id, Some(m)).await,
    }
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
struct ReportOut {
    id: String,
    tracking_code: String,
    region_code: String,
    category: String,
    country: String,
    status: String,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    /// Only when one report is read (and that read is audited).
    #[schema(value_type = Option<Object>)]
    details: Option<reports::Details>,
    contact: Option<String>,
    note: Option<String>,
}

impl ReportOut {
    fn of(r: &ReportRow) -> ReportOut {
        ReportOut {
            id: r.id.to_string(),
            tracking_code: r.tracking_code.clone(),
            region_code: r.region_code.clone(),
            category: r.category.clone(),
            country: r.country.clone(),
            status: r.status.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            details: None,
            contact: None,
            note: None,
        }
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct ApiQueueQuery {
    /// received, in_review or closed; empty for all.
    status: Option<String>,
    /// Page from 1 (30 a page).
    page: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct ReportPage {
    items: Vec<ReportOut>,
    more: bool,
}

/// The report queue of the caller's region, newest first (contents not included).
#[utoipa::path(get, path = "/api/v1/reports", tag = "portal", security(("bearer" = [])), params(ApiQueueQuery), responses((status = 200, body = ReportPage), (status = 403)))]
async fn api_queue(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiQueueQuery>,
) -> Result<Json<ReportPage>, AppError> {
    staff
        .allow_here(&state, Action::HandleReports, "public_report.list")
        .await?;
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<ReportStatus>()
            .map_err(|e| AppError::BadRequest(e.message))?
            .as_str()
            .to_owned(),
        None => String::new(),
    };
    let page = q.page.unwrap_or(1).max(1);
    let (rows, more) = reports::queue(
        &state.db,
        scope_prefix(&staff).as_deref(),
        &status,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    Ok(Json(ReportPage {
        items: rows.iter().map(ReportOut::of).collect(),
        more,
    }))
}

/// One report with what the reporter wrote; the read is audited.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "portal", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = ReportOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ReportOut>, AppError> {
    let (r, details, contact) = open_report(&state, &staff, &id).await?;
    let mut out = ReportOut::of(&r);
    out.details = Some(details);
    out.contact = contact;
    out.note = Some(r.note);
    Ok(Json(out))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct ReportIn {
    /// A village or kabupaten code this deployment serves.
    region_code: String,
    /// penipuan, calo or masalah_luar_negeri.
    category: String,
    #[serde(default)]
    country: String,
    details: String,
    #[serde(default)]
    accused: String,
    #[serde(default)]
    when_where: String,
    /// Empty for an anonymous report.
    #[serde(default)]
    contact: String,
}

/// Record a report received another way (a phone call, a partner's hotline). Anonymous
/// reporters use the `/lapor` form.
#[utoipa::path(post, path = "/api/v1/reports", tag = "portal", security(("bearer" = [])), request_body = ReportIn,
    responses((status = 201, body = ReportOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(body): Json<ReportIn>,
) -> Result<Response, AppError> {
    let place = body
        .region_code
        .trim()
        .parse()
        .map(Scope::Region)
        .map_err(|_| {
            AppError::Invalid(vec![(
                "region_code".into(),
                "kode wilayah tidak valid".into(),
            )])
        })?;
    staff
        .allow(
            &state,
            Action::Read(Compartment::Cases),
            &Place::of(&place),
            crate::auth::Target::Action {
                name: "public_report.create",
            },
        )
        .await?;
    staff
        .allow_here(&state, Action::HandleReports, "public_report.create")
        .await?;
    let raw = RawReport {
        category: body.category,
        country: body.country,
        details: body.details,
        accused: body.accused,
        when_where: body.when_where,
        contact: body.contact,
    };
    let input = checked(&state, &body.region_code, &raw)
        .await?
        .map_err(|e| AppError::Invalid(e.0))?;
    let (_, id) = store(&state, &staff.actor(), &input).await?;
    let r = reports::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(ReportOut::of(&r))).into_response())
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_queue, api_create))
        .routes(routes!(api_one))
}
