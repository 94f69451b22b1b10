//! The clear part of a stored NIK is its six region digits (`persons.nik_prefix`, migration
//! 0014), never the serial. Rows stored before 0014 kept only `nik_last4`; their prefix can only
//! be read from `nik_enc`, which needs the key, so it is filled in here, by the program that holds
//! the key, when it opens the database. Until then such a row shows bullets only.

use crate::registry::NIK_CONTEXT;
use crate::{Db, Result, on_pool, on_tx};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::nik::Nik;

/// Rows written per transaction.
const CHUNK: i64 = 500;

/// How many people still have no stored NIK prefix (cheap: callers check this before loading
/// the key).
pub async fn missing(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons WHERE nik_prefix = ''").fetch_one(p).await)?)
}

/// What [`fill`] did: prefixes written, and rows whose NIK did not open with this key or did
/// not parse (left as they are, shown as bullets, and reported).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Filled {
    pub filled: u64,
    pub unreadable: u64,
}

/// Fills `nik_prefix` from the sealed NIK of every person that has none.
pub async fn fill(db: &Db, keys: &Keys) -> Result<Filled> {
    let mut done = Filled::default();
    // Unreadable rows stay empty, so the scan moves on by id instead of asking for '' again.
    let mut after: Option<Id> = None;
    loop {
        let rows: Vec<(Id, String)> = on_pool!(db, p => sqlx::query_as(
            "SELECT id, nik_enc FROM persons WHERE nik_prefix = '' AND ($1 IS NULL OR id > $1)
             ORDER BY id LIMIT $2")
            .bind(after).bind(CHUNK).fetch_all(p).await)?;
        let Some((last, _)) = rows.last() else {
            return Ok(done);
        };
        after = Some(*last);
        let mut tx = db.begin().await?;
        for (id, sealed) in &rows {
            let nik = keys
                .decrypt_str(NIK_CONTEXT, sealed)
                .ok()
                .and_then(|n| Nik::parse(&n).ok());
            let Some(nik) = nik else {
                done.unreadable += 1;
                continue;
            };
            on_tx!(&mut tx, c => sqlx::query("UPDATE persons SET nik_prefix = $1 WHERE id = $2")
                .bind(nik.prefix()).bind(*id).execute(c).await.map(|r| r.rows_affected()))?;
            done.filled += 1;
        }
        tx.commit().await?;
    }
}
