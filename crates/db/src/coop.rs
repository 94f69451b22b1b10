//! The village cooperative's books (issue 8): set-up, members and their savings, loans from
//! application to the last instalment, the journal, period close, the statements, and the SHU.
//! The rules are `core::coop`; this module stores their results, one code path for both engines.
//!
//! Every money action runs in the caller's transaction and
//! - carries an idempotency key ([`claim`]): the key is inserted first, with the id the action
//!   will create; a replay with the same request returns that id and writes nothing, a different
//!   request under the same key is refused;
//! - posts a balanced [`JournalEntry`] ([`post_entry`]: unposted, lines, posted — the triggers
//!   refuse anything unbalanced), dated in the open period (`check_open` against
//!   `coop_settings.closed_through`, read under a shared row lock on PostgreSQL so a close cannot
//!   slip in between);
//! - is audited with `audit::record_change` in the same transaction.
//!
//! Locks are always taken in the same order — the loan row (loan actions), the idempotency key,
//! the savings account row, the settings row (shared; a period close takes it exclusively and
//! first), the audit head — so concurrent actions wait for each other and never deadlock. On
//! SQLite, BEGIN IMMEDIATE serialises every writer anyway.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use desmigratif_core::Invalid;
use desmigratif_core::coop::arrears::{self, AgeingThresholds, Collectibility};
use desmigratif_core::coop::forms::{Direction, SavingsTxnInput};
use desmigratif_core::coop::ledger::{
    self, Account, AccountMap, JournalEntry, Line, MemberCapital, Role, Side, Totals, Txn,
};
use desmigratif_core::coop::loan::{
    self, AllocationOrder, Instalment, Loan, LoanProduct, LoanTerms, Method, Parts, Schedule,
};
use desmigratif_core::coop::savings::{self, MandatoryStatus, SavingsKind};
use desmigratif_core::coop::shu::{self, MemberBasis, ShuPart, ShuPlan};
use desmigratif_core::id::Id;
use desmigratif_core::now;
use sha2::{Digest, Sha256};

fn refuse(e: Invalid) -> DbError {
    DbError::Conflict(e.message)
}

fn conflict(m: impl Into<String>) -> DbError {
    DbError::Conflict(m.into())
}

fn corrupt(what: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("koperasi: {what}"))
}

/// The user behind a money action: the books name a person for every entry.
fn user_of(actor: &Actor) -> Result<Id> {
    actor
        .user_id
        .ok_or_else(|| conflict("transaksi koperasi harus dicatat oleh pengguna yang masuk"))
}

fn is_pg(tx: &Tx) -> bool {
    matches!(tx, Tx::Postgres(_))
}

// ---------------------------------------------------------------------------------------------
// Settings and set-up
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingsRow {
    pub region_code: String,
    pub member_capital: String,
    pub principal_savings_amount: i64,
    pub mandatory_monthly: i64,
    pub substandard_from: i32,
    pub doubtful_from: i32,
    pub loss_from: i32,
    pub closed_through: Option<NaiveDate>,
    pub maker_checker: bool,
}

impl SettingsRow {
    pub fn capital(&self) -> Result<MemberCapital> {
        self.member_capital.parse().map_err(|_| {
            corrupt(format_args!(
                "penyajian simpanan «{}» tidak dikenal",
                self.member_capital
            ))
        })
    }

    pub fn chart(&self) -> Result<Vec<Account>> {
        Ok(ledger::chart_of_accounts(self.capital()?))
    }

    pub fn thresholds(&self) -> Result<AgeingThresholds> {
        AgeingThresholds::new(
            self.substandard_from as u32,
            self.doubtful_from as u32,
            self.loss_from as u32,
        )
        .map_err(|e| corrupt(e.message))
    }
}

const SETTINGS: &str = "region_code, member_capital, principal_savings_amount, mandatory_monthly, substandard_from, \
     doubtful_from, loss_from, closed_through, maker_checker";

/// What a co-op decides when it starts keeping its books here.
#[derive(Debug, Clone)]
pub struct Setup {
    pub capital: MemberCapital,
    pub principal_savings: i64,
    pub mandatory_monthly: i64,
    pub thresholds: AgeingThresholds,
    pub maker_checker: bool,
    pub products: Vec<LoanProduct>,
}

pub async fn settings(db: &Db, region: &str) -> Result<Option<SettingsRow>> {
    let sql = format!("SELECT {SETTINGS} FROM coop_settings WHERE region_code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_optional(p).await)?,
    )
}

/// How [`settings_in`] reads the settings row on PostgreSQL (SQLite's BEGIN IMMEDIATE already
/// holds the whole database): postings take it shared, a period close exclusive and first, so a
/// close waits for the postings in flight and no posting lands behind a close.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lock {
    None,
    Share,
    Update,
}

async fn settings_in(tx: &mut Tx, region: &str, lock: Lock) -> Result<SettingsRow> {
    let suffix = match lock {
        _ if !is_pg(tx) => "",
        Lock::None => "",
        Lock::Share => " FOR SHARE",
        Lock::Update => " FOR UPDATE",
    };
    let sql = format!("SELECT {SETTINGS} FROM coop_settings WHERE region_code = $1{suffix}");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_optional(c).await)?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))
}

