//! Advocacy cases at `/app/kasus`: intake (from the desk, a family, a public report or a
//! returning worker), handling with a timeline, referral with recorded consent, the outcome, and
//! counts for everyone above the village.
//!
//! Who reads a case's contents is decided in [`case_for`] and nowhere else: the case workers of
//! its village, and an office inside the system the case is referred to, for as long as the
//! referral stands. Every read is audited; every refusal too.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, Target, guarded};
use crate::error::AppError;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use desmigratif_core::access::{Action, Compartment, Place, Role};
use desmigratif_core::cases::{
    self as rules, CaseCategory, CaseStatus, Consent, IntakeSource, OutcomeKind, RawCase,
    RawOutcome, RawReferral, ReferralStatus, ReferralTarget, Urgency,
};
use desmigratif_core::id::Id;
use desmigratif_core::region::Scope;
use desmigratif_db::audit::{self, Event};
use desmigratif_db::cases::{self, CaseRow, NewCase, ReferralRow};
use desmigratif_db::reports;

const READ: Action = Action::Read(Compartment::Cases);
const WRITE: Action = Action::Write(Compartment::Cases);

/// How a caller stands to one case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// A case worker of the case's village: reads and handles it.
    Worker,
    /// An office the case is referred to: reads it and answers the referral.
    Receiver,
}

/// The region code of the office inside this system that a referral target names for a case
/// of `region`: the kecamatan or the kabupaten above it; '' for offices outside the system.
fn receiver_region(target: ReferralTarget, region: &str) -> String {
    let cut = match target {
        ReferralTarget::Kecamatan => 8,
        ReferralTarget::DisnakerKabupaten => 5,
        _ => return String::new(),
    };
    region.get(..cut).unwrap_or_default().to_owned()
}

/// The office a supervisory user speaks for: their scope, when they are the kecamatan or
/// kabupaten level a referral can name.
fn office_of(staff: &Staff) -> Option<String> {
    let p = staff.principal();
    matches!(p.role, Role::Kecamatan | Role::Kabupaten)
        .then(|| p.scope.as_stored().to_owned())
        .filter(|s| !s.is_empty())
}

guarded!(CaseRow, "case", cases::get, region_code);

/// The one place that decides who reads a case: loads it, checks role, compartment and scope
/// (`Staff::record`), then that the caller is a case worker of it or an office it is referred
/// to. A refusal answers 404 and is audited; a granted read is audited.
async fn case_for(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<(CaseRow, Standing), AppError> {
    let c = staff.load::<CaseRow>(state, id, READ).await?;
    let standing = if staff.principal().role == Role::CaseWorker {
        Some(Standing::Worker)
    } else {
        match office_of(staff) {
            Some(office) if cases::referred_to(&state.db, c.id, &office).await? => {
                Some(Standing::Receiver)
            }
            _ => None,
        }
    };
    let Some(standing) = standing else {
        return Err(staff
            .refuse(
                state,
                "case",
                &c.id.to_string(),
                &c.region_code,
                "not the case's worker nor a receiving office",
                AppError::NotFound,
            )
            .await);
    };
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("case.read", "case", c.id, &c.region_code),
    )
    .await?;
    Ok((c, standing))
}

/// A case the caller may handle (write): a case worker of its village with the cases
/// compartment; read rules first, then the write permission, each refusal audited.
async fn case_to_handle(state: &AppState, staff: &Staff, id: &str) -> Result<CaseRow, AppError> {
    let (c, standing) = case_for(state, staff, id).await?;
    staff
        .allow(
            state,
            WRITE,
            &case_place(&c)?,
            Target::Object { entity: "case", id },
        )
        .await?;
    debug_assert!(standing == Standing::Worker);
    Ok(c)
}

/// The village a case belongs to, the place every decision about it is taken for.
fn case_place(c: &CaseRow) -> Result<Place, AppError> {
    Place::village(&c.region_code)
        .map_err(|_| AppError::Internal(format!("kasus {}: kode desa rusak", c.id)))
}

// --- list --------------------------------------------------------------------------------------

struct Line {
    id: String,
    opened: String,
    worker: String,
    category: &'static str,
    status: &'static str,
    due: String,
    overdue: bool,
}

