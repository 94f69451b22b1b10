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

const READ: Action = Action::Read(Compartment::Cooperative);
const WRITE: Action = Action::Write(Compartment::Cooperative);
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
async fn village(
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

pub(crate) mod api;
pub(crate) mod books;
pub(crate) mod journal;
pub(crate) mod loans;
pub(crate) mod member;
pub(crate) mod members;
pub(crate) mod products;
pub(crate) mod reports;
pub(crate) mod setup;
pub(crate) mod shu;
pub use api::api;
use journal::*;
use loans::*;
use member::*;
use members::*;
use reports::*;
use setup::*;
use shu::*;
