//! Appending to and reading the hash-chained audit log, and the change log beside it.
//!
//! Every write goes through [`record_change`] inside the transaction that makes the change, so a
//! change and its audit entry are committed together or not at all.
//!
//! New entries are keyed with the deployment's audit key, which the process installs once from
//! its key file ([`install_key`]) before it writes: appends happen deep inside every query module,
//! and one process serves one deployment with one key file.

use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use desmigratif_core::access::Principal;
use desmigratif_core::audit::{AuditEntry, ChainBreak, ChainVerifier};
use desmigratif_core::crypto::{Keys, Purpose, SubKey};
use desmigratif_core::id::Id;
use desmigratif_core::now;
use std::sync::RwLock;

static AUDIT_KEY: RwLock<Option<SubKey>> = RwLock::new(None);

/// Makes this process key its audit entries with `keys`' audit key. Call it once the key file is
/// loaded, before anything is written (the server's state, the command line, the demo loader).
pub fn install_key(keys: &Keys) {
    let key = keys.derive(Purpose::Audit);
    *AUDIT_KEY.write().unwrap_or_else(|e| e.into_inner()) = Some(key);
}

/// The installed audit key; an append without one is refused rather than written unkeyed.
pub(crate) fn installed_key() -> Result<SubKey> {
    AUDIT_KEY
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| {
            DbError::Setup(
                "kunci audit belum dipasang: muat berkas kunci deployment sebelum menulis".into(),
            )
        })
}

/// Who did it, from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Id>,
    pub label: String,
    pub ip: String,
}

impl Actor {
    /// The command line or the system itself (demo loader, migrations).
    pub fn system(label: &str) -> Actor {
        Actor {
            user_id: None,
            label: label.to_owned(),
            ip: String::new(),
        }
    }

    pub fn user(p: &Principal, ip: &str) -> Actor {
        Actor {
            user_id: Some(p.user_id),
            label: p.username.clone(),
            ip: ip.to_owned(),
        }
    }

    /// Someone not logged in (a failed login, a public request).
    pub fn anonymous(ip: &str) -> Actor {
        Actor {
            user_id: None,
            label: "anonim".into(),
            ip: ip.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// What happened. `detail` holds ids, field names and reasons, never personal values.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub region: String,
    pub outcome: Outcome,
    pub detail: String,
}

impl Event {
    pub fn new(action: &str, entity: &str, entity_id: impl ToString, region: &str) -> Event {
        Event {
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_string(),
            region: region.to_owned(),
            outcome: Outcome::Ok,
            detail: String::new(),
        }
    }

    pub fn outcome(mut self, outcome: Outcome) -> Event {
        self.outcome = outcome;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Event {
        self.detail = detail.into();
        self
    }
}

/// Appends one entry, linked to the current head, inside `tx`.
pub async fn append(tx: &mut Tx, actor: &Actor, event: &Event) -> Result<AuditEntry> {
    let key = installed_key()?;
    // The head row serialises appenders: on PostgreSQL by the row lock, on SQLite by the write
    // lock that BEGIN IMMEDIATE already holds.
    let (seq, prev_hash): (i64, String) = match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .fetch_one(&mut **t)
                .await?
        }
    };
    let mut entry = AuditEntry {
        seq: seq + 1,
        at: now(),
        actor_id: actor.user_id.map(|i| i.to_string()),
        actor: actor.label.clone(),
        action: event.action.clone(),
        entity: event.entity.clone(),
        entity_id: event.entity_id.clone(),
        region: event.region.clone(),
        ip: actor.ip.clone(),
        outcome: event.outcome.as_str().to_owned(),
        detail: event.detail.clone(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_mac(&key);
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, region, ip, outcome, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(entry.seq)
        .bind(entry.at)
        .bind(&entry.actor_id)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.entity)
        .bind(&entry.entity_id)
        .bind(&entry.region)
        .bind(&entry.ip)
        .bind(&entry.outcome)
        .bind(&entry.detail)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *c)
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(entry.seq)
            .bind(&entry.hash)
            .execute(&mut *c)
            .await?;
    });
    Ok(entry)
}

/// Appends in a transaction of its own: for sensitive reads, denials and failed logins, which
/// change nothing else.
pub async fn log(db: &Db, actor: &Actor, event: &Event) -> Result<()> {
    let mut tx = db.begin().await?;
    append(&mut tx, actor, event).await?;
    tx.commit().await
}

/// Records a change to a record: a change-log row (for synchronisation) and an audit entry, in
/// the caller's transaction. `op` is `create`, `update` or `delete`; `fields` names what changed.
pub async fn record_change(
    tx: &mut Tx,
    actor: &Actor,
    entity: &str,
    entity_id: impl ToString,
    op: &str,
    region: &str,
    fields: &[&str],
) -> Result<()> {
    let entity_id = entity_id.to_string();
    let fields = fields.join(",");
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO change_log (id, at, actor_id, entity, entity_id, op, region, fields)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Id::new())
        .bind(now())
        .bind(actor.user_id)
        .bind(entity)
        .bind(&entity_id)
        .bind(op)
        .bind(region)
        .bind(&fields)
        .execute(c)
        .await?;
    });
    let detail = if fields.is_empty() {
        String::new()
    } else {
        format!("fields={fields}")
    };
    append(
        tx,
        actor,
        &Event::new(&format!("{entity}.{op}"), entity, entity_id, region).detail(detail),
    )
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    actor_id: Option<String>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    region: String,
    ip: String,
    outcome: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            region: r.region,
            ip: r.ip,
            outcome: r.outcome,
            detail: r.detail,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, at, actor_id, actor, action, entity, entity_id, region, ip, outcome, detail, prev_hash, hash";

