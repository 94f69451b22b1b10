//! Pillar 1 — migration episodes: opening one, moving it through the state machine (every
//! transition recorded), its document checklist with encrypted scans, and audited downloads.

use super::FieldErrors;
use super::persons::today;
use crate::AppState;
use crate::auth::{Staff, guarded};
use crate::error::AppError;
use crate::page::{Page, render_form, when};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment};
use desmigratif_core::catalog::{self, COUNTRIES, OCCUPATIONS, ROUTES};
use desmigratif_core::id::Id;
use desmigratif_core::migration::{self, Stage};
use desmigratif_core::registry::{EpisodeInput, ValidEpisode, parse_optional_date, sniff_scan};
use desmigratif_db::audit::{self, Event};
use desmigratif_db::registry::{
    self, DocumentUpdate, EpisodeDetails, EpisodeRow, FILE_CONTEXT, FileRow, PersonRow,
};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Read(Compartment::Registry);
const WRITE: Action = Action::Write(Compartment::Registry);

guarded!(EpisodeRow, "episode", registry::episode, village_code);

fn details(v: ValidEpisode) -> EpisodeDetails {
    EpisodeDetails {
        destination: v.destination,
        occupation: v.occupation,
        employer: v.employer,
        agency: v.agency,
        route: v.route,
        procedural: v.procedural,
        siapkerja_id: v.siapkerja_id,
        contract_start: v.contract_start,
        contract_end: v.contract_end,
        last_contact_on: v.last_contact_on,
        handover_on: v.handover_on,
        handover_note: v.handover_note,
    }
}

fn input_of(e: &EpisodeRow) -> EpisodeInput {
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
    EpisodeInput {
        destination: e.destination.clone(),
        occupation: e.occupation.clone(),
        employer: e.employer.clone(),
        agency: e.agency.clone(),
        route: e.route.clone(),
        procedural: if e.procedural {
            "ya".into()
        } else {
            String::new()
        },
        siapkerja_id: e.siapkerja_id.clone(),
        contract_start: d(e.contract_start),
        contract_end: d(e.contract_end),
        last_contact_on: d(e.last_contact_on),
        handover_on: d(e.handover_on),
        handover_note: e.handover_note.clone(),
    }
}

fn errors_of(errs: Vec<desmigratif_core::Invalid>) -> FieldErrors {
    let mut fe = FieldErrors::default();
    errs.into_iter().for_each(|e| fe.push(e));
    fe
}

// --- new episode -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "episode_form.html")]
struct EpisodeFormPage {
    page: Page,
    action: String,
    person_name: String,
    input: EpisodeInput,
    errors: FieldErrors,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
    routes: &'static [catalog::Choice],
}

fn episode_form(
    staff: &Staff,
    action: String,
    person: &PersonRow,
    input: EpisodeInput,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let needs_correction = !errors.is_empty();
    render_form(
        EpisodeFormPage {
            page: Page::new(&staff.ctx, "episodes.form"),
            action,
            person_name: person.name.clone(),
            input,
            errors,
            countries: COUNTRIES,
            occupations: OCCUPATIONS,
            routes: ROUTES,
        },
        needs_correction,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    let input = EpisodeInput {
        procedural: "ya".into(),
        route: "p3mi".into(),
        ..Default::default()
    };
    episode_form(
        &staff,
        format!("/app/penduduk/{}/migrasi", p.id),
        &p,
        input,
        FieldErrors::default(),
    )
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(input): Form<EpisodeInput>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    match input.check() {
        Err(errs) => episode_form(
            &staff,
            format!("/app/penduduk/{}/migrasi", p.id),
            &p,
            input,
            errors_of(errs),
        ),
        Ok(v) => {
            let mut tx = state.db.begin().await?;
            let eid = registry::create_episode(&mut tx, &staff.actor(), &p, &details(v)).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/migrasi/{eid}")).into_response())
        }
    }
}

// --- the episode page --------------------------------------------------------------------------

pub struct DocLine {
    pub id: String,
    pub label: String,
    pub status: String,
    pub status_label: &'static str,
    pub submitted_on: String,
    pub verified_on: String,
    pub expires_on: String,
    pub expires: bool,
    pub file: Option<String>,
    pub note: String,
}

#[derive(Template)]
#[template(path = "episode.html")]
struct EpisodePage {
    page: Page,
    e: EpisodeRow,
    person: PersonRow,
    stage: &'static str,
    destination: String,
    occupation: String,
    zero_cost: bool,
    route: String,
    next: Vec<(&'static str, &'static str)>,
    history: Vec<(String, String, String, String, String)>,
    docs: Vec<DocLine>,
    input: EpisodeInput,
    errors: FieldErrors,
    can_write: bool,
    today: String,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
    routes: &'static [catalog::Choice],
    doc_statuses: &'static [(&'static str, &'static str)],
}

const DOC_STATUSES: &[(&str, &str)] = &[
    ("missing", "Belum ada"),
    ("submitted", "Diserahkan"),
    ("verified", "Diperiksa sah"),
    ("expired", "Kedaluwarsa"),
];

fn label(lang: crate::Lang, s: Stage) -> &'static str {
    if lang == crate::Lang::En {
        migration::label_en(s)
    } else {
        migration::label_id(s)
    }
}

