//! Deployment-wide settings (programme label and the like), as key/value pairs.

use crate::audit::{self, Actor};
use crate::{Db, Result, Tx, on_pool, on_tx};
use desmigratif_core::now;

/// The programme label shown on public pages: configuration, because the programme has been
/// renamed before (Desmigratif → Desa Migran EMAS).
pub const PROGRAMME_LABEL: &str = "programme_label";
pub const DEFAULT_PROGRAMME_LABEL: &str = "Desa Migran Produktif (Desmigratif)";

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    Ok(
        on_pool!(db, p => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(p).await)?,
    )
}

pub async fn set(tx: &mut Tx, actor: &Actor, key: &str, value: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected()))?;
    audit::record_change(tx, actor, "setting", key, "update", "", &[key]).await
}
