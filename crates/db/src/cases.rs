//! Advocacy cases: intake (from the desk, a family, a public report or a returning worker), the
//! handling states and their timeline, the document checklist, referrals with recorded consent,
//! outcomes, and the counts dashboards show. The rules are `core::cases`; every write here happens
//! in the caller's transaction with its audit entry. What people said is sealed with the
//! deployment key: the chronology, the reporter, and every note of the timeline.

use crate::audit::{self, Actor};
use crate::{Backend, Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::cases::{
    CaseInput, CaseStatus, OutcomeInput, ReferralInput, ReferralStatus, check_move,
    check_referral_move,
};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::now;

/// Encryption contexts of what a case holds in people's words.
pub const CHRONOLOGY_CONTEXT: &str = "case.chronology";
pub const REPORTER_CONTEXT: &str = "case.reporter";
pub const NOTE_CONTEXT: &str = "case.note";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: Id,
    pub region_code: String,
    pub person_id: Option<Id>,
    pub episode_id: Option<Id>,
    pub report_id: Option<Id>,
    pub worker_name: String,
    pub source: String,
    pub category: String,
    pub urgency: String,
    pub country: String,
    pub agency: String,
    pub employer: String,
    pub chronology_enc: String,
    pub reporter_enc: String,
    pub status: String,
    pub assigned_to: Option<Id>,
    pub opened_on: NaiveDate,
    pub last_action_on: NaiveDate,
    pub outcome: Option<String>,
    pub outcome_amount: Option<i64>,
    pub outcome_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CaseRow {
    pub fn status(&self) -> CaseStatus {
        self.status.parse().unwrap_or(CaseStatus::New)
    }
}

const COLUMNS: &str = "id, region_code, person_id, episode_id, report_id, worker_name, source, category, urgency, country, agency, \
     employer, chronology_enc, reporter_enc, status, assigned_to, opened_on, last_action_on, outcome, outcome_amount, outcome_on, \
     created_at, updated_at";

/// Where a new case comes from and what it is tied to.
pub struct NewCase<'a> {
    pub region_code: &'a str,
    pub person_id: Option<Id>,
    pub episode_id: Option<Id>,
    pub report_id: Option<Id>,
    pub input: &'a CaseInput,
    pub today: NaiveDate,
}

async fn event(
    tx: &mut Tx,
    keys: &Keys,
    actor: &Actor,
    case: Id,
    kind: &str,
    summary: &str,
    note: &str,
) -> Result<()> {
    let note_enc = keys.encrypt_str(NOTE_CONTEXT, note);
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO case_events (id, case_id, at, actor, kind, summary, note_enc) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Id::new()).bind(case).bind(now()).bind(&actor.label).bind(kind).bind(summary).bind(&note_enc)
    .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Opens a case; its timeline starts with the intake.
pub async fn create(tx: &mut Tx, actor: &Actor, keys: &Keys, n: &NewCase<'_>) -> Result<Id> {
    let id = Id::new();
    let at = now();
    let i = n.input;
    let reporter =
        serde_json::json!({ "name": i.reporter, "contact": i.reporter_contact }).to_string();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO cases (id, region_code, person_id, episode_id, report_id, worker_name, source, category, urgency, country, agency,
                            employer, chronology_enc, reporter_enc, status, opened_on, last_action_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'new', $15, $15, $16, $16)",
    )
    .bind(id).bind(n.region_code).bind(n.person_id).bind(n.episode_id).bind(n.report_id).bind(&i.worker_name)
    .bind(i.source.as_str()).bind(i.category.as_str()).bind(i.urgency.as_str()).bind(&i.country).bind(&i.agency)
    .bind(&i.employer).bind(keys.encrypt_str(CHRONOLOGY_CONTEXT, &i.chronology)).bind(keys.encrypt_str(REPORTER_CONTEXT, &reporter))
    .bind(n.today).bind(at)
    .execute(c).await.map(|_| ()))?;
    event(tx, keys, actor, id, "opened", i.source.as_str(), "").await?;
    audit::record_change(tx, actor, "case", id, "create", n.region_code, &[]).await?;
    Ok(id)
}

