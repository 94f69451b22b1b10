//! Managing staff accounts (admins, within their own scope).

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, guarded};
use crate::error::AppError;
use crate::page::{Page, render, render_form, when};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Compartments, Place, Role};
use desmigratif_core::id::Id;
use desmigratif_core::region::Scope;
use desmigratif_core::{password, user};
use desmigratif_db::users::{self, NewUser, UserRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PAGE_SIZE: i64 = 50;

/// What is asked to create an account, from a form or JSON.
#[derive(serde::Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    /// One of the roles, e.g. `operator_desa`.
    pub role: String,
    /// Region-code prefix (`32.12.16.2004` for a village, `32.12` for a kabupaten); empty = nation.
    pub scope: String,
    /// Compartments to grant; empty = the role's defaults.
    pub compartments: Vec<String>,
    /// The first password; the user changes it after logging in.
    pub password: String,
}

/// Checks every field (reporting all problems at once) and creates the account.
async fn create(
    state: &AppState,
    staff: &Staff,
    input: &UserInput,
) -> Result<Result<Id, FieldErrors>, AppError> {
    staff
        .allow_here(state, Action::ManageUsers, "user.create")
        .await?;
    let mut errors = FieldErrors::default();
    let username = user::parse_username(&input.username)
        .map_err(|e| errors.push(e))
        .ok();
    let display_name = user::parse_display_name(&input.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    let role: Option<Role> = input.role.parse().map_err(|e| errors.push(e)).ok();
    let scope = Scope::from_stored(&input.scope)
        .map_err(|e| errors.push(e))
        .ok();
    let compartments = Compartments::from_stored(&input.compartments.join(","))
        .map_err(|e| errors.push(e))
        .ok();
    if let (Some(role), Some(scope)) = (role, &scope) {
        if let Err(e) = role.valid_scope(scope) {
            errors.push(e);
        } else if !staff
            .principal()
            .may(Action::ManageUsers, &Place::of(scope))
        {
            errors.add(
                "scope",
                "cakupan akun baru harus berada di dalam cakupan Anda",
            );
        } else if let Scope::Region(code) = scope
            && state.regions.get(code).is_none()
        {
            errors.add(
                "scope",
                format!("kode wilayah {code} tidak ada dalam daftar Kemendagri"),
            );
        }
    }
    let compartments = match (role, compartments) {
        (Some(role), Some(c)) if c == Compartments::default() => {
            Some(Compartments::new(role.compartments().to_vec()))
        }
        (Some(role), Some(c)) => c
            .check_for(role)
            .map_err(|e| errors.push(e))
            .ok()
            .map(|_| c),
        _ => None,
    };
    if let Some(name) = &username
        && let Err(e) = user::check_new_password(&input.password, name)
    {
        errors.push(e);
    }
    let (Some(username), Some(display_name), Some(role), Some(scope), Some(compartments), true) = (
        username,
        display_name,
        role,
        scope,
        compartments,
        errors.is_empty(),
    ) else {
        return Ok(Err(errors));
    };
    let cost = state.config.password_cost;
    let pw = input.password.clone();
    let password_hash = state
        .passwords
        .run(super::session::PASSWORD_WAIT, move || {
            password::hash(&pw, cost)
        })
        .await?;
    let mut tx = state.db.begin().await?;
    let new = NewUser {
        username,
        display_name,
        password_hash,
        role,
        scope,
        compartments,
    };
    match users::create(&mut tx, &staff.actor(), &new).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Ok(id))
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            errors.add("username", m);
            Ok(Err(errors))
        }
        Err(e) => Err(e.into()),
    }
}

// An account is managed from the place of its scope: a regional admin reaches the accounts of
// its region, never one above it.
guarded!(UserRow, "user", users::by_id, scope);

