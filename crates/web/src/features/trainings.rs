//! Trainings of the village facilitator (pendamping, compartment Business): the list, the form,
//! the training's page with its sessions and participants (picked from the village's registry),
//! a phone-friendly attendance page per session, and completion, which asks for the participant's
//! certificate. The certificate is a letter of kind `sertifikat_pelatihan` (`core::trainings`):
//! the village head signs it in the letters inbox, and `/v/{code}`, the altered-file check and
//! revocation are the letters' own — nothing about verification is repeated here.

use super::FieldErrors;
use super::persons::{today, villages_where};
use crate::AppState;
use crate::auth::{Staff, Target, guarded};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::id::Id;
use desmigratif_core::letters::{LetterStatus, indonesian_date};
use desmigratif_core::region::Scope;
use desmigratif_core::text::name_key;
use desmigratif_core::trainings::{
    MIN_ATTENDANCE_PERCENT, RawSession, RawTraining, check_completion,
};
use desmigratif_db::registry::{self, PersonFilter};
use desmigratif_db::trainings::{self, ParticipantRow, SessionRow, TrainingListRow, TrainingRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Read(Compartment::Business);
const WRITE: Action = Action::Write(Compartment::Business);
const PAGE_SIZE: i64 = 25;

/// A date as the training pages show it, e.g. "5 Desember 2026" (the templates' `self::day`).
fn day(d: &chrono::NaiveDate) -> String {
    indonesian_date(*d)
}

guarded!(TrainingRow, "training", trainings::get, village_code);

/// Checks and records a new training where the caller may write. `Ok(Err(..))`: fix the input.
async fn create_training(
    state: &AppState,
    staff: &Staff,
    raw: &RawTraining,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let input = match raw.check() {
        Ok(input) => input,
        Err(errors) => {
            let mut e = FieldErrors::default();
            errors.into_iter().for_each(|i| e.push(i));
            return Ok(Err(e));
        }
    };
    let place = Scope::Region(input.village_code.parse()?);
    staff
        .allow(
            state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "training.create",
            },
        )
        .await?;
    let mut tx = state.db.begin().await?;
    let id = trainings::create(&mut tx, &staff.actor(), &input).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

// --- list --------------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub(crate) struct ListQuery {
    /// Page number from 1 (pages also send it as `halaman`).
    #[serde(alias = "halaman")]
    page: Option<i64>,
}

/// The page asked for (from 1), its trainings in the caller's scope, and whether more follow.
async fn page_of(
    state: &AppState,
    staff: &Staff,
    q: &ListQuery,
) -> Result<(i64, Vec<TrainingListRow>, bool), AppError> {
    staff.allow_here(state, READ, "training.list").await?;
    let number = q.page.unwrap_or(1).max(1);
    let scope = staff.principal().scope.as_stored().to_owned();
    let region = (!scope.is_empty()).then_some(scope.as_str());
    let (rows, more) =
        trainings::list(&state.db, region, (number - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    Ok((number, rows, more))
}

#[derive(Template)]
#[template(path = "trainings.html")]
struct ListPage {
    page: Page,
    rows: Vec<TrainingListRow>,
    can_create: bool,
    number: i64,
    more: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (number, rows, more) = page_of(&state, &staff, &q).await?;
    render(ListPage {
        page: Page::new(&staff.ctx, "training.title"),
        rows,
        can_create: staff.principal().may_here(WRITE),
        number,
        more,
    })
}

// --- form --------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "training_form.html")]
struct FormPage {
    page: Page,
    action: String,
    villages: Vec<(String, String)>,
    institutions: Vec<String>,
    form: RawTraining,
    errors: FieldErrors,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    staff: &Staff,
    editing: Option<&TrainingRow>,
    form: RawTraining,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let needs_correction = !errors.is_empty();
    render_form(
        FormPage {
            page: Page::new(
                &staff.ctx,
                if editing.is_some() {
                    "training.edit_title"
                } else {
                    "training.new"
                },
            ),
            action: editing
                .map(|t| format!("/app/pelatihan/{}/ubah", t.id))
                .unwrap_or_else(|| "/app/pelatihan".into()),
            villages: villages_where(state, staff, WRITE).await?,
            institutions: trainings::institutions(&state.db).await?,
            form,
            errors,
            editing: editing.is_some(),
        },
        needs_correction,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "training.create").await?;
    let villages = villages_where(&state, &staff, WRITE).await?;
    let form = RawTraining {
        desa: villages.first().map(|v| v.0.clone()).unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, &staff, None, form, FieldErrors::default()).await
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<RawTraining>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "training.create").await?;
    match create_training(&state, &staff, &form).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/pelatihan/{id}")).into_response()),
        Err(errors) => form_page(&state, &staff, None, form, errors).await,
    }
}

