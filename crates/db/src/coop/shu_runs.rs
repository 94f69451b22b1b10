//! The cooperative's books: the SHU — a run computed from the year's results, approved, posted.

use super::*;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ShuRunRow {
    pub id: Id,
    pub region_code: String,
    pub year: i32,
    pub result: i64,
    pub patronage_interest_bp: i32,
    pub unclaimed: i64,
    pub status: String,
    pub entry_id: Option<Id>,
    pub created_by: Id,
    pub approved_by: Option<Id>,
    pub created_at: DateTime<Utc>,
}

pub(super) const SHU_RUN: &str = "id, region_code, year, result, patronage_interest_bp, unclaimed, status, entry_id, created_by, approved_by, created_at";

pub async fn shu_run(db: &Db, id: Id) -> Result<Option<ShuRunRow>> {
    let sql = format!("SELECT {SHU_RUN} FROM coop_shu_runs WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// The SHU runs of the co-op, latest year first.
pub async fn shu_runs(db: &Db, region: &str) -> Result<Vec<ShuRunRow>> {
    let sql =
        format!("SELECT {SHU_RUN} FROM coop_shu_runs WHERE region_code = $1 ORDER BY year DESC");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_all(p).await)?)
}

pub(super) async fn shu_run_in(tx: &mut Tx, id: Id) -> Result<ShuRunRow> {
    let suffix = if is_pg(tx) { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {SHU_RUN} FROM coop_shu_runs WHERE id = $1{suffix}");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

/// The parts of a run: (part, bp, amount), in the plan's order.
pub async fn shu_parts(db: &Db, run: Id) -> Result<Vec<(ShuPart, i32, i64)>> {
    let rows: Vec<(String, i32, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT part, bp, amount FROM coop_shu_parts WHERE run_id = $1",
    ).bind(run).fetch_all(p).await)?;
    let mut out = rows
        .into_iter()
        .map(|(p, bp, a)| Ok((p.parse().map_err(|_| corrupt("bagian SHU"))?, bp, a)))
        .collect::<Result<Vec<(ShuPart, i32, i64)>>>()?;
    out.sort_by_key(|(p, _, _)| ShuPart::ALL.iter().position(|x| x == p));
    Ok(out)
}

/// A member's share in a run.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ShuMemberRow {
    pub member_id: Id,
    pub savings: i64,
    pub interest_paid: i64,
    pub transactions: i64,
    pub capital: i64,
    pub patronage: i64,
    pub total: i64,
}

pub async fn shu_members(db: &Db, run: Id) -> Result<Vec<ShuMemberRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT member_id, savings, interest_paid, transactions, capital, patronage, total FROM coop_shu_members
         WHERE run_id = $1 ORDER BY member_id",
    ).bind(run).fetch_all(p).await)?)
}

