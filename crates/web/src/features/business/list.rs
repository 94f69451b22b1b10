//! Businesses: the list.

use super::*;

pub struct Line {
    pub id: String,
    pub name: String,
    pub sector: &'static str,
    pub products: String,
    pub active: bool,
    pub last_month: String,
    pub last_visit: String,
}

pub struct DueLine {
    pub business_id: String,
    pub name: String,
    pub due: String,
    pub next_steps: String,
}

#[derive(Template)]
#[template(path = "businesses.html")]
pub(super) struct ListPage {
    pub(super) page: Page,
    pub(super) lines: Vec<Line>,
    pub(super) due: Vec<DueLine>,
    pub(super) page_no: i64,
    pub(super) more: bool,
    pub(super) can_write: bool,
}

pub(super) fn sector_label(s: &str) -> &'static str {
    s.parse::<Sector>().map(Sector::label_id).unwrap_or("—")
}

pub(super) fn month_label(m: &str) -> String {
    m.parse::<Month>()
        .map(Month::short_label)
        .unwrap_or_else(|_| m.to_owned())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "business.list").await?;
    let region = scope_prefix(&staff);
    let page_no = q.page_no();
    let (rows, more) = db::list(
        &state.db,
        region.as_deref(),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let due = db::follow_ups_due(&state.db, region.as_deref().unwrap_or(""), today()).await?;
    render(ListPage {
        page: Page::new(&staff.ctx, "business.title"),
        lines: rows
            .into_iter()
            .map(|b| Line {
                id: b.id.to_string(),
                sector: sector_label(&b.sector),
                last_month: b.last_month.as_deref().map(month_label).unwrap_or_default(),
                last_visit: b.last_visit.map(date).unwrap_or_default(),
                name: b.name,
                products: b.products,
                active: b.active,
            })
            .collect(),
        due: due
            .into_iter()
            .map(|d| DueLine {
                business_id: d.business_id.to_string(),
                name: d.name,
                due: date(d.follow_up_on),
                next_steps: d.next_steps,
            })
            .collect(),
        page_no,
        more,
        can_write: staff.principal().may_here(WRITE),
    })
}
