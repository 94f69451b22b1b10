//! Reading and checking the audit log (admin and national staff; each sees its own scope).

use crate::AppState;
use crate::auth::Staff;
use crate::error::AppError;
use crate::page::{Page, render, when};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use desmigratif_core::access::Action;

const PAGE_SIZE: i64 = 100;

pub struct Line {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub region: String,
    pub ip: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    lines: Vec<Line>,
    older: Option<i64>,
    verification: Option<Result<i64, String>>,
    head: desmigratif_db::audit::Head,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AuditQuery {
    sebelum: Option<i64>,
    periksa: String,
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::ReadAudit, "audit.read")
        .await?;
    let entries = desmigratif_db::audit::list(
        &state.db,
        staff.principal().scope.as_stored(),
        q.sebelum,
        PAGE_SIZE,
    )
    .await?;
    let older = if entries.len() as i64 == PAGE_SIZE {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    let verification = if q.periksa == "1" {
        Some(
            desmigratif_db::audit::verify(&state.db, &state.keys)
                .await?
                .map_err(|b| b.to_string()),
        )
    } else {
        None
    };
    render(AuditPage {
        page: Page::new(&staff.ctx, "audit.title"),
        lines: entries
            .into_iter()
            .map(|e| Line {
                seq: e.seq,
                when: when(&e.at),
                actor: e.actor,
                action: e.action,
                entity: format!("{} {}", e.entity, e.entity_id).trim().to_owned(),
                region: e.region,
                ip: e.ip,
                outcome: e.outcome,
                detail: e.detail,
            })
            .collect(),
        older,
        verification,
        head: desmigratif_db::audit::head(&state.db).await?,
    })
}