pub async fn get(db: &Db, id: Id) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub async fn get_in_tx(tx: &mut Tx, id: Id) -> Result<CaseRow> {
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

/// The chronology and the reporter (name, contact) of a case, opened for someone the caller
/// has authorised (and audits).
pub fn open(keys: &Keys, c: &CaseRow) -> Result<(String, serde_json::Value)> {
    let corrupt = || DbError::Corrupt(format!("kasus {}: isi tidak bisa dibuka", c.id));
    let chronology = keys
        .decrypt_str(CHRONOLOGY_CONTEXT, &c.chronology_enc)
        .map_err(|_| corrupt())?;
    let reporter = keys
        .decrypt_str(REPORTER_CONTEXT, &c.reporter_enc)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(corrupt)?;
    Ok((chronology, reporter))
}

/// Cases of a region (a village, or everything below a prefix; `None` for the nation), newest
/// first; `status` empty for every state.
pub async fn list(
    db: &Db,
    region: Option<&str>,
    status: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CaseRow>, bool)> {
    crate::page_in_region(
        db,
        &format!("SELECT {COLUMNS} FROM cases"),
        region,
        status,
        "opened_on DESC, id DESC",
        offset,
        limit,
    )
    .await
}

/// Moves a case to another state (`core::cases::check_move` decides), with a note on the timeline.
pub async fn move_status(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: Id,
    to: CaseStatus,
    note: &str,
    today: NaiveDate,
) -> Result<()> {
    let c = get_in_tx(tx, case).await?;
    check_move(c.status(), to, note).map_err(|e| DbError::Conflict(e.message))?;
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE cases SET status = $1, last_action_on = $2, updated_at = $3 WHERE id = $4 AND status = $5",
    )
    .bind(to.as_str()).bind(today).bind(now()).bind(case).bind(&c.status)
    .execute(conn).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "kasus ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    event(
        tx,
        keys,
        actor,
        case,
        "status",
        &format!("{}→{}", c.status, to.as_str()),
        note,
    )
    .await?;
    audit::record_change(
        tx,
        actor,
        "case",
        case,
        "update",
        &c.region_code,
        &["status"],
    )
    .await
}

/// A note on the timeline; it counts as an action, so the next deadline runs from today.
pub async fn add_note(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: &CaseRow,
    note: &str,
    today: NaiveDate,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE cases SET last_action_on = $1, updated_at = $2 WHERE id = $3")
        .bind(today).bind(now()).bind(case.id)
        .execute(c).await.map(|_| ()))?;
    event(tx, keys, actor, case.id, "note", "", note).await?;
    audit::record_change(
        tx,
        actor,
        "case",
        case.id,
        "update",
        &case.region_code,
        &["note"],
    )
    .await
}

/// Assigns the case to a case worker (or to no one).
pub async fn assign(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: &CaseRow,
    to: Option<Id>,
    label: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE cases SET assigned_to = $1, updated_at = $2 WHERE id = $3")
        .bind(to).bind(now()).bind(case.id)
        .execute(c).await.map(|_| ()))?;
    event(tx, keys, actor, case.id, "assigned", label, "").await?;
    audit::record_change(
        tx,
        actor,
        "case",
        case.id,
        "update",
        &case.region_code,
        &["assigned_to"],
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub summary: String,
    pub note_enc: String,
}

/// The timeline, oldest first.
pub async fn events(db: &Db, case: Id) -> Result<Vec<EventRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT at, actor, kind, summary, note_enc FROM case_events WHERE case_id = $1 ORDER BY at, id",
    ).bind(case).fetch_all(p).await)?)
}

/// Files of the checklist that are in: (document code, file id).
pub async fn documents(db: &Db, case: Id) -> Result<Vec<(String, Option<Id>)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT code, file_id FROM case_documents WHERE case_id = $1 ORDER BY code",
    ).bind(case).fetch_all(p).await)?)
}

/// Encryption context of case files: a different key stream from registry scans.
pub const FILE_CONTEXT: &str = "case.file";

