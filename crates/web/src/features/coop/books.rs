//! The co-operative desk: the books — trial balance, neraca, PHU, cash book — and the period close.

use super::*;

#[derive(Template)]
#[template(path = "coop_books.html")]
pub(super) struct BooksPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) on: NaiveDate,
    pub(super) trial: desmigratif_core::coop::ledger::TrialBalance,
    pub(super) neraca: desmigratif_core::coop::ledger::Neraca,
    pub(super) phu: desmigratif_core::coop::ledger::Phu,
    pub(super) year_start: NaiveDate,
    pub(super) opening: i64,
    pub(super) cash: Vec<coop::CashLine>,
    pub(super) month_start: NaiveDate,
    pub(super) closed_through: Option<NaiveDate>,
    pub(super) can_write: bool,
    pub(super) close_on: String,
    pub(super) errors: FieldErrors,
}

pub(super) async fn books_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    s: SettingsRow,
    on: NaiveDate,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let year_start = on.with_day(1).and_then(|d| d.with_month(1)).unwrap_or(on);
    let month_start = on.with_day(1).unwrap_or(on);
    let (opening, cash) = coop::cash_book(&state.db, &region, month_start, on).await?;
    let needs_correction = !errors.is_empty();
    render_form(
        BooksPage {
            page: Page::new(&staff.ctx, "coop.books"),
            trial: coop::trial_balance(&state.db, &region, on).await?,
            neraca: coop::neraca(&state.db, &region, on).await?,
            phu: coop::phu(&state.db, &region, year_start, on).await?,
            can_write: may_write(staff, &region),
            close_on: month_start.pred_opt().unwrap_or(month_start).to_string(),
            region,
            on,
            year_start,
            opening,
            cash,
            month_start,
            closed_through: s.closed_through,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn books(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let on = on_day(&q.tanggal)?;
    books_page(&state, &staff, region, s, on, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct CloseForm {
    pub(super) desa: String,
    pub(super) sampai: String,
    pub(super) yakin: String,
}

/// Closes the books through a day (after a confirmation box is ticked): nothing may be posted on
/// or before it afterwards.
pub(crate) async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CloseForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let mut errors = FieldErrors::default();
    if f.yakin.is_empty() {
        errors.add(
            "sampai",
            "centang kotak persetujuan dulu: tutup buku tidak bisa dibatalkan",
        );
    }
    let through = NaiveDate::parse_from_str(f.sampai.trim(), "%Y-%m-%d")
        .map_err(|_| errors.add("sampai", "tulis tanggal tutup buku, TTTT-BB-HH"))
        .ok();
    if let (Some(through), true) = (through, errors.is_empty()) {
        match in_books(&state, "sampai", async |tx| {
            coop::close_period(tx, &staff.actor(), &region, through, today()).await
        })
        .await?
        {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/app/koperasi/pembukuan?desa={region}")).into_response(),
                );
            }
            Err(refusal) => errors = refusal,
        }
    }
    books_page(&state, &staff, region, s, today(), errors).await
}
