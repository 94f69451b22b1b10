//! The cooperative's books: loans.

use super::*;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoanRow {
    pub id: Id,
    pub member_id: Id,
    pub product_id: Id,
    pub method: String,
    pub annual_rate_bp: i32,
    pub principal: i64,
    pub months: i32,
    pub purpose: String,
    pub status: String,
    pub applied_on: NaiveDate,
    pub created_by: Id,
    pub approved_by: Option<Id>,
    pub disbursed_on: Option<NaiveDate>,
    pub prepaid: i64,
    pub maker_checker: bool,
}

pub(super) const LOAN: &str = "id, member_id, product_id, method, annual_rate_bp, principal, months, purpose, status, applied_on, \
     created_by, approved_by, disbursed_on, prepaid, maker_checker";

pub async fn loan(db: &Db, id: Id) -> Result<Option<LoanRow>> {
    let sql = format!("SELECT {LOAN} FROM coop_loans WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// The loan row, locked on PostgreSQL so two payments of one loan are applied one after the other.
pub(super) async fn loan_in(tx: &mut Tx, id: Id) -> Result<LoanRow> {
    let suffix = if is_pg(tx) { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {LOAN} FROM coop_loans WHERE id = $1{suffix}");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

/// A member applies; the product's method and rate (and the co-op's maker-checker setting) are
/// copied onto the loan.
pub async fn apply(
    tx: &mut Tx,
    actor: &Actor,
    member: Id,
    input: &desmigratif_core::coop::forms::LoanApplicationInput,
    on: NaiveDate,
) -> Result<Id> {
    let by = user_of(actor)?;
    let m = member_in(tx, member).await?;
    if m.left_on.is_some() {
        return Err(conflict("anggota ini sudah keluar"));
    }
    let s = settings_in(tx, &m.region_code, Lock::None).await?;
    let product: Option<(Id,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id FROM coop_loan_products WHERE region_code = $1 AND code = $2 AND active",
    ).bind(&m.region_code).bind(&input.product).fetch_optional(c).await)?;
    let (pid,) = product.ok_or_else(|| conflict("produk pinjaman tidak ada"))?;
    let (_, p) = product_in(tx, pid).await?;
    if input.amount < p.min_amount
        || input.amount > p.max_amount
        || input.months == 0
        || input.months > p.max_term
    {
        return Err(conflict(format!(
            "pinjaman {} harus di antara batas produk dan paling lama {} bulan",
            p.name, p.max_term
        )));
    }
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_loans (id, member_id, product_id, method, annual_rate_bp, principal, months, purpose, status, applied_on,
                                 created_by, prepaid, maker_checker, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'diajukan', $9, $10, 0, $11, $12, $12)",
    )
    .bind(id).bind(member).bind(pid).bind(p.method.as_str()).bind(p.annual_rate_bp as i32).bind(input.amount)
    .bind(input.months as i32).bind(&input.purpose).bind(on).bind(by).bind(s.maker_checker).bind(at)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(tx, actor, "coop_loan", id, "create", &m.region_code, &[]).await?;
    Ok(id)
}

/// Approves (or, with `approve = false`, rejects) an application. With maker-checker on, not by
/// whoever entered it.
pub async fn decide(tx: &mut Tx, actor: &Actor, loan: Id, approve: bool) -> Result<()> {
    let by = user_of(actor)?;
    let l = loan_in(tx, loan).await?;
    let m = member_in(tx, l.member_id).await?;
    if l.status != "diajukan" {
        return Err(conflict("pinjaman ini sudah diputuskan"));
    }
    if approve && l.maker_checker && l.created_by == by {
        return Err(conflict(
            "pinjaman harus disetujui oleh pengurus lain, bukan yang mencatat pengajuannya",
        ));
    }
    let status = if approve { "disetujui" } else { "ditolak" };
    on_tx!(tx, c => sqlx::query(
        "UPDATE coop_loans SET status = $1, approved_by = $2, approved_at = $3, updated_at = $3 WHERE id = $4 AND status = 'diajukan'",
    )
    .bind(status).bind(approve.then_some(by)).bind(now()).bind(loan)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_loan",
        loan,
        "update",
        &m.region_code,
        &["status"],
    )
    .await
}

pub(super) fn product_code_memo(p: &LoanProduct, m: &MemberRow) -> String {
    format!("{} anggota {}", p.name, m.number)
}

/// Pays out an approved loan on `on`: its schedule, the disbursement entry, and each fee the
/// member pays in cash as its own entry. Returns the disbursement entry's id.
pub async fn disburse(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    loan: Id,
    on: NaiveDate,
) -> Result<Id> {
    let l = loan_in(tx, loan).await?;
    let m = member_in(tx, l.member_id).await?;
    let placeholder = Id::new();
    if let Some(earlier) = claim(
        tx,
        actor,
        &m.region_code,
        key,
        "cair",
        &format!("{loan}|{on}"),
        placeholder,
    )
    .await?
    {
        return Ok(earlier);
    }
    if l.status != "disetujui" {
        return Err(conflict(
            "hanya pinjaman yang disetujui yang bisa dicairkan",
        ));
    }
    if on < l.applied_on {
        return Err(conflict("tanggal pencairan sebelum tanggal pengajuan"));
    }
    let (_, p) = product_in(tx, l.product_id).await?;
    let method: Method = l.method.parse().map_err(|_| corrupt("metode pinjaman"))?;
    let new = Loan::new(&LoanTerms {
        method,
        principal: l.principal,
        months: l.months as u32,
        annual_rate_bp: l.annual_rate_bp as u32,
        disbursed_on: on,
    })
    .map_err(refuse)?;
    insert_instalments(tx, loan, &new.schedule.instalments).await?;
    let memo = format!("Pencairan {}", product_code_memo(&p, &m));
    let entry = post_txn(
        tx,
        actor,
        &m.region_code,
        &Txn::Disbursement {
            product: p.code.clone(),
            principal: l.principal,
        },
        on,
        &memo,
        "pencairan",
        Some(loan),
    )
    .await?;
    for (kind, amount) in p.fees_for(l.principal) {
        if amount > 0 {
            let memo = format!("Biaya {} {}", kind.label_id(), product_code_memo(&p, &m));
            post_txn(
                tx,
                actor,
                &m.region_code,
                &Txn::Fee {
                    product: p.code.clone(),
                    kind,
                    amount,
                },
                on,
                &memo,
                "biaya",
                Some(loan),
            )
            .await?;
        }
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE coop_loans SET status = 'dicairkan', disbursed_on = $1, disbursement_entry_id = $2, updated_at = $3 WHERE id = $4",
    ).bind(on).bind(entry).bind(now()).bind(loan).execute(c).await.map(|_| ()))?;
    settle_claim(tx, actor, &m.region_code, key, entry).await?;
    audit::record_change(
        tx,
        actor,
        "coop_loan",
        loan,
        "update",
        &m.region_code,
        &["status", "disbursed_on"],
    )
    .await?;
    Ok(entry)
}

pub(super) async fn insert_instalments(tx: &mut Tx, loan: Id, rows: &[Instalment]) -> Result<()> {
    for i in rows {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_instalments (loan_id, no, due_on, principal, interest, total, balance_after, penalty,
                                           paid_penalty, paid_interest, paid_principal)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, 0)",
        )
        .bind(loan).bind(i.no as i32).bind(i.due_on).bind(i.principal).bind(i.interest).bind(i.total).bind(i.balance_after)
        .execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct InstalmentRow {
    pub(super) no: i32,
    pub(super) due_on: NaiveDate,
    pub(super) principal: i64,
    pub(super) interest: i64,
    pub(super) total: i64,
    pub(super) balance_after: i64,
    pub(super) penalty: i64,
    pub(super) paid_penalty: i64,
    pub(super) paid_interest: i64,
    pub(super) paid_principal: i64,
}

pub(super) const INSTALMENT: &str = "no, due_on, principal, interest, total, balance_after, penalty, paid_penalty, paid_interest, paid_principal";

pub(super) fn build_loan(l: &LoanRow, rows: Vec<InstalmentRow>) -> Result<Loan> {
    let method: Method = l.method.parse().map_err(|_| corrupt("metode pinjaman"))?;
    Ok(Loan {
        method,
        annual_rate_bp: l.annual_rate_bp as u32,
        principal: l.principal,
        paid: rows
            .iter()
            .map(|r| Parts {
                penalty: r.paid_penalty,
                interest: r.paid_interest,
                principal: r.paid_principal,
            })
            .collect(),
        penalties: rows.iter().map(|r| r.penalty).collect(),
        schedule: Schedule {
            principal: l.principal - l.prepaid,
            instalments: rows
                .iter()
                .map(|r| Instalment {
                    no: r.no as u32,
                    due_on: r.due_on,
                    principal: r.principal,
                    interest: r.interest,
                    total: r.total,
                    balance_after: r.balance_after,
                })
                .collect(),
        },
        prepaid: l.prepaid,
    })
}

/// A loan in a list: the loan with its member and product names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LoanListRow {
    pub id: Id,
    pub member_id: Id,
    pub number: String,
    pub name: String,
    pub product: String,
    pub principal: i64,
    pub months: i32,
    pub status: String,
    pub applied_on: NaiveDate,
    pub disbursed_on: Option<NaiveDate>,
}