/// The file filed under a checklist document of a case.
pub async fn file(db: &Db, case: Id, code: &str) -> Result<Option<crate::registry::FileRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT f.id, f.village_code, f.content_type, f.size_bytes, f.data_enc FROM case_documents d
         JOIN document_files f ON f.id = d.file_id WHERE d.case_id = $1 AND d.code = $2",
    ).bind(case).bind(code).fetch_optional(p).await)?)
}

/// Files a document of the checklist (a newer upload replaces the older one on the list; the old
/// file stays stored and named on the timeline).
pub async fn attach(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: &CaseRow,
    code: &str,
    file: Id,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO case_documents (case_id, code, file_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id, code) DO UPDATE SET file_id = excluded.file_id, updated_at = excluded.updated_at",
    )
    .bind(case.id).bind(code).bind(file).bind(now())
    .execute(c).await.map(|_| ()))?;
    event(tx, keys, actor, case.id, "document", code, "").await?;
    audit::record_change(
        tx,
        actor,
        "case",
        case.id,
        "update",
        &case.region_code,
        &["documents"],
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralRow {
    pub id: Id,
    pub case_id: Id,
    pub target: String,
    pub unit: String,
    pub receiver_region: String,
    pub status: String,
    pub consent: String,
    pub consent_by: String,
    pub consent_on: Option<NaiveDate>,
    pub override_reason: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
}

impl ReferralRow {
    pub fn status(&self) -> ReferralStatus {
        self.status.parse().unwrap_or(ReferralStatus::Revoked)
    }
}

const REFERRAL_COLUMNS: &str = "id, case_id, target, unit, receiver_region, status, consent, consent_by, consent_on, override_reason, \
     reason, created_at, updated_at, created_by";

/// Refers a case (checked by `core::cases::RawReferral::check`, consent included); the case
/// moves to "referred" when it may. `receiver_region` is the receiving office's region inside
/// this system, which from now on may read the case, or '' for an office outside it.
pub async fn refer(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: &CaseRow,
    r: &ReferralInput,
    receiver_region: &str,
    today: NaiveDate,
) -> Result<Id> {
    let status = case.status();
    if status != CaseStatus::Referred && !status.can_move_to(CaseStatus::Referred) {
        return Err(DbError::Conflict(format!(
            "kasus berstatus «{}» belum atau tidak lagi bisa dirujuk; nilai kasusnya dulu",
            status.label_id()
        )));
    }
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO case_referrals (id, case_id, target, unit, receiver_region, status, consent, consent_by, consent_on, override_reason,
                                     reason, created_at, updated_at, created_by)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $7, $8, $9, '', $10, $10, $11)",
    )
    .bind(id).bind(case.id).bind(r.target.as_str()).bind(&r.unit).bind(receiver_region).bind(r.consent.as_str())
    .bind(&r.consent_by).bind(r.consent_on).bind(&r.override_reason).bind(at).bind(&actor.label)
    .execute(c).await.map(|_| ()))?;
    event(
        tx,
        keys,
        actor,
        case.id,
        "referral",
        r.target.as_str(),
        &r.note,
    )
    .await?;
    audit::record_change(
        tx,
        actor,
        "case_referral",
        id,
        "create",
        &case.region_code,
        &[if r.consent.as_str() == "pengecualian" {
            "consent_override"
        } else {
            "consent"
        }],
    )
    .await?;
    if status != CaseStatus::Referred {
        move_status(tx, actor, keys, case.id, CaseStatus::Referred, "", today).await?;
    }
    Ok(id)
}

pub async fn referrals(db: &Db, case: Id) -> Result<Vec<ReferralRow>> {
    let sql = format!(
        "SELECT {REFERRAL_COLUMNS} FROM case_referrals WHERE case_id = $1 ORDER BY created_at, id"
    );
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(case).fetch_all(p).await)?)
}

