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

pub(crate) mod api;
pub(crate) mod case;
pub(crate) mod counts;
pub(crate) mod intake;
pub(crate) mod list;
pub use api::api;
use intake::*;
use list::*;
