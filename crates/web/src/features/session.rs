//! Logging in and out, and the language switch.

use super::local_path;
use crate::auth::{Ctx, SESSION_COOKIE, Staff, end_session, set_cookie};
use crate::error::AppError;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::limits::Limited;
use crate::page::{Page, render};
use crate::{AppState, i18n};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use desmigratif_core::id::Secret;
use desmigratif_core::{now, password};
use desmigratif_db::audit::{self, Actor, Event, Outcome};
use desmigratif_db::{sessions, users};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    error: Option<String>,
    demo_password: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct NextQuery {
    kembali: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    kembali: String,
}

pub(crate) async fn login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if ctx.auth.is_some() {
        return Ok(Redirect::to(&local_path(&q.kembali, "/app")).into_response());
    }
    render(LoginPage {
        page: Page::new(&ctx, "login.title"),
        username: String::new(),
        next: q.kembali,
        error: None,
        demo_password: state.config.demo_password.clone(),
    })
}

/// Answers every failed login the same way, whatever the reason, so the form does not reveal
/// which usernames exist; only a locked account is named as such.
fn refuse(state: &AppState, ctx: &Ctx, form: &LoginForm, key: &str) -> Result<Response, AppError> {
    let mut r = render(LoginPage {
        page: Page::new(ctx, "login.title"),
        username: form.username.clone(),
        next: form.kembali.clone(),
        error: Some(ctx.lang.t(key).to_owned()),
        demo_password: state.config.demo_password.clone(),
    })?;
    *r.status_mut() = StatusCode::UNAUTHORIZED;
    Ok(r)
}

/// Checks a password on the password threads (`password_pool`); a flood of logins waits there,
/// and past a short wait is answered 503.
async fn check_password(
    state: &AppState,
    password: String,
    hash: String,
) -> Result<bool, AppError> {
    let checked = state
        .passwords
        .run(PASSWORD_WAIT, move || password::verify(&password, &hash))
        .await;
    if matches!(checked, Err(AppError::Busy)) {
        state.refused("password_busy");
    }
    checked
}

/// How long a login waits for a password thread before it is told to retry.
pub const PASSWORD_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

pub(crate) async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    // The attempt counts before anything is checked, so parallel guesses cannot slip in under
    // a limit that none of them had reached yet. A refusal here is counted, not audited.
    state.take(Limited::Login, &ctx.client_key).await?;
    let username = form.username.trim().to_lowercase();
    let pair = format!("{username}|{}", ctx.client_key);
    if state.used_up(Limited::LoginFailure, &pair).await? {
        state.refused("login_locked");
        return refuse(&state, &ctx, &form, "login.locked");
    }
    let found = users::by_username(&state.db, &username).await?;
    let at = now();
    let Some(u) = found.filter(|u| !u.disabled) else {
        // Same work as a known account, so the answer time does not say which names exist.
        check_password(
            &state,
            form.password.clone(),
            password::dummy_hash().to_owned(),
        )
        .await?;
        state.refused("login_unknown");
        return refuse(&state, &ctx, &form, "login.failed");
    };
    let actor = Actor {
        user_id: Some(u.id),
        label: u.username.clone(),
        ip: ctx.ip.clone(),
    };
    if u.is_locked(at) {
        let event = Event::new("auth.login", "user", u.id, &u.scope)
            .outcome(Outcome::Denied)
            .detail("locked");
        audit::log(&state.db, &actor, &event).await?;
        return refuse(&state, &ctx, &form, "login.locked");
    }
    if !check_password(&state, form.password.clone(), u.password_hash.clone()).await? {
        let closed = state.count(Limited::LoginFailure, &pair).await?;
        let mut tx = state.db.begin().await?;
        let failed = users::record_failed_login(&mut tx, u.id).await?;
        let detail = if closed {
            format!("wrong_password ({failed}); closed to this address")
        } else {
            format!("wrong_password ({failed})")
        };
        audit::append(
            &mut tx,
            &actor,
            &Event::new("auth.login", "user", u.id, &u.scope)
                .outcome(Outcome::Failed)
                .detail(detail),
        )
        .await?;
        tx.commit().await?;
        let message = if closed {
            "login.locked"
        } else {
            "login.failed"
        };
        return refuse(&state, &ctx, &form, message);
    }
    state.give_back(Limited::Login, &ctx.client_key).await?;
    state.forget(Limited::LoginFailure, &pair).await?;
    let mut tx = state.db.begin().await?;
    users::reset_failed_logins(&mut tx, u.id).await?;
    audit::append(
        &mut tx,
        &actor,
        &Event::new("auth.login", "user", u.id, &u.scope),
    )
    .await?;
    tx.commit().await?;
    let cookie = start_session(&state, &ctx, &u).await?;
    let lang = Lang::parse(&u.language).unwrap_or_default();
    let mut r = Redirect::to(&local_path(&form.kembali, "/app")).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, LANG_COOKIE, lang.code(), Some(365 * 86400)),
    );
    Ok(r)
}

/// Opens a session for `u` and returns the cookie that carries it.
pub async fn start_session(
    state: &AppState,
    ctx: &Ctx,
    u: &users::UserRow,
) -> Result<axum::http::HeaderValue, AppError> {
    let token = Secret::generate();
    let csrf = Secret::generate();
    sessions::create(
        &state.db,
        &sessions::NewSession {
            token_hash: &token.digest(),
            user_id: u.id,
            csrf_token: csrf.expose(),
            ip: &ctx.ip,
            user_agent: &ctx.user_agent,
        },
    )
    .await?;
    Ok(set_cookie(state, SESSION_COOKIE, token.expose(), None))
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    end_session(&state, &staff.auth).await?;
    let event = Event::new(
        "auth.logout",
        "user",
        staff.auth.user.id,
        &staff.auth.user.scope,
    );
    audit::log(&state.db, &staff.actor(), &event).await?;
    let mut r = Redirect::to("/").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(r)
}

pub(crate) async fn switch_language(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(q): Form<NextQuery>,
) -> Result<Response, AppError> {
    let lang = i18n::Lang::parse(&code).ok_or(AppError::NotFound)?;
    if let Some(auth) = &ctx.auth {
        users::set_language(&state.db, auth.user.id, lang.code()).await?;
    }
    let mut r = Redirect::to(&local_path(&q.kembali, "/")).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, LANG_COOKIE, lang.code(), Some(365 * 86400)),
    );
    Ok(r)
}
