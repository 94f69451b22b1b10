//! Village letters: kinds (templates as data), requests and their steps, gap-free numbers, the
//! villages' signing keys and the log of public verifications. The rules of each step are in
//! `core::letters`; rendering and signing are composed by the web layer, which writes here in one
//! transaction per step.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::letters::{KeyPair, LetterStatus, check_step};
use desmigratif_core::now;

/// Encryption context of the villages' signing secrets.
pub const SIGNING_KEY_CONTEXT: &str = "village.signing_key";
/// Encryption contexts of what a resident typed in a public request.
pub const REQUESTER_NIK_CONTEXT: &str = "letter.requester_nik";
pub const REQUESTER_PHONE_CONTEXT: &str = "letter.requester_phone";

// ---------------------------------------------------------------------------------------------
// Kinds

/// A field a letter kind asks the operator for, beyond what the registry knows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    pub required: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KindRow {
    pub code: String,
    pub title: String,
    pub classification: String,
    pub needs_counselling: bool,
    pub fields: String,
    pub template: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl KindRow {
    pub fn field_specs(&self) -> Vec<FieldSpec> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }
}

/// A kind as shipped: seeded once, then the deployment's own data.
pub struct KindSeed<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub classification: &'a str,
    pub needs_counselling: bool,
    pub fields: &'a [(&'a str, &'a str, bool)],
    pub template: &'a str,
}

/// Adds the shipped kinds a deployment does not have yet; never overwrites an admin's edits.
pub async fn seed_kinds(db: &Db, seeds: &[KindSeed<'_>]) -> Result<()> {
    let mut tx = db.begin().await?;
    for s in seeds {
        let fields: Vec<FieldSpec> = s
            .fields
            .iter()
            .map(|(name, label, required)| FieldSpec {
                name: (*name).into(),
                label: (*label).into(),
                required: *required,
            })
            .collect();
        let fields = serde_json::to_string(&fields).expect("field specs serialise");
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO letter_kinds (code, title, classification, needs_counselling, fields, template, active, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, 'bawaan') ON CONFLICT (code) DO NOTHING",
        )
        .bind(s.code).bind(s.title).bind(s.classification).bind(s.needs_counselling).bind(&fields).bind(s.template).bind(now())
        .execute(c).await.map(|_| ()))?;
    }
    tx.commit().await
}

const KIND_COLUMNS: &str = "code, title, classification, needs_counselling, fields, template, active, updated_at, updated_by";

pub async fn kinds(db: &Db) -> Result<Vec<KindRow>> {
    let sql = format!("SELECT {KIND_COLUMNS} FROM letter_kinds ORDER BY title");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?)
}

pub async fn kind(db: &Db, code: &str) -> Result<Option<KindRow>> {
    let sql = format!("SELECT {KIND_COLUMNS} FROM letter_kinds WHERE code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(p).await)?,
    )
}

/// An admin's edit of a kind's title, template and counselling rule (checked by the caller:
/// the template compiles).
pub async fn update_kind(
    tx: &mut Tx,
    actor: &Actor,
    code: &str,
    title: &str,
    template: &str,
    needs_counselling: bool,
) -> Result<()> {
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE letter_kinds SET title = $1, template = $2, needs_counselling = $3, updated_at = $4, updated_by = $5 WHERE code = $6",
    )
    .bind(title).bind(template).bind(needs_counselling).bind(now()).bind(&actor.label).bind(code)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::NotFound);
    }
    audit::record_change(
        tx,
        actor,
        "letter_kind",
        code,
        "update",
        "",
        &["title", "template", "needs_counselling"],
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Signing keys

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PublicKeyRow {
    pub key_id: String,
    pub village_code: String,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// Makes the village's signing key if it has none (its secret sealed with the deployment key),
/// in a transaction of its own: two first signatures at once make one key between them (one
/// current key per village is a unique index).
pub async fn ensure_signing_key(db: &Db, village_code: &str, keys: &Keys) -> Result<()> {
    let exists: bool = on_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM village_keys WHERE village_code = $1 AND retired_at IS NULL",
    ).bind(village_code).fetch_one(p).await)?;
    if exists {
        return Ok(());
    }
    let pair = KeyPair::generate();
    let sealed = keys.encrypt(SIGNING_KEY_CONTEXT, &pair.secret);
    let mut tx = db.begin().await?;
    let made = on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO village_keys (key_id, village_code, public_key, secret_enc, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(&pair.key_id).bind(village_code).bind(&pair.public).bind(&sealed).bind(now())
    .execute(c).await.map(|r| r.rows_affected()))?;
    if made == 1 {
        audit::append(
            &mut tx,
            &Actor::system("letters"),
            &audit::Event::new(
                "village.signing_key_created",
                "village",
                village_code,
                village_code,
            )
            .detail(&pair.key_id),
        )
        .await?;
    }
    tx.commit().await
}