fn line(c: &CaseRow, today: NaiveDate) -> Line {
    let urgency: Urgency = c.urgency.parse().unwrap_or(Urgency::Normal);
    Line {
        id: c.id.to_string(),
        opened: c.opened_on.format("%d-%m-%Y").to_string(),
        worker: c.worker_name.clone(),
        category: c
            .category
            .parse::<CaseCategory>()
            .map(|k| k.label_id())
            .unwrap_or(""),
        status: c.status().label_id(),
        due: rules::due_on(urgency, c.last_action_on)
            .format("%d-%m-%Y")
            .to_string(),
        overdue: rules::is_overdue(c.status(), urgency, c.last_action_on, today),
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    page: Page,
    lines: Vec<Line>,
    can_open: bool,
    referred: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let p = staff.principal();
    if !p.may_here(READ) && p.may_here(Action::Read(Compartment::Reports)) {
        // Without the cases compartment an office sees the counts, never a list of cases.
        return Ok(Redirect::to("/app/kasus/angka").into_response());
    }
    staff.allow_here(&state, READ, "case.list").await?;
    let today = super::persons::today();
    let (rows, referred) = if p.role == Role::CaseWorker {
        (
            cases::list(&state.db, Some(p.scope.as_stored()), "", 0, 200)
                .await?
                .0,
            false,
        )
    } else if let Some(office) = office_of(&staff) {
        (cases::referred_cases(&state.db, &office).await?, true)
    } else {
        return Ok(Redirect::to("/app/kasus/angka").into_response());
    };
    render(ListPage {
        page: Page::new(&staff.ctx, "cases.title"),
        lines: rows.iter().map(|c| line(c, today)).collect(),
        can_open: p.may_here(WRITE),
        referred,
    })
}

// --- intake ------------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct IntakeQuery {
    laporan: String,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct IntakeForm {
    desa: String,
    laporan: String,
    /// The worker's NIK, when they are in the registry: the case is then tied to them and to
    /// their latest migration episode.
    nik: String,
    #[serde(flatten)]
    case: RawCase,
}

#[derive(Template)]
#[template(path = "case_form.html")]
struct IntakePage {
    page: Page,
    villages: Vec<(String, String)>,
    form: IntakeForm,
    errors: FieldErrors,
    sources: &'static [IntakeSource],
    categories: &'static [CaseCategory],
    urgencies: &'static [Urgency],
    countries: &'static [desmigratif_core::catalog::Country],
}

async fn intake_page(
    state: &AppState,
    staff: &Staff,
    form: IntakeForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let villages = super::persons::villages_where(state, staff, WRITE).await?;
    let bad = !errors.is_empty();
    render_form(
        IntakePage {
            page: Page::new(&staff.ctx, "cases.new"),
            villages,
            form,
            errors,
            sources: IntakeSource::ALL,
            categories: CaseCategory::ALL,
            urgencies: Urgency::ALL,
            countries: desmigratif_core::catalog::COUNTRIES,
        },
        bad,
    )
}

/// A report from `/lapor` the caller may take up, opened (and its read audited).
async fn report_for(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<(reports::ReportRow, reports::Details), AppError> {
    let r = staff
        .load::<reports::ReportRow>(state, id, Action::HandleReports)
        .await?;
    let (details, _) = reports::open(&state.keys, &r)?;
    Ok((r, details))
}

pub(crate) async fn new_case(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<IntakeQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "case.create").await?;
    let mut form = IntakeForm {
        case: RawCase {
            sumber: IntakeSource::Desk.as_str().into(),
            urgensi: Urgency::Normal.as_str().into(),
            ..RawCase::default()
        },
        ..IntakeForm::default()
    };
    if !q.laporan.is_empty() {
        let (r, d) = report_for(&state, &staff, &q.laporan).await?;
        form.laporan = r.id.to_string();
        form.desa = r.region_code.clone();
        form.case.sumber = IntakeSource::PublicReport.as_str().into();
        form.case.negara = r.country.clone();
        form.case.kategori = match r.category.as_str() {
            "masalah_luar_negeri" => "",
            _ => CaseCategory::Fraud.as_str(),
        }
        .into();
        form.case.agensi = d.who.clone();
        form.case.kronologi = [d.what.as_str(), d.when_where.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    intake_page(&state, &staff, form, FieldErrors::default()).await
}

/// The registry person a NIK names in the case's village, with their latest migration episode;
/// `None` when no NIK is given. A NIK of someone registered elsewhere is refused like an unknown
/// one: the answer must not tell which NIKs another village holds.
async fn registry_person(
    state: &AppState,
    village: &str,
    nik: &str,
) -> Result<
    Result<Option<(desmigratif_db::registry::PersonRow, Option<Id>)>, desmigratif_core::Invalid>,
    AppError,
> {
    if nik.trim().is_empty() {
        return Ok(Ok(None));
    }
    let nik = match desmigratif_core::nik::Nik::parse(nik) {
        Ok(n) => n,
        Err(e) => return Ok(Err(desmigratif_core::Invalid::new("nik", e.message))),
    };
    let index = state
        .keys
        .blind_index(desmigratif_db::registry::NIK_CONTEXT, nik.as_str());
    let Some(person) = desmigratif_db::registry::person_by_nik_index(&state.db, &index)
        .await?
        .filter(|p| p.village_code == village)
    else {
        return Ok(Err(desmigratif_core::Invalid::new(
            "nik",
            "NIK ini tidak terdaftar di desa kasus; kosongkan dan tulis nama pekerja",
        )));
    };
    // Newest first: the latest migration is the one the case is about.
    let episode = desmigratif_db::registry::episodes_of(&state.db, person.id)
        .await?
        .first()
        .map(|e| e.id);
    Ok(Ok(Some((person, episode))))
}

/// Opens a case, taking up the report it comes from: the reporter then sees on the tracking
/// page that it is being handled.
async fn open_case(
    state: &AppState,
    staff: &Staff,
    region: &str,
    report: Option<reports::ReportRow>,
    person: Option<&(desmigratif_db::registry::PersonRow, Option<Id>)>,
    input: &desmigratif_core::cases::CaseInput,
) -> Result<Id, AppError> {
    use desmigratif_core::reports::ReportStatus;
    let mut tx = state.db.begin().await?;
    let id = cases::create(
        &mut tx,
        &staff.actor(),
        &state.keys,
        &NewCase {
            region_code: region,
            person_id: person.map(|(p, _)| p.id),
            episode_id: person.and_then(|(_, e)| *e),
            report_id: report.as_ref().map(|r| r.id),
            input,
            today: super::persons::today(),
        },
    )
    .await?;
    if let Some(r) = report.filter(|r| r.status().can_move_to(ReportStatus::InReview)) {
        reports::set_status(
            &mut tx,
            &staff.actor(),
            &r,
            ReportStatus::InReview,
            "dibuka sebagai kasus",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<IntakeForm>,
) -> Result<Response, AppError> {
    let place = f
        .desa
        .trim()
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::BadRequest("pilih desa kasus".into()))?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "case.create",
            },
        )
        .await?;
    let mut errors = FieldErrors::default();
    let person = match registry_person(&state, f.desa.trim(), &f.nik).await? {
        Ok(p) => p,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let mut raw = f.case.clone();
    if let Some((p, _)) = &person
        && raw.nama_pekerja.trim().is_empty()
    {
        raw.nama_pekerja = p.name.clone();
    }
    let input = match raw.check(person.is_some()) {
        Ok(i) if errors.is_empty() => i,
        Ok(_) => return intake_page(&state, &staff, f, errors).await,
        Err(list) => {
            list.into_iter().for_each(|e| errors.push(e));
            return intake_page(&state, &staff, f, errors).await;
        }
    };
    let report = if f.laporan.is_empty() {
        None
    } else {
        Some(report_for(&state, &staff, &f.laporan).await?.0)
    };
    let id = open_case(
        &state,
        &staff,
        f.desa.trim(),
        report,
        person.as_ref(),
        &input,
    )
    .await?;
    Ok(Redirect::to(&format!("/app/kasus/{id}")).into_response())
}

// --- one case ----------------------------------------------------------------------------------

struct EventView {
    at: String,
    actor: String,
    kind: String,
    summary: String,
    note: String,
}

struct ReferralView {
    r: ReferralRow,
    target: &'static str,
    status: &'static str,
    consent: &'static str,
    next: Vec<ReferralStatus>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    page: Page,
    c: CaseRow,
    line: Line,
    chronology: String,
    reporter: String,
    source: &'static str,
    urgency: &'static str,
    outcome: String,
    events: Vec<EventView>,
    referrals: Vec<ReferralView>,
    next: Vec<CaseStatus>,
    handles: bool,
    receiver: bool,
    may_override: bool,
    /// The case is in a state a referral can be made from.
    can_refer: bool,
    /// The checklist: (code, label, filed).
    documents: Vec<(&'static str, &'static str, bool)>,
    /// Case workers of the case's village: (user id, name), for the assignment.
    workers: Vec<(String, String)>,
    assigned: String,
    targets: &'static [ReferralTarget],
    outcomes: &'static [OutcomeKind],
    errors: FieldErrors,
}

async fn case_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (c, standing) = case_for(state, staff, id).await?;
    let (chronology, reporter) = cases::open(&state.keys, &c)?;
    let events = cases::events(&state.db, c.id)
        .await?
        .into_iter()
        .map(|e| EventView {
            at: crate::page::when(&e.at),
            note: state
                .keys
                .decrypt_str(cases::NOTE_CONTEXT, &e.note_enc)
                .unwrap_or_default(),
            actor: e.actor,
            kind: e.kind,
            summary: e.summary,
        })
        .collect();
    let office = office_of(staff).unwrap_or_default();
    let referrals = cases::referrals(&state.db, c.id)
        .await?
        .into_iter()
        .map(|r| {
            let s = r.status();
            // The receiving office answers its own referral; the case worker may revoke any.
            let next = ReferralStatus::ALL
                .iter()
                .copied()
                .filter(|to| s.can_move_to(*to))
                .filter(|to| match standing {
                    Standing::Worker => *to == ReferralStatus::Revoked,
                    Standing::Receiver => {
                        r.receiver_region == office && *to != ReferralStatus::Revoked
                    }
                })
                .collect();
            ReferralView {
                target: r
                    .target
                    .parse::<ReferralTarget>()
                    .map(|t| t.label_id())
                    .unwrap_or(""),
                status: s.label_id(),
                consent: r
                    .consent
                    .parse::<Consent>()
                    .map(|k| k.label_id())
                    .unwrap_or(""),
                next,
                r,
            }
        })
        .collect();
    let place = case_place(&c)?;
    let handles = standing == Standing::Worker && staff.principal().may(WRITE, &place);
    let may_override = handles && staff.principal().may(Action::OverrideConsent, &place);
    let workers = case_workers(state, &c.region_code).await?;
    let assigned = c
        .assigned_to
        .and_then(|a| workers.iter().find(|(id, _)| *id == a.to_string()))
        .map(|(_, name)| name.clone())
        .unwrap_or_default();
    let today = super::persons::today();
    let bad = !errors.is_empty();
    render_form(
        CasePage {
            documents: {
                let filed = cases::documents(&state.db, c.id).await?;
                rules::CASE_DOCUMENTS
                    .iter()
                    .map(|(code, label, _)| {
                        (
                            *code,
                            *label,
                            filed.iter().any(|(k, f)| k == code && f.is_some()),
                        )
                    })
                    .collect()
            },
            can_refer: handles
                && (c.status() == CaseStatus::Referred
                    || c.status().can_move_to(CaseStatus::Referred)),
            workers,
            assigned,
            page: Page::new(&staff.ctx, "cases.one"),
            line: line(&c, today),
            chronology,
            reporter: [
                reporter["name"].as_str().unwrap_or_default(),
                reporter["contact"].as_str().unwrap_or_default(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
            source: c
                .source
                .parse::<IntakeSource>()
                .map(|s| s.label_id())
                .unwrap_or(""),
            urgency: c
                .urgency
                .parse::<Urgency>()
                .map(|s| s.label_id())
                .unwrap_or(""),
            outcome: match (&c.outcome, c.outcome_amount) {
                (Some(o), amount) => {
                    let label = o.parse::<OutcomeKind>().map(|k| k.label_id()).unwrap_or("");
                    match amount.filter(|a| *a > 0) {
                        Some(a) => format!("{label}: {}", desmigratif_core::fees::RUPIAH.format(a)),
                        None => label.to_owned(),
                    }
                }
                (None, _) => String::new(),
            },
            next: if handles {
                c.status().next()
            } else {
                Vec::new()
            },
            events,
            referrals,
            handles,
            receiver: standing == Standing::Receiver,
            may_override,
            targets: ReferralTarget::ALL,
            outcomes: OutcomeKind::ALL,
            errors,
            c,
        },
        bad,
    )
}

/// The active case workers of a village, (id, name), to assign cases to.
async fn case_workers(state: &AppState, region: &str) -> Result<Vec<(String, String)>, AppError> {
    let Ok(code) = region.parse() else {
        return Ok(Vec::new());
    };
    let (users, _) =
        desmigratif_db::users::list_within(&state.db, &Scope::Region(code), 0, 200).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.role == Role::CaseWorker.as_str() && u.scope == region && !u.disabled)
        .map(|u| (u.id.to_string(), u.display_name))
        .collect())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AssignForm {
    petugas: String,
}

pub(crate) async fn assign(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let workers = case_workers(&state, &c.region_code).await?;
    let chosen = workers
        .into_iter()
        .find(|(uid, _)| *uid == f.petugas.trim());
    let Some((uid, name)) = chosen else {
        let mut errors = FieldErrors::default();
        errors.add("petugas", "pilih petugas advokasi desa ini");
        return case_page(&state, &staff, &id, errors).await;
    };
    let to: Id = uid
        .parse()
        .map_err(|_| AppError::Internal("id pengguna rusak".into()))?;
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::assign(tx, &actor, &keys, &c, Some(to), &name).await
    })
    .await
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    case_page(&state, &staff, &id, FieldErrors::default()).await
}

/// Runs one write of a case in its own transaction; a rule the write breaks comes back on the
/// case page (after the transaction has ended, so the page's audited read does not wait on it).
async fn write_then_show<F>(
    state: &AppState,
    staff: &Staff,
    id: &str,
    write: F,
) -> Result<Response, AppError>
where
    F: AsyncFnOnce(&mut desmigratif_db::Tx) -> Result<(), desmigratif_db::DbError>,
{
    let refused = {
        let mut tx = state.db.begin().await?;
        match write(&mut tx).await {
            Ok(()) => tx.commit().await.map(|_| None),
            Err(desmigratif_db::DbError::Conflict(m)) => Ok(Some(m)),
            Err(e) => Err(e),
        }
    }?;
    match refused {
        None => Ok(Redirect::to(&format!("/app/kasus/{id}")).into_response()),
        Some(m) => {
            let mut errors = FieldErrors::default();
            errors.add("kasus", m);
            case_page(state, staff, id, errors).await
        }
    }
}

fn field_errors(list: Vec<desmigratif_core::Invalid>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    list.into_iter().for_each(|e| errors.push(e));
    errors
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
    let c = case_to_handle(&state, &staff, &id).await?;
    let to = match f.status.parse::<CaseStatus>() {
        Ok(to) => to,
        Err(e) => return case_page(&state, &staff, &id, field_errors(vec![e])).await,
    };
    let (actor, keys, today) = (staff.actor(), state.keys.clone(), super::persons::today());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::move_status(tx, &actor, &keys, c.id, to, &f.catatan, today).await
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct NoteForm {
    catatan: String,
}

pub(crate) async fn add_note(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let note = f.catatan.trim().replace("\r\n", "\n");
    if note.is_empty()
        || note.chars().count() > rules::NOTE_MAX
        || desmigratif_core::reports::markup_or_control(&note)
    {
        let mut errors = FieldErrors::default();
        errors.add(
            "catatan",
            "catatan 1–2.000 huruf, tanpa kode atau tanda < >",
        );
        return case_page(&state, &staff, &id, errors).await;
    }
    let (actor, keys, today) = (staff.actor(), state.keys.clone(), super::persons::today());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::add_note(tx, &actor, &keys, &c, &note, today).await
    })
    .await
}