/// The co-op's loans, newest application first; only one member's with `member`, only one
/// status with `status`. Pages of `limit`, and whether more follow.
pub async fn loans(
    db: &Db,
    region: &str,
    member: Option<Id>,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<LoanListRow>, bool)> {
    let mut rows: Vec<LoanListRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT l.id, l.member_id, m.number, m.name, p.name AS product, l.principal, l.months, l.status,
                l.applied_on, l.disbursed_on
         FROM coop_loans l JOIN coop_members m ON m.id = l.member_id JOIN coop_loan_products p ON p.id = l.product_id
         WHERE m.region_code = $1 AND ($2 IS NULL OR l.member_id = $2) AND ($3 = '' OR l.status = $3)
         ORDER BY l.applied_on DESC, l.created_at DESC, l.id LIMIT $4 OFFSET $5",
    ).bind(region).bind(member).bind(status.unwrap_or("")).bind(limit + 1).bind(offset).fetch_all(p).await)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// How many of the co-op's loans stand at `status`.
pub async fn loan_count(db: &Db, region: &str, status: &str) -> Result<i64> {
    Ok(on_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM coop_loans l JOIN coop_members m ON m.id = l.member_id
         WHERE m.region_code = $1 AND l.status = $2",
    ).bind(region).bind(status).fetch_one(p).await)?)
}

