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

pub(crate) mod api;
pub(crate) mod edit;
pub(crate) mod list;
pub(crate) mod page;
pub use api::api;
use edit::*;
use list::*;