/// One page (from 1) of the accounts the caller manages, and how many there are in all.
async fn visible_page(
    state: &AppState,
    staff: &Staff,
    page_no: i64,
) -> Result<(Vec<UserRow>, i64), AppError> {
    staff
        .allow_here(state, Action::ManageUsers, "user.list")
        .await?;
    Ok(users::list_within(
        &state.db,
        &staff.principal().scope,
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?)
}

pub struct UserLine {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub scope: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserLine>,
    page_no: i64,
    pages: i64,
    total: i64,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    halaman: Option<i64>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, total) = visible_page(&state, &staff, page_no).await?;
    let lang = staff.ctx.lang;
    render(UsersPage {
        page: Page::new(&staff.ctx, "users.title"),
        users: rows
            .into_iter()
            .map(|u| UserLine {
                id: u.id.to_string(),
                role: lang.t(&format!("role.{}", u.role)),
                scope: if u.scope.is_empty() {
                    lang.t("scope.national").to_owned()
                } else {
                    u.scope.clone()
                },
                username: u.username,
                display_name: u.display_name,
                disabled: u.disabled,
            })
            .collect(),
        page_no,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        total,
    })
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage {
    page: Page,
    input: UserInput,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
    compartments: Vec<(&'static str, &'static str)>,
}

impl UserFormPage {
    fn checked(&self, c: &str) -> bool {
        self.input.compartments.iter().any(|x| x == c)
    }
}

fn form_page(staff: &Staff, input: UserInput, errors: FieldErrors) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let needs_correction = !errors.is_empty();
    render_form(
        UserFormPage {
            page: Page::new(&staff.ctx, "users.new"),
            input,
            errors,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), lang.t(&format!("role.{r}"))))
                .collect(),
            compartments: Compartment::ALL
                .iter()
                .map(|c| (c.as_str(), lang.t(&format!("compartment.{c}"))))
                .collect(),
        },
        needs_correction,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::ManageUsers, "user.create")
        .await?;
    form_page(
        &staff,
        UserInput {
            scope: staff.principal().scope.as_stored().to_owned(),
            ..Default::default()
        },
        FieldErrors::default(),
    )
}

/// Form bodies repeat `compartments` once per ticked box; serde_urlencoded cannot collect
/// repeated keys into a Vec, so the pairs are gathered by hand.
fn input_from_form(pairs: Vec<(String, String)>) -> UserInput {
    let mut input = UserInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "username" => input.username = v,
            "display_name" => input.display_name = v,
            "role" => input.role = v,
            "scope" => input.scope = v,
            "password" => input.password = v,
            "compartments" => input.compartments.push(v),
            _ => {}
        }
    }
    input
}

pub(crate) async fn create_from_form(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let input = input_from_form(pairs);
    match create(&state, &staff, &input).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/pengguna/{id}?ok=dibuat")).into_response()),
        Err(errors) => form_page(
            &staff,
            UserInput {
                password: String::new(),
                ..input
            },
            errors,
        ),
    }
}

