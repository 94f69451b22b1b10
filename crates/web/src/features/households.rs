//! Pillar 1 — households (Kartu Keluarga): members and relationships, and the household page
//! that gathers the family's migrants (later pillars add children, businesses and membership).

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, Target, guarded};
use crate::error::AppError;
use crate::page::{Page, render_form};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::catalog::{self, RELATIONSHIPS};
use desmigratif_core::migration::{self, Stage};
use desmigratif_core::nik::Nik;
use desmigratif_core::region::Scope;
use desmigratif_core::text::clean_spaces;
use desmigratif_db::registry::{self, HouseholdRecord, HouseholdRow, KK_CONTEXT, NIK_CONTEXT};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Read(Compartment::Registry);
const WRITE: Action = Action::Write(Compartment::Registry);
const PAGE_SIZE: i64 = 50;

guarded!(HouseholdRow, "household", registry::household, village_code);

/// A KK number has the same 16-digit shape as a NIK (region, date-like middle, serial) but the
/// middle is the issue date, not a birth date: only the digits and length are checked.
fn parse_kk(raw: &str) -> Result<String, String> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    if digits.len() == 16 && digits.chars().all(|c| c.is_ascii_digit()) && !digits.ends_with("0000")
    {
        Ok(digits)
    } else {
        Err(format!(
            "nomor KK harus 16 angka (ditemukan {} karakter)",
            digits.chars().count()
        ))
    }
}

pub struct Line {
    pub id: String,
    pub kk: String,
    pub head: String,
    pub dusun: String,
    pub members: i64,
}

