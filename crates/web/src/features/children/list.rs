//! Children: list.

use super::*;

pub(super) struct Line {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) birth_year: i32,
    pub(super) status: &'static str,
    pub(super) consent: bool,
    pub(super) caregiver: String,
}

pub(super) fn line(c: &ChildRow) -> Line {
    Line {
        id: c.id.to_string(),
        name: c.name.clone(),
        birth_year: c.birth_year,
        status: c.status().map(|s| s.label_id()).unwrap_or(""),
        consent: c.consent_id.is_some(),
        caregiver: c.caregiver_name.clone(),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    pub(super) desa: String,
    pub(super) halaman: Option<i64>,
}

#[derive(Template)]
#[template(path = "children.html")]
pub(super) struct ListPage {
    pub(super) page: Page,
    pub(super) lines: Vec<Line>,
    pub(super) can_add: bool,
    pub(super) page_no: i64,
    pub(super) more: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let region = region_for(&state, &staff, &q.desa, READ, "child.list").await?;
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = db::list(
        &state.db,
        Some(region.as_str()).filter(|r| !r.is_empty()),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("child.list", "child", "", &region).detail(format!("{} rows", rows.len())),
    )
    .await?;
    render(ListPage {
        page: Page::new(&staff.ctx, "children.title"),
        lines: rows.iter().map(line).collect(),
        can_add: staff.principal().may_here(WRITE),
        page_no,
        more,
    })
}