/// The chain's last link, as the monthly report shows it and `desmigratif audit head` exports it:
/// a copy kept elsewhere later proves the chain was not rewritten up to there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    /// When the last entry was written; none for an empty chain.
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// The first entry keyed with the audit key; earlier ones carry the plain SHA-256.
    #[serde(skip)]
    pub keyed_from: i64,
}

pub async fn head(db: &Db) -> Result<Head> {
    let (seq, hash, keyed_from): (i64, String, i64) = on_pool!(db, p => sqlx::query_as(
        "SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1",
    ).fetch_one(p).await)?;
    let at: Option<chrono::DateTime<chrono::Utc>> = on_pool!(db, p => sqlx::query_scalar(
        "SELECT at FROM audit_log WHERE seq = $1",
    ).bind(seq).fetch_optional(p).await)?;
    Ok(Head {
        seq,
        hash,
        at,
        keyed_from,
    })
}

/// Whether the stored entry `seq` still has `hash`: an exported head checked against the chain.
pub async fn has_link(db: &Db, seq: i64, hash: &str) -> Result<bool> {
    let stored: Option<String> = on_pool!(db, p => sqlx::query_scalar(
        "SELECT hash FROM audit_log WHERE seq = $1",
    ).bind(seq).fetch_optional(p).await)?;
    Ok(stored.as_deref() == Some(hash))
}

/// Walks the whole chain in pages and checks every link and the head: entries from the head's
/// `keyed_from` on against the audit key of `keys`, earlier ones as plain SHA-256.
pub async fn verify(db: &Db, keys: &Keys) -> Result<std::result::Result<i64, ChainBreak>> {
    const PAGE: i64 = 5_000;
    let keyed_from: i64 = on_pool!(db, p => sqlx::query_scalar("SELECT keyed_from FROM audit_head WHERE id = 1").fetch_one(p).await)?;
    let mut verifier = ChainVerifier::new(keys.derive(Purpose::Audit), keyed_from);
    let mut after = 0i64;
    loop {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after).bind(PAGE).fetch_all(p).await)?;
        let done = (rows.len() as i64) < PAGE;
        for row in rows {
            let entry = AuditEntry::from(row);
            after = entry.seq;
            if let Err(b) = verifier.check(&entry) {
                return Ok(Err(b));
            }
        }
        if done {
            break;
        }
    }
    let (seq, hash): (i64, String) = on_pool!(db, p => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await)?;
    Ok(verifier.finish(seq, &hash))
}

/// One page of entries, newest first, optionally limited to a region prefix ("" = all) and to
/// entries older than `before`.
pub async fn list(
    db: &Db,
    region_prefix: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let like = format!("{region_prefix}.%");
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log
         WHERE ($1 = '' OR region = $1 OR region LIKE $2) AND seq < $3
         ORDER BY seq DESC LIMIT $4"
    );
    let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(region_prefix)
        .bind(&like)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// A month of the log for a region: how many entries of each action and outcome, and the
/// chain's last link written before the month ended (the whole chain's: it is one chain).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonthSummary {
    /// (action, outcome, entries), by action.
    pub counts: Vec<(String, String, i64)>,
    pub link: Option<Head>,
}

pub async fn month_summary(
    db: &Db,
    region_prefix: &str,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Result<MonthSummary> {
    let like = format!("{region_prefix}.%");
    let counts: Vec<(String, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT action, outcome, COUNT(*) FROM audit_log
         WHERE ($1 = '' OR region = $1 OR region LIKE $2) AND at >= $3 AND at < $4
         GROUP BY action, outcome ORDER BY action, outcome",
    ).bind(region_prefix).bind(&like).bind(from).bind(to).fetch_all(p).await)?;
    let last: Option<(i64, String, chrono::DateTime<chrono::Utc>)> = on_pool!(db, p => sqlx::query_as(
        "SELECT seq, hash, at FROM audit_log WHERE at < $1 ORDER BY seq DESC LIMIT 1",
    ).bind(to).fetch_optional(p).await)?;
    let keyed_from: i64 = on_pool!(db, p => sqlx::query_scalar("SELECT keyed_from FROM audit_head WHERE id = 1").fetch_one(p).await)?;
    Ok(MonthSummary {
        counts,
        link: last.map(|(seq, hash, at)| Head {
            seq,
            hash,
            at: Some(at),
            keyed_from,
        }),
    })
}

/// How many entries match an action and outcome; for tests and the dashboard.
pub async fn count(db: &Db, action: &str, outcome: Outcome) -> Result<i64> {
    Ok(
        on_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND outcome = $2")
        .bind(action)
        .bind(outcome.as_str())
        .fetch_one(p)
        .await)?,
    )
}

/// Rows in the change log for one record, oldest first: (op, fields).
pub async fn changes_of(db: &Db, entity: &str, entity_id: &str) -> Result<Vec<(String, String)>> {
    Ok(
        on_pool!(db, p => sqlx::query_as("SELECT op, fields FROM change_log WHERE entity = $1 AND entity_id = $2 ORDER BY id")
        .bind(entity)
        .bind(entity_id)
        .fetch_all(p)
        .await)?,
    )
}

impl From<ChainBreak> for DbError {
    fn from(b: ChainBreak) -> DbError {
        DbError::Corrupt(b.to_string())
    }
}
