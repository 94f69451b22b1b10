//! The village cooperative (Pillar 4, compartment Cooperative): set-up, members and their
//! savings, loans from application to the last instalment, the books (trial balance, neraca, PHU,
//! cash book, period close), manual journals, the SHU, and the member statement and RAT pack.
//! The money rules are `core::coop`, the postings `db::coop`; the handlers read the form, ask,
//! and show the answer. Every money form carries a fresh idempotency key (`kunci`), so a form
//! sent twice (a double tap, a reload after a timeout) posts once.

use super::persons::today;
use super::{FieldErrors, rupiah};
use crate::AppState;
use crate::auth::{Guarded, Staff, Target, guarded};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::coop::arrears::AgeingThresholds;
use desmigratif_core::coop::forms::{
    Direction, RawJoin, RawJournal, RawJournalLine, RawLoanApplication, RawPayment, RawProduct,
    RawRules, RawSavingsTxn, RawSetup, RawShuPlan,
};
use desmigratif_core::coop::ledger::{Account, MemberCapital};
use desmigratif_core::coop::loan::{FeeBasis, LoanProduct, LoanStatus, Method};
use desmigratif_core::coop::report;
use desmigratif_core::coop::savings::SavingsKind;
use desmigratif_core::coop::shu::{ShuPart, ShuStatus, percent};
use desmigratif_core::id::Id;
use desmigratif_core::letters::indonesian_date;
use desmigratif_core::region::{Level, RegionCode, Scope};
use desmigratif_core::text::name_key;
use desmigratif_db::audit::{self, Event};
use desmigratif_db::coop::{
    self, EntryRow, LoanListRow, LoanRow, MemberRow, SettingsRow, ShuRunRow,
};
use desmigratif_db::registry::{self, PersonFilter};
use desmigratif_db::{Db, DbError, Tx};

pub(super) const READ: Action = Action::Read(Compartment::Cooperative);
pub(super) const WRITE: Action = Action::Write(Compartment::Cooperative);
const PAGE_SIZE: i64 = 50;
/// Statement lines shown on the member's page; the PDF has them all.
const RECENT_LINES: usize = 20;

/// A value a template hands to a function, behind however many references askama adds.
trait Plain<T> {
    fn plain(&self) -> T;
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Plain<$t> for $t {
            fn plain(&self) -> $t {
                *self
            }
        }
    )*};
}
plain!(i64, i32, usize, NaiveDate, Lang);

impl<T, U: Plain<T> + ?Sized> Plain<T> for &U {
    fn plain(&self) -> T {
        (**self).plain()
    }
}

/// Money as the pages show it (the templates' `self::rp`).
fn rp(n: impl Plain<i64>) -> String {
    rupiah(n.plain())
}

/// A date as the pages show it (the templates' `self::day`).
fn day(d: impl Plain<NaiveDate>) -> String {
    indonesian_date(d.plain())
}

/// A rate in basis points as the pages show it, "18,00 %".
fn percent_of(bp: impl Plain<i32>) -> String {
    percent(bp.plain() as u64)
}

/// The error field of a journal form's line `n` (from 1), as `core` names it.
fn line_field(n: impl Plain<usize>) -> &'static str {
    desmigratif_core::coop::forms::LINE_FIELDS
        .get(n.plain().wrapping_sub(1))
        .copied()
        .unwrap_or("baris")
}

/// What the plan form holds for a part named by its field.
fn plan_value<'a>(plan: &'a RawShuPlan, field: &str) -> &'a str {
    field.parse::<ShuPart>().map_or("", |p| plan.share(p))
}

/// A new idempotency key for a money form.
fn fresh_key() -> String {
    Id::new().to_string()
}

/// A refusal of the books (an overdraft, a closed period, the second pair of eyes…) as a message
/// beside `field`; anything else is an error of the request.
fn refused(e: DbError, field: &str) -> Result<FieldErrors, AppError> {
    match e {
        DbError::Conflict(m) => {
            let mut errors = FieldErrors::default();
            errors.add(field, m);
            Ok(errors)
        }
        e => Err(e.into()),
    }
}

/// Runs one action of the books in a transaction of its own: committed when it succeeds, dropped
/// (nothing half-written) with the books' refusal as a message beside `field` when it does not.
async fn in_books<T>(
    state: &AppState,
    field: &str,
    action: impl AsyncFnOnce(&mut Tx) -> Result<T, DbError>,
) -> Result<Result<T, FieldErrors>, AppError> {
    let mut tx = state.db.begin().await?;
    match action(&mut tx).await {
        Ok(done) => {
            tx.commit().await?;
            Ok(Ok(done))
        }
        Err(e) => {
            drop(tx);
            Ok(Err(refused(e, field)?))
        }
    }
}

// --- which co-op -------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
pub(crate) struct Where {
    /// The co-op's village code; the caller's own village when left out.
    pub desa: String,
    /// Page number from 1.
    pub halaman: Option<i64>,
    /// Part of a member's name or number (lists), or of a villager's name (joining).
    pub q: String,
    /// The day a statement is drawn up on, YYYY-MM-DD (today when left out).
    pub tanggal: String,
    /// A loan status (`diajukan`, `disetujui`, `dicairkan`, `lunas`, `ditolak`).
    pub status: String,
}

/// The village whose co-op a request is about: `desa` when given, else the caller's own village.
/// The one access check of every co-op page that is not about one record: the role and
/// compartment first (403, audited), then the place (404, audited).
pub(super) async fn village(
    state: &AppState,
    staff: &Staff,
    desa: &str,
    action: Action,
) -> Result<String, AppError> {
    staff.allow_here(state, action, "coop.open").await?;
    let code = match desa.trim() {
        "" => staff.principal().scope.as_stored().to_owned(),
        d => d.to_owned(),
    };
    let region: RegionCode = code
        .parse()
        .ok()
        .filter(|r: &RegionCode| r.level() == Level::Desa)
        .ok_or_else(|| {
            AppError::BadRequest(
                "pilih desa koperasinya: kode desa 13 karakter, mis. 32.12.16.2004".into(),
            )
        })?;
    staff
        .allow(
            state,
            action,
            &Place::of(&Scope::Region(region)),
            Target::Object {
                entity: "coop",
                id: &code,
            },
        )
        .await?;
    Ok(code)
}

/// The co-op's settings, or a redirect to the set-up page when the village has none yet.
async fn settings_of(state: &AppState, region: &str) -> Result<SettingsRow, Response> {
    match coop::settings(&state.db, region).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Redirect::to(&format!("/app/koperasi?desa={region}")).into_response()),
        Err(e) => Err(AppError::from(e).into_response()),
    }
}

guarded!(MemberRow, "coop_member", coop::member, region_code);

/// A loan is reached through its member, whose village decides who may see it.
impl Guarded for (LoanRow, MemberRow) {
    const ENTITY: &'static str = "coop_loan";
    async fn fetch(db: &Db, id: Id) -> Result<Option<Self>, DbError> {
        let Some(loan) = coop::loan(db, id).await? else {
            return Ok(None);
        };
        Ok(coop::member(db, loan.member_id).await?.map(|m| (loan, m)))
    }
    fn region(&self) -> &str {
        &self.1.region_code
    }
}

guarded!(ShuRunRow, "coop_shu_run", coop::shu_run, region_code);

fn may_write(staff: &Staff, region: &str) -> bool {
    region
        .parse()
        .is_ok_and(|r| staff.principal().may(WRITE, &Place::of(&Scope::Region(r))))
}