/// A loan as the books hold it (schedule, what was paid, penalties), for the *kartu angsuran*.
pub async fn loan_state(db: &Db, id: Id) -> Result<(LoanRow, Loan)> {
    let l = loan(db, id).await?.ok_or(DbError::NotFound)?;
    let sql = format!("SELECT {INSTALMENT} FROM coop_instalments WHERE loan_id = $1 ORDER BY no");
    let rows: Vec<InstalmentRow> =
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(p).await)?;
    let built = build_loan(&l, rows)?;
    Ok((l, built))
}

/// What each part of a repayment settled, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct RepaymentRow {
    pub amount: i64,
    pub penalty: i64,
    pub interest: i64,
    pub principal: i64,
    pub prepaid_principal: i64,
    pub overpayment: i64,
}

pub async fn repayments(db: &Db, loan: Id) -> Result<Vec<RepaymentRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT amount, penalty, interest, principal, prepaid_principal, overpayment FROM coop_repayments
         WHERE loan_id = $1 ORDER BY paid_on, created_at",
    ).bind(loan).fetch_all(p).await)?)
}

/// A payment on a disbursed loan, on `on`. Late instalments are first charged the product's
/// penalty (on what is overdue, for the days since the due date; a charge never falls); then
/// the payment is spread by the product's allocation order, oldest instalment first; what is
/// left prepays principal and the not-yet-due instalments are recomputed; anything beyond the
/// whole debt is booked as the member's *titipan*. Returns the repayment's id.
pub async fn repay(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    loan: Id,
    amount: i64,
    on: NaiveDate,
) -> Result<Id> {
    let by = user_of(actor)?;
    let l = loan_in(tx, loan).await?;
    let m = member_in(tx, l.member_id).await?;
    let id = Id::new();
    if let Some(earlier) = claim(
        tx,
        actor,
        &m.region_code,
        key,
        "angsuran",
        &format!("{loan}|{amount}|{on}"),
        id,
    )
    .await?
    {
        return Ok(earlier);
    }
    if l.status != "dicairkan" {
        return Err(conflict("pinjaman ini tidak sedang berjalan"));
    }
    if amount <= 0 {
        return Err(conflict("jumlah pembayaran harus lebih dari nol"));
    }
    if l.disbursed_on.is_some_and(|d| on < d) {
        return Err(conflict("tanggal pembayaran sebelum tanggal pencairan"));
    }
    let (_, p) = product_in(tx, l.product_id).await?;
    let sql = format!("SELECT {INSTALMENT} FROM coop_instalments WHERE loan_id = $1 ORDER BY no");
    let rows: Vec<InstalmentRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(loan).fetch_all(c).await)?;
    let mut state = build_loan(&l, rows)?;
    // Penalties up to today on what is overdue.
    for (k, i) in state.schedule.instalments.iter().enumerate() {
        let paid = state.paid[k];
        let overdue = (i.principal - paid.principal) + (i.interest - paid.interest);
        let days = (on - i.due_on).num_days();
        let charge = loan::penalty(overdue, days, p.penalty_bp_per_day);
        if charge > state.penalties[k] {
            state.penalties[k] = charge;
            on_tx!(tx, c => sqlx::query("UPDATE coop_instalments SET penalty = $1 WHERE loan_id = $2 AND no = $3")
                .bind(charge).bind(loan).bind(i.no as i32).execute(c).await.map(|_| ()))?;
        }
    }
    let r = state.repay(&p.order, on, amount);
    for (no, got) in &r.allocation.items {
        on_tx!(tx, c => sqlx::query(
            "UPDATE coop_instalments SET paid_penalty = paid_penalty + $1, paid_interest = paid_interest + $2,
                    paid_principal = paid_principal + $3 WHERE loan_id = $4 AND no = $5",
        ).bind(got.penalty).bind(got.interest).bind(got.principal).bind(loan).bind(*no as i32)
        .execute(c).await.map(|_| ()))?;
    }
    if let Some(rest) = &r.recomputed {
        on_tx!(tx, c => sqlx::query("DELETE FROM coop_instalments WHERE loan_id = $1 AND no >= $2")
            .bind(loan).bind(rest.from_no as i32).execute(c).await.map(|_| ()))?;
        insert_instalments(tx, loan, &rest.instalments).await?;
    }
    state.apply(&r);
    let owed: i64 = state
        .schedule
        .instalments
        .iter()
        .zip(state.paid.iter().zip(&state.penalties))
        .map(|(i, (p, pen))| {
            (i.principal - p.principal) + (i.interest - p.interest) + (pen - p.penalty)
        })
        .sum();
    let status = if owed == 0 { "lunas" } else { "dicairkan" };
    on_tx!(tx, c => sqlx::query("UPDATE coop_loans SET prepaid = $1, status = $2, updated_at = $3 WHERE id = $4")
        .bind(state.prepaid).bind(status).bind(now()).bind(loan).execute(c).await.map(|_| ()))?;
    let memo = format!("Angsuran {}", product_code_memo(&p, &m));
    let entry = post_txn(
        tx,
        actor,
        &m.region_code,
        &Txn::Repayment {
            product: p.code.clone(),
            paid: r.allocation.paid,
            prepaid_principal: r.prepaid_principal,
            overpayment: r.overpayment,
        },
        on,
        &memo,
        "angsuran",
        Some(id),
    )
    .await?;
    let paid = r.allocation.paid;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_repayments (id, loan_id, paid_on, amount, penalty, interest, principal, prepaid_principal, overpayment,
                                      entry_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id).bind(loan).bind(on).bind(amount).bind(paid.penalty).bind(paid.interest).bind(paid.principal)
    .bind(r.prepaid_principal).bind(r.overpayment).bind(entry).bind(by).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_repayment",
        id,
        "create",
        &m.region_code,
        &[],
    )
    .await?;
    Ok(id)
}

