//! Pillar 2 at `/app/usaha` and `/app/bantuan`: the family businesses a facilitator follows —
//! owners from the registry, permits, monthly results with their trend, mentoring visits with
//! follow-ups, KUR referrals — and the equipment aid given to them, with condition checks.
//!
//! Every record belongs to a village; [`business_for`] and [`aid_for`] are the only ways in, and
//! both go through `Staff::record`, so role, the business compartment and the village scope are
//! checked (and a refusal audited) in one place.

use super::{FieldErrors, rupiah};
use crate::AppState;
use crate::auth::{Staff, guarded};
use crate::chart::{Series, line_chart};
use crate::error::AppError;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::NaiveDate;
use desmigratif_core::access::{Action, Compartment};
use desmigratif_core::business::{
    AidCondition, AidSource, KUR_BANKS, KurStatus, Month, PermitKind, PermitStanding, RawAid,
    RawAidCheck, RawBusiness, RawKur, RawKurDecision, RawMonthlyReport, RawPermit, RawVisit,
    Sector, follow_up_due, missing_months, permit_standing,
};
use desmigratif_core::id::Id;
use desmigratif_core::letters::indonesian_date;
use desmigratif_core::region::{Level, Scope};
use desmigratif_db::business::{
    self as db, AidRecipient, AidRow, BusinessRow, KurRow, OwnerRow, PermitRow, ReportRow, VisitRow,
};
use desmigratif_db::registry::{self, PersonFilter, PersonListRow};
use desmigratif_db::{DbError, Tx};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Read(Compartment::Business);
const WRITE: Action = Action::Write(Compartment::Business);
const PAGE_SIZE: i64 = 20;
/// The months a business page charts and lists.
const MONTHS_SHOWN: u32 = 12;

fn today() -> NaiveDate {
    super::persons::today()
}

fn date(d: NaiveDate) -> String {
    indonesian_date(d)
}

/// The caller's scope as a region prefix for lists (`None`: the whole nation).
fn scope_prefix(staff: &Staff) -> Option<String> {
    Some(staff.principal().scope.as_stored().to_owned()).filter(|s| !s.is_empty())
}

/// The village a new record of the caller's belongs to: their own, since only village staff
/// keep business records.
fn own_village(staff: &Staff) -> Result<String, AppError> {
    match &staff.principal().scope {
        Scope::Region(r) if r.level() == Level::Desa => Ok(r.as_str().to_owned()),
        _ => Err(AppError::BadRequest(
            "usaha dicatat oleh petugas desa; akun ini tidak berlingkup satu desa".into(),
        )),
    }
}

guarded!(BusinessRow, "business", db::get, region_code);

guarded!(AidRow, "equipment_aid", db::aid, region_code);

/// People of a village whose name starts a word with what was typed, for the owner and
/// recipient pickers (ten at most: the facilitator types more to narrow).
async fn candidates(
    state: &AppState,
    village: &str,
    typed: &str,
) -> Result<Vec<PersonListRow>, AppError> {
    let key = desmigratif_core::text::name_key(typed);
    if key.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let filter = PersonFilter {
        scope: village.to_owned(),
        name_key: key,
        limit: 10,
        ..PersonFilter::default()
    };
    Ok(registry::search_persons(&state.db, &filter).await?.0)
}

