//! Document requirement sets (UU 18/2017 Pasal 13 and registration documents), kept as data that
//! national staff change when the law changes; new episodes take the set that applies to their
//! destination and occupation.

use super::FieldErrors;
use crate::AppState;
use crate::auth::Staff;
use crate::error::AppError;
use crate::page::{Page, render_form};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::catalog::{self, COUNTRIES, OCCUPATIONS};
use desmigratif_core::id::Id;
use desmigratif_core::text::clean_spaces;
use desmigratif_db::registry::{self, RequirementRecord, RequirementRow};

#[derive(Template)]
#[template(path = "requirements.html")]
struct RequirementsPage {
    page: Page,
    rows: Vec<RequirementRow>,
    can_edit: bool,
    form: NewRequirement,
    errors: FieldErrors,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct NewRequirement {
    code: String,
    label: String,
    legal_basis: String,
    destination: String,
    occupation: String,
    expires: String,
    position: String,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    form: NewRequirement,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let needs_correction = !errors.is_empty();
    render_form(
        RequirementsPage {
            page: Page::new(&staff.ctx, "requirements.title"),
            rows: registry::requirements(&state.db).await?,
            can_edit: staff
                .principal()
                .may(Action::EditReference, &Place::National),
            form,
            errors,
            countries: COUNTRIES,
            occupations: OCCUPATIONS,
        },
        needs_correction,
    )
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(
            &state,
            Action::Read(Compartment::Registry),
            "requirement.list",
        )
        .await?;
    page(
        &state,
        &staff,
        NewRequirement {
            position: "100".into(),
            ..Default::default()
        },
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn add(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<NewRequirement>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "requirement.create")
        .await?;
    let mut errors = FieldErrors::default();
    let code = f.code.trim().to_lowercase();
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        errors.add(
            "code",
            "kode 1–40 karakter: huruf kecil, angka, garis bawah (mis. surat_keterangan_polisi)",
        );
    }
    let label = clean_spaces(&f.label);
    if label.is_empty() || label.chars().count() > 200 {
        errors.add(
            "label",
            "nama dokumen wajib diisi, paling banyak 200 karakter",
        );
    }
    let legal_basis = clean_spaces(&f.legal_basis);
    if legal_basis.is_empty() {
        errors.add(
            "legal_basis",
            "dasar hukum wajib diisi (mis. UU 18/2017 Pasal 13)",
        );
    }
    let destination = f.destination.trim().to_uppercase();
    if !destination.is_empty() && catalog::country(&destination).is_none() {
        errors.add("destination", "negara tidak dikenal");
    }
    let occupation = f.occupation.trim().to_owned();
    if !occupation.is_empty() && catalog::occupation(&occupation).is_none() {
        errors.add("occupation", "jabatan tidak dikenal");
    }
    let position = f
        .position
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|p| (1..=999).contains(p));
    if position.is_none() {
        errors.add("position", "urutan berupa angka 1–999");
    }
    let (Some(position), true) = (position, errors.is_empty()) else {
        return page(&state, &staff, f, errors).await;
    };
    let record = RequirementRecord {
        code,
        label,
        legal_basis,
        destination,
        occupation,
        expires: f.expires == "ya",
        position,
    };
    let mut tx = state.db.begin().await?;
    match registry::add_requirement(&mut tx, &staff.actor(), &record).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/app/persyaratan").into_response())
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            errors.add("code", m);
            page(&state, &staff, f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Toggle {
    aktif: String,
}

pub(crate) async fn toggle(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Toggle>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "requirement.update")
        .await?;
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    registry::set_requirement_active(&mut tx, &staff.actor(), id, f.aktif == "ya").await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/persyaratan").into_response())
}