pub(crate) async fn refer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<RawReferral>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let place = case_place(&c)?;
    let may_override = staff.principal().may(Action::OverrideConsent, &place);
    if f.persetujuan == Consent::Override.as_str() && !may_override {
        // Asking for an override without the grant is refused and audited like any denial.
        staff
            .allow(
                &state,
                Action::OverrideConsent,
                &place,
                Target::Action {
                    name: "case.referral.override",
                },
            )
            .await?;
    }
    let today = super::persons::today();
    let r = match f.check(today, may_override) {
        Ok(r) => r,
        Err(list) => return case_page(&state, &staff, &id, field_errors(list)).await,
    };
    let receiver = receiver_region(r.target, &c.region_code);
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::refer(tx, &actor, &keys, &c, &r, &receiver, today)
            .await
            .map(|_| ())
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReferralMove {
    status: String,
    alasan: String,
}

/// The receiving office answers a referral (accepted, rejected with a reason, done); the case
/// worker may revoke it. A rejected or revoked referral sends the case back to handling.
pub(crate) async fn move_referral(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, rid)): Path<(String, String)>,
    Form(f): Form<ReferralMove>,
) -> Result<Response, AppError> {
    let (c, standing) = case_for(&state, &staff, &id).await?;
    let rid: Id = rid.parse().map_err(|_| AppError::NotFound)?;
    let r = cases::referral(&state.db, rid)
        .await?
        .filter(|r| r.case_id == c.id)
        .ok_or(AppError::NotFound)?;
    let to = match f.status.parse::<ReferralStatus>() {
        Ok(to) => to,
        Err(e) => return case_page(&state, &staff, &id, field_errors(vec![e])).await,
    };
    let place = case_place(&c)?;
    let own_referral = office_of(&staff).as_deref() == Some(r.receiver_region.as_str());
    let permission = match standing {
        Standing::Worker if to == ReferralStatus::Revoked => Some(WRITE),
        Standing::Receiver if to != ReferralStatus::Revoked && own_referral => {
            Some(Action::HandleReports)
        }
        _ => None,
    };
    let Some(permission) = permission else {
        return Err(staff
            .refuse(
                &state,
                "case_referral",
                &r.id.to_string(),
                &c.region_code,
                &format!("referral move to {}", to.as_str()),
                AppError::Forbidden,
            )
            .await);
    };
    staff
        .allow(
            &state,
            permission,
            &place,
            Target::Object {
                entity: "case",
                id: &id,
            },
        )
        .await?;
    let (actor, keys, today) = (staff.actor(), state.keys.clone(), super::persons::today());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::move_referral(tx, &actor, &keys, &c, &r, to, &f.alasan).await?;
        if matches!(to, ReferralStatus::Rejected | ReferralStatus::Revoked)
            && c.status() == CaseStatus::Referred
        {
            cases::move_status(
                tx,
                &actor,
                &keys,
                c.id,
                CaseStatus::InProgress,
                &f.alasan,
                today,
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// Files a scan of a checklist document (PDF, JPEG or PNG, ≤ 10 MB, type read from the
/// content), encrypted at rest under the case's own context.
pub(crate) async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    if !rules::CASE_DOCUMENTS.iter().any(|(k, _, _)| *k == code) {
        return Err(AppError::NotFound);
    }
    let cut =
        || AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 10 MB)".into());
    let mut data = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| cut())? {
        if field.name() == Some("berkas") {
            data = field.bytes().await.map_err(|_| cut())?.to_vec();
        }
    }
    let mut errors = FieldErrors::default();
    let content_type = desmigratif_core::registry::sniff_scan(&data);
    if data.is_empty() {
        errors.add("berkas", "pilih berkas yang akan diunggah");
    } else if data.len() > crate::UPLOAD_LIMIT {
        errors.add(
            "berkas",
            "berkas lebih dari 10 MB; perkecil atau pindai ulang",
        );
    } else if content_type.is_none() {
        errors.add(
            "berkas",
            "isi berkas bukan PDF, JPEG atau PNG (jenis dilihat dari isinya, bukan dari namanya)",
        );
    }
    let Some(content_type) = content_type.filter(|_| errors.is_empty()) else {
        return case_page(&state, &staff, &id, errors).await;
    };
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data));
    let sealed = state.keys.encrypt(cases::FILE_CONTEXT, &data);
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        let file = desmigratif_db::registry::store_file(
            tx,
            &actor,
            &c.region_code,
            content_type,
            data.len() as i64,
            &sha,
            &sealed,
        )
        .await?;
        cases::attach(tx, &actor, &keys, &c, &code, file).await
    })
    .await
}