/// A person picked in a form: must exist and live in `village` (a business's owners and an aid
/// recipient are the village's own people).
async fn person_of_village(
    state: &AppState,
    raw: &str,
    village: &str,
    field: &str,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let Ok(id) = raw.trim().parse::<Id>() else {
        errors.add(field, "pilih warga dari hasil pencarian");
        return Ok(Err(errors));
    };
    match registry::person(&state.db, id).await? {
        Some(p) if p.village_code == village => Ok(Ok(id)),
        _ => {
            errors.add(field, "warga ini tidak tercatat di desa ini");
            Ok(Err(errors))
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    halaman: Option<i64>,
    cari: String,
}

impl PageQuery {
    fn page_no(&self) -> i64 {
        self.halaman.unwrap_or(1).max(1)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Confirm {
    yakin: String,
}

// --- the list ----------------------------------------------------------------------------------

pub struct Line {
    pub id: String,
    pub name: String,
    pub sector: &'static str,
    pub products: String,
    pub active: bool,
    pub last_month: String,
    pub last_visit: String,
}

pub struct DueLine {
    pub business_id: String,
    pub name: String,
    pub due: String,
    pub next_steps: String,
}

#[derive(Template)]
#[template(path = "businesses.html")]
struct ListPage {
    page: Page,
    lines: Vec<Line>,
    due: Vec<DueLine>,
    page_no: i64,
    more: bool,
    can_write: bool,
}

fn sector_label(s: &str) -> &'static str {
    s.parse::<Sector>().map(Sector::label_id).unwrap_or("—")
}

fn month_label(m: &str) -> String {
    m.parse::<Month>()
        .map(Month::short_label)
        .unwrap_or_else(|_| m.to_owned())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "business.list").await?;
    let region = scope_prefix(&staff);
    let page_no = q.page_no();
    let (rows, more) = db::list(
        &state.db,
        region.as_deref(),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let due = db::follow_ups_due(&state.db, region.as_deref().unwrap_or(""), today()).await?;
    render(ListPage {
        page: Page::new(&staff.ctx, "business.title"),
        lines: rows
            .into_iter()
            .map(|b| Line {
                id: b.id.to_string(),
                sector: sector_label(&b.sector),
                last_month: b.last_month.as_deref().map(month_label).unwrap_or_default(),
                last_visit: b.last_visit.map(date).unwrap_or_default(),
                name: b.name,
                products: b.products,
                active: b.active,
            })
            .collect(),
        due: due
            .into_iter()
            .map(|d| DueLine {
                business_id: d.business_id.to_string(),
                name: d.name,
                due: date(d.follow_up_on),
                next_steps: d.next_steps,
            })
            .collect(),
        page_no,
        more,
        can_write: staff.principal().may_here(WRITE),
    })
}

// --- create and edit ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "business_form.html")]
struct FormPage {
    page: Page,
    /// The business being changed; `None` for a new one.
    id: Option<String>,
    form: RawBusiness,
    errors: FieldErrors,
    sectors: &'static [Sector],
}

fn form_page(
    staff: &Staff,
    id: Option<String>,
    form: RawBusiness,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let bad = !errors.is_empty();
    let title = if id.is_some() {
        "business.edit"
    } else {
        "business.new"
    };
    render_form(
        FormPage {
            page: Page::new(&staff.ctx, title),
            id,
            form,
            errors,
            sectors: Sector::ALL,
        },
        bad,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "business.create").await?;
    let form = RawBusiness {
        aktif: "ya".into(),
        ..RawBusiness::default()
    };
    form_page(&staff, None, form, FieldErrors::default())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<RawBusiness>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "business.create").await?;
    let village = own_village(&staff)?;
    match raw.check(today()) {
        Err(list) => form_page(&staff, None, raw, list.into()),
        Ok(input) => {
            let mut tx = state.db.begin().await?;
            let id = db::create(&mut tx, &staff.actor(), &village, &input).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/usaha/{id}")).into_response())
        }
    }
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let form = RawBusiness {
        nama: b.name.clone(),
        sektor: b.sector.clone(),
        produk: b.products.clone(),
        alamat: b.address.clone(),
        telepon: b.phone.clone(),
        mulai: b.started_on.map(|d| d.to_string()).unwrap_or_default(),
        aktif: if b.active { "ya" } else { "tidak" }.into(),
    };
    form_page(&staff, Some(id), form, FieldErrors::default())
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawBusiness>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => form_page(&staff, Some(id), raw, list.into()),
        Ok(input) => {
            let mut tx = state.db.begin().await?;
            db::update(&mut tx, &staff.actor(), &b, &input).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/usaha/{id}")).into_response())
        }
    }
}

// --- the business page -------------------------------------------------------------------------

/// What the business page's forms hold: empty, or what was typed into the one that failed.
#[derive(Default)]
struct Forms {
    permit: RawPermit,
    report: RawMonthlyReport,
    visit: RawVisit,
    kur: RawKur,
    /// Which form the errors belong to (its anchor), so only that one shows them and opens.
    open: &'static str,
    errors: FieldErrors,
}

impl Forms {
    fn failed(open: &'static str, errors: FieldErrors) -> Forms {
        Forms {
            open,
            errors,
            ..Forms::default()
        }
    }
}

pub struct PermitLine {
    pub id: String,
    pub kind: &'static str,
    pub number: String,
    pub issued: String,
    pub expires: String,
    /// "", "soon" or "expired".
    pub standing: &'static str,
}

impl PermitLine {
    fn of(p: &PermitRow, today: NaiveDate) -> PermitLine {
        PermitLine {
            id: p.id.to_string(),
            kind: p
                .kind
                .parse::<PermitKind>()
                .map(PermitKind::label_id)
                .unwrap_or("—"),
            number: p.number.clone(),
            issued: date(p.issued_on),
            expires: p.expires_on.map(date).unwrap_or_default(),
            standing: match permit_standing(p.expires_on, today) {
                PermitStanding::Valid => "",
                PermitStanding::ExpiresSoon => "soon",
                PermitStanding::Expired => "expired",
            },
        }
    }
}

pub struct ReportLine {
    pub month: String,
    pub revenue: String,
    pub costs: String,
    pub profit: String,
    pub loss: bool,
    pub workers: i32,
    pub note: String,
}

pub struct VisitLine {
    pub on: String,
    pub facilitator: String,
    pub notes: String,
    pub next_steps: String,
    pub follow_up: String,
    pub due: bool,
}

pub struct KurLine {
    pub id: String,
    pub bank: String,
    pub amount: String,
    pub status: &'static str,
    pub referred: String,
    pub decided: String,
    pub approved: String,
    pub next: Vec<KurStatus>,
}

impl KurLine {
    fn of(k: &KurRow) -> KurLine {
        let status = k.status();
        KurLine {
            id: k.id.to_string(),
            bank: k.bank.clone(),
            amount: rupiah(k.amount),
            status: status.label_id(),
            referred: date(k.referred_on),
            decided: k.decided_on.map(date).unwrap_or_default(),
            approved: k.approved_amount.map(rupiah).unwrap_or_default(),
            next: KurStatus::ALL
                .iter()
                .copied()
                .filter(|to| status.can_move_to(*to))
                .collect(),
        }
    }
}

pub struct AidLine {
    pub id: String,
    pub item: String,
    pub value: String,
    pub source: String,
    pub received: String,
    pub recipient: String,
    pub business: String,
    pub condition: String,
    pub check_due: bool,
}

impl AidLine {
    fn of(a: &AidRow, today: NaiveDate) -> AidLine {
        let source = a
            .source
            .parse::<AidSource>()
            .map(AidSource::label_id)
            .unwrap_or("—");
        AidLine {
            id: a.id.to_string(),
            item: a.item.clone(),
            value: rupiah(a.value),
            source: if a.source_detail.is_empty() {
                source.to_owned()
            } else {
                format!("{source}: {}", a.source_detail)
            },
            received: date(a.received_on),
            recipient: a.recipient.clone(),
            business: a.business.clone().unwrap_or_default(),
            condition: a
                .last_condition
                .as_deref()
                .and_then(|c| c.parse::<AidCondition>().ok())
                .map(|c| c.label_id().to_owned())
                .unwrap_or_default(),
            check_due: desmigratif_core::business::aid_check_due(
                a.received_on,
                a.last_check,
                today,
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "business.html")]
struct DetailPage {
    page: Page,
    b: BusinessRow,
    sector: &'static str,
    started: String,
    owners: Vec<OwnerRow>,
    cari: String,
    candidates: Vec<PersonListRow>,
    permits: Vec<PermitLine>,
    chart: String,
    reports: Vec<ReportLine>,
    missing: Vec<String>,
    visits: Vec<VisitLine>,
    kur: Vec<KurLine>,
    aid: Vec<AidLine>,
    forms: Forms,
    /// The failed form's problems (taken out of `forms` for the page's error summary).
    errors: FieldErrors,
    can_write: bool,
    permit_kinds: &'static [PermitKind],
    banks: &'static [&'static str],
    this_month: String,
}

impl DetailPage {
    /// A field's message, shown only inside the form that failed.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.forms.open == form)
            .then(|| self.errors.get(field))
            .flatten()
    }
}

fn report_lines(rows: &[ReportRow]) -> Vec<ReportLine> {
    rows.iter()
        .rev()
        .map(|r| ReportLine {
            month: month_label(&r.month),
            revenue: rupiah(r.revenue),
            costs: rupiah(r.costs),
            profit: rupiah(r.revenue - r.costs),
            loss: r.revenue < r.costs,
            workers: r.workers,
            note: r.note.clone(),
        })
        .collect()
}

/// Revenue, costs and profit over the last [`MONTHS_SHOWN`] months, with gaps where a month was
/// not reported.
fn trend_chart(rows: &[ReportRow], today: NaiveDate, lang: crate::Lang) -> String {
    let months = Month::of(today).last(MONTHS_SHOWN);
    let value = |m: &Month, f: fn(&ReportRow) -> i64| {
        let key = m.to_string();
        rows.iter().find(|r| r.month == key).map(f)
    };
    let series = |label, colour, f: fn(&ReportRow) -> i64| Series {
        label,
        colour,
        values: months.iter().map(|m| value(m, f)).collect(),
    };
    line_chart(
        lang.t("business.chart_title"),
        &months.iter().map(|m| m.short_label()).collect::<Vec<_>>(),
        &[
            series(lang.t("business.revenue"), "#0b62a4", |r| r.revenue),
            series(lang.t("business.costs"), "#b35900", |r| r.costs),
            series(lang.t("business.profit"), "#2e7d32", |r| {
                r.revenue - r.costs
            }),
        ],
        |n| {
            // Axis ends in millions read faster on a phone than full rupiah.
            if n.abs() >= 1_000_000 {
                format!("Rp{} jt", n / 1_000_000)
            } else {
                rupiah(n)
            }
        },
    )
}

async fn detail_page(
    state: &AppState,
    staff: &Staff,
    b: BusinessRow,
    cari: String,
    mut forms: Forms,
) -> Result<Response, AppError> {
    let today = today();
    let errors = std::mem::take(&mut forms.errors);
    let since = Month::of(today).back(MONTHS_SHOWN - 1);
    let reports = db::reports(&state.db, b.id, since).await?;
    let reported: Vec<Month> = reports
        .iter()
        .filter_map(|r| r.month.parse().ok())
        .collect();
    let visits: Vec<VisitRow> = db::visits(&state.db, b.id).await?;
    let last_visit = visits.first().map(|v| v.visited_on);
    let candidates = if cari.trim().is_empty() {
        Vec::new()
    } else {
        candidates(state, &b.region_code, &cari).await?
    };
    let bad = !errors.is_empty();
    let page = DetailPage {
        page: Page::new(&staff.ctx, "business.one"),
        sector: sector_label(&b.sector),
        started: b.started_on.map(date).unwrap_or_default(),
        owners: db::owners(&state.db, b.id).await?,
        cari,
        candidates,
        permits: db::permits(&state.db, b.id)
            .await?
            .iter()
            .map(|p| PermitLine::of(p, today))
            .collect(),
        chart: trend_chart(&reports, today, staff.ctx.lang),
        reports: report_lines(&reports),
        missing: missing_months(&reported, today, 6)
            .into_iter()
            .map(Month::short_label)
            .collect(),
        visits: visits
            .iter()
            .map(|v| VisitLine {
                on: date(v.visited_on),
                facilitator: v.facilitator.clone(),
                notes: v.notes.clone(),
                next_steps: v.next_steps.clone(),
                follow_up: v.follow_up_on.map(date).unwrap_or_default(),
                due: follow_up_due(
                    v.follow_up_on,
                    last_visit.unwrap_or(v.visited_on),
                    v.visited_on,
                    today,
                ),
            })
            .collect(),
        kur: db::kur_referrals(&state.db, b.id)
            .await?
            .iter()
            .map(KurLine::of)
            .collect(),
        aid: db::aid_of_business(&state.db, b.id)
            .await?
            .iter()
            .map(|a| AidLine::of(a, today))
            .collect(),
        forms,
        errors,
        can_write: staff.principal().may_here(WRITE),
        permit_kinds: PermitKind::ALL,
        banks: KUR_BANKS,
        this_month: Month::of(today).to_string(),
        b,
    };
    render_form(page, bad)
}

pub(crate) async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, READ).await?;
    detail_page(&state, &staff, b, q.cari, Forms::default()).await
}

