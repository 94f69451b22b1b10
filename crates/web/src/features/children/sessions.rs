//! Children: learning sessions.

use super::*;

pub(super) struct SessionLine {
    pub(super) id: String,
    pub(super) on: String,
    pub(super) kind: &'static str,
    pub(super) activity: String,
    pub(super) facilitator: String,
    pub(super) taken: bool,
}

pub(super) fn session_line(s: &SessionRow) -> SessionLine {
    SessionLine {
        id: s.id.to_string(),
        on: s.held_on.format("%d-%m-%Y").to_string(),
        kind: s.kind().label_id(),
        activity: s.activity.clone(),
        facilitator: s.facilitator.clone(),
        taken: s.taken_at.is_some(),
    }
}

#[derive(Template)]
#[template(path = "learning.html")]
pub(super) struct SessionsPage {
    pub(super) page: Page,
    pub(super) lines: Vec<SessionLine>,
    pub(super) can_add: bool,
    pub(super) page_no: i64,
    pub(super) more: bool,
}

pub(crate) async fn sessions(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let region = region_for(&state, &staff, &q.desa, READ, "learning_session.list").await?;
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = db::sessions(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    render(SessionsPage {
        page: Page::new(&staff.ctx, "learning.title"),
        lines: rows.iter().map(session_line).collect(),
        can_add: staff.principal().may_here(WRITE),
        page_no,
        more,
    })
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct SessionForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) session: RawSession,
}

#[derive(Template)]
#[template(path = "learning_form.html")]
pub(super) struct SessionFormPage {
    pub(super) page: Page,
    pub(super) villages: Vec<(String, String)>,
    pub(super) form: SessionForm,
    pub(super) errors: FieldErrors,
    pub(super) kinds: &'static [SessionKind],
}

pub(super) async fn session_form(
    state: &AppState,
    staff: &Staff,
    form: SessionForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let villages = crate::features::persons::villages_where(state, staff, WRITE).await?;
    let bad = !errors.is_empty();
    render_form(
        SessionFormPage {
            page: Page::new(&staff.ctx, "learning.new"),
            villages,
            form,
            errors,
            kinds: SessionKind::ALL,
        },
        bad,
    )
}

pub(crate) async fn new_session(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "learning_session.create")
        .await?;
    let form = SessionForm {
        desa: staff.principal().scope.as_stored().to_owned(),
        session: RawSession {
            jenis: SessionKind::Learning.as_str().into(),
            tanggal: crate::features::persons::today().to_string(),
            fasilitator: staff.principal().display_name.clone(),
            ..RawSession::default()
        },
    };
    session_form(&state, &staff, form, FieldErrors::default()).await
}

pub(super) async fn save_session(
    state: &AppState,
    staff: &Staff,
    village: &str,
    s: &desmigratif_core::children::SessionInput,
) -> Result<Id, AppError> {
    let mut tx = state.db.begin().await?;
    let id = db::create_session(&mut tx, &staff.actor(), village, s).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create_session(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<SessionForm>,
) -> Result<Response, AppError> {
    let village = allowed_in(
        &state,
        &staff,
        &f.desa,
        "desa",
        WRITE,
        "learning_session.create",
    )
    .await?;
    let input = match f.session.check(crate::features::persons::today()) {
        Ok(i) => i,
        Err(list) => return session_form(&state, &staff, f, FieldErrors::from(list)).await,
    };
    let id = save_session(&state, &staff, &village, &input).await?;
    Ok(Redirect::to(&format!("/app/belajar/{id}")).into_response())
}

guarded!(
    SessionRow,
    "learning_session",
    db::session,
    region_code,
    read = "learning_session.read"
);

#[derive(Template)]
#[template(path = "learning_session.html")]
pub(super) struct AttendancePage {
    pub(super) page: Page,
    pub(super) s: SessionLine,
    pub(super) attendees: Vec<(String, String, bool)>,
    pub(super) present: usize,
    pub(super) can_take: bool,
    pub(super) saved: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SavedQuery {
    pub(super) tersimpan: String,
}

pub(crate) async fn attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let s = staff.load::<SessionRow>(&state, &id, READ).await?;
    let attendees = db::attendees(&state.db, &s).await?;
    render(AttendancePage {
        page: Page::new(&staff.ctx, "learning.attendance"),
        present: attendees.iter().filter(|a| a.present == Some(true)).count(),
        attendees: attendees
            .into_iter()
            .map(|a| (a.id.to_string(), a.name, a.present == Some(true)))
            .collect(),
        can_take: staff.principal().may_here(WRITE),
        saved: !q.tersimpan.is_empty(),
        s: session_line(&s),
    })
}

/// Saves the sheet: every expected attendee is marked, present when their box was ticked. Ids
/// that are not on the sheet are ignored; sending the form again replaces the marks.
pub(crate) async fn take_attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let s = staff.load::<SessionRow>(&state, &id, WRITE).await?;
    let ticked: std::collections::HashSet<&str> = fields
        .iter()
        .filter(|(k, _)| k == "hadir")
        .map(|(_, v)| v.as_str())
        .collect();
    let marks: Vec<(Id, bool)> = db::attendees(&state.db, &s)
        .await?
        .into_iter()
        .map(|a| (a.id, ticked.contains(a.id.to_string().as_str())))
        .collect();
    let mut tx = state.db.begin().await?;
    db::record_attendance(&mut tx, &staff.actor(), &s, &marks).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/app/belajar/{}?tersimpan=1", s.id)).into_response())
}
