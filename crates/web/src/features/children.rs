//! Pillar 3, community parenting: children of migrant workers at `/app/anak` (list, new, one
//! child, edit), the learning centre at `/app/belajar` (sessions, parenting classes, attendance
//! taken on a phone), and the indicators at `/app/anak/indikator`.
//!
//! Children are a compartment of their own: only holders of `children` with the child's village
//! in scope read them, every read of a child's record is audited and every refusal goes through
//! `Staff::refuse`. Above the village only counts travel, small ones hidden (`core::children`).

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, Target, guarded};
use crate::error::AppError;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use desmigratif_core::Invalid;
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::children::{
    ChildInput, ConsentBy, ConsentHow, Indicators, RawChild, RawSession, RiskFlag, SchoolLevel,
    SchoolStatus, SessionKind,
};
use desmigratif_core::id::Id;
use desmigratif_core::nik::Nik;
use desmigratif_core::region::{Level, Scope};
use desmigratif_db::audit::{self, Event};
use desmigratif_db::children::{self as db, ChildRow, Links, SessionRow};
use desmigratif_db::registry;

const READ: Action = Action::Read(Compartment::Children);
const WRITE: Action = Action::Write(Compartment::Children);
const PAGE_SIZE: i64 = 50;

fn invalid(list: Vec<Invalid>) -> AppError {
    FieldErrors::from(list).into()
}

fn place(code: &str, field: &'static str) -> Result<Scope, AppError> {
    code.trim()
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::Invalid(vec![(field.into(), "kode desa tidak valid".into())]))
}

/// The village `code` names, once `action` is authorised there (a refusal is answered 403 and
/// audited); `field` names the form field a malformed code came from.
async fn allowed_in(
    state: &AppState,
    staff: &Staff,
    code: &str,
    field: &'static str,
    action: Action,
    name: &str,
) -> Result<String, AppError> {
    let at = place(code, field)?;
    staff
        .allow(state, action, &Place::of(&at), Target::Action { name })
        .await?;
    Ok(at.as_stored().to_owned())
}

/// The region a list is about: the village asked for (`desa`), else the caller's own scope.
async fn region_for(
    state: &AppState,
    staff: &Staff,
    desa: &str,
    action: Action,
    name: &str,
) -> Result<String, AppError> {
    if desa.trim().is_empty() {
        staff.allow_here(state, action, name).await?;
        return Ok(staff.principal().scope.as_stored().to_owned());
    }
    allowed_in(state, staff, desa, "desa", action, name).await
}

guarded!(ChildRow, "child", db::get, region_code, read = "child.read");

/// The registry people a child's NIKs name in its village: the parent (with their latest
/// migration episode) and the caregiver. A NIK registered elsewhere answers like an unknown one.
async fn links(
    state: &AppState,
    village: &str,
    input: &ChildInput,
) -> Result<Result<Links, Vec<Invalid>>, AppError> {
    let mut errors = Vec::new();
    let mut find = async |field: &'static str, nik: Option<&desmigratif_core::nik::Nik>| {
        let Some(nik) = nik else {
            return Ok::<_, AppError>(None);
        };
        let index = state.keys.blind_index(registry::NIK_CONTEXT, nik.as_str());
        let found = registry::person_by_nik_index(&state.db, &index)
            .await?
            .filter(|p| p.village_code == village);
        if found.is_none() {
            errors.push(Invalid::new(
                field,
                "NIK ini tidak terdaftar di desa anak; periksa angkanya atau kosongkan",
            ));
        }
        Ok(found.map(|p| p.id))
    };
    let parent = find("nik_orang_tua", input.parent_nik.as_ref()).await?;
    let caregiver = find("nik_pengasuh", input.caregiver_nik.as_ref()).await?;
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let parent_episode = match parent {
        Some(p) => registry::episodes_of(&state.db, p)
            .await?
            .first()
            .map(|e| e.id),
        None => None,
    };
    Ok(Ok(Links {
        parent_person: parent,
        parent_episode,
        caregiver_person: caregiver,
    }))
}