/// Runs one write to a business in its own transaction and goes back to its page at `anchor`;
/// a conflict the write reports (a duplicate, a record changed meanwhile) comes back on the page
/// under that form, after the transaction has ended.
async fn write_then_show<F>(
    state: &AppState,
    staff: &Staff,
    b: BusinessRow,
    anchor: &'static str,
    write: F,
) -> Result<Response, AppError>
where
    F: AsyncFnOnce(&mut Tx, &BusinessRow) -> Result<(), DbError>,
{
    let refused = {
        let mut tx = state.db.begin().await?;
        match write(&mut tx, &b).await {
            Ok(()) => tx.commit().await.map(|_| None),
            Err(DbError::Conflict(m)) => Ok(Some(m)),
            Err(e) => Err(e),
        }
    }?;
    match refused {
        None => Ok(Redirect::to(&format!("/app/usaha/{}#{anchor}", b.id)).into_response()),
        Some(m) => {
            let mut errors = FieldErrors::default();
            errors.add(anchor, m);
            detail_page(
                state,
                staff,
                b,
                String::new(),
                Forms::failed(anchor, errors),
            )
            .await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct OwnerForm {
    orang: String,
}

pub(crate) async fn add_owner(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<OwnerForm>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match person_of_village(&state, &f.orang, &b.region_code, "pemilik").await? {
        Err(errors) => {
            detail_page(
                &state,
                &staff,
                b,
                String::new(),
                Forms::failed("pemilik", errors),
            )
            .await
        }
        Ok(person) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "pemilik", async |tx, b| {
                db::add_owner(tx, &actor, b, person).await
            })
            .await
        }
    }
}

pub(crate) async fn remove_owner(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, person)): Path<(String, String)>,
    Form(c): Form<Confirm>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let person: Id = person.parse().map_err(|_| AppError::NotFound)?;
    if c.yakin != "ya" {
        let mut errors = FieldErrors::default();
        errors.add(
            "pemilik",
            "centang «yakin» untuk melepas pemilik dari usaha ini",
        );
        return detail_page(
            &state,
            &staff,
            b,
            String::new(),
            Forms::failed("pemilik", errors),
        )
        .await;
    }
    let actor = staff.actor();
    write_then_show(&state, &staff, b, "pemilik", async |tx, b| {
        db::remove_owner(tx, &actor, b, person).await
    })
    .await
}

