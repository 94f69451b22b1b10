//! The clear part of a stored NIK or KK number is its six region digits (`persons.nik_prefix`,
//! `households.kk_prefix`, migration 0014), never the serial. Rows stored before 0014 kept only
//! the last four digits; their prefix can only be read from the sealed number, which needs the
//! key, so it is filled in here, by the program that holds the key, when it opens the database.
//! Until then such a row shows bullets only.

use crate::registry::{KK_CONTEXT, NIK_CONTEXT};
use crate::{Db, Result, on_pool, on_tx};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::nik::PREFIX_LEN;

/// Rows written per transaction.
const CHUNK: i64 = 500;

/// (table, sealed column, prefix column, encryption context).
const NUMBERS: [(&str, &str, &str, &str); 2] = [
    ("persons", "nik_enc", "nik_prefix", NIK_CONTEXT),
    ("households", "kk_enc", "kk_prefix", KK_CONTEXT),
];

/// How many people and households still have no stored prefix (cheap: callers check this
/// before loading the key).
pub async fn missing(db: &Db) -> Result<i64> {
    let mut n = 0;
    for (table, _, prefix, _) in NUMBERS {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE {prefix} = ''");
        let c: i64 =
            on_pool!(db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(p).await)?;
        n += c;
    }
    Ok(n)
}

/// What [`fill`] did: prefixes written, and rows whose number did not open with this key or is
/// not 16 digits (left as they are, shown as bullets, and reported).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Filled {
    pub filled: u64,
    pub unreadable: u64,
}

/// Fills the prefix of every person and household that has none from its sealed number.
pub async fn fill(db: &Db, keys: &Keys) -> Result<Filled> {
    let mut done = Filled::default();
    for (table, sealed_column, prefix, context) in NUMBERS {
        // Unreadable rows stay empty, so the scan moves on by id instead of asking for '' again.
        let mut after: Option<Id> = None;
        loop {
            let select = format!(
                "SELECT id, {sealed_column} FROM {table} WHERE {prefix} = '' AND ($1 IS NULL OR id > $1)
                 ORDER BY id LIMIT {CHUNK}"
            );
            let rows: Vec<(Id, String)> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(select))
                .bind(after).fetch_all(p).await)?;
            let Some((last, _)) = rows.last() else {
                break;
            };
            after = Some(*last);
            let update = format!("UPDATE {table} SET {prefix} = $1 WHERE id = $2");
            let mut tx = db.begin().await?;
            for (id, sealed) in &rows {
                let number = keys
                    .decrypt_str(context, sealed)
                    .ok()
                    .filter(|n| n.len() == 16 && n.bytes().all(|b| b.is_ascii_digit()));
                let Some(number) = number else {
                    done.unreadable += 1;
                    continue;
                };
                let sql = update.clone();
                on_tx!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&number[..PREFIX_LEN]).bind(*id).execute(c).await.map(|r| r.rows_affected()))?;
                done.filled += 1;
            }
            tx.commit().await?;
        }
    }
    Ok(done)
}