/// Starts a co-op's books: its settings, its chart of accounts and its loan products.
pub async fn setup(tx: &mut Tx, actor: &Actor, region: &str, s: &Setup) -> Result<()> {
    if s.principal_savings <= 0 || s.mandatory_monthly <= 0 {
        return Err(conflict(
            "simpanan pokok dan simpanan wajib harus lebih dari nol",
        ));
    }
    let [sub, doubt, loss] = s.thresholds.days();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_settings (region_code, member_capital, principal_savings_amount, mandatory_monthly,
                                    substandard_from, doubtful_from, loss_from, closed_through, maker_checker, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10)",
    )
    .bind(region).bind(s.capital.as_str()).bind(s.principal_savings).bind(s.mandatory_monthly)
    .bind(sub as i32).bind(doubt as i32).bind(loss as i32).bind(s.maker_checker).bind(now()).bind(actor.user_id)
    .execute(c).await.map(|_| ()))
    .map_err(|e| crate::conflict_on_duplicate(e, "koperasi desa ini sudah ada"))?;
    for a in ledger::chart_of_accounts(s.capital) {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_accounts (region_code, code, name, kind, normal) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(region).bind(a.code).bind(a.name).bind(a.kind.as_str()).bind(a.normal.as_str())
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(
        tx,
        actor,
        "coop_settings",
        region,
        "create",
        region,
        &["member_capital", "savings", "thresholds", "maker_checker"],
    )
    .await?;
    for p in &s.products {
        add_product(tx, actor, region, p).await?;
    }
    Ok(())
}

/// Changes the collectibility thresholds and maker-checker. Loans already applied for keep the
/// maker-checker they were applied under.
pub async fn change_rules(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    thresholds: AgeingThresholds,
    maker_checker: bool,
) -> Result<()> {
    settings_in(tx, region, Lock::Update).await?;
    let [sub, doubt, loss] = thresholds.days();
    on_tx!(tx, c => sqlx::query(
        "UPDATE coop_settings SET substandard_from = $1, doubtful_from = $2, loss_from = $3, maker_checker = $4,
                updated_at = $5, updated_by = $6 WHERE region_code = $7",
    )
    .bind(sub as i32).bind(doubt as i32).bind(loss as i32).bind(maker_checker).bind(now()).bind(actor.user_id).bind(region)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_settings",
        region,
        "update",
        region,
        &["thresholds", "maker_checker"],
    )
    .await
}

/// A loan product of the co-op.
pub async fn add_product(tx: &mut Tx, actor: &Actor, region: &str, p: &LoanProduct) -> Result<Id> {
    p.validate().map_err(|e| {
        conflict(
            e.into_iter()
                .map(|i| i.message)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let id = Id::new();
    let fees = serde_json::to_string(&p.fees).map_err(corrupt)?;
    let order = serde_json::to_string(&p.order).map_err(corrupt)?;
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_loan_products (id, region_code, code, name, method, annual_rate_bp, min_amount, max_amount, max_term,
                                         fees, penalty_bp_per_day, allocation_order, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, TRUE, $13, $13)",
    )
    .bind(id).bind(region).bind(&p.code).bind(&p.name).bind(p.method.as_str()).bind(p.annual_rate_bp as i32)
    .bind(p.min_amount).bind(p.max_amount).bind(p.max_term as i32).bind(&fees).bind(p.penalty_bp_per_day as i32)
    .bind(&order).bind(at)
    .execute(c).await.map(|_| ()))
    .map_err(|e| crate::conflict_on_duplicate(e, format!("kode produk {} sudah dipakai", p.code)))?;
    audit::record_change(tx, actor, "coop_loan_product", id, "create", region, &[]).await?;
    Ok(id)
}

/// Maps a loan role of one product to its own account of the chart.
pub async fn map_product_account(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    product: Id,
    role: Role,
    code: &str,
) -> Result<()> {
    let s = settings_in(tx, region, Lock::None).await?;
    let (_, p) = product_in(tx, product).await?;
    let map = account_map_in(tx, region, s.capital()?)
        .await?
        .with_product(&p.code, role, code);
    map.validate(&s.chart()?).map_err(|e| {
        conflict(
            e.into_iter()
                .map(|i| i.message)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_product_accounts (product_id, role, account_code) VALUES ($1, $2, $3)
         ON CONFLICT (product_id, role) DO UPDATE SET account_code = excluded.account_code",
    )
    .bind(product).bind(role.as_str()).bind(code)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_loan_product",
        product,
        "update",
        region,
        &["accounts"],
    )
    .await
}

async fn account_map_in(tx: &mut Tx, region: &str, capital: MemberCapital) -> Result<AccountMap> {
    let rows: Vec<(String, String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT p.code, a.role, a.account_code FROM coop_product_accounts a
         JOIN coop_loan_products p ON p.id = a.product_id WHERE p.region_code = $1",
    ).bind(region).fetch_all(c).await)?;
    let mut map = AccountMap::standard(capital);
    for (product, role, code) in rows {
        let role: Role = role
            .parse()
            .map_err(|_| corrupt(format_args!("peran akun «{role}»")))?;
        map = map.with_product(&product, role, &code);
    }
    Ok(map)
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: Id,
    code: String,
    name: String,
    method: String,
    annual_rate_bp: i32,
    min_amount: i64,
    max_amount: i64,
    max_term: i32,
    fees: String,
    penalty_bp_per_day: i32,
    allocation_order: String,
}

impl ProductRow {
    fn product(self) -> Result<(Id, LoanProduct)> {
        let bad = |what: &str| corrupt(format_args!("produk {}: {what}", self.code));
        let method: Method = self.method.parse().map_err(|_| bad("metode"))?;
        let fees = serde_json::from_str(&self.fees).map_err(|_| bad("biaya"))?;
        let order: AllocationOrder =
            serde_json::from_str(&self.allocation_order).map_err(|_| bad("urutan"))?;
        Ok((
            self.id,
            LoanProduct {
                code: self.code,
                name: self.name,
                method,
                annual_rate_bp: self.annual_rate_bp as u32,
                min_amount: self.min_amount,
                max_amount: self.max_amount,
                max_term: self.max_term as u32,
                fees,
                penalty_bp_per_day: self.penalty_bp_per_day as u32,
                order,
            },
        ))
    }
}

const PRODUCT: &str = "id, code, name, method, annual_rate_bp, min_amount, max_amount, max_term, fees, penalty_bp_per_day, allocation_order";

/// The co-op's active loan products, by code.
pub async fn products(db: &Db, region: &str) -> Result<Vec<(Id, LoanProduct)>> {
    let sql = format!(
        "SELECT {PRODUCT} FROM coop_loan_products WHERE region_code = $1 AND active ORDER BY code"
    );
    let rows: Vec<ProductRow> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_all(p).await)?;
    rows.into_iter().map(ProductRow::product).collect()
}