async fn episode_page(
    state: &AppState,
    staff: &Staff,
    e: EpisodeRow,
    input: Option<EpisodeInput>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let person = registry::person(&state.db, e.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stage = Stage::parse(&e.stage).map_err(|err| AppError::Internal(err.message))?;
    let history = registry::transitions_of(&state.db, e.id)
        .await?
        .into_iter()
        .map(|t| {
            let name = |s: &str| Stage::parse(s).map(|s| label(lang, s)).unwrap_or("—");
            (
                when(&t.at),
                name(&t.from_stage).to_owned(),
                name(&t.to_stage).to_owned(),
                t.actor,
                t.note,
            )
        })
        .collect();
    let docs = registry::checklist(&state.db, e.id)
        .await?
        .into_iter()
        .map(|d| {
            let date = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
            DocLine {
                id: d.id.to_string(),
                status_label: DOC_STATUSES
                    .iter()
                    .find(|(c, _)| *c == d.status)
                    .map(|(_, l)| *l)
                    .unwrap_or("?"),
                submitted_on: date(d.submitted_on),
                verified_on: date(d.verified_on),
                expires_on: date(d.expires_on),
                file: d.file_id.map(|f| f.to_string()),
                label: d.label,
                status: d.status,
                expires: d.expires,
                note: d.note,
            }
        })
        .collect();
    let can_write = staff.principal().may_in_village(WRITE, &e.village_code);
    let occupation = catalog::occupation(&e.occupation);
    let needs_correction = !errors.is_empty();
    render_form(
        EpisodePage {
            page: Page::new(&staff.ctx, "episodes.title"),
            stage: label(lang, stage),
            destination: catalog::country(&e.destination)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            occupation: occupation.map(|o| o.id.to_owned()).unwrap_or_default(),
            zero_cost: occupation.is_some_and(|o| o.zero_cost),
            route: catalog::choice(ROUTES, &e.route)
                .map(|r| r.id.to_owned())
                .unwrap_or_default(),
            next: stage
                .next()
                .into_iter()
                .map(|s| (s.as_str(), label(lang, s)))
                .collect(),
            input: input.unwrap_or_else(|| input_of(&e)),
            history,
            docs,
            errors,
            can_write,
            today: today().to_string(),
            countries: COUNTRIES,
            occupations: OCCUPATIONS,
            routes: ROUTES,
            doc_statuses: DOC_STATUSES,
            person,
            e,
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, READ).await?;
    episode_page(&state, &staff, e, None, FieldErrors::default()).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(input): Form<EpisodeInput>,
) -> Result<Response, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, WRITE).await?;
    match input.check() {
        Err(errs) => episode_page(&state, &staff, e, Some(input), errors_of(errs)).await,
        Ok(v) => {
            let old = input_of(&e).check().ok();
            let changed: Vec<&str> = match &old {
                Some(o) => [
                    ("destination", o.destination != v.destination),
                    ("occupation", o.occupation != v.occupation),
                    ("employer", o.employer != v.employer),
                    ("agency", o.agency != v.agency),
                    ("route", o.route != v.route || o.procedural != v.procedural),
                    ("siapkerja_id", o.siapkerja_id != v.siapkerja_id),
                    (
                        "contract",
                        o.contract_start != v.contract_start || o.contract_end != v.contract_end,
                    ),
                    ("last_contact_on", o.last_contact_on != v.last_contact_on),
                    (
                        "handover",
                        o.handover_on != v.handover_on || o.handover_note != v.handover_note,
                    ),
                ]
                .into_iter()
                .filter_map(|(f, c)| c.then_some(f))
                .collect(),
                None => vec!["all"],
            };
            let mut tx = state.db.begin().await?;
            registry::update_episode(&mut tx, &staff.actor(), &e, &details(v), &changed).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/migrasi/{}", e.id)).into_response())
        }
    }
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TransitionForm {
    /// The stage to move to (e.g. `departed`).
    to: String,
    /// The date it happened (default: today).
    on: String,
    note: String,
}

/// Checks and records a transition; shared by the page and the API.
async fn move_episode(
    state: &AppState,
    staff: &Staff,
    e: &EpisodeRow,
    f: &TransitionForm,
) -> Result<Result<(), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let from = Stage::parse(&e.stage).map_err(|err| AppError::Internal(err.message))?;
    let to = Stage::parse(&f.to).map_err(|err| errors.push(err)).ok();
    if let Some(to) = to
        && let Err(err) = migration::check_transition(from, to)
    {
        errors.push(err);
    }
    let on = parse_optional_date("on", &f.on)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten()
        .unwrap_or_else(today);
    if on > today() {
        errors.add("on", "tanggal tidak boleh di masa depan");
    }
    let note = desmigratif_core::text::clean_spaces(&f.note);
    if note.chars().count() > 500 {
        errors.add("note", "catatan paling banyak 500 karakter");
    }
    let (Some(to), true) = (to, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let mut tx = state.db.begin().await?;
    registry::transition(&mut tx, &staff.actor(), e, to, on, &note).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub(crate) async fn transition(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Result<Response, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, WRITE).await?;
    match move_episode(&state, &staff, &e, &f).await? {
        Ok(()) => Ok(Redirect::to(&format!("/app/migrasi/{}", e.id)).into_response()),
        Err(errors) => episode_page(&state, &staff, e, None, errors).await,
    }
}

// --- documents ---------------------------------------------------------------------------------

async fn document_of(
    state: &AppState,
    e: &EpisodeRow,
    doc: &str,
) -> Result<registry::DocumentRow, AppError> {
    let doc: Id = doc.parse().map_err(|_| AppError::NotFound)?;
    registry::document(&state.db, doc)
        .await?
        .filter(|d| d.episode_id == e.id)
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct DocumentForm {
    status: String,
    submitted_on: String,
    verified_on: String,
    expires_on: String,
    note: String,
}

pub(crate) async fn update_document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, doc)): Path<(String, String)>,
    Form(f): Form<DocumentForm>,
) -> Result<Response, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, WRITE).await?;
    let d = document_of(&state, &e, &doc).await?;
    let mut errors = FieldErrors::default();
    if !DOC_STATUSES.iter().any(|(c, _)| *c == f.status) {
        errors.add(
            "status",
            "status dokumen harus: missing, submitted, verified atau expired",
        );
    }
    let mut date = |field: &'static str, raw: &str| {
        parse_optional_date(field, raw)
            .map_err(|err| errors.push(err))
            .ok()
            .flatten()
    };
    let u = DocumentUpdate {
        submitted_on: date("submitted_on", &f.submitted_on),
        verified_on: date("verified_on", &f.verified_on),
        expires_on: date("expires_on", &f.expires_on),
        status: f.status.clone(),
        note: desmigratif_core::text::clean_spaces(&f.note),
    };
    if u.status == "verified" && u.verified_on.is_none() {
        errors.add(
            "verified_on",
            "isi tanggal pemeriksaan untuk dokumen yang dinyatakan sah",
        );
    }
    if d.expires && u.status == "verified" && u.expires_on.is_none() {
        errors.add(
            "expires_on",
            "dokumen ini punya masa berlaku: isi tanggal kedaluwarsanya",
        );
    }
    if !errors.is_empty() {
        return episode_page(&state, &staff, e, None, errors).await;
    }
    let mut tx = state.db.begin().await?;
    registry::update_document(&mut tx, &staff.actor(), &e, &d, &u).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/migrasi/{}#dokumen", e.id)).into_response())
}