/// Checks a child as typed and finds its registry links: every problem at once.
async fn check_child(
    state: &AppState,
    village: &str,
    raw: &RawChild,
) -> Result<Result<(ChildInput, Links), Vec<Invalid>>, AppError> {
    let input = match raw.check(super::persons::today()) {
        Ok(i) => i,
        Err(list) => return Ok(Err(list)),
    };
    Ok(links(state, village, &input).await?.map(|l| (input, l)))
}

// --- list --------------------------------------------------------------------------------------

struct Line {
    id: String,
    name: String,
    birth_year: i32,
    status: &'static str,
    consent: bool,
    caregiver: String,
}

fn line(c: &ChildRow) -> Line {
    Line {
        id: c.id.to_string(),
        name: c.name.clone(),
        birth_year: c.birth_year,
        status: c.status().map(|s| s.label_id()).unwrap_or(""),
        consent: c.consent_id.is_some(),
        caregiver: c.caregiver_name.clone(),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    desa: String,
    halaman: Option<i64>,
}

#[derive(Template)]
#[template(path = "children.html")]
struct ListPage {
    page: Page,
    lines: Vec<Line>,
    can_add: bool,
    page_no: i64,
    more: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let region = region_for(&state, &staff, &q.desa, READ, "child.list").await?;
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = db::list(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("child.list", "child", "", &region).detail(format!("{} rows", rows.len())),
    )
    .await?;
    render(ListPage {
        page: Page::new(&staff.ctx, "children.title"),
        lines: rows.iter().map(line).collect(),
        can_add: staff.principal().may_here(WRITE),
        page_no,
        more,
    })
}

// --- new and edit ------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ChildForm {
    desa: String,
    #[serde(flatten)]
    child: RawChild,
}

#[derive(Template)]
#[template(path = "child_form.html")]
struct FormPage {
    page: Page,
    /// Where the form posts: `/app/anak` or `/app/anak/{id}`.
    action: String,
    villages: Vec<(String, String)>,
    form: ChildForm,
    errors: FieldErrors,
    givers: &'static [ConsentBy],
    ways: &'static [ConsentHow],
    levels: &'static [SchoolLevel],
    statuses: &'static [SchoolStatus],
}

async fn form_page(
    state: &AppState,
    staff: &Staff,
    action: String,
    title: &str,
    form: ChildForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let villages = super::persons::villages_where(state, staff, WRITE).await?;
    let bad = !errors.is_empty();
    render_form(
        FormPage {
            page: Page::new(&staff.ctx, title),
            action,
            villages,
            form,
            errors,
            givers: ConsentBy::ALL,
            ways: ConsentHow::ALL,
            levels: SchoolLevel::ALL,
            statuses: SchoolStatus::ALL,
        },
        bad,
    )
}

pub(crate) async fn new_child(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "child.create").await?;
    let form = ChildForm {
        desa: staff.principal().scope.as_stored().to_owned(),
        ..ChildForm::default()
    };
    form_page(
        &state,
        &staff,
        "/app/anak".into(),
        "children.new",
        form,
        FieldErrors::default(),
    )
    .await
}

/// Records a child: consent and child in one transaction, so a child's details never exist
/// without the consent that allows them.
async fn save_new(
    state: &AppState,
    staff: &Staff,
    village: &str,
    input: &ChildInput,
    links: Links,
) -> Result<Id, AppError> {
    let mut tx = state.db.begin().await?;
    let id = db::create(&mut tx, &staff.actor(), &state.keys, village, input, links).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ChildForm>,
) -> Result<Response, AppError> {
    let village = allowed_in(&state, &staff, &f.desa, "desa", WRITE, "child.create").await?;
    let (input, links) = match check_child(&state, &village, &f.child).await? {
        Ok(ok) => ok,
        Err(list) => {
            return form_page(
                &state,
                &staff,
                "/app/anak".into(),
                "children.new",
                f,
                FieldErrors::from(list),
            )
            .await;
        }
    };
    let id = save_new(&state, &staff, &village, &input, links).await?;
    Ok(Redirect::to(&format!("/app/anak/{id}")).into_response())
}