async fn product_in(tx: &mut Tx, id: Id) -> Result<(Id, LoanProduct)> {
    let sql = format!("SELECT {PRODUCT} FROM coop_loan_products WHERE id = $1");
    let row: ProductRow =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
            .ok_or(DbError::NotFound)?;
    row.product()
}

// ---------------------------------------------------------------------------------------------
// Idempotency and the journal
// ---------------------------------------------------------------------------------------------

/// Claims an idempotency key for an action that will create `result`. `None`: the key is new,
/// go ahead. `Some(id)`: the same request was done before, and `id` is what it created.
async fn claim(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    key: &str,
    action: &str,
    request: &str,
    result: Id,
) -> Result<Option<Id>> {
    if key.trim().is_empty() || key.trim().len() > 200 {
        return Err(conflict(
            "permintaan transaksi tanpa kunci idempotensi yang sah; muat ulang formulirnya",
        ));
    }
    let key = &scoped(actor, key);
    let hash = hex::encode(Sha256::digest(format!("{action}\n{request}").as_bytes()));
    let inserted = on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_idempotency (region_code, key, action, request_hash, result_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_code, key) DO NOTHING",
    )
    .bind(region).bind(key).bind(action).bind(&hash).bind(result).bind(now())
    .execute(c).await.map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(None);
    }
    let (was, earlier): (String, Id) = on_tx!(tx, c => sqlx::query_as(
        "SELECT request_hash, result_id FROM coop_idempotency WHERE region_code = $1 AND key = $2",
    ).bind(region).bind(key).fetch_one(c).await)?;
    if was == hash {
        Ok(Some(earlier))
    } else {
        Err(conflict(
            "kunci transaksi ini sudah dipakai untuk permintaan lain; transaksi ditolak",
        ))
    }
}

/// An idempotency key belongs to whoever sent it: another user's request with the same key is
/// another request, never a replay of theirs (nor a refusal because of theirs).
fn scoped(actor: &Actor, key: &str) -> String {
    let who = actor
        .user_id
        .map_or_else(|| actor.label.clone(), |id| id.to_string());
    format!("{who}/{}", key.trim())
}

/// Records what a claimed action created, when its id was only known at the end (an entry).
async fn settle_claim(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    key: &str,
    result: Id,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE coop_idempotency SET result_id = $1 WHERE region_code = $2 AND key = $3")
        .bind(result).bind(region).bind(scoped(actor, key)).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Posts a balanced entry dated in the open period: unposted, its lines, then posted (the
/// triggers check the sums once more). Returns the entry's id.
async fn post_entry(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    entry: &JournalEntry,
    source: &str,
    source_id: Option<Id>,
) -> Result<Id> {
    let by = user_of(actor)?;
    let s = settings_in(tx, region, Lock::Share).await?;
    ledger::check_open(s.closed_through, entry.date()).map_err(refuse)?;
    let chart = s.chart()?;
    if let Some(l) = entry
        .lines()
        .iter()
        .find(|l| !chart.iter().any(|a| a.code == l.account))
    {
        return Err(conflict(format!(
            "akun {} tidak ada di bagan akun koperasi",
            l.account
        )));
    }
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_journal_entries (id, region_code, entry_on, memo, source, source_id, total, posted, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $9)",
    )
    .bind(id).bind(region).bind(entry.date()).bind(entry.memo()).bind(source).bind(source_id)
    .bind(entry.total()).bind(by).bind(now())
    .execute(c).await.map(|_| ()))?;
    for (n, l) in entry.lines().iter().enumerate() {
        let (d, k) = match l.side {
            Side::Debit => (l.amount, 0),
            Side::Credit => (0, l.amount),
        };
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_journal_lines (entry_id, line_no, account_code, debit, credit) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id).bind(n as i32 + 1).bind(&l.account).bind(d).bind(k)
        .execute(c).await.map(|_| ()))?;
    }
    on_tx!(tx, c => sqlx::query("UPDATE coop_journal_entries SET posted = TRUE WHERE id = $1")
        .bind(id).execute(c).await.map(|_| ()))?;
    for l in entry.lines() {
        let (d, k) = match l.side {
            Side::Debit => (l.amount, 0),
            Side::Credit => (0, l.amount),
        };
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_day_totals (region_code, day, account_code, source, debit, credit) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (region_code, day, account_code, source)
             DO UPDATE SET debit = coop_day_totals.debit + excluded.debit, credit = coop_day_totals.credit + excluded.credit",
        )
        .bind(region).bind(entry.date()).bind(&l.account).bind(source).bind(d).bind(k)
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(
        tx,
        actor,
        "coop_journal_entry",
        id,
        "create",
        region,
        &[source],
    )
    .await?;
    Ok(id)
}

