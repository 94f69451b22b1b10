//! Staff accounts.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, conflict_on_duplicate, on_pool, on_tx};
use chrono::{DateTime, Utc};
use desmigratif_core::access::{Compartments, Principal, Role};
use desmigratif_core::id::Id;
use desmigratif_core::now;
use desmigratif_core::region::Scope;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub scope: String,
    pub compartments: String,
    pub language: String,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

pub(crate) const COLUMNS: &str = "users.id, users.username, users.display_name, users.password_hash, users.role, users.scope, \
     users.compartments, users.language, users.disabled, users.failed_logins, users.locked_until, \
     users.password_changed_at, users.created_at";

impl UserRow {
    pub fn principal(&self) -> Result<Principal> {
        let corrupt = |e: desmigratif_core::Invalid| {
            DbError::Corrupt(format!("pengguna {}: {e}", self.username))
        };
        Ok(Principal {
            user_id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role.parse().map_err(corrupt)?,
            scope: Scope::from_stored(&self.scope).map_err(corrupt)?,
            compartments: Compartments::from_stored(&self.compartments).map_err(corrupt)?,
        })
    }

    pub fn is_locked(&self, at: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > at)
    }
}

/// A validated new account (see `desmigratif_core::user` for the rules).
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub compartments: Compartments,
}

pub async fn create(tx: &mut Tx, actor: &Actor, u: &NewUser) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO users (id, username, display_name, password_hash, role, scope, compartments, language, disabled,
                            failed_logins, locked_until, password_changed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'id', FALSE, 0, NULL, $8, $8, $8)",
    )
    .bind(id)
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(u.role.as_str())
    .bind(u.scope.as_stored())
    .bind(u.compartments.to_stored())
    .bind(at)
    .execute(c)
    .await.map(|r| r.rows_affected()))
    .map_err(|e| conflict_on_duplicate(e, format!("nama pengguna «{}» sudah dipakai", u.username)))?;
    audit::record_change(
        tx,
        actor,
        "user",
        id,
        "create",
        u.scope.as_stored(),
        &["username", "role", "scope", "compartments"],
    )
    .await?;
    Ok(id)
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(p).await)?,
    )
}

pub async fn by_id(db: &Db, id: Id) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// Accounts whose scope lies inside `scope`, ordered by username, one page at a time.
pub async fn list_within(
    db: &Db,
    scope: &Scope,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64)> {
    let prefix = scope.as_stored();
    let like = format!("{prefix}.%");
    let filter = "($1 = '' OR scope = $1 OR scope LIKE $2)";
    let sql =
        format!("SELECT {COLUMNS} FROM users WHERE {filter} ORDER BY username LIMIT $3 OFFSET $4");
    let count_sql = format!("SELECT COUNT(*) FROM users WHERE {filter}");
    let rows = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(prefix).bind(&like).bind(limit).bind(offset).fetch_all(p).await)?;
    let total = on_pool!(db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql)).bind(prefix).bind(&like).fetch_one(p).await)?;
    Ok((rows, total))
}

/// Sets a new password and ends every session and API token of the account, so a stolen
/// credential stops working when the password is changed.
pub async fn set_password(
    tx: &mut Tx,
    actor: &Actor,
    user: &UserRow,
    password_hash: &str,
) -> Result<()> {
    let at = now();
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, failed_logins = 0, locked_until = NULL WHERE id = $3")
            .bind(password_hash)
            .bind(at)
            .bind(user.id)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.id).execute(&mut *c).await?;
    });
    audit::record_change(
        tx,
        actor,
        "user",
        user.id,
        "update",
        &user.scope,
        &["password"],
    )
    .await
}

pub async fn set_disabled(
    tx: &mut Tx,
    actor: &Actor,
    user: &UserRow,
    disabled: bool,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled)
            .bind(now())
            .bind(user.id)
            .execute(&mut *c)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.id).execute(&mut *c).await?;
        }
    });
    audit::record_change(
        tx,
        actor,
        "user",
        user.id,
        "update",
        &user.scope,
        &["disabled"],
    )
    .await
}

/// Replaces the compartments an account holds; the account's next request already acts on them.
pub async fn set_compartments(
    tx: &mut Tx,
    actor: &Actor,
    user: &UserRow,
    compartments: &Compartments,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET compartments = $1, updated_at = $2 WHERE id = $3")
        .bind(compartments.to_stored())
        .bind(now())
        .bind(user.id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "user",
        user.id,
        "update",
        &user.scope,
        &["compartments"],
    )
    .await
}

pub async fn set_language(db: &Db, user_id: Id, language: &str) -> Result<()> {
    on_pool!(db, p => sqlx::query("UPDATE users SET language = $1 WHERE id = $2").bind(language).bind(user_id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts one failed login in one statement, so that failures at the same moment all count, and
/// returns the count.
pub async fn record_failed_login(tx: &mut Tx, user_id: Id) -> Result<i32> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(user_id)
    .fetch_one(c)
    .await)?)
}

pub async fn reset_failed_logins(tx: &mut Tx, user_id: Id) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)")
        .bind(user_id)
        .execute(c)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts accounts per role within a scope, for the dashboard.
pub async fn count_by_role(db: &Db, scope: &Scope) -> Result<Vec<(String, i64)>> {
    let prefix = scope.as_stored();
    let like = format!("{prefix}.%");
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT role, COUNT(*) FROM users WHERE ($1 = '' OR scope = $1 OR scope LIKE $2) AND NOT disabled GROUP BY role ORDER BY role",
    )
    .bind(prefix)
    .bind(&like)
    .fetch_all(p)
    .await)?)
}