pub(crate) async fn add_permit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawPermit>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                permit: raw,
                ..Forms::failed("izin", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(p) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "izin", async |tx, b| {
                db::add_permit(tx, &actor, b, &p).await.map(|_| ())
            })
            .await
        }
    }
}

pub(crate) async fn remove_permit(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, permit)): Path<(String, String)>,
    Form(c): Form<Confirm>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let permit: Id = permit.parse().map_err(|_| AppError::NotFound)?;
    if c.yakin != "ya" {
        let mut errors = FieldErrors::default();
        errors.add("izin", "centang «yakin» untuk menghapus izin ini");
        return detail_page(
            &state,
            &staff,
            b,
            String::new(),
            Forms::failed("izin", errors),
        )
        .await;
    }
    let actor = staff.actor();
    write_then_show(&state, &staff, b, "izin", async |tx, b| {
        db::remove_permit(tx, &actor, b, permit).await
    })
    .await
}

pub(crate) async fn save_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawMonthlyReport>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                report: raw,
                ..Forms::failed("laporan", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(r) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "laporan", async |tx, b| {
                db::save_report(tx, &actor, b, &r).await
            })
            .await
        }
    }
}

pub(crate) async fn add_visit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawVisit>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                visit: raw,
                ..Forms::failed("kunjungan", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(v) => {
            let actor = staff.actor();
            let facilitator = staff.principal().display_name.clone();
            write_then_show(&state, &staff, b, "kunjungan", async |tx, b| {
                db::add_visit(tx, &actor, b, &facilitator, &v)
                    .await
                    .map(|_| ())
            })
            .await
        }
    }
}

