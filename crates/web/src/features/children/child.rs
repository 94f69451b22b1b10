//! Children: one child.

use super::*;

#[derive(Template)]
#[template(path = "child.html")]
pub(super) struct ChildPage {
    pub(super) page: Page,
    pub(super) c: ChildRow,
    pub(super) level: &'static str,
    pub(super) status: &'static str,
    pub(super) needs: String,
    pub(super) consent: Option<(String, String, String, String, String)>,
    pub(super) flags: Vec<&'static str>,
    pub(super) attendance: Vec<(String, String, bool)>,
    pub(super) can_edit: bool,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = staff.load::<ChildRow>(&state, &id, READ).await?;
    let consent = match c.consent_id {
        Some(id) => db::consent(&state.db, id).await?.map(|k| {
            (
                k.given_by
                    .parse::<ConsentBy>()
                    .map(|b| b.label_id())
                    .unwrap_or("")
                    .to_owned(),
                k.giver_name,
                k.relation,
                k.given_on.format("%d-%m-%Y").to_string(),
                k.how
                    .parse::<ConsentHow>()
                    .map(|h| h.label_id())
                    .unwrap_or("")
                    .to_owned(),
            )
        }),
        None => None,
    };
    let attendance = db::attendance_of(&state.db, c.id).await?;
    let seen: Vec<bool> = attendance.iter().map(|a| a.2).collect();
    let flags = if c.consent_id.is_some() {
        desmigratif_core::children::risk_flags(c.status(), &seen)
            .into_iter()
            .map(RiskFlag::label_id)
            .collect()
    } else {
        Vec::new()
    };
    render(ChildPage {
        page: Page::new(&staff.ctx, "children.one"),
        level: c
            .school_level
            .as_deref()
            .and_then(|l| l.parse::<SchoolLevel>().ok())
            .map(|l| l.label_id())
            .unwrap_or(""),
        status: c.status().map(|s| s.label_id()).unwrap_or(""),
        needs: c.needs(&state.keys)?,
        consent,
        flags,
        attendance: attendance
            .into_iter()
            .rev()
            .map(|(on, activity, present)| (on.format("%d-%m-%Y").to_string(), activity, present))
            .collect(),
        can_edit: staff.principal().may_here(WRITE),
        c,
    })
}
