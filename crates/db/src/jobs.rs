//! Job orders published by district or national staff, shown on the public job list until their
//! deadline. Each names a licensed company; what the worker is asked to pay is kept so the
//! public list can show the fee verdict beside it.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::id::Id;
use desmigratif_core::now;

/// A checked job order (`core::jobs::RawJob::check`).
pub use desmigratif_core::jobs::JobInput;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct JobRow {
    pub id: Id,
    pub agency_id: Id,
    pub region_code: String,
    pub title: String,
    pub destination: String,
    pub occupation: String,
    pub employer: String,
    pub wage: i64,
    pub wage_currency: String,
    pub cost_idr: i64,
    pub cost_foreign: i64,
    pub quota: i32,
    pub deadline: NaiveDate,
    pub requirements: String,
    pub withdrawn: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, agency_id, region_code, title, destination, occupation, employer, wage, wage_currency, cost_idr, cost_foreign, \
     quota, deadline, requirements, withdrawn, created_at, created_by, updated_at";

/// Filters of the job list; empty strings mean "any".
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub destination: String,
    pub occupation: String,
    /// Only open orders: not withdrawn, deadline today or later.
    pub open_on: Option<NaiveDate>,
    /// Only orders published in this region or below (a code prefix); `None` for every region.
    pub region_prefix: Option<String>,
}

/// A page of job orders, soonest deadline first, and whether more follow. With `open_on`, only
/// orders still open that day whose company is licensed that day: a vacancy of a company that
/// lost its licence must not be advertised.
pub async fn list(db: &Db, f: &JobFilter, offset: i64, limit: i64) -> Result<(Vec<JobRow>, bool)> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("j.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("SELECT {columns} FROM job_orders j");
    let mut binds: Vec<String> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    if !f.destination.is_empty() {
        binds.push(f.destination.clone());
        clauses.push(format!("j.destination = ${}", binds.len()));
    }
    if !f.occupation.is_empty() {
        binds.push(f.occupation.clone());
        clauses.push(format!("j.occupation = ${}", binds.len()));
    }
    if let Some(prefix) = &f.region_prefix {
        binds.push(prefix.clone());
        binds.push(format!("{prefix}.%"));
        clauses.push(format!(
            "(j.region_code = ${} OR j.region_code LIKE ${})",
            binds.len() - 1,
            binds.len()
        ));
    }
    if f.open_on.is_some() {
        let day = binds.len() + 1;
        sql.push_str(" JOIN agencies a ON a.id = j.agency_id");
        clauses.push(format!(
            "j.withdrawn = FALSE AND j.deadline >= ${day} AND a.status = 'active' AND a.valid_until >= ${day}"
        ));
    }
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(&format!(
        " ORDER BY j.deadline, j.id LIMIT {} OFFSET {}",
        limit + 1,
        offset.max(0)
    ));
    let open_on = f.open_on;
    let mut rows: Vec<JobRow> = on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for b in &binds {
            q = q.bind(b.clone());
        }
        if let Some(d) = open_on {
            q = q.bind(d);
        }
        q.fetch_all(p).await
    })?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

pub async fn get(db: &Db, id: Id) -> Result<Option<JobRow>> {
    let sql = format!("SELECT {COLUMNS} FROM job_orders WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// Publishes a job order for `region_code` (the publisher's kabupaten, or '' nationally). The
/// caller has checked that the company is licensed today.
pub async fn create(tx: &mut Tx, actor: &Actor, region_code: &str, j: &JobInput) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO job_orders (id, agency_id, region_code, title, destination, occupation, employer, wage, wage_currency, cost_idr,
                                 cost_foreign, quota, deadline, requirements, withdrawn, created_at, created_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, FALSE, $15, $16, $15)",
    )
    .bind(id).bind(j.agency_id).bind(region_code).bind(&j.title).bind(&j.destination).bind(&j.occupation).bind(&j.employer)
    .bind(j.wage).bind(&j.wage_currency).bind(j.cost_idr).bind(j.cost_foreign).bind(j.quota).bind(j.deadline)
    .bind(&j.requirements).bind(at).bind(&actor.label)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(tx, actor, "job_order", id, "create", region_code, &[]).await?;
    Ok(id)
}

/// Takes an order off the public list before its deadline (filled, cancelled, found wrong).
pub async fn withdraw(tx: &mut Tx, actor: &Actor, job: &JobRow) -> Result<()> {
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE job_orders SET withdrawn = TRUE, updated_at = $1 WHERE id = $2 AND withdrawn = FALSE",
    )
    .bind(now()).bind(job.id)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict("lowongan ini sudah ditarik".into()));
    }
    audit::record_change(
        tx,
        actor,
        "job_order",
        job.id,
        "update",
        &job.region_code,
        &["withdrawn"],
    )
    .await
}
