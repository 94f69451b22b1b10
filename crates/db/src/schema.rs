//! What tables and columns the connected database has: for the migration-parity test and the
//! backup, which must cover every table.

use crate::{Db, Result};
use std::collections::BTreeMap;

/// Table name → column names in declaration order, leaving out sqlx's bookkeeping table.
pub async fn columns(db: &Db) -> Result<BTreeMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as(
                "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'
                 ORDER BY m.name, c.cid",
            )
            .fetch_all(p)
            .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'
                 ORDER BY table_name, ordinal_position",
            )
            .fetch_all(p)
            .await?
        }
    };
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in rows {
        tables.entry(table).or_default().push(column);
    }
    Ok(tables)
}
