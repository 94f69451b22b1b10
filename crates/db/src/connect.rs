//! Opening the database named by a URL, with the guards that turn set-up mistakes into one clear
//! line instead of a silently created empty database.

use crate::{Db, DbError, Result};
use sqlx::ConnectOptions as _;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");
/// The migration that creates `person_name_words`.
const NAME_WORDS_MIGRATION: i64 = 4;

pub fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("desmigratif.db").display())
}

pub struct ConnectOptions<'a> {
    pub url: &'a str,
    /// Create the SQLite file when it does not exist (first start in the data dir, `migrate`);
    /// otherwise a missing file is an error, so a typo'd path is not silently a new database.
    pub create: bool,
    pub max_connections: u32,
}

/// Hides the password of a URL for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Db {
    pub async fn connect(opts: ConnectOptions<'_>) -> Result<Db> {
        let url = opts.url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| {
                    DbError::Setup(format!("URL PostgreSQL tidak valid ({}): {e}", redact(url)))
                })?
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(|e| {
                    DbError::Setup(format!(
                        "tidak dapat terhubung ke PostgreSQL {}: {e}",
                        redact(url)
                    ))
                })?;
            Ok(Db::Postgres(pool))
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(DbError::Setup(
                    "SQLite memerlukan path berkas, mis. sqlite://./data/desmigratif.db".into(),
                ));
            }
            let file = Path::new(path);
            let dir = file
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !file.exists() {
                if !opts.create {
                    return Err(DbError::Setup(format!(
                        "berkas database SQLite {} tidak ada; periksa --database-url (jalankan `desmigratif migrate` untuk membuat database baru)",
                        file.display()
                    )));
                }
                if !dir.is_dir() {
                    return Err(DbError::Setup(format!(
                        "folder {} untuk database SQLite tidak ada",
                        dir.display()
                    )));
                }
            }
            check_writable(dir)?;
            let options = SqliteConnectOptions::new()
                .filename(file)
                .create_if_missing(opts.create)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: an acknowledged write survives a power cut, not only a crash of the process.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = SqlitePoolOptions::new()
                .max_connections(opts.max_connections)
                .connect_with(options)
                .await
                .map_err(|e| {
                    DbError::Setup(format!(
                        "tidak dapat membuka database SQLite {}: {e}",
                        file.display()
                    ))
                })?;
            Ok(Db::Sqlite(pool))
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(DbError::Setup(format!(
                "skema URL database «{scheme}» tidak dikenal; gunakan sqlite://PATH atau postgres://USER@HOST/DB"
            )))
        }
    }

    /// Brings the schema up to date. Refuses a database whose schema is newer than this binary
    /// knows (it was upgraded by a newer version): running old code on it could corrupt data.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let applied = self.applied_schema_version().await?;
        if applied > known {
            return Err(DbError::Setup(format!(
                "skema database versi {applied} lebih baru dari yang dikenal program ini (versi {known}); pasang versi desmigratif yang lebih baru"
            )));
        }
        let result = match self {
            Db::Sqlite(p) => migrator.run(p).await,
            Db::Postgres(p) => migrator.run(p).await,
        };
        result.map_err(|e| DbError::Setup(format!("migrasi database gagal: {e}")))?;
        // The name word index (0004) is computed by the application, so people registered before
        // it existed are indexed here, once, as the migration that creates it is applied.
        if applied > 0 && applied < NAME_WORDS_MIGRATION {
            crate::names::index_missing(self).await?;
        }
        Ok(())
    }

    /// The newest migration applied, 0 for an empty database.
    pub async fn applied_schema_version(&self) -> Result<i64> {
        let exists: bool = match self {
            Db::Sqlite(p) => {
                sqlx::query_scalar("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                    .fetch_one(p)
                    .await?
            }
            Db::Postgres(p) => {
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(p).await?
            }
        };
        if !exists {
            return Ok(0);
        }
        let v: Option<i64> = crate::on_pool!(self, p => sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(p).await)?;
        Ok(v.unwrap_or(0))
    }

    pub fn known_schema_version(&self) -> i64 {
        let m = match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        m.iter().map(|m| m.version).max().unwrap_or(0)
    }
}

/// A data dir that cannot be written fails on the first write, far from the cause; check up front.
pub fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".desmigratif-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"ok")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            DbError::Setup(format!(
                "folder data {} tidak dapat ditulisi: {e}",
                dir.display()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/dm"),
            "postgres://app:***@db:5432/dm"
        );
        assert_eq!(redact("postgres://app@db/dm"), "postgres://app@db/dm");
        assert_eq!(redact("sqlite://./data/x.db"), "sqlite://./data/x.db");
    }
}