/// Sends a case document to someone who may read the case; every download is audited.
pub(crate) async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (c, _) = case_for(&state, &staff, &id).await?;
    let f = cases::file(&state.db, c.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let data = state
        .keys
        .decrypt(cases::FILE_CONTEXT, &f.data_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("case.document.download", "case", c.id, &c.region_code).detail(code.clone()),
    )
    .await?;
    let ext = match f.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, f.content_type.clone()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"kasus-{code}.{ext}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

/// The case summary as a PDF, for the file or to travel with a referral: an export of case
/// contents, audited like a read.
pub(crate) async fn summary_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (c, _) = case_for(&state, &staff, &id).await?;
    let (chronology, reporter) = cases::open(&state.keys, &c)?;
    let label = |raw: &str, of: fn(&str) -> Option<&'static str>| of(raw).unwrap_or("").to_owned();
    let facts = vec![
        ["Pekerja migran".to_owned(), c.worker_name.clone()],
        [
            "Kategori".into(),
            label(&c.category, |s| {
                s.parse::<CaseCategory>().ok().map(|k| k.label_id())
            }),
        ],
        ["Status".into(), c.status().label_id().into()],
        [
            "Urgensi".into(),
            label(&c.urgency, |s| {
                s.parse::<Urgency>().ok().map(|k| k.label_id())
            }),
        ],
        ["Dibuka".into(), c.opened_on.format("%d-%m-%Y").to_string()],
        [
            "Wilayah".into(),
            format!(
                "{} ({})",
                super::dashboard::place_of(&c.region_code, &state.regions),
                c.region_code
            ),
        ],
        ["Negara".into(), c.country.clone()],
        ["Perusahaan penempatan".into(), c.agency.clone()],
        ["Pemberi kerja".into(), c.employer.clone()],
        [
            "Pelapor".into(),
            [
                reporter["name"].as_str().unwrap_or_default(),
                reporter["contact"].as_str().unwrap_or_default(),
            ]
            .join(" ")
            .trim()
            .to_owned(),
        ],
        ["Hasil".into(), c.outcome.clone().unwrap_or_default()],
    ];
    let referrals: Vec<[String; 4]> = cases::referrals(&state.db, c.id)
        .await?
        .into_iter()
        .map(|r| [r.target, r.unit, r.status, r.consent])
        .collect();
    let timeline: Vec<[String; 3]> = cases::events(&state.db, c.id)
        .await?
        .into_iter()
        .map(|e| {
            let note = state
                .keys
                .decrypt_str(cases::NOTE_CONTEXT, &e.note_enc)
                .unwrap_or_default();
            [
                crate::page::when(&e.at),
                e.actor,
                format!("{} {} {}", e.kind, e.summary, note)
                    .trim()
                    .to_owned(),
            ]
        })
        .collect();
    let data = serde_json::json!({
        "title": "Ringkasan Kasus Advokasi",
        "facts": facts,
        "chronology": chronology,
        "referrals": referrals,
        "timeline": timeline,
        "printed": crate::page::when(&desmigratif_core::now()),
        "printed_by": staff.principal().display_name,
    });
    let pdf = state
        .heavy(move || desmigratif_pdf::render(desmigratif_pdf::CASE_SUMMARY, &data, "-"))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("case.export", "case", c.id, &c.region_code).detail("pdf"),
    )
    .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"ringkasan-kasus-{}.pdf\"",
                    c.opened_on
                ),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