#[derive(Template)]
#[template(path = "households.html")]
struct HouseholdsPage {
    page: Page,
    lines: Vec<Line>,
    total: i64,
    villages: Vec<(String, String)>,
    errors: FieldErrors,
    kk: String,
    dusun: String,
    rt: String,
    rw: String,
    address: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    halaman: Option<i64>,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct NewForm {
    desa: String,
    kk: String,
    dusun: String,
    rt: String,
    rw: String,
    address: String,
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    page_no: i64,
    form: NewForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let scope = staff.principal().scope.as_stored().to_owned();
    let (rows, total) =
        registry::list_households(&state.db, &scope, (page_no - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let villages = super::persons::villages_where(state, staff, WRITE).await?;
    let needs_correction = !errors.is_empty();
    render_form(
        HouseholdsPage {
            page: Page::new(&staff.ctx, "households.title"),
            lines: rows
                .into_iter()
                .map(|h| Line {
                    id: h.id.to_string(),
                    kk: desmigratif_core::nik::masked(&h.kk_prefix),
                    head: h.head.unwrap_or_default(),
                    dusun: h.dusun,
                    members: h.members,
                })
                .collect(),
            total,
            villages,
            errors,
            kk: form.kk,
            dusun: form.dusun,
            rt: form.rt,
            rw: form.rw,
            address: form.address,
        },
        needs_correction,
    )
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "household.list").await?;
    list_page(
        &state,
        &staff,
        q.halaman.unwrap_or(1).max(1),
        NewForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<NewForm>,
) -> Result<Response, AppError> {
    let place = f
        .desa
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::BadRequest("pilih desa".into()))?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "household.create",
            },
        )
        .await?;
    let mut errors = FieldErrors::default();
    let kk = parse_kk(&f.kk).map_err(|m| errors.add("kk", m)).ok();
    let rt = clean_spaces(&f.rt);
    let rw = clean_spaces(&f.rw);
    if !rt.chars().all(|c| c.is_ascii_digit())
        || rt.len() > 3
        || !rw.chars().all(|c| c.is_ascii_digit())
        || rw.len() > 3
    {
        errors.add("rt", "RT dan RW berupa angka 1–999");
    }
    let (Some(kk), true) = (kk, errors.is_empty()) else {
        return list_page(&state, &staff, 1, f, errors).await;
    };
    let record = HouseholdRecord {
        village_code: f.desa.clone(),
        kk_enc: state.keys.encrypt_str(KK_CONTEXT, &kk),
        kk_index: state.keys.blind_index(KK_CONTEXT, &kk),
        kk_prefix: kk[..6].to_owned(),
        dusun: clean_spaces(&f.dusun),
        rt: if rt.is_empty() {
            rt
        } else {
            format!("{:03}", rt.parse::<u16>().unwrap_or(0))
        },
        rw: if rw.is_empty() {
            rw
        } else {
            format!("{:03}", rw.parse::<u16>().unwrap_or(0))
        },
        address: clean_spaces(&f.address),
    };
    let mut tx = state.db.begin().await?;
    match registry::create_household(&mut tx, &staff.actor(), &record).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/keluarga/{id}")).into_response())
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            errors.add("kk", m);
            list_page(&state, &staff, 1, f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Member {
    pub id: String,
    pub name: String,
    pub relationship: String,
    pub nik: String,
    pub age: i32,
}

pub struct Migrant {
    pub episode_id: String,
    pub name: String,
    pub destination: String,
    pub stage: &'static str,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    page: Page,
    h: HouseholdRow,
    place: String,
    members: Vec<Member>,
    migrants: Vec<Migrant>,
    can_write: bool,
    relationships: &'static [catalog::Choice],
    errors: FieldErrors,
    member_nik: String,
}

async fn household_page(
    state: &AppState,
    staff: &Staff,
    h: HouseholdRow,
    errors: FieldErrors,
    member_nik: String,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let people = registry::members(&state.db, h.id).await?;
    let mut migrants = Vec::new();
    for p in &people {
        for e in registry::episodes_of(&state.db, p.id).await? {
            migrants.push(Migrant {
                episode_id: e.id.to_string(),
                name: p.name.clone(),
                destination: catalog::country(&e.destination)
                    .map(|c| c.id.to_owned())
                    .unwrap_or_default(),
                stage: Stage::parse(&e.stage)
                    .map(if lang == crate::Lang::En {
                        migration::label_en
                    } else {
                        migration::label_id
                    })
                    .unwrap_or("?"),
            });
        }
    }
    let today = super::persons::today();
    let needs_correction = !errors.is_empty();
    render_form(
        HouseholdPage {
            page: Page::new(&staff.ctx, "households.title"),
            place: super::dashboard::place_of(&h.village_code, &state.regions),
            members: people
                .into_iter()
                .map(|p| Member {
                    id: p.id.to_string(),
                    relationship: catalog::choice(RELATIONSHIPS, &p.relationship)
                        .map(|c| c.id.to_owned())
                        .unwrap_or_default(),
                    nik: desmigratif_core::nik::masked(&p.nik_prefix),
                    age: today.years_since(p.birth_date).unwrap_or(0) as i32,
                    name: p.name,
                })
                .collect(),
            migrants,
            can_write: staff.principal().may_in_village(WRITE, &h.village_code),
            relationships: RELATIONSHIPS,
            errors,
            member_nik,
            h,
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let h = staff.load::<HouseholdRow>(&state, &id, READ).await?;
    household_page(&state, &staff, h, FieldErrors::default(), String::new()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct MemberForm {
    nik: String,
    relationship: String,
}

/// Adds a registered person to the household by NIK. The person must live in the same village.
pub(crate) async fn add_member(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Result<Response, AppError> {
    let h = staff.load::<HouseholdRow>(&state, &id, WRITE).await?;
    let mut errors = FieldErrors::default();
    if catalog::choice(RELATIONSHIPS, &f.relationship).is_none() {
        errors.add("relationship", "pilih hubungan dalam KK");
    }
    let person = match Nik::parse(&f.nik) {
        Err(e) => {
            errors.push(e);
            None
        }
        Ok(nik) => {
            match registry::person_by_nik_index(
                &state.db,
                &state.keys.blind_index(NIK_CONTEXT, nik.as_str()),
            )
            .await?
            {
                Some(p) if p.village_code == h.village_code => Some(p),
                _ => {
                    errors.add("nik", "NIK ini belum terdaftar sebagai penduduk desa ini; daftarkan dulu orangnya");
                    None
                }
            }
        }
    };
    let (Some(p), true) = (person, errors.is_empty()) else {
        return household_page(&state, &staff, h, errors, f.nik).await;
    };
    let mut tx = state.db.begin().await?;
    registry::set_membership(&mut tx, &staff.actor(), &p, Some(h.id), &f.relationship).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/keluarga/{}", h.id)).into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct HouseholdOut {
    id: String,
    village_code: String,
    /// Masked: the six region digits of the KK number, then bullets.
    kk_masked: String,
    dusun: String,
    rt: String,
    rw: String,
    address: String,
    #[schema(value_type = Vec<Object>)]
    members: Vec<MemberOut>,
}

#[derive(serde::Serialize)]
struct MemberOut {
    person_id: String,
    name: String,
    relationship: String,
    /// Masked: the six region digits, then bullets.
    nik_masked: String,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
struct ApiListQuery {
    /// Page number from 1 (50 a page).
    page: Option<i64>,
}

/// Households in the caller's scope.
#[utoipa::path(get, path = "/api/v1/households", tag = "registry", security(("bearer" = [])), params(ApiListQuery), responses((status = 200, body = Vec<Object>), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<Vec<registry::HouseholdListRow>>, AppError> {
    staff.allow_here(&state, READ, "household.list").await?;
    let page = q.page.unwrap_or(1).max(1);
    Ok(Json(
        registry::list_households(
            &state.db,
            staff.principal().scope.as_stored(),
            (page - 1) * PAGE_SIZE,
            PAGE_SIZE,
        )
        .await?
        .0,
    ))
}

/// One household with its members.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = HouseholdOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<HouseholdOut>, AppError> {
    let h = staff.load::<HouseholdRow>(&state, &id, READ).await?;
    let members = registry::members(&state.db, h.id)
        .await?
        .into_iter()
        .map(|p| MemberOut {
            person_id: p.id.to_string(),
            name: p.name,
            relationship: p.relationship,
            nik_masked: desmigratif_core::nik::masked(&p.nik_prefix),
        })
        .collect();
    Ok(Json(HouseholdOut {
        id: h.id.to_string(),
        village_code: h.village_code,
        kk_masked: desmigratif_core::nik::masked(&h.kk_prefix),
        dusun: h.dusun,
        rt: h.rt,
        rw: h.rw,
        address: h.address,
        members,
    }))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_one))
}
