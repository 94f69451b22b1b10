//! Reading and checking the audit log (admin and national staff; each sees its own scope).

use crate::AppState;
use crate::auth::Staff;
use crate::error::AppError;
use crate::page::{Page, render, when};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
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

#[derive(Template)]
#[template(path = "audit_month.html")]
struct MonthPage {
    page: Page,
    month: String,
    error: Option<String>,
    /// (action, outcome, entries).
    counts: Vec<(String, String, i64)>,
    total: i64,
    refused: i64,
    /// The link the report carries; `None` before the first entry.
    link: Option<desmigratif_db::audit::Head>,
    head: desmigratif_db::audit::Head,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct MonthQuery {
    bulan: String,
}

/// The month asked for, or the last complete one (in WIB).
fn month_of(q: &MonthQuery) -> String {
    if !q.bulan.trim().is_empty() {
        return q.bulan.trim().to_owned();
    }
    let today = (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive();
    let last = today - chrono::Duration::days(i64::from(chrono::Datelike::day(&today)));
    last.format("%Y-%m").to_string()
}

/// The month asked for and its summary for the caller's region, once reading the log is allowed;
/// a badly written month is the `Err` to show.
async fn summary_of(
    state: &AppState,
    staff: &Staff,
    q: &MonthQuery,
) -> Result<
    (
        String,
        Result<desmigratif_db::audit::MonthSummary, desmigratif_core::Invalid>,
    ),
    AppError,
> {
    staff
        .allow_national(state, Action::ReadAudit, "audit.month")
        .await?;
    let month = month_of(q);
    let summary = match desmigratif_core::audit::report_month(&month) {
        Ok((from, to)) => Ok(desmigratif_db::audit::month_summary(
            &state.db,
            staff.principal().scope.as_stored(),
            from,
            to,
        )
        .await?),
        Err(e) => Err(e),
    };
    Ok((month, summary))
}

/// The monthly audit report of the caller's region: entries by action and outcome, and the
/// chain's link at the month's end, to be printed and kept outside the server.
pub(crate) async fn month(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let (month, summary) = summary_of(&state, &staff, &q).await?;
    let (error, summary) = match summary {
        Ok(s) => (None, s),
        Err(e) => (
            Some(e.message),
            desmigratif_db::audit::MonthSummary::default(),
        ),
    };
    let total = summary.counts.iter().map(|c| c.2).sum();
    let refused = summary
        .counts
        .iter()
        .filter(|c| c.1 == "denied")
        .map(|c| c.2)
        .sum();
    let bad = error.is_some();
    crate::page::render_form(
        MonthPage {
            page: Page::new(&staff.ctx, "audit.month"),
            month,
            error,
            counts: summary.counts,
            total,
            refused,
            link: summary.link,
            head: desmigratif_db::audit::head(&state.db).await?,
        },
        bad,
    )
}

#[derive(serde::Serialize)]
struct MonthExport {
    month: String,
    scope: String,
    /// The chain's last link before the month ended: keep this file outside the server.
    link: Option<desmigratif_db::audit::Head>,
    entries: Vec<MonthCount>,
}

#[derive(serde::Serialize)]
struct MonthCount {
    action: String,
    outcome: String,
    entries: i64,
}

/// The same report as a file, to keep where the server's administrators cannot change it.
pub(crate) async fn month_json(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let (month, summary) = summary_of(&state, &staff, &q).await?;
    let summary = summary?;
    let scope = staff.principal().scope.as_stored().to_owned();
    let export = MonthExport {
        month: month.clone(),
        scope,
        link: summary.link,
        entries: summary
            .counts
            .into_iter()
            .map(|(action, outcome, entries)| MonthCount {
                action,
                outcome,
                entries,
            })
            .collect(),
    };
    let body = serde_json::to_vec_pretty(&export).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-{month}.json\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