/// The village's current signing key ([`ensure_signing_key`] makes it).
pub async fn signing_key(tx: &mut Tx, village_code: &str, keys: &Keys) -> Result<KeyPair> {
    let sealed: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT secret_enc FROM village_keys WHERE village_code = $1 AND retired_at IS NULL",
    )
    .bind(village_code).fetch_optional(c).await)?;
    let sealed = sealed.ok_or_else(|| {
        DbError::Conflict(format!(
            "desa {village_code} belum punya kunci tanda tangan"
        ))
    })?;
    let secret: [u8; 32] = keys
        .decrypt(SIGNING_KEY_CONTEXT, &sealed)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            DbError::Corrupt(format!(
                "kunci tanda tangan desa {village_code} tidak bisa dibuka dengan berkas kunci ini"
            ))
        })?;
    Ok(KeyPair::from_secret(secret))
}

/// Every public key ever used, for offline verifiers.
pub async fn public_keys(db: &Db) -> Result<Vec<PublicKeyRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT key_id, village_code, public_key, created_at, retired_at FROM village_keys ORDER BY village_code, created_at",
    ).fetch_all(p).await)?)
}

pub async fn public_key(db: &Db, key_id: &str) -> Result<Option<PublicKeyRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT key_id, village_code, public_key, created_at, retired_at FROM village_keys WHERE key_id = $1",
    ).bind(key_id).fetch_optional(p).await)?)
}

// ---------------------------------------------------------------------------------------------
// Letters

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LetterRow {
    pub id: Id,
    pub village_code: String,
    pub kind: String,
    pub person_id: Option<Id>,
    pub status: String,
    pub fields: String,
    pub requested_via: String,
    pub requested_by: String,
    pub requester_nik_enc: Option<String>,
    pub requester_phone_enc: Option<String>,
    pub tracking_code: Option<String>,
    pub number: Option<String>,
    pub seq: Option<i64>,
    pub issued_on: Option<NaiveDate>,
    pub code: Option<String>,
    pub payload: Option<String>,
    pub signature: Option<String>,
    pub key_id: Option<String>,
    pub pdf_file_id: Option<Id>,
    pub pdf_sha256: Option<String>,
    pub reason: String,
    pub supersedes: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl LetterRow {
    pub fn status(&self) -> LetterStatus {
        LetterStatus::parse(&self.status).unwrap_or(LetterStatus::Requested)
    }

    /// The kind-specific values as strings by field name.
    pub fn field_values(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }
}

const LETTER_COLUMNS: &str = "id, village_code, kind, person_id, status, fields, requested_via, requested_by, requester_nik_enc, \
     requester_phone_enc, tracking_code, number, seq, issued_on, code, payload, signature, key_id, pdf_file_id, pdf_sha256, reason, \
     supersedes, created_at, updated_at";

pub struct NewLetter {
    pub village_code: String,
    pub kind: String,
    pub person_id: Option<Id>,
    pub fields: String,
    /// "staff" or "public".
    pub requested_via: &'static str,
    pub requested_by: String,
    pub requester_nik_enc: Option<String>,
    pub requester_phone_enc: Option<String>,
    pub tracking_code: Option<String>,
    pub supersedes: Option<Id>,
}

pub async fn create(tx: &mut Tx, actor: &Actor, l: &NewLetter) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO letters (id, village_code, kind, person_id, status, fields, requested_via, requested_by, requester_nik_enc,
                              requester_phone_enc, tracking_code, reason, supersedes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7, $8, $9, $10, '', $11, $12, $12)",
    )
    .bind(id).bind(&l.village_code).bind(&l.kind).bind(l.person_id).bind(&l.fields).bind(l.requested_via)
    .bind(&l.requested_by).bind(&l.requester_nik_enc).bind(&l.requester_phone_enc).bind(&l.tracking_code)
    .bind(l.supersedes).bind(at)
    .execute(c).await.map(|_| ()))?;
    event(
        tx,
        &actor.label,
        id,
        "",
        LetterStatus::Requested.as_str(),
        "",
    )
    .await?;
    audit::record_change(
        tx,
        actor,
        "letter",
        id,
        "create",
        &l.village_code,
        &["kind", "person", "fields"],
    )
    .await?;
    Ok(id)
}

