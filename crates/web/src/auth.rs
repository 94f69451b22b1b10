//! Who is asking, and the guards every request passes before a handler runs:
//! session cookie or `Authorization: Bearer` token → [`Ctx`]; CSRF on every unsafe request;
//! and [`Staff::allow`], the single place where an authorisation decision is enforced (always
//! about a [`Place`]) and a denial audited. Records are loaded through [`Staff::load`].

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use desmigratif_core::access::{Action, Place, Principal, authorize};
use desmigratif_core::id::{Id, Secret, constant_time_eq};
use desmigratif_core::net::{TrustedProxies, limit_key};
use desmigratif_core::region::Scope;
use desmigratif_db::audit::{self, Actor, Event, Outcome};
use desmigratif_db::users::UserRow;
use std::net::SocketAddr;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "dm_session";
/// The CSRF token of visitors without a session (login and public forms).
const CSRF_COOKIE: &str = "dm_csrf";
pub const CSRF_FIELD: &str = "_csrf";
const CSRF_HEADER: &str = "x-csrf-token";
const FORM_LIMIT: usize = 1024 * 1024;
const LANGUAGE_SWITCH: &str = "/bahasa/";

/// How the request proved who it is.
#[derive(Debug, Clone)]
pub enum Via {
    Session { token_hash: String },
    Token,
}

#[derive(Debug, Clone)]
pub struct Authed {
    pub user: UserRow,
    pub principal: Principal,
    pub via: Via,
}

/// Everything a handler needs to know about the request's origin, put in place by [`authenticate`].
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub csrf: String,
    pub ip: String,
    /// What per-client limits count against: the address, or its /64 for IPv6.
    pub client_key: String,
    pub path: String,
    pub user_agent: String,
    pub auth: Option<Arc<Authed>>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("Ctx missing".into()))
    }
}

/// A logged-in staff member (by session or API token). Extracting it from a request without a
/// login sends pages to the login form and API calls a 401.
#[derive(Debug, Clone)]
pub struct Staff {
    pub ctx: Ctx,
    pub auth: Arc<Authed>,
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let auth = ctx.auth.clone().ok_or(AppError::Unauthenticated)?;
        Ok(Staff { ctx, auth })
    }
}

/// What a denied request was aimed at: a record (answered 404, so its existence does not leak)
/// or an action (answered 403).
pub enum Target<'a> {
    Object { entity: &'a str, id: &'a str },
    Action { name: &'a str },
}

/// A record that lives in a place, loaded by the id in a URL and authorised in one step by
/// [`Staff::load`]. Sub-records implement it through their parent (a loan with its member), so
/// the parent's village decides.
pub trait Guarded: Sized + Send {
    /// The entity name in audit rows.
    const ENTITY: &'static str;
    /// The event written every time such a record is opened (children, sessions, reports), if
    /// its every read is audited.
    const READ_EVENT: Option<&'static str> = None;
    fn fetch(
        db: &desmigratif_db::Db,
        id: Id,
    ) -> impl Future<Output = Result<Option<Self>, desmigratif_db::DbError>> + Send;
    /// The stored code of the place the record belongs to: its village (a report to a district
    /// office belongs to the district; a job order of the ministry is national, '').
    fn region(&self) -> &str;
}