/// The date asked for in `tanggal`, or today; a date that cannot be read is a bad request.
fn on_day(raw: &str) -> Result<NaiveDate, AppError> {
    match raw.trim() {
        "" => Ok(today()),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            AppError::BadRequest(format!("tanggal «{s}» tidak dikenali; tulis TTTT-BB-HH"))
        }),
    }
}

// --- overview and set-up -------------------------------------------------------------------------

pub struct ClassLine {
    pub label: &'static str,
    pub loans: usize,
    pub outstanding: i64,
}

#[derive(Template)]
#[template(path = "coop.html")]
struct OverviewPage {
    page: Page,
    region: String,
    village_name: String,
    settings: Option<SettingsRow>,
    can_write: bool,
    members: usize,
    active: usize,
    savings: i64,
    classes: Vec<ClassLine>,
    pending: i64,
    in_arrears: usize,
    setup: RawSetup,
    rules: RawRules,
    errors: FieldErrors,
}

async fn village_name(state: &AppState, region: &str) -> Result<String, AppError> {
    Ok(
        desmigratif_db::villages::by_code(&state.db, &region.parse()?)
            .await?
            .map(|v| v.name)
            .unwrap_or_else(|| region.to_owned()),
    )
}

async fn overview_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    setup: RawSetup,
    rules: Option<RawRules>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let settings = coop::settings(&state.db, &region).await?;
    let rules = match (rules, &settings) {
        (Some(typed), _) => typed,
        (None, Some(s)) => RawRules::of(s.thresholds()?, s.maker_checker),
        (None, None) => RawRules::default(),
    };
    let lang = staff.ctx.lang;
    let (mut members, mut active, mut savings, mut pending, mut in_arrears) = (0, 0, 0, 0, 0);
    let mut classes = Vec::new();
    if settings.is_some() {
        let list = coop::members(&state.db, &region).await?;
        members = list.len();
        active = list.iter().filter(|m| m.left_on.is_none()).count();
        savings = coop::savings_total(&state.db, &region).await?;
        let ageing = coop::ageing(&state.db, &region, today()).await?;
        classes = desmigratif_core::coop::arrears::Collectibility::ALL
            .iter()
            .map(|c| {
                let of: Vec<_> = ageing.iter().filter(|a| a.class == *c).collect();
                ClassLine {
                    label: lang.pick(c.label_id(), c.label_en()),
                    loans: of.len(),
                    outstanding: of.iter().map(|a| a.outstanding).sum(),
                }
            })
            .collect();
        pending = coop::loan_count(&state.db, &region, LoanStatus::Applied.as_str()).await?;
        in_arrears = coop::mandatory_arrears(&state.db, &region, today())
            .await?
            .len();
    }
    let needs_correction = !errors.is_empty();
    render_form(
        OverviewPage {
            page: Page::new(&staff.ctx, "coop.title"),
            village_name: village_name(state, &region).await?,
            can_write: may_write(staff, &region),
            region,
            settings,
            members,
            active,
            savings,
            classes,
            pending,
            in_arrears,
            setup,
            rules,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn overview(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let setup = RawSetup {
        pokok: "100.000".into(),
        wajib: "20.000".into(),
        simpanan_anggota: MemberCapital::Equity.as_str().into(),
        dua_petugas: "ya".into(),
    };
    overview_page(&state, &staff, region, setup, None, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SetupForm {
    desa: String,
    #[serde(flatten)]
    form: RawSetup,
}

/// Sets up the village's co-op: the chart of accounts, the amounts, and the standard products.
pub(crate) async fn create_coop(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<SetupForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let input = match f.form.check() {
        Ok(input) => input,
        Err(e) => return overview_page(&state, &staff, region, f.form, None, e.into()).await,
    };
    let setup = coop::Setup {
        capital: input.capital,
        principal_savings: input.principal_savings,
        mandatory_monthly: input.mandatory_monthly,
        thresholds: AgeingThresholds::default(),
        maker_checker: input.maker_checker,
        products: coop::standard_products(),
    };
    let done = in_books(&state, "pokok", async |tx| {
        coop::setup(tx, &staff.actor(), &region, &setup).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/koperasi?desa={region}")).into_response()),
        Err(errors) => overview_page(&state, &staff, region, f.form, None, errors).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct RulesForm {
    desa: String,
    #[serde(flatten)]
    form: RawRules,
}

/// Changes the collectibility thresholds and maker-checker of a running co-op.
pub(crate) async fn change_rules(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<RulesForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let errors = match f.form.check() {
        Ok((thresholds, maker_checker)) => {
            let done = in_books(&state, "kolektibilitas", async |tx| {
                coop::change_rules(tx, &staff.actor(), &region, thresholds, maker_checker).await
            })
            .await?;
            match done {
                Ok(()) => {
                    return Ok(
                        Redirect::to(&format!("/app/koperasi?desa={region}")).into_response()
                    );
                }
                Err(errors) => errors,
            }
        }
        Err(e) => e.into(),
    };
    overview_page(
        &state,
        &staff,
        region,
        RawSetup::default(),
        Some(f.form),
        errors,
    )
    .await
}

// --- members -------------------------------------------------------------------------------------

pub struct MemberLine {
    pub row: MemberRow,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "coop_members.html")]
struct MembersPage {
    page: Page,
    region: String,
    rows: Vec<MemberLine>,
    q: String,
    q_enc: String,
    number: i64,
    more: bool,
    can_write: bool,
    /// Villagers found for joining: (person id, name, masked NIK).
    found: Vec<(String, String, String)>,
    cari: String,
    join: JoinForm,
    arrears: Vec<(MemberRow, i64, i64)>,
    errors: FieldErrors,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct JoinForm {
    desa: String,
    orang: String,
    nomor: String,
    tanggal_masuk: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct MembersQuery {
    #[serde(flatten)]
    at: Where,
    /// A villager's name, to find someone who joins.
    cari: String,
}

async fn members_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    q: &MembersQuery,
    join: JoinForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let number = q.at.halaman.unwrap_or(1).max(1);
    let key = name_key(&q.at.q);
    let needle = q.at.q.trim().to_uppercase();
    let all = coop::members(&state.db, &region).await?;
    let matching: Vec<MemberRow> = all
        .into_iter()
        .filter(|m| {
            key.is_empty() || name_key(&m.name).contains(&key) || m.number.contains(&needle)
        })
        .collect();
    let start = ((number - 1) * PAGE_SIZE) as usize;
    let more = matching.len() > start + PAGE_SIZE as usize;
    let totals = coop::member_totals(&state.db, &region).await?;
    let rows = matching
        .into_iter()
        .skip(start)
        .take(PAGE_SIZE as usize)
        .map(|row| MemberLine {
            total: totals.get(&row.id).copied().unwrap_or(0),
            row,
        })
        .collect();
    let can_write = may_write(staff, &region);
    let found = if can_write && !name_key(&q.cari).is_empty() {
        let (rows, _) = registry::search_persons(
            &state.db,
            &PersonFilter {
                scope: region.clone(),
                name_key: name_key(&q.cari),
                limit: 10,
                ..Default::default()
            },
        )
        .await?;
        rows.into_iter()
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
    let arrears = coop::mandatory_arrears(&state.db, &region, today())
        .await?
        .into_iter()
        .map(|(m, st)| (m, st.arrears_months, st.arrears_amount))
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        MembersPage {
            page: Page::new(&staff.ctx, "coop.members"),
            region,
            rows,
            q: q.at.q.clone(),
            q_enc: crate::error::urlencode(&q.at.q),
            number,
            more,
            can_write,
            found,
            cari: q.cari.clone(),
            join,
            arrears,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn members(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<MembersQuery>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.at.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let join = JoinForm {
        tanggal_masuk: today().to_string(),
        ..Default::default()
    };
    members_page(&state, &staff, region, &q, join, FieldErrors::default()).await
}

/// A villager of the registry joins: checked by `core` (number, date), stored by `db` (the person
/// must live in the co-op's village and not be a member already).
pub(super) async fn join_member(
    state: &AppState,
    staff: &Staff,
    region: &str,
    person: &str,
    number: &str,
    joined: &str,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let person = person.parse::<Id>().ok();
    if person.is_none() {
        errors.add(
            "orang",
            "pilih warga yang menjadi anggota dari hasil pencarian",
        );
    }
    let typed = RawJoin {
        nomor: number.to_owned(),
        tanggal_masuk: joined.to_owned(),
    }
    .check(today())
    .map_err(|e| e.into_iter().for_each(|e| errors.push(e)))
    .ok();
    let (Some(person), Some((number, joined))) = (person, typed) else {
        return Ok(Err(errors));
    };
    in_books(state, "nomor", async |tx| {
        coop::join(tx, &staff.actor(), region, person, &number, joined).await
    })
    .await
}

pub(crate) async fn join(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<JoinForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    match join_member(
        &state,
        &staff,
        &region,
        &f.orang,
        &f.nomor,
        &f.tanggal_masuk,
    )
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/app/koperasi/anggota/{id}")).into_response()),
        Err(errors) => {
            let q = MembersQuery::default();
            members_page(&state, &staff, region, &q, f, errors).await
        }
    }
}

// --- one member ----------------------------------------------------------------------------------

pub struct BalanceLine {
    pub label: &'static str,
    pub amount: i64,
}

pub struct StatementView {
    pub on: NaiveDate,
    pub kind: &'static str,
    pub deposit: bool,
    pub amount: i64,
    pub balance: i64,
}

#[derive(Template)]
#[template(path = "coop_member.html")]
struct MemberPage {
    page: Page,
    m: MemberRow,
    balances: Vec<BalanceLine>,
    total: i64,
    lines: Vec<StatementView>,
    older: usize,
    loans: Vec<LoanListRow>,
    products: Vec<LoanProduct>,
    kinds: Vec<(&'static str, &'static str)>,
    can_write: bool,
    savings: RawSavingsTxn,
    loan: RawLoanApplication,
    key: String,
    errors: FieldErrors,
    today: String,
}

fn status_label(lang: impl Plain<Lang>, status: &str) -> &'static str {
    status
        .parse::<LoanStatus>()
        .map(|s| lang.plain().pick(s.label_id(), s.label_en()))
        .unwrap_or("—")
}

fn kind_label(lang: Lang, k: SavingsKind) -> &'static str {
    lang.pick(k.label_id(), k.label_en())
}

async fn member_page(
    state: &AppState,
    staff: &Staff,
    m: MemberRow,
    savings: RawSavingsTxn,
    loan: RawLoanApplication,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let balances: Vec<BalanceLine> = coop::balances(&state.db, m.id)
        .await?
        .into_iter()
        .map(|(k, _, amount)| BalanceLine {
            label: kind_label(lang, k),
            amount,
        })
        .collect();
    let statement = coop::statement(&state.db, m.id).await?;
    let older = statement.len().saturating_sub(RECENT_LINES);
    let lines = statement
        .iter()
        .skip(older)
        .rev()
        .map(|l| StatementView {
            on: l.on,
            kind: kind_label(lang, l.kind),
            deposit: l.direction == Direction::Deposit,
            amount: l.amount,
            balance: l.balance,
        })
        .collect();
    let (loans, _) = coop::loans(&state.db, &m.region_code, Some(m.id), None, 0, 100).await?;
    let products = coop::products(&state.db, &m.region_code)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let needs_correction = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "coop.member");
    page.title = format!("{} · {}", m.number, m.name);
    render_form(
        MemberPage {
            page,
            total: balances.iter().map(|b| b.amount).sum(),
            balances,
            lines,
            older,
            loans,
            products,
            kinds: SavingsKind::ALL
                .iter()
                .map(|k| (k.as_str(), kind_label(lang, *k)))
                .collect(),
            can_write: may_write(staff, &m.region_code) && m.left_on.is_none(),
            m,
            savings,
            loan,
            key: fresh_key(),
            errors,
            today: today().to_string(),
        },
        needs_correction,
    )
}

pub(crate) async fn member(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, READ).await?;
    let savings = RawSavingsTxn {
        jenis: SavingsKind::Voluntary.as_str().into(),
        arah: "setor".into(),
        tanggal: today().to_string(),
        ..Default::default()
    };
    member_page(
        &state,
        &staff,
        m,
        savings,
        RawLoanApplication::default(),
        FieldErrors::default(),
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Keyed<T> {
    kunci: String,
    #[serde(flatten)]
    form: T,
}

/// A deposit or a withdrawal, checked by `core` and posted once per key by `db`.
pub(super) async fn move_savings(
    state: &AppState,
    staff: &Staff,
    m: &MemberRow,
    key: &str,
    raw: &RawSavingsTxn,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let input = match raw.check(today(), m.left_on.is_some()) {
        Ok(input) => input,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "jumlah", async |tx| {
        coop::savings_move(tx, &staff.actor(), key, m.id, &input).await
    })
    .await
}

pub(crate) async fn savings(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Keyed<RawSavingsTxn>>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, WRITE).await?;
    match move_savings(&state, &staff, &m, &f.kunci, &f.form).await? {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/anggota/{}", m.id)).into_response()),
        Err(errors) => {
            member_page(
                &state,
                &staff,
                m,
                f.form,
                RawLoanApplication::default(),
                errors,
            )
            .await
        }
    }
}

/// A loan application for a member, against the co-op's products.
pub(super) async fn apply_loan(
    state: &AppState,
    staff: &Staff,
    m: &MemberRow,
    raw: &RawLoanApplication,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let products: Vec<LoanProduct> = coop::products(&state.db, &m.region_code)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let input = match raw.check(&products) {
        Ok(input) => input,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "jumlah", async |tx| {
        coop::apply(tx, &staff.actor(), m.id, &input, today()).await
    })
    .await
}

pub(crate) async fn apply(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<RawLoanApplication>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, WRITE).await?;
    match apply_loan(&state, &staff, &m, &f).await? {
        Ok(loan) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{loan}")).into_response()),
        Err(errors) => {
            let savings = RawSavingsTxn {
                jenis: SavingsKind::Voluntary.as_str().into(),
                arah: "setor".into(),
                tanggal: today().to_string(),
                ..Default::default()
            };
            member_page(&state, &staff, m, savings, f, errors).await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct LeaveForm {
    tanggal: String,
    yakin: String,
}

/// Membership ends (after a confirmation box is ticked); refused while a loan runs.
pub(crate) async fn leave(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<LeaveForm>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, WRITE).await?;
    let mut errors = FieldErrors::default();
    if f.yakin.is_empty() {
        errors.add(
            "keluar",
            "centang kotak persetujuan dulu untuk mengakhiri keanggotaan",
        );
    }
    let typed = RawPayment {
        tanggal: f.tanggal.clone(),
        ..Default::default()
    };
    let on = typed
        .check_day(today())
        .map_err(|e| e.into_iter().for_each(|e| errors.add("keluar", e.message)))
        .ok();
    if let (Some(on), true) = (on, errors.is_empty()) {
        match in_books(&state, "keluar", async |tx| {
            coop::leave(tx, &staff.actor(), m.id, on).await
        })
        .await?
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/app/koperasi/anggota/{}", m.id)).into_response());
            }
            Err(refusal) => errors = refusal,
        }
    }
    member_page(
        &state,
        &staff,
        m,
        RawSavingsTxn::default(),
        RawLoanApplication::default(),
        errors,
    )
    .await
}

// --- loan products -------------------------------------------------------------------------------

pub struct ProductLine {
    pub p: LoanProduct,
    pub method: &'static str,
    pub fees: String,
}

#[derive(Template)]
#[template(path = "coop_products.html")]
struct ProductsPage {
    page: Page,
    region: String,
    rows: Vec<ProductLine>,
    methods: Vec<(&'static str, &'static str)>,
    can_write: bool,
    form: RawProduct,
    errors: FieldErrors,
}

async fn products_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    form: RawProduct,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let rows = coop::products(&state.db, &region)
        .await?
        .into_iter()
        .map(|(_, p)| ProductLine {
            method: lang.pick(p.method.label_id(), p.method.label_en()),
            fees: p
                .fees
                .iter()
                .map(|f| {
                    let what = lang.pick(f.kind.label_id(), f.kind.label_en());
                    match f.basis {
                        FeeBasis::Fixed(a) => format!("{what} {}", rupiah(a)),
                        FeeBasis::Bp(bp) => format!("{what} {}", percent(bp as u64)),
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            p,
        })
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        ProductsPage {
            page: Page::new(&staff.ctx, "coop.products"),
            can_write: may_write(staff, &region),
            region,
            rows,
            methods: Method::ALL
                .iter()
                .map(|m| (m.as_str(), lang.pick(m.label_id(), m.label_en())))
                .collect(),
            form,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn products(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let form = RawProduct {
        metode: Method::Annuity.as_str().into(),
        urutan: "denda,bunga,pokok".into(),
        ..Default::default()
    };
    products_page(&state, &staff, region, form, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ProductForm {
    desa: String,
    #[serde(flatten)]
    form: RawProduct,
}

/// A new loan product; its postings use the co-op's standard accounts.
pub(crate) async fn add_product(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ProductForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let product = match f.form.check() {
        Ok(p) => p,
        Err(e) => return products_page(&state, &staff, region, f.form, e.into()).await,
    };
    let done = in_books(&state, "kode", async |tx| {
        coop::add_product(tx, &staff.actor(), &region, &product).await
    })
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/produk?desa={region}")).into_response()),
        Err(errors) => products_page(&state, &staff, region, f.form, errors).await,
    }
}

// --- loans ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "coop_loans.html")]
struct LoansPage {
    page: Page,
    region: String,
    rows: Vec<LoanListRow>,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    number: i64,
    more: bool,
}

pub(crate) async fn loans(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let status = q
        .status
        .parse::<LoanStatus>()
        .ok()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let number = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = coop::loans(
        &state.db,
        &region,
        None,
        Some(status.as_str()).filter(|s| !s.is_empty()),
        (number - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let lang = staff.ctx.lang;
    render(LoansPage {
        page: Page::new(&staff.ctx, "coop.loans"),
        region,
        rows,
        status,
        statuses: LoanStatus::ALL
            .iter()
            .map(|s| (s.as_str(), lang.pick(s.label_id(), s.label_en())))
            .collect(),
        number,
        more,
    })
}

pub struct InstalmentView {
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub total: i64,
    pub paid: i64,
    pub balance_after: i64,
}

#[derive(Template)]
#[template(path = "coop_loan.html")]
struct LoanPage {
    page: Page,
    l: LoanRow,
    m: MemberRow,
    product: String,
    status: &'static str,
    schedule: Vec<InstalmentView>,
    repayments: Vec<coop::RepaymentRow>,
    outstanding: i64,
    days_past_due: i64,
    class: &'static str,
    can_write: bool,
    pay: RawPayment,
    key: String,
    errors: FieldErrors,
    today: String,
}

async fn loan_page(
    state: &AppState,
    staff: &Staff,
    l: LoanRow,
    m: MemberRow,
    pay: RawPayment,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let (_, state_now) = coop::loan_state(&state.db, l.id).await?;
    let schedule = state_now
        .schedule
        .instalments
        .iter()
        .enumerate()
        .map(|(k, i)| InstalmentView {
            no: i.no,
            due_on: i.due_on,
            principal: i.principal,
            interest: i.interest,
            total: i.total,
            paid: state_now.paid.get(k).map_or(0, |p| p.total()),
            balance_after: i.balance_after,
        })
        .collect();
    let days_past_due = desmigratif_core::coop::arrears::days_past_due(
        &state_now.schedule,
        &state_now.paid,
        today(),
    );
    let class = match coop::settings(&state.db, &m.region_code).await? {
        Some(s) if l.status == "dicairkan" => {
            let c = s.thresholds()?.classify(days_past_due);
            lang.pick(c.label_id(), c.label_en())
        }
        _ => "—",
    };
    let product = coop::products(&state.db, &m.region_code)
        .await?
        .into_iter()
        .find(|(id, _)| *id == l.product_id)
        .map(|(_, p)| p.name)
        .unwrap_or_default();
    let needs_correction = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "coop.loan");
    page.title = format!("{} · {}", product, m.name);
    render_form(
        LoanPage {
            page,
            status: status_label(lang, &l.status),
            repayments: coop::repayments(&state.db, l.id).await?,
            outstanding: state_now.outstanding_principal(),
            days_past_due,
            class,
            can_write: may_write(staff, &m.region_code),
            product,
            schedule,
            l,
            m,
            pay,
            key: fresh_key(),
            errors,
            today: today().to_string(),
        },
        needs_correction,
    )
}

pub(crate) async fn loan(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, READ)
        .await?;
    let pay = RawPayment {
        tanggal: today().to_string(),
        ..Default::default()
    };
    loan_page(&state, &staff, l, m, pay, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Decision {
    /// `setuju` or `tolak`.
    putusan: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Decision>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    let approve = match f.putusan.as_str() {
        "setuju" => true,
        "tolak" => false,
        _ => {
            return Err(AppError::BadRequest(
                "putusan harus «setuju» atau «tolak»".into(),
            ));
        }
    };
    let done = in_books(&state, "putusan", async |tx| {
        coop::decide(tx, &staff.actor(), l.id, approve).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{}", l.id)).into_response()),
        Err(errors) => loan_page(&state, &staff, l, m, RawPayment::default(), errors).await,
    }
}

pub(crate) async fn disburse(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Keyed<RawPayment>>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    let on = match f.form.check_day(today()) {
        Ok(on) => on,
        Err(e) => return loan_page(&state, &staff, l, m, f.form, e.into()).await,
    };
    let done = in_books(&state, "cair", async |tx| {
        coop::disburse(tx, &staff.actor(), &f.kunci, l.id, on).await
    })
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{}", l.id)).into_response()),
        Err(errors) => loan_page(&state, &staff, l, m, f.form, errors).await,
    }
}

/// A repayment, allocated by the product's order and posted once per key.
pub(super) async fn repay_loan(
    state: &AppState,
    staff: &Staff,
    l: &LoanRow,
    key: &str,
    raw: &RawPayment,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let (amount, on) = match raw.check(today()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "jumlah", async |tx| {
        coop::repay(tx, &staff.actor(), key, l.id, amount, on).await
    })
    .await
}

pub(crate) async fn repay(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Keyed<RawPayment>>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    match repay_loan(&state, &staff, &l, &f.kunci, &f.form).await? {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{}", l.id)).into_response()),
        Err(errors) => loan_page(&state, &staff, l, m, f.form, errors).await,
    }
}

// --- books ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "coop_books.html")]
struct BooksPage {
    page: Page,
    region: String,
    on: NaiveDate,
    trial: desmigratif_core::coop::ledger::TrialBalance,
    neraca: desmigratif_core::coop::ledger::Neraca,
    phu: desmigratif_core::coop::ledger::Phu,
    year_start: NaiveDate,
    opening: i64,
    cash: Vec<coop::CashLine>,
    month_start: NaiveDate,
    closed_through: Option<NaiveDate>,
    can_write: bool,
    close_on: String,
    errors: FieldErrors,
}

async fn books_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    s: SettingsRow,
    on: NaiveDate,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let year_start = on.with_day(1).and_then(|d| d.with_month(1)).unwrap_or(on);
    let month_start = on.with_day(1).unwrap_or(on);
    let (opening, cash) = coop::cash_book(&state.db, &region, month_start, on).await?;
    let needs_correction = !errors.is_empty();
    render_form(
        BooksPage {
            page: Page::new(&staff.ctx, "coop.books"),
            trial: coop::trial_balance(&state.db, &region, on).await?,
            neraca: coop::neraca(&state.db, &region, on).await?,
            phu: coop::phu(&state.db, &region, year_start, on).await?,
            can_write: may_write(staff, &region),
            close_on: month_start.pred_opt().unwrap_or(month_start).to_string(),
            region,
            on,
            year_start,
            opening,
            cash,
            month_start,
            closed_through: s.closed_through,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn books(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let on = on_day(&q.tanggal)?;
    books_page(&state, &staff, region, s, on, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct CloseForm {
    desa: String,
    sampai: String,
    yakin: String,
}

/// Closes the books through a day (after a confirmation box is ticked): nothing may be posted on
/// or before it afterwards.
pub(crate) async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CloseForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let mut errors = FieldErrors::default();
    if f.yakin.is_empty() {
        errors.add(
            "sampai",
            "centang kotak persetujuan dulu: tutup buku tidak bisa dibatalkan",
        );
    }
    let through = NaiveDate::parse_from_str(f.sampai.trim(), "%Y-%m-%d")
        .map_err(|_| errors.add("sampai", "tulis tanggal tutup buku, TTTT-BB-HH"))
        .ok();
    if let (Some(through), true) = (through, errors.is_empty()) {
        match in_books(&state, "sampai", async |tx| {
            coop::close_period(tx, &staff.actor(), &region, through, today()).await
        })
        .await?
        {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/app/koperasi/pembukuan?desa={region}")).into_response(),
                );
            }
            Err(refusal) => errors = refusal,
        }
    }
    books_page(&state, &staff, region, s, today(), errors).await
}

// --- journal -------------------------------------------------------------------------------------

/// Blank lines a manual journal form offers.
const FORM_LINES: usize = 6;

#[derive(Template)]
#[template(path = "coop_journal.html")]
struct JournalPage {
    page: Page,
    region: String,
    rows: Vec<EntryRow>,
    number: i64,
    more: bool,
    can_write: bool,
    accounts: Vec<Account>,
    form: RawJournal,
    key: String,
    errors: FieldErrors,
}

async fn journal_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    s: &SettingsRow,
    number: i64,
    mut form: RawJournal,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (rows, more) =
        coop::journal(&state.db, &region, (number - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    form.baris
        .resize_with(form.baris.len().max(FORM_LINES), RawJournalLine::default);
    let needs_correction = !errors.is_empty();
    render_form(
        JournalPage {
            page: Page::new(&staff.ctx, "coop.journal"),
            can_write: may_write(staff, &region),
            region,
            rows,
            number,
            more,
            accounts: s.chart()?,
            form,
            key: fresh_key(),
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn journal(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let form = RawJournal {
        tanggal: today().to_string(),
        ..Default::default()
    };
    let number = q.halaman.unwrap_or(1).max(1);
    journal_page(
        &state,
        &staff,
        region,
        &s,
        number,
        form,
        FieldErrors::default(),
    )
    .await
}

/// Reads a journal form: `tanggal`, `keterangan`, `kunci`, `desa`, then `akun`, `debit`,
/// `kredit` once per line, in order.
fn journal_form(fields: &[(String, String)]) -> (String, String, RawJournal) {
    let mut desa = String::new();
    let mut key = String::new();
    let mut form = RawJournal::default();
    let (mut accounts, mut debits, mut credits) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in fields {
        match k.as_str() {
            "desa" => desa = v.clone(),
            "kunci" => key = v.clone(),
            "tanggal" => form.tanggal = v.clone(),
            "keterangan" => form.keterangan = v.clone(),
            "akun" => accounts.push(v.clone()),
            "debit" => debits.push(v.clone()),
            "kredit" => credits.push(v.clone()),
            _ => {}
        }
    }
    let n = accounts.len().max(debits.len()).max(credits.len());
    form.baris = (0..n)
        .map(|i| RawJournalLine {
            akun: accounts.get(i).cloned().unwrap_or_default(),
            debit: debits.get(i).cloned().unwrap_or_default(),
            kredit: credits.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    (desa, key, form)
}

/// A typed journal entry, checked against the co-op's chart and posted once per key.
pub(super) async fn post_journal(
    state: &AppState,
    staff: &Staff,
    region: &str,
    s: &SettingsRow,
    key: &str,
    raw: &RawJournal,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let entry = match raw.check(&s.chart()?, today()) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "tanggal", async |tx| {
        coop::manual_entry(tx, &staff.actor(), key, region, &entry).await
    })
    .await
}

pub(crate) async fn add_journal(
    State(state): State<AppState>,
    staff: Staff,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (desa, key, form) = journal_form(&fields);
    let region = village(&state, &staff, &desa, WRITE).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    match post_journal(&state, &staff, &region, &s, &key, &form).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/koperasi/jurnal/{id}")).into_response()),
        Err(errors) => journal_page(&state, &staff, region, &s, 1, form, errors).await,
    }
}

#[derive(Template)]
#[template(path = "coop_entry.html")]
struct EntryPage {
    page: Page,
    e: EntryRow,
    /// (code, name, debit, credit)
    lines: Vec<(String, String, i64, i64)>,
}

guarded!(EntryRow, "coop_entry", coop::entry_head, region_code);

pub(crate) async fn entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let e = staff.load::<EntryRow>(&state, &id, READ).await?;
    let chart = coop::settings(&state.db, &e.region_code)
        .await?
        .ok_or(AppError::NotFound)?
        .chart()?;
    let lines = coop::entry(&state.db, e.id)
        .await?
        .lines()
        .iter()
        .map(|l| {
            let name = chart
                .iter()
                .find(|a| a.code == l.account)
                .map_or("", |a| a.name);
            let (d, c) = match l.side {
                desmigratif_core::coop::ledger::Side::Debit => (l.amount, 0),
                desmigratif_core::coop::ledger::Side::Credit => (0, l.amount),
            };
            (l.account.clone(), name.to_owned(), d, c)
        })
        .collect();
    let mut page = Page::new(&staff.ctx, "coop.entry");
    page.title = e.memo.clone();
    render(EntryPage { page, e, lines })
}

// --- SHU -----------------------------------------------------------------------------------------

pub struct RunLine {
    pub row: ShuRunRow,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "coop_shu.html")]
struct ShuPage {
    page: Page,
    region: String,
    runs: Vec<RunLine>,
    can_write: bool,
    plan: RawShuPlan,
    /// (field, label) of each part of the RAT's plan.
    parts: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
}

fn shu_status(lang: Lang, status: &str) -> &'static str {
    status
        .parse::<ShuStatus>()
        .map(|s| lang.pick(s.label_id(), s.label_en()))
        .unwrap_or("—")
}

async fn shu_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    plan: RawShuPlan,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let runs = coop::shu_runs(&state.db, &region)
        .await?
        .into_iter()
        .map(|row| RunLine {
            status: shu_status(lang, &row.status),
            row,
        })
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        ShuPage {
            page: Page::new(&staff.ctx, "coop.shu"),
            can_write: may_write(staff, &region),
            region,
            runs,
            plan,
            parts: desmigratif_core::coop::shu::ShuPart::ALL
                .iter()
                .map(|p| (p.as_str(), lang.pick(p.label_id(), p.label_en())))
                .collect(),
            errors,
        },
        needs_correction,
    )
}

/// The usual split of co-op articles, offered as a start; the RAT decides.
fn usual_plan(year: i32) -> RawShuPlan {
    RawShuPlan {
        tahun: year.to_string(),
        cadangan: "40".into(),
        jasa_modal: "20".into(),
        jasa_anggota: "25".into(),
        dana_pengurus: "5".into(),
        dana_karyawan: "5".into(),
        dana_pendidikan: "2,5".into(),
        dana_sosial: "2,5".into(),
        dana_pembangunan_daerah_kerja: "0".into(),
        jasa_anggota_bunga: "100".into(),
    }
}

pub(crate) async fn shu(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let plan = usual_plan(today().year() - 1);
    shu_page(&state, &staff, region, plan, FieldErrors::default()).await
}

/// Computes a year's SHU with the RAT's plan, as a draft to preview.
pub(super) async fn compute_shu(
    state: &AppState,
    staff: &Staff,
    region: &str,
    raw: &RawShuPlan,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let plan = match raw.check(today()) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "tahun", async |tx| {
        coop::shu_compute(tx, &staff.actor(), region, &plan).await
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PlanForm {
    desa: String,
    #[serde(flatten)]
    plan: RawShuPlan,
}

pub(crate) async fn create_shu(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    match compute_shu(&state, &staff, &region, &f.plan).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/koperasi/shu/{id}")).into_response()),
        Err(errors) => shu_page(&state, &staff, region, f.plan, errors).await,
    }
}

#[derive(Template)]
#[template(path = "coop_shu_run.html")]
struct ShuRunPage {
    page: Page,
    r: ShuRunRow,
    status: &'static str,
    /// (label, percent, amount)
    parts: Vec<(&'static str, String, i64)>,
    members: Vec<report::ShuMemberLine>,
    members_total: i64,
    can_write: bool,
    key: String,
    post_on: String,
    errors: FieldErrors,
}

async fn shu_run_page(
    state: &AppState,
    staff: &Staff,
    r: ShuRunRow,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let parts = coop::shu_parts(&state.db, r.id)
        .await?
        .into_iter()
        .map(|(p, bp, amount)| {
            (
                lang.pick(p.label_id(), p.label_en()),
                percent(bp as u64),
                amount,
            )
        })
        .collect();
    let members = shu_shares(state, &r).await?;
    let needs_correction = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "coop.shu");
    page.title = format!("SHU {}", r.year);
    render_form(
        ShuRunPage {
            page,
            status: shu_status(lang, &r.status),
            parts,
            members_total: members.iter().map(|m| m.total).sum(),
            members,
            can_write: may_write(staff, &r.region_code),
            key: fresh_key(),
            post_on: today().to_string(),
            r,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn shu_run(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    shu_run_page(&state, &staff, r, FieldErrors::default()).await
}

pub(crate) async fn approve_shu(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, WRITE).await?;
    let done = in_books(&state, "setujui", async |tx| {
        coop::shu_approve(tx, &staff.actor(), r.id).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/koperasi/shu/{}", r.id)).into_response()),
        Err(errors) => shu_run_page(&state, &staff, r, errors).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PostForm {
    kunci: String,
    tanggal: String,
    ke_simpanan: String,
}

pub(crate) async fn post_shu(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<PostForm>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, WRITE).await?;
    let typed = RawPayment {
        tanggal: f.tanggal.clone(),
        ..Default::default()
    };
    let on = match typed.check_day(today()) {
        Ok(on) => on,
        Err(e) => return shu_run_page(&state, &staff, r, e.into()).await,
    };
    let to_savings = !f.ke_simpanan.is_empty();
    let done = in_books(&state, "tanggal", async |tx| {
        coop::shu_post(tx, &staff.actor(), &f.kunci, r.id, on, to_savings).await
    })
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/shu/{}", r.id)).into_response()),
        Err(errors) => shu_run_page(&state, &staff, r, errors).await,
    }
}

// --- reports -------------------------------------------------------------------------------------

/// The heading of a report: the co-op, its village, today, and who prints it.
async fn heading(
    state: &AppState,
    staff: &Staff,
    region: &str,
) -> Result<report::Heading, AppError> {
    let village = village_name(state, region).await?;
    Ok(report::Heading::new(
        &format!("Koperasi Desa {village}"),
        &village,
        today(),
        &staff.principal().display_name,
    ))
}

/// Renders a report template off the async workers (Typst takes a moment for long packs).
async fn pdf(
    state: &AppState,
    template: &'static str,
    data: serde_json::Value,
) -> Result<Vec<u8>, AppError> {
    state
        .heavy(move || desmigratif_pdf::render(template, &data, "-"))
        .await?
        .map_err(|e| AppError::Internal(format!("laporan tidak bisa disusun: {e}")))
}

/// Hands a report over as a file — never cached, it holds members' money — and records who took
/// it out of the system; `of` is (entity, id, village).
async fn exported(
    state: &AppState,
    staff: &Staff,
    of: (&str, Id, &str),
    content_type: &str,
    name: String,
    bytes: Vec<u8>,
) -> Result<Response, AppError> {
    use axum::http::header;
    let (entity, id, region) = of;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("coop.export", entity, id, region).detail(&name),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The member statement (*rekening anggota*) as PDF: every savings line and the loans.
pub(crate) async fn statement_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, READ).await?;
    let lines = coop::statement(&state.db, m.id).await?;
    let mut loans = Vec::new();
    for l in coop::loans(&state.db, &m.region_code, Some(m.id), None, 0, 1000)
        .await?
        .0
    {
        let (_, s) = coop::loan_state(&state.db, l.id).await?;
        loans.push(report::MemberLoan {
            product: l.product,
            principal: l.principal,
            status: l
                .status
                .parse()
                .map_err(|_| AppError::Internal("status pinjaman rusak".into()))?,
            outstanding: s.outstanding_principal(),
        });
    }
    let doc = report::MemberStatement::new(
        heading(&state, &staff, &m.region_code).await?,
        &report::Member {
            number: m.number.clone(),
            name: m.name.clone(),
            joined_on: m.joined_on,
        },
        &lines,
        &loans,
    );
    let bytes = pdf(&state, desmigratif_pdf::MEMBER_STATEMENT, doc.to_json()).await?;
    exported(
        &state,
        &staff,
        ("coop_member", m.id, &m.region_code),
        "application/pdf",
        format!("rekening-{}.pdf", m.number),
        bytes,
    )
    .await
}

/// Every member's share in a run with their number and name, by member number: what the run's
/// page and the RAT pack list.
async fn shu_shares(
    state: &AppState,
    r: &ShuRunRow,
) -> Result<Vec<report::ShuMemberLine>, AppError> {
    let names: std::collections::HashMap<Id, MemberRow> = coop::members(&state.db, &r.region_code)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut members: Vec<report::ShuMemberLine> = coop::shu_members(&state.db, r.id)
        .await?
        .into_iter()
        .map(|row| {
            let m = names.get(&row.member_id);
            report::ShuMemberLine {
                number: m.map(|m| m.number.clone()).unwrap_or_default(),
                name: m.map(|m| m.name.clone()).unwrap_or_default(),
                savings: row.savings,
                interest_paid: row.interest_paid,
                transactions: row.transactions,
                capital: row.capital,
                patronage: row.patronage,
                total: row.total,
            }
        })
        .collect();
    members.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(members)
}

/// The RAT pack of a run's year: neraca at the year's end, PHU of the year, the SHU.
async fn rat_pack(
    state: &AppState,
    staff: &Staff,
    r: &ShuRunRow,
) -> Result<report::RatPack, AppError> {
    let start = NaiveDate::from_ymd_opt(r.year, 1, 1).ok_or(AppError::NotFound)?;
    let end = NaiveDate::from_ymd_opt(r.year, 12, 31).ok_or(AppError::NotFound)?;
    let members = shu_shares(state, r).await?;
    let run = report::ShuRun {
        status: r
            .status
            .parse()
            .map_err(|_| AppError::Internal("status SHU rusak".into()))?,
        result: r.result,
        unclaimed: r.unclaimed,
        parts: coop::shu_parts(&state.db, r.id)
            .await?
            .into_iter()
            .map(|(p, bp, a)| (p, bp as u32, a))
            .collect(),
        members,
    };
    Ok(report::RatPack::new(
        heading(state, staff, &r.region_code).await?,
        r.year,
        &coop::neraca(&state.db, &r.region_code, end).await?,
        &coop::phu(&state.db, &r.region_code, start, end).await?,
        Some(&run),
    ))
}

pub(crate) async fn rat_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    let pack = rat_pack(&state, &staff, &r).await?;
    let bytes = pdf(&state, desmigratif_pdf::RAT_PACK, pack.to_json()).await?;
    exported(
        &state,
        &staff,
        ("coop_shu_run", r.id, &r.region_code),
        "application/pdf",
        format!("laporan-rat-{}.pdf", r.year),
        bytes,
    )
    .await
}

pub(crate) async fn rat_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    use desmigratif_docs::{Cell, SheetOut};
    let r = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    let sheets: Vec<SheetOut> = rat_pack(&state, &staff, &r)
        .await?
        .tables()
        .into_iter()
        .map(|t| SheetOut {
            name: t.name,
            headers: t.headers,
            rows: t
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|c| match c {
                            report::Cell::Text(t) => Cell::Text(t),
                            report::Cell::Money(m) => Cell::Money(m),
                        })
                        .collect()
                })
                .collect(),
            text_columns: Vec::new(),
        })
        .collect();
    let bytes = desmigratif_docs::write_workbook(&sheets);
    exported(
        &state,
        &staff,
        ("coop_shu_run", r.id, &r.region_code),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("laporan-rat-{}.xlsx", r.year),
        bytes,
    )
    .await
}

// --- API -----------------------------------------------------------------------------------------

/// The `Idempotency-Key` header every money request carries: a retried request with the same key
/// and body posts once and answers with what the first one created.
fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<String, AppError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_owned)
        .ok_or_else(|| {
            AppError::BadRequest(
                "kirim header Idempotency-Key (1–200 karakter, unik per transaksi) agar transaksi \
                 yang diulang tidak tercatat dua kali"
                    .into(),
            )
        })
}

/// 201 with what was created.
fn created(body: impl serde::Serialize) -> Response {
    (axum::http::StatusCode::CREATED, axum::Json(body)).into_response()
}

/// A member with their savings.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberOut {
    pub id: String,
    pub village_code: String,
    pub number: String,
    pub name: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    /// Balance per kind: `pokok`, `wajib`, `sukarela` (rupiah).
    pub balances: std::collections::BTreeMap<String, i64>,
    pub total: i64,
}

async fn member_out(state: &AppState, m: MemberRow) -> Result<MemberOut, AppError> {
    let balances: std::collections::BTreeMap<String, i64> = coop::balances(&state.db, m.id)
        .await?
        .into_iter()
        .map(|(k, _, b)| (k.as_str().to_owned(), b))
        .collect();
    Ok(MemberOut {
        id: m.id.to_string(),
        village_code: m.region_code,
        number: m.number,
        name: m.name,
        joined_on: m.joined_on,
        left_on: m.left_on,
        total: balances.values().sum(),
        balances,
    })
}

/// The co-op's members by number, 50 a page (`halaman`).
#[utoipa::path(get, path = "/api/v1/coop/members", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<MemberOut>), (status = 403), (status = 404)))]
async fn api_members(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<MemberOut>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let number = q.halaman.unwrap_or(1).max(1);
    let mut out = Vec::new();
    for m in coop::members(&state.db, &region)
        .await?
        .into_iter()
        .skip(((number - 1) * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
    {
        out.push(member_out(&state, m).await?);
    }
    Ok(axum::Json(out))
}

/// A villager joins: `desa`, `orang` (the registry person's id), `nomor`, `tanggal_masuk`.
#[utoipa::path(post, path = "/api/v1/coop/members", tag = "coop", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = MemberOut), (status = 403), (status = 409), (status = 422)))]
async fn api_join(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(f): axum::Json<JoinForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let id = join_member(
        &state,
        &staff,
        &region,
        &f.orang,
        &f.nomor,
        &f.tanggal_masuk,
    )
    .await??;
    let m = coop::member(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(created(member_out(&state, m).await?))
}

/// A member with balances and the whole savings statement.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberStatementOut {
    #[serde(flatten)]
    pub member: MemberOut,
    #[schema(value_type = Vec<Object>)]
    pub statement: Vec<coop::StatementLine>,
}

#[utoipa::path(get, path = "/api/v1/coop/members/{id}", tag = "coop", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = MemberStatementOut), (status = 404)))]
async fn api_member(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<MemberStatementOut>, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, READ).await?;
    let statement = coop::statement(&state.db, m.id).await?;
    Ok(axum::Json(MemberStatementOut {
        member: member_out(&state, m).await?,
        statement,
    }))
}

/// A savings transaction: `anggota` (member id) and the form's fields.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SavingsIn {
    anggota: String,
    #[serde(flatten)]
    form: RawSavingsTxn,
}

/// Deposits or withdraws savings (`jenis`: pokok, wajib, sukarela; `arah`: setor, tarik;
/// `jumlah` in rupiah as text; `tanggal`). Needs `Idempotency-Key`; answers with the member.
#[utoipa::path(post, path = "/api/v1/coop/savings", tag = "coop", security(("bearer" = [])), request_body = Object,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, body = MemberOut), (status = 400), (status = 404), (status = 409), (status = 422)))]
async fn api_savings(
    State(state): State<AppState>,
    staff: Staff,
    headers: axum::http::HeaderMap,
    axum::Json(f): axum::Json<SavingsIn>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let m = staff.load::<MemberRow>(&state, &f.anggota, WRITE).await?;
    move_savings(&state, &staff, &m, &key, &f.form).await??;
    Ok(created(member_out(&state, m).await?))
}

/// A loan with its schedule and payments.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoanOut {
    pub id: String,
    pub member_id: String,
    pub status: String,
    pub method: String,
    pub annual_rate_bp: i32,
    pub principal: i64,
    pub months: i32,
    pub purpose: String,
    pub applied_on: NaiveDate,
    pub disbursed_on: Option<NaiveDate>,
    pub outstanding: i64,
    pub days_past_due: i64,
    /// (no, due_on, principal, interest, total, balance_after)
    #[schema(value_type = Vec<Object>)]
    pub schedule: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub repayments: Vec<coop::RepaymentRow>,
}

async fn loan_out(state: &AppState, l: LoanRow) -> Result<LoanOut, AppError> {
    let (_, s) = coop::loan_state(&state.db, l.id).await?;
    Ok(LoanOut {
        id: l.id.to_string(),
        member_id: l.member_id.to_string(),
        status: l.status.clone(),
        method: l.method.clone(),
        annual_rate_bp: l.annual_rate_bp,
        principal: l.principal,
        months: l.months,
        purpose: l.purpose.clone(),
        applied_on: l.applied_on,
        disbursed_on: l.disbursed_on,
        outstanding: s.outstanding_principal(),
        days_past_due: desmigratif_core::coop::arrears::days_past_due(
            &s.schedule,
            &s.paid,
            today(),
        ),
        schedule: s
            .schedule
            .instalments
            .iter()
            .map(|i| {
                serde_json::json!({"no": i.no, "due_on": i.due_on, "principal": i.principal,
                    "interest": i.interest, "total": i.total, "balance_after": i.balance_after})
            })
            .collect(),
        repayments: coop::repayments(&state.db, l.id).await?,
    })
}

/// The co-op's loans, newest first, 50 a page; `status` narrows them.
#[utoipa::path(get, path = "/api/v1/coop/loans", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 404)))]
async fn api_loans(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<LoanListRow>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let number = q.halaman.unwrap_or(1).max(1);
    let status = q.status.parse::<LoanStatus>().ok();
    let (rows, _) = coop::loans(
        &state.db,
        &region,
        None,
        status.map(|s| s.as_str()),
        (number - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    Ok(axum::Json(rows))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LoanIn {
    anggota: String,
    #[serde(flatten)]
    form: RawLoanApplication,
}

/// A member applies for a loan (`anggota`, `produk` code, `jumlah`, `tenor` months, `keperluan`).
#[utoipa::path(post, path = "/api/v1/coop/loans", tag = "coop", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = LoanOut), (status = 404), (status = 409), (status = 422)))]
async fn api_apply(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(f): axum::Json<LoanIn>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &f.anggota, WRITE).await?;
    let id = apply_loan(&state, &staff, &m, &f.form).await??;
    let l = coop::loan(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(created(loan_out(&state, l).await?))
}

#[utoipa::path(get, path = "/api/v1/coop/loans/{id}", tag = "coop", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = LoanOut), (status = 404)))]
async fn api_loan(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<LoanOut>, AppError> {
    let (l, _) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, READ)
        .await?;
    Ok(axum::Json(loan_out(&state, l).await?))
}

/// Receives a repayment (`jumlah`, `tanggal`), allocated penalty → interest → principal by the
/// product's order. Needs `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/coop/loans/{id}/repayments", tag = "coop", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = String, Header)), request_body = Object,
    responses((status = 201, body = LoanOut), (status = 400), (status = 404), (status = 422)))]
async fn api_repay(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    axum::Json(f): axum::Json<RawPayment>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let (l, _) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    repay_loan(&state, &staff, &l, &key, &f).await??;
    let l = coop::loan(&state.db, l.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(created(loan_out(&state, l).await?))
}

/// Posted journal entries, latest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/coop/journal", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 404)))]
async fn api_journal(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<EntryRow>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let number = q.halaman.unwrap_or(1).max(1);
    let (rows, _) = coop::journal(&state.db, &region, (number - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    Ok(axum::Json(rows))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct JournalIn {
    desa: String,
    #[serde(flatten)]
    form: RawJournal,
}

/// Posts a manual entry: `desa`, `tanggal`, `keterangan`, `baris` = [{`akun`, `debit`, `kredit`}].
/// Needs `Idempotency-Key`; answers with the entry's id.
#[utoipa::path(post, path = "/api/v1/coop/journal", tag = "coop", security(("bearer" = [])), request_body = Object,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, body = Object), (status = 400), (status = 403), (status = 422)))]
async fn api_add_journal(
    State(state): State<AppState>,
    staff: Staff,
    headers: axum::http::HeaderMap,
    axum::Json(f): axum::Json<JournalIn>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let s = coop::settings(&state.db, &region)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = post_journal(&state, &staff, &region, &s, &key, &f.form).await??;
    Ok(created(serde_json::json!({"id": id.to_string()})))
}

/// The trial balance and the neraca on `tanggal` (today when left out).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StatementsOut {
    pub on: NaiveDate,
    #[schema(value_type = Object)]
    pub trial_balance: desmigratif_core::coop::ledger::TrialBalance,
    #[schema(value_type = Object)]
    pub neraca: desmigratif_core::coop::ledger::Neraca,
}

#[utoipa::path(get, path = "/api/v1/coop/journal/balances", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = StatementsOut), (status = 403), (status = 404)))]
async fn api_balances(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<StatementsOut>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let on = on_day(&q.tanggal)?;
    Ok(axum::Json(StatementsOut {
        on,
        trial_balance: coop::trial_balance(&state.db, &region, on).await?,
        neraca: coop::neraca(&state.db, &region, on).await?,
    }))
}

/// A year's SHU: the run, its parts and the members' shares.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ShuOut {
    #[schema(value_type = Object)]
    pub run: ShuRunRow,
    /// (part, basis points, amount)
    #[schema(value_type = Vec<Object>)]
    pub parts: Vec<(String, i32, i64)>,
    #[schema(value_type = Vec<Object>)]
    pub members: Vec<coop::ShuMemberRow>,
}

async fn shu_out(state: &AppState, run: ShuRunRow) -> Result<ShuOut, AppError> {
    Ok(ShuOut {
        parts: coop::shu_parts(&state.db, run.id)
            .await?
            .into_iter()
            .map(|(p, bp, a)| (p.as_str().to_owned(), bp, a))
            .collect(),
        members: coop::shu_members(&state.db, run.id).await?,
        run,
    })
}

#[utoipa::path(get, path = "/api/v1/coop/shu", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 404)))]
async fn api_shu_runs(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<ShuRunRow>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    Ok(axum::Json(coop::shu_runs(&state.db, &region).await?))
}

/// Computes a closed year's SHU as a draft to preview (`desa`, `tahun`, the parts' percentages
/// as text — `cadangan`, `jasa_modal`, `jasa_anggota`, … — and `jasa_anggota_bunga`).
#[utoipa::path(post, path = "/api/v1/coop/shu", tag = "coop", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = ShuOut), (status = 403), (status = 422)))]
async fn api_compute_shu(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(f): axum::Json<PlanForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let id = compute_shu(&state, &staff, &region, &f.plan).await??;
    let run = coop::shu_run(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(created(shu_out(&state, run).await?))
}

#[utoipa::path(get, path = "/api/v1/coop/shu/{id}", tag = "coop", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ShuOut), (status = 404)))]
async fn api_shu_run(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<ShuOut>, AppError> {
    let run = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    Ok(axum::Json(shu_out(&state, run).await?))
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_members, api_join))
        .routes(routes!(api_member))
        .routes(routes!(api_savings))
        .routes(routes!(api_loans, api_apply))
        .routes(routes!(api_loan))
        .routes(routes!(api_repay))
        .routes(routes!(api_journal, api_add_journal))
        .routes(routes!(api_balances))
        .routes(routes!(api_shu_runs, api_compute_shu))
        .routes(routes!(api_shu_run))
}
