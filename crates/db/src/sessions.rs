//! Login sessions, stored in the database so several app instances can share one PostgreSQL.
//! The cookie carries a random secret; only its SHA-256 is stored.

use crate::users::{COLUMNS, UserRow};
use crate::{Db, Result, on_pool};
use chrono::{DateTime, Duration, Utc};
use desmigratif_core::id::Id;
use desmigratif_core::now;

/// A session ends after this long without a request…
pub const IDLE: Duration = Duration::hours(8);
/// …and at the latest this long after login.
pub const ABSOLUTE: Duration = Duration::days(7);
/// `last_seen_at` is written at most this often, so ordinary page views do not write.
const TOUCH_EVERY: Duration = Duration::minutes(5);

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: Id,
    pub csrf_token: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn create(db: &Db, s: &NewSession<'_>) -> Result<()> {
    let at = now();
    on_pool!(db, p => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $4, $6, $7)",
    )
    .bind(s.token_hash)
    .bind(s.user_id)
    .bind(s.csrf_token)
    .bind(at)
    .bind(at + ABSOLUTE)
    .bind(s.ip)
    .bind(s.user_agent.chars().take(200).collect::<String>())
    .execute(p)
    .await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Joined {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    last_seen_at: DateTime<Utc>,
}

/// The live session with this token hash and its (enabled) user; touches it when due.
pub async fn lookup(db: &Db, token_hash: &str) -> Result<Option<(UserRow, String)>> {
    let at = now();
    let sql = format!(
        "SELECT {COLUMNS}, sessions.csrf_token, sessions.last_seen_at FROM sessions JOIN users ON users.id = sessions.user_id
         WHERE sessions.token_hash = $1 AND sessions.expires_at > $2 AND sessions.last_seen_at > $3 AND NOT users.disabled"
    );
    let row: Option<Joined> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(at)
        .bind(at - IDLE)
        .fetch_optional(p)
        .await)?;
    let Some(row) = row else { return Ok(None) };
    if at - row.last_seen_at > TOUCH_EVERY {
        on_pool!(db, p => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(at).bind(token_hash).execute(p).await.map(|r| r.rows_affected()))?;
    }
    Ok(Some((row.user, row.csrf_token)))
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    on_pool!(db, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes expired sessions; run periodically by the server.
pub async fn purge_expired(db: &Db) -> Result<u64> {
    let at = now();
    let done = on_pool!(db, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(at)
        .bind(at - IDLE)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}
