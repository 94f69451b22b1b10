//! Logging in and out, and the language switch.

use super::local_path;
use crate::auth::{Ctx, SESSION_COOKIE, Staff, end_session, set_cookie};
use crate::error::AppError;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::page::{Page, render};
use crate::{AppState, i18n};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router};
use desmigratif_core::id::Secret;
use desmigratif_core::{now, password, user};
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
struct NextQuery {
    kembali: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    kembali: String,
}

async fn login_form(
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
    state.login_throttle.record(&ctx.client_key);
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

async fn verify_off_thread(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || password::verify(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let anonymous = Actor::anonymous(&ctx.ip);
    if state.login_throttle.blocked(&ctx.client_key) {
        let event = Event::new("auth.login", "user", "", "")
            .outcome(Outcome::Denied)
            .detail("throttled");
        audit::log(&state.db, &anonymous, &event).await?;
        return Err(AppError::TooManyRequests);
    }
    let username = form.username.trim().to_lowercase();
    let found = users::by_username(&state.db, &username).await?;
    let at = now();
    let Some(u) = found.filter(|u| !u.disabled) else {
        verify_off_thread(form.password.clone(), password::dummy_hash().to_owned()).await?;
        let event = Event::new("auth.login", "user", "", "")
            .outcome(Outcome::Failed)
            .detail("unknown_or_disabled");
        audit::log(&state.db, &anonymous, &event).await?;
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
    if !verify_off_thread(form.password.clone(), u.password_hash.clone()).await? {
        let (failed, locked_until) = user::after_failed_login(u.failed_logins, at);
        let mut tx = state.db.begin().await?;
        users::record_failed_login(&mut tx, u.id, failed, locked_until).await?;
        let detail = if locked_until.is_some() {
            "wrong_password; account locked"
        } else {
            "wrong_password"
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
        return refuse(
            &state,
            &ctx,
            &form,
            if locked_until.is_some() {
                "login.locked"
            } else {
                "login.failed"
            },
        );
    }
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

async fn logout(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
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

async fn switch_language(
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

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/masuk", axum::routing::get(login_form).post(login))
        .route("/keluar", axum::routing::post(logout))
        // A POST: a GET that writes would be followed by link prefetchers and crawlers.
        .route("/bahasa/{code}", axum::routing::post(switch_language))
}