/// Posts a transaction through the co-op's account map.
async fn post_txn(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    txn: &Txn,
    on: NaiveDate,
    memo: &str,
    source: &str,
    source_id: Option<Id>,
) -> Result<Id> {
    let s = settings_in(tx, region, Lock::None).await?;
    let map = account_map_in(tx, region, s.capital()?).await?;
    let entry = ledger::posting(txn, &map, on, memo).map_err(refuse)?;
    let payouts: Vec<(&str, i64)> = map
        .cash_accounts()
        .into_iter()
        .map(|code| (code, -entry.net_on(code)))
        .filter(|(_, out)| *out > 0)
        .collect();
    if !payouts.is_empty() {
        // Cash going out: one payout at a time per co-op (the settings row, taken exclusively as
        // a period close does), so two cannot both be covered by the same cash.
        settings_in(tx, region, Lock::Update).await?;
        for (code, out) in payouts {
            ledger::cover(cash_in(tx, region, code).await?, out).map_err(refuse)?;
        }
    }
    post_entry(tx, actor, region, &entry, source, source_id).await
}

/// The balance of one cash account over every posted entry of the co-op.
async fn cash_in(tx: &mut Tx, region: &str, code: &str) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.debit - l.credit), 0) AS BIGINT) FROM coop_journal_lines l
         JOIN coop_journal_entries e ON e.id = l.entry_id
         WHERE e.region_code = $1 AND e.posted AND l.account_code = $2",
    )
    .bind(region)
    .bind(code)
    .fetch_one(c)
    .await)?)
}

/// A journal entry typed by the bookkeeper (a correction, an expense, a grant). Idempotent.
pub async fn manual_entry(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    region: &str,
    entry: &JournalEntry,
) -> Result<Id> {
    let request = format!("{entry:?}");
    let placeholder = Id::new();
    if let Some(earlier) = claim(tx, actor, region, key, "jurnal", &request, placeholder).await? {
        return Ok(earlier);
    }
    let id = post_entry(tx, actor, region, entry, "koreksi", None).await?;
    settle_claim(tx, actor, region, key, id).await?;
    Ok(id)
}

/// A journal entry in the list of the journal.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EntryRow {
    pub id: Id,
    pub region_code: String,
    pub entry_on: NaiveDate,
    pub memo: String,
    pub source: String,
    pub total: i64,
    pub created_by: Id,
}

/// Posted entries of the co-op, latest first, a page of `limit` and whether more follow.
pub async fn journal(
    db: &Db,
    region: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<EntryRow>, bool)> {
    let mut rows: Vec<EntryRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, region_code, entry_on, memo, source, total, created_by FROM coop_journal_entries
         WHERE region_code = $1 AND posted ORDER BY entry_on DESC, created_at DESC, id LIMIT $2 OFFSET $3",
    ).bind(region).bind(limit + 1).bind(offset).fetch_all(p).await)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// An entry's head (with its region, for the access check before its lines are shown).
pub async fn entry_head(db: &Db, id: Id) -> Result<Option<EntryRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, region_code, entry_on, memo, source, total, created_by FROM coop_journal_entries WHERE id = $1 AND posted",
    ).bind(id).fetch_optional(p).await)?)
}

/// One posted entry read back (rebuilt through `JournalEntry::new`, so a tampered row is refused).
pub async fn entry(db: &Db, id: Id) -> Result<JournalEntry> {
    let head: Option<(NaiveDate, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT entry_on, memo FROM coop_journal_entries WHERE id = $1 AND posted",
    ).bind(id).fetch_optional(p).await)?;
    let (on, memo) = head.ok_or(DbError::NotFound)?;
    let lines: Vec<(String, i64, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT account_code, debit, credit FROM coop_journal_lines WHERE entry_id = $1 ORDER BY line_no",
    ).bind(id).fetch_all(p).await)?;
    let lines = lines
        .into_iter()
        .map(|(a, d, c)| {
            if d > 0 {
                Line::debit(&a, d)
            } else {
                Line::credit(&a, c)
            }
        })
        .collect();
    JournalEntry::new(on, &memo, lines).map_err(|e| corrupt(e.message))
}

// ---------------------------------------------------------------------------------------------
// Members and savings
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: Id,
    pub region_code: String,
    pub person_id: Option<Id>,
    pub number: String,
    pub name: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

const MEMBER: &str = "id, region_code, person_id, number, name, joined_on, left_on";