pub(crate) async fn refer_kur(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawKur>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                kur: raw,
                ..Forms::failed("kur", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(k) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "kur", async |tx, b| {
                db::refer_kur(tx, &actor, b, &k).await.map(|_| ())
            })
            .await
        }
    }
}

pub(crate) async fn decide_kur(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, kur)): Path<(String, String)>,
    Form(raw): Form<RawKurDecision>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let kur: Id = kur.parse().map_err(|_| AppError::NotFound)?;
    let actor = staff.actor();
    let today = today();
    // The decision is checked against the referral as it stands inside the transaction, so
    // two people recording different outcomes at once cannot both win.
    let mut invalid = None;
    let response = write_then_show(&state, &staff, b.clone(), "kur", async |tx, b| {
        let k = db::kur_in_tx(tx, kur).await?;
        if k.business_id != b.id {
            return Err(DbError::NotFound);
        }
        match raw.check(k.status(), k.referred_on, k.amount, today) {
            Ok(d) => db::decide_kur(tx, &actor, b, &k, &d).await,
            Err(list) => {
                invalid = Some(list);
                Ok(())
            }
        }
    })
    .await;
    match invalid {
        None => response,
        Some(list) => {
            detail_page(
                &state,
                &staff,
                b,
                String::new(),
                Forms::failed("kur", list.into()),
            )
            .await
        }
    }
}

// --- equipment aid -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "aid_list.html")]
struct AidListPage {
    page: Page,
    lines: Vec<AidLine>,
    page_no: i64,
    more: bool,
    can_write: bool,
}

pub(crate) async fn aid_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "equipment_aid.list").await?;
    let page_no = q.page_no();
    let (rows, more) = db::aid_list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let today = today();
    render(AidListPage {
        page: Page::new(&staff.ctx, "aid.title"),
        lines: rows.iter().map(|a| AidLine::of(a, today)).collect(),
        page_no,
        more,
        can_write: staff.principal().may_here(WRITE),
    })
}

/// The aid form: the equipment, and who received it, picked by searching the village's people.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AidForm {
    #[serde(flatten)]
    aid: RawAid,
    penerima: String,
    usaha: String,
    cari: String,
}

