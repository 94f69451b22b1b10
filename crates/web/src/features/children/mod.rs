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

pub(crate) mod api;
pub(crate) mod child;
pub(crate) mod edit;
pub(crate) mod indicators;
pub(crate) mod list;
pub(crate) mod sessions;
pub use api::api;
use edit::*;
use list::*;
use sessions::*;