fn raw_of(t: &TrainingRow) -> RawTraining {
    RawTraining {
        topik: t.topic.clone(),
        lembaga: t.institution.clone(),
        desa: t.village_code.clone(),
        mulai: t.starts_on.to_string(),
        selesai: t.ends_on.to_string(),
    }
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    form_page(&state, &staff, Some(&t), raw_of(&t), FieldErrors::default()).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(mut form): Form<RawTraining>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    // The village of a training does not change: its participants are that village's people.
    form.desa = t.village_code.clone();
    let input = match form.check() {
        Ok(input) => input,
        Err(errors) => {
            let mut e = FieldErrors::default();
            errors.into_iter().for_each(|i| e.push(i));
            return form_page(&state, &staff, Some(&t), form, e).await;
        }
    };
    let mut tx = state.db.begin().await?;
    match trainings::update(&mut tx, &staff.actor(), &t, &input).await {
        Ok(()) => tx.commit().await?,
        Err(desmigratif_db::DbError::Conflict(m)) => {
            drop(tx);
            let mut e = FieldErrors::default();
            e.add("mulai", m);
            return form_page(&state, &staff, Some(&t), form, e).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/app/pelatihan/{}", t.id)).into_response())
}

// --- the training's page -------------------------------------------------------------------------

pub struct ParticipantLine {
    pub row: ParticipantRow,
    pub may_complete: bool,
    pub certificate: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ShowQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "training.html")]
struct ShowPage {
    page: Page,
    t: TrainingRow,
    village: String,
    dates: String,
    sessions: Vec<SessionRow>,
    participants: Vec<ParticipantLine>,
    can_write: bool,
    q: String,
    found: Vec<(String, String, String)>,
    session_form: RawSession,
    errors: FieldErrors,
    rule: String,
}

fn certificate_label(p: &ParticipantRow, lang: Lang) -> String {
    match (&p.letter_status, &p.letter_code) {
        (Some(s), code) => {
            let status = LetterStatus::parse(s)
                .map(|s| lang.pick(s.label_id(), s.label_en()))
                .unwrap_or("—");
            match code {
                Some(c) => format!("{status} · /v/{c}"),
                None => status.to_owned(),
            }
        }
        (None, _) => String::new(),
    }
}

async fn show_page(
    state: &AppState,
    staff: &Staff,
    t: TrainingRow,
    q: String,
    session_form: RawSession,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let sessions = trainings::sessions(&state.db, t.id).await?;
    let total = sessions.len() as u32;
    let participants: Vec<ParticipantLine> = trainings::participants(&state.db, t.id)
        .await?
        .into_iter()
        .map(|row| ParticipantLine {
            may_complete: row.completed_on.is_none()
                && check_completion(row.attended as u32, total).is_ok(),
            certificate: certificate_label(&row, staff.ctx.lang),
            row,
        })
        .collect();
    let can_write = staff.principal().may_in_village(WRITE, &t.village_code);
    let found = if can_write && !name_key(&q).is_empty() {
        let (rows, _) = registry::search_persons(
            &state.db,
            &PersonFilter {
                scope: t.village_code.clone(),
                name_key: name_key(&q),
                limit: 10,
                ..Default::default()
            },
        )
        .await?;
        rows.into_iter()
            .filter(|r| !participants.iter().any(|p| p.row.person_id == r.id))
            .map(|r| {
                (
                    r.id.to_string(),
                    r.name,
                    desmigratif_core::nik::masked(&r.nik_prefix),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let village = desmigratif_db::villages::by_code(&state.db, &t.village_code.parse()?)
        .await?
        .map(|v| v.name)
        .unwrap_or_else(|| t.village_code.clone());
    let needs_correction = !errors.is_empty();
    let lang = staff.ctx.lang;
    let mut page = Page::new(&staff.ctx, "training.title");
    page.title = t.topic.clone();
    render_form(
        ShowPage {
            page,
            village,
            dates: format!(
                "{} – {}",
                indonesian_date(t.starts_on),
                indonesian_date(t.ends_on)
            ),
            t,
            sessions,
            participants,
            can_write,
            q,
            found,
            session_form,
            errors,
            rule: format!(
                "{} {MIN_ATTENDANCE_PERCENT}{}",
                lang.t("training.rule"),
                lang.t("training.rule_sessions")
            ),
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, READ).await?;
    show_page(
        &state,
        &staff,
        t,
        q.q,
        RawSession::default(),
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn add_session(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<RawSession>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    let input = match form.check(t.starts_on, t.ends_on) {
        Ok(input) => input,
        Err(errors) => {
            let mut e = FieldErrors::default();
            errors.into_iter().for_each(|i| e.push(i));
            return show_page(&state, &staff, t, String::new(), form, e).await;
        }
    };
    let mut tx = state.db.begin().await?;
    trainings::add_session(&mut tx, &staff.actor(), &t, &input).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/pelatihan/{}", t.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AddParticipant {
    orang: String,
}

pub(crate) async fn add_participant(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<AddParticipant>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    let person = match form.orang.parse::<Id>() {
        Ok(pid) => registry::person(&state.db, pid).await?,
        Err(_) => None,
    };
    let Some(person) = person.filter(|p| p.village_code == t.village_code) else {
        let mut e = FieldErrors::default();
        e.add(
            "orang",
            "peserta harus penduduk terdaftar desa tempat pelatihan; cari namanya di daftar penduduk desa ini",
        );
        return show_page(&state, &staff, t, String::new(), RawSession::default(), e).await;
    };
    let mut tx = state.db.begin().await?;
    trainings::add_participant(&mut tx, &staff.actor(), &t, person.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/pelatihan/{}", t.id)).into_response())
}

// --- attendance ----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "training_attendance.html")]
struct AttendancePage {
    page: Page,
    t: TrainingRow,
    session: SessionRow,
    /// (person id, name, present)
    people: Vec<(String, String, bool)>,
    saved: bool,
}

async fn session_of(state: &AppState, t: &TrainingRow, sid: &str) -> Result<SessionRow, AppError> {
    let sid: Id = sid.parse().map_err(|_| AppError::NotFound)?;
    trainings::sessions(&state.db, t.id)
        .await?
        .into_iter()
        .find(|s| s.id == sid)
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Saved {
    tersimpan: String,
}

pub(crate) async fn attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Query<Saved>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    let session = session_of(&state, &t, &sid).await?;
    let present = trainings::present(&state.db, session.id).await?;
    let people = trainings::participants(&state.db, t.id)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.person_id.to_string(),
                p.name,
                present.contains(&p.person_id),
            )
        })
        .collect();
    render(AttendancePage {
        page: Page::new(&staff.ctx, "training.attendance_title"),
        t,
        session,
        people,
        saved: !q.tersimpan.is_empty(),
    })
}

/// Saves who was present: the ticked boxes (`hadir`), all at once; sending it again is harmless.
pub(crate) async fn save_attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, sid)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    let session = session_of(&state, &t, &sid).await?;
    let present: Vec<Id> = form
        .iter()
        .filter(|(k, _)| k == "hadir")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut tx = state.db.begin().await?;
    trainings::set_attendance(&mut tx, &staff.actor(), &t, session.id, &present).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/app/pelatihan/{}/sesi/{}?tersimpan=1",
        t.id, session.id
    ))
    .into_response())
}

// --- completion ----------------------------------------------------------------------------------

/// Marks a participant as having completed the training when the attendance rule holds, and asks
/// for their certificate (a letter awaiting the village head's signature), in one transaction.
pub(crate) async fn complete(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, WRITE).await?;
    let person: Id = pid.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let (attended, sessions) = trainings::attendance_of(&mut tx, t.id, person).await?;
    check_completion(attended as u32, sessions as u32)
        .map_err(|e| AppError::Conflict(e.message))?;
    let fields = serde_json::json!({
        "training": t.topic,
        "institution": t.institution,
        "starts_on": t.starts_on.to_string(),
        "ends_on": t.ends_on.to_string(),
        "attendance": format!("{} dari {sessions} sesi", attended.min(sessions)),
    });
    trainings::complete(&mut tx, &staff.actor(), &t, person, &fields, today()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/pelatihan/{}", t.id)).into_response())
}

// --- API -----------------------------------------------------------------------------------------

/// A training as sent to the API (the same fields as the form).
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TrainingIn {
    /// What is taught, e.g. "Pengolahan hasil laut".
    pub topik: String,
    /// The provider, e.g. "BBPLK Lembang" (free text).
    pub lembaga: String,
    /// Village code (13 characters).
    pub desa: String,
    /// First day, YYYY-MM-DD.
    pub mulai: String,
    /// Last day, YYYY-MM-DD, on or after the first.
    pub selesai: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    pub id: String,
    pub held_on: chrono::NaiveDate,
    pub subject: String,
    /// How many participants were present.
    pub present: i64,
}

/// A training with its sessions and participant counts (never who the participants are).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TrainingOut {
    pub id: String,
    pub village_code: String,
    pub topic: String,
    pub institution: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub sessions: Vec<SessionOut>,
    pub participants: i64,
    pub completed: i64,
}