/// The NIK of a linked registry person.
async fn linked_nik(state: &AppState, id: Option<Id>) -> Result<Option<Nik>, AppError> {
    let Some(id) = id else { return Ok(None) };
    Ok(registry::person(&state.db, id)
        .await?
        .and_then(|p| {
            state
                .keys
                .decrypt_str(registry::NIK_CONTEXT, &p.nik_enc)
                .ok()
        })
        .and_then(|n| Nik::parse(&n).ok()))
}

/// The edit form shows a linked NIK masked (NIKs are masked by default); sent back unchanged,
/// the mask stands for the link that is already there.
async fn unmask(state: &AppState, typed: &mut String, id: Option<Id>) -> Result<(), AppError> {
    if let Some(nik) = linked_nik(state, id).await?
        && typed.trim() == nik.masked()
    {
        *typed = nik.as_str().to_owned();
    }
    Ok(())
}

/// The form of a stored child, as it would be typed again (linked NIKs masked).
async fn form_of(state: &AppState, c: &ChildRow) -> Result<ChildForm, AppError> {
    let consent = match c.consent_id {
        Some(id) => db::consent(&state.db, id).await?,
        None => None,
    };
    let nik_of = async |id: Option<Id>| -> Result<String, AppError> {
        Ok(linked_nik(state, id)
            .await?
            .map(|n| n.masked())
            .unwrap_or_default())
    };
    Ok(ChildForm {
        desa: c.region_code.clone(),
        child: RawChild {
            nama: c.name.clone(),
            tahun_lahir: c.birth_year.to_string(),
            persetujuan: consent
                .as_ref()
                .map(|k| k.given_by.clone())
                .unwrap_or_default(),
            nama_pemberi: consent
                .as_ref()
                .map(|k| k.giver_name.clone())
                .unwrap_or_default(),
            hubungan: consent
                .as_ref()
                .map(|k| k.relation.clone())
                .unwrap_or_default(),
            tanggal_persetujuan: consent
                .as_ref()
                .map(|k| k.given_on.to_string())
                .unwrap_or_default(),
            cara: consent.as_ref().map(|k| k.how.clone()).unwrap_or_default(),
            nik_orang_tua: nik_of(c.parent_person_id).await?,
            nik_pengasuh: nik_of(c.caregiver_person_id).await?,
            jenjang: c.school_level.clone().unwrap_or_default(),
            nama_sekolah: c.school_name.clone(),
            status_sekolah: c.status.clone(),
            kebutuhan: c.needs(&state.keys)?,
            pengasuh: c.caregiver_name.clone(),
        },
    })
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = staff.load::<ChildRow>(&state, &id, WRITE).await?;
    let form = form_of(&state, &c).await?;
    form_page(
        &state,
        &staff,
        format!("/app/anak/{}", c.id),
        "children.edit",
        form,
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(mut f): Form<ChildForm>,
) -> Result<Response, AppError> {
    let c = staff.load::<ChildRow>(&state, &id, WRITE).await?;
    // A child stays in its village; moving one is a new record there.
    f.desa = c.region_code.clone();
    unmask(&state, &mut f.child.nik_orang_tua, c.parent_person_id).await?;
    unmask(&state, &mut f.child.nik_pengasuh, c.caregiver_person_id).await?;
    let action = format!("/app/anak/{}", c.id);
    let (input, links) = match check_child(&state, &c.region_code, &f.child).await? {
        Ok(ok) => ok,
        Err(list) => {
            return form_page(
                &state,
                &staff,
                action,
                "children.edit",
                f,
                FieldErrors::from(list),
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let done = db::update(&mut tx, &staff.actor(), &state.keys, &c, &input, links).await;
    match done {
        Ok(()) => tx.commit().await?,
        Err(desmigratif_db::DbError::Conflict(m)) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add("nama", m);
            return form_page(&state, &staff, action, "children.edit", f, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&action).into_response())
}

// --- one child ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    page: Page,
    c: ChildRow,
    level: &'static str,
    status: &'static str,
    needs: String,
    consent: Option<(String, String, String, String, String)>,
    flags: Vec<&'static str>,
    attendance: Vec<(String, String, bool)>,
    can_edit: bool,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = staff.load::<ChildRow>(&state, &id, READ).await?;
    let consent = match c.consent_id {
        Some(id) => db::consent(&state.db, id).await?.map(|k| {
            (
                k.given_by
                    .parse::<ConsentBy>()
                    .map(|b| b.label_id())
                    .unwrap_or("")
                    .to_owned(),
                k.giver_name,
                k.relation,
                k.given_on.format("%d-%m-%Y").to_string(),
                k.how
                    .parse::<ConsentHow>()
                    .map(|h| h.label_id())
                    .unwrap_or("")
                    .to_owned(),
            )
        }),
        None => None,
    };
    let attendance = db::attendance_of(&state.db, c.id).await?;
    let seen: Vec<bool> = attendance.iter().map(|a| a.2).collect();
    let flags = if c.consent_id.is_some() {
        desmigratif_core::children::risk_flags(c.status(), &seen)
            .into_iter()
            .map(RiskFlag::label_id)
            .collect()
    } else {
        Vec::new()
    };
    render(ChildPage {
        page: Page::new(&staff.ctx, "children.one"),
        level: c
            .school_level
            .as_deref()
            .and_then(|l| l.parse::<SchoolLevel>().ok())
            .map(|l| l.label_id())
            .unwrap_or(""),
        status: c.status().map(|s| s.label_id()).unwrap_or(""),
        needs: c.needs(&state.keys)?,
        consent,
        flags,
        attendance: attendance
            .into_iter()
            .rev()
            .map(|(on, activity, present)| (on.format("%d-%m-%Y").to_string(), activity, present))
            .collect(),
        can_edit: staff.principal().may_here(WRITE),
        c,
    })
}

// --- learning sessions -------------------------------------------------------------------------

struct SessionLine {
    id: String,
    on: String,
    kind: &'static str,
    activity: String,
    facilitator: String,
    taken: bool,
}

fn session_line(s: &SessionRow) -> SessionLine {
    SessionLine {
        id: s.id.to_string(),
        on: s.held_on.format("%d-%m-%Y").to_string(),
        kind: s.kind().label_id(),
        activity: s.activity.clone(),
        facilitator: s.facilitator.clone(),
        taken: s.taken_at.is_some(),
    }
}

#[derive(Template)]
#[template(path = "learning.html")]
struct SessionsPage {
    page: Page,
    lines: Vec<SessionLine>,
    can_add: bool,
    page_no: i64,
    more: bool,
}

pub(crate) async fn sessions(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let region = region_for(&state, &staff, &q.desa, READ, "learning_session.list").await?;
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = db::sessions(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    render(SessionsPage {
        page: Page::new(&staff.ctx, "learning.title"),
        lines: rows.iter().map(session_line).collect(),
        can_add: staff.principal().may_here(WRITE),
        page_no,
        more,
    })
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct SessionForm {
    desa: String,
    #[serde(flatten)]
    session: RawSession,
}

#[derive(Template)]
#[template(path = "learning_form.html")]
struct SessionFormPage {
    page: Page,
    villages: Vec<(String, String)>,
    form: SessionForm,
    errors: FieldErrors,
    kinds: &'static [SessionKind],
}

async fn session_form(
    state: &AppState,
    staff: &Staff,
    form: SessionForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let villages = super::persons::villages_where(state, staff, WRITE).await?;
    let bad = !errors.is_empty();
    render_form(
        SessionFormPage {
            page: Page::new(&staff.ctx, "learning.new"),
            villages,
            form,
            errors,
            kinds: SessionKind::ALL,
        },
        bad,
    )
}

pub(crate) async fn new_session(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "learning_session.create")
        .await?;
    let form = SessionForm {
        desa: staff.principal().scope.as_stored().to_owned(),
        session: RawSession {
            jenis: SessionKind::Learning.as_str().into(),
            tanggal: super::persons::today().to_string(),
            fasilitator: staff.principal().display_name.clone(),
            ..RawSession::default()
        },
    };
    session_form(&state, &staff, form, FieldErrors::default()).await
}

async fn save_session(
    state: &AppState,
    staff: &Staff,
    village: &str,
    s: &desmigratif_core::children::SessionInput,
) -> Result<Id, AppError> {
    let mut tx = state.db.begin().await?;
    let id = db::create_session(&mut tx, &staff.actor(), village, s).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create_session(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<SessionForm>,
) -> Result<Response, AppError> {
    let village = allowed_in(
        &state,
        &staff,
        &f.desa,
        "desa",
        WRITE,
        "learning_session.create",
    )
    .await?;
    let input = match f.session.check(super::persons::today()) {
        Ok(i) => i,
        Err(list) => return session_form(&state, &staff, f, FieldErrors::from(list)).await,
    };
    let id = save_session(&state, &staff, &village, &input).await?;
    Ok(Redirect::to(&format!("/app/belajar/{id}")).into_response())
}

guarded!(
    SessionRow,
    "learning_session",
    db::session,
    region_code,
    read = "learning_session.read"
);

#[derive(Template)]
#[template(path = "learning_session.html")]
struct AttendancePage {
    page: Page,
    s: SessionLine,
    attendees: Vec<(String, String, bool)>,
    present: usize,
    can_take: bool,
    saved: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SavedQuery {
    tersimpan: String,
}

pub(crate) async fn attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let s = staff.load::<SessionRow>(&state, &id, READ).await?;
    let attendees = db::attendees(&state.db, &s).await?;
    render(AttendancePage {
        page: Page::new(&staff.ctx, "learning.attendance"),
        present: attendees.iter().filter(|a| a.present == Some(true)).count(),
        attendees: attendees
            .into_iter()
            .map(|a| (a.id.to_string(), a.name, a.present == Some(true)))
            .collect(),
        can_take: staff.principal().may_here(WRITE),
        saved: !q.tersimpan.is_empty(),
        s: session_line(&s),
    })
}

/// Saves the sheet: every expected attendee is marked, present when their box was ticked. Ids
/// that are not on the sheet are ignored; sending the form again replaces the marks.
pub(crate) async fn take_attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let s = staff.load::<SessionRow>(&state, &id, WRITE).await?;
    let ticked: std::collections::HashSet<&str> = fields
        .iter()
        .filter(|(k, _)| k == "hadir")
        .map(|(_, v)| v.as_str())
        .collect();
    let marks: Vec<(Id, bool)> = db::attendees(&state.db, &s)
        .await?
        .into_iter()
        .map(|a| (a.id, ticked.contains(a.id.to_string().as_str())))
        .collect();
    let mut tx = state.db.begin().await?;
    db::record_attendance(&mut tx, &staff.actor(), &s, &marks).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/belajar/{}?tersimpan=1", s.id)).into_response())
}

// --- indicators --------------------------------------------------------------------------------

/// One row of figures; a count of `None` is hidden (shown as "<5").
struct VillageView {
    name: String,
    children: Option<i64>,
    in_school: Option<i64>,
    at_risk: Option<i64>,
    in_school_percent: String,
    attendance_percent: String,
    sessions: i64,
}

/// A village by its name and where it is.
fn village_name(state: &AppState, code: &str) -> String {
    let name = code
        .parse()
        .ok()
        .and_then(|c| state.regions.get(&c).map(|r| r.name.clone()))
        .unwrap_or_default();
    format!(
        "{name} ({})",
        super::dashboard::place_of(code, &state.regions)
    )
}

fn pct(n: Option<u32>) -> String {
    n.map_or("–".into(), |n| format!("{n}%"))
}

#[derive(Template)]
#[template(path = "children_indicators.html")]
struct IndicatorsPage {
    page: Page,
    /// The village view: every figure and the names of the children at risk.
    village: Option<VillageView>,
    without_consent: i64,
    at_risk: Vec<(String, String, String)>,
    /// Above the village: one row per village and the total, counts only.
    rows: Vec<VillageView>,
    small: i64,
}

fn exact(name: String, i: &Indicators) -> VillageView {
    VillageView {
        name,
        children: Some(i.children),
        in_school: Some(i.in_school),
        at_risk: Some(i.at_risk),
        in_school_percent: pct(i.in_school_percent()),
        attendance_percent: pct(i.attendance_percent()),
        sessions: i.sessions,
    }
}

fn public(name: String, i: &Indicators) -> VillageView {
    let p = i.public();
    VillageView {
        name,
        children: p.children,
        in_school: p.in_school,
        at_risk: p.at_risk,
        in_school_percent: pct(p.in_school_percent),
        attendance_percent: pct(p.attendance_percent),
        sessions: i.sessions,
    }
}

/// A village's own team (the children compartment, a village scope) sees its figures and who is
/// at risk; everyone else with the reports permission sees counts per village, small ones hidden.
pub(crate) async fn indicators(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let p = staff.principal();
    let village_team = match &p.scope {
        Scope::Region(code) if code.level() == Level::Desa => {
            p.may(READ, &Place::of(&p.scope)).then(|| code.to_string())
        }
        _ => None,
    };
    let small = desmigratif_core::cases::SMALL_COUNT;
    let page = Page::new(&staff.ctx, "children.indicators");
    if let Some(code) = village_team {
        let f = db::figures(&state.db, Some(code.as_str())).await?;
        let here = f.into_iter().find(|v| v.region_code == code);
        audit::log(
            &state.db,
            &staff.actor(),
            &Event::new("child.indicators", "child", "", &code),
        )
        .await?;
        let name = village_name(&state, &code);
        let (indicators, at_risk, without) = here
            .map(|v| (v.indicators, v.at_risk, v.without_consent))
            .unwrap_or_default();
        return render(IndicatorsPage {
            page,
            village: Some(exact(name, &indicators)),
            without_consent: without,
            at_risk: at_risk
                .into_iter()
                .map(|a| {
                    (
                        a.id.to_string(),
                        a.name,
                        a.flags
                            .iter()
                            .map(|f| f.label_id())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
                .collect(),
            rows: Vec::new(),
            small,
        });
    }
    staff
        .allow_here(
            &state,
            Action::Read(Compartment::Reports),
            "child.indicators",
        )
        .await?;
    let scope = p.scope.as_stored().to_owned();
    let figures = db::figures(&state.db, Some(scope.as_str()).filter(|s| !s.is_empty())).await?;
    let mut total = Indicators::default();
    let mut rows: Vec<VillageView> = figures
        .iter()
        .map(|v| {
            let i = &v.indicators;
            total.children += i.children;
            total.in_school += i.in_school;
            total.at_risk += i.at_risk;
            total.sessions += i.sessions;
            total.attendances += i.attendances;
            total.expected += i.expected;
            public(village_name(&state, &v.region_code), i)
        })
        .collect();
    rows.push(public(page.t("cases.total").to_owned(), &total));
    render(IndicatorsPage {
        page,
        village: None,
        without_consent: 0,
        at_risk: Vec::new(),
        rows,
        small,
    })
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
struct ApiListQuery {
    /// A village code; the caller's own scope when left out.
    village_code: String,
    /// Page number from 1 (100 a page).
    page: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct ChildOut {
    id: String,
    village_code: String,
    name: String,
    birth_year: i32,
    /// Whether a parent's or guardian's consent is recorded; without it every field below is
    /// empty.
    consent: bool,
    school_level: Option<String>,
    school_name: String,
    /// `sekolah`, `tidak_sekolah`, `lulus`; empty without consent.
    school_status: String,
    caregiver_name: String,
    needs: String,
    linked_parent: bool,
    linked_caregiver: bool,
}

impl ChildOut {
    fn of(c: &ChildRow, needs: String) -> ChildOut {
        ChildOut {
            id: c.id.to_string(),
            village_code: c.region_code.clone(),
            name: c.name.clone(),
            birth_year: c.birth_year,
            consent: c.consent_id.is_some(),
            school_level: c.school_level.clone(),
            school_name: c.school_name.clone(),
            school_status: c.status.clone(),
            caregiver_name: c.caregiver_name.clone(),
            needs,
            linked_parent: c.parent_person_id.is_some(),
            linked_caregiver: c.caregiver_person_id.is_some(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct ChildList {
    children: Vec<ChildOut>,
    page: i64,
    more: bool,
}

/// Children of a village in the caller's scope, by name; the read is audited.
#[utoipa::path(get, path = "/api/v1/children", tag = "children", security(("bearer" = [])), params(ApiListQuery),
    responses((status = 200, body = ChildList), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<axum::Json<ChildList>, AppError> {
    let region = region_for(&state, &staff, &q.village_code, READ, "child.list").await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, more) = db::list(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page - 1) * 100,
        100,
    )
    .await?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("child.list", "child", "", &region).detail(format!("{} rows", rows.len())),
    )
    .await?;
    let mut children = Vec::with_capacity(rows.len());
    for c in &rows {
        children.push(ChildOut::of(c, c.needs(&state.keys)?));
    }
    Ok(axum::Json(ChildList {
        children,
        page,
        more,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct ChildIn {
    village_code: String,
    /// The form's fields: `nama`, `tahun_lahir`; and only with consent (`persetujuan`,
    /// `nama_pemberi`, `hubungan`, `tanggal_persetujuan`, `cara`) the rest: `jenjang`,
    /// `nama_sekolah`, `status_sekolah`, `kebutuhan`, `pengasuh`, `nik_orang_tua`, `nik_pengasuh`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    child: RawChild,
}

/// Records a child (consent first: without it only name and birth year are accepted).
#[utoipa::path(post, path = "/api/v1/children", tag = "children", security(("bearer" = [])), request_body = ChildIn,
    responses((status = 201, body = ChildOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(body): axum::Json<ChildIn>,
) -> Result<Response, AppError> {
    let village = allowed_in(
        &state,
        &staff,
        &body.village_code,
        "village_code",
        WRITE,
        "child.create",
    )
    .await?;
    let (input, links) = check_child(&state, &village, &body.child)
        .await?
        .map_err(invalid)?;
    let id = save_new(&state, &staff, &village, &input, links).await?;
    let c = db::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(ChildOut::of(&c, input.needs.clone())),
    )
        .into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct SessionOut {
    id: String,
    village_code: String,
    /// `belajar` (children) or `parenting` (caregivers).
    kind: String,
    held_on: chrono::NaiveDate,
    activity: String,
    facilitator: String,
    attendance_taken: bool,
}

impl SessionOut {
    fn of(s: &SessionRow) -> SessionOut {
        SessionOut {
            id: s.id.to_string(),
            village_code: s.region_code.clone(),
            kind: s.kind.clone(),
            held_on: s.held_on,
            activity: s.activity.clone(),
            facilitator: s.facilitator.clone(),
            attendance_taken: s.taken_at.is_some(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct SessionList {
    sessions: Vec<SessionOut>,
    page: i64,
    more: bool,
}

/// Learning sessions and parenting classes of a village in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/learning-sessions", tag = "children", security(("bearer" = [])), params(ApiListQuery),
    responses((status = 200, body = SessionList), (status = 403)))]
async fn api_sessions(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<axum::Json<SessionList>, AppError> {
    let region = region_for(
        &state,
        &staff,
        &q.village_code,
        READ,
        "learning_session.list",
    )
    .await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, more) = db::sessions(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page - 1) * 100,
        100,
    )
    .await?;
    Ok(axum::Json(SessionList {
        sessions: rows.iter().map(SessionOut::of).collect(),
        page,
        more,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct SessionIn {
    village_code: String,
    /// `jenis` (`belajar` or `parenting`), `tanggal` (YYYY-MM-DD), `kegiatan`, `fasilitator`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    session: RawSession,
}

/// Plans or records a learning session or a parenting class.
#[utoipa::path(post, path = "/api/v1/learning-sessions", tag = "children", security(("bearer" = [])), request_body = SessionIn,
    responses((status = 201, body = SessionOut), (status = 403), (status = 422)))]
async fn api_create_session(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(body): axum::Json<SessionIn>,
) -> Result<Response, AppError> {
    let village = allowed_in(
        &state,
        &staff,
        &body.village_code,
        "village_code",
        WRITE,
        "learning_session.create",
    )
    .await?;
    let input = body
        .session
        .check(super::persons::today())
        .map_err(invalid)?;
    let id = save_session(&state, &staff, &village, &input).await?;
    let s = db::session(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(SessionOut::of(&s)),
    )
        .into_response())
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_sessions, api_create_session))
}