/// Computes the SHU of a closed year with the RAT's plan and stores it as a draft run (a new
/// computation replaces an earlier draft of the year). Each member's *jasa modal* weighs their
/// simpanan pokok and wajib at the year's end, their *jasa anggota* the loan interest they paid
/// in the year (no other business is recorded yet, so transactions weigh zero).
pub async fn shu_compute(tx: &mut Tx, actor: &Actor, region: &str, plan: &ShuPlan) -> Result<Id> {
    let by = user_of(actor)?;
    let s = settings_in(tx, region, Lock::None).await?;
    let end = year_end(plan.year());
    if s.closed_through.is_none_or(|c| c < end) {
        return Err(conflict(format!(
            "tutup buku tahun {} dulu; SHU dihitung dari tahun yang sudah ditutup",
            plan.year()
        )));
    }
    let status: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT status FROM coop_shu_runs WHERE region_code = $1 AND year = $2",
    ).bind(region).bind(plan.year()).fetch_optional(c).await)?;
    match status.as_deref() {
        Some("draf") => {
            for table in ["coop_shu_parts", "coop_shu_members"] {
                let sql = format!(
                    "DELETE FROM {table} WHERE run_id IN (SELECT id FROM coop_shu_runs WHERE region_code = $1 AND year = $2)"
                );
                on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(region).bind(plan.year()).execute(c).await.map(|_| ()))?;
            }
            on_tx!(tx, c => sqlx::query("DELETE FROM coop_shu_runs WHERE region_code = $1 AND year = $2")
                .bind(region).bind(plan.year()).execute(c).await.map(|_| ()))?;
        }
        Some(_) => {
            return Err(conflict(format!(
                "SHU tahun {} sudah disetujui; tidak dihitung ulang",
                plan.year()
            )));
        }
        None => {}
    }
    // The year's result, as the closing entry moved it into the current result.
    let start = NaiveDate::from_ymd_opt(plan.year(), 1, 1).expect("1 January");
    let year = year_totals_in(tx, region, plan.year()).await?;
    let result = ledger::phu(&s.chart()?, &year).result;
    let basis: Vec<(Id, i64, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT m.id,
                CAST(COALESCE((SELECT SUM(CASE WHEN t.direction = 'setor' THEN t.amount ELSE -t.amount END)
                     FROM coop_savings_txns t JOIN coop_savings_accounts a ON a.id = t.account_id
                     WHERE a.member_id = m.id AND a.kind IN ('pokok', 'wajib') AND t.txn_on <= $2), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(r.interest) FROM coop_repayments r JOIN coop_loans l ON l.id = r.loan_id
                     WHERE l.member_id = m.id AND r.paid_on >= $3 AND r.paid_on <= $2), 0) AS BIGINT)
         FROM coop_members m WHERE m.region_code = $1 AND m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2)",
    ).bind(region).bind(end).bind(start).fetch_all(c).await)?;
    let members: Vec<MemberBasis> = basis
        .iter()
        .map(|(id, savings, interest)| MemberBasis {
            member: id.to_string(),
            savings: (*savings).max(0),
            interest_paid: *interest,
            transactions: 0,
        })
        .collect();
    let d = shu::distribute(result, plan, &members).map_err(refuse)?;
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_shu_runs (id, region_code, year, result, patronage_interest_bp, unclaimed, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draf', $7, $8)",
    )
    .bind(id).bind(region).bind(plan.year()).bind(result).bind(plan.patronage_interest_bp() as i32)
    .bind(d.unclaimed).bind(by).bind(now())
    .execute(c).await.map(|_| ()))?;
    for ((part, amount), (_, bp)) in d.parts.iter().zip(plan.shares()) {
        on_tx!(tx, c => sqlx::query("INSERT INTO coop_shu_parts (run_id, part, bp, amount) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(part.as_str()).bind(*bp as i32).bind(*amount).execute(c).await.map(|_| ()))?;
    }
    for share in &d.members {
        let b = members
            .iter()
            .find(|b| b.member == share.member)
            .expect("every share is of a member");
        let member: Id = share.member.parse().map_err(|_| corrupt("id anggota"))?;
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_shu_members (run_id, member_id, savings, interest_paid, transactions, capital, patronage, total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id).bind(member).bind(b.savings).bind(b.interest_paid).bind(b.transactions)
        .bind(share.capital).bind(share.patronage).bind(share.total)
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(tx, actor, "coop_shu_run", id, "create", region, &[]).await?;
    Ok(id)
}

/// The RAT's decision recorded: a draft run approved by someone other than who computed it.
pub async fn shu_approve(tx: &mut Tx, actor: &Actor, run: Id) -> Result<()> {
    let by = user_of(actor)?;
    let r = shu_run_in(tx, run).await?;
    if r.status != "draf" {
        return Err(conflict("perhitungan SHU ini sudah disetujui"));
    }
    if r.created_by == by {
        return Err(conflict(
            "perhitungan SHU harus disetujui oleh pengurus lain, bukan yang menghitungnya",
        ));
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE coop_shu_runs SET status = 'disetujui', approved_by = $1, approved_at = $2 WHERE id = $3",
    ).bind(by).bind(now()).bind(run).execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_shu_run",
        run,
        "update",
        &r.region_code,
        &["status"],
    )
    .await
}

/// Posts an approved run on `on`: the distribution entry (the year's result into the reserve,
/// the members' SHU and the funds); with `to_savings`, each member's share is then credited to
/// their simpanan sukarela (one entry, one savings line per member). Returns the distribution
/// entry's id.
pub async fn shu_post(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    run: Id,
    on: NaiveDate,
    to_savings: bool,
) -> Result<Id> {
    let r = shu_run_in(tx, run).await?;
    let placeholder = Id::new();
    if let Some(earlier) = claim(
        tx,
        actor,
        &r.region_code,
        key,
        "shu",
        &format!("{run}|{on}|{to_savings}"),
        placeholder,
    )
    .await?
    {
        return Ok(earlier);
    }
    if r.status != "disetujui" {
        return Err(conflict(
            "hanya SHU yang sudah disetujui yang bisa dibukukan",
        ));
    }
    let parts: Vec<(ShuPart, i64)> = on_tx!(tx, c => sqlx::query_as::<_, (String, i64)>(
        "SELECT part, amount FROM coop_shu_parts WHERE run_id = $1",
    ).bind(run).fetch_all(c).await)?
    .into_iter()
    .map(|(p, a)| Ok((p.parse().map_err(|_| corrupt("bagian SHU"))?, a)))
    .collect::<Result<_>>()?;
    let memo = format!("Pembagian SHU tahun {}", r.year);
    let entry = post_txn(
        tx,
        actor,
        &r.region_code,
        &Txn::ShuPosting {
            parts,
            unclaimed: r.unclaimed,
        },
        on,
        &memo,
        "shu",
        Some(run),
    )
    .await?;
    if to_savings {
        let shares: Vec<(Id, i64)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT member_id, total FROM coop_shu_members WHERE run_id = $1 AND total > 0 ORDER BY member_id",
        ).bind(run).fetch_all(c).await)?;
        let sum: i64 = shares.iter().map(|(_, t)| t).sum();
        if sum > 0 {
            let s = settings_in(tx, &r.region_code, Lock::None).await?;
            let map = account_map_in(tx, &r.region_code, s.capital()?).await?;
            let e = JournalEntry::new(
                on,
                &format!("SHU tahun {} ke simpanan sukarela anggota", r.year),
                vec![
                    Line::debit(map.account(Role::MembersShu, None), sum),
                    Line::credit(map.account(Role::VoluntarySavings, None), sum),
                ],
            )
            .map_err(refuse)?;
            let credit = post_entry(tx, actor, &r.region_code, &e, "shu", Some(run)).await?;
            for (member, total) in shares {
                let (account, _) = account_in(tx, member, SavingsKind::Voluntary).await?;
                on_tx!(tx, c => sqlx::query(
                    "UPDATE coop_savings_accounts SET balance = balance + $1, updated_at = $2 WHERE id = $3",
                ).bind(total).bind(now()).bind(account).execute(c).await.map(|_| ()))?;
                savings_txn(
                    tx,
                    actor,
                    &r.region_code,
                    Id::new(),
                    account,
                    "setor",
                    total,
                    on,
                    credit,
                )
                .await?;
            }
        }
    }
    on_tx!(tx, c => sqlx::query("UPDATE coop_shu_runs SET status = 'diposting', entry_id = $1 WHERE id = $2")
        .bind(entry).bind(run).execute(c).await.map(|_| ()))?;
    settle_claim(tx, actor, &r.region_code, key, entry).await?;
    audit::record_change(
        tx,
        actor,
        "coop_shu_run",
        run,
        "update",
        &r.region_code,
        &["status", "entry_id"],
    )
    .await?;
    Ok(entry)
}
