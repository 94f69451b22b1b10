//! Children: the JSON API (`/api/v1/children`, `/api/v1/learning-sessions`), over the same rules as the pages.

use super::*;

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub(super) struct ApiListQuery {
    /// A village code; the caller's own scope when left out.
    pub(super) village_code: String,
    /// Page number from 1 (100 a page).
    pub(super) page: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct ChildOut {
    pub(super) id: String,
    pub(super) village_code: String,
    pub(super) name: String,
    pub(super) birth_year: i32,
    /// Whether a parent's or guardian's consent is recorded; without it every field below is
    /// empty.
    pub(super) consent: bool,
    pub(super) school_level: Option<String>,
    pub(super) school_name: String,
    /// `sekolah`, `tidak_sekolah`, `lulus`; empty without consent.
    pub(super) school_status: String,
    pub(super) caregiver_name: String,
    pub(super) needs: String,
    pub(super) linked_parent: bool,
    pub(super) linked_caregiver: bool,
}

impl ChildOut {
    fn of(c: &ChildRow, needs: String) -> ChildOut {
        ChildOut {
            id: c.id.to_string(),
            village_code: c.region_code.clone(),
            name: c.name.clone(),
            birth_year: c.birth_year,
            consent: c.consent_id.is_some(),
            school_level: c.school_level.clone(),
            school_name: c.school_name.clone(),
            school_status: c.status.clone(),
            caregiver_name: c.caregiver_name.clone(),
            needs,
            linked_parent: c.parent_person_id.is_some(),
            linked_caregiver: c.caregiver_person_id.is_some(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct ChildList {
    pub(super) children: Vec<ChildOut>,
    pub(super) page: i64,
    pub(super) more: bool,
}

/// Children of a village in the caller's scope, by name; the read is audited.
#[utoipa::path(get, path = "/api/v1/children", tag = "children", security(("bearer" = [])), params(ApiListQuery),
    responses((status = 200, body = ChildList), (status = 403)))]
pub(super) async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<axum::Json<ChildList>, AppError> {
    let region = region_for(&state, &staff, &q.village_code, READ, "child.list").await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, more) = db::list(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page - 1) * 100,
        100,
    )
    .await?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("child.list", "child", "", &region).detail(format!("{} rows", rows.len())),
    )
    .await?;
    let mut children = Vec::with_capacity(rows.len());
    for c in &rows {
        children.push(ChildOut::of(c, c.needs(&state.keys)?));
    }
    Ok(axum::Json(ChildList {
        children,
        page,
        more,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct ChildIn {
    pub(super) village_code: String,
    /// The form's fields: `nama`, `tahun_lahir`; and only with consent (`persetujuan`,
    /// `nama_pemberi`, `hubungan`, `tanggal_persetujuan`, `cara`) the rest: `jenjang`,
    /// `nama_sekolah`, `status_sekolah`, `kebutuhan`, `pengasuh`, `nik_orang_tua`, `nik_pengasuh`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub(super) child: RawChild,
}

/// Records a child (consent first: without it only name and birth year are accepted).
#[utoipa::path(post, path = "/api/v1/children", tag = "children", security(("bearer" = [])), request_body = ChildIn,
    responses((status = 201, body = ChildOut), (status = 403), (status = 422)))]
pub(super) async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(body): axum::Json<ChildIn>,
) -> Result<Response, AppError> {
    let village = allowed_in(
        &state,
        &staff,
        &body.village_code,
        "village_code",
        WRITE,
        "child.create",
    )
    .await?;
    let (input, links) = check_child(&state, &village, &body.child)
        .await?
        .map_err(invalid)?;
    let id = save_new(&state, &staff, &village, &input, links).await?;
    let c = db::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(ChildOut::of(&c, input.needs.clone())),
    )
        .into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct SessionOut {
    pub(super) id: String,
    pub(super) village_code: String,
    /// `belajar` (children) or `parenting` (caregivers).
    pub(super) kind: String,
    pub(super) held_on: chrono::NaiveDate,
    pub(super) activity: String,
    pub(super) facilitator: String,
    pub(super) attendance_taken: bool,
}

impl SessionOut {
    fn of(s: &SessionRow) -> SessionOut {
        SessionOut {
            id: s.id.to_string(),
            village_code: s.region_code.clone(),
            kind: s.kind.clone(),
            held_on: s.held_on,
            activity: s.activity.clone(),
            facilitator: s.facilitator.clone(),
            attendance_taken: s.taken_at.is_some(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct SessionList {
    pub(super) sessions: Vec<SessionOut>,
    pub(super) page: i64,
    pub(super) more: bool,
}

/// Learning sessions and parenting classes of a village in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/learning-sessions", tag = "children", security(("bearer" = [])), params(ApiListQuery),
    responses((status = 200, body = SessionList), (status = 403)))]
pub(super) async fn api_sessions(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<axum::Json<SessionList>, AppError> {
    let region = region_for(
        &state,
        &staff,
        &q.village_code,
        READ,
        "learning_session.list",
    )
    .await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, more) = db::sessions(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page - 1) * 100,
        100,
    )
    .await?;
    Ok(axum::Json(SessionList {
        sessions: rows.iter().map(SessionOut::of).collect(),
        page,
        more,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct SessionIn {
    pub(super) village_code: String,
    /// `jenis` (`belajar` or `parenting`), `tanggal` (YYYY-MM-DD), `kegiatan`, `fasilitator`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub(super) session: RawSession,
}

/// Plans or records a learning session or a parenting class.
#[utoipa::path(post, path = "/api/v1/learning-sessions", tag = "children", security(("bearer" = [])), request_body = SessionIn,
    responses((status = 201, body = SessionOut), (status = 403), (status = 422)))]
pub(super) async fn api_create_session(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(body): axum::Json<SessionIn>,
) -> Result<Response, AppError> {
    let village = allowed_in(
        &state,
        &staff,
        &body.village_code,
        "village_code",
        WRITE,
        "learning_session.create",
    )
    .await?;
    let input = body
        .session
        .check(crate::features::persons::today())
        .map_err(invalid)?;
    let id = save_session(&state, &staff, &village, &input).await?;
    let s = db::session(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(SessionOut::of(&s)),
    )
        .into_response())
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_sessions, api_create_session))
}
