//! One's own account: password change and personal API tokens.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Staff, Via};
use crate::error::AppError;
use crate::page::{Page, render_form, when};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::id::{Id, Secret};
use desmigratif_core::{password, user};
use desmigratif_db::{tokens, users};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub struct TokenLine {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
    pub expires: String,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    username: String,
    role: &'static str,
    scope: String,
    notice: Option<&'static str>,
    errors: FieldErrors,
    tokens: Vec<TokenLine>,
    new_token: Option<String>,
    token_name: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notice {
    ok: String,
}

async fn page_for(
    state: &AppState,
    staff: &Staff,
    notice: Option<&'static str>,
    errors: FieldErrors,
    new_token: Option<String>,
    token_name: String,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let p = staff.principal();
    let tokens = tokens::list(&state.db, p.user_id)
        .await?
        .into_iter()
        .map(|t| TokenLine {
            expires: when(&t.expires()),
            expired: t.revoked_at.is_none() && t.expires() <= desmigratif_core::now(),
            id: t.id.to_string(),
            name: t.name,
            prefix: t.prefix,
            created: when(&t.created_at),
            last_used: t
                .last_used_at
                .as_ref()
                .map(when)
                .unwrap_or_else(|| "—".into()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        AccountPage {
            page: Page::new(&staff.ctx, "account.title"),
            username: p.username.clone(),
            role: lang.t(&format!("role.{}", p.role)),
            scope: super::dashboard::scope_label(&p.scope, &state.regions, lang),
            notice,
            tokens,
            new_token,
            token_name,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn account(
    State(state): State<AppState>,
    staff: Staff,
    Query(n): Query<Notice>,
) -> Result<Response, AppError> {
    let notice = match n.ok.as_str() {
        "sandi" => Some("account.password_changed"),
        "dicabut" => Some("account.token_revoked"),
        _ => None,
    };
    page_for(
        &state,
        &staff,
        notice,
        FieldErrors::default(),
        None,
        String::new(),
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
    /// "ya": revoke every API token too (offered, ticked, on the form).
    cabut_token: String,
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let u = &staff.auth.user;
    let mut errors = FieldErrors::default();
    let (current, stored) = (f.current.clone(), u.password_hash.clone());
    let current_ok = state
        .passwords
        .run(super::session::PASSWORD_WAIT, move || {
            password::verify(&current, &stored)
        })
        .await?;
    if !current_ok {
        errors.add("current", staff.ctx.lang.t("account.current_wrong"));
    }
    if let Err(e) = user::check_new_password(&f.new, &u.username) {
        errors.push(e);
    } else if f.new != f.confirm {
        errors.add("confirm", staff.ctx.lang.t("account.confirm_mismatch"));
    }
    if !errors.is_empty() {
        return page_for(&state, &staff, None, errors, None, String::new()).await;
    }
    let cost = state.config.password_cost;
    let new = f.new.clone();
    let hash = state
        .passwords
        .run(super::session::PASSWORD_WAIT, move || {
            password::hash(&new, cost)
        })
        .await?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, &staff.actor(), u, &hash).await?;
    if f.cabut_token == "ya" {
        tokens::revoke_all(&mut tx, &staff.actor(), u).await?;
    }
    tx.commit().await?;
    // Every session ended with the old password; this browser gets a fresh one.
    let mut r = Redirect::to("/app/akun?ok=sandi").into_response();
    if matches!(staff.auth.via, Via::Session { .. }) {
        r.headers_mut().append(
            header::SET_COOKIE,
            super::session::start_session(&state, &staff.ctx, u).await?,
        );
    }
    Ok(r)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct TokenForm {
    name: String,
    /// Days the token lives.
    berlaku: String,
}

/// Validates a token name and mints the token; the secret is shown once and never stored.
async fn mint(
    state: &AppState,
    staff: &Staff,
    name: &str,
    days: &str,
) -> Result<Result<(Id, Secret), FieldErrors>, AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut errors = FieldErrors::default();
    if name.is_empty() || name.chars().count() > 60 {
        errors.add("name", staff.ctx.lang.t("account.token_name_invalid"));
    }
    let lifetime = user::token_lifetime(days).map_err(|e| errors.push(e)).ok();
    let (Some(lifetime), true) = (lifetime, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let secret = Secret::generate();
    let prefix: String = secret.expose().chars().take(8).collect();
    let mut tx = state.db.begin().await?;
    let id = tokens::create(
        &mut tx,
        &staff.actor(),
        &staff.auth.user,
        &name,
        &secret.digest(),
        &prefix,
        lifetime,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok((id, secret)))
}

pub(crate) async fn create_token(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    match mint(&state, &staff, &f.name, &f.berlaku).await? {
        Ok((_, secret)) => {
            page_for(
                &state,
                &staff,
                Some("account.token_minted"),
                FieldErrors::default(),
                Some(secret.expose().to_owned()),
                String::new(),
            )
            .await
        }
        Err(errors) => page_for(&state, &staff, None, errors, None, f.name).await,
    }
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let done = tokens::revoke(&mut tx, &staff.actor(), &staff.auth.user, id).await?;
    tx.commit().await?;
    if !done {
        // Another account's token (or one already revoked): refused like any record not one's own.
        let p = staff.principal();
        return Err(staff
            .refuse(
                &state,
                "api_token",
                &id.to_string(),
                p.scope.as_stored(),
                "not a live token of this account",
                AppError::NotFound,
            )
            .await);
    }
    Ok(Redirect::to("/app/akun?ok=dicabut").into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Me {
    id: String,
    username: String,
    display_name: String,
    role: String,
    /// Region-code prefix the account covers; empty for the whole nation.
    scope: String,
    compartments: Vec<String>,
}

/// The account the request is authenticated as.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])), responses((status = 200, body = Me), (status = 401)))]
async fn me(staff: Staff) -> Json<Me> {
    let p = staff.principal();
    Json(Me {
        id: p.user_id.to_string(),
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        role: p.role.to_string(),
        scope: p.scope.as_stored().to_owned(),
        compartments: p.compartments.iter().map(|c| c.to_string()).collect(),
    })
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}
