//! The cooperative's books: period close and statements.

use super::*;

pub(super) fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists")
}

/// Account totals of the posted entries dated in `[from, to]` (`from` `None`: since the start),
/// leaving out the entries of `skip_source` (the year-end closing entry, to see a year's PHU).
pub async fn totals(
    db: &Db,
    region: &str,
    from: Option<NaiveDate>,
    to: NaiveDate,
    skip_source: Option<&str>,
) -> Result<Totals> {
    // The first day either engine stores as a plain date.
    let from = from.unwrap_or(NaiveDate::from_ymd_opt(1, 1, 1).expect("year 1"));
    let rows: Vec<(String, i64, i64)> = on_pool!(db, p => sqlx::query_as(TOTALS)
        .bind(region).bind(from).bind(to).bind(skip_source.unwrap_or("")).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|(a, d, c)| (a, (d, c))).collect())
}

/// Read from the per-day totals kept at posting (`coop_day_totals`), not from every journal line.
pub(super) const TOTALS: &str = "SELECT account_code, CAST(COALESCE(SUM(debit), 0) AS BIGINT), CAST(COALESCE(SUM(credit), 0) AS BIGINT)
     FROM coop_day_totals
     WHERE region_code = $1 AND day >= $2 AND day <= $3 AND source <> $4
     GROUP BY account_code";

/// The income and expense of a book year, inside a transaction: its entries without the
/// year-end closing entry.
pub(super) async fn year_totals_in(tx: &mut Tx, region: &str, year: i32) -> Result<Totals> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let rows: Vec<(String, i64, i64)> = on_tx!(tx, c => sqlx::query_as(TOTALS)
        .bind(region).bind(start).bind(year_end(year)).bind("tutup_buku").fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(a, d, c)| (a, (d, c))).collect())
}

pub(super) async fn chart(db: &Db, region: &str) -> Result<Vec<Account>> {
    settings(db, region)
        .await?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))?
        .chart()
}

/// The trial balance (*neraca saldo*) on a day.
pub async fn trial_balance(db: &Db, region: &str, on: NaiveDate) -> Result<ledger::TrialBalance> {
    let c = chart(db, region).await?;
    Ok(ledger::trial_balance(
        &c,
        &totals(db, region, None, on, None).await?,
    ))
}

/// The *neraca* on a day.
pub async fn neraca(db: &Db, region: &str, on: NaiveDate) -> Result<ledger::Neraca> {
    let c = chart(db, region).await?;
    Ok(ledger::neraca(
        &c,
        &totals(db, region, None, on, None).await?,
    ))
}

/// The *PHU* of `[from, to]`, before the year-end closing entry.
pub async fn phu(db: &Db, region: &str, from: NaiveDate, to: NaiveDate) -> Result<ledger::Phu> {
    let c = chart(db, region).await?;
    Ok(ledger::phu(
        &c,
        &totals(db, region, Some(from), to, Some("tutup_buku")).await?,
    ))
}

/// One line of the cash book.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CashLine {
    pub on: NaiveDate,
    pub memo: String,
    pub debit: i64,
    pub credit: i64,
    pub balance: i64,
}

/// The cash book (*buku kas*) of `[from, to]`: the opening balance and each movement of the
/// cash account with the running balance.
pub async fn cash_book(
    db: &Db,
    region: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, Vec<CashLine>)> {
    let s = settings(db, region)
        .await?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))?;
    let cash = AccountMap::standard(s.capital()?)
        .account(Role::Cash, None)
        .to_string();
    let (od, oc) = totals(db, region, None, from.pred_opt().unwrap_or(from), None)
        .await?
        .get(&cash)
        .copied()
        .unwrap_or_default();
    let opening = od - oc;
    let rows: Vec<(NaiveDate, String, i64, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT e.entry_on, e.memo, l.debit, l.credit FROM coop_journal_lines l JOIN coop_journal_entries e ON e.id = l.entry_id
         WHERE e.region_code = $1 AND e.posted AND l.account_code = $2 AND e.entry_on >= $3 AND e.entry_on <= $4
         ORDER BY e.entry_on, e.created_at, e.id",
    ).bind(region).bind(&cash).bind(from).bind(to).fetch_all(p).await)?;
    let mut balance = opening;
    Ok((
        opening,
        rows.into_iter()
            .map(|(on, memo, debit, credit)| {
                balance += debit - credit;
                CashLine {
                    on,
                    memo,
                    debit,
                    credit,
                    balance,
                }
            })
            .collect(),
    ))
}

/// Closes the books through `through` (never backwards, never past `today`): no entry may be
/// dated on or before it afterwards. Closing through 31 December first posts that year's closing
/// entry (income and expense into the year's result); a close may not jump over a year end that
/// still has to be closed.
pub async fn close_period(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    through: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    let by = user_of(actor)?;
    let s = settings_in(tx, region, Lock::Update).await?;
    ledger::check_close(s.closed_through, through, today).map_err(refuse)?;
    let first: Option<NaiveDate> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MIN(entry_on) FROM coop_journal_entries WHERE region_code = $1 AND posted",
    ).bind(region).fetch_one(c).await)?;
    if let Some(first) = first {
        let start = s.closed_through.map_or(first, |c| c.max(first));
        if let Some(y) = (start.year()..through.year()).find(|&y| year_end(y) >= start) {
            return Err(conflict(format!(
                "tutup buku akhir tahun {y} dulu (sampai {}), baru sesudahnya",
                year_end(y).format("%d-%m-%Y")
            )));
        }
    }
    if through == year_end(through.year()) {
        let chart = s.chart()?;
        let map = account_map_in(tx, region, s.capital()?).await?;
        let year = year_totals_in(tx, region, through.year()).await?;
        if let Some(entry) = ledger::closing_entry(&chart, &year, &map, through) {
            post_entry(tx, actor, region, &entry, "tutup_buku", None).await?;
        }
    }
    let moved = on_tx!(tx, c => sqlx::query(
        "UPDATE coop_settings SET closed_through = $1, updated_at = $2, updated_by = $3
         WHERE region_code = $4 AND (closed_through IS NULL OR closed_through < $1)",
    ).bind(through).bind(now()).bind(by).bind(region).execute(c).await.map(|r| r.rows_affected()))?;
    if moved == 0 {
        return Err(conflict(
            "pembukuan baru saja ditutup orang lain; muat ulang",
        ));
    }
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_period_closes (region_code, closed_through, closed_by, closed_at) VALUES ($1, $2, $3, $4)",
    ).bind(region).bind(through).bind(by).bind(now()).execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_settings",
        region,
        "update",
        region,
        &["closed_through"],
    )
    .await
}