/// [`Guarded`] for a row fetched by `$fetch(db, id)` whose place is its field `$place`; `read =`
/// names the event written on every opening.
macro_rules! guarded {
    ($row:ty, $entity:literal, $fetch:path, $place:ident $(, read = $event:literal)?) => {
        impl $crate::auth::Guarded for $row {
            const ENTITY: &'static str = $entity;
            $(const READ_EVENT: Option<&'static str> = Some($event);)?
            fn fetch(
                db: &desmigratif_db::Db,
                id: desmigratif_core::id::Id,
            ) -> impl Future<Output = Result<Option<Self>, desmigratif_db::DbError>> + Send {
                $fetch(db, id)
            }
            fn region(&self) -> &str {
                &self.$place
            }
        }
    };
}
pub(crate) use guarded;

impl Staff {
    pub fn principal(&self) -> &Principal {
        &self.auth.principal
    }

    pub fn actor(&self) -> Actor {
        Actor::user(&self.auth.principal, &self.ctx.ip)
    }

    /// An action aimed at the caller's own region (a menu, a list filtered to the caller's
    /// scope): 403 and an audit entry when refused.
    pub async fn allow_here(
        &self,
        state: &AppState,
        action: Action,
        name: &str,
    ) -> Result<(), AppError> {
        let place = self.auth.principal.own_place();
        self.allow(state, action, &place, Target::Action { name })
            .await
    }

    /// An action on deployment-wide data (agencies, fee ceilings, guides, alerts, requirement
    /// sets, letter kinds, counselling settings, the audit log).
    pub async fn allow_national(
        &self,
        state: &AppState,
        action: Action,
        name: &str,
    ) -> Result<(), AppError> {
        self.allow(state, action, &Place::National, Target::Action { name })
            .await
    }

    /// The one loader of records named in a URL: parses the id, fetches the record and authorises
    /// `action` in the place it belongs to. A malformed id, a missing record and a record outside
    /// the caller's reach all answer 404 (the last one audited); the opening of a kind whose every
    /// read is audited is written here.
    pub async fn load<T: Guarded>(
        &self,
        state: &AppState,
        raw_id: &str,
        action: Action,
    ) -> Result<T, AppError> {
        let id: Id = raw_id.parse().map_err(|_| AppError::NotFound)?;
        let row = T::fetch(&state.db, id).await?.ok_or(AppError::NotFound)?;
        self.allow_record(state, action, row.region(), T::ENTITY, &id.to_string())
            .await?;
        if let Some(event) = T::READ_EVENT {
            let entry = Event::new(event, T::ENTITY, id, row.region());
            audit::log(&state.db, &self.actor(), &entry).await?;
        }
        Ok(row)
    }

    /// [`Staff::allow`] for a record stored with the code of its village (or region).
    pub async fn allow_record(
        &self,
        state: &AppState,
        action: Action,
        region_code: &str,
        entity: &str,
        id: &str,
    ) -> Result<(), AppError> {
        let place = Scope::from_stored(region_code)
            .map(|scope| Place::of(&scope))
            .map_err(|_| AppError::Internal(format!("{entity} {id}: kode wilayah rusak")))?;
        self.allow(state, action, &place, Target::Object { entity, id })
            .await
    }

    /// The one enforcement point: asks `access::authorize`, and on refusal writes an audit entry
    /// and answers 404 for records, 403 for actions. Named people read from above the village
    /// (by a granted compartment) are audited here too, lists and records alike.
    pub async fn allow(
        &self,
        state: &AppState,
        action: Action,
        place: &Place,
        target: Target<'_>,
    ) -> Result<(), AppError> {
        let principal = &self.auth.principal;
        let (entity, id, name, refusal) = match target {
            Target::Object { entity, id } => (entity, id, "", AppError::NotFound),
            Target::Action { name } => ("action", "", name, AppError::Forbidden),
        };
        let Err(denial) = authorize(principal, action, place) else {
            if let Action::Read(c) = action
                && c.names_people()
                && principal.above_village()
            {
                let event = Event::new("named.read", entity, id, place.as_stored())
                    .detail(format!("{c} {name}").trim());
                audit::log(&state.db, &self.actor(), &event).await?;
            }
            return Ok(());
        };
        Err(self
            .refuse(
                state,
                entity,
                id,
                place.as_stored(),
                format!("{} {:?} {}", denial.reason(), action, name).trim(),
                refusal,
            )
            .await)
    }

    /// Writes the audit entry of a refusal and returns the answer to give (or the error of writing
    /// it: a refusal that cannot be recorded is not given silently). [`Staff::allow`] uses
    /// it; so do the few rules that need more than role, compartment and scope (who may read a
    /// case), so every refusal is recorded the same way.
    pub async fn refuse(
        &self,
        state: &AppState,
        entity: &str,
        id: &str,
        region: &str,
        detail: &str,
        answer: AppError,
    ) -> AppError {
        let event = Event::new("access.denied", entity, id, region)
            .outcome(Outcome::Denied)
            .detail(detail);
        match audit::log(&state.db, &self.actor(), &event).await {
            Ok(()) => answer,
            Err(e) => e.into(),
        }
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the attributes every cookie of ours has.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are URL-safe")
}

/// The client's address (for audit rows) and the key its limits count against. Forwarded
/// headers are believed only from the configured proxies (`core::net`).
fn client_address(req: &Request, proxies: &TrustedProxies) -> (String, String) {
    let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return ("-".into(), "-".into());
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let client = proxies.client(peer, &forwarded);
    (client.to_string(), limit_key(client))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Identifies the caller, checks CSRF on unsafe requests and puts a [`Ctx`] in the request.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match guard(&state, request).await {
        Ok((request, new_csrf_cookie)) => {
            let mut response = next.run(request).await;
            // A page shared caches may keep must not carry anyone's cookie; such pages have no
            // form that posts, so they need no CSRF token.
            let shareable = response
                .headers()
                .get(header::CACHE_CONTROL)
                .is_some_and(|v| v.as_bytes().starts_with(b"public"));
            if let Some(token) = new_csrf_cookie.filter(|_| !shareable) {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(&state, CSRF_COOKIE, &token, None),
                );
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn guard(state: &AppState, request: Request) -> Result<(Request, Option<String>), AppError> {
    let headers = request.headers();
    let lang = Lang::from_headers(headers);
    let (ip, client_key) = client_address(&request, &state.config.trusted_proxies);
    let path = request.uri().path().to_owned();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();

    let (auth, session_csrf) = if let Some(token) = bearer(headers) {
        // A wrong token is an error, not an anonymous request: the caller meant to log in.
        let user = desmigratif_db::tokens::lookup(&state.db, &Secret::from_client(token).digest())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let principal = user.principal()?;
        (
            Some(Arc::new(Authed {
                user,
                principal,
                via: Via::Token,
            })),
            None,
        )
    } else if let Some(value) = cookie(headers, SESSION_COOKIE) {
        let token_hash = Secret::from_client(value).digest();
        match desmigratif_db::sessions::lookup(&state.db, &token_hash).await? {
            Some((user, csrf)) => {
                let principal = user.principal()?;
                (
                    Some(Arc::new(Authed {
                        user,
                        principal,
                        via: Via::Session { token_hash },
                    })),
                    Some(csrf),
                )
            }
            None => (None, None),
        }
    } else {
        (None, None)
    };

    if let Some(a) = &auth {
        // The account's id (never its name) on the request's log line.
        tracing::Span::current().record("user", tracing::field::display(a.principal.user_id));
    }

    let anon_csrf = cookie(headers, CSRF_COOKIE)
        .filter(|v| v.len() >= 32)
        .map(str::to_owned);
    let new_csrf_cookie = match (&session_csrf, &anon_csrf) {
        (None, None) => Some(Secret::generate().expose().to_owned()),
        _ => None,
    };
    let csrf = session_csrf
        .clone()
        .or(anon_csrf.clone())
        .or(new_csrf_cookie.clone())
        .unwrap_or_default();

    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let by_token = matches!(
        auth.as_deref(),
        Some(Authed {
            via: Via::Token,
            ..
        })
    );
    let request = if unsafe_method && !by_token {
        let (request, ok) =
            check_csrf(request, session_csrf.as_deref().or(anon_csrf.as_deref())).await?;
        if !ok {
            // A signed-in member of staff is audited; an anonymous refusal is only counted, so
            // that a flood of forged posts cannot grow the audit chain.
            match auth.as_deref() {
                Some(a) => {
                    let event = Event::new("csrf.reject", "request", "", "")
                        .outcome(Outcome::Denied)
                        .detail(path.clone());
                    audit::log(&state.db, &Actor::user(&a.principal, &ip), &event).await?;
                }
                None => state.refused("csrf"),
            }
            return Err(AppError::Csrf);
        }
        request
    } else {
        request
    };

    let mut request = request;
    request.extensions_mut().insert(Ctx {
        lang,
        csrf,
        ip,
        client_key,
        path,
        user_agent,
        auth,
    });
    Ok((request, new_csrf_cookie))
}

/// Same-origin check on `Origin`/`Sec-Fetch-Site` (old phone browsers may send neither), then
/// the token from the header, the form body or (for file uploads) the query string must equal
/// the session's token.
async fn check_csrf(request: Request, expected: Option<&str>) -> Result<(Request, bool), AppError> {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    // `Origin: null` comes from sandboxed frames, `data:` pages and some redirects: never ours.
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok())
        && origin.split_once("://").map(|(_, h)| h) != Some(host)
    {
        return Ok((request, false));
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Ok((request, false));
    }
    // The language switch is posted from pages that shared caches keep, which carry no token;
    // changing someone's language is no act worth forging, so same-origin headers suffice.
    if request.uri().path().starts_with(LANGUAGE_SWITCH) {
        return Ok((request, true));
    }
    let Some(expected) = expected else {
        return Ok((request, false));
    };

    let from_header = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let from_query = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));

    let (request, from_body) = if from_header.is_none() && is_form {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| AppError::BadRequest("isian formulir terlalu besar".into()))?;
        let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            });
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (request, None)
    };
    let given = from_header.or(from_body).or(from_query);
    let ok = given.is_some_and(|g| constant_time_eq(&g, expected));
    Ok((request, ok))
}

/// Ends the session of the request (logout).
pub async fn end_session(state: &AppState, auth: &Authed) -> Result<(), AppError> {
    if let Via::Session { token_hash } = &auth.via {
        desmigratif_db::sessions::delete(&state.db, token_hash).await?;
    }
    Ok(())
}
