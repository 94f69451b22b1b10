//! Cases: counts.

use super::*;

#[derive(Template)]
#[template(path = "case_counts.html")]
pub(super) struct CountsPage {
    pub(super) page: Page,
    pub(super) statuses: Vec<&'static str>,
    pub(super) rows: Vec<(String, Vec<Option<i64>>, Option<i64>)>,
    pub(super) by_month: Vec<(String, Option<i64>)>,
    pub(super) by_region: Vec<(String, Option<i64>)>,
    pub(super) by_outcome: Vec<(String, Option<i64>)>,
    pub(super) small: i64,
}

/// Counts of the caller's scope by category and state, by month, and by outcome, with cells
/// below five hidden: dashboards travel, and a "2" in a village can name someone.
pub(crate) async fn counts(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::Read(Compartment::Reports), "case.counts")
        .await?;
    let scope = staff.principal().scope.as_stored().to_owned();
    let rows = cases::counts(&state.db, Some(scope.as_str()).filter(|s| !s.is_empty())).await?;
    let by_category: Vec<(String, Vec<i64>)> = CaseCategory::ALL
        .iter()
        .map(|k| {
            let cells = CaseStatus::ALL
                .iter()
                .map(|s| {
                    rows.iter()
                        .filter(|r| r.category == k.as_str() && r.status == s.as_str())
                        .map(|r| r.n)
                        .sum()
                })
                .collect();
            (k.label_id().to_owned(), cells)
        })
        .collect();
    let table = rules::suppress_table(&by_category)
        .into_iter()
        .zip(&by_category)
        .map(|((label, cells), (_, raw))| (label, cells, rules::suppress(raw.iter().sum())))
        .collect();
    let mut months: Vec<String> = rows.iter().map(|r| r.month.clone()).collect();
    months.sort();
    months.dedup();
    let by_month = months
        .into_iter()
        .map(|m| {
            let n = rows.iter().filter(|r| r.month == m).map(|r| r.n).sum();
            (m, rules::suppress(n))
        })
        .collect();
    let mut regions: Vec<String> = rows.iter().map(|r| r.region_code.clone()).collect();
    regions.sort();
    regions.dedup();
    let by_region = regions
        .into_iter()
        .map(|code| {
            let n = rows
                .iter()
                .filter(|r| r.region_code == code)
                .map(|r| r.n)
                .sum();
            (
                crate::features::dashboard::place_of(&code, &state.regions),
                rules::suppress(n),
            )
        })
        .collect();
    let by_outcome = OutcomeKind::ALL
        .iter()
        .map(|o| {
            let n = rows
                .iter()
                .filter(|r| r.outcome == o.as_str())
                .map(|r| r.n)
                .sum();
            (o.label_id().to_owned(), rules::suppress(n))
        })
        .collect();
    render(CountsPage {
        page: Page::new(&staff.ctx, "cases.counts"),
        statuses: CaseStatus::ALL.iter().map(|s| s.label_id()).collect(),
        rows: table,
        by_month,
        by_region,
        by_outcome,
        small: rules::SMALL_COUNT,
    })
}
