//! Personal API tokens: the same rights as their user, stored hashed, revocable.

use crate::audit::{self, Actor};
use crate::users::{COLUMNS, UserRow};
use crate::{Db, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use desmigratif_core::id::Id;
use desmigratif_core::now;
use desmigratif_core::user::TOKEN_DAYS;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TokenRow {
    pub id: Id,
    pub name: String,
    /// The first characters of the token, so a user can tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Tokens minted before expiry dates existed have none: they live [`TOKEN_DAYS`] from their
    /// creation ([`TokenRow::expires`]).
    pub expires_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    pub fn expires(&self) -> DateTime<Utc> {
        expiry(self.created_at, self.expires_at)
    }
}

fn expiry(created_at: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
    expires_at.unwrap_or(created_at + chrono::Duration::days(TOKEN_DAYS))
}

pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    user: &UserRow,
    name: &str,
    token_hash: &str,
    prefix: &str,
    lifetime: chrono::Duration,
) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(user.id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(at)
    .bind(at + lifetime)
    .execute(c)
    .await.map(|r| r.rows_affected()))?;
    audit::record_change(tx, actor, "api_token", id, "create", &user.scope, &["name"]).await?;
    Ok(id)
}

pub async fn list(db: &Db, user_id: Id) -> Result<Vec<TokenRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, name, prefix, created_at, last_used_at, revoked_at, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(p)
    .await)?)
}

/// Revokes one of the user's own tokens; false if there was no such live token.
pub async fn revoke(tx: &mut Tx, actor: &Actor, user: &UserRow, token_id: Id) -> Result<bool> {
    let done = on_tx!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now())
        .bind(token_id)
        .bind(user.id)
        .execute(c)
        .await.map(|r| r.rows_affected()))?;
    if done == 1 {
        audit::record_change(
            tx,
            actor,
            "api_token",
            token_id,
            "update",
            &user.scope,
            &["revoked_at"],
        )
        .await?;
    }
    Ok(done == 1)
}

/// Revokes every live token of the user (a changed password); returns how many.
pub async fn revoke_all(tx: &mut Tx, actor: &Actor, user: &UserRow) -> Result<u64> {
    let done = on_tx!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(user.id)
        .execute(c)
        .await.map(|r| r.rows_affected()))?;
    if done > 0 {
        audit::record_change(
            tx,
            actor,
            "api_token",
            user.id,
            "update",
            &user.scope,
            &["revoked_at"],
        )
        .await?;
    }
    Ok(done)
}

/// The enabled user a live, unexpired token belongs to; records the use at most once a minute.
pub async fn lookup(db: &Db, token_hash: &str) -> Result<Option<UserRow>> {
    #[derive(sqlx::FromRow)]
    struct Joined {
        #[sqlx(flatten)]
        user: UserRow,
        token_id: Id,
        last_used_at: Option<DateTime<Utc>>,
        token_created_at: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    }
    let sql = format!(
        "SELECT {COLUMNS}, api_tokens.id AS token_id, api_tokens.last_used_at, api_tokens.created_at AS token_created_at, api_tokens.expires_at FROM api_tokens JOIN users ON users.id = api_tokens.user_id
         WHERE api_tokens.token_hash = $1 AND api_tokens.revoked_at IS NULL AND NOT users.disabled"
    );
    let row: Option<Joined> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(p).await)?;
    let Some(row) = row else { return Ok(None) };
    let at = now();
    // Compared here, not in SQL: one rule for both engines and for tokens from before expiry.
    if expiry(row.token_created_at, row.expires_at) <= at {
        return Ok(None);
    }
    if row
        .last_used_at
        .is_none_or(|t| at - t > chrono::Duration::minutes(1))
    {
        on_pool!(db, p => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(at).bind(row.token_id).execute(p).await.map(|r| r.rows_affected()))?;
    }
    Ok(Some(row.user))
}