#[derive(Template)]
#[template(path = "user_detail.html")]
struct UserDetailPage {
    page: Page,
    id: String,
    username: String,
    display_name: String,
    role: &'static str,
    scope: String,
    compartments: Vec<&'static str>,
    /// What the role may hold, as (value, label, held) for the access form.
    grantable: Vec<(&'static str, &'static str, bool)>,
    disabled: bool,
    locked_until: Option<String>,
    created: String,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    is_self: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notice {
    ok: String,
}

fn detail_page(
    state: &AppState,
    staff: &Staff,
    row: &UserRow,
    notice: Option<&'static str>,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let p = row.principal()?;
    render_form(
        UserDetailPage {
            page: Page::new(&staff.ctx, "users.detail"),
            id: row.id.to_string(),
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            role: lang.t(&format!("role.{}", p.role)),
            scope: super::dashboard::scope_label(&p.scope, &state.regions, lang),
            compartments: p
                .compartments
                .iter()
                .map(|c| lang.t(&format!("compartment.{c}")))
                .collect(),
            grantable: p
                .role
                .may_hold()
                .into_iter()
                .map(|c| {
                    let label = lang.t(&format!("compartment.{c}"));
                    (c.as_str(), label, p.compartments.contains(c))
                })
                .collect(),
            disabled: row.disabled,
            locked_until: row
                .locked_until
                .filter(|t| *t > desmigratif_core::now())
                .as_ref()
                .map(when),
            created: when(&row.created_at),
            notice,
            error,
            is_self: row.id == staff.principal().user_id,
        },
        error.is_some(),
    )
}

pub(crate) async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<UserRow>(&state, &id, Action::ManageUsers)
        .await?;
    let notice = match n.ok.as_str() {
        "dibuat" => Some("users.created"),
        "diubah" => Some("users.status_changed"),
        "akses" => Some("users.access_changed"),
        _ => None,
    };
    detail_page(&state, &staff, &row, notice, None)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct StatusForm {
    /// `nonaktif` or `aktif`.
    status: String,
    /// The confirmation box; disabling logs the person out everywhere.
    yakin: String,
}

pub(crate) async fn set_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<UserRow>(&state, &id, Action::ManageUsers)
        .await?;
    let disable = match f.status.as_str() {
        "nonaktif" => true,
        "aktif" => false,
        _ => {
            return Err(AppError::BadRequest(
                "status harus «aktif» atau «nonaktif»".into(),
            ));
        }
    };
    if disable && row.id == staff.principal().user_id {
        return detail_page(
            &state,
            &staff,
            &row,
            None,
            Some("users.cannot_disable_self"),
        );
    }
    if f.yakin != "ya" {
        return detail_page(&state, &staff, &row, None, Some("users.confirm_required"));
    }
    let mut tx = state.db.begin().await?;
    users::set_disabled(&mut tx, &staff.actor(), &row, disable).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/pengguna/{}?ok=diubah", row.id)).into_response())
}

/// Grants and withdraws compartments of an existing account: the boxes ticked are what it holds
/// from its next request on. Nobody edits their own access (another admin must), and a role never
/// holds what it may not (a treasurer never sees cases).
pub(crate) async fn set_access(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<UserRow>(&state, &id, Action::ManageUsers)
        .await?;
    if row.id == staff.principal().user_id {
        return detail_page(
            &state,
            &staff,
            &row,
            None,
            Some("users.cannot_edit_own_access"),
        );
    }
    let ticked: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "compartments")
        .map(|(_, v)| v.as_str())
        .collect();
    let role = row.principal()?.role;
    let Ok(compartments) =
        Compartments::from_stored(&ticked.join(",")).and_then(|c| c.check_for(role).map(|()| c))
    else {
        return detail_page(
            &state,
            &staff,
            &row,
            None,
            Some("users.access_not_for_role"),
        );
    };
    let mut tx = state.db.begin().await?;
    users::set_compartments(&mut tx, &staff.actor(), &row, &compartments).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/pengguna/{}?ok=akses", row.id)).into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct UserOut {
    id: String,
    username: String,
    display_name: String,
    role: String,
    scope: String,
    compartments: String,
    disabled: bool,
}

impl From<UserRow> for UserOut {
    fn from(u: UserRow) -> UserOut {
        UserOut {
            id: u.id.to_string(),
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            scope: u.scope,
            compartments: u.compartments,
            disabled: u.disabled,
        }
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
struct ApiListQuery {
    /// Page number from 1 (50 accounts a page).
    page: Option<i64>,
}

/// Accounts within the caller's scope (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(ApiListQuery), responses((status = 200, body = Vec<UserOut>), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<Vec<UserOut>>, AppError> {
    let (rows, _) = visible_page(&state, &staff, q.page.unwrap_or(1).max(1)).await?;
    Ok(Json(rows.into_iter().map(UserOut::from).collect()))
}

/// Creates an account inside the caller's scope (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = UserInput, responses((status = 201, body = UserOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<UserInput>,
) -> Result<Response, AppError> {
    match create(&state, &staff, &input).await? {
        Ok(id) => {
            let row = users::by_id(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((StatusCode::CREATED, Json(UserOut::from(row))).into_response())
        }
        Err(errors) => Err(AppError::Invalid(errors.0)),
    }
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_list, api_create))
}