/// A disbursed loan's standing on a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ageing {
    pub loan: Id,
    pub member: Id,
    pub number: String,
    pub name: String,
    pub outstanding: i64,
    pub days_past_due: i64,
    pub class: Collectibility,
}

/// Every running loan of the co-op by collectibility (thresholds from the settings), the
/// worst first.
pub async fn ageing(db: &Db, region: &str, on: NaiveDate) -> Result<Vec<Ageing>> {
    let s = settings(db, region)
        .await?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))?;
    let thresholds = s.thresholds()?;
    let ids: Vec<(Id, String, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT l.id, m.number, m.name FROM coop_loans l JOIN coop_members m ON m.id = l.member_id
         WHERE m.region_code = $1 AND l.status = 'dicairkan'",
    ).bind(region).fetch_all(p).await)?;
    let mut out = Vec::new();
    for (id, number, name) in ids {
        let (l, state) = loan_state(db, id).await?;
        let dpd = arrears::days_past_due(&state.schedule, &state.paid, on);
        out.push(Ageing {
            loan: id,
            member: l.member_id,
            number,
            name,
            outstanding: state.outstanding_principal(),
            days_past_due: dpd,
            class: thresholds.classify(dpd),
        });
    }
    out.sort_by(|a, b| {
        b.days_past_due
            .cmp(&a.days_past_due)
            .then(a.number.cmp(&b.number))
    });
    Ok(out)
}
