//! The database: one handle over SQLite (default, embedded) or PostgreSQL, both migration trees,
//! and every query. Queries are written once in portable SQL; the `on_pool!`/`on_tx!` macros run
//! the same body against the concrete driver of each backend, so each arm is type-checked against
//! its real driver (no `Any` driver: it cannot read SQLite booleans or PostgreSQL dates).

pub mod agencies;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod business;
pub mod cases;
pub mod children;
pub mod connect;
pub mod coop;
pub mod demo;
pub mod fees;
pub mod guides;
pub mod jobs;
pub mod letters;
pub mod limits;
pub mod names;
pub mod prefixes;
pub mod products;
pub mod registry;
pub mod reports;
pub mod schema;
pub mod sessions;
pub mod settings;
pub mod synth;
pub mod tokens;
pub mod trainings;
pub mod transfer;
pub mod users;
pub mod villages;

pub use connect::{ConnectOptions, default_sqlite_url};

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Runs `$body` with `$p` bound to the concrete pool of whichever backend `$db` is.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of an open write transaction.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up
/// front: a deferred transaction that later upgrades fails at once with SQLITE_BUSY instead of
/// waiting. Dropped without `commit`, it rolls back, so a failed request leaves nothing half-written.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Set-up problems (URL, file, permissions, schema version): one line a person can act on.
    #[error("{0}")]
    Setup(String),
    /// The change conflicts with what is stored (a duplicate, a record changed meanwhile).
    #[error("{0}")]
    Conflict(String),
    #[error("data tidak ditemukan")]
    NotFound,
    /// A stored value no longer parses: the database was edited outside the application.
    #[error("data tersimpan rusak: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// One key file for every unit test of this crate: the audit key is per process, and tests run
/// side by side in one.
#[cfg(test)]
pub(crate) fn test_keys() -> &'static desmigratif_core::crypto::Keys {
    static KEYS: std::sync::LazyLock<desmigratif_core::crypto::Keys> =
        std::sync::LazyLock::new(desmigratif_core::crypto::Keys::generate);
    audit::install_key(&KEYS);
    &KEYS
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Cheap liveness check for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A page of `select`'s rows in a region (the code and everything below it; `None`: the whole
/// nation), in one `status` unless it is empty, in `order`; and whether more rows follow.
/// Report queues and case lists are both read this way.
pub(crate) async fn page_in_region<T>(
    db: &Db,
    select: &str,
    region: Option<&str>,
    status: &str,
    order: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<T>, bool)>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(prefix) = region {
        binds.push(prefix.to_owned());
        binds.push(format!("{prefix}.%"));
        clauses.push("(region_code = $1 OR region_code LIKE $2)".to_owned());
    }
    if !status.is_empty() {
        binds.push(status.to_owned());
        clauses.push(format!("status = ${}", binds.len()));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "{select} {filter} ORDER BY {order} LIMIT {} OFFSET {}",
        limit + 1,
        offset.max(0)
    );
    let mut rows: Vec<T> = on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for b in &binds {
            q = q.bind(b.clone());
        }
        q.fetch_all(p).await
    })?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// Whether an error is a UNIQUE violation, to turn it into a message about the duplicate.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Maps a UNIQUE violation to `Conflict(message)`, anything else through unchanged.
pub(crate) fn conflict_on_duplicate(e: sqlx::Error, message: impl Into<String>) -> DbError {
    if is_unique_violation(&e) {
        DbError::Conflict(message.into())
    } else {
        DbError::Sql(e)
    }
}