/// Receives one scan (PDF, JPEG or PNG by content, ≤ 10 MB), encrypts it and attaches it.
pub(crate) async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, doc)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, WRITE).await?;
    let d = document_of(&state, &e, &doc).await?;
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| {
        AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 10 MB)".into())
    })? {
        if field.name() == Some("berkas") {
            let data = field.bytes().await.map_err(|_| {
                AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 10 MB)".into())
            })?;
            bytes = Some(data);
        }
    }
    let mut errors = FieldErrors::default();
    let data = bytes.filter(|b| !b.is_empty());
    let Some(data) = data else {
        errors.add("berkas", "pilih berkas hasil pindaian (PDF, JPEG atau PNG)");
        return episode_page(&state, &staff, e, None, errors).await;
    };
    if data.len() > crate::UPLOAD_LIMIT {
        errors.add(
            "berkas",
            "berkas lebih dari 10 MB; perkecil atau pindai ulang dengan resolusi lebih rendah",
        );
        return episode_page(&state, &staff, e, None, errors).await;
    }
    let Some(content_type) = sniff_scan(&data) else {
        errors.add(
            "berkas",
            "isi berkas bukan PDF, JPEG atau PNG (jenis dilihat dari isinya, bukan dari namanya)",
        );
        return episode_page(&state, &staff, e, None, errors).await;
    };
    let sha = hex::encode(Sha256::digest(&data));
    let sealed = state.keys.encrypt(FILE_CONTEXT, &data);
    let mut tx = state.db.begin().await?;
    registry::attach_file(
        &mut tx,
        &staff.actor(),
        &e,
        &d,
        content_type,
        data.len() as i64,
        &sha,
        &sealed,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/migrasi/{}#dokumen", e.id)).into_response())
}