pub async fn referral(db: &Db, id: Id) -> Result<Option<ReferralRow>> {
    let sql = format!("SELECT {REFERRAL_COLUMNS} FROM case_referrals WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// Moves a referral along (accepted, rejected with a reason, done, revoked with a reason).
pub async fn move_referral(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: &CaseRow,
    r: &ReferralRow,
    to: ReferralStatus,
    reason: &str,
) -> Result<()> {
    check_referral_move(r.status(), to, reason).map_err(|e| DbError::Conflict(e.message))?;
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE case_referrals SET status = $1, reason = $2, updated_at = $3 WHERE id = $4 AND status = $5",
    )
    .bind(to.as_str()).bind(reason).bind(now()).bind(r.id).bind(&r.status)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "rujukan ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    event(
        tx,
        keys,
        actor,
        case.id,
        "referral",
        &format!("{}: {}→{}", r.target, r.status, to.as_str()),
        reason,
    )
    .await?;
    audit::record_change(
        tx,
        actor,
        "case_referral",
        r.id,
        "update",
        &case.region_code,
        &["status"],
    )
    .await
}

/// Whether an office whose region is `receiver_region` holds a referral of the case that gives
/// it access now (referred, not rejected or revoked).
pub async fn referred_to(db: &Db, case: Id, receiver_region: &str) -> Result<bool> {
    let statuses: Vec<String> = on_pool!(db, p => sqlx::query_scalar(
        "SELECT status FROM case_referrals WHERE case_id = $1 AND receiver_region = $2",
    ).bind(case).bind(receiver_region).fetch_all(p).await)?;
    Ok(statuses
        .iter()
        .filter_map(|s| s.parse::<ReferralStatus>().ok())
        .any(ReferralStatus::grants_access))
}

/// Cases referred to an office (its region code) that it may read now, newest first.
pub async fn referred_cases(db: &Db, receiver_region: &str) -> Result<Vec<CaseRow>> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("c.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    // The states that give access, from the rule itself (stored names are plain ASCII words).
    let granting = ReferralStatus::ALL
        .iter()
        .filter(|s| s.grants_access())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT DISTINCT {columns} FROM cases c JOIN case_referrals r ON r.case_id = c.id
         WHERE r.receiver_region = $1 AND r.status IN ({granting})
         ORDER BY c.opened_on DESC, c.id DESC LIMIT 500"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(receiver_region).fetch_all(p).await)?,
    )
}

/// Records how the case ended; the case becomes "resolved".
pub async fn record_outcome(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    case: &CaseRow,
    o: &OutcomeInput,
    today: NaiveDate,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE cases SET outcome = $1, outcome_amount = $2, outcome_on = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(o.kind.as_str()).bind(o.amount_idr).bind(o.on).bind(now()).bind(case.id)
    .execute(c).await.map(|_| ()))?;
    event(
        tx,
        keys,
        actor,
        case.id,
        "outcome",
        o.kind.as_str(),
        &o.note,
    )
    .await?;
    audit::record_change(
        tx,
        actor,
        "case",
        case.id,
        "update",
        &case.region_code,
        &["outcome"],
    )
    .await?;
    if case.status() != CaseStatus::Resolved {
        move_status(tx, actor, keys, case.id, CaseStatus::Resolved, "", today).await?;
    }
    Ok(())
}

/// One cell of the case counts: cases opened in a month in a region, by category, state and
/// outcome ("" when none yet).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CountRow {
    pub region_code: String,
    pub month: String,
    pub category: String,
    pub status: String,
    pub outcome: String,
    pub n: i64,
}

/// The counts of a region (`None`: the nation): plain columns only, so no key is needed and no
/// one's words are read.
pub async fn counts(db: &Db, region: Option<&str>) -> Result<Vec<CountRow>> {
    let month = match db.backend() {
        Backend::Sqlite => "substr(opened_on, 1, 7)",
        Backend::Postgres => "to_char(opened_on, 'YYYY-MM')",
    };
    let filter = if region.is_some() {
        "WHERE region_code = $1 OR region_code LIKE $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT region_code, {month} AS month, category, status, COALESCE(outcome, '') AS outcome, COUNT(*) AS n
         FROM cases {filter} GROUP BY region_code, {month}, category, status, COALESCE(outcome, '')
         ORDER BY 2, 1, 3"
    );
    let prefix = region.unwrap_or_default().to_owned();
    Ok(on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        if region.is_some() {
            q = q.bind(prefix.clone()).bind(format!("{prefix}.%"));
        }
        q.fetch_all(p).await
    })?)
}
