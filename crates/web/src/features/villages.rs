//! The villages this deployment serves and their office profile (letterhead and signer come from
//! here). The profile is public information of a village office; changing it belongs to the
//! letters compartment of that village.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, Target};
use crate::error::AppError;
use crate::page::{Page, render, render_form, when};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::region::{RegionCode, Scope};
use desmigratif_core::village::VillageProfile;
use desmigratif_db::villages::{self, VillageRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The village with this code, or 404 when the code is malformed or not served here.
async fn served(state: &AppState, code: &str) -> Result<(RegionCode, VillageRow), AppError> {
    let code: RegionCode = code.parse().map_err(|_| AppError::NotFound)?;
    let row = villages::by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((code, row))
}

/// Validates and saves a profile; the one path for the page and the API.
async fn save_profile(
    state: &AppState,
    staff: &Staff,
    code: &RegionCode,
    row: &VillageRow,
    input: VillageProfile,
) -> Result<Result<Vec<&'static str>, FieldErrors>, AppError> {
    let place = Scope::Region(code.clone());
    staff
        .allow(
            state,
            Action::Write(Compartment::Letters),
            &Place::of(&place),
            Target::Object {
                entity: "village",
                id: &row.id.to_string(),
            },
        )
        .await?;
    let profile = match input.validated() {
        Ok(p) => p,
        Err(errs) => {
            let mut errors = FieldErrors::default();
            errs.into_iter().for_each(|e| errors.push(e));
            return Ok(Err(errors));
        }
    };
    let mut tx = state.db.begin().await?;
    let changed = villages::update_profile(&mut tx, &staff.actor(), row, &profile).await?;
    tx.commit().await?;
    Ok(Ok(changed))
}

pub struct VillageLine {
    pub code: String,
    pub name: String,
    pub place: String,
    pub head: String,
}

#[derive(Template)]
#[template(path = "villages.html")]
struct VillagesPage {
    page: Page,
    villages: Vec<VillageLine>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::Read(Compartment::Letters), "village.list")
        .await?;
    let rows = villages::list_within(&state.db, &staff.principal().scope).await?;
    render(VillagesPage {
        page: Page::new(&staff.ctx, "villages.title"),
        villages: rows
            .into_iter()
            .map(|v| VillageLine {
                place: super::dashboard::place_of(&v.code, &state.regions),
                head: format!("{} {}", v.head_title, v.head_name)
                    .trim()
                    .to_owned(),
                code: v.code,
                name: v.name,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "village.html")]
struct VillagePage {
    page: Page,
    code: String,
    name: String,
    place: String,
    profile: VillageProfile,
    errors: FieldErrors,
    can_edit: bool,
    saved: bool,
    updated: String,
    history: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notice {
    ok: String,
}

async fn village_page(
    state: &AppState,
    staff: &Staff,
    code: &RegionCode,
    row: &VillageRow,
    profile: VillageProfile,
    errors: FieldErrors,
    saved: bool,
) -> Result<Response, AppError> {
    let can_edit = staff.principal().may(
        Action::Write(Compartment::Letters),
        &Place::of(&Scope::Region(code.clone())),
    );
    let history =
        desmigratif_db::audit::changes_of(&state.db, "village", &row.id.to_string()).await?;
    let needs_correction = !errors.is_empty();
    render_form(
        VillagePage {
            page: Page::new(&staff.ctx, "villages.profile"),
            code: code.to_string(),
            name: row.name.clone(),
            place: super::dashboard::place_of(code.as_str(), &state.regions),
            profile,
            errors,
            can_edit,
            saved,
            updated: when(&row.updated_at),
            history,
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Query(n): Query<Notice>,
) -> Result<Response, AppError> {
    let (code, row) = served(&state, &code).await?;
    staff
        .allow(
            &state,
            Action::Read(Compartment::Letters),
            &Place::of(&Scope::Region(code.clone())),
            Target::Object {
                entity: "village",
                id: &row.id.to_string(),
            },
        )
        .await?;
    village_page(
        &state,
        &staff,
        &code,
        &row,
        row.profile(),
        FieldErrors::default(),
        n.ok == "tersimpan",
    )
    .await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(input): Form<VillageProfile>,
) -> Result<Response, AppError> {
    let (code, row) = served(&state, &code).await?;
    match save_profile(&state, &staff, &code, &row, input.clone()).await? {
        Ok(_) => Ok(Redirect::to(&format!("/app/desa/{code}?ok=tersimpan")).into_response()),
        Err(errors) => village_page(&state, &staff, &code, &row, input, errors, false).await,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct VillageOut {
    code: String,
    name: String,
    /// Kecamatan, kabupaten/kota and province.
    place: String,
    head_title: String,
    head_name: String,
    office_address: String,
    phone: String,
    email: String,
}

fn out(state: &AppState, v: VillageRow) -> VillageOut {
    VillageOut {
        place: super::dashboard::place_of(&v.code, &state.regions),
        code: v.code,
        name: v.name,
        head_title: v.head_title,
        head_name: v.head_name,
        office_address: v.office_address,
        phone: v.phone,
        email: v.email,
    }
}

/// The villages this deployment serves, with their public office profile.
#[utoipa::path(get, path = "/api/v1/villages", tag = "villages", responses((status = 200, body = Vec<VillageOut>)))]
async fn api_list(State(state): State<AppState>) -> Result<Json<Vec<VillageOut>>, AppError> {
    Ok(Json(
        villages::list(&state.db)
            .await?
            .into_iter()
            .map(|v| out(&state, v))
            .collect(),
    ))
}

/// One served village.
#[utoipa::path(get, path = "/api/v1/villages/{code}", tag = "villages", params(("code" = String, Path)), responses((status = 200, body = VillageOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<VillageOut>, AppError> {
    let (_, row) = served(&state, &code).await?;
    Ok(Json(out(&state, row)))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct ProfileIn {
    head_title: String,
    head_name: String,
    office_address: String,
    phone: String,
    email: String,
}

/// Replaces a village's office profile (letters compartment of that village).
#[utoipa::path(put, path = "/api/v1/villages/{code}", tag = "villages", security(("bearer" = [])), params(("code" = String, Path)), request_body = ProfileIn,
    responses((status = 200, body = VillageOut), (status = 404), (status = 422)))]
async fn api_update(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Json(input): Json<ProfileIn>,
) -> Result<Json<VillageOut>, AppError> {
    let (code, row) = served(&state, &code).await?;
    let profile = VillageProfile {
        head_title: input.head_title,
        head_name: input.head_name,
        office_address: input.office_address,
        phone: input.phone,
        email: input.email,
    };
    save_profile(&state, &staff, &code, &row, profile)
        .await?
        .map_err(|e| AppError::Invalid(e.0))?;
    let row = villages::by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(out(&state, row)))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_one, api_update))
}
