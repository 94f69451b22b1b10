//! Licensed placement companies (P3MI). The public `/agensi` check answers "may this company
//! recruit me?" — with a look-alike warning when the name typed only resembles a licensed one,
//! and what to do when it is not listed. National staff keep the list: by form, by importing the
//! official list, or through the API; every status change is kept.
//!
//! Searches run on an in-memory index of the whole list (`core::agencies::AgencyIndex`), rebuilt
//! when the stored version stamp changes, so a search costs one primary-key read.

use super::FieldErrors;
use super::transfer::{Format, Upload, download, file_stem, read_upload, sheet_file, table_of};
use crate::AppState;
use crate::auth::{Ctx, Staff};
use crate::error::AppError;
use crate::page::{Page, render, render_form, render_public};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::NaiveDate;
use desmigratif_core::access::Action;
use desmigratif_core::agencies::{
    AgencyIndex, AgencyStatus, Branch, IndexEntry, RawAgency, Standing, standing,
};
use desmigratif_core::id::Id;
use desmigratif_db::DbError;
use desmigratif_db::agencies::{self, AgencyRow, Saved, Via};
use desmigratif_db::transfer::Mode;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The search index and the rows it points at, as of one version stamp.
pub struct Loaded {
    version: Option<String>,
    pub index: AgencyIndex,
    pub rows: HashMap<Id, AgencyRow>,
    /// Ids in name order, for the staff list.
    order: Vec<Id>,
}

/// The current [`Loaded`] of this server.
#[derive(Default)]
pub struct Cache(RwLock<Option<Arc<Loaded>>>);

/// The index, rebuilt first if another request or another server changed the list.
pub async fn loaded(state: &AppState) -> Result<Arc<Loaded>, AppError> {
    let version = agencies::version(&state.db).await?;
    if let Some(l) = state.agency_cache.0.read().expect("cache lock").as_ref()
        && l.version == version
    {
        return Ok(l.clone());
    }
    // Read the stamp before the rows: a write between the two makes the next request reload.
    let rows = agencies::all(&state.db).await?;
    let order: Vec<Id> = rows.iter().map(|r| r.id).collect();
    let index = AgencyIndex::new(
        rows.iter()
            .map(|r| IndexEntry {
                id: r.id,
                name: r.name.clone(),
                licence_number: r.licence_number.clone(),
            })
            .collect(),
    );
    let l = Arc::new(Loaded {
        version,
        index,
        rows: rows.into_iter().map(|r| (r.id, r)).collect(),
        order,
    });
    *state.agency_cache.0.write().expect("cache lock") = Some(l.clone());
    Ok(l)
}

/// A company as shown to anyone.
#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AgencyOut {
    pub id: String,
    pub name: String,
    pub licence_number: String,
    pub address: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: NaiveDate,
    /// active, suspended or revoked: the recorded status.
    pub status: String,
    /// licensed, expired, suspended or revoked: what the status and dates mean today.
    pub standing: String,
    /// Only a licensed company may recruit.
    pub may_recruit: bool,
    #[schema(value_type = Vec<Object>)]
    pub branches: Vec<Branch>,
}

impl AgencyOut {
    pub fn of(r: &AgencyRow, today: NaiveDate) -> AgencyOut {
        let s = standing(r.status(), r.valid_until, today);
        AgencyOut {
            id: r.id.to_string(),
            name: r.name.clone(),
            licence_number: r.licence_number.clone(),
            address: r.address.clone(),
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            status: r.status.clone(),
            standing: s.as_str().to_owned(),
            may_recruit: s.may_recruit(),
            branches: r.branch_list(),
        }
    }

    /// The locale key of the standing, for pages.
    pub fn standing_key(&self) -> &'static str {
        match self.standing.as_str() {
            "licensed" => "agency.standing.licensed",
            "expired" => "agency.standing.expired",
            "suspended" => "agency.standing.suspended",
            _ => "agency.standing.revoked",
        }
    }

    pub fn until(&self) -> String {
        self.valid_until.format("%d-%m-%Y").to_string()
    }
}