#[derive(Template)]
#[template(path = "aid_form.html")]
struct AidFormPage {
    page: Page,
    form: AidForm,
    candidates: Vec<PersonListRow>,
    businesses: Vec<(String, String)>,
    errors: FieldErrors,
    sources: &'static [AidSource],
}

async fn aid_form_page(
    state: &AppState,
    staff: &Staff,
    village: &str,
    form: AidForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let candidates = candidates(state, village, &form.cari).await?;
    let businesses = db::list(&state.db, Some(village), 0, 500)
        .await?
        .0
        .into_iter()
        .map(|b| (b.id.to_string(), b.name))
        .collect();
    let bad = !errors.is_empty();
    render_form(
        AidFormPage {
            page: Page::new(&staff.ctx, "aid.new"),
            form,
            candidates,
            businesses,
            errors,
            sources: AidSource::ALL,
        },
        bad,
    )
}

pub(crate) async fn aid_new(
    State(state): State<AppState>,
    staff: Staff,
    Query(form): Query<AidForm>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "equipment_aid.create")
        .await?;
    let village = own_village(&staff)?;
    aid_form_page(&state, &staff, &village, form, FieldErrors::default()).await
}

/// Checks the whole aid form: the equipment, the recipient (a person of the village) and the
/// business it serves (one of the village's, or none).
async fn check_aid(
    state: &AppState,
    village: &str,
    form: &AidForm,
) -> Result<Result<(AidRecipient, desmigratif_core::business::AidInput), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let input = form
        .aid
        .check(today())
        .map_err(|list| list.into_iter().for_each(|e| errors.push(e)))
        .ok();
    let person = match person_of_village(state, &form.penerima, village, "penerima").await? {
        Ok(id) => Some(id),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let business = match form.usaha.trim() {
        "" => None,
        raw => match raw.parse::<Id>() {
            Ok(id) => match db::get(&state.db, id).await? {
                Some(b) if b.region_code == village => Some(id),
                _ => {
                    errors.add("usaha", "usaha ini tidak tercatat di desa ini");
                    None
                }
            },
            Err(_) => {
                errors.add("usaha", "pilih usaha dari daftar");
                None
            }
        },
    };
    Ok(match (input, person) {
        (Some(input), Some(person_id)) if errors.is_empty() => Ok((
            AidRecipient {
                region_code: village.to_owned(),
                person_id,
                business_id: business,
            },
            input,
        )),
        _ => Err(errors),
    })
}