pub async fn member(db: &Db, id: Id) -> Result<Option<MemberRow>> {
    let sql = format!("SELECT {MEMBER} FROM coop_members WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

async fn member_in(tx: &mut Tx, id: Id) -> Result<MemberRow> {
    let sql = format!("SELECT {MEMBER} FROM coop_members WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

/// The co-op's members (those who left too), by number.
pub async fn members(db: &Db, region: &str) -> Result<Vec<MemberRow>> {
    let sql =
        format!("SELECT {MEMBER} FROM coop_members WHERE region_code = $1 ORDER BY number, id");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_all(p).await)?)
}

/// A villager of the registry joins with a member number; their three savings accounts open at
/// zero. The name is the registry's.
pub async fn join(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    person: Id,
    number: &str,
    joined: NaiveDate,
) -> Result<Id> {
    let by = user_of(actor)?;
    settings_in(tx, region, Lock::None).await?;
    let number = desmigratif_core::coop::forms::member_number(number).map_err(refuse)?;
    let found: Option<(String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT village_code, name FROM persons WHERE id = $1",
    ).bind(person).fetch_optional(c).await)?;
    let Some((village, name)) = found.filter(|(v, _)| v == region) else {
        return Err(conflict("warga ini tidak terdaftar di desa koperasi ini"));
    };
    debug_assert_eq!(village, region);
    let already: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT number FROM coop_members WHERE person_id = $1 AND region_code = $2 AND left_on IS NULL",
    ).bind(person).bind(region).fetch_optional(c).await)?;
    if let Some(n) = already {
        return Err(conflict(format!(
            "warga ini sudah menjadi anggota dengan nomor {n}"
        )));
    }
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_members (id, region_code, person_id, number, name, joined_on, left_on, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8)",
    )
    .bind(id).bind(region).bind(person).bind(&number).bind(&name).bind(joined).bind(by).bind(at)
    .execute(c).await.map(|_| ()))
    .map_err(|e| crate::conflict_on_duplicate(e, format!("nomor anggota {number} sudah dipakai")))?;
    for kind in SavingsKind::ALL {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_savings_accounts (id, member_id, kind, balance, updated_at) VALUES ($1, $2, $3, 0, $4)",
        )
        .bind(Id::new()).bind(id).bind(kind.as_str()).bind(at)
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(tx, actor, "coop_member", id, "create", region, &[]).await?;
    Ok(id)
}

/// Membership ends. Refused while a loan is open; pokok and wajib can be paid back afterwards.
pub async fn leave(tx: &mut Tx, actor: &Actor, member: Id, on: NaiveDate) -> Result<()> {
    let m = member_in(tx, member).await?;
    if m.left_on.is_some() {
        return Err(conflict("anggota ini sudah keluar"));
    }
    if on < m.joined_on {
        return Err(conflict("tanggal keluar tidak boleh sebelum tanggal masuk"));
    }
    let open: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM coop_loans WHERE member_id = $1 AND status IN ('diajukan', 'disetujui', 'dicairkan')",
    ).bind(member).fetch_one(c).await)?;
    if open > 0 {
        return Err(conflict(
            "anggota masih punya pinjaman berjalan; lunasi atau tolak dulu sebelum keluar",
        ));
    }
    on_tx!(tx, c => sqlx::query("UPDATE coop_members SET left_on = $1, updated_at = $2 WHERE id = $3")
        .bind(on).bind(now()).bind(member).execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_member",
        member,
        "update",
        &m.region_code,
        &["left_on"],
    )
    .await
}

/// Balances of a member's savings: (kind, account id, balance).
pub async fn balances(db: &Db, member: Id) -> Result<Vec<(SavingsKind, Id, i64)>> {
    let rows: Vec<(String, Id, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT kind, id, balance FROM coop_savings_accounts WHERE member_id = $1",
    ).bind(member).fetch_all(p).await)?;
    let mut out = rows
        .into_iter()
        .map(|(k, id, b)| Ok((k.parse().map_err(|_| corrupt("jenis simpanan"))?, id, b)))
        .collect::<Result<Vec<(SavingsKind, Id, i64)>>>()?;
    out.sort_by_key(|(k, _, _)| SavingsKind::ALL.iter().position(|x| x == k));
    Ok(out)
}

/// Every member's savings together, by member.
pub async fn member_totals(db: &Db, region: &str) -> Result<std::collections::HashMap<Id, i64>> {
    let rows: Vec<(Id, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT a.member_id, CAST(SUM(a.balance) AS BIGINT) FROM coop_savings_accounts a
         JOIN coop_members m ON m.id = a.member_id WHERE m.region_code = $1 GROUP BY a.member_id",
    ).bind(region).fetch_all(p).await)?;
    Ok(rows.into_iter().collect())
}

/// All the members' savings of the co-op.
pub async fn savings_total(db: &Db, region: &str) -> Result<i64> {
    Ok(on_pool!(db, p => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(a.balance), 0) AS BIGINT) FROM coop_savings_accounts a
         JOIN coop_members m ON m.id = a.member_id WHERE m.region_code = $1",
    ).bind(region).fetch_one(p).await)?)
}

pub async fn balance(db: &Db, member: Id, kind: SavingsKind) -> Result<i64> {
    Ok(balances(db, member)
        .await?
        .into_iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(0, |(_, _, b)| b))
}

async fn account_in(tx: &mut Tx, member: Id, kind: SavingsKind) -> Result<(Id, i64)> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, balance FROM coop_savings_accounts WHERE member_id = $1 AND kind = $2",
    ).bind(member).bind(kind.as_str()).fetch_optional(c).await)?
    .ok_or_else(|| corrupt("rekening simpanan anggota tidak ada"))
}

async fn savings_txn(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    id: Id,
    account: Id,
    direction: &str,
    amount: i64,
    on: NaiveDate,
    entry: Id,
) -> Result<()> {
    let by = user_of(actor)?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_savings_txns (id, account_id, direction, amount, txn_on, entry_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id).bind(account).bind(direction).bind(amount).bind(on).bind(entry).bind(by).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_savings_txn",
        id,
        "create",
        region,
        &[direction],
    )
    .await
}