async fn training_out(state: &AppState, t: TrainingRow) -> Result<TrainingOut, AppError> {
    let sessions = trainings::sessions(&state.db, t.id).await?;
    let people = trainings::participants(&state.db, t.id).await?;
    Ok(TrainingOut {
        id: t.id.to_string(),
        village_code: t.village_code,
        topic: t.topic,
        institution: t.institution,
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        sessions: sessions
            .into_iter()
            .map(|s| SessionOut {
                id: s.id.to_string(),
                held_on: s.held_on,
                subject: s.subject,
                present: s.present,
            })
            .collect(),
        participants: people.len() as i64,
        completed: people.iter().filter(|p| p.completed_on.is_some()).count() as i64,
    })
}

/// Trainings in the caller's scope, latest start first, 25 a page.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Vec<Object>), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<TrainingListRow>>, AppError> {
    Ok(Json(page_of(&state, &staff, &q).await?.1))
}

/// Records a training in a village where the caller works.
#[utoipa::path(post, path = "/api/v1/trainings", tag = "trainings", security(("bearer" = [])), request_body = TrainingIn,
    responses((status = 201, body = TrainingOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<TrainingIn>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "training.create").await?;
    let raw = RawTraining {
        topik: input.topik,
        lembaga: input.lembaga,
        desa: input.desa,
        mulai: input.mulai,
        selesai: input.selesai,
    };
    let id = create_training(&state, &staff, &raw)
        .await?
        .map_err(|e| AppError::Invalid(e.0))?;
    let t = trainings::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(training_out(&state, t).await?)).into_response())
}

/// One training with its sessions and counts.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = TrainingOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<TrainingOut>, AppError> {
    let t = staff.load::<TrainingRow>(&state, &id, READ).await?;
    Ok(Json(training_out(&state, t).await?))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
}