pub(crate) async fn outcome(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<RawOutcome>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let today = super::persons::today();
    let o = match f.check(today) {
        Ok(o) => o,
        Err(list) => return case_page(&state, &staff, &id, field_errors(list)).await,
    };
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::record_outcome(tx, &actor, &keys, &c, &o, today).await
    })
    .await
}

// --- counts ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "case_counts.html")]
struct CountsPage {
    page: Page,
    statuses: Vec<&'static str>,
    rows: Vec<(String, Vec<Option<i64>>, Option<i64>)>,
    by_month: Vec<(String, Option<i64>)>,
    by_region: Vec<(String, Option<i64>)>,
    by_outcome: Vec<(String, Option<i64>)>,
    small: i64,
}

/// Counts of the caller's scope by category and state, by month, and by outcome, with cells
/// below five hidden: dashboards travel, and a "2" in a village can name someone.
pub(crate) async fn counts(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::Read(Compartment::Reports), "case.counts")
        .await?;
    let scope = staff.principal().scope.as_stored().to_owned();
    let rows = cases::counts(&state.db, Some(scope.as_str()).filter(|s| !s.is_empty())).await?;
    let by_category: Vec<(String, Vec<i64>)> = CaseCategory::ALL
        .iter()
        .map(|k| {
            let cells = CaseStatus::ALL
                .iter()
                .map(|s| {
                    rows.iter()
                        .filter(|r| r.category == k.as_str() && r.status == s.as_str())
                        .map(|r| r.n)
                        .sum()
                })
                .collect();
            (k.label_id().to_owned(), cells)
        })
        .collect();
    let table = rules::suppress_table(&by_category)
        .into_iter()
        .zip(&by_category)
        .map(|((label, cells), (_, raw))| (label, cells, rules::suppress(raw.iter().sum())))
        .collect();
    let mut months: Vec<String> = rows.iter().map(|r| r.month.clone()).collect();
    months.sort();
    months.dedup();
    let by_month = months
        .into_iter()
        .map(|m| {
            let n = rows.iter().filter(|r| r.month == m).map(|r| r.n).sum();
            (m, rules::suppress(n))
        })
        .collect();
    let mut regions: Vec<String> = rows.iter().map(|r| r.region_code.clone()).collect();
    regions.sort();
    regions.dedup();
    let by_region = regions
        .into_iter()
        .map(|code| {
            let n = rows
                .iter()
                .filter(|r| r.region_code == code)
                .map(|r| r.n)
                .sum();
            (
                super::dashboard::place_of(&code, &state.regions),
                rules::suppress(n),
            )
        })
        .collect();
    let by_outcome = OutcomeKind::ALL
        .iter()
        .map(|o| {
            let n = rows
                .iter()
                .filter(|r| r.outcome == o.as_str())
                .map(|r| r.n)
                .sum();
            (o.label_id().to_owned(), rules::suppress(n))
        })
        .collect();
    render(CountsPage {
        page: Page::new(&staff.ctx, "cases.counts"),
        statuses: CaseStatus::ALL.iter().map(|s| s.label_id()).collect(),
        rows: table,
        by_month,
        by_region,
        by_outcome,
        small: rules::SMALL_COUNT,
    })
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
struct CaseOut {
    id: String,
    region_code: String,
    worker_name: String,
    source: String,
    category: String,
    urgency: String,
    country: String,
    agency: String,
    employer: String,
    status: String,
    opened_on: NaiveDate,
    due_on: NaiveDate,
    overdue: bool,
    outcome: Option<String>,
    /// Whole rupiah.
    outcome_amount: Option<i64>,
    /// Only when one case is read (and that read is audited).
    chronology: Option<String>,
    #[schema(value_type = Option<Vec<Object>>)]
    referrals: Option<Vec<serde_json::Value>>,
    #[schema(value_type = Option<Vec<Object>>)]
    timeline: Option<Vec<serde_json::Value>>,
    /// The checklist: each document code and whether a file is in.
    #[schema(value_type = Option<Vec<Object>>)]
    documents: Option<Vec<serde_json::Value>>,
}

