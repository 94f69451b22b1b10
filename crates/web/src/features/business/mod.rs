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

pub(crate) mod aid;
pub(crate) mod api;
pub(crate) mod edit;
pub(crate) mod list;
pub(crate) mod page;
use aid::*;
pub use api::api;
use list::*;
use page::*;