guarded!(FileRow, "document_file", registry::scan, village_code);

/// Sends a decrypted scan; every download is audited.
pub(crate) async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let f = staff.load::<FileRow>(&state, &file, READ).await?;
    let data = state
        .keys
        .decrypt(FILE_CONTEXT, &f.data_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("document.download", "document_file", f.id, &f.village_code),
    )
    .await?;
    let ext = match f.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dokumen-{}.{ext}\"", f.id),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
struct EpisodeOut {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    episode: EpisodeRow,
    #[schema(value_type = Vec<Object>)]
    transitions: Vec<registry::TransitionRow>,
    #[schema(value_type = Vec<Object>)]
    documents: Vec<registry::DocumentRow>,
}

async fn out(state: &AppState, e: EpisodeRow) -> Result<EpisodeOut, AppError> {
    Ok(EpisodeOut {
        transitions: registry::transitions_of(&state.db, e.id).await?,
        documents: registry::checklist(&state.db, e.id).await?,
        episode: e,
    })
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub(crate) struct ListQuery {
    /// Page number from 1 (100 a page).
    page: Option<i64>,
}

/// Migration episodes in the caller's scope, newest first, with transitions and documents.
#[utoipa::path(get, path = "/api/v1/migrations", tag = "registry", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Vec<EpisodeOut>), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> Result<Json<Vec<EpisodeOut>>, AppError> {
    staff.allow_here(&state, READ, "episode.list").await?;
    let page = q.page.unwrap_or(1).max(1);
    let rows = registry::list_episodes(
        &state.db,
        staff.principal().scope.as_stored(),
        (page - 1) * 100,
        100,
    )
    .await?;
    let mut out_rows = Vec::with_capacity(rows.len());
    for e in rows {
        out_rows.push(out(&state, e).await?);
    }
    Ok(Json(out_rows))
}

/// One episode.
#[utoipa::path(get, path = "/api/v1/migrations/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = EpisodeOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<EpisodeOut>, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, READ).await?;
    Ok(Json(out(&state, e).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct EpisodeIn {
    person_id: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    input: EpisodeInput,
}

/// Opens an episode for a person (stage `interested`, checklist from the requirement sets).
#[utoipa::path(post, path = "/api/v1/migrations", tag = "registry", security(("bearer" = [])), request_body = EpisodeIn, responses((status = 201, body = EpisodeOut), (status = 404), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(body): Json<EpisodeIn>,
) -> Result<Response, AppError> {
    let p = staff
        .load::<PersonRow>(&state, &body.person_id, WRITE)
        .await?;
    let v = body
        .input
        .check()
        .map_err(|errs| AppError::Invalid(errors_of(errs).0))?;
    let mut tx = state.db.begin().await?;
    let id = registry::create_episode(&mut tx, &staff.actor(), &p, &details(v)).await?;
    tx.commit().await?;
    let e = registry::episode(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(out(&state, e).await?)).into_response())
}

/// Moves an episode to another stage (only transitions the state machine allows).
#[utoipa::path(post, path = "/api/v1/migrations/{id}/transitions", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), request_body = TransitionForm,
    responses((status = 200, body = EpisodeOut), (status = 404), (status = 409), (status = 422)))]
async fn api_transition(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(f): Json<TransitionForm>,
) -> Result<Json<EpisodeOut>, AppError> {
    let e = staff.load::<EpisodeRow>(&state, &id, WRITE).await?;
    move_episode(&state, &staff, &e, &f)
        .await?
        .map_err(|errs| AppError::Invalid(errs.0))?;
    let e = registry::episode(&state.db, e.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(out(&state, e).await?))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
        .routes(routes!(api_transition))
}
