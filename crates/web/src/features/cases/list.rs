//! Cases: list.

use super::*;

pub(super) struct Line {
    pub(super) id: String,
    pub(super) opened: String,
    pub(super) worker: String,
    pub(super) category: &'static str,
    pub(super) status: &'static str,
    pub(super) due: String,
    pub(super) overdue: bool,
}

pub(super) fn line(c: &CaseRow, today: NaiveDate) -> Line {
    let urgency: Urgency = c.urgency.parse().unwrap_or(Urgency::Normal);
    Line {
        id: c.id.to_string(),
        opened: c.opened_on.format("%d-%m-%Y").to_string(),
        worker: c.worker_name.clone(),
        category: c
            .category
            .parse::<CaseCategory>()
            .map(|k| k.label_id())
            .unwrap_or(""),
        status: c.status().label_id(),
        due: rules::due_on(urgency, c.last_action_on)
            .format("%d-%m-%Y")
            .to_string(),
        overdue: rules::is_overdue(c.status(), urgency, c.last_action_on, today),
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
pub(super) struct ListPage {
    pub(super) page: Page,
    pub(super) lines: Vec<Line>,
    pub(super) can_open: bool,
    pub(super) referred: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let p = staff.principal();
    if !p.may_here(READ) && p.may_here(Action::Read(Compartment::Reports)) {
        // Without the cases compartment an office sees the counts, never a list of cases.
        return Ok(Redirect::to("/app/kasus/angka").into_response());
    }
    staff.allow_here(&state, READ, "case.list").await?;
    let today = crate::features::persons::today();
    let (rows, referred) = if p.role == Role::CaseWorker {
        (
            cases::list(&state.db, Some(p.scope.as_stored()), "", 0, 200)
                .await?
                .0,
            false,
        )
    } else if let Some(office) = office_of(&staff) {
        (cases::referred_cases(&state.db, &office).await?, true)
    } else {
        return Ok(Redirect::to("/app/kasus/angka").into_response());
    };
    render(ListPage {
        page: Page::new(&staff.ctx, "cases.title"),
        lines: rows.iter().map(|c| line(c, today)).collect(),
        can_open: p.may_here(WRITE),
        referred,
    })
}