/// A deposit: simpanan pokok exactly once and only the set amount, wajib and sukarela any amount
/// while a member. Returns the savings transaction's id (the earlier one on a replay).
pub async fn deposit(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    member: Id,
    kind: SavingsKind,
    amount: i64,
    on: NaiveDate,
) -> Result<Id> {
    let input = SavingsTxnInput {
        kind,
        direction: Direction::Deposit,
        amount,
        on,
    };
    savings_move(tx, actor, key, member, &input).await
}

/// A withdrawal: sukarela any time, pokok and wajib only once the member has left. The balance
/// is taken down by a conditional update, so withdrawals at once can never overdraw it.
pub async fn withdraw(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    member: Id,
    kind: SavingsKind,
    amount: i64,
    on: NaiveDate,
) -> Result<Id> {
    let input = SavingsTxnInput {
        kind,
        direction: Direction::Withdrawal,
        amount,
        on,
    };
    savings_move(tx, actor, key, member, &input).await
}

/// A savings transaction as the staff form checked it ([`deposit`] and [`withdraw`] in one).
pub async fn savings_move(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    member: Id,
    t: &SavingsTxnInput,
) -> Result<Id> {
    let SavingsTxnInput {
        kind,
        direction,
        amount,
        on,
    } = *t;
    let m = member_in(tx, member).await?;
    let id = Id::new();
    let request = format!("{member}|{kind}|{amount}|{on}");
    if let Some(earlier) = claim(
        tx,
        actor,
        &m.region_code,
        key,
        direction.as_str(),
        &request,
        id,
    )
    .await?
    {
        return Ok(earlier);
    }
    if amount <= 0 {
        return Err(conflict("jumlah harus lebih dari nol"));
    }
    if on < m.joined_on {
        return Err(conflict("tanggal transaksi sebelum tanggal masuk anggota"));
    }
    let (account, seen) = account_in(tx, member, kind).await?;
    let (txn, source, label) = match direction {
        Direction::Deposit => {
            if m.left_on.is_some() {
                return Err(conflict("anggota ini sudah keluar; setoran tidak diterima"));
            }
            if kind == SavingsKind::Principal {
                let s = settings_in(tx, &m.region_code, Lock::None).await?;
                let paid: i64 = on_tx!(tx, c => sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM coop_savings_txns WHERE account_id = $1 AND direction = 'setor'",
                ).bind(account).fetch_one(c).await)?;
                savings::check_principal_deposit(s.principal_savings_amount, paid, amount)
                    .map_err(refuse)?;
            }
            on_tx!(tx, c => sqlx::query(
                "UPDATE coop_savings_accounts SET balance = balance + $1, updated_at = $2 WHERE id = $3",
            ).bind(amount).bind(now()).bind(account).execute(c).await.map(|_| ()))?;
            (Txn::Deposit { kind, amount }, "setoran", "Setoran")
        }
        Direction::Withdrawal => {
            if kind != SavingsKind::Voluntary && m.left_on.is_none() {
                return Err(conflict(format!(
                    "{} hanya dikembalikan ketika keanggotaan berakhir",
                    kind.label_id()
                )));
            }
            savings::withdraw(seen, amount).map_err(refuse)?;
            let done = on_tx!(tx, c => sqlx::query(
                "UPDATE coop_savings_accounts SET balance = balance - $1, updated_at = $2 WHERE id = $3 AND balance >= $1",
            ).bind(amount).bind(now()).bind(account).execute(c).await.map(|r| r.rows_affected()))?;
            if done == 0 {
                // Another withdrawal got there first: say what the balance is now.
                let (_, now_balance) = account_in(tx, member, kind).await?;
                return Err(savings::withdraw(now_balance, amount)
                    .err()
                    .map(refuse)
                    .unwrap_or_else(|| conflict("saldo baru saja berubah; coba lagi")));
            }
            (Txn::Withdrawal { kind, amount }, "penarikan", "Penarikan")
        }
    };
    let memo = format!("{label} {} anggota {}", kind.label_id(), m.number);
    let entry = post_txn(tx, actor, &m.region_code, &txn, on, &memo, source, Some(id)).await?;
    savings_txn(
        tx,
        actor,
        &m.region_code,
        id,
        account,
        direction.as_str(),
        amount,
        on,
        entry,
    )
    .await?;
    Ok(id)
}

/// One line of a member's statement: the report's own line, so the page, the API and the PDF
/// read the same thing.
pub use desmigratif_core::coop::report::StatementLine;

/// A member's savings transactions in order, with running balances.
pub async fn statement(db: &Db, member: Id) -> Result<Vec<StatementLine>> {
    let rows: Vec<(NaiveDate, String, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT t.txn_on, a.kind, t.direction, t.amount FROM coop_savings_txns t
         JOIN coop_savings_accounts a ON a.id = t.account_id
         WHERE a.member_id = $1 ORDER BY t.txn_on, t.created_at, t.id",
    ).bind(member).fetch_all(p).await)?;
    let mut per = std::collections::BTreeMap::<&'static str, i64>::new();
    let mut total = 0;
    rows.into_iter()
        .map(|(on, kind, direction, amount)| {
            let kind: SavingsKind = kind.parse().map_err(|_| corrupt("jenis simpanan"))?;
            let direction: Direction = direction.parse().map_err(|_| corrupt("arah transaksi"))?;
            let signed = match direction {
                Direction::Deposit => amount,
                Direction::Withdrawal => -amount,
            };
            let b = per.entry(kind.as_str()).or_default();
            *b += signed;
            total += signed;
            Ok(StatementLine {
                on,
                kind,
                direction,
                amount,
                balance: *b,
                total,
            })
        })
        .collect()
}