impl CaseOut {
    fn of(c: &CaseRow, today: NaiveDate) -> CaseOut {
        let urgency: Urgency = c.urgency.parse().unwrap_or(Urgency::Normal);
        CaseOut {
            id: c.id.to_string(),
            region_code: c.region_code.clone(),
            worker_name: c.worker_name.clone(),
            source: c.source.clone(),
            category: c.category.clone(),
            urgency: c.urgency.clone(),
            country: c.country.clone(),
            agency: c.agency.clone(),
            employer: c.employer.clone(),
            status: c.status.clone(),
            opened_on: c.opened_on,
            due_on: rules::due_on(urgency, c.last_action_on),
            overdue: rules::is_overdue(c.status(), urgency, c.last_action_on, today),
            outcome: c.outcome.clone(),
            outcome_amount: c.outcome_amount,
            chronology: None,
            referrals: None,
            timeline: None,
            documents: None,
        }
    }
}

/// The caller's cases: a case worker's village, or the cases referred to the caller's office.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), responses((status = 200, body = Vec<CaseOut>), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<axum::Json<Vec<CaseOut>>, AppError> {
    staff.allow_here(&state, READ, "case.list").await?;
    let today = super::persons::today();
    let p = staff.principal();
    let rows = if p.role == Role::CaseWorker {
        cases::list(&state.db, Some(p.scope.as_stored()), "", 0, 500)
            .await?
            .0
    } else if let Some(office) = office_of(&staff) {
        cases::referred_cases(&state.db, &office).await?
    } else {
        Vec::new()
    };
    Ok(axum::Json(
        rows.iter().map(|c| CaseOut::of(c, today)).collect(),
    ))
}

