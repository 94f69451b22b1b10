//! Pillar 1 — people: search, registration with NIK checks, the person page (episodes,
//! counselling, household), and the audited reveal of a full NIK.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, Target, guarded};
use crate::error::AppError;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::NaiveDate;
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::catalog::{self, COUNSELLING_TOPICS, EDUCATION, MARITAL};
use desmigratif_core::migration::{self, Stage};
use desmigratif_core::nik::Nik;
use desmigratif_core::region::Scope;
use desmigratif_core::registry::{PersonInput, parse_date};
use desmigratif_core::text::name_key;
use desmigratif_db::audit::{self, Event};
use desmigratif_db::registry::{
    self, NIK_CONTEXT, PersonFilter, PersonListRow, PersonRecord, PersonRow,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PAGE_SIZE: i64 = 50;
const READ: Action = Action::Read(Compartment::Registry);
const WRITE: Action = Action::Write(Compartment::Registry);

pub fn today() -> NaiveDate {
    (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive()
}

guarded!(PersonRow, "person", registry::person, village_code);

/// The villages served here in which the caller may register people.
pub(crate) async fn writable_villages(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<(String, String)>, AppError> {
    villages_where(state, staff, WRITE).await
}

/// The villages served here (code, name) in which the caller may do `action`.
pub(crate) async fn villages_where(
    state: &AppState,
    staff: &Staff,
    action: Action,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(
        desmigratif_db::villages::list_within(&state.db, &staff.principal().scope)
            .await?
            .into_iter()
            .filter(|v| {
                v.code
                    .parse()
                    .is_ok_and(|c| staff.principal().may(action, &Place::of(&Scope::Region(c))))
            })
            .map(|v| (v.code, v.name))
            .collect(),
    )
}

// --- list and search ---------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchQuery {
    /// Part of the name; case, accents and spaces are ignored.
    pub q: String,
    /// An exact NIK (16 digits).
    pub nik: String,
    /// Stage of the latest migration episode (e.g. `working`).
    pub tahap: String,
    /// Destination of the latest episode (ISO code, e.g. `TW`).
    pub negara: String,
    pub dusun: String,
    /// Page number from 1.
    pub halaman: Option<i64>,
}

impl SearchQuery {
    /// Turns the query into a filter; an unparseable NIK is reported, not silently ignored.
    pub(crate) fn filter(&self, state: &AppState, scope: &Scope) -> Result<PersonFilter, AppError> {
        let nik_index = if self.nik.trim().is_empty() {
            String::new()
        } else {
            let nik = Nik::parse(&self.nik).map_err(|e| AppError::BadRequest(e.message))?;
            state.keys.blind_index(NIK_CONTEXT, nik.as_str())
        };
        let page = self.halaman.unwrap_or(1).max(1);
        Ok(PersonFilter {
            scope: scope.as_stored().to_owned(),
            name_key: name_key(&self.q),
            nik_index,
            stage: self.tahap.trim().to_owned(),
            destination: self.negara.trim().to_uppercase(),
            dusun: self.dusun.trim().to_owned(),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        })
    }
}

pub struct ListLine {
    pub id: String,
    pub name: String,
    pub nik: String,
    pub sex: String,
    pub age: i32,
    pub dusun: String,
    pub village: String,
    pub stage: String,
    pub destination: String,
}

#[derive(Template)]
#[template(path = "persons.html")]
struct PersonsPage {
    page: Page,
    query: SearchQuery,
    error: Option<String>,
    lines: Vec<ListLine>,
    total: i64,
    /// More matches than are counted: the page says so and asks for a narrower search.
    capped: bool,
    page_no: i64,
    pages: i64,
    stages: Vec<(&'static str, &'static str)>,
    countries: Vec<(&'static str, &'static str)>,
    dusuns: Vec<String>,
    can_add: bool,
    next_href: String,
    prev_href: String,
}

fn age(born: NaiveDate, today: NaiveDate) -> i32 {
    today.years_since(born).map(|y| y as i32).unwrap_or(0)
}

pub(crate) fn stage_label(lang: crate::Lang, code: &str) -> String {
    Stage::parse(code)
        .map(|s| {
            if lang == crate::Lang::En {
                migration::label_en(s)
            } else {
                migration::label_id(s)
            }
        })
        .unwrap_or(code)
        .to_owned()
}

fn line(state: &AppState, lang: crate::Lang, r: PersonListRow) -> ListLine {
    ListLine {
        id: r.id.to_string(),
        nik: desmigratif_core::nik::masked(&r.nik_prefix),
        age: age(r.birth_date, today()),
        village: super::dashboard::region_name(&r.village_code, &state.regions),
        stage: r
            .stage
            .as_deref()
            .map(|s| stage_label(lang, s))
            .unwrap_or_else(|| "—".into()),
        destination: r
            .destination
            .as_deref()
            .and_then(catalog::country)
            .map(|c| c.id.to_owned())
            .unwrap_or_default(),
        name: r.name,
        sex: r.sex,
        dusun: r.dusun,
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "person.list").await?;
    let scope = staff.principal().scope.clone();
    let lang = staff.ctx.lang;
    let (lines, total, error) = match q.filter(&state, &scope) {
        Ok(f) => {
            let (rows, total) = registry::search_persons(&state.db, &f).await?;
            (
                rows.into_iter().map(|r| line(&state, lang, r)).collect(),
                total,
                None,
            )
        }
        Err(AppError::BadRequest(m)) => (Vec::new(), 0, Some(m)),
        Err(e) => return Err(e),
    };
    let page_no = q.halaman.unwrap_or(1).max(1);
    let href = |n: i64| {
        let mut q2 = q.clone();
        q2.halaman = Some(n);
        format!(
            "/app/penduduk?{}",
            serde_urlencoded::to_string([
                ("q", &q2.q),
                ("nik", &q2.nik),
                ("tahap", &q2.tahap),
                ("negara", &q2.negara),
                ("dusun", &q2.dusun),
                ("halaman", &n.to_string())
            ])
            .unwrap_or_default()
        )
    };
    render(PersonsPage {
        page: Page::new(&staff.ctx, "persons.title"),
        can_add: !writable_villages(&state, &staff).await?.is_empty(),
        dusuns: registry::dusuns(&state.db, scope.as_stored()).await?,
        stages: Stage::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    if lang == crate::Lang::En {
                        migration::label_en(*s)
                    } else {
                        migration::label_id(*s)
                    },
                )
            })
            .collect(),
        countries: catalog::COUNTRIES.iter().map(|c| (c.iso2, c.id)).collect(),
        next_href: href(page_no + 1),
        prev_href: href(page_no - 1),
        pages: ((total.min(registry::COUNT_CAP) + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        capped: total > registry::COUNT_CAP,
        query: q,
        error,
        lines,
        total,
        page_no,
    })
}

// --- create and edit ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    page: Page,
    action: String,
    input: PersonInput,
    village: String,
    villages: Vec<(String, String)>,
    errors: FieldErrors,
    warnings: Vec<String>,
    education: &'static [catalog::Choice],
    marital: &'static [catalog::Choice],
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct NewQuery {
    desa: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PersonForm {
    desa: String,
    #[serde(flatten)]
    input: PersonInput,
}

fn form_page(
    staff: &Staff,
    action: String,
    input: PersonInput,
    village: String,
    villages: Vec<(String, String)>,
    errors: FieldErrors,
    warnings: Vec<String>,
) -> Result<Response, AppError> {
    let needs_correction = !(errors.is_empty() && warnings.is_empty());
    render_form(
        PersonFormPage {
            page: Page::new(
                &staff.ctx,
                if action.ends_with("/penduduk") {
                    "persons.new"
                } else {
                    "persons.edit"
                },
            ),
            action,
            input: PersonInput {
                confirm_warnings: String::new(),
                ..input
            },
            village,
            villages,
            errors,
            warnings,
            education: EDUCATION,
            marital: MARITAL,
        },
        needs_correction,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let villages = writable_villages(&state, &staff).await?;
    if villages.is_empty() {
        staff.allow_here(&state, WRITE, "person.create").await?;
        return Err(AppError::Forbidden);
    }
    let village = if q.desa.is_empty() {
        villages[0].0.clone()
    } else {
        q.desa
    };
    form_page(
        &staff,
        "/app/penduduk".into(),
        PersonInput::default(),
        village,
        villages,
        FieldErrors::default(),
        Vec::new(),
    )
}

/// Checks the input; `Ok(None)` means the page was re-rendered (errors or warnings to confirm).
fn checked(
    state: &AppState,
    input: &PersonInput,
) -> Result<desmigratif_core::registry::ValidPerson, (FieldErrors, Vec<String>)> {
    match input.check(&state.regions, today()) {
        Err(errs) => {
            let mut fe = FieldErrors::default();
            errs.into_iter().for_each(|e| fe.push(e));
            Err((fe, Vec::new()))
        }
        Ok(v) if !v.warnings.is_empty() && !input.confirmed() => {
            Err((FieldErrors::default(), v.warnings))
        }
        Ok(v) => Ok(v),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PersonForm>,
) -> Result<Response, AppError> {
    let villages = writable_villages(&state, &staff).await?;
    let place = f
        .desa
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::BadRequest("pilih desa".into()))?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "person.create",
            },
        )
        .await?;
    let v = match checked(&state, &f.input) {
        Ok(v) => v,
        Err((errors, warnings)) => {
            return form_page(
                &staff,
                "/app/penduduk".into(),
                f.input,
                f.desa,
                villages,
                errors,
                warnings,
            );
        }
    };
    let record = PersonRecord::seal(&f.desa, &v, &state.keys);
    let mut tx = state.db.begin().await?;
    match registry::create_person(&mut tx, &staff.actor(), &record).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/penduduk/{id}?ok=dibuat")).into_response())
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("nik", m);
            form_page(
                &staff,
                "/app/penduduk".into(),
                f.input,
                f.desa,
                villages,
                errors,
                Vec::new(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The stored person as form input (the NIK decrypted for the edit form only).
fn as_input(state: &AppState, p: &PersonRow) -> Result<PersonInput, AppError> {
    let open = |ctx: &str, s: &str| {
        state
            .keys
            .decrypt_str(ctx, s)
            .map_err(|e| AppError::Internal(e.to_string()))
    };
    Ok(PersonInput {
        nik: open(NIK_CONTEXT, &p.nik_enc)?,
        name: p.name.clone(),
        sex: p.sex.clone(),
        birth_place: p.birth_place.clone(),
        birth_date: p.birth_date.to_string(),
        dusun: p.dusun.clone(),
        rt: p.rt.clone(),
        rw: p.rw.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        education: p.education.clone(),
        marital_status: p.marital_status.clone(),
        skills: p.skills.clone(),
        passport_number: p
            .passport_enc
            .as_deref()
            .map(|s| open(registry::PASSPORT_CONTEXT, s))
            .transpose()?
            .unwrap_or_default(),
        passport_expiry: p.passport_expiry.map(|d| d.to_string()).unwrap_or_default(),
        confirm_warnings: String::new(),
    })
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    let event = Event::new("person.open_for_edit", "person", p.id, &p.village_code)
        .detail("nik,passport decrypted for the form");
    audit::log(&state.db, &staff.actor(), &event).await?;
    form_page(
        &staff,
        format!("/app/penduduk/{}", p.id),
        as_input(&state, &p)?,
        p.village_code.clone(),
        Vec::new(),
        FieldErrors::default(),
        Vec::new(),
    )
}

/// Checks and saves changes to a person, naming the fields that changed in the audit log;
/// the one path for the edit page and the API. `Err((errors, warnings))` when nothing was saved.
async fn save_person(
    state: &AppState,
    staff: &Staff,
    p: &PersonRow,
    input: &PersonInput,
) -> Result<Result<(), (FieldErrors, Vec<String>)>, AppError> {
    let v = match checked(state, input) {
        Ok(v) => v,
        Err(problems) => return Ok(Err(problems)),
    };
    let before = as_input(state, p)?;
    let changed: Vec<&str> = [
        (
            "nik",
            Nik::parse(&before.nik).ok().map(|n| n.as_str().to_owned())
                != Some(v.nik.as_str().to_owned()),
        ),
        ("name", before.name != v.name),
        ("birth_date", p.birth_date != v.birth_date),
        (
            "address",
            before.address != v.address || before.dusun != v.dusun || p.rt != v.rt || p.rw != v.rw,
        ),
        ("phone", before.phone != v.phone),
        (
            "passport",
            before.passport_number != input.passport_number.trim().to_uppercase()
                || p.passport_expiry != v.passport_expiry,
        ),
        (
            "other",
            before.education != v.education
                || before.marital_status != v.marital_status
                || before.skills != v.skills
                || before.sex != v.sex.as_str(),
        ),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect();
    let record = PersonRecord::seal(&p.village_code, &v, &state.keys);
    let mut tx = state.db.begin().await?;
    match registry::update_person(&mut tx, &staff.actor(), p.id, &record, &changed).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Ok(()))
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("nik", m);
            Ok(Err((errors, Vec::new())))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<PersonForm>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    match save_person(&state, &staff, &p, &f.input).await? {
        Ok(()) => Ok(Redirect::to(&format!("/app/penduduk/{}?ok=tersimpan", p.id)).into_response()),
        Err((errors, warnings)) => form_page(
            &staff,
            format!("/app/penduduk/{}", p.id),
            f.input,
            p.village_code.clone(),
            Vec::new(),
            errors,
            warnings,
        ),
    }
}

// --- the person page ---------------------------------------------------------------------------

pub struct EpisodeLine {
    pub id: String,
    pub stage: String,
    pub destination: String,
    pub occupation: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: Page,
    p: PersonRow,
    nik_masked: String,
    full_nik: Option<String>,
    village: String,
    age: i32,
    education: String,
    marital: String,
    warnings: Vec<String>,
    episodes: Vec<EpisodeLine>,
    counselling: Vec<(String, String, String, String)>,
    topics: &'static [catalog::Choice],
    can_write: bool,
    notice: Option<&'static str>,
    errors: FieldErrors,
    today: String,
    household: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notice {
    ok: String,
}

async fn person_page(
    state: &AppState,
    staff: &Staff,
    p: PersonRow,
    full_nik: Option<String>,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let episodes = registry::episodes_of(&state.db, p.id)
        .await?
        .into_iter()
        .map(|e| EpisodeLine {
            id: e.id.to_string(),
            stage: stage_label(lang, &e.stage),
            destination: catalog::country(&e.destination)
                .map(|c| c.id.to_owned())
                .unwrap_or(e.destination.clone()),
            occupation: catalog::occupation(&e.occupation)
                .map(|o| o.id.to_owned())
                .unwrap_or(e.occupation.clone()),
            since: crate::page::when(&e.updated_at),
        })
        .collect();
    let counselling = registry::counselling_of(&state.db, p.id)
        .await?
        .into_iter()
        .map(|c| {
            let topics = c
                .topics
                .split(',')
                .filter_map(|t| catalog::choice(COUNSELLING_TOPICS, t))
                .map(|t| t.id)
                .collect::<Vec<_>>()
                .join(", ");
            (
                c.held_on.format("%d-%m-%Y").to_string(),
                topics,
                c.counsellor,
                c.notes,
            )
        })
        .collect();
    let can_write = staff.principal().may_in_village(WRITE, &p.village_code);
    let needs_correction = !errors.is_empty();
    render_form(
        PersonPage {
            page: Page::new(&staff.ctx, "persons.detail"),
            nik_masked: desmigratif_core::nik::masked(&p.nik_prefix),
            village: super::dashboard::place_of(&p.village_code, &state.regions),
            age: age(p.birth_date, today()),
            education: catalog::choice(EDUCATION, &p.education)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            marital: catalog::choice(MARITAL, &p.marital_status)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            warnings: p
                .nik_warnings
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            household: p.household_id.map(|h| h.to_string()),
            full_nik,
            episodes,
            counselling,
            topics: COUNSELLING_TOPICS,
            can_write,
            notice,
            errors,
            today: today().to_string(),
            p,
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, READ).await?;
    let notice = match n.ok.as_str() {
        "dibuat" => Some("persons.created"),
        "tersimpan" => Some("form.saved"),
        "bimbingan" => Some("persons.counselling_saved"),
        _ => None,
    };
    person_page(&state, &staff, p, None, notice, FieldErrors::default()).await
}

/// Shows the full NIK once, on purpose, and leaves an audit entry saying who looked.
pub(crate) async fn reveal_nik(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, READ).await?;
    let nik = state
        .keys
        .decrypt_str(NIK_CONTEXT, &p.nik_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("person.reveal_nik", "person", p.id, &p.village_code),
    )
    .await?;
    person_page(&state, &staff, p, Some(nik), None, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CounsellingForm {
    held_on: String,
    counsellor: String,
    notes: String,
}

pub(crate) async fn add_counselling(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    let mut f = CounsellingForm::default();
    let mut topics = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "held_on" => f.held_on = v,
            "counsellor" => f.counsellor = v,
            "notes" => f.notes = v,
            "topics" if catalog::choice(COUNSELLING_TOPICS, &v).is_some() => topics.push(v),
            _ => {}
        }
    }
    let mut errors = FieldErrors::default();
    let held_on = parse_date("held_on", &f.held_on)
        .map_err(|e| errors.push(e))
        .ok();
    if held_on.is_some_and(|d| d > today()) {
        errors.add("held_on", "tanggal bimbingan tidak boleh di masa depan");
    }
    if topics.is_empty() {
        errors.add("topics", "pilih paling sedikit satu topik bimbingan");
    }
    let counsellor = desmigratif_core::text::clean_spaces(&f.counsellor);
    if counsellor.is_empty() {
        errors.add("counsellor", "nama pembimbing wajib diisi");
    }
    match (held_on, errors.is_empty()) {
        (Some(held_on), true) => {
            let mut tx = state.db.begin().await?;
            registry::add_counselling(
                &mut tx,
                &staff.actor(),
                &p,
                held_on,
                &topics.join(","),
                &counsellor,
                f.notes.trim(),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/penduduk/{}?ok=bimbingan", p.id)).into_response())
        }
        _ => person_page(&state, &staff, p, None, None, errors).await,
    }
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PersonOut {
    id: String,
    village_code: String,
    /// Masked: the six region digits, then bullets (`321216••••••••••`). Neither the full NIK
    /// nor any digit of its serial is sent by the API.
    nik_masked: String,
    name: String,
    sex: String,
    birth_place: String,
    birth_date: String,
    dusun: String,
    rt: String,
    rw: String,
    address: String,
    phone: String,
    education: String,
    marital_status: String,
    skills: String,
    household_id: Option<String>,
    relationship: String,
    passport_expiry: Option<String>,
    nik_warnings: Vec<String>,
}

impl From<PersonRow> for PersonOut {
    fn from(p: PersonRow) -> PersonOut {
        PersonOut {
            id: p.id.to_string(),
            village_code: p.village_code,
            nik_masked: desmigratif_core::nik::masked(&p.nik_prefix),
            name: p.name,
            sex: p.sex,
            birth_place: p.birth_place,
            birth_date: p.birth_date.to_string(),
            dusun: p.dusun,
            rt: p.rt,
            rw: p.rw,
            address: p.address,
            phone: p.phone,
            education: p.education,
            marital_status: p.marital_status,
            skills: p.skills,
            household_id: p.household_id.map(|h| h.to_string()),
            relationship: p.relationship,
            passport_expiry: p.passport_expiry.map(|d| d.to_string()),
            nik_warnings: p.nik_warnings.lines().map(str::to_owned).collect(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct PersonPage_ {
    /// Matches, counted up to 1,001: 1,001 means "more than 1,000" (narrow the search).
    total: i64,
    #[schema(value_type = Vec<Object>)]
    items: Vec<PersonListRow>,
}

/// People in the caller's scope, filtered like the search page.
#[utoipa::path(get, path = "/api/v1/persons", tag = "registry", security(("bearer" = [])), params(SearchQuery), responses((status = 200, body = PersonPage_), (status = 400), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Json<PersonPage_>, AppError> {
    staff.allow_here(&state, READ, "person.list").await?;
    let f = q.filter(&state, &staff.principal().scope)?;
    let (items, total) = registry::search_persons(&state.db, &f).await?;
    Ok(Json(PersonPage_ { total, items }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = PersonOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<PersonOut>, AppError> {
    Ok(Json(
        staff.load::<PersonRow>(&state, &id, READ).await?.into(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PersonIn {
    /// Village code the person is registered in.
    village_code: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    input: PersonInput,
}

/// Registers a person. NIK warnings must be confirmed with `"confirm_warnings": "ya"`, otherwise
/// the answer is 422 listing them.
#[utoipa::path(post, path = "/api/v1/persons", tag = "registry", security(("bearer" = [])), request_body = PersonIn, responses((status = 201, body = PersonOut), (status = 403), (status = 409), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(body): Json<PersonIn>,
) -> Result<Response, AppError> {
    let place = body.village_code.parse().map(Scope::Region).map_err(|_| {
        AppError::Invalid(vec![(
            "village_code".into(),
            "kode desa tidak valid".into(),
        )])
    })?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "person.create",
            },
        )
        .await?;
    if desmigratif_db::villages::by_code(&state.db, &body.village_code.parse()?)
        .await?
        .is_none()
    {
        return Err(AppError::Invalid(vec![(
            "village_code".into(),
            "desa ini tidak dilayani deployment ini".into(),
        )]));
    }
    let v = match checked(&state, &body.input) {
        Ok(v) => v,
        Err((errors, warnings)) => {
            let mut all = errors.0;
            all.extend(
                warnings
                    .into_iter()
                    .map(|w| ("confirm_warnings".to_owned(), w)),
            );
            return Err(AppError::Invalid(all));
        }
    };
    let record = PersonRecord::seal(&body.village_code, &v, &state.keys);
    let mut tx = state.db.begin().await?;
    let id = registry::create_person(&mut tx, &staff.actor(), &record).await?;
    tx.commit().await?;
    let p = registry::person(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(PersonOut::from(p))).into_response())
}

/// Replaces a person's details (same checks and warnings as the edit page).
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), request_body = Object,
    responses((status = 200, body = PersonOut), (status = 404), (status = 422)))]
async fn api_update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(input): Json<PersonInput>,
) -> Result<Json<PersonOut>, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    if let Err((errors, warnings)) = save_person(&state, &staff, &p, &input).await? {
        let mut all = errors.0;
        all.extend(
            warnings
                .into_iter()
                .map(|w| ("confirm_warnings".to_owned(), w)),
        );
        return Err(AppError::Invalid(all));
    }
    Ok(Json(
        registry::person(&state.db, p.id)
            .await?
            .ok_or(AppError::NotFound)?
            .into(),
    ))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one, api_update))
}