async fn one(db: &Db, column: &str, value: &str) -> Result<Option<LetterRow>> {
    let sql = format!("SELECT {LETTER_COLUMNS} FROM letters WHERE {column} = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(value).fetch_optional(p).await)?,
    )
}

pub async fn letter(db: &Db, id: Id) -> Result<Option<LetterRow>> {
    let sql = format!("SELECT {LETTER_COLUMNS} FROM letters WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub async fn letter_in_tx(tx: &mut Tx, id: Id) -> Result<LetterRow> {
    let sql = format!("SELECT {LETTER_COLUMNS} FROM letters WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

/// The letter a verification code names.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<LetterRow>> {
    one(db, "code", code).await
}

pub async fn by_tracking_code(db: &Db, tracking: &str) -> Result<Option<LetterRow>> {
    one(db, "tracking_code", tracking).await
}

/// The issued letter whose PDF has exactly these bytes (by their SHA-256).
pub async fn by_pdf_sha256(db: &Db, sha256: &str) -> Result<Option<LetterRow>> {
    one(db, "pdf_sha256", sha256).await
}

/// What the letter list shows.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LetterListRow {
    pub id: Id,
    pub village_code: String,
    pub kind: String,
    pub kind_title: String,
    pub status: String,
    pub number: Option<String>,
    pub subject_name: Option<String>,
    pub requested_via: String,
    pub created_at: DateTime<Utc>,
}

/// A page of a scope's letters, newest first, optionally of one status.
pub async fn list(
    db: &Db,
    scope: &str,
    status: Option<LetterStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<LetterListRow>, i64)> {
    let (scope_sql, scope_value) = match scope.len() {
        0 => ("$1 = ''", String::new()),
        13 => ("l.village_code = $1", scope.to_owned()),
        _ => ("l.village_code LIKE $1", format!("{scope}.%")),
    };
    let status = status.map(|s| s.as_str()).unwrap_or("");
    let filter = format!("{scope_sql} AND ($2 = '' OR l.status = $2)");
    let sql = format!(
        "SELECT l.id, l.village_code, l.kind, k.title AS kind_title, l.status, l.number, p.name AS subject_name, l.requested_via, l.created_at
         FROM letters l JOIN letter_kinds k ON k.code = l.kind LEFT JOIN persons p ON p.id = l.person_id
         WHERE {filter} ORDER BY l.created_at DESC, l.id DESC LIMIT {} OFFSET {}",
        limit.max(0),
        offset.max(0)
    );
    let count = format!("SELECT COUNT(*) FROM letters l WHERE {filter}");
    let rows = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&scope_value).bind(status).fetch_all(p).await)?;
    let total = on_pool!(db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(count)).bind(&scope_value).bind(status).fetch_one(p).await)?;
    Ok((rows, total))
}

/// A person's letters, newest first.
pub async fn of_person(db: &Db, person_id: Id) -> Result<Vec<LetterRow>> {
    let sql = format!(
        "SELECT {LETTER_COLUMNS} FROM letters WHERE person_id = $1 ORDER BY created_at DESC"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person_id).fetch_all(p).await)?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    pub from_status: String,
    pub to_status: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub note: String,
}

pub async fn events_of(db: &Db, letter_id: Id) -> Result<Vec<EventRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT from_status, to_status, at, actor, note FROM letter_events WHERE letter_id = $1 ORDER BY at, id",
    ).bind(letter_id).fetch_all(p).await)?)
}

async fn event(
    tx: &mut Tx,
    actor: &str,
    letter_id: Id,
    from: &str,
    to: &str,
    note: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO letter_events (id, letter_id, from_status, to_status, at, actor, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Id::new()).bind(letter_id).bind(from).bind(to).bind(now()).bind(actor).bind(note)
    .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Moves a letter one step along `core::letters` (the reason is kept for a rejection or a
/// revocation). Two people acting at once cannot both move it: the update only applies to the
/// status the step started from.
pub async fn step(
    tx: &mut Tx,
    actor: &Actor,
    letter: &LetterRow,
    to: LetterStatus,
    note: &str,
) -> Result<()> {
    let from = letter.status();
    check_step(from, to).map_err(|e| DbError::Conflict(e.message))?;
    let keeps_reason = matches!(to, LetterStatus::Rejected | LetterStatus::Revoked);
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE letters SET status = $1, reason = CASE WHEN $2 THEN $3 ELSE reason END, updated_at = $4 WHERE id = $5 AND status = $6",
    )
    .bind(to.as_str()).bind(keeps_reason).bind(note).bind(now()).bind(letter.id).bind(from.as_str())
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "surat ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    event(
        tx,
        &actor.label,
        letter.id,
        from.as_str(),
        to.as_str(),
        note,
    )
    .await?;
    audit::record_change(
        tx,
        actor,
        "letter",
        letter.id,
        to.as_str(),
        &letter.village_code,
        &["status"],
    )
    .await
}

