//! Fee rules as data: seeded from the regulations the product ships with, then changed by
//! national staff. Every saved version is kept, so what a rule said on any day can be shown.
//! The verdict itself is `core::fees::check`.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::fees::{FeeKind, FeeRule, Limit};
use desmigratif_core::id::Id;
use desmigratif_core::now;

/// A stored rule and its bookkeeping.
#[derive(Debug, Clone)]
pub struct StoredRule {
    pub rule: FeeRule,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    code: String,
    title: String,
    destination: String,
    excluded_destinations: String,
    occupations: String,
    fee_kind: String,
    limit_kind: String,
    max_idr: Option<i64>,
    max_foreign: Option<i64>,
    currency: String,
    basis_points: Option<i32>,
    year_caps: String,
    regulation: String,
    source: String,
    effective_from: NaiveDate,
    effective_until: Option<NaiveDate>,
    to_verify: bool,
    note: String,
    active: bool,
    updated_at: DateTime<Utc>,
    updated_by: String,
}

const COLUMNS: &str = "code, title, destination, excluded_destinations, occupations, fee_kind, limit_kind, max_idr, max_foreign, currency, basis_points, \
     year_caps, regulation, source, effective_from, effective_until, to_verify, note, active, updated_at, updated_by";

/// The limit in the columns that hold it: kind, rupiah cap, foreign cap, currency, basis points,
/// caps by contract year.
struct LimitColumns {
    kind: &'static str,
    max_idr: Option<i64>,
    max_foreign: Option<i64>,
    currency: String,
    basis_points: Option<i32>,
    year_caps: String,
}

fn limit_columns(limit: &Limit) -> LimitColumns {
    let none = |kind| LimitColumns {
        kind,
        max_idr: None,
        max_foreign: None,
        currency: String::new(),
        basis_points: None,
        year_caps: String::new(),
    };
    match limit {
        Limit::Zero => none("zero"),
        Limit::Ceiling { idr, foreign } => LimitColumns {
            max_idr: *idr,
            max_foreign: foreign.as_ref().map(|(_, a)| *a),
            currency: foreign.as_ref().map(|(c, _)| c.clone()).unwrap_or_default(),
            ..none("ceiling")
        },
        Limit::PercentOfFirstMonthWage {
            basis_points,
            currency,
        } => LimitColumns {
            basis_points: Some(*basis_points as i32),
            currency: currency.clone(),
            ..none("percent")
        },
        Limit::MonthlyByContractYear { currency, caps } => LimitColumns {
            currency: currency.clone(),
            year_caps: caps
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            ..none("monthly")
        },
    }
}

/// A comma-separated column as its items.
fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}

impl TryFrom<Row> for StoredRule {
    type Error = DbError;

    fn try_from(r: Row) -> Result<StoredRule> {
        let corrupt = |what: &str| DbError::Corrupt(format!("aturan biaya {}: {what}", r.code));
        let limit = match r.limit_kind.as_str() {
            "zero" => Limit::Zero,
            "ceiling" => Limit::Ceiling {
                idr: r.max_idr,
                foreign: r.max_foreign.map(|a| (r.currency.clone(), a)),
            },
            "percent" => Limit::PercentOfFirstMonthWage {
                basis_points: r
                    .basis_points
                    .and_then(|b| u32::try_from(b).ok())
                    .ok_or_else(|| corrupt("persentase"))?,
                currency: r.currency.clone(),
            },
            "monthly" => Limit::MonthlyByContractYear {
                currency: r.currency.clone(),
                caps: r
                    .year_caps
                    .split(',')
                    .map(|c| c.trim().parse::<i64>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| corrupt("batas per tahun"))?,
            },
            other => return Err(corrupt(&format!("jenis batas {other}"))),
        };
        let fee_kind: FeeKind = r.fee_kind.parse().map_err(|_| corrupt("jenis biaya"))?;
        Ok(StoredRule {
            rule: FeeRule {
                destination: Some(r.destination).filter(|d| !d.is_empty()),
                excluded_destinations: list(&r.excluded_destinations),
                occupations: list(&r.occupations),
                code: r.code,
                title: r.title,
                fee_kind,
                limit,
                regulation: r.regulation,
                source: r.source,
                effective_from: r.effective_from,
                effective_until: r.effective_until,
                to_verify: r.to_verify,
                note: r.note,
            },
            active: r.active,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        })
    }
}

/// Every rule, active or not, by destination then title.
pub async fn all(db: &Db) -> Result<Vec<StoredRule>> {
    let sql = format!("SELECT {COLUMNS} FROM fee_rules ORDER BY destination, fee_kind, title");
    let rows: Vec<Row> =
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?;
    rows.into_iter().map(StoredRule::try_from).collect()
}

/// The rules a verdict may use: the active ones (dates are `core::fees`'s business).
pub async fn active(db: &Db) -> Result<Vec<FeeRule>> {
    Ok(all(db)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .map(|r| r.rule)
        .collect())
}

pub async fn get(db: &Db, code: &str) -> Result<Option<StoredRule>> {
    let sql = format!("SELECT {COLUMNS} FROM fee_rules WHERE code = $1");
    let row: Option<Row> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(p).await)?;
    row.map(StoredRule::try_from).transpose()
}