/// What a search found, in the order a villager should read it.
#[derive(Default, serde::Serialize, utoipa::ToSchema)]
pub struct Found {
    /// The name or licence number typed, exactly.
    pub exact: Vec<AgencyOut>,
    /// Licensed names the query only resembles: the look-alike warning.
    pub look_alikes: Vec<LookAlike>,
    /// Names containing the words typed.
    pub matches: Vec<AgencyOut>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LookAlike {
    pub agency: AgencyOut,
    /// 0–100.
    pub similarity: u32,
}

/// The most results a search lists; a longer name narrows it.
const SEARCH_LIMIT: usize = 20;
const QUERY_MAX: usize = 100;

fn search(l: &Loaded, q: &str, today: NaiveDate) -> Found {
    let s = l.index.search(q, SEARCH_LIMIT);
    let out = |id: &Id| l.rows.get(id).map(|r| AgencyOut::of(r, today));
    Found {
        exact: s.exact.iter().filter_map(out).collect(),
        // Only a licensed name is a look-alike worth warning about: resembling a revoked company
        // is no reason to trust or distrust anyone.
        look_alikes: s
            .look_alikes
            .iter()
            .filter_map(|(id, score)| {
                out(id).filter(|a| a.may_recruit).map(|agency| LookAlike {
                    agency,
                    similarity: (score * 100.0).round() as u32,
                })
            })
            .collect(),
        matches: s.matches.iter().filter_map(out).collect(),
    }
}

/// One page of the list in name order, from `start`.
fn in_name_order(l: &Loaded, start: usize, today: NaiveDate) -> Vec<AgencyOut> {
    l.order
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .filter_map(|id| l.rows.get(id))
        .map(|r| AgencyOut::of(r, today))
        .collect()
}

fn check_query(q: &str) -> Result<String, String> {
    let q = desmigratif_core::text::clean_spaces(q);
    if q.chars().count() > QUERY_MAX {
        Err(format!(
            "ketik paling banyak {QUERY_MAX} huruf: nama perusahaan atau nomor izinnya"
        ))
    } else {
        Ok(q)
    }
}

// --- public pages ------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SearchQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "agency_check.html")]
struct CheckPage {
    page: Page,
    q: String,
    error: Option<String>,
    searched: bool,
    found: Found,
    listed: usize,
}

/// `/agensi`: may this company recruit?
pub(crate) async fn check_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let l = loaded(&state).await?;
    let (q, error) = match check_query(&query.q) {
        Ok(q) => (q, None),
        Err(e) => (query.q.chars().take(QUERY_MAX).collect(), Some(e)),
    };
    let searched = error.is_none() && !q.is_empty();
    let found = if searched {
        search(&l, &q, super::persons::today())
    } else {
        Found::default()
    };
    render_public(
        CheckPage {
            page: Page::new(&ctx, "agency.title"),
            q,
            error,
            searched,
            found,
            listed: l.rows.len(),
        },
        &ctx,
    )
}

#[derive(Template)]
#[template(path = "agency_public.html")]
struct PublicAgencyPage {
    page: Page,
    a: AgencyOut,
    history: Vec<HistoryView>,
}

struct HistoryView {
    at: String,
    status: &'static str,
    until: String,
    via: String,
    actor: String,
    note: String,
}

async fn history_of(state: &AppState, id: Id) -> Result<Vec<HistoryView>, AppError> {
    Ok(agencies::history(&state.db, id)
        .await?
        .into_iter()
        .map(|h| HistoryView {
            at: crate::page::when(&h.at),
            status: match h.status.parse::<AgencyStatus>() {
                Ok(AgencyStatus::Active) => "agency.status.active",
                Ok(AgencyStatus::Suspended) => "agency.status.suspended",
                _ => "agency.status.revoked",
            },
            until: h.valid_until.format("%d-%m-%Y").to_string(),
            via: h.via,
            actor: h.actor,
            note: h.note,
        })
        .collect())
}