/// Replaces what a request says (kind-specific values, the person it is about) before review ends.
pub async fn update_request(
    tx: &mut Tx,
    actor: &Actor,
    letter: &LetterRow,
    person_id: Option<Id>,
    fields: &str,
) -> Result<()> {
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE letters SET person_id = $1, fields = $2, updated_at = $3 WHERE id = $4 AND status IN ('requested', 'in_review')",
    )
    .bind(person_id).bind(fields).bind(now()).bind(letter.id)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "surat yang sudah diajukan untuk tanda tangan tidak bisa diubah lagi".into(),
        ));
    }
    audit::record_change(
        tx,
        actor,
        "letter",
        letter.id,
        "update",
        &letter.village_code,
        &["person", "fields"],
    )
    .await
}

/// The next number of a village's letters of a kind in a year. Taken in the issuing transaction:
/// the counter row stays locked until it commits (PostgreSQL) or the whole database is
/// (SQLite), and a rolled-back issue gives its number back, so there are no gaps or duplicates.
pub async fn next_number(tx: &mut Tx, village_code: &str, kind: &str, year: i32) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO letter_counters (village_code, kind, year, last) VALUES ($1, $2, $3, 1)
         ON CONFLICT (village_code, kind, year) DO UPDATE SET last = letter_counters.last + 1
         RETURNING last",
    )
    .bind(village_code).bind(kind).bind(year)
    .fetch_one(c).await)?)
}

/// Everything the signing step produced.
pub struct Issue<'a> {
    pub seq: i64,
    pub year: i32,
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub code: &'a str,
    pub payload: &'a str,
    pub signature: &'a str,
    pub key_id: &'a str,
    pub pdf_file_id: Id,
    pub pdf_sha256: &'a str,
}

/// Records the signed letter and marks it issued; a letter it replaces becomes superseded.
pub async fn issue(tx: &mut Tx, actor: &Actor, letter: &LetterRow, i: &Issue<'_>) -> Result<()> {
    step(tx, actor, letter, LetterStatus::Issued, i.number).await?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE letters SET number = $1, seq = $2, year = $3, issued_on = $4, code = $5, payload = $6, signature = $7, key_id = $8,
                pdf_file_id = $9, pdf_sha256 = $10 WHERE id = $11",
    )
    .bind(i.number).bind(i.seq).bind(i.year).bind(i.issued_on).bind(i.code).bind(i.payload).bind(i.signature)
    .bind(i.key_id).bind(i.pdf_file_id).bind(i.pdf_sha256).bind(letter.id)
    .execute(c).await.map(|_| ()))?;
    if let Some(old) = letter.supersedes {
        let old = letter_in_tx(tx, old).await?;
        if old.status().is_valid_letter() {
            step(
                tx,
                actor,
                &old,
                LetterStatus::Superseded,
                &format!("diganti oleh surat {}", i.number),
            )
            .await?;
        }
    }
    Ok(())
}

/// The date of the person's latest counselling session.
pub async fn last_counselling(tx: &mut Tx, person_id: Id) -> Result<Option<NaiveDate>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MAX(held_on) FROM counselling_sessions WHERE person_id = $1",
    ).bind(person_id).fetch_one(c).await)?)
}

// ---------------------------------------------------------------------------------------------
// Verifications

/// Logs one public verification: its time, method ("code", "upload") and result. Nothing about
/// who asked and never the uploaded file.
pub async fn log_verification(
    db: &Db,
    method: &str,
    result: &str,
    letter_id: Option<Id>,
) -> Result<()> {
    on_pool!(db, p => sqlx::query(
        "INSERT INTO verifications (id, at, method, result, letter_id) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Id::new()).bind(now()).bind(method).bind(result).bind(letter_id)
    .execute(p).await.map(|_| ()))?;
    Ok(())
}

/// How many verifications a letter has had (shown to the village).
pub async fn verification_count(db: &Db, letter_id: Id) -> Result<i64> {
    Ok(
        on_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM verifications WHERE letter_id = $1")
        .bind(letter_id).fetch_one(p).await)?,
    )
}