async fn keep_version(tx: &mut Tx, actor: &Actor, rule: &FeeRule, active: bool) -> Result<()> {
    let snapshot = serde_json::json!({ "rule": rule, "active": active }).to_string();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO fee_rule_versions (id, code, at, actor, rule) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Id::new()).bind(&rule.code).bind(now()).bind(&actor.label).bind(&snapshot)
    .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Creates (`new`) or replaces a rule, keeping the version and an audit entry. A new rule with a
/// code in use, or an edit of a code that does not exist, is refused.
pub async fn save(tx: &mut Tx, actor: &Actor, rule: &FeeRule, new: bool) -> Result<()> {
    write(tx, actor, rule, new).await?;
    audit::record_change(
        tx,
        actor,
        "fee_rule",
        &rule.code,
        if new { "create" } else { "update" },
        "",
        &[],
    )
    .await
}

/// The row and its version, without an audit entry: for the rules the product ships with,
/// which, like letter kinds, are installed rather than changed by anyone (and so a freshly
/// installed database still counts as empty for a restore).
async fn write(tx: &mut Tx, actor: &Actor, rule: &FeeRule, new: bool) -> Result<()> {
    let l = limit_columns(&rule.limit);
    let destination = rule.destination.clone().unwrap_or_default();
    let occupations = rule.occupations.join(",");
    let excluded = rule.excluded_destinations.join(",");
    let fee_kind = rule.fee_kind.as_str();
    let at = now();
    let done = if new {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO fee_rules (code, title, destination, occupations, fee_kind, limit_kind, max_idr, max_foreign, currency, basis_points,
                                    year_caps, regulation, source, effective_from, effective_until, to_verify, note, active, updated_at, updated_by,
                                    excluded_destinations)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, TRUE, $18, $19, $20)",
        )
        .bind(&rule.code).bind(&rule.title).bind(&destination).bind(&occupations).bind(fee_kind).bind(l.kind)
        .bind(l.max_idr).bind(l.max_foreign).bind(&l.currency).bind(l.basis_points).bind(&l.year_caps)
        .bind(&rule.regulation).bind(&rule.source).bind(rule.effective_from).bind(rule.effective_until)
        .bind(rule.to_verify).bind(&rule.note).bind(at).bind(&actor.label).bind(&excluded)
        .execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| crate::conflict_on_duplicate(e, format!("kode aturan «{}» sudah dipakai", rule.code)))?
    } else {
        on_tx!(tx, c => sqlx::query(
            "UPDATE fee_rules SET title = $2, destination = $3, occupations = $4, fee_kind = $5, limit_kind = $6, max_idr = $7,
                    max_foreign = $8, currency = $9, basis_points = $10, year_caps = $11, regulation = $12, source = $13,
                    effective_from = $14, effective_until = $15, to_verify = $16, note = $17, updated_at = $18, updated_by = $19,
                    excluded_destinations = $20
             WHERE code = $1",
        )
        .bind(&rule.code).bind(&rule.title).bind(&destination).bind(&occupations).bind(fee_kind).bind(l.kind)
        .bind(l.max_idr).bind(l.max_foreign).bind(&l.currency).bind(l.basis_points).bind(&l.year_caps)
        .bind(&rule.regulation).bind(&rule.source).bind(rule.effective_from).bind(rule.effective_until)
        .bind(rule.to_verify).bind(&rule.note).bind(at).bind(&actor.label).bind(&excluded)
        .execute(c).await.map(|r| r.rows_affected()))?
    };
    if done == 0 {
        return Err(DbError::NotFound);
    }
    keep_version(tx, actor, rule, true).await
}

/// Takes a rule out of use (or back); it stays on record with its versions.
pub async fn set_active(tx: &mut Tx, actor: &Actor, code: &str, active: bool) -> Result<()> {
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE fee_rules SET active = $1, updated_at = $2, updated_by = $3 WHERE code = $4",
    )
    .bind(active).bind(now()).bind(&actor.label).bind(code)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::NotFound);
    }
    let sql = format!("SELECT {COLUMNS} FROM fee_rules WHERE code = $1");
    let row: Row =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_one(c).await)?;
    keep_version(tx, actor, &StoredRule::try_from(row)?.rule, active).await?;
    audit::record_change(tx, actor, "fee_rule", code, "update", "", &["active"]).await
}

/// Adds the shipped rules a deployment does not have yet; never overwrites staff's edits.
pub async fn seed(db: &Db, rules: &[FeeRule]) -> Result<()> {
    let existing: Vec<String> =
        on_pool!(db, p => sqlx::query_scalar("SELECT code FROM fee_rules").fetch_all(p).await)?;
    let missing: Vec<&FeeRule> = rules
        .iter()
        .filter(|r| !existing.contains(&r.code))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let actor = Actor::system("bawaan");
    for rule in missing {
        write(&mut tx, &actor, rule, true).await?;
    }
    tx.commit().await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `{"rule": FeeRule, "active": bool}` as saved.
    pub rule: String,
}

/// A rule's saved versions, newest first.
pub async fn versions(db: &Db, code: &str) -> Result<Vec<VersionRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT at, actor, rule FROM fee_rule_versions WHERE code = $1 ORDER BY at DESC, id DESC",
    ).bind(code).fetch_all(p).await)?)
}