/// One case with its chronology, referrals and timeline; the read is audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = CaseOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<CaseOut>, AppError> {
    let (c, _) = case_for(&state, &staff, &id).await?;
    let mut out = CaseOut::of(&c, super::persons::today());
    out.chronology = Some(cases::open(&state.keys, &c)?.0);
    out.referrals = Some(
        cases::referrals(&state.db, c.id)
            .await?
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id.to_string(), "target": r.target, "unit": r.unit, "status": r.status,
                    "consent": r.consent, "consent_by": r.consent_by, "consent_on": r.consent_on,
                    "override_reason": r.override_reason, "reason": r.reason, "created_at": r.created_at,
                })
            })
            .collect(),
    );
    out.timeline = Some(
        cases::events(&state.db, c.id)
            .await?
            .into_iter()
            .map(|e| {
                serde_json::json!({
                    "at": e.at, "actor": e.actor, "kind": e.kind, "summary": e.summary,
                    "note": state.keys.decrypt_str(cases::NOTE_CONTEXT, &e.note_enc).unwrap_or_default(),
                })
            })
            .collect(),
    );
    let filed = cases::documents(&state.db, c.id).await?;
    out.documents = Some(
        rules::CASE_DOCUMENTS
            .iter()
            .map(|(code, label, _)| {
                let in_ = filed.iter().any(|(k, f)| k == code && f.is_some());
                serde_json::json!({ "code": code, "label": label, "filed": in_ })
            })
            .collect(),
    );
    Ok(axum::Json(out))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct CaseIn {
    /// The village code the case belongs to.
    village_code: String,
    /// A public report this case takes up, if any.
    #[serde(default)]
    report_id: Option<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    case: RawCase,
}

/// Opens a case (a case worker of the village).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), request_body = CaseIn,
    responses((status = 201, body = CaseOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(body): axum::Json<CaseIn>,
) -> Result<Response, AppError> {
    let place = body
        .village_code
        .trim()
        .parse()
        .map(Scope::Region)
        .map_err(|_| {
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
                name: "case.create",
            },
        )
        .await?;
    let input = body.case.check(false).map_err(|list| {
        AppError::Invalid(
            list.into_iter()
                .map(|e| (e.field.to_owned(), e.message))
                .collect(),
        )
    })?;
    let report = match body.report_id.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(report_for(&state, &staff, r).await?.0),
        None => None,
    };
    let id = open_case(
        &state,
        &staff,
        body.village_code.trim(),
        report,
        None,
        &input,
    )
    .await?;
    let today = super::persons::today();
    let c = cases::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(CaseOut::of(&c, today)),
    )
        .into_response())
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
}