pub(crate) async fn public_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let row = agencies::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    render_public(
        PublicAgencyPage {
            page: Page::new(&ctx, "agency.title"),
            a: AgencyOut::of(&row, super::persons::today()),
            history: history_of(&state, id).await?,
        },
        &ctx,
    )
}

// --- staff pages -------------------------------------------------------------------------------

const PAGE_SIZE: usize = 50;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct StaffQuery {
    q: String,
    halaman: Option<usize>,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct StaffListPage {
    page: Page,
    q: String,
    rows: Vec<AgencyOut>,
    total: usize,
    page_no: usize,
    more: bool,
    can_edit: bool,
}

pub(crate) async fn staff_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<StaffQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.list")
        .await?;
    let l = loaded(&state).await?;
    let today = super::persons::today();
    let q = check_query(&query.q).unwrap_or_default();
    let page_no = query.halaman.unwrap_or(1).max(1);
    let (rows, total, more) = if q.is_empty() {
        let start = (page_no - 1) * PAGE_SIZE;
        let rows = in_name_order(&l, start, today);
        (rows, l.order.len(), start + PAGE_SIZE < l.order.len())
    } else {
        let f = search(&l, &q, today);
        let mut rows = f.exact;
        rows.extend(f.matches);
        rows.extend(f.look_alikes.into_iter().map(|x| x.agency));
        let n = rows.len();
        (rows, n, false)
    };
    render(StaffListPage {
        page: Page::new(&staff.ctx, "agency.staff_title"),
        q,
        rows,
        total,
        page_no,
        more,
        can_edit: true,
    })
}

#[derive(Template)]
#[template(path = "agency_form.html")]
struct FormPage {
    page: Page,
    id: Option<String>,
    form: RawAgency,
    note: String,
    errors: FieldErrors,
    history: Vec<HistoryView>,
}

