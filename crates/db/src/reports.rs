//! Reports from the public (a scam, a broker, a problem abroad): intake items in the queue of a
//! village or a kabupaten, for case workers. What the reporter wrote and how to reach them are
//! sealed with the deployment key; the tracking code reveals the status only.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::now;
use desmigratif_core::reports::{ReportInput, ReportStatus};

/// Encryption contexts of a report's contents.
pub const DETAILS_CONTEXT: &str = "report.details";
pub const CONTACT_CONTEXT: &str = "report.contact";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: Id,
    pub tracking_code: String,
    pub region_code: String,
    pub category: String,
    pub country: String,
    pub details_enc: String,
    pub contact_enc: Option<String>,
    pub status: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl ReportRow {
    pub fn status(&self) -> ReportStatus {
        self.status.parse().unwrap_or(ReportStatus::Received)
    }
}

/// What the reporter wrote, opened for a case worker (the caller audits the read).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Details {
    pub what: String,
    pub who: String,
    pub when_where: String,
}

const COLUMNS: &str = "id, tracking_code, region_code, category, country, details_enc, contact_enc, status, note, created_at, updated_at, updated_by";

/// Stores a checked report in `region_code`'s queue.
pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    r: &ReportInput,
    tracking_code: &str,
) -> Result<Id> {
    let id = Id::new();
    let at = now();
    let details = serde_json::to_string(&Details {
        what: r.details.clone(),
        who: r.accused.clone(),
        when_where: r.when_where.clone(),
    })
    .expect("details serialise");
    let details_enc = keys.encrypt_str(DETAILS_CONTEXT, &details);
    let contact_enc = r
        .contact
        .as_deref()
        .map(|c| keys.encrypt_str(CONTACT_CONTEXT, c));
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO public_reports (id, tracking_code, region_code, category, country, details_enc, contact_enc, status, note, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $9, $10)",
    )
    .bind(id).bind(tracking_code).bind(&r.region_code).bind(r.category.as_str()).bind(&r.country)
    .bind(&details_enc).bind(&contact_enc).bind(ReportStatus::Received.as_str()).bind(at).bind(&actor.label)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "public_report",
        id,
        "create",
        &r.region_code,
        &[],
    )
    .await?;
    Ok(id)
}

pub async fn get(db: &Db, id: Id) -> Result<Option<ReportRow>> {
    let sql = format!("SELECT {COLUMNS} FROM public_reports WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub async fn by_tracking_code(db: &Db, code: &str) -> Result<Option<ReportRow>> {
    let sql = format!("SELECT {COLUMNS} FROM public_reports WHERE tracking_code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(p).await)?,
    )
}

/// Opens a report's contents: (what was reported, contact).
pub fn open(keys: &Keys, r: &ReportRow) -> Result<(Details, Option<String>)> {
    let corrupt = || DbError::Corrupt(format!("laporan {}: isi tidak bisa dibuka", r.id));
    let details: Details = keys
        .decrypt_str(DETAILS_CONTEXT, &r.details_enc)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(corrupt)?;
    let contact = r
        .contact_enc
        .as_deref()
        .map(|c| keys.decrypt_str(CONTACT_CONTEXT, c).map_err(|_| corrupt()))
        .transpose()?;
    Ok((details, contact))
}

/// The queue of a region (a village or kabupaten code and everything below it; `None` for the
/// whole nation), newest first; `status` empty for every status.
pub async fn queue(
    db: &Db,
    region: Option<&str>,
    status: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ReportRow>, bool)> {
    crate::page_in_region(
        db,
        &format!("SELECT {COLUMNS} FROM public_reports"),
        region,
        status,
        "created_at DESC, id DESC",
        offset,
        limit,
    )
    .await
}

/// Moves a report along (`core::reports::ReportStatus::can_move_to` decides), with a note the
/// reporter does not see.
pub async fn set_status(
    tx: &mut Tx,
    actor: &Actor,
    r: &ReportRow,
    to: ReportStatus,
    note: &str,
) -> Result<()> {
    if !r.status().can_move_to(to) {
        return Err(DbError::Conflict(format!(
            "laporan berstatus «{}» tidak bisa menjadi «{}»",
            r.status().label_id(),
            to.label_id()
        )));
    }
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE public_reports SET status = $1, note = $2, updated_at = $3, updated_by = $4 WHERE id = $5 AND status = $6",
    )
    .bind(to.as_str()).bind(note).bind(now()).bind(&actor.label).bind(r.id).bind(&r.status)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "laporan ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    audit::record_change(
        tx,
        actor,
        "public_report",
        r.id,
        "update",
        &r.region_code,
        &["status", "note"],
    )
    .await
}