/// Active members behind on simpanan wajib on `on`, with where they stand.
pub async fn mandatory_arrears(
    db: &Db,
    region: &str,
    on: NaiveDate,
) -> Result<Vec<(MemberRow, MandatoryStatus)>> {
    let s = settings(db, region)
        .await?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))?;
    let paid: Vec<(Id, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT a.member_id, CAST(COALESCE(SUM(t.amount), 0) AS BIGINT) FROM coop_savings_accounts a
         JOIN coop_members m ON m.id = a.member_id
         LEFT JOIN coop_savings_txns t ON t.account_id = a.id AND t.direction = 'setor' AND t.txn_on <= $2
         WHERE m.region_code = $1 AND a.kind = 'wajib' GROUP BY a.member_id",
    ).bind(region).bind(on).fetch_all(p).await)?;
    let paid: std::collections::HashMap<Id, i64> = paid.into_iter().collect();
    Ok(members(db, region)
        .await?
        .into_iter()
        .filter(|m| m.left_on.is_none() && m.joined_on <= on)
        .filter_map(|m| {
            let st = savings::mandatory_status(
                s.mandatory_monthly,
                m.joined_on,
                m.left_on,
                on,
                paid.get(&m.id).copied().unwrap_or(0),
            );
            (st.arrears_months > 0).then_some((m, st))
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Loans
// ---------------------------------------------------------------------------------------------

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

const LOAN: &str = "id, member_id, product_id, method, annual_rate_bp, principal, months, purpose, status, applied_on, \
     created_by, approved_by, disbursed_on, prepaid, maker_checker";

pub async fn loan(db: &Db, id: Id) -> Result<Option<LoanRow>> {
    let sql = format!("SELECT {LOAN} FROM coop_loans WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// The loan row, locked on PostgreSQL so two payments of one loan are applied one after the other.
async fn loan_in(tx: &mut Tx, id: Id) -> Result<LoanRow> {
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

fn product_code_memo(p: &LoanProduct, m: &MemberRow) -> String {
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

async fn insert_instalments(tx: &mut Tx, loan: Id, rows: &[Instalment]) -> Result<()> {
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
struct InstalmentRow {
    no: i32,
    due_on: NaiveDate,
    principal: i64,
    interest: i64,
    total: i64,
    balance_after: i64,
    penalty: i64,
    paid_penalty: i64,
    paid_interest: i64,
    paid_principal: i64,
}

const INSTALMENT: &str = "no, due_on, principal, interest, total, balance_after, penalty, paid_penalty, paid_interest, paid_principal";

fn build_loan(l: &LoanRow, rows: Vec<InstalmentRow>) -> Result<Loan> {
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

// ---------------------------------------------------------------------------------------------
// Period close and statements
// ---------------------------------------------------------------------------------------------

fn year_end(year: i32) -> NaiveDate {
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
const TOTALS: &str = "SELECT account_code, CAST(COALESCE(SUM(debit), 0) AS BIGINT), CAST(COALESCE(SUM(credit), 0) AS BIGINT)
     FROM coop_day_totals
     WHERE region_code = $1 AND day >= $2 AND day <= $3 AND source <> $4
     GROUP BY account_code";

/// The income and expense of a book year, inside a transaction: its entries without the
/// year-end closing entry.
async fn year_totals_in(tx: &mut Tx, region: &str, year: i32) -> Result<Totals> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let rows: Vec<(String, i64, i64)> = on_tx!(tx, c => sqlx::query_as(TOTALS)
        .bind(region).bind(start).bind(year_end(year)).bind("tutup_buku").fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(a, d, c)| (a, (d, c))).collect())
}

async fn chart(db: &Db, region: &str) -> Result<Vec<Account>> {
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

// ---------------------------------------------------------------------------------------------
// SHU
// ---------------------------------------------------------------------------------------------

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

const SHU_RUN: &str = "id, region_code, year, result, patronage_interest_bp, unclaimed, status, entry_id, created_by, approved_by, created_at";

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

async fn shu_run_in(tx: &mut Tx, id: Id) -> Result<ShuRunRow> {
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

// ---------------------------------------------------------------------------------------------
// Demo
// ---------------------------------------------------------------------------------------------

/// The two products a new co-op starts with (the set-up page and the demo): a productive loan
/// on declining balance and a consumer loan at a flat rate.
pub fn standard_products() -> Vec<LoanProduct> {
    use desmigratif_core::coop::loan::{FeeBasis, FeeKind, LoanFee};
    vec![
        LoanProduct {
            code: "PRODUKTIF".into(),
            name: "Pinjaman produktif".into(),
            method: Method::Annuity,
            annual_rate_bp: 1_800,
            min_amount: 500_000,
            max_amount: 20_000_000,
            max_term: 24,
            fees: vec![
                LoanFee {
                    kind: FeeKind::Provision,
                    basis: FeeBasis::Bp(100),
                },
                LoanFee {
                    kind: FeeKind::Administration,
                    basis: FeeBasis::Fixed(25_000),
                },
            ],
            penalty_bp_per_day: 10,
            order: AllocationOrder::default(),
        },
        LoanProduct {
            code: "KONSUMTIF".into(),
            name: "Pinjaman konsumtif".into(),
            method: Method::Flat,
            annual_rate_bp: 1_500,
            min_amount: 100_000,
            max_amount: 5_000_000,
            max_term: 12,
            fees: vec![LoanFee {
                kind: FeeKind::Administration,
                basis: FeeBasis::Fixed(10_000),
            }],
            penalty_bp_per_day: 10,
            order: AllocationOrder::default(),
        },
    ]
}

/// A user of the demo by username, as the actor of the books.
pub async fn demo_actor(db: &Db, username: &str) -> Result<Actor> {
    let id: Id = on_pool!(db, p => sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username).fetch_optional(p).await)?
    .ok_or_else(|| DbError::Setup(format!("demo: pengguna {username} tidak ada")))?;
    Ok(Actor {
        user_id: Some(id),
        label: username.to_owned(),
        ip: String::new(),
    })
}

/// A co-op in `region` kept by its treasurer `treasurer` and approved by `head`: four demo
/// villagers join four months before `today`, pay pokok and wajib (one falls behind), save
/// sukarela; one takes a productive loan three months ago and has paid the instalments due.
pub async fn demo(
    db: &Db,
    region: &str,
    treasurer: &str,
    head: &str,
    today: NaiveDate,
) -> Result<()> {
    let clerk = demo_actor(db, treasurer).await?;
    let chief = demo_actor(db, head).await?;
    let setup_err = |e: DbError| DbError::Setup(format!("demo koperasi: {e}"));
    let mut tx = db.begin().await?;
    setup(
        &mut tx,
        &clerk,
        region,
        &Setup {
            capital: MemberCapital::Equity,
            principal_savings: 100_000,
            mandatory_monthly: 20_000,
            thresholds: AgeingThresholds::default(),
            maker_checker: true,
            products: standard_products(),
        },
    )
    .await
    .map_err(setup_err)?;
    tx.commit().await?;
    let people: Vec<Id> = on_pool!(db, p => sqlx::query_scalar(
        "SELECT id FROM persons WHERE village_code = $1 ORDER BY name, id LIMIT 4",
    ).bind(region).fetch_all(p).await)?;
    let joined = (today - chrono::Duration::days(120))
        .with_day(1)
        .expect("the first of a month");
    let month = |k: u32| {
        joined
            .checked_add_months(chrono::Months::new(k))
            .expect("a demo date")
    };
    let mut key = 0;
    let mut next = || {
        key += 1;
        format!("demo-{key}")
    };
    // The village's start-up grant (Dana Desa), so the co-op lends money it has.
    let grant = JournalEntry::new(
        joined,
        "Hibah modal awal dari Dana Desa",
        vec![
            Line::debit(
                AccountMap::standard(MemberCapital::Equity).account(Role::Cash, None),
                5_000_000,
            ),
            Line::credit("3301", 5_000_000),
        ],
    )
    .map_err(|e| DbError::Setup(format!("demo koperasi: {}", e.message)))?;
    let mut tx = db.begin().await?;
    manual_entry(&mut tx, &clerk, "demo-hibah", region, &grant)
        .await
        .map_err(setup_err)?;
    tx.commit().await?;
    let mut members = Vec::new();
    for (n, person) in people.iter().enumerate() {
        let mut tx = db.begin().await?;
        let m = join(
            &mut tx,
            &clerk,
            region,
            *person,
            &format!("KKN-{:04}", n + 1),
            joined,
        )
        .await
        .map_err(setup_err)?;
        deposit(
            &mut tx,
            &clerk,
            &next(),
            m,
            SavingsKind::Principal,
            100_000,
            joined,
        )
        .await
        .map_err(setup_err)?;
        // The last member has paid wajib only for the first month; the others are up to date.
        let months = if n + 1 == people.len() { 1 } else { 12 };
        for k in (0..months).take_while(|&k| month(k) <= today) {
            deposit(
                &mut tx,
                &clerk,
                &next(),
                m,
                SavingsKind::Mandatory,
                20_000,
                month(k),
            )
            .await
            .map_err(setup_err)?;
        }
        deposit(
            &mut tx,
            &clerk,
            &next(),
            m,
            SavingsKind::Voluntary,
            250_000 * (n as i64 + 1),
            month(1),
        )
        .await
        .map_err(setup_err)?;
        tx.commit().await?;
        members.push(m);
    }
    let Some(&borrower) = members.first() else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    let applied = today - chrono::Duration::days(95);
    let loan = apply(
        &mut tx,
        &clerk,
        borrower,
        &desmigratif_core::coop::forms::LoanApplicationInput {
            product: "PRODUKTIF".into(),
            amount: 3_000_000,
            months: 12,
            purpose: "Modal usaha kerupuk kulit ikan".into(),
        },
        applied,
    )
    .await
    .map_err(setup_err)?;
    decide(&mut tx, &chief, loan, true)
        .await
        .map_err(setup_err)?;
    disburse(
        &mut tx,
        &clerk,
        &next(),
        loan,
        applied + chrono::Duration::days(5),
    )
    .await
    .map_err(setup_err)?;
    tx.commit().await?;
    let (_, state) = loan_state(db, loan).await?;
    for i in state
        .schedule
        .instalments
        .iter()
        .filter(|i| i.due_on <= today)
    {
        let mut tx = db.begin().await?;
        repay(&mut tx, &clerk, &next(), loan, i.total, i.due_on)
            .await
            .map_err(setup_err)?;
        tx.commit().await?;
    }
    Ok(())
}