fn raw_of(r: &AgencyRow) -> RawAgency {
    RawAgency {
        name: r.name.clone(),
        licence_number: r.licence_number.clone(),
        address: r.address.clone(),
        valid_from: r.valid_from.map(|d| d.to_string()).unwrap_or_default(),
        valid_until: r.valid_until.to_string(),
        status: r.status.clone(),
        branches: r
            .branch_list()
            .iter()
            .map(|b| format!("{}: {}", b.city, b.address))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.create")
        .await?;
    render(FormPage {
        page: Page::new(&staff.ctx, "agency.new"),
        id: None,
        form: RawAgency {
            status: "active".into(),
            ..RawAgency::default()
        },
        note: String::new(),
        errors: FieldErrors::default(),
        history: Vec::new(),
    })
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.update")
        .await?;
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let row = agencies::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(FormPage {
        page: Page::new(&staff.ctx, "agency.edit"),
        id: Some(id.to_string()),
        form: raw_of(&row),
        note: String::new(),
        errors: FieldErrors::default(),
        history: history_of(&state, id).await?,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AgencyForm {
    nama: String,
    nomor_izin: String,
    alamat: String,
    berlaku_mulai: String,
    berlaku_sampai: String,
    status: String,
    cabang: String,
    catatan: String,
}

impl AgencyForm {
    fn raw(&self) -> RawAgency {
        RawAgency {
            name: self.nama.clone(),
            licence_number: self.nomor_izin.clone(),
            address: self.alamat.clone(),
            valid_from: self.berlaku_mulai.clone(),
            valid_until: self.berlaku_sampai.clone(),
            status: self.status.clone(),
            branches: self.cabang.clone(),
        }
    }
}

/// Checks and saves; the field errors, or what was saved.
async fn save(
    state: &AppState,
    staff: &Staff,
    raw: &RawAgency,
    note: &str,
    via: Via,
    expected: Option<Id>,
) -> Result<Result<Saved, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let input = match raw.check() {
        Ok(i) => i,
        Err(list) => {
            list.into_iter().for_each(|e| errors.push(e));
            return Ok(Err(errors));
        }
    };
    let note = desmigratif_core::text::clean_spaces(note);
    if note.chars().count() > 500 {
        errors.add("catatan", "catatan paling banyak 500 huruf");
        return Ok(Err(errors));
    }
    let mut tx = state.db.begin().await?;
    match agencies::save(&mut tx, &staff.actor(), &input, via, &note, expected).await {
        Ok(saved) => {
            tx.commit().await?;
            Ok(Ok(saved))
        }
        Err(DbError::Conflict(m)) => {
            errors.add("nomor_izin", m);
            Ok(Err(errors))
        }
        Err(e) => Err(e.into()),
    }
}

async fn submit(
    state: AppState,
    staff: Staff,
    id: Option<Id>,
    f: AgencyForm,
) -> Result<Response, AppError> {
    let raw = f.raw();
    let saved = save(&state, &staff, &raw, &f.catatan, Via::Form, id).await?;
    match saved {
        Ok(s) => Ok(Redirect::to(&format!("/app/agensi/{}", s.id())).into_response()),
        Err(errors) => render_form(
            FormPage {
                page: Page::new(
                    &staff.ctx,
                    if id.is_some() {
                        "agency.edit"
                    } else {
                        "agency.new"
                    },
                ),
                id: id.map(|i| i.to_string()),
                form: raw,
                note: f.catatan,
                errors,
                history: match id {
                    Some(id) => history_of(&state, id).await?,
                    None => Vec::new(),
                },
            },
            true,
        ),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<AgencyForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.create")
        .await?;
    submit(state, staff, None, f).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<AgencyForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.update")
        .await?;
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    submit(state, staff, Some(id), f).await
}

// --- import ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "agency_import.html")]
struct ImportPage {
    page: Page,
    mode: &'static str,
    error: Option<String>,
    file: String,
    report: Option<agencies::ImportReport>,
}

impl ImportPage {
    fn outcome_key(&self) -> &'static str {
        match &self.report {
            Some(r) if r.wrote() => "agency.import.written",
            Some(r) if r.mode == Mode::DryRun => "agency.import.dry",
            Some(r) if r.invalid > 0 => "agency.import.nothing",
            _ => "agency.import.no_change",
        }
    }
}

pub(crate) async fn import_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.import")
        .await?;
    render(ImportPage {
        page: Page::new(&staff.ctx, "agency.import"),
        mode: Mode::DryRun.code(),
        error: None,
        file: String::new(),
        report: None,
    })
}

pub(crate) async fn import(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.import")
        .await?;
    let mut u: Upload = read_upload(multipart).await?;
    let bytes = std::mem::take(&mut u.bytes);
    let mode = Mode::parse(&u.mode).unwrap_or(Mode::DryRun);
    let page = |error, report| ImportPage {
        page: Page::new(&staff.ctx, "agency.import"),
        mode: mode.code(),
        error,
        file: file_stem(&u),
        report,
    };
    let table = match table_of(&state, bytes, &u.file_name).await? {
        Ok(t) => t,
        Err(e) => return render_form(page(Some(e), None), true),
    };
    let report = agencies::import(&state.db, &staff.actor(), &table, mode).await?;
    let bad = report.invalid > 0;
    render_form(page(None, Some(report)), bad)
}

fn template_rows() -> Vec<Vec<String>> {
    vec![
        [
            "PT Contoh Penempatan Sejahtera (fiktif)",
            "KEP.0000/CONTOH/2026",
            "Jl. Contoh No. 1, Jakarta Timur",
            "2026-01-02",
            "2027-01-01",
            "aktif",
            "Indramayu: Jl. Contoh No. 2; Semarang: Jl. Contoh No. 3",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
    ]
}

async fn import_template(
    state: &AppState,
    staff: &Staff,
    format: Format,
) -> Result<Response, AppError> {
    staff
        .allow_national(state, Action::EditReference, "agency.import")
        .await?;
    Ok(download(
        format,
        "templat-impor-p3mi",
        sheet_file(
            format,
            "P3MI",
            agencies::IMPORT_COLUMNS,
            template_rows(),
            &["nomor_izin"],
        ),
    ))
}

pub(crate) async fn template_csv(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    import_template(&state, &staff, Format::Csv).await
}

pub(crate) async fn template_xlsx(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    import_template(&state, &staff, Format::Xlsx).await
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct ApiQuery {
    /// A company name or licence number; empty lists the registry in name order.
    q: Option<String>,
    /// Page of the plain list (50 a page), from 1.
    page: Option<usize>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct AgencyList {
    /// Companies on the list.
    listed: usize,
    #[serde(flatten)]
    found: Found,
}

/// Search the licensed placement companies (P3MI), as `/agensi` does. Public: no token needed.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "portal", params(ApiQuery), responses((status = 200, body = AgencyList), (status = 400)))]
async fn api_search(
    State(state): State<AppState>,
    Query(q): Query<ApiQuery>,
) -> Result<Json<AgencyList>, AppError> {
    let l = loaded(&state).await?;
    let today = super::persons::today();
    let query = check_query(q.q.as_deref().unwrap_or_default()).map_err(AppError::BadRequest)?;
    let found = if query.is_empty() {
        let start = (q.page.unwrap_or(1).max(1) - 1) * PAGE_SIZE;
        Found {
            matches: in_name_order(&l, start, today),
            ..Found::default()
        }
    } else {
        search(&l, &query, today)
    };
    Ok(Json(AgencyList {
        listed: l.rows.len(),
        found,
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct AgencyDetail {
    #[serde(flatten)]
    agency: AgencyOut,
    /// Status changes, newest first.
    history: Vec<HistoryOut>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct HistoryOut {
    status: String,
    valid_until: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
    via: String,
    note: String,
}

/// One company with its status history. Public.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "portal", params(("id" = String, Path)), responses((status = 200, body = AgencyDetail), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<AgencyDetail>, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let row = agencies::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(AgencyDetail {
        agency: AgencyOut::of(&row, super::persons::today()),
        history: agencies::history(&state.db, id)
            .await?
            .into_iter()
            .map(|h| HistoryOut {
                status: h.status,
                valid_until: h.valid_until,
                at: h.at,
                via: h.via,
                note: h.note,
            })
            .collect(),
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct AgencyIn {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    agency: RawAgency,
    /// Why the status changed (kept in the history).
    #[serde(default)]
    note: String,
}

async fn api_save(
    state: AppState,
    staff: Staff,
    id: Option<Id>,
    body: AgencyIn,
) -> Result<Response, AppError> {
    match save(&state, &staff, &body.agency, &body.note, Via::Api, id).await? {
        Ok(saved) => {
            let row = agencies::get(&state.db, saved.id())
                .await?
                .ok_or(AppError::NotFound)?;
            let status = match saved {
                Saved::Created(_) => StatusCode::CREATED,
                _ => StatusCode::OK,
            };
            Ok((status, Json(AgencyOut::of(&row, super::persons::today()))).into_response())
        }
        Err(errors) => Err(AppError::Invalid(errors.0)),
    }
}

/// Add a company, or update the one with this licence number (national staff).
#[utoipa::path(post, path = "/api/v1/agencies", tag = "portal", security(("bearer" = [])), request_body = AgencyIn,
    responses((status = 201, body = AgencyOut), (status = 200, body = AgencyOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(body): Json<AgencyIn>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.create")
        .await?;
    api_save(state, staff, None, body).await
}

/// Change a company (national staff).
#[utoipa::path(put, path = "/api/v1/agencies/{id}", tag = "portal", security(("bearer" = [])), params(("id" = String, Path)), request_body = AgencyIn,
    responses((status = 200, body = AgencyOut), (status = 403), (status = 404), (status = 422)))]
async fn api_update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(body): Json<AgencyIn>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "agency.update")
        .await?;
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    api_save(state, staff, Some(id), body).await
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_search, api_create))
        .routes(routes!(api_one, api_update))
}

/// Whether the company may recruit today; job orders need it.
pub fn may_recruit(row: &AgencyRow, today: NaiveDate) -> bool {
    standing(row.status(), row.valid_until, today) == Standing::Licensed
}