pub(crate) async fn aid_create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<AidForm>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "equipment_aid.create")
        .await?;
    let village = own_village(&staff)?;
    match check_aid(&state, &village, &form).await? {
        Err(errors) => aid_form_page(&state, &staff, &village, form, errors).await,
        Ok((to, input)) => {
            let mut tx = state.db.begin().await?;
            let id = db::give_aid(&mut tx, &staff.actor(), &to, &input).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/bantuan/{id}")).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "aid.html")]
struct AidPage {
    page: Page,
    a: AidLine,
    business_id: String,
    checks: Vec<(String, &'static str, String)>,
    form: RawAidCheck,
    errors: FieldErrors,
    conditions: &'static [AidCondition],
    can_write: bool,
}

async fn aid_page(
    state: &AppState,
    staff: &Staff,
    a: AidRow,
    form: RawAidCheck,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let checks = db::aid_checks(&state.db, a.id)
        .await?
        .into_iter()
        .map(|k| {
            (
                date(k.checked_on),
                k.condition
                    .parse::<AidCondition>()
                    .map(AidCondition::label_id)
                    .unwrap_or("—"),
                k.note,
            )
        })
        .collect();
    let bad = !errors.is_empty();
    render_form(
        AidPage {
            page: Page::new(&staff.ctx, "aid.one"),
            business_id: a.business_id.map(|b| b.to_string()).unwrap_or_default(),
            a: AidLine::of(&a, today()),
            checks,
            form,
            errors,
            conditions: AidCondition::ALL,
            can_write: staff.principal().may_here(WRITE),
        },
        bad,
    )
}

pub(crate) async fn aid_detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let a = staff.load::<AidRow>(&state, &id, READ).await?;
    aid_page(
        &state,
        &staff,
        a,
        RawAidCheck::default(),
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn aid_check(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawAidCheck>,
) -> Result<Response, AppError> {
    let a = staff.load::<AidRow>(&state, &id, WRITE).await?;
    match raw.check(today(), a.received_on) {
        Err(list) => aid_page(&state, &staff, a, raw, list.into()).await,
        Ok(k) => {
            let mut tx = state.db.begin().await?;
            db::check_aid(&mut tx, &staff.actor(), &a, &k).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/bantuan/{id}")).into_response())
        }
    }
}

// --- API ---------------------------------------------------------------------------------------

/// A business as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BusinessOut {
    pub id: String,
    pub village_code: String,
    pub name: String,
    /// olahan_pangan, kerajinan, pertanian, peternakan, perikanan, perdagangan, jasa.
    pub sector: String,
    pub products: String,
    pub address: String,
    pub phone: String,
    pub started_on: Option<NaiveDate>,
    pub active: bool,
}

impl BusinessOut {
    fn of(b: &BusinessRow) -> BusinessOut {
        BusinessOut {
            id: b.id.to_string(),
            village_code: b.region_code.clone(),
            name: b.name.clone(),
            sector: b.sector.clone(),
            products: b.products.clone(),
            address: b.address.clone(),
            phone: b.phone.clone(),
            started_on: b.started_on,
            active: b.active,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct BusinessListOut {
    id: String,
    village_code: String,
    name: String,
    sector: String,
    products: String,
    active: bool,
    /// The latest month with a report (YYYY-MM).
    last_report: Option<String>,
    last_visit: Option<NaiveDate>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct BusinessPage {
    items: Vec<BusinessListOut>,
    more: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct MonthlyOut {
    /// YYYY-MM
    month: String,
    revenue: i64,
    costs: i64,
    workers: i32,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct KurOut {
    id: String,
    bank: String,
    amount: i64,
    /// diajukan, disetujui, ditolak, dicairkan, dibatalkan.
    status: String,
    referred_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    approved_amount: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct PermitOut {
    /// nib, pirt, halal.
    kind: String,
    number: String,
    issued_on: NaiveDate,
    expires_on: Option<NaiveDate>,
}

/// A business with its owners (names and masked NIK only), permits, the last twelve months of
/// results and its KUR referrals.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct BusinessDetailOut {
    business: BusinessOut,
    owners: Vec<OwnerOut>,
    permits: Vec<PermitOut>,
    reports: Vec<MonthlyOut>,
    kur: Vec<KurOut>,
    visits: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct OwnerOut {
    person_id: String,
    name: String,
    nik_masked: String,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ApiPage {
    /// Page from 1 (20 a page).
    halaman: Option<i64>,
}

impl ApiPage {
    fn offset(&self) -> i64 {
        (self.halaman.unwrap_or(1).max(1) - 1) * PAGE_SIZE
    }
}

/// Businesses in the caller's scope, active first, by name (20 a page).
#[utoipa::path(get, path = "/api/v1/businesses", tag = "business", security(("bearer" = [])), params(ApiPage),
    responses((status = 200, body = BusinessPage), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiPage>,
) -> Result<Json<BusinessPage>, AppError> {
    staff.allow_here(&state, READ, "business.list").await?;
    let (rows, more) = db::list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        q.offset(),
        PAGE_SIZE,
    )
    .await?;
    Ok(Json(BusinessPage {
        items: rows
            .into_iter()
            .map(|b| BusinessListOut {
                id: b.id.to_string(),
                village_code: b.region_code,
                name: b.name,
                sector: b.sector,
                products: b.products,
                active: b.active,
                last_report: b.last_month,
                last_visit: b.last_visit,
            })
            .collect(),
        more,
    }))
}

/// Records a business in the caller's village. Fields as the page form: `nama`, `sektor`,
/// `produk`, `alamat`, `telepon`, `mulai` (YYYY-MM-DD), `aktif` ("ya"/"tidak").
#[utoipa::path(post, path = "/api/v1/businesses", tag = "business", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = BusinessOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(raw): Json<RawBusiness>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "business.create").await?;
    let village = own_village(&staff)?;
    let input = raw.check(today()).map_err(FieldErrors::from)?;
    let mut tx = state.db.begin().await?;
    let id = db::create(&mut tx, &staff.actor(), &village, &input).await?;
    tx.commit().await?;
    let b = db::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(BusinessOut::of(&b))).into_response())
}

/// One business with its owners, permits, last twelve months of results and KUR referrals.
#[utoipa::path(get, path = "/api/v1/businesses/{id}", tag = "business", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = BusinessDetailOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<BusinessDetailOut>, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, READ).await?;
    let since = Month::of(today()).back(MONTHS_SHOWN - 1);
    Ok(Json(BusinessDetailOut {
        owners: db::owners(&state.db, b.id)
            .await?
            .into_iter()
            .map(|o| OwnerOut {
                person_id: o.person_id.to_string(),
                nik_masked: desmigratif_core::nik::masked(&o.nik_prefix),
                name: o.name,
            })
            .collect(),
        permits: db::permits(&state.db, b.id)
            .await?
            .into_iter()
            .map(|p| PermitOut {
                kind: p.kind,
                number: p.number,
                issued_on: p.issued_on,
                expires_on: p.expires_on,
            })
            .collect(),
        reports: db::reports(&state.db, b.id, since)
            .await?
            .into_iter()
            .map(|r| MonthlyOut {
                month: r.month,
                revenue: r.revenue,
                costs: r.costs,
                workers: r.workers,
            })
            .collect(),
        kur: db::kur_referrals(&state.db, b.id)
            .await?
            .into_iter()
            .map(|k| KurOut {
                id: k.id.to_string(),
                bank: k.bank,
                amount: k.amount,
                status: k.status,
                referred_on: k.referred_on,
                decided_on: k.decided_on,
                approved_amount: k.approved_amount,
            })
            .collect(),
        visits: db::visits(&state.db, b.id).await?.len() as i64,
        business: BusinessOut::of(&b),
    }))
}

/// Records (or corrects) one month's results: `bulan` (YYYY-MM), `omzet`, `biaya` (rupiah),
/// `pekerja`, `catatan`.
#[utoipa::path(post, path = "/api/v1/businesses/{id}/reports", tag = "business", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = Object,
    responses((status = 200, body = MonthlyOut), (status = 404), (status = 422)))]
async fn api_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(raw): Json<RawMonthlyReport>,
) -> Result<Json<MonthlyOut>, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let r = raw.check(today()).map_err(FieldErrors::from)?;
    let mut tx = state.db.begin().await?;
    db::save_report(&mut tx, &staff.actor(), &b, &r).await?;
    tx.commit().await?;
    Ok(Json(MonthlyOut {
        month: r.month.to_string(),
        revenue: r.revenue,
        costs: r.costs,
        workers: r.workers,
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct AidOut {
    id: String,
    village_code: String,
    item: String,
    value: i64,
    /// kemnaker, kemendes, csr, lainnya.
    source: String,
    source_detail: String,
    received_on: NaiveDate,
    recipient_id: String,
    recipient: String,
    business_id: Option<String>,
    last_check: Option<NaiveDate>,
    /// baik, rusak_ringan, rusak_berat, tidak_dipakai, hilang.
    last_condition: Option<String>,
}

impl AidOut {
    fn of(a: AidRow) -> AidOut {
        AidOut {
            id: a.id.to_string(),
            village_code: a.region_code,
            item: a.item,
            value: a.value,
            source: a.source,
            source_detail: a.source_detail,
            received_on: a.received_on,
            recipient_id: a.person_id.to_string(),
            recipient: a.recipient,
            business_id: a.business_id.map(|b| b.to_string()),
            last_check: a.last_check,
            last_condition: a.last_condition,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct AidListOut {
    items: Vec<AidOut>,
    more: bool,
}

/// Equipment aid in the caller's scope, newest first (20 a page).
#[utoipa::path(get, path = "/api/v1/aid", tag = "business", security(("bearer" = [])), params(ApiPage),
    responses((status = 200, body = AidListOut), (status = 403)))]
async fn api_aid_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiPage>,
) -> Result<Json<AidListOut>, AppError> {
    staff.allow_here(&state, READ, "equipment_aid.list").await?;
    let (rows, more) = db::aid_list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        q.offset(),
        PAGE_SIZE,
    )
    .await?;
    Ok(Json(AidListOut {
        items: rows.into_iter().map(AidOut::of).collect(),
        more,
    }))
}

/// Records equipment given to a person of the caller's village: `barang`, `nilai` (rupiah),
/// `sumber` (kemnaker, kemendes, csr, lainnya), `sumber_lain`, `tanggal`, `penerima` (person id),
/// `usaha` (business id, optional).
#[utoipa::path(post, path = "/api/v1/aid", tag = "business", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = AidOut), (status = 403), (status = 422)))]
async fn api_aid_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(form): Json<AidForm>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "equipment_aid.create")
        .await?;
    let village = own_village(&staff)?;
    let (to, input) = check_aid(&state, &village, &form).await??;
    let mut tx = state.db.begin().await?;
    let id = db::give_aid(&mut tx, &staff.actor(), &to, &input).await?;
    tx.commit().await?;
    let a = db::aid(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(AidOut::of(a))).into_response())
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
        .routes(routes!(api_report))
        .routes(routes!(api_aid_list, api_aid_create))
}
